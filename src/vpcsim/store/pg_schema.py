"""vpcsim's tables in PostgreSQL, their migrations, and ``vpcsim_commit``: the one function every write goes through.

- ``vpcsim_schema``: the schema's version. ``migrate`` brings a database to ``SCHEMA_VERSION`` under an advisory
  lock, so servers starting together on an empty database create the tables once.
- ``vpcsim_head``: one row, the state's ``revision`` and ``horizon``. Its row lock is the state's write lock.
- ``vpcsim_records``: one row per record, the scope columns and a jsonb body (psql can query it), ``seq`` (first
  written order, so describes page alike on every server) and ``rev`` (the revision that last wrote it).
- ``vpcsim_meta``: key, value, rev.
- ``vpcsim_log``: each revision's change set (jsonb: records written in order, keys deleted, metadata), so a server
  catches up by reading the revisions it missed, in order, and applying them as their server did. Pruned after a
  while, when ``horizon`` moves up: a server further behind reloads the whole state.

``vpcsim_commit(base, reads, writes, ...)`` (version 2) first takes the head row's lock (waiting for a concurrent
committer to finish). If revisions were committed after ``base``, the revision the call read, it checks their
``tokens`` (what each could have changed, store/state.py) against ``reads`` (what the call read): any token in common
(or one of them pruned from the log) raises a serialization failure, and the call runs again. Otherwise the call's
reads are as they were at the head, so it commits there: the change set becomes revision head + 1, written to the
tables and to the log with ``writes`` as its tokens. It answers the revisions committed after ``base`` (their change
sets, for the caller to apply first) and then the revision it gave the call. Run as one statement, it is one
transaction and one round trip, and it holds the lock only while PostgreSQL runs it.

Version 1 claimed the head only if it was still at ``base``: under concurrent writes through several servers,
almost every call ran twice or under the lock.
"""

from __future__ import annotations

from typing import Any

import psycopg

from vpcsim.store.backend import StateUnavailable

SCHEMA_VERSION = 2
_MIGRATION_LOCK = 0x767063_73696D  # "vpcsim": the advisory lock migrations hold

_V1 = """
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
CREATE TABLE vpcsim_meta (key text PRIMARY KEY, value text NOT NULL, rev bigint NOT NULL);
CREATE TABLE vpcsim_log (rev bigint PRIMARY KEY, changes jsonb NOT NULL);

CREATE FUNCTION vpcsim_commit(base bigint, next bigint, puts jsonb, deleted jsonb, meta jsonb, prune_below bigint)
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    UPDATE vpcsim_head SET revision = next WHERE revision = base;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'vpcsim: the state moved past revision %', base USING ERRCODE = 'serialization_failure';
    END IF;
    DELETE FROM vpcsim_records r USING jsonb_to_recordset(deleted) AS d(kind text, id text)
     WHERE r.kind = d.kind AND r.id = d.id;
    -- New records: a plain INSERT (a key that exists is a unique violation, never an overwrite), in the call's order.
    INSERT INTO vpcsim_records (kind, id, account, region, parent, body, rev)
    SELECT e->>'kind', e->>'id', e->>'account', e->>'region', e->>'parent', e->'body', next
      FROM jsonb_array_elements(puts) WITH ORDINALITY AS p(e, n) WHERE (e->>'new')::boolean ORDER BY n;
    INSERT INTO vpcsim_records (kind, id, account, region, parent, body, rev)
    SELECT e->>'kind', e->>'id', e->>'account', e->>'region', e->>'parent', e->'body', next
      FROM jsonb_array_elements(puts) WITH ORDINALITY AS p(e, n) WHERE NOT (e->>'new')::boolean ORDER BY n
        ON CONFLICT (kind, id) DO UPDATE SET account = excluded.account, region = excluded.region,
           parent = excluded.parent, body = excluded.body, rev = excluded.rev;
    INSERT INTO vpcsim_meta (key, value, rev) SELECT m.key, m.value, next FROM jsonb_each_text(meta) AS m
        ON CONFLICT (key) DO UPDATE SET value = excluded.value, rev = excluded.rev;
    INSERT INTO vpcsim_log (rev, changes)
    VALUES (next, jsonb_build_object('puts', puts, 'deleted', deleted, 'meta', meta));
    IF prune_below IS NOT NULL THEN
        DELETE FROM vpcsim_log WHERE rev <= prune_below;
        UPDATE vpcsim_head SET horizon = greatest(horizon, prune_below);
    END IF;
END $$;
"""

