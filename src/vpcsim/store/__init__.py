"""State: every record in memory, indexed, written through to a durable backend in one transaction per call.

The control plane sees only ``Store.run(fn)`` (and ``transaction()``/``snapshot()``) and the ``Transaction`` they
give. Reads inside a transaction see its own writes; nothing reaches the indexes or the backend unless the whole call
succeeds. SQLite (one server per state file) implements the narrow ``Backend`` protocol; PostgreSQL (any number of
servers on one state) the ``SharedBackend`` one, under a ``SharedStore`` that keeps each server current by revision.
"""

from vpcsim.store.backend import (
    Backend,
    ChangeSet,
    Conflict,
    Loaded,
    MemoryBackend,
    SharedBackend,
    StateInUse,
    StateUnavailable,
)
from vpcsim.store.locations import copy_state, is_postgres, may_exist, open_backend, open_store, shown
from vpcsim.store.shared import SharedStore
from vpcsim.store.sqlite import SqliteBackend
from vpcsim.store.state import Store, Transaction

__all__ = [
    "Backend",
    "ChangeSet",
    "Conflict",
    "Loaded",
    "MemoryBackend",
    "SharedBackend",
    "SharedStore",
    "SqliteBackend",
    "StateInUse",
    "StateUnavailable",
    "Store",
    "Transaction",
    "copy_state",
    "is_postgres",
    "may_exist",
    "open_backend",
    "open_store",
    "shown",
]
