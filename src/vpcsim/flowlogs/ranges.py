"""AWS's published address ranges (ip-ranges.json) as one lookup: an address -> the service and Region that own it.

Priority, the same as the flow-log writer's ``pkt-*-aws-service`` (``vpcsim.flowlogs.records``): a specific service
before AMAZON ("every subset is also in the AMAZON subset" [AWS IP address ranges]); among specific services the
longest prefix, and on a tie any service before EC2 (some S3 prefixes are published under EC2 as well); AMAZON, by
longest prefix, last. AWS publishes a prefix once per Region, so a (service, Region) pair names the owner.

Two forms of the same answer:

- ``label_of(address)`` in Python (IPv4 and IPv6), through ``NetworkIndex`` over the prefixes in priority order;
- ``block_tables()`` for DuckDB, IPv4 only: the prefixes painted best-first into disjoint intervals, then cut into
  three equality-join tables keyed by the address's /16, /24 and /32. Each row holds a block's *background* label
  (the label most of its addresses carry, 0 for "not AWS") and whether a finer table refines it; a finer table lists
  only the blocks that differ from their parent's background. A lookup is three hash probes per address, so the
  reader labels every record while it streams instead of sorting 10^8 addresses for a range join.

>>> ranges = packaged_ranges()
>>> ranges.label_of("52.95.150.1"), ranges.label_of("10.0.0.1")
(Label(service='S3', region='eu-west-2'), None)
"""

from __future__ import annotations

import bisect
import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from ipaddress import ip_address, ip_network
from pathlib import Path
from typing import Any

from vpcsim.catalog.prefix_lists import ip_ranges_regions, ip_ranges_services, ip_ranges_source, service_cidrs
from vpcsim.dataplane.topology import Network, NetworkIndex

BlockRow = tuple[int, int, bool]  # (block key, background label id, refined by the next table)
_LEVELS = (16, 8, 0)  # the shifts of the /16, /24 and /32 tables


class RangesError(ValueError):
    """An ip-ranges file that cannot be read."""


@dataclass(frozen=True, slots=True)
class Label:
    service: str  # an ip-ranges service name: S3, DYNAMODB, EC2, AMAZON, ...
    region: str  # a Region, or GLOBAL


@dataclass(frozen=True, slots=True)
class Published:
    network: Network
    label: Label

    @property
    def rank(self) -> tuple[bool, int, bool, str, str]:
        """Sorts best first (module docstring)."""
        service = self.label.service
        return (service == "AMAZON", -self.network.prefixlen, service == "EC2", service, self.label.region)


class AddressRanges:
    """The published prefixes in priority order; label ids are 1-based positions in ``labels`` (0: not AWS)."""

    def __init__(self, prefixes: Iterable[Published], source: dict[str, str]) -> None:
        ordered = sorted(prefixes, key=lambda p: p.rank)
        self.source = source
        self.labels: tuple[Label, ...] = tuple(dict.fromkeys(p.label for p in ordered))
        self._ids = {label: i + 1 for i, label in enumerate(self.labels)}
        self._index = NetworkIndex((p.network, p.label) for p in ordered)
        self.intervals = _paint([(p.network, self._ids[p.label]) for p in ordered if p.network.version == 4])
        self._blocks: tuple[list[BlockRow], list[BlockRow], list[BlockRow]] | None = None

    def label_of(self, address: str) -> Label | None:
        """The owner of ``address``, or None for an address outside every published range (or not an address)."""
        try:
            parsed = ip_address(address)
        except ValueError:
            return None
        return self._index.first(parsed)

    def label_id(self, label: Label | None) -> int:
        return 0 if label is None else self._ids[label]

    def block_tables(self) -> tuple[list[BlockRow], list[BlockRow], list[BlockRow]]:
        """The /16, /24 and /32 tables (module docstring), computed once (about half a second)."""
        if self._blocks is None:
            top = _level(self.intervals, 16, {None: 0})
            middle = _level(self.intervals, 8, {k: bg for k, bg, refined in top if refined})
            bottom = _level(self.intervals, 0, {k: bg for k, bg, refined in middle if refined})
            self._blocks = (top, middle, bottom)
        return self._blocks


# -- painting the prefixes into disjoint intervals -------------------------------------------------------------------
Interval = tuple[int, int, int]  # (first address, last address, label id), as integers


