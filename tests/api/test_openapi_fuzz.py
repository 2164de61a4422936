"""Schemathesis against the JSON and admin APIs' own OpenAPI document: no generated request gets a 500 or hangs.

Bounded in examples per operation (not in time), on a server of its own (the admin API's reset is among the
operations it calls)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from vpcsim.testing import ADMIN_HEADERS, Server, free_port


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    started = Server(free_port(), ["--ephemeral", "--demo"]).start()
    try:
        yield started
    finally:
        started.stop()


def _schema(server: Server) -> Any:
    return schemathesis.openapi.from_url(server.url + "/_vpcsim/api/openapi.json")


def test_no_operation_answers_500(server: Server) -> None:
    schema = _schema(server)
    failures: list[str] = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 10, "the OpenAPI document lists the JSON and admin APIs"
    for operation in operations:
        strategy = operation.as_strategy()

        @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        @given(case=strategy)
        def check(case: Any) -> None:
            response = case.call(base_url=server.url, headers=dict(ADMIN_HEADERS), timeout=30)
            if response.status_code >= 500:
                failures.append(f"{case.method} {case.formatted_path}: {response.status_code} {response.text[:200]}")

        check()
    assert failures == []
