"""Instance types and offerings through real boto3 and the AWS CLI, and the limits a type puts on its instances:
interfaces per instance, private addresses per interface, the zones that offer it."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.api.amis import AMI, offering_zone
from tests.conftest import error_code


def _error(call: Any, **kwargs: Any) -> str:
    with pytest.raises(ClientError) as excinfo:
        call(**kwargs)
    return error_code(excinfo)


def _network(ec2: Any, name: str) -> dict[str, Any]:
    return dict(ec2.describe_instance_types(InstanceTypes=[name])["InstanceTypes"][0]["NetworkInfo"])


def test_describe_instance_types(ec2: Any) -> None:
    micro = ec2.describe_instance_types(InstanceTypes=["t3.micro"])["InstanceTypes"][0]
    # AWS's published figures for t3.micro: 2 vCPUs, 1 GiB, 2 interfaces of 2 IPv4 addresses each.
    assert micro["VCpuInfo"]["DefaultVCpus"] == 2 and micro["MemoryInfo"]["SizeInMiB"] == 1024
    assert (
        micro["NetworkInfo"]["MaximumNetworkInterfaces"] == 2 and micro["NetworkInfo"]["Ipv4AddressesPerInterface"] == 2
    )
    assert micro["BurstablePerformanceSupported"] is True and micro["SupportedInRegion"] is True
    # A retired type (still in the API's enum) and a type not offered in this Region.
    assert _error(ec2.describe_instance_types, InstanceTypes=["cc1.4xlarge"]) == "InvalidInstanceType"
    assert _error(ec2.describe_instance_types, InstanceTypes=["hpc6a.48xlarge"]) == "InvalidInstanceType"
    elsewhere = ec2.describe_instance_types(InstanceTypes=["hpc6a.48xlarge"], IncludeUnsupportedInRegion=True)
    assert elsewhere["InstanceTypes"][0]["SupportedInRegion"] is False
    arm = ec2.describe_instance_types(
        Filters=[
            {"Name": "processor-info.supported-architecture", "Values": ["arm64"]},
            {"Name": "vcpu-info.default-vcpus", "Values": ["2"]},
            {"Name": "current-generation", "Values": ["true"]},
        ]
    )["InstanceTypes"]
    assert arm and all("arm64" in t["ProcessorInfo"]["SupportedArchitectures"] for t in arm)
    assert all(t["VCpuInfo"]["DefaultVCpus"] == 2 for t in arm)
    assert _error(ec2.describe_instance_types, Filters=[{"Name": "colour", "Values": ["x"]}]) == "InvalidParameterValue"


def test_instance_type_pages(ec2: Any) -> None:
    first = ec2.describe_instance_types(MaxResults=5)
    assert len(first["InstanceTypes"]) == 5 and first["NextToken"]
    second = ec2.describe_instance_types(MaxResults=5, NextToken=first["NextToken"])
    names = {t["InstanceType"] for t in first["InstanceTypes"]} | {t["InstanceType"] for t in second["InstanceTypes"]}
    assert len(names) == 10
    assert _error(ec2.describe_instance_types, MaxResults=101) == "InvalidParameterValue"


def test_offerings_by_region_zone_name_and_zone_id(ec2: Any) -> None:
    def offered(location_type: str, name: str) -> set[str]:
        flt = [{"Name": "instance-type", "Values": [name]}]
        rows = ec2.describe_instance_type_offerings(LocationType=location_type, Filters=flt)
        return {row["Location"] for row in rows["InstanceTypeOfferings"]}

    assert offered("region", "t3.micro") == {"us-east-1"}
    zones = ec2.describe_availability_zones()["AvailabilityZones"]
    by_name = offered("availability-zone", "t3.micro")
    by_id = offered("availability-zone-id", "t3.micro")
    assert by_name and by_name <= {z["ZoneName"] for z in zones}
    assert by_id == {z["ZoneId"] for z in zones if z["ZoneName"] in by_name}
    rows = ec2.describe_instance_type_offerings(Filters=[{"Name": "location", "Values": ["us-east-1"]}])
    assert {"t3.micro", "m5.large"} <= {r["InstanceType"] for r in rows["InstanceTypeOfferings"]}
    assert _error(ec2.describe_instance_type_offerings, LocationType="planet") == "InvalidParameterValue"


def test_an_unknown_type_and_a_zone_without_the_type(ec2: Any) -> None:
    assert (
        _error(ec2.run_instances, ImageId=AMI, InstanceType="t3.enormous", MinCount=1, MaxCount=1)
        == "InvalidParameterValue"
    )
    flt = [{"Name": "instance-type", "Values": ["t3.micro"]}]
    rows = ec2.describe_instance_type_offerings(LocationType="availability-zone", Filters=flt)["InstanceTypeOfferings"]
    offered = {r["Location"] for r in rows}
    zones = [z["ZoneName"] for z in ec2.describe_availability_zones()["AvailabilityZones"]]
    lacking = [z for z in zones if z not in offered]
    if not lacking:
        pytest.skip("every zone of us-east-1 offers t3.micro in this catalog")
    subnet = ec2.describe_subnets(Filters=[{"Name": "availability-zone", "Values": [lacking[0]]}])["Subnets"][0]
    with pytest.raises(ClientError) as excinfo:
        ec2.run_instances(ImageId=AMI, InstanceType="t3.micro", MinCount=1, MaxCount=1, SubnetId=subnet["SubnetId"])
    assert error_code(excinfo) == "Unsupported" and lacking[0] in str(excinfo.value)


def _vpc_subnet(ec2: Any) -> str:
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    zone = offering_zone(ec2, "t3.micro")
    return str(ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24", AvailabilityZone=zone)["Subnet"]["SubnetId"])


def test_interfaces_per_instance_follow_the_type(ec2: Any) -> None:
    subnet = _vpc_subnet(ec2)
    limit = _network(ec2, "t3.micro")["MaximumNetworkInterfaces"]
    iid = ec2.run_instances(ImageId=AMI, InstanceType="t3.micro", MinCount=1, MaxCount=1, SubnetId=subnet)["Instances"][
        0
    ]["InstanceId"]
    for index in range(1, limit):
        eni = ec2.create_network_interface(SubnetId=subnet)["NetworkInterface"]["NetworkInterfaceId"]
        ec2.attach_network_interface(NetworkInterfaceId=eni, InstanceId=iid, DeviceIndex=index)
    extra = ec2.create_network_interface(SubnetId=subnet)["NetworkInterface"]["NetworkInterfaceId"]
    with pytest.raises(ClientError) as excinfo:
        ec2.attach_network_interface(NetworkInterfaceId=extra, InstanceId=iid, DeviceIndex=limit)
    assert error_code(excinfo) == "AttachmentLimitExceeded"
    assert f"Interface count {limit + 1} exceeds the limit for t3.micro" in str(excinfo.value)
    nics = [{"DeviceIndex": i, "SubnetId": subnet} for i in range(limit + 1)]
    assert (
        _error(ec2.run_instances, ImageId=AMI, InstanceType="t3.micro", MinCount=1, MaxCount=1, NetworkInterfaces=nics)
        == "AttachmentLimitExceeded"
    )


def test_addresses_per_interface_follow_the_type(ec2: Any) -> None:
    subnet = _vpc_subnet(ec2)
    per_interface = _network(ec2, "t3.micro")["Ipv4AddressesPerInterface"]
    launched = ec2.run_instances(ImageId=AMI, InstanceType="t3.micro", MinCount=1, MaxCount=1, SubnetId=subnet)
    eni = launched["Instances"][0]["NetworkInterfaces"][0]["NetworkInterfaceId"]
    ec2.assign_private_ip_addresses(NetworkInterfaceId=eni, SecondaryPrivateIpAddressCount=per_interface - 1)
    with pytest.raises(ClientError) as excinfo:
        ec2.assign_private_ip_addresses(NetworkInterfaceId=eni, SecondaryPrivateIpAddressCount=1)
    assert error_code(excinfo) == "PrivateIpAddressLimitExceeded"
    shown = ec2.describe_network_interfaces(NetworkInterfaceIds=[eni])["NetworkInterfaces"][0]
    assert len(shown["PrivateIpAddresses"]) == per_interface
    crowded = [{"DeviceIndex": 0, "SubnetId": subnet, "SecondaryPrivateIpAddressCount": per_interface}]
    assert (
        _error(
            ec2.run_instances, ImageId=AMI, InstanceType="t3.micro", MinCount=1, MaxCount=1, NetworkInterfaces=crowded
        )
        == "PrivateIpAddressLimitExceeded"
    )


def test_instance_types_through_the_cli(aws: Any) -> None:
    shown = aws("ec2", "describe-instance-types", "--instance-types", "m5.large", "t3.micro")
    assert {t["InstanceType"] for t in shown["InstanceTypes"]} == {"m5.large", "t3.micro"}
    rows = aws("ec2", "describe-instance-type-offerings", "--filters", "Name=instance-type,Values=m5.large")
    assert [r["Location"] for r in rows["InstanceTypeOfferings"]] == ["us-east-1"]
