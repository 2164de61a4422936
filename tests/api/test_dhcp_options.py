"""DHCP options sets through boto3 and the AWS CLI: the Region's default set as a real record, custom sets, their
validation, filters, association (including ``default``) and AWS's errors."""

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


def _values(options: dict[str, Any]) -> dict[str, list[str]]:
    return {c["Key"]: [v["Value"] for v in c["Values"]] for c in options["DhcpConfigurations"]}


def test_the_regions_default_set(vpcsim: Any, account: str) -> None:
    for region, domain in (("us-east-1", "ec2.internal"), ("eu-west-2", "eu-west-2.compute.internal")):
        ec2 = vpcsim.client("ec2", region=region, account=account)
        (default,) = ec2.describe_dhcp_options()["DhcpOptions"]
        assert default["OwnerId"] == account and default["DhcpOptionsId"].startswith("dopt-")
        assert default["DhcpConfigurations"] == [
            {"Key": "domain-name", "Values": [{"Value": domain}]},
            {"Key": "domain-name-servers", "Values": [{"Value": "AmazonProvidedDNS"}]},
        ]
        default_vpc = ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"][0]
        created = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]
        assert default_vpc["DhcpOptionsId"] == created["DhcpOptionsId"] == default["DhcpOptionsId"]
        # Found the way Terraform's aws_default_vpc_dhcp_options finds it.
        filters = [
            {"Name": "key", "Values": ["domain-name"]},
            {"Name": "value", "Values": [domain]},
            {"Name": "key", "Values": ["domain-name-servers"]},
            {"Name": "value", "Values": ["AmazonProvidedDNS"]},
            {"Name": "owner-id", "Values": [account]},
        ]
        found = ec2.describe_dhcp_options(Filters=filters)["DhcpOptions"]
        assert [d["DhcpOptionsId"] for d in found] == [default["DhcpOptionsId"]]


def test_create_associate_and_delete(ec2: Any) -> None:
    created = ec2.create_dhcp_options(
        DhcpConfigurations=[
            {"Key": "ntp-servers", "Values": ["10.2.5.1"]},
            {"Key": "domain-name-servers", "Values": ["10.2.5.1,10.2.5.2", "10.2.5.3"]},
            {"Key": "domain-name", "Values": ["corp.example.com"]},
            {"Key": "netbios-node-type", "Values": ["2"]},
            {"Key": "ipv6-address-preferred-lease-time", "Values": ["3600"]},
        ],
        TagSpecifications=[{"ResourceType": "dhcp-options", "Tags": [{"Key": "Name", "Value": "corp"}]}],
    )["DhcpOptions"]
    dopt = created["DhcpOptionsId"]
    assert _values(created) == {
        "domain-name": ["corp.example.com"],
        "domain-name-servers": ["10.2.5.1", "10.2.5.2", "10.2.5.3"],
        "ipv6-address-preferred-lease-time": ["3600"],
        "netbios-node-type": ["2"],
        "ntp-servers": ["10.2.5.1"],
    }
    assert created["Tags"] == [{"Key": "Name", "Value": "corp"}]
    for name, value in (
        ("key", "ntp-servers"),
        ("value", "corp.example.com"),
        ("tag:Name", "corp"),
        ("dhcp-options-id", dopt),
    ):
        found = ec2.describe_dhcp_options(Filters=[{"Name": name, "Values": [value]}])["DhcpOptions"]
        assert [d["DhcpOptionsId"] for d in found] == [dopt], name
    page = ec2.describe_dhcp_options(MaxResults=5)
    assert len(page["DhcpOptions"]) == 2 and "NextToken" not in page
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    ec2.associate_dhcp_options(DhcpOptionsId=dopt, VpcId=vpc)
    assert ec2.describe_vpcs(VpcIds=[vpc])["Vpcs"][0]["DhcpOptionsId"] == dopt
    by_set = ec2.describe_vpcs(Filters=[{"Name": "dhcp-options-id", "Values": [dopt]}])["Vpcs"]
    assert [v["VpcId"] for v in by_set] == [vpc]
    _fails("DependencyViolation", ec2.delete_dhcp_options, DhcpOptionsId=dopt)
    ec2.associate_dhcp_options(DhcpOptionsId="default", VpcId=vpc)  # no options set at all [EC2API]
    assert ec2.describe_vpcs(VpcIds=[vpc])["Vpcs"][0]["DhcpOptionsId"] == "default"
    ec2.delete_dhcp_options(DhcpOptionsId=dopt)
    _fails("InvalidDhcpOptionID.NotFound", ec2.describe_dhcp_options, DhcpOptionsIds=[dopt])
    _fails("InvalidDhcpOptionID.NotFound", ec2.associate_dhcp_options, DhcpOptionsId=dopt, VpcId=vpc)
    _fails("InvalidDhcpOptionsId.Malformed", ec2.delete_dhcp_options, DhcpOptionsId="dopt-zzz")
    _fails("InvalidVpcID.NotFound", ec2.associate_dhcp_options, DhcpOptionsId="default", VpcId=f"vpc-{MISSING}")


