"""The composition root: builds the store, the control plane and the ASGI app from the server's options, and runs
them: one process, or several pre-forked ones on a shared PostgreSQL state (``vpcsim serve --workers N``).

Workers are forked after the parent has parsed botocore's models, so each starts in milliseconds and shares that
memory; each then opens its own connection and in-memory indexes (store/shared.py keeps them current) and accepts on
the one port (``listen``). The parent only supervises: it restarts a worker that dies and stops them all on SIGTERM.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import logging
import os
import signal
import socket
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import uvicorn
from platformdirs import user_data_dir

from vpcsim.control import Control
from vpcsim.errors import ApiError
from vpcsim.importer import ImportFailed, import_payload
from vpcsim.model import IdFactory
from vpcsim.protocol import load_service
from vpcsim.protocol.services import known_scopes
from vpcsim.server import build_asgi
from vpcsim.server.bodies import DEFAULT_MAX_BODY
from vpcsim.server.callers import RequireCaller
from vpcsim.server.credentials import Credentials
from vpcsim.server.edge import Edge, Identity
from vpcsim.server.guard import Asgi, Guard, Policy
from vpcsim.store import MemoryBackend, Store, is_postgres, open_store

log = logging.getLogger("vpcsim")


def default_state_path() -> Path:
    return Path(user_data_dir("vpcsim")) / "state.db"


@dataclass(frozen=True)
class Options:
    state: str | Path | None = None  # an SQLite file or a postgresql:// URL; None: the user's data directory
    ephemeral: bool = False
    seed: int | None = None
    default_account: str = "123456789012"
    listen: str = "127.0.0.1"  # the address served: a Host name the guard accepts (server/guard.py)
    allow_hosts: tuple[str, ...] = ()
    allow_origins: tuple[str, ...] = ()
    max_body: int = DEFAULT_MAX_BODY  # bytes of one request body (server/bodies.py)
    credentials: Path | None = None  # verify every signature against this file (server/credentials.py)
    flow_logs_dir: Path | None = None  # None: "flow-logs" beside the state file, or a temporary one when ephemeral
    quotas: dict[str, float] = field(default_factory=dict)  # quota code -> every account's value (serve --quota)
    time_scale: float = 0.0  # AWS's lifecycle durations times this (control/core/lifecycle.py); 0: at once
    writer: bool = True  # False: read the state without holding an SQLite file against other writers


def default_flow_logs_dir(options: Options) -> Path:
    """Where flow-log records go unless ``--flow-logs-dir`` says: beside the state, or for an in-memory server a
    directory of its own in the system's temporary directory (named choice; created only when a record is written)."""
    if options.flow_logs_dir is not None:
        return options.flow_logs_dir
    if options.ephemeral:
        return Path(tempfile.gettempdir()) / f"vpcsim-flow-logs-{os.getpid()}"
    if options.state is not None and is_postgres(options.state):
        # A shared state has no directory of its own: each server delivers beside where its own state would be
        # (named choice; a team's servers usually set --flow-logs-dir to one shared directory).
        return default_state_path().parent / "flow-logs"
    return Path(options.state or default_state_path()).parent / "flow-logs"


def _importer(store: Store) -> Callable[[Any], dict[str, Any]]:
    """``POST /_vpcsim/import`` (server/admin.py): vpcsim.importer on this server's store, bad input as an AwsError."""

    def run(body: Any) -> dict[str, Any]:
        try:
            return import_payload(store, body).to_json()
        except ImportFailed as error:
            raise ApiError("InvalidImport", str(error)) from None

    return run


@dataclass
class Built:
    store: Store
    control: Control
    asgi: Asgi


def open_state(options: Options) -> Store:
    if options.ephemeral:
        return Store(MemoryBackend(), time_scale=options.time_scale)
    if options.state is None and options.writer:
        _private(default_state_path().parent)
    return open_store(options.state or default_state_path(), writer=options.writer, time_scale=options.time_scale)


def _private(directory: Path) -> None:
    """vpcsim's own data directory is the owner's alone (0700), even one an older vpcsim created 0755; a directory
    the user named for ``--state`` is left as it is (a new one vpcsim creates is 0700, store/sqlite.py)."""
    with contextlib.suppress(OSError):
        if directory.is_dir() and directory.stat().st_mode & 0o077:
            directory.chmod(0o700)


def build(options: Options) -> Built:
    store = open_state(options)
    control = Control(store, IdFactory(options.seed), quotas=options.quotas)
    control.flow_logs_dir = default_flow_logs_dir(options)
    credentials = Credentials.load(options.credentials) if options.credentials is not None else None
    edge = Edge(control, Identity(options.default_account), credentials)
    for scope in known_scopes():  # parse botocore's models now, not on the first request
        load_service(scope)
    policy = Policy.build(options.listen, options.allow_hosts, options.allow_origins)
    app: Asgi = build_asgi(edge, store.reset, max_body=options.max_body, importer=_importer(store))
    if credentials is not None:
        app = RequireCaller(app, credentials)
    return Built(store, control, Guard(app, policy))


