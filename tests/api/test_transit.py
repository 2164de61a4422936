"""Transit gateways through real boto3: gateways, VPC attachments and their interfaces, route tables, associations,
propagation, static routes, search, and a cross-account, cross-region peering attachment with static routes over it."""

from __future__ import annotations

import random
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.conftest import error_code
from vpcsim.testing import Server


def _fails(call: Any, **params: Any) -> str:
    with pytest.raises(ClientError) as excinfo:
        call(**params)
    return error_code(excinfo)


class Side:
    """One account's gateway in one region, with a VPC attached through one subnet."""

    def __init__(self, vpcsim: Server, account: str, region: str, cidr: str) -> None:
        self.account, self.region = account, region
        self.ec2 = vpcsim.client("ec2", region, account)
        gateway = self.ec2.create_transit_gateway(Description=f"hub {region}")["TransitGateway"]
        self.tgw, self.default_rtb = gateway["TransitGatewayId"], gateway["Options"]["AssociationDefaultRouteTableId"]
        self.vpc = self.ec2.create_vpc(CidrBlock=cidr)["Vpc"]["VpcId"]
        zone = self.ec2.describe_availability_zones()["AvailabilityZones"][0]["ZoneName"]
        subnet_cidr = cidr.replace("0.0/16", "1.0/24")
        self.subnet = self.ec2.create_subnet(VpcId=self.vpc, CidrBlock=subnet_cidr, AvailabilityZone=zone)["Subnet"]
        attachment = self.ec2.create_transit_gateway_vpc_attachment(
            TransitGatewayId=self.tgw, VpcId=self.vpc, SubnetIds=[self.subnet["SubnetId"]]
        )["TransitGatewayVpcAttachment"]
        self.attachment = attachment["TransitGatewayAttachmentId"]

    def routes(self, table: str | None = None, **filters: str) -> list[dict[str, Any]]:
        flts = [{"Name": k.replace("_", "-").replace("--", "."), "Values": [v]} for k, v in filters.items()]
        found = self.ec2.search_transit_gateway_routes(
            TransitGatewayRouteTableId=table or self.default_rtb,
            Filters=flts or [{"Name": "state", "Values": ["active", "blackhole"]}],
        )
        return found["Routes"]  # type: ignore[no-any-return]


def _other_account(account: str) -> str:
    while True:
        other = str(random.randrange(10**11, 10**12))
        if other != account:
            return other


