"""The EC2 catalogs (public AMIs, instance types, offerings) against botocore's output shapes and AWS's published facts.

Shapes come from botocore's ec2 model; owner accounts, name patterns and the ENI limits below are AWS's published
values (EC2 User Guide: "Find an AMI", "Maximum IP addresses per network interface"), written here independently of
the catalog's data. A few recorded ids (moto's latest_amis files, named in scripts/gen_images.py) check that real ids
are used where a source records them.
"""

from __future__ import annotations

import fnmatch
import importlib.util
import re
import subprocess
import sys
from collections.abc import Iterable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import botocore.session
import pytest
from botocore.model import Shape

from vpcsim.catalog import (
    REGIONS,
    LocationType,
    all_instance_types,
    derivation,
    eni_limits,
    find_instance_type,
    find_public_image,
    images_as_of,
    offered_types,
    offerings,
    offerings_derived,
    public_images,
)

ROOT = Path(__file__).resolve().parents[2]
REGION_NAMES = sorted(REGIONS)
EC2 = botocore.session.get_session().get_service_model("ec2")
AMI_ID = re.compile(r"^ami-[0-9a-f]{17}$")
SNAPSHOT_ID = re.compile(r"^snap-[0-9a-f]{17}$")
TIMESTAMP = "%Y-%m-%dT%H:%M:%S.000Z"
# Regions that moto 5.2.6 has no files for: their ids and offerings are derived.
UNRECORDED = {"ap-east-2", "ap-southeast-6", "ap-southeast-7", "mx-central-1"}

# Publisher accounts, as AWS's "Find an AMI" docs and the publishers state them.
OWNERS = {
    "al2023-ami-": "137112412989",
    "amzn2-ami-": "137112412989",
    "ubuntu/images/": "099720109477",
    "Windows_Server-": "801119661308",
    "debian-": "136693071363",
    "RHEL-": "309956199498",
}


def shape_problems(shape: Shape, value: Any, path: str, enums: bool = True) -> Iterable[str]:
    """Where ``value`` does not fit ``shape``: unknown members, wrong Python types, values outside an enum."""
    kind = shape.type_name
    if kind == "structure":
        if not isinstance(value, dict):
            yield f"{path}: not a structure"
            return
        for key, item in value.items():
            if key not in shape.members:
                yield f"{path}.{key}: not a member of {shape.name}"
            else:
                yield from shape_problems(shape.members[key], item, f"{path}.{key}", enums)
    elif kind == "list":
        if not isinstance(value, list):
            yield f"{path}: not a list"
            return
        for i, item in enumerate(value):
            yield from shape_problems(shape.member, item, f"{path}[{i}]", enums)
    else:
        yield from scalar_problems(shape, value, path, enums)


def scalar_problems(shape: Shape, value: Any, path: str, enums: bool) -> Iterable[str]:
    fits = {
        "string": lambda v: isinstance(v, str),
        "boolean": lambda v: isinstance(v, bool),
        "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
        "long": lambda v: isinstance(v, int) and not isinstance(v, bool),
        "float": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
        "double": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
    }
    if not fits[shape.type_name](value):
        yield f"{path}: {value!r} is not a {shape.type_name}"
    # AWS answers Platform "windows" where the model's enum says "Windows": enums compare without case.
    enum = [e.lower() for e in getattr(shape, "enum", None) or []]
    if enums and enum and str(value).lower() not in enum:
        yield f"{path}: {value!r} not in {shape.name}"


def matching(region: str, owners: list[str], name: str) -> list[dict[str, Any]]:
    """DescribeImages' Owners plus a ``name`` filter: an owner matches OwnerId or ImageOwnerAlias; * and ? wildcards."""
    return [
        image
        for image in public_images(region)
        if {image["OwnerId"], image.get("ImageOwnerAlias")} & set(owners) and fnmatch.fnmatchcase(image["Name"], name)
    ]


# --- instance types -------------------------------------------------------------------------------------------------


def test_every_instance_type_fits_botocores_instance_type_info() -> None:
    # Enum values are not checked: the recorded answers carry values newer than an installed model can know (AWS
    # answered ProcessorInfo.SupportedFeatures "metal-compatibility" before botocore 1.44 listed it), and botocore
    # does not check output enums either. InstanceType itself is such an enum.
    shape = EC2.shape_for("InstanceTypeInfo")
    problems = [p for i in all_instance_types() for p in shape_problems(shape, i, i["InstanceType"], enums=False)]
    assert problems == []


def test_instance_types_are_many_unique_and_sorted() -> None:
    names = [info["InstanceType"] for info in all_instance_types()]
    assert len(names) > 1000
    assert names == sorted(set(names))


