"""The checks every kind of hop shares: security groups, network ACLs, the route table lookup (for a reply, back the
way the request came).

Each check adds its hop naming the rule that decided, or ends the walk with Reachability Analyzer's code; the route
table lookup returns the next stage (``FollowRoute``) instead of following it, so that no target module is imported
here. Sources: aws-behaviour 9.1 and 9.8; [RA-EX].
"""

from __future__ import annotations

from ipaddress import IPv4Network

from vpcsim.dataplane import filters, routing
from vpcsim.dataplane.topology import Address, Interface, Route, RouteTable, Subnet, Vpc
from vpcsim.dataplane.walk import DeliverInVpc, FollowRoute, RouteFrom, Stage, Walk, component, interface_component
from vpcsim.model.arns import ec2_arn
from vpcsim.model.explanations import ExplanationCode as Code
from vpcsim.model.trace import Action, ComponentKind, Step

# Route targets that take a packet out of its VPC (or, a NAT gateway, translate it again): the reply must leave each
# VPC the way the request came into it [VPCUG23: replies follow the route tables like any packet].
_EXITS = frozenset({"igw", "eigw", "pcx", "tgw", "vgw", "nat"})


def security_group_egress(walk: Walk, iface: Interface) -> None:
    walk.hop(interface_component(iface), security_group_rule(walk, iface, walk.destination, egress=True))


def security_group_ingress(walk: Walk, iface: Interface, peer: Address) -> None:
    walk.hop(interface_component(iface), security_group_rule(walk, iface, peer, egress=False))


def security_group_rule(walk: Walk, iface: Interface, peer: Address, *, egress: bool) -> Step:
    """The step of the rule of the interface's groups that allows the packet to (egress) or from (ingress) ``peer``;
    none does: the walk ends at the interface. For a component that shows it in its own hop (an appliance, a load
    balancer node)."""
    groups = [walk.topo.groups[g] for g in iface.groups if g in walk.topo.groups]
    protocol, port = walk.header.protocol, walk.header.destination_port
    peer_groups = _groups_at(walk, peer, iface.vpc_id)
    if not egress and walk.also_from_groups:  # from a load balancer with groups: a rule may reference them
        peer_groups, walk.also_from_groups = (*peer_groups, *walk.also_from_groups), ()
    verdict = filters.sg_allows(groups, egress, protocol, port, peer, peer_groups, walk.prefix_list(iface.region))
    if not verdict.allowed or verdict.rule is None:
        code = Code.SG_HAS_NO_RULES if not any(g.rules for g in groups) else Code.ENI_SG_RULES_MISMATCH
        way, preposition = ("outbound", "to") if egress else ("inbound", "from")
        detail = (
            f"no {way} rule of {', '.join(iface.groups) or 'its groups'} allows {protocol}/{port} {preposition} {peer}"
        )
        walk.block(interface_component(iface), code, detail, "egress" if egress else "ingress")
    rule = verdict.rule
    assert rule is not None
    return Step(Action.ALLOWED, f"security group rule {filters.describe_sg_rule(rule)} allows it", dict(rule.raw))


def _groups_at(walk: Walk, address: Address, vpc_id: str) -> tuple[str, ...]:
    """The groups of the interface holding ``address`` in ``vpc_id``, or in a VPC peered with it in the same Region:
    a rule may reference a peer VPC's group [VPCPEER vpc-peering-security-groups]."""
    eni = walk.topo.interface_by_address.get((vpc_id, address))
    if eni is not None:
        return walk.topo.interfaces[eni].groups
    peers = walk.topo.peered.get(vpc_id, frozenset())
    held = (walk.topo.interfaces[e] for e in walk.topo.interfaces_at.get(address, ()))
    return next((iface.groups for iface in held if iface.vpc_id in peers), ())


