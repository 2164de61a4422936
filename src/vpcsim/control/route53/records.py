"""Record sets: ChangeResourceRecordSets (CREATE, DELETE, UPSERT as one atomic batch) and ListResourceRecordSets.

Facts [Route 53 API ChangeResourceRecordSets; DG "Values that you specify when you create or edit records"]: a batch
applies fully or not at all and every problem is ``InvalidChangeBatch`` with Route 53's own wording; CREATE of an
existing set and DELETE of a missing or different one fail; a name must lie in the zone; a CNAME cannot sit at the
apex nor beside other records of its name; an alias record has no TTL and no values, a plain one needs both; record
sets are listed in DNS order (reversed labels), then by type. Alias targets name another zone's record (endpoint,
load balancer or S3 website names) by hosted zone id and DNS name.
"""

from __future__ import annotations

from typing import Any

from vpcsim.control.core.call import Call, Params, Result
from vpcsim.control.route53 import names
from vpcsim.control.route53.changes import change_info
from vpcsim.control.route53.zones import get_zone, record_sets
from vpcsim.errors import ApiError, InvalidParameter

_TYPES = frozenset({"SOA", "A", "TXT", "NS", "CNAME", "MX", "NAPTR", "PTR", "SRV", "SPF", "AAAA", "CAA", "DS"})
_MAX_CHANGES = 1000  # per batch [Route 53 quotas]

Key = tuple[str, str, str]


def _key(record: dict[str, Any]) -> Key:
    return record["Name"], record["Type"], record.get("SetIdentifier") or ""


def _describe(record: dict[str, Any]) -> str:
    return f"[name='{names.shown(record['Name'])}', type='{record['Type']}']"


def _invalid(messages: list[str]) -> ApiError:
    return ApiError("InvalidChangeBatch", "[" + ", ".join(messages) + "]")


def change_resource_record_sets(call: Call, params: Params) -> Result:
    zone = get_zone(call, params["HostedZoneId"])
    batch = params["ChangeBatch"]
    changes = batch.get("Changes") or []
    if not 1 <= len(changes) <= _MAX_CHANGES:
        raise InvalidParameter("InvalidInput", f"A change batch holds 1 to {_MAX_CHANGES} changes.")
    current = {_key(r): r for r in record_sets(zone)}
    problems: list[str] = []
    for change in changes:
        _apply(zone.doc["Name"], current, change["Action"], _normalised(change["ResourceRecordSet"]), problems)
    if problems:
        raise _invalid(problems)
    call.tx.put(zone.with_extra(records=sorted(current.values(), key=_order)))
    return {"ChangeInfo": change_info(call, batch.get("Comment"))}


def _normalised(given: dict[str, Any]) -> dict[str, Any]:
    record = {k: v for k, v in given.items() if v is not None}
    record["Name"] = names.canonical(given["Name"])
    alias = record.get("AliasTarget")
    if alias is not None:
        record["AliasTarget"] = {**alias, "DNSName": names.canonical(alias["DNSName"])}
    return record


def _apply(zone: str, current: dict[Key, dict[str, Any]], action: str, record: dict[str, Any], out: list[str]) -> None:
    out.extend(_problems(zone, record))
    key = _key(record)
    existing = current.get(key)
    if action == "CREATE" and existing is not None:
        out.append(f"Tried to create resource record set {_describe(record)} but it already exists")
    elif action == "DELETE" and existing is None:
        out.append(f"Tried to delete resource record set {_describe(record)} but it was not found")
    elif action == "DELETE" and existing != record:
        out.append(
            f"Tried to delete resource record set {_describe(record)} but the values provided do not match the "
            "current values"
        )
    elif action == "DELETE" and record["Type"] in ("SOA", "NS") and record["Name"] == zone:
        out.append("A HostedZone must contain at least one NS record and one SOA record for the zone itself")
    if action == "DELETE":
        current.pop(key, None)
    else:
        _check_cname(zone, current, record, out)
        current[key] = record


def _problems(zone: str, record: dict[str, Any]) -> list[str]:
    problems = []
    if record["Type"] not in _TYPES:
        problems.append(f"Invalid type {record['Type']} for {_describe(record)}")
    if not names.within(record["Name"], zone):
        problems.append(f"RRSet with DNS name {names.shown(record['Name'])} is not permitted in zone {zone}")
    alias, values, ttl = record.get("AliasTarget"), record.get("ResourceRecords"), record.get("TTL")
    if alias is not None and (values or ttl is not None):
        problems.append(f"RRSet {_describe(record)} with an alias target cannot have a TTL or resource records")
    if alias is None and (not values or ttl is None):
        problems.append(f"RRSet {_describe(record)} needs a TTL and at least one resource record")
    return problems


def _check_cname(zone: str, current: dict[Key, dict[str, Any]], record: dict[str, Any], out: list[str]) -> None:
    name = record["Name"]
    if record["Type"] == "CNAME" and name == zone:
        out.append(f"RRSet of type CNAME with DNS name {name} is not permitted at apex in zone {zone}")
    others = {r["Type"] for k, r in current.items() if r["Name"] == name and k != _key(record)}
    if (record["Type"] == "CNAME" and others) or (record["Type"] != "CNAME" and "CNAME" in others):
        out.append(
            f"RRSet of type {record['Type']} with DNS name {names.shown(name)} is not permitted because a conflicting "
            "RRSet of type CNAME with the same DNS name already exists in zone " + zone
        )


def _order(record: dict[str, Any]) -> tuple[str, str, str]:
    labels = ".".join(reversed(record["Name"].rstrip(".").split(".")))
    return labels, record["Type"], record.get("SetIdentifier") or ""


def list_resource_record_sets(call: Call, params: Params) -> Result:
    zone = get_zone(call, params["HostedZoneId"])
    records = sorted(record_sets(zone), key=_order)
    start_name = params.get("StartRecordName")
    if start_name:
        start = (_order({"Name": names.canonical(start_name), "Type": params.get("StartRecordType") or ""}))[:2]
        records = [r for r in records if _order(r)[:2] >= start]
    limit = _limit(params.get("MaxItems"))
    page, rest = records[:limit], records[limit:]
    result: Result = {
        "ResourceRecordSets": [{**r, "Name": names.shown(r["Name"])} for r in page],
        "IsTruncated": bool(rest),
        "MaxItems": str(limit),
    }
    if rest:
        result.update(NextRecordName=names.shown(rest[0]["Name"]), NextRecordType=rest[0]["Type"])
    return result


def _limit(raw: str | None) -> int:
    try:
        return max(1, min(int(raw), 300)) if raw else 300
    except ValueError:
        raise InvalidParameter("InvalidInput", f"MaxItems '{raw}' is not a number.") from None
