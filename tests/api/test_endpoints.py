"""VPC endpoints through boto3 and the AWS CLI against a live server (issue: aws-behaviour sections 1 and 2)."""

from __future__ import annotations

import ipaddress
import json
import re
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.conftest import error_code

GATEWAY_POLICY = '{"Version":"2008-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}'
INTERFACE_POLICY = '{"Statement":[{"Action":"*","Effect":"Allow","Principal":"*","Resource":"*"}]}'


def _vpc(ec2: Any, cidr: str = "10.0.0.0/16", dns: bool = True) -> str:
    vpc_id = ec2.create_vpc(CidrBlock=cidr)["Vpc"]["VpcId"]
    if dns:
        ec2.modify_vpc_attribute(VpcId=vpc_id, EnableDnsHostnames={"Value": True})
    return str(vpc_id)


def _subnet(ec2: Any, vpc_id: str, cidr: str, az: str) -> str:
    return str(ec2.create_subnet(VpcId=vpc_id, CidrBlock=cidr, AvailabilityZone=az)["Subnet"]["SubnetId"])


def _main_table(ec2: Any, vpc_id: str) -> dict[str, Any]:
    tables = ec2.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["RouteTables"]
    return next(t for t in tables if any(a.get("Main") for a in t["Associations"]))


def _fails(code: str, call: Any, **kwargs: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        call(**kwargs)
    assert error_code(excinfo) == code, excinfo.value


# -- the AWS service catalog ------------------------------------------------------------------------------------------
def test_service_catalog_at_real_scale(ec2: Any) -> None:
    names = [n for page in ec2.get_paginator("describe_vpc_endpoint_services").paginate() for n in page["ServiceNames"]]
    assert len(names) >= 250 and len(set(names)) == len(names)
    assert {"com.amazonaws.us-east-1.s3", "com.amazonaws.us-east-1.dynamodb", "com.amazonaws.us-east-1.sqs"} <= set(
        names
    )
    gateway = ec2.describe_vpc_endpoint_services(Filters=[{"Name": "service-type", "Values": ["Gateway"]}])
    assert sorted(gateway["ServiceNames"]) == ["com.amazonaws.us-east-1.dynamodb", "com.amazonaws.us-east-1.s3"]
    none = ec2.describe_vpc_endpoint_services(Filters=[{"Name": "service-type", "Values": ["Nothing"]}])
    assert none["ServiceNames"] == [] and none["ServiceDetails"] == []


def test_service_details_match_aws(ec2: Any) -> None:
    details = ec2.describe_vpc_endpoint_services(ServiceNames=["com.amazonaws.us-east-1.sqs"])["ServiceDetails"]
    (sqs,) = details
    assert sqs["ServiceType"] == [{"ServiceType": "Interface"}] and sqs["Owner"] == "amazon"
    assert sqs["BaseEndpointDnsNames"] == ["sqs.us-east-1.vpce.amazonaws.com"]
    assert sqs["PrivateDnsName"] == "sqs.us-east-1.amazonaws.com"
    assert sqs["AvailabilityZones"] == [f"us-east-1{c}" for c in "abcdef"]
    assert re.fullmatch(r"vpce-svc-[0-9a-f]{17}", sqs["ServiceId"]) and sqs["AcceptanceRequired"] is False
    s3 = ec2.describe_vpc_endpoint_services(
        Filters=[{"Name": "service-name", "Values": ["com.amazonaws.us-east-1.s3"]}]
    )
    assert sorted(d["ServiceType"][0]["ServiceType"] for d in s3["ServiceDetails"]) == ["Gateway", "Interface"]
    gateway = next(d for d in s3["ServiceDetails"] if d["ServiceType"] == [{"ServiceType": "Gateway"}])
    assert gateway["BaseEndpointDnsNames"] == ["s3.us-east-1.amazonaws.com"] and "PrivateDnsName" not in gateway
    again = ec2.describe_vpc_endpoint_services(ServiceNames=["com.amazonaws.us-east-1.sqs"])["ServiceDetails"][0]
    assert again["ServiceId"] == sqs["ServiceId"]
    _fails("InvalidServiceName", ec2.describe_vpc_endpoint_services, ServiceNames=["com.amazonaws.us-east-1.nope"])


# -- AWS-managed prefix lists -----------------------------------------------------------------------------------------
def test_aws_managed_prefix_lists(ec2: Any) -> None:
    lists = {p["PrefixListName"]: p for p in ec2.describe_prefix_lists()["PrefixLists"]}
    s3 = lists["com.amazonaws.us-east-1.s3"]
    assert s3["PrefixListId"] == "pl-63a5400a" and s3["Cidrs"]
    assert all(ipaddress.ip_network(c) for c in s3["Cidrs"])
    managed = ec2.describe_managed_prefix_lists(PrefixListIds=["pl-63a5400a"])["PrefixLists"][0]
    assert managed["OwnerId"] == "AWS" and managed["State"] == "create-complete"
    entries = ec2.get_managed_prefix_list_entries(PrefixListId="pl-63a5400a")["Entries"]
    assert sorted(e["Cidr"] for e in entries) == sorted(s3["Cidrs"])
    _fails("InvalidPrefixListModification", ec2.delete_managed_prefix_list, PrefixListId="pl-63a5400a")
    _fails(
        "InvalidPrefixListModification",
        ec2.modify_managed_prefix_list,
        PrefixListId="pl-63a5400a",
        AddEntries=[{"Cidr": "10.0.0.0/8"}],
    )


def test_prefix_lists_are_per_region(vpcsim: Any, account: str) -> None:
    london = vpcsim.client("ec2", "eu-west-2", account)
    lists = {p["PrefixListName"]: p["PrefixListId"] for p in london.describe_prefix_lists()["PrefixLists"]}
    assert lists["com.amazonaws.eu-west-2.s3"] == "pl-7ca54015"
    assert "com.amazonaws.eu-west-2.dynamodb" in lists and "com.amazonaws.us-east-1.s3" not in lists


# -- gateway endpoints ------------------------------------------------------------------------------------------------
def test_gateway_endpoint_adds_prefix_list_routes(ec2: Any) -> None:
    vpc_id = _vpc(ec2)
    table = _main_table(ec2, vpc_id)["RouteTableId"]
    endpoint = ec2.create_vpc_endpoint(VpcId=vpc_id, ServiceName="com.amazonaws.us-east-1.s3", RouteTableIds=[table])
    endpoint = endpoint["VpcEndpoint"]
    assert endpoint["VpcEndpointType"] == "Gateway" and endpoint["State"] == "available"
    assert endpoint["PolicyDocument"] == GATEWAY_POLICY and endpoint["RouteTableIds"] == [table]
    assert endpoint["DnsEntries"] == [] and endpoint["NetworkInterfaceIds"] == [] and endpoint["SubnetIds"] == []
    assert re.fullmatch(r"vpce-[0-9a-f]{17}", endpoint["VpcEndpointId"])
    routes = _main_table(ec2, vpc_id)["Routes"]
    assert {
        "DestinationPrefixListId": "pl-63a5400a",
        "GatewayId": endpoint["VpcEndpointId"],
        "Origin": "CreateRoute",
        "State": "active",
    } in routes
    ec2.delete_vpc_endpoints(VpcEndpointIds=[endpoint["VpcEndpointId"]])
    assert all("DestinationPrefixListId" not in r for r in _main_table(ec2, vpc_id)["Routes"])


def test_gateway_endpoint_refusals(ec2: Any) -> None:
    vpc_id = _vpc(ec2)
    table = _main_table(ec2, vpc_id)["RouteTableId"]
    subnet = _subnet(ec2, vpc_id, "10.0.1.0/24", "us-east-1a")
    s3 = "com.amazonaws.us-east-1.s3"
    _fails("InvalidParameter", ec2.create_vpc_endpoint, VpcId=vpc_id, ServiceName=s3, SubnetIds=[subnet])
    _fails(
        "InvalidParameter",
        ec2.create_vpc_endpoint,
        VpcId=vpc_id,
        ServiceName="com.amazonaws.us-east-1.sqs",
        VpcEndpointType="Gateway",
    )
    _fails("InvalidServiceName", ec2.create_vpc_endpoint, VpcId=vpc_id, ServiceName="com.amazonaws.eu-west-2.s3")
    _fails("InvalidVpcID.NotFound", ec2.create_vpc_endpoint, VpcId="vpc-0123456789abcdef0", ServiceName=s3)
    _fails(
        "InvalidRouteTableID.NotFound",
        ec2.create_vpc_endpoint,
        VpcId=vpc_id,
        ServiceName=s3,
        RouteTableIds=["rtb-0123456789abcdef0"],
    )
    _fails("InvalidPolicyDocument", ec2.create_vpc_endpoint, VpcId=vpc_id, ServiceName=s3, PolicyDocument="{nope")
    ec2.create_vpc_endpoint(VpcId=vpc_id, ServiceName=s3, RouteTableIds=[table])
    _fails("RouteAlreadyExists", ec2.create_vpc_endpoint, VpcId=vpc_id, ServiceName=s3, RouteTableIds=[table])
    assert len(ec2.describe_vpc_endpoints()["VpcEndpoints"]) == 1
    ec2.create_vpc_endpoint(VpcId=vpc_id, ServiceName="com.amazonaws.us-east-1.dynamodb", RouteTableIds=[table])
    assert len([r for r in _main_table(ec2, vpc_id)["Routes"] if "DestinationPrefixListId" in r]) == 2


def test_gateway_endpoint_modify_and_reset_policy(ec2: Any) -> None:
    vpc_id = _vpc(ec2)
    main = _main_table(ec2, vpc_id)["RouteTableId"]
    other = ec2.create_route_table(VpcId=vpc_id)["RouteTable"]["RouteTableId"]
    policy = json.dumps(
        {"Statement": [{"Effect": "Deny", "Principal": "*", "Action": "s3:PutObject", "Resource": "*"}]}
    )
    eid = ec2.create_vpc_endpoint(
        VpcId=vpc_id, ServiceName="com.amazonaws.us-east-1.s3", RouteTableIds=[main], PolicyDocument=policy
    )["VpcEndpoint"]["VpcEndpointId"]
    assert ec2.describe_vpc_endpoints(VpcEndpointIds=[eid])["VpcEndpoints"][0]["PolicyDocument"] == policy
    assert (
        ec2.modify_vpc_endpoint(
            VpcEndpointId=eid, AddRouteTableIds=[other], RemoveRouteTableIds=[main], ResetPolicy=True
        )["Return"]
        is True
    )
    endpoint = ec2.describe_vpc_endpoints(VpcEndpointIds=[eid])["VpcEndpoints"][0]
    assert endpoint["RouteTableIds"] == [other] and endpoint["PolicyDocument"] == GATEWAY_POLICY
    tables = {
        t["RouteTableId"]: t
        for t in ec2.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["RouteTables"]
    }
    assert any(r.get("GatewayId") == eid for r in tables[other]["Routes"])
    assert not any(r.get("GatewayId") == eid for r in tables[main]["Routes"])
    _fails("InvalidParameter", ec2.modify_vpc_endpoint, VpcEndpointId=eid, AddSubnetIds=["subnet-0123456789abcdef0"])


def test_gateway_endpoint_quota(ec2: Any) -> None:
    vpc_id = _vpc(ec2)
    for _ in range(20):
        ec2.create_vpc_endpoint(VpcId=vpc_id, ServiceName="com.amazonaws.us-east-1.s3")
    _fails("VpcEndpointLimitExceeded", ec2.create_vpc_endpoint, VpcId=vpc_id, ServiceName="com.amazonaws.us-east-1.s3")


# -- interface endpoints ----------------------------------------------------------------------------------------------
def test_interface_endpoint_interfaces_dns_and_lifecycle(ec2: Any) -> None:
    vpc_id = _vpc(ec2)
    a = _subnet(ec2, vpc_id, "10.0.1.0/24", "us-east-1a")
    b = _subnet(ec2, vpc_id, "10.0.2.0/24", "us-east-1b")
    created = ec2.create_vpc_endpoint(
        VpcId=vpc_id, VpcEndpointType="Interface", ServiceName="com.amazonaws.us-east-1.sqs", SubnetIds=[a, b]
    )["VpcEndpoint"]
    eid = created["VpcEndpointId"]
    assert created["State"] == "pending" and created["PrivateDnsEnabled"] is True
    assert created["PolicyDocument"] == INTERFACE_POLICY and created["RouteTableIds"] == []
    assert created["Groups"][0]["GroupName"] == "default" and created["RequesterManaged"] is False
    names = [d["DnsName"] for d in created["DnsEntries"]]
    suffix = re.fullmatch(rf"{eid}-([a-z0-9]{{8}})\.sqs\.us-east-1\.vpce\.amazonaws\.com", names[0]).group(1)  # type: ignore[union-attr]
    assert names[1:3] == [
        f"{eid}-{suffix}-us-east-1b.sqs.us-east-1.vpce.amazonaws.com",
        f"{eid}-{suffix}-us-east-1a.sqs.us-east-1.vpce.amazonaws.com",
    ]
    assert names[3] == "sqs.us-east-1.amazonaws.com"
    assert {d["HostedZoneId"] for d in created["DnsEntries"][:3]} == {"Z7HUB22UULQXV"}
    enis = ec2.describe_network_interfaces(NetworkInterfaceIds=created["NetworkInterfaceIds"])["NetworkInterfaces"]
    assert {e["InterfaceType"] for e in enis} == {"vpc_endpoint"} and all(e["RequesterManaged"] for e in enis)
    assert {e["SubnetId"] for e in enis} == {a, b}
    for eni in enis:
        subnet_cidr = "10.0.1.0/24" if eni["SubnetId"] == a else "10.0.2.0/24"
        assert ipaddress.ip_address(eni["PrivateIpAddress"]) in ipaddress.ip_network(subnet_cidr)
    assert ec2.describe_vpc_endpoints(VpcEndpointIds=[eid])["VpcEndpoints"][0]["State"] == "available"
    ec2.delete_vpc_endpoints(VpcEndpointIds=[eid])
    assert ec2.describe_network_interfaces(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["NetworkInterfaces"] == []


def test_s3_interface_endpoint_has_wildcard_names(ec2: Any) -> None:
    vpc_id = _vpc(ec2)
    subnet = _subnet(ec2, vpc_id, "10.0.3.0/24", "us-east-1c")
    endpoint = ec2.create_vpc_endpoint(
        VpcId=vpc_id,
        VpcEndpointType="Interface",
        ServiceName="com.amazonaws.us-east-1.s3",
        SubnetIds=[subnet],
        PrivateDnsEnabled=False,
    )["VpcEndpoint"]
    names = [d["DnsName"] for d in endpoint["DnsEntries"]]
    assert len(names) == 2 and all(n.startswith(f"*.{endpoint['VpcEndpointId']}-") for n in names)
    assert names[1].endswith("-us-east-1c.s3.us-east-1.vpce.amazonaws.com")


def test_interface_endpoint_refusals(ec2: Any) -> None:
    vpc_id = _vpc(ec2)
    a1 = _subnet(ec2, vpc_id, "10.0.1.0/24", "us-east-1a")
    a2 = _subnet(ec2, vpc_id, "10.0.2.0/24", "us-east-1a")
    sqs = "com.amazonaws.us-east-1.sqs"
    table = _main_table(ec2, vpc_id)["RouteTableId"]
    _fails(
        "DuplicateSubnetsInSameZone",
        ec2.create_vpc_endpoint,
        VpcId=vpc_id,
        VpcEndpointType="Interface",
        ServiceName=sqs,
        SubnetIds=[a1, a2],
    )
    _fails(
        "InvalidParameter",
        ec2.create_vpc_endpoint,
        VpcId=vpc_id,
        VpcEndpointType="Interface",
        ServiceName=sqs,
        SubnetIds=[a1],
        RouteTableIds=[table],
    )
    _fails(
        "InvalidSubnetID.NotFound",
        ec2.create_vpc_endpoint,
        VpcId=vpc_id,
        VpcEndpointType="Interface",
        ServiceName=sqs,
        SubnetIds=["subnet-0123456789abcdef0"],
    )
    _fails(
        "InvalidGroup.NotFound",
        ec2.create_vpc_endpoint,
        VpcId=vpc_id,
        VpcEndpointType="Interface",
        ServiceName=sqs,
        SubnetIds=[a1],
        SecurityGroupIds=["sg-0123456789abcdef0"],
    )
    no_dns = _vpc(ec2, "10.1.0.0/16", dns=False)
    plain = _subnet(ec2, no_dns, "10.1.1.0/24", "us-east-1a")
    _fails(
        "InvalidParameter",
        ec2.create_vpc_endpoint,
        VpcId=no_dns,
        VpcEndpointType="Interface",
        ServiceName=sqs,
        SubnetIds=[plain],
    )
    assert ec2.describe_vpc_endpoints()["VpcEndpoints"] == []
    assert ec2.describe_network_interfaces(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["NetworkInterfaces"] == []
    ec2.create_vpc_endpoint(VpcId=vpc_id, VpcEndpointType="Interface", ServiceName=sqs, SubnetIds=[a1])
    _fails(
        "InvalidParameter",
        ec2.create_vpc_endpoint,
        VpcId=vpc_id,
        VpcEndpointType="Interface",
        ServiceName=sqs,
        SubnetIds=[a2],
    )
    second = ec2.create_vpc_endpoint(
        VpcId=vpc_id, VpcEndpointType="Interface", ServiceName=sqs, SubnetIds=[a2], PrivateDnsEnabled=False
    )["VpcEndpoint"]
    assert second["PrivateDnsEnabled"] is False and len(second["DnsEntries"]) == 2


def test_interface_endpoint_modify(ec2: Any) -> None:
    vpc_id = _vpc(ec2)
    a = _subnet(ec2, vpc_id, "10.0.1.0/24", "us-east-1a")
    b = _subnet(ec2, vpc_id, "10.0.2.0/24", "us-east-1b")
    group = ec2.create_security_group(VpcId=vpc_id, GroupName="endpoints", Description="443 in")["GroupId"]
    eid = ec2.create_vpc_endpoint(
        VpcId=vpc_id, VpcEndpointType="Interface", ServiceName="com.amazonaws.us-east-1.kms", SubnetIds=[a]
    )["VpcEndpoint"]["VpcEndpointId"]
    ec2.describe_vpc_endpoints(VpcEndpointIds=[eid])
    ec2.modify_vpc_endpoint(
        VpcEndpointId=eid, AddSubnetIds=[b], RemoveSubnetIds=[a], AddSecurityGroupIds=[group], PrivateDnsEnabled=False
    )
    endpoint = ec2.describe_vpc_endpoints(VpcEndpointIds=[eid])["VpcEndpoints"][0]
    assert endpoint["SubnetIds"] == [b] and {g["GroupId"] for g in endpoint["Groups"]} >= {group}
    assert endpoint["PrivateDnsEnabled"] is False and len(endpoint["DnsEntries"]) == 2
    (eni,) = ec2.describe_network_interfaces(NetworkInterfaceIds=endpoint["NetworkInterfaceIds"])["NetworkInterfaces"]
    assert eni["SubnetId"] == b and group in {g["GroupId"] for g in eni["Groups"]}
    _fails(
        "InvalidParameter",
        ec2.modify_vpc_endpoint,
        VpcEndpointId=eid,
        AddRouteTableIds=[_main_table(ec2, vpc_id)["RouteTableId"]],
    )


def test_describe_filters_pagination_and_partial_delete(ec2: Any) -> None:
    vpc_id = _vpc(ec2)
    other = _vpc(ec2, "10.1.0.0/16")
    ids = [
        ec2.create_vpc_endpoint(VpcId=v, ServiceName=f"com.amazonaws.us-east-1.{s}")["VpcEndpoint"]["VpcEndpointId"]
        for v in (vpc_id, other)
        for s in ("s3", "dynamodb")
    ]
    by_vpc = ec2.describe_vpc_endpoints(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["VpcEndpoints"]
    assert [e["VpcEndpointId"] for e in by_vpc] == ids[:2]
    ddb = ec2.describe_vpc_endpoints(
        Filters=[
            {"Name": "service-name", "Values": ["*dynamodb"]},
            {"Name": "vpc-endpoint-type", "Values": ["Gateway"]},
        ]
    )["VpcEndpoints"]
    assert [e["VpcEndpointId"] for e in ddb] == [ids[1], ids[3]]
    pages = list(ec2.get_paginator("describe_vpc_endpoints").paginate(PaginationConfig={"PageSize": 3}))
    assert [len(p["VpcEndpoints"]) for p in pages] == [3, 1]
    result = ec2.delete_vpc_endpoints(VpcEndpointIds=[ids[0], "vpce-0123456789abcdef0"])
    assert result["Unsuccessful"] == [
        {
            "Error": {
                "Code": "InvalidVpcEndpointId.NotFound",
                "Message": "The Vpc Endpoint Id 'vpce-0123456789abcdef0' does not exist",
            },
            "ResourceId": "vpce-0123456789abcdef0",
        }
    ]
    assert len(ec2.describe_vpc_endpoints()["VpcEndpoints"]) == 3
    _fails("InvalidVpcEndpointId.Malformed", ec2.describe_vpc_endpoints, VpcEndpointIds=["vpce-xyz"])


def test_vpc_with_endpoint_cannot_be_deleted(ec2: Any) -> None:
    vpc_id = _vpc(ec2)
    eid = ec2.create_vpc_endpoint(VpcId=vpc_id, ServiceName="com.amazonaws.us-east-1.s3")["VpcEndpoint"][
        "VpcEndpointId"
    ]
    _fails("DependencyViolation", ec2.delete_vpc, VpcId=vpc_id)
    ec2.delete_vpc_endpoints(VpcEndpointIds=[eid])
    ec2.delete_vpc(VpcId=vpc_id)


def test_cli_gateway_and_interface_flow(aws: Any, ec2: Any) -> None:
    vpc_id = _vpc(ec2)
    table = _main_table(ec2, vpc_id)["RouteTableId"]
    subnet = _subnet(ec2, vpc_id, "10.0.1.0/24", "us-east-1a")
    gateway = aws(
        "ec2",
        "create-vpc-endpoint",
        "--vpc-id",
        vpc_id,
        "--service-name",
        "com.amazonaws.us-east-1.s3",
        "--route-table-ids",
        table,
    )["VpcEndpoint"]
    assert gateway["State"] == "available"
    interface = aws(
        "ec2",
        "create-vpc-endpoint",
        "--vpc-id",
        vpc_id,
        "--vpc-endpoint-type",
        "Interface",
        "--service-name",
        "com.amazonaws.us-east-1.ssm",
        "--subnet-ids",
        subnet,
    )["VpcEndpoint"]
    assert interface["State"] == "pending"
    listed = aws("ec2", "describe-vpc-endpoints", "--filters", f"Name=vpc-id,Values={vpc_id}")["VpcEndpoints"]
    assert sorted(e["VpcEndpointType"] for e in listed) == ["Gateway", "Interface"]
    assert aws("ec2", "modify-vpc-endpoint", "--vpc-endpoint-id", gateway["VpcEndpointId"], "--reset-policy") == {
        "Return": True
    }
    done = aws(
        "ec2", "delete-vpc-endpoints", "--vpc-endpoint-ids", gateway["VpcEndpointId"], interface["VpcEndpointId"]
    )
    assert done == {"Unsuccessful": []}
    assert (
        aws.error("ec2", "create-vpc-endpoint", "--vpc-id", vpc_id, "--service-name", "com.amazonaws.us-east-1.nope")
        == "InvalidServiceName"
    )


def test_deleting_a_route_table_leaves_the_endpoint(ec2: Any) -> None:
    vpc_id = _vpc(ec2)
    table = ec2.create_route_table(VpcId=vpc_id)["RouteTable"]["RouteTableId"]
    eid = ec2.create_vpc_endpoint(VpcId=vpc_id, ServiceName="com.amazonaws.us-east-1.s3", RouteTableIds=[table])[
        "VpcEndpoint"
    ]["VpcEndpointId"]
    ec2.delete_route_table(RouteTableId=table)
    assert ec2.describe_vpc_endpoints(VpcEndpointIds=[eid])["VpcEndpoints"][0]["RouteTableIds"] == []


def test_endpoint_routes_cannot_be_changed_through_route_apis(ec2: Any) -> None:
    vpc_id = _vpc(ec2)
    table = _main_table(ec2, vpc_id)["RouteTableId"]
    eid = ec2.create_vpc_endpoint(VpcId=vpc_id, ServiceName="com.amazonaws.us-east-1.s3", RouteTableIds=[table])[
        "VpcEndpoint"
    ]["VpcEndpointId"]
    _fails("InvalidParameterValue", ec2.delete_route, RouteTableId=table, DestinationPrefixListId="pl-63a5400a")
    igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc_id)
    _fails(
        "InvalidParameterValue",
        ec2.replace_route,
        RouteTableId=table,
        DestinationPrefixListId="pl-63a5400a",
        GatewayId=igw,
    )
    _fails(
        "InvalidParameterValue",
        ec2.create_route,
        RouteTableId=table,
        DestinationCidrBlock="10.9.0.0/16",
        VpcEndpointId=eid,
    )
    assert any(r.get("GatewayId") == eid for r in _main_table(ec2, vpc_id)["Routes"])


def test_policy_limits_and_services_without_policies(ec2: Any) -> None:
    vpc_id = _vpc(ec2)
    subnet = _subnet(ec2, vpc_id, "10.0.1.0/24", "us-east-1a")
    huge = json.dumps(
        {"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*", "Sid": "x" * 20_500}]}
    )
    _fails(
        "InvalidPolicyDocument",
        ec2.create_vpc_endpoint,
        VpcId=vpc_id,
        ServiceName="com.amazonaws.us-east-1.s3",
        PolicyDocument=huge,
    )
    ignored = ec2.create_vpc_endpoint(
        VpcId=vpc_id,
        VpcEndpointType="Interface",
        SubnetIds=[subnet],
        ServiceName="com.amazonaws.us-east-1.apprunner.requests",
        PrivateDnsEnabled=False,
        PolicyDocument=json.dumps({"Statement": []}),
    )["VpcEndpoint"]
    assert "PolicyDocument" not in ignored  # VpcEndpointPolicySupported=false: the service ignores policies


def test_interface_endpoint_quota_per_vpc(ec2: Any) -> None:
    vpc_id = _vpc(ec2)
    for _ in range(50):
        ec2.create_vpc_endpoint(
            VpcId=vpc_id,
            VpcEndpointType="Interface",
            ServiceName="com.amazonaws.us-east-1.sqs",
            PrivateDnsEnabled=False,
        )
    _fails(
        "VpcEndpointLimitExceeded",
        ec2.create_vpc_endpoint,
        VpcId=vpc_id,
        VpcEndpointType="Interface",
        ServiceName="com.amazonaws.us-east-1.sqs",
        PrivateDnsEnabled=False,
    )
    assert len(ec2.describe_vpc_endpoints(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["VpcEndpoints"]) == 50


def test_describe_by_tags_and_state(ec2: Any) -> None:
    vpc_id = _vpc(ec2)
    tagged = ec2.create_vpc_endpoint(
        VpcId=vpc_id,
        ServiceName="com.amazonaws.us-east-1.s3",
        TagSpecifications=[{"ResourceType": "vpc-endpoint", "Tags": [{"Key": "team", "Value": "data"}]}],
    )["VpcEndpoint"]["VpcEndpointId"]
    ec2.create_vpc_endpoint(VpcId=vpc_id, ServiceName="com.amazonaws.us-east-1.dynamodb")
    by_tag = ec2.describe_vpc_endpoints(Filters=[{"Name": "tag:team", "Values": ["data"]}])["VpcEndpoints"]
    assert [e["VpcEndpointId"] for e in by_tag] == [tagged]
    by_key = ec2.describe_vpc_endpoints(Filters=[{"Name": "tag-key", "Values": ["team"]}])["VpcEndpoints"]
    assert [e["VpcEndpointId"] for e in by_key] == [tagged]
    available = ec2.describe_vpc_endpoints(Filters=[{"Name": "vpc-endpoint-state", "Values": ["available"]}])
    assert len(available["VpcEndpoints"]) == 2
    assert ec2.describe_vpc_endpoints(Filters=[{"Name": "ip-address-type", "Values": ["ipv6"]}])["VpcEndpoints"] == []


def test_gateway_endpoint_stays_while_an_inbound_only_interface_endpoint_needs_it(ec2: Any) -> None:
    """aws-behaviour 1.3.15: the S3 interface endpoint's PrivateDnsOnlyForInboundResolverEndpoint needs the gateway."""
    vpc = _vpc(ec2)
    subnet = _subnet(ec2, vpc, "10.0.1.0/24", "us-east-1a")
    gateway = ec2.create_vpc_endpoint(VpcId=vpc, ServiceName="com.amazonaws.us-east-1.s3")["VpcEndpoint"]
    interface = ec2.create_vpc_endpoint(
        VpcId=vpc,
        ServiceName="com.amazonaws.us-east-1.s3",
        VpcEndpointType="Interface",
        SubnetIds=[subnet],
        PrivateDnsEnabled=True,
        DnsOptions={"PrivateDnsOnlyForInboundResolverEndpoint": True},
    )["VpcEndpoint"]
    refused = ec2.delete_vpc_endpoints(VpcEndpointIds=[gateway["VpcEndpointId"]])["Unsuccessful"]
    assert [u["Error"]["Code"] for u in refused] == ["InvalidParameter"]
    assert interface["VpcEndpointId"] in refused[0]["Error"]["Message"]
    assert ec2.describe_vpc_endpoints(VpcEndpointIds=[gateway["VpcEndpointId"]])["VpcEndpoints"]
    ec2.delete_vpc_endpoints(VpcEndpointIds=[interface["VpcEndpointId"]])
    assert ec2.delete_vpc_endpoints(VpcEndpointIds=[gateway["VpcEndpointId"]])["Unsuccessful"] == []