def test_gateway_defaults_lifecycle_and_quota(ec2: Any, account: str) -> None:
    created = ec2.create_transit_gateway(
        TagSpecifications=[{"ResourceType": "transit-gateway", "Tags": [{"Key": "Name", "Value": "hub"}]}]
    )["TransitGateway"]
    tgw = created["TransitGatewayId"]
    assert created["State"] == "pending"
    assert created["TransitGatewayArn"] == f"arn:aws:ec2:us-east-1:{account}:transit-gateway/{tgw}"
    options = created["Options"]
    default = options["AssociationDefaultRouteTableId"]
    assert options == {
        "AmazonSideAsn": 64512,
        "AssociationDefaultRouteTableId": default,
        "AutoAcceptSharedAttachments": "disable",
        "DefaultRouteTableAssociation": "enable",
        "DefaultRouteTablePropagation": "enable",
        "DnsSupport": "enable",
        "MulticastSupport": "disable",
        "PropagationDefaultRouteTableId": default,
        "SecurityGroupReferencingSupport": "disable",
        "VpnEcmpSupport": "enable",
    }
    shown = ec2.describe_transit_gateways(TransitGatewayIds=[tgw])["TransitGateways"][0]
    assert shown["State"] == "available" and shown["Tags"] == [{"Key": "Name", "Value": "hub"}]
    table = ec2.describe_transit_gateway_route_tables(TransitGatewayRouteTableIds=[default])[
        "TransitGatewayRouteTables"
    ][0]
    assert (table["DefaultAssociationRouteTable"], table["DefaultPropagationRouteTable"], table["State"]) == (
        True,
        True,
        "available",
    )
    quiet = ec2.create_transit_gateway(Options={"AmazonSideAsn": 65000, "DefaultRouteTablePropagation": "disable"})[
        "TransitGateway"
    ]
    assert quiet["Options"]["AmazonSideAsn"] == 65000 and "PropagationDefaultRouteTableId" not in quiet["Options"]
    by_asn = ec2.describe_transit_gateways(Filters=[{"Name": "options.amazon-side-asn", "Values": ["65000"]}])
    assert [g["TransitGatewayId"] for g in by_asn["TransitGateways"]] == [quiet["TransitGatewayId"]]
    for _ in range(3):
        ec2.create_transit_gateway()
    assert _fails(ec2.create_transit_gateway) == "TransitGatewayLimitExceeded"
    assert (
        _fails(ec2.describe_transit_gateways, TransitGatewayIds=["tgw-0123456789abcdef0"])
        == "InvalidTransitGatewayID.NotFound"
    )
    assert _fails(ec2.describe_transit_gateways, TransitGatewayIds=["tgw-xyz"]) == "InvalidTransitGatewayID.Malformed"
    assert ec2.delete_transit_gateway(TransitGatewayId=tgw)["TransitGateway"]["State"] == "deleting"
    # AWS shows a deleted gateway and its route tables as deleted for a while; they count for nothing.
    tables = ec2.describe_transit_gateway_route_tables(TransitGatewayRouteTableIds=[default])
    assert [t["State"] for t in tables["TransitGatewayRouteTables"]] == ["deleted"]
    assert ec2.describe_transit_gateways(TransitGatewayIds=[tgw])["TransitGateways"][0]["State"] == "deleted"
    assert _fails(ec2.create_transit_gateway_route_table, TransitGatewayId=tgw) == "InvalidTransitGatewayID.NotFound"
    ec2.create_transit_gateway()  # the deleted one no longer counts against the quota


