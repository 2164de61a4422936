"""Generate src/vpcsim/catalog/data/images.json.gz: the public AMIs DescribeImages shows in each Region.

Stored once per image (its ``Image`` document without the Region-specific ids) with, per Region, its ImageId and root
snapshot id. Every field that no source records is marked: ``derived`` lists the derived fields of an image whose
ids are recorded, or is ``true`` for an image that is derived as a whole; ``derivedRegions`` lists the Regions whose
ids are derived. ``reason`` says why.

Sources:
1. [MOTO] moto 5.2.0 (PyPI, 2026-05-02), 5.2.3 (2026-08-22), 5.2.5 (2026-10-27) and 5.2.6 (2026-11-23), data files
   ``moto/ec2/resources/latest_amis/<region>.json.gz`` (wheel digests pinned in scripts/moto_source.py): the Amazon
   Linux images (AL2023 standard and minimal, AL2, AL2 kernel-5.10, AL1, AL2027 preview) recorded from AWS in 30
   Regions at each release: real ImageId per Region, Name, Description, OwnerId, Architecture, RootDeviceName,
   RootDeviceType, VirtualizationType, Hypervisor, SriovNetSupport, State, Public, ImageType. Four releases give
   several dated releases of each image, so ``most_recent`` chooses between them. Paravirtual AL1 images are left
   out (they need kernel ids the source lacks, and run only on previous-generation types).
2. [REC] DescribeImages answers published in public repositories (read 2026-12 with the project's search tool):
   al2023-ami-2023.2.20231016.0 (us-east-1): ImageOwnerAlias amazon, ImageLocation ``amazon/<name>``, root /dev/xvda
   8 GiB gp3 with Iops 3000 and Throughput 125, Encrypted false, BootMode uefi-preferred, ImdsSupport v2.0,
   PlatformDetails Linux/UNIX, UsageOperation RunInstances, EnaSupport true; three AL2023 images whose
   DeprecationTime is the CreationDate plus 90 days rounded to the minute; amzn2-ami-kernel-5.10-...-x86_64-ebs with
   an 8 GiB ``standard`` root; ubuntu-jammy-22.04-amd64-server-20240301: OwnerId 099720109477 with ImageOwnerAlias
   amazon, root /dev/sda1 8 GiB gp2 plus ephemeral0 (/dev/sdb) and ephemeral1 (/dev/sdc), BootMode uefi-preferred,
   DeprecationTime = CreationDate plus two years; Windows_Server-2012/2016 images: OwnerId 801119661308, root
   /dev/sda1, ephemeral0-25 on xvdca-xvdcz, Platform windows; debian-12-amd64-20231013-1532: OwnerId 136693071363,
   description "Debian 12 (20231013-1532)", ImageLocation amazon/<name>.
3. [NAMES] the names and descriptions people filter on, as in AWS docs and public Terraform: Canonical's
   ``ubuntu/images/hvm-ssd{,-gp3}/ubuntu-<code>-<version>-<arch>-server-<date>`` ("Canonical, Ubuntu, 24.04, amd64
   noble image"), ``Windows_Server-<year>-English-Full-Base-<yyyy.mm.dd>`` ("Microsoft Windows Server 2022 Full
   Locale English AMI provided by Amazon"), ``debian-<n>-<arch>-<date>-<hhmm>``, Red Hat's
   ``RHEL-<x.y.z>_HVM-<date>-<arch>-0-Hourly2-GP3`` ("Provided by Red Hat, Inc.", owner 309956199498);
   PlatformDetails/UsageOperation per platform from the EC2 User Guide's "AMI billing information" table
   (Windows RunInstances:0002, Red Hat Enterprise Linux RunInstances:0010).

[DERIVED] rules, applied where no source has the value:
- ImageId ``ami-0`` + 16 hex and root SnapshotId ``snap-0`` + 16 hex of a SHA-256 over Region and name.
- CreationDate: the date in the image name, at a time of day taken from a SHA-256 of the name; DeprecationTime from
  it by the family rule of [REC] (AL2023 +90 days, Ubuntu +2 years; none set for the others [UNCERTAIN]).
- Block device mappings of the Amazon Linux images: [REC] per family (gp3 for AL2023/AL2027, gp2 or standard after the
  name's ``-gp2``/``-ebs`` suffix for AL2/AL1); AL2023 minimal 2 GiB [UNCERTAIN], all others 8 GiB. Ubuntu as [REC]
  (gp3 under ``hvm-ssd-gp3``); Windows 30 GiB gp2, Debian 8 GiB gp2 on /dev/xvda, RHEL 10 GiB gp3 [UNCERTAIN].
- DeprecationTime of AL2: not set, though the 2024 record had the then end-of-life date 2025-07-01 (since extended).
- BootMode: ``uefi`` on arm64 (Graviton boots only UEFI), ``uefi-preferred`` on x86_64 for AL2023/AL2027, Ubuntu 22.04+
  and Debian 12; not set otherwise [UNCERTAIN]. ImdsSupport v2.0 on AL2023/AL2027 and Windows Server 2025.
- Ubuntu, Windows Server, Debian and RHEL images (no source records their ids): three releases each, dated
  2026-09-10, 2026-10-08 and 2026-11-05 (before the newest source, 2026-11-23), in every Region.
- Regions no moto release records (ap-east-2, ap-southeast-6, ap-southeast-7, mx-central-1): the Amazon Linux images
  that the newest records show in at least 25 of the 30 recorded Regions.

Run: .venv/bin/python scripts/gen_images.py [--cache DIR] [--out DIR]
(downloads the four pinned moto wheels with pip into the cache folder, default <tmp>/vpcsim-moto-wheels, and writes
into the package data unless --out says otherwise; a rerun with the same wheels reproduces the committed file byte
for byte, which tests/unit/test_catalog_ec2.py checks when the wheels are in the default cache)
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import moto_source

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "src/vpcsim/catalog/data"
MOTO_VERSIONS = ("5.2.0", "5.2.3", "5.2.5", "5.2.6")
WIDESPREAD = 25  # an Amazon Linux image recorded in this many Regions is derived in the unrecorded ones
RELEASE_DATES = ("2026-09-10", "2026-10-08", "2026-11-05")
DATE_IN_NAME = re.compile(r"(?<!\d)(20\d\d)(\d\d)(\d\d)(?!\d)|(20\d\d)\.(\d\d)\.(\d\d)$")
ARCH = {"amd64": "x86_64", "x86_64": "x86_64", "arm64": "arm64"}

LINUX = {"PlatformDetails": "Linux/UNIX", "UsageOperation": "RunInstances"}
WINDOWS = {"Platform": "windows", "PlatformDetails": "Windows", "UsageOperation": "RunInstances:0002"}
RHEL = {"PlatformDetails": "Red Hat Enterprise Linux", "UsageOperation": "RunInstances:0010"}
WINDOWS_DESCRIPTION = {
    "2019": "Microsoft Windows Server 2019 with Desktop Experience Locale English AMI provided by Amazon",
    "2022": "Microsoft Windows Server 2022 Full Locale English AMI provided by Amazon",
    "2025": "Microsoft Windows Server 2025 Full Locale English AMI provided by Amazon",
}
UBUNTU = (
    ("20.04", "focal", "hvm-ssd", "gp2"),
    ("22.04", "jammy", "hvm-ssd", "gp2"),
    ("24.04", "noble", "hvm-ssd-gp3", "gp3"),
)
DEBIAN = ("11", "12")
RHEL_RELEASES = ("8.10.0", "9.6.0")


def digest(*parts: str) -> str:
    return hashlib.sha256("/".join(parts).encode()).hexdigest()


def creation_date(name: str) -> str:
    """[DERIVED] the date in the name at a time of day fixed by the name's hash."""
    match = DATE_IN_NAME.search(name)
    if match is None:
        raise SystemExit(f"no date in {name}")
    year, month, day = (int(g) for g in match.groups() if g)
    seconds = int(digest("time", name)[:8], 16) % 86400
    when = datetime(year, month, day) + timedelta(seconds=seconds)
    return when.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def shifted(created: str, days: int = 0, years: int = 0, minutes: int = 0, to_minute: bool = False) -> str:
    when = datetime.strptime(created, "%Y-%m-%dT%H:%M:%S.000Z") + timedelta(days=days, minutes=minutes)
    when = when.replace(year=when.year + years)
    if to_minute:  # EnableImageDeprecation rounds to the nearest minute (API reference)
        when = (when + timedelta(seconds=30)).replace(second=0)
    return when.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def ebs(device: str, size: int, volume_type: str) -> dict[str, Any]:
    volume: dict[str, Any] = {"DeleteOnTermination": True, "VolumeSize": size, "VolumeType": volume_type}
    if volume_type == "gp3":
        volume |= {"Iops": 3000, "Throughput": 125}
    return {"DeviceName": device, "Ebs": {**volume, "Encrypted": False}}


