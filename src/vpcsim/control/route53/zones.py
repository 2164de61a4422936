"""Hosted zones: create (public with a delegation set, or private with a first VPC), read, list, comment, delete.

Facts [Route 53 API Reference; Route 53 DG "Working with private hosted zones"]: CreateHostedZone answers 201 with
the zone, a PENDING change and a Location; CallerReference is unique per account (``HostedZoneAlreadyExists``); a
new zone holds its SOA and NS record sets (so ResourceRecordSetCount is 2); a private zone needs a VPC, a public one
must not name one; DeleteHostedZone refuses while any record set other than those two remains
(``HostedZoneNotEmpty``). Zones are global: vpcsim stores them with no Region (``GLOBAL``).
"""

from __future__ import annotations

from typing import Any

from vpcsim.control.core.call import Call, Params, Result
from vpcsim.control.route53 import names
from vpcsim.control.route53.changes import change_info
from vpcsim.errors import ApiError, InvalidParameter
from vpcsim.model import Record

KIND = "hosted-zone"
GLOBAL = ""  # Route 53 is global: its records carry no Region
_SOA = "awsdns-hostmaster.amazon.com. 1 7200 900 1209600 86400"
# Private zones answer these placeholder name servers [Route 53 DG, private hosted zone NS and SOA records].
_PRIVATE_NS = ("ns-0.awsdns-00.com.", "ns-512.awsdns-00.net.", "ns-1024.awsdns-00.org.", "ns-1536.awsdns-00.co.uk.")
_TLDS = ("com", "net", "org", "co.uk")


def find_zone(call: Call, zone_id: str) -> Record | None:
    """The caller's own zone with this id (bare or with its path)."""
    record = call.tx.find(KIND, names.bare(zone_id, names.ZONE_PATH))
    return record if record is not None and record.account == call.account else None


def get_zone(call: Call, zone_id: str) -> Record:
    record = find_zone(call, zone_id)
    if record is None:
        raise ApiError("NoSuchHostedZone", f"No hosted zone found with ID: {names.bare(zone_id, names.ZONE_PATH)}")
    return record


def is_private(zone: Record) -> bool:
    return bool(zone.doc["Config"]["PrivateZone"])


def zone_vpcs(zone: Record) -> list[dict[str, str]]:
    return list(zone.extra.get("vpcs", []))


def record_sets(zone: Record) -> list[dict[str, Any]]:
    return list(zone.extra.get("records", []))


def shown_zone(zone: Record) -> dict[str, Any]:
    return {**zone.doc, "ResourceRecordSetCount": len(record_sets(zone))}


# -- create ------------------------------------------------------------------------------------------------------
def create_hosted_zone(call: Call, params: Params) -> Result:
    name = names.check_domain(params["Name"])
    reference = params["CallerReference"]
    if any(z.doc["CallerReference"] == reference for z in _mine(call)):
        raise ApiError(
            "HostedZoneAlreadyExists",
            f"A hosted zone has already been created with the specified caller reference: {reference}",
        )
    config = params.get("HostedZoneConfig") or {}
    vpc = params.get("VPC")
    private = bool(config.get("PrivateZone")) or vpc is not None
    if private and vpc is None:
        raise InvalidParameter("InvalidInput", "When you create a private hosted zone, you must specify a VPC.")
    vpcs = [check_vpc(call, vpc)] if vpc is not None else []
    zone = _new_zone(call, name, reference, config.get("Comment"), private, vpcs)
    result: Result = {
        "HostedZone": shown_zone(zone),
        "ChangeInfo": change_info(call, params.get("HostedZoneConfig", {}).get("Comment")),
        "Location": f"https://route53.amazonaws.com/2013-04-01/hostedzone/{zone.id}",
    }
    if private:
        result["VPC"] = {"VPCRegion": vpcs[0]["VPCRegion"], "VPCId": vpcs[0]["VPCId"]}
    else:
        result["DelegationSet"] = {"NameServers": zone.extra["name_servers"]}
    return result


def _new_zone(
    call: Call, name: str, reference: str, comment: str | None, private: bool, vpcs: list[dict[str, str]]
) -> Record:
    zid = _new_zone_id(call)
    servers = list(_PRIVATE_NS) if private else _public_name_servers(call)
    config: dict[str, Any] = {"PrivateZone": private}
    if comment is not None:
        config["Comment"] = comment
    doc = {"Id": names.ZONE_PATH + zid, "Name": name, "CallerReference": reference, "Config": config}
    defaults = [
        {"Name": name, "Type": "NS", "TTL": 172800, "ResourceRecords": [{"Value": s} for s in servers]},
        {"Name": name, "Type": "SOA", "TTL": 900, "ResourceRecords": [{"Value": f"{servers[0]} {_SOA}"}]},
    ]
    extra = {"vpcs": vpcs, "records": defaults, "name_servers": servers, "authorizations": []}
    return call.tx.put(Record(KIND, zid, call.account, GLOBAL, doc, None, {}, extra))


def _new_zone_id(call: Call) -> str:
    while True:
        zid = "Z" + call.ids.token(names.ID_ALPHABET, 20)
        if call.tx.find(KIND, zid) is None:
            return zid


def _public_name_servers(call: Call) -> list[str]:
    """Four name servers in four top-level domains, as Route 53 assigns a delegation set."""
    return [f"ns-{int(call.ids.hex(3), 16) % 2048}.awsdns-{int(call.ids.hex(2), 16) % 64:02d}.{tld}." for tld in _TLDS]


