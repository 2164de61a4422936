"""Terraform's VPC resources as the items ``aws ec2 describe-*`` prints: VPCs (with their main route table and
default network ACL), subnets, internet gateways, Elastic IPs, NAT gateways, route tables with their routes and
associations, and network ACLs. Attribute names are the hashicorp/aws provider's (5.x)."""

from __future__ import annotations

from vpcsim.importer.batch import Doc, derived_id
from vpcsim.importer.tfstate import Builder, Converter

_ASSOCIATED = {"State": "associated"}
_ROUTE_TARGETS = {
    "gateway_id": "GatewayId",
    "nat_gateway_id": "NatGatewayId",
    "network_interface_id": "NetworkInterfaceId",
    "transit_gateway_id": "TransitGatewayId",
    "vpc_peering_connection_id": "VpcPeeringConnectionId",
    "vpc_endpoint_id": "GatewayId",  # a Gateway Load Balancer endpoint: AWS shows it as GatewayId [EC2API Route]
    "egress_only_gateway_id": "EgressOnlyInternetGatewayId",
    "local_gateway_id": "LocalGatewayId",
    "carrier_gateway_id": "CarrierGatewayId",
    "instance_id": "InstanceId",
}
_ACL_PROTOCOLS = {"all": "-1", "tcp": "6", "udp": "17", "icmp": "1", "icmpv6": "58"}


def tags(attrs: Doc) -> list[Doc]:
    return [{"Key": k, "Value": v} for k, v in (attrs.get("tags") or {}).items()]


def _cidrs(builder: Builder, vpc_id: str) -> list[str]:
    vpc = builder.find("aws_vpc", vpc_id) or builder.find("aws_default_vpc", vpc_id) or {}
    extra = [a["cidr_block"] for a in builder.of("aws_vpc_ipv4_cidr_block_association") if a.get("vpc_id") == vpc_id]
    return [c for c in [vpc.get("cidr_block"), *extra] if c]


# -- VPCs and what AWS creates with them ------------------------------------------------------------------------------
def vpcs(builder: Builder) -> None:
    for kind, default in (("aws_vpc", False), ("aws_default_vpc", True)):
        for attrs in builder.of(kind):
            _vpc(builder, attrs, default)


def _vpc(builder: Builder, attrs: Doc, default: bool) -> None:
    scope, vid = builder.scope(attrs), attrs["id"]
    associations = [
        {"AssociationId": derived_id("vpc-cidr-assoc", vid, c), "CidrBlock": c, "CidrBlockState": _ASSOCIATED}
        for c in _cidrs(builder, vid)
    ]
    for extra in builder.of("aws_vpc_ipv4_cidr_block_association"):
        for association in associations:
            if extra.get("vpc_id") == vid and association["CidrBlock"] == extra.get("cidr_block"):
                association["AssociationId"] = extra["id"]
    ipv6 = []
    if attrs.get("ipv6_cidr_block"):
        ipv6 = [
            {
                "AssociationId": attrs.get("ipv6_association_id") or derived_id("vpc-cidr-assoc", vid, "ipv6"),
                "Ipv6CidrBlock": attrs["ipv6_cidr_block"],
                "Ipv6CidrBlockState": _ASSOCIATED,
                "NetworkBorderGroup": attrs.get("ipv6_cidr_block_network_border_group") or scope.region,
            }
        ]
    item = {
        "VpcId": vid,
        "CidrBlock": attrs.get("cidr_block"),
        "CidrBlockAssociationSet": associations,
        "Ipv6CidrBlockAssociationSet": ipv6,
        "DhcpOptionsId": attrs.get("dhcp_options_id"),
        "InstanceTenancy": attrs.get("instance_tenancy") or "default",
        "IsDefault": default,
        "State": "available",
        "OwnerId": scope.account,
        "Tags": tags(attrs),
    }
    builder.emit("Vpcs", scope, item)
    builder.single(
        f"{vid}.attributes.json",
        scope,
        {
            "VpcId": vid,
            "EnableDnsSupport": {"Value": bool(attrs.get("enable_dns_support", True))},
            "EnableDnsHostnames": {"Value": bool(attrs.get("enable_dns_hostnames", default))},
            "EnableNetworkAddressUsageMetrics": {"Value": bool(attrs.get("enable_network_address_usage_metrics"))},
        },
    )


