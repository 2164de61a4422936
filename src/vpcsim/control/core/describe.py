"""Describe calls, declared once per resource: a filter table, the ids member, the page member.

Filters follow EC2: values within one filter are ORed, filters are ANDed, values may use ``*`` and ``?`` wildcards
(a backslash escapes them), an unknown filter name is ``InvalidParameterValue``. A filter name means, in order: the
Listing's own table (the documented names, with their documented meanings), else a name derived from the
operation's output shape (``filter_names``: ``cidrBlock``, ``cidr-block``, ``is-default``, ... read from the item as
the call describes it), else ``tag:<key>``, ``tag-key`` and ``tag-value`` where the item has tags. The operation is
the call's (``Call.operation``), else the one ``filter_names.operation_for`` finds for the page member.
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

from vpcsim.control.core import filter_names, lifecycle
from vpcsim.control.core.call import Call, Params, Result
from vpcsim.control.core.filter_names import DerivedFilters
from vpcsim.control.core.lookup import get_many, seen_by
from vpcsim.errors import ApiError, InvalidParameter
from vpcsim.model import Record
from vpcsim.model.kinds import KINDS

Extract = Callable[[Record], Any]


def member(*path: str) -> Extract:
    """A filter reading a doc member, descending through dicts and lists: ``member("Attachments", "VpcId")``."""
    return lambda record: values_at(record.doc, path)


def values_at(doc: dict[str, Any], path: tuple[str, ...]) -> list[Any]:
    """The values at ``path`` in ``doc``, descending through dicts and lists (a list's items each)."""
    values: list[Any] = [doc]
    for name in path:
        nxt: list[Any] = []
        for value in values:
            items = value if isinstance(value, list) else [value]
            nxt.extend(item[name] for item in items if isinstance(item, dict) and name in item)
        values = nxt
    return [v for value in values for v in (value if isinstance(value, list) else [value])]


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
    # Whether deleted records AWS still shows (core/lifecycle.py ``retire``) are listed and found by id too.
    retired: bool = False

    def run(self, call: Call, params: Params, records: Iterable[Record] | None = None) -> Result:
        derived = self.derived(call)
        self.validate_filters(params, call)
        if records is None:
            records = self.candidates(call, params)
        records = [seen_by(call, r) for r in records]  # a connection's far end sees its own tags
        filters = params.get("Filters") or []
        wanted = [r for r in records if self._matches(r, filters, derived)]
        page, token = paginate(wanted, params, self.max_results)
        shown = [self.show(r) for r in page]
        result: Result = {self.page_member: shown}
        if token:
            result["NextToken"] = token
        return result

    def show(self, record: Record) -> dict[str, Any]:
        return (self.present or present)(record)

    def derived(self, call: Call | None = None) -> DerivedFilters:
        """The filter names the operation's output shape gives this listing's items (``filter_names``)."""
        operation = call.operation if call is not None else ""
        found = filter_names.derived(operation, self.page_member) if operation else filter_names.NONE
        if found is filter_names.NONE:
            fallback = filter_names.operation_for(self.page_member)
            found = filter_names.derived(fallback, self.page_member) if fallback else found
        return found

    def candidates(self, call: Call, params: Params) -> list[Record]:
        """The records the call names (ids, the parent index or the scope), settled."""
        found = list(self._named(call, params))
        return [self.settle(call, r) for r in found] if self.settle else found

    def _named(self, call: Call, params: Params) -> Iterable[Record]:
        ids = params.get(self.ids_member) if self.ids_member else None
        if ids:
            return get_many(call, self.kind, ids, retired=self.retired)
        live = list(self._live(call, params))
        return [*live, *lifecycle.retired(call, self.kind)] if self.retired else live

    def _live(self, call: Call, params: Params) -> Iterable[Record]:
        parents = _single_filter(params.get("Filters") or [], self.parent_filter) if self.parent_filter else None
        if parents is not None:
            return [
                r
                for p in parents
                for r in call.tx.children(self.kind, p)
                if (r.account, r.region) == (call.account, call.region.name)
            ]
        return call.scan(self.kind)

    def _matches(self, record: Record, filters: list[dict[str, Any]], derived: DerivedFilters) -> bool:
        shown: list[dict[str, Any]] = []  # the item as the call describes it, made once if a derived name asks

        def view() -> dict[str, Any]:
            if not shown:
                shown.append(self.show(record))
            return shown[0]

        return all(self._match_one(record, f, derived, view) for f in filters)

    def _match_one(
        self, record: Record, flt: dict[str, Any], derived: DerivedFilters, view: Callable[[], dict[str, Any]]
    ) -> bool:
        name = flt.get("Name") or ""
        patterns = flt.get("Values") or []
        values = [_text(v) for v in self._values(record, name, derived, view)]
        return any(matches(p, v) for p in patterns for v in values)

    def _values(
        self, record: Record, name: str, derived: DerivedFilters, view: Callable[[], dict[str, Any]]
    ) -> list[Any]:
        extract = self.filters.get(name)
        if extract is not None:
            value = extract(record)
            return value if isinstance(value, list) else [value]
        if name in derived.paths:
            doc = view()
            return [v for path in derived.paths[name] for v in values_at(doc, path)]
        if name.startswith("tag:"):
            key = name[4:]
            return [record.tags[key]] if key in record.tags else []
        if name == "tag-key":
            return list(record.tags)
        if name == "tag-value":
            return list(record.tags.values())
        raise _invalid(name)

    def knows(self, name: str, derived: DerivedFilters) -> bool:
        """Whether ``name`` is a filter of this listing (its own, derived, or a tag filter where items have tags)."""
        if name in self.filters or name in derived.paths:
            return True
        return derived.tagged and (name.startswith("tag:") or name in ("tag-key", "tag-value"))

    def validate_filters(self, params: Params, call: Call | None = None) -> None:
        derived = self.derived(call)
        for flt in params.get("Filters") or []:
            name = flt.get("Name") or ""
            if not self.knows(name, derived):
                raise _invalid(name)


def _invalid(name: str) -> InvalidParameter:
    return InvalidParameter("InvalidParameterValue", f"The filter '{name}' is invalid")


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


def matches(pattern: str, value: str) -> bool:
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
