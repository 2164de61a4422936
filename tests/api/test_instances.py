"""Instances (the data plane's sources of traffic) through real boto3 and the real AWS CLI against a live server."""

from __future__ import annotations

import ipaddress
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.api.amis import AMI, EVERYWHERE
from tests.conftest import error_code


def _error(call: Any, **kwargs: Any) -> str:
    with pytest.raises(ClientError) as excinfo:
        call(**kwargs)
    return error_code(excinfo)


def _instance(ec2: Any, iid: str) -> dict[str, Any]:
    return dict(ec2.describe_instances(InstanceIds=[iid])["Reservations"][0]["Instances"][0])


def _count(ec2: Any) -> int:
    return sum(len(r["Instances"]) for r in ec2.describe_instances()["Reservations"])


def test_run_in_the_default_vpc(ec2: Any, account: str) -> None:
    reservation = ec2.run_instances(
        ImageId=AMI,
        MinCount=1,
        MaxCount=1,
        TagSpecifications=[{"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": "web"}]}],
    )
    assert reservation["ReservationId"].startswith("r-") and reservation["OwnerId"] == account
    launched = reservation["Instances"][0]
    assert launched["State"] == {"Code": 0, "Name": "pending"} and launched["InstanceType"] == "m1.small"
    # Without a subnet, AWS picks the default subnet of a zone that offers the type: the account's first such zone.
    offered = {
        r["Location"]
        for r in ec2.describe_instance_type_offerings(LocationType="availability-zone")["InstanceTypeOfferings"]
        if r["InstanceType"] == "m1.small"
    }
    first = next(
        z["ZoneName"] for z in ec2.describe_availability_zones()["AvailabilityZones"] if z["ZoneName"] in offered
    )
    zone_filter = [{"Name": "availability-zone", "Values": [first]}, {"Name": "default-for-az", "Values": ["true"]}]
    default_subnet = ec2.describe_subnets(Filters=zone_filter)["Subnets"][0]
    first_address = str(ipaddress.ip_network(default_subnet["CidrBlock"])[4])
    assert launched["Placement"]["AvailabilityZone"] == first and launched["PrivateIpAddress"] == first_address
    iid = launched["InstanceId"]
    ec2.get_waiter("instance_running").wait(InstanceIds=[iid])
    shown = _instance(ec2, iid)
    default_vpc = ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"][0]["VpcId"]
    assert shown["State"] == {"Code": 16, "Name": "running"} and shown["VpcId"] == default_vpc
    assert shown["SecurityGroups"][0]["GroupName"] == "default" and shown["Tags"] == [{"Key": "Name", "Value": "web"}]
    public = shown["PublicIpAddress"]  # default subnets map public IPs on launch
    assert (
        public.startswith("3.") and shown["PublicDnsName"] == f"ec2-{public.replace('.', '-')}.compute-1.amazonaws.com"
    )
    nic = shown["NetworkInterfaces"][0]
    assert nic["Attachment"]["DeviceIndex"] == 0 and nic["Attachment"]["DeleteOnTermination"] is True
    assert nic["Association"] == {
        "IpOwnerId": "amazon",
        "PublicDnsName": shown["PublicDnsName"],
        "PublicIp": public,
    }
    eni = ec2.describe_network_interfaces(NetworkInterfaceIds=[nic["NetworkInterfaceId"]])["NetworkInterfaces"][0]
    assert eni["Status"] == "in-use" and eni["Association"]["PublicIp"] == public
    assert eni["Attachment"]["InstanceId"] == iid and eni["InterfaceType"] == "interface"