def ephemeral(devices: list[str]) -> list[dict[str, str]]:
    return [{"DeviceName": d, "VirtualName": f"ephemeral{i}"} for i, d in enumerate(devices)]


def base(name: str, description: str, owner: str, alias: str | None, arch: str, root: str) -> dict[str, Any]:
    doc = {
        "Name": name,
        "Description": description,
        "OwnerId": owner,
        "ImageLocation": f"{alias or owner}/{name}",
        "Architecture": arch,
        "CreationDate": creation_date(name),
        "RootDeviceName": root,
        "RootDeviceType": "ebs",
        "VirtualizationType": "hvm",
        "Hypervisor": "xen",
        "EnaSupport": True,
        "SriovNetSupport": "simple",
        "State": "available",
        "Public": True,
        "ImageType": "machine",
    }
    return doc | ({"ImageOwnerAlias": alias} if alias else {})


def amazon_linux(recorded: dict[str, Any]) -> dict[str, Any]:
    """An Amazon Linux image from moto's fields plus the [REC]/[DERIVED] family rules."""
    name, arch = recorded["name"], recorded["architecture"]
    doc = base(name, recorded["description"], recorded["owner_id"], "amazon", arch, recorded["root_device_name"])
    doc |= {"VirtualizationType": recorded["virtualization_type"], "Hypervisor": recorded["hypervisor"]}
    doc |= {"SriovNetSupport": recorded["sriov"], "State": recorded["state"], "Public": recorded["public"]}
    doc |= {"ImageType": recorded["image_type"], **LINUX}
    modern = name.startswith(("al2023-", "al2027-"))
    volume_type = "gp3" if modern else ("gp2" if name.endswith("-gp2") else "standard")
    size = 2 if name.startswith("al2023-ami-minimal-") else 8
    doc["BlockDeviceMappings"] = [ebs(doc["RootDeviceName"], size, volume_type)]
    if arch == "arm64" or modern:
        doc["BootMode"] = "uefi" if arch == "arm64" else "uefi-preferred"
    if modern:
        doc["ImdsSupport"] = "v2.0"
    if name.startswith("al2023-"):
        doc["DeprecationTime"] = shifted(doc["CreationDate"], days=90, to_minute=True)
    return doc


