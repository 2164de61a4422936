"""Terraform's Site-to-Site VPN, DHCP options and egress-only internet gateway resources as the items
``aws ec2 describe-*`` prints: customer gateways, virtual private gateways (with ``aws_vpn_gateway_attachment``),
VPN connections (tunnels from ``tunnel1_*``/``tunnel2_*``, static routes from ``aws_vpn_connection_route``), route
propagation (``aws_vpn_gateway_route_propagation`` adds the gateway to the table's ``PropagatingVgws``), DHCP options
sets (with ``aws_vpc_dhcp_options_association``) and egress-only internet gateways. Attribute names are the
hashicorp/aws provider's (5.x)."""

from __future__ import annotations

from typing import Any

from vpcsim.importer.batch import Doc
from vpcsim.importer.terraform_network import tags
from vpcsim.importer.tfstate import Builder, Converter

_DHCP_KEYS = (
    ("domain_name", "domain-name"),
    ("domain_name_servers", "domain-name-servers"),
    ("ntp_servers", "ntp-servers"),
    ("netbios_name_servers", "netbios-name-servers"),
    ("netbios_node_type", "netbios-node-type"),
    ("ipv6_address_preferred_lease_time", "ipv6-address-preferred-lease-time"),
)


def customer_gateways(builder: Builder) -> None:
    for attrs in builder.of("aws_customer_gateway"):
        builder.emit(
            "CustomerGateways",
            builder.scope(attrs),
            {
                "CustomerGatewayId": attrs["id"],
                "BgpAsn": str(attrs.get("bgp_asn") or ""),
                "IpAddress": attrs.get("ip_address"),
                "Type": attrs.get("type") or "ipsec.1",
                "State": "available",
                "DeviceName": attrs.get("device_name"),
                "Tags": tags(attrs),
            },
        )


def vpn_gateways(builder: Builder) -> None:
    attached = {a["vpn_gateway_id"]: a["vpc_id"] for a in builder.of("aws_vpn_gateway_attachment")}
    for attrs in builder.of("aws_vpn_gateway"):
        vpc = attrs.get("vpc_id") or attached.get(attrs["id"])
        builder.emit(
            "VpnGateways",
            builder.scope(attrs),
            {
                "VpnGatewayId": attrs["id"],
                "State": "available",
                "Type": "ipsec.1",
                "AmazonSideAsn": int(attrs.get("amazon_side_asn") or 64512),
                "AvailabilityZone": attrs.get("availability_zone"),
                "VpcAttachments": [{"State": "attached", "VpcId": vpc}] if vpc else [],
                "Tags": tags(attrs),
            },
        )


def vpn_connections(builder: Builder) -> None:
    static_routes = builder.of("aws_vpn_connection_route")
    for attrs in builder.of("aws_vpn_connection"):
        routes = [
            {"DestinationCidrBlock": r.get("destination_cidr_block"), "Source": "Static", "State": "available"}
            for r in static_routes
            if r.get("vpn_connection_id") == attrs["id"]
        ]
        item = {
            "VpnConnectionId": attrs["id"],
            "CustomerGatewayId": attrs.get("customer_gateway_id"),
            "VpnGatewayId": attrs.get("vpn_gateway_id"),
            "TransitGatewayId": attrs.get("transit_gateway_id"),
            "Category": "VPN",
            "State": "available",
            "Type": attrs.get("type") or "ipsec.1",
            "Options": {"StaticRoutesOnly": bool(attrs.get("static_routes_only")), "TunnelOptions": _tunnels(attrs)},
            "Routes": routes,
            "Tags": tags(attrs),
        }
        builder.emit("VpnConnections", builder.scope(attrs), item)
        if attrs.get("transit_gateway_attachment_id"):
            builder.emit(
                "TransitGatewayAttachments",
                builder.scope(attrs),
                {
                    "TransitGatewayAttachmentId": attrs["transit_gateway_attachment_id"],
                    "TransitGatewayId": attrs.get("transit_gateway_id"),
                    "ResourceType": "vpn",
                    "ResourceId": attrs["id"],
                    "ResourceOwnerId": builder.scope(attrs).account,
                    "State": "available",
                },
            )


def _tunnels(attrs: Doc) -> list[Doc]:
    tunnels = []
    for n in (1, 2):
        tunnel: dict[str, Any] = {
            "OutsideIpAddress": attrs.get(f"tunnel{n}_address"),
            "TunnelInsideCidr": attrs.get(f"tunnel{n}_inside_cidr"),
            "PreSharedKey": attrs.get(f"tunnel{n}_preshared_key"),
        }
        tunnels.append({k: v for k, v in tunnel.items() if v})
    return [t for t in tunnels if t]


def route_propagation(builder: Builder) -> None:
    """``aws_vpn_gateway_route_propagation``: the gateway in the table's ``PropagatingVgws`` (the route table items are
    emitted by terraform_network; this adds to them)."""
    wanted = {(p["route_table_id"], p["vpn_gateway_id"]) for p in builder.of("aws_vpn_gateway_route_propagation")}
    for items in builder.items.values():
        for item in items:
            for table, gateway in wanted:
                if item.get("RouteTableId") == table and {"GatewayId": gateway} not in item["PropagatingVgws"]:
                    item["PropagatingVgws"].append({"GatewayId": gateway})


def dhcp_options(builder: Builder) -> None:
    for attrs in builder.of("aws_vpc_dhcp_options"):
        configurations = []
        for key, name in _DHCP_KEYS:
            value = attrs.get(key)
            values = value if isinstance(value, list) else [value] if value not in (None, "") else []
            if values:
                configurations.append({"Key": name, "Values": [{"Value": str(v)} for v in values]})
        builder.emit(
            "DhcpOptions",
            builder.scope(attrs),
            {
                "DhcpOptionsId": attrs["id"],
                "OwnerId": attrs.get("owner_id"),
                "DhcpConfigurations": configurations,
                "Tags": tags(attrs),
            },
        )


def egress_only_gateways(builder: Builder) -> None:
    for attrs in builder.of("aws_egress_only_internet_gateway"):
        builder.emit(
            "EgressOnlyInternetGateways",
            builder.scope(attrs),
            {
                "EgressOnlyInternetGatewayId": attrs["id"],
                "Attachments": [{"State": "attached", "VpcId": attrs.get("vpc_id")}],
                "Tags": tags(attrs),
            },
        )


CONVERTERS: dict[str, Converter] = {
    "aws_customer_gateway": customer_gateways,
    "aws_vpn_gateway": vpn_gateways,
    "aws_vpn_connection": vpn_connections,
    "aws_vpc_dhcp_options": dhcp_options,
    "aws_egress_only_internet_gateway": egress_only_gateways,
}
HANDLED = {
    *CONVERTERS,
    "aws_vpn_gateway_attachment",
    "aws_vpn_connection_route",
    "aws_vpn_gateway_route_propagation",
    "aws_vpc_dhcp_options_association",
}


def dhcp_associations(builder: Builder) -> None:
    """``aws_vpc_dhcp_options_association``: the VPC's ``DhcpOptionsId`` (the VPC items come from terraform_network)."""
    chosen = {a["vpc_id"]: a["dhcp_options_id"] for a in builder.of("aws_vpc_dhcp_options_association")}
    for (member, _), items in builder.items.items():
        for item in items:
            if member == "Vpcs" and item.get("VpcId") in chosen:
                item["DhcpOptionsId"] = chosen[item["VpcId"]]


# What adds to items other converters emit: run after all of them (terraform.convert).
LATE: tuple[Converter, ...] = (route_propagation, dhcp_associations)
