"""Network interfaces through real boto3 and the real AWS CLI against a live server."""

from __future__ import annotations

from ipaddress import IPv4Address, IPv4Network
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.api.amis import AMI, EVERYWHERE
from tests.conftest import error_code


def _network(ec2: Any, cidr: str = "10.0.1.0/24") -> tuple[str, str]:
    vpc_id = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnet_id = ec2.create_subnet(VpcId=vpc_id, CidrBlock=cidr, AvailabilityZone="us-east-1a")["Subnet"]["SubnetId"]
    return vpc_id, subnet_id


def _enis(ec2: Any, subnet_id: str) -> list[dict[str, Any]]:
    found = ec2.describe_network_interfaces(Filters=[{"Name": "subnet-id", "Values": [subnet_id]}])
    return list(found["NetworkInterfaces"])


def _available(ec2: Any, subnet_id: str) -> int:
    return int(ec2.describe_subnets(SubnetIds=[subnet_id])["Subnets"][0]["AvailableIpAddressCount"])


def _error(call: Any, **kwargs: Any) -> str:
    with pytest.raises(ClientError) as excinfo:
        call(**kwargs)
    return error_code(excinfo)


def test_create_takes_the_lowest_free_address_and_the_default_group(ec2: Any) -> None:
    vpc_id, subnet_id = _network(ec2)
    created = ec2.create_network_interface(
        SubnetId=subnet_id,
        Description="app",
        SecondaryPrivateIpAddressCount=2,
        TagSpecifications=[{"ResourceType": "network-interface", "Tags": [{"Key": "role", "Value": "app"}]}],
    )["NetworkInterface"]
    assert created["Status"] == "pending" and created["NetworkInterfaceId"].startswith("eni-")
    assert [a["PrivateIpAddress"] for a in created["PrivateIpAddresses"]] == ["10.0.1.4", "10.0.1.5", "10.0.1.6"]
    assert [a["Primary"] for a in created["PrivateIpAddresses"]] == [True, False, False]
    default = ec2.describe_security_groups(
        Filters=[{"Name": "vpc-id", "Values": [vpc_id]}, {"Name": "group-name", "Values": ["default"]}]
    )["SecurityGroups"][0]
    described = ec2.describe_network_interfaces(NetworkInterfaceIds=[created["NetworkInterfaceId"]])
    eni = described["NetworkInterfaces"][0]
    assert eni["Status"] == "available" and eni["VpcId"] == vpc_id and eni["AvailabilityZone"] == "us-east-1a"
    assert eni["Groups"] == [{"GroupId": default["GroupId"], "GroupName": "default"}]
    assert eni["TagSet"] == [{"Key": "role", "Value": "app"}] and eni["InterfaceType"] == "interface"
    assert eni["PrivateDnsName"] == "ip-10-0-1-4.ec2.internal" and eni["SourceDestCheck"] is True
    assert _available(ec2, subnet_id) == 251 - 3
    ec2.get_waiter("network_interface_available").wait(NetworkInterfaceIds=[eni["NetworkInterfaceId"]])


def test_private_ip_rules(ec2: Any) -> None:
    _, subnet_id = _network(ec2)
    first = ec2.create_network_interface(SubnetId=subnet_id, PrivateIpAddress="10.0.1.20")["NetworkInterface"]
    assert first["PrivateIpAddress"] == "10.0.1.20"
    cases = {
        "10.0.1.20": "InvalidIPAddress.InUse",
        "10.0.1.3": "InvalidParameterValue",  # reserved: the first four
        "10.0.1.255": "InvalidParameterValue",  # reserved: the last
        "10.0.2.5": "InvalidParameterValue",  # outside the subnet
    }
    for address, code in cases.items():
        assert _error(ec2.create_network_interface, SubnetId=subnet_id, PrivateIpAddress=address) == code
    assert [e["NetworkInterfaceId"] for e in _enis(ec2, subnet_id)] == [first["NetworkInterfaceId"]]
    assert _available(ec2, subnet_id) == 250


def test_security_group_rules(ec2: Any) -> None:
    vpc_id, subnet_id = _network(ec2)
    other_vpc = ec2.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    foreign = ec2.describe_security_groups(Filters=[{"Name": "vpc-id", "Values": [other_vpc]}])["SecurityGroups"]
    fake = [f"sg-{i:017x}" for i in range(1, 7)]
    cases = [
        ([foreign[0]["GroupId"]], "InvalidParameter"),
        (["sg-0123456789abcdef0"], "InvalidGroup.NotFound"),
        (["sg-nothex"], "InvalidGroupId.Malformed"),
        (fake, "SecurityGroupsPerInterfaceLimitExceeded"),
    ]
    for groups, code in cases:
        assert _error(ec2.create_network_interface, SubnetId=subnet_id, Groups=groups) == code
    assert _enis(ec2, subnet_id) == []
    assert _available(ec2, subnet_id) == 251
    own = ec2.create_security_group(GroupName="web", Description="web", VpcId=vpc_id)["GroupId"]
    eni = ec2.create_network_interface(SubnetId=subnet_id, Groups=[own, own])["NetworkInterface"]
    assert [g["GroupId"] for g in eni["Groups"]] == [own]


