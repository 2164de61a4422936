"""Several stores on one PostgreSQL state, in one process: each sees the others' commits at its next call, in the
same order; a write call whose reads another store overtook runs again on the new state; reset and pruning make a
store reload; nothing is ever overwritten by a new record with an existing key."""

from __future__ import annotations

from typing import Any

import psycopg
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.pg_cluster import Cluster
from vpcsim.model import Record
from vpcsim.store import SharedStore, StateUnavailable, Transaction, open_store, shared
from vpcsim.store import postgres as pg


@pytest.fixture
def url(postgres: Cluster) -> str:
    return postgres.create_database("unit")


def _vpc(rid: str, value: int = 0, parent: str | None = "p") -> Record:
    return Record("vpc", rid, "111111111111", "us-east-1", {"V": value}, parent)


def _ids(store: SharedStore) -> list[str]:
    with store.snapshot() as tx:
        return [r.id for r in tx.scan("vpc", "111111111111", "us-east-1")]


def test_a_commit_on_one_store_is_read_by_the_next_call_on_another(url: str) -> None:
    a, b = SharedStore(pg.PostgresBackend(url)), SharedStore(pg.PostgresBackend(url))
    a.run(lambda tx: tx.put(_vpc("vpc-1")))
    b.run(lambda tx: tx.put(_vpc("vpc-2")))
    a.run(lambda tx: tx.delete("vpc", "vpc-1"))
    assert _ids(b) == _ids(a) == ["vpc-2"]
    assert a.revision == b.revision == 3
    with b.snapshot() as tx:
        assert [r.id for r in tx.children("vpc", "p")] == ["vpc-2"]


def test_a_write_overtaken_by_another_store_runs_again_on_the_new_state(url: str) -> None:
    a, b = SharedStore(pg.PostgresBackend(url)), SharedStore(pg.PostgresBackend(url))
    seen: list[list[str]] = []

    def take_next_free(tx: Transaction) -> str:
        taken = sorted(r.id for r in tx.scan("vpc"))
        seen.append(taken)
        if len(seen) == 1:  # between this call's reads and its commit, another server takes the same id
            b.run(lambda other: other.put(_vpc("vpc-1")))
        rid = f"vpc-{len(taken) + 1}"
        tx.put(_vpc(rid))
        return rid

    assert a.run(take_next_free) == "vpc-2"  # its commit found the state moved: nothing written, and it ran again
    assert seen == [[], ["vpc-1"]]
    assert _ids(a) == _ids(b) == ["vpc-1", "vpc-2"]


def _other(rid: str, account: str = "222222222222", parent: str | None = "p") -> Record:
    return Record("vpc", rid, account, "us-east-1", {"V": 0}, parent)


# (what a call reads, a write by another server that changes its answer, one that cannot)
_READS: dict[str, tuple[Any, Any, Any]] = {
    "a record": (
        lambda tx: tx.find("vpc", "vpc-9"),
        lambda tx: tx.put(_vpc("vpc-9")),
        lambda tx: tx.put(_vpc("vpc-8")),
    ),
    "a deleted record": (
        lambda tx: tx.find("vpc", "vpc-0"),
        lambda tx: tx.delete("vpc", "vpc-0"),
        lambda tx: tx.delete("vpc", "vpc-1"),
    ),
    "a kind": (lambda tx: list(tx.scan("vpc")), lambda tx: tx.put(_other("vpc-9")), lambda tx: tx.set_meta("m", "1")),
    "a kind in a scope": (
        lambda tx: list(tx.scan("vpc", "111111111111", "us-east-1")),
        lambda tx: tx.put(_vpc("vpc-9")),
        lambda tx: tx.put(_other("vpc-9")),
    ),
    "a scope a record leaves": (
        lambda tx: list(tx.scan("vpc", "111111111111", "us-east-1")),
        lambda tx: tx.put(_other("vpc-0")),
        lambda tx: tx.put(_other("vpc-9")),
    ),
    "children": (
        lambda tx: list(tx.children("vpc", "q")),
        lambda tx: tx.put(_vpc("vpc-9", parent="q")),
        lambda tx: tx.put(_vpc("vpc-9")),
    ),
    "children a record leaves": (
        lambda tx: list(tx.children("vpc", "p")),
        lambda tx: tx.put(_vpc("vpc-0", parent="q")),
        lambda tx: tx.put(_vpc("vpc-9", parent="q")),
    ),
    "metadata": (lambda tx: tx.meta("m"), lambda tx: tx.set_meta("m", "1"), lambda tx: tx.set_meta("n", "1")),
    "the same key written": (lambda tx: None, lambda tx: tx.put(_vpc("vpc-5", 1)), lambda tx: tx.put(_vpc("vpc-6"))),
}


