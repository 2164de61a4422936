"""Internet gateways, Elastic IPs and NAT gateways through real boto3 and the AWS CLI against a live server."""

from __future__ import annotations

import ipaddress
from typing import Any

import pytest
from botocore.exceptions import ClientError, WaiterError

from tests.api.amis import AMI, EVERYWHERE
from tests.conftest import Cli, error_code

_FAST = {"Delay": 1, "MaxAttempts": 5}


def _fails(code: str, call: Any, **kwargs: Any) -> str:
    with pytest.raises(ClientError) as excinfo:
        call(**kwargs)
    assert error_code(excinfo) == code, excinfo.value.response["Error"]
    return str(excinfo.value.response["Error"]["Message"])


def _vpc(ec2: Any, cidr: str = "10.0.0.0/16") -> str:
    return str(ec2.create_vpc(CidrBlock=cidr)["Vpc"]["VpcId"])


def _subnet(ec2: Any, vpc_id: str, cidr: str = "10.0.1.0/24") -> str:
    return str(ec2.create_subnet(VpcId=vpc_id, CidrBlock=cidr)["Subnet"]["SubnetId"])


def _igw(ec2: Any, vpc_id: str | None = None) -> str:
    gid = str(ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"])
    if vpc_id:
        ec2.attach_internet_gateway(InternetGatewayId=gid, VpcId=vpc_id)
    return gid


def _gateway(ec2: Any, gid: str) -> dict[str, Any]:
    return dict(ec2.describe_internet_gateways(InternetGatewayIds=[gid])["InternetGateways"][0])


def _address(ec2: Any, allocation_id: str) -> dict[str, Any]:
    return dict(ec2.describe_addresses(AllocationIds=[allocation_id])["Addresses"][0])


def _eni(ec2: Any, eni_id: str) -> dict[str, Any]:
    return dict(ec2.describe_network_interfaces(NetworkInterfaceIds=[eni_id])["NetworkInterfaces"][0])


def _public_network(ec2: Any) -> tuple[str, str, str]:
    """A VPC with an attached internet gateway and one subnet: (vpc, subnet, igw)."""
    vpc_id = _vpc(ec2)
    return vpc_id, _subnet(ec2, vpc_id), _igw(ec2, vpc_id)


# -- internet gateways -------------------------------------------------------------------------------------------
def test_internet_gateway_lifecycle(ec2: Any, account: str) -> None:
    gateway = ec2.create_internet_gateway(
        TagSpecifications=[{"ResourceType": "internet-gateway", "Tags": [{"Key": "Name", "Value": "edge"}]}]
    )["InternetGateway"]
    gid = gateway["InternetGatewayId"]
    assert gid.startswith("igw-") and len(gid) == 21
    assert gateway["Attachments"] == [] and gateway["OwnerId"] == account
    assert gateway["Tags"] == [{"Key": "Name", "Value": "edge"}]
    vpc_id = _vpc(ec2)
    ec2.attach_internet_gateway(InternetGatewayId=gid, VpcId=vpc_id)
    assert _gateway(ec2, gid)["Attachments"] == [{"State": "available", "VpcId": vpc_id}]
    ec2.get_waiter("internet_gateway_exists").wait(InternetGatewayIds=[gid], WaiterConfig=_FAST)
    _fails("DependencyViolation", ec2.delete_internet_gateway, InternetGatewayId=gid)
    ec2.detach_internet_gateway(InternetGatewayId=gid, VpcId=vpc_id)
    assert _gateway(ec2, gid)["Attachments"] == []
    ec2.delete_internet_gateway(InternetGatewayId=gid)
    _fails("InvalidInternetGatewayID.NotFound", ec2.describe_internet_gateways, InternetGatewayIds=[gid])


def test_attach_rules(ec2: Any) -> None:
    first_vpc, second_vpc = _vpc(ec2), _vpc(ec2, "10.1.0.0/16")
    attached = _igw(ec2, first_vpc)
    spare = _igw(ec2)
    message = _fails(
        "Resource.AlreadyAssociated", ec2.attach_internet_gateway, InternetGatewayId=attached, VpcId=second_vpc
    )
    assert message == f"resource {attached} is already attached to network {first_vpc}"
    message = _fails("InvalidParameterValue", ec2.attach_internet_gateway, InternetGatewayId=spare, VpcId=first_vpc)
    assert message == f"Network {first_vpc} already has an internet gateway attached"
    assert _gateway(ec2, spare)["Attachments"] == []
    assert _gateway(ec2, attached)["Attachments"] == [{"State": "available", "VpcId": first_vpc}]
    _fails("InvalidVpcID.NotFound", ec2.attach_internet_gateway, InternetGatewayId=spare, VpcId="vpc-0123456789abcdef0")
    _fails(
        "InvalidInternetGatewayID.NotFound",
        ec2.attach_internet_gateway,
        InternetGatewayId="igw-0123456789abcdef0",
        VpcId=first_vpc,
    )
    _fails(
        "InvalidInternetGatewayId.Malformed", ec2.attach_internet_gateway, InternetGatewayId="igw-x", VpcId=first_vpc
    )


def test_detach_rules(ec2: Any) -> None:
    vpc_id, other = _vpc(ec2), _vpc(ec2, "10.1.0.0/16")
    gid = _igw(ec2, vpc_id)
    message = _fails("Gateway.NotAttached", ec2.detach_internet_gateway, InternetGatewayId=gid, VpcId=other)
    assert message == f"resource {gid} is not attached to network {other}"
    assert _gateway(ec2, gid)["Attachments"] == [{"State": "available", "VpcId": vpc_id}]


def test_detach_from_a_deleted_vpc_is_not_attached(ec2: Any) -> None:
    """Terraform's aws_internet_gateway detaches on delete from the VPC its state remembers, which an
    aws_internet_gateway_attachment's destroy may already have detached and deleted: AWS answers Gateway.NotAttached."""
    vpc_id = _vpc(ec2)
    gid = _igw(ec2, vpc_id)
    ec2.detach_internet_gateway(InternetGatewayId=gid, VpcId=vpc_id)
    ec2.delete_vpc(VpcId=vpc_id)
    message = _fails("Gateway.NotAttached", ec2.detach_internet_gateway, InternetGatewayId=gid, VpcId=vpc_id)
    assert message == f"resource {gid} is not attached to network {vpc_id}"
    _fails("InvalidVpcID.Malformed", ec2.detach_internet_gateway, InternetGatewayId=gid, VpcId="vpcx")
    ec2.delete_internet_gateway(InternetGatewayId=gid)


def test_detach_refused_while_public_addresses_are_mapped(ec2: Any) -> None:
    vpc_id, subnet_id, gid = _public_network(ec2)
    eni = ec2.create_network_interface(SubnetId=subnet_id)["NetworkInterface"]["NetworkInterfaceId"]
    allocation = ec2.allocate_address(Domain="vpc")["AllocationId"]
    association = ec2.associate_address(AllocationId=allocation, NetworkInterfaceId=eni)["AssociationId"]
    message = _fails("DependencyViolation", ec2.detach_internet_gateway, InternetGatewayId=gid, VpcId=vpc_id)
    assert message.startswith(f"Network {vpc_id} has some mapped public address(es).")
    assert _gateway(ec2, gid)["Attachments"] == [{"State": "available", "VpcId": vpc_id}]
    ec2.disassociate_address(AssociationId=association)
    ec2.detach_internet_gateway(InternetGatewayId=gid, VpcId=vpc_id)
    assert _gateway(ec2, gid)["Attachments"] == []


def test_describe_internet_gateway_filters(ec2: Any, account: str) -> None:
    vpc_id = _vpc(ec2)
    attached = _igw(ec2, vpc_id)
    detached = _igw(ec2)
    ec2.create_tags(Resources=[detached], Tags=[{"Key": "role", "Value": "spare"}])

    def ids(name: str, value: str) -> list[str]:
        found = ec2.describe_internet_gateways(Filters=[{"Name": name, "Values": [value]}])["InternetGateways"]
        return sorted(g["InternetGatewayId"] for g in found)

    assert ids("attachment.vpc-id", vpc_id) == [attached]
    assert attached in ids("attachment.state", "available") and detached not in ids("attachment.state", "available")
    assert ids("internet-gateway-id", detached) == [detached]
    assert ids("tag:role", "spare") == [detached]
    assert detached in ids("owner-id", account)
    _fails("InvalidParameterValue", ec2.describe_internet_gateways, Filters=[{"Name": "bogus", "Values": ["x"]}])


# -- Elastic IPs -------------------------------------------------------------------------------------------------
def test_allocate_and_describe_addresses(ec2: Any) -> None:
    first = ec2.allocate_address(
        Domain="vpc", TagSpecifications=[{"ResourceType": "elastic-ip", "Tags": [{"Key": "Name", "Value": "web"}]}]
    )
    second = ec2.allocate_address()
    assert first["AllocationId"].startswith("eipalloc-") and first["Domain"] == "vpc"
    assert first["PublicIpv4Pool"] == "amazon" and first["NetworkBorderGroup"] == "us-east-1"
    assert first["PublicIp"] != second["PublicIp"]
    assert ipaddress.IPv4Address(first["PublicIp"]).is_global
    described = _address(ec2, first["AllocationId"])
    assert described["PublicIp"] == first["PublicIp"] and described["Tags"] == [{"Key": "Name", "Value": "web"}]
    assert "AssociationId" not in described
    by_ip = ec2.describe_addresses(PublicIps=[second["PublicIp"]])["Addresses"]
    assert [a["AllocationId"] for a in by_ip] == [second["AllocationId"]]
    tagged = ec2.describe_addresses(Filters=[{"Name": "tag:Name", "Values": ["web"]}])["Addresses"]
    assert [a["AllocationId"] for a in tagged] == [first["AllocationId"]]
    assert len(ec2.describe_addresses(Filters=[{"Name": "domain", "Values": ["vpc"]}])["Addresses"]) == 2
    _fails("InvalidAllocationID.NotFound", ec2.describe_addresses, AllocationIds=["eipalloc-0123456789abcdef0"])
    _fails("InvalidAddress.NotFound", ec2.describe_addresses, PublicIps=["198.51.100.7"])


def test_address_limit_is_five(ec2: Any) -> None:
    for _ in range(5):
        ec2.allocate_address(Domain="vpc")
    _fails("AddressLimitExceeded", ec2.allocate_address, Domain="vpc")
    assert len(ec2.describe_addresses()["Addresses"]) == 5


def test_associate_address_with_an_interface(ec2: Any, account: str) -> None:
    _, subnet_id, _ = _public_network(ec2)
    eni = ec2.create_network_interface(SubnetId=subnet_id)["NetworkInterface"]
    allocation = ec2.allocate_address(Domain="vpc")
    association_id = ec2.associate_address(
        AllocationId=allocation["AllocationId"], NetworkInterfaceId=eni["NetworkInterfaceId"]
    )["AssociationId"]
    assert association_id.startswith("eipassoc-")
    public_dns = "ec2-" + allocation["PublicIp"].replace(".", "-") + ".compute-1.amazonaws.com"
    expected = {
        "AllocationId": allocation["AllocationId"],
        "AssociationId": association_id,
        "IpOwnerId": account,
        "PublicDnsName": public_dns,
        "PublicIp": allocation["PublicIp"],
    }
    assert _eni(ec2, eni["NetworkInterfaceId"])["Association"] == expected
    address = _address(ec2, allocation["AllocationId"])
    assert address["AssociationId"] == association_id and address["NetworkInterfaceId"] == eni["NetworkInterfaceId"]
    assert address["PrivateIpAddress"] == eni["PrivateIpAddress"] and address["NetworkInterfaceOwnerId"] == account
    for name, value in (
        ("association-id", association_id),
        ("network-interface-id", eni["NetworkInterfaceId"]),
        ("private-ip-address", eni["PrivateIpAddress"]),
        ("public-ip", allocation["PublicIp"]),
        ("network-interface-owner-id", account),
    ):
        found = ec2.describe_addresses(Filters=[{"Name": name, "Values": [value]}])["Addresses"]
        assert [a["AllocationId"] for a in found] == [allocation["AllocationId"]], name
    ec2.disassociate_address(AssociationId=association_id)
    assert "Association" not in _eni(ec2, eni["NetworkInterfaceId"])
    assert "AssociationId" not in _address(ec2, allocation["AllocationId"])


def test_associate_address_with_an_instance(ec2: Any) -> None:
    _, subnet_id, _ = _public_network(ec2)
    instance = ec2.run_instances(ImageId=AMI, InstanceType=EVERYWHERE, MinCount=1, MaxCount=1, SubnetId=subnet_id)[
        "Instances"
    ][0]
    allocation = ec2.allocate_address(Domain="vpc")
    ec2.associate_address(AllocationId=allocation["AllocationId"], InstanceId=instance["InstanceId"])
    address = _address(ec2, allocation["AllocationId"])
    assert address["InstanceId"] == instance["InstanceId"]
    assert address["NetworkInterfaceId"] == instance["NetworkInterfaces"][0]["NetworkInterfaceId"]
    found = ec2.describe_addresses(Filters=[{"Name": "instance-id", "Values": [instance["InstanceId"]]}])["Addresses"]
    assert [a["AllocationId"] for a in found] == [allocation["AllocationId"]]
    shown = ec2.describe_instances(InstanceIds=[instance["InstanceId"]])["Reservations"][0]["Instances"][0]
    assert shown["PublicIpAddress"] == allocation["PublicIp"]


def test_associate_address_rules(ec2: Any) -> None:
    _, subnet_id, _ = _public_network(ec2)
    first = ec2.create_network_interface(SubnetId=subnet_id)["NetworkInterface"]["NetworkInterfaceId"]
    second = ec2.create_network_interface(SubnetId=subnet_id)["NetworkInterface"]["NetworkInterfaceId"]
    allocation = ec2.allocate_address(Domain="vpc")["AllocationId"]
    old = ec2.associate_address(AllocationId=allocation, NetworkInterfaceId=first)["AssociationId"]
    _fails("Resource.AlreadyAssociated", ec2.associate_address, AllocationId=allocation, NetworkInterfaceId=second)
    assert _address(ec2, allocation)["NetworkInterfaceId"] == first and "Association" not in _eni(ec2, second)
    new = ec2.associate_address(AllocationId=allocation, NetworkInterfaceId=second, AllowReassociation=True)[
        "AssociationId"
    ]
    assert new != old and "Association" not in _eni(ec2, first)
    assert _eni(ec2, second)["Association"]["AssociationId"] == new
    # A second address on the same private IP replaces the first one there, which stays allocated.
    other = ec2.allocate_address(Domain="vpc")["AllocationId"]
    ec2.associate_address(AllocationId=other, NetworkInterfaceId=second)
    assert _eni(ec2, second)["Association"]["AllocationId"] == other
    assert "AssociationId" not in _address(ec2, allocation)
    _fails("MissingParameter", ec2.associate_address, AllocationId=allocation)
    _fails(
        "InvalidAllocationID.NotFound",
        ec2.associate_address,
        AllocationId="eipalloc-0123456789abcdef0",
        NetworkInterfaceId=first,
    )
    _fails(
        "InvalidParameterValue",
        ec2.associate_address,
        AllocationId=allocation,
        NetworkInterfaceId=first,
        PrivateIpAddress="10.0.1.200",
    )


def test_associate_address_needs_an_internet_gateway(ec2: Any) -> None:
    vpc_id = _vpc(ec2)
    eni = ec2.create_network_interface(SubnetId=_subnet(ec2, vpc_id))["NetworkInterface"]["NetworkInterfaceId"]
    allocation = ec2.allocate_address(Domain="vpc")["AllocationId"]
    message = _fails("Gateway.NotAttached", ec2.associate_address, AllocationId=allocation, NetworkInterfaceId=eni)
    assert message == f"Network {vpc_id} is not attached to any internet gateway"
    assert "Association" not in _eni(ec2, eni) and "AssociationId" not in _address(ec2, allocation)


def test_release_address_rules(ec2: Any) -> None:
    _, subnet_id, _ = _public_network(ec2)
    eni = ec2.create_network_interface(SubnetId=subnet_id)["NetworkInterface"]["NetworkInterfaceId"]
    allocation = ec2.allocate_address(Domain="vpc")["AllocationId"]
    association = ec2.associate_address(AllocationId=allocation, NetworkInterfaceId=eni)["AssociationId"]
    _fails("InvalidIPAddress.InUse", ec2.release_address, AllocationId=allocation)
    assert _address(ec2, allocation)["AssociationId"] == association
    _fails("InvalidAssociationID.NotFound", ec2.disassociate_address, AssociationId="eipassoc-0123456789abcdef0")
    ec2.disassociate_address(AssociationId=association)
    ec2.release_address(AllocationId=allocation)
    _fails("InvalidAllocationID.NotFound", ec2.release_address, AllocationId=allocation)
    assert ec2.describe_addresses()["Addresses"] == []


# -- NAT gateways ------------------------------------------------------------------------------------------------
def test_public_nat_gateway_lifecycle(ec2: Any) -> None:
    vpc_id, subnet_id, _ = _public_network(ec2)
    allocation = ec2.allocate_address(Domain="vpc")
    nat = ec2.create_nat_gateway(
        SubnetId=subnet_id,
        AllocationId=allocation["AllocationId"],
        TagSpecifications=[{"ResourceType": "natgateway", "Tags": [{"Key": "Name", "Value": "egress"}]}],
    )["NatGateway"]
    nid = nat["NatGatewayId"]
    assert nid.startswith("nat-") and nat["State"] == "pending" and nat["ConnectivityType"] == "public"
    assert (nat["SubnetId"], nat["VpcId"]) == (subnet_id, vpc_id) and nat["Tags"] == [
        {"Key": "Name", "Value": "egress"}
    ]
    (entry,) = nat["NatGatewayAddresses"]
    assert entry["AllocationId"] == allocation["AllocationId"] and entry["PublicIp"] == allocation["PublicIp"]
    assert entry["IsPrimary"] is True and entry["AssociationId"].startswith("eipassoc-")
    eni = _eni(ec2, entry["NetworkInterfaceId"])
    assert eni["InterfaceType"] == "nat_gateway" and eni["RequesterManaged"] is True
    assert eni["Description"] == f"Interface for NAT Gateway {nid}" and eni["PrivateIpAddress"] == entry["PrivateIp"]
    assert eni["Association"]["PublicIp"] == allocation["PublicIp"]
    assert _address(ec2, allocation["AllocationId"])["NetworkInterfaceId"] == eni["NetworkInterfaceId"]
    # At the default time scale (0) provisioning is over once the creating call has returned, for every reader.
    states = [ec2.describe_nat_gateways(NatGatewayIds=[nid])["NatGateways"][0]["State"] for _ in range(3)]
    assert states == ["available", "available", "available"]
    shown = ec2.describe_nat_gateways(NatGatewayIds=[nid])["NatGateways"][0]
    assert shown["NatGatewayAddresses"][0]["Status"] == "succeeded" and "CreateTime" in shown


def test_nat_gateway_waiters(ec2: Any) -> None:
    _, subnet_id, _ = _public_network(ec2)
    allocation = ec2.allocate_address(Domain="vpc")["AllocationId"]
    nid = ec2.create_nat_gateway(SubnetId=subnet_id, AllocationId=allocation)["NatGateway"]["NatGatewayId"]
    ec2.get_waiter("nat_gateway_available").wait(NatGatewayIds=[nid], WaiterConfig=_FAST)
    assert ec2.describe_nat_gateways(NatGatewayIds=[nid])["NatGateways"][0]["State"] == "available"
    assert ec2.delete_nat_gateway(NatGatewayId=nid)["NatGatewayId"] == nid
    ec2.get_waiter("nat_gateway_deleted").wait(NatGatewayIds=[nid], WaiterConfig=_FAST)
    assert ec2.describe_nat_gateways(NatGatewayIds=[nid])["NatGateways"][0]["State"] == "deleted"


def test_delete_nat_gateway_releases_its_interface_and_address(ec2: Any) -> None:
    vpc_id, subnet_id, _ = _public_network(ec2)
    allocation = ec2.allocate_address(Domain="vpc")["AllocationId"]
    nat = ec2.create_nat_gateway(SubnetId=subnet_id, AllocationId=allocation)["NatGateway"]
    nid, eni = nat["NatGatewayId"], nat["NatGatewayAddresses"][0]["NetworkInterfaceId"]
    table_id = ec2.create_route_table(VpcId=vpc_id)["RouteTable"]["RouteTableId"]
    ec2.create_route(RouteTableId=table_id, DestinationCidrBlock="0.0.0.0/0", NatGatewayId=nid)
    route = ec2.describe_route_tables(RouteTableIds=[table_id])["RouteTables"][0]["Routes"][1]
    assert route["NatGatewayId"] == nid and route["State"] == "active"
    assert ec2.delete_nat_gateway(NatGatewayId=nid)["NatGatewayId"] == nid
    _fails("InvalidNetworkInterfaceID.NotFound", ec2.describe_network_interfaces, NetworkInterfaceIds=[eni])
    assert "AssociationId" not in _address(ec2, allocation)
    route = ec2.describe_route_tables(RouteTableIds=[table_id])["RouteTables"][0]["Routes"][1]
    assert route["State"] == "blackhole"
    states = [ec2.describe_nat_gateways(NatGatewayIds=[nid])["NatGateways"][0]["State"] for _ in range(3)]
    assert states == ["deleted", "deleted", "deleted"]  # time scale 0: over once DeleteNatGateway returned
    ec2.get_waiter("nat_gateway_deleted").wait(NatGatewayIds=[nid], WaiterConfig=_FAST)
    ec2.release_address(AllocationId=allocation)
    ec2.delete_route(RouteTableId=table_id, DestinationCidrBlock="0.0.0.0/0")
    ec2.delete_route_table(RouteTableId=table_id)
    ec2.detach_internet_gateway(InternetGatewayId=_igw_of(ec2, vpc_id), VpcId=vpc_id)
    ec2.delete_subnet(SubnetId=subnet_id)
    ec2.delete_vpc(VpcId=vpc_id)  # the deleted NAT gateway no longer holds the VPC


def _igw_of(ec2: Any, vpc_id: str) -> str:
    found = ec2.describe_internet_gateways(Filters=[{"Name": "attachment.vpc-id", "Values": [vpc_id]}])
    return str(found["InternetGateways"][0]["InternetGatewayId"])


def test_private_nat_gateway(ec2: Any) -> None:
    vpc_id = _vpc(ec2)
    subnet_id = _subnet(ec2, vpc_id)
    nat = ec2.create_nat_gateway(SubnetId=subnet_id, ConnectivityType="private")["NatGateway"]
    assert nat["ConnectivityType"] == "private"
    (entry,) = nat["NatGatewayAddresses"]
    assert "AllocationId" not in entry and "PublicIp" not in entry and entry["PrivateIp"].startswith("10.0.1.")
    ec2.get_waiter("nat_gateway_available").wait(NatGatewayIds=[nat["NatGatewayId"]], WaiterConfig=_FAST)
    allocation = ec2.allocate_address(Domain="vpc")["AllocationId"]
    _fails(
        "InvalidParameterCombination",
        ec2.create_nat_gateway,
        SubnetId=subnet_id,
        ConnectivityType="private",
        AllocationId=allocation,
    )


def test_public_nat_gateway_without_internet_gateway_fails(ec2: Any) -> None:
    vpc_id = _vpc(ec2)
    subnet_id = _subnet(ec2, vpc_id)
    allocation = ec2.allocate_address(Domain="vpc")["AllocationId"]
    nid = ec2.create_nat_gateway(SubnetId=subnet_id, AllocationId=allocation)["NatGateway"]["NatGatewayId"]
    failed = ec2.describe_nat_gateways(NatGatewayIds=[nid])["NatGateways"][0]
    assert failed["State"] == "failed" and failed["FailureCode"] == "Gateway.NotAttached"
    assert "AssociationId" not in _address(ec2, allocation)
    with pytest.raises(WaiterError, match="terminal failure state"):
        ec2.get_waiter("nat_gateway_available").wait(NatGatewayIds=[nid], WaiterConfig=_FAST)


def test_create_nat_gateway_errors_change_nothing(ec2: Any) -> None:
    _, subnet_id, _ = _public_network(ec2)
    _fails("MissingParameter", ec2.create_nat_gateway, SubnetId=subnet_id)
    _fails(
        "InvalidAllocationID.NotFound",
        ec2.create_nat_gateway,
        SubnetId=subnet_id,
        AllocationId="eipalloc-0123456789abcdef0",
    )
    allocation = ec2.allocate_address(Domain="vpc")["AllocationId"]
    _fails(
        "InvalidSubnetID.NotFound", ec2.create_nat_gateway, SubnetId="subnet-0123456789abcdef0", AllocationId=allocation
    )
    ec2.create_nat_gateway(SubnetId=subnet_id, AllocationId=allocation)
    message = _fails("Resource.AlreadyAssociated", ec2.create_nat_gateway, SubnetId=subnet_id, AllocationId=allocation)
    assert message == f"Elastic IP address [{allocation}] is already associated"
    assert len(ec2.describe_nat_gateways()["NatGateways"]) == 1
    enis = ec2.describe_network_interfaces(Filters=[{"Name": "subnet-id", "Values": [subnet_id]}])["NetworkInterfaces"]
    assert len(enis) == 1


def test_nat_gateway_not_found_and_filters(ec2: Any) -> None:
    vpc_id, subnet_id, _ = _public_network(ec2)
    _fails("NatGatewayNotFound", ec2.describe_nat_gateways, NatGatewayIds=["nat-0123456789abcdef0"])
    _fails("NatGatewayNotFound", ec2.delete_nat_gateway, NatGatewayId="nat-0123456789abcdef0")
    first = ec2.create_nat_gateway(SubnetId=subnet_id, ConnectivityType="private")["NatGateway"]["NatGatewayId"]
    other_subnet = _subnet(ec2, vpc_id, "10.0.2.0/24")
    second = ec2.create_nat_gateway(SubnetId=other_subnet, ConnectivityType="private")["NatGateway"]["NatGatewayId"]
    ec2.create_tags(Resources=[second], Tags=[{"Key": "tier", "Value": "b"}])

    def ids(name: str, value: str) -> list[str]:
        found = ec2.describe_nat_gateways(Filter=[{"Name": name, "Values": [value]}])["NatGateways"]
        return sorted(n["NatGatewayId"] for n in found)

    assert ids("subnet-id", other_subnet) == [second]
    assert ids("vpc-id", vpc_id) == sorted([first, second])
    assert ids("nat-gateway-id", first) == [first]
    assert ids("tag:tier", "b") == [second]
    assert ids("state", "available") == sorted([first, second])
    _fails("InvalidParameterValue", ec2.describe_nat_gateways, Filter=[{"Name": "bogus", "Values": ["x"]}])


def test_cli_internet_gateway_and_address_flow(aws: Cli, ec2: Any) -> None:
    vpc_id = _vpc(ec2)
    gid = aws("ec2", "create-internet-gateway")["InternetGateway"]["InternetGatewayId"]
    aws("ec2", "attach-internet-gateway", "--internet-gateway-id", gid, "--vpc-id", vpc_id)
    assert aws.error("ec2", "delete-internet-gateway", "--internet-gateway-id", gid) == "DependencyViolation"
    allocation = aws("ec2", "allocate-address", "--domain", "vpc")
    shown = aws("ec2", "describe-addresses", "--allocation-ids", allocation["AllocationId"])["Addresses"]
    assert [a["PublicIp"] for a in shown] == [allocation["PublicIp"]]
    aws("ec2", "release-address", "--allocation-id", allocation["AllocationId"])
    aws("ec2", "detach-internet-gateway", "--internet-gateway-id", gid, "--vpc-id", vpc_id)
    aws("ec2", "delete-internet-gateway", "--internet-gateway-id", gid)
    assert (
        aws.error("ec2", "describe-internet-gateways", "--internet-gateway-ids", gid)
        == "InvalidInternetGatewayID.NotFound"
    )
