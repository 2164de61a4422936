"""What one GB of a traced flow costs: the per-GB charges along a ``Trace``'s hops, each with its usage type and source.

Design: three independent readings of ``trace.hops``, each yielding ``(hop index, Charge)`` so the result reads in path
order:

1. components that process data: a NAT gateway [VPCPR]; an interface endpoint (first tier of the Region-aggregate
   tiers, named in the source) [PLPR]; a Gateway Load Balancer endpoint [PL-VPC]; a gateway endpoint, which is free
   and shows as a 0.0 charge "Gateway endpoint (free)" so the reader sees why [PLG-GW]; a transit gateway, charged
   each time the flow enters it from a VPC (twice through an inspection VPC), in that Region, not again where it
   arrives over a peering [TGWPR-CN]. The trace engine names a VPC endpoint component by its type
   (``Component.name`` "Interface" | "Gateway" | "GatewayLoadBalancer"); another name charges nothing. A component
   that refuses the traffic (the hop that stops the path: an interface endpoint refusing UDP, a load balancer's
   security group) processes, and charges, nothing.
2. boundaries: consecutive located hops whose Region differs -> data transfer out to another Region, at the sending
   Region's rate (VPC or TGW peering, cross-Region PrivateLink [PLPR-JP], or an AWS service of another Region reached
   over the internet [BLOG-DT]); consecutive zonal hops of one Region whose Availability Zone differs -> inter-AZ
   transfer. An AWS service's public endpoint in the same Region costs no data transfer [BLOG-DT].
3. the internet: a trace that crosses the internet and ends outside AWS -> internet data transfer out, first tier
   (tiers and the 100 GB monthly free allowance are named in the source; ``monthly_flow_cost`` applies them).
4. leaving AWS over a Site-to-Site VPN: a VPN connection hop followed by its customer gateway -> data transfer out over
   the VPN, in the connection's Region (``vpn_data_out_gb``; data coming in over a VPN is not charged). The packaged
   book has no source for that rate anywhere, so it is unpriced until a book gives it.

Unpriced is an answer, not $0: where the book has no price for an item in a Region (``PriceBook.find`` is ``None``),
``price_path`` keeps an ``UnpricedCharge`` for it in path order beside the priced ``Charge``s, and its ``PathPrice``
reads "at least $0.0200 per GB, 1 item unpriced". ``charges_for`` (the ``Trace.charges`` form, whose ``Charge`` has no
room for an unknown rate) raises ``PriceNotFound`` naming every unpriced item instead of answering a partial sum.

Inter-AZ, named choice: AWS charges $0.01/GB "in each direction" [INFRA; GNFAQ: charged in and out], read as a GB
crossing an AZ boundary paying once leaving the sending AZ and once entering the receiving AZ. So one crossing yields
two charges ("out of" and "into") of the book's per-side figure, $0.02/GB together; a book whose ``inter_az_gb`` says
``"sides": 1`` gets one. A request/response flow traces each direction and prices each direction's bytes. A trace
with none of these hops has no charges.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass
from itertools import pairwise
from typing import Any

from vpcsim.cost.book import Price, PriceBook, PriceNotFound
from vpcsim.model.trace import Charge, Component, ComponentKind, Hop, Trace, UnpricedCharge


@dataclass(frozen=True, slots=True)
class PathPrice:
    """A path's per-GB price: the priced charges and the unpriced ones; the sum is a lower bound when any is unpriced.

    >>> PathPrice((Charge("x", 0.02),), (UnpricedCharge("NAT", "nat-1", "r", "nat_gateway_gb", "none"),)).text
    'at least $0.0200 per GB, 1 item unpriced'
    """

    charges: tuple[Charge, ...]
    unpriced: tuple[UnpricedCharge, ...] = ()

    @property
    def usd_per_gb(self) -> float:
        return round(sum(c.usd_per_gb for c in self.charges), 6)

    @property
    def complete(self) -> bool:
        return not self.unpriced

    @property
    def text(self) -> str:
        if self.complete:
            return f"${self.usd_per_gb:.4f} per GB"
        count = len(self.unpriced)
        return f"at least ${self.usd_per_gb:.4f} per GB, {count} item{'s' * (count != 1)} unpriced"

    def to_json(self) -> dict[str, Any]:
        return {
            "usd_per_gb": self.usd_per_gb,
            "complete": self.complete,
            "text": self.text,
            "charges": [asdict(c) for c in self.charges],
            "unpriced": [{**asdict(u), "unpriced": True, "usd_per_gb": None} for u in self.unpriced],
        }


_Line = Charge | UnpricedCharge
_Indexed = Iterator[tuple[int, _Line]]

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


def price_path(trace: Trace, book: PriceBook) -> PathPrice:
    """The per-GB charges of ``trace``'s path in hop order, priced or unpriced."""
    hops = trace.forward  # the reply's ACL checks are not part of the path a GB takes
    regions = _located(hops)
    found = [
        *_processing(hops, regions, book),
        *_boundaries(hops, book),
        *_internet(trace, hops, regions, book),
        *_vpn_out(hops, regions, book),
    ]
    lines = [line for _, line in sorted(found, key=lambda pair: pair[0])]
    priced = tuple(line for line in lines if isinstance(line, Charge))
    return PathPrice(priced, tuple(line for line in lines if isinstance(line, UnpricedCharge)))


