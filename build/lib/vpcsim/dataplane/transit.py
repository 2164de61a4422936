"""Through a transit gateway [TGW; aws-behaviour 9.7]: the source VPC's attachment must have a subnet in the source's
AZ and be associated with a route table; the most specific route wins (static over propagated); a VPC attachment
delivers into its VPC (whose route back must point at the transit gateway); a peering attachment hands the packet to
the peer gateway, which routes it again with the route table its side of the attachment is associated with."""

from __future__ import annotations

from ipaddress import IPv4Address

from vpcsim.dataplane import routing
from vpcsim.dataplane.checks import check_return_route
from vpcsim.dataplane.topology import TgwAttachment
from vpcsim.dataplane.walk import (
    PROCESSING_MS,
    DeliverInVpc,
    Stage,
    TransitRoute,
    ViaTransitGateway,
    Walk,
    component,
    region_latency_ms,
)
from vpcsim.model.explanations import ExplanationCode as Code
from vpcsim.model.trace import Action, ComponentKind, Step


def via_transit_gateway(walk: Walk, stage: ViaTransitGateway) -> Stage | None:
    vpc, subnet, gateway = stage.vpc, stage.subnet, stage.gateway
    comp = component(
        ComponentKind.TRANSIT_GATEWAY,
        gateway,
        region=vpc.region,
        account=vpc.account,
        arn=f"arn:aws:ec2:{vpc.region}:{vpc.account}:transit-gateway/{gateway}",
    )
    attachment = walk.topo.tgw_vpc_attachments.get((gateway, vpc.id))
    if attachment is None:
        walk.block(comp, Code.BAD_STATE_ATTACHMENT, f"{vpc.id} has no available attachment to {gateway}")
        return None
    if subnet.zone not in attachment.zones:
        walk.block(
            comp,
            Code.TGW_ATTACH_VPC_AZ_RESTRICTION,
            f"{attachment.id} has no subnet in {subnet.zone}, where the "
            "traffic starts: it cannot reach the transit gateway",
        )
    walk.hop(comp, Step(Action.FORWARDED, f"into {gateway} through attachment {attachment.id}"), latency=PROCESSING_MS)
    return TransitRoute(gateway, attachment, 0)


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
    return _next(walk, gateway, walk.topo.tgw_views.get((gateway, chosen.attachment)), depth)


def _next(walk: Walk, gateway: str, target: TgwAttachment | None, depth: int) -> Stage | None:
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
        return TransitRoute(target.peer_gateway or "", peer_view, depth + 1)
    vpc = walk.vpc(target.vpc_id or "")
    comp = component(ComponentKind.TRANSIT_GATEWAY_ATTACHMENT, target.id, region=vpc.region)
    if not vpc.contains(IPv4Address(walk.header.destination)):
        walk.block(comp, Code.NO_PATH, f"{walk.destination} is not in {vpc.id}, the VPC of {target.id}")
    walk.hop(comp, Step(Action.FORWARDED, f"out of {gateway} into {vpc.id} through {target.id}"))
    walk.arrived_via = gateway
    check_return_route(walk, vpc, gateway)
    return DeliverInVpc(vpc, None)
