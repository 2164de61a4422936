"""Fixtures for the infrastructure-as-code tests: a live vpcsim of the test's own, seen through a recording proxy.

``live`` starts vpcsim (``vpcsim.testing.Server``, in memory, on a free port) for one test, with its per-request
log on, drains that log into a file, and puts a :class:`~tests.iac.recorder.Recorder` in front of it. Terraform and
Ansible talk to ``live.url`` (the proxy); the assertions use boto3 straight at the server. Each test acts as two
fresh accounts (random 12-digit access keys are accounts in vpcsim) in its own temporary directory, so tests run in
parallel (pytest-xdist) without sharing anything.

After a run, two sources name what vpcsim did not serve: the recorder (every call answered UnsupportedOperation,
UnknownService, a 5xx ...) and the server's own ``GET /_vpcsim/unsupported``; ``gap_causes`` reports both.

Set ``VPCSIM_IAC_ARTIFACTS=/some/dir`` to keep every run's files there (Terraform output, plan diffs, the calls each
client made and what vpcsim answered, the server log): that is the raw material of the gap list.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import threading
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import pytest

from tests.iac.recorder import Call, Recorder
from vpcsim.testing import Server, free_port

# Answers that mean vpcsim lacks something a client needed: the IaC tests fail on any of them (issue 12).
GAP_ERRORS = frozenset({"UnsupportedOperation", "UnknownService", "InternalError", "InvalidAction"})


@dataclass
class Live:
    """The server, the proxy in front of it and where both log."""

    server: Server
    recorder: Recorder
    server_log: Path

    @property
    def url(self) -> str:
        return self.recorder.url

    def client(self, service: str, region: str, account: str) -> Any:
        return self.server.client(service, region=region, account=account)

    def calls_of(self, accounts: set[str]) -> list[Call]:
        return [call for call in self.recorder.calls() if call.account in accounts]

    def unsupported(self) -> list[str]:
        """What ``GET /_vpcsim/unsupported`` lists: every modelled operation answered UnsupportedOperation."""
        with urllib.request.urlopen(self.server.url + "/_vpcsim/unsupported", timeout=10) as answer:
            rows = json.load(answer)["unsupported"]
        return [f"{row['service']}:{row['operation']} x{row['count']}" for row in rows]

    def gap_causes(self, accounts: set[str], client: str) -> list[str]:
        """One cause per call vpcsim did not serve, from the recorder and from the server's own count."""
        causes = [f"vpcsim did not serve a call {client} made: {line}" for line in gap_lines(self.calls_of(accounts))]
        listed = self.unsupported()
        if listed:
            causes.append("GET /_vpcsim/unsupported is not empty: " + ", ".join(listed))
        return causes


def gaps(calls: list[Call]) -> list[Call]:
    """The calls vpcsim answered with an error that means it lacks the operation, the service or a feature of it:
    those codes, a 5xx, a message saying so ("vpcsim does not support routes to EgressOnlyInternetGatewayId yet"),
    or a 4xx with no AWS error in it (a REST path nothing serves; S3 answers HEAD 404s with no body, as AWS does)."""
    return [call for call in calls if _is_gap(call)]


def _is_gap(call: Call) -> bool:
    if call.error in GAP_ERRORS or call.status >= 500 or "vpcsim does not" in call.message:
        return True
    return call.status >= 400 and not call.error and call.service != "s3"


def gap_lines(calls: list[Call]) -> list[str]:
    seen = dict.fromkeys(f"{c.service}:{c.operation} -> {c.status} {c.error}: {c.message[:160]}" for c in gaps(calls))
    return list(seen)


def _drain(stream: IO[bytes], into: Path) -> None:
    with into.open("ab") as out:
        for line in stream:
            out.write(line)
            out.flush()


@pytest.fixture
def live(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> Iterator[Live]:
    logs = tmp_path_factory.mktemp("vpcsim-iac")
    # --no-quiet after the fixture's --quiet: one log line per request (service, operation, status) on stderr.
    server = Server(free_port(), ["--ephemeral", "--no-quiet"]).start()
    server_log = logs / "server.log"
    assert server.process is not None and server.process.stderr is not None
    threading.Thread(target=_drain, args=(server.process.stderr, server_log), daemon=True).start()
    recorder = Recorder(server.port, logs / "calls.jsonl").start()
    try:
        yield Live(server, recorder, server_log)
    finally:
        recorder.stop()
        server.stop()
        keep = artifacts_dir()
        if keep is not None:
            for name in ("server.log", "calls.jsonl"):
                if (logs / name).exists():
                    shutil.copy(logs / name, keep / f"{request.node.name}-{name}")


def artifacts_dir() -> Path | None:
    where = os.environ.get("VPCSIM_IAC_ARTIFACTS")
    if not where:
        return None
    path = Path(where)
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture
def accounts() -> tuple[str, str]:
    """Two fresh accounts: the application's and a second one (shared services, a partner)."""
    first, second = random.sample(range(10**11, 10**12), 2)
    return str(first), str(second)
