"""Route 53 Resolver endpoints, rules and rule associations, through boto3."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.conftest import error_code


@pytest.fixture
def resolver(vpcsim: Any, account: str) -> Any:
    return vpcsim.client("route53resolver", region="eu-west-2", account=account)


@pytest.fixture
def network(vpcsim: Any, account: str) -> dict[str, Any]:
    ec2 = vpcsim.client("ec2", "eu-west-2", account)
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{i}.0/24", AvailabilityZone=f"eu-west-2{z}")["Subnet"]["SubnetId"]
        for i, z in ((1, "a"), (2, "b"))
    ]
    group = ec2.create_security_group(GroupName="dns", Description="dns", VpcId=vpc)["GroupId"]
    return {"ec2": ec2, "vpc": vpc, "subnets": subnets, "group": group}


def _endpoint(resolver: Any, network: dict[str, Any], direction: str, ref: str) -> dict[str, Any]:
    return dict(
        resolver.create_resolver_endpoint(
            CreatorRequestId=ref,
            Name=f"{direction.lower()}-dns",
            SecurityGroupIds=[network["group"]],
            Direction=direction,
            IpAddresses=[{"SubnetId": s} for s in network["subnets"]],
            Tags=[{"Key": "team", "Value": "net"}],
        )["ResolverEndpoint"]
    )


def test_an_inbound_endpoint_puts_an_interface_in_each_subnet(resolver: Any, network: dict[str, Any]) -> None:
    created = _endpoint(resolver, network, "INBOUND", "in-1")
    assert created["Id"].startswith("rslvr-in-") and created["Status"] == "CREATING"
    assert created["HostVPCId"] == network["vpc"] and created["IpAddressCount"] == 2
    assert (
        resolver.get_resolver_endpoint(ResolverEndpointId=created["Id"])["ResolverEndpoint"]["Status"] == "OPERATIONAL"
    )
    again = resolver.create_resolver_endpoint(
        CreatorRequestId="in-1",
        SecurityGroupIds=[network["group"]],
        Direction="INBOUND",
        IpAddresses=[{"SubnetId": s} for s in network["subnets"]],
    )["ResolverEndpoint"]
    assert again["Id"] == created["Id"]  # a retry with the same CreatorRequestId
    addresses = resolver.list_resolver_endpoint_ip_addresses(ResolverEndpointId=created["Id"])["IpAddresses"]
    assert sorted(a["SubnetId"] for a in addresses) == sorted(network["subnets"])
    enis = network["ec2"].describe_network_interfaces(Filters=[{"Name": "vpc-id", "Values": [network["vpc"]]}])
    held = {i["PrivateIpAddress"] for i in enis["NetworkInterfaces"] if i["RequesterManaged"]}
    assert {a["Ip"] for a in addresses} <= held
    listed = resolver.list_resolver_endpoints(Filters=[{"Name": "Direction", "Values": ["INBOUND"]}])
    assert [e["Id"] for e in listed["ResolverEndpoints"]] == [created["Id"]]
    tags = resolver.list_tags_for_resource(ResourceArn=created["Arn"])["Tags"]
    assert tags == [{"Key": "team", "Value": "net"}]
    resolver.delete_resolver_endpoint(ResolverEndpointId=created["Id"])
    enis = network["ec2"].describe_network_interfaces(Filters=[{"Name": "vpc-id", "Values": [network["vpc"]]}])
    assert not [i for i in enis["NetworkInterfaces"] if i["PrivateIpAddress"] in held]


def test_forward_rules_need_an_outbound_endpoint_and_block_deletes(resolver: Any, network: dict[str, Any]) -> None:
    inbound = _endpoint(resolver, network, "INBOUND", "in-2")
    with pytest.raises(ClientError) as wrong_way:
        resolver.create_resolver_rule(
            CreatorRequestId="r0",
            RuleType="FORWARD",
            DomainName="corp.example.com",
            TargetIps=[{"Ip": "192.168.1.53"}],
            ResolverEndpointId=inbound["Id"],
        )
    assert error_code(wrong_way) == "InvalidParameterException"
    with pytest.raises(ClientError) as no_targets:
        resolver.create_resolver_rule(CreatorRequestId="r1", RuleType="FORWARD", DomainName="corp.example.com")
    assert error_code(no_targets) == "InvalidRequestException"
    outbound = _endpoint(resolver, network, "OUTBOUND", "out-1")
    rule = resolver.create_resolver_rule(
        CreatorRequestId="r2",
        RuleType="FORWARD",
        DomainName="corp.example.com",
        TargetIps=[{"Ip": "192.168.1.53"}],
        ResolverEndpointId=outbound["Id"],
    )["ResolverRule"]
    assert rule["DomainName"] == "corp.example.com." and rule["TargetIps"][0]["Port"] == 53
    rules = resolver.list_resolver_rules()["ResolverRules"]
    assert {r["Id"] for r in rules} >= {rule["Id"], "rslvr-autodefined-rr-internet-resolver"}
    with pytest.raises(ClientError) as in_use:
        resolver.delete_resolver_endpoint(ResolverEndpointId=outbound["Id"])
    assert error_code(in_use) == "ResourceInUseException"
    association = resolver.associate_resolver_rule(ResolverRuleId=rule["Id"], VPCId=network["vpc"])[
        "ResolverRuleAssociation"
    ]
    assert association["Status"] == "CREATING"
    got = resolver.get_resolver_rule_association(ResolverRuleAssociationId=association["Id"])
    assert got["ResolverRuleAssociation"]["Status"] == "COMPLETE"
    with pytest.raises(ClientError) as twice:
        resolver.associate_resolver_rule(ResolverRuleId=rule["Id"], VPCId=network["vpc"])
    assert error_code(twice) == "ResourceExistsException"
    with pytest.raises(ClientError) as associated:
        resolver.delete_resolver_rule(ResolverRuleId=rule["Id"])
    assert error_code(associated) == "ResourceInUseException"
    with pytest.raises(ClientError) as vpc_busy:
        network["ec2"].delete_vpc(VpcId=network["vpc"])
    assert error_code(vpc_busy) == "DependencyViolation"
    resolver.disassociate_resolver_rule(ResolverRuleId=rule["Id"], VPCId=network["vpc"])
    assert resolver.list_resolver_rule_associations()["ResolverRuleAssociations"] == []
    resolver.delete_resolver_rule(ResolverRuleId=rule["Id"])
    with pytest.raises(ClientError) as gone:
        resolver.get_resolver_rule(ResolverRuleId=rule["Id"])
    assert error_code(gone) == "ResourceNotFoundException"


def test_endpoints_take_subnets_of_one_vpc(vpcsim: Any, account: str, resolver: Any, network: dict[str, Any]) -> None:
    other = network["ec2"].create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    stray = network["ec2"].create_subnet(VpcId=other, CidrBlock="10.1.1.0/24")["Subnet"]["SubnetId"]
    with pytest.raises(ClientError) as mixed:
        resolver.create_resolver_endpoint(
            CreatorRequestId="mixed",
            SecurityGroupIds=[network["group"]],
            Direction="INBOUND",
            IpAddresses=[{"SubnetId": network["subnets"][0]}, {"SubnetId": stray}],
        )
    assert error_code(mixed) == "InvalidParameterException"
