"""IPv6 subnets and addresses through boto3 (and the AWS CLI for a few): /64 blocks inside the VPC's block, IPv6-only
subnets, their attributes, and the IPv6 addresses and /80 prefixes interfaces and instances take from them."""

from __future__ import annotations

from ipaddress import IPv6Address, IPv6Network
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.api.amis import AMI, EVERYWHERE
from tests.conftest import Cli, error_code


def _fails(code: str, call: Any, **kwargs: Any) -> str:
    with pytest.raises(ClientError) as excinfo:
        call(**kwargs)
    assert error_code(excinfo) == code, excinfo.value.response["Error"]
    return str(excinfo.value.response["Error"]["Message"])


def _vpc(ec2: Any) -> tuple[str, list[IPv6Network]]:
    """An IPv6 VPC and the /64 blocks of its /56."""
    vpc_id = ec2.create_vpc(CidrBlock="10.0.0.0/16", AmazonProvidedIpv6CidrBlock=True)["Vpc"]["VpcId"]
    block = ec2.describe_vpcs(VpcIds=[vpc_id])["Vpcs"][0]["Ipv6CidrBlockAssociationSet"][0]["Ipv6CidrBlock"]
    return vpc_id, list(IPv6Network(block).subnets(new_prefix=64))[:8]


def _usable(address: str, block: IPv6Network) -> bool:
    """Inside the block and not one of the first four or the last address AWS reserves."""
    value = int(IPv6Address(address))
    return int(block.network_address) + 4 <= value < int(block.broadcast_address)


def test_dual_stack_subnet_and_aws_refusals(ec2: Any) -> None:
    vpc_id, blocks = _vpc(ec2)
    subnet = ec2.create_subnet(VpcId=vpc_id, CidrBlock="10.0.0.0/24", Ipv6CidrBlock=str(blocks[0]))["Subnet"]
    (association,) = subnet["Ipv6CidrBlockAssociationSet"]
    assert association["Ipv6CidrBlock"] == str(blocks[0]) and association["AssociationId"].startswith("subnet-cidr-")
    assert subnet["Ipv6Native"] is False and subnet["AssignIpv6AddressOnCreation"] is False
    found = ec2.describe_subnets(
        Filters=[{"Name": "ipv6-cidr-block-association.ipv6-cidr-block", "Values": [str(blocks[0])]}]
    )["Subnets"]
    assert [s["SubnetId"] for s in found] == [subnet["SubnetId"]]
    other = ec2.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    cases: list[tuple[str, dict[str, Any]]] = [
        (
            "InvalidSubnet.Range",
            {"VpcId": vpc_id, "CidrBlock": "10.0.1.0/24", "Ipv6CidrBlock": str(blocks[1].supernet())},
        ),
        ("InvalidSubnet.Range", {"VpcId": vpc_id, "CidrBlock": "10.0.1.0/24", "Ipv6CidrBlock": "2001:db8::/64"}),
        ("InvalidSubnet.Conflict", {"VpcId": vpc_id, "CidrBlock": "10.0.1.0/24", "Ipv6CidrBlock": str(blocks[0])}),
        ("InvalidSubnet.Range", {"VpcId": other, "CidrBlock": "10.1.1.0/24", "Ipv6CidrBlock": str(blocks[2])}),
        ("InvalidParameterValue", {"VpcId": vpc_id, "CidrBlock": "10.0.1.0/24", "Ipv6CidrBlock": "2001:db8::/zz"}),
        ("InvalidParameterCombination", {"VpcId": vpc_id, "CidrBlock": "10.0.1.0/24", "Ipv6Native": True}),
        ("MissingParameter", {"VpcId": vpc_id, "Ipv6Native": True}),
        ("MissingParameter", {"VpcId": vpc_id, "Ipv6CidrBlock": str(blocks[3])}),
    ]
    for code, given in cases:
        _fails(code, ec2.create_subnet, **given)
    assert len(ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["Subnets"]) == 1