def test_vpc_attachment_interfaces_association_and_propagation(vpcsim: Server, account: str) -> None:
    side = Side(vpcsim, account, "eu-west-1", "10.1.0.0/16")
    ec2 = side.ec2
    shown = ec2.describe_transit_gateway_vpc_attachments(TransitGatewayAttachmentIds=[side.attachment])[
        "TransitGatewayVpcAttachments"
    ][0]
    assert shown["State"] == "available" and shown["SubnetIds"] == [side.subnet["SubnetId"]]
    assert shown["VpcOwnerId"] == account and shown["Options"]["DnsSupport"] == "enable"
    enis = ec2.describe_network_interfaces(Filters=[{"Name": "interface-type", "Values": ["transit_gateway"]}])[
        "NetworkInterfaces"
    ]
    assert [(e["SubnetId"], e["Description"], e["Groups"], e["Status"]) for e in enis] == [
        (side.subnet["SubnetId"], f"Network Interface for Transit Gateway Attachment {side.attachment}", [], "in-use")
    ]
    generic = ec2.describe_transit_gateway_attachments()["TransitGatewayAttachments"]
    assert generic == [
        {
            "TransitGatewayAttachmentId": side.attachment,
            "TransitGatewayId": side.tgw,
            "TransitGatewayOwnerId": account,
            "ResourceOwnerId": account,
            "ResourceType": "vpc",
            "ResourceId": side.vpc,
            "State": "available",
            "Association": {"TransitGatewayRouteTableId": side.default_rtb, "State": "associated"},
            "CreationTime": generic[0]["CreationTime"],
            "Tags": [],
        }
    ]
    assert side.routes() == [
        {
            "DestinationCidrBlock": "10.1.0.0/16",
            "TransitGatewayAttachments": [
                {"ResourceId": side.vpc, "TransitGatewayAttachmentId": side.attachment, "ResourceType": "vpc"}
            ],
            "Type": "propagated",
            "State": "active",
        }
    ]
    rtb = side.default_rtb
    assert (
        _fails(
            ec2.associate_transit_gateway_route_table,
            TransitGatewayRouteTableId=rtb,
            TransitGatewayAttachmentId=side.attachment,
        )
        == "Resource.AlreadyAssociated"
    )
    assert (
        _fails(
            ec2.enable_transit_gateway_route_table_propagation,
            TransitGatewayRouteTableId=rtb,
            TransitGatewayAttachmentId=side.attachment,
        )
        == "TransitGatewayRouteTablePropagation.Duplicate"
    )
    assert _fails(ec2.delete_transit_gateway, TransitGatewayId=side.tgw) == "IncorrectState"
    assert (
        _fails(
            ec2.create_transit_gateway_vpc_attachment,
            TransitGatewayId=side.tgw,
            VpcId=side.vpc,
            SubnetIds=[side.subnet["SubnetId"]],
        )
        == "DuplicateTransitGatewayAttachment"
    )
    # A second table: move the association, propagate there too, and the routes follow.
    other = ec2.create_transit_gateway_route_table(TransitGatewayId=side.tgw)["TransitGatewayRouteTable"][
        "TransitGatewayRouteTableId"
    ]
    ec2.disassociate_transit_gateway_route_table(
        TransitGatewayRouteTableId=rtb, TransitGatewayAttachmentId=side.attachment
    )
    moved = ec2.associate_transit_gateway_route_table(
        TransitGatewayRouteTableId=other, TransitGatewayAttachmentId=side.attachment
    )
    assert moved["Association"]["State"] == "associating"
    assert [
        a["TransitGatewayAttachmentId"]
        for a in ec2.get_transit_gateway_route_table_associations(TransitGatewayRouteTableId=other)["Associations"]
    ] == [side.attachment]
    assert ec2.get_transit_gateway_route_table_associations(TransitGatewayRouteTableId=rtb)["Associations"] == []
    assert _fails(ec2.delete_transit_gateway_route_table, TransitGatewayRouteTableId=other) == "IncorrectState"
    assert side.routes(other, type="propagated") == []
    ec2.enable_transit_gateway_route_table_propagation(
        TransitGatewayRouteTableId=other, TransitGatewayAttachmentId=side.attachment
    )
    propagations = ec2.get_transit_gateway_route_table_propagations(TransitGatewayRouteTableId=other)[
        "TransitGatewayRouteTablePropagations"
    ]
    assert propagations == [
        {
            "TransitGatewayAttachmentId": side.attachment,
            "ResourceId": side.vpc,
            "ResourceType": "vpc",
            "State": "enabled",
        }
    ]
    ec2.disable_transit_gateway_route_table_propagation(
        TransitGatewayRouteTableId=rtb, TransitGatewayAttachmentId=side.attachment
    )
    assert side.routes(rtb) == []
    assert [r["Type"] for r in side.routes(other)] == ["propagated"]
    # A VPC CIDR added later propagates without anyone copying it.
    ec2.associate_vpc_cidr_block(VpcId=side.vpc, CidrBlock="10.100.0.0/16")
    assert sorted(r["DestinationCidrBlock"] for r in side.routes(other)) == ["10.1.0.0/16", "10.100.0.0/16"]


