"""What one GB of a traced flow costs: the per-GB charges along a ``Trace``'s hops, each with its usage type and source.

Design: three independent readings of ``trace.hops``, each yielding ``(hop index, Charge)`` so the result reads in path
order:

1. components that process data: a NAT gateway [VPCPR]; an interface endpoint (first tier of the Region-aggregate
   tiers, named in the source) [PLPR]; a Gateway Load Balancer endpoint [PL-VPC]; a gateway endpoint, which is free
   and shows as a 0.0 charge "Gateway endpoint (free)" so the reader sees why [PLG-GW]; a transit gateway, charged once
   where the flow enters it from a VPC, in that Region, not again where it arrives over a peering [TGWPR-CN]. The
   trace engine names a VPC endpoint component by its type (``Component.name`` "Interface" | "Gateway" |
   "GatewayLoadBalancer"); another name charges nothing.
2. boundaries: consecutive located hops whose Region differs -> data transfer out to another Region, at the sending
   Region's rate (VPC or TGW peering, cross-Region PrivateLink [PLPR-JP], or an AWS service of another Region reached
   over the internet [BLOG-DT]); consecutive zonal hops of one Region whose Availability Zone differs -> inter-AZ
   transfer. An AWS service's public endpoint in the same Region costs no data transfer [BLOG-DT].
3. the internet: a trace that crosses the internet and ends outside AWS -> internet data transfer out, first tier
   (tiers and the 100 GB monthly free allowance are named in the source; ``monthly_flow_cost`` applies them).

Inter-AZ, named choice: AWS charges $0.01/GB "in each direction" [INFRA; GNFAQ: charged in and out], read as a GB
crossing an AZ boundary paying once leaving the sending AZ and once entering the receiving AZ. So one crossing yields
two charges ("out of" and "into") of the book's per-side figure, $0.02/GB together; a book whose ``inter_az_gb`` says
``"sides": 1`` gets one. A request/response flow traces each direction and prices each direction's bytes. A trace
with none of these hops has no charges.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from vpcsim.cost.book import Price, PriceBook
from vpcsim.model.trace import Charge, Component, ComponentKind, Hop, Trace

_Indexed = Iterator[tuple[int, Charge]]

_TGW_FAMILY = frozenset(
    {
        ComponentKind.TRANSIT_GATEWAY,
        ComponentKind.TRANSIT_GATEWAY_ATTACHMENT,
        ComponentKind.TRANSIT_GATEWAY_ROUTE_TABLE,
    }
)
# Endpoint type (Component.name, normalised) -> price key and item; longest prefix first.
_ENDPOINTS = (
    ("gatewayloadbalancer", "gwlb_endpoint_gb", "Gateway Load Balancer endpoint data processing"),
    ("interface", "interface_endpoint_gb", "Interface endpoint data processing"),
    ("gateway", "gateway_endpoint", "Gateway endpoint (free)"),
)
_SIDES = ("out of", "into")  # an AZ crossing is charged on both sides (module docstring)


def charges_for(trace: Trace, book: PriceBook) -> tuple[Charge, ...]:
    """The per-GB charges of ``trace``'s path, in hop order (raises ``PriceNotFound`` for a Region the book lacks)."""
    hops = trace.forward  # the reply's ACL checks are not part of the path a GB takes
    regions = _located(hops)
    found = [
        *_processing(hops, regions, book),
        *_boundaries(hops, book),
        *_internet(trace, hops, regions, book),
    ]
    return tuple(charge for _, charge in sorted(found, key=lambda pair: pair[0]))


def _located(hops: Sequence[Hop]) -> list[str]:
    """Each hop's Region, or the nearest earlier (else later) hop's where a component has none."""
    regions, last = [], ""
    for hop in hops:
        last = hop.component.region or last
        regions.append(last)
    first = next((r for r in regions if r), "")
    return [r or first for r in regions]


