"""DescribeRegions and DescribeAvailabilityZones from the region catalog, as the calling account sees them.

Every commercial region is enabled in vpcsim; opt-in regions report ``opted-in`` (AWS: ``OptInStatus`` is
``opt-in-not-required`` for regions that predate March 2019, else ``opted-in`` once enabled), so ``AllRegions``
adds none.

Zones are the caller's (``Call.region`` is ``Region.seen_by(account)``): the names it sees, each with the zone id of
the physical zone, so ``us-east-1a`` is ``use1-az4`` for one account and ``use1-az6`` for another, and in us-west-1
an account sees two names. ``ZoneNames`` are the caller's names, ``ZoneIds`` physical ids it sees.
Fields [botocore ``AvailabilityZone`` shape documentation]: ``OptInStatus`` is always ``opt-in-not-required`` for
Availability Zones; ``GroupName`` is the zone group, ``us-east-1-zg-1``; ``GroupLongName`` its long name (the
``group-long-name`` filter's example: ``US West (Oregon) 1``); ``NetworkBorderGroup`` the Region (AWS CLI example
describe-availability-zones); ``State`` ``available``; ``Messages`` empty. The catalog has no Local or Wavelength
Zones, so ``AllAvailabilityZones`` lists the same zones (choice named here). Filters are the documented ones plus the
names derived from the output shape (``core.filter_names``), with wildcards; neither item has tags.
"""

from __future__ import annotations

from typing import Any

from vpcsim.catalog import REGIONS, Region, Zone
from vpcsim.control.core.call import Call, Params, Result
from vpcsim.control.core.describe import Listing, member
from vpcsim.errors import InvalidParameter
from vpcsim.model import Record

_REGIONS = Listing(
    kind="region",
    page_member="Regions",
    filters={
        "endpoint": member("Endpoint"),
        "opt-in-status": member("OptInStatus"),
        "region-name": member("RegionName"),
    },
    present=lambda r: dict(r.doc),
)
_ZONES = Listing(
    kind="availability-zone",
    page_member="AvailabilityZones",
    filters={
        "group-long-name": member("GroupLongName"),
        "group-name": member("GroupName"),
        "message": member("Messages", "Message"),
        "opt-in-status": member("OptInStatus"),
        "parent-zone-id": member("ParentZoneId"),
        "parent-zone-name": member("ParentZoneName"),
        "region-name": member("RegionName"),
        "state": member("State"),
        "zone-id": member("ZoneId"),
        "zone-name": member("ZoneName"),
        "zone-type": member("ZoneType"),
    },
    present=lambda r: dict(r.doc),
)


def _opt_in(region: Region) -> str:
    return "opted-in" if region.opt_in else "opt-in-not-required"


def _item(call: Call, kind: str, rid: str, doc: dict[str, Any]) -> Record:
    return Record(kind, rid, call.account, call.region.name, doc, None, {}, {})


def describe_regions(call: Call, params: Params) -> Result:
    names = params.get("RegionNames") or []
    unknown = [n for n in names if n not in REGIONS]
    if unknown:
        raise InvalidParameter("InvalidParameterValue", f"Invalid region names: {', '.join(unknown)}")
    items = [
        _item(call, "region", r.name, {"RegionName": r.name, "Endpoint": r.endpoint, "OptInStatus": _opt_in(r)})
        for r in REGIONS.values()
        if not names or r.name in names
    ]
    return _REGIONS.run(call, params, records=items)


def describe_availability_zones(call: Call, params: Params) -> Result:
    region = call.region
    names, ids = params.get("ZoneNames") or [], params.get("ZoneIds") or []
    unknown = [n for n in names if n not in {z.name for z in region.zones}]
    unknown += [i for i in ids if i not in region.zone_ids]
    if unknown:
        raise InvalidParameter(
            "InvalidParameterValue", f"The zone '{unknown[0]}' does not exist in region {region.name}."
        )
    zones = [z for z in region.zones if not (names or ids) or z.name in names or z.zone_id in ids]
    items = [_item(call, "availability-zone", z.name, zone_doc(region, z)) for z in zones]
    return _ZONES.run(call, params, records=items)


def zone_doc(region: Region, zone: Zone) -> dict[str, Any]:
    """One ``AvailabilityZone`` item of DescribeAvailabilityZones."""
    return {
        "OptInStatus": "opt-in-not-required",
        "Messages": [],
        "RegionName": region.name,
        "ZoneName": zone.name,
        "ZoneId": zone.zone_id,
        "GroupName": f"{region.name}-zg-1",
        "NetworkBorderGroup": region.name,
        "ZoneType": "availability-zone",
        "GroupLongName": f"{region.description} 1",
        "State": "available",
    }
