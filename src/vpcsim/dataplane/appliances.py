"""Middleboxes on a route: Gateway Load Balancer endpoints and network interfaces of appliances, and the subnet a
transit gateway's interface sends a packet on from.

A GWLB endpoint is an interface in one subnet: the packet enters that subnet (its network ACL inbound), goes to the
appliances behind the endpoint service over GENEVE and comes back through the endpoint, which sends it on with its
subnet's route table [PLG GWLB; aws-behaviour 1.4; Reachability Analyzer leaves the load balancer and the appliances
out of the path, RA "considerations"]. An appliance's network interface as a route target takes a packet that is not
addressed to it, so its source/destination check must be off (``ENI_SOURCE_DEST_CHECK_RESTRICTION``); its security
groups see the packet's real source (inbound) and destination (outbound), its subnet's ACL applies both ways, and it
sends the packet on from its subnet's route table [VPCUG23 VPC_Route_Tables "middlebox"; EC2UG eni source/dest check].
Security groups are stateful, so the reply meets only the ACLs.

A packet sent on from a middlebox's or a transit gateway's interface leaves that subnet only when the next hop is in
another one: ``leave_subnet`` checks the subnet's outbound ACL then (for a transit gateway's subnet: "Outbound rules
use the destination IP address to evaluate traffic from the transit gateway to the instances" [TGW tgw-nacls]).
Each middlebox passed is recorded (``Walk.middleboxes``) so that the trace can say when the reply does not pass the
appliances the request passed (reply.py).
"""

from __future__ import annotations

from vpcsim.dataplane.checks import acl_check, security_group_rule
from vpcsim.dataplane.topology import Endpoint, Route, Subnet, Vpc
from vpcsim.dataplane.walk import PRIVATELINK_MS, RouteFrom, Stage, Walk, component, interface_component
from vpcsim.model.explanations import ExplanationCode as Code
from vpcsim.model.trace import Action, Component, ComponentKind, Step


def endpoint_component(endpoint: Endpoint) -> Component:
    return component(
        ComponentKind.VPC_ENDPOINT,
        endpoint.id,
        name=endpoint.kind,
        region=endpoint.region,
        account=endpoint.account,
        arn=endpoint.arn,
    )


def gateway_load_balancer_endpoint(walk: Walk, vpc: Vpc, subnet: Subnet, route: Route) -> Stage:
    endpoint = walk.topo.endpoints[route.target]
    comp = endpoint_component(endpoint)
    if endpoint.state != "available" or not endpoint.interfaces:
        walk.block(comp, Code.BAD_STATE, f"{endpoint.id} is {endpoint.state}")
    eni = walk.topo.interfaces[endpoint.interfaces[0]]
    where = walk.subnet(eni.subnet_id)
    if where.id != subnet.id:
        acl_check(walk, where, egress=False, peer=walk.sender, port=walk.header.destination_port)
    walk.hop(
        comp,
        Step(
            Action.FORWARDED,
            f"to the appliances behind {endpoint.service_name} (GENEVE, port 6081) and back through {endpoint.id} "
            f"in {eni.zone}",
        ),
        latency=walk.move_to(eni.zone_id, eni.region) + PRIVATELINK_MS,
    )
    walk.middleboxes.append((endpoint.id, eni.zone, walk.replying))
    walk.pending_egress = where
    return RouteFrom(where)


def network_interface(walk: Walk, vpc: Vpc, subnet: Subnet, route: Route) -> Stage:
    eni = walk.topo.interfaces.get(route.target)
    if eni is None:
        walk.block(
            component(ComponentKind.NETWORK_INTERFACE, route.target, region=vpc.region),
            Code.BAD_STATE_ROUTE,
            f"{route.target} is gone",
        )
    assert eni is not None
    if eni.source_dest_check:
        walk.block(
            interface_component(eni),
            Code.ENI_SOURCE_DEST_CHECK_RESTRICTION,
            f"{eni.id} has source/destination check on: it drops traffic not addressed to it",
        )
    where = walk.subnet(eni.subnet_id)
    if where.id != subnet.id:
        acl_check(walk, where, egress=False, peer=walk.sender, port=walk.header.destination_port)
    forwarded = Step(Action.FORWARDED, f"to the appliance at {eni.id} ({eni.address}), which sends it on")
    steps = [forwarded]
    if not walk.replying:  # stateful: the reply of a flow the groups allowed passes them
        inbound = security_group_rule(walk, eni, walk.sender, egress=False)
        steps = [inbound, forwarded, security_group_rule(walk, eni, walk.destination, egress=True)]
    walk.hop(interface_component(eni), *steps, latency=walk.move_to(eni.zone_id, eni.region))
    walk.middleboxes.append((eni.id, eni.zone, walk.replying))
    walk.pending_egress = where
    return RouteFrom(where)


def leave_subnet(walk: Walk, vpc: Vpc, route: Route) -> None:
    """The packet leaves the subnet it was sent on from (``Walk.pending_egress``) for the target of ``route``: its
    outbound ACL applies unless the target is in the same subnet."""
    pending, walk.pending_egress = walk.pending_egress, None
    if pending is not None and _subnet_of_target(walk, vpc, route) != pending.id:
        acl_check(walk, pending, egress=True, peer=walk.destination, port=walk.header.destination_port)


def _subnet_of_target(walk: Walk, vpc: Vpc, route: Route) -> str | None:
    """The subnet of a route's target inside the VPC (None: a gateway, outside every subnet)."""
    topo, kind = walk.topo, route.target_kind
    if kind == "local":
        eni = topo.interface_by_address.get((vpc.id, walk.destination))
        if eni is not None:
            return topo.interfaces[eni].subnet_id
        return walk.source.subnet_id if walk.destination in walk.source.addresses else None
    if kind == "nat":
        nat = topo.nat_gateways.get(route.target)
        return nat.subnet_id if nat else None
    if kind == "eni":
        found = topo.interfaces.get(route.target)
        return found.subnet_id if found else None
    endpoint = topo.endpoints.get(route.target) if kind.startswith("vpce") else None
    if endpoint is not None and endpoint.kind == "GatewayLoadBalancer" and endpoint.interfaces:
        found = topo.interfaces.get(endpoint.interfaces[0])
        return found.subnet_id if found else None
    return None