def test_run_in_a_subnet_with_groups_and_addresses(ec2: Any) -> None:
    vpc_id = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnet_id = ec2.create_subnet(VpcId=vpc_id, CidrBlock="10.0.1.0/24", AvailabilityZone="us-east-1b")["Subnet"][
        "SubnetId"
    ]
    web = ec2.create_security_group(GroupName="web", Description="web", VpcId=vpc_id)["GroupId"]
    reservation = ec2.run_instances(
        ImageId=AMI,
        InstanceType=EVERYWHERE,
        MinCount=1,
        MaxCount=1,
        SubnetId=subnet_id,
        SecurityGroupIds=[web],
        PrivateIpAddress="10.0.1.9",
    )
    iid = reservation["Instances"][0]["InstanceId"]
    shown = _instance(ec2, iid)
    assert shown["PrivateIpAddress"] == "10.0.1.9" and shown["SubnetId"] == subnet_id
    assert shown["SecurityGroups"] == [{"GroupId": web, "GroupName": "web"}]
    assert "PublicIpAddress" not in shown and shown["Placement"]["AvailabilityZone"] == "us-east-1b"
    assert shown["PrivateDnsName"] == "ip-10-0-1-9.ec2.internal"
    many = ec2.run_instances(ImageId=AMI, InstanceType=EVERYWHERE, MinCount=2, MaxCount=3, SubnetId=subnet_id)[
        "Instances"
    ]
    addresses = [i["PrivateIpAddress"] for i in many]
    assert addresses == ["10.0.1.4", "10.0.1.5", "10.0.1.6"] and [i["AmiLaunchIndex"] for i in many] == [0, 1, 2]
    assert len({i["InstanceId"] for i in many}) == 3


