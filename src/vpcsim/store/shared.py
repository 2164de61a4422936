"""A state shared with other servers (PostgreSQL): the same in-memory indexes, kept current by revision.

Each call first reads what changed since its server's revision (one cheap query: most often nothing but the
revision); the indexes catch up from it (or reload the whole state after a reset). Then the call runs on the indexes:

- A call that writes nothing (a describe, a refused call, a dry run) is answered there: it read the latest state as
  of that revision check, and took no lock. A read on one server right after a write acknowledged by another sees it.
- A call that writes commits under the state's write lock, only if the revision is still the one it read; if another
  server committed in between, it catches up under the lock, where no one else can write, and runs again. So every
  write call's reads (is this id free, does this CIDR overlap, is this address taken) are checked against everything
  committed before it. A conflict PostgreSQL itself reports (a key written twice, a deadlock) runs the call again
  too, up to ``_ATTEMPTS`` times.
- Which of the two a call takes first is the caller's hint (``run(fn, writes=...)``): a call expected to write takes
  the lock before it runs (no second run, one round trip fewer), one expected to read runs without it and takes it
  only if it did write after all.

This is why ``run(fn)`` takes a function: a ``with`` block cannot run twice. ``transaction()`` still serves callers
that write outside ``run`` (the admin API, the demo loader): it takes the write lock first, so it never needs to.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from vpcsim.store.backend import ChangeSet, Conflict, SharedBackend, StateUnavailable, Writer
from vpcsim.store.state import Store, Transaction, _Indexes

T = TypeVar("T")
_ATTEMPTS = 5


class SharedStore(Store):
    """The state of one of several servers sharing a ``SharedBackend``."""

    backend: SharedBackend

    def __init__(self, backend: SharedBackend) -> None:
        super().__init__(backend)

    @property
    def revision(self) -> int:
        with self._lock:
            self._refresh()
            return self._indexes.revision

    def run(self, fn: Callable[[Transaction], T], *, writes: bool = True) -> T:
        for attempt in range(_ATTEMPTS):
            try:
                with self._lock:
                    if attempt == 0 and not writes:
                        return self._optimistic(fn)
                    return self._locked(fn, None)
            except Conflict:
                continue
        raise StateUnavailable(f"the call met a conflicting write {_ATTEMPTS} times and applied nothing; retry it")

    def _optimistic(self, fn: Callable[[Transaction], T]) -> T:
        self._refresh()
        tx = Transaction(self._indexes)
        result = fn(tx)
        if not tx.dirty:
            return result
        return self._locked(fn, (tx, result))

    def _locked(self, fn: Callable[[Transaction], T], ran: tuple[Transaction, T] | None) -> T:
        with self.backend.writer() as writer:
            if ran is None or writer.revision != self._indexes.revision:
                self._catch_up(writer, writer.revision)
                tx = Transaction(self._indexes)
                ran = (tx, fn(tx))
            tx, result = ran
            if not tx.dirty:
                return result
            changes = tx.changes()
            writer.commit(changes)
        self._apply(changes)
        return result

    @contextmanager
    def transaction(self) -> Iterator[Transaction]:
        with self._lock:
            with self.backend.writer() as writer:
                self._catch_up(writer, writer.revision)
                tx = Transaction(self._indexes)
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
            yield Transaction(self._indexes)

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
        elif delta.revision != self._indexes.revision:
            self._indexes.apply(delta.puts, delta.deletes, delta.meta, delta.revision)
