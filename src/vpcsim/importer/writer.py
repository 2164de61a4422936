"""Writing one import: each record compared with the stored one, only what differs written, all in the caller's
one store transaction; and the summary of what happened.

What importing means for a record that is already in the state (named choice): the import's version wins, as a
newer describe would. Its doc and tags replace the stored ones; ``extra`` members the import does not state (a
registration the API made, a lifecycle marker) are kept. A security group listed by the import has exactly the rules
the import lists: its other stored rules are removed. Nothing else is ever removed: an import adds and updates, and
a resource absent from it stays as it was. A record equal to the stored one is not written, so importing the same
input twice leaves the state, its revision included, untouched.

Meta written with the records, each only when it changes:
- ``scope/<account>/<region>`` for every scope the import writes to: the control plane then treats the scope as
  known and creates no default VPC in it (``control/account/defaults.py``); the import's own default VPC, if any,
  is the scope's default VPC;
- ``dopt/<account>/<region>``: the DHCP options set new VPCs of the scope use, the one its imported VPCs use;
- ``public-ip/<region>``: moved past every imported public address of vpcsim's pool, so none is handed out twice;
- ``import/gaps/<vpc-id>``: what the VPC lacks (``checks.gaps``), read by the data plane.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from vpcsim.control.analysis.assumed import GAPS_PREFIX
from vpcsim.control.core.public_ips import reserve_public_ip
from vpcsim.importer.batch import Batch
from vpcsim.model import Record

_OUTCOMES = ("imported", "updated", "unchanged", "removed")


@dataclass
class Summary:
    """What an import did, per kind, and everything it could not take as given."""

    files: int = 0
    kinds: dict[str, Counter[str]] = field(default_factory=dict)
    unmodelled: dict[str, int] = field(default_factory=dict)
    reference: dict[str, int] = field(default_factory=dict)
    scopes: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)
    dangling: list[str] = field(default_factory=list)
    assumptions: list[str] = field(default_factory=list)
    changed: bool = False
    revision: int = 0

    def to_json(self) -> dict[str, Any]:
        return {
            "files": self.files,
            "changed": self.changed,
            "revision": self.revision,
            "kinds": {k: {o: c.get(o, 0) for o in _OUTCOMES} for k, c in sorted(self.kinds.items()) if any(c.values())},
            "unmodelled": dict(sorted(self.unmodelled.items())),
            "reference": dict(sorted(self.reference.items())),
            "scopes": self.scopes,
            "not_imported": self.dropped,
            "dangling": self.dangling,
            "assumptions": self.assumptions,
        }


def write(batch: Batch, gaps: dict[str, list[str]], summary: Summary) -> None:
    tx = batch.tx
    for kind, records in batch.records.items():
        counts = summary.kinds.setdefault(kind, Counter())
        for record in records.values():
            stored = tx.find(kind, record.id)
            if stored == record:
                counts["unchanged"] += 1
                continue
            tx.put(record)
            counts["imported" if stored is None else "updated"] += 1
    _replace_rules(batch, summary)
    _scopes(batch)
    for vpc_id, missing in gaps.items():
        _set(batch, GAPS_PREFIX + vpc_id, json.dumps(missing), absent_means="[]")
    summary.unmodelled, summary.reference = dict(batch.unmodelled), dict(batch.reference)
    summary.dropped, summary.dangling, summary.assumptions = batch.dropped, batch.dangling, batch.assumptions
    summary.changed = tx.dirty


def _replace_rules(batch: Batch, summary: Summary) -> None:
    kept = batch.records.get("security-group-rule", {})
    counts = summary.kinds.setdefault("security-group-rule", Counter())
    for gid in sorted(batch.complete_rules):
        for rule in list(batch.tx.children("security-group-rule", gid)):
            if rule.id not in kept:
                batch.tx.delete(rule.kind, rule.id)
                counts["removed"] += 1


def _set(batch: Batch, key: str, value: str, absent_means: str | None = None) -> None:
    current = batch.tx.meta(key)
    if current == value or (current is None and value == absent_means):
        return
    batch.tx.set_meta(key, value)


def _scopes(batch: Batch) -> None:
    written = [r for records in batch.records.values() for r in records.values()]
    for account, region in sorted({(r.account, r.region) for r in written if r.region}):
        if batch.tx.meta(f"scope/{account}/{region}") is None:
            batch.tx.set_meta(f"scope/{account}/{region}", "1")
        options = Counter(
            str(v.doc["DhcpOptionsId"])
            for v in written
            if v.kind == "vpc" and v.doc.get("DhcpOptionsId") and (v.account, v.region) == (account, region)
        )
        if options and batch.tx.meta(f"dopt/{account}/{region}") is None:
            batch.tx.set_meta(f"dopt/{account}/{region}", options.most_common(1)[0][0])
    for record in written:
        for address in _public_addresses(record):
            reserve_public_ip(batch.tx, record.region, address)


def _public_addresses(record: Record) -> list[str]:
    doc = record.doc
    if record.kind == "network-interface":
        return [
            str(a["Association"]["PublicIp"])
            for a in doc.get("PrivateIpAddresses") or []
            if (a.get("Association") or {}).get("PublicIp")
        ]
    if record.kind == "elastic-ip" and doc.get("PublicIp"):
        return [str(doc["PublicIp"])]
    return []
