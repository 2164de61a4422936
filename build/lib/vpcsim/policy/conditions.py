"""Condition operators: parsed once into a table entry, then decided against a request's context values.

Rules, each from IAM's documentation ("IAM JSON policy elements: Condition operators"; "Conditions with multiple
context keys or values"; "Single-valued vs. multivalued context keys"):

1. Operators in one ``Condition`` and keys under one operator are ANDed (evaluate.py does the AND).
2. Several policy values for one key are ORed; for a negated operator (``StringNotEquals``, ``NotIpAddress``,
   ``ArnNotLike`` ...) they are NORed: the condition holds when the context value matches none of them.
3. A key absent from the request context: positive operators are false, negated operators true
   ("If the key that you specify in a policy condition is not present in the request context, the values do not
   match and the condition is false. If the policy condition requires that the key is not matched, such as
   StringNotLike or ArnNotLike, and the right key is not present, the condition is true").
4. ``...IfExists``: an absent key makes the condition true; a present key is checked as without the suffix. With a
   set operator the set operator's rule for an absent key wins (rule 6).
5. ``Null``: ``true`` holds when the key is absent (or empty), ``false`` when it is present.
6. ``ForAnyValue:``: true when at least one context value satisfies the operator; false for an absent or empty key.
   ``ForAllValues:``: true when every context value satisfies it; true for an absent or empty key.
7. String operators are case-sensitive except the ``IgnoreCase`` ones; ``StringLike`` and the ARN operators take
   ``*`` and ``?`` (ARNs segment by segment; ``ArnEquals`` and ``ArnLike`` behave alike). ``Bool`` compares
   ``true``/``false`` without case. ``IpAddress`` takes IPv4 and IPv6 CIDRs; an address of the other family never
   matches. Numbers are decimal; dates are ISO 8601 or epoch seconds.
Context values that cannot be read as the operator's type (a non-number for ``NumericEquals``) do not match.
Operator names are looked up without regard to case (vpcsim is lenient here; IAM's validator is not documented).
"""

from __future__ import annotations

import ipaddress
import math
import operator as op
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from vpcsim.policy.matching import arn_matches, glob_match

Compare = Callable[[str, str], bool]


def _number(text: str) -> float:
    value = float(text)
    if math.isnan(value):
        raise ValueError("not a number")
    return value


def _date(text: str) -> datetime:
    stripped = text.strip()
    try:
        return datetime.fromtimestamp(float(stripped), UTC)
    except (ValueError, OverflowError, OSError):
        parsed = datetime.fromisoformat(stripped.replace("Z", "+00:00"))
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _ordered(read: Callable[[str], Any], relation: Callable[[Any, Any], Any]) -> Compare:
    def compare(context: str, policy: str) -> bool:
        try:
            return bool(relation(read(context), read(policy)))
        except (ValueError, TypeError, OverflowError):
            return False

    return compare


def _ip(context: str, policy: str) -> bool:
    try:
        return ipaddress.ip_address(context.strip()) in ipaddress.ip_network(policy.strip(), strict=False)
    except ValueError:
        return False


def _checker(read: Callable[[str], object], what: str) -> Callable[[str], str | None]:
    def check(value: str) -> str | None:
        try:
            read(value)
        except (ValueError, TypeError, OverflowError):
            return f"{value!r} is not {what}."
        return None

    return check


def _boolean(value: str) -> object:
    if value.lower() not in ("true", "false"):
        raise ValueError(value)
    return value


@dataclass(frozen=True, slots=True)
class _Base:
    compare: Compare
    negated: bool = False
    check: Callable[[str], str | None] | None = None


_NUMERIC = _checker(_number, "a number")
_DATE = _checker(_date, "an ISO 8601 date or epoch seconds")
_BOOL = _checker(_boolean, "true or false")
_CIDR = _checker(lambda v: ipaddress.ip_network(v.strip(), strict=False), "an IPv4 or IPv6 CIDR")


def _relations(prefix: str, read: Callable[[str], object], check: Callable[[str], str | None]) -> dict[str, _Base]:
    table = {"Equals": op.eq, "LessThan": op.lt, "LessThanEquals": op.le, "GreaterThan": op.gt}
    table["GreaterThanEquals"] = op.ge
    bases = {prefix + name: _Base(_ordered(read, rel), False, check) for name, rel in table.items()}
    bases[prefix + "NotEquals"] = _Base(_ordered(read, op.eq), True, check)
    return bases


