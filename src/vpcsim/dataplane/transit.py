"""Through a transit gateway [TGW; aws-behaviour 9.7].

In: a VPC route to the gateway uses the attachment's interface in the sender's AZ; with none there the packet cannot
reach the gateway ("any resources in Availability Zones where there is no transit gateway attachment cannot reach the
transit gateway" [TGW tgw-vpc-attachments]; ``TGW_ROUTE_AZ_RESTRICTION``: "This transit gateway is not registered in
the Availability Zone where the traffic originates" [RA-EX]). That interface's subnet's network ACL applies inbound
to the packet's source [TGW tgw-nacls]. Then the route table the attachment is associated with
(``TGW_ATTACH_MISSING_TGW_RTB_ASSOCIATION``), the most specific route, static over propagated
(``TGW_RTB_CANNOT_ROUTE``, ``TGW_RTB_BAD_STATE_ROUTE``); a peering attachment hands the packet to the peer gateway,
which routes it again with its side's association.

Out into a VPC: through the attachment's interface in the AZ the packet entered the gateway in, when the attachment
has one there ("By default, Transit Gateway maintains Availability Zone affinity" [PG-TGW
transit-gateway-asymmetric-routing]); else in another of its AZs (AWS picks one: named choice, the first subnet of
SubnetIds). With appliance mode on, the gateway keeps one interface of that attachment for both directions of a flow
("The transit gateway uses the same network interface for the return traffic" [TGW transit-gateway-appliance-
scenario]): the reply goes in through the interface the request used. From that interface the packet is routed by its
subnet's route table like any other (to a NAT gateway, a GWLB endpoint, an appliance or, by the local route, an
interface of the VPC), and the subnet's ACL applies outbound only when the next hop is in another subnet [TGW
tgw-nacls]: appliances.leave_subnet.
"""

from __future__ import annotations

from vpcsim.dataplane import routing
from vpcsim.dataplane.checks import acl_check
from vpcsim.dataplane.topology import TgwAttachment
from vpcsim.dataplane.walk import (
    TGW_MS,
    OverVpn,
    RouteFrom,
    Stage,
    TransitRoute,
    ViaTransitGateway,
    Walk,
    component,
    region_latency_ms,
)
from vpcsim.model.arns import ec2_arn
from vpcsim.model.explanations import ExplanationCode as Code
from vpcsim.model.trace import Action, ComponentKind, Step


def via_transit_gateway(walk: Walk, stage: ViaTransitGateway) -> Stage | None:
    vpc, subnet, gateway = stage.vpc, stage.subnet, stage.gateway
    comp = component(
        ComponentKind.TRANSIT_GATEWAY,
        gateway,
        region=vpc.region,
        account=vpc.account,
        arn=ec2_arn(vpc.region, vpc.account, "transit-gateway", gateway),
    )
    attachment = walk.topo.tgw_vpc_attachments.get((gateway, vpc.id))
    if attachment is None:
        walk.block(comp, Code.BAD_STATE_ATTACHMENT, f"{vpc.id} has no available attachment to {gateway}")
        return None
    entry = attachment.subnet_in(subnet.zone_id)
    if entry is None:
        walk.block(
            comp,
            Code.TGW_ROUTE_AZ_RESTRICTION,
            f"{attachment.id} has no subnet in {subnet.zone}, where the "
            f"{'reply' if walk.replying else 'traffic'} starts: it cannot reach the transit gateway (attach a "
            f"subnet of {subnet.zone})",
        )
    acl_check(walk, walk.subnet(entry or ""), egress=False, peer=walk.sender, port=walk.header.destination_port)
    walk.hop(
        comp,
        Step(Action.FORWARDED, f"into {gateway} through attachment {attachment.id} (its interface in {entry})"),
        latency=TGW_MS,
    )
    return TransitRoute(gateway, attachment, 0, subnet.zone_id)


