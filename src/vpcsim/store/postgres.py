"""PostgreSQL: one state shared by any number of vpcsim servers (docs/postgresql.md). Imported only for a
``postgresql://`` state, so SQLite users never load psycopg.

The tables and the commit function are in store/pg_schema.py. A call that writes commits in one statement,
``vpcsim_commit``, which claims the state (moves its head from the revision the call read to the next, under the head
row's lock) or raises a serialization failure when another server got there first, and then writes; so the lock is
held only while PostgreSQL runs that statement. ``writer`` takes the same lock up front (``FOR UPDATE``) for a call
that must not be overtaken again. Either way writers pass the lock one at a time, each having read everything
committed before it: a serial history in revision order, which is what SERIALIZABLE promises. The transactions run at
READ COMMITTED because the head row is the only row they read (docs/postgresql.md has the argument). A server catches
up with one statement (one snapshot, one round trip), after a revision query that goes through libpq directly.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg
from psycopg import errors
from psycopg.types.json import Jsonb

from vpcsim.model import Record
from vpcsim.store.backend import ChangeSet, Conflict, Delta, Key, Loaded, StateUnavailable
from vpcsim.store.pg_schema import SCHEMA_VERSION, migrate, schema_version

# psycopg warns when it leaves a pipeline that a failed statement aborted; here that is a conflict the store retries.
logging.getLogger("psycopg").setLevel(logging.ERROR)
_PRUNE_EVERY = 1024
_KEEP = 8192  # revisions of deletions kept for servers catching up
_RECORD = "kind, id, account, region, parent, body"


def redact(url: str) -> str:
    """The URL without its password, for messages and logs."""
    try:
        info = psycopg.conninfo.conninfo_to_dict(url)
    except psycopg.ProgrammingError:
        return url.split("@")[-1]
    host = info.get("host") or "localhost"
    return f"postgresql://{info.get('user') or ''}@{host}:{info.get('port') or 5432}/{info.get('dbname') or ''}"


@contextmanager
def _translated(url: str) -> Iterator[None]:
    """psycopg's errors as the store's: a conflict to retry, or an unreachable state."""
    try:
        yield
    except (errors.SerializationFailure, errors.DeadlockDetected, errors.UniqueViolation) as error:
        raise Conflict(str(error)) from error
    except psycopg.OperationalError as error:
        reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise StateUnavailable(f"the PostgreSQL state {redact(url)} is unavailable: {reason}") from error


def _records(rows: list[tuple[Any, ...]]) -> list[Record]:
    return [Record.from_json(k, i, a, r, p, body) for k, i, a, r, p, body in rows]


def _load(conn: psycopg.Connection[Any]) -> Loaded:
    revision = conn.execute("SELECT revision FROM vpcsim_head").fetchone()[0]  # type: ignore[index]
    records = _records(conn.execute(f"SELECT {_RECORD} FROM vpcsim_records ORDER BY seq").fetchall())
    meta = dict(conn.execute("SELECT key, value FROM vpcsim_meta").fetchall())
    return Loaded(records, meta, int(revision))


# What changed after a revision, as ONE statement: one snapshot of the state (even outside a transaction) and one
# round trip. Row tags: 0 the head (revision, horizon); 1 a record written (in seq order); 2 a key deleted; 3 meta.
# Records are skipped when the horizon passed the revision asked for: then only a full load can tell.
_DELTA = """
SELECT 0 AS tag, revision AS n, horizon AS h, NULL AS a, NULL AS b, NULL AS account, NULL AS region,
       NULL AS parent, NULL::jsonb AS body FROM vpcsim_head
UNION ALL
SELECT 1, seq, NULL, kind, id, account, region, parent, body FROM vpcsim_records
 WHERE rev > %(since)s AND %(since)s >= (SELECT horizon FROM vpcsim_head)
