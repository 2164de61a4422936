"""Parse Query-protocol requests (EC2 and plain Query) into an operation's input shape.

The flat parameters ``Filter.1.Name=vpc-id&Filter.1.Value.1=vpc-1`` are first folded into a tree by their dots, then
one walker follows the input shape down that tree, dispatching on ``shape.type_name`` as botocore does, converting
scalars and collecting every problem before raising once. ``Ec2RequestParser`` differs from ``QueryRequestParser``
only in how a member is named (capitalised ``locationName``) and how lists are spelt (``Name.N``, never ``member``).

>>> from vpcsim.protocol.services import load_service
>>> op = load_service("ec2").find_operation("DescribeVpcs")
>>> Ec2RequestParser().parse(op, {"VpcId.1": "vpc-1", "Filter.1.Name": "state", "Filter.1.Value.1": "available"})
{'Filters': [{'Name': 'state', 'Values': ['available']}], 'VpcIds': ['vpc-1']}
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from botocore.model import OperationModel, Shape

from vpcsim.errors import ApiError, InvalidParameter
from vpcsim.protocol.constraints import size_violations, violations

# Parameters that carry the envelope or the signature, not the operation's input.
_ENVELOPE = {"Action", "Version"}
_ENVELOPE_PREFIX = "X-Amz-"
_INDEX = re.compile(r"^[1-9][0-9]{0,5}$")
_NOT_NULL = "Member must not be null"


class _Node(dict[str, "_Node"]):
    """A tree of parameter names; ``value`` holds the string given for the name itself, if any."""

    value: str | None = None


class _Problems:
    """Problems found while walking, raised once as the first one's error with every message; values the model's
    constraints refuse (services that check them: ``check_constraints``) come after, as one ``ValidationError``."""

    def __init__(self) -> None:
        self.items: list[tuple[str, str]] = []
        self.constraints: list[str] = []

    def add(self, code: str, message: str) -> None:
        self.items.append((code, message))

    def raise_if_any(self) -> None:
        if self.items:
            code = self.items[0][0]
            raise InvalidParameter(code, " ".join(message for _, message in self.items))
        if self.constraints:
            count = len(self.constraints)
            noun = "error" if count == 1 else "errors"
            raise InvalidParameter(
                "ValidationError", f"{count} validation {noun} detected: " + "; ".join(self.constraints)
            )


def _fold(params: Mapping[str, str]) -> _Node:
    root = _Node()
    for key, value in params.items():
        if key in _ENVELOPE or key.startswith(_ENVELOPE_PREFIX):
            continue
        node = root
        for part in key.split("."):
            node = node.setdefault(part, _Node())
        node.value = value
    return root


class RequestParser:
    """The generic walker; subclasses say how members and list items are named. With ``check_constraints`` values
    are also checked against the model's length, pattern, enum and range constraints (IAM checks them, answering
    ``ValidationError``; EC2, ELBv2 and STS are parsed without)."""

    def __init__(self, *, check_constraints: bool = False) -> None:
        self.check_constraints = check_constraints

    def parse(self, operation: OperationModel, params: Mapping[str, str]) -> dict[str, Any]:
        shape = operation.input_shape
        tree = _fold(params)
        problems = _Problems()
        if shape is None:
            result: dict[str, Any] = {}
            self._reject_unknown(tree, set(), "", problems)
        else:
            result = self._structure(shape, tree, "", problems)
        problems.raise_if_any()
        return result

    # -- naming, the part protocols differ in ---------------------------------------------------------------
    def member_name(self, shape: Shape, member: str) -> str:
        return str(shape.serialization.get("name", member))

    def list_items(self, shape: Shape, node: _Node, path: str, problems: _Problems) -> list[tuple[str, _Node]]:
        if shape.serialization.get("flattened"):
            return self._indexed(node, path, problems)
        if not node:
            return []
        items = node.get("member")
        if items is None or len(node) != 1:
            problems.add("InvalidParameterValue", f"The list {path} must be given as {path}.member.N.")
            return []
        return self._indexed(items, f"{path}.member", problems)

    # -- the walk -----------------------------------------------------------------------------------------
    def _walk(self, shape: Shape, node: _Node, path: str, problems: _Problems) -> Any:
        kind = shape.type_name
        if kind == "structure":
            return self._structure(shape, node, path, problems)
        if kind == "list":
            items = self.list_items(shape, node, path, problems)
            if self.check_constraints:
                problems.constraints += size_violations(shape, len(items), len(items), _constraint_path(path))
            return [self._walk(shape.member, item, p, problems) for p, item in items]
        if kind == "map":
            return self._map(shape, node, path, problems)
        if node:
            problems.add("InvalidParameterValue", f"The parameter {path} takes a single value, not {path}.*.")
            return None
        value = _scalar(shape, node.value or "", path, problems)
        if self.check_constraints and value is not None:
            problems.constraints += violations(shape, value, _constraint_path(path))
        return value

    def _structure(self, shape: Shape, node: _Node, path: str, problems: _Problems) -> dict[str, Any]:
        parsed: dict[str, Any] = {}
        seen: set[str] = set()
        for member, member_shape in shape.members.items():
            name = self.member_name(member_shape, member)
            seen.add(name)
            child = node.get(name)
            if child is not None:
                parsed[member] = self._walk(member_shape, child, _join(path, name), problems)
        for member in shape.required_members:
            if member not in parsed:
                wire = _join(path, self.member_name(shape.members[member], member))
                if self.check_constraints:
                    where = _constraint_path(wire)
                    problems.constraints.append(f"Value null at '{where}' failed to satisfy constraint: {_NOT_NULL}")
                else:
                    problems.add("MissingParameter", f"The request must contain the parameter {wire}.")
        self._reject_unknown(node, seen, path, problems)
        return parsed

    def _map(self, shape: Shape, node: _Node, path: str, problems: _Problems) -> dict[str, Any]:
        key_name = shape.key.serialization.get("name", "key")
        value_name = shape.value.serialization.get("name", "value")
        entries = node if shape.serialization.get("flattened") else node.get("entry", _Node())
        result: dict[str, Any] = {}
        for entry_path, entry in self._indexed(entries, f"{path}.entry", problems):
            key = entry.get(key_name)
            if key is None or key.value is None:
                problems.add("MissingParameter", f"The request must contain the parameter {entry_path}.{key_name}.")
                continue
            value = entry.get(value_name, _Node())
            result[key.value] = self._walk(shape.value, value, f"{entry_path}.{value_name}", problems)
        return result

    @staticmethod
    def _indexed(node: _Node, path: str, problems: _Problems) -> list[tuple[str, _Node]]:
        items: list[tuple[int, _Node]] = []
        for index, child in node.items():
            if not _INDEX.match(index):
                problems.add("InvalidParameterValue", f"{path}.{index} is not a valid list index.")
                continue
            items.append((int(index), child))
        return [(f"{path}.{i}", child) for i, child in sorted(items, key=lambda pair: pair[0])]

    @staticmethod
    def _reject_unknown(node: _Node, known: set[str], path: str, problems: _Problems) -> None:
        for name in node:
            if name not in known:
                problems.add("UnknownParameter", f"The parameter {_join(path, name)} is not recognized.")


class QueryRequestParser(RequestParser):
    """Plain Query protocol (ELBv2, STS): ``Subnets.member.1``, ``Attributes.entry.1.key``."""


class Ec2RequestParser(RequestParser):
    """EC2's variant: capitalised ``locationName`` (or ``queryName``) and lists as ``Name.N``."""

    def member_name(self, shape: Shape, member: str) -> str:
        if "queryName" in shape.serialization:
            return str(shape.serialization["queryName"])
        name = shape.serialization.get("name")
        if name:
            return str(name[0].upper() + name[1:])
        return member

    def list_items(self, shape: Shape, node: _Node, path: str, problems: _Problems) -> list[tuple[str, _Node]]:
        return self._indexed(node, path, problems)


