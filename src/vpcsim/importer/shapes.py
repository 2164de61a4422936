"""What each input file is, from its top-level member: the table of outputs the importer maps, counts or reads.

Files are recognised by content, never by name: ``{"Vpcs": [...]}`` is ``aws ec2 describe-vpcs``, whatever the file
is called. Three kinds of entry:

- mapped: the records are imported (``apply``); ``order`` puts whole resources before the facts other files add to
  them (a route table before its propagations, every record before Batfish's Tags.json);
- named: an output that does not say which resource it belongs to (``get-managed-prefix-list-entries``,
  ``search-transit-gateway-routes``, ``describe-target-health``, ``get-bucket-policy``): the file name names it;
- counted: outputs of resources vpcsim does not model (VPN, RDS, ...), listed in the summary with their count, and
  reference data AWS owns (Availability Zones, AWS services, AWS-managed prefix lists) that vpcsim answers itself.

Any other object is matched against the outputs of every operation of botocore's models for the services around a
network (a recognised AWS output that vpcsim does not model is counted under its operation's name); what matches
nothing is an unknown shape, an error naming the file.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from vpcsim.importer import compute, elbv2, endpoints, hybrid, interconnect, machines, network, resolver, services
from vpcsim.importer.batch import Batch, ImportFailed, Source, items, service_model
from vpcsim.model import id_kind

Apply = Callable[[Batch, Source], None]
IGNORED = frozenset(
    {
        "NextToken",
        "NextMarker",
        "Marker",
        "ResponseMetadata",
        "IsTruncated",
        "MaxItems",
        "Owner",
        "Prefix",
        "ContinuationToken",
        "NextRecordName",
        "NextRecordType",
        "NextRecordIdentifier",
        "MaxResults",
    }
)
# botocore service models searched for outputs the importer does not map (services a VPC estate dump touches).
BOTOCORE_SERVICES = (
    "ec2",
    "elbv2",
    "elb",
    "rds",
    "es",
    "opensearch",
    "route53",
    "route53resolver",
    "s3",
    "dynamodb",
    "network-firewall",
    "directconnect",
    "elasticache",
    "redshift",
    "lambda",
    "ecs",
    "eks",
)


@dataclass(frozen=True, slots=True)
class Shape:
    member: str  # the top-level member that identifies the output
    call: str  # the call that prints it, for the summary and errors
    order: int = 0  # mapped: lower first
    apply: Apply | None = None  # None: counted, not imported
    reference: bool = False  # counted as AWS-owned reference data rather than as an unmodelled kind


def _named(pattern: str, what: str, then: Callable[[Batch, Source, str], None]) -> Apply:
    """An output whose owner the file name names: ``pattern`` finds it in the name, or the file is refused."""
    regex = re.compile(pattern)

    def apply(batch: Batch, source: Source) -> None:
        found = regex.search(Path(source.path).name)
        if found is None:
            raise ImportFailed(f"{source.path}: this output does not say which {what} it lists: name the file after it")
        then(batch, source, found.group(0))

    return apply


def _tgw_routes(batch: Batch, source: Source, table: str) -> None:
    interconnect.routes_of_table(batch, source, table, source.data)


def _tgw_propagations(batch: Batch, source: Source, table: str) -> None:
    interconnect.propagations_of_table(batch, source, table, source.data)


def _elb_owner(batch: Batch, source: Source, kind: str, what: str) -> str:
    """The load balancer or target group a file name names: the 16-hex id ending its ARN, else its name (the
    longest name found, so that ``api-v2`` wins over ``api``)."""
    name = Path(source.path).name
    hits = [r.id for r in batch.scan(kind) if r.id.rsplit("/", 1)[-1] in name]
    if not hits:
        member = {"load-balancer": "LoadBalancerName", "target-group": "TargetGroupName"}[kind]
        named = [(len(str(r.doc.get(member))), r.id) for r in batch.scan(kind) if _names(name, str(r.doc.get(member)))]
        longest = max((n for n, _ in named), default=0)
        hits = [rid for n, rid in named if n == longest]
    if len(hits) != 1:
        raise ImportFailed(
            f"{source.path}: this output does not say which {what} it lists: name the file after it "
            "(its name, or the id that ends its ARN)"
        )
    return hits[0]


def _names(file_name: str, resource_name: str) -> bool:
    return bool(re.search(rf"(?<![A-Za-z0-9]){re.escape(resource_name)}(?![A-Za-z0-9])", file_name))


def _target_health(batch: Batch, source: Source) -> None:
    arn = _elb_owner(batch, source, "target-group", "target group")
    elbv2.registered(batch, source, arn, source.data.get("TargetHealthDescriptions") or [])


# Attribute keys only target groups have (ELBv2 API TargetGroupAttribute); the others are load balancers'.
_GROUP_KEYS = ("deregistration_delay", "stickiness", "proxy_protocol", "preserve_client_ip", "target_", "lambda")


def _elb_attributes(batch: Batch, source: Source) -> None:
    """``describe-load-balancer-attributes`` or ``describe-target-group-attributes`` (told apart by their keys)."""
    attributes = source.data.get("Attributes") or []
    keys = [str(a.get("Key", "")) for a in attributes if isinstance(a, dict)]
    if not any(k.startswith(_GROUP_KEYS) for k in keys):
        elbv2.lb_attributes(batch, source, _elb_owner(batch, source, "load-balancer", "load balancer"), attributes)
        return
    group = batch.find("target-group", _elb_owner(batch, source, "target-group", "target group"))
    if group is not None:
        given = {str(a["Key"]): str(a.get("Value", "")) for a in attributes if a.get("Key")}
        batch.amend(group.with_extra(attributes={**group.extra.get("attributes", {}), **given}))


def _tags(batch: Batch, source: Source) -> None:
    """``aws ec2 describe-tags`` (Batfish's Tags.json): tags added to the records they name."""
    if resolver.resource_tags(batch, source):
        return
    for item in items(source, "Tags"):
        rid, key = str(item.get("ResourceId") or ""), item.get("Key")
        kind = id_kind(rid)
        found = batch.find(kind, rid) if kind and key is not None else None
        if found is None:
            batch.reference["tags of resources not in the import (describe-tags)"] += 1
            continue
        batch.amend(found.evolve(tags={**found.tags, str(key): str(item.get("Value") or "")}))


def _policy(batch: Batch, source: Source) -> None:
    if "RevisionId" in source.data:  # dynamodb get-resource-policy: it names no table
        batch.unmodelled["DynamoDB resource policies without their table (dynamodb get-resource-policy)"] += 1
        return
    services.bucket_policy(batch, source)


_MAPPED = (
    Shape("Vpcs", "ec2 describe-vpcs", 10, network.vpcs),
    Shape("Subnets", "ec2 describe-subnets", 11, network.subnets),
    Shape("InternetGateways", "ec2 describe-internet-gateways", 12, network.internet_gateways),
    Shape("Addresses", "ec2 describe-addresses", 13, network.addresses),
    Shape("NatGateways", "ec2 describe-nat-gateways", 14, network.nat_gateways),
    Shape("SecurityGroups", "ec2 describe-security-groups", 15, compute.security_groups),
    Shape("SecurityGroupRules", "ec2 describe-security-group-rules", 16, compute.security_group_rules),
    Shape("NetworkAcls", "ec2 describe-network-acls", 17, network.network_acls),
    Shape("RouteTables", "ec2 describe-route-tables", 18, network.route_tables),
    Shape("PrefixLists", "ec2 describe-(managed-)prefix-lists", 19, network.prefix_lists),
    Shape("NetworkInterfaces", "ec2 describe-network-interfaces", 20, compute.network_interfaces),
    # Images and volumes before instances: an instance's volumes the import lacks are taken from its mappings.
    Shape("Images", "ec2 describe-images", 19, machines.images),
    Shape("Volumes", "ec2 describe-volumes", 20, machines.volumes),
    Shape("KeyPairs", "ec2 describe-key-pairs", 20, machines.key_pairs),
    Shape("Reservations", "ec2 describe-instances", 21, compute.reservations),
    Shape(
        "ServiceConfigurations",
        "ec2 describe-vpc-endpoint-service-configurations",
        22,
        endpoints.service_configurations,
    ),
    Shape("VpcEndpoints", "ec2 describe-vpc-endpoints", 23, endpoints.vpc_endpoints),
    Shape("VpcPeeringConnections", "ec2 describe-vpc-peering-connections", 24, interconnect.peering_connections),
    Shape("TransitGateways", "ec2 describe-transit-gateways", 25, interconnect.transit_gateways),
    Shape("TransitGatewayRouteTables", "ec2 describe-transit-gateway-route-tables", 26, interconnect.route_tables),
    Shape(
        "TransitGatewayVpcAttachments", "ec2 describe-transit-gateway-vpc-attachments", 27, interconnect.vpc_attachments
    ),
    Shape(
        "TransitGatewayPeeringAttachments",
        "ec2 describe-transit-gateway-peering-attachments",
        28,
        interconnect.peering_attachments,
    ),
    Shape("LoadBalancers", "elbv2 describe-load-balancers", 29, elbv2.load_balancers),
    Shape("TargetGroups", "elbv2 describe-target-groups", 30, elbv2.target_groups),
    Shape("CustomerGateways", "ec2 describe-customer-gateways", 24, hybrid.customer_gateways_),
    Shape("VpnGateways", "ec2 describe-vpn-gateways", 24, hybrid.vpn_gateways),
    Shape("VpnConnections", "ec2 describe-vpn-connections", 24, hybrid.vpn_connections),
    Shape("DhcpOptions", "ec2 describe-dhcp-options", 24, hybrid.dhcp_options),
    Shape("EgressOnlyInternetGateways", "ec2 describe-egress-only-internet-gateways", 24, hybrid.egress_only_gateways),
    Shape("Buckets", "s3api list-buckets", 31, services.buckets),
    Shape("Table", "dynamodb describe-table", 32, services.table),
    Shape("FlowLogs", "ec2 describe-flow-logs", 33, services.flow_logs),
    Shape("HostedZones", "route53 list-hosted-zones", 34, services.hosted_zones),
    Shape("HostedZone", "route53 get-hosted-zone", 35, services.hosted_zone),
    Shape("ResolverEndpoints", "route53resolver list-resolver-endpoints", 36, resolver.endpoints),
    Shape("ResolverEndpoint", "route53resolver get-resolver-endpoint", 36, resolver.endpoints),
    Shape("ResolverRules", "route53resolver list-resolver-rules", 37, resolver.rules),
    Shape("ResolverRuleAssociations", "route53resolver list-resolver-rule-associations", 38, resolver.associations),
    # facts about the records above
    Shape("TransitGatewayAttachments", "ec2 describe-transit-gateway-attachments", 50, interconnect.attachments),
    Shape("TransitGatewayStaticRoutes", "Batfish TransitGatewayStaticRoutes.json", 51, interconnect.static_routes),
    Shape("TransitGatewayPropagations", "Batfish TransitGatewayPropagations.json", 52, interconnect.propagations),
    Shape(
        "AdditionalRoutesAvailable",
        "ec2 search-transit-gateway-routes",
        53,
        _named(r"tgw-rtb-[0-9a-f]+", "transit gateway route table", _tgw_routes),
    ),
    Shape(
        "TransitGatewayRouteTablePropagations",
        "ec2 get-transit-gateway-route-table-propagations",
        53,
        _named(r"tgw-rtb-[0-9a-f]+", "transit gateway route table", _tgw_propagations),
    ),
    Shape("Listeners", "elbv2 describe-listeners", 54, elbv2.listeners),
    Shape("LoadBalancerListeners", "Batfish LoadBalancerListeners.json", 54, elbv2.batfish_listeners),
    Shape("LoadBalancerAttributes", "Batfish LoadBalancerAttributes.json", 55, elbv2.batfish_attributes),
    Shape("Attributes", "elbv2 describe-load-balancer-attributes", 55, _elb_attributes),
    Shape("LoadBalancerTargetHealth", "Batfish LoadBalancerTargetHealth.json", 56, elbv2.batfish_target_health),
    Shape("TargetHealthDescriptions", "elbv2 describe-target-health", 56, _target_health),
    Shape(
        "Entries",
        "ec2 get-managed-prefix-list-entries",
        57,
        _named(r"pl-[0-9a-f]+", "prefix list", network.prefix_list_entries),
    ),
    Shape("Policy", "s3api get-bucket-policy", 58, _policy),
    Shape(
        "ResourceRecordSets",
        "route53 list-resource-record-sets",
        59,
        _named(r"Z[0-9A-Z]{6,32}", "hosted zone", services.record_sets),
    ),
    Shape(
        "IpAddresses",
        "route53resolver list-resolver-endpoint-ip-addresses",
        59,
        _named(r"rslvr-(?:in|out)-[0-9a-f]+", "Resolver endpoint", resolver.endpoint_addresses),
    ),
    Shape("EnableDnsSupport", "ec2 describe-vpc-attribute", 60, network.vpc_attribute),
    Shape("EnableDnsHostnames", "ec2 describe-vpc-attribute", 60, network.vpc_attribute),
    Shape("EnableNetworkAddressUsageMetrics", "ec2 describe-vpc-attribute", 60, network.vpc_attribute),
    Shape("Tags", "ec2 describe-tags", 90, _tags),
)
_COUNTED = (
    Shape("AvailabilityZones", "ec2 describe-availability-zones", reference=True),
    Shape("ServiceDetails", "ec2 describe-vpc-endpoint-services", reference=True),
    Shape("ServiceNames", "ec2 describe-vpc-endpoint-services", reference=True),
    Shape("Regions", "ec2 describe-regions", reference=True),
    Shape("DBInstances", "rds describe-db-instances"),
    Shape("DomainStatusList", "es describe-elasticsearch-domains"),
    Shape("PlacementGroups", "ec2 describe-placement-groups"),
    Shape("InstanceStatuses", "ec2 describe-instance-status"),
    Shape("MovingAddressStatuses", "ec2 describe-moving-addresses"),
    Shape("Hosts", "ec2 describe-hosts"),
    Shape("Instances", "ec2 describe-classic-link-instances"),
    Shape("LoadBalancerDescriptions", "elb describe-load-balancers (classic)"),
)
SHAPES: dict[str, Shape] = {s.member: s for s in (*_MAPPED, *_COUNTED)}


def shape_of(source: Source) -> Shape:
    """The shape of a file's output, or ``ImportFailed`` for one that is no AWS output vpcsim knows."""
    keys = [k for k in source.data if k not in IGNORED]
    for member in keys:
        if member in SHAPES:
            return SHAPES[member]
    call = botocore_output(frozenset(keys))
    if call is not None:
        return Shape(keys[0], call)
    shown = ", ".join(sorted(source.data)[:8]) or "none"
    raise ImportFailed(
        f"{source.path}: unknown shape (top-level members: {shown}); expected the JSON an AWS CLI "
        "describe call, a Batfish aws_configs file or a Terraform state prints"
    )


def count(value: Any) -> int:
    """How many items an output holds: the length of its list member(s), or 1."""
    lists = [v for v in value.values() if isinstance(v, list)] if isinstance(value, dict) else []
    return max((len(v) for v in lists), default=1)


@cache
def _outputs() -> dict[str, frozenset[str]]:
    """Every output shape of the services above: "service Operation" -> its members (without pagination)."""
    found: dict[str, frozenset[str]] = {}
    for service in BOTOCORE_SERVICES:
        try:
            model = service_model(service)
        except Exception:
            continue
        for name in model.operation_names:
            output = model.operation_model(name).output_shape
            if output is not None and output.members:
                found[f"{service} {name}"] = frozenset(output.members) - IGNORED
    return found


def botocore_output(keys: frozenset[str]) -> str | None:
    """The operation whose output has every one of ``keys`` (the fewest other members first)."""
    if not keys:
        return None
    fits = [(len(members - keys), not _reads(call), call) for call, members in _outputs().items() if keys <= members]
    return min(fits)[2] if fits else None


def _reads(call: str) -> bool:
    """A describe-like call: what a dump holds (``DescribeVolumes`` rather than ``CopyVolumes``)."""
    return call.split(" ", 1)[1].startswith(("Describe", "List", "Get", "Search"))
