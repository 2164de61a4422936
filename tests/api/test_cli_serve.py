"""``vpcsim serve`` through the real command (issue 16 item 8): it says it listens only once the port is bound, and
a port in use, a port out of range or a ``--state`` that cannot be a state is one clear line and a non-zero exit,
never a traceback or a hang."""

from __future__ import annotations

import errno
import os
import socket
import sqlite3
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.pg_cluster import Cluster
from vpcsim.testing import free_port


def vpcsim(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "vpcsim", *args], capture_output=True, text=True, timeout=120)


def _one_line(done: subprocess.CompletedProcess[str], code: int = 1) -> str:
    """The single line a refused command printed (and it exited ``code``)."""
    assert done.returncode == code, done.stderr
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in done.stderr, done.stderr
    return lines[0]


@pytest.fixture
def taken() -> Iterator[int]:
    """A port another program listens on."""
    with socket.create_server(("127.0.0.1", 0)) as holder:
        yield holder.getsockname()[1]


def _binds(port: int) -> bool:
    try:
        socket.create_server(("127.0.0.1", port)).close()
    except OSError as error:
        assert error.errno == errno.EADDRINUSE
        return False
    return True


def _serve_until_listening(*args: str) -> tuple[subprocess.Popen[str], int]:
    """A server started with ``args``, read up to its "listening" line; its port."""
    port = free_port()
    command = [sys.executable, "-m", "vpcsim", "serve", "--port", str(port), "--quiet", *args]
    process = subprocess.Popen(command, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
    assert process.stderr is not None
    for line in process.stderr:
        if "listening on" in line:
            return process, port
    process.wait(timeout=30)
    raise AssertionError(f"the server stopped without listening (exit {process.returncode})")


def _stop(process: subprocess.Popen[str]) -> None:
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def test_serve_says_listening_only_once_it_accepts_connections() -> None:
    process, port = _serve_until_listening("--ephemeral")
    try:
        assert not _binds(port)
        socket.create_connection(("127.0.0.1", port), timeout=10).close()
    finally:
        _stop(process)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="workers share the port with SO_REUSEPORT (Linux)")
def test_workers_say_listening_only_once_one_accepts_connections(postgres: Cluster) -> None:
    process, port = _serve_until_listening("--state", postgres.create_database("listen"), "--workers", "2")
    try:
        assert not _binds(port)
        socket.create_connection(("127.0.0.1", port), timeout=10).close()
    finally:
        _stop(process)


def test_a_port_in_use_is_one_line(taken: int, tmp_path: Path) -> None:
    for state in (["--ephemeral"], ["--state", str(tmp_path / "state.db")]):
        line = _one_line(vpcsim("serve", "--port", str(taken), *state))
        assert line == f"vpcsim: cannot listen on 127.0.0.1:{taken}: {os.strerror(errno.EADDRINUSE)}"


def test_workers_on_a_port_in_use_is_one_line(taken: int, postgres: Cluster) -> None:
    url = postgres.create_database("taken")
    line = _one_line(vpcsim("serve", "--port", str(taken), "--state", url, "--workers", "2"))
    assert line == f"vpcsim: cannot listen on 127.0.0.1:{taken}: {os.strerror(errno.EADDRINUSE)}"


@pytest.mark.parametrize("port", ["0", "65536", "99999", "-1"])
def test_a_port_out_of_range_is_refused_by_the_argument_parser(port: str) -> None:
    done = vpcsim("serve", "--ephemeral", "--port", port)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "Invalid value for '--port'" in done.stderr


def _unwritable(tmp_path: Path) -> Path:
    """A place this process cannot write: a directory without write permission, or (as root, whom permissions do not
    stop) sysfs, which creates no files."""
    if os.geteuid() == 0:
        return Path("/sys/vpcsim-test/state.db")
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    return locked / "state.db"


def test_a_state_that_cannot_be_written_is_one_line(tmp_path: Path) -> None:
    path = _unwritable(tmp_path)
    line = _one_line(vpcsim("serve", "--state", str(path), "--port", str(free_port())))
    refusals = {os.strerror(e) for e in (errno.EACCES, errno.EPERM, errno.EROFS)}
    assert line.startswith(f"vpcsim: cannot use {path} as a vpcsim state: ") and line.split(": ")[-1] in refusals
    assert not path.exists()


def test_a_directory_given_as_state_is_one_line(tmp_path: Path) -> None:
    line = _one_line(vpcsim("serve", "--state", str(tmp_path), "--port", str(free_port())))
    assert line == f"vpcsim: {tmp_path} is a directory; give a state file's path, e.g. {tmp_path / 'state.db'}"


def test_a_file_that_is_not_a_vpcsim_state_is_refused_and_left_untouched(tmp_path: Path) -> None:
    text = tmp_path / "notes.txt"
    text.write_text("not a database\n")
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as db:
        db.execute("CREATE TABLE t (x)")
    empty = tmp_path / "empty.db"
    empty.touch()
    for path in (text, other):
        path.chmod(0o644)
        before = path.read_bytes()
        line = _one_line(vpcsim("serve", "--state", str(path), "--port", str(free_port())))
        assert str(path) in line and "not" in line
        # Nothing of vpcsim's was added: no tables, no lock file, the permissions as they were.
        assert path.read_bytes() == before and stat.S_IMODE(path.stat().st_mode) == 0o644
        assert not path.with_name(path.name + ".lock").exists()
    assert _one_line(vpcsim("cost", "--state", str(other))) == (
        f"vpcsim: {other} is an SQLite database without vpcsim's tables, not a vpcsim state"
    )
    assert _one_line(vpcsim("cost", "--state", str(empty))) == f"vpcsim: {empty} is an empty file, not a vpcsim state"


def test_reading_a_missing_state_is_one_line_and_creates_nothing(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere" / "state.db"
    assert (
        _one_line(vpcsim("trace", "--state", str(missing), "i-0123", "8.8.8.8"))
        == f"vpcsim: no state file at {missing}"
    )
    assert _one_line(vpcsim("cost", "--state", str(missing))) == f"vpcsim: no state file at {missing}"
    assert not missing.parent.exists()