def test_the_default_set_can_be_deleted_and_comes_back_for_the_next_vpc(ec2: Any) -> None:
    default = ec2.describe_dhcp_options()["DhcpOptions"][0]["DhcpOptionsId"]
    for vpc in ec2.describe_vpcs()["Vpcs"]:
        ec2.associate_dhcp_options(DhcpOptionsId="default", VpcId=vpc["VpcId"])
    ec2.delete_dhcp_options(DhcpOptionsId=default)
    assert ec2.describe_dhcp_options()["DhcpOptions"] == []
    fresh = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["DhcpOptionsId"]
    (again,) = ec2.describe_dhcp_options()["DhcpOptions"]
    assert again["DhcpOptionsId"] == fresh != default
    assert _values(again)["domain-name-servers"] == ["AmazonProvidedDNS"]


@pytest.mark.parametrize(
    "configurations",
    [
        [{"Key": "colour", "Values": ["blue"]}],
        [{"Key": "domain-name-servers", "Values": ["10.0.0.1,10.0.0.2,10.0.0.3,10.0.0.4,10.0.0.5"]}],
        [{"Key": "domain-name-servers", "Values": ["not-an-address"]}],
        [{"Key": "netbios-node-type", "Values": ["3"]}],
        [{"Key": "netbios-name-servers", "Values": ["fd00::1"]}],
        [{"Key": "ipv6-address-preferred-lease-time", "Values": ["10"]}],
        [{"Key": "domain-name", "Values": ["a.example", "b.example"]}],
        [{"Key": "domain-name", "Values": ["a.example"]}, {"Key": "domain-name", "Values": ["b.example"]}],
    ],
)
def test_invalid_options_are_refused(ec2: Any, configurations: list[dict[str, Any]]) -> None:
    before = ec2.describe_dhcp_options()["DhcpOptions"]
    _fails("InvalidParameterValue", ec2.create_dhcp_options, DhcpConfigurations=configurations)
    assert ec2.describe_dhcp_options()["DhcpOptions"] == before


def test_dhcp_options_through_the_aws_cli(aws: Cli, ec2: Any) -> None:
    created = aws(
        "ec2",
        "create-dhcp-options",
        "--dhcp-configurations",
        "Key=domain-name-servers,Values=10.2.5.1,10.2.5.2",
        "Key=domain-name,Values=example.com",
    )["DhcpOptions"]
    assert _values(created) == {"domain-name": ["example.com"], "domain-name-servers": ["10.2.5.1", "10.2.5.2"]}
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    aws("ec2", "associate-dhcp-options", "--dhcp-options-id", created["DhcpOptionsId"], "--vpc-id", vpc)
    assert aws.error("ec2", "delete-dhcp-options", "--dhcp-options-id", created["DhcpOptionsId"]) == (
        "DependencyViolation"
    )
    shown = aws("ec2", "describe-dhcp-options", "--filters", "Name=key,Values=domain-name-servers")["DhcpOptions"]
    assert len(shown) == 2  # the default set and this one
