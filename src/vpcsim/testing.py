"""A pytest plugin for your own test suites: a live vpcsim server on a free port, and boto3 clients for it.

Installed with vpcsim (entry point ``pytest11``), so in any project that depends on vpcsim::

    def test_my_network(vpcsim):
        ec2 = vpcsim.client("ec2", region="eu-west-2")
        vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]

``vpcsim`` is session-scoped and keeps its state in memory (override the ``vpcsim_args`` fixture to serve another
state); ``vpcsim.reset()`` clears it. ``vpcsim.client`` takes
``account=`` (a 12-digit id, used as the access key id) to act as another AWS account.
"""

from __future__ import annotations

import base64
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

# What the admin API asks of a state-changing call: a header no cross-origin web page can send (server/guard.py).
ADMIN_HEADERS = {"X-Vpcsim-Request": "1", "Content-Type": "application/json"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Server:
    """A vpcsim server running in a child process. ``basic`` (key, secret) authenticates the admin calls of a server
    started with ``--credentials``."""

    port: int
    args: list[str] = field(default_factory=list)
    process: subprocess.Popen[bytes] | None = None
    basic: tuple[str, str] | None = None

    def _admin_headers(self) -> dict[str, str]:
        if self.basic is None:
            return dict(ADMIN_HEADERS)
        token = base64.b64encode(":".join(self.basic).encode()).decode()
        return {**ADMIN_HEADERS, "Authorization": f"Basic {token}"}

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 90.0) -> Server:
        command = [sys.executable, "-m", "vpcsim", "serve", "--port", str(self.port), "--quiet", *self.args]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("vpcsim exited: " + (self.process.stderr.read() or b"").decode())  # type: ignore[union-attr]
            try:
                urllib.request.urlopen(self.url + "/_vpcsim/health", timeout=1).close()
                return self
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"vpcsim did not answer on {self.url} within {timeout}s")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def reset(self) -> None:
        request = urllib.request.Request(self.url + "/_vpcsim/reset", method="POST", headers=self._admin_headers())
        urllib.request.urlopen(request, timeout=5).close()

    def admin(self, path: str, body: dict[str, str]) -> None:
        """POST a JSON body to the admin API (``/_vpcsim/...``)."""
        data = json.dumps(body).encode()
        request = urllib.request.Request(self.url + path, data=data, method="POST", headers=self._admin_headers())
        urllib.request.urlopen(request, timeout=5).close()

    def map_principal(self, access_key_id: str, principal: str) -> None:
        """Make ``access_key_id`` act as an IAM user or role (``arn:aws:iam::111122223333:role/app``)."""
        self.admin("/_vpcsim/principals", {"access_key_id": access_key_id, "principal": principal})

    def client(
        self,
        service: str,
        region: str = "us-east-1",
        account: str | None = None,
        access_key: str | None = None,
        secret: str = "vpcsim",
    ) -> Any:
        """A boto3 client for ``service`` against this server, acting as ``account`` (or an ``access_key`` mapped
        with ``map_principal``, or one of a ``--credentials`` file with its ``secret``) if given."""
        import boto3
        from botocore.config import Config

        key = account or access_key or "AKIAVPCSIMTESTING000"
        return boto3.client(
            service,
            region_name=region,
            endpoint_url=self.url,
            aws_access_key_id=key,
            aws_secret_access_key=secret,
            config=Config(retries={"max_attempts": 1}),
        )

    def cli_env(self, region: str = "us-east-1", account: str | None = None) -> dict[str, str]:
        """Environment for running the AWS CLI against this server."""
        return {
            **os.environ,
            "AWS_ACCESS_KEY_ID": account or "AKIAVPCSIMTESTING000",
            "AWS_SECRET_ACCESS_KEY": "vpcsim",
            "AWS_DEFAULT_REGION": region,
            "AWS_ENDPOINT_URL": self.url,
            "AWS_PAGER": "",
            "AWS_CONFIG_FILE": os.devnull,
            "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
        }


@pytest.fixture(scope="session")
def vpcsim_args() -> list[str]:
    """The ``vpcsim serve`` options of the ``vpcsim`` fixture's server: state in memory. Override this fixture to
    test against another state, e.g. ``["--state", "postgresql://localhost/vpcsim_test"]``."""
    return ["--ephemeral"]


@pytest.fixture(scope="session")
def vpcsim(vpcsim_args: list[str]) -> Iterator[Server]:
    """A live vpcsim server (in-memory state, unless ``vpcsim_args`` says otherwise) for the whole test session."""
    server = Server(free_port(), list(vpcsim_args)).start()
    try:
        yield server
    finally:
        server.stop()


def persistent_server(path: Path) -> Server:
    """A server keeping its state in ``path`` (not started)."""
    return Server(free_port(), ["--state", str(path)])


# -- a browser for UI tests and screenshots: Debian's Chromium, never a downloaded one ---------------------------------
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


def launch_chromium(playwright: Any) -> Any:
    """Debian's Chromium (``apt-get install chromium``) under Playwright, headless; ``playwright install`` is never
    needed. Raises FileNotFoundError when it is not installed."""
    if not Path(CHROMIUM).exists():
        raise FileNotFoundError(f"{CHROMIUM} not found: install Debian's chromium (apt-get install chromium)")
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
