"""The public AMIs each Region offers (``data/images.json.gz``, from scripts/gen_images.py).

Each image is one ``Image`` of DescribeImages, as a plain dict in botocore's output shape: Amazon Linux (AL2023, AL2,
AL1, AL2027 preview; real ids recorded per Region), Ubuntu 20.04/22.04/24.04, Windows Server 2019/2022/2025 Full
Base, Debian 11/12 and RHEL 8/9 (several dated releases each, so ``most_recent`` chooses). The package data stores
each image once with its per-Region ImageId and root SnapshotId; this module builds the per-Region documents on first
use and caches them. The dicts are shared: callers must not mutate them.

The catalog answers which images exist; it does not filter. ``DeprecationTime`` is set where AWS sets it (AL2023
90 days after creation, Ubuntu two years after): whether a deprecated image is hidden (AWS hides it unless
IncludeDeprecated or its id is asked for) is the caller's choice, relative to the caller's clock; the data is as of
``images_as_of()``, and every AL2023 image here is past its DeprecationTime by the wall clock from 2027-01-31 on.

>>> find_public_image("us-east-1", "ami-0820d0c589175bc01")["Name"]
'al2023-ami-2023.12.20261102.0-kernel-6.1-x86_64'
"""

from __future__ import annotations

import copy
import gzip
import json
from functools import cache
from importlib import resources
from typing import Any

from vpcsim.catalog.regions import REGIONS


@cache
def _raw() -> dict[str, Any]:
    blob = resources.files("vpcsim.catalog").joinpath("data/images.json.gz").read_bytes()
    data: dict[str, Any] = json.loads(gzip.decompress(blob))
    return data


def images_as_of() -> str:
    """The release date of the newest source (``YYYY-MM-DD``): the catalog shows AWS as of that day.

    Compare DeprecationTime against this rather than the wall clock to keep every image family findable as time passes.
    """
    return max(str(s["released"]) for s in _raw()["sources"])


def images_source() -> str:
    """Where the recorded images came from: packages, versions and release dates."""
    return "; ".join(f"{s['package']} {s['version']} ({s['released']})" for s in _raw()["sources"])


def _expand(entry: dict[str, Any], region: str) -> dict[str, Any]:
    image_id, snapshot_id = entry["regions"][region]
    doc: dict[str, Any] = copy.deepcopy(entry["image"])
    doc["ImageId"] = image_id
    root = doc["RootDeviceName"]
    for mapping in doc.get("BlockDeviceMappings", ()):
        if mapping["DeviceName"] == root and "Ebs" in mapping:
            mapping["Ebs"]["SnapshotId"] = snapshot_id
    return doc


@cache
def public_images(region: str) -> tuple[dict[str, Any], ...]:
    """Every public image of ``region`` as a DescribeImages ``Image``, sorted by name; empty for an unknown Region."""
    if region not in REGIONS:
        return ()
    return tuple(_expand(e, region) for e in _raw()["images"] if region in e["regions"])


@cache
def _by_id(region: str) -> dict[str, dict[str, Any]]:
    return {image["ImageId"]: image for image in public_images(region)}


def find_public_image(region: str, image_id: str) -> dict[str, Any] | None:
    return _by_id(region).get(image_id)


@cache
def _derived(region: str) -> dict[str, str]:
    """ImageId -> why it (or some of its fields) is derived rather than recorded; see scripts/gen_images.py."""
    out = {}
    for entry in _raw()["images"]:
        if region not in entry["regions"]:
            continue
        fields = "all fields" if entry["derived"] is True else ", ".join(entry["derived"])
        where = " and its id here" if region in entry["derivedRegions"] and entry["derived"] is not True else ""
        out[entry["regions"][region][0]] = f"derived: {fields}{where} ({entry['reason']})"
    return out


def derivation(region: str, image_id: str) -> str | None:
    """A sentence saying what of the image is derived and why, or None for an image the catalog lacks."""
    return _derived(region).get(image_id)
