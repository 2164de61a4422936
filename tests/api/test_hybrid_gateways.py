"""Customer gateways and virtual private gateways through boto3 and the AWS CLI: shapes, filters, states, AWS's
errors for misuse, and what blocks DeleteVpc."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.conftest import Cli, error_code

MISSING = "0123456789abcdef0"


def _fails(code: str, call: Any, **kwargs: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        call(**kwargs)
    assert error_code(excinfo) == code, excinfo.value


def _cgw(ec2: Any, ip: str = "203.0.113.10", **extra: Any) -> dict[str, Any]:
    return dict(ec2.create_customer_gateway(Type="ipsec.1", IpAddress=ip, **extra)["CustomerGateway"])


# -- customer gateways -------------------------------------------------------------------------------------------
def test_customer_gateway_create_describe_filter_delete(ec2: Any) -> None:
    created = _cgw(
        ec2,
        BgpAsn=65010,
        DeviceName="edge-1",
        TagSpecifications=[{"ResourceType": "customer-gateway", "Tags": [{"Key": "Name", "Value": "hq"}]}],
    )
    gid = created["CustomerGatewayId"]
    assert created == {
        "CustomerGatewayId": gid,
        "State": "available",
        "Type": "ipsec.1",
        "IpAddress": "203.0.113.10",
        "BgpAsn": "65010",
        "DeviceName": "edge-1",
        "Tags": [{"Key": "Name", "Value": "hq"}],
    }
    assert gid.startswith("cgw-") and len(gid) == 21
    other = _cgw(ec2, "198.51.100.7")  # no ASN given: 65000 [EC2API CreateCustomerGateway]
    assert other["BgpAsn"] == "65000" and "BgpAsnExtended" not in other
    for name, value in (
        ("bgp-asn", "65010"),
        ("ip-address", "203.0.113.10"),
        ("tag:Name", "hq"),
        ("device-name", "edge-1"),
        ("customer-gateway-id", gid),
    ):
        found = ec2.describe_customer_gateways(Filters=[{"Name": name, "Values": [value]}])["CustomerGateways"]
        assert [g["CustomerGatewayId"] for g in found] == [gid], name
    # An identical request answers the same gateway; another device name makes a new one.
    assert _cgw(ec2, BgpAsn=65010, DeviceName="edge-1")["CustomerGatewayId"] == gid
    assert _cgw(ec2, BgpAsn=65010, DeviceName="edge-2")["CustomerGatewayId"] != gid
    ec2.delete_customer_gateway(CustomerGatewayId=gid)
    (gone,) = ec2.describe_customer_gateways(CustomerGatewayIds=[gid])["CustomerGateways"]
    assert gone["State"] == "deleted"
    live = ec2.describe_customer_gateways(Filters=[{"Name": "state", "Values": ["available"]}])["CustomerGateways"]
    assert gid not in [g["CustomerGatewayId"] for g in live]
    _fails("InvalidCustomerGatewayID.NotFound", ec2.delete_customer_gateway, CustomerGatewayId=gid)
    ec2.get_waiter("customer_gateway_available").wait(CustomerGatewayIds=[other["CustomerGatewayId"]])


def test_customer_gateway_extended_asn_and_deprecated_public_ip(ec2: Any) -> None:
    created = ec2.create_customer_gateway(Type="ipsec.1", PublicIp="192.0.2.44", BgpAsnExtended=4200000001)[
        "CustomerGateway"
    ]
    assert created["BgpAsnExtended"] == "4200000001" and "BgpAsn" not in created
    assert created["IpAddress"] == "192.0.2.44"
    found = ec2.describe_customer_gateways(Filters=[{"Name": "bgp-asn", "Values": ["4200000001"]}])
    assert [g["CustomerGatewayId"] for g in found["CustomerGateways"]] == [created["CustomerGatewayId"]]


def test_customer_gateway_refusals(ec2: Any) -> None:
    before = ec2.describe_customer_gateways()["CustomerGateways"]
    _fails("InvalidParameterCombination", _cgw, ec2=ec2, BgpAsn=65000, BgpAsnExtended=4200000001)
    _fails("InvalidParameterValue", _cgw, ec2=ec2, BgpAsn=0)
    _fails("InvalidParameterValue", _cgw, ec2=ec2, BgpAsnExtended=65000)
    _fails("InvalidParameterValue", _cgw, ec2=ec2, ip="not-an-address")
    _fails("MissingParameter", ec2.create_customer_gateway, Type="ipsec.1", BgpAsn=65000)
    _fails("InvalidParameterValue", ec2.create_customer_gateway, Type="ipsec.2", IpAddress="192.0.2.1")
    _fails("InvalidParameterValue", ec2.describe_customer_gateways, Filters=[{"Name": "colour", "Values": ["x"]}])
    _fails("InvalidCustomerGatewayId.Malformed", ec2.describe_customer_gateways, CustomerGatewayIds=["cgw-xyz"])
    _fails("InvalidCustomerGatewayID.NotFound", ec2.delete_customer_gateway, CustomerGatewayId=f"cgw-{MISSING}")
    assert ec2.describe_customer_gateways()["CustomerGateways"] == before


def test_customer_gateway_in_use_cannot_be_deleted(ec2: Any) -> None:
    gid = _cgw(ec2)["CustomerGatewayId"]
    vgw = ec2.create_vpn_gateway(Type="ipsec.1")["VpnGateway"]["VpnGatewayId"]
    vpn = ec2.create_vpn_connection(Type="ipsec.1", CustomerGatewayId=gid, VpnGatewayId=vgw)["VpnConnection"]
    _fails("IncorrectState", ec2.delete_customer_gateway, CustomerGatewayId=gid)
    ec2.delete_vpn_connection(VpnConnectionId=vpn["VpnConnectionId"])
    ec2.delete_customer_gateway(CustomerGatewayId=gid)
    ec2.get_waiter("vpn_connection_deleted").wait(VpnConnectionIds=[vpn["VpnConnectionId"]])


# -- virtual private gateways ------------------------------------------------------------------------------------
def test_vpn_gateway_attach_detach_delete(ec2: Any) -> None:
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    created = ec2.create_vpn_gateway(Type="ipsec.1", AmazonSideAsn=65100, AvailabilityZone="us-east-1a")["VpnGateway"]
    vgw = created["VpnGatewayId"]
    assert created == {
        "VpnGatewayId": vgw,
        "State": "available",
        "Type": "ipsec.1",
        "AvailabilityZone": "us-east-1a",
        "VpcAttachments": [],
        "AmazonSideAsn": 65100,
        "Tags": [],
    }
    assert ec2.create_vpn_gateway(Type="ipsec.1")["VpnGateway"]["AmazonSideAsn"] == 64512
    answer = ec2.attach_vpn_gateway(VpnGatewayId=vgw, VpcId=vpc)["VpcAttachment"]
    assert answer == {"VpcId": vpc, "State": "attaching"}
    (shown,) = ec2.describe_vpn_gateways(VpnGatewayIds=[vgw])["VpnGateways"]
    assert shown["VpcAttachments"] == [{"VpcId": vpc, "State": "attached"}]
    for name, value in (("attachment.vpc-id", vpc), ("attachment.state", "attached"), ("amazon-side-asn", "65100")):
        found = ec2.describe_vpn_gateways(Filters=[{"Name": name, "Values": [value]}])["VpnGateways"]
        assert [g["VpnGatewayId"] for g in found] == [vgw], name
    _fails("IncorrectState", ec2.delete_vpn_gateway, VpnGatewayId=vgw)
    _fails("DependencyViolation", ec2.delete_vpc, VpcId=vpc)
    ec2.detach_vpn_gateway(VpnGatewayId=vgw, VpcId=vpc)
    (shown,) = ec2.describe_vpn_gateways(VpnGatewayIds=[vgw])["VpnGateways"]
    assert shown["VpcAttachments"] == [{"VpcId": vpc, "State": "detached"}]
    _fails("InvalidVpnGatewayAttachment.NotFound", ec2.detach_vpn_gateway, VpnGatewayId=vgw, VpcId=vpc)
    ec2.delete_vpn_gateway(VpnGatewayId=vgw)
    assert ec2.describe_vpn_gateways(VpnGatewayIds=[vgw])["VpnGateways"][0]["State"] == "deleted"
    _fails("InvalidVpnGatewayState", ec2.attach_vpn_gateway, VpnGatewayId=vgw, VpcId=vpc)
    ec2.delete_vpc(VpcId=vpc)


def test_one_vpn_gateway_per_vpc_and_one_vpc_per_gateway(ec2: Any) -> None:
    a = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    b = ec2.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    first = ec2.create_vpn_gateway(Type="ipsec.1")["VpnGateway"]["VpnGatewayId"]
    second = ec2.create_vpn_gateway(Type="ipsec.1")["VpnGateway"]["VpnGatewayId"]
    ec2.attach_vpn_gateway(VpnGatewayId=first, VpcId=a)
    _fails("InvalidVpcState", ec2.attach_vpn_gateway, VpnGatewayId=second, VpcId=a)
    _fails("VpnGatewayAttachmentLimitExceeded", ec2.attach_vpn_gateway, VpnGatewayId=first, VpcId=b)
    ec2.detach_vpn_gateway(VpnGatewayId=first, VpcId=a)
    ec2.attach_vpn_gateway(VpnGatewayId=first, VpcId=b)  # a detached gateway may go to another VPC
    (shown,) = ec2.describe_vpn_gateways(VpnGatewayIds=[first])["VpnGateways"]
    assert shown["VpcAttachments"] == [{"VpcId": b, "State": "attached"}]


def test_vpn_gateway_refusals(ec2: Any) -> None:
    _fails("InvalidParameterValue", ec2.create_vpn_gateway, Type="ipsec.1", AmazonSideAsn=100)
    _fails("InvalidParameterValue", ec2.create_vpn_gateway, Type="ipsec.1", AvailabilityZone="eu-west-2a")
    _fails("InvalidVpnGatewayID.Malformed", ec2.describe_vpn_gateways, VpnGatewayIds=["vgw-nope"])
    _fails("InvalidVpnGatewayID.NotFound", ec2.delete_vpn_gateway, VpnGatewayId=f"vgw-{MISSING}")
    vgw = ec2.create_vpn_gateway(Type="ipsec.1")["VpnGateway"]["VpnGatewayId"]
    _fails("InvalidVpcID.NotFound", ec2.attach_vpn_gateway, VpnGatewayId=vgw, VpcId=f"vpc-{MISSING}")
    for _ in range(4):
        ec2.create_vpn_gateway(Type="ipsec.1")
    _fails("VpnGatewayLimitExceeded", ec2.create_vpn_gateway, Type="ipsec.1")
    assert len(ec2.describe_vpn_gateways()["VpnGateways"]) == 5


def test_gateways_through_the_aws_cli(aws: Cli) -> None:
    cgw = aws("ec2", "create-customer-gateway", "--type", "ipsec.1", "--public-ip", "12.1.2.3", "--bgp-asn", "65534")
    assert cgw["CustomerGateway"]["BgpAsn"] == "65534" and cgw["CustomerGateway"]["State"] == "available"
    vgw = aws("ec2", "create-vpn-gateway", "--type", "ipsec.1", "--amazon-side-asn", "65001")["VpnGateway"]
    vpc = aws("ec2", "create-vpc", "--cidr-block", "10.9.0.0/16")["Vpc"]["VpcId"]
    attached = aws("ec2", "attach-vpn-gateway", "--vpn-gateway-id", vgw["VpnGatewayId"], "--vpc-id", vpc)
    assert attached["VpcAttachment"]["State"] == "attaching"
    shown = aws("ec2", "describe-vpn-gateways", "--filters", f"Name=attachment.vpc-id,Values={vpc}")
    assert [g["VpnGatewayId"] for g in shown["VpnGateways"]] == [vgw["VpnGatewayId"]]
    assert aws.error("ec2", "delete-vpn-gateway", "--vpn-gateway-id", vgw["VpnGatewayId"]) == "IncorrectState"
    assert aws.error("ec2", "delete-customer-gateway", "--customer-gateway-id", "cgw-xyz") == (
        "InvalidCustomerGatewayId.Malformed"
    )
