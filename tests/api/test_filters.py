"""Describe filters as clients send them, through boto3 and the AWS CLI against a live server: the documented names,
the camelCase and kebab-case names AWS also accepts (Ansible's ec2_vpc_net filters DescribeVpcs by ``cidr-block``,
ec2_instance by ``isDefault``), tags and wildcards; an invented name is ``InvalidParameterValue``."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.conftest import Cli, error_code


def _ids(found: list[dict[str, Any]], key: str) -> list[str]:
    return [item[key] for item in found]


def test_vpcs_by_every_name_for_their_cidr_and_default(ec2: Any) -> None:
    vpc = ec2.create_vpc(
        CidrBlock="10.42.0.0/16", TagSpecifications=[{"ResourceType": "vpc", "Tags": [{"Key": "Name", "Value": "web"}]}]
    )["Vpc"]["VpcId"]
    default = ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"]

    def vpcs(*filters: tuple[str, list[str]]) -> list[str]:
        return _ids(ec2.describe_vpcs(Filters=[{"Name": n, "Values": v} for n, v in filters])["Vpcs"], "VpcId")

    # What Ansible's ec2_vpc_net sends to find its VPC before creating it.
    assert vpcs(("tag:Name", ["web"]), ("cidr-block", ["10.42.0.0/16"])) == [vpc]
    for name in ("cidr", "cidrBlock", "cidr-block-association.cidr-block", "cidrBlockAssociationSet.cidrBlock"):
        assert vpcs((name, ["10.42.0.0/16"])) == [vpc], name
    assert vpcs(("cidr-block", ["10.42.*"])) == [vpc] and vpcs(("cidr-block", ["10.4?.0.0/16"])) == [vpc]
    assert vpcs(("cidr-block", ["10.43.0.0/16"])) == []
    # ec2_instance finds the default VPC by isDefault.
    assert len(default) == 1 and vpcs(("isDefault", ["true"])) == _ids(default, "VpcId")
    assert vpcs(("isDefault", ["false"]), ("ownerId", ["*"])) == [vpc]
    assert vpcs(("tag-key", ["Na*"]), ("tag-value", ["w?b"])) == [vpc]


def test_subnets_by_zone_and_default_for_az(ec2: Any) -> None:
    vpc = ec2.create_vpc(CidrBlock="10.42.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.42.1.0/24", AvailabilityZone="us-east-1c")["Subnet"]

    def subnets(name: str, values: list[str]) -> list[str]:
        found = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc]}, {"Name": name, "Values": values}])
        return _ids(found["Subnets"], "SubnetId")

    for name in ("availabilityZone", "availability-zone"):
        assert subnets(name, ["us-east-1c"]) == [subnet["SubnetId"]] and subnets(name, ["us-east-1a"]) == []
    for name in ("availabilityZoneId", "availability-zone-id"):
        assert subnets(name, [subnet["AvailabilityZoneId"]]) == [subnet["SubnetId"]]
    for name in ("defaultForAz", "default-for-az"):
        assert subnets(name, ["false"]) == [subnet["SubnetId"]] and subnets(name, ["true"]) == []
    defaults = ec2.describe_subnets(Filters=[{"Name": "defaultForAz", "Values": ["true"]}])["Subnets"]
    assert len(defaults) == 6


@pytest.mark.parametrize(
    ("operation", "name"),
    [
        ("describe_vpcs", "cidrBlocks"),
        ("describe_vpcs", "no-such-filter"),
        ("describe_subnets", "Availability-Zone"),
        ("describe_route_tables", "route.nowhere"),
        ("describe_availability_zones", "tag:Name"),
    ],
)
def test_a_name_aws_rejects_is_invalid(ec2: Any, operation: str, name: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        getattr(ec2, operation)(Filters=[{"Name": name, "Values": ["x"]}])
    assert error_code(excinfo) == "InvalidParameterValue"
    assert f"'{name}'" in str(excinfo.value)


def test_the_cli_filters_by_derived_names(aws: Cli, ec2: Any) -> None:
    vpc = ec2.create_vpc(CidrBlock="10.44.0.0/16")["Vpc"]["VpcId"]
    found = aws("ec2", "describe-vpcs", "--filters", "Name=cidrBlock,Values=10.44.0.0/16")["Vpcs"]
    assert _ids(found, "VpcId") == [vpc]
    assert aws.error("ec2", "describe-vpcs", "--filters", "Name=cidr-blocks,Values=10.44.0.0/16") == (
        "InvalidParameterValue"
    )
