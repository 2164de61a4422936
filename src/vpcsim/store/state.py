"""The in-memory state with its indexes, and the transaction every API call runs in.

Indexes: by (kind, id); by scope (kind, account, region), insertion-ordered so describes page stably; by parent
(kind, parent id) so that ``vpc-id`` filters touch only that VPC's records. A transaction keeps its writes in an
overlay; ``commit`` hands them to the backend first and only then to the indexes, so a failed call leaves nothing.
Calls are serialised by one lock: the control plane is synchronous and fast, and a call never sees another half-done.

Every commit raises the state's revision by one, and a reset too: revisions only ever grow, so whatever is cached
per revision (the compiled topology, an ETag) can never describe another state. ``run(fn)`` is the form a call takes
when the state is shared (store/shared.py re-runs ``fn`` when another server got there first); here it runs once.

Derived values (the data plane's compiled topology) live with the indexes (``Transaction.cached``), keyed by
revision: a reset or another store never shares them.

A transaction that ``tracks`` (on a shared state, store/shared.py) also names what it read and wrote as tokens, so that
the database can tell whether a write committed by another server since this call's revision touched anything the
call read (then it must run again) or not (then it commits after that write, as if it had run after it):

- ``k|kind|id``: one record (found, missing, written or deleted);
- ``K|kind``: every record of a kind (a scan of all scopes); ``S|kind|account|region``: a kind in one scope;
  ``P|kind|parent``: a kind's children of one parent;
- ``M|key``: one metadata key; ``*``: anything (a derived value such as the topology, built from the whole state).

A written record names its key, its kind, its scope and its parent, before and after the write; so every read whose
answer a write could change shares a token with that write.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from vpcsim.model import Record
from vpcsim.store.backend import Backend, ChangeSet, Loaded

_Key = tuple[str, str]
_GONE = None
ANYTHING = "*"  # the token of a read that depends on the whole state, and of a write that replaces it
_MANY = 4096  # a call that read or wrote more tokens than this (an import) names them all as ANYTHING: one token


def _record_tokens(record: Record, into: set[str]) -> None:
    into.add(f"k|{record.kind}|{record.id}")
    into.add(f"K|{record.kind}")
    into.add(f"S|{record.kind}|{record.account}|{record.region}")
    if record.parent is not None:
        into.add(f"P|{record.kind}|{record.parent}")


T = TypeVar("T")


class _Indexes:
    def __init__(self) -> None:
        self.by_id: dict[_Key, Record] = {}
        self.by_kind: dict[str, dict[str, Record]] = {}
        self.by_scope: dict[tuple[str, str, str], dict[str, Record]] = {}
        self.by_parent: dict[tuple[str, str], dict[str, Record]] = {}
        self.meta: dict[str, str] = {}
        self.revision = 0
        self.derived: dict[str, tuple[int, Any]] = {}  # name -> (revision, value) computed from this state

    @classmethod
    def of(cls, loaded: Loaded) -> _Indexes:
        indexes = cls()
        indexes.apply(loaded.records, [], loaded.meta, loaded.revision)
        return indexes

    def apply(self, puts: Iterable[Record], deletes: Iterable[_Key], meta: dict[str, str], revision: int) -> None:
        for kind, rid in deletes:
            self.delete(kind, rid)
        for record in puts:
            self.put(record)
        self.meta.update(meta)
        self.revision = revision

    def put(self, record: Record) -> None:
        old = self.by_id.get((record.kind, record.id))
        if old is not None and (old.account, old.region) != (record.account, record.region):
            self.by_scope.get((old.kind, old.account, old.region), {}).pop(old.id, None)
        if old is not None and old.parent != record.parent:
            self._unparent(old)
        self.by_id[(record.kind, record.id)] = record
        self.by_kind.setdefault(record.kind, {})[record.id] = record
        self.by_scope.setdefault((record.kind, record.account, record.region), {})[record.id] = record
        if record.parent is not None:
            self.by_parent.setdefault((record.kind, record.parent), {})[record.id] = record

    def delete(self, kind: str, rid: str) -> None:
        old = self.by_id.pop((kind, rid), None)
        if old is None:
            return
        self.by_kind.get(kind, {}).pop(rid, None)
        self.by_scope.get((kind, old.account, old.region), {}).pop(rid, None)
        self._unparent(old)

    def _unparent(self, record: Record) -> None:
        if record.parent is None:
            return
        key = (record.kind, record.parent)
        children = self.by_parent.get(key)
        if children is not None:
            children.pop(record.id, None)
            if not children:  # a deleted parent leaves no empty entry behind (memory flat under churn)
                del self.by_parent[key]


class Transaction:
    """One API call's view of the state: reads see its own writes; nothing is shared until commit."""

    def __init__(self, indexes: _Indexes, time_scale: float = 0.0, *, track: bool = False) -> None:
        self._base = indexes
        self._overlay: dict[_Key, Record | None] = {}
        self._meta: dict[str, str] = {}
        self.time_scale = time_scale  # how fast this state's lifecycles run (control/core/lifecycle.py)
        self._reads: set[str] | None = set() if track else None  # tokens read (module docstring), when tracking

    # -- reads ------------------------------------------------------------------------------------------
    def find(self, kind: str, rid: str) -> Record | None:
        if self._reads is not None:
            self._reads.add(f"k|{kind}|{rid}")
        key = (kind, rid)
        if key in self._overlay:
            return self._overlay[key]
        return self._base.by_id.get(key)

    def scan(self, kind: str, account: str | None = None, region: str | None = None) -> Iterator[Record]:
        """Every record of ``kind`` in the scope (every scope when ``account`` is None), oldest first."""
        if account is None:
            if self._reads is not None:
                self._reads.add(f"K|{kind}")
            base: list[Record] = list(self._base.by_kind.get(kind, {}).values())
        else:
            if self._reads is not None:
                self._reads.add(f"S|{kind}|{account}|{region or ''}")
            base = list(self._base.by_scope.get((kind, account, region or ""), {}).values())
        return self._merge(
            base, lambda r: r.kind == kind and (account is None or (r.account, r.region) == (account, region))
        )

    def children(self, kind: str, parent: str) -> Iterator[Record]:
        if self._reads is not None:
            self._reads.add(f"P|{kind}|{parent}")
        base = list(self._base.by_parent.get((kind, parent), {}).values())
        return self._merge(base, lambda r: r.kind == kind and r.parent == parent)

    def meta(self, key: str) -> str | None:
        if self._reads is not None:
            self._reads.add(f"M|{key}")
        return self._meta.get(key, self._base.meta.get(key))

    @property
    def revision(self) -> int:
        """The revision of the state this transaction started from."""
        return self._base.revision

    def cached(self, name: str, build: Callable[[Transaction], T], fresh: Callable[[T], bool] | None = None) -> T:
        """``build(self)``, kept with the state until its revision changes (or ``fresh`` says it went stale: a value
        that depends on the time too); never kept for a call that has written. A value built from the whole state
        reads all of it, whether built now or before."""
        if self._reads is not None:
            self._reads.add(ANYTHING)
        if self.dirty:
            return build(self)
        revision = self.revision
        found = self._base.derived.get(name)
        if found is not None and found[0] == revision and (fresh is None or fresh(found[1])):
            return found[1]  # type: ignore[no-any-return]
        value = build(self)
        self._base.derived[name] = (revision, value)
        return value

    def _merge(self, base: list[Record], wanted: Callable[[Record], bool]) -> Iterator[Record]:
        overlay = self._overlay
        listed = set()
        for record in base:
            key = (record.kind, record.id)
            listed.add(key)
            if key not in overlay:
                yield record
            else:
                newer = overlay[key]
                if newer is not None and wanted(newer):
                    yield newer
        for key, added in overlay.items():
            if added is not None and key not in listed and wanted(added):
                yield added

    # -- writes ------------------------------------------------------------------------------------------
    def put(self, record: Record) -> Record:
        self._overlay[(record.kind, record.id)] = record
        return record

    def delete(self, kind: str, rid: str) -> None:
        self._overlay[(kind, rid)] = _GONE

    def set_meta(self, key: str, value: str) -> None:
        self._meta[key] = value

    @property
    def dirty(self) -> bool:
        return bool(self._overlay or self._meta)

    def changes(self) -> ChangeSet:
        """The writes, as the change set that takes the state to the next revision."""
        base = self._base.by_id
        puts = [r for r in self._overlay.values() if r is not None]
        deletes = [key for key, r in self._overlay.items() if r is None and key in base]
        created = {key for key, r in self._overlay.items() if r is not None and key not in base}
        changes = ChangeSet(puts, deletes, dict(self._meta), self._base.revision + 1, created)
        if self._reads is not None:
            changes.tokens = self._written()
        return changes

    def read_tokens(self) -> list[str]:
        """What this call read (and every key it wrote, read or not: two writes of one key conflict), as tokens;
        empty unless the transaction tracks."""
        if self._reads is None:
            return []
        tokens = self._reads.union(f"k|{kind}|{rid}" for kind, rid in self._overlay)
        return [ANYTHING] if len(tokens) > _MANY else sorted(tokens)

    def _written(self) -> list[str]:
        """The tokens of every read a write of this call could change: each record's before and after, each key."""
        tokens: set[str] = set()
        for key, record in self._overlay.items():
            old = self._base.by_id.get(key)
            for version in (old, record):
                if version is not None:
                    _record_tokens(version, tokens)
            tokens.add(f"k|{key[0]}|{key[1]}")
        tokens.update(f"M|{key}" for key in self._meta)
        return [ANYTHING] if len(tokens) > _MANY else sorted(tokens)


