"""CIDR parsing and the checks EC2 applies to VPC and subnet ranges."""

from __future__ import annotations

import ipaddress
from ipaddress import IPv4Network, IPv6Network

from vpcsim.errors import InvalidParameter


def parse_v4(text: str, parameter: str = "cidrBlock") -> IPv4Network:
    """An IPv4 network; host bits set or a bad form is ``InvalidParameterValue`` as AWS words it."""
    try:
        return IPv4Network(text, strict=True)
    except ValueError:
        raise InvalidParameter(
            "InvalidParameterValue",
            f"Value ({text}) for parameter {parameter} is invalid. This is not a valid CIDR block.",
        ) from None


def parse_v6(text: str, parameter: str = "ipv6CidrBlock") -> IPv6Network:
    try:
        return IPv6Network(text, strict=True)
    except ValueError:
        raise InvalidParameter(
            "InvalidParameterValue",
            f"Value ({text}) for parameter {parameter} is invalid. This is not a valid IPv6 CIDR block.",
        ) from None


def parse_any(text: str, parameter: str) -> IPv4Network | IPv6Network:
    return parse_v6(text, parameter) if ":" in text else parse_v4(text, parameter)


def overlaps(a: str, b: str) -> bool:
    left, right = ipaddress.ip_network(a), ipaddress.ip_network(b)
    return left.version == right.version and left.overlaps(right)  # type: ignore[arg-type]
