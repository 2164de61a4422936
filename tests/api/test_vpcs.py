"""VPCs, subnets, regions and AZs through real boto3 and the real AWS CLI against a live server."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.conftest import error_code


def test_new_account_has_a_default_vpc_with_a_subnet_per_az(ec2: Any) -> None:
    vpcs = ec2.describe_vpcs()["Vpcs"]
    assert [(v["CidrBlock"], v["IsDefault"], v["State"]) for v in vpcs] == [("172.31.0.0/16", True, "available")]
    subnets = ec2.describe_subnets(Filters=[{"Name": "default-for-az", "Values": ["true"]}])["Subnets"]
    zones = [z["ZoneName"] for z in ec2.describe_availability_zones()["AvailabilityZones"]]
    assert sorted(s["AvailabilityZone"] for s in subnets) == sorted(zones)
    assert sorted(s["CidrBlock"] for s in subnets)[:2] == ["172.31.0.0/20", "172.31.16.0/20"]
    assert all(s["MapPublicIpOnLaunch"] and s["AvailableIpAddressCount"] == 4091 for s in subnets)
    attribute = ec2.describe_vpc_attribute(VpcId=vpcs[0]["VpcId"], Attribute="enableDnsHostnames")
    assert attribute["EnableDnsHostnames"] == {"Value": True}


def test_create_vpc_matches_aws_and_creates_its_defaults(ec2: Any) -> None:
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]
    assert vpc["State"] == "pending" and vpc["IsDefault"] is False and vpc["InstanceTenancy"] == "default"
    assert vpc["CidrBlockAssociationSet"][0]["CidrBlockState"] == {"State": "associated"}
    assert vpc["VpcId"].startswith("vpc-") and len(vpc["VpcId"]) == 21
    described = ec2.describe_vpcs(VpcIds=[vpc["VpcId"]])["Vpcs"][0]
    assert described["State"] == "available"
    for attribute, expected in (("enableDnsSupport", True), ("enableDnsHostnames", False)):
        key = attribute[0].upper() + attribute[1:]
        assert ec2.describe_vpc_attribute(VpcId=vpc["VpcId"], Attribute=attribute)[key]["Value"] is expected


def test_vpc_cidr_range_and_ids(ec2: Any) -> None:
    for cidr in ("10.0.0.0/15", "10.0.0.0/29"):
        with pytest.raises(ClientError) as excinfo:
            ec2.create_vpc(CidrBlock=cidr)
        assert error_code(excinfo) == "InvalidVpc.Range"
    for bad in ("10.0.0.0", "10.0.0.300/16", "not-a-cidr"):
        with pytest.raises(ClientError) as excinfo:
            ec2.create_vpc(CidrBlock=bad)
        assert error_code(excinfo) == "InvalidParameterValue"
    with pytest.raises(ClientError) as excinfo:
        ec2.describe_vpcs(VpcIds=["vpc-nothex"])
    assert error_code(excinfo) == "InvalidVpcID.Malformed"
    with pytest.raises(ClientError) as excinfo:
        ec2.describe_vpcs(VpcIds=["vpc-0123456789abcdef0"])
    assert error_code(excinfo) == "InvalidVpcID.NotFound"
    assert len(ec2.describe_vpcs()["Vpcs"]) == 1  # nothing was created by the refused calls


def test_modify_vpc_attribute_rules(ec2: Any) -> None:
    vpc_id = ec2.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    ec2.modify_vpc_attribute(VpcId=vpc_id, EnableDnsHostnames={"Value": True})
    assert ec2.describe_vpc_attribute(VpcId=vpc_id, Attribute="enableDnsHostnames")["EnableDnsHostnames"]["Value"]
    with pytest.raises(ClientError) as excinfo:
        ec2.modify_vpc_attribute(VpcId=vpc_id, EnableDnsSupport={"Value": False})
    assert error_code(excinfo) == "InvalidParameterValue"
    assert ec2.describe_vpc_attribute(VpcId=vpc_id, Attribute="enableDnsSupport")["EnableDnsSupport"]["Value"]


def test_secondary_cidr_adds_and_removes_local_routes(ec2: Any) -> None:
    vpc_id = ec2.create_vpc(CidrBlock="10.2.0.0/16")["Vpc"]["VpcId"]
    association = ec2.associate_vpc_cidr_block(VpcId=vpc_id, CidrBlock="10.3.0.0/16")["CidrBlockAssociation"]
    tables = ec2.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["RouteTables"]
    assert {r["DestinationCidrBlock"] for r in tables[0]["Routes"]} == {"10.2.0.0/16", "10.3.0.0/16"}
    with pytest.raises(ClientError) as excinfo:
        ec2.associate_vpc_cidr_block(VpcId=vpc_id, CidrBlock="10.3.128.0/17")
    assert error_code(excinfo) == "InvalidVpc.Range"
    ec2.disassociate_vpc_cidr_block(AssociationId=association["AssociationId"])
    tables = ec2.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["RouteTables"]
    assert [r["DestinationCidrBlock"] for r in tables[0]["Routes"]] == ["10.2.0.0/16"]


def test_subnets_inside_their_vpc_without_overlap(ec2: Any) -> None:
    vpc_id = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc_id, CidrBlock="10.0.1.0/24", AvailabilityZoneId="use1-az4")["Subnet"]
    # The name is the account's own for use1-az4 (AZ names are mapped per account in us-east-1).
    mine = ec2.describe_availability_zones(ZoneIds=["use1-az4"])["AvailabilityZones"][0]["ZoneName"]
    assert subnet["AvailabilityZone"] == mine and subnet["AvailableIpAddressCount"] == 251
    cases = {
        "10.1.0.0/24": "InvalidSubnet.Range",
        "10.0.1.128/25": "InvalidSubnet.Conflict",
        "10.0.0.0/29": "InvalidSubnet.Range",
    }
    for cidr, code in cases.items():
        with pytest.raises(ClientError) as excinfo:
            ec2.create_subnet(VpcId=vpc_id, CidrBlock=cidr)
        assert error_code(excinfo) == code
    with pytest.raises(ClientError) as excinfo:
        ec2.create_subnet(VpcId=vpc_id, CidrBlock="10.0.9.0/24", AvailabilityZone="us-east-1z")
    assert error_code(excinfo) == "InvalidParameterValue"
    listed = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["Subnets"]
    assert [s["SubnetId"] for s in listed] == [subnet["SubnetId"]]


def test_delete_vpc_refuses_while_dependencies_exist(ec2: Any) -> None:
    vpc_id = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnet_id = ec2.create_subnet(VpcId=vpc_id, CidrBlock="10.0.0.0/24")["Subnet"]["SubnetId"]
    with pytest.raises(ClientError) as excinfo:
        ec2.delete_vpc(VpcId=vpc_id)
    assert error_code(excinfo) == "DependencyViolation"
    ec2.delete_subnet(SubnetId=subnet_id)
    ec2.delete_vpc(VpcId=vpc_id)
    with pytest.raises(ClientError) as excinfo:
        ec2.describe_vpcs(VpcIds=[vpc_id])
    assert error_code(excinfo) == "InvalidVpcID.NotFound"
    assert ec2.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["RouteTables"] == []


def test_default_vpc_can_be_deleted_and_recreated(ec2: Any) -> None:
    default = ec2.describe_vpcs()["Vpcs"][0]
    with pytest.raises(ClientError) as excinfo:
        ec2.create_default_vpc()
    assert error_code(excinfo) == "DefaultVpcAlreadyExists"
    with pytest.raises(ClientError) as excinfo:
        ec2.delete_vpc(VpcId=default["VpcId"])
    assert error_code(excinfo) == "DependencyViolation"


def test_filters_tags_and_pagination(ec2: Any) -> None:
    created = [
        ec2.create_vpc(
            CidrBlock=f"10.{i}.0.0/16",
            TagSpecifications=[{"ResourceType": "vpc", "Tags": [{"Key": "team", "Value": f"t{i % 2}"}]}],
        )["Vpc"]["VpcId"]
        for i in range(7)
    ]
    team0 = ec2.describe_vpcs(Filters=[{"Name": "tag:team", "Values": ["t0"]}])["Vpcs"]
    assert [v["VpcId"] for v in team0] == created[0::2]
    wildcard = ec2.describe_vpcs(Filters=[{"Name": "cidr", "Values": ["10.?.0.0/16"]}])["Vpcs"]
    assert len(wildcard) == 7
    pages = list(ec2.get_paginator("describe_vpcs").paginate(PaginationConfig={"PageSize": 5}))
    assert [len(p["Vpcs"]) for p in pages] == [5, 3]
    with pytest.raises(ClientError) as excinfo:
        ec2.describe_vpcs(Filters=[{"Name": "no-such-filter", "Values": ["x"]}])
    assert error_code(excinfo) == "InvalidParameterValue"


def test_tags_api(ec2: Any) -> None:
    vpc_id = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    ec2.create_tags(Resources=[vpc_id], Tags=[{"Key": "Name", "Value": "core"}, {"Key": "env", "Value": "dev"}])
    tags = ec2.describe_tags(Filters=[{"Name": "resource-id", "Values": [vpc_id]}])["Tags"]
    assert {(t["Key"], t["Value"], t["ResourceType"]) for t in tags} == {("Name", "core", "vpc"), ("env", "dev", "vpc")}
    ec2.delete_tags(Resources=[vpc_id], Tags=[{"Key": "env", "Value": "prod"}])  # wrong value: kept
    ec2.delete_tags(Resources=[vpc_id], Tags=[{"Key": "Name"}])
    assert ec2.describe_vpcs(VpcIds=[vpc_id])["Vpcs"][0]["Tags"] == [{"Key": "env", "Value": "dev"}]
    with pytest.raises(ClientError) as excinfo:
        ec2.create_tags(Resources=[vpc_id], Tags=[{"Key": "aws:reserved", "Value": "x"}])
    assert error_code(excinfo) == "InvalidParameterValue"


def test_regions_and_zones(ec2: Any) -> None:
    regions = {r["RegionName"] for r in ec2.describe_regions()["Regions"]}
    assert {"us-east-1", "eu-west-2", "ap-southeast-2", "sa-east-1"} <= regions and len(regions) >= 30
    zones = ec2.describe_availability_zones(Filters=[{"Name": "zone-id", "Values": ["use1-az2"]}])
    named = ec2.describe_availability_zones()["AvailabilityZones"]
    mine = [z["ZoneName"] for z in named if z["ZoneId"] == "use1-az2"]
    assert [z["ZoneName"] for z in zones["AvailabilityZones"]] == mine
    assert sorted(z["ZoneName"] for z in named) == [f"us-east-1{c}" for c in "abcdef"]


def test_cli_vpc_flow(aws: Any) -> None:
    vpc = aws("ec2", "create-vpc", "--cidr-block", "10.9.0.0/16")["Vpc"]
    listed = aws("ec2", "describe-vpcs", "--filters", f"Name=vpc-id,Values={vpc['VpcId']}")["Vpcs"]
    assert [v["CidrBlock"] for v in listed] == ["10.9.0.0/16"]
    assert aws.error("ec2", "create-vpc", "--cidr-block", "10.0.0.0/8") == "InvalidVpc.Range"
    aws("ec2", "delete-vpc", "--vpc-id", vpc["VpcId"])
    assert aws.error("ec2", "delete-vpc", "--vpc-id", vpc["VpcId"]) == "InvalidVpcID.NotFound"
