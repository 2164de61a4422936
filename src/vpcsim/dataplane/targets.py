"""What each kind of route target does with a packet (aws-behaviour 1.2, 1.3, 1.4, 3, 9.4-9.7).

local: deliver inside the VPC. igw: needs a public address (IPv4: the interface's public or Elastic IP, translated;
IPv6: an address in Amazon's ranges, not translated), crosses the internet. eigw: IPv6 out to the internet, not
translated [VPCUG23 egress-only-internet-gateway]. nat: rewrites the source and routes again from its own subnet
(an IPv6 destination only in 64:ff9b::/96, NAT64, whose IPv4 address it extracts); it serves interfaces of its VPC
and traffic a transit gateway brings in (centralized egress [WP-MVPC "Centralized egress to internet"]), not
traffic that arrived over peering, a VPN or Direct Connect (``NGW_REQUIRES_SOURCE_IN_VPC`` [RA-EX]). gateway
endpoint: only from inside its VPC, to the service's in-region ranges, policies checked. pcx: only to the peer VPC's
CIDRs, never transitive. tgw: transit.py. GWLB endpoint and network interface targets: appliances.py. Interface
endpoints of AWS services carry TCP only (``PROTOCOL_RESTRICTION``: "This component only accepts traffic with
specific protocols" [RA-EX]; the services behind them answer HTTPS).

Every handler returns the walk's next stage (``RouteFrom`` the NAT gateway's subnet, ``DeliverInVpc`` the peer VPC,
``ViaTransitGateway`` ...) or None when the packet has arrived. Where the request arrives it names where its reply
starts (``Walk.reply_to``); the reply walks the same stages back (reply.py): routed, its ACLs checked, security groups
passed (stateful), and the translations undone where it meets the NAT gateway or load balancer that made them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from ipaddress import IPv4Address

from vpcsim.dataplane import dns
from vpcsim.dataplane.appliances import (
    gateway_load_balancer_endpoint,
    leave_subnet,
    network_interface,
)
from vpcsim.dataplane.checks import acl_check, security_group_ingress
from vpcsim.dataplane.endpoints import arrive_at_service, enter_interface_endpoint, gateway_endpoint
from vpcsim.dataplane.topology import Interface, Route, Subnet, Vpc
from vpcsim.dataplane.walk import (
    INTERNET_MS,
    NAT_MS,
    SERVICE_MS,
    DeliverInVpc,
    FollowRoute,
    ReplyFrom,
    ReplyInto,
    RouteFrom,
    Stage,
    ThroughLoadBalancer,
    Unwind,
    ViaTransitGateway,
    ViaVpnGateway,
    Walk,
    component,
    region_latency_ms,
)
from vpcsim.model.arns import ec2_arn
from vpcsim.model.explanations import ExplanationCode as Code
from vpcsim.model.trace import Action, Component, ComponentKind, Step

Handler = Callable[[Walk, Vpc, Subnet, Route], Stage | None]


def follow(walk: Walk, stage: FollowRoute) -> Stage | None:
    vpc, subnet, route = stage.vpc, stage.subnet, stage.route
    handler = _HANDLERS.get(route.target_kind)
    if handler is None:
        walk.block(
            component(ComponentKind.ROUTE_TABLE, subnet.route_table, region=vpc.region),
            Code.UNSUPPORTED_COMPONENT,
            f"vpcsim does not follow routes to {route.target_kind} targets yet ({route.target})",
        )
        return None
    if walk.pending_egress is not None:
        leave_subnet(walk, vpc, route)
    return handler(walk, vpc, subnet, route)


# -- inside the VPC --------------------------------------------------------------------------------------------------
def _local(walk: Walk, vpc: Vpc, subnet: Subnet, route: Route) -> Stage:
    return DeliverInVpc(vpc, subnet)


def deliver_in_vpc(walk: Walk, stage: DeliverInVpc) -> Stage | None:
    """The packet is in the VPC with a destination inside it: the destination's ACL, groups, then what it is."""
    vpc, from_subnet = stage.vpc, stage.from_subnet
    dest = _holder(walk, vpc)
    if dest is None:
        walk.block(
            component(ComponentKind.NETWORK_INTERFACE, str(walk.destination), region=vpc.region),
            Code.UNKNOWN_DESTINATION,
            f"no network interface in {vpc.id} has the address {walk.destination}",
            "ingress",
            Action.DROPPED,
        )
    assert dest is not None
    dest_subnet = walk.subnet(dest.subnet_id)
    latency = walk.move_to(dest.zone_id, dest.region)
    if from_subnet is None or dest_subnet.id != from_subnet.id:
        acl_check(walk, dest_subnet, egress=False, peer=walk.sender, port=walk.header.destination_port)
    if walk.replying:
        return _reply_arrives(walk, vpc, dest, latency)
    if dest.kind == "vpc_endpoint":
        return enter_interface_endpoint(walk, dest, latency)
    if dest.kind == "network_load_balancer" and dest.owner in walk.topo.load_balancers:
        return ThroughLoadBalancer(walk.topo.load_balancers[dest.owner], dest.zone_id)
    security_group_ingress(walk, dest, walk.sender)
    _arrive(walk, dest, latency)
    walk.reply_to(ReplyFrom(dest))
    return None


