"""EC2 instance types and where they are offered (``data/instance_types.json.gz`` and
``data/instance_type_offerings.json.gz``, from scripts/gen_instance_types.py).

Each instance type is one ``InstanceTypeInfo`` exactly as DescribeInstanceTypes returns it (a plain dict in botocore's
output shape, recorded from AWS; see the script for the source). The offerings are stored per Region by zone id as
indexes into the sorted type list; this module turns them into the three views of DescribeInstanceTypeOfferings
(``region``, ``availability-zone``, ``availability-zone-id``); zone names are an account's own (``account``: its
``Region.seen_by`` pairing; without one, the reference pairing of ``regions.json``).
Everything loads on first use and is cached; the returned dicts are shared, so callers must not mutate them.

>>> eni_limits("t3.micro")
(2, 2, 2)
>>> "t3.micro" in offered_types("us-east-1", "use1-az1")
True
"""

from __future__ import annotations

import gzip
import json
from enum import StrEnum
from functools import cache, lru_cache
from importlib import resources
from typing import Any

from vpcsim.catalog.regions import REGIONS


class LocationType(StrEnum):
    """DescribeInstanceTypeOfferings' ``LocationType`` values (botocore's ``LocationType`` enum)."""

    REGION = "region"
    AVAILABILITY_ZONE = "availability-zone"
    AVAILABILITY_ZONE_ID = "availability-zone-id"


def _load(name: str) -> dict[str, Any]:
    raw = resources.files("vpcsim.catalog").joinpath(f"data/{name}").read_bytes()
    data: dict[str, Any] = json.loads(gzip.decompress(raw))
    return data


@cache
def _type_doc() -> dict[str, Any]:
    return _load("instance_types.json.gz")


@cache
def _types() -> dict[str, dict[str, Any]]:
    return {info["InstanceType"]: info for info in _type_doc()["instanceTypes"]}


@cache
def _offerings() -> dict[str, Any]:
    return _load("instance_type_offerings.json.gz")


def instance_types_source() -> str:
    """Where the data came from: package, version and release date."""
    sources = _type_doc()["sources"]
    return "; ".join(f"{s['package']} {s['version']} ({s['released']})" for s in sources)


def all_instance_types() -> tuple[dict[str, Any], ...]:
    """Every instance type's ``InstanceTypeInfo``, sorted by name."""
    return tuple(_types().values())


def find_instance_type(name: str) -> dict[str, Any] | None:
    return _types().get(name)


def eni_limits(name: str) -> tuple[int, int, int] | None:
    """``(MaximumNetworkInterfaces, Ipv4AddressesPerInterface, Ipv6AddressesPerInterface)`` of a type, or None.

    The IPv4 count includes the primary private address, as AWS publishes it ("IP addresses per network interface").
    """
    info = find_instance_type(name)
    if info is None:
        return None
    net = info["NetworkInfo"]
    return net["MaximumNetworkInterfaces"], net["Ipv4AddressesPerInterface"], net["Ipv6AddressesPerInterface"]


@cache
def _zone_types(region: str) -> dict[str, frozenset[str]]:
    """Zone id -> the instance types offered there; empty for a Region the catalog does not know."""
    entry = _offerings()["regions"].get(region)
    if entry is None:
        return {}
    names = _offerings()["instanceTypes"]
    return {zone_id: frozenset(names[i] for i in idx) for zone_id, idx in entry["zones"].items()}


@cache
def _region_types(region: str) -> frozenset[str]:
    entry = _offerings()["regions"].get(region)
    if entry is None:
        return frozenset()
    names = _offerings()["instanceTypes"]
    return frozenset().union(*_zone_types(region).values(), (names[i] for i in entry["regionOnly"]))


def offered_types(region: str, location: str | None = None, account: str | None = None) -> frozenset[str]:
    """The instance types offered in ``region``, or in one of its zones (by name ``us-east-1a`` as ``account`` sees
    it, or id ``use1-az1``).

    Empty for an unknown Region or zone.
    """
    if location is None or location == region:
        return _region_types(region)
    known = REGIONS.get(region)
    if known is not None and account is not None:
        known = known.seen_by(account)
    zone = known.find_zone(location) if known else None
    return _zone_types(region).get(zone.zone_id, frozenset()) if zone else frozenset()


def offerings_derived(region: str) -> bool:
    """True where the Region's offerings are not recorded but derived (see scripts/gen_instance_types.py)."""
    entry = _offerings()["regions"].get(region)
    return bool(entry and entry.get("derived"))


@lru_cache(maxsize=256)
def offerings(
    region: str, location_type: LocationType | str = LocationType.REGION, account: str | None = None
) -> tuple[dict[str, str], ...]:
    """DescribeInstanceTypeOfferings' ``InstanceTypeOfferings`` for a Region, unfiltered, sorted by location then type.

    Each item is ``{"InstanceType": ..., "LocationType": ..., "Location": ...}``; empty for an unknown Region.
    By ``availability-zone`` the locations are ``account``'s zone names (the offerings are per zone id, and names
    are mapped per account); by ``availability-zone-id`` they are the same for everyone.
    Raises ValueError for a location type that is not one of ``LocationType``.
    """
    kind = LocationType(location_type)
    known = REGIONS.get(region)
    if known is None:
        return ()
    if account is not None:
        known = known.seen_by(account)
    if kind is LocationType.REGION:
        places = [(region, _region_types(region))]
    else:
        by_id = _zone_types(region)
        use_id = kind is LocationType.AVAILABILITY_ZONE_ID
        places = [(z.zone_id if use_id else z.name, by_id.get(z.zone_id, frozenset())) for z in known.zones]
    rows = [(where, name) for where, names in places for name in names]
    return tuple({"InstanceType": n, "LocationType": kind.value, "Location": w} for w, n in sorted(rows))
