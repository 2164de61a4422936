"""A state shared with other servers (PostgreSQL): the same in-memory indexes, kept current by revision.

Each call first reads the state's revision, with what changed since when another server moved it (one query), and
the indexes catch up (or reload the whole state, after a reset). Then the call runs on the indexes:

- A call that writes nothing (a describe, a refused call, a dry run) is answered there: it read the latest state as
  of that revision check. A read on one server right after a write acknowledged by another sees it.
- A call that writes runs without a lock, noting what it reads (store/state.py, tokens), and then commits in one
  statement: unless a write committed by another server since the call's revision touched something the call read,
  its change set becomes the state's next revision, and the writes it did not see come back with the answer, to be
  applied before its own. Its reads were then the same as at the head: it is as if it had run there. If such a write
  did touch what it read (the same record, an index it scanned, a metadata key), nothing is written and the call
  runs again on the caught-up state. So every write call's reads (is this id free, does this CIDR overlap, is this
  address taken) were made on everything committed before it, and calls on unrelated records never wait for each
  other's handlers: only for the database's few statements that commit them, one at a time.
- After ``_OPTIMISTIC`` conflicts, the call takes the write lock first and runs under it, where nobody can overtake
  it: every call finishes. A conflict the database itself reports (a key written twice, a deadlock) runs the call
  again too, up to ``_ATTEMPTS`` times in all.

Within one request (``request()``: its caller looked up, then its call run), the state is brought current once, at
the start: every read in it then sees every write acknowledged before the request began, which is what a read after
a write needs, at one query per request. A call that runs again after a conflict catches up first.

This is why ``run(fn)`` takes a function: a ``with`` block cannot run twice. ``transaction()`` still serves callers
that write outside ``run`` (the admin API, the demo loader): it takes the write lock first, so it never needs to.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from vpcsim.store.backend import ChangeSet, Conflict, SharedBackend, StateUnavailable, Step, Writer
from vpcsim.store.state import Store, Transaction, _Indexes

T = TypeVar("T")
_OPTIMISTIC = 2  # attempts without the lock: a real conflict (the same records written) may well recur
_ATTEMPTS = 5


class SharedStore(Store):
    """The state of one of several servers sharing a ``SharedBackend``."""

    backend: SharedBackend

    def __init__(self, backend: SharedBackend, *, time_scale: float = 0.0) -> None:
        super().__init__(backend, time_scale=time_scale)
        self._current = threading.local()  # .within: this thread is in a request() that brought the state current

    @property
    def revision(self) -> int:
        with self._lock:
            self._refresh()
            return self._indexes.revision

    @contextmanager
    def request(self) -> Iterator[None]:
        with self._lock:
            self._refresh()
        self._current.within = True
        try:
            yield
        finally:
            self._current.within = False

    def run(self, fn: Callable[[Transaction], T]) -> T:
        for attempt in range(_ATTEMPTS):
            try:
                with self._lock:
                    if attempt < _OPTIMISTIC:
                        return self._optimistic(fn, again=attempt > 0)
                    return self._locked(fn)
            except Conflict:
                continue
        raise StateUnavailable(f"the call met a conflicting write {_ATTEMPTS} times and applied nothing; retry it")

    def _optimistic(self, fn: Callable[[Transaction], T], *, again: bool) -> T:
        """Run on the current state without a lock; commit unless a write since touched what it read (Conflict).
        ``again``: a conflict made the previous run fail, so the state moved: catch up even within a request."""
        if again:
            self._catch_up(self.backend, None)
        else:
            self._refresh()
        tx = Transaction(self._indexes, self.time_scale, track=True)
        result = fn(tx)
        if tx.dirty:
            changes = tx.changes()
            delta = self.backend.commit_after(changes, tx.revision, tx.read_tokens())
            self._replay(delta.steps)  # what other servers committed first
            changes.revision = delta.revision
            self._apply(changes)
        return result

    def _locked(self, fn: Callable[[Transaction], T]) -> T:
        """Run under the write lock, on the state caught up after taking it: nobody can overtake this run."""
        with self.transaction() as tx:
            return fn(tx)

    @contextmanager
    def transaction(self) -> Iterator[Transaction]:
        with self._lock:
            with self.backend.writer(self._indexes.revision) as writer:
                self._catch_up(writer, writer.revision)
                tx = Transaction(self._indexes, self.time_scale, track=True)
                yield tx
                if not tx.dirty:
                    return
                changes = tx.changes()
                writer.commit(changes)
            self._apply(changes)

    @contextmanager
    def snapshot(self) -> Iterator[Transaction]:
        with self._lock:
            self._refresh()
            yield Transaction(self._indexes, self.time_scale)

    def reset(self) -> None:
        with self._lock:
            with self.backend.writer() as writer:
                changes = ChangeSet(revision=writer.revision + 1, clear=True)
                writer.commit(changes)
            self._apply(changes)

    # -- catching up ------------------------------------------------------------------------------------------
    def _refresh(self) -> None:
        """One query: the state's revision and, when another server moved it, what changed; nothing within a
        request, which did that at its start."""
        if not getattr(self._current, "within", False):
            self._catch_up(self.backend, None)

    def _catch_up(self, source: SharedBackend | Writer, revision: int | None) -> None:
        """Bring the indexes to ``source``'s revision (``revision``, when known)."""
        if revision == self._indexes.revision:
            return
        delta = source.changes_since(self._indexes.revision)
        if delta is None:
            self._indexes = _Indexes.of(source.load())
            return
        self._replay(delta.steps)
        self._indexes.revision = delta.revision

    def _replay(self, steps: list[Step]) -> None:
        """Apply revisions other servers committed, in order, as their servers did."""
        for step in steps:
            self._indexes.apply(step.puts, step.deletes, step.meta, step.revision)
