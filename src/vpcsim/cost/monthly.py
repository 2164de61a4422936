"""What a Region's network costs a month: fixed hourly charges read from the state, and a flow's volume priced.

Fixed charges (``monthly_fixed``), read from the records of one account and Region, ``hours_per_month`` (730) hours
each, partial hours not modelled:

- interface and Gateway Load Balancer endpoints: per endpoint per AZ-hour, one AZ per endpoint network interface,
  billed "irrespective of the state of its association" [PLPR], so in every state but deleted, rejected and failed;
  gateway endpoints show as a free line so the reader sees them [PLG-GW];
- NAT gateways: per hour until deleted [VPCPR]; a failed gateway never ran and is not billed (named choice);
- transit gateway attachments: per attachment-hour, to the VPC owner, from acceptance to deletion [TGWPR-CN]; a
  peering attachment is billed on the requester's side and, flagged uncertain, on the accepter's.

Per-flow volume (``monthly_flow_cost``): each ``Charge`` of a trace times the month's GB. Tiered prices (interface
endpoint processing, internet egress) are looked up in the book by usage type and priced from where the month's
Region aggregate already stands (``prior_gb``), internet egress after the 100 GB monthly free allowance; flat ones
are ``usd_per_gb x GB``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass
from typing import Any

from vpcsim.cost.book import Price, PriceBook, price_book
from vpcsim.model import Record
from vpcsim.model.trace import Charge
from vpcsim.store import Transaction

_ENDPOINT_UNBILLED = frozenset({"deleted", "rejected", "failed"})
_NAT_UNBILLED = frozenset({"deleted", "failed"})
# Billing starts when the attachment is accepted and stops when it is deleted [TGWPR-CN].
_ATTACHMENT_UNBILLED = frozenset(
    {"initiating", "initiatingRequest", "pendingAcceptance", "rejecting", "rejected", "failing", "failed", "deleted"}
)
_ENDPOINT_HOURS = {"Interface": "interface_endpoint_hour", "GatewayLoadBalancer": "gwlb_endpoint_hour"}


@dataclass(frozen=True, slots=True)
class LineItem:
    """One line of a monthly bill: what, how many units at what unit price, and why (source)."""

    item: str
    usd: float
    quantity: float
    unit: str  # "hour" | "AZ-hour" | "GB"
    unit_usd: float
    resource_id: str = ""
    usage_type: str = ""
    source: str = ""
    uncertain: bool = False

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "usd": round(self.usd, 6)}


def monthly_total(items: Iterable[LineItem]) -> float:
    return round(sum(i.usd for i in items), 6)


def _line(item: str, price: Price, quantity: float, book: PriceBook, resource_id: str = "") -> LineItem:
    return LineItem(
        item=item,
        usd=quantity * price.usd,
        quantity=quantity,
        unit=price.unit,
        unit_usd=price.usd,
        resource_id=resource_id,
        usage_type=price.usage_type,
        source=book.cite(price),
        uncertain=price.uncertain,
    )


# -- fixed charges --------------------------------------------------------------------------------------------------
def monthly_fixed(tx: Transaction, account: str, region: str, book: PriceBook) -> list[LineItem]:
    """The month's hourly charges of the account's endpoints, NAT gateways and transit gateway attachments in Region."""
    return [
        *_endpoint_lines(tx, account, region, book),
        *_nat_lines(tx, account, region, book),
        *_attachment_lines(tx, account, region, book),
    ]


def _endpoint_lines(tx: Transaction, account: str, region: str, book: PriceBook) -> Iterator[LineItem]:
    for endpoint in tx.scan("vpc-endpoint", account, region):
        doc = endpoint.doc
        if doc.get("State") in _ENDPOINT_UNBILLED:
            continue
        kind = doc.get("VpcEndpointType", "Gateway")
        if kind == "Gateway":
            yield _line(
                f"Gateway endpoint (free): {doc.get('ServiceName', '')}", _free(book, region), 0, book, endpoint.id
            )
        elif kind in _ENDPOINT_HOURS:
            yield _endpoint_line(endpoint, book.price(region, _ENDPOINT_HOURS[kind]), book)


def _free(book: PriceBook, region: str) -> Price:
    return book.price(region, "gateway_endpoint")


def _endpoint_line(endpoint: Record, price: Price, book: PriceBook) -> LineItem:
    """One AZ per endpoint network interface (one subnet per AZ) [PLPR; aws-behaviour 1.3]."""
    zones = len(endpoint.doc.get("NetworkInterfaceIds") or endpoint.doc.get("SubnetIds") or [])
    label = "Interface endpoint" if price.key.startswith("interface") else "Gateway Load Balancer endpoint"
    item = f"{label} {endpoint.doc.get('ServiceName', '')}: {zones} AZ x {book.hours_per_month:g} h"
    return _line(item, price, zones * book.hours_per_month, book, endpoint.id)


def _nat_lines(tx: Transaction, account: str, region: str, book: PriceBook) -> Iterator[LineItem]:
    price = book.price(region, "nat_gateway_hour")
    for nat in tx.scan("natgateway", account, region):
        if nat.doc.get("State") not in _NAT_UNBILLED:
            kind = nat.doc.get("ConnectivityType", "public")
            item = f"NAT gateway ({kind}): {book.hours_per_month:g} h"
            yield _line(item, price, book.hours_per_month, book, nat.id)


def _attachment_lines(tx: Transaction, account: str, region: str, book: PriceBook) -> Iterator[LineItem]:
    price = book.price(region, "tgw_attachment_hour")
    for attachment in tx.scan("transit-gateway-attachment", account, region):
        if attachment.doc.get("State") not in _ATTACHMENT_UNBILLED:
            yield _line(_attachment_item(attachment, book), price, book.hours_per_month, book, attachment.id)
    for attachment in _accepted_peerings(tx, account, region):
        line = _line(_attachment_item(attachment, book), price, book.hours_per_month, book, attachment.id)
        reason = "UNCERTAIN: the accepter side of a peering attachment billed like the requester's (third-party)"
        yield LineItem(**{**asdict(line), "source": f"{line.source}; {reason}", "uncertain": True})


def _attachment_item(attachment: Record, book: PriceBook) -> str:
    what = "VPC" if "VpcId" in attachment.doc else "peering"
    return f"Transit gateway {what} attachment: {book.hours_per_month:g} h"


def _accepted_peerings(tx: Transaction, account: str, region: str) -> Iterator[Record]:
    """Peering attachments stored on the requester's side whose accepter is this account and Region."""
    for attachment in tx.scan("transit-gateway-attachment"):
        accepter = attachment.doc.get("AccepterTgwInfo") or {}
        if (accepter.get("OwnerId"), accepter.get("Region")) != (account, region):
            continue
        if attachment.doc.get("State") not in _ATTACHMENT_UNBILLED:
            yield attachment