def test_network_interfaces_spec_with_public_address(ec2: Any) -> None:
    vpc_id = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnet_id = ec2.create_subnet(VpcId=vpc_id, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
    spec = {"DeviceIndex": 0, "SubnetId": subnet_id, "AssociatePublicIpAddress": True}
    run = {"ImageId": AMI, "InstanceType": EVERYWHERE, "MinCount": 1, "MaxCount": 1}
    iid = ec2.run_instances(**run, NetworkInterfaces=[spec])["Instances"][0]["InstanceId"]
    shown = _instance(ec2, iid)
    assert shown["PublicIpAddress"] and shown["PublicDnsName"] == ""  # DNS hostnames are off in a new VPC
    assert shown["NetworkInterfaces"][0]["Association"]["IpOwnerId"] == "amazon"
    cases = [
        {"SubnetId": subnet_id},
        {"SecurityGroupIds": ["sg-0123456789abcdef0"]},
    ]
    for extra in cases:
        assert _error(ec2.run_instances, ImageId=AMI, MinCount=1, MaxCount=1, NetworkInterfaces=[spec], **extra) == (
            "InvalidParameterCombination"
        )
    second = {"DeviceIndex": 1, "SubnetId": subnet_id, "AssociatePublicIpAddress": True}
    assert _error(
        ec2.run_instances, ImageId=AMI, MinCount=1, MaxCount=1, NetworkInterfaces=[{**spec, "DeviceIndex": 0}, second]
    ) == ("InvalidParameterCombination")
    assert _count(ec2) == 1


def test_launch_refusals_change_nothing(ec2: Any) -> None:
    before = len(ec2.describe_network_interfaces()["NetworkInterfaces"])
    cases = [
        ({"ImageId": "ami-xyz"}, "InvalidAMIID.Malformed"),
        ({"ImageId": AMI, "MinCount": 0}, "InvalidParameterValue"),
        ({"ImageId": AMI, "MinCount": 3, "MaxCount": 2}, "InvalidParameterValue"),
        ({"ImageId": AMI, "SubnetId": "subnet-0123456789abcdef0"}, "InvalidSubnetID.NotFound"),
        ({"ImageId": AMI, "SecurityGroupIds": ["sg-0123456789abcdef0"]}, "InvalidGroup.NotFound"),
        ({"ImageId": AMI, "PrivateIpAddress": "172.31.0.9", "MaxCount": 2}, "InvalidParameterCombination"),
        ({"ImageId": AMI, "TagSpecifications": [{"ResourceType": "vpc", "Tags": []}]}, "InvalidParameterValue"),
    ]
    for given, code in cases:
        params = {"MinCount": 1, "MaxCount": 1, **given}
        assert _error(ec2.run_instances, **params) == code, given
    assert _count(ec2) == 0
    assert len(ec2.describe_network_interfaces()["NetworkInterfaces"]) == before


def test_no_default_vpc(ec2: Any) -> None:
    default = ec2.describe_vpcs()["Vpcs"][0]
    filters = [{"Name": "vpc-id", "Values": [default["VpcId"]]}]
    for subnet in ec2.describe_subnets(Filters=filters)["Subnets"]:
        ec2.delete_subnet(SubnetId=subnet["SubnetId"])
    assert _error(ec2.run_instances, ImageId=AMI, MinCount=1, MaxCount=1) == "MissingInput"
    for gateway in ec2.describe_internet_gateways()["InternetGateways"]:
        ec2.detach_internet_gateway(InternetGatewayId=gateway["InternetGatewayId"], VpcId=default["VpcId"])
        ec2.delete_internet_gateway(InternetGatewayId=gateway["InternetGatewayId"])
    ec2.delete_vpc(VpcId=default["VpcId"])
    assert _error(ec2.run_instances, ImageId=AMI, MinCount=1, MaxCount=1) == "VPCIdNotSpecified"
    assert _count(ec2) == 0


def test_describe_filters_pagination_and_reservations(ec2: Any) -> None:
    first = ec2.run_instances(ImageId=AMI, MinCount=3, MaxCount=3)
    # The first zone offering the default type depends on the account's zone names: the second goes elsewhere.
    taken = first["Instances"][0]["Placement"]["AvailabilityZone"]
    zone = next(z["ZoneName"] for z in ec2.describe_availability_zones()["AvailabilityZones"] if z["ZoneName"] != taken)
    second = ec2.run_instances(
        ImageId=AMI,
        InstanceType=EVERYWHERE,
        MinCount=4,
        MaxCount=4,
        Placement={"AvailabilityZone": zone},
        TagSpecifications=[{"ResourceType": "instance", "Tags": [{"Key": "tier", "Value": "db"}]}],
    )
    grouped = ec2.describe_instances()["Reservations"]
    assert [(r["ReservationId"], len(r["Instances"])) for r in grouped] == [
        (first["ReservationId"], 3),
        (second["ReservationId"], 4),
    ]
    one = first["Instances"][0]

    def ids_for(name: str, *values: str) -> list[str]:
        found = ec2.describe_instances(Filters=[{"Name": name, "Values": list(values)}])["Reservations"]
        return sorted(i["InstanceId"] for r in found for i in r["Instances"])

    second_ids = sorted(i["InstanceId"] for i in second["Instances"])
    assert ids_for("tag:tier", "db") == second_ids == ids_for("availability-zone", zone)
    assert ids_for("private-ip-address", one["PrivateIpAddress"]) == [one["InstanceId"]]
    eni_id = one["NetworkInterfaces"][0]["NetworkInterfaceId"]
    assert ids_for("network-interface.network-interface-id", eni_id) == [one["InstanceId"]]
    assert ids_for("subnet-id", one["SubnetId"]) == sorted(i["InstanceId"] for i in first["Instances"])
    assert len(ids_for("instance-state-name", "running")) == 7 and ids_for("instance-state-name", "stopped") == []
    assert len(ids_for("instance.group-id", one["SecurityGroups"][0]["GroupId"])) == 7
    public = _instance(ec2, one["InstanceId"])["PublicIpAddress"]
    assert ids_for("ip-address", public) == [one["InstanceId"]]
    pages = list(ec2.get_paginator("describe_instances").paginate(PaginationConfig={"PageSize": 5}))
    assert [sum(len(r["Instances"]) for r in p["Reservations"]) for p in pages] == [5, 2]
    assert _error(ec2.describe_instances, InstanceIds=[one["InstanceId"]], MaxResults=5) == (
        "InvalidParameterCombination"
    )
    assert _error(ec2.describe_instances, MaxResults=4) == "InvalidParameterValue"
    assert _error(ec2.describe_instances, InstanceIds=["i-0123456789abcdef0"]) == "InvalidInstanceID.NotFound"
    assert _error(ec2.describe_instances, InstanceIds=["i-xyz"]) == "InvalidInstanceID.Malformed"


def test_stop_start_and_public_address(ec2: Any) -> None:
    launched = ec2.run_instances(ImageId=AMI, MinCount=1, MaxCount=1)["Instances"][0]
    iid, private = launched["InstanceId"], launched["PrivateIpAddress"]
    assert ipaddress.ip_address(private) in ipaddress.ip_network("172.31.0.0/16")  # a default subnet's
    before = _instance(ec2, iid)["PublicIpAddress"]
    stopping = ec2.stop_instances(InstanceIds=[iid])["StoppingInstances"][0]
    assert stopping["CurrentState"]["Name"] == "stopping" and stopping["PreviousState"]["Name"] == "running"
    ec2.get_waiter("instance_stopped").wait(InstanceIds=[iid])
    stopped = _instance(ec2, iid)
    assert stopped["State"]["Name"] == "stopped" and "PublicIpAddress" not in stopped
    assert stopped["PrivateIpAddress"] == private  # the private address stays
    assert ec2.describe_instance_status(InstanceIds=[iid])["InstanceStatuses"] == []
    starting = ec2.start_instances(InstanceIds=[iid])["StartingInstances"][0]
    assert starting["CurrentState"]["Name"] == "pending" and starting["PreviousState"]["Name"] == "stopped"
    after = _instance(ec2, iid)
    assert after["State"]["Name"] == "running" and after["PublicIpAddress"] not in ("", before)
    status = ec2.describe_instance_status(InstanceIds=[iid])["InstanceStatuses"][0]
    assert status["InstanceState"]["Name"] == "running" and status["InstanceStatus"]["Status"] == "ok"
    ec2.get_waiter("instance_status_ok").wait(InstanceIds=[iid])


def test_terminate_releases_the_interface_and_addresses(ec2: Any) -> None:
    vpc_id = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnet_id = ec2.create_subnet(VpcId=vpc_id, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
    run = {"ImageId": AMI, "InstanceType": EVERYWHERE, "MinCount": 1, "MaxCount": 1}
    iid = ec2.run_instances(**run, SubnetId=subnet_id)["Instances"][0]["InstanceId"]
    extra = ec2.create_network_interface(SubnetId=subnet_id)["NetworkInterface"]["NetworkInterfaceId"]
    ec2.attach_network_interface(NetworkInterfaceId=extra, InstanceId=iid, DeviceIndex=1)
    with pytest.raises(ClientError) as excinfo:
        ec2.delete_vpc(VpcId=vpc_id)
    assert error_code(excinfo) == "DependencyViolation"
    change = ec2.terminate_instances(InstanceIds=[iid])["TerminatingInstances"][0]
    assert change["CurrentState"] == {"Code": 32, "Name": "shutting-down"}
    assert change["PreviousState"] == {"Code": 16, "Name": "running"}
    ec2.get_waiter("instance_terminated").wait(InstanceIds=[iid])
    gone = _instance(ec2, iid)
    assert gone["State"]["Name"] == "terminated" and gone["NetworkInterfaces"] == [] and "VpcId" not in gone
    remaining = ec2.describe_network_interfaces(Filters=[{"Name": "subnet-id", "Values": [subnet_id]}])
    assert [(e["NetworkInterfaceId"], e["Status"]) for e in remaining["NetworkInterfaces"]] == [(extra, "available")]
    assert ec2.describe_subnets(SubnetIds=[subnet_id])["Subnets"][0]["AvailableIpAddressCount"] == 250
    again = ec2.terminate_instances(InstanceIds=[iid])["TerminatingInstances"][0]
    assert again["CurrentState"]["Name"] == again["PreviousState"]["Name"] == "terminated"
    assert _error(ec2.start_instances, InstanceIds=[iid]) == "IncorrectInstanceState"
    assert _error(ec2.stop_instances, InstanceIds=[iid]) == "IncorrectInstanceState"
    ec2.delete_network_interface(NetworkInterfaceId=extra)
    ec2.delete_subnet(SubnetId=subnet_id)
    ec2.delete_vpc(VpcId=vpc_id)  # a terminated instance does not hold its VPC


def test_cli_instance_flow(aws: Any) -> None:
    run = aws("ec2", "run-instances", "--image-id", AMI, "--count", "1", "--instance-type", "t3.micro")
    iid = run["Instances"][0]["InstanceId"]
    assert run["Instances"][0]["InstanceType"] == "t3.micro"
    aws("ec2", "wait", "instance-running", "--instance-ids", iid)
    found = aws("ec2", "describe-instances", "--filters", "Name=instance-type,Values=t3.micro")["Reservations"]
    assert [i["InstanceId"] for r in found for i in r["Instances"]] == [iid]
    assert aws.error("ec2", "run-instances", "--image-id", "ami-bad", "--count", "1") == "InvalidAMIID.Malformed"
    aws("ec2", "terminate-instances", "--instance-ids", iid)
    aws("ec2", "wait", "instance-terminated", "--instance-ids", iid)
