"""What each kind of route target does with a packet (aws-behaviour 1.2, 1.3, 1.4, 3, 9.4-9.7).

local: deliver inside the VPC. igw: needs a public address (IPv4: the interface's public or Elastic IP, translated;
IPv6: an address in Amazon's ranges, not translated), crosses the internet. eigw: IPv6 out to the internet, not
translated [VPCUG23 egress-only-internet-gateway]. nat: rewrites the source and routes again from its own subnet
(an IPv6 destination only in 64:ff9b::/96, NAT64, whose IPv4 address it extracts); not for traffic that arrived over
peering or a transit gateway. gateway endpoint: only from
inside its VPC, to the service's in-region ranges, policies checked. pcx: only to the peer VPC's CIDRs, never
transitive, and the reply needs a route back. tgw: needs an attachment subnet in the source's AZ, an associated route
table and a route there. GWLB endpoint and network interface targets pass the packet to an appliance, which sends it on
from its own subnet.

Every handler returns the walk's next stage (``RouteFrom`` the NAT gateway's subnet, ``DeliverInVpc`` the peer VPC,
``ViaTransitGateway`` ...) or None when the packet has arrived.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from ipaddress import IPv4Address

from vpcsim.dataplane import dns
from vpcsim.dataplane.checks import acl_check, check_return_route, reply_acls, security_group_ingress
from vpcsim.dataplane.topology import Endpoint, Interface, Route, Subnet, Vpc
from vpcsim.dataplane.walk import (
    INTERNET_MS,
    PROCESSING_MS,
    SERVICE_MS,
    DeliverInVpc,
    FollowRoute,
    PolicyQuestion,
    RouteFrom,
    Stage,
    ToEndpointService,
    ViaTransitGateway,
    ViaVpnGateway,
    Walk,
    component,
    interface_component,
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
    return handler(walk, vpc, subnet, route)


# -- inside the VPC --------------------------------------------------------------------------------------------------
def _local(walk: Walk, vpc: Vpc, subnet: Subnet, route: Route) -> Stage:
    return DeliverInVpc(vpc, subnet)


def deliver_in_vpc(walk: Walk, stage: DeliverInVpc) -> Stage | None:
    """The packet is in the VPC with a destination inside it: the destination's ACL, groups, then what it is."""
    vpc, from_subnet = stage.vpc, stage.from_subnet
    eni_id = walk.topo.interface_by_address.get((vpc.id, walk.destination))
    if eni_id is None:
        walk.block(
            component(ComponentKind.NETWORK_INTERFACE, str(walk.destination), region=vpc.region),
            Code.UNKNOWN_DESTINATION,
            f"no network interface in {vpc.id} has the address {walk.destination}",
            "ingress",
            Action.DROPPED,
        )
    dest = walk.topo.interfaces[eni_id or ""]
    dest_subnet = walk.subnet(dest.subnet_id)
    latency = walk.move_to(dest.zone_id, dest.region)
    if from_subnet is None or dest_subnet.id != from_subnet.id:
        acl_check(walk, dest_subnet, egress=False, peer=walk.sender, port=walk.header.destination_port)
    if dest.kind == "vpc_endpoint":
        return enter_interface_endpoint(walk, dest, latency)
    security_group_ingress(walk, dest, walk.sender)
    reply_acls(walk, dest_subnet)
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
        _out_unchanged(walk, comp, "internet gateway")
        return
    public = _public_source(walk)
    if public is None:
        walk.block(
            comp,
            Code.IGW_EXPECTS_PUBLIC_ADDRESS,
            f"{walk.header.source} has no public IPv4 address: the internet "
            "gateway drops it (give the instance a public IP or an Elastic IP, or route through a NAT gateway)",
            "egress",
            Action.DROPPED,
        )
    out = walk.translate(public or "")
    walk.hop(
        comp,
        Step(Action.TRANSLATED, f"source {walk.header.source} -> public {public}; onto the internet"),
        latency=PROCESSING_MS,
        outbound=out,
    )
    walk.internet = True
    _to_public_address(walk, public or "")


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
    _out_unchanged(walk, comp, "egress-only internet gateway")


def _out_unchanged(walk: Walk, comp: Component, noun: str) -> None:
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
        latency=PROCESSING_MS,
    )
    walk.internet = True
    _to_public_address(walk, str(source))


