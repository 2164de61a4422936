"""The store: a transaction applies fully or not at all, indexes agree with a plain model, SQLite reloads it all."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vpcsim.model import Record
from vpcsim.store import MemoryBackend, SqliteBackend, Store

_IDS = st.sampled_from([f"vpc-{i:08x}" for i in range(6)])
_SCOPES = st.sampled_from([("111111111111", "us-east-1"), ("222222222222", "eu-west-2")])
_OPS = st.lists(
    st.one_of(
        st.tuples(st.just("put"), _IDS, _SCOPES, st.sampled_from(["p1", "p2", None]), st.integers(0, 9)),
        st.tuples(st.just("delete"), _IDS),
    ),
    max_size=6,
)


class Boom(Exception):
    pass


def _apply(store: Store, model: dict[str, Record], ops: list[tuple], fail: bool) -> None:  # type: ignore[type-arg]
    staged = dict(model)
    try:
        with store.transaction() as tx:
            for op in ops:
                if op[0] == "put":
                    _, rid, (account, region), parent, value = op
                    record = Record("vpc", rid, account, region, {"V": value}, parent)
                    tx.put(record)
                    staged[rid] = record
                else:
                    tx.delete("vpc", op[1])
                    staged.pop(op[1], None)
            if fail:
                raise Boom
    except Boom:
        return
    model.clear()
    model.update(staged)


def _check(store: Store, model: dict[str, Record]) -> None:
    with store.snapshot() as tx:
        assert {r.id: r for r in tx.scan("vpc")} == model
        for account, region in (("111111111111", "us-east-1"), ("222222222222", "eu-west-2")):
            expected = {r.id for r in model.values() if (r.account, r.region) == (account, region)}
            assert {r.id for r in tx.scan("vpc", account, region)} == expected
        for parent in ("p1", "p2"):
            assert {r.id for r in tx.children("vpc", parent)} == {r.id for r in model.values() if r.parent == parent}


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(_OPS, st.booleans()), max_size=8))
def test_transactions_match_a_plain_model(batches: list[tuple[list[tuple], bool]]) -> None:  # type: ignore[type-arg]
    store = Store(MemoryBackend())
    model: dict[str, Record] = {}
    for ops, fail in batches:
        _apply(store, model, ops, fail)
        _check(store, model)


def test_reads_inside_a_transaction_see_its_own_writes() -> None:
    store = Store(MemoryBackend())
    with store.transaction() as tx:
        tx.put(Record("vpc", "vpc-00000001", "1", "r", {}, "p"))
        assert [r.id for r in tx.scan("vpc", "1", "r")] == ["vpc-00000001"]
        assert [r.id for r in tx.children("vpc", "p")] == ["vpc-00000001"]
        tx.delete("vpc", "vpc-00000001")
        assert tx.find("vpc", "vpc-00000001") is None


@pytest.mark.parametrize("fail", [False, True])
def test_sqlite_reload_equals_memory(tmp_path: Path, fail: bool) -> None:
    path = tmp_path / "state.db"
    store = Store(SqliteBackend(path))
    model: dict[str, Record] = {}
    _apply(
        store,
        model,
        [("put", "vpc-00000001", ("1", "r"), "p1", 1), ("put", "vpc-00000002", ("1", "r"), None, 2)],
        False,
    )
    _apply(store, model, [("delete", "vpc-00000001"), ("put", "vpc-00000003", ("2", "r"), "p2", 3)], fail)
    revision = store.revision
    store.close()
    again = Store(SqliteBackend(path))
    _check(again, model)
    assert again.revision == revision
    again.close()
