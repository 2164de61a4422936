"""Where a state lives: an SQLite file path or a ``postgresql://`` URL, opened as the matching backend and store;
and copying a whole state from one to another (``vpcsim state copy``).

psycopg is imported only when a URL names PostgreSQL, so a server on SQLite neither needs nor loads it.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, cast

from vpcsim.store.backend import Backend, ChangeSet, Loaded, SharedBackend
from vpcsim.store.shared import SharedStore
from vpcsim.store.sqlite import SCHEMA_VERSION as SQLITE_SCHEMA
from vpcsim.store.sqlite import SqliteBackend
from vpcsim.store.state import Store

if TYPE_CHECKING:
    from vpcsim.store.postgres import PostgresBackend

_SCHEMES = ("postgresql://", "postgres://")


def is_postgres(location: str | Path) -> bool:
    return str(location).startswith(_SCHEMES)


def shown(location: str | Path) -> str:
    """The location as a message may show it (a URL without its password)."""
    if not is_postgres(location):
        return str(location)
    from vpcsim.store.postgres import redact

    return redact(str(location))


def may_exist(location: str | Path) -> bool:
    """Whether a state can be there to read: an SQLite file that exists, or a postgresql:// URL (which opening it
    tells)."""
    return is_postgres(location) or Path(location).is_file()


def _postgres(url: str, *, create: bool = True, check: bool = True) -> PostgresBackend:
    try:
        from vpcsim.store.postgres import PostgresBackend
    except ImportError as error:  # the optional extra is not installed
        from vpcsim.store.backend import StateUnavailable

        raise StateUnavailable(
            f"a PostgreSQL state needs psycopg ({error}); install it with: pip install 'vpcsim[postgres]'"
        ) from None
    return PostgresBackend(url, create=create, check=check)


def open_backend(location: str | Path, *, writer: bool = True) -> Backend:
    """The backend for ``location``; a ``writer`` of an SQLite file holds it against other writers."""
    if is_postgres(location):
        return _postgres(str(location))
    return SqliteBackend(Path(location), writer=writer)


def open_store(location: str | Path, *, writer: bool = True, time_scale: float = 0.0) -> Store:
    backend = open_backend(location, writer=writer)
    if is_postgres(location):
        return SharedStore(cast(SharedBackend, backend), time_scale=time_scale)  # open_backend's PostgresBackend
    return Store(backend, time_scale=time_scale)


def copy_state(source: Backend, target: Backend) -> Loaded:
    """Replace ``target``'s whole state with ``source``'s, in one transaction; the copied state. The target's
    revision moves past both states' revisions, so servers on it reload and nothing cached is reused."""
    loaded = source.load()
    created = {(r.kind, r.id) for r in loaded.records}
    if isinstance(target, SqliteBackend):
        revision = max(target.head(), loaded.revision) + 1
        target.commit(ChangeSet(loaded.records, [], loaded.meta, revision, created, clear=True))
    else:
        shared: SharedBackend = target  # type: ignore[assignment]
        with shared.writer() as writer:
            revision = max(writer.revision, loaded.revision) + 1
            writer.commit(ChangeSet(loaded.records, [], loaded.meta, revision, created, clear=True))
    return Loaded(loaded.records, loaded.meta, revision)


def migrate_state(location: str | Path) -> tuple[int, int]:
    """Create or upgrade the schema at ``location`` to this vpcsim's: (version before, version now)."""
    if is_postgres(location):
        backend = _postgres(str(location), create=False, check=False)
        try:
            return backend.migrate()
        finally:
            backend.close()
    path = Path(location)
    before = 0
    if path.exists():
        existing = SqliteBackend(path, writer=False)
        before = existing.schema_version()
        existing.close()
    SqliteBackend(path).close()  # opening as the writer creates or upgrades the schema
    return before, SQLITE_SCHEMA
