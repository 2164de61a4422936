"""The commercial AWS regions and their Availability Zones (``data/regions.json``, from scripts/gen_regions.py)."""

from __future__ import annotations

import json
from dataclasses import dataclass
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
    zones: tuple[Zone, ...]

    @property
    def endpoint(self) -> str:
        return f"ec2.{self.name}.amazonaws.com"

    def find_zone(self, name_or_id: str) -> Zone | None:
        return next((z for z in self.zones if name_or_id in (z.name, z.zone_id)), None)


def _load() -> dict[str, Region]:
    raw = json.loads(resources.files("vpcsim.catalog").joinpath("data/regions.json").read_text())
    regions = {}
    for item in raw["regions"]:
        name = item["RegionName"]
        zones = tuple(Zone(z["ZoneName"], z["ZoneId"], name) for z in item["Zones"])
        regions[name] = Region(name, item["Description"], item["OptIn"], zones)
    return regions


REGIONS: dict[str, Region] = _load()


def find_region(name: str) -> Region | None:
    return REGIONS.get(name)