def test_filters_and_pagination(ec2: Any) -> None:
    vpc_id, subnet_id = _network(ec2)
    made = [
        ec2.create_network_interface(SubnetId=subnet_id, Description=f"n{i % 2}")["NetworkInterface"] for i in range(7)
    ]
    ids = [e["NetworkInterfaceId"] for e in made]

    def ids_for(name: str, *values: str) -> list[str]:
        found = ec2.describe_network_interfaces(Filters=[{"Name": name, "Values": list(values)}])
        return [e["NetworkInterfaceId"] for e in found["NetworkInterfaces"]]

    assert ids_for("description", "n0") == ids[0::2]
    assert ids_for("private-ip-address", "10.0.1.5") == [ids[1]]
    assert ids_for("addresses.private-ip-address", "10.0.1.1?") == ids[6:]
    assert ids_for("vpc-id", vpc_id) == ids
    assert ids_for("status", "in-use") == []
    assert ids_for("requester-managed", "false") == ids
    assert ids_for("mac-address", made[3]["MacAddress"]) == [ids[3]]
    assert ids_for("owner-id", made[0]["OwnerId"]) == ids
    pages = list(
        ec2.get_paginator("describe_network_interfaces").paginate(
            Filters=[{"Name": "vpc-id", "Values": [vpc_id]}], PaginationConfig={"PageSize": 5}
        )
    )
    assert [len(p["NetworkInterfaces"]) for p in pages] == [5, 2]
    assert _error(ec2.describe_network_interfaces, NetworkInterfaceIds=ids[:1], MaxResults=5) == (
        "InvalidParameterCombination"
    )
    assert _error(ec2.describe_network_interfaces, Filters=[{"Name": "bogus", "Values": ["x"]}]) == (
        "InvalidParameterValue"
    )


def test_delete_releases_addresses_and_unknown_ids_fail(ec2: Any) -> None:
    _, subnet_id = _network(ec2)
    eni_id = ec2.create_network_interface(SubnetId=subnet_id, SecondaryPrivateIpAddressCount=3)["NetworkInterface"][
        "NetworkInterfaceId"
    ]
    assert _available(ec2, subnet_id) == 247
    ec2.delete_network_interface(NetworkInterfaceId=eni_id)
    assert _available(ec2, subnet_id) == 251
    assert _error(ec2.delete_network_interface, NetworkInterfaceId=eni_id) == "InvalidNetworkInterfaceID.NotFound"
    assert _error(ec2.describe_network_interfaces, NetworkInterfaceIds=["eni-zz"]) == (
        "InvalidNetworkInterfaceID.Malformed"
    )
    again = ec2.create_network_interface(SubnetId=subnet_id)["NetworkInterface"]
    assert again["PrivateIpAddress"] == "10.0.1.4"  # the released address is free again


def test_attach_detach_and_delete_while_attached(ec2: Any) -> None:
    instance = ec2.run_instances(ImageId=AMI, MinCount=1, MaxCount=1)["Instances"][0]
    iid, subnet_id = instance["InstanceId"], instance["SubnetId"]
    eni_id = ec2.create_network_interface(SubnetId=subnet_id)["NetworkInterface"]["NetworkInterfaceId"]
    attachment_id = ec2.attach_network_interface(NetworkInterfaceId=eni_id, InstanceId=iid, DeviceIndex=1)[
        "AttachmentId"
    ]
    assert attachment_id.startswith("eni-attach-")
    eni = ec2.describe_network_interfaces(NetworkInterfaceIds=[eni_id])["NetworkInterfaces"][0]
    assert eni["Status"] == "in-use" and eni["Attachment"]["InstanceId"] == iid
    assert eni["Attachment"]["DeviceIndex"] == 1 and eni["Attachment"]["DeleteOnTermination"] is False
    shown = ec2.describe_instances(InstanceIds=[iid])["Reservations"][0]["Instances"][0]
    assert [n["NetworkInterfaceId"] for n in shown["NetworkInterfaces"]][1:] == [eni_id]
    assert _error(ec2.delete_network_interface, NetworkInterfaceId=eni_id) == "InvalidNetworkInterface.InUse"
    assert _error(ec2.attach_network_interface, NetworkInterfaceId=eni_id, InstanceId=iid, DeviceIndex=2) == (
        "InvalidNetworkInterface.InUse"
    )
    primary = shown["NetworkInterfaces"][0]["Attachment"]["AttachmentId"]
    assert _error(ec2.detach_network_interface, AttachmentId=primary) == "OperationNotPermitted"
    assert _error(ec2.detach_network_interface, AttachmentId="eni-attach-0123456789abcdef0") == (
        "InvalidAttachmentID.NotFound"
    )
    assert _error(ec2.detach_network_interface, AttachmentId=eni_id) == "InvalidNetworkInterfaceAttachmentId.Malformed"
    ec2.detach_network_interface(AttachmentId=attachment_id)
    assert ec2.describe_network_interfaces(NetworkInterfaceIds=[eni_id])["NetworkInterfaces"][0]["Status"] == (
        "available"
    )
    ec2.delete_network_interface(NetworkInterfaceId=eni_id)