def test_attachment_subnet_rules_and_deletion(vpcsim: Server, account: str) -> None:
    side = Side(vpcsim, account, "eu-west-1", "10.1.0.0/16")
    ec2 = side.ec2
    zone = side.subnet["AvailabilityZone"]
    twin = ec2.create_subnet(VpcId=side.vpc, CidrBlock="10.1.2.0/24", AvailabilityZone=zone)["Subnet"]["SubnetId"]
    other_zone = ec2.describe_availability_zones()["AvailabilityZones"][1]["ZoneName"]
    second = ec2.create_subnet(VpcId=side.vpc, CidrBlock="10.1.3.0/24", AvailabilityZone=other_zone)["Subnet"][
        "SubnetId"
    ]
    vpc2 = ec2.create_vpc(CidrBlock="10.2.0.0/16")["Vpc"]["VpcId"]
    s2a = ec2.create_subnet(VpcId=vpc2, CidrBlock="10.2.1.0/24", AvailabilityZone=zone)["Subnet"]["SubnetId"]
    s2b = ec2.create_subnet(VpcId=vpc2, CidrBlock="10.2.2.0/24", AvailabilityZone=zone)["Subnet"]["SubnetId"]
    assert (
        _fails(ec2.create_transit_gateway_vpc_attachment, TransitGatewayId=side.tgw, VpcId=vpc2, SubnetIds=[s2a, s2b])
        == "DuplicateSubnetsInSameZone"
    )
    assert (
        _fails(ec2.create_transit_gateway_vpc_attachment, TransitGatewayId=side.tgw, VpcId=vpc2, SubnetIds=[second])
        == "InvalidParameterValue"
    )
    assert (
        _fails(
            ec2.modify_transit_gateway_vpc_attachment, TransitGatewayAttachmentId=side.attachment, AddSubnetIds=[twin]
        )
        == "DuplicateSubnetsInSameZone"
    )
    modified = ec2.modify_transit_gateway_vpc_attachment(
        TransitGatewayAttachmentId=side.attachment, AddSubnetIds=[second], RemoveSubnetIds=[side.subnet["SubnetId"]]
    )
    assert modified["TransitGatewayVpcAttachment"]["State"] == "modifying"
    enis = ec2.describe_network_interfaces(Filters=[{"Name": "interface-type", "Values": ["transit_gateway"]}])[
        "NetworkInterfaces"
    ]
    assert [e["SubnetId"] for e in enis] == [second]
    assert _fails(ec2.delete_network_interface, NetworkInterfaceId=enis[0]["NetworkInterfaceId"]) in (
        "InvalidParameterValue",
        "InvalidNetworkInterface.InUse",
    )
    deleted = ec2.delete_transit_gateway_vpc_attachment(TransitGatewayAttachmentId=side.attachment)
    assert deleted["TransitGatewayVpcAttachment"]["State"] == "deleting"
    assert (
        ec2.describe_network_interfaces(Filters=[{"Name": "interface-type", "Values": ["transit_gateway"]}])[
            "NetworkInterfaces"
        ]
        == []
    )
    assert (
        ec2.get_transit_gateway_route_table_propagations(TransitGatewayRouteTableId=side.default_rtb)[
            "TransitGatewayRouteTablePropagations"
        ]
        == []
    )
    shown = ec2.describe_transit_gateway_vpc_attachments(TransitGatewayAttachmentIds=[side.attachment])
    assert [a["State"] for a in shown["TransitGatewayVpcAttachments"]] == ["deleted"]
    assert "Association" not in ec2.describe_transit_gateway_attachments()["TransitGatewayAttachments"][0]
    assert (
        _fails(ec2.describe_transit_gateway_attachments, TransitGatewayAttachmentIds=["tgw-attach-xyz"])
        == "InvalidTransitGatewayAttachmentID.Malformed"
    )
    ec2.delete_transit_gateway(TransitGatewayId=side.tgw)
    assert [g["State"] for g in ec2.describe_transit_gateways()["TransitGateways"]] == ["deleted"]


