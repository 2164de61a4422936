"""Bounds every request's input obeys before anything walks it: JSON nesting and form parameter counts.

Python's JSON decoder and any recursive walker fail on input nested thousands deep (RecursionError: a 500), and a
form of a million parameters keeps the server busy parsing it. AWS's own inputs are shallow (DynamoDB items nest at
most 32 levels [DynamoDB DG "Nested attribute depth"]) and EC2's largest requests carry a few thousand parameters.

>>> bounded_json(b'{"a": [1, {"b": 2}]}')
{'a': [1, {'b': 2}]}
>>> bounded_json(b"[" * 100 + b"]" * 100)
Traceback (most recent call last):
...
ValueError: the JSON nests more than 64 levels deep
"""

from __future__ import annotations

import json
from typing import Any

MAX_JSON_DEPTH = 64
MAX_PARAMETERS = 10_000


def bounded_json(body: bytes | str, max_depth: int = MAX_JSON_DEPTH) -> Any:
    """``json.loads(body)``, or ValueError when it is not JSON or nests more than ``max_depth`` levels."""
    try:
        value = json.loads(body)
    except RecursionError:
        raise ValueError(f"the JSON nests more than {max_depth} levels deep") from None
    if _depth(value) > max_depth:
        raise ValueError(f"the JSON nests more than {max_depth} levels deep")
    return value


def _depth(value: Any) -> int:
    """The nesting depth, walked with an explicit stack (no recursion of our own)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children: Any = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in children)
    return deepest