@pytest.mark.parametrize("read", sorted(_READS))
@pytest.mark.parametrize("changes_it", [True, False], ids=["changed", "unrelated"])
def test_a_write_runs_again_only_when_another_server_changed_what_it_read(
    url: str, read: str, changes_it: bool
) -> None:
    """The call's reads are tracked as tokens: a write committed since its revision that shares one makes it run
    again on the new state; any other commits first, and the call commits after it without running again."""
    a, b = SharedStore(pg.PostgresBackend(url)), SharedStore(pg.PostgresBackend(url))
    a.run(lambda tx: [tx.put(_vpc("vpc-0")), tx.put(_vpc("vpc-1"))])
    reads, conflicting, unrelated = _READS[read]
    runs: list[int] = []

    def call(tx: Transaction) -> None:
        reads(tx)
        if not runs:  # between this call's reads and its commit, another server commits
            b.run(conflicting if changes_it else unrelated)
        runs.append(1)
        tx.put(_vpc("vpc-5", 2))

    a.run(call)
    assert len(runs) == (2 if changes_it else 1)
    assert a.revision == b.revision == 3
    with b.snapshot() as tx:
        assert tx.find("vpc", "vpc-5") == _vpc("vpc-5", 2)  # the call's write came last, everywhere
    fresh = SharedStore(pg.PostgresBackend(url))
    for store in (a, b, fresh):
        with store.snapshot() as tx:
            assert [r.id for r in tx.scan("vpc")] == _ids_everywhere(b)


def _ids_everywhere(store: SharedStore) -> list[str]:
    with store.snapshot() as tx:
        return [r.id for r in tx.scan("vpc")]


def test_a_write_that_used_the_whole_state_runs_again_after_any_other_write(url: str) -> None:
    a, b = SharedStore(pg.PostgresBackend(url)), SharedStore(pg.PostgresBackend(url))
    runs: list[int] = []

    def call(tx: Transaction) -> None:
        tx.cached("everything", lambda t: len(list(t.scan("vpc"))))
        if not runs:
            b.run(lambda other: other.set_meta("unrelated", "1"))
        runs.append(1)
        tx.put(_vpc("vpc-1"))

    a.run(call)
    assert len(runs) == 2


