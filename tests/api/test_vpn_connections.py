"""Site-to-Site VPN connections through boto3 and the AWS CLI: tunnels, the customer gateway configuration, telemetry,
static routes, BGP prefixes, route propagation into VPC route tables, VPN attachments on transit gateways, and AWS's
errors for misuse."""

from __future__ import annotations

import ipaddress
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.conftest import Cli, error_code

MISSING = "0123456789abcdef0"
ADVERTISED = "vpcsim:advertised-prefixes"


def _fails(code: str, call: Any, **kwargs: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        call(**kwargs)
    assert error_code(excinfo) == code, excinfo.value


@dataclass
class Site:
    ec2: Any
    vpc: str
    table: str
    cgw: str
    vgw: str


def _site(ec2: Any, ip: str = "203.0.113.10", asn: int = 65010) -> Site:
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    table = ec2.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["RouteTables"][0]["RouteTableId"]
    cgw = ec2.create_customer_gateway(Type="ipsec.1", IpAddress=ip, BgpAsn=asn)["CustomerGateway"]["CustomerGatewayId"]
    vgw = ec2.create_vpn_gateway(Type="ipsec.1", AmazonSideAsn=65100)["VpnGateway"]["VpnGatewayId"]
    ec2.attach_vpn_gateway(VpnGatewayId=vgw, VpcId=vpc)
    return Site(ec2, vpc, table, cgw, vgw)


def _connect(site: Site, static: bool = True, **extra: Any) -> dict[str, Any]:
    return dict(
        site.ec2.create_vpn_connection(
            Type="ipsec.1",
            CustomerGatewayId=site.cgw,
            VpnGatewayId=site.vgw,
            Options={"StaticRoutesOnly": static, **extra.pop("Options", {})},
            **extra,
        )["VpnConnection"]
    )


def _describe(ec2: Any, vid: str) -> dict[str, Any]:
    (found,) = ec2.describe_vpn_connections(VpnConnectionIds=[vid])["VpnConnections"]
    return dict(found)


def _tunnels(configuration: str) -> list[ET.Element]:
    root = ET.fromstring(configuration.encode())
    return root.findall("ipsec_tunnel")


# -- a static connection ----------------------------------------------------------------------------------------------
def test_static_connection_tunnels_configuration_and_telemetry(ec2: Any) -> None:
    site = _site(ec2)
    created = _connect(site)
    vid = created["VpnConnectionId"]
    assert created["State"] == "pending" and vid.startswith("vpn-")
    ec2.get_waiter("vpn_connection_available").wait(VpnConnectionIds=[vid])
    shown = _describe(ec2, vid)
    assert shown["State"] == "available" and shown["Category"] == "VPN" and shown["Type"] == "ipsec.1"
    assert shown["VpnGatewayId"] == site.vgw and shown["CustomerGatewayId"] == site.cgw and shown["Routes"] == []
    options = shown["Options"]
    assert {k: options[k] for k in ("StaticRoutesOnly", "LocalIpv4NetworkCidr", "RemoteIpv4NetworkCidr")} == {
        "StaticRoutesOnly": True,
        "LocalIpv4NetworkCidr": "0.0.0.0/0",
        "RemoteIpv4NetworkCidr": "0.0.0.0/0",
    }
    assert options["TunnelInsideIpVersion"] == "ipv4" and options["OutsideIpAddressType"] == "PublicIpv4"
    tunnels = options["TunnelOptions"]
    assert len(tunnels) == 2 and tunnels[0]["TunnelInsideCidr"] != tunnels[1]["TunnelInsideCidr"]
    for tunnel in tunnels:
        inside = ipaddress.ip_network(tunnel["TunnelInsideCidr"])
        assert inside.prefixlen == 30 and inside.subnet_of(ipaddress.ip_network("169.254.0.0/16"))
        assert re.fullmatch(r"[A-Za-z1-9_.][A-Za-z0-9_.]{31}", tunnel["PreSharedKey"])
    telemetry = shown["VgwTelemetry"]
    assert [t["OutsideIpAddress"] for t in telemetry] == [t["OutsideIpAddress"] for t in tunnels]
    assert {t["Status"] for t in telemetry} == {"UP"}
    # The configuration AWS hands out for the customer's device: static, so no BGP, and the tunnels' own values.
    root = ET.fromstring(shown["CustomerGatewayConfiguration"].encode())
    assert root.get("id") == vid and root.findtext("vpn_gateway_id") == site.vgw
    assert root.findtext("vpn_connection_attributes") == "NoBGPVPNConnection"
    for element, tunnel in zip(_tunnels(shown["CustomerGatewayConfiguration"]), tunnels, strict=True):
        assert element.findtext("vpn_gateway/tunnel_outside_address/ip_address") == tunnel["OutsideIpAddress"]
        assert element.findtext("customer_gateway/tunnel_outside_address/ip_address") == "203.0.113.10"
        assert element.findtext("ike/pre_shared_key") == tunnel["PreSharedKey"]
        network = ipaddress.ip_network(tunnel["TunnelInsideCidr"])
        assert element.findtext("vpn_gateway/tunnel_inside_address/ip_address") == str(network.network_address + 1)
        assert element.findtext("customer_gateway/tunnel_inside_address/ip_address") == str(network.network_address + 2)
        assert element.find("vpn_gateway/bgp") is None


def test_static_routes(ec2: Any) -> None:
    site = _site(ec2)
    vid = _connect(site)["VpnConnectionId"]
    ec2.create_vpn_connection_route(VpnConnectionId=vid, DestinationCidrBlock="192.168.0.0/16")
    ec2.create_vpn_connection_route(VpnConnectionId=vid, DestinationCidrBlock="172.16.5.7/16")  # canonical form
    ec2.create_vpn_connection_route(VpnConnectionId=vid, DestinationCidrBlock="192.168.0.0/16")  # again: no change
    assert _describe(ec2, vid)["Routes"] == [
        {"DestinationCidrBlock": "192.168.0.0/16", "Source": "Static", "State": "available"},
        {"DestinationCidrBlock": "172.16.0.0/16", "Source": "Static", "State": "available"},
    ]
    found = ec2.describe_vpn_connections(
        Filters=[{"Name": "route.destination-cidr-block", "Values": ["172.16.0.0/16"]}]
    )
    assert [c["VpnConnectionId"] for c in found["VpnConnections"]] == [vid]
    ec2.delete_vpn_connection_route(VpnConnectionId=vid, DestinationCidrBlock="172.16.0.0/16")
    assert [r["DestinationCidrBlock"] for r in _describe(ec2, vid)["Routes"]] == ["192.168.0.0/16"]
    _fails(
        "InvalidRoute.NotFound",
        ec2.delete_vpn_connection_route,
        VpnConnectionId=vid,
        DestinationCidrBlock="172.16.0.0/16",
    )
    _fails("InvalidParameterValue", ec2.create_vpn_connection_route, VpnConnectionId=vid, DestinationCidrBlock="x/99")


def test_bgp_connection_configuration_and_advertised_prefixes(ec2: Any) -> None:
    site = _site(ec2)
    tags = [{"ResourceType": "vpn-connection", "Tags": [{"Key": ADVERTISED, "Value": "192.168.0.0/16, 10.50.0.0/24"}]}]
    vid = _connect(site, static=False, TagSpecifications=tags)["VpnConnectionId"]
    shown = _describe(ec2, vid)
    assert shown["Options"]["StaticRoutesOnly"] is False
    root = ET.fromstring(shown["CustomerGatewayConfiguration"].encode())
    assert root.find("vpn_connection_attributes") is None
    for element in _tunnels(shown["CustomerGatewayConfiguration"]):
        assert element.findtext("customer_gateway/bgp/asn") == "65010"
        assert element.findtext("vpn_gateway/bgp/asn") == "65100"
        assert element.findtext("vpn_gateway/bgp/hold_time") == "30"
    assert [(t["AcceptedRouteCount"], t["StatusMessage"]) for t in shown["VgwTelemetry"]] == [(2, "2 BGP ROUTES")] * 2
    _fails(
        "InvalidVpnConnection.InvalidType",
        ec2.create_vpn_connection_route,
        VpnConnectionId=vid,
        DestinationCidrBlock="172.16.0.0/16",
    )
    found = ec2.describe_vpn_connections(Filters=[{"Name": "bgp-asn", "Values": ["65010"]}])["VpnConnections"]
    assert [c["VpnConnectionId"] for c in found] == [vid]


def test_tunnel_options_are_taken_and_checked(ec2: Any) -> None:
    site = _site(ec2)
    given = [
        {"TunnelInsideCidr": "169.254.10.0/30", "PreSharedKey": "first_key.1234", "Phase1LifetimeSeconds": 14400},
        {"TunnelInsideCidr": "169.254.11.0/30", "IKEVersions": [{"Value": "ikev2"}], "DPDTimeoutAction": "restart"},
    ]
    vid = _connect(site, Options={"TunnelOptions": given})["VpnConnectionId"]
    first, second = _describe(ec2, vid)["Options"]["TunnelOptions"]
    assert first["TunnelInsideCidr"] == "169.254.10.0/30" and first["PreSharedKey"] == "first_key.1234"
    assert first["Phase1LifetimeSeconds"] == 14400
    assert second["IkeVersions"] == [{"Value": "ikev2"}] and second["DpdTimeoutAction"] == "restart"
    other = ec2.create_customer_gateway(Type="ipsec.1", IpAddress="203.0.113.99", BgpAsn=65011)["CustomerGateway"]
    for options, code in (
        ({"TunnelOptions": [{"TunnelInsideCidr": "169.254.10.0/30"}]}, "InvalidCidr.InUse"),
        ({"TunnelOptions": [{"TunnelInsideCidr": "169.254.1.0/30"}]}, "InvalidParameterValue"),
        ({"TunnelOptions": [{"TunnelInsideCidr": "10.0.0.0/30"}]}, "InvalidParameterValue"),
        ({"TunnelOptions": [{"PreSharedKey": "0starts-with-zero"}]}, "InvalidParameterValue"),
        ({"TunnelOptions": [{"PreSharedKey": "short"}]}, "InvalidParameterValue"),
        ({"TunnelOptions": [{"Phase2LifetimeSeconds": 60}]}, "InvalidParameterValue"),
        ({"TunnelOptions": [{"Phase1EncryptionAlgorithms": [{"Value": "DES"}]}]}, "InvalidParameterValue"),
        ({"TunnelOptions": [{"ReplayWindowSize": 64}] * 3}, "InvalidParameterValue"),
        ({"TunnelInsideIpVersion": "ipv6"}, "InvalidParameterValue"),
        ({"EnableAcceleration": True}, "InvalidParameterValue"),
    ):
        _fails(
            code,
            ec2.create_vpn_connection,
            Type="ipsec.1",
            CustomerGatewayId=other["CustomerGatewayId"],
            VpnGatewayId=site.vgw,
            Options=options,
        )
    assert [c["VpnConnectionId"] for c in ec2.describe_vpn_connections()["VpnConnections"]] == [vid]


def test_connection_refusals_idempotence_and_deletion(ec2: Any) -> None:
    site = _site(ec2)
    vid = _connect(site)["VpnConnectionId"]
    assert _connect(site)["VpnConnectionId"] == vid  # the same customer gateway and gateway: the same connection
    twin = ec2.create_customer_gateway(Type="ipsec.1", IpAddress="203.0.113.10", BgpAsn=65010, DeviceName="twin")
    twin_id = twin["CustomerGateway"]["CustomerGatewayId"]
    _fails(
        "InvalidCustomerGateway.DuplicateIpAddress",
        ec2.create_vpn_connection,
        Type="ipsec.1",
        CustomerGatewayId=twin_id,
        VpnGatewayId=site.vgw,
    )
    tgw = ec2.create_transit_gateway()["TransitGateway"]["TransitGatewayId"]
    _fails(
        "InvalidParameterCombination",
        ec2.create_vpn_connection,
        Type="ipsec.1",
        CustomerGatewayId=twin_id,
        VpnGatewayId=site.vgw,
        TransitGatewayId=tgw,
    )
    _fails("MissingParameter", ec2.create_vpn_connection, Type="ipsec.1", CustomerGatewayId=twin_id)
    _fails(
        "InvalidParameterValue",
        ec2.create_vpn_connection,
        Type="ipsec",
        CustomerGatewayId=twin_id,
        VpnGatewayId=site.vgw,
    )
    _fails(
        "InvalidCustomerGatewayID.NotFound",
        ec2.create_vpn_connection,
        Type="ipsec.1",
        CustomerGatewayId=f"cgw-{MISSING}",
        VpnGatewayId=site.vgw,
    )
    _fails(
        "InvalidVpnGatewayID.NotFound",
        ec2.create_vpn_connection,
        Type="ipsec.1",
        CustomerGatewayId=twin_id,
        VpnGatewayId=f"vgw-{MISSING}",
    )
    ec2.delete_customer_gateway(CustomerGatewayId=twin_id)
    _fails(
        "InvalidCustomerGatewayState",
        ec2.create_vpn_connection,
        Type="ipsec.1",
        CustomerGatewayId=twin_id,
        VpnGatewayId=site.vgw,
    )
    _fails("InvalidVpnConnectionID.Malformed", ec2.delete_vpn_connection, VpnConnectionId="vpn-nope")
    _fails("InvalidVpnConnectionID.NotFound", ec2.delete_vpn_connection, VpnConnectionId=f"vpn-{MISSING}")
    ec2.delete_vpn_connection(VpnConnectionId=vid)
    gone = _describe(ec2, vid)
    assert gone["State"] == "deleted" and "CustomerGatewayConfiguration" not in gone
    assert {t["Status"] for t in gone["VgwTelemetry"]} == {"DOWN"}
    _fails("InvalidVpnConnectionID.NotFound", ec2.delete_vpn_connection, VpnConnectionId=vid)
    _fails(
        "InvalidVpnConnection.InvalidState",
        ec2.create_vpn_connection_route,
        VpnConnectionId=vid,
        DestinationCidrBlock="192.168.0.0/16",
    )


# -- route propagation ------------------------------------------------------------------------------------------------
def _routes(ec2: Any, table: str) -> list[dict[str, Any]]:
    return list(ec2.describe_route_tables(RouteTableIds=[table])["RouteTables"][0]["Routes"])


def test_propagated_routes_in_a_vpc_route_table(ec2: Any) -> None:
    site = _site(ec2)
    static = _connect(site)["VpnConnectionId"]
    ec2.create_vpn_connection_route(VpnConnectionId=static, DestinationCidrBlock="192.168.0.0/16")
    other = ec2.create_customer_gateway(Type="ipsec.1", IpAddress="198.51.100.1", BgpAsn=65020)["CustomerGateway"]
    tags = [{"ResourceType": "vpn-connection", "Tags": [{"Key": ADVERTISED, "Value": "172.20.0.0/16 192.168.0.0/16"}]}]
    ec2.create_vpn_connection(
        Type="ipsec.1", CustomerGatewayId=other["CustomerGatewayId"], VpnGatewayId=site.vgw, TagSpecifications=tags
    )
    assert all(r["GatewayId"] == "local" for r in _routes(ec2, site.table))
    ec2.enable_vgw_route_propagation(RouteTableId=site.table, GatewayId=site.vgw)
    ec2.enable_vgw_route_propagation(RouteTableId=site.table, GatewayId=site.vgw)  # again: no change
    table = ec2.describe_route_tables(RouteTableIds=[site.table])["RouteTables"][0]
    assert table["PropagatingVgws"] == [{"GatewayId": site.vgw}]
    propagated = [r for r in table["Routes"] if r.get("Origin") == "EnableVgwRoutePropagation"]
    assert propagated == [
        {"DestinationCidrBlock": c, "GatewayId": site.vgw, "Origin": "EnableVgwRoutePropagation", "State": "active"}
        for c in ("192.168.0.0/16", "172.20.0.0/16")
    ]
    found = ec2.describe_route_tables(Filters=[{"Name": "route.origin", "Values": ["EnableVgwRoutePropagation"]}])
    assert [t["RouteTableId"] for t in found["RouteTables"]] == [site.table]
    # A static route of the same prefix is allowed beside the propagated one (and wins: test_dataplane_onprem).
    ec2.create_route(RouteTableId=site.table, DestinationCidrBlock="172.20.0.0/16", GatewayId=site.vgw)
    assert sum(r.get("DestinationCidrBlock") == "172.20.0.0/16" for r in _routes(ec2, site.table)) == 2
    # Detaching the gateway takes its propagated routes away and blackholes its static route.
    ec2.detach_vpn_gateway(VpnGatewayId=site.vgw, VpcId=site.vpc)
    table = ec2.describe_route_tables(RouteTableIds=[site.table])["RouteTables"][0]
    assert table["PropagatingVgws"] == []
    assert [(r["DestinationCidrBlock"], r["State"]) for r in table["Routes"] if r["GatewayId"] == site.vgw] == [
        ("172.20.0.0/16", "blackhole")
    ]
    _fails("Gateway.NotAttached", ec2.enable_vgw_route_propagation, RouteTableId=site.table, GatewayId=site.vgw)
    ec2.attach_vpn_gateway(VpnGatewayId=site.vgw, VpcId=site.vpc)
    assert len([r for r in _routes(ec2, site.table) if r["Origin"] == "EnableVgwRoutePropagation"]) == 2
    ec2.disable_vgw_route_propagation(RouteTableId=site.table, GatewayId=site.vgw)
    assert [r for r in _routes(ec2, site.table) if r["Origin"] == "EnableVgwRoutePropagation"] == []


def test_routes_to_a_vpn_gateway(ec2: Any) -> None:
    site = _site(ec2)
    ec2.create_route(RouteTableId=site.table, DestinationCidrBlock="192.168.0.0/16", GatewayId=site.vgw)
    (route,) = [r for r in _routes(ec2, site.table) if r["GatewayId"] == site.vgw]
    assert route == {
        "DestinationCidrBlock": "192.168.0.0/16",
        "GatewayId": site.vgw,
        "Origin": "CreateRoute",
        "State": "active",
    }
    elsewhere = ec2.create_vpn_gateway(Type="ipsec.1")["VpnGateway"]["VpnGatewayId"]
    _fails(
        "InvalidParameterValue",
        ec2.create_route,
        RouteTableId=site.table,
        DestinationCidrBlock="172.16.0.0/12",
        GatewayId=elsewhere,
    )
    _fails(
        "InvalidGatewayID.NotFound",
        ec2.create_route,
        RouteTableId=site.table,
        DestinationCidrBlock="172.16.0.0/12",
        GatewayId=f"vgw-{MISSING}",
    )
    _fails(
        "InvalidVpnGatewayID.NotFound",
        ec2.enable_vgw_route_propagation,
        RouteTableId=site.table,
        GatewayId=f"vgw-{MISSING}",
    )


def test_edge_association_of_a_vpn_gateway(ec2: Any) -> None:
    site = _site(ec2)
    edge = ec2.create_route_table(VpcId=site.vpc)["RouteTable"]["RouteTableId"]
    ec2.associate_route_table(RouteTableId=edge, GatewayId=site.vgw)
    associations = ec2.describe_route_tables(RouteTableIds=[edge])["RouteTables"][0]["Associations"]
    assert [a.get("GatewayId") for a in associations] == [site.vgw]
    _fails("Resource.AlreadyAssociated", ec2.associate_route_table, RouteTableId=edge, GatewayId=site.vgw)
    elsewhere = ec2.create_vpn_gateway(Type="ipsec.1")["VpnGateway"]["VpnGatewayId"]
    _fails("InvalidParameterValue", ec2.associate_route_table, RouteTableId=edge, GatewayId=elsewhere)


# -- transit gateways -------------------------------------------------------------------------------------------------
def test_vpn_connection_to_a_transit_gateway(ec2: Any) -> None:
    tgw = ec2.create_transit_gateway()["TransitGateway"]["TransitGatewayId"]
    cgw = ec2.create_customer_gateway(Type="ipsec.1", IpAddress="203.0.113.20", BgpAsn=65030)["CustomerGateway"]
    created = ec2.create_vpn_connection(
        Type="ipsec.1",
        CustomerGatewayId=cgw["CustomerGatewayId"],
        TransitGatewayId=tgw,
        Options={"StaticRoutesOnly": True},
    )["VpnConnection"]
    vid = created["VpnConnectionId"]
    assert created["TransitGatewayId"] == tgw and "VpnGatewayId" not in created
    root = ET.fromstring(_describe(ec2, vid)["CustomerGatewayConfiguration"].encode())
    assert root.findtext("vpn_gateway_id") == ""
    (attachment,) = ec2.describe_transit_gateway_attachments(
        Filters=[
            {"Name": "resource-type", "Values": ["vpn"]},
            {"Name": "resource-id", "Values": [vid]},
            {"Name": "transit-gateway-id", "Values": [tgw]},
        ]
    )["TransitGatewayAttachments"]
    default = ec2.describe_transit_gateway_route_tables()["TransitGatewayRouteTables"][0]["TransitGatewayRouteTableId"]
    assert attachment["State"] == "available" and attachment["ResourceType"] == "vpn"
    assert attachment["Association"] == {"TransitGatewayRouteTableId": default, "State": "associated"}
    ec2.create_vpn_connection_route(VpnConnectionId=vid, DestinationCidrBlock="192.168.0.0/16")
    routes = ec2.search_transit_gateway_routes(
        TransitGatewayRouteTableId=default, Filters=[{"Name": "attachment.resource-type", "Values": ["vpn"]}]
    )["Routes"]
    assert routes == [
        {
            "DestinationCidrBlock": "192.168.0.0/16",
            "TransitGatewayAttachments": [
                {
                    "ResourceId": vid,
                    "TransitGatewayAttachmentId": attachment["TransitGatewayAttachmentId"],
                    "ResourceType": "vpn",
                }
            ],
            "Type": "propagated",
            "State": "active",
        }
    ]
    propagations = ec2.get_transit_gateway_route_table_propagations(TransitGatewayRouteTableId=default)
    assert [p["ResourceType"] for p in propagations["TransitGatewayRouteTablePropagations"]] == ["vpn"]
    _fails("IncorrectState", ec2.delete_transit_gateway, TransitGatewayId=tgw)
    ec2.delete_vpn_connection(VpnConnectionId=vid)
    vpn = [{"Name": "resource-type", "Values": ["vpn"]}]
    gone = ec2.describe_transit_gateway_attachments(Filters=vpn)["TransitGatewayAttachments"]
    assert [(a["State"], "Association" in a) for a in gone] == [("deleted", False)]  # shown for a while, as AWS does
    ec2.delete_transit_gateway(TransitGatewayId=tgw)


def test_vpn_through_the_aws_cli(aws: Cli, ec2: Any) -> None:
    site = _site(ec2)
    created = aws(
        "ec2",
        "create-vpn-connection",
        "--type",
        "ipsec.1",
        "--customer-gateway-id",
        site.cgw,
        "--vpn-gateway-id",
        site.vgw,
        "--options",
        '{"StaticRoutesOnly":true}',
    )["VpnConnection"]
    vid = created["VpnConnectionId"]
    aws("ec2", "create-vpn-connection-route", "--vpn-connection-id", vid, "--destination-cidr-block", "10.99.0.0/16")
    shown = aws("ec2", "describe-vpn-connections", "--filters", "Name=state,Values=available")["VpnConnections"]
    assert [(c["VpnConnectionId"], [r["DestinationCidrBlock"] for r in c["Routes"]]) for c in shown] == [
        (vid, ["10.99.0.0/16"])
    ]
    aws("ec2", "enable-vgw-route-propagation", "--route-table-id", site.table, "--gateway-id", site.vgw)
    assert aws.error("ec2", "delete-vpn-connection", "--vpn-connection-id", f"vpn-{MISSING}") == (
        "InvalidVpnConnectionID.NotFound"
    )