UNION ALL
SELECT 2, NULL, NULL, kind, id, NULL, NULL, NULL, NULL FROM vpcsim_tombstones WHERE rev > %(since)s
UNION ALL
SELECT 3, NULL, NULL, key, value, NULL, NULL, NULL, NULL FROM vpcsim_meta WHERE rev > %(since)s
"""


def _head(rows: list[tuple[Any, ...]]) -> tuple[int, int]:
    return next((int(n), int(h)) for tag, n, h, *_ in rows if tag == 0)


def _delta(rows: list[tuple[Any, ...]], since: int) -> Delta | None:
    revision, horizon = _head(rows)
    if since < horizon or since > revision:
        return None  # cleared, pruned or replaced since: only a full load tells
    written = sorted((row for row in rows if row[0] == 1), key=lambda row: row[1])
    puts = [Record.from_json(k, i, a, r, p, body) for _, _, _, k, i, a, r, p, body in written]
    deletes: list[Key] = [(k, i) for tag, _, _, k, i, *_ in rows if tag == 2]
    meta = {k: v for tag, _, _, k, v, *_ in rows if tag == 3}
    return Delta(int(revision), puts, deletes, meta)


def _row(record: Record, revision: int) -> tuple[Any, ...]:
    return (record.kind, record.id, record.account, record.region, record.parent, Jsonb(record.to_json()), revision)


_COMMIT = "SELECT vpcsim_commit(%s::bigint, %s::bigint, %s, %s, %s, %s, %s::bigint)"


def _commit_args(changes: ChangeSet, base: int) -> tuple[Any, ...]:
    """``vpcsim_commit``'s arguments: the change set as jsonb, new records apart from rewritten ones."""
    rev = changes.revision
    rows: dict[bool, list[dict[str, Any]]] = {True: [], False: []}
    if not changes.clear:
        for r in changes.puts:
            row = {"kind": r.kind, "id": r.id, "account": r.account, "region": r.region, "parent": r.parent}
            rows[(r.kind, r.id) in changes.created].append({**row, "body": r.to_json()})
    deleted = [{"kind": kind, "id": rid} for kind, rid in changes.deletes]
    prune = rev - _KEEP if rev % _PRUNE_EVERY == 0 else None
    return base, rev, Jsonb(rows[True]), Jsonb(rows[False]), Jsonb(deleted), Jsonb(changes.meta), prune


def _copy_in(conn: psycopg.Connection[Any], changes: ChangeSet, rev: int) -> None:
    """The whole state replaced (a reset, a copy): the tables emptied, COPY for the records."""
    with conn.cursor() as cur:
        for table in ("vpcsim_records", "vpcsim_tombstones", "vpcsim_meta"):
            cur.execute(f"DELETE FROM {table}")
        cur.execute("UPDATE vpcsim_head SET horizon = %s", (rev,))
        with cur.copy(f"COPY vpcsim_records ({_RECORD}, rev) FROM STDIN") as copy:
            copy.set_types(["text", "text", "text", "text", "text", "jsonb", "int8"])
            for record in changes.puts:
                copy.write_row(_row(record, rev))


class _Writer:
    """The write lock held (``vpcsim_head`` locked FOR UPDATE) inside one READ COMMITTED transaction. ``commit``
    sends the writes and COMMIT together (one pipeline, one round trip)."""

    def __init__(self, conn: psycopg.Connection[Any], revision: int, prefetched: tuple[int, Delta | None]) -> None:
        self._conn = conn
        self.revision = revision
        self._prefetched = prefetched
        self.done = False

    def load(self) -> Loaded:
        return _load(self._conn)

    def changes_since(self, revision: int) -> Delta | None:
        since, delta = self._prefetched
        if since == revision:
            return delta
        return _delta(self._conn.execute(_DELTA, {"since": revision}).fetchall(), revision)

    def commit(self, changes: ChangeSet) -> None:
        if changes.revision <= self.revision:
            raise ValueError(f"revision {changes.revision} does not follow {self.revision}")
        if changes.clear:
            _copy_in(self._conn, changes, changes.revision)
        with self._conn.pipeline():
            self._conn.execute(_COMMIT, _commit_args(changes, self.revision))
            self._conn.execute("COMMIT")
        self.done = True
        self.revision = changes.revision


