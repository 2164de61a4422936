"""Managed prefix lists: customer-managed lists with versioned entries, and AWS-managed lists visible to all.

A list is a record of kind ``prefix-list``; its doc is the ``ManagedPrefixList`` AWS describes and its entries live
in ``extra["versions"]`` keyed by version number (``{"1": [{"Cidr": ..., "Description": ...}]}``), so that
``GetManagedPrefixListEntries(TargetVersion=...)`` and ``RestoreManagedPrefixListVersion`` read earlier versions.
AWS-managed lists (S3, DynamoDB, ...) come from the catalog (``vpcsim.catalog.prefix_lists``, generated from
ip-ranges): they are never stored, so that a newer catalog is seen at once; ``aws_managed`` presents them as
records of the same layout with doc ``OwnerId == "AWS"``; every account of the region sees them, none can change them.

Facts [EC2API; VPCUG23 8.4; CLIEX]: ids ``pl-`` + 17 hex; MaxEntries 1 to 1000; 100 customer lists per region;
at most 100 additions and removals per modify; entries and MaxEntries cannot change in one request; adding or
removing entries makes a new version, renaming does not; a stale CurrentVersion is ``PrefixListVersionMismatch``.
Create/Modify/Restore/Delete answer ``create-in-progress``/``modify-in-progress``/``restore-in-progress``/
``delete-in-progress`` with the version before the change (CLI examples); the change is complete on the next call.
"""

from __future__ import annotations

from ipaddress import ip_network
from typing import Any

from vpcsim.control.core.call import Call, Params, Result
from vpcsim.control.core.describe import Listing, member, paginate, present
from vpcsim.control.core.queries import aws_managed, get_prefix_list, groups_using_prefix_list, is_aws_managed
from vpcsim.control.core.tags import tags_for
from vpcsim.errors import ApiError, DependencyViolation, InvalidParameter, LimitExceeded, NotFound
from vpcsim.model import Record
from vpcsim.model.kinds import KINDS

_MAX_LISTS = 100
_MAX_ENTRIES = 1000
_MAX_CHANGES = 100

LISTING = Listing(
    kind="prefix-list",
    page_member="PrefixLists",
    max_results=(1, 100),
    filters={
        "owner-id": member("OwnerId"),
        "prefix-list-id": member("PrefixListId"),
        "prefix-list-name": member("PrefixListName"),
    },
)
AWS_LISTING = Listing(
    kind="prefix-list",
    page_member="PrefixLists",
    max_results=(1, 1000),
    filters={"prefix-list-id": member("PrefixListId"), "prefix-list-name": member("PrefixListName")},
    present=lambda r: {
        "PrefixListId": r.id,
        "PrefixListName": r.doc["PrefixListName"],
        "Cidrs": [e["Cidr"] for e in entries(r)],
    },
)


# -- lookups shared with routes, security groups and the data plane ---------------------------------------------
def entries(record: Record, version: int | None = None) -> list[dict[str, Any]]:
    """The entries of ``version`` (default: the current one)."""
    wanted = record.doc["Version"] if version is None else version
    return list(record.extra.get("versions", {}).get(str(wanted), []))


def _visible(call: Call) -> list[Record]:
    return [*aws_managed(call.region.name), *call.scan("prefix-list")]


def _own(call: Call, pl_id: str) -> Record:
    record = get_prefix_list(call, pl_id)
    if is_aws_managed(record):
        # AWS-managed lists "cannot be created, modified, shared, or deleted" [VPCUG23]; code [choice: UNCERTAIN].
        raise ApiError(
            "InvalidPrefixListModification",
            f"The prefix list {pl_id} is managed by AWS and cannot be modified or deleted.",
        )
    return record


# -- validation ---------------------------------------------------------------------------------------------------
def _check_entries(family: str, given: list[dict[str, Any]]) -> list[dict[str, Any]]:
    seen: set[str] = set()
    checked = []
    for entry in given:
        cidr = str(entry.get("Cidr") or "")
        _check_cidr(family, cidr)
        if cidr in seen:
            raise InvalidParameter("InvalidParameterValue", f"The CIDR {cidr} is given more than once.")
        seen.add(cidr)
        description = entry.get("Description")
        if description is not None and len(description) > 255:
            raise InvalidParameter("InvalidParameterValue", "An entry description must be at most 255 characters.")
        checked.append({"Cidr": cidr, "Description": description} if description is not None else {"Cidr": cidr})
    return checked


def _check_cidr(family: str, cidr: str) -> None:
    try:
        network = ip_network(cidr, strict=True)
    except ValueError:
        raise InvalidParameter("InvalidParameterValue", f"The CIDR '{cidr}' is invalid.") from None
    if (network.version == 4) != (family == "IPv4"):
        raise InvalidParameter(
            "InvalidParameterValue", f"The CIDR '{cidr}' does not match the prefix list's address family {family}."
        )


