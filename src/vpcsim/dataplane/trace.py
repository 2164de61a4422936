"""Trace a request hop by hop: DNS, the source's security groups and network ACL, route tables, gateways, endpoints,
peering and transit gateways, the destination's filters, the return path's ACLs, and the policies at the service.

Each hop is a pipeline of named stages that returns early by raising ``Stop`` on a terminal step (Batfish's
FlowTracer shape); ``trace`` turns the walk into an immutable ``Trace``. Stages that depend on a route target live in
``targets``. Sources: aws-behaviour sections 1.2.7-1.2.12, 1.3, 4, 5, 6 and 9; Reachability Analyzer's explanation
codes [RA-EX].
"""

from __future__ import annotations

from ipaddress import IPv4Address, ip_address

from vpcsim.dataplane import dns, filters, routing, targets
from vpcsim.dataplane.topology import Interface, Subnet, Topology
from vpcsim.dataplane.walk import Judge, Stop, Walk, component, interface_component
from vpcsim.model.trace import Action, Component, ComponentKind, Header, Hop, Step, Trace, Verdict

# The ephemeral port a reply goes back to, for stateless ACL checks on the return path (named choice: Linux's range
# 32768-60999 starts here; REMAP_EPHEMERAL_PORT in Reachability Analyzer's terms).
EPHEMERAL_PORT = 32768


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
        walk.hops.append(_dns_hop(walk, dns_component, Step(Action.DROPPED, answer.reason, {}, "UNKNOWN_DESTINATION")))
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
    try:
        leave_source(walk)
        verdict = Verdict.REACHABLE
    except Stop:
        verdict = Verdict.REACHABLE if not walk.explanations else _verdict(walk)
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


def _verdict(walk: Walk) -> Verdict:
    codes = {e.code for e in walk.explanations}
    return Verdict.NO_ROUTE if codes & {"NO_ROUTE_TO_DESTINATION", "CANNOT_ROUTE"} else Verdict.BLOCKED


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
def leave_source(walk: Walk) -> None:
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
    security_group_egress(walk, iface)
    subnet = walk.subnet(iface.subnet_id)
    acl_check(walk, subnet, egress=True, peer=walk.destination, port=walk.header.destination_port)
    route_from(walk, subnet)


def security_group_egress(walk: Walk, iface: Interface) -> None:
    _security_groups(walk, iface, walk.destination, egress=True)


def security_group_ingress(walk: Walk, iface: Interface, peer: IPv4Address) -> None:
    _security_groups(walk, iface, peer, egress=False)


def _security_groups(walk: Walk, iface: Interface, peer: IPv4Address, *, egress: bool) -> None:
    """The interface's groups must allow the packet to (egress) or from (ingress) ``peer``; the rule is named."""
    groups = [walk.topo.groups[g] for g in iface.groups if g in walk.topo.groups]
    protocol, port = walk.header.protocol, walk.header.destination_port
    verdict = filters.sg_allows(
        groups, egress, protocol, port, peer, _groups_at(walk, peer, iface.vpc_id), walk.prefix_list(iface.region)
    )
    comp = interface_component(iface)
    if not verdict.allowed or verdict.rule is None:
        code = "SG_HAS_NO_RULES" if not any(g.rules for g in groups) else "ENI_SG_RULES_MISMATCH"
        way, preposition = ("outbound", "to") if egress else ("inbound", "from")
        detail = (
            f"no {way} rule of {', '.join(iface.groups) or 'its groups'} allows {protocol}/{port} {preposition} {peer}"
        )
        walk.block(comp, code, detail, "egress" if egress else "ingress")
        return
    rule = verdict.rule
    walk.hop(
        comp, Step(Action.ALLOWED, f"security group rule {filters.describe_sg_rule(rule)} allows it", dict(rule.raw))
    )


def _groups_at(walk: Walk, address: IPv4Address, vpc_id: str) -> tuple[str, ...]:
    eni = walk.topo.interface_by_address.get((vpc_id, address))
    return walk.topo.interfaces[eni].groups if eni else ()


def acl_check(
    walk: Walk, subnet: Subnet, *, egress: bool, peer: IPv4Address, port: int | None, reply: bool = False
) -> None:
    acl = walk.topo.acls[subnet.network_acl]
    verdict = filters.acl_allows(acl, egress, walk.header.protocol, port, peer)
    vpc = walk.vpc(subnet.vpc_id)
    comp = component(
        ComponentKind.NETWORK_ACL,
        acl.id,
        region=vpc.region,
        account=vpc.account,
        arn=f"arn:aws:ec2:{vpc.region}:{vpc.account}:network-acl/{acl.id}",
    )
    what = ("reply " if reply else "") + ("outbound" if egress else "inbound")
    if not verdict.allowed:
        rule = verdict.rule
        detail = (
            f"{what} {filters.describe_acl_entry(rule)} of {acl.id} denies {walk.header.protocol}/{port} "
            f"{'to' if egress else 'from'} {peer}"
            if rule
            else f"no {what} entry of {acl.id} matches"
        )
        walk.block(
            comp,
            "SUBNET_ACL_RESTRICTION",
            detail,
            "egress" if egress else "ingress",
            rule=rule.raw if rule else None,
            reply=reply,
        )
    assert verdict.rule is not None
    walk.hop(
        comp,
        Step(
            Action.ALLOWED,
            f"{what} {filters.describe_acl_entry(verdict.rule)} of {acl.id} allows it (subnet {subnet.id})",
            dict(verdict.rule.raw),
        ),
        reply=reply,
    )


# -- routing ---------------------------------------------------------------------------------------------------------
def route_from(walk: Walk, subnet: Subnet) -> None:
    """Look the destination up in ``subnet``'s route table and follow the chosen route."""
    table = walk.topo.route_tables[subnet.route_table]
    vpc = walk.vpc(subnet.vpc_id)
    key = f"{table.id}:{walk.header.destination}:{walk.header.source}"
    comp = component(
        ComponentKind.ROUTE_TABLE,
        table.id,
        region=vpc.region,
        account=vpc.account,
        arn=f"arn:aws:ec2:{vpc.region}:{vpc.account}:route-table/{table.id}",
    )
    if key in walk.visited:
        walk.block(comp, "NO_PATH", f"the path comes back to {table.id}: a routing loop", "egress")
    walk.visited.add(key)
    match = routing.lookup(table, walk.destination, walk.prefix_list(vpc.region))
    if match is None:
        walk.block(
            comp, "NO_ROUTE_TO_DESTINATION", f"{table.id} has no route to {walk.destination}", "egress", Action.NO_ROUTE
        )
    assert match is not None
    route = match.route
    if route.state != "active":
        walk.block(
            comp,
            "BAD_STATE_ROUTE",
            f"route {route.label} is a blackhole (its target is gone or detached)",
            "egress",
            Action.NO_ROUTE,
            route.raw,
        )
    why = "; ".join(f"{r.label} lost ({reason})" for r, reason in match.beaten[:3])
    detail = f"route {route.label} (longest prefix match /{match.length})" + (f"; {why}" if why else "")
    walk.hop(comp, Step(Action.ROUTED, detail, dict(route.raw)))
    targets.follow(walk, vpc, subnet, route)
