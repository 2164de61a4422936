"""Machine images through real boto3 and the AWS CLI: DescribeImages over the catalog and the account's own images,
RegisterImage/CreateImage/DeregisterImage, launch permissions, snapshots, and RunInstances' image checks."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.api.amis import AMI
from tests.conftest import error_code
from vpcsim.catalog.images import images_as_of, public_images
from vpcsim.testing import Server

AL2023 = [{"Name": "name", "Values": ["al2023-ami-2023.*-x86_64"]}]


def _error(call: Any, **kwargs: Any) -> str:
    with pytest.raises(ClientError) as excinfo:
        call(**kwargs)
    return error_code(excinfo)


def _ids(images: list[dict[str, Any]]) -> set[str]:
    return {i["ImageId"] for i in images}


def _deprecated_catalog_image() -> dict[str, Any]:
    cutoff = f"{images_as_of()}T00:00:00.000Z"
    return next(i for i in public_images("us-east-1") if i.get("DeprecationTime", "9999") <= cutoff)


def test_most_recent_amazon_linux_as_terraform_finds_it(ec2: Any) -> None:
    found = ec2.describe_images(Owners=["amazon"], Filters=AL2023)["Images"]
    assert found and all(i["Name"].startswith("al2023-ami-2023.") and i["Name"].endswith("x86_64") for i in found)
    assert all(i["ImageOwnerAlias"] == "amazon" and i["Public"] is True and i["State"] == "available" for i in found)
    newest = max(found, key=lambda i: i["CreationDate"])
    assert newest["RootDeviceName"] == newest["BlockDeviceMappings"][0]["DeviceName"]
    assert newest["BlockDeviceMappings"][0]["Ebs"]["SnapshotId"].startswith("snap-")
    # A deprecated image is left out unless asked for, or named by id.
    old = _deprecated_catalog_image()
    assert old["ImageId"] not in _ids(ec2.describe_images(Owners=["amazon"])["Images"])
    assert old["ImageId"] in _ids(ec2.describe_images(Owners=["amazon"], IncludeDeprecated=True)["Images"])
    assert _ids(ec2.describe_images(ImageIds=[old["ImageId"]])["Images"]) == {old["ImageId"]}


def test_owners_and_filters(ec2: Any) -> None:
    amazon = ec2.describe_images(Owners=["amazon"])["Images"]
    red_hat = ec2.describe_images(Owners=["309956199498"])["Images"]
    assert red_hat and {i["OwnerId"] for i in red_hat} == {"309956199498"}
    assert not _ids(red_hat) & _ids(amazon)  # Red Hat's images carry no owner alias
    assert ec2.describe_images(Owners=["self"])["Images"] == []
    arm = ec2.describe_images(Owners=["amazon"], Filters=[{"Name": "architecture", "Values": ["arm64"]}])["Images"]
    assert arm and {i["Architecture"] for i in arm} == {"arm64"}
    windows = ec2.describe_images(Filters=[{"Name": "platform", "Values": ["windows"]}])["Images"]
    assert windows and all(i["PlatformDetails"] == "Windows" for i in windows)
    big = ec2.describe_images(
        Filters=[
            {"Name": "block-device-mapping.volume-size", "Values": ["30"]},
            {"Name": "root-device-type", "Values": ["ebs"]},
        ]
    )["Images"]
    assert big and all(i["BlockDeviceMappings"][0]["Ebs"]["VolumeSize"] == 30 for i in big)
    assert _error(ec2.describe_images, Filters=[{"Name": "colour", "Values": ["x"]}]) == "InvalidParameterValue"
    assert _error(ec2.describe_images, Owners=["nobody"]) == "InvalidUserID.Malformed"


def test_pages_cover_the_listing_once(ec2: Any) -> None:
    everything = _ids(ec2.describe_images(Owners=["amazon"])["Images"])
    seen: list[str] = []
    pages = ec2.get_paginator("describe_images").paginate(Owners=["amazon"], PaginationConfig={"PageSize": 25})
    for page in pages:
        assert len(page["Images"]) <= 25
        seen += [i["ImageId"] for i in page["Images"]]
    assert len(seen) == len(everything) and set(seen) == everything


def test_unknown_and_malformed_image_ids(ec2: Any) -> None:
    assert _error(ec2.describe_images, ImageIds=["ami-0123456789abcdef0"]) == "InvalidAMIID.NotFound"
    assert _error(ec2.describe_images, ImageIds=["ami-xyz"]) == "InvalidAMIID.Malformed"
    assert _error(ec2.run_instances, ImageId="ami-0123456789abcdef0", MinCount=1, MaxCount=1) == (
        "InvalidAMIID.NotFound"
    )
    arm = ec2.describe_images(Owners=["amazon"], Filters=[{"Name": "architecture", "Values": ["arm64"]}])["Images"][0]
    assert (
        _error(ec2.run_instances, ImageId=arm["ImageId"], InstanceType="t3.micro", MinCount=1, MaxCount=1)
        == "InvalidParameterValue"
    )


def _instance(ec2: Any) -> str:
    return str(
        ec2.run_instances(ImageId=AMI, InstanceType="t3.micro", MinCount=1, MaxCount=1)["Instances"][0]["InstanceId"]
    )


def test_create_image_from_an_instance(ec2: Any, account: str) -> None:
    iid = _instance(ec2)
    root = ec2.describe_volumes(Filters=[{"Name": "attachment.instance-id", "Values": [iid]}])["Volumes"][0]
    tags = [
        {"ResourceType": "image", "Tags": [{"Key": "Name", "Value": "golden"}]},
        {"ResourceType": "snapshot", "Tags": [{"Key": "Name", "Value": "golden-root"}]},
    ]
    image_id = ec2.create_image(InstanceId=iid, Name="golden (v1)", Description="web", TagSpecifications=tags)[
        "ImageId"
    ]
    # At the server's default time scale an image is available once CreateImage has returned.
    first = ec2.describe_images(ImageIds=[image_id])["Images"][0]
    assert first["State"] == "available" and first["OwnerId"] == account and first["SourceInstanceId"] == iid
    ec2.get_waiter("image_available").wait(ImageIds=[image_id])
    image = ec2.describe_images(Owners=["self"])["Images"][0]
    assert image["State"] == "available" and image["Tags"] == [{"Key": "Name", "Value": "golden"}]
    mapping = image["BlockDeviceMappings"][0]
    assert mapping["DeviceName"] == root["Attachments"][0]["Device"] and mapping["Ebs"]["VolumeSize"] == root["Size"]
    snapshot = ec2.describe_snapshots(SnapshotIds=[mapping["Ebs"]["SnapshotId"]])["Snapshots"][0]
    assert snapshot["Description"] == f"Created by CreateImage({iid}) for {image_id}"
    assert snapshot["VolumeId"] == root["VolumeId"] and snapshot["Tags"] == [{"Key": "Name", "Value": "golden-root"}]
    assert _error(ec2.create_image, InstanceId=iid, Name="golden (v1)") == "InvalidAMIName.Duplicate"
    assert _error(ec2.create_image, InstanceId=iid, Name="bad name!") == "InvalidAMIName.Malformed"
    assert _error(ec2.delete_snapshot, SnapshotId=snapshot["SnapshotId"]) == "InvalidSnapshot.InUse"
    # The new image launches, like any other.
    launched = ec2.run_instances(ImageId=image_id, InstanceType="t3.micro", MinCount=1, MaxCount=1)["Instances"][0]
    assert launched["ImageId"] == image_id
    done = ec2.deregister_image(ImageId=image_id, DeleteAssociatedSnapshots=True)
    assert done["DeleteSnapshotResults"] == [{"SnapshotId": snapshot["SnapshotId"], "ReturnCode": "success"}]
    assert _error(ec2.describe_images, ImageIds=[image_id]) == "InvalidAMIID.NotFound"
    assert ec2.describe_snapshots(OwnerIds=["self"])["Snapshots"] == []


def test_register_image_from_a_snapshot(ec2: Any) -> None:
    iid = _instance(ec2)
    made = ec2.create_image(InstanceId=iid, Name="source")["ImageId"]
    snapshot = ec2.describe_images(ImageIds=[made])["Images"][0]["BlockDeviceMappings"][0]["Ebs"]["SnapshotId"]
    registered = ec2.register_image(
        Name="registered",
        Architecture="x86_64",
        RootDeviceName="/dev/xvda",
        VirtualizationType="hvm",
        EnaSupport=True,
        BlockDeviceMappings=[{"DeviceName": "/dev/xvda", "Ebs": {"SnapshotId": snapshot, "VolumeSize": 16}}],
    )["ImageId"]
    image = ec2.describe_images(ImageIds=[registered])["Images"][0]
    assert image["RootDeviceType"] == "ebs" and image["BlockDeviceMappings"][0]["Ebs"]["VolumeSize"] == 16
    assert image["Architecture"] == "x86_64" and image["VirtualizationType"] == "hvm"
    assert (
        _error(ec2.register_image, Name="no root", RootDeviceName="/dev/xvda", BlockDeviceMappings=[])
        == "InvalidBlockDeviceMapping"
    )
    missing = [{"DeviceName": "/dev/xvda", "Ebs": {"SnapshotId": "snap-0123456789abcdef0"}}]
    assert (
        _error(ec2.register_image, Name="gone", RootDeviceName="/dev/xvda", BlockDeviceMappings=missing)
        == "InvalidSnapshot.NotFound"
    )


def test_launch_permissions_share_and_publish(vpcsim: Server, ec2: Any, account: str) -> None:
    other_account = str(int(account) + 1)
    other = vpcsim.client("ec2", region="us-east-1", account=other_account)
    image_id = ec2.create_image(InstanceId=_instance(ec2), Name="shared")["ImageId"]
    assert _error(other.describe_images, ImageIds=[image_id]) == "InvalidAMIID.NotFound"
    ec2.modify_image_attribute(ImageId=image_id, LaunchPermission={"Add": [{"UserId": other_account}]})
    assert ec2.describe_image_attribute(ImageId=image_id, Attribute="launchPermission")["LaunchPermissions"] == [
        {"UserId": other_account}
    ]
    assert _ids(other.describe_images(ExecutableUsers=["self"])["Images"]) == {image_id}
    launched = other.run_instances(ImageId=image_id, InstanceType="t3.micro", MinCount=1, MaxCount=1)
    assert launched["Instances"][0]["ImageId"] == image_id
    assert _error(other.deregister_image, ImageId=image_id) == "AuthFailure"
    assert _error(other.modify_image_attribute, ImageId=image_id, Description={"Value": "x"}) == "AuthFailure"
    ec2.modify_image_attribute(ImageId=image_id, Attribute="launchPermission", OperationType="add", UserGroups=["all"])
    assert ec2.describe_images(ImageIds=[image_id])["Images"][0]["Public"] is True
    assert image_id in _ids(other.describe_images(ExecutableUsers=["all"], Owners=[account])["Images"])
    bad = {"Add": [{"UserId": "someone"}]}
    assert _error(ec2.modify_image_attribute, ImageId=image_id, LaunchPermission=bad) == "InvalidAMIAttributeItemValue"
    ec2.reset_image_attribute(ImageId=image_id, Attribute="launchPermission")
    assert _error(other.describe_images, ImageIds=[image_id]) == "InvalidAMIID.NotFound"
    ec2.modify_image_attribute(ImageId=image_id, Description={"Value": "second"})
    shown = ec2.describe_image_attribute(ImageId=image_id, Attribute="description")
    assert shown["Description"] == {"Value": "second"}


def test_describe_images_through_the_cli(aws: Any) -> None:
    found = aws("ec2", "describe-images", "--owners", "amazon", "--filters", "Name=name,Values=al2023-ami-2023.*-arm64")
    assert found["Images"] and all(i["Architecture"] == "arm64" for i in found["Images"])
    assert aws.error("ec2", "describe-images", "--image-ids", "ami-0123456789abcdef0") == "InvalidAMIID.NotFound"


def test_as_ansible_ec2_ami_info_asks(ec2: Any) -> None:
    # ec2_ami_info turns owners into owner-alias / owner-id filters and may read each image's launch permissions,
    # ignoring the AuthFailure AWS answers for images the caller does not own.
    filters = [
        {"Name": "owner-alias", "Values": ["amazon"]},
        {"Name": "name", "Values": ["al2023-ami-2023.*-arm64"]},
    ]
    found = ec2.describe_images(Filters=filters)["Images"]
    assert found and all(i["Architecture"] == "arm64" and i["ImageOwnerAlias"] == "amazon" for i in found)
    by_id = ec2.describe_images(Filters=[{"Name": "owner-id", "Values": [found[0]["OwnerId"]]}])["Images"]
    assert found[0]["ImageId"] in _ids(by_id)
    assert (
        _error(ec2.describe_image_attribute, ImageId=found[0]["ImageId"], Attribute="launchPermission") == "AuthFailure"
    )
    shown = ec2.describe_image_attribute(ImageId=found[0]["ImageId"], Attribute="description")
    assert shown["Description"] == {"Value": found[0]["Description"]}


def test_a_new_image_is_pending_to_every_reader_until_made(slow: Server) -> None:
    ec2 = slow.client("ec2", "us-east-1", "111122223333")
    image_id = ec2.create_image(InstanceId=_instance(ec2), Name="slow")["ImageId"]
    states = {ec2.describe_images(ImageIds=[image_id])["Images"][0]["State"] for _ in range(3)}
    assert states == {"pending"}
    snapshot = ec2.describe_snapshots(OwnerIds=["self"])["Snapshots"][0]
    assert (snapshot["State"], snapshot["Progress"]) == ("pending", "0%")
    unavailable = _error(ec2.run_instances, ImageId=image_id, InstanceType="t3.micro", MinCount=1, MaxCount=1)
    assert unavailable == "InvalidAMIID.Unavailable"
