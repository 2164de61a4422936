"""Volumes, the account's images and key pairs, in process: what ``describe-volumes``, ``describe-images --owners
self`` and ``describe-key-pairs`` print is kept as AWS described it, and an instance's volumes that only its block
device mappings name are taken from them (size and type from its image when vpcsim knows it), replaced by
``describe-volumes`` when a later import brings it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from vpcsim.catalog.images import public_images
from vpcsim.control import Control
from vpcsim.importer import ImportFailed, import_paths
from vpcsim.model import IdFactory
from vpcsim.store import MemoryBackend, Store

ACCOUNT, REGION = "111122223333", "eu-west-2"
CATALOG = public_images(REGION)[0]  # a public image vpcsim's catalog holds: its root mapping gives size and type
ROOT = CATALOG["BlockDeviceMappings"][0]
VPC = {"VpcId": "vpc-0a1b2c3d4e5f60718", "CidrBlock": "10.9.0.0/16", "OwnerId": ACCOUNT}
SUBNET = {
    "SubnetId": "subnet-0a1b2c3d4e5f60718",
    "VpcId": VPC["VpcId"],
    "CidrBlock": "10.9.1.0/24",
    "AvailabilityZone": "eu-west-2a",
}


def _instance(iid: str, image: str, volume: str, device: str) -> dict[str, Any]:
    mapping = {
        "DeviceName": device,
        "Ebs": {
            "AttachTime": "2024-05-01T10:00:00+00:00",
            "DeleteOnTermination": False,
            "Status": "attached",
            "VolumeId": volume,
        },
    }
    return {
        "InstanceId": iid,
        "ImageId": image,
        "State": {"Code": 16, "Name": "running"},
        "SubnetId": SUBNET["SubnetId"],
        "VpcId": VPC["VpcId"],
        "Placement": {"AvailabilityZone": "eu-west-2a", "Tenancy": "default"},
        "BlockDeviceMappings": [mapping],
        "NetworkInterfaces": [],
    }


INSTANCES = [
    _instance("i-0a1b2c3d4e5f60718", CATALOG["ImageId"], "vol-0a1b2c3d4e5f60718", ROOT["DeviceName"]),
    _instance("i-0b1b2c3d4e5f60718", "ami-0123456789abcdef0", "vol-0b1b2c3d4e5f60718", "/dev/xvda"),
]


def _folder(tmp_path: Path, name: str, **files: Any) -> Path:
    folder = tmp_path / name / REGION
    folder.mkdir(parents=True)
    for file, data in {
        "vpcs": {"Vpcs": [VPC]},
        "subnets": {"Subnets": [SUBNET]},
        "instances": {"Reservations": [{"ReservationId": "r-0a1b2c3d4e5f60718", "Instances": INSTANCES}]},
        **files,
    }.items():
        (folder / f"{file}.json").write_text(json.dumps(data))
    return folder


def _describe(store: Store, operation: str, **params: Any) -> dict[str, Any]:
    control = Control(store, IdFactory(1))
    return control.handle("ec2", operation, params, account=ACCOUNT, region=REGION, request_id="t")


def test_volumes_only_mappings_name_are_taken_from_them_and_the_image(tmp_path: Path) -> None:
    store = Store(MemoryBackend())
    summary = import_paths(store, [_folder(tmp_path, "dump")]).to_json()
    volumes = {v["VolumeId"]: v for v in _describe(store, "DescribeVolumes")["Volumes"]}
    catalog, unknown = volumes["vol-0a1b2c3d4e5f60718"], volumes["vol-0b1b2c3d4e5f60718"]
    assert (catalog["Size"], catalog["VolumeType"], catalog["SnapshotId"]) == (
        ROOT["Ebs"]["VolumeSize"],
        ROOT["Ebs"]["VolumeType"],
        ROOT["Ebs"]["SnapshotId"],
    )
    assert (unknown["Size"], unknown["VolumeType"], unknown["Iops"], unknown["SnapshotId"]) == (8, "gp2", 100, "")
    assert [a["DeleteOnTermination"] for a in unknown["Attachments"]] == [False]
    assert any(a.startswith("2 volume(s)") and "(1 of them)" in a for a in summary["assumptions"])
    shown = _describe(store, "DescribeInstances", InstanceIds=["i-0b1b2c3d4e5f60718"])
    mapping = shown["Reservations"][0]["Instances"][0]["BlockDeviceMappings"]
    assert mapping == [
        {
            "DeviceName": "/dev/xvda",
            "Ebs": {
                "AttachTime": "2024-05-01T10:00:00+00:00",
                "DeleteOnTermination": False,
                "Status": "attached",
                "VolumeId": "vol-0b1b2c3d4e5f60718",
            },
        }
    ]
    again = import_paths(store, [_folder(tmp_path, "again")]).to_json()
    assert again["changed"] is False and again["kinds"]["volume"]["unchanged"] == 2


def test_describe_volumes_replaces_what_an_earlier_import_took_from_a_mapping(tmp_path: Path) -> None:
    store = Store(MemoryBackend())
    import_paths(store, [_folder(tmp_path, "first")])
    described = {
        "VolumeId": "vol-0b1b2c3d4e5f60718",
        "Size": 30,
        "SnapshotId": "snap-0a1b2c3d4e5f60718",
        "AvailabilityZone": "eu-west-2a",
        "State": "in-use",
        "CreateTime": "2024-05-01T10:00:00+00:00",
        "VolumeType": "gp3",
        "Iops": 3000,
        "Throughput": 125,
        "Encrypted": True,
        "Attachments": [
            {
                "AttachTime": "2024-05-01T10:00:00+00:00",
                "Device": "/dev/xvda",
                "InstanceId": "i-0b1b2c3d4e5f60718",
                "State": "attached",
                "VolumeId": "vol-0b1b2c3d4e5f60718",
                "DeleteOnTermination": False,
            }
        ],
        "Tags": [{"Key": "Name", "Value": "root"}],
    }
    summary = import_paths(store, [_folder(tmp_path, "second", volumes={"Volumes": [described]})]).to_json()
    assert summary["kinds"]["volume"]["updated"] == 1
    shown = _describe(store, "DescribeVolumes", VolumeIds=["vol-0b1b2c3d4e5f60718"])["Volumes"][0]
    assert (shown["Size"], shown["VolumeType"], shown["Encrypted"], shown["Tags"]) == (
        30,
        "gp3",
        True,
        [{"Key": "Name", "Value": "root"}],
    )
    assert shown["AvailabilityZoneId"]  # filled from the account's zone names, as vpcsim maps them


def test_a_volume_attachment_without_its_device_is_refused(tmp_path: Path) -> None:
    broken = {"VolumeId": "vol-0c1b2c3d4e5f60718", "Size": 8, "VolumeType": "gp2", "AvailabilityZone": "eu-west-2a"}
    broken["Attachments"] = [{"InstanceId": "i-0a1b2c3d4e5f60718", "State": "attached"}]
    store = Store(MemoryBackend())
    with pytest.raises(ImportFailed, match=r"volumes.json: vol-0c1b2c3d4e5f60718: each attachment needs"):
        import_paths(store, [_folder(tmp_path, "dump", volumes={"Volumes": [broken]})])
    assert store.revision == 0


def test_the_accounts_images_and_key_pairs_are_kept_others_images_counted(tmp_path: Path) -> None:
    own = {
        "ImageId": "ami-0123456789abcdef0",
        "Name": "golden",
        "State": "available",
        "OwnerId": ACCOUNT,
        "Public": False,
        "RootDeviceName": "/dev/xvda",
        "BlockDeviceMappings": [{"DeviceName": "/dev/xvda", "Ebs": {"VolumeSize": 20, "VolumeType": "gp3"}}],
    }
    shared = {**own, "ImageId": "ami-0fedcba9876543210", "Name": "theirs", "OwnerId": "999988887777"}
    keys = {"KeyPairs": [{"KeyName": "old", "KeyFingerprint": "ab:cd", "KeyType": "rsa"}]}
    store = Store(MemoryBackend())
    files = {"images": {"Images": [own, shared]}, "keys": keys}
    summary = import_paths(store, [_folder(tmp_path, "dump", **files)]).to_json()
    assert summary["reference"]["images of other owners (describe-images)"] == 1
    images = _describe(store, "DescribeImages", Owners=["self"])["Images"]
    assert [(i["ImageId"], i["Name"]) for i in images] == [("ami-0123456789abcdef0", "golden")]
    # The second instance's image is now known: its volume's size and type come from it.
    volume = _describe(store, "DescribeVolumes", VolumeIds=["vol-0b1b2c3d4e5f60718"])["Volumes"][0]
    assert (volume["Size"], volume["VolumeType"]) == (20, "gp3")
    pairs = _describe(store, "DescribeKeyPairs", IncludePublicKey=True)["KeyPairs"]
    assert [(k["KeyName"], k["KeyPairId"][:4], "PublicKey" in k) for k in pairs] == [("old", "key-", False)]


def test_a_terraform_key_pair_is_described_with_its_public_key(tmp_path: Path) -> None:
    public = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJ0a9zYp3y2b6s5Hc8dYyq1R8bq7n0r6o0p0q0r0s0t0 ops@laptop"
    state = {
        "version": 4,
        "terraform_version": "1.11.4",
        "resources": [
            {"mode": "managed", "type": "aws_key_pair", "name": "ops", "instances": [{"attributes": {
                "id": "ops", "key_name": "ops", "key_pair_id": "key-0a1b2c3d4e5f60718", "key_type": "ed25519",
                "fingerprint": "3f:1c:aa", "public_key": public, "tags": {"team": "net"},
                "arn": f"arn:aws:ec2:{REGION}:{ACCOUNT}:key-pair/ops"}}]},
        ],
    }  # fmt: skip
    path = tmp_path / "terraform.tfstate"
    path.write_text(json.dumps(state))
    store = Store(MemoryBackend())
    assert import_paths(store, [path]).to_json()["kinds"]["key-pair"]["imported"] == 1
    pairs = _describe(store, "DescribeKeyPairs", IncludePublicKey=True)["KeyPairs"]
    assert [(k["KeyPairId"], k["KeyName"], k["KeyType"], k["PublicKey"], k["Tags"]) for k in pairs] == [
        ("key-0a1b2c3d4e5f60718", "ops", "ed25519", public, [{"Key": "team", "Value": "net"}])
    ]