def subnets(builder: Builder) -> None:
    for kind, default in (("aws_subnet", False), ("aws_default_subnet", True)):
        for attrs in builder.of(kind):
            scope = builder.scope(attrs)
            ipv6 = []
            if attrs.get("ipv6_cidr_block"):
                ipv6 = [
                    {
                        "AssociationId": attrs.get("ipv6_cidr_block_association_id"),
                        "Ipv6CidrBlock": attrs["ipv6_cidr_block"],
                        "Ipv6CidrBlockState": _ASSOCIATED,
                    }
                ]
            builder.emit(
                "Subnets",
                scope,
                {
                    "SubnetId": attrs["id"],
                    "VpcId": attrs.get("vpc_id"),
                    "CidrBlock": attrs.get("cidr_block"),
                    "AvailabilityZone": attrs.get("availability_zone"),
                    "AvailabilityZoneId": attrs.get("availability_zone_id"),
                    "MapPublicIpOnLaunch": bool(attrs.get("map_public_ip_on_launch")),
                    "DefaultForAz": default,
                    "State": "available",
                    "OwnerId": attrs.get("owner_id") or scope.account,
                    "SubnetArn": attrs.get("arn"),
                    "AssignIpv6AddressOnCreation": bool(attrs.get("assign_ipv6_address_on_creation")),
                    "Ipv6CidrBlockAssociationSet": ipv6,
                    "Ipv6Native": bool(attrs.get("ipv6_native")),
                    "EnableDns64": bool(attrs.get("enable_dns64")),
                    "Tags": tags(attrs),
                },
            )


def internet_gateways(builder: Builder) -> None:
    attached = {a["internet_gateway_id"]: a["vpc_id"] for a in builder.of("aws_internet_gateway_attachment")}
    for attrs in builder.of("aws_internet_gateway"):
        vpc = attrs.get("vpc_id") or attached.get(attrs["id"])
        builder.emit(
            "InternetGateways",
            builder.scope(attrs),
            {
                "InternetGatewayId": attrs["id"],
                "OwnerId": attrs.get("owner_id"),
                "Tags": tags(attrs),
                "Attachments": [{"State": "available", "VpcId": vpc}] if vpc else [],
            },
        )


def addresses(builder: Builder) -> None:
    for attrs in builder.of("aws_eip"):
        builder.emit(
            "Addresses",
            builder.scope(attrs),
            {
                "AllocationId": attrs.get("allocation_id") or attrs["id"],
                "PublicIp": attrs.get("public_ip"),
                "Domain": attrs.get("domain") or "vpc",
                "PublicIpv4Pool": attrs.get("public_ipv4_pool"),
                "NetworkBorderGroup": attrs.get("network_border_group"),
                "AssociationId": attrs.get("association_id"),
                "InstanceId": attrs.get("instance"),
                "NetworkInterfaceId": attrs.get("network_interface"),
                "PrivateIpAddress": attrs.get("private_ip"),
                "Tags": tags(attrs),
            },
        )


def nat_gateways(builder: Builder) -> None:
    for attrs in builder.of("aws_nat_gateway"):
        subnet = builder.find("aws_subnet", str(attrs.get("subnet_id"))) or {}
        address = {
            "AllocationId": attrs.get("allocation_id"),
            "NetworkInterfaceId": attrs.get("network_interface_id"),
            "PrivateIp": attrs.get("private_ip"),
            "PublicIp": attrs.get("public_ip"),
            "IsPrimary": True,
        }
        builder.emit(
            "NatGateways",
            builder.scope(attrs, near=subnet),
            {
                "NatGatewayId": attrs["id"],
                "SubnetId": attrs.get("subnet_id"),
                "VpcId": subnet.get("vpc_id"),
                "State": "available",
                "ConnectivityType": attrs.get("connectivity_type") or "public",
                "NatGatewayAddresses": [{k: v for k, v in address.items() if v not in (None, "")}],
                "Tags": tags(attrs),
            },
        )


# -- route tables ------------------------------------------------------------------------------------------------------
def _route(block: Doc, destination_keys: tuple[str, str, str]) -> Doc:
    cidr, ipv6, prefix_list = destination_keys
    route: Doc = {"Origin": "CreateRoute"}
    for key, member in (
        (cidr, "DestinationCidrBlock"),
        (ipv6, "DestinationIpv6CidrBlock"),
        (prefix_list, "DestinationPrefixListId"),
    ):
        if block.get(key):
            route[member] = block[key]
    for key, member in _ROUTE_TARGETS.items():
        if block.get(key):
            route[member] = block[key]
    return route


def route_tables(builder: Builder) -> None:
    tables: dict[str, Doc] = {}
    for attrs in builder.of("aws_route_table"):
        tables[attrs["id"]] = _table(builder, attrs, attrs["id"])
    for attrs in builder.of("aws_default_route_table"):
        tables[attrs["id"]] = _table(builder, attrs, attrs.get("default_route_table_id") or attrs["id"], main=True)
    for vpc in builder.of("aws_vpc") + builder.of("aws_default_vpc"):
        main = vpc.get("main_route_table_id") or vpc.get("default_route_table_id")
        if main and main not in tables:
            tables[main] = _table(
                builder, {"vpc_id": vpc["id"], "owner_id": vpc.get("owner_id"), "arn": vpc.get("arn")}, main, main=True
            )
            builder.assume(
                f"{main}: the main route table of {vpc['id']} is not in the Terraform state: imported with "
                "the local route only, as AWS creates it"
            )
    _add_routes(builder, tables)
    _add_associations(builder, tables)
    for table in tables.values():
        builder.emit("RouteTables", table.pop("_scope"), table)