def _paint(ranked: list[tuple[Network, int]]) -> list[Interval]:
    """Disjoint intervals from prefixes given best first: each elementary piece takes the first prefix covering it."""
    bounds = sorted({int(n.network_address) for n, _ in ranked} | {int(n.broadcast_address) + 1 for n, _ in ranked})
    painted = [0] * len(bounds)
    following = list(range(len(bounds) + 1))  # next unpainted piece at or after i (path-halving union-find)

    def unpainted(i: int) -> int:
        while following[i] != i:
            following[i] = following[following[i]]
            i = following[i]
        return i

    for network, label in ranked:
        first = bisect.bisect_left(bounds, int(network.network_address))
        last = bisect.bisect_left(bounds, int(network.broadcast_address) + 1)
        piece = unpainted(first)
        while piece < last:
            painted[piece] = label
            following[piece] = piece + 1
            piece = unpainted(piece + 1)
    return _merged(bounds, painted)


def _merged(bounds: list[int], painted: list[int]) -> list[Interval]:
    out: list[Interval] = []
    for i, label in enumerate(painted[:-1]):
        if not label:
            continue
        lo, hi = bounds[i], bounds[i + 1] - 1
        if out and out[-1][2] == label and out[-1][1] + 1 == lo:
            out[-1] = (out[-1][0], hi, label)
        else:
            out.append((lo, hi, label))
    return out


# -- the block tables --------------------------------------------------------------------------------------------
def _level(intervals: list[Interval], shift: int, parents: dict[int | None, int]) -> list[BlockRow]:
    """Rows of the table keyed by ``address >> shift`` for the blocks inside ``parents`` (parent key -> its
    background; ``None``: the whole address space) that differ from their parent's background."""
    starts = [lo for lo, _, _ in intervals]
    rows: list[BlockRow] = []
    for parent, background in sorted(parents.items(), key=lambda kv: -1 if kv[0] is None else kv[0]):
        for key in _candidates(intervals, starts, shift, parent, background):
            label, refined = _summary(intervals, starts, key << shift, ((key + 1) << shift) - 1)
            if refined or label != background:
                rows.append((key, label, refined))
    return rows


def _candidates(
    intervals: list[Interval], starts: list[int], shift: int, parent: int | None, background: int
) -> list[int]:
    """The blocks of ``parent`` that may differ from its background: all of them when it has one, else the ones an
    interval touches (the others are not AWS, as their parent)."""
    lo, hi = (0, (1 << 32) - 1) if parent is None else (parent << (shift + 8), ((parent + 1) << (shift + 8)) - 1)
    if background:
        return list(range(lo >> shift, (hi >> shift) + 1))
    keys: set[int] = set()
    i = max(0, bisect.bisect_right(starts, lo) - 1)
    while i < len(intervals) and intervals[i][0] <= hi:
        a, b, _ = intervals[i]
        if b >= lo:
            keys.update(range(max(a, lo) >> shift, (min(b, hi) >> shift) + 1))
        i += 1
    return sorted(keys)


def _summary(intervals: list[Interval], starts: list[int], lo: int, hi: int) -> tuple[int, bool]:
    """(background label, refined) of the block [lo, hi]."""
    coverage: Counter[int] = Counter()
    i = max(0, bisect.bisect_right(starts, lo) - 1)
    while i < len(intervals) and intervals[i][0] <= hi:
        a, b, label = intervals[i]
        overlap = min(b, hi) - max(a, lo) + 1
        if overlap > 0:
            coverage[label] += overlap
        i += 1
    gap = (hi - lo + 1) - sum(coverage.values())
    if gap:
        coverage[0] += gap
    background = max(coverage, key=lambda label: (coverage[label], -label))
    return background, len(coverage) > 1


# -- sources ---------------------------------------------------------------------------------------------------------
@cache
def packaged_ranges() -> AddressRanges:
    """The ranges of the ip-ranges copy in the package (``vpcsim.catalog``; its source and date in ``source``)."""
    prefixes = [
        Published(network, Label(service, region))
        for region in ip_ranges_regions()
        for service in ip_ranges_services(region)
        for network in service_cidrs(region, service)
    ]
    return AddressRanges(prefixes, {**ip_ranges_source(), "origin": "packaged"})


def load_ranges(path: Path) -> AddressRanges:
    """A copy of AWS's ip-ranges.json (https://ip-ranges.amazonaws.com/ip-ranges.json), e.g. a newer one."""
    try:
        raw: dict[str, Any] = json.loads(path.read_text())
        prefixes = [_published(p, "ip_prefix") for p in raw["prefixes"]]
        prefixes += [_published(p, "ipv6_prefix") for p in raw.get("ipv6_prefixes", [])]
        meta = {"syncToken": str(raw["syncToken"]), "createDate": str(raw["createDate"]), "file": path.name}
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise RangesError(f"{path}: not an AWS ip-ranges.json ({type(error).__name__}: {error})") from None
    return AddressRanges(prefixes, {**meta, "origin": str(path)})


def _published(entry: dict[str, str], key: str) -> Published:
    network = ip_network(entry[key])
    return Published(network, Label(entry["service"], entry["region"]))