def test_concurrent_increments_through_two_stores_are_never_lost(url: str) -> None:
    """Two servers' threads read-modify-write one counter and each a counter of its own, all at once: every
    increment is kept (a lost update would need a commit on a read another commit had changed)."""
    import threading

    stores = [SharedStore(pg.PostgresBackend(url)), SharedStore(pg.PostgresBackend(url))]
    rounds = 40

    def bump(tx: Transaction, rid: str) -> None:
        found = tx.find("vpc", rid)
        tx.put(_vpc(rid, (found.doc["V"] if found else 0) + 1))

    def work(store: SharedStore, own: str) -> None:
        for _ in range(rounds):
            store.run(lambda tx: bump(tx, "vpc-shared"))
            store.run(lambda tx: bump(tx, own))

    threads = [threading.Thread(target=work, args=(s, f"vpc-own{i}")) for i, s in enumerate(stores)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for store in [*stores, SharedStore(pg.PostgresBackend(url))]:
        with store.snapshot() as tx:
            counts = {r.id: r.doc["V"] for r in tx.scan("vpc")}
        assert counts == {"vpc-shared": 2 * rounds, "vpc-own0": rounds, "vpc-own1": rounds}
        assert store.revision == 4 * rounds


def test_a_call_overtaken_again_and_again_finally_runs_under_the_lock(url: str) -> None:
    a, b = SharedStore(pg.PostgresBackend(url)), SharedStore(pg.PostgresBackend(url))
    seen: list[list[str]] = []

    def take_next_free(tx: Transaction) -> None:
        seen.append(sorted(r.id for r in tx.scan("vpc")))
        if len(seen) <= shared._OPTIMISTIC:  # another server commits while this run is under way
            b.run(lambda other: other.put(_vpc(f"vpc-b{len(seen)}")))
        else:  # this run holds the write lock: no other writer can get it
            with psycopg.connect(url, autocommit=True) as conn:
                conn.execute("SET lock_timeout = '100ms'")
                with pytest.raises(psycopg.errors.LockNotAvailable):
                    conn.execute("SELECT 1 FROM vpcsim_head FOR UPDATE")
        tx.put(_vpc(f"vpc-a{len(seen)}"))

    a.run(take_next_free)
    assert len(seen) == shared._OPTIMISTIC + 1
    assert seen[-1] == [f"vpc-b{i}" for i in range(1, shared._OPTIMISTIC + 1)]
    assert _ids(b) == [*seen[-1], f"vpc-a{len(seen)}"]


def test_a_key_deleted_and_created_again_elsewhere_moves_to_the_end_everywhere(url: str) -> None:
    a, b = SharedStore(pg.PostgresBackend(url)), SharedStore(pg.PostgresBackend(url))
    a.run(lambda tx: [tx.put(_vpc("vpc-1")), tx.put(_vpc("vpc-2"))])
    assert _ids(b) == ["vpc-1", "vpc-2"]
    b.run(lambda tx: tx.delete("vpc", "vpc-1"))
    b.run(lambda tx: tx.put(_vpc("vpc-1", 1)))
    assert _ids(a) == _ids(b) == _ids(SharedStore(pg.PostgresBackend(url))) == ["vpc-2", "vpc-1"]


def test_a_refused_call_writes_nothing_and_is_not_run_again(url: str) -> None:
    a = SharedStore(pg.PostgresBackend(url))
    runs = []

    def refuse(tx: Transaction) -> None:
        runs.append(1)
        tx.put(_vpc("vpc-1"))
        raise ValueError("refused")

    with pytest.raises(ValueError):
        a.run(refuse)
    assert runs == [1] and _ids(a) == [] and a.revision == 0


def test_a_new_record_never_overwrites_an_existing_key(url: str) -> None:
    a = SharedStore(pg.PostgresBackend(url))
    with psycopg.connect(url, autocommit=True) as conn:  # a row the store cannot know of (no revision moved)
        conn.execute(
            "INSERT INTO vpcsim_records (kind, id, account, region, parent, body, rev) "
            """VALUES ('vpc', 'vpc-9', '1', 'r', NULL, '{"doc": {"Mine": true}}', 0)"""
        )
    with pytest.raises(StateUnavailable):
        a.run(lambda tx: tx.put(_vpc("vpc-9")))
    with psycopg.connect(url) as conn:
        assert conn.execute("SELECT body FROM vpcsim_records WHERE id = 'vpc-9'").fetchone() == (
            {"doc": {"Mine": True}},
        )


def test_a_store_far_behind_catches_up_in_batches_within_one_call(url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pg, "_BATCH", 2)
    monkeypatch.setattr(pg, "_LOG", pg._LOG.replace("LIMIT 500", "LIMIT 2"))
    monkeypatch.setattr(pg, "_LOG_PSYCOPG", pg._LOG_PSYCOPG.replace("LIMIT 500", "LIMIT 2"))
    monkeypatch.setattr(pg, "_PREPARED", {**pg._PREPARED, b"vpcsim_log": pg._LOG})
    a, b = SharedStore(pg.PostgresBackend(url)), SharedStore(pg.PostgresBackend(url))
    for i in range(7):
        a.run(lambda tx, i=i: tx.put(_vpc(f"vpc-{i}")))
    assert _ids(b) == [f"vpc-{i}" for i in range(7)] and b.revision == 7


def test_a_lost_connection_fails_the_call_with_503_and_the_next_call_reconnects(url: str) -> None:
    a = SharedStore(pg.PostgresBackend(url))
    a.run(lambda tx: tx.put(_vpc("vpc-1")))
    backend_pid = a.backend._connection().info.backend_pid  # type: ignore[attr-defined]
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("SELECT pg_terminate_backend(%s)", (backend_pid,))
    with pytest.raises(StateUnavailable) as lost:
        _ids(a)
    assert lost.value.status == 503
    a.run(lambda tx: tx.put(_vpc("vpc-2")))
    assert _ids(a) == _ids(SharedStore(pg.PostgresBackend(url))) == ["vpc-1", "vpc-2"]


def test_reset_and_copy_make_other_stores_reload_and_revisions_only_grow(url: str) -> None:
    a, b = SharedStore(pg.PostgresBackend(url)), SharedStore(pg.PostgresBackend(url))
    a.run(lambda tx: tx.put(_vpc("vpc-1")))
    assert _ids(b) == ["vpc-1"]
    a.reset()
    assert _ids(b) == [] and b.revision == 2
    a.run(lambda tx: tx.put(_vpc("vpc-1", 5)))
    with b.snapshot() as tx:
        assert tx.find("vpc", "vpc-1") == _vpc("vpc-1", 5)


def test_a_store_further_behind_than_the_kept_log_reloads(url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pg, "_PRUNE_EVERY", 4)
    monkeypatch.setattr(pg, "_KEEP", 2)
    a, b = SharedStore(pg.PostgresBackend(url)), SharedStore(pg.PostgresBackend(url))
    for i in range(5):
        a.run(lambda tx, i=i: tx.put(_vpc(f"vpc-{i}")))
    a.run(lambda tx: tx.delete("vpc", "vpc-0"))
    for i in range(5, 9):
        a.run(lambda tx, i=i: tx.put(_vpc(f"vpc-{i}")))
    with psycopg.connect(url) as conn:
        horizon = conn.execute("SELECT horizon FROM vpcsim_head").fetchone()[0]  # type: ignore[index]
        assert horizon > 0  # the log before it is gone: b, at revision 0, cannot catch up from it
        assert conn.execute("SELECT min(rev) FROM vpcsim_log").fetchone()[0] > horizon  # type: ignore[index]
    assert _ids(b) == _ids(a) == [f"vpc-{i}" for i in range(1, 9)]


_OPS = st.lists(
    st.tuples(
        st.sampled_from(["a", "b"]),
        st.sampled_from(["put", "delete", "meta"]),
        st.sampled_from([f"vpc-{i}" for i in range(5)]),
        st.sampled_from(["p1", "p2", None]),
        st.integers(0, 3),
    ),
    max_size=12,
)


@pytest.fixture(scope="module")
def model_url(postgres: Cluster) -> str:
    return postgres.create_database("model")


def _wipe(url: str) -> None:
    SharedStore(pg.PostgresBackend(url)).close()  # creates the schema on first use
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("TRUNCATE vpcsim_records, vpcsim_log, vpcsim_meta")
        conn.execute("UPDATE vpcsim_head SET revision = 0, horizon = 0")


@settings(max_examples=15, deadline=None)
@given(ops=_OPS)
def test_two_stores_agree_with_a_plain_model_and_with_each_other(model_url: str, ops: list[Any]) -> None:
    url = model_url
    _wipe(url)
    stores = {"a": SharedStore(pg.PostgresBackend(url)), "b": SharedStore(pg.PostgresBackend(url))}
    model: dict[str, Record] = {}
    meta: dict[str, str] = {}
    try:
        for who, op, rid, parent, value in ops:
            if op == "put":
                model[rid] = _vpc(rid, value, parent)
                stores[who].run(lambda tx, r=model[rid]: tx.put(r))
            elif op == "delete":
                model.pop(rid, None)
                stores[who].run(lambda tx, rid=rid: tx.delete("vpc", rid))
            else:
                meta[rid] = str(value)
                stores[who].run(lambda tx, rid=rid, value=value: tx.set_meta(rid, str(value)))
        views = []
        for store in stores.values():
            with store.snapshot() as tx:
                views.append([(r, r.parent) for r in tx.scan("vpc")])
                assert {r.id: r for r in tx.scan("vpc")} == model
                assert {k: tx.meta(k) for k in meta} == meta
                for p in ("p1", "p2"):
                    assert {r.id for r in tx.children("vpc", p)} == {r.id for r in model.values() if r.parent == p}
        assert views[0] == views[1]  # the same records in the same (first-written) order
        fresh = open_store(url)
        with fresh.snapshot() as tx:
            assert [r.id for r in tx.scan("vpc")] == [r.id for r, _ in views[0]]
        fresh.close()
    finally:
        for store in stores.values():
            store.close()


def test_a_version_1_state_is_refused_until_migrated_and_then_keeps_its_records(url: str) -> None:
    from vpcsim.store import pg_schema

    with psycopg.connect(url, autocommit=True) as conn:  # a state written by a vpcsim of schema version 1
        conn.execute("CREATE TABLE vpcsim_schema (version integer NOT NULL); INSERT INTO vpcsim_schema VALUES (1)")
        conn.execute(pg_schema.MIGRATIONS[1])
        conn.execute(
            "SELECT vpcsim_commit(0, 1, %s::jsonb, '[]', '{}', NULL)",
            [
                '[{"kind": "vpc", "id": "vpc-1", "account": "111111111111", "region": "us-east-1", "parent": "p", '
                '"body": {"doc": {"V": 0}, "tags": [], "extra": {}}, "new": true}]'
            ],
        )
    with pytest.raises(StateUnavailable, match=r"schema version 1.*state migrate"):
        pg.PostgresBackend(url)
    assert pg.PostgresBackend(url, check=False).migrate() == (1, pg_schema.SCHEMA_VERSION)
    a = SharedStore(pg.PostgresBackend(url))
    assert _ids(a) == ["vpc-1"] and a.revision == 1
    a.run(lambda tx: tx.put(_vpc("vpc-2")))
    assert _ids(SharedStore(pg.PostgresBackend(url))) == ["vpc-1", "vpc-2"]
    with psycopg.connect(url) as conn:  # a version 1 log row has no tokens: read as "anything changed"
        assert conn.execute("SELECT rev, tokens IS NULL FROM vpcsim_log ORDER BY rev").fetchall() == [
            (1, True),
            (2, False),
        ]


def test_a_request_reads_the_state_as_of_its_start_and_a_call_that_conflicts_in_it_catches_up(url: str) -> None:
    a, b = SharedStore(pg.PostgresBackend(url)), SharedStore(pg.PostgresBackend(url))
    a.run(lambda tx: tx.put(_vpc("vpc-1")))
    with b.request():
        assert _ids(b) == ["vpc-1"]  # brought current at the start
        a.run(lambda tx: tx.put(_vpc("vpc-2")))
        assert _ids(b) == ["vpc-1"]  # and not again within the request: a write acknowledged after it began
        b.run(lambda tx: tx.put(_vpc("vpc-3", len(list(tx.scan("vpc"))))))  # read the kind vpc-2 changed: again
    with b.snapshot() as tx:
        assert tx.find("vpc", "vpc-3") == _vpc("vpc-3", 2)
    assert _ids(b) == ["vpc-1", "vpc-2", "vpc-3"]


def test_a_call_that_touches_very_many_records_names_them_all_as_one_token(url: str) -> None:
    """An import writes thousands of records: its change set says "anything" rather than carry every token."""
    from vpcsim.store import state

    a, b = SharedStore(pg.PostgresBackend(url)), SharedStore(pg.PostgresBackend(url))
    with a.transaction() as tx:
        for i in range(state._MANY):
            tx.put(_vpc(f"vpc-{i}"))
    with psycopg.connect(url) as conn:
        assert conn.execute("SELECT tokens FROM vpcsim_log").fetchone() == (["*"],)
    runs: list[int] = []

    def unrelated(tx: Transaction) -> None:  # read only a record nobody wrote, and yet ran again
        tx.find("vpc", "vpc-x")
        if not runs:
            a.run(lambda other: [other.put(_other(f"vpc-o{i}")) for i in range(state._MANY)])
        runs.append(1)
        tx.put(_other("vpc-y"))

    b.run(unrelated)
    assert len(runs) == 2 and b.revision == a.revision == 3
