"""From a consumer's interface endpoint to a provider's service: endpoint service, NLB node, listener, healthy target.

[PLG; aws-behaviour 3.6-3.8] The endpoint's interface reaches the NLB node in its own AZ (or any node when the
endpoint is in another region); the provider sees the NLB's private address as the source; the listener on the
request's port forwards to its target group, and a healthy target in the same AZ answers, or in any AZ when
cross-zone load balancing is on.
"""

from __future__ import annotations

from vpcsim.dataplane.topology import LoadBalancer, Target
from vpcsim.dataplane.walk import PROCESSING_MS, DeliverInVpc, Stage, ToEndpointService, Walk, component
from vpcsim.model.explanations import ExplanationCode as Code
from vpcsim.model.trace import Action, ComponentKind, Step


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
        arn=f"arn:aws:ec2:{service.region}:{service.account}:vpc-endpoint-service/{service.id}",
    )
    walk.hop(comp, Step(Action.FORWARDED, f"to {service.name} of account {service.account}"), latency=PROCESSING_MS)
    balancers = [walk.topo.load_balancers[a] for a in service.load_balancers if a in walk.topo.load_balancers]
    zone = eni.zone if endpoint.service_region == endpoint.region else ""
    for lb in balancers:
        if not zone or zone in lb.nodes:
            return _through_load_balancer(walk, lb, zone or next(iter(lb.nodes), ""))
    walk.block(comp, Code.VPCE_SERVICE_NOT_INSTALLED_IN_AZ, f"{service.id} has no load balancer node in {zone}")
    return None


def _through_load_balancer(walk: Walk, lb: LoadBalancer, zone: str) -> Stage | None:
    node = walk.topo.interfaces.get(lb.nodes.get(zone, ""))
    comp = component(
        ComponentKind.LOAD_BALANCER,
        lb.arn,
        name=lb.name,
        region=node.region if node else walk.region,
        zone=zone,
        arn=lb.arn,
    )
    listener = next((x for x in lb.listeners if x.port in (None, walk.header.destination_port)), None)
    if node is None or listener is None:
        walk.block(comp, Code.NO_PATH, f"{lb.name} has no listener on port {walk.header.destination_port}", "ingress")
        return None
    out = walk.translate(str(node.address))
    walk.hop(
        comp,
        Step(
            Action.TRANSLATED,
            f"{lb.name} node in {zone} ({node.address}) takes the connection; listener "
            f"{listener.protocol or 'GENEVE'}:{listener.port or 6081}",
        ),
        latency=walk.move_to(zone, node.region) + PROCESSING_MS,
        outbound=out,
    )
    return _to_target(walk, lb, zone, listener.target_group)


def _to_target(walk: Walk, lb: LoadBalancer, zone: str, group_arn: str) -> Stage | None:
    group = walk.topo.target_groups.get(group_arn)
    comp = component(ComponentKind.TARGET_GROUP, group_arn, arn=group_arn, region=walk.region)
    healthy = [t for t in (group.targets if group else ()) if t.healthy and t.address is not None]
    chosen = _choose(healthy, zone, lb.cross_zone)
    if chosen is None:
        where = "any AZ" if lb.cross_zone else zone
        walk.block(
            comp,
            Code.NO_PATH,
            f"no healthy target in {where} (cross-zone load balancing {'on' if lb.cross_zone else 'off'})",
            "ingress",
        )
        return None
    walk.hop(comp, Step(Action.FORWARDED, f"to target {chosen.id}:{chosen.port} in {chosen.zone}"))
    walk.header = walk.header.__class__(walk.header.source, str(chosen.address), walk.header.protocol, chosen.port)
    return DeliverInVpc(walk.vpc(lb.vpc_id), None)


def _choose(targets: list[Target], zone: str, cross_zone: bool) -> Target | None:
    same = [t for t in targets if t.zone == zone]
    if same:
        return same[0]
    return targets[0] if cross_zone and targets else None
