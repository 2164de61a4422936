"""IPv6 route selection and address indexes against brute-force readings of the rules, with IPv4 and IPv6 mixed in
one table: an address meets only routes (and prefix-list entries) of its own family [aws-behaviour 9.1]."""

from __future__ import annotations

from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.unit.test_routing import _brute
from vpcsim.dataplane import routing
from vpcsim.dataplane.topology import Address, Network, NetworkIndex, Route, RouteTable, TgwRoute, TgwRouteTable

_V6_BASE = int(IPv6Address("2600:1f18:2a00::"))
_V4_BASE = int(IPv4Address("10.0.0.0"))
_ORIGINS = ("CreateRouteTable", "CreateRoute", "EnableVgwRoutePropagation")


def _v6(offset: int, length: int) -> IPv6Network:
    return IPv6Network((_V6_BASE + (offset << 64), length), strict=False)


def _v4(offset: int, length: int) -> IPv4Network:
    return IPv4Network((_V4_BASE + offset, length), strict=False)


# Host bits above 2**64 keep the IPv6 networks near each other, so that they nest and overlap often.
v6_networks = st.builds(_v6, st.integers(0, 0xFF), st.integers(40, 128))
v4_networks = st.builds(_v4, st.integers(0, 0xFF), st.integers(16, 32))
networks: st.SearchStrategy[Network] = st.one_of(v6_networks, v6_networks, v4_networks)
v6_addresses = st.builds(
    lambda high, low: IPv6Address(_V6_BASE + (high << 64) + low), st.integers(0, 0xFF), st.integers(0, 2**64 - 1)
)
addresses: st.SearchStrategy[Address] = st.one_of(
    v6_addresses, st.integers(0, 0xFF).map(lambda n: IPv4Address(_V4_BASE + n))
)
prefix_lists = st.dictionaries(st.sampled_from(["pl-a", "pl-b"]), st.lists(networks, max_size=4), max_size=2)


@st.composite
def routes(draw: st.DrawFn) -> Route:
    origin = draw(st.sampled_from(_ORIGINS))
    target = f"tgt-{draw(st.integers(0, 999))}"
    if origin != "EnableVgwRoutePropagation" and draw(st.booleans()):
        return Route(None, draw(st.sampled_from(["pl-a", "pl-b", "pl-missing"])), "vpce-gateway", target, "active",
                     origin)  # fmt: skip
    return Route(draw(networks), None, "eigw", target, "active", origin)


@settings(max_examples=400, deadline=None)
@given(st.lists(routes(), max_size=25), addresses, prefix_lists)
def test_mixed_family_lookup_equals_a_brute_force_scan(
    table_routes: list[Route], address: Address, lists: dict[str, list[Network]]
) -> None:
    table = RouteTable("rtb-1", "vpc-1", tuple(table_routes))
    match = routing.lookup(table, address, lambda pl: tuple(lists.get(pl, ())))
    expected = _brute(table_routes, address, lists)  # type: ignore[arg-type]
    if not expected:
        assert match is None
        return
    assert match is not None
    best_length, _, position, _ = expected[0]
    assert match.route is table_routes[position] and match.length == best_length
    assert [id(r) for r, _ in match.beaten] == [id(e[3]) for e in expected[1:]]
    assert all(r.destination is None or r.destination.version == address.version for r, _ in match.beaten)


@settings(max_examples=300, deadline=None)
@given(st.lists(networks, max_size=30), addresses)
def test_network_index_answers_the_first_network_of_the_family_holding_the_address(
    items: list[Network], address: Address
) -> None:
    index = NetworkIndex((n, i) for i, n in enumerate(items))
    expected = next((i for i, n in enumerate(items) if n.version == address.version and address in n), None)
    assert index.first(address) == expected


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(networks, st.booleans()), max_size=12), addresses)
def test_transit_gateway_lookup_stays_within_the_family(pairs: list[tuple[Network, bool]], address: Address) -> None:
    found = tuple(TgwRoute(n, "static" if s else "propagated", "active", f"a-{i}") for i, (n, s) in enumerate(pairs))
    best, beaten = routing.tgw_lookup(TgwRouteTable("tgw-rtb-1", "tgw-1", found), address)
    matching = [r for r in found if r.destination.version == address.version and address in r.destination]
    assert {id(r) for r in (best, *beaten) if r is not None} == {id(r) for r in matching}
    if best is not None:
        assert best.destination.prefixlen == max(r.destination.prefixlen for r in matching)


def test_the_local_ipv6_route_and_a_default_route_to_an_egress_only_gateway() -> None:
    vpc_block = IPv6Network("2600:1f18:2a00:ab00::/56")
    local = Route(vpc_block, None, "local", "local", "active", "CreateRouteTable")
    default = Route(IPv6Network("::/0"), None, "eigw", "eigw-1", "active", "CreateRoute")
    v4_default = Route(IPv4Network("0.0.0.0/0"), None, "igw", "igw-1", "active", "CreateRoute")
    table = RouteTable("rtb-1", "vpc-1", (local, default, v4_default))
    inside = routing.lookup(table, IPv6Address("2600:1f18:2a00:ab01::5"), lambda _: ())
    assert inside is not None and inside.route is local and inside.beaten == ((default, "MORE_SPECIFIC_ROUTE"),)
    outside = routing.lookup(table, IPv6Address("2001:db8::1"), lambda _: ())
    assert outside is not None and outside.route is default and outside.beaten == ()
    v4 = routing.lookup(table, IPv4Address("8.8.8.8"), lambda _: ())
    assert v4 is not None and v4.route is v4_default
