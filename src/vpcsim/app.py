"""The composition root: builds the store, the control plane and the ASGI app from the server's options."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from platformdirs import user_data_dir

from vpcsim.control import Control
from vpcsim.model import IdFactory
from vpcsim.protocol import load_service
from vpcsim.protocol.services import known_scopes
from vpcsim.server import build_asgi
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
    quotas: dict[str, float] = field(default_factory=dict)  # quota code -> every account's value (serve --quota)


@dataclass
class Built:
    store: Store
    control: Control
    asgi: Asgi


def build(options: Options) -> Built:
    backend: Backend = MemoryBackend() if options.ephemeral else SqliteBackend(options.state or default_state_path())
    store = Store(backend)
    control = Control(store, IdFactory(options.seed), quotas=options.quotas)
    edge = Edge(control, Identity(options.default_account))
    for scope in known_scopes():  # parse botocore's models now, not on the first request
        load_service(scope)
    policy = Policy.build(options.listen, options.allow_hosts, options.allow_origins)
    return Built(store, control, Guard(build_asgi(edge, store.reset), policy))
