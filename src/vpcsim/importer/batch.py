"""What one import gathers before it writes anything: the records it means to write, over the state it reads.

A ``Batch`` is an overlay on one store transaction: ``find``, ``scan`` and ``children`` see the batch's records over
the stored ones, so a file imported later in the same run (or a record already in the state) completes what an
earlier one started. Nothing reaches the transaction until ``writer.write`` compares every record with the stored one.

Records are put in two ways. A *primary* source (``describe-vpcs`` for a VPC) states the whole resource: its doc and
tags replace what was there, while ``extra`` keys it does not state are kept (``put``). A *fact* about a resource
given by another file (a transit gateway route table's propagations, Batfish's Tags.json) changes only what it
states (``amend``). Every way the import deviates from the input is written down: records it could not place
(``dropped``), references to what neither the import nor the state holds (``dangling``), and each assumption it made
(``assume``).
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from botocore.model import ServiceModel

from vpcsim.model import Record
from vpcsim.store import Transaction

Doc = dict[str, Any]


class ImportFailed(Exception):
    """Bad input: one line naming the file and what is wrong with it. Nothing of the import is kept."""


@dataclass(frozen=True, slots=True)
class Scope:
    """Where a file's records live: the account and Region, and how the import knows them."""

    account: str
    region: str
    how: str = ""


@dataclass(frozen=True, slots=True)
class Source:
    """One input file, parsed: its name as the user gave it, its scope and its JSON."""

    path: str
    scope: Scope
    data: Any


@dataclass
class Batch:
    tx: Transaction
    records: dict[str, dict[str, Record]] = field(default_factory=dict)  # kind -> id -> record
    complete_rules: set[str] = field(default_factory=set)  # groups whose whole rule set this import states
    unmodelled: Counter[str] = field(default_factory=Counter)
    reference: Counter[str] = field(default_factory=Counter)
    dropped: list[str] = field(default_factory=list)
    dangling: list[str] = field(default_factory=list)
    assumptions: list[str] = field(default_factory=list)
    pending: dict[str, Any] = field(default_factory=dict)  # what a family gathers across files, finished later
    origin: dict[tuple[str, str], str] = field(default_factory=dict)  # (kind, id) -> the file that stated it
    current: str = ""  # the file being mapped

    # -- reads: the batch over the state ----------------------------------------------------------------------------
    def find(self, kind: str, rid: str) -> Record | None:
        found = self.records.get(kind, {}).get(rid)
        return found if found is not None else self.tx.find(kind, rid)

    def imported_as(self, kind: str, rid: str) -> Record | None:
        """The record of ``kind`` this import writes under ``rid``, if any (not the state's)."""
        return self.records.get(kind, {}).get(rid)

    def imported(self, kind: str) -> list[Record]:
        """The records of ``kind`` this import writes."""
        return list(self.records.get(kind, {}).values())

    def scan(self, kind: str) -> Iterator[Record]:
        """Every record of ``kind``, stored or imported (the imported version when both exist)."""
        mine = self.records.get(kind, {})
        for record in self.tx.scan(kind):
            if record.id not in mine:
                yield record
        yield from mine.values()

    def children(self, kind: str, parent: str) -> list[Record]:
        mine = self.records.get(kind, {})
        found = [r for r in self.tx.children(kind, parent) if r.id not in mine]
        return found + [r for r in mine.values() if r.parent == parent]

    # -- writes -------------------------------------------------------------------------------------------------------
    def put(self, record: Record) -> Record:
        """A primary record: its doc and tags replace the known ones; ``extra`` keys it does not set are kept."""
        known = self.find(record.kind, record.id)
        if known is not None:
            record = record.evolve(extra={**known.extra, **record.extra})
        self.records.setdefault(record.kind, {})[record.id] = record
        self.origin[(record.kind, record.id)] = self.current or self.origin.get((record.kind, record.id), "")
        return record

    def amend(self, record: Record) -> Record:
        """A fact about a record already known: stored as given (callers change only what the fact states)."""
        self.records.setdefault(record.kind, {})[record.id] = record
        self.origin.setdefault((record.kind, record.id), self.current)
        return record

    # -- what the summary reports -------------------------------------------------------------------------------------
    def assume(self, text: str) -> None:
        if text not in self.assumptions:
            self.assumptions.append(text)

    def dangle(self, text: str) -> None:
        if text not in self.dangling:
            self.dangling.append(text)

    def drop(self, text: str) -> None:
        if text not in self.dropped:
            self.dropped.append(text)


