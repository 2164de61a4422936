"""The instance around the network through real boto3 and the AWS CLI: root volumes, instance attributes, credit
specifications, metadata and maintenance options, monitoring."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.api.amis import AMI, offering_zone
from tests.conftest import error_code


def _error(call: Any, **kwargs: Any) -> str:
    with pytest.raises(ClientError) as excinfo:
        call(**kwargs)
    return error_code(excinfo)


def _run(ec2: Any, **extra: Any) -> dict[str, Any]:
    params = {"ImageId": AMI, "InstanceType": "t3.micro", "MinCount": 1, "MaxCount": 1, **extra}
    return dict(ec2.run_instances(**params)["Instances"][0])


def _describe(ec2: Any, iid: str) -> dict[str, Any]:
    return dict(ec2.describe_instances(InstanceIds=[iid])["Reservations"][0]["Instances"][0])


def _volumes(ec2: Any, iid: str) -> list[dict[str, Any]]:
    return list(ec2.describe_volumes(Filters=[{"Name": "attachment.instance-id", "Values": [iid]}])["Volumes"])


def _image(ec2: Any) -> dict[str, Any]:
    return dict(ec2.describe_images(ImageIds=[AMI])["Images"][0])


def test_root_volume_from_the_image(ec2: Any) -> None:
    image = _image(ec2)
    iid = _run(ec2)["InstanceId"]
    (root,) = _volumes(ec2, iid)
    image_root = image["BlockDeviceMappings"][0]
    assert root["Size"] == image_root["Ebs"]["VolumeSize"] and root["VolumeType"] == image_root["Ebs"]["VolumeType"]
    assert root["SnapshotId"] == image_root["Ebs"]["SnapshotId"] and root["State"] == "in-use"
    attachment = root["Attachments"][0]
    assert attachment["Device"] == image["RootDeviceName"] and attachment["DeleteOnTermination"] is True
    shown = _describe(ec2, iid)
    assert shown["RootDeviceName"] == image["RootDeviceName"] and shown["Architecture"] == image["Architecture"]
    assert shown["BlockDeviceMappings"][0]["Ebs"]["VolumeId"] == root["VolumeId"]
    assert ec2.describe_volumes(VolumeIds=[root["VolumeId"]])["Volumes"][0]["VolumeId"] == root["VolumeId"]
    ec2.terminate_instances(InstanceIds=[iid])
    assert _volumes(ec2, iid) == []
    assert _error(ec2.describe_volumes, VolumeIds=[root["VolumeId"]]) == "InvalidVolume.NotFound"
    assert _describe(ec2, iid)["BlockDeviceMappings"] == []


def test_block_device_mappings_of_the_request(ec2: Any) -> None:
    device = _image(ec2)["RootDeviceName"]
    mappings = [
        {"DeviceName": device, "Ebs": {"VolumeSize": 20, "VolumeType": "gp3", "DeleteOnTermination": False}},
        {"DeviceName": "/dev/sdf", "Ebs": {"VolumeSize": 50, "VolumeType": "gp2"}},
    ]
    tags = [{"ResourceType": "volume", "Tags": [{"Key": "team", "Value": "db"}]}]
    iid = _run(ec2, BlockDeviceMappings=mappings, TagSpecifications=tags)["InstanceId"]
    volumes = {v["Attachments"][0]["Device"]: v for v in _volumes(ec2, iid)}
    assert volumes[device]["Size"] == 20 and volumes[device]["Iops"] == 3000
    assert volumes["/dev/sdf"]["Size"] == 50 and volumes["/dev/sdf"]["Iops"] == 150  # gp2: 3 IOPS per GiB
    assert volumes["/dev/sdf"]["Tags"] == [{"Key": "team", "Value": "db"}]
    ec2.terminate_instances(InstanceIds=[iid])
    kept = ec2.describe_volumes(VolumeIds=[volumes[device]["VolumeId"]])["Volumes"][0]
    assert kept["State"] == "available" and kept["Attachments"] == []
    assert _error(ec2.describe_volumes, VolumeIds=[volumes["/dev/sdf"]["VolumeId"]]) == "InvalidVolume.NotFound"
    small = [{"DeviceName": device, "Ebs": {"VolumeSize": 1}}]
    assert _error(ec2.run_instances, ImageId=AMI, MinCount=1, MaxCount=1, BlockDeviceMappings=small) == (
        "InvalidBlockDeviceMapping"
    )


def _attribute(ec2: Any, iid: str, name: str) -> Any:
    answer = ec2.describe_instance_attribute(InstanceId=iid, Attribute=name)
    assert answer["InstanceId"] == iid
    return next(v for k, v in answer.items() if k not in ("InstanceId", "ResponseMetadata"))


def test_describe_instance_attribute(ec2: Any) -> None:
    launched = _run(ec2, UserData="#!/bin/sh\necho hi\n", DisableApiTermination=True)
    iid = launched["InstanceId"]
    assert base64.b64decode(_attribute(ec2, iid, "userData")["Value"]) == b"#!/bin/sh\necho hi\n"
    assert _attribute(ec2, iid, "disableApiTermination") == {"Value": True}
    assert _attribute(ec2, iid, "disableApiStop") == {"Value": False}
    assert _attribute(ec2, iid, "instanceInitiatedShutdownBehavior") == {"Value": "stop"}
    assert _attribute(ec2, iid, "instanceType") == {"Value": "t3.micro"}
    assert _attribute(ec2, iid, "rootDeviceName") == {"Value": launched["RootDeviceName"]}
    assert _attribute(ec2, iid, "sourceDestCheck") == {"Value": True}
    assert _attribute(ec2, iid, "groupSet") == [
        {"GroupId": g["GroupId"], "GroupName": g["GroupName"]} for g in launched["SecurityGroups"]
    ]
    assert _attribute(ec2, iid, "blockDeviceMapping")[0]["DeviceName"] == launched["RootDeviceName"]
    assert _attribute(ec2, iid, "kernel") == {}
    assert _attribute(ec2, iid, "enaSupport") == {"Value": True}
    assert _error(ec2.terminate_instances, InstanceIds=[iid]) == "OperationNotPermitted"
    plain = _run(ec2)["InstanceId"]
    assert _attribute(ec2, plain, "userData") == {}


def test_modify_instance_attribute(ec2: Any) -> None:
    iid = _run(ec2)["InstanceId"]
    assert (
        _error(ec2.modify_instance_attribute, InstanceId=iid, InstanceType={"Value": "t3.small"})
        == "IncorrectInstanceState"
    )
    ec2.stop_instances(InstanceIds=[iid])
    ec2.modify_instance_attribute(InstanceId=iid, InstanceType={"Value": "t3.small"})
    ec2.modify_instance_attribute(InstanceId=iid, UserData={"Value": b"new data"})
    assert _describe(ec2, iid)["InstanceType"] == "t3.small"
    assert base64.b64decode(_attribute(ec2, iid, "userData")["Value"]) == b"new data"
    assert (
        _error(ec2.modify_instance_attribute, InstanceId=iid, InstanceType={"Value": "t4g.small"})
        == "InvalidParameterValue"
    )  # an arm64 type for an x86_64 image
    ec2.start_instances(InstanceIds=[iid])
    ec2.modify_instance_attribute(InstanceId=iid, Attribute="instanceInitiatedShutdownBehavior", Value="terminate")
    assert _attribute(ec2, iid, "instanceInitiatedShutdownBehavior") == {"Value": "terminate"}
    ec2.modify_instance_attribute(InstanceId=iid, DisableApiStop={"Value": True})
    assert _error(ec2.stop_instances, InstanceIds=[iid]) == "OperationNotPermitted"
    assert (
        _error(
            ec2.modify_instance_attribute,
            InstanceId=iid,
            DisableApiStop={"Value": False},
            DisableApiTermination={"Value": True},
        )
        == "InvalidParameterCombination"
    )
    bad = {"InstanceId": iid, "InstanceInitiatedShutdownBehavior": {"Value": "explode"}}
    assert _error(ec2.modify_instance_attribute, **bad) == "InvalidParameterValue"


def test_source_dest_check_and_groups_live_on_the_primary_interface(ec2: Any) -> None:
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    zone = offering_zone(ec2, "t3.micro")
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24", AvailabilityZone=zone)["Subnet"]["SubnetId"]
    group = ec2.create_security_group(GroupName="nat", Description="nat", VpcId=vpc)["GroupId"]
    launched = _run(ec2, SubnetId=subnet)
    iid, eni = launched["InstanceId"], launched["NetworkInterfaces"][0]["NetworkInterfaceId"]
    ec2.modify_instance_attribute(InstanceId=iid, SourceDestCheck={"Value": False})
    ec2.modify_instance_attribute(InstanceId=iid, Groups=[group])
    shown = ec2.describe_network_interfaces(NetworkInterfaceIds=[eni])["NetworkInterfaces"][0]
    assert shown["SourceDestCheck"] is False and [g["GroupId"] for g in shown["Groups"]] == [group]
    assert _describe(ec2, iid)["SourceDestCheck"] is False and _attribute(ec2, iid, "sourceDestCheck") == {
        "Value": False
    }
    second = ec2.create_network_interface(SubnetId=subnet)["NetworkInterface"]["NetworkInterfaceId"]
    ec2.attach_network_interface(NetworkInterfaceId=second, InstanceId=iid, DeviceIndex=1)
    assert _error(ec2.modify_instance_attribute, InstanceId=iid, Groups=[group]) == "InvalidInstanceID"


def test_delete_on_termination_changed_on_a_running_instance(ec2: Any) -> None:
    launched = _run(ec2)
    iid, device = launched["InstanceId"], launched["RootDeviceName"]
    mapping = [{"DeviceName": device, "Ebs": {"DeleteOnTermination": False}}]
    ec2.modify_instance_attribute(InstanceId=iid, BlockDeviceMappings=mapping)
    assert _describe(ec2, iid)["BlockDeviceMappings"][0]["Ebs"]["DeleteOnTermination"] is False
    (root,) = _volumes(ec2, iid)
    ec2.terminate_instances(InstanceIds=[iid])
    assert ec2.describe_volumes(VolumeIds=[root["VolumeId"]])["Volumes"][0]["State"] == "available"


def test_credit_specifications(ec2: Any) -> None:
    t3 = _run(ec2)["InstanceId"]
    t2 = _run(ec2, InstanceType="t2.micro")["InstanceId"]
    m5 = _run(ec2, InstanceType="m5.large")["InstanceId"]
    shown = ec2.describe_instance_credit_specifications(InstanceIds=[t3, t2])["InstanceCreditSpecifications"]
    assert {s["InstanceId"]: s["CpuCredits"] for s in shown} == {t3: "unlimited", t2: "standard"}
    assert (
        _error(ec2.describe_instance_credit_specifications, InstanceIds=[m5])
        == "InstanceCreditSpecification.NotSupported"
    )
    every = ec2.describe_instance_credit_specifications()["InstanceCreditSpecifications"]
    assert {s["InstanceId"] for s in every} == {t3, t2}
    changed = ec2.modify_instance_credit_specification(
        InstanceCreditSpecifications=[
            {"InstanceId": t3, "CpuCredits": "standard"},
            {"InstanceId": m5, "CpuCredits": "standard"},
        ]
    )
    assert changed["SuccessfulInstanceCreditSpecifications"] == [{"InstanceId": t3}]
    assert changed["UnsuccessfulInstanceCreditSpecifications"][0]["InstanceId"] == m5
    assert (
        ec2.describe_instance_credit_specifications(InstanceIds=[t3])["InstanceCreditSpecifications"][0]["CpuCredits"]
        == "standard"
    )
    launched = _run(ec2, CreditSpecification={"CpuCredits": "standard"})["InstanceId"]
    assert (
        ec2.describe_instance_credit_specifications(InstanceIds=[launched])["InstanceCreditSpecifications"][0][
            "CpuCredits"
        ]
        == "standard"
    )


def test_metadata_maintenance_and_monitoring(ec2: Any) -> None:
    image = _image(ec2)
    launched = _run(ec2, MetadataOptions={"HttpEndpoint": "enabled", "InstanceMetadataTags": "enabled"})
    assert launched["MetadataOptions"]["State"] == "pending"
    options = _describe(ec2, launched["InstanceId"])["MetadataOptions"]
    assert options["State"] == "applied" and options["InstanceMetadataTags"] == "enabled"
    # An image that supports IMDSv2 only launches instances that require tokens.
    expected = "required" if image.get("ImdsSupport") == "v2.0" else "optional"
    assert options["HttpTokens"] == expected
    iid = launched["InstanceId"]
    answer = ec2.modify_instance_metadata_options(InstanceId=iid, HttpTokens="optional", HttpPutResponseHopLimit=3)
    assert answer["InstanceMetadataOptions"]["State"] == "pending"
    options = _describe(ec2, iid)["MetadataOptions"]
    assert (options["State"], options["HttpTokens"], options["HttpPutResponseHopLimit"]) == ("applied", "optional", 3)
    assert _error(ec2.modify_instance_metadata_options, InstanceId=iid, HttpPutResponseHopLimit=65) == (
        "InvalidParameterValue"
    )
    ec2.modify_instance_maintenance_options(InstanceId=iid, AutoRecovery="disabled")
    assert _describe(ec2, iid)["MaintenanceOptions"]["AutoRecovery"] == "disabled"
    assert ec2.monitor_instances(InstanceIds=[iid])["InstanceMonitorings"][0]["Monitoring"]["State"] == "pending"
    assert _describe(ec2, iid)["Monitoring"]["State"] == "enabled"
    ec2.unmonitor_instances(InstanceIds=[iid])
    assert _describe(ec2, iid)["Monitoring"]["State"] == "disabled"


def test_attributes_through_the_cli(aws: Any) -> None:
    run = aws("ec2", "run-instances", "--image-id", AMI, "--instance-type", "t3.micro", "--count", "1")
    iid = run["Instances"][0]["InstanceId"]
    aws("ec2", "modify-instance-attribute", "--instance-id", iid, "--disable-api-termination")
    shown = aws("ec2", "describe-instance-attribute", "--instance-id", iid, "--attribute", "disableApiTermination")
    assert shown["DisableApiTermination"] == {"Value": True}
    volumes = aws("ec2", "describe-volumes", "--filters", f"Name=attachment.instance-id,Values={iid}")["Volumes"]
    assert len(volumes) == 1 and volumes[0]["Attachments"][0]["InstanceId"] == iid
    assert aws.error("ec2", "terminate-instances", "--instance-ids", iid) == "OperationNotPermitted"


def test_a_detachment_is_seen_detached(ec2: Any) -> None:
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    zone = offering_zone(ec2, "t3.micro")
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24", AvailabilityZone=zone)["Subnet"]["SubnetId"]
    iid = _run(ec2, SubnetId=subnet)["InstanceId"]
    eni = ec2.create_network_interface(SubnetId=subnet)["NetworkInterface"]["NetworkInterfaceId"]
    attachment = ec2.attach_network_interface(NetworkInterfaceId=eni, InstanceId=iid, DeviceIndex=1)["AttachmentId"]
    ec2.detach_network_interface(AttachmentId=attachment)
    by_attachment = [{"Name": "attachment.attachment-id", "Values": [attachment]}]
    seen = ec2.describe_network_interfaces(Filters=by_attachment)["NetworkInterfaces"]
    assert [(e["NetworkInterfaceId"], e["Attachment"]["Status"], e["Status"]) for e in seen] == [
        (eni, "detached", "available")
    ]
    nics = _describe(ec2, iid)["NetworkInterfaces"]
    assert [n["NetworkInterfaceId"] for n in nics] != [] and eni not in [n["NetworkInterfaceId"] for n in nics]
    # Attached again, it shows the new attachment only.
    again = ec2.attach_network_interface(NetworkInterfaceId=eni, InstanceId=iid, DeviceIndex=1)["AttachmentId"]
    shown = ec2.describe_network_interfaces(NetworkInterfaceIds=[eni])["NetworkInterfaces"][0]
    assert shown["Attachment"]["AttachmentId"] == again and shown["Attachment"]["Status"] == "attached"
    assert ec2.describe_network_interfaces(Filters=by_attachment)["NetworkInterfaces"] == []


def test_uefi_data(ec2: Any) -> None:
    x86 = [{"Name": "architecture", "Values": ["x86_64"]}]
    images = ec2.describe_images(Owners=["amazon"], Filters=x86)["Images"]
    uefi = next(i["ImageId"] for i in images if str(i.get("BootMode", "")).startswith("uefi"))
    legacy = next(i["ImageId"] for i in images if "BootMode" not in i and "Platform" not in i)
    on_uefi = _run(ec2, ImageId=uefi)
    assert on_uefi["CurrentInstanceBootMode"] == "uefi"
    data = base64.b64decode(ec2.get_instance_uefi_data(InstanceId=on_uefi["InstanceId"])["UefiData"])
    assert data.startswith(b"AMZNUEFI")
    on_bios = _run(ec2, ImageId=legacy)
    assert on_bios["CurrentInstanceBootMode"] == "legacy-bios"
    assert _error(ec2.get_instance_uefi_data, InstanceId=on_bios["InstanceId"]) == "UnsupportedOperation"
    # Terraform's data "aws_ami" asks with an image id; AWS refuses it as a malformed instance id.
    assert _error(ec2.get_instance_uefi_data, InstanceId=AMI) == "InvalidInstanceID.Malformed"


def test_describe_instances_filters_on_the_instance_around_the_network(ec2: Any) -> None:
    required = _run(ec2, MetadataOptions={"HttpTokens": "required"})
    plain = _run(ec2, InstanceType="t3.small")
    volume = _volumes(ec2, required["InstanceId"])[0]["VolumeId"]

    def ids(*filters: tuple[str, str]) -> set[str]:
        flt = [{"Name": n, "Values": [v]} for n, v in filters]
        return {i["InstanceId"] for r in ec2.describe_instances(Filters=flt)["Reservations"] for i in r["Instances"]}

    assert ids(("block-device-mapping.volume-id", volume)) == {required["InstanceId"]}
    assert ids(("instance-type", "t3.small"), ("architecture", "x86_64")) == {plain["InstanceId"]}
    assert required["InstanceId"] in ids(("metadata-options.http-tokens", "required"))
    assert ids(("root-device-type", "instance-store")) == set()