def serve(built: Built, listener: socket.socket) -> None:
    """Serve ``built`` in this process on ``listener`` (bound by ``listen``) until SIGINT/SIGTERM."""
    config = uvicorn.Config(built.asgi, log_level="warning", access_log=False, server_header=False)
    try:
        uvicorn.Server(config).run(sockets=[listener])
    finally:
        built.store.close()


_BALANCED = sys.platform.startswith("linux")  # SO_REUSEPORT spreads connections over the sockets bound with it


def listen(host: str, port: int, *, workers: int = 1) -> socket.socket:
    """The server's address, bound before anything says it is listening (raises OSError when it is taken or wrong).

    For several workers on Linux, each worker listens on a socket of its own bound with SO_REUSEPORT, and the kernel
    spreads new connections over them evenly; with one shared listening socket, a worker's accept loop takes a whole
    burst of connections and its sibling idles. The socket returned then only holds the port."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    if workers == 1 or not _BALANCED:
        listener = socket.create_server((host, port), family=family, backlog=2048)
        listener.set_inheritable(True)
        return listener
    # SO_REUSEPORT lets any socket of this user that sets it bind the port too, another vpcsim's workers included:
    # a plain bind first says whether anyone listens there.
    socket.create_server((host, port), family=family).close()
    listener = _reuse_port(family)
    listener.bind((host, port))  # holds the port: bound, never listening, so it is given no connection
    return listener


def _reuse_port(family: int) -> socket.socket:
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    return sock


def _worker_socket(listener: socket.socket) -> socket.socket:
    if not _BALANCED:
        return listener
    sock = _reuse_port(listener.family)
    sock.bind(listener.getsockname())
    sock.listen(2048)
    return sock


def serve_workers(
    options: Options, listener: socket.socket, workers: int, ready: Callable[[], None] | None = None
) -> None:
    """Run ``workers`` server processes on ``listener`` until SIGINT/SIGTERM; the state must be shared. ``ready`` is
    called once a worker accepts connections (so "listening" is said when it is true)."""
    gc.collect()
    gc.freeze()  # what the parent built stays shared with the workers, copy-on-write
    children = {_fork_worker(options, listener, index): index for index in range(workers)}
    started = dict.fromkeys(range(workers), time.monotonic())
    stopping = False

    def stop(signum: int, frame: object) -> None:
        nonlocal stopping
        stopping = True
        for pid in children:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    while children:
        try:
            pid, status = _next_exit(listener, ready)
        except ChildProcessError:
            break
        if pid == 0:
            ready = None
            continue
        index = children.pop(pid, None)
        if index is None or stopping:
            continue
        # A worker that failed by itself soon after it started (its state unreachable, say) is restarted after a
        # pause, not in a tight loop; one killed by a signal is replaced at once.
        failed = os.WIFEXITED(status) and time.monotonic() - started[index] < 10
        pause = 5.0 if failed else 0.1
        log.warning("worker %d (pid %d) stopped (status %d); starting another in %gs", index, pid, status, pause)
        time.sleep(pause)
        if not stopping:
            started[index] = time.monotonic()
            children[_fork_worker(options, listener, index)] = index
    listener.close()


def _next_exit(listener: socket.socket, ready: Callable[[], None] | None) -> tuple[int, int]:
    """The next worker that exits (pid, status); or (0, 0) once, when a worker first accepts and ``ready`` ran."""
    if ready is None:
        return os.wait()
    while True:
        pid, status = os.waitpid(-1, os.WNOHANG)
        if pid:
            return pid, status
        if _accepting(listener):
            ready()
            return 0, 0
        time.sleep(0.05)


def _accepting(listener: socket.socket) -> bool:
    host, port = listener.getsockname()[:2]
    host = {"0.0.0.0": "127.0.0.1", "::": "::1"}.get(host, host)
    try:
        socket.create_connection((host, port), timeout=1).close()
    except OSError:
        return False
    return True


def _fork_worker(options: Options, listener: socket.socket, index: int) -> int:
    pid = os.fork()
    if pid:
        return pid
    code = 1
    try:
        _die_with_parent()
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        seed = None if options.seed is None else options.seed + index  # one id stream per worker
        built = build(replace(options, seed=seed))
        config = uvicorn.Config(built.asgi, log_level="warning", access_log=False, server_header=False)
        try:
            uvicorn.Server(config).run(sockets=[_worker_socket(listener)])
        finally:
            built.store.close()
        code = 0
    except BaseException:
        log.exception("worker %d failed", index)
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


def _die_with_parent() -> None:
    """On Linux, a worker gets SIGTERM when the parent dies, even by SIGKILL (prctl PR_SET_PDEATHSIG)."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)
