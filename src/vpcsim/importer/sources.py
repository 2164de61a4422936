"""Reading what the user points at: files and folders of JSON, each problem an ``ImportFailed`` naming the file.

A folder is read recursively (``*.json`` and ``*.tfstate`` files, in name order); a file named on the command line is
read whatever its name. Every file must be UTF-8 JSON holding an object (a truncated file is not valid JSON and is
refused like any other).

Each folder of AWS CLI output gets one scope, its account and Region (Terraform state carries its own, per resource:
``terraform.py``). Choices, in order, each reported in the summary:

- Region: a folder named after a Region (Batfish's ``aws_configs/<region>/`` and ``accounts/<id>/<region>/``), else
  ``--region``, else the folder's ``AvailabilityZones.json`` (``RegionName``), else what the records say (ARNs, then
  Availability Zone names); a folder that says nothing is refused with a request for ``--region``.
- Account: a folder named after a 12-digit account id (Batfish's ``accounts/<id>/``), else ``--account``, else the
  12-digit owner most records of the folder name (``OwnerId`` members and ARNs), else vpcsim's default account
  123456789012.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vpcsim.catalog import REGIONS
from vpcsim.importer.batch import ImportFailed, Scope, Source

DEFAULT_ACCOUNT = "123456789012"
_ACCOUNT = re.compile(r"^\d{12}$")
_SUFFIXES = (".json", ".tfstate")


@dataclass(frozen=True, slots=True)
class Given:
    """What the command line says about scope (None: not said)."""

    account: str | None = None
    region: str | None = None


@dataclass(frozen=True, slots=True)
class Loaded:
    path: Path
    data: Any


# -- files ----------------------------------------------------------------------------------------------------------
def files_of(paths: Iterable[str | Path]) -> list[Path]:
    found: list[Path] = []
    for given in paths:
        path = Path(given)
        if path.is_dir():
            found += sorted(
                p for p in path.rglob("*") if p.is_file() and p.suffix in _SUFFIXES and not p.name.startswith(".")
            )
        elif path.is_file():
            found.append(path)
        else:
            raise ImportFailed(f"{given}: no such file or folder")
    if not found:
        raise ImportFailed("nothing to import: the paths hold no .json or .tfstate file")
    return found


def parse(name: str, raw: bytes) -> Any:
    """One file's JSON object, or ``ImportFailed`` saying what is wrong with it."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportFailed(f"{name}: not UTF-8 text, so not the JSON the AWS CLI or Terraform writes") from None
    if not text.strip():
        raise ImportFailed(f"{name}: empty file")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        cut = " (the file ends early: truncated?)" if error.pos >= len(text.rstrip()) else ""
        raise ImportFailed(
            f"{name}: not valid JSON{cut}: {error.msg} at line {error.lineno} column {error.colno}"
        ) from None
    except RecursionError:
        raise ImportFailed(f"{name}: JSON nested too deeply") from None
    if not isinstance(data, dict):
        raise ImportFailed(f"{name}: unknown shape: a JSON {type(data).__name__}, not the object an AWS call prints")
    return data


def load(paths: Iterable[str | Path]) -> list[Loaded]:
    loaded = []
    for path in files_of(paths):
        try:
            raw = path.read_bytes()
        except OSError as error:
            raise ImportFailed(f"{path}: cannot read it ({error.strerror})") from None
        loaded.append(Loaded(path, parse(str(path), raw)))
    return loaded


# -- scopes ---------------------------------------------------------------------------------------------------------
def scoped(loaded: list[Loaded], given: Given) -> list[Source]:
    """Every file with the scope of its folder."""
    by_folder: dict[Path, list[Loaded]] = {}
    for item in loaded:
        by_folder.setdefault(item.path.parent, []).append(item)
    sources = []
    for folder, members in by_folder.items():
        scope = folder_scope(folder, members, given)
        sources += [Source(str(m.path), scope, m.data) for m in members]
    return sources


def folder_scope(folder: Path, members: list[Loaded], given: Given) -> Scope:
    region, region_how = _region(folder, members, given)
    account, account_how = _account(folder, members, given)
    return Scope(account, region, f"account {account} ({account_how}), Region {region} ({region_how})")


def _region(folder: Path, members: list[Loaded], given: Given) -> tuple[str, str]:
    named = next((p for p in reversed(folder.parts) if p in REGIONS), None)
    if named:
        return named, "from the folder name"
    if given.region:
        check_region(given.region, "--region")
        return given.region, "from --region"
    for item in members:
        zones = item.data.get("AvailabilityZones")
        if isinstance(zones, list) and zones and isinstance(zones[0], dict) and zones[0].get("RegionName"):
            return str(zones[0]["RegionName"]), f"from {item.path.name}"
    seen = Counter(r for m in members for r in regions_in(m.data))
    if seen:
        return seen.most_common(1)[0][0], "from the records' ARNs and Availability Zones"
    raise ImportFailed(f"{folder}: cannot tell which Region these files describe: name it with --region")


def _account(folder: Path, members: list[Loaded], given: Given) -> tuple[str, str]:
    named = next((p for p in reversed(folder.parts) if _ACCOUNT.match(p)), None)
    if named:
        return named, "from the folder name"
    if given.account:
        if not _ACCOUNT.match(given.account):
            raise ImportFailed(f"--account {given.account}: an account id is 12 digits")
        return given.account, "from --account"
    seen = Counter(a for m in members for a in accounts_in(m.data))
    if seen:
        return seen.most_common(1)[0][0], "the owner most records name"
    return DEFAULT_ACCOUNT, "no record names its owner: vpcsim's default account"


def check_region(region: str, where: str) -> None:
    if region not in REGIONS:
        raise ImportFailed(f"{where}: vpcsim does not know the Region '{region}'")


# -- what records say about their scope -----------------------------------------------------------------------------
def _walk(value: Any) -> Iterator[tuple[str, Any]]:
    """Every (member name, value) pair in a JSON document."""
    stack = [value]
    while stack:
        current = stack.pop()
        if isinstance(current, dict):
            for key, item in current.items():
                yield key, item
                if isinstance(item, (dict, list)):
                    stack.append(item)
        elif isinstance(current, list):
            stack.extend(i for i in current if isinstance(i, (dict, list)))


def _arn_parts(text: str) -> tuple[str, str] | None:
    parts = text.split(":", 5)
    return (parts[3], parts[4]) if len(parts) == 6 and parts[0] == "arn" else None


def zone_region(zone: str) -> str | None:
    """``us-east-1a`` -> ``us-east-1``; Local Zones (``us-west-2-lax-1a``) -> ``us-west-2``."""
    parts = zone.split("-")
    for end in range(len(parts), 1, -1):
        candidate = "-".join(parts[:end])
        trimmed = candidate.rstrip("abcdefghijklmnopqrstuvwxyz") if end == len(parts) else candidate
        if trimmed in REGIONS:
            return trimmed
    return None


def regions_in(data: Any) -> Iterator[str]:
    for key, value in _walk(data):
        if isinstance(value, str) and value.startswith("arn:"):
            found = _arn_parts(value)
            if found and found[0] in REGIONS:
                yield found[0]
        elif key in ("AvailabilityZone", "ZoneName") and isinstance(value, str):
            region = zone_region(value)
            if region:
                yield region


def accounts_in(data: Any) -> Iterator[str]:
    for key, value in _walk(data):
        if not isinstance(value, str):
            continue
        if key == "OwnerId" and _ACCOUNT.match(value):
            yield value
        elif value.startswith("arn:"):
            found = _arn_parts(value)
            if found and _ACCOUNT.match(found[1]):
                yield found[1]
