"""Egress-only internet gateways through boto3 and the AWS CLI: lifecycle, filters, tags, idempotency, routes to them
(IPv6 destinations only), blackhole once deleted, and the VPC they keep from being deleted."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.conftest import Cli, error_code


def _fails(code: str, call: Any, **kwargs: Any) -> str:
    with pytest.raises(ClientError) as excinfo:
        call(**kwargs)
    assert error_code(excinfo) == code, excinfo.value.response["Error"]
    return str(excinfo.value.response["Error"]["Message"])


def _vpc(ec2: Any) -> str:
    return str(ec2.create_vpc(CidrBlock="10.0.0.0/16", AmazonProvidedIpv6CidrBlock=True)["Vpc"]["VpcId"])


def test_create_describe_delete(ec2: Any) -> None:
    vpc_id = _vpc(ec2)
    tags = [{"ResourceType": "egress-only-internet-gateway", "Tags": [{"Key": "Name", "Value": "out"}]}]
    created = ec2.create_egress_only_internet_gateway(VpcId=vpc_id, TagSpecifications=tags, ClientToken="t-1")
    gateway = created["EgressOnlyInternetGateway"]
    gid = gateway["EgressOnlyInternetGatewayId"]
    assert gid.startswith("eigw-") and created["ClientToken"] == "t-1"
    assert gateway["Attachments"] == [{"State": "attached", "VpcId": vpc_id}]
    assert gateway["Tags"] == [{"Key": "Name", "Value": "out"}]
    again = ec2.create_egress_only_internet_gateway(VpcId=vpc_id, ClientToken="t-1")["EgressOnlyInternetGateway"]
    assert again["EgressOnlyInternetGatewayId"] == gid
    second = ec2.create_egress_only_internet_gateway(VpcId=vpc_id)["EgressOnlyInternetGateway"]
    assert "Tags" not in second
    listed = ec2.describe_egress_only_internet_gateways()["EgressOnlyInternetGateways"]
    assert [g["EgressOnlyInternetGatewayId"] for g in listed] == [gid, second["EgressOnlyInternetGatewayId"]]
    by_tag = ec2.describe_egress_only_internet_gateways(Filters=[{"Name": "tag:Name", "Values": ["out"]}])
    assert [g["EgressOnlyInternetGatewayId"] for g in by_tag["EgressOnlyInternetGateways"]] == [gid]
    by_id = ec2.describe_egress_only_internet_gateways(EgressOnlyInternetGatewayIds=[gid])
    assert by_id["EgressOnlyInternetGateways"][0]["Attachments"][0]["VpcId"] == vpc_id
    page = ec2.describe_egress_only_internet_gateways(MaxResults=5)
    assert len(page["EgressOnlyInternetGateways"]) == 2 and "NextToken" not in page
    assert ec2.delete_egress_only_internet_gateway(EgressOnlyInternetGatewayId=gid)["ReturnCode"] is True
    _fails("InvalidEgressOnlyInternetGatewayId.NotFound", ec2.delete_egress_only_internet_gateway,
           EgressOnlyInternetGatewayId=gid)  # fmt: skip
    _fails("InvalidEgressOnlyInternetGatewayId.NotFound", ec2.describe_egress_only_internet_gateways,
           EgressOnlyInternetGatewayIds=[gid])  # fmt: skip
    _fails("InvalidEgressOnlyInternetGatewayId.Malformed", ec2.delete_egress_only_internet_gateway,
           EgressOnlyInternetGatewayId="eigw-nothex")  # fmt: skip
    _fails("InvalidVpcID.NotFound", ec2.create_egress_only_internet_gateway, VpcId="vpc-0123456789abcdef0")
    _fails(
        "InvalidParameterValue", ec2.describe_egress_only_internet_gateways, Filters=[{"Name": "nope", "Values": ["x"]}]
    )


def test_routes_to_an_egress_only_gateway(ec2: Any) -> None:
    vpc_id = _vpc(ec2)
    gid = ec2.create_egress_only_internet_gateway(VpcId=vpc_id)["EgressOnlyInternetGateway"][
        "EgressOnlyInternetGatewayId"
    ]
    table = ec2.create_route_table(VpcId=vpc_id)["RouteTable"]["RouteTableId"]
    ec2.create_route(RouteTableId=table, DestinationIpv6CidrBlock="::/0", EgressOnlyInternetGatewayId=gid)
    _fails("InvalidParameterCombination", ec2.create_route, RouteTableId=table, DestinationCidrBlock="0.0.0.0/0",
           EgressOnlyInternetGatewayId=gid)  # fmt: skip
    v4 = ec2.create_managed_prefix_list(PrefixListName="v4", MaxEntries=1, AddressFamily="IPv4")["PrefixList"]
    _fails("InvalidParameterCombination", ec2.create_route, RouteTableId=table,
           DestinationPrefixListId=v4["PrefixListId"], EgressOnlyInternetGatewayId=gid)  # fmt: skip
    other_vpc = _vpc(ec2)
    other_table = ec2.create_route_table(VpcId=other_vpc)["RouteTable"]["RouteTableId"]
    _fails("InvalidParameterValue", ec2.create_route, RouteTableId=other_table, DestinationIpv6CidrBlock="::/0",
           EgressOnlyInternetGatewayId=gid)  # fmt: skip
    found = ec2.describe_route_tables(Filters=[{"Name": "route.egress-only-internet-gateway-id", "Values": [gid]}])
    (shown,) = found["RouteTables"]
    route = next(r for r in shown["Routes"] if r.get("DestinationIpv6CidrBlock") == "::/0")
    assert route == {
        "DestinationIpv6CidrBlock": "::/0",
        "EgressOnlyInternetGatewayId": gid,
        "Origin": "CreateRoute",
        "State": "active",
    }
    _fails("DependencyViolation", ec2.delete_vpc, VpcId=vpc_id)
    ec2.delete_egress_only_internet_gateway(EgressOnlyInternetGatewayId=gid)
    routes = ec2.describe_route_tables(RouteTableIds=[table])["RouteTables"][0]["Routes"]
    assert next(r for r in routes if r.get("DestinationIpv6CidrBlock") == "::/0")["State"] == "blackhole"
    replacement = ec2.create_egress_only_internet_gateway(VpcId=vpc_id)["EgressOnlyInternetGateway"]
    ec2.replace_route(RouteTableId=table, DestinationIpv6CidrBlock="::/0",
                      EgressOnlyInternetGatewayId=replacement["EgressOnlyInternetGatewayId"])  # fmt: skip
    routes = ec2.describe_route_tables(RouteTableIds=[table])["RouteTables"][0]["Routes"]
    assert next(r for r in routes if r.get("DestinationIpv6CidrBlock") == "::/0")["State"] == "active"


def test_egress_only_gateway_through_the_aws_cli(aws: Cli) -> None:
    vpc = aws("ec2", "create-vpc", "--cidr-block", "10.0.0.0/16", "--amazon-provided-ipv6-cidr-block")["Vpc"]["VpcId"]
    created = aws("ec2", "create-egress-only-internet-gateway", "--vpc-id", vpc)["EgressOnlyInternetGateway"]
    gid = created["EgressOnlyInternetGatewayId"]
    listed = aws("ec2", "describe-egress-only-internet-gateways", "--egress-only-internet-gateway-ids", gid)
    assert listed["EgressOnlyInternetGateways"][0]["Attachments"] == [{"State": "attached", "VpcId": vpc}]
    assert aws("ec2", "delete-egress-only-internet-gateway", "--egress-only-internet-gateway-id", gid) == {
        "ReturnCode": True
    }
    code = aws.error("ec2", "delete-egress-only-internet-gateway", "--egress-only-internet-gateway-id", gid)
    assert code == "InvalidEgressOnlyInternetGatewayId.NotFound"