def acl_check(
    walk: Walk, subnet: Subnet, *, egress: bool, peer: Address, port: int | None, reply: bool = False
) -> None:
    acl = walk.topo.acls[subnet.network_acl]
    verdict = filters.acl_allows(acl, egress, walk.header.protocol, port, peer)
    vpc = walk.vpc(subnet.vpc_id)
    comp = component(
        ComponentKind.NETWORK_ACL,
        acl.id,
        region=vpc.region,
        account=vpc.account,
        arn=ec2_arn(vpc.region, vpc.account, "network-acl", acl.id),
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
            Code.SUBNET_ACL_RESTRICTION,
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
def route_from(walk: Walk, stage: RouteFrom) -> FollowRoute:
    """Look the destination up in the subnet's route table: the route chosen is the next stage."""
    subnet = stage.subnet
    table = walk.topo.route_tables[subnet.route_table]
    vpc = walk.vpc(subnet.vpc_id)
    key = f"{table.id}:{walk.header.destination}:{walk.header.source}"
    comp = component(
        ComponentKind.ROUTE_TABLE,
        table.id,
        region=vpc.region,
        account=vpc.account,
        arn=ec2_arn(vpc.region, vpc.account, "route-table", table.id),
    )
    if key in walk.visited:
        walk.block(comp, Code.NO_PATH, f"the path comes back to {table.id}: a routing loop", "egress")
    walk.visited.add(key)
    match = routing.lookup(table, walk.destination, walk.prefix_list(vpc.region))
    if match is None:
        detail = f"{table.id} has no route to {walk.destination}"
        if walk.replying and vpc.id in walk.entered:
            detail = f"the reply: {detail}, so nothing takes it back over {walk.entered[vpc.id]}"
        walk.block(comp, Code.NO_ROUTE_TO_DESTINATION, detail, "egress", Action.NO_ROUTE)
    assert match is not None
    route = match.route
    if route.state != "active":
        walk.block(
            comp,
            Code.BAD_STATE_ROUTE,
            f"route {route.label} is a blackhole (its target is gone or detached)",
            "egress",
            Action.NO_ROUTE,
            route.raw,
        )
    if walk.replying:
        _back_the_way_it_came(walk, vpc, table, route)
    why = "; ".join(f"{r.label} lost ({reason})" for r, reason in match.beaten[:3])
    detail = f"route {route.label} (longest prefix match /{match.length})" + (f"; {why}" if why else "")
    walk.hop(comp, Step(Action.ROUTED, detail, dict(route.raw)))
    return FollowRoute(vpc, subnet, route)


def _back_the_way_it_came(walk: Walk, vpc: Vpc, table: RouteTable, route: Route) -> None:
    """The reply leaves a VPC the request came into through the gateway it came through: a route elsewhere (or to a
    NAT gateway, which would give the reply another source) is no route back [RA-EX NO_ROUTE_TO_DESTINATION]."""
    came = walk.entered.get(vpc.id)
    if came is None or route.target_kind not in _EXITS or route.target == came:
        return
    if route.target_kind == "eigw" and came.startswith("igw-"):
        return  # IPv6 replies may leave through an egress-only gateway: it passes any outbound IPv6
    comp = component(ComponentKind.ROUTE_TABLE, table.id, region=vpc.region, account=vpc.account)
    walk.block(
        comp,
        Code.NO_ROUTE_TO_DESTINATION,
        f"the reply from {walk.header.source} to {walk.destination} has route {route.label} in {table.id}, not a "
        f"route back over {came}, the way the request came into {vpc.id}",
        "egress",
        Action.NO_ROUTE,
        route.raw,
    )


def into_vpc_from(walk: Walk, vpc: Vpc, gateway: str) -> Stage:
    """A packet comes into ``vpc`` through ``gateway`` (an internet gateway): routed by the gateway's route table
    when one is associated with it (ingress routing to a middlebox [VPCUG23 gateway route tables]), else delivered
    by the local route."""
    table = vpc.edge_table(gateway)
    if table is None or table not in walk.topo.route_tables:
        return DeliverInVpc(vpc, None)
    # The gateway is no subnet: a stand-in whose id is the gateway's, so every subnet the packet enters is another.
    edge = Subnet(gateway, vpc.id, IPv4Network("0.0.0.0/32"), "", table, "")
    return RouteFrom(edge)