def route(walk: Walk, stage: TransitRoute) -> Stage | None:
    """Route in the attachment's associated table; the chosen attachment is where the packet goes next."""
    gateway, attachment, depth = stage.gateway, stage.attachment, stage.depth
    table_id = attachment.route_table
    comp = component(ComponentKind.TRANSIT_GATEWAY_ROUTE_TABLE, table_id or gateway, region=attachment.region)
    if table_id is None or table_id not in walk.topo.tgw_route_tables or depth > 4:
        walk.block(
            comp,
            Code.TGW_ATTACH_MISSING_TGW_RTB_ASSOCIATION,
            f"{attachment.id} is associated with no route table of {gateway}",
        )
        return None
    chosen, beaten = routing.tgw_lookup(walk.topo.tgw_route_tables[table_id], walk.destination)
    if chosen is None:
        walk.block(
            comp, Code.TGW_RTB_CANNOT_ROUTE, f"{table_id} has no route to {walk.destination}", action=Action.NO_ROUTE
        )
        return None
    if chosen.state != "active" or chosen.attachment is None:
        walk.block(
            comp,
            Code.TGW_RTB_BAD_STATE_ROUTE,
            f"route {chosen.destination} in {table_id} is a blackhole",
            action=Action.NO_ROUTE,
        )
        return None
    lost = "; ".join(f"{r.destination} ({r.kind}) lost" for r in beaten[:3])
    walk.hop(
        comp,
        Step(
            Action.ROUTED,
            f"{chosen.kind} route {chosen.destination} -> {chosen.attachment}" + (f"; {lost}" if lost else ""),
        ),
    )
    return _next(walk, stage, walk.topo.tgw_views.get((gateway, chosen.attachment)))


def _next(walk: Walk, stage: TransitRoute, target: TgwAttachment | None) -> Stage | None:
    gateway, depth = stage.gateway, stage.depth
    if target is None:
        walk.block(
            component(ComponentKind.TRANSIT_GATEWAY_ATTACHMENT, gateway),
            Code.TGW_RTB_NO_ROUTE_TO_TGW_ATTACHMENT,
            "the route's attachment is gone",
        )
        return None
    if target.kind == "peering":
        peer_view = walk.topo.tgw_views.get((target.peer_gateway or "", target.id))
        comp = component(ComponentKind.TRANSIT_GATEWAY_ATTACHMENT, target.id, region=target.region)
        if peer_view is None or target.state != "available":
            walk.block(comp, Code.BAD_STATE_ATTACHMENT, f"peering attachment {target.id} is {target.state}")
            return None
        walk.hop(
            comp,
            Step(
                Action.FORWARDED, f"over peering attachment {target.id} to {target.peer_gateway} ({peer_view.region})"
            ),
            latency=region_latency_ms(walk.region, peer_view.region),
        )
        walk.region = peer_view.region
        return TransitRoute(target.peer_gateway or "", peer_view, depth + 1)  # zone affinity ends at the Region
    if target.kind == "vpn":  # out to a customer network: onprem.py
        return OverVpn(target.vpn_connection or "", gateway)
    return _into_vpc(walk, gateway, target, stage.zone)


def _into_vpc(walk: Walk, gateway: str, target: TgwAttachment, zone: str) -> Stage | None:
    """Out through the attachment's interface in the zone the module docstring says; its subnet's route table next."""
    vpc = walk.vpc(target.vpc_id or "")
    comp = component(ComponentKind.TRANSIT_GATEWAY_ATTACHMENT, target.id, region=vpc.region)
    zone = _zone_into(walk, target, zone)
    subnet_id = target.subnet_in(zone)
    if subnet_id is None:
        walk.block(comp, Code.BAD_STATE_ATTACHMENT, f"{target.id} has no subnet in {vpc.id}")
    subnet = walk.subnet(subnet_id or "")
    mode = "; appliance mode: the flow keeps this AZ both ways" if target.appliance_mode else ""
    walk.hop(
        comp,
        Step(
            Action.FORWARDED,
            f"out of {gateway} into {vpc.id} through {target.id}, its interface in {subnet.id} ({subnet.zone}){mode}",
        ),
        latency=walk.move_to(subnet.zone_id, vpc.region),
    )
    walk.arrived_via = gateway
    walk.tgw_zones.setdefault((target.id, walk.replying), subnet.zone_id)
    if not walk.replying:
        walk.entered.setdefault(vpc.id, gateway)
    walk.pending_egress = subnet
    return RouteFrom(subnet)


def _zone_into(walk: Walk, target: TgwAttachment, zone: str) -> str:
    """The zone of the attachment interface the packet goes out through (module docstring)."""
    if target.appliance_mode and walk.replying:
        used = walk.tgw_zones.get((target.id, False))
        if used is not None:
            return used
    if target.subnet_in(zone) is not None:
        return zone
    return target.subnets[0][0] if target.subnets else ""
