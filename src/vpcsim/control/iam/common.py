"""What IAM's entities share: unique ids, ARNs, dates, tags, and the Marker/MaxItems paging of every List call.

Facts [IAM UG "IAM identifiers"; IAM API Reference]: unique ids are a four-letter prefix by entity type (``AROA`` a
role, ``AIPA`` an instance profile, ``AIDA`` a user) and 17 characters of upper-case letters and digits; ARNs are
``arn:aws:iam::<account>:<type><path><name>``; names are unique per account and type whatever their case ("you
can't create resources named both MyResource and myresource"), and are looked up the same way; dates are ISO 8601
in UTC. List calls return at most ``MaxItems`` (default 100) with ``IsTruncated`` and an opaque ``Marker`` to go on
from. IAM is global: its records carry no Region (``GLOBAL``).
Choices named here: a Marker is the position to go on from (an opaque string in AWS; one vpcsim did not issue is
``ValidationError`` "Invalid Marker"); tags keep the order they were given in.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from vpcsim.control.core.call import Call, Params
from vpcsim.errors import ApiError, InvalidParameter
from vpcsim.model import Record

GLOBAL = ""  # IAM is global: its records carry no Region
# Record kinds; a record's id is ``entity_key(account, name)``.
ROLE, POLICY, PROFILE = "iam-role", "iam-policy", "iam-instance-profile"
_ID_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
DEFAULT_MAX_ITEMS = 100
MAX_TAGS = 50  # tags per IAM entity [IAM UG "IAM and AWS STS quotas"]


def unique_id(call: Call, prefix: str) -> str:
    """``AROA`` + 17 characters, as IAM forms unique ids."""
    return prefix + call.ids.token(_ID_ALPHABET, 17)


def entity_key(account: str, name: str) -> str:
    """A record id for an entity name, unique per account whatever the name's case."""
    return f"{account}/{name.lower()}"


def iam_arn(account: str, kind: str, path: str, name: str) -> str:
    return f"arn:aws:iam::{account}:{kind}{path}{name}"


def no_such_entity(message: str) -> ApiError:
    return ApiError("NoSuchEntity", message)


def owned(call: Call, kind: str) -> list[Record]:
    """The caller's entities of ``kind``, oldest first."""
    return list(call.tx.scan(kind, call.account, GLOBAL))


def iam_date(call: Call) -> str:
    """Now as IAM writes dates, to the second: ``2024-05-06T07:08:09Z``."""
    return call.now.strftime("%Y-%m-%dT%H:%M:%SZ")


def page(call: Call, params: Params, items: Sequence[Any], member: str) -> dict[str, Any]:
    """``items`` from ``Marker`` on, at most ``MaxItems``, as ``{member: ..., IsTruncated, Marker}``."""
    start = _position(params.get("Marker"))
    if start > len(items):
        raise InvalidParameter("ValidationError", "Invalid Marker.")
    size = int(params.get("MaxItems") or DEFAULT_MAX_ITEMS)
    chosen = list(items[start : start + size])
    result: dict[str, Any] = {member: chosen, "IsTruncated": start + size < len(items)}
    if result["IsTruncated"]:
        result["Marker"] = str(start + size)
    return result


def _position(marker: str | None) -> int:
    if marker is None:
        return 0
    if not (marker.isascii() and marker.isdigit()):
        raise InvalidParameter("ValidationError", "Invalid Marker.")
    return int(marker)


# -- tags ------------------------------------------------------------------------------------------------------
def tags_given(params: Params) -> dict[str, str]:
    """``Tags`` as a mapping; a key given twice is ``InvalidInput`` [IAM API Reference, TagRole]."""
    tags: dict[str, str] = {}
    for tag in params.get("Tags") or []:
        if tag["Key"] in tags:
            raise InvalidParameter(
                "InvalidInput", "Duplicate tag keys found. Please note that Tag keys are case sensitive."
            )
        tags[tag["Key"]] = tag.get("Value", "")
    return tags


def merged_tags(current: dict[str, str], added: dict[str, str], kind: str) -> dict[str, str]:
    tags = {**current, **added}
    if len(tags) > MAX_TAGS:
        raise ApiError("LimitExceeded", f"Cannot exceed quota for TagsPer{kind}: {MAX_TAGS}")
    return tags


def tag_list(tags: dict[str, str]) -> list[dict[str, str]]:
    return [{"Key": k, "Value": v} for k, v in tags.items()]
