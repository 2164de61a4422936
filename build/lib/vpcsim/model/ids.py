"""Resource ids as AWS forms them: a prefix and 17 lowercase hex digits (``vpc-0a1b2c3d4e5f60718``).

Ids come from one ``IdFactory`` per server; given a seed it is reproducible (docs, tests), otherwise it draws from the
OS. Legacy 8-hex ids (``vpc-1a2b3c4d``) are accepted as well-formed input, as AWS still does.
"""

from __future__ import annotations

import random
import re
import secrets

# id prefix -> record kind. The kind names are the EC2 resource types used in TagSpecifications.
PREFIXES: dict[str, str] = {
    "vpc": "vpc",
    "subnet": "subnet",
    "rtb": "route-table",
    "rtbassoc": "route-table-association",
    "igw": "internet-gateway",
    "eipalloc": "elastic-ip",
    "eipassoc": "elastic-ip-association",
    "nat": "natgateway",
    "sg": "security-group",
    "sgr": "security-group-rule",
    "acl": "network-acl",
    "aclassoc": "network-acl-association",
    "eni": "network-interface",
    "eni-attach": "network-interface-attachment",
    "i": "instance",
    "r": "reservation",
    "pl": "prefix-list",
    "dopt": "dhcp-options",
    "vpce": "vpc-endpoint",
    "vpce-svc": "vpc-endpoint-service",
    "vpce-nfn": "vpc-endpoint-connection-notification",
    "pcx": "vpc-peering-connection",
    "tgw": "transit-gateway",
    "tgw-attach": "transit-gateway-attachment",
    "tgw-rtb": "transit-gateway-route-table",
    "nip": "network-insights-path",
    "nia": "network-insights-analysis",
    "vpc-cidr-assoc": "vpc-cidr-block-association",
    "subnet-cidr-assoc": "subnet-cidr-block-association",
}

_ID = re.compile(r"^([a-z]+(?:-[a-z]+)*)-([0-9a-f]{8}|[0-9a-f]{17})$")


def id_kind(resource_id: str) -> str | None:
    """The record kind an id names, or None when it is not an id vpcsim knows.

    >>> id_kind("vpc-0a1b2c3d4e5f60718"), id_kind("vpce-svc-0a1b2c3d4e5f60718"), id_kind("nonsense")
    ('vpc', 'vpc-endpoint-service', None)
    """
    match = _ID.match(resource_id)
    return PREFIXES.get(match.group(1)) if match else None


def is_well_formed(resource_id: str, prefix: str) -> bool:
    """``vpc-1a2b3c4d`` and ``vpc-0a1b2c3d4e5f60718`` are well formed for ``vpc``; ``vpc-xyz`` is not."""
    match = _ID.match(resource_id)
    return bool(match) and match.group(1) == prefix  # type: ignore[union-attr]


class IdFactory:
    """Draws new ids; the caller checks uniqueness against the store."""

    def __init__(self, seed: int | None = None) -> None:
        self._random = random.Random(seed) if seed is not None else None

    def hex(self, digits: int) -> str:
        if self._random is None:
            return secrets.token_hex((digits + 1) // 2)[:digits]
        return "".join(self._random.choice("0123456789abcdef") for _ in range(digits))

    def new(self, prefix: str, digits: int = 17) -> str:
        return f"{prefix}-{self.hex(digits)}"

    def token(self, alphabet: str, length: int) -> str:
        """A random string, e.g. the 8-character DNS suffix of an endpoint's names."""
        if self._random is None:
            return "".join(secrets.choice(alphabet) for _ in range(length))
        return "".join(self._random.choice(alphabet) for _ in range(length))
