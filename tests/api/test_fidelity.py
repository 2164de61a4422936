"""Responses match those recorded from real AWS (../shared/reference/real-aws), ids, names and timestamps aside.

The comparison is by shape: the same members, the same nesting, the same list lengths where the recording fixes
them, and the same values wherever the recording kept a literal value (not an anonymised placeholder).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

REAL = Path(__file__).resolve().parents[3] / "shared" / "reference" / "real-aws"
_PLACEHOLDER = re.compile(r"<[^>]+>|timestamp|111111111111|subnet-[ab]-id|vpc-id|eni-[0-9a-f]+")


def _recorded(name: str, test: str) -> dict[str, Any]:
    path = REAL / name
    if not path.exists():
        pytest.skip(f"recorded responses not found at {path} (the shared reference folder sits beside the repo)")
    for entry in json.loads(path.read_text())["entries"]:
        if entry.get("id") == test or entry.get("test", "").endswith(test):
            return dict(entry["recorded_content"])
    raise AssertionError(f"no recording {test}")


def _same_shape(ours: Any, real: Any, path: str = "$") -> None:
    if isinstance(real, dict) and isinstance(ours, str) and ours.startswith("{"):
        ours = json.loads(ours)  # the recorder parsed JSON strings (PolicyDocument) into objects
    if isinstance(real, dict):
        assert isinstance(ours, dict), f"{path}: {ours!r}"
        real = {k: v for k, v in real.items() if k != "ResponseMetadata"}
        ours = {k: v for k, v in ours.items() if k != "ResponseMetadata"}
        assert sorted(ours) == sorted(real), f"{path}: members differ: ours {sorted(ours)} real {sorted(real)}"
        for key, value in real.items():
            _same_shape(ours[key], value, f"{path}.{key}")
    elif isinstance(real, list):
        assert isinstance(ours, list) and len(ours) == len(real), f"{path}: {ours!r} vs {real!r}"
        for i, (mine, theirs) in enumerate(zip(ours, real, strict=True)):
            _same_shape(mine, theirs, f"{path}[{i}]")
    elif isinstance(real, str) and _PLACEHOLDER.search(real):
        assert isinstance(ours, str) and ours, f"{path}: {ours!r}"
    else:
        assert ours == real, f"{path}: ours {ours!r} real {real!r}"


def _vpc_with_dns(ec2: Any, cidr: str) -> str:
    vpc_id = str(ec2.create_vpc(CidrBlock=cidr)["Vpc"]["VpcId"])
    ec2.modify_vpc_attribute(VpcId=vpc_id, EnableDnsHostnames={"Value": True})
    return vpc_id


def test_interface_endpoint_as_recorded(ec2: Any) -> None:
    real = _recorded("real_aws_snapshots.json", "ec2.test_vpc_endpoint_dns_names")["available-endpoint"]
    vpc_id = _vpc_with_dns(ec2, "10.0.0.0/24")
    subnet = ec2.create_subnet(VpcId=vpc_id, CidrBlock="10.0.0.0/24")["Subnet"]["SubnetId"]
    eid = ec2.create_vpc_endpoint(
        VpcId=vpc_id,
        ServiceName="com.amazonaws.us-east-1.execute-api",
        VpcEndpointType="Interface",
        PrivateDnsEnabled=True,
        SubnetIds=[subnet],
    )["VpcEndpoint"]["VpcEndpointId"]
    ours = ec2.describe_vpc_endpoints(VpcEndpointIds=[eid])["VpcEndpoints"][0]
    ours["DnsEntries"] = ours["DnsEntries"][:1]  # the recording test kept the first entry only
    ours["CreationTimestamp"] = "timestamp"
    _same_shape(ours, real)


def test_interface_endpoint_without_private_dns_flag_as_recorded(ec2: Any) -> None:
    real = _recorded("real_aws_snapshots.json", "apigw.test_create_execute_api_vpc_endpoint")["endpoint-details"]
    vpc = ec2.describe_vpcs()["Vpcs"][0]["VpcId"]
    subnets = [s["SubnetId"] for s in ec2.describe_subnets()["Subnets"]]
    group = ec2.create_security_group(GroupName="api", Description="api", VpcId=vpc)["GroupId"]
    eid = ec2.create_vpc_endpoint(
        ServiceName="com.amazonaws.us-east-1.execute-api",
        VpcEndpointType="Interface",
        SubnetIds=subnets,
        SecurityGroupIds=[group],
        VpcId=vpc,
    )["VpcEndpoint"]["VpcEndpointId"]
    ours = ec2.describe_vpc_endpoints(VpcEndpointIds=[eid])["VpcEndpoints"][0]
    ours["DnsEntries"] = ours["DnsEntries"][:1]
    ours["CreationTimestamp"] = "timestamp"
    del ours["SubnetIds"], ours["NetworkInterfaceIds"]
    _same_shape(ours, real)


def test_two_subnet_interface_endpoint_members_as_recorded(ec2: Any) -> None:
    real = _recorded("real_aws_snapshots.json", "cfn.test_deploy_vpc_endpoint")["endpoint"]["VpcEndpoints"][0]
    vpc_id = _vpc_with_dns(ec2, "10.0.0.0/16")
    subnets = [
        ec2.create_subnet(VpcId=vpc_id, CidrBlock=f"10.0.{i}.0/24", AvailabilityZone=f"us-east-1{z}")["Subnet"][
            "SubnetId"
        ]
        for i, z in ((1, "a"), (2, "b"))
    ]
    group = ec2.create_security_group(GroupName="logs", Description="logs", VpcId=vpc_id)["GroupId"]
    eid = ec2.create_vpc_endpoint(
        VpcId=vpc_id,
        ServiceName="com.amazonaws.us-east-1.logs",
        VpcEndpointType="Interface",
        SubnetIds=subnets,
        SecurityGroupIds=[group],
        PrivateDnsEnabled=True,
    )["VpcEndpoint"]["VpcEndpointId"]
    ours = ec2.describe_vpc_endpoints(VpcEndpointIds=[eid])["VpcEndpoints"][0]
    # The recording skips DnsEntries' detail; the vpce names (regional, then zonal from the last AZ down) must match.
    assert [d["DnsName"].split(".", 1)[0].rsplit("-", 1)[-1] for d in ours["DnsEntries"][1:3]] == ["1b", "1a"]
    ours["DnsEntries"] = real["DnsEntries"]
    ours["CreationTimestamp"] = "timestamp"
    ours.pop("ServiceRegion")  # a 2024 recording, before AWS added ServiceRegion (present in the 2025 ones)
    _same_shape(ours, real)


def test_customer_prefix_list_as_recorded(ec2: Any) -> None:
    real = _recorded("real_aws_snapshots.json", "cfn.test_deploy_prefix_list")["prefix-list"]
    pl = ec2.create_managed_prefix_list(
        PrefixListName="vpc-1-servers",
        AddressFamily="IPv4",
        MaxEntries=10,
        Entries=[{"Cidr": "10.0.0.0/16"}, {"Cidr": "10.1.0.0/16"}],
        TagSpecifications=[{"ResourceType": "prefix-list", "Tags": [{"Key": "Name", "Value": "VPC-1-Servers"}]}],
    )
    ours = ec2.describe_managed_prefix_lists(PrefixListIds=[pl["PrefixList"]["PrefixListId"]])
    _same_shape({k: v for k, v in ours.items() if k != "ResponseMetadata"}, real)


def test_route_table_association_as_recorded(ec2: Any) -> None:
    real = _recorded("real_aws_snapshots_supplementary.json", "test_create_route_table_association")["route_tables"]
    vpc_id = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc_id, CidrBlock="10.0.0.0/24")["Subnet"]["SubnetId"]
    table = ec2.create_route_table(VpcId=vpc_id)["RouteTable"]["RouteTableId"]
    ec2.associate_route_table(RouteTableId=table, SubnetId=subnet)
    _same_shape(ec2.describe_route_tables(RouteTableIds=[table])["RouteTables"], real)


def test_vpc_and_security_groups_for_vpc_as_recorded(ec2: Any) -> None:
    real = _recorded("real_aws_snapshots_supplementary.json", "test_get_security_groups_for_vpc")
    vpc = ec2.create_vpc(
        CidrBlock="10.0.0.0/16",
        TagSpecifications=[{"ResourceType": "vpc", "Tags": [{"Key": "test-key", "Value": "test-value"}]}],
    )
    real["create_vpc_response"]["Vpc"]["InstanceTenancy"] = "default"  # the recorder's placeholder collided here
    _same_shape({"Vpc": vpc["Vpc"]}, real["create_vpc_response"])
    vpc_id = vpc["Vpc"]["VpcId"]
    real_groups = real["get_security_groups_for_vpc"]
    real_groups["SecurityGroupForVpcs"][0]["Description"] = "default VPC security group"
    real_groups["SecurityGroupForVpcs"][0]["GroupName"] = "default"
    _same_shape(ec2.get_security_groups_for_vpc(VpcId=vpc_id), real_groups)
    created = ec2.create_security_group(GroupName="second", Description="Description for second", VpcId=vpc_id)
    _same_shape(created, real["create_security_group"])
    after = ec2.get_security_groups_for_vpc(VpcId=vpc_id)["SecurityGroupForVpcs"]
    assert [g["GroupName"] for g in after] == ["default", "second"]


def test_security_group_with_tags_as_recorded(ec2: Any) -> None:
    real = _recorded("real_aws_snapshots_supplementary.json", "test_deploy_security_group_with_tags")["security-group"]
    vpc_id = ec2.describe_vpcs()["Vpcs"][0]["VpcId"]
    tags = [{"Key": t["Key"].replace("aws:", "x-"), "Value": "v"} for t in real["Tags"]]
    gid = ec2.create_security_group(
        GroupName="sg",
        Description="Security Group",
        VpcId=vpc_id,
        TagSpecifications=[{"ResourceType": "security-group", "Tags": tags}],
    )["GroupId"]
    ours = ec2.describe_security_groups(GroupIds=[gid])["SecurityGroups"][0]
    real = {**real, "Tags": [{"Key": "<key>", "Value": "<value>"} for _ in real["Tags"]]}
    _same_shape(ours, real)
