"""From a consumer's interface endpoint to a provider's service: endpoint service, NLB node, listener, healthy target;
and a Network Load Balancer reached at its own address.

[PLG; aws-behaviour 3.6-3.8] The endpoint's interface reaches the NLB node in its own AZ (or any node when the
endpoint is in another region); the provider sees the NLB's private address as the source ("The source IP address
of the AWS PrivateLink traffic is always the private IP address of the Network Load Balancer" [ELB-NLB
target-group attributes, client IP preservation]); the listener on the request's port and protocol forwards to its
target group, and a healthy target in the same AZ answers, or in any AZ when cross-zone load balancing is on. "Its
own AZ" is the physical zone: consumer and provider name zones each in their own way (the consumer's us-east-1a may
be the provider's us-east-1c), so zones are matched by zone id and shown by the name their owner gives them.

Security groups [ELB-NLB load-balancer-security-groups]: an NLB without groups lets every client reach its
listeners. With groups, their inbound rules apply to clients that reach the NLB's address, and to PrivateLink traffic
while EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic is on (the default), where "the source of the traffic is
the client's private IP address, not the endpoint interface"; their outbound rules apply to the traffic to the
target, and a target's rule that references the NLB's group matches traffic from the NLB (even with client IP
preserved). Blocked traffic is not charged ("You are not charged for traffic that is blocked by inbound security
group rules"). A client that reaches the NLB's address keeps its address at an instance target when the target
group preserves client IPs (preserve_client_ip.enabled), else the target sees the node's address.
"""

from __future__ import annotations

from dataclasses import replace

from vpcsim.dataplane.checks import security_group_rule
from vpcsim.dataplane.topology import Interface, Listener, LoadBalancer, Target
from vpcsim.dataplane.walk import (
    DeliverInVpc,
    Stage,
    ThroughLoadBalancer,
    ToEndpointService,
    Walk,
    component,
)
from vpcsim.model.arns import ec2_arn
from vpcsim.model.explanations import ExplanationCode as Code
from vpcsim.model.trace import Action, ComponentKind, Header, Step


def to_endpoint_service(walk: Walk, stage: ToEndpointService) -> Stage | None:
    """The endpoint service, then the load balancer node, listener and a healthy target: delivered in the VPC."""
    endpoint, eni = stage.endpoint, stage.interface
    service = walk.topo.endpoint_services.get(endpoint.service_id or "")
    if service is None:
        walk.block(
            component(ComponentKind.ENDPOINT_SERVICE, endpoint.service_id or "?"),
            Code.BAD_STATE,
            f"the endpoint service of {endpoint.id} no longer exists",
        )
        return None
    comp = component(
        ComponentKind.ENDPOINT_SERVICE,
        service.id,
        name=service.name,
        region=service.region,
        account=service.account,
        arn=ec2_arn(service.region, service.account, "vpc-endpoint-service", service.id),
    )
    walk.hop(comp, Step(Action.FORWARDED, f"to {service.name} of account {service.account}"))
    balancers = [walk.topo.load_balancers[a] for a in service.load_balancers if a in walk.topo.load_balancers]
    zone_id = eni.zone_id if endpoint.service_region == endpoint.region else ""
    for lb in balancers:
        if not zone_id or zone_id in lb.nodes:
            return through_load_balancer(walk, ThroughLoadBalancer(lb, zone_id or next(iter(lb.nodes), ""), eni))
    walk.block(
        comp,
        Code.VPCE_SERVICE_NOT_INSTALLED_IN_AZ,
        f"{service.id} has no load balancer node in {eni.zone} ({zone_id}) of the endpoint's interface {eni.id}",
    )
    return None


