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
from vpcsim.store.backend import ChangeSet, Loaded, StateInUse

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


def _prepare(path: Path) -> None:
    """Create the state's directory (0700) and file (0600) if missing; tighten a file others can read."""
    if not path.parent.exists():
        path.parent.mkdir(parents=True, mode=0o700)
    os.close(os.open(path, os.O_RDWR | os.O_CREAT, 0o600))
    if path.stat().st_mode & 0o077:
        path.chmod(0o600)


class SqliteBackend:
    def __init__(self, path: str | Path, *, writer: bool = True) -> None:
        """Open (creating if missing) the state at ``path``; a ``writer`` holds it against other writers."""
        self._lock: WriterLock | None = None
        if str(path) != ":memory:":
            path = Path(path)
            if writer:
                _prepare(path)
                self._lock = WriterLock(path)
        try:
            self._db = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.executescript(_SCHEMA)
            if writer and self.schema_version() < SCHEMA_VERSION:
                self._db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
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
        if getattr(self, "_db", None) is not None:
            self._db.close()
        if self._lock is not None:
            self._lock.release()
            self._lock = None
