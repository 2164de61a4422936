"""Tags: TagSpecifications at create time, CreateTags, DeleteTags, DescribeTags.

AWS limits [EC2 tagging docs]: 50 tags per resource, keys up to 128 and values up to 256 characters, and keys may
not start with ``aws:`` (reserved for AWS).

A connection seen from two accounts or Regions (a VPC peering connection, a transit gateway peering attachment) has
tags per end: each end tags and reads its own (``lookup.seen_by``), as each end is its own resource in AWS.
"""

from __future__ import annotations

from typing import Any

from vpcsim.control.core.call import Call, Params, Result
from vpcsim.control.core.describe import Listing, matches, paginate
from vpcsim.control.core.lookup import SIDE_TAGS, check_id, far_end, find_either_end, get, seen_by
from vpcsim.errors import InvalidParameter, LimitExceeded, Malformed
from vpcsim.model import Record, id_kind
from vpcsim.model.kinds import KINDS

_MAX_TAGS = 50


def tags_for(call: Call, params: Params, resource_type: str) -> dict[str, str]:
    """The tags ``TagSpecifications`` asks for on a new resource of ``resource_type``, checked."""
    tags: dict[str, str] = {}
    for spec in params.get("TagSpecifications") or []:
        given = spec.get("ResourceType")
        if given != resource_type:
            raise InvalidParameter(
                "InvalidParameterValue",
                f"'{given}' is not a valid taggable resource type for this operation.",
            )
        for tag in spec.get("Tags") or []:
            tags[_key(tag)] = tag.get("Value") or ""
    _check(tags)
    return tags


def _key(tag: dict[str, Any]) -> str:
    key = tag.get("Key")
    if key is None:
        raise InvalidParameter("InvalidParameterValue", "Tag keys must not be empty.")
    return str(key)


def _check(tags: dict[str, str]) -> None:
    if len(tags) > _MAX_TAGS:
        raise LimitExceeded("TagLimitExceeded", f"The maximum number of tags per resource is {_MAX_TAGS}.")
    for key, value in tags.items():
        if key.lower().startswith("aws:"):
            raise InvalidParameter("InvalidParameterValue", f"Tag keys starting with 'aws:' are reserved: {key}")
        if not 1 <= len(key) <= 128:
            raise InvalidParameter("InvalidParameterValue", f"Tag key must be 1 to 128 characters: {key!r}")
        if len(value) > 256:
            raise InvalidParameter("InvalidParameterValue", f"Tag value must be at most 256 characters: {key}")


def _resource(call: Call, rid: str) -> Record:
    kind = id_kind(rid)
    if kind is None or kind not in KINDS:
        raise Malformed("InvalidID", f"The ID '{rid}' is not valid")
    check_id(kind, rid)
    # Both ends of a connection may tag it (a peering connection lives in the requester's account and Region).
    record = find_either_end(call, kind, rid)
    if record is None:
        return get(call, kind, rid)  # the caller's NotFound
    return record


def _retag(call: Call, record: Record, tags: dict[str, str]) -> None:
    """Store ``tags`` as the caller's end's tags: the record's own, or its far end's (``lookup.SIDE_TAGS``)."""
    side = far_end(call, record)
    if side is None:
        call.tx.put(record.evolve(tags=tags))
        return
    call.tx.put(record.with_extra(**{SIDE_TAGS: {**(record.extra.get(SIDE_TAGS) or {}), side: tags}}))


def create_tags(call: Call, params: Params) -> Result:
    for rid in params["Resources"]:
        record = _resource(call, rid)
        tags = {**seen_by(call, record).tags, **{_key(t): t.get("Value") or "" for t in params["Tags"]}}
        _check(tags)
        _retag(call, record, tags)
    return {}


def delete_tags(call: Call, params: Params) -> Result:
    for rid in params["Resources"]:
        record = _resource(call, rid)
        tags = dict(seen_by(call, record).tags)
        for tag in params.get("Tags") or []:
            key = _key(tag)
            # A tag given with a value is deleted only when the value matches; without one, whatever its value.
            if key in tags and ("Value" not in tag or tag["Value"] == tags[key]):
                del tags[key]
        if not params.get("Tags"):
            tags = {}
        _retag(call, record, tags)
    return {}


_TAG_FILTERS = ("key", "value", "resource-id", "resource-type")


def describe_tags(call: Call, params: Params) -> Result:
    """Filters [botocore DescribeTags]: ``key``, ``value``, ``resource-id``, ``resource-type`` and ``tag:<key>`` (a
    row whose key is <key> and whose value matches), with EC2's wildcards."""
    rows = [_row(r, k, v) for kind in KINDS for r in call.scan(kind) for k, v in r.tags.items()]
    for flt in params.get("Filters") or []:
        name = flt.get("Name") or ""
        if name not in _TAG_FILTERS and not name.startswith("tag:"):
            raise InvalidParameter("InvalidParameterValue", f"The filter '{name}' is invalid")
        rows = [row for row in rows if _tag_row_matches(row, name, flt.get("Values") or [])]
    page, token = paginate(rows, params, (5, 1000))  # type: ignore[arg-type]
    result: Result = {"Tags": page}
    if token:
        result["NextToken"] = token
    return result


def _tag_row_matches(row: dict[str, str], name: str, patterns: list[str]) -> bool:
    if name.startswith("tag:"):
        return row["Key"] == name[4:] and any(matches(p, row["Value"]) for p in patterns)
    field = {"key": "Key", "value": "Value", "resource-id": "ResourceId", "resource-type": "ResourceType"}[name]
    return any(matches(p, row[field]) for p in patterns)


def _row(record: Record, key: str, value: str) -> dict[str, str]:
    return {"Key": key, "Value": value, "ResourceId": record.id, "ResourceType": record.kind}


__all__ = ["Listing", "create_tags", "delete_tags", "describe_tags", "tags_for"]