# -- a flow's volume --------------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class FlowCost:
    """A flow's month: ``volume_gb`` through each of its charges."""

    volume_gb: float
    lines: tuple[LineItem, ...]

    @property
    def usd(self) -> float:
        return monthly_total(self.lines)

    def to_json(self) -> dict[str, Any]:
        return {"volume_gb": self.volume_gb, "usd": self.usd, "lines": [line.to_json() for line in self.lines]}


def monthly_flow_cost(
    charges: Iterable[Charge],
    volume_gb: float,
    book: PriceBook | None = None,
    *,
    prior_gb: Mapping[str, float] | None = None,
    internet_free_gb_left: float | None = None,
) -> FlowCost:
    """Price ``volume_gb`` a month along ``charges``, applying tiers per usage type (Region aggregate per month).

    ``prior_gb`` maps a usage type to the GB other flows already put through it this month (the tier position);
    ``internet_free_gb_left`` is what remains of the monthly free internet allowance (default: all of it).
    """
    if volume_gb < 0:
        raise ValueError("volume_gb must not be negative")
    book = book or price_book()
    tiered = {p.usage_type: p for prices in book.regions.values() for p in prices.values() if p.tiers}
    used = dict(prior_gb or {})
    free = [book.internet_free_gb if internet_free_gb_left is None else internet_free_gb_left]
    lines = [_flow_line(c, volume_gb, tiered.get(c.usage_type), used, free) for c in charges]
    return FlowCost(volume_gb, tuple(lines))


def _flow_line(charge: Charge, gb: float, price: Price | None, used: dict[str, float], free: list[float]) -> LineItem:
    usd = gb * charge.usd_per_gb
    if price is not None:
        waived = min(gb, free[0]) if price.key == "internet_out_gb" else 0.0
        free[0] -= waived
        start = used.get(charge.usage_type, 0.0)
        usd = price.cost(gb - waived, start + waived)
        used[charge.usage_type] = start + gb
    return LineItem(
        item=charge.item,
        usd=usd,
        quantity=gb,
        unit="GB",
        unit_usd=charge.usd_per_gb,
        resource_id=charge.component,
        usage_type=charge.usage_type,
        source=charge.source,
        uncertain="UNCERTAIN" in charge.source,
    )


__all__ = ["FlowCost", "LineItem", "monthly_fixed", "monthly_flow_cost", "monthly_total"]
