"""Shared fixtures. The live server comes from vpcsim's own pytest plugin (``vpcsim.testing``): one per worker.

Each test acts as a fresh AWS account (a random 12-digit access key id), so tests never see each other's resources
and need no reset between them, even when run in parallel.

The server keeps its state in memory, except for the modules in ``BOTH_BACKENDS``: their tests run twice, on an
SQLite file and on PostgreSQL (a throwaway server, tests/pg_cluster.py; skipped with the reason where PostgreSQL is not
installed). AWS CLI tests stay on memory: they test the CLI's wire, not the state.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.pg_cluster import ENV, Cluster, start_cluster
from vpcsim.testing import Server, free_port

AWS = str(Path(sys.executable).with_name("aws"))
BOTH_BACKENDS = {"test_vpcs.py", "test_routes.py", "test_endpoints.py", "test_concurrency.py", "test_dataplane.py"}


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if (
        "vpcsim_args" in metafunc.fixturenames
        and metafunc.definition.path.name in BOTH_BACKENDS
        and "aws" not in metafunc.fixturenames
    ):
        metafunc.parametrize("backend", ["sqlite", "postgresql"], indirect=True, scope="session")


@pytest.fixture(scope="session")
def backend(request: pytest.FixtureRequest) -> str:
    return str(getattr(request, "param", "memory"))


@pytest.fixture(scope="session")
def postgres() -> Iterator[Cluster]:
    """The run's PostgreSQL server (``make test`` starts one, tests/pg_cluster.py), else one for this session."""
    named = os.environ.get(ENV)
    if named is not None and named.startswith("unavailable:"):
        pytest.skip(f"PostgreSQL {named}")
    if named is not None:
        yield Cluster.attached(named)
        return
    try:
        cluster = start_cluster()
    except LookupError as error:
        pytest.skip(f"PostgreSQL unavailable: {error}")
    try:
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture(scope="session")
def vpcsim_args(backend: str, request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    if backend == "sqlite":
        return ["--state", str(tmp_path_factory.mktemp("sqlite") / "state.db")]
    if backend == "postgresql":
        return ["--state", request.getfixturevalue("postgres").create_database()]
    return ["--ephemeral"]


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Say once, at the end, when the PostgreSQL tests did not run and why (they skip one by one otherwise)."""
    reasons = [r.longrepr[2] for r in terminalreporter.stats.get("skipped", []) if isinstance(r.longrepr, tuple)]
    unavailable = [reason for reason in reasons if "PostgreSQL unavailable" in reason]
    if unavailable:
        message = unavailable[0].removeprefix("Skipped: ")
        terminalreporter.write_line(f"{len(unavailable)} PostgreSQL tests skipped: {message}", yellow=True, bold=True)


@pytest.fixture(scope="module")
def slow() -> Iterator[Server]:
    """A server whose lifecycles run a thousand times slower than AWS's: nothing started in a test finishes in it."""
    server = Server(free_port(), ["--ephemeral", "--time-scale", "1000"]).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def account() -> str:
    return str(random.randrange(10**11, 10**12))


@pytest.fixture
def region() -> str:
    return "us-east-1"


@pytest.fixture
def ec2(vpcsim: Server, account: str, region: str) -> Any:
    return vpcsim.client("ec2", region=region, account=account)


class Cli:
    """The real AWS CLI pointed at the live server, as one account."""

    def __init__(self, server: Server, account: str, region: str) -> None:
        self.env = server.cli_env(region=region, account=account)

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [AWS, *args, "--output", "json"], env=self.env, capture_output=True, text=True, timeout=60
        )

    def __call__(self, *args: str) -> Any:
        done = self.run(*args)
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout) if done.stdout.strip() else {}

    def error(self, *args: str) -> str:
        """The AWS error code the CLI reports for a call that must fail."""
        done = self.run(*args)
        assert done.returncode != 0, f"expected a failure, got {done.stdout}"
        marker = "An error occurred ("
        assert marker in done.stderr, done.stderr
        return done.stderr.split(marker, 1)[1].split(")", 1)[0]


@pytest.fixture
def aws(vpcsim: Server, account: str, region: str) -> Cli:
    return Cli(vpcsim, account, region)


def error_code(excinfo: pytest.ExceptionInfo[ClientError]) -> str:
    return str(excinfo.value.response["Error"]["Code"])
