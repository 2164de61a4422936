"""Endpoints and IPv6 through boto3: IpAddressType ipv4 / dualstack / ipv6 against subnets and services,
DnsRecordIpType, interfaces with IPv6 addresses, and dual-stack gateway endpoints routing S3's IPv6 prefix list."""

from __future__ import annotations

from ipaddress import IPv6Network
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.conftest import error_code

S3 = "com.amazonaws.us-east-1.s3"  # its interface service supports ipv4 and ipv6 (catalog SupportedIpAddressTypes)
SQS = "com.amazonaws.us-east-1.sqs"  # ipv4 only


def _fails(code: str, call: Any, **kwargs: Any) -> str:
    with pytest.raises(ClientError) as excinfo:
        call(**kwargs)
    assert error_code(excinfo) == code, excinfo.value.response["Error"]
    return str(excinfo.value.response["Error"]["Message"])


def _network(ec2: Any) -> dict[str, Any]:
    """An IPv6 VPC with DNS hostnames, a dual-stack, an IPv4-only and an IPv6-only subnet in us-east-1a."""
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16", AmazonProvidedIpv6CidrBlock=True)["Vpc"]["VpcId"]
    ec2.modify_vpc_attribute(VpcId=vpc, EnableDnsHostnames={"Value": True})
    block = ec2.describe_vpcs(VpcIds=[vpc])["Vpcs"][0]["Ipv6CidrBlockAssociationSet"][0]["Ipv6CidrBlock"]
    blocks = list(IPv6Network(block).subnets(new_prefix=64))
    zone = {"AvailabilityZone": "us-east-1a"}
    dual = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.0.0/24", Ipv6CidrBlock=str(blocks[0]), **zone)["Subnet"]
    only4 = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24", **zone)["Subnet"]
    only6 = ec2.create_subnet(VpcId=vpc, Ipv6Native=True, Ipv6CidrBlock=str(blocks[1]), **zone)["Subnet"]
    return {"vpc": vpc, "dual": dual["SubnetId"], "v4": only4["SubnetId"], "v6": only6["SubnetId"], "blocks": blocks}


def _interface_endpoint(ec2: Any, net: dict[str, Any], subnet: str, **extra: Any) -> dict[str, Any]:
    return dict(
        ec2.create_vpc_endpoint(
            VpcId=net["vpc"], VpcEndpointType="Interface", ServiceName=S3, SubnetIds=[net[subnet]], **extra
        )["VpcEndpoint"]
    )


def _eni(ec2: Any, endpoint: dict[str, Any]) -> dict[str, Any]:
    (eni_id,) = endpoint["NetworkInterfaceIds"]
    return dict(ec2.describe_network_interfaces(NetworkInterfaceIds=[eni_id])["NetworkInterfaces"][0])


def test_interface_endpoint_ip_address_types(ec2: Any) -> None:
    net = _network(ec2)
    dual = _interface_endpoint(ec2, net, "dual", IpAddressType="dualstack", PrivateDnsEnabled=False)
    assert dual["IpAddressType"] == "dualstack" and dual["DnsOptions"]["DnsRecordIpType"] == "dualstack"
    eni = _eni(ec2, dual)
    assert eni["PrivateIpAddress"].startswith("10.0.0.") and len(eni["Ipv6Addresses"]) == 1
    assert IPv6Network(eni["Ipv6Addresses"][0]["Ipv6Address"] + "/128").subnet_of(net["blocks"][0])
    only6 = _interface_endpoint(ec2, net, "v6", IpAddressType="ipv6", PrivateDnsEnabled=False)
    assert only6["DnsOptions"]["DnsRecordIpType"] == "ipv6" and "PrivateIpAddress" not in _eni(ec2, only6)
    plain = _interface_endpoint(ec2, net, "dual", PrivateDnsEnabled=False)
    assert plain["IpAddressType"] == "ipv4" and _eni(ec2, plain)["Ipv6Addresses"] == []
    aaaa = _interface_endpoint(
        ec2, net, "dual", IpAddressType="dualstack", DnsOptions={"DnsRecordIpType": "ipv6"}, PrivateDnsEnabled=False
    )
    assert aaaa["DnsOptions"]["DnsRecordIpType"] == "ipv6"
    refusals: list[tuple[str, dict[str, Any]]] = [
        ("v4", {"IpAddressType": "dualstack"}),
        ("dual", {"IpAddressType": "ipv6"}),
        ("v6", {"IpAddressType": "ipv4"}),
        ("v6", {"IpAddressType": "dualstack"}),
        ("dual", {"IpAddressType": "ipv4", "DnsOptions": {"DnsRecordIpType": "ipv6"}}),
    ]
    for subnet, given in refusals:
        _fails("InvalidParameter", ec2.create_vpc_endpoint, VpcId=net["vpc"], VpcEndpointType="Interface",
               ServiceName=S3, SubnetIds=[net[subnet]], PrivateDnsEnabled=False, **given)  # fmt: skip
    _fails("InvalidParameterValue", ec2.create_vpc_endpoint, VpcId=net["vpc"], VpcEndpointType="Interface",
           ServiceName=S3, SubnetIds=[net["dual"]], IpAddressType="every")  # fmt: skip
    _fails(
        "InvalidParameter",
        ec2.create_vpc_endpoint,
        VpcId=net["vpc"],
        VpcEndpointType="Interface",
        ServiceName=SQS,
        SubnetIds=[net["dual"]],
        IpAddressType="dualstack",
    )


