"""The servers a benchmark talks to, each a child process on a free loopback port.

- vpcsim: the project's own ``vpcsim serve --ephemeral`` (stderr captured to a file: its per-request log lines give
  the server's own time per call).
- moto: ``moto_server`` from ``bench/.venv-moto`` (created here with a pinned ``moto[server]`` if missing).
- null: ``bench/nullserver.py``, a tiny asyncio HTTP server answering any EC2 request with a fixed body.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
PROJECT_BIN = ROOT / ".venv" / "bin"
MOTO_VENV = BENCH / ".venv-moto"
MOTO_VERSION = "5.2.5"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def ensure_moto() -> Path:
    """``bench/.venv-moto/bin/moto_server``, installing ``moto[server]==MOTO_VERSION`` into that venv if missing."""
    binary = MOTO_VENV / "bin" / "moto_server"
    stamp = MOTO_VENV / f".moto-{MOTO_VERSION}"
    if binary.exists() and stamp.exists():
        return binary
    print(f"bench: installing moto[server]=={MOTO_VERSION} into {MOTO_VENV} (once)", flush=True)
    if not (MOTO_VENV / "bin" / "python").exists():
        subprocess.run([sys.executable, "-m", "venv", str(MOTO_VENV)], check=True)
    pip = [str(MOTO_VENV / "bin" / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    subprocess.run([*pip, f"moto[server]=={MOTO_VERSION}"], check=True, stderr=subprocess.DEVNULL)
    stamp.touch()
    return binary


@dataclass
class Process:
    """A server in a child process, up once ``health_path`` answers."""

    name: str
    command: list[str]
    port: int
    health_path: str
    log_path: Path | None = None
    process: subprocess.Popen[bytes] | None = None
    started_in: float = 0.0
    env: dict[str, str] = field(default_factory=lambda: dict(os.environ))

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 60.0) -> Process:
        stderr = open(self.log_path, "wb") if self.log_path else subprocess.DEVNULL  # noqa: SIM115
        began = time.perf_counter()
        self.process = subprocess.Popen(self.command, stdout=subprocess.DEVNULL, stderr=stderr, env=self.env)
        self._wait_up(began, timeout)
        self.started_in = time.perf_counter() - began
        return self

    def _wait_up(self, began: float, timeout: float) -> None:
        assert self.process is not None
        while time.perf_counter() - began < timeout:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.process.returncode}: {self.command}")
            try:
                urllib.request.urlopen(self.url + self.health_path, timeout=1).close()
                return
            except OSError:
                time.sleep(0.005)
        self.stop()
        raise RuntimeError(f"{self.name} did not answer on {self.url} within {timeout}s")

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def __enter__(self) -> Process:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def vpcsim(log_path: Path | None = None, quiet: bool = False) -> Process:
    port = free_port()
    command = [str(PROJECT_BIN / "vpcsim"), "serve", "--ephemeral", "--port", str(port)]
    if quiet:
        command.append("--quiet")
    return Process("vpcsim", command, port, "/_vpcsim/health", log_path)


def moto() -> Process:
    binary = ensure_moto()
    port = free_port()
    return Process("moto", [str(binary), "-H", "127.0.0.1", "-p", str(port)], port, "/moto-api/", None)


def null() -> Process:
    port = free_port()
    command = [sys.executable, str(BENCH / "nullserver.py"), str(port)]
    return Process("null", command, port, "/_null/health", None)


def set_null_bodies(server: Process, bodies: dict[str, bytes]) -> None:
    """Make the null server answer each ``Action`` with the given body from now on."""
    data = json.dumps({action: body.decode() for action, body in bodies.items()}).encode()
    request = urllib.request.Request(server.url + "/_null/bodies", data=data, method="POST")
    urllib.request.urlopen(request, timeout=5).close()


def rss_kib(pid: int) -> dict[str, int]:
    """VmRSS and VmHWM (peak) of a process, in KiB, from /proc/PID/status."""
    found: dict[str, int] = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            found[key] = int(value.split()[0])
    return found
