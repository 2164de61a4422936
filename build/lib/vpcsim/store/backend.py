"""The narrow interface a durable backend implements, and the in-memory one used by ``--ephemeral``."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Protocol

from vpcsim.model import Record


@dataclass(slots=True)
class ChangeSet:
    """What one API call changed: records written, records removed (kind, id), metadata keys set."""

    puts: list[Record] = field(default_factory=list)
    deletes: list[tuple[str, str]] = field(default_factory=list)
    meta: dict[str, str] = field(default_factory=dict)


class Backend(Protocol):
    def load(self) -> tuple[Iterable[Record], dict[str, str]]:
        """Every record and the metadata, in the order they were first written."""
        ...

    def commit(self, changes: ChangeSet) -> None:
        """Apply ``changes`` atomically and durably, or raise and apply nothing."""
        ...

    def clear(self) -> None: ...

    def close(self) -> None: ...


class MemoryBackend:
    """Keeps nothing: the store's own memory is the state (``vpcsim serve --ephemeral``)."""

    def load(self) -> tuple[Iterable[Record], dict[str, str]]:
        return [], {}

    def commit(self, changes: ChangeSet) -> None:
        return None

    def clear(self) -> None:
        return None

    def close(self) -> None:
        return None
