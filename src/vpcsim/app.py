"""The composition root: builds the store, the control plane and the ASGI app from the server's options."""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from platformdirs import user_data_dir

from vpcsim.control import Control
from vpcsim.model import IdFactory
from vpcsim.protocol import load_service
from vpcsim.protocol.services import known_scopes
from vpcsim.server import build_asgi
from vpcsim.server.bodies import DEFAULT_MAX_BODY
from vpcsim.server.callers import RequireCaller
from vpcsim.server.credentials import Credentials
from vpcsim.server.edge import Edge, Identity
from vpcsim.server.guard import Asgi, Guard, Policy
from vpcsim.store import Backend, MemoryBackend, SqliteBackend, Store


def default_state_path() -> Path:
    return Path(user_data_dir("vpcsim")) / "state.db"


@dataclass(frozen=True)
class Options:
    state: Path | None = None  # None: the user's data directory
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


def default_flow_logs_dir(options: Options) -> Path:
    """Where flow-log records go unless ``--flow-logs-dir`` says: beside the state, or for an in-memory server a
    directory of its own in the system's temporary directory (named choice; created only when a record is written)."""
    if options.flow_logs_dir is not None:
        return options.flow_logs_dir
    if options.ephemeral:
        return Path(tempfile.gettempdir()) / f"vpcsim-flow-logs-{os.getpid()}"
    return (options.state or default_state_path()).parent / "flow-logs"


@dataclass
class Built:
    store: Store
    control: Control
    asgi: Asgi


def build(options: Options) -> Built:
    backend: Backend = MemoryBackend() if options.ephemeral else SqliteBackend(options.state or default_state_path())
    store = Store(backend, time_scale=options.time_scale)
    control = Control(store, IdFactory(options.seed), quotas=options.quotas)
    control.flow_logs_dir = default_flow_logs_dir(options)
    credentials = Credentials.load(options.credentials) if options.credentials is not None else None
    edge = Edge(control, Identity(options.default_account), credentials)
    for scope in known_scopes():  # parse botocore's models now, not on the first request
        load_service(scope)
    policy = Policy.build(options.listen, options.allow_hosts, options.allow_origins)
    app: Asgi = build_asgi(edge, store.reset, max_body=options.max_body)
    if credentials is not None:
        app = RequireCaller(app, credentials)
    return Built(store, control, Guard(app, policy))
