"""Describe calls, declared once per resource: a filter table, the ids member, the page member.

Filters follow EC2: values within one filter are ORed, filters are ANDed, values may use ``*`` and ``?`` wildcards,
an unknown filter name is ``InvalidParameterValue``. ``tag:<key>``, ``tag-key`` and ``tag-value`` work everywhere.
A ``vpc-id`` filter is answered from the store's parent index instead of a scan. Pages are in creation order; the
NextToken is opaque and says where the previous page stopped.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from vpcsim.control.core.call import Call, Params, Result
from vpcsim.control.core.lookup import get_many
from vpcsim.errors import ApiError, InvalidParameter
from vpcsim.model import Record
from vpcsim.model.kinds import KINDS

Extract = Callable[[Record], Any]


def member(*path: str) -> Extract:
    """A filter reading a doc member, descending through dicts and lists: ``member("Attachments", "VpcId")``."""

    def extract(record: Record) -> list[Any]:
        values: list[Any] = [record.doc]
        for name in path:
            nxt: list[Any] = []
            for value in values:
                items = value if isinstance(value, list) else [value]
                nxt.extend(item[name] for item in items if isinstance(item, dict) and name in item)
            values = nxt
        return [v for value in values for v in (value if isinstance(value, list) else [value])]

    return extract


@dataclass(frozen=True)
class Listing:
    """How one Describe call lists one kind."""

    kind: str
    page_member: str  # "Vpcs"
    ids_member: str | None = None  # "VpcIds"
    filters: dict[str, Extract] = field(default_factory=dict)
    max_results: tuple[int, int] = (5, 1000)
    parent_filter: str | None = None  # a filter whose values are parent ids, answered from the parent index
    present: Callable[[Record], dict[str, Any]] | None = None
    # A lifecycle step applied to what the call reads (a pending resource that becomes available when next read).
    settle: Callable[[Call, Record], Record] | None = None

    def run(self, call: Call, params: Params, records: Iterable[Record] | None = None) -> Result:
        self.validate_filters(params)
        if records is None:
            records = self.candidates(call, params)
        wanted = [r for r in records if self._matches(r, params.get("Filters") or [])]
        page, token = paginate(wanted, params, self.max_results)
        shown = [(self.present or present)(r) for r in page]
        result: Result = {self.page_member: shown}
        if token:
            result["NextToken"] = token
        return result

    def candidates(self, call: Call, params: Params) -> list[Record]:
        """The records the call names (ids, the parent index or the scope), settled."""
        found = list(self._named(call, params))
        return [self.settle(call, r) for r in found] if self.settle else found

    def _named(self, call: Call, params: Params) -> Iterable[Record]:
        ids = params.get(self.ids_member) if self.ids_member else None
        if ids:
            return get_many(call, self.kind, ids)
        parents = _single_filter(params.get("Filters") or [], self.parent_filter) if self.parent_filter else None
        if parents is not None:
            return [
                r
                for p in parents
                for r in call.tx.children(self.kind, p)
                if (r.account, r.region) == (call.account, call.region.name)
            ]
        return call.scan(self.kind)

    def _matches(self, record: Record, filters: list[dict[str, Any]]) -> bool:
        return all(self._match_one(record, f) for f in filters)

    def _match_one(self, record: Record, flt: dict[str, Any]) -> bool:
        name = flt.get("Name") or ""
        patterns = flt.get("Values") or []
        values = [_text(v) for v in self._values(record, name)]
        return any(_matches(p, v) for p in patterns for v in values)

    def _values(self, record: Record, name: str) -> list[Any]:
        if name.startswith("tag:"):
            key = name[4:]
            return [record.tags[key]] if key in record.tags else []
        if name == "tag-key":
            return list(record.tags)
        if name == "tag-value":
            return list(record.tags.values())
        extract = self.filters.get(name)
        if extract is None:
            raise InvalidParameter("InvalidParameterValue", f"The filter '{name}' is invalid")
        value = extract(record)
        return value if isinstance(value, list) else [value]

    def validate_filters(self, params: Params) -> None:
        for flt in params.get("Filters") or []:
            name = flt.get("Name") or ""
            if not (name.startswith("tag:") or name in ("tag-key", "tag-value") or name in self.filters):
                raise InvalidParameter("InvalidParameterValue", f"The filter '{name}' is invalid")


def _single_filter(filters: list[dict[str, Any]], name: str) -> list[str] | None:
    """The plain values of filter ``name`` when they have no wildcard (so the index can answer)."""
    for flt in filters:
        if flt.get("Name") == name:
            values = flt.get("Values") or []
            if any("*" in v or "?" in v for v in values):
                return None
            return list(values)
    return None


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def _matches(pattern: str, value: str) -> bool:
    """EC2 filter matching; a value without wildcards is compared as it is (no regular expression)."""
    if "*" not in pattern and "?" not in pattern and "\\" not in pattern:
        return pattern == value
    return _pattern(pattern).fullmatch(value) is not None


@lru_cache(maxsize=4096)
def _pattern(value: str) -> re.Pattern[str]:
    # EC2 filter wildcards: * any run, ? one character; backslash escapes them.
    parts = re.split(r"(\\[*?]|[*?])", value)
    regex = "".join(
        ".*" if part == "*" else "." if part == "?" else re.escape(part[1:] if part.startswith("\\") else part)
        for part in parts
    )
    return re.compile(regex, re.DOTALL)


def paginate(records: list[Record], params: Params, bounds: tuple[int, int]) -> tuple[list[Record], str | None]:
    limit = params.get("MaxResults")
    start = _decode_token(params.get("NextToken"), len(records))
    if limit is None:
        return records[start:], None
    low, high = bounds
    if not low <= limit <= high:
        raise InvalidParameter(
            "InvalidParameterValue",
            f"Value ( {limit} ) for parameter maxResults is invalid. Expecting a value between {low} and {high}.",
        )
    end = start + limit
    return records[start:end], _encode_token(end) if end < len(records) else None


def _encode_token(offset: int) -> str:
    return base64.urlsafe_b64encode(f"vpcsim:{offset}".encode()).decode()


def _decode_token(token: str | None, size: int) -> int:
    if not token:
        return 0
    try:
        text = base64.urlsafe_b64decode(token.encode()).decode()
        prefix, offset = text.split(":")
        value = int(offset)
        if prefix != "vpcsim" or value < 0:
            raise ValueError
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise InvalidParameter("InvalidPaginationToken", f"Invalid pagination token: {token}") from None
    return min(value, size)


def present(record: Record) -> dict[str, Any]:
    """The record as AWS describes it: its doc with its tags."""
    spec = KINDS.get(record.kind)
    member_name = spec.tags_member if spec else "Tags"
    if record.tags or (spec is None or spec.empty_tags):
        return {**record.doc, member_name: tag_list(record.tags)}
    return dict(record.doc)


def tag_list(tags: dict[str, str]) -> list[dict[str, str]]:
    return [{"Key": k, "Value": v} for k, v in tags.items()]


def each(ids: Iterable[str], act: Callable[[str], object]) -> list[dict[str, Any]]:
    """Run ``act`` for every id of a batch call; each refusal becomes an ``Unsuccessful`` item and the others go on,
    as AWS's batch calls (DeleteVpcEndpoints, AcceptVpcEndpointConnections, ...) answer [EC2API]."""
    unsuccessful = []
    for rid in ids:
        try:
            act(rid)
        except ApiError as error:
            unsuccessful.append({"Error": {"Code": error.code, "Message": error.message}, "ResourceId": rid})
    return unsuccessful