def _holder(walk: Walk, vpc: Vpc) -> Interface | None:
    """The interface in ``vpc`` holding the destination address (a reply's: the request's source, which may be a
    host vpcsim made up for an address no interface holds)."""
    eni_id = walk.topo.interface_by_address.get((vpc.id, walk.destination))
    if eni_id is not None:
        return walk.topo.interfaces[eni_id]
    source = walk.source
    return source if walk.replying and source.vpc_id == vpc.id and walk.destination in source.addresses else None


def _reply_arrives(walk: Walk, vpc: Vpc, dest: Interface, latency: float) -> Stage | None:
    """The reply reaches the NAT gateway or load balancer node that translated the request (which sends it on), or
    the request's source."""
    if dest.id != walk.source.id and (dest.owner in walk.nat_flows or dest.id in walk.nlb_flows):
        return Unwind(vpc, dest)
    _arrive(walk, dest, latency)
    return None


def _arrive(walk: Walk, dest: Interface, latency: float) -> None:
    kind = ComponentKind.INSTANCE if dest.owner.startswith("i-") else ComponentKind.NETWORK_INTERFACE
    rid = dest.owner if dest.owner.startswith("i-") else dest.id
    walk.hop(
        component(
            kind,
            rid,
            region=dest.region,
            zone=dest.zone,
            zone_id=dest.zone_id,
            account=dest.account,
            arn=ec2_arn(dest.region, dest.account, _noun(kind), rid),
        ),
        Step(Action.DELIVERED, f"delivered to {rid} ({walk.destination})"),
        latency=latency,
    )


def _noun(kind: ComponentKind) -> str:
    return "instance" if kind == ComponentKind.INSTANCE else "network-interface"


# -- internet and NAT gateways -----------------------------------------------------------------------------------------
def _internet_gateway(walk: Walk, vpc: Vpc, subnet: Subnet, route: Route) -> None:
    comp = component(
        ComponentKind.INTERNET_GATEWAY,
        route.target,
        region=vpc.region,
        account=vpc.account,
        arn=ec2_arn(vpc.region, vpc.account, "internet-gateway", route.target),
    )
    if walk.destination.version == 6:
        _out_unchanged(walk, vpc, comp, "internet gateway")
        return
    public = _public_source(walk, vpc)
    if public is None:
        walk.block(
            comp,
            Code.IGW_EXPECTS_PUBLIC_ADDRESS,
            f"{walk.header.source} has no public IPv4 address: the internet "
            "gateway drops it (give the instance a public IP or an Elastic IP, or route through a NAT gateway)",
            "egress",
            Action.DROPPED,
        )
    private = walk.header.source
    out = walk.translate(public or "")
    walk.hop(
        comp,
        Step(Action.TRANSLATED, f"source {walk.header.source} -> public {public}; onto the internet"),
        outbound=out,
    )
    if walk.replying:
        _reply_reaches_the_internet(walk)
        return
    walk.internet = True
    _to_public_address(walk, public or "")
    walk.reply_to(ReplyInto(vpc, walk.hops[-1].component, comp, private))


def _egress_only_gateway(walk: Walk, vpc: Vpc, subnet: Subnet, route: Route) -> None:
    comp = component(
        ComponentKind.EGRESS_ONLY_INTERNET_GATEWAY,
        route.target,
        region=vpc.region,
        account=vpc.account,
        arn=ec2_arn(vpc.region, vpc.account, "egress-only-internet-gateway", route.target),
    )
    if walk.destination.version != 6:
        walk.block(comp, Code.NO_PATH, f"{route.target} carries IPv6 only; {walk.destination} is IPv4", "egress")
    _out_unchanged(walk, vpc, comp, "egress-only internet gateway")