def check_vpc(call: Call, vpc: dict[str, Any]) -> dict[str, str]:
    """A VPC named in a request: it must exist in the caller's account and the Region given."""
    vpc_id, region = vpc.get("VPCId") or "", vpc.get("VPCRegion") or call.region.name
    record = call.tx.find("vpc", vpc_id)
    if record is None or record.account != call.account or record.region != region:
        raise ApiError("InvalidVPCId", f"The VPC ID '{vpc_id}' is not valid, or the VPC is not in region {region}.")
    return {"VPCRegion": region, "VPCId": vpc_id, "OwnerId": record.account}


# -- read --------------------------------------------------------------------------------------------------------
def get_hosted_zone(call: Call, params: Params) -> Result:
    zone = get_zone(call, params["Id"])
    result: Result = {"HostedZone": shown_zone(zone)}
    if is_private(zone):
        result["VPCs"] = [{"VPCRegion": v["VPCRegion"], "VPCId": v["VPCId"]} for v in zone_vpcs(zone)]
    else:
        result["DelegationSet"] = {"NameServers": zone.extra["name_servers"]}
    return result


def get_hosted_zone_count(call: Call, params: Params) -> Result:
    return {"HostedZoneCount": len(_mine(call))}


def list_hosted_zones(call: Call, params: Params) -> Result:
    zones = _mine(call)
    wanted = params.get("HostedZoneType")
    if wanted is not None:
        zones = [z for z in zones if is_private(z) == (wanted == "PrivateHostedZone")]
    page, marker, limit = _page(zones, params.get("Marker"), params.get("MaxItems"))
    result: Result = {"HostedZones": [shown_zone(z) for z in page], "IsTruncated": marker is not None}
    result.update(MaxItems=str(limit), **({"Marker": params["Marker"]} if params.get("Marker") else {}))
    if marker is not None:
        result["NextMarker"] = marker
    return result


def list_hosted_zones_by_name(call: Call, params: Params) -> Result:
    zones = sorted(_mine(call), key=lambda z: (_reversed(z.doc["Name"]), z.id))
    start = names.canonical(params["DNSName"]) if params.get("DNSName") else None
    if start is not None:
        zones = [z for z in zones if _reversed(z.doc["Name"]) >= _reversed(start)]
    limit = _limit(params.get("MaxItems"))
    page, rest = zones[:limit], zones[limit:]
    result: Result = {"HostedZones": [shown_zone(z) for z in page], "IsTruncated": bool(rest), "MaxItems": str(limit)}
    if start is not None:
        result["DNSName"] = start
    if rest:
        result.update(NextDNSName=rest[0].doc["Name"], NextHostedZoneId=rest[0].id)
    return result


def list_hosted_zones_by_vpc(call: Call, params: Params) -> Result:
    """Every zone any account associated with the caller's VPC, with its owner [Route 53 API ListHostedZonesByVPC]."""
    vpc_id, region = params["VPCId"], params["VPCRegion"]
    found = [
        {"HostedZoneId": z.id, "Name": z.doc["Name"], "Owner": {"OwningAccount": z.account}}
        for z in call.tx.scan(KIND)
        if any(v["VPCId"] == vpc_id and v["VPCRegion"] == region for v in zone_vpcs(z))
    ]
    return {"HostedZoneSummaries": found, "MaxItems": str(_limit(params.get("MaxItems")))}


def update_hosted_zone_comment(call: Call, params: Params) -> Result:
    zone = get_zone(call, params["Id"])
    config = {**zone.doc["Config"], "Comment": params.get("Comment") or ""}
    updated = call.tx.put(zone.with_doc(Config=config))
    return {"HostedZone": shown_zone(updated)}


# -- delete ------------------------------------------------------------------------------------------------------
def delete_hosted_zone(call: Call, params: Params) -> Result:
    zone = get_zone(call, params["Id"])
    if any(r["Type"] not in ("SOA", "NS") or r["Name"] != zone.doc["Name"] for r in record_sets(zone)):
        raise ApiError(
            "HostedZoneNotEmpty",
            "The hosted zone contains resource records that are not SOA or NS records.",
        )
    call.tx.delete(KIND, zone.id)
    return {"ChangeInfo": change_info(call)}


# -- helpers -----------------------------------------------------------------------------------------------------
def _mine(call: Call) -> list[Record]:
    return list(call.tx.scan(KIND, call.account, GLOBAL))


def _reversed(name: str) -> str:
    """``www.example.com.`` sorts as ``com.example.www``, as ListHostedZonesByName orders names."""
    return ".".join(reversed(name.rstrip(".").split(".")))


def _limit(raw: str | None) -> int:
    try:
        limit = int(raw) if raw else 100
    except ValueError:
        raise InvalidParameter("InvalidInput", f"MaxItems '{raw}' is not a number.") from None
    return max(1, min(limit, 100))


def _page(zones: list[Record], marker: str | None, raw_limit: str | None) -> tuple[list[Record], str | None, int]:
    """A page of zones starting at the one whose id is ``marker``, and the id that starts the next page."""
    limit = _limit(raw_limit)
    start = next((i for i, zone in enumerate(zones) if zone.id == marker), 0) if marker else 0
    page = zones[start : start + limit]
    following = zones[start + limit : start + limit + 1]
    return page, (following[0].id if following else None), limit
