"""The one CBOR value vpcsim writes: an error document of the Smithy RPC v2 CBOR protocol, a map of text to text.

RFC 8949: a data item's head is its major type in the top three bits and its length in the rest (below 24), or in
the 1, 2, 4 or 8 bytes that follow (24, 25, 26, 27); text strings are major type 3, maps major type 5 with the
number of pairs as length. Answers of the services vpcsim serves are never CBOR, so this is all it needs.

>>> text_map({"__type": "UnknownService"}).hex()
'a1665f5f747970656e556e6b6e6f776e53657276696365'
"""

from __future__ import annotations

from collections.abc import Mapping

_TEXT, _MAP = 3, 5


def _head(major: int, length: int) -> bytes:
    if length < 24:
        return bytes([major << 5 | length])
    for extra, size in ((24, 1), (25, 2), (26, 4), (27, 8)):
        if length < 1 << (8 * size):
            return bytes([major << 5 | extra]) + length.to_bytes(size, "big")
    raise ValueError("a CBOR length must fit in 8 bytes")


def _text(value: str) -> bytes:
    encoded = value.encode()
    return _head(_TEXT, len(encoded)) + encoded


def text_map(values: Mapping[str, str]) -> bytes:
    """``values`` as one CBOR map of text strings."""
    return _head(_MAP, len(values)) + b"".join(_text(k) + _text(v) for k, v in values.items())


__all__ = ["text_map"]
