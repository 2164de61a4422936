"""The narrow interfaces a durable backend implements, and the in-memory one used by ``--ephemeral``.

``Backend`` is what one server needs from a state it alone writes (SQLite): load everything, commit one change set,
close. ``SharedBackend`` is what several servers writing one state need (PostgreSQL, store/postgres.py): the changes
since a revision in one cheap read (``changes_since``: nothing but the revision, most often), a ``commit_after`` that
applies a call's change set only if nothing committed since the revision the call read touched what it read, and a
``writer`` that holds the state's one write lock for the length of a call that must not be overtaken. Revisions only
ever grow, across clears.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Protocol

from vpcsim.errors import ApiError
from vpcsim.model import Record

Key = tuple[str, str]


@dataclass(slots=True)
class ChangeSet:
    """What one API call changed: records written, records removed (kind, id), metadata keys set, the revision the
    state reaches with it, and which of the written records are new (a new key that exists already is a conflict).
    ``clear`` empties the state first (a reset, or a whole state copied in). ``tokens``: what the writes could change,
    for a shared state (store/state.py names them; empty elsewhere)."""

    puts: list[Record] = field(default_factory=list)
    deletes: list[Key] = field(default_factory=list)
    meta: dict[str, str] = field(default_factory=dict)
    revision: int = 0
    created: set[Key] = field(default_factory=set)
    clear: bool = False
    tokens: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Loaded:
    """A whole state: every record in the order first written, the metadata, and its revision."""

    records: list[Record]
    meta: dict[str, str]
    revision: int


@dataclass(frozen=True, slots=True)
class Step:
    """One committed revision's changes, as its server applied them: keys deleted, then records written in order."""

    revision: int
    puts: list[Record]
    deletes: list[Key]
    meta: dict[str, str]


@dataclass(frozen=True, slots=True)
class Delta:
    """What happened after a revision, up to ``revision``: its steps, oldest first (none when nothing did)."""

    revision: int
    steps: list[Step]


class Conflict(Exception):
    """Another server changed the state under this call (a serialization failure, a key written concurrently): the
    call applied nothing and may run again."""


class StateUnavailable(ApiError):
    """The shared state cannot be reached; the call applied nothing, or (when the connection broke during its commit)
    its outcome is unknown, as with any AWS call that fails with a 5xx."""

    def __init__(self, message: str) -> None:
        # EC2's code for "a temporary failure of the server" (EC2 API reference, Common client and server errors);
        # its HTTP status, 503, is in errors.STATUS.
        super().__init__("ServiceUnavailable", message)


class StateInUse(Exception):
    """A state file that another server holds (one writer per SQLite state)."""


class Backend(Protocol):
    def load(self) -> Loaded:
        """Every record and the metadata, in the order they were first written."""
        ...

    def commit(self, changes: ChangeSet) -> None:
        """Apply ``changes`` atomically and durably, or raise and apply nothing."""
        ...

    def close(self) -> None: ...


class Writer(Protocol):
    """A shared state's write lock, held: ``revision`` is the state's revision now, and stays so until ``commit``."""

    revision: int

    def load(self) -> Loaded: ...

    def changes_since(self, revision: int) -> Delta | None: ...

    def commit(self, changes: ChangeSet) -> None:
        """Write and commit ``changes`` (``changes.revision`` is above ``revision``), releasing the lock."""
        ...


class SharedBackend(Backend, Protocol):
    """``commit`` applies a change set only if the state is still at the revision it follows
    (``changes.revision - 1``), and raises Conflict otherwise."""

    def commit_after(self, changes: ChangeSet, base: int, reads: list[str]) -> Delta:
        """Commit ``changes``, made by a call that read the state at revision ``base``, unless a revision committed
        since wrote a token the call read (``reads``; store/state.py): then raise Conflict and apply nothing. The
        change set becomes the state's next revision. The answer: the revisions committed after ``base`` before it
        (``steps``), and the revision it became (``revision``), so that the caller applies them in that order."""
        ...

    def changes_since(self, revision: int) -> Delta | None:
        """What changed after ``revision`` (nothing, most often), read at one instant in one cheap query; None when
        only a full ``load`` can tell (the state was cleared or its deletion log pruned since)."""
        ...

    def writer(self, since: int | None = None) -> AbstractContextManager[Writer]:
        """Wait for the state's write lock; leaving the block without ``commit`` applies nothing. ``since``: fetch
        what changed after that revision along with the lock (the writer's ``changes_since`` answers it)."""
        ...


class MemoryBackend:
    """Keeps nothing: the store's own memory is the state (``vpcsim serve --ephemeral``)."""

    def load(self) -> Loaded:
        return Loaded([], {}, 0)

    def commit(self, changes: ChangeSet) -> None:
        return None

    def close(self) -> None:
        return None
