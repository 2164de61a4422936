"""State: every record in memory, indexed, written through to a durable backend in one transaction per call.

The control plane sees only ``Store.transaction()`` and the ``Transaction`` it yields. Reads inside a transaction see
its own writes; nothing reaches the indexes or the backend unless the whole call succeeds. Backends (SQLite now,
PostgreSQL later) implement the narrow ``Backend`` protocol: load everything, commit one change set, clear.
"""

from vpcsim.store.backend import Backend, ChangeSet, MemoryBackend
from vpcsim.store.sqlite import SqliteBackend
from vpcsim.store.state import Store, Transaction

__all__ = ["Backend", "ChangeSet", "MemoryBackend", "SqliteBackend", "Store", "Transaction"]