def test_every_instance_type_has_the_members_describe_instance_types_always_returns() -> None:
    required = {"InstanceType", "CurrentGeneration", "SupportedUsageClasses", "SupportedRootDeviceTypes",
                "SupportedVirtualizationTypes", "BareMetal", "ProcessorInfo", "VCpuInfo", "MemoryInfo",
                "InstanceStorageSupported", "EbsInfo", "NetworkInfo", "PlacementGroupInfo", "FreeTierEligible",
                "BurstablePerformanceSupported", "HibernationSupported"}  # fmt: skip
    missing = {i["InstanceType"]: required - i.keys() for i in all_instance_types() if required - i.keys()}
    assert missing == {}


def test_t3_micro_matches_aws_published_numbers() -> None:
    info = find_instance_type("t3.micro")
    assert info is not None
    assert info["VCpuInfo"]["DefaultVCpus"] == 2
    assert info["MemoryInfo"]["SizeInMiB"] == 1024
    assert info["ProcessorInfo"]["SupportedArchitectures"] == ["x86_64"]
    assert info["BurstablePerformanceSupported"] is True
    assert info["NetworkInfo"]["Ipv6Supported"] is True


@pytest.mark.parametrize(
    ("name", "limits"),
    [
        # EC2 User Guide, "Maximum IP addresses per network interface" (ENIs, IPv4 per ENI, IPv6 per ENI).
        ("t2.micro", (2, 2, 2)),
        ("t3.micro", (2, 2, 2)),
        ("t3.nano", (2, 2, 2)),
        ("t3.large", (3, 12, 12)),
        ("m5.large", (3, 10, 10)),
        ("c5.xlarge", (4, 15, 15)),
        ("m5.24xlarge", (15, 50, 50)),
        ("t4g.micro", (2, 2, 2)),
    ],
)
def test_eni_limits_match_aws_published_table(name: str, limits: tuple[int, int, int]) -> None:
    assert eni_limits(name) == limits


def test_unknown_instance_type_is_none() -> None:
    assert find_instance_type("t3.huge") is None
    assert eni_limits("t3.huge") is None


def test_graviton_types_are_arm64_and_metal_types_are_bare_metal() -> None:
    for info in all_instance_types():
        family = info["InstanceType"].split(".")[0]
        if re.fullmatch(r"[a-z]+\d+g[a-z]*", family) and not family.startswith(("g", "p")):
            assert info["ProcessorInfo"]["SupportedArchitectures"] == ["arm64"], info["InstanceType"]
        if info["InstanceType"].endswith(".metal"):
            assert info["BareMetal"] is True, info["InstanceType"]


# --- offerings ------------------------------------------------------------------------------------------------------


def test_us_east_1_offers_t3_micro_in_use1_az1_by_id_and_by_name() -> None:
    by_id = offerings("us-east-1", "availability-zone-id")
    assert {"InstanceType": "t3.micro", "LocationType": "availability-zone-id", "Location": "use1-az1"} in by_id
    zone_name = REGIONS["us-east-1"].find_zone("use1-az1").name  # type: ignore[union-attr]
    by_name = offerings("us-east-1", LocationType.AVAILABILITY_ZONE)
    assert {"InstanceType": "t3.micro", "LocationType": "availability-zone", "Location": zone_name} in by_name


@pytest.mark.parametrize("region", REGION_NAMES)
def test_every_zone_of_regions_json_has_offerings(region: str) -> None:
    zones = REGIONS[region].zones
    assert {o["Location"] for o in offerings(region, "availability-zone")} == {z.name for z in zones}
    assert {o["Location"] for o in offerings(region, "availability-zone-id")} == {z.zone_id for z in zones}
    assert {o["Location"] for o in offerings(region, "region")} == {region}


@pytest.mark.parametrize("region", REGION_NAMES)
def test_zone_offerings_are_within_the_regions_and_name_and_id_agree(region: str) -> None:
    regional = offered_types(region)
    assert "t3.micro" in regional
    for zone in REGIONS[region].zones:
        assert offered_types(region, zone.name) == offered_types(region, zone.zone_id)
        assert offered_types(region, zone.zone_id) and offered_types(region, zone.zone_id) <= regional


def test_offered_types_all_exist_in_the_instance_type_catalog() -> None:
    known = {info["InstanceType"] for info in all_instance_types()}
    offered = set().union(*(offered_types(r) for r in REGION_NAMES))
    assert offered <= known
    assert len(offered) > 1000


def test_us_east_1_offers_more_than_newer_regions() -> None:
    assert len(offered_types("us-east-1")) > len(offered_types("ca-west-1")) > 0