def _public_source(walk: Walk) -> str | None:
    if walk.from_nat is not None:
        nat = walk.topo.nat_gateways[walk.from_nat]
        return nat.public_ip if nat.connectivity == "public" else None
    address = walk.sender
    eni_id = walk.topo.interface_by_address.get((walk.source.vpc_id, address))
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
    latency = INTERNET_MS + region_latency_ms(walk.region, region)
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
    if walk.arrived_via is not None:
        walk.block(
            comp, Code.NGW_REQUIRES_SOURCE_IN_VPC, f"traffic that arrived over {walk.arrived_via} cannot use {nat.id}"
        )
    destination = _nat64_destination(walk, comp)
    if nat_subnet.id != subnet.id:
        acl_check(walk, nat_subnet, egress=False, peer=walk.sender, port=walk.header.destination_port)
    latency = walk.move_to(nat_subnet.zone_id, vpc.region) + PROCESSING_MS
    out = replace(walk.translate(str(nat.private_ip)), destination=str(destination))
    what = f"source {walk.header.source} -> {nat.private_ip} ({nat.connectivity} NAT)"
    if destination != walk.destination:
        what += f"; NAT64: destination {walk.destination} -> {destination}"
    walk.hop(comp, Step(Action.TRANSLATED, what), latency=latency, outbound=out)
    walk.from_nat = nat.id
    acl_check(walk, nat_subnet, egress=True, peer=walk.destination, port=walk.header.destination_port)
    return RouteFrom(nat_subnet)


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


# -- VPC endpoints -----------------------------------------------------------------------------------------------------
def _gateway_endpoint(walk: Walk, vpc: Vpc, subnet: Subnet, route: Route) -> Stage | None:
    endpoint = walk.topo.endpoints[route.target]
    if endpoint.kind == "GatewayLoadBalancer":  # AWS shows GWLB endpoint routes with GatewayId vpce-... too
        return _gateway_load_balancer_endpoint(walk, vpc, subnet, route)
    comp = endpoint_component(endpoint)
    if walk.arrived_via is not None:
        walk.block(
            comp,
            Code.VPCE_GATEWAY_EGRESS_SOURCE_ADDRESS_RESTRICTION,
            f"gateway endpoints serve only their own VPC; this traffic arrived over {walk.arrived_via} "
            "(no edge-to-edge routing)",
        )
    if walk.header.protocol != "tcp":
        walk.block(comp, Code.VPCE_GATEWAY_PROTOCOL_RESTRICTION, "gateway endpoints carry TCP only")
    walk.endpoint = endpoint.id
    walk.hop(
        comp,
        Step(
            Action.FORWARDED,
            f"gateway endpoint {endpoint.id} to {endpoint.service_name} "
            f"(prefix list {endpoint.prefix_list}), privately",
        ),
        latency=PROCESSING_MS,
    )
    service = endpoint.service_name.rsplit(".", 1)[-1]
    arrive_at_service(walk, service, endpoint.region, endpoint, SERVICE_MS)
    return None


def endpoint_component(endpoint: Endpoint) -> Component:
    return component(
        ComponentKind.VPC_ENDPOINT,
        endpoint.id,
        name=endpoint.kind,
        region=endpoint.region,
        account=endpoint.account,
        arn=endpoint.arn,
    )


def enter_interface_endpoint(walk: Walk, eni: Interface, latency: float) -> Stage | None:
    endpoint = walk.topo.endpoints[eni.owner]
    security_group_ingress(walk, eni, walk.sender)
    reply_acls(walk, walk.subnet(eni.subnet_id))
    comp = endpoint_component(endpoint)
    if endpoint.state != "available":
        walk.block(comp, Code.BAD_STATE, f"{endpoint.id} is {endpoint.state}: it carries no traffic")
    walk.endpoint = endpoint.id
    walk.hop(
        comp,
        Step(
            Action.FORWARDED, f"interface endpoint {endpoint.id} ({eni.id}, {eni.address}) to {endpoint.service_name}"
        ),
        latency=latency + PROCESSING_MS,
    )
    if endpoint.service_id:
        return ToEndpointService(endpoint, eni)
    service = _service_of(endpoint.service_name)
    arrive_at_service(
        walk,
        service,
        endpoint.service_region,
        endpoint,
        SERVICE_MS + region_latency_ms(endpoint.region, endpoint.service_region),
        private_ip=walk.source,
    )
    return None


def _service_of(service_name: str) -> str:
    """``com.amazonaws.eu-west-2.s3`` -> ``s3``; ``com.amazonaws.eu-west-2.ecr.dkr`` -> ``ecr.dkr``."""
    parts = service_name.split(".")
    return ".".join(parts[3:]) if len(parts) > 3 else parts[-1]


