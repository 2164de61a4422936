"""What an account holds in a Region, by kind, read with boto3: the before/after check of every IaC test.

A test takes an inventory of its accounts before Terraform or Ansible runs and again after they destroyed
everything; anything in the second and not in the first is left over. Records in a terminal state (a terminated
instance, a deleted NAT gateway or peering connection, which AWS keeps showing for a while) count as gone. Kinds
whose Describe call vpcsim does not serve count as empty (nothing of that kind can have been created) and are
named in ``Inventory.unavailable``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import ClientError

# Error codes meaning "vpcsim does not serve this call", as opposed to a real failure. A bare HTTP status as the code
# (botocore's fallback) means the answer was not in the service's protocol at all: a service vpcsim does not speak.
NOT_SERVED = frozenset({"UnsupportedOperation", "UnknownService", "InvalidAction"})
GONE = frozenset({"deleted", "terminated", "rejected", "failed", "expired", "delete-complete"})


@dataclass(frozen=True)
class Kind:
    """One kind of record: the call listing it, where the records are, the id member and the state member."""

    name: str
    service: str
    method: str
    items: Callable[[dict[str, Any]], Iterable[dict[str, Any]]]
    id_key: str
    state: Callable[[dict[str, Any]], str] = lambda item: ""
    kwargs: dict[str, Any] = field(default_factory=dict)


def _at(key: str) -> Callable[[dict[str, Any]], Iterable[dict[str, Any]]]:
    return lambda answer: answer.get(key, [])


def _state(*path: str) -> Callable[[dict[str, Any]], str]:
    def read(item: dict[str, Any]) -> str:
        value: Any = item
        for key in path:
            value = value.get(key, {}) if isinstance(value, dict) else {}
        return value if isinstance(value, str) else ""

    return read


def _instances(answer: dict[str, Any]) -> Iterable[dict[str, Any]]:
    return [i for r in answer.get("Reservations", []) for i in r.get("Instances", [])]


KINDS = (
    Kind("vpc", "ec2", "describe_vpcs", _at("Vpcs"), "VpcId"),
    Kind("subnet", "ec2", "describe_subnets", _at("Subnets"), "SubnetId"),
    Kind("route-table", "ec2", "describe_route_tables", _at("RouteTables"), "RouteTableId"),
    Kind("internet-gateway", "ec2", "describe_internet_gateways", _at("InternetGateways"), "InternetGatewayId"),
    Kind(
        "egress-only-internet-gateway",
        "ec2",
        "describe_egress_only_internet_gateways",
        _at("EgressOnlyInternetGateways"),
        "EgressOnlyInternetGatewayId",
    ),
    Kind("nat-gateway", "ec2", "describe_nat_gateways", _at("NatGateways"), "NatGatewayId", _state("State")),
    Kind("elastic-ip", "ec2", "describe_addresses", _at("Addresses"), "AllocationId"),
    Kind("security-group", "ec2", "describe_security_groups", _at("SecurityGroups"), "GroupId"),
    Kind("network-acl", "ec2", "describe_network_acls", _at("NetworkAcls"), "NetworkAclId"),
    Kind("network-interface", "ec2", "describe_network_interfaces", _at("NetworkInterfaces"), "NetworkInterfaceId"),
    Kind("instance", "ec2", "describe_instances", _instances, "InstanceId", _state("State", "Name")),
    Kind("dhcp-options", "ec2", "describe_dhcp_options", _at("DhcpOptions"), "DhcpOptionsId"),
    Kind("key-pair", "ec2", "describe_key_pairs", _at("KeyPairs"), "KeyName"),
    Kind("volume", "ec2", "describe_volumes", _at("Volumes"), "VolumeId", _state("State")),
    Kind("vpc-endpoint", "ec2", "describe_vpc_endpoints", _at("VpcEndpoints"), "VpcEndpointId", _state("State")),
    Kind(
        "vpc-endpoint-service",
        "ec2",
        "describe_vpc_endpoint_service_configurations",
        _at("ServiceConfigurations"),
        "ServiceId",
        _state("ServiceState"),
    ),
    Kind(
        "vpc-endpoint-connection-notification",
        "ec2",
        "describe_vpc_endpoint_connection_notifications",
        _at("ConnectionNotificationSet"),
        "ConnectionNotificationId",
    ),
    Kind(
        "vpc-peering-connection",
        "ec2",
        "describe_vpc_peering_connections",
        _at("VpcPeeringConnections"),
        "VpcPeeringConnectionId",
        _state("Status", "Code"),
    ),
    Kind(
        "transit-gateway",
        "ec2",
        "describe_transit_gateways",
        _at("TransitGateways"),
        "TransitGatewayId",
        _state("State"),
    ),
    Kind(
        "transit-gateway-attachment",
        "ec2",
        "describe_transit_gateway_attachments",
        _at("TransitGatewayAttachments"),
        "TransitGatewayAttachmentId",
        _state("State"),
    ),
    Kind(
        "transit-gateway-route-table",
        "ec2",
        "describe_transit_gateway_route_tables",
        _at("TransitGatewayRouteTables"),
        "TransitGatewayRouteTableId",
        _state("State"),
    ),
    Kind(
        "customer-gateway",
        "ec2",
        "describe_customer_gateways",
        _at("CustomerGateways"),
        "CustomerGatewayId",
        _state("State"),
    ),
    Kind("vpn-gateway", "ec2", "describe_vpn_gateways", _at("VpnGateways"), "VpnGatewayId", _state("State")),
    Kind(
        "vpn-connection", "ec2", "describe_vpn_connections", _at("VpnConnections"), "VpnConnectionId", _state("State")
    ),
    Kind("prefix-list", "ec2", "describe_managed_prefix_lists", _at("PrefixLists"), "PrefixListId", _state("State")),
    Kind("flow-log", "ec2", "describe_flow_logs", _at("FlowLogs"), "FlowLogId"),
    Kind(
        "network-insights-path",
        "ec2",
        "describe_network_insights_paths",
        _at("NetworkInsightsPaths"),
        "NetworkInsightsPathId",
    ),
    Kind(
        "network-insights-analysis",
        "ec2",
        "describe_network_insights_analyses",
        _at("NetworkInsightsAnalyses"),
        "NetworkInsightsAnalysisId",
    ),
    Kind("load-balancer", "elbv2", "describe_load_balancers", _at("LoadBalancers"), "LoadBalancerArn"),
    Kind("target-group", "elbv2", "describe_target_groups", _at("TargetGroups"), "TargetGroupArn"),
    Kind("s3-bucket", "s3", "list_buckets", _at("Buckets"), "Name"),
    Kind("hosted-zone", "route53", "list_hosted_zones", _at("HostedZones"), "Id"),
    Kind("log-group", "logs", "describe_log_groups", _at("logGroups"), "logGroupName"),
    Kind("iam-role", "iam", "list_roles", _at("Roles"), "RoleName"),
    Kind("iam-policy", "iam", "list_policies", _at("Policies"), "Arn", kwargs={"Scope": "Local"}),
    Kind("instance-profile", "iam", "list_instance_profiles", _at("InstanceProfiles"), "InstanceProfileName"),
    Kind(
        "dynamodb-table",
        "dynamodb",
        "list_tables",
        lambda a: [{"TableName": t} for t in a.get("TableNames", [])],
        "TableName",
    ),
)


@dataclass
class Inventory:
    """Ids by (account, Region, kind); the kinds vpcsim could not list."""

    ids: dict[tuple[str, str, str], set[str]] = field(default_factory=dict)
    unavailable: set[str] = field(default_factory=set)

    def minus(self, before: Inventory) -> dict[tuple[str, str, str], set[str]]:
        """What this inventory holds that ``before`` did not."""
        extra = {key: ids - before.ids.get(key, set()) for key, ids in self.ids.items()}
        return {key: ids for key, ids in extra.items() if ids}

    def count(self) -> int:
        return sum(len(ids) for ids in self.ids.values())


def take(client_for: Callable[[str, str, str], Any], accounts: Iterable[str], regions: Iterable[str]) -> Inventory:
    """The inventory of every account in every Region; ``client_for(service, region, account)`` gives boto3."""
    inventory = Inventory()
    for account in accounts:
        for region in regions:
            clients: dict[str, Any] = {}
            for kind in KINDS:
                client = clients.setdefault(kind.service, client_for(kind.service, region, account))
                ids = _list(client, kind, inventory)
                inventory.ids[(account, region, kind.name)] = ids
    return inventory


def _list(client: Any, kind: Kind, inventory: Inventory) -> set[str]:
    try:
        answer = getattr(client, kind.method)(**kind.kwargs)
    except ClientError as error:
        code = str(error.response["Error"]["Code"])
        if code in NOT_SERVED or code.isdigit():
            inventory.unavailable.add(f"{kind.service}:{kind.method}")
            return set()
        raise
    return {item[kind.id_key] for item in kind.items(answer) if kind.state(item).lower() not in GONE}