def _table(builder: Builder, attrs: Doc, rid: str, *, main: bool = False) -> Doc:
    vpc_id = str(attrs.get("vpc_id") or "")
    local = [
        {"DestinationCidrBlock": c, "GatewayId": "local", "Origin": "CreateRouteTable"} for c in _cidrs(builder, vpc_id)
    ]
    routes = local + [
        _route(r, ("cidr_block", "ipv6_cidr_block", "destination_prefix_list_id")) for r in attrs.get("route") or []
    ]
    associations = []
    if main:
        associations.append(
            {
                "Main": True,
                "RouteTableAssociationId": derived_id("rtbassoc", rid, "main"),
                "RouteTableId": rid,
                "AssociationState": _ASSOCIATED,
            }
        )
    return {
        "RouteTableId": rid,
        "VpcId": vpc_id,
        "OwnerId": attrs.get("owner_id"),
        "Routes": routes,
        "Associations": associations,
        "PropagatingVgws": [{"GatewayId": g} for g in attrs.get("propagating_vgws") or []],
        "Tags": tags(attrs),
        "_scope": builder.scope(attrs),
    }


def _add_routes(builder: Builder, tables: dict[str, Doc]) -> None:
    for attrs in builder.of("aws_route"):
        table = tables.get(str(attrs.get("route_table_id")))
        if table is not None:
            table["Routes"].append(
                _route(attrs, ("destination_cidr_block", "destination_ipv6_cidr_block", "destination_prefix_list_id"))
            )
    # A gateway endpoint's route to its service's prefix list in each of its tables [PLG-GW].
    endpoints = builder.of("aws_vpc_endpoint")
    extra = {
        (a["vpc_endpoint_id"], a["route_table_id"]) for a in builder.of("aws_vpc_endpoint_route_table_association")
    }
    for endpoint in endpoints:
        if endpoint.get("vpc_endpoint_type") != "Gateway" or not endpoint.get("prefix_list_id"):
            continue
        wanted = {*(endpoint.get("route_table_ids") or []), *(t for e, t in extra if e == endpoint["id"])}
        for table_id in wanted:
            if table_id in tables:
                tables[table_id]["Routes"].append(
                    {
                        "DestinationPrefixListId": endpoint["prefix_list_id"],
                        "GatewayId": endpoint["id"],
                        "Origin": "CreateRoute",
                    }
                )


def _add_associations(builder: Builder, tables: dict[str, Doc]) -> None:
    for attrs in builder.of("aws_route_table_association"):
        table = tables.get(str(attrs.get("route_table_id")))
        if table is not None:
            target = (
                {"SubnetId": attrs["subnet_id"]} if attrs.get("subnet_id") else {"GatewayId": attrs.get("gateway_id")}
            )
            table["Associations"].append(
                {
                    "Main": False,
                    "RouteTableAssociationId": attrs["id"],
                    "RouteTableId": table["RouteTableId"],
                    **target,
                    "AssociationState": _ASSOCIATED,
                }
            )
    for attrs in builder.of("aws_main_route_table_association"):
        for table in tables.values():  # the main association moves: the table that had it loses it
            if table["VpcId"] == attrs.get("vpc_id"):
                table["Associations"] = [a for a in table["Associations"] if not a.get("Main")]
        table = tables.get(str(attrs.get("route_table_id")))
        if table is not None:
            table["Associations"].append(
                {
                    "Main": True,
                    "RouteTableAssociationId": attrs["id"],
                    "RouteTableId": table["RouteTableId"],
                    "AssociationState": _ASSOCIATED,
                }
            )


# -- network ACLs ------------------------------------------------------------------------------------------------------
def _entry(block: Doc, egress: bool, number_key: str = "rule_no", action_key: str = "action") -> Doc:
    protocol = str(block.get("protocol", "-1"))
    protocol = _ACL_PROTOCOLS.get(protocol.lower(), protocol)
    entry: Doc = {
        "RuleNumber": int(block[number_key]),
        "Egress": egress,
        "Protocol": protocol,
        "RuleAction": block.get(action_key),
    }
    entry.update(
        {"Ipv6CidrBlock": block["ipv6_cidr_block"]}
        if block.get("ipv6_cidr_block")
        else {"CidrBlock": block.get("cidr_block")}
    )
    if protocol in ("6", "17"):
        entry["PortRange"] = {"From": block.get("from_port"), "To": block.get("to_port")}
    if protocol in ("1", "58"):
        entry["IcmpTypeCode"] = {"Type": block.get("icmp_type"), "Code": block.get("icmp_code")}
    return entry