class PostgresBackend:
    """A shared state in one PostgreSQL database; one connection per server process (calls are serialised)."""

    def __init__(self, url: str, *, create: bool = True, check: bool = True) -> None:
        """Connect. A database without vpcsim's tables gets them when ``create``; one at an older schema version is
        refused (``vpcsim state migrate`` upgrades it, once, while no older server still uses it), as is a newer one.
        ``check=False`` skips all that (``migrate`` itself)."""
        self.url = url
        self._conn: psycopg.Connection[Any] | None = None
        self._prepared: psycopg.Connection[Any] | None = None  # the connection vpcsim_head is prepared on
        try:
            with _translated(url):
                conn = self._connection()
                version = schema_version(conn) if check else SCHEMA_VERSION
                if version == 0 and create:
                    version = migrate(conn)[1]
        except BaseException:
            self.close()
            raise
        if version != SCHEMA_VERSION:
            self.close()
        if version < SCHEMA_VERSION:
            raise StateUnavailable(
                f"the PostgreSQL state {redact(url)} has schema version {version}, this vpcsim needs "
                f"{SCHEMA_VERSION}: run 'vpcsim state migrate URL'"
            )
        if version > SCHEMA_VERSION:
            raise StateUnavailable(
                f"the PostgreSQL state {redact(url)} has schema version {version}, newer than this vpcsim's "
                f"{SCHEMA_VERSION}: upgrade vpcsim"
            )

    def migrate(self) -> tuple[int, int]:
        with _translated(self.url):
            return migrate(self._connection())

    def _connection(self) -> psycopg.Connection[Any]:
        if self._conn is None or self._conn.closed or self._conn.broken:
            if self._conn is not None:
                self._conn.close()
            try:
                # No automatic prepared statements: psycopg's cache loses track of one whose PREPARE was queued in
                # a pipeline that a conflict aborted ("prepared statement _pg3_N does not exist" ever after). Only
                # the revision query, never pipelined, is prepared (by ``_head``).
                self._conn = psycopg.connect(self.url, autocommit=True, connect_timeout=10, prepare_threshold=None)
            except psycopg.ProgrammingError as error:  # not a URL libpq understands
                raise StateUnavailable(f"the PostgreSQL state {redact(self.url)}: {error}") from None
        return self._conn

    @contextmanager
    def _snapshot(self) -> Iterator[psycopg.Connection[Any]]:
        """A REPEATABLE READ transaction: every read in it sees one instant of the state."""
        with _translated(self.url):
            conn = self._connection()
            conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            try:
                yield conn
            except BaseException:
                if not conn.broken:
                    conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    def load(self) -> Loaded:
        with self._snapshot() as conn:
            return _load(conn)

    def changes_since(self, revision: int) -> Delta | None:
        with _translated(self.url):
            conn = self._connection()
            # Most often nothing changed: a trivial query says so. (The one that reads the changes is planned afresh
            # each time, ~0.1 ms: PostgreSQL rightly keeps custom plans for its range conditions.)
            if self._head(conn) == revision:
                return Delta(revision, [], [], {})
            return _delta(conn.execute(_DELTA, {"since": revision}).fetchall(), revision)

    def _head(self, conn: psycopg.Connection[Any]) -> int:
        """The revision, through libpq directly: every call of every server runs this, and psycopg's own layers
        cost ten times libpq's (measured: ~36 us of CPU against ~4 us a query)."""
        if self._prepared is not conn:
            conn.pgconn.prepare(b"vpcsim_head", b"SELECT revision FROM vpcsim_head")
            self._prepared = conn
        result = conn.pgconn.exec_prepared(b"vpcsim_head", [])
        if result.status != psycopg.pq.ExecStatus.TUPLES_OK:
            message = (result.error_message or b"no answer").decode(errors="replace").strip()
            raise psycopg.OperationalError(message)
        return int(result.get_value(0, 0) or 0)

    @contextmanager
    def writer(self, since: int | None = None) -> Iterator[_Writer]:
        with _translated(self.url):
            conn = self._connection()
            with conn.pipeline():  # BEGIN, the lock and (asked for) what changed since: one round trip
                conn.execute("BEGIN ISOLATION LEVEL READ COMMITTED")
                head = conn.execute("SELECT revision FROM vpcsim_head FOR UPDATE")
                changes = None if since is None else conn.execute(_DELTA, {"since": since})
            prefetched = (-1, None) if since is None else (since, _delta(changes.fetchall(), since))  # type: ignore[union-attr]
            writer = _Writer(conn, int(head.fetchone()[0]), prefetched)  # type: ignore[index]
            try:
                yield writer
            finally:
                if not writer.done and not conn.broken:
                    conn.execute("ROLLBACK")

    def commit(self, changes: ChangeSet) -> None:
        """Commit ``changes`` if the state is still at the revision they follow (``changes.revision - 1``), else raise
        Conflict: one statement, so one transaction and one round trip (store/pg_schema.py, ``vpcsim_commit``)."""
        if changes.clear:
            with self.writer() as writer:
                writer.commit(changes)
            return
        with _translated(self.url):
            self._connection().execute(_COMMIT, _commit_args(changes, changes.revision - 1))

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
