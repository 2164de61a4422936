"""ELBv2 (Network and Gateway Load Balancers, target groups, targets, listeners, tags) through real boto3 and the
real AWS CLI against a live server. Every refusal is checked for its exact ELBv2 code and for leaving state as it was.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.api.amis import AMI, EVERYWHERE
from tests.conftest import Cli, error_code
from vpcsim.testing import Server

LB_ARN = re.compile(r"^arn:aws:elasticloadbalancing:us-east-1:(\d{12}):loadbalancer/(net|gwy)/([\w-]+)/([0-9a-f]{16})$")
FAST = {"Delay": 1, "MaxAttempts": 5}


def _error(call: Any, **kwargs: Any) -> str:
    with pytest.raises(ClientError) as excinfo:
        call(**kwargs)
    return error_code(excinfo)


@pytest.fixture
def elbv2(vpcsim: Server, account: str, region: str) -> Any:
    return vpcsim.client("elbv2", region=region, account=account)


@pytest.fixture
def net(ec2: Any) -> dict[str, Any]:
    """A VPC with an internet gateway and two subnets in two AZs (and a third subnet sharing the first AZ)."""
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=cidr, AvailabilityZone=zone)["Subnet"]["SubnetId"]
        for cidr, zone in (("10.0.1.0/24", "us-east-1a"), ("10.0.2.0/24", "us-east-1b"), ("10.0.3.0/24", "us-east-1a"))
    ]
    return {"vpc": vpc, "igw": igw, "subnets": subnets}


def _nlb(elbv2: Any, net: dict[str, Any], name: str = "my-nlb", **extra: Any) -> dict[str, Any]:
    args = {"Name": name, "Type": "network", "Scheme": "internal", "Subnets": net["subnets"][:2], **extra}
    return dict(elbv2.create_load_balancer(**args)["LoadBalancers"][0])


def _tg(elbv2: Any, net: dict[str, Any], name: str = "my-tg", **extra: Any) -> dict[str, Any]:
    args = {"Name": name, "Protocol": "TCP", "Port": 80, "VpcId": net["vpc"], **extra}
    return dict(elbv2.create_target_group(**args)["TargetGroups"][0])


def _listener(elbv2: Any, lb: str, tg: str, port: int = 80, protocol: str = "TCP") -> dict[str, Any]:
    action = [{"Type": "forward", "TargetGroupArn": tg}]
    return dict(
        elbv2.create_listener(LoadBalancerArn=lb, Protocol=protocol, Port=port, DefaultActions=action)["Listeners"][0]
    )


def _lb_enis(ec2: Any, lb: dict[str, Any]) -> list[dict[str, Any]]:
    kind, name, suffix = lb["LoadBalancerArn"].split("/")[1:]
    flt = [{"Name": "description", "Values": [f"ELB {kind}/{name}/{suffix}"]}]
    return list(ec2.describe_network_interfaces(Filters=flt)["NetworkInterfaces"])


def _lbs(elbv2: Any) -> list[dict[str, Any]]:
    return list(elbv2.describe_load_balancers()["LoadBalancers"])


def _instance(ec2: Any, subnet: str) -> str:
    return str(
        ec2.run_instances(ImageId=AMI, InstanceType=EVERYWHERE, MinCount=1, MaxCount=1, SubnetId=subnet)["Instances"][
            0
        ]["InstanceId"]
    )


def _health(elbv2: Any, tg: str, **extra: Any) -> list[tuple[str, str | None]]:
    rows = elbv2.describe_target_health(TargetGroupArn=tg, **extra)["TargetHealthDescriptions"]
    return [(r["TargetHealth"]["State"], r["TargetHealth"].get("Reason")) for r in rows]


# -- load balancers ------------------------------------------------------------------------------------------------
def test_create_network_load_balancer_matches_aws(elbv2: Any, ec2: Any, net: dict[str, Any], account: str) -> None:
    lb = _nlb(elbv2, net)
    match = LB_ARN.match(lb["LoadBalancerArn"])
    assert match and match.groups()[:3] == (account, "net", "my-nlb")
    suffix = match.group(4)
    assert lb["DNSName"] == f"my-nlb-{suffix}.elb.us-east-1.amazonaws.com"
    assert lb["CanonicalHostedZoneId"] == "Z26RNL4JYFTOTI" and lb["State"] == {"Code": "provisioning"}
    assert (lb["Type"], lb["Scheme"], lb["VpcId"], lb["IpAddressType"]) == ("network", "internal", net["vpc"], "ipv4")
    assert lb["AvailabilityZones"] == [
        {"ZoneName": "us-east-1a", "SubnetId": net["subnets"][0], "LoadBalancerAddresses": []},
        {"ZoneName": "us-east-1b", "SubnetId": net["subnets"][1], "LoadBalancerAddresses": []},
    ]
    # Same member set as the real dump's internal NLB (no SecurityGroups when none were given).
    assert set(lb) - {"ResponseMetadata"} == {
        "AvailabilityZones", "CanonicalHostedZoneId", "CreatedTime", "DNSName", "IpAddressType", "LoadBalancerArn",
        "LoadBalancerName", "Scheme", "State", "Type", "VpcId",
    }  # fmt: skip
    shown = elbv2.describe_load_balancers(LoadBalancerArns=[lb["LoadBalancerArn"]])["LoadBalancers"][0]
    assert shown["State"] == {"Code": "active"} and shown["DNSName"] == lb["DNSName"]
    enis = _lb_enis(ec2, lb)
    assert sorted(e["SubnetId"] for e in enis) == sorted(net["subnets"][:2])
    for eni in enis:
        assert (eni["InterfaceType"], eni["RequesterManaged"], eni["Status"]) == (
            "network_load_balancer",
            True,
            "in-use",
        )
        assert eni["SourceDestCheck"] is False and eni["Groups"] == [] and "Association" not in eni
    typed = ec2.describe_network_interfaces(Filters=[{"Name": "interface-type", "Values": ["network_load_balancer"]}])
    assert len(typed["NetworkInterfaces"]) == 2


def test_load_balancer_available_waiter(elbv2: Any, net: dict[str, Any]) -> None:
    lb = _nlb(elbv2, net)
    assert lb["State"]["Code"] == "provisioning"
    elbv2.get_waiter("load_balancer_available").wait(LoadBalancerArns=[lb["LoadBalancerArn"]], WaiterConfig=FAST)
    assert _lbs(elbv2)[0]["State"] == {"Code": "active"}


def test_internet_facing_needs_an_internet_gateway(elbv2: Any, ec2: Any, net: dict[str, Any]) -> None:
    ec2.detach_internet_gateway(InternetGatewayId=net["igw"], VpcId=net["vpc"])
    code = _error(elbv2.create_load_balancer, Name="pub", Type="network", Subnets=net["subnets"][:1])
    assert code == "InvalidSubnet" and _lbs(elbv2) == []
    assert (
        ec2.describe_network_interfaces(Filters=[{"Name": "vpc-id", "Values": [net["vpc"]]}])["NetworkInterfaces"] == []
    )
    ec2.attach_internet_gateway(InternetGatewayId=net["igw"], VpcId=net["vpc"])
    lb = elbv2.create_load_balancer(Name="pub", Type="network", Subnets=net["subnets"][:1])["LoadBalancers"][0]
    assert lb["Scheme"] == "internet-facing"  # the API's default scheme
    (eni,) = _lb_enis(ec2, lb)
    assert eni["Association"]["IpOwnerId"] == "amazon" and eni["Association"]["PublicIp"]


def test_elastic_ip_and_private_address_mappings(elbv2: Any, ec2: Any, net: dict[str, Any]) -> None:
    allocation = ec2.allocate_address(Domain="vpc")
    mappings = [{"SubnetId": net["subnets"][0], "AllocationId": allocation["AllocationId"]}]
    lb = elbv2.create_load_balancer(Name="eip", Type="network", SubnetMappings=mappings)["LoadBalancers"][0]
    assert lb["AvailabilityZones"][0]["LoadBalancerAddresses"] == [
        {"IpAddress": allocation["PublicIp"], "AllocationId": allocation["AllocationId"]}
    ]
    address = ec2.describe_addresses(AllocationIds=[allocation["AllocationId"]])["Addresses"][0]
    assert address["NetworkInterfaceId"] == _lb_enis(ec2, lb)[0]["NetworkInterfaceId"]
    private = [{"SubnetId": net["subnets"][1], "PrivateIPv4Address": "10.0.2.50"}]
    internal = elbv2.create_load_balancer(Name="priv", Type="network", Scheme="internal", SubnetMappings=private)
    assert internal["LoadBalancers"][0]["AvailabilityZones"][0]["LoadBalancerAddresses"] == [
        {"PrivateIPv4Address": "10.0.2.50"}
    ]
    missing = [{"SubnetId": net["subnets"][1], "AllocationId": "eipalloc-0123456789abcdef0"}]
    assert (
        _error(elbv2.create_load_balancer, Name="x", Type="network", SubnetMappings=missing) == "AllocationIdNotFound"
    )
    elbv2.delete_load_balancer(LoadBalancerArn=lb["LoadBalancerArn"])
    address = ec2.describe_addresses(AllocationIds=[allocation["AllocationId"]])["Addresses"][0]
    assert "NetworkInterfaceId" not in address and len(_lbs(elbv2)) == 1


@pytest.mark.parametrize("name", ["-bad", "bad-", "bad_name", "a" * 33, "internal-lb"])
def test_load_balancer_name_rules(elbv2: Any, net: dict[str, Any], name: str) -> None:
    assert _error(_nlb, elbv2=elbv2, net=net, name=name) == "ValidationError"
    assert _lbs(elbv2) == []


def test_duplicate_name_and_idempotent_create(elbv2: Any, ec2: Any, net: dict[str, Any]) -> None:
    first = _nlb(elbv2, net)
    again = _nlb(elbv2, net)
    assert again["LoadBalancerArn"] == first["LoadBalancerArn"] and len(_lbs(elbv2)) == 1
    assert _error(_nlb, elbv2=elbv2, net=net, Subnets=net["subnets"][1:2]) == "DuplicateLoadBalancerName"
    assert len(_lbs(elbv2)) == 1 and len(_lb_enis(ec2, first)) == 2


def test_subnet_refusals_change_nothing(elbv2: Any, ec2: Any, net: dict[str, Any]) -> None:
    other_vpc = ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
    other = ec2.create_subnet(VpcId=other_vpc, CidrBlock="10.9.1.0/24", AvailabilityZone="us-east-1c")["Subnet"]
    cases = [
        ({"Subnets": ["subnet-0123456789abcdef0"]}, "SubnetNotFound"),
        ({"Subnets": [net["subnets"][0], net["subnets"][2]]}, "InvalidConfigurationRequest"),  # one AZ twice
        ({"Subnets": [net["subnets"][0], other["SubnetId"]]}, "InvalidConfigurationRequest"),  # two VPCs
        ({"Type": "application"}, "InvalidConfigurationRequest"),  # vpcsim: NLB and GWLB only
        ({"SecurityGroups": ["sg-0123456789abcdef0"]}, "InvalidSecurityGroup"),
        ({"IpAddressType": "dualstack-without-public-ipv4"}, "ValidationError"),
        ({"Subnets": [], "SubnetMappings": []}, "ValidationError"),
    ]
    for extra, code in cases:
        assert _error(_nlb, elbv2=elbv2, net=net, **extra) == code, extra
    assert _lbs(elbv2) == []
    interfaces = ec2.describe_network_interfaces(Filters=[{"Name": "vpc-id", "Values": [net["vpc"]]}])
    assert interfaces["NetworkInterfaces"] == []


def test_gateway_load_balancer(elbv2: Any, ec2: Any, net: dict[str, Any]) -> None:
    for extra in ({"Scheme": "internal"}, {"SecurityGroups": ["sg-0123456789abcdef0"]}):
        code = _error(elbv2.create_load_balancer, Name="gw", Type="gateway", Subnets=net["subnets"][:1], **extra)
        assert code == "InvalidConfigurationRequest"
    assert _lbs(elbv2) == []
    lb = elbv2.create_load_balancer(Name="gw", Type="gateway", Subnets=net["subnets"][:2])["LoadBalancers"][0]
    assert LB_ARN.match(lb["LoadBalancerArn"]).group(2) == "gwy"  # type: ignore[union-attr]
    assert not {"DNSName", "CanonicalHostedZoneId", "Scheme", "SecurityGroups"} & set(lb)
    assert (lb["Type"], lb["State"]["Code"]) == ("gateway", "provisioning")
    enis = _lb_enis(ec2, lb)
    assert len(enis) == 2 and {e["InterfaceType"] for e in enis} == {"gateway_load_balancer"}
    attributes = elbv2.describe_load_balancer_attributes(LoadBalancerArn=lb["LoadBalancerArn"])["Attributes"]
    assert {a["Key"]: a["Value"] for a in attributes} == {
        "deletion_protection.enabled": "false",
        "load_balancing.cross_zone.enabled": "false",
    }


def test_describe_load_balancers_by_name_arn_and_pages(elbv2: Any, net: dict[str, Any]) -> None:
    arns = [_nlb(elbv2, net, name=f"lb-{i}")["LoadBalancerArn"] for i in range(3)]
    assert [
        lb["LoadBalancerName"] for lb in elbv2.describe_load_balancers(Names=["lb-2", "lb-0"])["LoadBalancers"]
    ] == [
        "lb-2",
        "lb-0",
    ]
    first = elbv2.describe_load_balancers(PageSize=2)
    assert [lb["LoadBalancerArn"] for lb in first["LoadBalancers"]] == arns[:2] and first["NextMarker"]
    rest = elbv2.describe_load_balancers(PageSize=2, Marker=first["NextMarker"])
    assert [lb["LoadBalancerArn"] for lb in rest["LoadBalancers"]] == arns[2:] and "NextMarker" not in rest
    paged = [lb for page in elbv2.get_paginator("describe_load_balancers").paginate(PaginationConfig={"PageSize": 1})
             for lb in page["LoadBalancers"]]  # fmt: skip
    assert [lb["LoadBalancerArn"] for lb in paged] == arns
    assert _error(elbv2.describe_load_balancers, Names=["nope"]) == "LoadBalancerNotFound"
    missing = arns[0][:-16] + "0" * 16
    assert _error(elbv2.describe_load_balancers, LoadBalancerArns=[missing]) == "LoadBalancerNotFound"
    assert _error(elbv2.describe_load_balancers, LoadBalancerArns=["arn:nope"]) == "ValidationError"
    assert _error(elbv2.describe_load_balancers, Marker="garbage") == "ValidationError"
    assert _error(elbv2.describe_load_balancers, PageSize=401) == "ValidationError"


def test_delete_load_balancer_removes_what_it_created(elbv2: Any, ec2: Any, net: dict[str, Any]) -> None:
    lb = _nlb(elbv2, net)
    tg = _tg(elbv2, net)
    _listener(elbv2, lb["LoadBalancerArn"], tg["TargetGroupArn"])
    arn = lb["LoadBalancerArn"]
    elbv2.modify_load_balancer_attributes(
        LoadBalancerArn=arn, Attributes=[{"Key": "deletion_protection.enabled", "Value": "true"}]
    )
    assert _error(elbv2.delete_load_balancer, LoadBalancerArn=arn) == "OperationNotPermitted"
    assert len(_lbs(elbv2)) == 1 and len(_lb_enis(ec2, lb)) == 2
    elbv2.modify_load_balancer_attributes(
        LoadBalancerArn=arn, Attributes=[{"Key": "deletion_protection.enabled", "Value": "false"}]
    )
    elbv2.delete_load_balancer(LoadBalancerArn=arn)
    assert _lbs(elbv2) == [] and _lb_enis(ec2, lb) == []
    assert elbv2.describe_target_groups()["TargetGroups"][0]["LoadBalancerArns"] == []
    elbv2.delete_load_balancer(LoadBalancerArn=arn)  # "If the load balancer does not exist ... the call succeeds."
    elbv2.get_waiter("load_balancers_deleted").wait(LoadBalancerArns=[arn], WaiterConfig=FAST)
    assert _error(elbv2.delete_load_balancer, LoadBalancerArn="not-an-arn") == "ValidationError"
    subnet_counts = ec2.describe_subnets(SubnetIds=net["subnets"][:2])["Subnets"]
    assert [s["AvailableIpAddressCount"] for s in subnet_counts] == [251, 251]


def test_load_balancer_attributes(elbv2: Any, net: dict[str, Any]) -> None:
    arn = _nlb(elbv2, net)["LoadBalancerArn"]
    attributes = elbv2.describe_load_balancer_attributes(LoadBalancerArn=arn)["Attributes"]
    shown = {a["Key"]: a["Value"] for a in attributes}
    real_dump_keys = {"access_logs.s3.enabled", "load_balancing.cross_zone.enabled", "access_logs.s3.prefix",
                      "deletion_protection.enabled", "access_logs.s3.bucket"}  # fmt: skip
    assert real_dump_keys <= set(shown) and shown["load_balancing.cross_zone.enabled"] == "false"
    changed = elbv2.modify_load_balancer_attributes(
        LoadBalancerArn=arn, Attributes=[{"Key": "load_balancing.cross_zone.enabled", "Value": "true"}]
    )
    assert {a["Key"]: a["Value"] for a in changed["Attributes"]}["load_balancing.cross_zone.enabled"] == "true"
    for bad in ({"Key": "nope", "Value": "1"}, {"Key": "deletion_protection.enabled", "Value": "yes"}):
        assert _error(elbv2.modify_load_balancer_attributes, LoadBalancerArn=arn, Attributes=[bad]) == "ValidationError"
    logs = [{"Key": "access_logs.s3.enabled", "Value": "true"}]
    code = _error(elbv2.modify_load_balancer_attributes, LoadBalancerArn=arn, Attributes=logs)
    assert code == "InvalidConfigurationRequest"
    after = elbv2.describe_load_balancer_attributes(LoadBalancerArn=arn)["Attributes"]
    assert {a["Key"]: a["Value"] for a in after} == {**shown, "load_balancing.cross_zone.enabled": "true"}


def test_set_subnets_adds_and_removes_nodes(elbv2: Any, ec2: Any, net: dict[str, Any]) -> None:
    lb = _nlb(elbv2, net, Subnets=net["subnets"][:1])
    arn = lb["LoadBalancerArn"]
    result = elbv2.set_subnets(LoadBalancerArn=arn, Subnets=net["subnets"][:2])
    assert [z["SubnetId"] for z in result["AvailabilityZones"]] == net["subnets"][:2]
    assert sorted(e["SubnetId"] for e in _lb_enis(ec2, lb)) == sorted(net["subnets"][:2])
    code = _error(elbv2.set_subnets, LoadBalancerArn=arn, Subnets=[net["subnets"][0], net["subnets"][2]])
    assert code == "InvalidConfigurationRequest" and len(_lb_enis(ec2, lb)) == 2
    elbv2.set_subnets(LoadBalancerArn=arn, Subnets=net["subnets"][1:2])
    assert [e["SubnetId"] for e in _lb_enis(ec2, lb)] == net["subnets"][1:2]
    shown = elbv2.describe_load_balancers(LoadBalancerArns=[arn])["LoadBalancers"][0]
    assert [z["ZoneName"] for z in shown["AvailabilityZones"]] == ["us-east-1b"]


def test_security_groups_and_ip_address_type(elbv2: Any, ec2: Any, net: dict[str, Any]) -> None:
    group = ec2.create_security_group(GroupName="nlb", Description="nlb", VpcId=net["vpc"])["GroupId"]
    other = ec2.create_security_group(GroupName="other", Description="other", VpcId=net["vpc"])["GroupId"]
    plain = _nlb(elbv2, net, name="plain")["LoadBalancerArn"]
    code = _error(elbv2.set_security_groups, LoadBalancerArn=plain, SecurityGroups=[group])
    assert code == "InvalidConfigurationRequest"
    lb = _nlb(elbv2, net, name="guarded", SecurityGroups=[group])
    assert lb["SecurityGroups"] == [group] and lb["EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic"] == "on"
    assert {g["GroupId"] for e in _lb_enis(ec2, lb) for g in e["Groups"]} == {group}
    result = elbv2.set_security_groups(LoadBalancerArn=lb["LoadBalancerArn"], SecurityGroups=[other])
    assert result["SecurityGroupIds"] == [other]
    assert {g["GroupId"] for e in _lb_enis(ec2, lb) for g in e["Groups"]} == {other}
    bad = ["sg-0123456789abcdef0"]
    assert _error(elbv2.set_security_groups, LoadBalancerArn=lb["LoadBalancerArn"], SecurityGroups=bad) == (
        "InvalidSecurityGroup"
    )
    code = _error(elbv2.set_ip_address_type, LoadBalancerArn=plain, IpAddressType="dualstack")
    assert code == "InvalidSubnet"
    assert elbv2.describe_load_balancers(LoadBalancerArns=[plain])["LoadBalancers"][0]["IpAddressType"] == "ipv4"
    assert elbv2.set_ip_address_type(LoadBalancerArn=plain, IpAddressType="ipv4")["IpAddressType"] == "ipv4"


# -- target groups ---------------------------------------------------------------------------------------------------
def test_create_target_group_defaults(elbv2: Any, net: dict[str, Any], account: str) -> None:
    tg = _tg(elbv2, net)
    assert re.match(rf"^arn:aws:elasticloadbalancing:us-east-1:{account}:targetgroup/my-tg/[0-9a-f]{{16}}$",
                    tg["TargetGroupArn"])  # fmt: skip
    expected = {
        "TargetGroupName": "my-tg", "Protocol": "TCP", "Port": 80, "VpcId": net["vpc"], "HealthCheckProtocol": "TCP",
        "HealthCheckPort": "traffic-port", "HealthCheckEnabled": True, "HealthCheckIntervalSeconds": 30,
        "HealthCheckTimeoutSeconds": 10, "HealthyThresholdCount": 5, "UnhealthyThresholdCount": 2,
        "LoadBalancerArns": [], "TargetType": "instance", "IpAddressType": "ipv4",
    }  # fmt: skip
    assert {k: v for k, v in tg.items() if k != "TargetGroupArn"} == expected
    geneve = _tg(elbv2, net, name="gw-tg", Protocol="GENEVE", Port=6081, TargetType="ip")
    assert (geneve["HealthCheckPort"], geneve["HealthCheckIntervalSeconds"], geneve["HealthCheckTimeoutSeconds"]) == (
        "80",
        10,
        5,
    )
    http = _tg(elbv2, net, name="http-check", HealthCheckProtocol="HTTP", HealthCheckPath="/health")
    assert http["HealthCheckPath"] == "/health" and http["Matcher"] == {"HttpCode": "200-399"}


def test_target_group_refusals_change_nothing(elbv2: Any, net: dict[str, Any]) -> None:
    cases = [
        ({"Protocol": "HTTP"}, "InvalidConfigurationRequest"),
        ({"TargetType": "lambda"}, "InvalidConfigurationRequest"),
        ({"VpcId": "vpc-0123456789abcdef0"}, "ValidationError"),
        ({"Protocol": "GENEVE", "Port": 6080}, "ValidationError"),
        ({"Port": 65536}, "ValidationError"),
        ({"HealthCheckIntervalSeconds": 301}, "ValidationError"),
        ({"HealthCheckEnabled": False}, "ValidationError"),
        ({"Matcher": {"HttpCode": "200"}}, "ValidationError"),
        ({"name": "bad_name"}, "ValidationError"),
    ]
    for extra, code in cases:
        assert _error(_tg, elbv2=elbv2, net=net, **extra) == code, extra
    assert _error(elbv2.create_target_group, Name="novpc", Protocol="TCP", Port=80) == "ValidationError"
    assert elbv2.describe_target_groups()["TargetGroups"] == []
    first = _tg(elbv2, net)
    assert _tg(elbv2, net)["TargetGroupArn"] == first["TargetGroupArn"]  # idempotent
    assert _error(_tg, elbv2=elbv2, net=net, Port=81) == "DuplicateTargetGroupName"
    assert [t["Port"] for t in elbv2.describe_target_groups()["TargetGroups"]] == [80]


def test_describe_modify_delete_target_groups(elbv2: Any, net: dict[str, Any]) -> None:
    arns = [_tg(elbv2, net, name=f"tg-{i}")["TargetGroupArn"] for i in range(3)]
    assert [t["TargetGroupArn"] for t in elbv2.describe_target_groups(Names=["tg-1"])["TargetGroups"]] == arns[1:2]
    assert len(elbv2.describe_target_groups(TargetGroupArns=arns[:2])["TargetGroups"]) == 2
    page = elbv2.describe_target_groups(PageSize=2)
    assert len(page["TargetGroups"]) == 2 and page["NextMarker"]
    assert _error(elbv2.describe_target_groups, Names=["nope"]) == "TargetGroupNotFound"
    assert _error(elbv2.describe_target_groups, TargetGroupArns=[arns[0][:-16] + "0" * 16]) == "TargetGroupNotFound"
    lb = _nlb(elbv2, net)["LoadBalancerArn"]
    _listener(elbv2, lb, arns[0])
    by_lb = elbv2.describe_target_groups(LoadBalancerArn=lb)["TargetGroups"]
    assert [t["TargetGroupArn"] for t in by_lb] == arns[:1] and by_lb[0]["LoadBalancerArns"] == [lb]
    changed = elbv2.modify_target_group(TargetGroupArn=arns[1], HealthCheckIntervalSeconds=10, HealthyThresholdCount=3)
    assert (changed["TargetGroups"][0]["HealthCheckIntervalSeconds"], changed["TargetGroups"][0]["Port"]) == (10, 80)
    assert _error(elbv2.modify_target_group, TargetGroupArn=arns[1], HealthyThresholdCount=11) == "ValidationError"
    assert elbv2.describe_target_groups(TargetGroupArns=[arns[1]])["TargetGroups"][0]["HealthyThresholdCount"] == 3
    assert _error(elbv2.delete_target_group, TargetGroupArn=arns[0]) == "ResourceInUse"
    elbv2.delete_target_group(TargetGroupArn=arns[2])
    assert [t["TargetGroupArn"] for t in elbv2.describe_target_groups()["TargetGroups"]] == arns[:2]


def test_target_group_attributes(elbv2: Any, net: dict[str, Any]) -> None:
    arn = _tg(elbv2, net)["TargetGroupArn"]
    shown = {a["Key"]: a["Value"] for a in elbv2.describe_target_group_attributes(TargetGroupArn=arn)["Attributes"]}
    assert shown["deregistration_delay.timeout_seconds"] == "300" and shown["preserve_client_ip.enabled"] == "true"
    assert shown["proxy_protocol_v2.enabled"] == "false" and shown["stickiness.type"] == "source_ip"
    changes = [{"Key": "deregistration_delay.timeout_seconds", "Value": "0"}]
    changed = elbv2.modify_target_group_attributes(TargetGroupArn=arn, Attributes=changes)["Attributes"]
    assert {a["Key"]: a["Value"] for a in changed}["deregistration_delay.timeout_seconds"] == "0"
    for bad in ({"Key": "nope", "Value": "1"}, {"Key": "deregistration_delay.timeout_seconds", "Value": "3601"}):
        assert _error(elbv2.modify_target_group_attributes, TargetGroupArn=arn, Attributes=[bad]) == "ValidationError"
    after = {a["Key"]: a["Value"] for a in elbv2.describe_target_group_attributes(TargetGroupArn=arn)["Attributes"]}
    assert after == {**shown, "deregistration_delay.timeout_seconds": "0"}


# -- targets ---------------------------------------------------------------------------------------------------------
def test_instance_target_health_lifecycle(elbv2: Any, ec2: Any, net: dict[str, Any]) -> None:
    instance = _instance(ec2, net["subnets"][0])
    tg = _tg(elbv2, net)["TargetGroupArn"]
    elbv2.register_targets(TargetGroupArn=tg, Targets=[{"Id": instance}])
    assert _health(elbv2, tg) == [("unused", "Target.NotInUse")]
    lb = _nlb(elbv2, net)["LoadBalancerArn"]
    _listener(elbv2, lb, tg)
    rows = elbv2.describe_target_health(TargetGroupArn=tg)["TargetHealthDescriptions"]
    # Time scale 0: the health checks are passed once the registering call has returned (test_lifecycles.py
    # shows "initial" on a server whose clock runs slower).
    assert rows == [
        {"Target": {"Id": instance, "Port": 80}, "HealthCheckPort": "80", "TargetHealth": {"State": "healthy"}}
    ]
    ec2.stop_instances(InstanceIds=[instance])
    rows = elbv2.describe_target_health(TargetGroupArn=tg)["TargetHealthDescriptions"]
    assert rows[0]["TargetHealth"] == {
        "State": "unused",
        "Reason": "Target.InvalidState",
        "Description": "Target is in the stopped state",
    }
    other = _instance(ec2, net["subnets"][0])
    assert _health(elbv2, tg, Targets=[{"Id": other}]) == [("unused", "Target.NotRegistered")]
    assert _error(elbv2.describe_target_health, TargetGroupArn=tg, Targets=[{"Id": "i-0123456789abcdef0"}]) == (
        "InvalidTarget"
    )


def test_target_in_service_and_deregistered_waiters(elbv2: Any, ec2: Any, net: dict[str, Any]) -> None:
    instance = _instance(ec2, net["subnets"][0])
    tg = _tg(elbv2, net)["TargetGroupArn"]
    _listener(elbv2, _nlb(elbv2, net)["LoadBalancerArn"], tg)
    elbv2.register_targets(TargetGroupArn=tg, Targets=[{"Id": instance}])
    elbv2.get_waiter("target_in_service").wait(TargetGroupArn=tg, Targets=[{"Id": instance}], WaiterConfig=FAST)
    assert _health(elbv2, tg) == [("healthy", None)]
    elbv2.deregister_targets(TargetGroupArn=tg, Targets=[{"Id": instance}])
    assert _health(elbv2, tg) == []  # time scale 0: drained once the call returned (test_lifecycles.py: draining)
    elbv2.get_waiter("target_deregistered").wait(TargetGroupArn=tg, Targets=[{"Id": instance}], WaiterConfig=FAST)
    elbv2.deregister_targets(TargetGroupArn=tg, Targets=[{"Id": instance}])  # not registered: succeeds


def test_register_refusals(elbv2: Any, ec2: Any, net: dict[str, Any]) -> None:
    tg = _tg(elbv2, net)["TargetGroupArn"]
    stopped = _instance(ec2, net["subnets"][0])
    ec2.stop_instances(InstanceIds=[stopped])
    elsewhere = _instance(ec2, ec2.describe_subnets(Filters=[{"Name": "default-for-az", "Values": ["true"]}])[
        "Subnets"][0]["SubnetId"])  # fmt: skip
    cases = [
        ({"Id": "i-0123456789abcdef0"}, "InvalidTarget"),
        ({"Id": stopped}, "InvalidTarget"),
        ({"Id": elsewhere}, "InvalidTarget"),
        ({"Id": elsewhere, "AvailabilityZone": "us-east-1a"}, "ValidationError"),
    ]
    for target, code in cases:
        assert _error(elbv2.register_targets, TargetGroupArn=tg, Targets=[target]) == code, target
    assert _health(elbv2, tg) == []
    unknown = tg[:-16] + "0" * 16
    assert _error(elbv2.register_targets, TargetGroupArn=unknown, Targets=[{"Id": stopped}]) == "TargetGroupNotFound"


def test_ip_targets(elbv2: Any, ec2: Any, net: dict[str, Any]) -> None:
    tg = _tg(elbv2, net, TargetType="ip")["TargetGroupArn"]
    _listener(elbv2, _nlb(elbv2, net)["LoadBalancerArn"], tg)
    eni = ec2.create_network_interface(SubnetId=net["subnets"][0])["NetworkInterface"]
    for target, code in (
        ({"Id": "8.8.8.8", "AvailabilityZone": "all"}, "InvalidTarget"),
        ({"Id": "192.168.1.10"}, "ValidationError"),
        ({"Id": "not-an-ip"}, "InvalidTarget"),
    ):
        assert _error(elbv2.register_targets, TargetGroupArn=tg, Targets=[target]) == code, target
    targets = [{"Id": eni["PrivateIpAddress"]}, {"Id": "10.0.2.99"}, {"Id": "192.168.1.10", "AvailabilityZone": "all"}]
    elbv2.register_targets(TargetGroupArn=tg, Targets=targets)
    rows = elbv2.describe_target_health(TargetGroupArn=tg)["TargetHealthDescriptions"]
    assert [(r["Target"].get("AvailabilityZone"), r["TargetHealth"]["State"]) for r in rows] == [
        ("us-east-1a", "healthy"),
        ("us-east-1b", "unhealthy"),  # no interface holds 10.0.2.99: the check times out
        ("all", "healthy"),
    ]
    assert rows[1]["TargetHealth"]["Reason"] == "Target.Timeout"


# -- listeners -------------------------------------------------------------------------------------------------------
def test_listener_lifecycle(elbv2: Any, net: dict[str, Any]) -> None:
    lb = _nlb(elbv2, net)["LoadBalancerArn"]
    tg = _tg(elbv2, net)["TargetGroupArn"]
    other = _tg(elbv2, net, name="other")["TargetGroupArn"]
    listener = _listener(elbv2, lb, tg)
    name, suffix = lb.split("/")[2:]
    assert re.match(rf"^arn:aws:elasticloadbalancing:us-east-1:\d{{12}}:listener/net/{name}/{suffix}/[0-9a-f]{{16}}$",
                    listener["ListenerArn"])  # fmt: skip
    assert (listener["Port"], listener["Protocol"], listener["LoadBalancerArn"]) == (80, "TCP", lb)
    assert listener["DefaultActions"][0]["Type"] == "forward" and listener["DefaultActions"][0]["TargetGroupArn"] == tg
    assert _listener(elbv2, lb, tg)["ListenerArn"] == listener["ListenerArn"]  # idempotent
    assert _error(_listener, elbv2=elbv2, lb=lb, tg=other) == "DuplicateListener"
    assert [x["ListenerArn"] for x in elbv2.describe_listeners(LoadBalancerArn=lb)["Listeners"]] == [
        listener["ListenerArn"]
    ]
    action = [{"Type": "forward", "TargetGroupArn": other}]
    changed = elbv2.modify_listener(ListenerArn=listener["ListenerArn"], Port=8080, DefaultActions=action)
    assert (changed["Listeners"][0]["Port"], changed["Listeners"][0]["DefaultActions"][0]["TargetGroupArn"]) == (
        8080,
        other,
    )
    groups = {t["TargetGroupArn"]: t["LoadBalancerArns"] for t in elbv2.describe_target_groups()["TargetGroups"]}
    assert groups == {tg: [], other: [lb]}
    elbv2.delete_listener(ListenerArn=listener["ListenerArn"])
    assert elbv2.describe_listeners(LoadBalancerArn=lb)["Listeners"] == []
    assert elbv2.describe_target_groups(TargetGroupArns=[other])["TargetGroups"][0]["LoadBalancerArns"] == []
    assert _error(elbv2.delete_listener, ListenerArn=listener["ListenerArn"]) == "ListenerNotFound"
    assert _error(elbv2.describe_listeners, ListenerArns=[listener["ListenerArn"]]) == "ListenerNotFound"


def test_listener_refusals_change_nothing(elbv2: Any, net: dict[str, Any]) -> None:
    lb = _nlb(elbv2, net)["LoadBalancerArn"]
    second = _nlb(elbv2, net, name="second")["LoadBalancerArn"]
    tg = _tg(elbv2, net)["TargetGroupArn"]
    udp = _tg(elbv2, net, name="udp", Protocol="UDP")["TargetGroupArn"]
    _listener(elbv2, second, tg)
    fresh = _tg(elbv2, net, name="fresh")["TargetGroupArn"]
    cases = [
        ({"tg": tg}, "TargetGroupAssociationLimit"),  # tg already serves the second load balancer
        ({"tg": udp, "protocol": "TCP"}, "IncompatibleProtocols"),
        ({"tg": fresh, "protocol": "HTTP"}, "UnsupportedProtocol"),
        ({"tg": fresh, "protocol": "TLS"}, "ValidationError"),  # no certificate
        ({"tg": fresh, "port": 65536}, "ValidationError"),
        ({"tg": fresh[:-16] + "0" * 16}, "TargetGroupNotFound"),
        ({"tg": fresh, "lb": lb[:-16] + "0" * 16}, "LoadBalancerNotFound"),
    ]
    for extra, code in cases:
        assert _error(_listener, elbv2=elbv2, **{"lb": lb, **extra}) == code, extra
    redirect = [{"Type": "redirect", "RedirectConfig": {"StatusCode": "HTTP_301"}}]
    code = _error(elbv2.create_listener, LoadBalancerArn=lb, Protocol="TCP", Port=80, DefaultActions=redirect)
    assert code == "InvalidLoadBalancerAction"
    assert elbv2.describe_listeners(LoadBalancerArn=lb)["Listeners"] == []
    assert elbv2.describe_target_groups(TargetGroupArns=[udp])["TargetGroups"][0]["LoadBalancerArns"] == []
    assert _error(elbv2.describe_listeners) == "ValidationError"
    tls = elbv2.create_listener(
        LoadBalancerArn=lb, Protocol="TLS", Port=443, DefaultActions=[{"Type": "forward", "TargetGroupArn": fresh}],
        Certificates=[{"CertificateArn": "arn:aws:acm:us-east-1:123456789012:certificate/abc"}],
    )["Listeners"][0]  # fmt: skip
    assert tls["SslPolicy"] == "ELBSecurityPolicy-2016-08" and len(tls["Certificates"]) == 1


def test_gateway_load_balancer_listener(elbv2: Any, net: dict[str, Any]) -> None:
    lb = elbv2.create_load_balancer(Name="gw", Type="gateway", Subnets=net["subnets"][:1])["LoadBalancers"][0]
    arn = lb["LoadBalancerArn"]
    geneve = _tg(elbv2, net, name="gw-tg", Protocol="GENEVE", Port=6081)["TargetGroupArn"]
    tcp = _tg(elbv2, net)["TargetGroupArn"]
    action = [{"Type": "forward", "TargetGroupArn": geneve}]
    code = _error(elbv2.create_listener, LoadBalancerArn=arn, Protocol="TCP", Port=80, DefaultActions=action)
    assert code == "ValidationError"
    bad = [{"Type": "forward", "TargetGroupArn": tcp}]
    assert _error(elbv2.create_listener, LoadBalancerArn=arn, DefaultActions=bad) == "IncompatibleProtocols"
    listener = elbv2.create_listener(LoadBalancerArn=arn, DefaultActions=action)["Listeners"][0]
    assert "Port" not in listener and "Protocol" not in listener and ":listener/gwy/gw/" in listener["ListenerArn"]
    other = _tg(elbv2, net, name="gw-tg2", Protocol="GENEVE", Port=6081)["TargetGroupArn"]
    other_action = [{"Type": "forward", "TargetGroupArn": other}]
    assert _error(elbv2.create_listener, LoadBalancerArn=arn, DefaultActions=other_action) == "DuplicateListener"
    assert len(elbv2.describe_listeners(LoadBalancerArn=arn)["Listeners"]) == 1


# -- tags ------------------------------------------------------------------------------------------------------------
def test_tags(elbv2: Any, net: dict[str, Any]) -> None:
    lb = _nlb(elbv2, net, Tags=[{"Key": "team", "Value": "net"}])["LoadBalancerArn"]
    tg = _tg(elbv2, net)["TargetGroupArn"]
    elbv2.add_tags(ResourceArns=[lb, tg], Tags=[{"Key": "env", "Value": "test"}])
    described = elbv2.describe_tags(ResourceArns=[lb, tg])["TagDescriptions"]
    assert described == [
        {"ResourceArn": lb, "Tags": [{"Key": "team", "Value": "net"}, {"Key": "env", "Value": "test"}]},
        {"ResourceArn": tg, "Tags": [{"Key": "env", "Value": "test"}]},
    ]
    elbv2.remove_tags(ResourceArns=[lb], TagKeys=["team"])
    assert elbv2.describe_tags(ResourceArns=[lb])["TagDescriptions"][0]["Tags"] == [{"Key": "env", "Value": "test"}]
    many = [{"Key": f"k{i}", "Value": "v"} for i in range(50)]
    assert _error(elbv2.add_tags, ResourceArns=[lb], Tags=many) == "TooManyTags"
    assert elbv2.describe_tags(ResourceArns=[lb])["TagDescriptions"][0]["Tags"] == [{"Key": "env", "Value": "test"}]
    twice = [{"Key": "a", "Value": "1"}, {"Key": "a", "Value": "2"}]
    assert _error(elbv2.add_tags, ResourceArns=[lb], Tags=twice) == "DuplicateTagKeys"
    assert _error(elbv2.describe_tags, ResourceArns=[lb[:-16] + "0" * 16]) == "LoadBalancerNotFound"
    assert _error(elbv2.describe_tags, ResourceArns=[tg[:-16] + "0" * 16]) == "TargetGroupNotFound"
    assert _error(_nlb, elbv2=elbv2, net=net, name="tagged", Tags=[*many, {"Key": "x", "Value": "y"}]) == "TooManyTags"
    assert len(_lbs(elbv2)) == 1


def test_unimplemented_operation_is_unsupported(elbv2: Any) -> None:
    assert _error(elbv2.describe_ssl_policies) == "UnsupportedOperation"


def test_cli_network_load_balancer_flow(aws: Cli, ec2: Any, net: dict[str, Any]) -> None:
    created = aws("elbv2", "create-load-balancer", "--name", "cli-nlb", "--type", "network", "--scheme", "internal",
                  "--subnets", *net["subnets"][:2])["LoadBalancers"][0]  # fmt: skip
    assert created["State"]["Code"] == "provisioning" and created["Type"] == "network"
    arn = created["LoadBalancerArn"]
    aws("elbv2", "wait", "load-balancer-available", "--load-balancer-arns", arn)
    shown = aws("elbv2", "describe-load-balancers", "--names", "cli-nlb")["LoadBalancers"]
    assert [(lb["LoadBalancerArn"], lb["State"]["Code"]) for lb in shown] == [(arn, "active")]
    assert aws.error("elbv2", "describe-load-balancers", "--names", "missing") == "LoadBalancerNotFound"
    aws("elbv2", "delete-load-balancer", "--load-balancer-arn", arn)
    assert aws("elbv2", "describe-load-balancers")["LoadBalancers"] == []
    assert (
        ec2.describe_network_interfaces(Filters=[{"Name": "vpc-id", "Values": [net["vpc"]]}])["NetworkInterfaces"] == []
    )