def ubuntu_images(date: str) -> list[dict[str, Any]]:
    out = []
    for version, code, folder, volume_type in UBUNTU:
        for arch in ("amd64", "arm64"):
            name = f"ubuntu/images/{folder}/ubuntu-{code}-{version}-{arch}-server-{date.replace('-', '')}"
            doc = base(
                name,
                f"Canonical, Ubuntu, {version}, {arch} {code} image",
                "099720109477",
                "amazon",
                ARCH[arch],
                "/dev/sda1",
            )
            doc["BlockDeviceMappings"] = [ebs("/dev/sda1", 8, volume_type), *ephemeral(["/dev/sdb", "/dev/sdc"])]
            if arch == "arm64" or version != "20.04":
                doc["BootMode"] = "uefi" if arch == "arm64" else "uefi-preferred"
            doc["DeprecationTime"] = shifted(doc["CreationDate"], years=2)
            out.append(doc | LINUX)
    return out


def windows_images(date: str) -> list[dict[str, Any]]:
    out = []
    for year, description in WINDOWS_DESCRIPTION.items():
        name = f"Windows_Server-{year}-English-Full-Base-{date.replace('-', '.')}"
        doc = base(name, description, "801119661308", "amazon", "x86_64", "/dev/sda1")
        devices = [f"xvdc{chr(ord('a') + i)}" for i in range(26)]
        doc["BlockDeviceMappings"] = [ebs("/dev/sda1", 30, "gp2"), *ephemeral(devices)]
        if year == "2025":
            doc["ImdsSupport"] = "v2.0"
        out.append(doc | WINDOWS)
    return out


def debian_images(date: str) -> list[dict[str, Any]]:
    out = []
    for version in DEBIAN:
        for arch in ("amd64", "arm64"):
            minute = int(digest("build", version, arch, date)[:8], 16) % 1440
            build = f"{date.replace('-', '')}-{minute // 60:02d}{minute % 60:02d}"
            name = f"debian-{version}-{arch}-{build}"
            doc = base(name, f"Debian {version} ({build})", "136693071363", "amazon", ARCH[arch], "/dev/xvda")
            # registered a few minutes after the build stamp in its name
            doc["CreationDate"] = shifted(f"{date}T{minute // 60:02d}:{minute % 60:02d}:00.000Z", minutes=minute % 17)
            doc["BlockDeviceMappings"] = [ebs("/dev/xvda", 8, "gp2")]
            if arch == "arm64" or version == "12":
                doc["BootMode"] = "uefi" if arch == "arm64" else "uefi-preferred"
            out.append(doc | LINUX)
    return out


