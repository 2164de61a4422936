"""Which subnet reaches which: a trace from each compute subnet's representative to every other one's address.

Rows and columns are the subnets that hold compute (sources.py; a subnet's first class stands for it). A cell is a
trace (``dataplane.trace.trace``, TCP to ``port``) from the row's representative interface to the column's
representative's primary private address: *reaches* when it is delivered to that very interface; otherwise the
stopping step's explanation code, or, for a path that arrives somewhere else (a private address taken onto the
internet, or another interface holding the same address in an overlapping VPC), where it went.

Only pairs inside one component of VPCs joined by peering or transit gateways are traced (connections.py says why
no other pair can reach); the others are stated as not connected, without a trace, and counted.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from itertools import accumulate
from typing import Any

from vpcsim.dataplane import trace as tracing
from vpcsim.dataplane.topology import Topology
from vpcsim.model.trace import Action, Trace, Verdict
from vpcsim.report.connections import components
from vpcsim.report.parallel import fan_out
from vpcsim.report.sources import Source

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True, slots=True)
class Cell:
    source: str  # subnet ids
    destination: str
    reaches: bool
    verdict: str
    code: str | None  # the explanation code that stopped it
    at: str  # the component where it stopped or arrived
    detail: str

    def to_json(self) -> dict[str, Any]:
        return {
            "destination": self.destination,
            "verdict": self.verdict,
            "code": self.code,
            "at": self.at,
            "detail": self.detail,
        }


@dataclass(frozen=True, slots=True)
class Matrix:
    port: int
    protocol: str
    subnets: tuple[str, ...]
    components: tuple[tuple[str, ...], ...]  # the compute subnets of each component that holds two or more
    cells: tuple[Cell, ...]
    untraced_pairs: int  # pairs across components: not connected

    def reaches(self, source: str, destination: str) -> bool:
        return any(c.reaches for c in self.cells if (c.source, c.destination) == (source, destination))


def representatives(sources: list[Source]) -> dict[str, Source]:
    """Subnet id -> the source standing for it (its first class)."""
    found: dict[str, Source] = {}
    for source in sources:
        found.setdefault(source.subnet, source)
    return found


def reachability(
    topo: Topology,
    sources: list[Source],
    *,
    port: int = 443,
    protocol: str = "tcp",
    jobs: int = 1,
    progress: Progress | None = None,
) -> Matrix:
    """The matrix (module docstring): each source's row traced on one of ``jobs`` processes (parallel.py)."""
    chosen = representatives(sources)
    groups = _subnet_groups(topo, chosen)
    rows = [(subnet, group) for group in groups if len(group) > 1 for subnet in group]
    pairs = list(accumulate(len(group) - 1 for _, group in rows))

    def row(item: tuple[str, tuple[str, ...]]) -> list[Cell]:
        subnet, group = item
        return [_cell(topo, chosen[subnet], chosen[other], port, protocol) for other in group if other != subnet]

    def tell(done: int) -> None:
        if progress is not None:
            progress("matrix", pairs[done - 1], pairs[-1])

    cells = [cell for found in fan_out(row, rows, jobs=jobs, progress=tell, chunk=4) for cell in found]
    total = len(cells)
    n = len(chosen)
    return Matrix(
        port, protocol, tuple(chosen), tuple(g for g in groups if len(g) > 1), tuple(cells), n * (n - 1) - total
    )


def _subnet_groups(topo: Topology, chosen: dict[str, Source]) -> list[tuple[str, ...]]:
    by_vpc: dict[str, list[str]] = {}
    for subnet, source in chosen.items():
        by_vpc.setdefault(source.vpc, []).append(subnet)
    groups = [tuple(s for vpc in component for s in by_vpc.get(vpc, ())) for component in components(topo)]
    return [g for g in groups if g]


def _cell(topo: Topology, source: Source, destination: Source, port: int, protocol: str) -> Cell:
    found = tracing.trace(topo, source.interface, destination.address, port=port, protocol=protocol)
    arrived = _arrived_at(found)
    target = destination.instance or destination.interface
    if found.verdict is Verdict.REACHABLE and arrived == target:
        return Cell(source.subnet, destination.subnet, True, str(found.verdict), None, arrived, "")
    if found.verdict is Verdict.REACHABLE:
        detail = f"arrived at {arrived}, not at {target}: {found.forward[-1].steps[-1].detail}"
        return Cell(source.subnet, destination.subnet, False, "elsewhere", None, arrived, detail)
    stop = found.explanations[0] if found.explanations else None
    code = str(stop.code) if stop else _stopping_code(found)
    at = stop.component.id if stop else found.hops[-1].component.id if found.hops else ""
    detail = stop.detail if stop else (found.notes[0] if found.notes else "")
    return Cell(source.subnet, destination.subnet, False, str(found.verdict), code, at, detail)


def _arrived_at(found: Trace) -> str:
    forward = found.forward
    if not forward:
        return ""
    last = forward[-1]
    return last.component.id if any(s.action is Action.DELIVERED for s in last.steps) else ""


def _stopping_code(found: Trace) -> str | None:
    codes = [s.explanation_code for h in found.hops for s in h.steps if s.explanation_code is not None]
    return str(codes[-1]) if codes else None
