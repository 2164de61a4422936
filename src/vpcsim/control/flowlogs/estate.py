"""Real flow logs read against a network's state: who sent the bytes, through what, and what endpoints would save.

``known(topology)`` tells the reader (``vpcsim.flowlogs.usage``) what the state knows of the interfaces in the logs:
their kind (a NAT gateway's, an endpoint's...), VPC, subnet and addresses, and the interface endpoints' addresses
with their services. ``analyse`` then places each sender (``vpcsim.flowlogs.attribution``) on its interface, subnet
and VPC, and traces one representative flow per (subnet, remote owner) with the data plane's own trace (``run_trace``,
as ``vpcsim trace`` does): from the sender interface with the most bytes to a remote address the logs show for it,
TCP port 443 (named choice: the HTTPS port the AWS service APIs answer on). The path is what the trace's forward hops
cross, first to last: NAT gateway, interface or gateway endpoint, internet gateway, peering, transit gateway, VPN; its
per-GB charges come from the price book (``price_path``). ``vpcsim.flowlogs.savings`` prices the alternatives.

Logs and state may disagree (an interface deleted since, a route changed): a sender the state does not hold keeps
what the records say (its subnet-id, vpc-id), is not traced, and the answer says so; a trace that does not arrive
though the logs show accepted bytes is reported with its verdict, never priced.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from ipaddress import ip_address
from typing import Any

from vpcsim.control.analysis.run import run_trace, topology_of
from vpcsim.cost import PriceBook
from vpcsim.dataplane.topology import Interface, Subnet, Topology
from vpcsim.dataplane.trace import UnknownSource
from vpcsim.errors import ApiError
from vpcsim.flowlogs.attribution import Exchange, merge
from vpcsim.flowlogs.ranges import Label
from vpcsim.flowlogs.savings import PathGroup, Saving, savings
from vpcsim.flowlogs.usage import AWS, Known, Usage
from vpcsim.model.trace import ComponentKind, Trace, Verdict
from vpcsim.store import Transaction

PORT = 443
# Components a path is named by, in the vocabulary of the report; the first one the forward hops cross names it.
_PATH_KINDS = {
    ComponentKind.NAT_GATEWAY: "nat-gateway",
    ComponentKind.INTERNET_GATEWAY: "internet-gateway",
    ComponentKind.EGRESS_ONLY_INTERNET_GATEWAY: "egress-only-internet-gateway",
    ComponentKind.VPC_PEERING_CONNECTION: "peering",
    ComponentKind.TRANSIT_GATEWAY: "transit-gateway",
    ComponentKind.VPN_CONNECTION: "vpn",
}
_ENDPOINT_KINDS = {"Gateway": "gateway-endpoint", "Interface": "interface-endpoint"}


def known(topo: Topology) -> Known:
    """The interfaces of the state as the reader needs them (``Known``)."""
    interfaces = [(i.id, i.kind, i.vpc_id, i.subnet_id) for i in topo.interfaces.values()]
    addresses = [(i.id, str(a)) for i in topo.interfaces.values() for a in i.addresses]
    endpoints = [
        (endpoint.vpc_id, str(address), endpoint.id, service_label(endpoint.service_name, endpoint.service_region))
        for endpoint in topo.endpoints.values()
        if endpoint.kind == "Interface"
        for eni in endpoint.interfaces
        if eni in topo.interfaces
        for address in topo.interfaces[eni].addresses
    ]
    return Known(interfaces, addresses, endpoints)


def service_label(service_name: str, region: str) -> Label:
    """``com.amazonaws.eu-west-2.s3`` -> S3 in eu-west-2, in ip-ranges' spelling; an endpoint service of a provider
    (``com.amazonaws.vpce.eu-west-2.vpce-svc-...``) keeps its service id."""
    return Label(service_name.rsplit(".", 1)[-1].upper().replace("-", "_"), region)


# -- placing senders -------------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Placed:
    exchange: Exchange
    interface: Interface | None
    subnet: Subnet | None

    @property
    def subnet_id(self) -> str | None:
        return self.subnet.id if self.subnet else self.exchange.subnet_id

    @property
    def vpc_id(self) -> str | None:
        return self.subnet.vpc_id if self.subnet else self.exchange.vpc_id


def place(topo: Topology, exchange: Exchange) -> Placed:
    """The sender's interface and subnet in the state, by its interface id, else its address in its VPC."""
    iface = topo.interfaces.get(exchange.interface_id or "")
    address = _address(exchange.address)
    if iface is None and address is not None and exchange.vpc_id:
        iface = topo.interfaces.get(topo.interface_by_address.get((exchange.vpc_id, address), ""))
    subnet = topo.subnets.get(iface.subnet_id) if iface else topo.subnets.get(exchange.subnet_id or "")
    if subnet is None and address is not None and exchange.vpc_id:
        subnet = next(
            (s for s in topo.subnets.values() if s.vpc_id == exchange.vpc_id and any(address in c for c in s.cidrs)),
            None,
        )
    return Placed(exchange, iface, subnet)


