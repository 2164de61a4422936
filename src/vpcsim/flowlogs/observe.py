"""What each network interface on a traced path sees of a flow: the request and the response, in and out, ACCEPT or
REJECT, with the packet's real addresses (pure: a Trace and the topology in, observations out).

A path visits interfaces (``Visit``): the source's, a NAT gateway's, a transit gateway attachment's in each VPC, an
interface endpoint's, a load balancer node's, an appliance's, the destination's. AWS logs traffic per interface and
per direction [VPCUG "Flow log record examples"]: a NAT gateway's interface logs four records for one connection
(from the instance, to the host, from the host, to the instance), the source and destination two each. A rejected
flow is logged REJECT at the interface whose security group or network ACL rejected it, and nothing is logged at
interfaces it never reached; a network ACL that rejects the reply (ACLs are stateless) logs the request ACCEPT and
the response REJECT. Traffic between an endpoint's interface and a load balancer's is not logged [VPCUG "Flow log
limitations"], nor is anything past a hop without an interface (internet gateway, gateway endpoint, peering).

``traffic-path`` [VPCUG "Available fields"], for egress only: 8 / 7 through an internet gateway / a gateway endpoint
from an instance's interface (vpcsim models instances as Nitro-based, as every current type is), 2 for the same from
any other interface; 4 / 5 over intra- / inter-Region peering; 1 through anything with an interface in the VPC
(NAT gateway, endpoint, load balancer, transit gateway attachment: the reference infers 1 for transit gateways).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from itertools import pairwise

from vpcsim.dataplane.topology import Interface, Topology
from vpcsim.model.trace import Action, ComponentKind, Header, Hop, Trace

TgwInterfaces = Mapping[str, Mapping[str, str]]  # transit gateway attachment id -> AZ name -> interface id


class Direction(StrEnum):
    INGRESS = "ingress"
    EGRESS = "egress"


class Verdict(StrEnum):
    ACCEPT = "ACCEPT"
    REJECT = "REJECT"


@dataclass(frozen=True, slots=True)
class Observation:
    """One direction of one leg of a flow as one interface logs it."""

    interface: Interface
    direction: Direction
    packet: Header  # the packet's real addresses and ports (pkt-srcaddr, pkt-dstaddr)
    action: Verdict
    response: bool = False
    traffic_path: int | None = None  # egress only

    @property
    def srcaddr(self) -> str:
        """The interface's own primary private IP for egress, the packet's source for ingress [VPCUG fields]."""
        return str(self.interface.address) if self.direction is Direction.EGRESS else self.packet.source

    @property
    def dstaddr(self) -> str:
        return self.packet.destination if self.direction is Direction.EGRESS else str(self.interface.address)


@dataclass(slots=True)
class Visit:
    """An interface the request passes, with the packet as it arrives (``inbound``) and leaves (``outbound``)."""

    interface: Interface
    inbound: Header | None = None
    outbound: Header | None = None
    rejected: Direction | None = None
    after: list[Hop] = field(default_factory=list)  # the hops between this visit and the next
    readdressed: bool = False  # a load balancer node: the packet leaves for the target the next visit shows
    gateway: str = ""  # a transit gateway attachment's interface: the gateway and the attachment
    attachment: str = ""


@dataclass(frozen=True, slots=True)
class TgwCrossing:
    """A transit gateway hop: in through one attachment, out through another (TGW flow logs)."""

    gateway: str
    ingress: str  # attachment ids
    egress: str
    ingress_interface: Interface | None
    egress_interface: Interface | None
    packet: Header


def observe(trace: Trace, topo: Topology, source: Interface, tgw: TgwInterfaces | None = None) -> list[Observation]:
    """Every record-worthy observation of the traced flow, request then response."""
    visits = _visits(trace, topo, source, tgw or {})
    reached_end = _reached_end(trace)
    request = list(_request(visits, topo))
    if not reached_end or any(v.rejected for v in visits):
        return request
    return request + list(_response(visits, trace, topo))


def _reached_end(trace: Trace) -> bool:
    """The request arrived (delivered, or stopped only by a policy or a reply check past the last interface)."""
    if any(s.action is Action.DELIVERED for h in trace.forward for s in h.steps):
        return True
    return bool(trace.returning) and trace.returning[-1].stops


def crossings(trace: Trace, topo: Topology, source: Interface, tgw: TgwInterfaces) -> list[TgwCrossing]:
    """The transit gateways the request crossed, from the attachment it entered by to the one it left by."""
    visits = [v for v in _visits(trace, topo, source, tgw) if v.attachment and not v.rejected]
    found = []
    for entry, exit_ in pairwise(visits):
        if entry.inbound is not None and exit_.outbound is not None and entry.gateway == exit_.gateway:
            found.append(
                TgwCrossing(
                    entry.gateway, entry.attachment, exit_.attachment, entry.interface, exit_.interface, entry.inbound
                )
            )
    return found


# -- the request's visits ----------------------------------------------------------------------------------------------
def _visits(trace: Trace, topo: Topology, source: Interface, tgw: TgwInterfaces) -> list[Visit]:
    visits: list[Visit] = []
    for index, hop in enumerate(trace.forward):
        visit = _visit_at(hop, topo, source, visits, tgw, trace)
        if visit is not None:
            if visits and visits[-1].readdressed and visit.inbound is not None:
                visits[-1].outbound = visit.inbound
            visits.append(visit)
        elif visits:
            visits[-1].after.append(hop)
        if hop.stops:
            _reject(visits, hop, trace.forward[:index], topo, trace)
            break
    return visits


def _visit_at(
    hop: Hop, topo: Topology, source: Interface, visits: list[Visit], tgw: TgwInterfaces, trace: Trace
) -> Visit | None:
    kind = hop.component.kind
    if kind is ComponentKind.NETWORK_INTERFACE:
        return _interface_visit(hop, topo, source)
    if kind in (ComponentKind.NAT_GATEWAY, ComponentKind.LOAD_BALANCER):
        return _managed_visit(hop, topo)
    if kind in (ComponentKind.TRANSIT_GATEWAY, ComponentKind.TRANSIT_GATEWAY_ATTACHMENT) and not hop.stops:
        return _tgw_visit(hop, topo, visits, tgw, trace)
    return None


def _interface_visit(hop: Hop, topo: Topology, source: Interface) -> Visit | None:
    """The source's interface (out), or one the packet arrives at: its destination, an interface endpoint's, an
    appliance's (in, and out again when it forwards)."""
    if hop.component.id == source.id:
        return Visit(source, outbound=hop.inbound, rejected=Direction.EGRESS if hop.stops else None)
    iface = topo.interfaces.get(hop.component.id)
    if iface is None:
        return None
    if hop.stops:
        return Visit(iface, inbound=hop.inbound, rejected=Direction.INGRESS)
    forwards = any(s.action is Action.FORWARDED for s in hop.steps)
    return Visit(iface, inbound=hop.inbound, outbound=hop.inbound if forwards else None)


