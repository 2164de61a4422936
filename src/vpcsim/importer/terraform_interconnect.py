"""Terraform's VPC peering connections and transit gateways (route tables, VPC attachments, static routes,
associations, propagations) as the items ``aws ec2 describe-*`` prints, and the route tables' routes and
propagations in the form of Batfish's TransitGatewayStaticRoutes.json and TransitGatewayPropagations.json.
Attribute names are the hashicorp/aws provider's (5.x)."""

from __future__ import annotations

from typing import Any

from vpcsim.importer.batch import Doc
from vpcsim.importer.terraform_network import tags
from vpcsim.importer.tfstate import Builder, Converter


def _enabled(value: Any, default: str = "enable") -> str:
    if isinstance(value, bool):
        return "enable" if value else "disable"
    return str(value or default)


def peering_connections(builder: Builder) -> None:
    accepted = {a["vpc_peering_connection_id"]: a for a in builder.of("aws_vpc_peering_connection_accepter")}
    for attrs in builder.of("aws_vpc_peering_connection"):
        requester_vpc = builder.find("aws_vpc", str(attrs.get("vpc_id"))) or {}
        scope = builder.scope(requester_vpc or attrs)
        peer = builder.find("aws_vpc", str(attrs.get("peer_vpc_id"))) or {}
        status = "active" if attrs["id"] in accepted else str(attrs.get("accept_status") or "pending-acceptance")
        item = {
            "VpcPeeringConnectionId": attrs["id"],
            "RequesterVpcInfo": _vpc_info(attrs.get("vpc_id"), scope.account, scope.region, requester_vpc),
            "AccepterVpcInfo": _vpc_info(
                attrs.get("peer_vpc_id"),
                attrs.get("peer_owner_id") or scope.account,
                attrs.get("peer_region") or scope.region,
                peer,
            ),
            "Status": {"Code": status, "Message": "Active" if status == "active" else status},
            "Tags": tags(attrs),
        }
        builder.emit("VpcPeeringConnections", scope, item)


def _vpc_info(vpc_id: Any, owner: Any, region: Any, vpc: Doc) -> Doc:
    info = {"VpcId": vpc_id, "OwnerId": owner, "Region": region}
    if vpc.get("cidr_block"):
        info.update(CidrBlock=vpc["cidr_block"], CidrBlockSet=[{"CidrBlock": vpc["cidr_block"]}])
    return info


# -- transit gateways ------------------------------------------------------------------------------------------------
def transit_gateways(builder: Builder) -> None:
    declared = {t["id"] for t in builder.of("aws_ec2_transit_gateway_route_table")}
    for attrs in builder.of("aws_ec2_transit_gateway"):
        scope = builder.scope(attrs)
        association = attrs.get("association_default_route_table_id")
        options = {
            "AmazonSideAsn": int(attrs.get("amazon_side_asn") or 64512),
            "AutoAcceptSharedAttachments": _enabled(attrs.get("auto_accept_shared_attachments"), "disable"),
            "DefaultRouteTableAssociation": _enabled(attrs.get("default_route_table_association")),
            "DefaultRouteTablePropagation": _enabled(attrs.get("default_route_table_propagation")),
            "AssociationDefaultRouteTableId": association,
            "PropagationDefaultRouteTableId": attrs.get("propagation_default_route_table_id"),
            "DnsSupport": _enabled(attrs.get("dns_support")),
            "VpnEcmpSupport": _enabled(attrs.get("vpn_ecmp_support")),
            "MulticastSupport": _enabled(attrs.get("multicast_support"), "disable"),
        }
        builder.emit(
            "TransitGateways",
            scope,
            {
                "TransitGatewayId": attrs["id"],
                "TransitGatewayArn": attrs.get("arn"),
                "OwnerId": attrs.get("owner_id"),
                "State": "available",
                "Description": attrs.get("description") or "",
                "Options": {k: v for k, v in options.items() if v},
                "Tags": tags(attrs),
            },
        )
        if association and association not in declared:
            builder.emit(
                "TransitGatewayRouteTables",
                scope,
                {
                    "TransitGatewayRouteTableId": association,
                    "TransitGatewayId": attrs["id"],
                    "State": "available",
                    "DefaultAssociationRouteTable": True,
                    "DefaultPropagationRouteTable": True,
                },
            )
    for attrs in builder.of("aws_ec2_transit_gateway_route_table"):
        builder.emit(
            "TransitGatewayRouteTables",
            builder.scope(attrs),
            {
                "TransitGatewayRouteTableId": attrs["id"],
                "TransitGatewayId": attrs.get("transit_gateway_id"),
                "State": "available",
                "DefaultAssociationRouteTable": bool(attrs.get("default_association_route_table")),
                "DefaultPropagationRouteTable": bool(attrs.get("default_propagation_route_table")),
                "Tags": tags(attrs),
            },
        )
    _vpc_attachments(builder)
    _tgw_routes(builder)