def test_ipv6_only_subnet(ec2: Any) -> None:
    vpc_id, blocks = _vpc(ec2)
    subnet = ec2.create_subnet(VpcId=vpc_id, Ipv6Native=True, Ipv6CidrBlock=str(blocks[1]))["Subnet"]
    assert "CidrBlock" not in subnet and subnet["Ipv6Native"] is True and subnet["AvailableIpAddressCount"] == 0
    assert subnet["AssignIpv6AddressOnCreation"] is True
    assert subnet["PrivateDnsNameOptionsOnLaunch"]["HostnameType"] == "resource-name"
    sid = subnet["SubnetId"]
    _fails("InvalidParameterValue", ec2.modify_subnet_attribute, SubnetId=sid, PrivateDnsHostnameTypeOnLaunch="ip-name")
    _fails(
        "InvalidParameterValue", ec2.modify_subnet_attribute, SubnetId=sid, AssignIpv6AddressOnCreation={"Value": False}
    )
    _fails("InvalidParameterValue", ec2.modify_subnet_attribute, SubnetId=sid, MapPublicIpOnLaunch={"Value": True})
    association = subnet["Ipv6CidrBlockAssociationSet"][0]["AssociationId"]
    _fails("OperationNotPermitted", ec2.disassociate_subnet_cidr_block, AssociationId=association)
    eni = ec2.create_network_interface(SubnetId=sid)["NetworkInterface"]
    assert "PrivateIpAddress" not in eni and eni["PrivateIpAddresses"] == []
    (address,) = eni["Ipv6Addresses"]
    assert _usable(address["Ipv6Address"], blocks[1])
    _fails("InvalidParameterCombination", ec2.create_network_interface, SubnetId=sid, PrivateIpAddress="10.0.0.9")
    reservation = ec2.run_instances(ImageId=AMI, InstanceType=EVERYWHERE, MinCount=1, MaxCount=1, SubnetId=sid)
    (instance,) = reservation["Instances"]
    (held,) = instance["NetworkInterfaces"][0]["Ipv6Addresses"]
    assert "PrivateIpAddress" not in instance and IPv6Address(held["Ipv6Address"]) in blocks[1]
    nat_eip = ec2.allocate_address(Domain="vpc")["AllocationId"]
    _fails("InvalidParameterCombination", ec2.create_nat_gateway, SubnetId=sid, AllocationId=nat_eip)


