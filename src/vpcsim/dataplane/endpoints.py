"""VPC endpoints on a path, and the AWS service at the end of it [PLG; PLG-GW; aws-behaviour 1.2, 1.3].

A gateway endpoint takes what its VPC's route tables send to its prefix list, TCP only, never what came from outside
the VPC (``VPCE_GATEWAY_EGRESS_SOURCE_ADDRESS_RESTRICTION``: no edge-to-edge routing); the service answers from the
prefix list's addresses back through it. An interface endpoint's interface applies its security groups (its subnet's
ACL was checked on the way in); a pending or rejected endpoint carries nothing; one of an AWS service carries TCP only
(``PROTOCOL_RESTRICTION`` [RA-EX]: the services behind interface endpoints answer HTTPS), and the reply leaves from
its interface; one of a provider's endpoint service hands the packet to the service (privatelink.py). At the service,
the policy judge (endpoint, resource and identity policies) decides.
"""

from __future__ import annotations

from vpcsim.dataplane.appliances import endpoint_component, gateway_load_balancer_endpoint
from vpcsim.dataplane.checks import security_group_ingress
from vpcsim.dataplane.topology import Endpoint, Interface, Route, Subnet, Vpc
from vpcsim.dataplane.walk import (
    PRIVATELINK_MS,
    SERVICE_MS,
    PolicyQuestion,
    ReplyFrom,
    ReplyInto,
    Stage,
    ToEndpointService,
    Walk,
    component,
    region_latency_ms,
)
from vpcsim.model.explanations import ExplanationCode as Code
from vpcsim.model.trace import Action, Component, ComponentKind, Step


def gateway_endpoint(walk: Walk, vpc: Vpc, subnet: Subnet, route: Route) -> Stage | None:
    endpoint = walk.topo.endpoints[route.target]
    if endpoint.kind == "GatewayLoadBalancer":  # AWS shows GWLB endpoint routes with GatewayId vpce-... too
        return gateway_load_balancer_endpoint(walk, vpc, subnet, route)
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
    )
    service = endpoint.service_name.rsplit(".", 1)[-1]
    arrive_at_service(walk, service, endpoint.region, endpoint, SERVICE_MS)
    # The service answers from its prefix list's addresses, through the endpoint, into the VPC.
    walk.reply_to(ReplyInto(vpc, walk.hops[-1].component, comp))
    return None


def enter_interface_endpoint(walk: Walk, eni: Interface, latency: float) -> Stage | None:
    endpoint = walk.topo.endpoints[eni.owner]
    security_group_ingress(walk, eni, walk.sender)
    comp = endpoint_component(endpoint)
    if endpoint.state != "available":
        walk.block(comp, Code.BAD_STATE, f"{endpoint.id} is {endpoint.state}: it carries no traffic")
    if endpoint.service_id is None and walk.header.protocol != "tcp":
        walk.block(
            comp,
            Code.PROTOCOL_RESTRICTION,
            f"interface endpoints of AWS services carry TCP only; {endpoint.service_name} does not answer "
            f"{walk.header.protocol.upper()}",
            "ingress",
        )
    walk.endpoint = endpoint.id
    walk.hop(
        comp,
        Step(
            Action.FORWARDED, f"interface endpoint {endpoint.id} ({eni.id}, {eni.address}) to {endpoint.service_name}"
        ),
        latency=latency + PRIVATELINK_MS,
    )
    if walk.ends_at == endpoint.id:  # the endpoint is the destination: what lies behind it is not on the path
        walk.reply_to(ReplyFrom(eni))
        return None
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
    walk.reply_to(ReplyFrom(eni))
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