def through_load_balancer(walk: Walk, stage: ThroughLoadBalancer) -> Stage | None:
    """The node in the stage's zone: its groups' inbound rules, the listener, then a healthy target."""
    lb, zone_id, endpoint = stage.balancer, stage.zone_id, stage.endpoint
    node = walk.topo.interfaces.get(lb.nodes.get(zone_id, ""))
    zone = node.zone if node else ""  # the provider's name for the zone
    comp = component(
        ComponentKind.LOAD_BALANCER,
        lb.arn,
        name=lb.name,
        region=node.region if node else walk.region,
        zone=zone,
        zone_id=zone_id,
        arn=lb.arn,
    )
    if lb.state != "active":
        walk.block(comp, Code.BAD_STATE, f"{lb.name} is {lb.state}: it takes no traffic yet", "ingress")
        return None
    listener = _listener(lb, walk.header)
    if node is None or listener is None:
        what = f"{walk.header.protocol.upper()} port {walk.header.destination_port}"
        walk.block(comp, Code.NO_PATH, f"{lb.name} has no listener for {what}", "ingress")
        return None
    allowed = _inbound_rules(walk, lb, node, endpoint)
    group = walk.topo.target_groups.get(listener.target_group)
    preserved = endpoint is None and group is not None and group.preserve_client_ip
    client = walk.header.source
    heard = f"{lb.name} node in {zone} ({node.address}) takes the connection; listener "
    heard += f"{listener.protocol or 'GENEVE'}:{listener.port or 6081}"
    heard += "; the target sees the client's address" if preserved else ""
    walk.hop(
        comp,
        *allowed,
        Step(Action.FORWARDED if preserved else Action.TRANSLATED, heard),
        latency=walk.move_to(zone_id, node.region),
        outbound=None if preserved else walk.translate(str(node.address)),
    )
    if not preserved:  # the target answers the node, which answers the client (reply.py)
        walk.nlb_flows[node.id] = ((endpoint or node).id, client)
    return _to_target(walk, lb, node, (zone, zone_id), listener.target_group)


def _listener(lb: LoadBalancer, header: Header) -> Listener | None:
    """The listener for the packet's port and protocol (TCP and TLS listeners take TCP, UDP ones UDP, TCP_UDP both;
    a Gateway Load Balancer's takes everything)."""
    for listener in lb.listeners:
        if listener.port not in (None, header.destination_port):
            continue
        if _PROTOCOLS.get(listener.protocol or "", {header.protocol}) >= {header.protocol}:
            return listener
    return None


_PROTOCOLS = {"TCP": {"tcp"}, "TLS": {"tcp"}, "UDP": {"udp"}, "TCP_UDP": {"tcp", "udp"}}


def _inbound_rules(walk: Walk, lb: LoadBalancer, node: Interface, endpoint: Interface | None) -> list[Step]:
    """The step of the NLB's group rule that admits the client (shown in the load balancer's hop), if it has groups
    that apply."""
    if not lb.groups:
        return []  # "all client traffic can reach the Network Load Balancer listeners"
    if endpoint is not None and not lb.privatelink_inbound_rules:
        walk.notes.append(
            f"{lb.name}'s security groups do not apply to PrivateLink traffic "
            "(EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic is off)"
        )
        return []
    return [security_group_rule(walk, node, walk.sender, egress=False)]


def _to_target(walk: Walk, lb: LoadBalancer, node: Interface, zone: tuple[str, str], group_arn: str) -> Stage | None:
    """``zone``: the node's zone, its provider's name and its id."""
    group = walk.topo.target_groups.get(group_arn)
    comp = component(ComponentKind.TARGET_GROUP, group_arn, arn=group_arn, region=walk.region)
    healthy = [t for t in (group.targets if group else ()) if t.healthy and t.address is not None]
    chosen = _choose(healthy, zone[1], lb.cross_zone)
    if chosen is None:
        where = "any AZ" if lb.cross_zone else zone[0]
        walk.block(
            comp,
            Code.NO_PATH,
            f"no healthy target in {where} (cross-zone load balancing {'on' if lb.cross_zone else 'off'})",
            "ingress",
        )
        return None
    walk.header = replace(walk.header, destination=str(chosen.address), destination_port=chosen.port)
    steps = []
    if lb.groups:  # the NLB's outbound rules to the target; a target's rule may name the NLB's group
        steps.append(security_group_rule(walk, node, walk.destination, egress=True))
        walk.also_from_groups = lb.groups
    walk.hop(comp, *steps, Step(Action.FORWARDED, f"to target {chosen.id}:{chosen.port} in {chosen.zone}"))
    return DeliverInVpc(walk.vpc(lb.vpc_id), None)


def _choose(targets: list[Target], zone_id: str, cross_zone: bool) -> Target | None:
    same = [t for t in targets if t.zone_id == zone_id]
    if same:
        return same[0]
    return targets[0] if cross_zone and targets else None