def test_routes_inside_a_vpc_that_holds_an_ipv6_only_subnet(ec2: Any) -> None:
    """A more specific route to a subnet's CIDR through an appliance, checked against every subnet of the VPC,
    including one with no IPv4 block (Terraform's network theme: this was a 500)."""
    vpc_id, blocks = _vpc(ec2)
    ec2.create_subnet(VpcId=vpc_id, Ipv6Native=True, Ipv6CidrBlock=str(blocks[1]))
    appliance_subnet = ec2.create_subnet(VpcId=vpc_id, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
    ec2.create_subnet(VpcId=vpc_id, CidrBlock="10.0.2.0/24")
    appliance = ec2.create_network_interface(SubnetId=appliance_subnet)["NetworkInterface"]["NetworkInterfaceId"]
    table = ec2.create_route_table(VpcId=vpc_id)["RouteTable"]["RouteTableId"]
    ec2.create_route(RouteTableId=table, DestinationCidrBlock="10.0.2.0/24", NetworkInterfaceId=appliance)
    ec2.create_route(RouteTableId=table, DestinationIpv6CidrBlock=str(blocks[1]), NetworkInterfaceId=appliance)
    _fails(
        "InvalidParameterValue",
        ec2.create_route,
        RouteTableId=table,
        DestinationCidrBlock="10.0.2.0/25",
        NetworkInterfaceId=appliance,
    )
    routes = ec2.describe_route_tables(RouteTableIds=[table])["RouteTables"][0]["Routes"]
    assert {r.get("DestinationCidrBlock") or r.get("DestinationIpv6CidrBlock") for r in routes} >= {
        "10.0.2.0/24",
        str(blocks[1]),
    }


def test_dual_stack_subnet_gives_every_interface_its_own_ipv4_address(ec2: Any) -> None:
    """A subnet assigning IPv6 on creation hands out both families per interface: instances, interfaces and endpoint
    interfaces each get their own IPv4 address, and the free count goes down by one for each."""
    vpc_id, blocks = _vpc(ec2)
    sid = ec2.create_subnet(VpcId=vpc_id, CidrBlock="10.0.16.0/24", Ipv6CidrBlock=str(blocks[1]))["Subnet"]["SubnetId"]
    ec2.modify_subnet_attribute(SubnetId=sid, AssignIpv6AddressOnCreation={"Value": True})
    ec2.create_network_interface(SubnetId=sid)
    ec2.run_instances(ImageId=AMI, InstanceType=EVERYWHERE, MinCount=1, MaxCount=1, SubnetId=sid)
    ec2.create_vpc_endpoint(
        VpcId=vpc_id,
        ServiceName="com.amazonaws.us-east-1.ec2",
        VpcEndpointType="Interface",
        SubnetIds=[sid],
        PrivateDnsEnabled=False,
    )
    ec2.create_network_interface(SubnetId=sid)
    interfaces = ec2.describe_network_interfaces(Filters=[{"Name": "subnet-id", "Values": [sid]}])["NetworkInterfaces"]
    addresses = [i["PrivateIpAddress"] for i in interfaces]
    assert len(addresses) == 4 and len(set(addresses)) == 4, addresses
    assert all(len(i["Ipv6Addresses"]) == 1 for i in interfaces if i["InterfaceType"] == "interface")
    assert ec2.describe_subnets(SubnetIds=[sid])["Subnets"][0]["AvailableIpAddressCount"] == 256 - 5 - 4


def test_associate_and_disassociate_a_subnet_block(ec2: Any) -> None:
    vpc_id, blocks = _vpc(ec2)
    sid = ec2.create_subnet(VpcId=vpc_id, CidrBlock="10.0.0.0/24")["Subnet"]["SubnetId"]
    _fails(
        "InvalidParameterValue", ec2.modify_subnet_attribute, SubnetId=sid, AssignIpv6AddressOnCreation={"Value": True}
    )
    _fails("InvalidSubnet.Range", ec2.associate_subnet_cidr_block, SubnetId=sid, Ipv6CidrBlock="2001:db8::/64")
    answer = ec2.associate_subnet_cidr_block(SubnetId=sid, Ipv6CidrBlock=str(blocks[2]))
    association = answer["Ipv6CidrBlockAssociation"]
    assert answer["SubnetId"] == sid and association["Ipv6CidrBlockState"] == {"State": "associating"}
    _fails("InvalidParameterValue", ec2.associate_subnet_cidr_block, SubnetId=sid, Ipv6CidrBlock=str(blocks[3]))
    ec2.modify_subnet_attribute(SubnetId=sid, AssignIpv6AddressOnCreation={"Value": True})
    ec2.modify_subnet_attribute(SubnetId=sid, EnableDns64={"Value": True})
    ec2.modify_subnet_attribute(SubnetId=sid, PrivateDnsHostnameTypeOnLaunch="resource-name")
    ec2.modify_subnet_attribute(SubnetId=sid, EnableResourceNameDnsAAAARecordOnLaunch={"Value": True})
    shown = ec2.describe_subnets(SubnetIds=[sid])["Subnets"][0]
    assert shown["AssignIpv6AddressOnCreation"] is True and shown["EnableDns64"] is True
    assert shown["PrivateDnsNameOptionsOnLaunch"] == {
        "HostnameType": "resource-name",
        "EnableResourceNameDnsARecord": False,
        "EnableResourceNameDnsAAAARecord": True,
    }
    eni = ec2.create_network_interface(SubnetId=sid)["NetworkInterface"]  # the subnet assigns one on creation
    assert len(eni["Ipv6Addresses"]) == 1
    _fails("InvalidCidrBlock.InUse", ec2.disassociate_subnet_cidr_block, AssociationId=association["AssociationId"])
    ec2.delete_network_interface(NetworkInterfaceId=eni["NetworkInterfaceId"])
    gone = ec2.disassociate_subnet_cidr_block(AssociationId=association["AssociationId"])
    assert gone["Ipv6CidrBlockAssociation"]["Ipv6CidrBlockState"] == {"State": "disassociating"}
    assert ec2.describe_subnets(SubnetIds=[sid])["Subnets"][0]["Ipv6CidrBlockAssociationSet"] == []
    _fails(
        "InvalidSubnetCidrBlockAssociationID.NotFound",
        ec2.disassociate_subnet_cidr_block,
        AssociationId=association["AssociationId"],
    )


def test_interface_ipv6_addresses_and_prefixes(ec2: Any) -> None:
    vpc_id, blocks = _vpc(ec2)
    sid = ec2.create_subnet(VpcId=vpc_id, CidrBlock="10.0.0.0/24", Ipv6CidrBlock=str(blocks[0]))["Subnet"]["SubnetId"]
    assert ec2.create_network_interface(SubnetId=sid)["NetworkInterface"]["Ipv6Addresses"] == []
    chosen = str(blocks[0].network_address + 0x1234)
    eni = ec2.create_network_interface(SubnetId=sid, Ipv6Addresses=[{"Ipv6Address": chosen}], EnablePrimaryIpv6=True)[
        "NetworkInterface"
    ]
    assert eni["Ipv6Addresses"][0]["Ipv6Address"] == chosen and eni["Ipv6Addresses"][0]["IsPrimaryIpv6"] is True
    eni_id = eni["NetworkInterfaceId"]
    _fails(
        "InvalidIPAddress.InUse", ec2.create_network_interface, SubnetId=sid, Ipv6Addresses=[{"Ipv6Address": chosen}]
    )
    for reserved in (blocks[0].network_address + 2, blocks[0].broadcast_address, blocks[1].network_address + 9):
        _fails(
            "InvalidParameterValue", ec2.assign_ipv6_addresses, NetworkInterfaceId=eni_id, Ipv6Addresses=[str(reserved)]
        )
    _fails(
        "InvalidParameterCombination",
        ec2.create_network_interface,
        SubnetId=sid,
        Ipv6AddressCount=1,
        Ipv6Addresses=[{"Ipv6Address": str(blocks[0].network_address + 99)}],
    )
    added = ec2.assign_ipv6_addresses(NetworkInterfaceId=eni_id, Ipv6AddressCount=3)["AssignedIpv6Addresses"]
    assert len(set(added)) == 3 and chosen not in added and all(_usable(a, blocks[0]) for a in added)
    prefixes = ec2.assign_ipv6_addresses(NetworkInterfaceId=eni_id, Ipv6PrefixCount=1)["AssignedIpv6Prefixes"]
    assert IPv6Network(prefixes[0]).prefixlen == 80 and IPv6Network(prefixes[0]).subnet_of(blocks[0])
    shown = ec2.describe_network_interfaces(Filters=[{"Name": "ipv6-addresses.ipv6-address", "Values": [added[0]]}])[
        "NetworkInterfaces"
    ]
    assert [e["NetworkInterfaceId"] for e in shown] == [eni_id] and len(shown[0]["Ipv6Addresses"]) == 4
    assert shown[0]["Ipv6Prefixes"] == [{"Ipv6Prefix": prefixes[0]}] and shown[0]["Ipv6Address"] == chosen
    removed = ec2.unassign_ipv6_addresses(NetworkInterfaceId=eni_id, Ipv6Addresses=added[:2], Ipv6Prefixes=prefixes)
    assert removed["UnassignedIpv6Addresses"] == added[:2] and removed["UnassignedIpv6Prefixes"] == prefixes
    _fails("InvalidParameterValue", ec2.unassign_ipv6_addresses, NetworkInterfaceId=eni_id, Ipv6Addresses=added[:1])
    _fails("InvalidParameterValue", ec2.unassign_ipv6_addresses, NetworkInterfaceId=eni_id, Ipv6Addresses=[chosen])
    _fails("MissingParameter", ec2.assign_ipv6_addresses, NetworkInterfaceId=eni_id)
    again = ec2.assign_ipv6_addresses(NetworkInterfaceId=eni_id, Ipv6Addresses=[added[0]])  # freed: free again
    assert again["AssignedIpv6Addresses"] == [added[0]]
    plain = ec2.create_subnet(VpcId=vpc_id, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
    other = ec2.create_network_interface(SubnetId=plain)["NetworkInterface"]["NetworkInterfaceId"]
    _fails("InvalidParameterValue", ec2.assign_ipv6_addresses, NetworkInterfaceId=other, Ipv6AddressCount=1)


def test_instances_with_ipv6_addresses(ec2: Any) -> None:
    vpc_id, blocks = _vpc(ec2)
    sid = ec2.create_subnet(VpcId=vpc_id, CidrBlock="10.0.0.0/24", Ipv6CidrBlock=str(blocks[0]))["Subnet"]["SubnetId"]
    launched = ec2.run_instances(
        ImageId=AMI, InstanceType=EVERYWHERE, MinCount=2, MaxCount=2, SubnetId=sid, Ipv6AddressCount=2
    )
    addresses = [a["Ipv6Address"] for i in launched["Instances"] for a in i["NetworkInterfaces"][0]["Ipv6Addresses"]]
    assert len(addresses) == len(set(addresses)) == 4 and all(_usable(a, blocks[0]) for a in addresses)
    one = ec2.run_instances(
        ImageId=AMI, InstanceType=EVERYWHERE,
        MinCount=1,
        MaxCount=1,
        NetworkInterfaces=[
            {"DeviceIndex": 0, "SubnetId": sid, "Ipv6Addresses": [{"Ipv6Address": str(blocks[0].network_address + 7)}],
             "PrimaryIpv6": True}
        ],
    )["Instances"][0]  # fmt: skip
    described = ec2.describe_instances(InstanceIds=[one["InstanceId"]])["Reservations"][0]["Instances"][0]
    assert described["Ipv6Address"] == str(blocks[0].network_address + 7)
    _fails(
        "InvalidParameterCombination",
        ec2.run_instances,
        ImageId=AMI,
        InstanceType=EVERYWHERE,
        MinCount=2,
        MaxCount=2,
        SubnetId=sid,
        Ipv6Addresses=[{"Ipv6Address": str(blocks[0].network_address + 8)}],
    )
    _fails(
        "InvalidParameterCombination",
        ec2.run_instances,
        ImageId=AMI,
        InstanceType=EVERYWHERE,
        MinCount=1,
        MaxCount=1,
        Ipv6AddressCount=1,
        NetworkInterfaces=[{"DeviceIndex": 0, "SubnetId": sid}],
    )


def test_ipv6_subnet_through_the_aws_cli(aws: Cli) -> None:
    vpc = aws("ec2", "create-vpc", "--cidr-block", "10.0.0.0/16", "--amazon-provided-ipv6-cidr-block")["Vpc"]
    block = aws("ec2", "describe-vpcs", "--vpc-ids", vpc["VpcId"])["Vpcs"][0]["Ipv6CidrBlockAssociationSet"][0]
    first = str(next(IPv6Network(block["Ipv6CidrBlock"]).subnets(new_prefix=64)))
    subnet = aws("ec2", "create-subnet", "--vpc-id", vpc["VpcId"], "--ipv6-native", "--ipv6-cidr-block", first)
    assert subnet["Subnet"]["Ipv6Native"] is True
    eni = aws("ec2", "create-network-interface", "--subnet-id", subnet["Subnet"]["SubnetId"])["NetworkInterface"]
    added = aws(
        "ec2", "assign-ipv6-addresses", "--network-interface-id", eni["NetworkInterfaceId"], "--ipv6-address-count", "2"
    )
    assert len(added["AssignedIpv6Addresses"]) == 2
    assert aws.error("ec2", "associate-subnet-cidr-block", "--subnet-id", subnet["Subnet"]["SubnetId"],
                     "--ipv6-cidr-block", "2001:db8::/64") == "InvalidParameterValue"  # fmt: skip
