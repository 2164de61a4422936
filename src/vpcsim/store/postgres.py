"""PostgreSQL: one state shared by any number of vpcsim servers (docs/postgresql.md). Imported only for a
``postgresql://`` state, so SQLite users never load psycopg.

Tables (``vpcsim_schema`` holds the version; ``migrate`` brings a database to this module's version under an
advisory lock, so servers starting together migrate once):

- ``vpcsim_head``: one row, the state's ``revision`` and ``horizon``. Its row lock is the state's write lock.
- ``vpcsim_records``: one row per record, the scope columns and a jsonb body (psql can query it), ``seq`` (first
  written order, so describes page alike on every server) and ``rev`` (the revision that last wrote it).
- ``vpcsim_tombstones``: (kind, id, rev) of the latest deletion of a key, so a server can catch up by revision;
  pruned after ``_KEEP`` revisions, when ``horizon`` moves up: a server further behind reloads the whole state.
- ``vpcsim_meta``: key, value, rev.

A call that writes commits in one round trip: ``vpcsim_claim(r, r + 1)`` moves the head from the revision the call
read to the next, under the head row's lock, or raises a serialization failure when another server got there first;
the writes and COMMIT follow in the same pipeline, so the lock is held only while PostgreSQL runs them. ``writer``
takes the same lock up front (``FOR UPDATE``) for a call that must not be overtaken again. Either way writers pass the
lock one at a time, each having read everything committed before it: a serial history in revision order, which is
what SERIALIZABLE promises; the transactions run at READ COMMITTED because the head row is the only row they read
(docs/postgresql.md has the argument). A server catches up with one statement: one snapshot, one round trip.
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

SCHEMA_VERSION = 1
_MIGRATIONS: dict[int, str] = {
    1: """
CREATE TABLE vpcsim_head (
    one boolean PRIMARY KEY DEFAULT true CHECK (one),
    revision bigint NOT NULL,
    horizon bigint NOT NULL
);
INSERT INTO vpcsim_head (one, revision, horizon) VALUES (true, 0, 0);
CREATE TABLE vpcsim_records (
    kind text NOT NULL, id text NOT NULL, account text NOT NULL, region text NOT NULL, parent text,
    body jsonb NOT NULL, seq bigserial NOT NULL, rev bigint NOT NULL,
    PRIMARY KEY (kind, id)
);
CREATE INDEX vpcsim_records_rev ON vpcsim_records (rev);
CREATE TABLE vpcsim_tombstones (kind text NOT NULL, id text NOT NULL, rev bigint NOT NULL, PRIMARY KEY (kind, id));
CREATE INDEX vpcsim_tombstones_rev ON vpcsim_tombstones (rev);
CREATE TABLE vpcsim_meta (key text PRIMARY KEY, value text NOT NULL, rev bigint NOT NULL);
CREATE INDEX vpcsim_meta_rev ON vpcsim_meta (rev);
CREATE FUNCTION vpcsim_claim(base bigint, next bigint) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    UPDATE vpcsim_head SET revision = next WHERE revision = base;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'vpcsim: the state moved past revision %', base USING ERRCODE = 'serialization_failure';
    END IF;
END $$;
""",
}
# psycopg warns when it leaves a pipeline that a failed statement aborted; here that is a conflict the store retries.
logging.getLogger("psycopg").setLevel(logging.ERROR)
_MIGRATION_LOCK = 0x767063_73696D  # "vpcsim": the advisory lock migrations hold
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


def schema_version(conn: psycopg.Connection[Any]) -> int:
    if conn.execute("SELECT to_regclass('vpcsim_schema')").fetchone() == (None,):
        return 0
    row = conn.execute("SELECT version FROM vpcsim_schema").fetchone()
    return int(row[0]) if row else 0


def migrate(conn: psycopg.Connection[Any]) -> tuple[int, int]:
    """Bring the database's schema to ``SCHEMA_VERSION``: (version before, version now)."""
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (_MIGRATION_LOCK,))
        before = schema_version(conn)
        if before > SCHEMA_VERSION:
            raise StateUnavailable(
                f"the PostgreSQL state has schema version {before}, newer than this vpcsim's {SCHEMA_VERSION}; "
                "upgrade vpcsim"
            )
        if before == 0:
            conn.execute("CREATE TABLE IF NOT EXISTS vpcsim_schema (version integer NOT NULL)")
            conn.execute("INSERT INTO vpcsim_schema (version) VALUES (0)")
        for version in range(before + 1, SCHEMA_VERSION + 1):
            conn.execute(_MIGRATIONS[version])
        conn.execute("UPDATE vpcsim_schema SET version = %s", (SCHEMA_VERSION,))
    return before, SCHEMA_VERSION


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