class Store:
    """The state of one server that alone writes it: indexes in memory over a durable backend."""

    def __init__(self, backend: Backend, *, time_scale: float = 0.0) -> None:
        self.backend = backend
        self.time_scale = time_scale  # AWS's lifecycle durations times this (vpcsim serve --time-scale)
        self._lock = threading.RLock()
        self._indexes = _Indexes.of(backend.load())

    @property
    def revision(self) -> int:
        """The state's revision: how many calls changed it (and resets), ever."""
        return self._indexes.revision

    def run(self, fn: Callable[[Transaction], T]) -> T:
        """Run one call: ``fn`` reads and writes through the transaction it is given; its writes are committed if it
        returns and dropped if it raises. ``fn`` may run more than once (store/shared.py), only the last run counts."""
        with self.transaction() as tx:
            return fn(tx)

    @contextmanager
    def transaction(self) -> Iterator[Transaction]:
        """Run a call: commit its writes if the block returns, drop them all if it raises."""
        with self._lock:
            tx = Transaction(self._indexes, self.time_scale)
            yield tx
            if tx.dirty:
                self._commit(tx)

    @contextmanager
    def request(self) -> Iterator[None]:
        """One request to the server (its caller looked up, then its call run): a shared store brings itself current
        once, at the start, rather than for each read (store/shared.py). Here, nothing to do."""
        yield

    @contextmanager
    def snapshot(self) -> Iterator[Transaction]:
        """A read-only view; writes made through it are discarded."""
        with self._lock:
            yield Transaction(self._indexes, self.time_scale)

    def _commit(self, tx: Transaction) -> None:
        changes = tx.changes()
        self.backend.commit(changes)
        self._apply(changes)

    def _apply(self, changes: ChangeSet) -> None:
        if changes.clear:
            self._indexes = _Indexes()
        self._indexes.apply(changes.puts, changes.deletes, changes.meta, changes.revision)

    def reset(self) -> None:
        """Clear every record; the revision still grows (it never goes back)."""
        with self._lock:
            changes = ChangeSet(revision=self._indexes.revision + 1, clear=True)
            self.backend.commit(changes)
            self._apply(changes)

    def close(self) -> None:
        self.backend.close()