def _managed_visit(hop: Hop, topo: Topology) -> Visit | None:
    """A NAT gateway's interface (in and out), or a load balancer node's (out to the target: traffic between an
    endpoint's interface and the load balancer's is not logged)."""
    comp = hop.component
    if comp.kind is ComponentKind.NAT_GATEWAY:
        nat = topo.nat_gateways.get(comp.id)
        iface = topo.interfaces.get(nat.interface) if nat else None
        return Visit(iface, inbound=hop.inbound, outbound=hop.outbound) if iface else None
    balancer = topo.load_balancers.get(comp.id)
    node = topo.interfaces.get(balancer.nodes.get(comp.zone_id, "")) if balancer else None  # nodes by zone id
    return Visit(node, outbound=hop.outbound, readdressed=True) if node else None


def _tgw_visit(hop: Hop, topo: Topology, visits: list[Visit], tgw: TgwInterfaces, trace: Trace) -> Visit | None:
    """Into the gateway: its interface in the sender's VPC and AZ; out of it: its interface in the receiving VPC,
    in the destination's AZ when the attachment has one there (named choice: AWS picks an attachment interface)."""
    if hop.component.kind is ComponentKind.TRANSIT_GATEWAY:
        last = visits[-1].interface if visits else None
        attachment = topo.tgw_vpc_attachments.get((hop.component.id, last.vpc_id)) if last else None
        eni = tgw.get(attachment.id, {}).get(last.zone) if attachment and last else None
        iface = topo.interfaces.get(eni or "")
        if iface is None or attachment is None:
            return None
        return Visit(iface, inbound=hop.inbound, gateway=hop.component.id, attachment=attachment.id)
    view = next((v for (_, aid), v in topo.tgw_views.items() if aid == hop.component.id), None)
    if view is None or view.kind != "vpc":
        return None
    zones = tgw.get(view.id, {})
    dest = _interface_at(topo, view.vpc_id or "", (hop.inbound or trace.source or Header("", "", "")).destination)
    eni = zones.get(dest.zone) if dest else None
    iface = topo.interfaces.get(eni or next(iter(zones.values()), ""))
    return Visit(iface, outbound=hop.inbound, gateway=view.gateway, attachment=view.id) if iface else None