def _denials() -> list[Doc]:
    return [
        {"RuleNumber": 32767, "Egress": egress, "Protocol": "-1", "RuleAction": "deny", "CidrBlock": "0.0.0.0/0"}
        for egress in (True, False)
    ]


def network_acls(builder: Builder) -> None:
    acls: dict[str, Doc] = {}
    for attrs in builder.of("aws_network_acl"):
        acls[attrs["id"]] = _acl(builder, attrs, attrs["id"], False)
    for attrs in builder.of("aws_default_network_acl"):
        vpc = next((v for v in builder.of("aws_vpc") if v.get("default_network_acl_id") == attrs["id"]), {})
        acls[attrs["id"]] = _acl(builder, {**attrs, "vpc_id": attrs.get("vpc_id") or vpc.get("id")}, attrs["id"], True)
    for vpc in builder.of("aws_vpc") + builder.of("aws_default_vpc"):
        default = vpc.get("default_network_acl_id")
        if default and default not in acls:
            allow = [{"rule_no": 100, "action": "allow", "protocol": "-1", "cidr_block": "0.0.0.0/0"}]
            acls[default] = _acl(
                builder,
                {
                    "vpc_id": vpc["id"],
                    "ingress": allow,
                    "egress": allow,
                    "arn": vpc.get("arn"),
                    "owner_id": vpc.get("owner_id"),
                },
                default,
                True,
            )
            builder.assume(
                f"{default}: the default network ACL of {vpc['id']} is not in the Terraform state: "
                "imported allowing all traffic, as AWS creates it"
            )
    for attrs in builder.of("aws_network_acl_rule"):
        acl = acls.get(str(attrs.get("network_acl_id")))
        if acl is not None:
            acl["Entries"].insert(0, _entry(attrs, bool(attrs.get("egress")), "rule_number", "rule_action"))
    _acl_associations(builder, acls)
    for acl in acls.values():
        builder.emit("NetworkAcls", acl.pop("_scope"), acl)


def _acl(builder: Builder, attrs: Doc, rid: str, default: bool) -> Doc:
    entries = [
        _entry(b, egress) for egress, key in ((True, "egress"), (False, "ingress")) for b in attrs.get(key) or []
    ]
    return {
        "NetworkAclId": rid,
        "VpcId": attrs.get("vpc_id"),
        "OwnerId": attrs.get("owner_id"),
        "IsDefault": default,
        "Entries": entries + _denials(),
        "Associations": [],
        "Tags": tags(attrs),
        "_scope": builder.scope(attrs),
        "_subnets": list(attrs.get("subnet_ids") or []),
    }


def _acl_associations(builder: Builder, acls: dict[str, Doc]) -> None:
    placed: dict[str, tuple[str, str]] = {}  # subnet -> (acl, association id)
    for acl in acls.values():
        for subnet in acl.pop("_subnets"):
            placed[subnet] = (acl["NetworkAclId"], derived_id("aclassoc", acl["NetworkAclId"], subnet))
    for attrs in builder.of("aws_network_acl_association"):
        placed[attrs["subnet_id"]] = (attrs["network_acl_id"], attrs["id"])
    for subnet in builder.of("aws_subnet"):  # every other subnet is in its VPC's default ACL [VPCUG23]
        if subnet["id"] not in placed:
            default = next((a for a in acls.values() if a["IsDefault"] and a["VpcId"] == subnet.get("vpc_id")), None)
            if default is not None:
                placed[subnet["id"]] = (
                    default["NetworkAclId"],
                    derived_id("aclassoc", default["NetworkAclId"], subnet["id"]),
                )
    for subnet, (acl_id, association) in placed.items():
        if acl_id in acls:
            acls[acl_id]["Associations"].append(
                {"NetworkAclAssociationId": association, "NetworkAclId": acl_id, "SubnetId": subnet}
            )


CONVERTERS: dict[str, Converter] = {
    "aws_vpc": vpcs,
    "aws_subnet": subnets,
    "aws_internet_gateway": internet_gateways,
    "aws_eip": addresses,
    "aws_nat_gateway": nat_gateways,
    "aws_route_table": route_tables,
    "aws_network_acl": network_acls,
}
HANDLED = {
    *CONVERTERS,
    "aws_default_vpc",
    "aws_default_subnet",
    "aws_vpc_ipv4_cidr_block_association",
    "aws_internet_gateway_attachment",
    "aws_default_route_table",
    "aws_route",
    "aws_route_table_association",
    "aws_main_route_table_association",
    "aws_default_network_acl",
    "aws_network_acl_rule",
    "aws_network_acl_association",
    "aws_vpc_endpoint_route_table_association",
}
