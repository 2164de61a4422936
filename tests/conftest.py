"""Shared fixtures. The live server comes from vpcsim's own pytest plugin (``vpcsim.testing``): one per worker.

Each test acts as a fresh AWS account (a random 12-digit access key id), so tests never see each other's resources
and need no reset between them, even when run in parallel.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from vpcsim.testing import Server, free_port

AWS = str(Path(sys.executable).with_name("aws"))


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