def _vpc_attachments(builder: Builder) -> None:
    gateways = {g["id"]: g for g in builder.of("aws_ec2_transit_gateway")}
    for attrs in builder.of("aws_ec2_transit_gateway_vpc_attachment"):
        scope, tid = builder.scope(attrs), attrs.get("transit_gateway_id")
        builder.emit(
            "TransitGatewayVpcAttachments",
            scope,
            {
                "TransitGatewayAttachmentId": attrs["id"],
                "TransitGatewayId": tid,
                "VpcId": attrs.get("vpc_id"),
                "VpcOwnerId": attrs.get("vpc_owner_id") or scope.account,
                "SubnetIds": list(attrs.get("subnet_ids") or []),
                "State": "available",
                "Tags": tags(attrs),
                "Options": {
                    "DnsSupport": _enabled(attrs.get("dns_support")),
                    "Ipv6Support": _enabled(attrs.get("ipv6_support"), "disable"),
                    "ApplianceModeSupport": _enabled(attrs.get("appliance_mode_support"), "disable"),
                },
            },
        )
        gateway = gateways.get(str(tid), {})
        table = next(
            (
                a["transit_gateway_route_table_id"]
                for a in builder.of("aws_ec2_transit_gateway_route_table_association")
                if a.get("transit_gateway_attachment_id") == attrs["id"]
            ),
            None,
        )
        if table is None and attrs.get("transit_gateway_default_route_table_association", True):
            table = gateway.get("association_default_route_table_id")
        view = {
            "TransitGatewayAttachmentId": attrs["id"],
            "TransitGatewayId": tid,
            "ResourceType": "vpc",
            "ResourceId": attrs.get("vpc_id"),
            "State": "available",
        }
        if table:
            view["Association"] = {"TransitGatewayRouteTableId": table, "State": "associated"}
        builder.emit("TransitGatewayAttachments", scope, view)


def _tgw_routes(builder: Builder) -> None:
    gateways = {g["id"]: g for g in builder.of("aws_ec2_transit_gateway")}
    tables: dict[str, tuple[Any, list[Doc], list[Doc]]] = {}

    def table(tid: str, near: Doc) -> tuple[Any, list[Doc], list[Doc]]:
        return tables.setdefault(tid, (builder.scope(near), [], []))

    for attrs in builder.of("aws_ec2_transit_gateway_route"):
        route: Doc = {"DestinationCidrBlock": attrs.get("destination_cidr_block"), "Type": "static", "State": "active"}
        if attrs.get("blackhole"):
            route["State"] = "blackhole"
        else:
            route["TransitGatewayAttachments"] = [
                {"TransitGatewayAttachmentId": attrs.get("transit_gateway_attachment_id")}
            ]
        table(attrs["transit_gateway_route_table_id"], attrs)[1].append(route)
    for attrs in builder.of("aws_ec2_transit_gateway_route_table_propagation"):
        table(attrs["transit_gateway_route_table_id"], attrs)[2].append(
            {"TransitGatewayAttachmentId": attrs.get("transit_gateway_attachment_id"), "State": "enabled"}
        )
    for attrs in builder.of("aws_ec2_transit_gateway_vpc_attachment"):
        gateway = gateways.get(str(attrs.get("transit_gateway_id")), {})
        default = gateway.get("propagation_default_route_table_id")
        if default and attrs.get("transit_gateway_default_route_table_propagation", True):
            table(default, attrs)[2].append({"TransitGatewayAttachmentId": attrs["id"], "State": "enabled"})
    for tid, (scope, routes, propagations) in tables.items():
        builder.emit("TransitGatewayStaticRoutes", scope, {"TransitGatewayRouteTableId": tid, "Routes": routes})
        builder.emit(
            "TransitGatewayPropagations",
            scope,
            {"TransitGatewayRouteTableId": tid, "TransitGatewayRouteTablePropagations": propagations},
        )


CONVERTERS: dict[str, Converter] = {
    "aws_vpc_peering_connection": peering_connections,
    "aws_ec2_transit_gateway": transit_gateways,
}
HANDLED = {
    *CONVERTERS,
    "aws_vpc_peering_connection_accepter",
    "aws_ec2_transit_gateway_route_table",
    "aws_ec2_transit_gateway_vpc_attachment",
    "aws_ec2_transit_gateway_route",
    "aws_ec2_transit_gateway_route_table_association",
    "aws_ec2_transit_gateway_route_table_propagation",
}