def test_static_routes_blackholes_and_search(vpcsim: Server, account: str) -> None:
    side = Side(vpcsim, account, "eu-west-1", "10.1.0.0/16")
    ec2, rtb = side.ec2, side.default_rtb
    route = ec2.create_transit_gateway_route(
        TransitGatewayRouteTableId=rtb, DestinationCidrBlock="10.1.0.0/16", TransitGatewayAttachmentId=side.attachment
    )["Route"]
    assert (route["Type"], route["State"]) == ("static", "active")
    ec2.create_transit_gateway_route(
        TransitGatewayRouteTableId=rtb, DestinationCidrBlock="192.168.0.0/16", Blackhole=True
    )
    ec2.create_transit_gateway_route(
        TransitGatewayRouteTableId=rtb, DestinationCidrBlock="10.1.5.0/24", TransitGatewayAttachmentId=side.attachment
    )
    assert (
        _fails(
            ec2.create_transit_gateway_route,
            TransitGatewayRouteTableId=rtb,
            DestinationCidrBlock="10.1.0.0/16",
            Blackhole=True,
        )
        == "RouteAlreadyExists"
    )
    assert (
        _fails(ec2.create_transit_gateway_route, TransitGatewayRouteTableId=rtb, DestinationCidrBlock="10.7.0.0/16")
        == "MissingParameter"
    )
    # Static and propagated to the same CIDR are both listed, each with its Type.
    same = side.routes(route_search__exact_match="10.1.0.0/16")
    assert [(r["Type"], r["State"]) for r in same] == [("static", "active"), ("propagated", "active")]
    assert [r["DestinationCidrBlock"] for r in side.routes(route_search__longest_prefix_match="10.1.5.9/32")] == [
        "10.1.5.0/24"
    ]
    assert [r["DestinationCidrBlock"] for r in side.routes(route_search__subnet_of_match="10.0.0.0/8")] == [
        "10.1.0.0/16",
        "10.1.5.0/24",
        "10.1.0.0/16",
    ]
    assert [
        r["DestinationCidrBlock"] for r in side.routes(route_search__supernet_of_match="10.1.5.0/24", type="static")
    ] == ["10.1.0.0/16", "10.1.5.0/24"]
    assert [r["DestinationCidrBlock"] for r in side.routes(state="blackhole")] == ["192.168.0.0/16"]
    assert len(side.routes(attachment__resource_type="vpc")) == 3
    assert len(side.routes(attachment__transit_gateway_attachment_id=side.attachment, type="static")) == 2
    cut = ec2.search_transit_gateway_routes(
        TransitGatewayRouteTableId=rtb, Filters=[{"Name": "state", "Values": ["active", "blackhole"]}], MaxResults=5
    )
    assert cut["AdditionalRoutesAvailable"] is False
    assert (
        _fails(
            ec2.search_transit_gateway_routes,
            TransitGatewayRouteTableId=rtb,
            Filters=[{"Name": "nonsense", "Values": ["x"]}],
        )
        == "InvalidParameterValue"
    )
    replaced = ec2.replace_transit_gateway_route(
        TransitGatewayRouteTableId=rtb, DestinationCidrBlock="10.1.5.0/24", Blackhole=True
    )["Route"]
    assert replaced["State"] == "blackhole" and "TransitGatewayAttachments" not in replaced
    gone = ec2.delete_transit_gateway_route(TransitGatewayRouteTableId=rtb, DestinationCidrBlock="192.168.0.0/16")[
        "Route"
    ]
    assert gone["State"] == "deleted"
    assert (
        _fails(ec2.delete_transit_gateway_route, TransitGatewayRouteTableId=rtb, DestinationCidrBlock="192.168.0.0/16")
        == "InvalidRoute.NotFound"
    )
    assert (
        _fails(
            ec2.create_transit_gateway_route,
            TransitGatewayRouteTableId="tgw-rtb-0123456789abcdef0",
            DestinationCidrBlock="10.7.0.0/16",
            Blackhole=True,
        )
        == "InvalidRouteTableID.NotFound"
    )
    # Deleting the attachment turns its static routes into blackholes and drops its propagated ones.
    ec2.delete_transit_gateway_vpc_attachment(TransitGatewayAttachmentId=side.attachment)
    assert [(r["DestinationCidrBlock"], r["Type"], r["State"]) for r in side.routes()] == [
        ("10.1.0.0/16", "static", "blackhole"),
        ("10.1.5.0/24", "static", "blackhole"),
    ]


