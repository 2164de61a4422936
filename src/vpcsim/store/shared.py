"""A state shared with other servers (PostgreSQL): the same in-memory indexes, kept current by revision.

Each call first reads the state's revision (one trivial query); when another server moved it, the indexes catch up
from what changed since (or reload the whole state, after a reset). Then the call runs on the indexes:

- A call that writes nothing (a describe, a refused call, a dry run) is answered there: it read the latest state as
  of that revision check. A read on one server right after a write acknowledged by another sees it.
- A call that writes commits only if the state is still at the revision it read (the backend checks and commits in
  one step, holding the state's write lock only while the database runs it). If another server committed in
  between, nothing is written and the call runs again on the caught-up state. So every write call's reads (is this id
  free, does this CIDR overlap, is this address taken) were made on everything committed before it.
- After ``_OPTIMISTIC`` conflict(s), the call takes the write lock first and runs under it, where nobody can
  overtake it: every call finishes. A conflict the database itself reports (a key written twice, a deadlock) runs
  the call again too, up to ``_ATTEMPTS`` times in all.
- For a second after a conflict, calls the caller expects to write (``run(fn, writes=True)``) take the lock first:
  under a stream of concurrent writes, running them without it would mostly conflict and run twice. The hint changes
  what a call costs, never what it does.

This is why ``run(fn)`` takes a function: a ``with`` block cannot run twice. ``transaction()`` still serves callers
that write outside ``run`` (the admin API, the demo loader): it takes the write lock first, so it never needs to.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from vpcsim.store.backend import ChangeSet, Conflict, SharedBackend, StateUnavailable, Writer
from vpcsim.store.state import Store, Transaction, _Indexes

T = TypeVar("T")
_OPTIMISTIC = 1  # attempts without the lock: a retry without it mostly meets the same contention again
_ATTEMPTS = 5
_CONTENDED_FOR = 1.0  # seconds after a conflict during which calls expected to write take the lock first


class SharedStore(Store):
    """The state of one of several servers sharing a ``SharedBackend``."""

    backend: SharedBackend
    _contended_until = 0.0  # time.monotonic() until which writes are taken to contend

    @property
    def revision(self) -> int:
        with self._lock:
            self._refresh()
            return self._indexes.revision

    def run(self, fn: Callable[[Transaction], T], *, writes: bool = True) -> T:
        # While writes conflict, a call expected to write goes straight to the lock: a run that would only conflict
        # again costs a handler's CPU, which the other servers' calls need.
        optimistic = 0 if writes and time.monotonic() < self._contended_until else _OPTIMISTIC
        for attempt in range(_ATTEMPTS):
            try:
                with self._lock:
                    if attempt < optimistic:
                        return self._optimistic(fn)
                    return self._locked(fn)
            except Conflict:
                self._contended_until = time.monotonic() + _CONTENDED_FOR
        raise StateUnavailable(f"the call met a conflicting write {_ATTEMPTS} times and applied nothing; retry it")

    def _optimistic(self, fn: Callable[[Transaction], T]) -> T:
        """Run on the current state without a lock; commit only if it is still current (else Conflict)."""
        self._refresh()
        tx = Transaction(self._indexes, self.time_scale)
        result = fn(tx)
        if tx.dirty:
            self._commit(tx)
        return result

    def _locked(self, fn: Callable[[Transaction], T]) -> T:
        """Run under the write lock, on the state caught up after taking it: nobody can overtake this run."""
        with self.backend.writer(self._indexes.revision) as writer:
            self._catch_up(writer, writer.revision)
            tx = Transaction(self._indexes, self.time_scale)
            result = fn(tx)
            if not tx.dirty:
                return result
            changes = tx.changes()
            writer.commit(changes)
        self._apply(changes)
        return result

    @contextmanager
    def transaction(self) -> Iterator[Transaction]:
        with self._lock:
            with self.backend.writer(self._indexes.revision) as writer:
                self._catch_up(writer, writer.revision)
                tx = Transaction(self._indexes, self.time_scale)
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
        """One query: the state's revision and, when another server moved it, what changed."""
        self._catch_up(self.backend, None)

    def _catch_up(self, source: SharedBackend | Writer, revision: int | None) -> None:
        """Bring the indexes to ``source``'s revision (``revision``, when known)."""
        if revision == self._indexes.revision:
            return
        delta = source.changes_since(self._indexes.revision)
        if delta is None:
            self._indexes = _Indexes.of(source.load())
            return
        for step in delta.steps:
            self._indexes.apply(step.puts, step.deletes, step.meta, step.revision)
        self._indexes.revision = delta.revision
