"""How many GB a month each subnet moves to each service: a ``--volumes`` file, or the stated assumption.

A volumes file is JSON or CSV (docs/report.md). Each line gives the GB a month that ONE subnet sends to and receives
from one service (both directions together, as the price book counts them), for the subnets and services it names:

    {"volumes": [{"source": "*", "service": "s3", "gb_per_month": 500},
                 {"source": "vpc-0a1b2c3d", "service": "*", "gb_per_month": 20},
                 {"source": "subnet-0e1f2a3b", "service": "dynamodb", "gb_per_month": 1200}]}

    source,service,gb_per_month
    *,s3,500

``source`` is a subnet id, a VPC id (each of its subnets) or ``*`` (every subnet). ``service`` is ``*``, a short name
of the subnet's own Region (``s3``, ``dynamodb``, ``sqs``, ``ecr.dkr``), a full service name
(``com.amazonaws.eu-west-2.dynamodb``, ``com.amazonaws.vpce.eu-west-2.vpce-svc-...``) or an endpoint id (``vpce-...``:
the traffic a subnet sends to that endpoint by its own DNS name). The line that applies to a (subnet, service) is the
one with the most specific source (subnet, then VPC, then ``*``), then the most specific service (a name or id, then
``*``); two lines with the same source and service are an error. A bad file is one ``VolumesError`` naming the file and
the line, and nothing of it is used.

Without a file the report assumes, and says so (``ASSUMED_TEXT``): 100 GB a month to S3 and 100 GB to DynamoDB of
the subnet's own Region, 10 GB to each other service whose path goes through an interface endpoint (an endpoint of a
connected VPC in the subnet's own Region, reached by its DNS name, excepted: the service's name path carries that
traffic), nothing to the rest. ``Wanted`` is what a line may name a service by; ``Volumes.for_targets`` answers a
``Volume`` that says where its figure came from.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ANY = "*"
# The assumption without a --volumes file (module docstring), stated in every report that uses it.
ASSUMED_OWN_REGION_GB = {"s3": 100.0, "dynamodb": 100.0}
ASSUMED_THROUGH_INTERFACE_GB = 10.0
ASSUMED_TEXT = (
    "No --volumes file: assumed 100 GB a month per subnet to S3 and 100 GB to DynamoDB of its own Region, 10 GB to "
    "each other service whose path goes through an interface endpoint (not to a connected VPC's endpoint of a service "
    "of its own Region, reached by the endpoint's DNS name: the service's name path carries that traffic), 0 GB to "
    "every other service."
)


class VolumesError(ValueError):
    """A volumes file that cannot be used; the message names the file and the line."""


@dataclass(frozen=True, slots=True)
class Line:
    source: str
    service: str
    gb: float
    where: str  # "volumes.json entry 3", "volumes.csv line 4"

    @property
    def rank(self) -> tuple[int, int]:
        source = 2 if self.source.startswith("subnet-") else 1 if self.source.startswith("vpc-") else 0
        return source, 0 if self.service == ANY else 1


@dataclass(frozen=True, slots=True)
class Wanted:
    """A service a path row carries, by the names a line may give for it (the short name of the subnet's Region,
    the full service name, an endpoint id); ``any_ok``: whether a ``*`` service line applies (not to an endpoint of
    a connected VPC that the subnet's own name path already stands for)."""

    names: frozenset[str]
    any_ok: bool


@dataclass(frozen=True, slots=True)
class Volume:
    gb: float
    basis: str  # where the figure came from


@dataclass(frozen=True)
class Volumes:
    lines: tuple[Line, ...] = ()
    origin: str = ""  # the file's path; "" when assumed
    by_source: dict[str, tuple[Line, ...]] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        grouped: dict[str, list[Line]] = {}
        for line in self.lines:
            grouped.setdefault(line.source, []).append(line)
        object.__setattr__(self, "by_source", {k: tuple(v) for k, v in grouped.items()})

    @property
    def assumed(self) -> bool:
        return not self.origin

    def for_targets(self, subnet: str, vpc: str, wanted: list[Wanted]) -> Volume:
        """The GB a month of a row carrying ``wanted`` from ``subnet`` of ``vpc``: the sum of each one's best line."""
        lines = [line for key in (ANY, vpc, subnet) for line in self.by_source.get(key, ())]
        star = max((line for line in lines if line.service == ANY), key=lambda line: line.rank, default=None)
        named: dict[str, Line] = {}
        for line in lines:
            if line.service != ANY and (line.service not in named or line.rank > named[line.service].rank):
                named[line.service] = line
        total, used = 0.0, set()
        for want in wanted:
            found = [named[n] for n in want.names if n in named] + ([star] if star and want.any_ok else [])
            best = max(found, key=lambda line: line.rank, default=None)
            if best is not None:
                total += best.gb
                used.add(best.where)
        return Volume(total, "; ".join(sorted(used)) or f"no line of {self.origin} applies")

    def unmatched(self, known: Iterable[str]) -> list[Line]:
        """Lines naming a subnet or VPC the state does not hold (a typo would otherwise apply to nothing silently)."""
        ids = set(known)
        return [line for line in self.lines if line.source != ANY and line.source not in ids]

    def to_json(self) -> dict[str, Any]:
        return {
            "origin": self.origin or None,
            "assumed": self.assumed,
            "assumption": ASSUMED_TEXT if self.assumed else None,
            "lines": [
                {"source": x.source, "service": x.service, "gb_per_month": x.gb, "where": x.where} for x in self.lines
            ],
        }


def load_volumes(path: Path) -> Volumes:
    """The volumes file at ``path`` (JSON, or CSV when it does not start with ``{`` or ``[``)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise VolumesError(f"cannot read the volumes file {path}: {error}") from None
    stripped = text.lstrip()
    raw = _from_json(path, stripped) if stripped[:1] in ("{", "[") else _from_csv(path, text)
    return Volumes(_checked(path, raw), str(path))


def _from_json(path: Path, text: str) -> list[tuple[str, Any]]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise VolumesError(f"{path}: not valid JSON ({error})") from None
    entries = data.get("volumes") if isinstance(data, dict) else data
    if not isinstance(entries, list):
        raise VolumesError(f'{path}: expected {{"volumes": [...]}} or a list of {{source, service, gb_per_month}}')
    return [(f"{path.name} entry {n}", entry) for n, entry in enumerate(entries, 1)]


def _from_csv(path: Path, text: str) -> list[tuple[str, Any]]:
    reader = csv.reader(io.StringIO(text))
    rows = [(reader.line_num, r) for r in reader if r and not r[0].lstrip().startswith("#")]
    if not rows:
        raise VolumesError(f"{path}: empty; expected a header source,service,gb_per_month and lines")
    header = [c.strip().lower() for c in rows[0][1]]
    if header != ["source", "service", "gb_per_month"]:
        got = ",".join(rows[0][1])
        raise VolumesError(f"{path}: the first line must be 'source,service,gb_per_month' (got {got!r})")
    return [
        (f"{path.name} line {n}", dict(zip(header, row, strict=False)) | {"_cells": len(row)}) for n, row in rows[1:]
    ]


def _checked(path: Path, raw: list[tuple[str, Any]]) -> tuple[Line, ...]:
    lines: list[Line] = []
    seen: dict[tuple[str, str], str] = {}
    for where, entry in raw:
        line = _line(path, where, entry)
        key = (line.source, line.service)
        if key in seen:
            raise VolumesError(f"{path}: {where} repeats ({line.source}, {line.service}) of {seen[key]}")
        seen[key] = where
        lines.append(line)
    return tuple(lines)


def _line(path: Path, where: str, entry: Any) -> Line:
    if not isinstance(entry, Mapping):
        raise VolumesError(f"{path}: {where}: expected an object with source, service and gb_per_month")
    if entry.get("_cells", 3) != 3:
        raise VolumesError(f"{path}: {where}: expected 3 cells (source,service,gb_per_month)")
    extra = set(entry) - {"source", "service", "gb_per_month", "_cells"}
    if extra:
        raise VolumesError(f"{path}: {where}: unknown field {sorted(extra)[0]!r}")
    source, service = _text(path, where, entry, "source"), _text(path, where, entry, "service")
    if source != ANY and not source.startswith(("subnet-", "vpc-")):
        raise VolumesError(f"{path}: {where}: source must be a subnet id, a VPC id or '*' (got {source!r})")
    return Line(source, service.lower() if not service.startswith("vpce-") else service, _gb(path, where, entry), where)


def _text(path: Path, where: str, entry: Mapping[str, Any], key: str) -> str:
    value = entry.get(key)
    if not isinstance(value, str) or not value.strip():
        raise VolumesError(f"{path}: {where}: {key} is missing or empty")
    return value.strip()


def _gb(path: Path, where: str, entry: Mapping[str, Any]) -> float:
    value = entry.get("gb_per_month")
    try:
        gb = float(value) if isinstance(value, int | float | str) and not isinstance(value, bool) else math.nan
    except ValueError:
        gb = math.nan
    if not math.isfinite(gb) or gb < 0:
        raise VolumesError(f"{path}: {where}: gb_per_month must be a number of GB, 0 or more (got {value!r})")
    return gb