def test_attach_needs_the_same_zone_and_a_free_device_index(ec2: Any) -> None:
    instance = ec2.run_instances(ImageId=AMI, MinCount=1, MaxCount=1)["Instances"][0]
    iid = instance["InstanceId"]
    here = instance["Placement"]["AvailabilityZone"]
    elsewhere = [s for s in ec2.describe_subnets()["Subnets"] if s["AvailabilityZone"] != here]
    far = ec2.create_network_interface(SubnetId=elsewhere[0]["SubnetId"])["NetworkInterface"]["NetworkInterfaceId"]
    assert _error(ec2.attach_network_interface, NetworkInterfaceId=far, InstanceId=iid, DeviceIndex=1) == (
        "InvalidParameterValue"
    )
    near = ec2.create_network_interface(SubnetId=instance["SubnetId"])["NetworkInterface"]["NetworkInterfaceId"]
    assert _error(ec2.attach_network_interface, NetworkInterfaceId=near, InstanceId=iid, DeviceIndex=0) == (
        "InvalidParameterValue"
    )
    for eni_id in (far, near):
        eni = ec2.describe_network_interfaces(NetworkInterfaceIds=[eni_id])["NetworkInterfaces"][0]
        assert eni["Status"] == "available" and "Attachment" not in eni


def test_modify_and_describe_attributes(ec2: Any) -> None:
    vpc_id, subnet_id = _network(ec2)
    eni_id = ec2.create_network_interface(SubnetId=subnet_id)["NetworkInterface"]["NetworkInterfaceId"]
    ec2.modify_network_interface_attribute(NetworkInterfaceId=eni_id, SourceDestCheck={"Value": False})
    ec2.modify_network_interface_attribute(NetworkInterfaceId=eni_id, Description={"Value": "router"})
    web = ec2.create_security_group(GroupName="web", Description="web", VpcId=vpc_id)["GroupId"]
    ec2.modify_network_interface_attribute(NetworkInterfaceId=eni_id, Groups=[web])

    def attribute(name: str) -> Any:
        return ec2.describe_network_interface_attribute(NetworkInterfaceId=eni_id, Attribute=name)

    assert attribute("sourceDestCheck")["SourceDestCheck"] == {"Value": False}
    assert attribute("description")["Description"] == {"Value": "router"}
    assert attribute("groupSet")["Groups"] == [{"GroupId": web, "GroupName": "web"}]
    foreign_vpc = ec2.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    foreign = ec2.describe_security_groups(Filters=[{"Name": "vpc-id", "Values": [foreign_vpc]}])["SecurityGroups"]
    assert _error(
        ec2.modify_network_interface_attribute, NetworkInterfaceId=eni_id, Groups=[foreign[0]["GroupId"]]
    ) == ("InvalidParameter")
    assert _error(
        ec2.modify_network_interface_attribute,
        NetworkInterfaceId=eni_id,
        Description={"Value": "x"},
        SourceDestCheck={"Value": True},
    ) == ("InvalidParameterCombination")
    assert attribute("groupSet")["Groups"] == [{"GroupId": web, "GroupName": "web"}]
    assert attribute("description")["Description"] == {"Value": "router"}
    found = ec2.describe_network_interfaces(Filters=[{"Name": "source-dest-check", "Values": ["false"]}])
    assert [e["NetworkInterfaceId"] for e in found["NetworkInterfaces"]] == [eni_id]


