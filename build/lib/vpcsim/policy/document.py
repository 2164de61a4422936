"""Parse an IAM policy document into immutable statements, refusing what AWS refuses.

A document is a JSON string or an already-decoded dict. Parsing normalises the grammar's options once (a single
string or a list, ``Statement`` as an object or a list, ``Principal`` as ``"*"`` or a map of principal types) so that
evaluation never looks at raw JSON. Every problem found is collected and raised once as ``PolicyError``; callers
turn it into their service's code (S3 ``MalformedPolicy``, EC2 ``InvalidPolicyDocument``, DynamoDB
``ValidationException``).

Grammar [IAM JSON policy element reference, "IAM JSON policy elements" and "Grammar of the IAM JSON policy
language"]: ``Version`` is ``2012-10-17`` or ``2008-10-17`` (absent means 2008-10-17); each statement has ``Effect``
``Allow`` or ``Deny``; exactly one of ``Action``/``NotAction``; exactly one of ``Resource``/``NotResource``; at most
one of ``Principal``/``NotPrincipal``; ``Condition`` maps an operator to a map of condition key to one value or a
list of values (strings, numbers or booleans).

>>> parse_policy('{"Statement": {"Effect": "Allow", "Action": "s3:Get*", "Resource": "*"}}').statements[0].actions
('s3:Get*',)
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from vpcsim.policy.conditions import Condition, Operator, parse_operator

VERSIONS = ("2012-10-17", "2008-10-17")
_STATEMENT_KEYS = {
    "Sid",
    "Effect",
    "Principal",
    "NotPrincipal",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Condition",
}


class PolicyError(ValueError):
    """A policy document AWS would refuse; ``problems`` lists every reason found."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = tuple(problems)


class Effect(StrEnum):
    ALLOW = "Allow"
    DENY = "Deny"


@dataclass(frozen=True, slots=True)
class Principals:
    """A ``Principal`` or ``NotPrincipal`` element: ``everyone`` for ``"*"``, else values by type (AWS, Service ...)."""

    everyone: bool = False
    by_type: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def values(self, principal_type: str) -> tuple[str, ...]:
        for kind, values in self.by_type:
            if kind == principal_type:
                return values
        return ()


@dataclass(frozen=True, slots=True)
class Statement:
    index: int  # position in the document, from 0
    effect: Effect
    sid: str | None = None
    actions: tuple[str, ...] = ()
    not_actions: tuple[str, ...] | None = None  # None: the statement uses Action
    resources: tuple[str, ...] = ()
    not_resources: tuple[str, ...] | None = None
    principal: Principals | None = None
    not_principal: Principals | None = None
    conditions: tuple[Condition, ...] = ()
    raw: Mapping[str, Any] | None = None  # the statement as written, for traces

    @property
    def label(self) -> str:
        """How a trace names it: its Sid, else its position (``Statement[2]``)."""
        return self.sid if self.sid else f"Statement[{self.index}]"


@dataclass(frozen=True, slots=True)
class Policy:
    statements: tuple[Statement, ...]
    version: str = "2008-10-17"
    id: str | None = None
    text: str = ""  # the document as given, when given as text


def parse_policy(document: str | Mapping[str, Any]) -> Policy:
    """The parsed policy, or ``PolicyError`` naming every problem."""
    text = document if isinstance(document, str) else ""
    data = _decode(document)
    problems: list[str] = []
    version = data.get("Version", "2008-10-17")
    if version not in VERSIONS:
        problems.append(f"The policy Version must be one of {', '.join(VERSIONS)}, not {version!r}.")
    raw = data.get("Statement")
    if raw is None:
        problems.append("Missing required field Statement.")
    items = raw if isinstance(raw, list) else [raw] if raw is not None else []
    statements = tuple(_statement(i, item, problems) for i, item in enumerate(items))
    _check_unique_sids(statements, problems)
    if problems:
        raise PolicyError(problems)
    return Policy(statements, str(version), _optional_str(data.get("Id")), text)


def _decode(document: str | Mapping[str, Any]) -> Mapping[str, Any]:
    if isinstance(document, str):
        if not document.lstrip().startswith("{"):
            raise PolicyError(["Policies must be valid JSON and the first byte must be '{'."])
        try:
            document = json.loads(document)
        except ValueError as error:
            raise PolicyError([f"The policy is not valid JSON: {error}."]) from None
    if not isinstance(document, Mapping):
        raise PolicyError(["A policy must be a JSON object."])
    return document