def test_offerings_of_unrecorded_regions_are_marked_derived() -> None:
    assert {r for r in REGION_NAMES if offerings_derived(r)} == UNRECORDED


def test_offerings_are_sorted_and_well_formed() -> None:
    rows = offerings("eu-west-1", "availability-zone")
    assert list(rows) == sorted(rows, key=lambda o: (o["Location"], o["InstanceType"]))
    shape = EC2.shape_for("InstanceTypeOffering")
    assert [p for o in rows for p in shape_problems(shape, o, "offering")] == []


def test_offerings_of_unknown_places() -> None:
    assert offerings("xx-nowhere-1") == ()
    assert offered_types("us-east-1", "us-east-1z") == frozenset()
    with pytest.raises(ValueError):
        offerings("us-east-1", "outer-space")


# --- images ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("region", REGION_NAMES)
def test_every_image_fits_botocores_image_shape(region: str) -> None:
    shape = EC2.shape_for("Image")
    assert [p for image in public_images(region) for p in shape_problems(shape, image, image["Name"])] == []


@pytest.mark.parametrize("region", REGION_NAMES)
def test_image_ids_are_well_formed_and_unique_per_region(region: str) -> None:
    images = public_images(region)
    ids = [image["ImageId"] for image in images]
    assert len(ids) == len(set(ids)) > 50
    assert all(AMI_ID.match(i) for i in ids), [i for i in ids if not AMI_ID.match(i)]
    snapshots = [m["Ebs"]["SnapshotId"] for image in images for m in image["BlockDeviceMappings"] if "Ebs" in m]
    assert len(snapshots) == len(images) and all(SNAPSHOT_ID.match(s) for s in snapshots)
    assert len({image["Name"] for image in images}) == len(images)


@pytest.mark.parametrize("region", REGION_NAMES)
def test_each_region_has_the_images_people_filter_for(region: str) -> None:
    wanted = [
        (["amazon"], "al2023-ami-2023.*-kernel-6.1-x86_64"),
        (["amazon"], "al2023-ami-2023.*-kernel-6.1-arm64"),
        (["amazon"], "amzn2-ami-hvm-*-x86_64-gp2"),
        (["099720109477"], "ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-*"),
        (["099720109477"], "ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-arm64-server-*"),
        (["099720109477"], "ubuntu/images/hvm-ssd/ubuntu-jammy-22.04-amd64-server-*"),
        (["099720109477"], "ubuntu/images/hvm-ssd/ubuntu-focal-20.04-amd64-server-*"),
        (["amazon"], "Windows_Server-2019-English-Full-Base-*"),
        (["amazon"], "Windows_Server-2022-English-Full-Base-*"),
        (["801119661308"], "Windows_Server-2025-English-Full-Base-*"),
        (["136693071363"], "debian-12-amd64-*"),
        (["136693071363"], "debian-11-arm64-*"),
        (["309956199498"], "RHEL-9.*_HVM-*-x86_64-*"),
        (["309956199498"], "RHEL-8.*_HVM-*-arm64-*"),
    ]
    assert [w for w in wanted if not matching(region, *w)] == []


def test_terraform_al2023_filter_finds_several_dated_releases_and_the_newest_is_most_recent() -> None:
    found = matching("us-east-1", ["amazon"], "al2023-ami-2023.*-x86_64")
    dates = {image["CreationDate"] for image in found}
    assert len(dates) >= 2
    assert all(image["Architecture"] == "x86_64" for image in found)
    newest = max(found, key=lambda image: image["CreationDate"])
    releases = {re.search(r"\.(\d{8})\.", image["Name"])[1] for image in found}  # type: ignore[index]
    assert max(releases) in newest["Name"]


def test_owners_and_aliases_are_the_publishers() -> None:
    for region in ("us-east-1", "eu-central-1", "mx-central-1"):
        for image in public_images(region):
            owner = next((o for prefix, o in OWNERS.items() if image["Name"].startswith(prefix)), None)
            if owner:
                assert image["OwnerId"] == owner, image["Name"]
            alias = None if image["Name"].startswith("RHEL-") else "amazon"
            assert image.get("ImageOwnerAlias") == alias, image["Name"]
            assert image["ImageLocation"] == f"{alias or image['OwnerId']}/{image['Name']}"


def test_platform_and_billing_fields_follow_the_operating_system() -> None:
    # EC2 User Guide, "AMI billing information": PlatformDetails and UsageOperation per platform.
    billing = {
        "Windows_Server-": ("Windows", "RunInstances:0002"),
        "RHEL-": ("Red Hat Enterprise Linux", "RunInstances:0010"),
    }
    for image in public_images("us-west-2"):
        prefix = next((p for p in billing if image["Name"].startswith(p)), None)
        expected = billing[prefix] if prefix else ("Linux/UNIX", "RunInstances")
        assert (image["PlatformDetails"], image["UsageOperation"]) == expected, image["Name"]
        assert image.get("Platform") == ("windows" if prefix == "Windows_Server-" else None), image["Name"]


