"""The one record type the store keeps.

A record is plain data: the resource as AWS describes it (``doc``, keyed by botocore member names, so that a record
compares directly with a recorded AWS response), its tags, and the internal state AWS does not show (``extra``).
Records refer to each other by id, never by reference. ``parent`` is the id the resource lives in (a VPC for most),
the key of the store's secondary index that filtered describes use.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field, replace
from typing import Any


@dataclass(frozen=True, slots=True)
class Record:
    kind: str
    id: str
    account: str
    region: str
    doc: dict[str, Any]
    parent: str | None = None
    tags: dict[str, str] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)

    def evolve(self, **changes: Any) -> Record:
        """A new record with ``changes``; ``doc``/``extra`` keys given as ``doc={...}`` replace the whole mapping."""
        return replace(self, **changes)

    def with_doc(self, **members: Any) -> Record:
        """A new record whose doc has ``members`` set (None removes a member).

        >>> Record("vpc", "vpc-1", "1", "r", {"State": "pending"}).with_doc(State="available").doc
        {'State': 'available'}
        """
        doc = {**self.doc, **members}
        return replace(self, doc={k: v for k, v in doc.items() if v is not None})

    def with_extra(self, **values: Any) -> Record:
        return replace(self, extra={**self.extra, **values})

    def mutable_doc(self) -> dict[str, Any]:
        """A deep copy of the doc, for edits of nested members."""
        return copy.deepcopy(self.doc)

    def to_json(self) -> dict[str, Any]:
        return {"doc": self.doc, "tags": self.tags, "extra": self.extra}

    @classmethod
    def from_json(
        cls, kind: str, rid: str, account: str, region: str, parent: str | None, body: dict[str, Any]
    ) -> Record:
        return cls(kind, rid, account, region, body["doc"], parent, body.get("tags", {}), body.get("extra", {}))