def _constraint_path(path: str) -> str:
    """A wire path as constraint messages name it: ``Tags.member.1.Key`` is ``tags.1.member.key``."""
    parts = [part[:1].lower() + part[1:] for part in path.split(".")]
    for i in range(len(parts) - 1):
        if parts[i] == "member" and parts[i + 1].isdigit():
            parts[i], parts[i + 1] = parts[i + 1], parts[i]
    return ".".join(parts)


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def _scalar(shape: Shape, raw: str, path: str, problems: _Problems) -> Any:
    try:
        return _CONVERT.get(shape.type_name, _string)(shape, raw)
    except (ValueError, binascii.Error) as exc:
        problems.add("InvalidParameterValue", f"Invalid value '{raw}' for {path}: {exc}.")
        return None


def _string(shape: Shape, raw: str) -> str:
    enum = shape.enum
    if enum and raw not in enum:
        # AWS takes some enum values in any case (``--protocol TCP`` for a tcp|udp member, CLI examples); the value
        # is kept in the model's spelling.
        canonical = next((value for value in enum if value.lower() == raw.lower()), None)
        if canonical is None:
            raise ValueError("must be one of " + ", ".join(enum))
        return str(canonical)
    return raw


def _integer(shape: Shape, raw: str) -> int:
    try:
        return int(raw.strip())
    except ValueError:
        raise ValueError("an integer is required") from None


def _float(shape: Shape, raw: str) -> float:
    return float(raw)


def _boolean(shape: Shape, raw: str) -> bool:
    lowered = raw.strip().lower()
    if lowered not in ("true", "false"):
        raise ValueError("must be true or false")
    return lowered == "true"


def _timestamp(shape: Shape, raw: str) -> datetime:
    text = raw.strip()
    if re.fullmatch(r"\d+(\.\d+)?", text):
        return datetime.fromtimestamp(float(text), UTC)
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError("an ISO 8601 timestamp is required") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _blob(shape: Shape, raw: str) -> bytes:
    return base64.b64decode(raw, validate=True)


_CONVERT = {
    "string": _string,
    "integer": _integer,
    "long": _integer,
    "float": _float,
    "double": _float,
    "boolean": _boolean,
    "timestamp": _timestamp,
    "blob": _blob,
}

__all__ = ["ApiError", "Ec2RequestParser", "QueryRequestParser", "RequestParser"]
