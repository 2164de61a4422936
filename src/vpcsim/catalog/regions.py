"""The commercial AWS regions and their Availability Zones (``data/regions.json``, from scripts/gen_regions.py).

A zone has a name (``us-east-1a``) and an id (``use1-az2``). The id is the physical location, the same in every
account; the name is the account's: "we independently map Availability Zones to codes for each AWS account"
[AWS "AZ IDs", docs.aws.amazon.com/global-infrastructure/latest/regions/az-ids.html]. That holds in the Regions
introduced before November 2012 (``Region.mapped_per_account``); every later Region pairs names and ids the same way
for everyone.

``REGIONS`` holds each Region as the catalog's reference account sees it (the pairing recorded in regions.json).
``Region.seen_by(account)`` is the Region as one account sees it: in a Region mapped per account, the same zone ids
under a pairing of names drawn from a SHA-256 of the Region and the account id, so an account always sees the same
names, and two accounts usually see different ones. Names are never invented: an account sees the Region's letters
(all of them where there are as many zones as letters), so ``us-east-1a`` ... ``us-east-1f`` exist for every
account. Where AWS gives each account fewer zones than there are letters (us-west-1: two of ``a``, ``b``, ``c``,
on zones ``usw1-az1`` and ``usw1-az3``), the account sees only its own names. us-east-1's ``use1-az3`` is
constrained rather than hidden: it offers only older instance types (68 in the offerings catalog, against about 1,300
in the other zones), so whichever name an account gives it, it is listed, ``available``, and limited by the
offerings (choice named here, as the zone stays visible to the accounts that have it).

Choice named here: AWS documents that accounts created from November 2025 get "the same Availability Zones mapped to
codes" [AWS "AWS Availability Zones", aws-availability-zones.html]. vpcsim models the accounts people bring, created
before that, with their independent mapping.

>>> REGIONS["eu-west-2"].seen_by("111111111111").find_zone("eu-west-2a").zone_id
'euw2-az1'
>>> len(REGIONS["us-west-1"].seen_by("123456789012").zones)
2
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, replace
from functools import lru_cache
from importlib import resources


@dataclass(frozen=True, slots=True)
class Zone:
    name: str  # us-east-1a
    zone_id: str  # use1-az2
    region: str


@dataclass(frozen=True, slots=True)
class Region:
    name: str
    description: str
    opt_in: bool
    zones: tuple[Zone, ...]  # as the account this view is for sees them, in name order
    mapped_per_account: bool = False
    letters: str = ""  # the zone letters an account may be given
    account: str | None = None  # whose view this is (None: the catalog's reference pairing)

    @property
    def endpoint(self) -> str:
        return f"ec2.{self.name}.amazonaws.com"

    @property
    def zone_ids(self) -> tuple[str, ...]:
        return tuple(sorted(z.zone_id for z in self.zones))

    def find_zone(self, name_or_id: str) -> Zone | None:
        return next((z for z in self.zones if name_or_id in (z.name, z.zone_id)), None)

    def zone_name(self, zone_id: str) -> str | None:
        """The name this view gives the zone ``zone_id`` (None: a zone it does not see)."""
        found = self.find_zone(zone_id)
        return found.name if found is not None and found.zone_id == zone_id else None

    def seen_by(self, account: str) -> Region:
        """The Region as ``account`` sees it."""
        return _seen_by(self, account)


def _rank(region: str, account: str, item: str) -> str:
    return hashlib.sha256(f"vpcsim-az/{region}/{account}/{item}".encode()).hexdigest()


@lru_cache(maxsize=4096)
def _seen_by(region: Region, account: str) -> Region:
    if not region.mapped_per_account:
        return replace(region, account=account)
    ids = sorted(region.zone_ids, key=lambda i: _rank(region.name, account, i))
    letters = sorted(sorted(region.letters, key=lambda c: _rank(region.name, account, c))[: len(ids)])
    zones = tuple(
        Zone(f"{region.name}{letter}", zone_id, region.name) for letter, zone_id in zip(letters, ids, strict=True)
    )
    return replace(region, zones=zones, account=account)


def _load() -> dict[str, Region]:
    raw = json.loads(resources.files("vpcsim.catalog").joinpath("data/regions.json").read_text())
    regions = {}
    for item in raw["regions"]:
        name = item["RegionName"]
        zones = tuple(Zone(z["ZoneName"], z["ZoneId"], name) for z in item["Zones"])
        letters = item.get("Letters") or "".join(z.name[-1] for z in zones)
        per_account = bool(item.get("MappedPerAccount"))
        regions[name] = Region(name, item["Description"], item["OptIn"], zones, per_account, letters)
    return regions


REGIONS: dict[str, Region] = _load()


def find_region(name: str) -> Region | None:
    return REGIONS.get(name)
