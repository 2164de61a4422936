"""Route selection (dataplane/routing.py) against a brute-force reading of AWS's priority rules [RTPRIO; aws-behaviour
9.1]: the longest matching prefix wins (a prefix-list route with the length of its longest matching entry); on equal
length a static CIDR route beats a prefix-list route, which beats a propagated route; among equals, the table's order.
"""

from __future__ import annotations

from ipaddress import IPv4Address, IPv4Network

from hypothesis import given, settings
from hypothesis import strategies as st

from vpcsim.dataplane import routing
from vpcsim.dataplane.topology import Route, RouteTable, TgwRoute, TgwRouteTable

_BASE = int(IPv4Address("10.0.0.0"))
_ORIGINS = ("CreateRouteTable", "CreateRoute", "EnableVgwRoutePropagation")


def _network(offset: int, length: int) -> IPv4Network:
    return IPv4Network((_BASE + offset, length), strict=False)


networks = st.builds(_network, st.integers(0, 0xFFFF), st.integers(8, 32))
addresses = st.integers(0, 0xFFFF).map(lambda n: IPv4Address(_BASE + n))
prefix_lists = st.dictionaries(st.sampled_from(["pl-a", "pl-b", "pl-c"]), st.lists(networks, max_size=4), max_size=3)


@st.composite
def routes(draw: st.DrawFn) -> Route:
    origin = draw(st.sampled_from(_ORIGINS))
    target = f"tgt-{draw(st.integers(0, 999))}"
    if origin != "EnableVgwRoutePropagation" and draw(st.booleans()):
        return Route(None, draw(st.sampled_from(["pl-a", "pl-b", "pl-c", "pl-missing"])), "vpce-gateway", target,
                     "active", origin)  # fmt: skip
    return Route(draw(networks), None, "eni", target, "active", origin)


def _contains(network: IPv4Network, address: IPv4Address) -> bool:
    start = int(network.network_address)
    return start <= int(address) < start + network.num_addresses


def _brute(
    table: list[Route], address: IPv4Address, lists: dict[str, list[IPv4Network]]
) -> list[tuple[int, int, int, Route]]:
    """Every matching route as (length, priority, position, route), best first, by the rules as stated."""
    found = []
    for position, route in enumerate(table):
        if route.destination is not None:
            lengths = [route.destination.prefixlen] if _contains(route.destination, address) else []
        else:
            lengths = [n.prefixlen for n in lists.get(route.prefix_list or "", []) if _contains(n, address)]
        if not lengths:
            continue
        priority = 0 if route.origin == "EnableVgwRoutePropagation" else 1 if route.prefix_list else 2
        found.append((max(lengths), priority, position, route))
    return sorted(found, key=lambda f: (-f[0], -f[1], f[2]))


@settings(max_examples=400, deadline=None)
@given(st.lists(routes(), max_size=25), addresses, prefix_lists)
def test_lookup_equals_a_brute_force_scan(
    table_routes: list[Route], address: IPv4Address, lists: dict[str, list[IPv4Network]]
) -> None:
    table = RouteTable("rtb-1", "vpc-1", tuple(table_routes))
    match = routing.lookup(table, address, lambda pl: tuple(lists.get(pl, ())))
    expected = _brute(table_routes, address, lists)
    if not expected:
        assert match is None
        return
    assert match is not None
    best_length, _, position, _ = expected[0]
    assert match.route is table_routes[position] and match.length == best_length
    assert [id(r) for r, _ in match.beaten] == [id(e[3]) for e in expected[1:]]
    for (_, why), (length, *_rest) in zip(match.beaten, expected[1:], strict=True):
        assert why == ("MORE_SPECIFIC_ROUTE" if length < best_length else "HIGHER_PRIORITY_ROUTE")


def test_static_beats_prefix_list_beats_propagated_on_equal_length() -> None:
    s3 = IPv4Network("52.95.0.0/16")
    propagated = Route(IPv4Network("52.95.0.0/16"), None, "eni", "eni-1", "active", "EnableVgwRoutePropagation")
    listed = Route(None, "pl-s3", "vpce-gateway", "vpce-1", "active", "CreateRoute")
    static = Route(IPv4Network("52.95.0.0/16"), None, "nat", "nat-1", "active", "CreateRoute")
    lists = {"pl-s3": (s3,)}
    address = IPv4Address("52.95.1.10")
    table = RouteTable("rtb-1", "vpc-1", (propagated, listed, static))
    match = routing.lookup(table, address, lambda pl: lists.get(pl, ()))
    assert match is not None and match.route is static
    assert [r.target for r, why in match.beaten] == ["vpce-1", "eni-1"]
    without_static = RouteTable("rtb-1", "vpc-1", (propagated, listed))
    assert (found := routing.lookup(without_static, address, lambda pl: lists.get(pl, ()))) is not None
    assert found.route is listed


def test_a_prefix_list_route_competes_with_its_longest_matching_entry() -> None:
    lists = {"pl-1": (IPv4Network("52.0.0.0/8"), IPv4Network("52.95.0.0/24"))}
    wide = Route(IPv4Network("52.95.0.0/20"), None, "nat", "nat-1", "active", "CreateRoute")
    listed = Route(None, "pl-1", "vpce-gateway", "vpce-1", "active", "CreateRoute")
    table = RouteTable("rtb-1", "vpc-1", (wide, listed))
    match = routing.lookup(table, IPv4Address("52.95.0.9"), lambda pl: lists.get(pl, ()))
    assert match is not None and match.route is listed and match.length == 24
    match = routing.lookup(table, IPv4Address("52.95.1.9"), lambda pl: lists.get(pl, ()))
    assert match is not None and match.route is wide and match.beaten == ((listed, "MORE_SPECIFIC_ROUTE"),)


def test_tgw_lookup_longest_prefix_then_static() -> None:
    routes_ = (
        TgwRoute(IPv4Network("10.0.0.0/8"), "static", "active", "tgw-attach-1"),
        TgwRoute(IPv4Network("10.1.0.0/16"), "propagated", "active", "tgw-attach-2"),
        TgwRoute(IPv4Network("10.1.0.0/16"), "static", "active", "tgw-attach-3"),
    )
    best, beaten = routing.tgw_lookup(TgwRouteTable("tgw-rtb-1", "tgw-1", routes_), IPv4Address("10.1.2.3"))
    assert best is routes_[2] and beaten == (routes_[1], routes_[0])
    assert routing.tgw_lookup(TgwRouteTable("tgw-rtb-1", "tgw-1", routes_), IPv4Address("11.0.0.1")) == (None, ())
