"""Each source's path to each target: the data plane's trace, what it goes through, and its month at the volumes.

Traces come from ``dataplane.trace.trace`` on the compiled topology, priced per GB by ``control.analysis.run.priced``
(what ``run_trace``, behind every face, does: DNS, filters, routes, gateways, endpoints, peering, transit gateways;
no API request is named, so no policy is judged). One trace per group of targets that provably share it
(targets.py); rows are priced in order as they are traced. A row's path
is the list of what it goes through, in order, named as the report names paths (``PATH_NAMES``); whether it arrives
is the trace's verdict, and *by what* are its deciding steps: the routes chosen and the rules that allowed it, or the
step that stopped it with its explanation code.

A month (``Meter``): the row's volume through the trace's per-GB charges with ``cost.monthly_flow_cost``, tiers and
the internet's free allowance applied per account in the order rows are made (sorted by account, Region, VPC,
subnet, target), as one bill aggregates them. A row that does not arrive moves no data and costs nothing here.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from vpcsim.control.analysis.run import priced
from vpcsim.cost import FlowCost, PathPrice, PriceBook, monthly_flow_cost
from vpcsim.dataplane import trace as tracing
from vpcsim.dataplane.topology import Topology
from vpcsim.model.trace import Action, ComponentKind, Hop, Trace, Verdict
from vpcsim.report.connections import neighbours
from vpcsim.report.sources import Source
from vpcsim.report.targets import Grouper, Target, TargetKind, endpoint_targets, interface_endpoints, rest_index
from vpcsim.report.volumes import ASSUMED_OWN_REGION_GB, ASSUMED_THROUGH_INTERFACE_GB, Volume, Volumes, Wanted

Progress = Callable[[str, int, int], None]  # (phase, done, total)

# What a path goes through, as the report names it (component kind, or endpoint type for VPC endpoints).
PATH_NAMES = {
    ComponentKind.INTERNET_GATEWAY: "internet gateway",
    ComponentKind.EGRESS_ONLY_INTERNET_GATEWAY: "egress-only internet gateway",
    ComponentKind.NAT_GATEWAY: "NAT gateway",
    ComponentKind.VPC_PEERING_CONNECTION: "peering",
    ComponentKind.TRANSIT_GATEWAY: "transit gateway",
    ComponentKind.TRANSIT_GATEWAY_ATTACHMENT: "transit gateway",
    ComponentKind.TRANSIT_GATEWAY_ROUTE_TABLE: "transit gateway",
    ComponentKind.VPN_GATEWAY: "VPN",
    ComponentKind.VPN_CONNECTION: "VPN",
}
ENDPOINT_NAMES = {
    "Gateway": "gateway endpoint",
    "Interface": "interface endpoint",
    "GatewayLoadBalancer": "GWLB endpoint",
}
_DECIDING = frozenset({Action.ROUTED, Action.ALLOWED, Action.DENIED, Action.NO_ROUTE, Action.DROPPED})


@dataclass(frozen=True, slots=True)
class PathRow:
    source: Source
    targets: tuple[Target, ...]  # the targets this trace stands for; the first is the one traced
    rest: bool  # the rest of the catalog (targets.rest_index)
    trace: Trace
    volume: Volume
    cost: FlowCost

    @property
    def through(self) -> tuple[str, ...]:
        return path_of(self.trace)

    @property
    def label(self) -> str:
        return path_label(self.trace)

    @property
    def reachable(self) -> bool:
        return self.trace.verdict is Verdict.REACHABLE

    def uses(self, component_id: str) -> bool:
        return any(h.component.id == component_id for h in self.trace.forward)


def hop_name(hop: Hop) -> str | None:
    if hop.component.kind is ComponentKind.VPC_ENDPOINT:
        return ENDPOINT_NAMES.get(hop.component.name)
    return PATH_NAMES.get(hop.component.kind)


def path_of(trace: Trace) -> tuple[str, ...]:
    """What the path goes through, in order, each once: ('NAT gateway', 'internet gateway')."""
    seen: list[str] = []
    for hop in trace.forward:
        name = hop_name(hop)
        if name is not None and name not in seen:
            seen.append(name)
    return tuple(seen)


def path_label(trace: Trace) -> str:
    """'NAT gateway + internet gateway'; 'within the VPC' for a path that arrives through none of them ('stopped in
    the VPC' for one that does not); 'unresolved' when the name does not resolve."""
    if trace.verdict is Verdict.UNRESOLVED:
        return "unresolved"
    return " + ".join(path_of(trace)) or (
        "within the VPC" if trace.verdict is Verdict.REACHABLE else "stopped in the VPC"
    )


def deciding_steps(trace: Trace) -> list[tuple[Hop, str, str]]:
    """(hop, action, detail) of the steps that decided: routes chosen, rules that allowed, the step that stopped."""
    return [
        (hop, str(step.action), step.detail) for hop in trace.hops for step in hop.steps if step.action in _DECIDING
    ]


@dataclass
class Meter:
    """Tier positions and the internet's free allowance, per account, as rows are priced (module docstring)."""

    book: PriceBook
    prior: dict[str, dict[str, float]] = field(default_factory=lambda: defaultdict(dict))
    free: dict[str, float] = field(default_factory=dict)

    def month(self, account: str, trace: Trace, gb: float) -> FlowCost:
        if gb <= 0 or trace.verdict is not Verdict.REACHABLE:
            return FlowCost(gb, ())
        free = self.free.get(account, self.book.internet_free_gb)
        path = PathPrice(trace.charges, trace.unpriced)
        cost = monthly_flow_cost(path, gb, self.book, prior_gb=self.prior[account], internet_free_gb_left=free)
        for charge in trace.charges:
            self.prior[account][charge.usage_type] = self.prior[account].get(charge.usage_type, 0.0) + gb
        if any(c.item == "Data transfer out to the internet" for c in trace.charges):
            self.free[account] = max(0.0, free - gb)
        return cost


def through_interface(trace: Trace) -> bool:
    return "interface endpoint" in path_of(trace)


def assumed_gb(target: Target, interface: bool) -> float:
    """The GB a month assumed without a volumes file (volumes.ASSUMED_TEXT); ``interface``: the path goes through an
    interface endpoint."""
    if target.kind is TargetKind.AWS and target.key in ASSUMED_OWN_REGION_GB:
        return ASSUMED_OWN_REGION_GB[target.key]
    return ASSUMED_THROUGH_INTERFACE_GB if interface and not target.alternative else 0.0


def wanted(target: Target) -> Wanted:
    """The names a volume line may give for ``target`` (volumes.py)."""
    if target.kind is TargetKind.AWS:
        return Wanted(frozenset({target.key, target.service_name}), True)
    if target.alternative:
        return Wanted(frozenset({target.endpoint or ""}), False)
    return Wanted(frozenset({target.service_name, target.endpoint or ""}), True)


def row_volume(volumes: Volumes, source: Source, targets: tuple[Target, ...], trace: Trace) -> Volume:
    if volumes.assumed:
        interface = through_interface(trace)
        return Volume(sum(assumed_gb(t, interface) for t in targets), "assumed")
    return volumes.for_targets(source.subnet, source.vpc, [wanted(t) for t in targets])


Traced = list[tuple[tuple[Target, ...], bool, Trace]]  # a source's (targets, rest of catalog, trace)


def trace_to(topo: Topology, source: Source, host: str, port: int = 443) -> Trace:
    """The data plane's trace from ``source``'s representative to ``host``, priced per GB (``run.priced``)."""
    return priced(tracing.trace(topo, source.interface, host, port=port))


class PathTracer:
    """Traces every source to its targets (module docstring), in this process: measured on 1,000 VPCs, sending the
    traces back from worker processes cost two thirds more CPU than tracing them (bench/RESULTS.md, section 4)."""

    def __init__(self, topo: Topology, volumes: Volumes, book: PriceBook) -> None:
        self.topo, self.volumes = topo, volumes
        self.meter = Meter(book)
        self.grouper = Grouper(topo)
        self.near = neighbours(topo)
        self.endpoints = interface_endpoints(topo)
        self.traces = 0

    def rows(self, sources: list[Source], progress: Progress | None = None) -> list[PathRow]:
        rows: list[PathRow] = []
        for done, source in enumerate(sources, 1):
            found = self.traced(source)
            if progress is not None:
                progress("paths", done, len(sources))
            for targets, rest, trace in found:
                volume = row_volume(self.volumes, source, targets, trace)
                rows.append(
                    PathRow(source, targets, rest, trace, volume, self.meter.month(source.account, trace, volume.gb))
                )
            self.traces += len(found)
        return rows

    def traced(self, source: Source) -> Traced:
        """The source's traces: one per group of aws targets, then its VPC's PrivateLink endpoints, then the
        endpoints of connected VPCs in other Regions, of providers' services, or of services whose name path from
        this source does not arrive (an alternative then worth knowing; one whose name path arrives is left out)."""
        vpc = self.topo.vpcs[source.vpc]
        groups = self.grouper.groups(vpc, self.topo.subnets[source.subnet].dns64)
        rest = rest_index(groups)
        found: Traced = [(g, i == rest, trace_to(self.topo, source, g[0].host)) for i, g in enumerate(groups)]
        named = {t.service_name for g, _, _ in found for t in g}
        failing = {t.service_name for g, _, trace in found if trace.verdict is not Verdict.REACHABLE for t in g}
        for target in endpoint_targets(self.topo, vpc, self.near.get(vpc.id, set()), self.endpoints):
            if not target.alternative or target.service_name in failing or target.service_name not in named:
                found.append(((target,), False, trace_to(self.topo, source, target.host, target.port)))
        return found
