"""A model's constraints on one value (length, enum, pattern, range), worded as AWS's services word them.

AWS's services built on its common request validation answer a value the model refuses with one message per
problem, ``Value '<value>' at '<member path>' failed to satisfy constraint: <constraint>``, the path naming members
in lower camel case (``roleName``, ``tags.1.member.key``). The JSON protocol and the Query services that validate
their input this way (IAM) share these checks; what code the problems are answered with is the caller's.

>>> from botocore.model import StringShape
>>> violations(StringShape("Name", {"type": "string", "max": 3, "pattern": "[a-z]+"}), "ab1!", "roleName")[0]
"Value 'ab1!' at 'roleName' failed to satisfy constraint: Member must have length less than or equal to 3"
"""

from __future__ import annotations

import json
import re
from typing import Any

from botocore.model import Shape


def member_path(path: str, member: str) -> str:
    """``roleName`` for member ``RoleName`` at the top, ``tags.1.member.key`` below."""
    name = member[:1].lower() + member[1:]
    return f"{path}.{name}" if path else name


def size_violations(shape: Shape, size: int, value: Any, path: str) -> list[str]:
    """A string's, list's or map's size against the shape's ``min`` and ``max``."""
    low, high = shape.metadata.get("min"), shape.metadata.get("max")
    shown = value if isinstance(value, str) else json.dumps(value, default=str)[:64]
    found = []
    if low is not None and size < low:
        found.append(
            f"Value '{shown}' at '{path}' failed to satisfy constraint: Member must have length greater than or "
            f"equal to {low}"
        )
    if high is not None and size > high:
        found.append(
            f"Value '{shown}' at '{path}' failed to satisfy constraint: Member must have length less than or "
            f"equal to {high}"
        )
    return found


def violations(shape: Shape, value: Any, path: str) -> list[str]:
    """Every constraint a scalar ``value`` of ``shape`` fails."""
    found: list[str] = []
    if isinstance(value, str | bytes):
        found += size_violations(shape, len(value), value, path)
    if isinstance(value, str) and shape.enum and value not in shape.enum:
        found.append(
            f"Value '{value}' at '{path}' failed to satisfy constraint: Member must satisfy enum value set: "
            f"[{', '.join(shape.enum)}]"
        )
    pattern = shape.metadata.get("pattern")
    if isinstance(value, str) and pattern and not _fullmatch(pattern, value):
        found.append(
            f"Value '{value}' at '{path}' failed to satisfy constraint: Member must satisfy regular expression "
            f"pattern: {pattern}"
        )
    if isinstance(value, int | float) and not isinstance(value, bool):
        found += _range_violations(shape, value, path)
    return found


def _range_violations(shape: Shape, value: float, path: str) -> list[str]:
    low, high = shape.metadata.get("min"), shape.metadata.get("max")
    found = []
    if low is not None and value < low:
        found.append(
            f"Value '{value}' at '{path}' failed to satisfy constraint: Member must have value greater than or "
            f"equal to {low}"
        )
    if high is not None and value > high:
        found.append(
            f"Value '{value}' at '{path}' failed to satisfy constraint: Member must have value less than or "
            f"equal to {high}"
        )
    return found


def _fullmatch(pattern: str, value: str) -> bool:
    try:
        return re.fullmatch(pattern, value, re.DOTALL) is not None
    except re.error:  # a model pattern Python cannot read (Java's \\p{...} classes) is not enforced
        return True


__all__ = ["member_path", "size_violations", "violations"]