def _statement(index: int, raw: Any, problems: list[str]) -> Statement:
    where = f"Statement[{index}]"
    if not isinstance(raw, Mapping):
        problems.append(f"{where} must be a JSON object.")
        return Statement(index, Effect.DENY)
    unknown = sorted(set(raw) - _STATEMENT_KEYS)
    if unknown:
        problems.append(f"{where} has unknown field(s) {', '.join(unknown)}.")
    effect = _effect(raw.get("Effect"), where, problems)
    actions, not_actions = _pair(raw, "Action", "NotAction", where, problems, required=True)
    resources, not_resources = _pair(raw, "Resource", "NotResource", where, problems, required=True)
    principal, not_principal = _principals(raw, where, problems)
    return Statement(
        index=index,
        effect=effect,
        sid=_optional_str(raw.get("Sid")),
        actions=actions or (),
        not_actions=not_actions,
        resources=resources or (),
        not_resources=not_resources,
        principal=principal,
        not_principal=not_principal,
        conditions=_conditions(raw.get("Condition"), where, problems),
        raw=raw,
    )


def _effect(raw: Any, where: str, problems: list[str]) -> Effect:
    if raw in ("Allow", "Deny"):
        return Effect(raw)
    problems.append(f"{where}: Effect must be Allow or Deny" + (f", not {raw!r}." if raw is not None else "."))
    return Effect.DENY


def _pair(
    raw: Mapping[str, Any], name: str, negated: str, where: str, problems: list[str], *, required: bool
) -> tuple[tuple[str, ...] | None, tuple[str, ...] | None]:
    """``(values, None)`` for ``name``, ``(None, values)`` for ``negated``: exactly one of them may appear."""
    if name in raw and negated in raw:
        problems.append(f"{where} has both {name} and {negated}; use one.")
    if name in raw:
        return _strings(raw[name], f"{where}.{name}", problems), None
    if negated in raw:
        return None, _strings(raw[negated], f"{where}.{negated}", problems)
    if required:
        problems.append(f"{where}: Missing required field {name}.")
    return None, None


def _strings(raw: Any, where: str, problems: list[str]) -> tuple[str, ...]:
    items = raw if isinstance(raw, list) else [raw]
    if not items or not all(isinstance(item, str) and item for item in items):
        problems.append(f"{where} must be a non-empty string or a list of non-empty strings.")
        return ()
    return tuple(items)


def _principals(raw: Mapping[str, Any], where: str, problems: list[str]) -> tuple[Principals | None, Principals | None]:
    if "Principal" in raw and "NotPrincipal" in raw:
        problems.append(f"{where} has both Principal and NotPrincipal; use one.")
    found = [_principal(raw[key], f"{where}.{key}", problems) if key in raw else None for key in _PRINCIPAL_KEYS]
    return found[0], found[1]


_PRINCIPAL_KEYS = ("Principal", "NotPrincipal")
_PRINCIPAL_TYPES = ("AWS", "Service", "Federated", "CanonicalUser")


def _principal(raw: Any, where: str, problems: list[str]) -> Principals:
    if raw == "*":
        return Principals(everyone=True)
    if not isinstance(raw, Mapping) or not raw:
        problems.append(f'{where} must be "*" or an object keyed by {", ".join(_PRINCIPAL_TYPES)}.')
        return Principals()
    by_type: list[tuple[str, tuple[str, ...]]] = []
    for kind, values in raw.items():
        if kind not in _PRINCIPAL_TYPES:
            problems.append(f"Invalid principal in policy: {where} has unknown principal type {kind!r}.")
            continue
        by_type.append((kind, _strings(values, f"{where}.{kind}", problems)))
    everyone = any(kind == "AWS" and "*" in values for kind, values in by_type)
    return Principals(everyone, tuple(by_type))


def _conditions(raw: Any, where: str, problems: list[str]) -> tuple[Condition, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, Mapping):
        problems.append(f"{where}.Condition must be an object of operator -> {{key: values}}.")
        return ()
    found: list[Condition] = []
    for name, block in raw.items():
        operator = parse_operator(str(name))
        if operator is None:
            problems.append(f"{where}.Condition: invalid condition operator {name!r}.")
        elif not isinstance(block, Mapping) or not block:
            problems.append(f"{where}.Condition.{name} must be a non-empty object of key -> values.")
        else:
            found.extend(_condition(operator, k, v, f"{where}.Condition.{name}", problems) for k, v in block.items())
    return tuple(found)


def _condition(operator: Operator, key: str, raw: Any, where: str, problems: list[str]) -> Condition:
    items = raw if isinstance(raw, list) else [raw]
    values: list[str] = []
    for item in items:
        if isinstance(item, bool):
            values.append("true" if item else "false")
        elif isinstance(item, (str, int, float)):
            values.append(str(item))
        else:
            problems.append(f"{where}.{key}: condition values must be strings, numbers or booleans.")
    problem = operator.check_values(values)
    if problem:
        problems.append(f"{where}.{key}: {problem}")
    return Condition(operator, key, tuple(values))


def _check_unique_sids(statements: tuple[Statement, ...], problems: list[str]) -> None:
    sids = [s.sid for s in statements if s.sid]
    duplicates = sorted({sid for sid in sids if sids.count(sid) > 1})
    if duplicates:
        problems.append(f"Statement ids (Sid) must be unique: {', '.join(duplicates)}.")


def _optional_str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


__all__ = ["Effect", "Policy", "PolicyError", "Principals", "Statement", "parse_policy"]