def test_cross_region_peering_attachment_with_static_routes(vpcsim: Server, account: str) -> None:
    other = _other_account(account)
    west1 = Side(vpcsim, account, "eu-west-1", "10.1.0.0/16")
    west2 = Side(vpcsim, other, "eu-west-2", "10.2.0.0/16")
    created = west1.ec2.create_transit_gateway_peering_attachment(
        TransitGatewayId=west1.tgw,
        PeerTransitGatewayId=west2.tgw,
        PeerAccountId=other,
        PeerRegion="eu-west-2",
        TagSpecifications=[
            {"ResourceType": "transit-gateway-attachment", "Tags": [{"Key": "Name", "Value": "bat-fish"}]}
        ],
    )["TransitGatewayPeeringAttachment"]
    aid = created["TransitGatewayAttachmentId"]
    assert created["State"] == "initiatingRequest"
    assert created["AccepterTgwInfo"] == {"TransitGatewayId": west2.tgw, "OwnerId": other, "Region": "eu-west-2"}
    seen = west2.ec2.describe_transit_gateway_peering_attachments()["TransitGatewayPeeringAttachments"]
    assert [(p["TransitGatewayAttachmentId"], p["State"]) for p in seen] == [(aid, "pendingAcceptance")]
    assert (
        _fails(west1.ec2.accept_transit_gateway_peering_attachment, TransitGatewayAttachmentId=aid)
        == "OperationNotPermitted"
    )
    assert (
        _fails(
            west2.ec2.create_transit_gateway_route,
            TransitGatewayRouteTableId=west2.default_rtb,
            DestinationCidrBlock="10.1.0.0/16",
            TransitGatewayAttachmentId=aid,
        )
        == "IncorrectState"
    )
    accepted = west2.ec2.accept_transit_gateway_peering_attachment(TransitGatewayAttachmentId=aid)[
        "TransitGatewayPeeringAttachment"
    ]
    assert accepted["State"] == "pending"
    # Each end has its own tags: the recorded deployment tagged the accepter's side too (its setup.tf).
    west2.ec2.create_tags(Resources=[aid], Tags=[{"Key": "Name", "Value": "bat-fish"}])
    assert (
        _fails(west2.ec2.accept_transit_gateway_peering_attachment, TransitGatewayAttachmentId=aid) == "IncorrectState"
    )
    # Each side sees the one attachment from its own gateway, as the recorded dump shows.
    for side, peer in ((west1, west2), (west2, west1)):
        view = side.ec2.describe_transit_gateway_attachments(
            Filters=[{"Name": "resource-type", "Values": ["peering"]}]
        )["TransitGatewayAttachments"]
        assert [
            (v["TransitGatewayAttachmentId"], v["TransitGatewayId"], v["ResourceId"], v["ResourceOwnerId"], v["State"])
            for v in view
        ] == [(aid, side.tgw, peer.tgw, peer.account, "available")]
        assert view[0]["Tags"] == [{"Key": "Name", "Value": "bat-fish"}]
        assert "Association" not in view[0]
        side.ec2.associate_transit_gateway_route_table(
            TransitGatewayRouteTableId=side.default_rtb, TransitGatewayAttachmentId=aid
        )
        assert (
            _fails(
                side.ec2.enable_transit_gateway_route_table_propagation,
                TransitGatewayRouteTableId=side.default_rtb,
                TransitGatewayAttachmentId=aid,
            )
            == "InvalidParameterValue"
        )
        peer_cidr = "10.2.0.0/16" if side is west1 else "10.1.0.0/16"
        side.ec2.create_transit_gateway_route(
            TransitGatewayRouteTableId=side.default_rtb, DestinationCidrBlock=peer_cidr, TransitGatewayAttachmentId=aid
        )
        routes = side.routes()
        own_cidr = "10.1.0.0/16" if side is west1 else "10.2.0.0/16"
        assert [
            (r["DestinationCidrBlock"], r["Type"], r["TransitGatewayAttachments"][0]["ResourceType"]) for r in routes
        ] == [
            (peer_cidr, "static", "peering"),
            (own_cidr, "propagated", "vpc"),
        ]
        assert routes[0]["TransitGatewayAttachments"][0]["ResourceId"] == peer.tgw
        associated = side.ec2.describe_transit_gateway_attachments(TransitGatewayAttachmentIds=[aid])[
            "TransitGatewayAttachments"
        ][0]
        assert associated["Association"] == {"TransitGatewayRouteTableId": side.default_rtb, "State": "associated"}
    assert (
        _fails(
            west1.ec2.create_transit_gateway_peering_attachment,
            TransitGatewayId=west1.tgw,
            PeerTransitGatewayId=west2.tgw,
            PeerAccountId=other,
            PeerRegion="eu-west-2",
        )
        == "DuplicateTransitGatewayAttachment"
    )
    # The VPC route tables point at their own region's gateway.
    table = west1.ec2.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [west1.vpc]}])["RouteTables"][0][
        "RouteTableId"
    ]
    west1.ec2.create_route(RouteTableId=table, DestinationCidrBlock="10.2.0.0/16", TransitGatewayId=west1.tgw)
    # The accepter deletes it; both sides' static routes over it become blackholes.
    assert (
        west2.ec2.delete_transit_gateway_peering_attachment(TransitGatewayAttachmentId=aid)[
            "TransitGatewayPeeringAttachment"
        ]["State"]
        == "deleting"
    )
    for side in (west1, west2):
        assert [r["State"] for r in side.routes(type="static")] == ["blackhole"]
        shown = side.ec2.describe_transit_gateway_peering_attachments()["TransitGatewayPeeringAttachments"]
        assert [(a["State"], a["Status"]["Code"]) for a in shown] == [("deleted", "deleted")]


