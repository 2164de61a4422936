"""What every ELBv2 family shares: ARNs as record ids, lookups with ELBv2's errors, names, tags, Marker pages.

ELBv2 resources are records whose id is their full ARN (``arn:aws:elasticloadbalancing:<region>:<account>:
loadbalancer/net/<name>/<16 hex>``), kept in the caller's account and region: ``load-balancer`` (parent: its VPC),
``target-group`` (parent: its VPC) and ``listener`` (parent: its load balancer's ARN). ELBv2 is not EC2: a missing
resource is ``LoadBalancerNotFound`` / ``TargetGroupNotFound`` / ``ListenerNotFound`` ("One or more ... not found"),
a bad value is ``ValidationError``, and lists page with ``Marker``/``PageSize``/``NextMarker`` instead of
``NextToken``. Tags live on the record (``Record.tags``) and are shown only by DescribeTags, as ELBv2 does.

Sources: botocore's elbv2 model 2015-12-01 (member docs: names "unique per region per account, ... a maximum of 32
characters, ... only alphanumeric characters or hyphens, must not begin or end with a hyphen"; PageSize 1-400; error
shapes and codes); ELB quotas page (50 tags per resource).
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterable
from typing import Any

from vpcsim.control.core.call import Call, Params
from vpcsim.errors import ApiError, InvalidParameter, LimitExceeded, NotFound
from vpcsim.model import Record

MAX_TAGS = 50  # tags per ELB resource [ELB quotas]
_NAME = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,30}[A-Za-z0-9])?$")
_PAGE_SIZE = (1, 400)
_ARN = {
    "load-balancer": re.compile(
        r"^arn:aws:elasticloadbalancing:[a-z0-9-]+:\d{12}:loadbalancer/(net|app|gwy)/[^/]+/[0-9a-f]{16}$"
    ),
    "target-group": re.compile(r"^arn:aws:elasticloadbalancing:[a-z0-9-]+:\d{12}:targetgroup/[^/]+/[0-9a-f]{16}$"),
    "listener": re.compile(
        r"^arn:aws:elasticloadbalancing:[a-z0-9-]+:\d{12}:listener/(net|app|gwy)/[^/]+/[0-9a-f]{16}/[0-9a-f]{16}$"
    ),
}
_NOT_FOUND = {
    "load-balancer": ("LoadBalancerNotFound", "One or more load balancers not found"),
    "target-group": ("TargetGroupNotFound", "One or more target groups not found"),
    "listener": ("ListenerNotFound", "One or more listeners not found"),
}
_NOUN = {"load-balancer": "load balancer", "target-group": "target group", "listener": "listener"}


def validation(message: str) -> ApiError:
    return InvalidParameter("ValidationError", message)


def configuration(message: str) -> ApiError:
    return InvalidParameter("InvalidConfigurationRequest", message)


def arn(call: Call, resource: str) -> str:
    """``arn:aws:elasticloadbalancing:<region>:<account>:<resource>``."""
    return f"arn:aws:elasticloadbalancing:{call.region.name}:{call.account}:{resource}"


def new_suffix(call: Call) -> str:
    """The 16 hex digits ELBv2 puts at the end of its ARNs and DNS names."""
    return call.ids.hex(16)


def check_name(name: str, noun: str) -> None:
    """Names of load balancers and target groups [ELBv2 API CreateLoadBalancer/CreateTargetGroup Name]."""
    if len(name) > 32:
        raise validation(f"The {noun} name '{name}' cannot be longer than '32' characters")
    if not _NAME.match(name):
        raise validation(
            f"The {noun} name '{name}' must contain only alphanumeric characters or hyphens, "
            "and must not begin or end with a hyphen"
        )


# -- lookups -----------------------------------------------------------------------------------------------------
def check_arn(kind: str, value: str) -> None:
    if not _ARN[kind].match(value or ""):
        raise validation(f"'{value}' is not a valid {_NOUN[kind]} ARN")


def find(call: Call, kind: str, rid: str) -> Record | None:
    record = call.tx.find(kind, rid)
    if record is None or (record.account, record.region) != (call.account, call.region.name):
        return None
    return record


def get(call: Call, kind: str, rid: str) -> Record:
    check_arn(kind, rid)
    record = find(call, kind, rid)
    if record is None:
        raise not_found(kind)
    return record


def get_many(call: Call, kind: str, rids: list[str]) -> list[Record]:
    """Every record named (duplicates once), or one NotFound: ELBv2 does not say which one is missing."""
    for rid in rids:
        check_arn(kind, rid)
    found = [find(call, kind, rid) for rid in dict.fromkeys(rids)]
    if any(r is None for r in found):
        raise not_found(kind)
    return [r for r in found if r is not None]


def not_found(kind: str) -> ApiError:
    code, message = _NOT_FOUND[kind]
    return NotFound(code, message)


def by_name(call: Call, kind: str, member: str, name: str) -> Record | None:
    return next((r for r in call.scan(kind) if r.doc[member] == name), None)


# -- Marker pagination ---------------------------------------------------------------------------------------------
def page(records: list[Any], params: Params) -> tuple[list[Any], str | None]:
    """One page of ``records`` from ``Marker``, at most ``PageSize`` long, and the NextMarker if more remain."""
    start = _decode(params.get("Marker"), len(records))
    size = params.get("PageSize")
    if size is None:
        return records[start:], None
    low, high = _PAGE_SIZE
    if not low <= size <= high:
        raise validation(f"Page size must be between {low} and {high}; got {size}")
    end = start + size
    return records[start:end], _encode(end) if end < len(records) else None


def _encode(offset: int) -> str:
    return base64.urlsafe_b64encode(f"vpcsim-elb:{offset}".encode()).decode()


def _decode(marker: str | None, size: int) -> int:
    if not marker:
        return 0
    try:
        prefix, offset = base64.urlsafe_b64decode(marker.encode()).decode().split(":")
        value = int(offset)
        if prefix != "vpcsim-elb" or value < 0:
            raise ValueError
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise validation(f"Invalid marker: {marker}") from None
    return min(value, size)


def with_marker(result: dict[str, Any], marker: str | None) -> dict[str, Any]:
    if marker:
        result["NextMarker"] = marker
    return result


# -- tags ------------------------------------------------------------------------------------------------------------
def tag_dict(tags: Iterable[dict[str, Any]] | None) -> dict[str, str]:
    """``Tags`` as a mapping, refusing repeated keys (``DuplicateTagKeys``)."""
    result: dict[str, str] = {}
    for tag in tags or []:
        key = str(tag.get("Key") or "")
        if key in result:
            raise ApiError("DuplicateTagKeys", f"Tag key '{key}' is duplicated")
        if key.lower().startswith("aws:"):
            raise validation(f"Tag keys starting with 'aws:' are reserved: {key}")
        result[key] = str(tag.get("Value") or "")
    return result


def check_tag_count(tags: dict[str, str], resource: str) -> None:
    if len(tags) > MAX_TAGS:
        raise LimitExceeded(
            "TooManyTags",
            f"The quota for the number of tags that can be assigned to '{resource}' ({MAX_TAGS}) has been reached",
        )


__all__ = [
    "MAX_TAGS",
    "arn",
    "by_name",
    "check_arn",
    "check_name",
    "check_tag_count",
    "configuration",
    "find",
    "get",
    "get_many",
    "new_suffix",
    "not_found",
    "page",
    "tag_dict",
    "validation",
    "with_marker",
]
