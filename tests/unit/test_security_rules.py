"""Security group rules: the grouped ``IpPermissions`` view loses nothing (rules -> IpPermissions -> rules)."""

from __future__ import annotations

from collections import Counter
from ipaddress import IPv4Network, IPv6Network
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vpcsim.control.security.rules import (
    Spec,
    check_unique,
    describe_rule,
    key,
    permissions,
    protocol,
    specs_from_permissions,
)
from vpcsim.errors import InvalidParameter

_HEX = "0123456789abcdef"


@st.composite
def _ports(draw: st.DrawFn, proto: str) -> tuple[int, int]:
    if proto in ("tcp", "udp"):
        low = draw(st.integers(0, 65535))
        return low, draw(st.integers(low, 65535))
    if proto in ("icmp", "icmpv6"):
        return draw(st.integers(-1, 255)), draw(st.integers(-1, 255))
    return -1, -1


_V4 = st.builds(lambda a, p: str(IPv4Network((a, p), strict=False)), st.ip_addresses(v=4), st.integers(0, 32))
_V6 = st.builds(lambda a, p: str(IPv6Network((a, p), strict=False)), st.ip_addresses(v=6), st.integers(0, 128))
_GROUP = st.builds(
    lambda g, u: {"GroupId": "sg-" + g, "UserId": u},
    st.text(_HEX, min_size=17, max_size=17),
    st.text("0123456789", min_size=12, max_size=12),
)
_PEER = st.one_of(
    _V4.map(lambda c: {"CidrIpv4": c}),
    _V6.map(lambda c: {"CidrIpv6": c}),
    st.text(_HEX, min_size=8, max_size=8).map(lambda h: {"PrefixListId": "pl-" + h}),
    _GROUP.map(lambda g: {"ReferencedGroupInfo": g}),
)


@st.composite
def _spec(draw: st.DrawFn, egress: bool) -> Spec:
    proto = draw(st.sampled_from(["-1", "tcp", "udp", "icmp", "icmpv6", "50", "132"]))
    low, high = draw(_ports(proto))
    spec: Spec = {"IsEgress": egress, "IpProtocol": proto, "FromPort": low, "ToPort": high, **draw(_PEER)}
    description = draw(st.one_of(st.none(), st.text("abc xyz-_.", max_size=20)))
    return spec if description is None else {**spec, "Description": description}


@st.composite
def _rules(draw: st.DrawFn) -> list[Spec]:
    egress = draw(st.booleans())
    specs = draw(st.lists(_spec(egress), max_size=25))
    unique: dict[tuple[Any, ...], Spec] = {}
    for spec in specs:
        unique.setdefault(key(spec), spec)
    return list(unique.values())


def _resolved(spec: Spec) -> Spec:
    """What the store's resolution makes of a parsed group pair, for pairs that name a group by id."""
    if "_pair" not in spec:
        return spec
    pair = spec["_pair"]
    rest = {k: v for k, v in spec.items() if k not in ("_pair", "Description")}
    out = {**rest, "ReferencedGroupInfo": {"GroupId": pair["GroupId"], "UserId": pair["UserId"]}}
    return {**out, "Description": spec["Description"]} if "Description" in spec else out


def _canon(specs: list[Spec]) -> Counter[str]:
    return Counter(repr(sorted(s.items())) for s in specs)


@given(_rules())
def test_rules_survive_the_grouped_view(rules: list[Spec]) -> None:
    view = permissions(rules)
    egress = rules[0]["IsEgress"] if rules else False
    back = [_resolved(s) for s in specs_from_permissions(view, egress)]
    assert _canon(back) == _canon(rules)
    check_unique(back)


@given(_rules())
def test_one_permission_per_protocol_and_port_range(rules: list[Spec]) -> None:
    view = permissions(rules)
    assert len(view) == len({(r["IpProtocol"], r["FromPort"], r["ToPort"]) for r in rules})
    lists = ("IpRanges", "Ipv6Ranges", "PrefixListIds", "UserIdGroupPairs")
    assert sum(len(p[name]) for p in view for name in lists) == len(rules)
    for permission in view:
        has_ports = permission["IpProtocol"] in ("tcp", "udp", "icmp", "icmpv6")
        assert ("FromPort" in permission) is has_ports  # AWS omits the ports of -1 and portless protocols


def test_protocols_are_spelled_as_aws_answers() -> None:
    assert [protocol(p) for p in ("6", "TCP", "17", "1", "58", "-1", "50", "006")] == [
        "tcp",
        "tcp",
        "udp",
        "icmp",
        "icmpv6",
        "-1",
        "50",
        "tcp",
    ]
    for bad in ("all", "256", "", "-2"):
        with pytest.raises(InvalidParameter):
            protocol(bad)


def test_duplicate_messages_match_aws() -> None:
    base = {"IsEgress": False, "CidrIpv4": "0.0.0.0/0"}
    assert describe_rule({**base, "IpProtocol": "tcp", "FromPort": 22, "ToPort": 22}) == (
        "peer: 0.0.0.0/0, TCP, from port: 22, to port: 22, ALLOW"
    )
    assert describe_rule({**base, "IpProtocol": "-1", "FromPort": -1, "ToPort": -1}) == "peer: 0.0.0.0/0, ALL, ALLOW"
    assert describe_rule({**base, "IpProtocol": "50", "FromPort": -1, "ToPort": -1}) == (
        "peer: 0.0.0.0/0, protocol: 50, ALLOW"
    )
