"""PostgreSQL: one state shared by any number of vpcsim servers (docs/postgresql.md). Imported only for a
``postgresql://`` state, so SQLite users never load psycopg.

The tables and the commit function are in store/pg_schema.py. A call that writes commits in one statement,
``vpcsim_commit``, which takes the head row's lock, refuses the call (a serialization failure) if a revision
committed since the one the call read wrote anything the call read (the tokens of store/state.py), and otherwise
writes the call's change set as the next revision and answers the revisions the call had not seen; so the lock is
held only while PostgreSQL runs that statement. ``writer`` takes the same lock up front (``FOR UPDATE``) for a call
that must not be overtaken again. Either way writers pass the lock one at a time, each committing on reads that no
earlier commit changed: a serial history in revision order, which is what SERIALIZABLE promises. The transactions
run at READ COMMITTED because they read only the head row, under its lock, and log rows no one changes after their
commit (docs/postgresql.md has the argument). A server
catches up with one statement (one snapshot, one round trip, through libpq directly), which also answers the revision
when nothing changed.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import psycopg
from psycopg import errors
from psycopg.types.json import Jsonb

from vpcsim.model import Record
from vpcsim.store.backend import ChangeSet, Conflict, Delta, Key, Loaded, StateUnavailable, Step
from vpcsim.store.pg_schema import SCHEMA_VERSION, migrate, schema_version
from vpcsim.store.state import ANYTHING

# psycopg warns when it leaves a pipeline that a failed statement aborted; here that is a conflict the store retries.
logging.getLogger("psycopg").setLevel(logging.ERROR)
_PRUNE_EVERY = 1024
_KEEP = 8192  # revisions kept in the log for servers catching up
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


# What happened after a revision, as ONE statement: one snapshot (even outside a transaction), one round trip, and a
# plan that never changes (the log's primary key, in order), so it is prepared once. The head comes with it, to tell
# a state cleared or pruned since (horizon) from one merely ahead; at most _BATCH revisions at a time.
_LOG = (
    "SELECT h.revision, h.horizon, l.rev, l.changes FROM vpcsim_head h LEFT JOIN LATERAL "
    "(SELECT rev, changes FROM vpcsim_log WHERE rev > $1 ORDER BY rev LIMIT 500) l ON true"
)
_LOG_PSYCOPG = re.sub(r"\$\d", "%s", _LOG)
_BATCH = 500  # the LIMIT in _LOG


_LogRow = tuple[int, int, int | None, str | None]  # head revision, horizon, a revision after the one asked, its changes


def _raw_row(result: psycopg.pq.abc.PGresult, i: int) -> _LogRow:
    rev, changes = result.get_value(i, 2), result.get_value(i, 3)
    return (
        int(result.get_value(i, 0) or 0),
        int(result.get_value(i, 1) or 0),
        None if rev is None else int(rev),
        None if changes is None else changes.decode(),
    )


def _record(row: dict[str, Any]) -> Record:
    return Record.from_json(row["kind"], row["id"], row["account"], row["region"], row["parent"], row["body"])


def _delta(fetch: Callable[[int], list[_LogRow]], since: int) -> Delta | None:
    """Every revision after ``since``, read ``_BATCH`` at a time with ``fetch``; None when only a full load can tell."""
    steps: list[Step] = []
    while True:
        rows = fetch(since)
        revision, horizon = rows[0][0], rows[0][1]
        if since < horizon or since > revision:
            return None  # cleared, pruned or replaced since
        batch = [_step(rev, text) for _, _, rev, text in rows if rev is not None and text is not None]
        steps += batch
        if len(batch) < _BATCH:
            return Delta(revision, steps)
        since = batch[-1].revision


def _step(revision: int, text: str) -> Step:
    changes = json.loads(text)
    deletes: list[Key] = [(d["kind"], d["id"]) for d in changes["deleted"]]
    return Step(revision, [_record(p) for p in changes["puts"]], deletes, changes["meta"])


def _row(record: Record, revision: int) -> tuple[Any, ...]:
    return (record.kind, record.id, record.account, record.region, record.parent, Jsonb(record.to_json()), revision)


_COMMIT = (
    "SELECT step, step_changes FROM vpcsim_commit($1::bigint, $2::text[], $3::text[], $4::text, $5::bigint, "
    "$6::bigint, $7::bigint)"
)
_COMMIT_PSYCOPG = re.sub(r"\$\d", "%s", _COMMIT)  # the same, for psycopg (placeholders %s, not $n)
_PREPARED = {b"vpcsim_log": _LOG, b"vpcsim_commit": _COMMIT}


def _commit_values(changes: ChangeSet, base: int, reads: list[str], at_least: int | None) -> list[int | str | None]:
    """``vpcsim_commit``'s arguments: the revision the call read, what it read and what it wrote (as tokens), the
    change set as JSON (as the log keeps it: each record written says whether it is new), the least revision it may
    become, and when and how far to prune the log."""
    puts = [] if changes.clear else [_put(r, (r.kind, r.id) in changes.created) for r in changes.puts]
    deleted = [{"kind": kind, "id": rid} for kind, rid in changes.deletes]
    writes = [ANYTHING] if changes.clear else changes.tokens
    change_set = json.dumps({"puts": puts, "deleted": deleted, "meta": changes.meta})
    return [base, _array(reads), _array(writes), change_set, at_least, _PRUNE_EVERY, _KEEP]


def _array(tokens: list[str]) -> str:
    """A text[] literal: every element quoted, its backslashes and double quotes escaped."""
    quoted = (t.replace("\\", "\\\\").replace('"', '\\"') for t in tokens)
    return "{" + ",".join(f'"{t}"' for t in quoted) + "}"


def _committed(rows: list[tuple[int, str | None]]) -> Delta:
    """``vpcsim_commit``'s answer: the revisions committed before the call's, then the call's own."""
    return Delta(rows[-1][0], [_step(rev, text) for rev, text in rows[:-1] if text is not None])