def _address(text: str | None) -> Any:
    try:
        return ip_address(text) if text else None
    except ValueError:
        return None


# -- tracing a representative flow -----------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Traced:
    """The path a (subnet, remote owner) group's representative flow took."""

    source: str
    destination: str
    trace: Trace | None
    path: str  # nat-gateway | gateway-endpoint | interface-endpoint | internet-gateway | ... | in-vpc | a verdict
    via: tuple[str, ...]
    reason: str = ""

    def to_json(self) -> dict[str, Any]:
        found = self.trace
        return {
            "traced_from": self.source,
            "traced_to": f"{self.destination}:{PORT}",
            "path": self.path,
            "via": list(self.via),
            "verdict": found.verdict.value if found else None,
            "usd_per_gb": found.usd_per_gb if found else None,
            "priced_completely": not found.unpriced if found else None,
            "charges": [
                {"item": c.item, "usd_per_gb": c.usd_per_gb, "component": c.component, "usage_type": c.usage_type}
                for c in (found.charges if found else ())
            ],
            "reason": self.reason,
        }


def trace_group(tx: Transaction, members: list[Placed]) -> Traced:
    """Trace the group's busiest sender to the remote address the logs show for it."""
    top = max(members, key=lambda p: (p.exchange.accepted, p.exchange.address or ""))
    source = top.interface.id if top.interface else (top.exchange.address or "")
    destination = top.exchange.sample or ""
    if top.interface is None:
        return Traced(source, destination, None, "unknown", (), "the state holds no interface for this sender")
    try:
        found = run_trace(tx, source, destination, port=PORT, protocol="tcp")
    except (UnknownSource, ApiError, ValueError) as error:
        return Traced(source, destination, None, "unknown", (), str(getattr(error, "message", error)))
    path, via = path_of(found)
    return Traced(source, destination, found, path, via)


def path_of(found: Trace) -> tuple[str, tuple[str, ...]]:
    """(the path's name, the ids of the gateways and endpoints it crosses, in order)."""
    if found.verdict is not Verdict.REACHABLE:
        return found.verdict.value, ()
    kinds: list[str] = []
    via: list[str] = []
    for hop in found.forward:
        comp = hop.component
        kind = _ENDPOINT_KINDS.get(comp.name, "endpoint") if comp.kind is ComponentKind.VPC_ENDPOINT else None
        kind = kind or _PATH_KINDS.get(comp.kind)
        if kind and comp.id not in via:
            kinds.append(kind)
            via.append(comp.id)
    return (kinds[0] if kinds else "in-vpc"), tuple(via)


# -- the analysis ----------------------------------------------------------------------------------------------------
GroupKey = tuple[str, Label, str | None]  # subnet, remote owner, interface endpoint


@dataclass(frozen=True)
class Analysis:
    placed: list[Placed]
    groups: dict[GroupKey, list[Placed]]  # the AWS-bound senders by subnet and remote owner, busiest first
    traced: dict[GroupKey, Traced]
    savings: list[Saving]


def analyse(tx: Transaction, usage: Usage, book: PriceBook) -> Analysis:
    """Senders placed, one flow traced and priced per group, and the savings (module docstring)."""
    topo = topology_of(tx)
    placed = [place(topo, e) for e in merge(usage.rows)]
    groups: dict[GroupKey, list[Placed]] = defaultdict(list)
    for p in placed:
        e = p.exchange
        if e.category == AWS and e.label is not None and e.accepted and p.subnet_id:
            groups[(p.subnet_id, e.label, e.endpoint_id)].append(p)
    ordered = dict(sorted(groups.items(), key=lambda kv: (-sum(p.exchange.accepted for p in kv[1]), kv[0][0])))
    traced = {key: trace_group(tx, members) for key, members in ordered.items()}
    path_groups = [_path_group(topo, key, ordered[key], traced[key]) for key in ordered]
    found = savings([g for g in path_groups if g is not None], book, usage.hours)
    return Analysis(placed, ordered, traced, found)


def _path_group(topo: Topology, key: GroupKey, members: list[Placed], traced: Traced) -> PathGroup | None:
    subnet = topo.subnets.get(key[0])
    found = traced.trace
    if subnet is None or found is None or found.verdict is not Verdict.REACHABLE:
        return None
    vpc = topo.vpcs.get(subnet.vpc_id)
    return PathGroup(
        vpc_id=subnet.vpc_id,
        subnet_id=subnet.id,
        zone=subnet.zone,
        region=vpc.region if vpc else "",
        route_table=subnet.route_table,
        service=key[1].service,
        service_region=key[1].region,
        path=traced.path,
        bytes_out=sum(p.exchange.bytes_out for p in members),
        bytes_in=sum(p.exchange.bytes_in for p in members),
        charges=found.charges,
        complete=not found.unpriced,
    )


def nat_gateway_of(topo: Topology) -> dict[str, str]:
    """NAT gateway interface id -> NAT gateway id."""
    return {nat.interface: nat.id for nat in topo.nat_gateways.values()}
