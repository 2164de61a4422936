"""The composition root: builds the store, the control plane and the ASGI app from the server's options."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from platformdirs import user_data_dir
from starlette.applications import Starlette

from vpcsim.control import Control
from vpcsim.model import IdFactory
from vpcsim.protocol import load_service
from vpcsim.protocol.services import known_scopes
from vpcsim.server import build_asgi
from vpcsim.server.edge import Edge, Identity
from vpcsim.store import Backend, MemoryBackend, SqliteBackend, Store


def default_state_path() -> Path:
    return Path(user_data_dir("vpcsim")) / "state.db"


@dataclass(frozen=True)
class Options:
    state: Path | None = None  # None: the user's data directory
    ephemeral: bool = False
    seed: int | None = None
    default_account: str = "123456789012"


@dataclass
class Built:
    store: Store
    control: Control
    asgi: Starlette


def build(options: Options) -> Built:
    backend: Backend = MemoryBackend() if options.ephemeral else SqliteBackend(options.state or default_state_path())
    store = Store(backend)
    control = Control(store, IdFactory(options.seed))
    edge = Edge(control, Identity(options.default_account))
    for scope in known_scopes():  # parse botocore's models now, not on the first request
        load_service(scope)
    return Built(store, control, build_asgi(edge, store.reset))