def _out_unchanged(walk: Walk, vpc: Vpc, comp: Component, noun: str) -> None:
    """IPv6 leaves through an internet or egress-only gateway as it is: its source must be a public (Amazon) IPv6
    address, which every address of an Amazon-provided VPC block is [VPCUG23 vpc-ip-addressing]."""
    source = walk.sender
    if walk.topo.amazon_ipv6_index.first(source) is None:
        walk.block(
            comp,
            Code.IGW_EXPECTS_PUBLIC_ADDRESS,
            f"{source} is not a public IPv6 address (not in Amazon's IPv6 ranges): the {noun} drops it",
            "egress",
            Action.DROPPED,
        )
    walk.hop(
        comp,
        Step(Action.FORWARDED, f"IPv6 from {source} onto the internet through the {noun}, not translated"),
    )
    if walk.replying:
        _reply_reaches_the_internet(walk)
        return
    walk.internet = True
    _to_public_address(walk, str(source))
    walk.reply_to(ReplyInto(vpc, walk.hops[-1].component, comp))


def _reply_reaches_the_internet(walk: Walk) -> None:
    walk.hop(
        component(ComponentKind.INTERNET, str(walk.destination), name="the public internet"),
        Step(Action.DELIVERED, f"delivered to {walk.destination} on the internet"),
    )


def _public_source(walk: Walk, vpc: Vpc) -> str | None:
    """The public IPv4 address an internet gateway gives the packet: its NAT gateway's Elastic IP, or the public
    address of the interface in the gateway's own VPC that sends it (traffic from elsewhere has none)."""
    if walk.from_nat is not None:
        nat = walk.topo.nat_gateways[walk.from_nat]
        return nat.public_ip if nat.connectivity == "public" else None
    address = walk.sender
    eni_id = walk.topo.interface_by_address.get((vpc.id, address))
    eni = walk.topo.interfaces[eni_id] if eni_id is not None else None
    return eni.public_ip if eni is not None and eni.address == address else None


def _to_public_address(walk: Walk, public_ip: str) -> None:
    owner = dns.service_of_address(walk.topo, walk.destination)
    if owner is None:
        walk.hop(
            component(ComponentKind.INTERNET, str(walk.destination), name="the public internet"),
            Step(Action.DELIVERED, f"delivered to {walk.destination} on the internet"),
            latency=INTERNET_MS,
        )
        return
    region, kind = owner
    service = {"S3": "s3", "DYNAMODB": "dynamodb", "EC2": "ec2"}.get(kind, "aws")
    # A public AWS service endpoint is reached over AWS's network, not the internet [Amazon VPC FAQ, "Does traffic go
    # over the internet when ... instances communicate with a public AWS service endpoint?": no].
    latency = SERVICE_MS + region_latency_ms(walk.region, region)
    arrive_at_service(walk, service, region, None, latency, public_ip=public_ip)


def _nat_gateway(walk: Walk, vpc: Vpc, subnet: Subnet, route: Route) -> Stage:
    nat = walk.topo.nat_gateways[route.target]
    nat_subnet = walk.subnet(nat.subnet_id)
    comp = component(
        ComponentKind.NAT_GATEWAY,
        nat.id,
        region=vpc.region,
        zone=nat_subnet.zone,
        zone_id=nat_subnet.zone_id,
        account=vpc.account,
        arn=ec2_arn(vpc.region, vpc.account, "natgateway", nat.id),
    )
    if nat.state != "available":
        walk.block(comp, Code.BAD_STATE, f"{nat.id} is {nat.state}: it forwards nothing until it is available")
    _nat_serves(walk, nat.id, comp)
    destination = _nat64_destination(walk, comp)
    if nat_subnet.id != subnet.id:
        acl_check(walk, nat_subnet, egress=False, peer=walk.sender, port=walk.header.destination_port)
    walk.nat_flows[nat.id] = (walk.header.source, walk.header.destination)
    latency = walk.move_to(nat_subnet.zone_id, vpc.region) + NAT_MS
    out = replace(walk.translate(str(nat.private_ip)), destination=str(destination))
    what = f"source {walk.header.source} -> {nat.private_ip} ({nat.connectivity} NAT)"
    if destination != walk.destination:
        what += f"; NAT64: destination {walk.destination} -> {destination}"
    walk.hop(comp, Step(Action.TRANSLATED, what), latency=latency, outbound=out)
    walk.from_nat = nat.id
    acl_check(walk, nat_subnet, egress=True, peer=walk.destination, port=walk.header.destination_port)
    return RouteFrom(nat_subnet)