def _check_fits(limit: int, count: int) -> None:
    # Code named by AWS SDKs' error tables (PrefixListMaxEntriesExceeded) [choice: no AWS text].
    if count > limit:
        raise LimitExceeded(
            "PrefixListMaxEntriesExceeded",
            f"The prefix list would have {count} entries, more than its MaxEntries ({limit}).",
        )


def _check_max(value: int) -> None:
    if not 1 <= value <= _MAX_ENTRIES:
        raise InvalidParameter(
            "InvalidParameterValue",
            f"Value ({value}) for parameter MaxEntries is invalid. It must be 1 to {_MAX_ENTRIES}.",
        )


def _check_name(name: str) -> None:
    if not 1 <= len(name) <= 255 or name.startswith("com.amazonaws"):
        raise InvalidParameter(
            "InvalidParameterValue",
            f"The prefix list name '{name}' is invalid: 1 to 255 characters, not com.amazonaws*.",
        )


# -- handlers -----------------------------------------------------------------------------------------------------
def create_managed_prefix_list(call: Call, params: Params) -> Result:
    name, family, size = params["PrefixListName"], params["AddressFamily"], params["MaxEntries"]
    token = params.get("ClientToken")
    earlier = call.earlier("prefix-list", token)
    if earlier is not None:
        return {"PrefixList": _idempotent(earlier, name, family, size)}
    _check_name(name)
    _check_max(size)
    if family not in ("IPv4", "IPv6"):
        raise InvalidParameter("InvalidParameterValue", f"Value ({family}) for parameter AddressFamily is invalid.")
    given = _check_entries(family, params.get("Entries") or [])
    _check_fits(size, len(given))
    if len(call.scan("prefix-list")) >= _MAX_LISTS:
        # Quota [VPCUG23 8.4]; code [choice: UNCERTAIN, EC2's *LimitExceeded pattern].
        raise LimitExceeded(
            "PrefixListLimitExceeded", f"You have reached the limit of {_MAX_LISTS} prefix lists in this region."
        )
    record = _new(call, name, family, size, given, token, tags_for(call, params, "prefix-list"))
    return {"PrefixList": _answer(record, "create-in-progress", record.doc["Version"])}


def _idempotent(record: Record, name: str, family: str, size: int) -> dict[str, Any]:
    if (record.doc["PrefixListName"], record.doc["AddressFamily"], record.doc["MaxEntries"]) != (name, family, size):
        raise InvalidParameter(
            "IdempotentParameterMismatch", "The client token was already used with different parameters."
        )
    return present(record)


def _new(
    call: Call, name: str, family: str, size: int, given: list[dict[str, Any]], token: str | None, tags: dict[str, str]
) -> Record:
    pid = call.new_id("pl", "prefix-list")
    doc = {
        "PrefixListId": pid,
        "AddressFamily": family,
        "State": "create-complete",
        "PrefixListArn": f"arn:aws:ec2:{call.region.name}:{call.account}:prefix-list/{pid}",
        "PrefixListName": name,
        "MaxEntries": size,
        "Version": 1,
        "OwnerId": call.account,
    }
    record = call.record("prefix-list", pid, doc, None, versions={"1": given})
    call.remember("prefix-list", token, pid)
    return call.tx.put(record.evolve(tags=tags))


def _answer(record: Record, state: str, version: int) -> dict[str, Any]:
    shown = present(record)
    shown.update(State=state, Version=version)
    return shown


def describe_managed_prefix_lists(call: Call, params: Params) -> Result:
    ids = params.get("PrefixListIds")
    records = [get_prefix_list(call, i) for i in dict.fromkeys(ids)] if ids else _visible(call)
    return LISTING.run(call, params, records=records)


def describe_prefix_lists(call: Call, params: Params) -> Result:
    """The older API: AWS-managed lists only, with their CIDRs."""
    ids = params.get("PrefixListIds")
    managed = list(aws_managed(call.region.name))
    if ids:
        known = {r.id: r for r in managed}
        missing = [i for i in ids if i not in known]
        if missing:
            raise NotFound(KINDS["prefix-list"].not_found, KINDS["prefix-list"].missing_message(missing))
        managed = [known[i] for i in dict.fromkeys(ids)]
    return AWS_LISTING.run(call, params, records=managed)


def get_managed_prefix_list_entries(call: Call, params: Params) -> Result:
    record = get_prefix_list(call, params["PrefixListId"])
    version = params.get("TargetVersion")
    if version is not None and str(version) not in record.extra.get("versions", {}):
        raise InvalidParameter(
            "InvalidParameterValue", f"The version {version} of prefix list {record.id} does not exist."
        )
    page, token = paginate(entries(record, version), params, (1, 100))  # type: ignore[arg-type]
    result: Result = {"Entries": page}
    if token:
        result["NextToken"] = token
    return result