def tags_of(item: Doc, member: str = "Tags") -> dict[str, str]:
    """AWS's ``[{"Key": k, "Value": v}]`` as a mapping."""
    return {str(t.get("Key")): str(t.get("Value") or "") for t in item.get(member) or [] if t.get("Key") is not None}


def without(item: Doc, *members: str) -> Doc:
    """The item minus ``members`` (what the control plane derives when it shows a record, never stores)."""
    return {k: v for k, v in item.items() if k not in members}


def record(
    kind: str,
    rid: str,
    scope: Scope,
    doc: Doc,
    parent: str | None = None,
    tags: dict[str, str] | None = None,
    **extra: Any,
) -> Record:
    return Record(kind, rid, scope.account, scope.region, doc, parent, dict(tags or {}), dict(extra))


def items(source: Source, member: str) -> list[Doc]:
    """The list ``member`` of a file, each item an object, or ``ImportFailed`` naming the file. A null member is one
    AWS left out (the CLI prints none): it is read as absent."""
    value = source.data.get(member)
    if not isinstance(value, list) or not all(isinstance(i, dict) for i in value):
        raise ImportFailed(f"{source.path}: '{member}' must be a list of objects, as the AWS CLI prints it")
    return [{k: v for k, v in item.items() if v is not None} for item in value]


def need(source: Source, item: Doc, *members: str) -> None:
    """Every member a record cannot do without, or ``ImportFailed`` naming the file and the item."""
    missing = [m for m in members if item.get(m) in (None, "")]
    if missing:
        shown = next((str(v) for k, v in item.items() if k.endswith("Id") and isinstance(v, str)), "an item")
        raise ImportFailed(f"{source.path}: {shown} has no {', '.join(missing)}")


def derived_id(prefix: str, *parts: str, digits: int = 17) -> str:
    """An id for something the input names no id for (a security group rule listed only inside its group, a VPC's
    CIDR association in Terraform state): ``prefix-`` and hex digits of a hash of what identifies it, so that the same
    input always gives the same id and importing it twice changes nothing (named choice)."""
    return f"{prefix}-" + hashlib.sha256("/".join(parts).encode()).hexdigest()[:digits]


def in_subnet(batch: Batch, source: Source, doc: Doc, what: str) -> Doc | None:
    """``doc`` with the VpcId (and AvailabilityZone) of its subnet when the input left them out (Terraform state
    names only the subnet); None, reported, when the subnet is unknown too."""
    if doc.get("VpcId") and (doc.get("AvailabilityZone") or what != "network interface"):
        return doc
    subnet = batch.find("subnet", str(doc["SubnetId"]))
    if subnet is None:
        if not doc.get("VpcId"):
            rid = next((v for k, v in doc.items() if k.endswith("Id")), "?")
            batch.drop(
                f"{source.path}: {what} {rid}: not imported: its subnet {doc['SubnetId']} is in neither the "
                "import nor the state"
            )
            return None
        return doc
    return {"VpcId": subnet.doc["VpcId"], "AvailabilityZone": subnet.doc["AvailabilityZone"], **doc}


@cache
def service_model(service: str) -> ServiceModel:
    """botocore's model of ``service``, parsed once per process for every part of the importer (each new botocore
    session parses a model again: EC2's takes most of a second)."""
    return _botocore_session().get_service_model(service)


@cache
def _botocore_session() -> Any:
    import botocore.session

    return botocore.session.get_session()