def _charge(item: str, price: Price, book: PriceBook, component: str, usd: float | None = None, to: str = "") -> Charge:
    source = book.cite(price)
    if price.tiers:
        source += f"; first tier shown, tiers per month, Region aggregate: {price.tier_text()}"
    if price.key == "internet_out_gb" and book.internet_free_gb:
        source += f"; first {book.internet_free_gb:g} GB a month free across all Regions"
    rate = price.usd if usd is None else usd
    return Charge(item, rate, component, book.usage_type(price, to), source)


# -- 1. components that process data --------------------------------------------------------------------------------
def _processing(hops: Sequence[Hop], regions: list[str], book: PriceBook) -> _Indexed:
    in_transit = False
    for index, hop in enumerate(hops):
        component, region = hop.component, regions[index]
        if component.kind in _TGW_FAMILY:
            if not in_transit:  # entering from a VPC; arriving over a TGW peering is not charged again
                price = book.price(region, "tgw_gb")
                yield index, _charge(f"Transit gateway data processing ({region})", price, book, component.id)
            in_transit = True
            continue
        in_transit = False
        charge = _component_charge(component, region, book)
        if charge is not None:
            yield index, charge


def _component_charge(component: Component, region: str, book: PriceBook) -> Charge | None:
    if component.kind is ComponentKind.NAT_GATEWAY:
        return _charge("NAT gateway data processing", book.price(region, "nat_gateway_gb"), book, component.id)
    if component.kind is not ComponentKind.VPC_ENDPOINT:
        return None
    kind = component.name.replace(" ", "").lower()
    for prefix, key, item in _ENDPOINTS:
        if kind.startswith(prefix):
            return _charge(item, book.price(region, key), book, component.id)
    return None


# -- 2. Availability Zone and Region boundaries ---------------------------------------------------------------------
def _boundaries(hops: Sequence[Hop], book: PriceBook) -> _Indexed:
    region, zone, peering = "", "", False
    for index, hop in enumerate(hops):
        component = hop.component
        peering = peering or component.kind is ComponentKind.VPC_PEERING_CONNECTION
        if component.kind is ComponentKind.INTERNET or not component.region:
            continue
        if region and component.region != region:
            yield index, _inter_region(region, component, peering, book)
            zone, peering = "", False
        elif zone and component.zone and component.zone != zone:
            price = book.price(component.region, "peering_cross_az_gb" if peering else "inter_az_gb")
            for side in _SIDES[: price.sides]:
                yield index, _inter_az(side, zone, component, price, peering, book)
            peering = False
        region, zone = component.region, component.zone or zone


def _inter_region(origin: str, arriving: Component, peering: bool, book: PriceBook) -> Charge:
    price = book.price(origin, "peering_inter_region_gb" if peering else "inter_region_gb")
    via = " over VPC peering" if peering else ""
    item = f"Inter-Region data transfer {origin} -> {arriving.region}{via}"
    return _charge(item, price, book, arriving.id, usd=price.usd_to(arriving.region), to=arriving.region)


def _inter_az(side: str, zone: str, arriving: Component, price: Price, peering: bool, book: PriceBook) -> Charge:
    via = " over VPC peering" if peering else ""
    named = zone if side == "out of" else arriving.zone
    item = f"Inter-AZ data transfer {side} {named} ({zone} -> {arriving.zone}){via}"
    return _charge(item, price, book, arriving.id)


# -- 3. the internet ------------------------------------------------------------------------------------------------
def _internet(trace: Trace, hops: Sequence[Hop], regions: list[str], book: PriceBook) -> _Indexed:
    if not trace.internet or not hops or not regions[-1]:
        return
    last = hops[-1].component
    if last.kind not in (ComponentKind.INTERNET, ComponentKind.INTERNET_GATEWAY):
        return  # the path ends at an AWS resource: Region rules apply, not internet egress
    gateway = next(
        (h.component.id for h in reversed(trace.hops) if h.component.kind is ComponentKind.INTERNET_GATEWAY), last.id
    )
    price = book.price(regions[-1], "internet_out_gb")
    yield len(trace.hops) - 1, _charge("Data transfer out to the internet", price, book, gateway)


__all__ = ["charges_for"]
