"""The importer's recognition of files and scopes, in process: outputs by their top-level member (botocore's models
for what vpcsim does not map), outputs named by their file, where a folder's records go, and Terraform state's
envelope."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.api.importing import dumps_folder
from vpcsim.importer import Given, ImportFailed, import_paths
from vpcsim.importer.batch import derived_id
from vpcsim.store import MemoryBackend, Store

DUMPS = dumps_folder()
GATEWAY = DUMPS / "test-vpc-endpoint-gateway" / "aws_configs" / "us-east-1"


def _write(folder: Path, name: str, data: object) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(json.dumps(data))
    return folder / name


def _import(*paths: Path, given: Given = Given()) -> dict[str, object]:
    return import_paths(Store(MemoryBackend()), list(paths), given).to_json()


def test_an_aws_output_vpcsim_does_not_map_is_counted_under_its_operation(tmp_path: Path) -> None:
    folder = tmp_path / "us-east-1"
    _write(folder, "templates.json", {"LaunchTemplates": [{"LaunchTemplateId": "lt-1"}, {"LaunchTemplateId": "lt-2"}]})
    _write(folder, "spot.json", {"SpotInstanceRequests": [{"SpotInstanceRequestId": "sir-1"}], "NextToken": "x"})
    binned = {"ImageId": "ami-1", "Name": "old", "RecycleBinEnterTime": "2024-01-01T00:00:00Z"}
    _write(folder, "bin.json", {"Images": [binned]})  # list-images-in-recycle-bin prints describe-images' member
    summary = _import(folder)
    assert summary["unmodelled"] == {
        "Images in the Recycle Bin (ec2 list-images-in-recycle-bin)": 1,
        "LaunchTemplates (ec2 DescribeLaunchTemplates)": 2,
        "SpotInstanceRequests (ec2 DescribeSpotInstanceRequests)": 1,
    }
    assert summary["changed"] is False and summary["kinds"] == {}  # nothing vpcsim models: nothing written


def test_an_unknown_shape_names_the_file_and_its_members(tmp_path: Path) -> None:
    path = _write(tmp_path / "us-east-1", "gadgets.json", {"Gadgets": [], "Widgets": 2})
    with pytest.raises(ImportFailed, match=rf"{path}: unknown shape \(top-level members: Gadgets, Widgets\)"):
        _import(path)


@pytest.mark.parametrize(
    ("name", "data", "what"),
    [
        ("routes.json", {"Routes": [], "AdditionalRoutesAvailable": False}, "transit gateway route table"),
        ("entries.json", {"Entries": [{"Cidr": "10.0.0.0/8"}]}, "prefix list"),
        ("records.json", {"ResourceRecordSets": []}, "hosted zone"),
    ],
)
def test_an_output_that_does_not_say_what_it_lists_needs_a_file_name_that_does(
    tmp_path: Path, name: str, data: object, what: str
) -> None:
    path = _write(tmp_path / "us-east-1", name, data)
    with pytest.raises(ImportFailed, match=f"which {what} it lists: name the file after it"):
        _import(path)


def test_a_folder_that_says_nothing_of_its_region_is_refused_unless_told(tmp_path: Path) -> None:
    folder = tmp_path / "flat"
    folder.mkdir()
    shutil.copy(GATEWAY / "SecurityGroups.json", folder)
    with pytest.raises(ImportFailed, match=r"cannot tell which Region .* --region"):
        _import(folder)
    summary = _import(folder, given=Given(region="eu-west-1"))
    assert summary["scopes"] == [
        f"{folder}: account 554773406868 (the owner most records name), Region eu-west-1 (from --region)"
    ]


def test_folder_names_win_then_the_records_say(tmp_path: Path) -> None:
    batfish = tmp_path / "aws_configs" / "accounts" / "111122223333" / "us-west-1"
    batfish.mkdir(parents=True)
    shutil.copy(GATEWAY / "Vpcs.json", batfish)
    plain = tmp_path / "plain"
    plain.mkdir()
    shutil.copy(GATEWAY / "Subnets.json", plain)  # AZ names and ARNs say us-east-1 and 554773406868
    summary = _import(batfish, plain, given=Given(region="eu-west-2"))
    assert summary["scopes"] == sorted(
        [
            f"{batfish}: account 111122223333 (from the folder name), Region us-west-1 (from the folder name)",
            f"{plain}: account 554773406868 (the owner most records name), Region eu-west-2 (from --region)",
        ]
    )
    store = Store(MemoryBackend())
    import_paths(store, [batfish])
    with store.snapshot() as tx:
        vpc = tx.find("vpc", "vpc-05d56c7295fca139b")
    assert vpc is not None and (vpc.account, vpc.region) == ("111122223333", "us-west-1")
    assert vpc.doc["OwnerId"] == "554773406868"  # as recorded


def test_an_unknown_region_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ImportFailed, match="does not know the Region 'mars-1'"):
        _import(_write(tmp_path / "x", "Vpcs.json", {"Vpcs": []}), given=Given(region="mars-1"))


def test_terraform_state_envelope(tmp_path: Path) -> None:
    old = _write(tmp_path, "old.tfstate", {"version": 3, "terraform_version": "0.11.0", "resources": []})
    with pytest.raises(ImportFailed, match="format version 3: vpcsim reads version 4"):
        _import(old)
    state = {
        "version": 4,
        "terraform_version": "1.11.4",
        "resources": [
            {"mode": "data", "type": "aws_ami", "name": "x", "instances": [{"attributes": {"id": "ami-1"}}]},
            {
                "mode": "managed",
                "type": "aws_iam_role",
                "name": "r",
                "instances": [{"attributes": {"id": "r", "arn": "arn:aws:iam::111122223333:role/r"}}],
            },
            {
                "mode": "managed",
                "type": "aws_vpc",
                "name": "v",
                "instances": [
                    {
                        "attributes": {
                            "id": "vpc-0a1b2c3d4e5f60718",
                            "arn": "arn:aws:ec2:eu-west-2:111122223333:vpc/vpc-0a1b2c3d4e5f60718",
                            "cidr_block": "10.9.0.0/16",
                            "owner_id": "111122223333",
                            "enable_dns_support": True,
                            "enable_dns_hostnames": False,
                            "main_route_table_id": "rtb-0a1b2c3d4e5f60718",
                            "default_security_group_id": "sg-0a1b2c3d4e5f60718",
                            "default_network_acl_id": "acl-0a1b2c3d4e5f60718",
                            "tags": {"Name": "nine"},
                        }
                    }
                ],
            },
        ],
    }
    summary = _import(_write(tmp_path, "terraform.tfstate", state))
    assert summary["unmodelled"] == {
        "aws_iam_role (Terraform resource type)": 1,
        "Terraform data sources (they describe nothing of the estate)": 1,
    }
    kinds = {k: c["imported"] for k, c in summary["kinds"].items()}  # type: ignore[union-attr]
    assert kinds == {"vpc": 1, "route-table": 1, "security-group": 1, "security-group-rule": 2, "network-acl": 1}


def test_derived_ids_are_the_same_for_the_same_input() -> None:
    first = derived_id("sgr", "sg-1", "False", "tcp", "22", "22", "CidrIpv4", "0.0.0.0/0")
    assert first == derived_id("sgr", "sg-1", "False", "tcp", "22", "22", "CidrIpv4", "0.0.0.0/0")
    assert first != derived_id("sgr", "sg-1", "False", "tcp", "22", "22", "CidrIpv4", "10.0.0.0/8")
    assert first.startswith("sgr-") and len(first) == len("sgr-") + 17