def _interface_at(topo: Topology, vpc_id: str, address: str) -> Interface | None:
    for (vpc, ip), eni in topo.interface_by_address.items():
        if vpc == vpc_id and str(ip) == address:
            return topo.interfaces[eni]
    return None


def _reject(visits: list[Visit], hop: Hop, before: tuple[Hop, ...], topo: Topology, trace: Trace) -> None:
    """Where a stopping network ACL logs its REJECT: outbound at the interface the packet left, inbound at the one
    it was going to (the NAT gateway a route chose, else the interface holding the destination address)."""
    if hop.component.kind is not ComponentKind.NETWORK_ACL or (visits and visits[-1].rejected):
        return
    direction = next((e.direction for e in trace.explanations if e.component.id == hop.component.id), "")
    if direction == "egress" and visits:
        visits[-1].rejected = Direction.EGRESS
        return
    target = _inbound_target(hop, before, topo)
    if target is not None and hop.inbound is not None:
        visits.append(Visit(target, inbound=hop.inbound, rejected=Direction.INGRESS))


def _inbound_target(hop: Hop, before: tuple[Hop, ...], topo: Topology) -> Interface | None:
    routes = [h for h in before if h.component.kind is ComponentKind.ROUTE_TABLE]
    rule = routes[-1].steps[-1].rule if routes and routes[-1].steps else {}
    nat = topo.nat_gateways.get(str(rule.get("NatGatewayId", "")))
    if nat is not None:
        return topo.interfaces.get(nat.interface)
    acl = topo.acls.get(hop.component.id)
    return _interface_at(topo, acl.vpc_id, hop.inbound.destination) if acl and hop.inbound else None


# -- the observations ------------------------------------------------------------------------------------------------
def _request(visits: list[Visit], topo: Topology) -> Iterator[Observation]:
    for visit in visits:
        if visit.inbound is not None:
            verdict = Verdict.REJECT if visit.rejected is Direction.INGRESS else Verdict.ACCEPT
            yield Observation(visit.interface, Direction.INGRESS, visit.inbound, verdict)
            if verdict is Verdict.REJECT:
                return
        if visit.outbound is not None:
            verdict = Verdict.REJECT if visit.rejected is Direction.EGRESS else Verdict.ACCEPT
            path = _path(visit.interface, visit.after, topo)
            yield Observation(visit.interface, Direction.EGRESS, visit.outbound, verdict, traffic_path=path)


def _response(visits: list[Visit], trace: Trace, topo: Topology) -> Iterator[Observation]:
    """The reply retraces the request's interfaces backwards, with source and destination swapped at each; a reply
    network ACL that rejects it logs REJECT where it leaves (the destination's subnet) or arrives (the source's)."""
    stop = trace.returning[-1] if trace.returning and trace.returning[-1].stops else None
    refused = next((e.direction for e in trace.explanations if stop and e.component.id == stop.component.id), "")
    for index in range(len(visits) - 1, -1, -1):
        visit = visits[index]
        if visit.outbound is not None:
            packet = _swap(visit.outbound)
            verdict = Verdict.REJECT if refused == "ingress" and index == 0 else Verdict.ACCEPT
            yield Observation(visit.interface, Direction.INGRESS, packet, verdict, response=True)
            if verdict is Verdict.REJECT:
                return
        if visit.inbound is not None:
            packet = _swap(visit.inbound)
            verdict = Verdict.REJECT if refused == "egress" and index == len(visits) - 1 else Verdict.ACCEPT
            path = _path(visit.interface, visits[index - 1].after if index else [], topo)
            yield Observation(visit.interface, Direction.EGRESS, packet, verdict, True, path)
            if verdict is Verdict.REJECT:
                return


def _swap(header: Header) -> Header:
    """The reply to ``header``: addresses and ports swapped (the client's port is the data plane's ephemeral one)."""
    return replace(
        header,
        source=header.destination,
        destination=header.source,
        source_port=header.destination_port,
        destination_port=header.source_port,
    )


def _path(iface: Interface, hops: list[Hop], topo: Topology) -> int | None:
    """``traffic-path`` of an egress from ``iface`` over ``hops`` (the components up to the next interface)."""
    nitro = iface.owner.startswith("i-")
    for hop in hops:
        kind = hop.component.kind
        if kind is ComponentKind.INTERNET_GATEWAY:
            return 8 if nitro else 2
        if kind is ComponentKind.VPC_ENDPOINT and hop.component.name == "Gateway":
            return 7 if nitro else 2
        if kind is ComponentKind.VPC_PEERING_CONNECTION:
            peering = topo.peerings.get(hop.component.id)
            same = peering is None or peering.requester.region == peering.accepter.region
            return 4 if same else 5
        if any(s.action is Action.NO_ROUTE for s in hop.steps):
            return None
    return 1
