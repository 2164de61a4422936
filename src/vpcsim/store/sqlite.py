"""SQLite, the embedded default backend: one server writes a state file, any number of readers may look.

One row per record with its scope columns and a JSON body; WAL journal so that a crash of the server never loses a
committed call (synchronous=NORMAL is durable against process crashes; a power cut may lose the last calls), and so
that readers (``vpcsim trace --state``) read a consistent snapshot while the server writes.

One writer per file: a writer holds an exclusive ``flock`` on ``<file>.lock`` (which records its pid) for as long as
it runs, so a second server on the same file is refused at start, naming the holder. SQLite's own locks would let the
second server in and interleave two in-memory states into one file. A state file is created 0600 and a directory
vpcsim creates for it 0700: the state holds a network's whole layout.
"""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

from vpcsim.model import Record
from vpcsim.store.backend import ChangeSet, Loaded, StateInUse, StateUnavailable

SCHEMA_VERSION = 1
_SCHEMA = """
CREATE TABLE IF NOT EXISTS records (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL, id TEXT NOT NULL, account TEXT NOT NULL, region TEXT NOT NULL, parent TEXT,
    body TEXT NOT NULL,
    UNIQUE (kind, id)
);
CREATE INDEX IF NOT EXISTS records_scope ON records (kind, account, region);
CREATE INDEX IF NOT EXISTS records_parent ON records (kind, parent);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


class WriterLock:
    """An exclusive, advisory lock on ``<state>.lock`` held by the one process that writes the state."""

    def __init__(self, state: Path) -> None:
        self.path = state.with_name(state.name + ".lock")
        self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            _flock(self._fd)
        except BlockingIOError:
            holder = os.read(self._fd, 32).decode(errors="replace").strip() or "unknown"
            os.close(self._fd)
            raise StateInUse(
                f"{state} is in use by another vpcsim server (pid {holder}); stop it, or share a state between "
                "servers with PostgreSQL (docs/postgresql.md)"
            ) from None
        os.ftruncate(self._fd, 0)
        os.pwrite(self._fd, str(os.getpid()).encode(), 0)

    def release(self) -> None:
        # The file stays: unlinking it would let a process that opened it just before lock a file nobody else sees.
        os.close(self._fd)


def _flock(fd: int) -> None:
    try:
        import fcntl
    except ImportError:  # Windows: no flock; vpcsim's own lock is then not enforced.
        return
    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)


def _connect(path: Path, writer: bool) -> sqlite3.Connection:
    """A writer's connection, or a reader's read-only one: a reader never creates a file, a table or a journal, even
    beside a running server."""
    where = str(path) if writer or str(path) == ":memory:" else f"{path.resolve().as_uri()}?mode=ro"
    return sqlite3.connect(where, isolation_level=None, check_same_thread=False, uri=where.startswith("file:"))


def _check_place(path: Path, writer: bool) -> None:
    """Refuse a path that cannot be a state before touching anything there (no lock file, no chmod of a stranger's
    file): a directory, a missing file to read, a file that is not a vpcsim state."""
    if path.is_dir():
        raise StateUnavailable(f"{path} is a directory; give a state file's path, e.g. {path / 'state.db'}")
    if not path.is_file():
        if writer:
            return
        raise StateUnavailable(f"no state file at {path}")
    if writer and path.stat().st_size == 0:
        return  # a new state
    check = _connect(path, False)
    try:
        _check_tables(check, path, False)
    finally:
        check.close()


def _check_tables(db: sqlite3.Connection, path: Path, writer: bool) -> None:
    """A file that holds tables, none of them vpcsim's, is someone else's database: never add tables to it. (An empty
    file is a new state to a writer, and nothing to read to a reader.)"""
    tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if "records" in tables or (writer and not tables):
        return
    what = "an SQLite database without vpcsim's tables" if tables else "an empty file"
    raise StateUnavailable(f"{path} is {what}, not a vpcsim state")


def _reason(error: OSError | sqlite3.Error) -> str:
    """What is wrong, in a few words: the OS's words for a file error, SQLite's for a database error."""
    if isinstance(error, OSError):
        return error.strerror or str(error)
    if isinstance(error, sqlite3.DatabaseError) and "not a database" in str(error):
        return "it is not an SQLite database"
    return str(error)


def _prepare(path: Path) -> None:
    """Create the state's directory (0700) and file (0600) if missing; tighten a file others can read."""
    if not path.parent.exists():
        path.parent.mkdir(parents=True, mode=0o700)
    os.close(os.open(path, os.O_RDWR | os.O_CREAT, 0o600))
    if path.stat().st_mode & 0o077:
        path.chmod(0o600)


class SqliteBackend:
    def __init__(self, path: str | Path, *, writer: bool = True) -> None:
        """Open the state at ``path`` (a ``writer`` creates it if missing and holds it against other writers); a path
        that cannot be a state (a directory, a place vpcsim cannot write, another file or database) raises
        StateUnavailable naming the path and the problem."""
        self._lock: WriterLock | None = None
        memory = str(path) == ":memory:"
        path = Path(path)
        try:
            if not memory:
                _check_place(path, writer)
            if writer and not memory:
                _prepare(path)
                self._lock = WriterLock(path)
            self._db = _connect(path, writer and not memory)
            _check_tables(self._db, path, writer)
            if writer:
                self._db.execute("PRAGMA journal_mode=WAL")
                self._db.execute("PRAGMA synchronous=NORMAL")
                self._db.executescript(_SCHEMA)
                if self.schema_version() < SCHEMA_VERSION:
                    self._db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        except (OSError, sqlite3.Error) as error:
            self.close()
            raise StateUnavailable(f"cannot use {path} as a vpcsim state: {_reason(error)}") from None
        except BaseException:
            self.close()
            raise

    def schema_version(self) -> int:
        return int(self._db.execute("PRAGMA user_version").fetchone()[0])

    def head(self) -> int:
        """The state's revision."""
        row = self._db.execute("SELECT value FROM meta WHERE key = 'revision'").fetchone()
        return int(row[0]) if row else 0

    def load(self) -> Loaded:
        db = self._db
        db.execute("BEGIN")  # one read transaction: a consistent snapshot while a server writes
        try:
            rows = db.execute("SELECT kind, id, account, region, parent, body FROM records ORDER BY seq").fetchall()
            meta = dict(db.execute("SELECT key, value FROM meta").fetchall())
        finally:
            db.execute("COMMIT")
        records = [Record.from_json(k, i, a, r, p, json.loads(b)) for k, i, a, r, p, b in rows]
        revision = int(meta.pop("revision", "0"))
        return Loaded(records, meta, revision)

    def commit(self, changes: ChangeSet) -> None:
        db = self._db
        db.execute("BEGIN IMMEDIATE")
        try:
            if changes.clear:
                db.execute("DELETE FROM records")
                db.execute("DELETE FROM meta")
            db.executemany("DELETE FROM records WHERE kind = ? AND id = ?", changes.deletes)
            db.executemany(
                "INSERT INTO records (kind, id, account, region, parent, body) VALUES (?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (kind, id) DO UPDATE SET parent = excluded.parent, body = excluded.body",
                [(r.kind, r.id, r.account, r.region, r.parent, json.dumps(r.to_json())) for r in changes.puts],
            )
            db.executemany(
                "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                [*changes.meta.items(), ("revision", str(changes.revision))],
            )
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")

    def close(self) -> None:
        db = getattr(self, "_db", None)
        if db is not None:
            db.close()
            del self._db
        if self._lock is not None:
            self._lock.release()
            self._lock = None
