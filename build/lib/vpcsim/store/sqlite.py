"""SQLite, the embedded default backend.

One row per record with its scope columns and a JSON body; WAL journal so that a crash of the server never loses a
committed call (synchronous=NORMAL is durable against process crashes; a power cut may lose the last calls).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from pathlib import Path

from vpcsim.model import Record
from vpcsim.store.backend import ChangeSet

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


class SqliteBackend:
    def __init__(self, path: str | Path) -> None:
        if str(path) != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(_SCHEMA)

    def load(self) -> tuple[Iterable[Record], dict[str, str]]:
        rows = self._db.execute("SELECT kind, id, account, region, parent, body FROM records ORDER BY seq")
        records = [Record.from_json(k, i, a, r, p, json.loads(b)) for k, i, a, r, p, b in rows]
        meta = dict(self._db.execute("SELECT key, value FROM meta").fetchall())
        return records, meta

    def commit(self, changes: ChangeSet) -> None:
        db = self._db
        db.execute("BEGIN IMMEDIATE")
        try:
            db.executemany("DELETE FROM records WHERE kind = ? AND id = ?", changes.deletes)
            db.executemany(
                "INSERT INTO records (kind, id, account, region, parent, body) VALUES (?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (kind, id) DO UPDATE SET parent = excluded.parent, body = excluded.body",
                [(r.kind, r.id, r.account, r.region, r.parent, json.dumps(r.to_json())) for r in changes.puts],
            )
            db.executemany(
                "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                list(changes.meta.items()),
            )
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")

    def clear(self) -> None:
        self._db.executescript("DELETE FROM records; DELETE FROM meta;")

    def close(self) -> None:
        self._db.close()