def modify_managed_prefix_list(call: Call, params: Params) -> Result:
    record = _own(call, params["PrefixListId"])
    _check_version(record, params.get("CurrentVersion"))
    adds, removes = params.get("AddEntries") or [], params.get("RemoveEntries") or []
    if (adds or removes) and params.get("MaxEntries") is not None:
        raise InvalidParameter(
            "InvalidParameterCombination",
            "You cannot modify the entries and the maximum number of entries for the prefix list in the same request.",
        )
    if len(adds) + len(removes) > _MAX_CHANGES:
        raise InvalidParameter(
            "InvalidParameterValue", f"Request cannot contain more than {_MAX_CHANGES} entry additions or removals."
        )
    doc: dict[str, Any] = {}
    if params.get("PrefixListName") is not None:
        _check_name(params["PrefixListName"])
        doc["PrefixListName"] = params["PrefixListName"]
    if params.get("MaxEntries") is not None:
        doc["MaxEntries"] = _resize(record, params["MaxEntries"])
    updated = record.with_doc(**doc, State="modify-complete")
    if adds or removes:
        updated = _new_version(updated, _apply(record, adds, removes))
    call.tx.put(updated)
    return {"PrefixList": _answer(updated, "modify-in-progress", record.doc["Version"])}


def _check_version(record: Record, given: int | None) -> None:
    if given is not None and given != record.doc["Version"]:
        raise ApiError("PrefixListVersionMismatch", "The prefix list has the incorrect version number.")


def _resize(record: Record, size: int) -> int:
    _check_max(size)
    if size < len(entries(record)):
        raise InvalidParameter(
            "InvalidParameterValue",
            f"MaxEntries ({size}) cannot be less than the prefix list's {len(entries(record))} entries.",
        )
    return size


def _apply(record: Record, adds: list[dict[str, Any]], removes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The current entries with ``removes`` taken out, then ``adds`` put in (removals first, as AWS applies them)."""
    current = {e["Cidr"]: e for e in entries(record)}
    for entry in removes:
        cidr = str(entry.get("Cidr") or "")
        if cidr not in current:
            raise ApiError(
                "InvalidPrefixListModification", f"The prefix list entry {cidr} of {record.id} does not exist."
            )
        del current[cidr]
    for entry in _check_entries(record.doc["AddressFamily"], adds):
        if entry["Cidr"] in current:
            raise InvalidParameter(
                "InvalidParameterValue", f"The prefix list {record.id} already has an entry for {entry['Cidr']}."
            )
        current[entry["Cidr"]] = entry
    _check_fits(record.doc["MaxEntries"], len(current))
    return list(current.values())


def _new_version(record: Record, new_entries: list[dict[str, Any]]) -> Record:
    version = record.doc["Version"] + 1
    versions = {**record.extra.get("versions", {}), str(version): new_entries}
    return record.with_doc(Version=version).with_extra(versions=versions)


def restore_managed_prefix_list_version(call: Call, params: Params) -> Result:
    record = _own(call, params["PrefixListId"])
    _check_version(record, params["CurrentVersion"])
    previous = params["PreviousVersion"]
    if previous >= record.doc["Version"] or str(previous) not in record.extra.get("versions", {}):
        raise InvalidParameter(
            "InvalidParameterValue", f"The version {previous} of prefix list {record.id} is not an earlier version."
        )
    restored = entries(record, previous)
    _check_fits(record.doc["MaxEntries"], len(restored))
    updated = _new_version(record.with_doc(State="restore-complete"), restored)
    call.tx.put(updated)
    return {"PrefixList": _answer(updated, "restore-in-progress", record.doc["Version"])}


def delete_managed_prefix_list(call: Call, params: Params) -> Result:
    record = _own(call, params["PrefixListId"])
    users = [a["ResourceId"] for a in _associations(call, record.id)]
    if users:
        # AWS refuses while a route or a security group rule references the list; code [choice: EC2's
        # DependencyViolation with its "has dependencies" wording].
        raise DependencyViolation(
            f"The prefix list '{record.id}' has dependencies and cannot be deleted "
            f"(referenced by {', '.join(users[:5])})."
        )
    call.tx.delete("prefix-list", record.id)
    return {"PrefixList": _answer(record, "delete-in-progress", record.doc["Version"])}


def _associations(call: Call, pl_id: str) -> list[dict[str, str]]:
    tables = [
        t
        for t in call.scan("route-table")
        if any(r.get("DestinationPrefixListId") == pl_id for r in t.doc.get("Routes", []))
    ]
    users = [*tables, *groups_using_prefix_list(call, pl_id)]
    return [{"ResourceId": r.id, "ResourceOwner": r.account} for r in users]


def get_managed_prefix_list_associations(call: Call, params: Params) -> Result:
    record = get_prefix_list(call, params["PrefixListId"])
    page, token = paginate(_associations(call, record.id), params, (5, 255))  # type: ignore[arg-type]
    result: Result = {"PrefixListAssociations": page}
    if token:
        result["NextToken"] = token
    return result
