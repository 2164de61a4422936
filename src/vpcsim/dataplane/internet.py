"""From a host on the internet into a VPC (Reachability Analyzer's "internet gateway as the source" [RA how it works]).

A packet from the internet reaches a VPC only through an internet gateway attached to it: to a public IPv4 address
(an interface's auto-assigned public IP or Elastic IP), which the gateway translates to the interface's private
address, or to an IPv6 address of the VPC's Amazon-provided blocks, which it does not translate [VPCUG23
VPC_Internet_Gateway]. An egress-only internet gateway lets replies in, never a new connection: "prevents the internet
from initiating an IPv6 connection with your instances" [VPCUG23 egress-only-internet-gateway]. Inside the VPC the
packet meets the destination subnet's network ACL and the interface's security groups as any other, and the reply
must leave through the same gateway (a route to a NAT gateway instead would give it another source).

Past the gateway, the packet is routed by the gateway's route table when one is associated with it (an edge
association: ingress routing to a GWLB endpoint or an appliance [VPCUG23 gateway route tables]), else delivered by
the VPC's local route. Named choice: a VPC with both an internet and an egress-only gateway is entered through the
internet gateway. The
code for the egress-only refusal is NO_PATH (Reachability Analyzer has none of its own).
"""

from __future__ import annotations

from vpcsim.dataplane.checks import into_vpc_from
from vpcsim.dataplane.topology import Interface, Vpc
from vpcsim.dataplane.walk import INTERNET_MS, FromInternet, Stage, Walk, component
from vpcsim.model.arns import ec2_arn
from vpcsim.model.explanations import ExplanationCode as Code
from vpcsim.model.trace import Action, Component, ComponentKind, Step


def from_internet(walk: Walk, stage: FromInternet) -> Stage | None:
    """The internet carries the packet to the VPC that holds its destination; that VPC's gateway lets it in or not."""
    internet = component(ComponentKind.INTERNET, str(walk.source.address), name="the public internet")
    target = _destination_interface(walk)
    if target is None:
        walk.block(
            internet,
            Code.UNKNOWN_DESTINATION,
            f"{walk.destination} is no public address of an interface vpcsim knows (a public IPv4 or Elastic IP, or "
            "an IPv6 address of a VPC)",
            "ingress",
            Action.DROPPED,
        )
        return None
    vpc = walk.vpc(target.vpc_id)
    walk.move_to(target.zone_id, target.region)
    walk.hop(internet, Step(Action.FORWARDED, f"from {walk.source.address} across the internet to {vpc.id}"))
    gateway = stage.gateway or vpc.internet_gateway or vpc.egress_only_gateway
    if gateway is None:
        walk.block(internet, Code.NO_PATH, f"{vpc.id} has no internet gateway: nothing lets the internet in", "ingress")
        return None
    if gateway.startswith("eigw-"):
        _refuse_at_egress_only(walk, vpc, gateway)
    if gateway != vpc.internet_gateway:
        walk.block(internet, Code.NO_PATH, f"{gateway} is not an internet gateway attached to {vpc.id}", "ingress")
    return _through_internet_gateway(walk, vpc, gateway, target)


def _destination_interface(walk: Walk) -> Interface | None:
    topo, address = walk.topo, walk.destination
    if address.version == 4:
        eni = topo.public_at.get(address)
        return topo.interfaces[eni] if eni else None
    held = topo.interfaces_at.get(address)
    return topo.interfaces[held[0]] if held else None


def _gateway_component(vpc: Vpc, gateway: str) -> Component:
    if gateway.startswith("eigw-"):
        kind, noun = ComponentKind.EGRESS_ONLY_INTERNET_GATEWAY, "egress-only-internet-gateway"
    else:
        kind, noun = ComponentKind.INTERNET_GATEWAY, "internet-gateway"
    return component(
        kind, gateway, region=vpc.region, account=vpc.account, arn=ec2_arn(vpc.region, vpc.account, noun, gateway)
    )


def _refuse_at_egress_only(walk: Walk, vpc: Vpc, gateway: str) -> None:
    walk.block(
        _gateway_component(vpc, gateway),
        Code.NO_PATH,
        f"{gateway} is an egress-only internet gateway: it lets replies to connections started in {vpc.id} in, "
        f"never a connection started on the internet (to {walk.destination})",
        "ingress",
        Action.DROPPED,
    )


def _through_internet_gateway(walk: Walk, vpc: Vpc, gateway: str, target: Interface) -> Stage:
    comp = _gateway_component(vpc, gateway)
    if walk.destination.version == 4:
        private = target.address_of(4)
        out = walk.header.__class__(
            walk.header.source, str(private), walk.header.protocol, walk.header.destination_port
        )
        step = Step(Action.TRANSLATED, f"destination public {walk.destination} -> private {private} ({target.id})")
        walk.hop(comp, step, latency=INTERNET_MS, outbound=out)
    else:
        step = Step(Action.FORWARDED, f"IPv6 {walk.destination} into {vpc.id}, not translated")
        walk.hop(comp, step, latency=INTERNET_MS)
    walk.internet = True
    walk.arrived_via = gateway
    walk.entered.setdefault(vpc.id, gateway)  # the reply must leave through it (checks.route_from)
    return into_vpc_from(walk, vpc, gateway)
