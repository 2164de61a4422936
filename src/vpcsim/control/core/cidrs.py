"""CIDR parsing and the checks EC2 applies to VPC and subnet ranges.

AWS keeps every CIDR it is given in canonical form: host bits cleared ("if you specify 100.68.0.18/18, we modify it
to 100.68.0.0/18" [EC2API CreateVpc, CreateSubnet, CreateRoute, CreateNetworkAclEntry CidrBlock]) and IPv6 text
compressed and lower case, as ``ipaddress`` writes it. vpcsim does the same for every CIDR input (the other inputs'
documentation is silent; Terraform's AWS provider validates that such inputs are already canonical, e.g.
``verify.ValidIPv4CIDRNetworkAddress`` on ``aws_route``, because AWS would otherwise answer a different value).

>>> str(parse_v4("100.68.0.18/18"))
'100.68.0.0/18'
>>> str(parse_v6("2600:1F18:0:0::5/64"))
'2600:1f18::/64'
"""

from __future__ import annotations

import ipaddress
from ipaddress import IPv4Network, IPv6Network

from vpcsim.errors import InvalidParameter


def parse_v4(text: str, parameter: str = "cidrBlock") -> IPv4Network:
    """An IPv4 network in canonical form; a bad form (no prefix length, not IPv4) is ``InvalidParameterValue``."""
    try:
        if "/" not in str(text):
            raise ValueError(text)
        return IPv4Network(str(text).strip(), strict=False)
    except ValueError:
        raise InvalidParameter(
            "InvalidParameterValue",
            f"Value ({text}) for parameter {parameter} is invalid. This is not a valid CIDR block.",
        ) from None


def parse_v6(text: str, parameter: str = "ipv6CidrBlock") -> IPv6Network:
    """An IPv6 network in canonical form (host bits cleared, compressed lower-case text)."""
    try:
        if "/" not in str(text):
            raise ValueError(text)
        return IPv6Network(str(text).strip(), strict=False)
    except ValueError:
        raise InvalidParameter(
            "InvalidParameterValue",
            f"Value ({text}) for parameter {parameter} is invalid. This is not a valid IPv6 CIDR block.",
        ) from None


def parse_any(text: str, parameter: str) -> IPv4Network | IPv6Network:
    return parse_v6(text, parameter) if ":" in str(text) else parse_v4(text, parameter)


def canonical(text: str, parameter: str) -> str:
    """The canonical text of an IPv4 or IPv6 CIDR."""
    return str(parse_any(text, parameter))


def overlaps(a: str, b: str) -> bool:
    left, right = ipaddress.ip_network(a), ipaddress.ip_network(b)
    return left.version == right.version and left.overlaps(right)
