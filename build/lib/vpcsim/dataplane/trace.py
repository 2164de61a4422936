"""Trace a request hop by hop: DNS, the source's security groups and network ACL, route tables, gateways, endpoints,
peering and transit gateways, the destination's filters, the return path's ACLs, and the policies at the service.

A walk is a sequence of stages (walk.py) run by one driver loop (``drive``): each stage's function adds its hops and
returns the next stage, and raises ``Stop`` on a terminal step (Batfish's FlowTracer shape). The checks every hop
shares live in ``checks``, what each route target does in ``targets``, PrivateLink in ``privatelink``, transit
gateways in ``transit``; only this module knows them all. ``trace`` turns the walk into an immutable ``Trace`` whose
verdict comes from the step that stopped it. Sources: aws-behaviour sections 1.2.7-1.2.12, 1.3, 4, 5, 6 and 9;
Reachability Analyzer's explanation codes [RA-EX].
"""

from __future__ import annotations

from collections.abc import Callable
from ipaddress import IPv4Address, ip_address
from typing import Any

from vpcsim.dataplane import checks, dns, privatelink, targets, transit
from vpcsim.dataplane.topology import Interface, Topology
from vpcsim.dataplane.walk import (
    DeliverInVpc,
    FollowRoute,
    Judge,
    RouteFrom,
    Stage,
    Stop,
    ToEndpointService,
    TransitRoute,
    ViaTransitGateway,
    Walk,
    component,
)
from vpcsim.model.explanations import ExplanationCode
from vpcsim.model.trace import Action, Component, ComponentKind, Header, Hop, Step, Trace, Verdict

# Every kind of stage and the function that runs it: the one place that knows all the stage modules.
_STAGES: dict[type[Stage], Callable[[Walk, Any], Stage | None]] = {
    RouteFrom: checks.route_from,
    FollowRoute: targets.follow,
    DeliverInVpc: targets.deliver_in_vpc,
    ToEndpointService: privatelink.to_endpoint_service,
    ViaTransitGateway: transit.via_transit_gateway,
    TransitRoute: transit.route,
}


class UnknownSource(ValueError):
    pass


def trace(
    topo: Topology,
    source: str,
    destination: str,
    *,
    port: int | None = 443,
    protocol: str = "tcp",
    judge: Judge | None = None,
) -> Trace:
    """Where a request from ``source`` (instance id, interface id or IP in a subnet) to ``destination`` (a name or
    an IP) goes, whether it arrives, and why."""
    iface = find_source(topo, source)
    vpc = topo.vpcs[iface.vpc_id]
    answer = dns.resolve(topo, vpc, destination)
    walk = Walk(topo, iface, Header(str(iface.address), "0.0.0.0", protocol, port), judge)
    if isinstance(answer, dns.NoAnswer):
        dns_component = component(ComponentKind.DNS, vpc.id, name="Amazon-provided DNS", region=vpc.region)
        dropped = Step(Action.DROPPED, answer.reason, {}, ExplanationCode.UNKNOWN_DESTINATION)
        walk.hops.append(_dns_hop(walk, dns_component, dropped))
        return Trace(Verdict.UNRESOLVED, tuple(walk.hops), notes=(answer.reason,))
    chosen = _pick(topo, iface, answer.addresses)
    walk.header = Header(str(iface.address), str(chosen), protocol, port)
    if answer.source != "address":
        dns_component = component(ComponentKind.DNS, vpc.id, name="Amazon-provided DNS", region=vpc.region)
        walk.hops.append(_dns_hop(walk, dns_component, Step(Action.RESOLVED, f"{answer.detail}: {chosen}")))
    return _finish(walk, answer)


def _dns_hop(walk: Walk, comp: Component, step: Step) -> Hop:
    return Hop(comp, (step,), None, None, 0.0)


def _finish(walk: Walk, answer: dns.Answer) -> Trace:
    drive(walk)
    verdict = _verdict(walk)
    return Trace(
        verdict,
        tuple(walk.hops),
        tuple(walk.explanations),
        walk.internet,
        walk.endpoint,
        source=Header(
            str(walk.source.address),
            walk.hops[-1].inbound.destination if walk.hops[-1].inbound else "",
            walk.header.protocol,
            walk.header.destination_port,
        ),
        resolved=tuple(str(a) for a in answer.addresses),
        notes=tuple(walk.notes),
    )


def drive(walk: Walk) -> None:
    """Run the stages from the source until one delivers the packet (returns None) or ends the path (Stop)."""
    try:
        stage: Stage | None = leave_source(walk)
        while stage is not None:
            stage = _STAGES[type(stage)](walk, stage)
    except Stop:
        return


def _verdict(walk: Walk) -> Verdict:
    """From the step that stopped the walk: no route when it found none, blocked otherwise; else reachable."""
    if walk.stopped is None:
        return Verdict.REACHABLE
    return Verdict.NO_ROUTE if walk.stopped.action is Action.NO_ROUTE else Verdict.BLOCKED


def find_source(topo: Topology, source: str) -> Interface:
    if source.startswith("i-") and source in topo.instances:
        return topo.interfaces[topo.instances[source]]
    if source.startswith("eni-") and source in topo.interfaces:
        return topo.interfaces[source]
    try:
        address = IPv4Address(ip_address(source))
    except ValueError:
        raise UnknownSource(f"'{source}' is not an instance, network interface or IP address vpcsim knows") from None
    held = topo.interfaces_at.get(address)
    if held:
        return topo.interfaces[held[0]]
    return _host_in_subnet(topo, address, source)


def _host_in_subnet(topo: Topology, address: IPv4Address, source: str) -> Interface:
    """An IP no interface holds, inside a subnet: a host there with the VPC's default security group (named choice)."""
    subnet_id = topo.subnet_index.first(address)
    if subnet_id is None:
        raise UnknownSource(f"no subnet vpcsim knows contains {source}")
    subnet = topo.subnets[subnet_id]
    vpc = topo.vpcs[subnet.vpc_id]
    return Interface(
        f"host-{address}",
        subnet.id,
        vpc.id,
        subnet.zone,
        (address,),
        (topo.default_groups.get(vpc.id, ""),),
        "host",
        "",
        vpc.account,
        vpc.region,
    )


def _pick(topo: Topology, source: Interface, addresses: tuple[IPv4Address, ...]) -> IPv4Address:
    if len(addresses) == 1:
        return addresses[0]
    same_zone = [a for a in addresses if _zone_of(topo, a) == source.zone]
    return (same_zone or list(addresses))[0]


def _zone_of(topo: Topology, address: IPv4Address) -> str | None:
    """The AZ of the first interface holding ``address``."""
    held = topo.interfaces_at.get(address)
    return topo.interfaces[held[0]].zone if held else None


# -- the source ------------------------------------------------------------------------------------------------------
def leave_source(walk: Walk) -> Stage:
    """The source's own hops (instance, security groups, subnet ACL); then its subnet's route table."""
    iface = walk.source
    if iface.owner.startswith("i-"):
        walk.hop(
            component(
                ComponentKind.INSTANCE,
                iface.owner,
                region=iface.region,
                zone=iface.zone,
                account=iface.account,
                arn=f"arn:aws:ec2:{iface.region}:{iface.account}:instance/{iface.owner}",
            ),
            Step(Action.FORWARDED, f"sent from {iface.address} through {iface.id}"),
        )
    checks.security_group_egress(walk, iface)
    subnet = walk.subnet(iface.subnet_id)
    checks.acl_check(walk, subnet, egress=True, peer=walk.destination, port=walk.header.destination_port)
    return RouteFrom(subnet)



