"""The checks every kind of hop shares: security groups, network ACLs (both ways, since they are stateless), the
route table lookup, and the reply's route back.

Each check adds its hop naming the rule that decided, or ends the walk with Reachability Analyzer's code; the route
table lookup returns the next stage (``FollowRoute``) instead of following it, so that no target module is imported
here. Sources: aws-behaviour 9.1 and 9.8; [RA-EX].
"""

from __future__ import annotations

from ipaddress import ip_address

from vpcsim.dataplane import filters, routing
from vpcsim.dataplane.topology import Address, Interface, Subnet, Vpc
from vpcsim.dataplane.walk import FollowRoute, RouteFrom, Walk, component, interface_component
from vpcsim.model.arns import ec2_arn
from vpcsim.model.explanations import ExplanationCode as Code
from vpcsim.model.trace import Action, ComponentKind, Step

# The ephemeral port a reply goes back to, for stateless ACL checks on the return path (named choice: Linux's range
# 32768-60999 starts here; REMAP_EPHEMERAL_PORT in Reachability Analyzer's terms).
EPHEMERAL_PORT = 32768


def security_group_egress(walk: Walk, iface: Interface) -> None:
    _security_groups(walk, iface, walk.destination, egress=True)


def security_group_ingress(walk: Walk, iface: Interface, peer: Address) -> None:
    _security_groups(walk, iface, peer, egress=False)


def _security_groups(walk: Walk, iface: Interface, peer: Address, *, egress: bool) -> None:
    """The interface's groups must allow the packet to (egress) or from (ingress) ``peer``; the rule is named."""
    groups = [walk.topo.groups[g] for g in iface.groups if g in walk.topo.groups]
    protocol, port = walk.header.protocol, walk.header.destination_port
    verdict = filters.sg_allows(
        groups, egress, protocol, port, peer, _groups_at(walk, peer, iface.vpc_id), walk.prefix_list(iface.region)
    )
    comp = interface_component(iface)
    if not verdict.allowed or verdict.rule is None:
        code = Code.SG_HAS_NO_RULES if not any(g.rules for g in groups) else Code.ENI_SG_RULES_MISMATCH
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


def _groups_at(walk: Walk, address: Address, vpc_id: str) -> tuple[str, ...]:
    eni = walk.topo.interface_by_address.get((vpc_id, address))
    return walk.topo.interfaces[eni].groups if eni else ()


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


def reply_acls(walk: Walk, dest_subnet: Subnet) -> None:
    """Network ACLs are stateless: the reply must pass the destination subnet's outbound and the source's inbound
    (a host on the internet or on premises has no subnet: only the destination's outbound applies)."""
    source_subnet = None if walk.from_internet else walk.topo.subnets.get(walk.source.subnet_id)
    if source_subnet is not None and source_subnet.id == dest_subnet.id:
        return
    peer = walk.source.address_of(walk.destination.version) or walk.source.address
    acl_check(walk, dest_subnet, egress=True, peer=peer, port=EPHEMERAL_PORT, reply=True)
    if source_subnet is not None:
        acl_check(walk, source_subnet, egress=False, peer=walk.destination, port=EPHEMERAL_PORT, reply=True)


def check_return_route(walk: Walk, vpc: Vpc, via: str) -> None:
    """The reply must have a route back through the same connection, from the destination's subnet."""
    eni = walk.topo.interface_by_address.get((vpc.id, walk.destination))
    if eni is None:
        return
    subnet = walk.subnet(walk.topo.interfaces[eni].subnet_id)
    table = walk.topo.route_tables[subnet.route_table]
    match = routing.lookup(table, walk.sender, walk.prefix_list(vpc.region))
    if match is None or match.route.target != via:
        comp = component(ComponentKind.ROUTE_TABLE, table.id, region=vpc.region, account=vpc.account)
        got = match.route.label if match else "no route"
        walk.block(
            comp,
            Code.NO_ROUTE_TO_DESTINATION,
            f"the reply from {walk.destination} to {walk.header.source} has "
            f"{got} in {table.id}, not a route back over {via}",
            "ingress",
            Action.NO_ROUTE,
        )


def check_tgw_return(walk: Walk, gateway: str, table_id: str | None, back_to: str) -> None:
    """The reply enters ``gateway`` through an attachment associated with ``table_id``: its route for the request's
    source must lead back to attachment ``back_to`` (a transit gateway routes each direction on its own) [TGW]."""
    table = walk.topo.tgw_route_tables.get(table_id or "")
    chosen = routing.tgw_lookup(table, ip_address(walk.header.source))[0] if table is not None else None
    if chosen is not None and chosen.state == "active" and chosen.attachment == back_to:
        return
    got = f"route {chosen.destination} -> {chosen.attachment}" if chosen else "no route"
    walk.block(
        component(ComponentKind.TRANSIT_GATEWAY_ROUTE_TABLE, table_id or gateway, region=walk.region),
        Code.TGW_RTB_CANNOT_ROUTE,
        f"the reply from {walk.destination} to {walk.header.source} has {got} in "
        f"{table_id or 'no associated route table'} of {gateway}, not a route back to {back_to}",
        "ingress",
        Action.NO_ROUTE,
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
    why = "; ".join(f"{r.label} lost ({reason})" for r, reason in match.beaten[:3])
    detail = f"route {route.label} (longest prefix match /{match.length})" + (f"; {why}" if why else "")
    walk.hop(comp, Step(Action.ROUTED, detail, dict(route.raw)))
    return FollowRoute(vpc, subnet, route)