def arrive_at_service(
    walk: Walk,
    service: str,
    region: str,
    endpoint: Endpoint | None,
    latency: float,
    *,
    public_ip: str | None = None,
    private_ip: Interface | None = None,
) -> None:
    comp = component(
        ComponentKind.AWS_SERVICE, f"{service}.{region}", name=f"Amazon {service.upper()} in {region}", region=region
    )
    if service == "s3" and _redirects(walk, comp, region, latency):
        return
    question = PolicyQuestion(
        service,
        region,
        endpoint.id if endpoint else None,
        endpoint.policy if endpoint else None,
        endpoint.vpc_id if endpoint else None,
        walk.header.source if endpoint else None,
        public_ip,
        walk.source.account,
        walk.bucket,
        walk.access_point,
    )
    answer = walk.judge(question) if walk.judge is not None else None
    if answer is not None and not answer.allowed:
        walk.block(comp, answer.code, answer.detail, "ingress", rule=dict(answer.statement))
    steps = [Step(Action.ALLOWED, answer.detail, dict(answer.statement))] if answer is not None else []
    walk.move_to("", region)
    walk.hop(comp, *steps, Step(Action.DELIVERED, f"delivered to {service} in {region}"), latency=latency)


def _redirects(walk: Walk, comp: Component, region: str, latency: float) -> bool:
    """S3 answers a request for a bucket of another Region with an error naming the bucket's Region: 301
    PermanentRedirect, or 400 IllegalLocationConstraintException for a bucket in a Region launched after 2019-03-20
    [S3UG UsingRouting]; AWS SDKs and the CLI send the request again to that Region [botocore S3RegionRedirectorv2].
    The walk records the Region (trace.py follows the SDK); no policy is judged on the way (named choice)."""
    holder = walk.topo.resources.get(walk.bucket or "")
    if holder is None or holder.service != "s3" or holder.region == region:
        return False
    late = holder.region in walk.topo.opt_in_regions
    status = "400 IllegalLocationConstraintException" if late else "301 PermanentRedirect"
    walk.redirect = holder.region
    walk.move_to("", region)
    detail = f"S3 in {region} answers HTTP {status}: bucket {holder.name} is in {holder.region}"
    walk.hop(comp, Step(Action.FORWARDED, detail), latency=latency)
    return True


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
    check_return_route(walk, peer_vpc, peering.id)
    return DeliverInVpc(peer_vpc, None)


def _gateway_load_balancer_endpoint(walk: Walk, vpc: Vpc, subnet: Subnet, route: Route) -> Stage:
    endpoint = walk.topo.endpoints[route.target]
    comp = endpoint_component(endpoint)
    if endpoint.state != "available" or not endpoint.interfaces:
        walk.block(comp, Code.BAD_STATE, f"{endpoint.id} is {endpoint.state}")
    eni = walk.topo.interfaces[endpoint.interfaces[0]]
    walk.hop(
        comp,
        Step(
            Action.FORWARDED,
            f"to the appliances behind {endpoint.service_name} (GENEVE, port 6081) and back through {endpoint.id}",
        ),
        latency=walk.move_to(eni.zone_id, eni.region) + 2 * PROCESSING_MS,
    )
    return RouteFrom(walk.subnet(eni.subnet_id))


def _network_interface(walk: Walk, vpc: Vpc, subnet: Subnet, route: Route) -> Stage:
    eni = walk.topo.interfaces.get(route.target)
    comp = component(ComponentKind.NETWORK_INTERFACE, route.target, region=vpc.region)
    if eni is None:
        walk.block(comp, Code.BAD_STATE_ROUTE, f"{route.target} is gone")
    assert eni is not None
    if eni.source_dest_check:
        walk.block(
            interface_component(eni),
            Code.ENI_SOURCE_DEST_CHECK_RESTRICTION,
            f"{eni.id} has source/destination check on: it drops traffic not addressed to it",
        )
    walk.hop(
        interface_component(eni),
        Step(Action.FORWARDED, f"to the appliance at {eni.id} ({eni.address})"),
        latency=walk.move_to(eni.zone_id, eni.region),
    )
    return RouteFrom(walk.subnet(eni.subnet_id))


def _transit_gateway(walk: Walk, vpc: Vpc, subnet: Subnet, route: Route) -> Stage:
    return ViaTransitGateway(vpc, subnet, route.target)


def _vpn_gateway(walk: Walk, vpc: Vpc, subnet: Subnet, route: Route) -> Stage:
    return ViaVpnGateway(vpc, route.target)  # towards a customer network: onprem.py


_HANDLERS: dict[str, Handler] = {
    "local": _local,
    "igw": _internet_gateway,
    "eigw": _egress_only_gateway,
    "nat": _nat_gateway,
    "vpce-gateway": _gateway_endpoint,
    "vpce-gwlb": _gateway_load_balancer_endpoint,
    "pcx": _peering,
    "tgw": _transit_gateway,
    "eni": _network_interface,
    "vgw": _vpn_gateway,
}