def _nat_serves(walk: Walk, nat_id: str, comp: Component) -> None:
    """A NAT gateway translates what interfaces of its VPC send and what a transit gateway brings in from other VPCs
    (the centralized egress AWS documents [WP-MVPC "Centralized egress to internet"; VPCUG23 vpc-nat-gateway]); not
    what came over a peering connection, a VPN or Direct Connect [RA-EX NGW_REQUIRES_SOURCE_IN_VPC]. Named choice:
    traffic from on premises over a transit gateway's VPN attachment counts as from a VPN connection."""
    if walk.replying:  # a reply routed into a NAT gateway would leave with another source: the client drops it
        walk.block(comp, Code.NO_PATH, f"the reply would be translated again by {nat_id}", "egress")
    came = walk.arrived_via
    if walk.onprem is not None:
        came = walk.onprem.id
    elif came is not None and came.startswith("tgw-"):
        return
    if came is not None:
        walk.block(comp, Code.NGW_REQUIRES_SOURCE_IN_VPC, f"traffic that arrived over {came} cannot use {nat_id}")


def _nat64_destination(walk: Walk, comp: Component) -> IPv4Address:
    """The IPv4 destination a NAT gateway sends to: the packet's own, or the one a 64:ff9b::/96 address embeds
    [VPCUG23 nat-gateway-nat64-dns64]; any other IPv6 destination it cannot translate."""
    destination = walk.destination
    if destination.version == 4:
        return IPv4Address(int(destination))
    if destination not in dns.NAT64_PREFIX:
        walk.block(
            comp,
            Code.NO_PATH,
            f"a NAT gateway translates IPv6 only to 64:ff9b::/96 (NAT64); {destination} is not there",
            "egress",
            Action.DROPPED,
        )
    return IPv4Address(int(destination) & 0xFFFFFFFF)


# -- between VPCs ------------------------------------------------------------------------------------------------------
def _peering(walk: Walk, vpc: Vpc, subnet: Subnet, route: Route) -> Stage:
    peering = walk.topo.peerings[route.target]
    comp = component(
        ComponentKind.VPC_PEERING_CONNECTION,
        peering.id,
        region=vpc.region,
        account=vpc.account,
        arn=ec2_arn(vpc.region, vpc.account, "vpc-peering-connection", peering.id),
    )
    other = peering.other(vpc.id)
    if peering.status != "active" or other is None or other.vpc_id not in walk.topo.vpcs:
        walk.block(comp, Code.BAD_STATE, f"{peering.id} is {peering.status}", "egress")
    peer_vpc = walk.vpc(other.vpc_id if other else "")
    if walk.arrived_via is not None:
        walk.block(
            comp,
            Code.NO_PATH,
            f"no transitive routing: traffic that arrived over {walk.arrived_via} cannot continue over {peering.id}",
        )
    if not peer_vpc.contains(walk.destination):
        walk.block(
            comp,
            Code.PCX_REQUIRES_ADDRESS_IN_VPC_CIDR,
            f"{walk.destination} is not in {peer_vpc.id}'s CIDRs: a "
            "peering connection carries traffic only to the peer VPC itself (no edge-to-edge routing)",
        )
    latency = region_latency_ms(vpc.region, peer_vpc.region)
    walk.hop(comp, Step(Action.FORWARDED, f"over {peering.id} to {peer_vpc.id} ({peer_vpc.region})"), latency=latency)
    walk.region, walk.arrived_via = peer_vpc.region, peering.id
    if not walk.replying:
        walk.entered.setdefault(peer_vpc.id, peering.id)
    return DeliverInVpc(peer_vpc, None)


def _transit_gateway(walk: Walk, vpc: Vpc, subnet: Subnet, route: Route) -> Stage:
    return ViaTransitGateway(vpc, subnet, route.target)


def _vpn_gateway(walk: Walk, vpc: Vpc, subnet: Subnet, route: Route) -> Stage:
    return ViaVpnGateway(vpc, route.target)  # towards a customer network: onprem.py


_HANDLERS: dict[str, Handler] = {
    "local": _local,
    "igw": _internet_gateway,
    "eigw": _egress_only_gateway,
    "nat": _nat_gateway,
    "vpce-gateway": gateway_endpoint,
    "vpce-gwlb": gateway_load_balancer_endpoint,
    "pcx": _peering,
    "tgw": _transit_gateway,
    "eni": network_interface,
    "vgw": _vpn_gateway,
}
