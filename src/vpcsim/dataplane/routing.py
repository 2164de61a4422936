"""Route selection in VPC and transit gateway route tables [RTPRIO; VPCUG23; TGW; aws-behaviour 9.1, 9.7].

VPC tables: longest prefix match; a prefix-list route competes with the length of the list entry that matches; on
equal length a static CIDR route beats a prefix-list route, and both beat propagated routes. Transit gateway tables:
longest prefix match, then static beats propagated. The answer names the chosen route and the runners-up it beat, so
that a trace can say MORE_SPECIFIC_ROUTE or HIGHER_PRIORITY_ROUTE about them. IPv4 and IPv6 are routed
independently (aws-behaviour 9.1): an address meets only the routes of its own family, and prefix-list routes (whose
entries then match by family too).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from vpcsim.dataplane.topology import Address, Network, Route, RouteTable, TgwRoute, TgwRouteTable
from vpcsim.model.explanations import ExplanationCode as Code

PrefixLists = Callable[[str], tuple[Network, ...]]


@dataclass(frozen=True, slots=True)
class Match:
    route: Route
    length: int  # the prefix length it matched with
    beaten: tuple[tuple[Route, Code], ...]  # other matching routes and why they lost


def _rank(route: Route) -> int:
    """Tie-break on equal length: static CIDR (2) > prefix list (1) > propagated (0) [RTPRIO]."""
    if route.origin == "EnableVgwRoutePropagation":
        return 0
    return 1 if route.prefix_list else 2


def _list_length(route: Route, address: Address, lists: PrefixLists) -> int | None:
    if route.prefix_list is None:
        return None
    lengths = [n.prefixlen for n in lists(route.prefix_list) if address in n]
    return max(lengths) if lengths else None


def lookup(table: RouteTable, address: Address, lists: PrefixLists) -> Match | None:
    """The route ``table`` uses for ``address``, or None (no route to the destination)."""
    number = int(address)
    candidates = []
    for network, mask, length, route in table.matchers[address.version]:
        if mask == -1:
            matched = _list_length(route, address, lists)
            if matched is not None:
                candidates.append((matched, _rank(route), route))
        elif number & mask == network:
            candidates.append((length, _rank(route), route))
    if not candidates:
        return None
    candidates.sort(key=lambda c: (c[0], c[1]), reverse=True)
    best_length, _, best = candidates[0]
    beaten = tuple(
        (r, Code.MORE_SPECIFIC_ROUTE if length < best_length else Code.HIGHER_PRIORITY_ROUTE)
        for length, rank, r in candidates[1:]
    )
    return Match(best, best_length, beaten)


def tgw_lookup(table: TgwRouteTable, address: Address) -> tuple[TgwRoute | None, tuple[TgwRoute, ...]]:
    """The transit gateway route for ``address`` and the matching routes it beat."""
    matching = [r for r in table.routes if address in r.destination]
    matching.sort(key=lambda r: (r.destination.prefixlen, r.kind == "static"), reverse=True)
    if not matching:
        return None, ()
    return matching[0], tuple(matching[1:])