def test_image_ids_differ_between_regions() -> None:
    east = {image["Name"]: image["ImageId"] for image in public_images("us-east-1")}
    west = {image["Name"]: image["ImageId"] for image in public_images("eu-west-1")}
    shared = east.keys() & west.keys()
    assert len(shared) > 100
    assert all(east[name] != west[name] for name in shared)


def test_recorded_ids_are_the_real_ones() -> None:
    # moto 5.2.6, moto/ec2/resources/latest_amis/us-east-1.json.gz, as recorded from AWS.
    image = find_public_image("us-east-1", "ami-0820d0c589175bc01")
    assert image is not None
    assert image["Name"] == "al2023-ami-2023.12.20261102.0-kernel-6.1-x86_64"
    assert image["Description"] == "Amazon Linux 2023 AMI 2023.12.20261102.0 x86_64 HVM kernel-6.1"
    assert find_public_image("eu-west-1", "ami-0820d0c589175bc01") is None


def test_dates_are_ordered_and_follow_the_family_rules() -> None:
    for image in public_images("ap-south-1"):
        created = datetime.strptime(image["CreationDate"], TIMESTAMP)
        if "DeprecationTime" not in image:
            continue
        deprecated = datetime.strptime(image["DeprecationTime"], TIMESTAMP)
        if image["Name"].startswith("al2023-"):  # AWS deprecates AL2023 AMIs 90 days after creation
            assert abs(deprecated - created - timedelta(days=90)) <= timedelta(seconds=30), image["Name"]
        else:
            assert deprecated > created + timedelta(days=365), image["Name"]


def test_al2023_images_newer_than_90_days_before_the_catalog_date_are_not_yet_deprecated() -> None:
    as_of = images_as_of()
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", as_of)
    live = [
        image
        for image in matching("us-east-1", ["amazon"], "al2023-ami-2023.*-x86_64")
        if image["DeprecationTime"] > f"{as_of}T00:00:00.000Z"
    ]
    assert live and all(image["CreationDate"] <= f"{as_of}T23:59:59.000Z" for image in live)


def test_boot_modes_fit_the_architecture() -> None:
    for image in public_images("eu-north-1"):
        if image["Architecture"] == "arm64":
            assert image["BootMode"] == "uefi", image["Name"]
        else:
            assert image.get("BootMode") in (None, "uefi-preferred", "legacy-bios"), image["Name"]


def test_derived_images_and_ids_are_marked() -> None:
    for image in public_images("us-east-1"):
        note = derivation("us-east-1", image["ImageId"])
        assert note is not None and note.startswith("derived:")
        recorded = image["Name"].startswith(("al2023-", "al2027-", "amzn"))
        assert ("all fields" in note) is not recorded, image["Name"]
    for region in sorted(UNRECORDED):
        al2023 = [i for i in public_images(region) if i["Name"].startswith("al2023-")]
        assert al2023 and all("its id here" in str(derivation(region, i["ImageId"])) for i in al2023)
    assert derivation("us-east-1", "ami-00000000000000000") is None


def test_unknown_region_has_no_images() -> None:
    assert public_images("xx-nowhere-1") == ()
    assert find_public_image("xx-nowhere-1", "ami-0820d0c589175bc01") is None


# --- the generators reproduce the committed data ---------------------------------------------------------------------


def _cached_wheels() -> bool:
    spec = importlib.util.spec_from_file_location("moto_source", ROOT / "scripts/moto_source.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("moto_source", module)  # dataclasses look their module up there
    spec.loader.exec_module(module)
    cache: Path = module.default_cache()
    return all((cache / r.wheel_name).exists() for r in module.RELEASES.values())


@pytest.mark.skipif(not _cached_wheels(), reason="the pinned moto wheels are not in the default cache (no download)")
@pytest.mark.parametrize(
    ("script", "outputs"),
    [
        ("gen_images.py", ["images.json.gz"]),
        ("gen_instance_types.py", ["instance_types.json.gz", "instance_type_offerings.json.gz"]),
    ],
)
def test_generator_reproduces_the_committed_data(script: str, outputs: list[str], tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, str(ROOT / "scripts" / script), "--out", str(tmp_path)], check=True, capture_output=True
    )
    data = ROOT / "src/vpcsim/catalog/data"
    assert [(tmp_path / o).read_bytes() == (data / o).read_bytes() for o in outputs] == [True] * len(outputs)
