"""DescribeRegions and DescribeAvailabilityZones from the region catalog.

Every commercial region is enabled in vpcsim; opt-in regions report ``opted-in`` (AWS: ``OptInStatus`` is
``opt-in-not-required`` for regions that predate March 2019, else ``opted-in`` once enabled).
"""

from __future__ import annotations

from typing import Any

from vpcsim.catalog import REGIONS, Region
from vpcsim.control.core.call import Call, Params, Result
from vpcsim.errors import InvalidParameter

_REGION_FILTERS = {"endpoint", "region-name", "opt-in-status"}
_ZONE_FILTERS = {
    "group-name",
    "message",
    "opt-in-status",
    "region-name",
    "state",
    "zone-id",
    "zone-name",
    "zone-type",
    "group-long-name",
    "network-border-group",
    "parent-zone-id",
    "parent-zone-name",
}


def _opt_in(region: Region) -> str:
    return "opted-in" if region.opt_in else "opt-in-not-required"


def _matches(item: dict[str, Any], filters: list[dict[str, Any]], fields: dict[str, str], known: set[str]) -> bool:
    for flt in filters:
        name = flt.get("Name") or ""
        if name not in known:
            raise InvalidParameter("InvalidParameterValue", f"The filter '{name}' is invalid")
        field = fields.get(name)
        if field is not None and str(item.get(field)) not in (flt.get("Values") or []):
            return False
    return True


def describe_regions(call: Call, params: Params) -> Result:
    names = params.get("RegionNames") or []
    unknown = [n for n in names if n not in REGIONS]
    if unknown:
        raise InvalidParameter("InvalidParameterValue", f"Invalid region names: {', '.join(unknown)}")
    fields = {"endpoint": "Endpoint", "region-name": "RegionName", "opt-in-status": "OptInStatus"}
    items = [
        {"RegionName": r.name, "Endpoint": r.endpoint, "OptInStatus": _opt_in(r)}
        for r in REGIONS.values()
        if not names or r.name in names
    ]
    return {"Regions": [i for i in items if _matches(i, params.get("Filters") or [], fields, _REGION_FILTERS)]}


def describe_availability_zones(call: Call, params: Params) -> Result:
    region = call.region
    wanted = set(params.get("ZoneNames") or []) | set(params.get("ZoneIds") or [])
    unknown = [w for w in wanted if region.find_zone(w) is None]
    if unknown:
        raise InvalidParameter(
            "InvalidParameterValue", f"The zone '{unknown[0]}' does not exist in region {region.name}."
        )
    fields = {
        "region-name": "RegionName",
        "state": "State",
        "zone-id": "ZoneId",
        "zone-name": "ZoneName",
        "zone-type": "ZoneType",
        "group-name": "GroupName",
        "opt-in-status": "OptInStatus",
        "network-border-group": "NetworkBorderGroup",
    }
    zones = [_zone(region, z.name, z.zone_id) for z in region.zones if not wanted or {z.name, z.zone_id} & wanted]
    filters = params.get("Filters") or []
    return {"AvailabilityZones": [z for z in zones if _matches(z, filters, fields, _ZONE_FILTERS)]}


def _zone(region: Region, name: str, zone_id: str) -> dict[str, Any]:
    return {
        "OptInStatus": "opt-in-not-required",
        "Messages": [],
        "RegionName": region.name,
        "ZoneName": name,
        "ZoneId": zone_id,
        "GroupName": region.name,
        "NetworkBorderGroup": region.name,
        "ZoneType": "availability-zone",
        "GroupLongName": f"{region.description} {region.name}",
        "State": "available",
    }
