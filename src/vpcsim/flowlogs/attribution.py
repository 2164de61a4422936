"""Senders from ``usage`` rows: each byte counted once, whichever interfaces logged it (pure).

A flow from an instance through a NAT gateway is logged at the instance's interface (*origin* rows) and at the NAT
gateway's (*nat* rows, by the packet addresses); a flow log may cover either or both. So per sender (VPC and local
address) and remote owner, each direction's bytes are the larger of the two counts: equal when both interfaces are
logged, the one there is when only one is (named choice: a sender whose traffic to one service splits between a
NAT gateway and another path, with only the NAT gateway logged, is undercounted by the other part).

>>> from vpcsim.flowlogs.usage import Row
>>> at_instance = Row("origin", "eni-1", "vpc-1", "subnet-1", "10.0.1.5", "aws", None, None, True, "ACCEPT",
...                   4000, 3, 1, 10, 11, "52.95.150.1")
>>> at_nat = Row("nat", "eni-nat", "vpc-1", "subnet-9", "10.0.1.5", "aws", None, None, True, "ACCEPT",
...              4000, 3, 1, 10, 11, "52.95.150.1")
>>> [(e.interface_id, e.bytes_out, e.via_nat) for e in merge([at_instance, at_nat])]
[('eni-1', 4000, ('eni-nat',))]
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from vpcsim.flowlogs.ranges import Label
from vpcsim.flowlogs.usage import NAT, NAT_OWN, ORIGIN, Row

Key = tuple[str | None, str | None, str, Label | None, str | None]  # vpc, local address, category, label, endpoint


@dataclass(frozen=True, slots=True)
class Exchange:
    """What one sender exchanged with one remote owner over the period, each byte once."""

    vpc_id: str | None
    address: str | None  # the sender's address
    interface_id: str | None  # the sender's interface, when its own records name it
    subnet_id: str | None  # as the records' subnet-id field says, if the format has it
    category: str  # aws | internet | private
    label: Label | None
    endpoint_id: str | None
    bytes_out: int
    bytes_in: int
    rejected_out: int
    rejected_in: int
    records: int
    sample: str | None  # a remote address it exchanged bytes with
    via_nat: tuple[str, ...] = ()  # NAT gateway interfaces whose records show it

    @property
    def accepted(self) -> int:
        return self.bytes_out + self.bytes_in


@dataclass
class _Counts:
    interface_id: str | None = None
    subnet_id: str | None = None
    sample: str | None = None
    records: int = 0
    bytes: dict[tuple[bool, str], int] = field(default_factory=lambda: defaultdict(int))
    vias: set[str] = field(default_factory=set)


@dataclass(frozen=True, slots=True)
class NatTotal:
    """A NAT gateway interface's own legs (to and from the remote host) by remote owner: what it processed."""

    interface_id: str
    vpc_id: str | None
    category: str
    label: Label | None
    bytes: int


def merge(rows: Iterable[Row]) -> list[Exchange]:
    """Exchanges from the *origin* and *nat* rows, the larger count of each (module docstring), biggest first."""
    seen: dict[str, dict[Key, _Counts]] = {ORIGIN: defaultdict(_Counts), NAT: defaultdict(_Counts)}
    for row in rows:
        if row.role not in seen:
            continue
        counts = seen[row.role][(row.vpc_id, row.local, row.category, row.label, row.endpoint_id)]
        counts.bytes[(row.outbound, row.action)] += row.bytes
        counts.records += row.records
        counts.sample = counts.sample or row.sample
        if row.role == ORIGIN:  # a NAT gateway's rows name its own subnet, not the sender's
            counts.subnet_id = counts.subnet_id or row.subnet_id
            counts.interface_id = counts.interface_id or row.interface_id
        elif row.interface_id:
            counts.vias.add(row.interface_id)
    keys = dict.fromkeys([*seen[ORIGIN], *seen[NAT]])
    found = [_exchange(key, seen[ORIGIN].get(key), seen[NAT].get(key)) for key in keys]
    return sorted(found, key=lambda e: (-e.accepted, e.vpc_id or "", e.address or ""))


def _exchange(key: Key, origin: _Counts | None, nat: _Counts | None) -> Exchange:
    vpc, address, category, label, endpoint = key
    both = [c for c in (origin, nat) if c is not None]

    def most(outbound: bool, action: str) -> int:
        return max(c.bytes.get((outbound, action), 0) for c in both)

    first = both[0]
    return Exchange(
        vpc,
        address,
        origin.interface_id if origin else None,
        next((c.subnet_id for c in both if c.subnet_id), None),
        category,
        label,
        endpoint,
        most(True, "ACCEPT"),
        most(False, "ACCEPT"),
        most(True, "REJECT"),
        most(False, "REJECT"),
        max(c.records for c in both),
        first.sample or (nat.sample if nat else None),
        tuple(sorted(nat.vias)) if nat else (),
    )


def nat_totals(rows: Iterable[Row]) -> list[NatTotal]:
    """Accepted bytes of the NAT gateway interfaces' own legs, per interface and remote owner."""
    totals: dict[tuple[str, str | None, str, Label | None], int] = defaultdict(int)
    for row in rows:
        if row.role == NAT_OWN and row.action == "ACCEPT" and row.interface_id:
            totals[(row.interface_id, row.vpc_id, row.category, row.label)] += row.bytes
    return [NatTotal(i, v, c, label, n) for (i, v, c, label), n in sorted(totals.items(), key=lambda kv: -kv[1])]