def _texts(values: list[int | str | None]) -> list[bytes | None]:
    """Parameters as libpq's text format."""
    return [None if v is None else str(v).encode() for v in values]


def _put(r: Record, new: bool) -> dict[str, Any]:
    return {
        "kind": r.kind,
        "id": r.id,
        "account": r.account,
        "region": r.region,
        "parent": r.parent,
        "body": r.to_json(),
        "new": new,
    }


def _copy_in(conn: psycopg.Connection[Any], changes: ChangeSet, rev: int) -> None:
    """The whole state replaced (a reset, a copy): the tables emptied, COPY for the records."""
    with conn.cursor() as cur:
        for table in ("vpcsim_records", "vpcsim_log", "vpcsim_meta"):
            cur.execute(f"DELETE FROM {table}")
        cur.execute("UPDATE vpcsim_head SET horizon = %s", (rev,))
        with cur.copy(f"COPY vpcsim_records ({_RECORD}, rev) FROM STDIN") as copy:
            copy.set_types(["text", "text", "text", "text", "text", "jsonb", "int8"])
            for record in changes.puts:
                copy.write_row(_row(record, rev))


def _first_then(conn: psycopg.Connection[Any], first: list[_LogRow]) -> Callable[[int], list[_LogRow]]:
    """Rows already fetched for the first batch, then the log read on ``conn`` for any further one."""
    pending = [first]
    return lambda since: pending.pop() if pending else conn.execute(_LOG_PSYCOPG, (since,)).fetchall()


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
        return _delta(lambda since: self._conn.execute(_LOG_PSYCOPG, (since,)).fetchall(), revision)

    def commit(self, changes: ChangeSet) -> None:
        if changes.revision <= self.revision:
            raise ValueError(f"revision {changes.revision} does not follow {self.revision}")
        if changes.clear:
            _copy_in(self._conn, changes, changes.revision)
        with self._conn.pipeline():
            self._conn.execute(_COMMIT_PSYCOPG, _commit_values(changes, self.revision, [], changes.revision))
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
        self._prepared: psycopg.Connection[Any] | None = None  # the connection _PREPARED are prepared on
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
                # a pipeline that a conflict aborted ("prepared statement _pg3_N does not exist" ever after). The
                # two queries every call may run are prepared by ``_query``, outside any pipeline.
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
            # One round trip, whether anything changed or not: with several servers writing, something most often
            # has, and a revision query first would cost a round trip more (nothing changed: the log's key, probed).
            return _delta(lambda since: self._log(conn, since), revision)

    def _log(self, conn: psycopg.Connection[Any], since: int) -> list[_LogRow]:
        result = self._query(conn, b"vpcsim_log", [str(since).encode()])
        return [_raw_row(result, i) for i in range(result.ntuples)]

    def _query(self, conn: psycopg.Connection[Any], name: bytes, params: list[bytes | None]) -> psycopg.pq.abc.PGresult:
        """A prepared query through libpq directly: every call of every server runs these, and psycopg's own layers
        cost about ten times libpq's (measured: ~36 us of CPU against ~4 us for a one-row query)."""
        if self._prepared is not conn:
            for prepared, query in _PREPARED.items():
                self._check(conn.pgconn.prepare(prepared, query.encode()), psycopg.pq.ExecStatus.COMMAND_OK)
            self._prepared = conn
        # libpq takes None for NULL; psycopg's stub says otherwise.
        return self._check(conn.pgconn.exec_prepared(name, params), psycopg.pq.ExecStatus.TUPLES_OK)  # type: ignore[arg-type]

    @staticmethod
    def _check(result: psycopg.pq.abc.PGresult, wanted: psycopg.pq.ExecStatus) -> psycopg.pq.abc.PGresult:
        """``result`` if it has the status wanted; else the error as psycopg would raise it (then translated)."""
        if result.status == wanted:
            return result
        message = (result.error_message or b"no answer").decode(errors="replace").strip()
        sqlstate = result.error_field(psycopg.pq.DiagnosticField.SQLSTATE)
        if sqlstate is None:
            raise psycopg.OperationalError(message)  # no answer: the connection is gone
        raise errors.lookup(sqlstate.decode())(message)

    @contextmanager
    def writer(self, since: int | None = None) -> Iterator[_Writer]:
        with _translated(self.url):
            conn = self._connection()
            with conn.pipeline():  # BEGIN, the lock and (asked for) what changed since: one round trip
                conn.execute("BEGIN ISOLATION LEVEL READ COMMITTED")
                head = conn.execute("SELECT revision FROM vpcsim_head FOR UPDATE")
                changes = None if since is None else conn.execute(_LOG_PSYCOPG, (since,))
            prefetched: tuple[int, Delta | None] = (-1, None)
            if since is not None and changes is not None:
                prefetched = (since, _delta(_first_then(conn, changes.fetchall()), since))
            writer = _Writer(conn, int(head.fetchone()[0]), prefetched)  # type: ignore[index]
            try:
                yield writer
            finally:
                if not writer.done and not conn.broken:
                    conn.execute("ROLLBACK")

    def commit(self, changes: ChangeSet) -> None:
        """Commit ``changes`` if the state is still at the revision they follow (``changes.revision - 1``), else raise
        Conflict."""
        if changes.clear:
            with self.writer() as writer:
                writer.commit(changes)
            return
        self.commit_after(changes, changes.revision - 1, [ANYTHING])

    def commit_after(self, changes: ChangeSet, base: int, reads: list[str]) -> Delta:
        """One statement, so one transaction and one round trip (store/pg_schema.py, ``vpcsim_commit``)."""
        with _translated(self.url):
            conn = self._connection()
            result = self._query(conn, b"vpcsim_commit", _texts(_commit_values(changes, base, reads, None)))
            rows = [(int(result.get_value(i, 0) or 0), result.get_value(i, 1)) for i in range(result.ntuples)]
        return _committed([(rev, None if text is None else text.decode()) for rev, text in rows])

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