def test_assign_and_unassign_private_addresses(ec2: Any) -> None:
    _, subnet_id = _network(ec2)
    eni_id = ec2.create_network_interface(SubnetId=subnet_id)["NetworkInterface"]["NetworkInterfaceId"]
    assigned = ec2.assign_private_ip_addresses(NetworkInterfaceId=eni_id, SecondaryPrivateIpAddressCount=2)
    assert [a["PrivateIpAddress"] for a in assigned["AssignedPrivateIpAddresses"]] == ["10.0.1.5", "10.0.1.6"]
    ec2.assign_private_ip_addresses(NetworkInterfaceId=eni_id, PrivateIpAddresses=["10.0.1.50"])
    other = ec2.create_network_interface(SubnetId=subnet_id)["NetworkInterface"]["NetworkInterfaceId"]
    assert _error(ec2.assign_private_ip_addresses, NetworkInterfaceId=other, PrivateIpAddresses=["10.0.1.50"]) == (
        "InvalidIPAddress.InUse"
    )
    ec2.assign_private_ip_addresses(NetworkInterfaceId=other, PrivateIpAddresses=["10.0.1.50"], AllowReassignment=True)
    held = {
        e["NetworkInterfaceId"]: [a["PrivateIpAddress"] for a in e["PrivateIpAddresses"]] for e in _enis(ec2, subnet_id)
    }
    assert held[eni_id] == ["10.0.1.4", "10.0.1.5", "10.0.1.6"] and held[other] == ["10.0.1.7", "10.0.1.50"]
    assert _error(ec2.unassign_private_ip_addresses, NetworkInterfaceId=eni_id, PrivateIpAddresses=["10.0.1.4"]) == (
        "InvalidParameterValue"
    )
    assert _error(ec2.unassign_private_ip_addresses, NetworkInterfaceId=eni_id, PrivateIpAddresses=["10.0.1.9"]) == (
        "InvalidParameterValue"
    )
    ec2.unassign_private_ip_addresses(NetworkInterfaceId=eni_id, PrivateIpAddresses=["10.0.1.5"])
    eni = ec2.describe_network_interfaces(NetworkInterfaceIds=[eni_id])["NetworkInterfaces"][0]
    assert [a["PrivateIpAddress"] for a in eni["PrivateIpAddresses"]] == ["10.0.1.4", "10.0.1.6"]
    assert _available(ec2, subnet_id) == 251 - 4


def test_addresses_never_collide_or_use_reserved_ones(ec2: Any) -> None:
    _, subnet_id = _network(ec2, "10.0.1.0/28")  # 16 addresses, 11 usable
    for _ in range(3):
        ec2.create_network_interface(SubnetId=subnet_id, SecondaryPrivateIpAddressCount=2)
    ec2.run_instances(ImageId=AMI, InstanceType=EVERYWHERE, MinCount=2, MaxCount=2, SubnetId=subnet_id)
    assert _error(ec2.create_network_interface, SubnetId=subnet_id) == "InsufficientFreeAddressesInSubnet"
    used = [a["PrivateIpAddress"] for e in _enis(ec2, subnet_id) for a in e["PrivateIpAddresses"]]
    network = IPv4Network("10.0.1.0/28")
    reserved = {*list(network)[:4], network.broadcast_address}
    assert len(used) == len(set(used)) == 11
    assert all(IPv4Address(a) in network and IPv4Address(a) not in reserved for a in used)
    assert _available(ec2, subnet_id) == 0


def test_cli_network_interface_flow(aws: Any) -> None:
    vpc = aws("ec2", "create-vpc", "--cidr-block", "10.5.0.0/16")["Vpc"]["VpcId"]
    subnet = aws("ec2", "create-subnet", "--vpc-id", vpc, "--cidr-block", "10.5.1.0/24")["Subnet"]["SubnetId"]
    eni = aws("ec2", "create-network-interface", "--subnet-id", subnet, "--private-ip-address", "10.5.1.10")
    eni_id = eni["NetworkInterface"]["NetworkInterfaceId"]
    listed = aws("ec2", "describe-network-interfaces", "--filters", f"Name=vpc-id,Values={vpc}")["NetworkInterfaces"]
    assert [(e["NetworkInterfaceId"], e["PrivateIpAddress"]) for e in listed] == [(eni_id, "10.5.1.10")]
    assert aws.error("ec2", "create-network-interface", "--subnet-id", subnet, "--private-ip-address", "10.5.1.10") == (
        "InvalidIPAddress.InUse"
    )
    aws("ec2", "delete-network-interface", "--network-interface-id", eni_id)
    assert aws.error("ec2", "delete-network-interface", "--network-interface-id", eni_id) == (
        "InvalidNetworkInterfaceID.NotFound"
    )