def test_peering_attachment_reject_and_unknown_peer(vpcsim: Server, account: str) -> None:
    other = _other_account(account)
    west1 = Side(vpcsim, account, "eu-west-1", "10.1.0.0/16")
    west2 = Side(vpcsim, other, "eu-west-2", "10.2.0.0/16")
    aid = west1.ec2.create_transit_gateway_peering_attachment(
        TransitGatewayId=west1.tgw, PeerTransitGatewayId=west2.tgw, PeerAccountId=other, PeerRegion="eu-west-2"
    )["TransitGatewayPeeringAttachment"]["TransitGatewayAttachmentId"]
    assert (
        _fails(west1.ec2.reject_transit_gateway_peering_attachment, TransitGatewayAttachmentId=aid)
        == "OperationNotPermitted"
    )
    rejected = west2.ec2.reject_transit_gateway_peering_attachment(TransitGatewayAttachmentId=aid)[
        "TransitGatewayPeeringAttachment"
    ]
    assert rejected["State"] == "rejecting"
    shown = west1.ec2.describe_transit_gateway_peering_attachments(TransitGatewayAttachmentIds=[aid])[
        "TransitGatewayPeeringAttachments"
    ][0]
    assert (shown["State"], shown["Status"]["Code"]) == ("rejected", "rejected")
    ghost = west1.ec2.create_transit_gateway_peering_attachment(
        TransitGatewayId=west1.tgw,
        PeerTransitGatewayId="tgw-0123456789abcdef0",
        PeerAccountId=other,
        PeerRegion="eu-west-2",
    )["TransitGatewayPeeringAttachment"]
    assert ghost["State"] == "failed"
    assert (
        _fails(
            west1.ec2.create_transit_gateway_peering_attachment,
            TransitGatewayId=west1.tgw,
            PeerTransitGatewayId="tgw-0123456789abcdef0",
            PeerAccountId=account,
            PeerRegion="eu-west-1",
        )
        == "InvalidTransitGatewayID.NotFound"
    )
    stranger = vpcsim.client("ec2", "eu-west-2", account)
    assert (
        _fails(stranger.describe_transit_gateway_peering_attachments, TransitGatewayAttachmentIds=[aid])
        == "InvalidTransitGatewayAttachmentID.NotFound"
    )