def charges_for(trace: Trace, book: PriceBook) -> tuple[Charge, ...]:
    """The per-GB charges of ``trace``'s path, in hop order; ``PriceNotFound`` names the items the book cannot price."""
    found = price_path(trace, book)
    if found.unpriced:
        items = "; ".join(f"{u.item} ({u.region})" for u in found.unpriced)
        raise PriceNotFound(f"Unpriced on this path: {items}. {found.unpriced[0].reason}")
    return found.charges


def _located(hops: Sequence[Hop]) -> list[str]:
    """Each hop's Region, or the nearest earlier (else later) hop's where a component has none."""
    regions, last = [], ""
    for hop in hops:
        last = hop.component.region or last
        regions.append(last)
    first = next((r for r in regions if r), "")
    return [r or first for r in regions]


def _priced(
    item: str, key: str, region: str, book: PriceBook, component: str, arriving: str = ""
) -> Charge | UnpricedCharge:
    """The charge for ``key`` in ``region``, or an unpriced line where the book has no such price."""
    price = book.find(region, key)
    if price is None:
        return UnpricedCharge(item, component, region, key, book.unpriced_reason(region, key))
    usd = price.usd_to(arriving) if arriving else None
    return _charge(item, price, book, component, usd=usd, to=arriving)


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
        if hop.stops:  # a component that refuses the traffic processes none of it [ELB-NLB security groups]
            continue
        if component.kind in _TGW_FAMILY:
            if not in_transit:  # entering from a VPC; arriving over a TGW peering is not charged again
                item = f"Transit gateway data processing ({region})"
                yield index, _priced(item, "tgw_gb", region, book, component.id)
            in_transit = True
            continue
        in_transit = False
        charge = _component_charge(component, region, book)
        if charge is not None:
            yield index, charge


def _component_charge(component: Component, region: str, book: PriceBook) -> _Line | None:
    if component.kind is ComponentKind.NAT_GATEWAY:
        return _priced("NAT gateway data processing", "nat_gateway_gb", region, book, component.id)
    if component.kind is not ComponentKind.VPC_ENDPOINT:
        return None
    kind = component.name.replace(" ", "").lower()
    for prefix, key, item in _ENDPOINTS:
        if kind.startswith(prefix):
            return _priced(item, key, region, book, component.id)
    return None


# -- 2. Availability Zone and Region boundaries ---------------------------------------------------------------------
def _boundaries(hops: Sequence[Hop], book: PriceBook) -> _Indexed:
    region, zone, where, peering = "", "", "", False  # where: the zone's id (physical), zone: its name
    for index, hop in enumerate(hops):
        component = hop.component
        peering = peering or component.kind is ComponentKind.VPC_PEERING_CONNECTION
        if component.kind is ComponentKind.INTERNET or not component.region:
            continue
        if region and component.region != region:
            yield index, _inter_region(region, component, peering, book)
            zone, where, peering = "", "", False
        elif where and _physical(component) and _physical(component) != where:
            # Compared by zone id: across accounts (peering, PrivateLink) the same zone has different names.
            yield from ((index, line) for line in _inter_az(zone, component, peering, book))
            peering = False
        region, zone, where = component.region, component.zone or zone, _physical(component) or where


def _physical(component: Component) -> str:
    """The component's zone id (its name where a component carries no id)."""
    return component.zone_id or component.zone


def _inter_region(origin: str, arriving: Component, peering: bool, book: PriceBook) -> _Line:
    key = "peering_inter_region_gb" if peering else "inter_region_gb"
    via = " over VPC peering" if peering else ""
    item = f"Inter-Region data transfer {origin} -> {arriving.region}{via}"
    return _priced(item, key, origin, book, arriving.id, arriving=arriving.region)


def _inter_az(zone: str, arriving: Component, peering: bool, book: PriceBook) -> Iterator[_Line]:
    key = "peering_cross_az_gb" if peering else "inter_az_gb"
    via = " over VPC peering" if peering else ""
    price = book.find(arriving.region, key)
    for side in _SIDES[: price.sides if price else 2]:
        named = zone if side == "out of" else arriving.zone
        item = f"Inter-AZ data transfer {side} {named} ({zone} -> {arriving.zone}){via}"
        yield _priced(item, key, arriving.region, book, arriving.id)


# -- 3. the internet ------------------------------------------------------------------------------------------------
def _internet(trace: Trace, hops: Sequence[Hop], regions: list[str], book: PriceBook) -> _Indexed:
    if not trace.internet or not hops or not regions[-1]:
        return
    last = hops[-1].component
    if last.kind not in (ComponentKind.INTERNET, ComponentKind.INTERNET_GATEWAY):
        return  # the path ends at an AWS resource: Region rules apply, not internet egress
    gateways = (ComponentKind.INTERNET_GATEWAY, ComponentKind.EGRESS_ONLY_INTERNET_GATEWAY)
    gateway = next((h.component.id for h in reversed(hops) if h.component.kind in gateways), last.id)
    yield (
        len(hops) - 1,
        _priced("Data transfer out to the internet", "internet_out_gb", regions[-1], book, gateway),
    )


# -- 4. out over a VPN ----------------------------------------------------------------------------------------------
def _vpn_out(hops: Sequence[Hop], regions: list[str], book: PriceBook) -> _Indexed:
    for index, (hop, after) in enumerate(pairwise(hops)):
        leaving = (hop.component.kind, after.component.kind)
        if leaving == (ComponentKind.VPN_CONNECTION, ComponentKind.CUSTOMER_GATEWAY):
            item = "Data transfer out over Site-to-Site VPN"
            yield index, _priced(item, "vpn_data_out_gb", regions[index], book, hop.component.id)


__all__ = ["PathPrice", "UnpricedCharge", "charges_for", "price_path"]