def _write(cur: psycopg.Cursor[Any], changes: ChangeSet, rev: int) -> None:
    """Queue a change set's writes (all but the head's revision) on a pipelined cursor."""
    if not changes.clear:
        _delete(cur, changes.deletes, rev)
        _put(cur, changes, rev)
    cur.executemany(
        "INSERT INTO vpcsim_meta (key, value, rev) VALUES (%s, %s, %s) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value, rev = excluded.rev",
        [(k, v, rev) for k, v in changes.meta.items()],
    )
    if rev % _PRUNE_EVERY == 0:
        cur.execute("DELETE FROM vpcsim_tombstones WHERE rev <= %s", (rev - _KEEP,))
        cur.execute("UPDATE vpcsim_head SET horizon = greatest(horizon, %s)", (rev - _KEEP,))


def _delete(cur: psycopg.Cursor[Any], deletes: list[Key], rev: int) -> None:
    if not deletes:
        return
    cur.executemany("DELETE FROM vpcsim_records WHERE kind = %s AND id = %s", deletes)
    cur.executemany(
        "INSERT INTO vpcsim_tombstones (kind, id, rev) VALUES (%s, %s, %s) "
        "ON CONFLICT (kind, id) DO UPDATE SET rev = excluded.rev",
        [(k, i, rev) for k, i in deletes],
    )


def _put(cur: psycopg.Cursor[Any], changes: ChangeSet, rev: int) -> None:
    created = [r for r in changes.puts if (r.kind, r.id) in changes.created]
    updated = [r for r in changes.puts if (r.kind, r.id) not in changes.created]
    if created:
        # A plain INSERT: a new record whose key exists already is a conflict (UniqueViolation), never an
        # overwrite. A key deleted and created again keeps its tombstone: a server catching up applies deletions
        # first, so the record moves to the end of the first-written order there too, as it did here.
        cur.executemany(
            f"INSERT INTO vpcsim_records ({_RECORD}, rev) VALUES (%s, %s, %s, %s, %s, %s, %s)",
            [_row(r, rev) for r in created],
        )
    if updated:
        cur.executemany(
            f"INSERT INTO vpcsim_records ({_RECORD}, rev) VALUES (%s, %s, %s, %s, %s, %s, %s) "
            "ON CONFLICT (kind, id) DO UPDATE SET account = excluded.account, region = excluded.region, "
            "parent = excluded.parent, body = excluded.body, rev = excluded.rev",
            [_row(r, rev) for r in updated],
        )


def _copy_in(conn: psycopg.Connection[Any], changes: ChangeSet, rev: int) -> None:
    """The whole state replaced (a reset, a copy): COPY for the records, which a pipeline cannot carry."""
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
        rev = changes.revision
        if rev <= self.revision:
            raise ValueError(f"revision {rev} does not follow {self.revision}")
        if changes.clear:
            _copy_in(self._conn, changes, rev)
        with self._conn.pipeline(), self._conn.cursor() as cur:
            _write(cur, changes, rev)
            cur.execute("UPDATE vpcsim_head SET revision = %s", (rev,))
            cur.execute("COMMIT")
        self.done = True
        self.revision = rev


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
        Conflict: the claim (vpcsim_claim, which takes the write lock), the writes and COMMIT go in one pipeline, so
        the lock is held only while PostgreSQL runs them, never across a round trip."""
        if changes.clear:
            with self.writer() as writer:
                writer.commit(changes)
            return
        rev = changes.revision
        with _translated(self.url):
            conn = self._connection()
            try:
                with conn.pipeline(), conn.cursor() as cur:
                    cur.execute("BEGIN ISOLATION LEVEL READ COMMITTED")
                    cur.execute("SELECT vpcsim_claim(%s::bigint, %s::bigint)", (rev - 1, rev))
                    _write(cur, changes, rev)
                    cur.execute("COMMIT")
            except BaseException:
                if not conn.broken and conn.info.transaction_status != psycopg.pq.TransactionStatus.IDLE:
                    conn.execute("ROLLBACK")
                raise

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