def rhel_images(date: str) -> list[dict[str, Any]]:
    out = []
    for release in RHEL_RELEASES:
        for arch in ("x86_64", "arm64"):
            name = f"RHEL-{release}_HVM-{date.replace('-', '')}-{arch}-0-Hourly2-GP3"
            doc = base(name, "Provided by Red Hat, Inc.", "309956199498", None, arch, "/dev/sda1")
            doc["BlockDeviceMappings"] = [ebs("/dev/sda1", 10, "gp3")]
            if arch == "arm64":
                doc["BootMode"] = "uefi"
            out.append(doc | RHEL)
    return out


def recorded_images(wheels: list[Path]) -> dict[str, tuple[dict[str, Any], dict[str, str]]]:
    """Name -> (moto's fields, Region -> ImageId) over the releases; a later release's record wins."""
    out: dict[str, tuple[dict[str, Any], dict[str, str]]] = {}
    for wheel in wheels:
        for member in moto_source.members(wheel, "latest_amis"):
            region = member.removesuffix(".json.gz")
            for item in moto_source.read(wheel, f"latest_amis/{member}"):
                if item["virtualization_type"] != "hvm":
                    continue
                ids = out.get(item["name"], (item, {}))[1]
                if ids.get(region, item["ami_id"]) != item["ami_id"]:
                    raise SystemExit(f"{item['name']} has two ids in {region}")
                ids[region] = item["ami_id"]
                out[item["name"]] = (item, ids)
    return out


def region_ids(region: str, name: str, image_id: str | None = None) -> list[str]:
    """``[ImageId, root SnapshotId]``; [DERIVED] from a hash where no source records them."""
    return [image_id or f"ami-0{digest(region, name)[:16]}", f"snap-0{digest('snap', region, name)[:16]}"]


AL_DERIVED = [
    "CreationDate",
    "DeprecationTime",
    "BlockDeviceMappings",
    "BootMode",
    "ImdsSupport",
    "PlatformDetails",
    "UsageOperation",
    "EnaSupport",
    "ImageOwnerAlias",
    "ImageLocation",
]
AL_REASON = (
    "moto's latest_amis records id, name, description, owner, architecture and root device only; the other "
    "fields follow recorded DescribeImages answers of the same family"
)
DERIVED_REASON = "no source records this family's ids; names, owner and fields follow the family's published pattern"
UNRECORDED_REASON = "moto records no images for this Region; ids derived for the images seen in nearly every Region"


def amazon_linux_entries(
    recorded: dict[str, tuple[dict[str, Any], dict[str, str]]], regions: list[str]
) -> list[dict[str, Any]]:
    seen = set().union(*(ids.keys() for _, ids in recorded.values()))
    unrecorded = [r for r in regions if r not in seen]
    entries = []
    for name, (fields, ids) in sorted(recorded.items()):
        extra = unrecorded if len(ids) >= WIDESPREAD else []
        doc = amazon_linux(fields)
        present = {r: region_ids(r, name, ids.get(r)) for r in regions if r in ids or r in extra}
        shown = [f for f in AL_DERIVED if f in doc]
        entry = {"image": doc, "derived": shown, "reason": AL_REASON, "regions": present, "derivedRegions": extra}
        entries.append(entry | ({"regionsReason": UNRECORDED_REASON} if extra else {}))
    return entries


def derived_entries(regions: list[str]) -> list[dict[str, Any]]:
    docs = [
        d
        for date in RELEASE_DATES
        for make in (ubuntu_images, windows_images, debian_images, rhel_images)
        for d in make(date)
    ]
    return [
        {
            "image": d,
            "derived": True,
            "reason": DERIVED_REASON,
            "regions": {r: region_ids(r, d["Name"]) for r in regions},
            "derivedRegions": regions,
        }
        for d in sorted(docs, key=lambda d: d["Name"])
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache", type=Path, default=moto_source.default_cache())
    parser.add_argument("--out", type=Path, default=DATA, help="folder to write into (default: the package data)")
    args = parser.parse_args()
    releases = [moto_source.RELEASES[v] for v in MOTO_VERSIONS]
    wheels = [moto_source.wheel(r, args.cache) for r in releases]
    regions = sorted(r["RegionName"] for r in json.loads((DATA / "regions.json").read_text())["regions"])
    entries = amazon_linux_entries(recorded_images(wheels), regions) + derived_entries(regions)
    entries.sort(key=lambda e: e["image"]["Name"])
    doc = {
        "_source": __doc__.strip().splitlines()[0],
        "sources": [{**r.describe(), "files": "moto/ec2/resources/latest_amis/<region>.json.gz"} for r in releases],
        "images": entries,
    }
    size = moto_source.write_gz(args.out / "images.json.gz", doc)
    per_region = {r: sum(1 for e in entries if r in e["regions"]) for r in regions}
    print(f"wrote {len(entries)} images ({size} bytes); per Region: {per_region}")


if __name__ == "__main__":
    main()