# Rows logged by version 1 have no tokens: a call that read before them conflicts with them (NULL counts as "*").
_V2 = """
ALTER TABLE vpcsim_log ALTER COLUMN changes TYPE text USING changes::text;
ALTER TABLE vpcsim_log ADD COLUMN tokens text[];
-- A change set is kept as its text, uncompressed and in its row up to a page (8 kB): servers read each one as text,
-- and compressing it (pglz) cost a fifth of a commit's time under the head row's lock.
ALTER TABLE vpcsim_log ALTER COLUMN changes SET STORAGE EXTERNAL;
ALTER TABLE vpcsim_log SET (toast_tuple_target = 8160);
DROP FUNCTION vpcsim_commit(bigint, bigint, jsonb, jsonb, jsonb, bigint);

CREATE FUNCTION vpcsim_commit(base bigint, reads text[], writes text[], change_set text, at_least bigint,
                              prune_every bigint, keep bigint)
RETURNS TABLE (step bigint, step_changes text) LANGUAGE plpgsql AS $$
DECLARE
    changes jsonb := change_set::jsonb;  -- parsed before the lock is taken
    head bigint;
    edge bigint;
    next bigint;
BEGIN
    SELECT h.revision, h.horizon INTO head, edge FROM vpcsim_head h FOR UPDATE;
    IF head <> base AND (
        base > head OR base < edge OR '*' = ANY(reads) OR EXISTS (
            SELECT 1 FROM vpcsim_log l  -- bounded both ways, so that even a generic plan reads the primary key
             WHERE l.rev > base AND l.rev <= head AND (l.tokens IS NULL OR l.tokens && reads OR '*' = ANY(l.tokens))
        )
    ) THEN
        RAISE EXCEPTION 'vpcsim: a write after revision % changed what the call read', base
            USING ERRCODE = 'serialization_failure';
    END IF;
    next := greatest(head + 1, coalesce(at_least, 0));
    -- The revisions the call did not see, for its server to apply before its own (read before any pruning).
    RETURN QUERY SELECT l.rev, l.changes FROM vpcsim_log l WHERE l.rev > base AND l.rev <= head ORDER BY l.rev;
    UPDATE vpcsim_head SET revision = next;
    DELETE FROM vpcsim_records r USING jsonb_to_recordset(changes->'deleted') AS d(kind text, id text)
     WHERE r.kind = d.kind AND r.id = d.id;
    -- New records: a plain INSERT (a key that exists is a unique violation, never an overwrite), in the call's order.
    INSERT INTO vpcsim_records (kind, id, account, region, parent, body, rev)
    SELECT e->>'kind', e->>'id', e->>'account', e->>'region', e->>'parent', e->'body', next
      FROM jsonb_array_elements(changes->'puts') WITH ORDINALITY AS p(e, n) WHERE (e->>'new')::boolean ORDER BY n;
    INSERT INTO vpcsim_records (kind, id, account, region, parent, body, rev)
    SELECT e->>'kind', e->>'id', e->>'account', e->>'region', e->>'parent', e->'body', next
      FROM jsonb_array_elements(changes->'puts') WITH ORDINALITY AS p(e, n) WHERE NOT (e->>'new')::boolean ORDER BY n
        ON CONFLICT (kind, id) DO UPDATE SET account = excluded.account, region = excluded.region,
           parent = excluded.parent, body = excluded.body, rev = excluded.rev;
    INSERT INTO vpcsim_meta (key, value, rev) SELECT m.key, m.value, next FROM jsonb_each_text(changes->'meta') AS m
        ON CONFLICT (key) DO UPDATE SET value = excluded.value, rev = excluded.rev;
    INSERT INTO vpcsim_log (rev, changes, tokens) VALUES (next, change_set, writes);
    IF next % prune_every = 0 THEN
        DELETE FROM vpcsim_log WHERE rev <= next - keep;
        UPDATE vpcsim_head SET horizon = greatest(horizon, next - keep);
    END IF;
    RETURN QUERY SELECT next, NULL::text;
END $$;
"""
MIGRATIONS: dict[int, str] = {1: _V1, 2: _V2}


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
            conn.execute(MIGRATIONS[version])
        conn.execute("UPDATE vpcsim_schema SET version = %s", (SCHEMA_VERSION,))
    return before, SCHEMA_VERSION