_BASES: dict[str, _Base] = {
    "StringEquals": _Base(lambda c, p: c == p),
    "StringNotEquals": _Base(lambda c, p: c == p, True),
    "StringEqualsIgnoreCase": _Base(lambda c, p: c.casefold() == p.casefold()),
    "StringNotEqualsIgnoreCase": _Base(lambda c, p: c.casefold() == p.casefold(), True),
    "StringLike": _Base(lambda c, p: glob_match(p, c)),
    "StringNotLike": _Base(lambda c, p: glob_match(p, c), True),
    **_relations("Numeric", _number, _NUMERIC),
    **_relations("Date", _date, _DATE),
    "Bool": _Base(lambda c, p: c.lower() == p.lower(), False, _BOOL),
    "BinaryEquals": _Base(lambda c, p: c == p),
    "IpAddress": _Base(_ip, False, _CIDR),
    "NotIpAddress": _Base(_ip, True, _CIDR),
    "ArnEquals": _Base(lambda c, p: arn_matches(p, c)),
    "ArnLike": _Base(lambda c, p: arn_matches(p, c)),
    "ArnNotEquals": _Base(lambda c, p: arn_matches(p, c), True),
    "ArnNotLike": _Base(lambda c, p: arn_matches(p, c), True),
    "Null": _Base(lambda c, p: False, False, _BOOL),
}
_BY_LOWER = {name.lower(): name for name in _BASES}
_SET_OPERATORS = {"foranyvalue": "ForAnyValue", "forallvalues": "ForAllValues"}


@dataclass(frozen=True, slots=True)
class Operator:
    """A parsed operator name: ``ForAllValues:StringLikeIfExists`` is base StringLike, set ForAllValues, IfExists."""

    name: str  # as written in the policy
    base: str  # canonical base name, e.g. "StringNotEquals"
    set_operator: str | None = None  # "ForAnyValue" | "ForAllValues"
    if_exists: bool = False

    @property
    def negated(self) -> bool:
        return _BASES[self.base].negated

    def check_values(self, values: list[str]) -> str | None:
        """A problem with the policy's values for this operator, if any."""
        check = _BASES[self.base].check
        problems = [p for p in (check(v) for v in values) if p] if check else []
        return problems[0] if problems else None


def parse_operator(name: str) -> Operator | None:
    """The operator named ``name``, or None if IAM has no such operator.

    >>> found = parse_operator("ForAnyValue:StringNotEqualsIfExists")
    >>> found.base, found.set_operator, found.if_exists, found.negated
    ('StringNotEquals', 'ForAnyValue', True, True)
    """
    qualifier, _, rest = name.rpartition(":")
    set_operator = _SET_OPERATORS.get(qualifier.lower()) if qualifier else None
    if qualifier and set_operator is None:
        return None
    if_exists = rest.lower().endswith("ifexists") and rest.lower() != "ifexists"
    base = _BY_LOWER.get((rest[: -len("IfExists")] if if_exists else rest).lower())
    if base is None or (base == "Null" and if_exists):
        return None
    return Operator(name, base, set_operator, if_exists)


@dataclass(frozen=True, slots=True)
class Condition:
    """One key under one operator: ``{"StringNotEquals": {"aws:SourceVpce": ["vpce-1"]}}``."""

    operator: Operator
    key: str  # as written; looked up without regard to case
    values: tuple[str, ...]

    def holds(self, context: tuple[str, ...] | None) -> bool:
        """Whether the condition is met by the request's values for the key (None or () when absent)."""
        base = _BASES[self.operator.base]
        if self.operator.base == "Null":
            return any(v.lower() == ("true" if not context else "false") for v in self.values)
        if not context:
            return self._absent(base)
        if self.operator.set_operator is None:
            matched = any(self._matches(base, value) for value in context)
            return not matched if base.negated else matched
        outcomes = (self._matches(base, value) != base.negated for value in context)
        return any(outcomes) if self.operator.set_operator == "ForAnyValue" else all(outcomes)

    def _absent(self, base: _Base) -> bool:
        # The set operator decides before IfExists: ForAnyValue:StringEqualsIfExists on an absent key is false in
        # AWS (re:Post QU9HFmDzP0QGuU-fd7rS6B7w, answered from observed behaviour).
        if self.operator.set_operator is not None:
            return self.operator.set_operator == "ForAllValues"
        return self.operator.if_exists or base.negated

    def _matches(self, base: _Base, value: str) -> bool:
        return any(base.compare(value, wanted) for wanted in self.values)


def operator_names() -> tuple[str, ...]:
    """Every base operator name IAM defines."""
    return tuple(_BASES)


__all__ = ["Condition", "Operator", "operator_names", "parse_operator"]