def test_modify_ip_address_type_gives_and_takes_ipv6_addresses(ec2: Any) -> None:
    net = _network(ec2)
    endpoint = _interface_endpoint(ec2, net, "dual", PrivateDnsEnabled=False)
    eid = endpoint["VpcEndpointId"]
    ec2.modify_vpc_endpoint(VpcEndpointId=eid, IpAddressType="dualstack")
    shown = ec2.describe_vpc_endpoints(VpcEndpointIds=[eid])["VpcEndpoints"][0]
    assert shown["IpAddressType"] == "dualstack" and len(_eni(ec2, shown)["Ipv6Addresses"]) == 1
    _fails("InvalidParameter", ec2.modify_vpc_endpoint, VpcEndpointId=eid, IpAddressType="ipv6")
    _fails("InvalidParameterValue", ec2.modify_vpc_endpoint, VpcEndpointId=eid, DnsOptions={"DnsRecordIpType": "x"})
    ec2.modify_vpc_endpoint(VpcEndpointId=eid, IpAddressType="ipv4")
    shown = ec2.describe_vpc_endpoints(VpcEndpointIds=[eid])["VpcEndpoints"][0]
    assert shown["DnsOptions"]["DnsRecordIpType"] == "ipv4" and _eni(ec2, shown)["Ipv6Addresses"] == []


def _routes(ec2: Any, table: str) -> list[dict[str, Any]]:
    return list(ec2.describe_route_tables(RouteTableIds=[table])["RouteTables"][0]["Routes"])


def test_dual_stack_gateway_endpoint_routes_both_prefix_lists(ec2: Any) -> None:
    net = _network(ec2)
    table = ec2.create_route_table(VpcId=net["vpc"])["RouteTable"]["RouteTableId"]
    endpoint = ec2.create_vpc_endpoint(
        VpcId=net["vpc"], ServiceName=S3, RouteTableIds=[table], IpAddressType="dualstack"
    )["VpcEndpoint"]
    assert endpoint["IpAddressType"] == "dualstack"
    lists = [r["DestinationPrefixListId"] for r in _routes(ec2, table) if "DestinationPrefixListId" in r]
    described = ec2.describe_managed_prefix_lists(PrefixListIds=lists)["PrefixLists"]
    assert sorted(p["PrefixListName"] for p in described) == [
        "com.amazonaws.us-east-1.ipv6.s3",
        "com.amazonaws.us-east-1.s3",
    ]
    assert {p["AddressFamily"] for p in described} == {"IPv4", "IPv6"}
    ec2.modify_vpc_endpoint(VpcEndpointId=endpoint["VpcEndpointId"], IpAddressType="ipv4")
    assert [r["DestinationPrefixListId"] for r in _routes(ec2, table) if "DestinationPrefixListId" in r] == [
        p["PrefixListId"] for p in described if p["AddressFamily"] == "IPv4"
    ]
    _fails(
        "InvalidParameter",
        ec2.create_vpc_endpoint,
        VpcId=net["vpc"],
        ServiceName="com.amazonaws.us-east-1.dynamodb",
        RouteTableIds=[table],
        IpAddressType="dualstack",
    )
    _fails(
        "InvalidParameter",
        ec2.create_vpc_endpoint,
        VpcId=net["vpc"],
        ServiceName="com.amazonaws.us-east-1.dynamodb",
        DnsOptions={"DnsRecordIpType": "ipv4"},
    )
