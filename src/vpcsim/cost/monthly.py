"""What a Region's network costs a month: fixed hourly charges read from the state, and a flow's volume priced.

Fixed charges (``monthly_fixed``), read from the records of one account and Region, ``hours_per_month`` (730) hours
each, partial hours not modelled:

- interface and Gateway Load Balancer endpoints: per endpoint per AZ-hour, one AZ per endpoint network interface,
  "billed for each hour that your VPC endpoint remains provisioned in each Availability Zone, irrespective of the state
  of its association" [PLPR]: so pendingAcceptance, pending, available, rejected, expired and deleting endpoints all
  bill until deleted; a failed one never came up and is not billed (named choice); gateway endpoints show as a free
  line so the reader sees them [PLG-GW];
- NAT gateways: per hour until deleted [VPCPR]; a failed gateway never ran and is not billed (named choice);
- transit gateway attachments: per attachment-hour, to the VPC owner, from acceptance to deletion [TGWPR-CN]; a
  peering attachment is billed on the requester's side and, flagged uncertain, on the accepter's;
- public IPv4 addresses: $0.005 per IP-hour "for all public IPv4 addresses, whether attached to a service or not" since
  2024-02-01 [IPV4-BLOG; EC2API-IPV4]: every Elastic IP the account holds, in use (a NAT gateway's, an instance's) or
  idle, and every auto-assigned public address on a network interface;
- Site-to-Site VPN connections: per connection-hour while pending or available [INFRA-VPN], to a virtual private
  gateway or a transit gateway (whose VPN attachment is billed as a transit gateway attachment besides).

Unpriced is an answer, not $0: an item whose price the book lacks in the Region is a ``LineItem`` with ``usd=None``
and ``unpriced=True`` (its ``source`` says why), and ``monthly_summary`` reads "at least $36.50 a month, 1 item
unpriced". ``monthly_total`` is the sum of the priced lines: a lower bound when any line is unpriced.

Per-flow volume (``monthly_flow_cost``): each ``Charge`` of a trace times the month's GB. Tiered prices (interface
endpoint processing, internet egress) are looked up in the book by usage type and priced from where the month's
Region aggregate already stands (``prior_gb``), internet egress after the 100 GB monthly free allowance; flat ones
are ``usd_per_gb x GB``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass, replace
from typing import Any

from vpcsim.cost.book import Price, PriceBook, price_book
from vpcsim.cost.flows import PathPrice, UnpricedCharge
from vpcsim.model import Record
from vpcsim.model.trace import Charge
from vpcsim.store import Transaction

# Billed "irrespective of the state of its association" until deleted [PLPR]; failed: never provisioned (named choice).
_ENDPOINT_UNBILLED = frozenset({"deleted", "failed"})
_NAT_UNBILLED = frozenset({"deleted", "failed"})
# Billing starts when the attachment is accepted and stops when it is deleted [TGWPR-CN].
_ATTACHMENT_UNBILLED = frozenset(
    {"initiating", "initiatingRequest", "pendingAcceptance", "rejecting", "rejected", "failing", "failed", "deleted"}
)
_ENDPOINT_HOURS = {"Interface": "interface_endpoint_hour", "GatewayLoadBalancer": "gwlb_endpoint_hour"}
_UNITS = {
    "interface_endpoint_hour": "AZ-hour",
    "gwlb_endpoint_hour": "AZ-hour",
    "nat_gateway_hour": "hour",
    "tgw_attachment_hour": "hour",
    "public_ipv4_hour": "hour",
    "vpn_connection_hour": "hour",
}
_VPN_BILLED = frozenset({"pending", "available"})  # a connection bills while provisioned [INFRA-VPN]


@dataclass(frozen=True, slots=True)
class LineItem:
    """One line of a monthly bill: what, how many units at what unit price, and why (source).

    ``usd`` and ``unit_usd`` are ``None`` when the line is ``unpriced``: the book has no price for it there.
    """

    item: str
    usd: float | None
    quantity: float
    unit: str  # "hour" | "AZ-hour" | "GB"
    unit_usd: float | None
    resource_id: str = ""
    usage_type: str = ""
    source: str = ""
    uncertain: bool = False
    unpriced: bool = False

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "usd": None if self.usd is None else round(self.usd, 6)}


def monthly_total(items: Iterable[LineItem]) -> float:
    """The priced lines' sum (a lower bound when any line is unpriced)."""
    return round(sum(i.usd for i in items if i.usd is not None), 6)


def total_text(usd: float, unpriced: int, per: str = "a month") -> str:
    """'$36.50 a month', or 'at least $36.50 a month, 2 items unpriced'.

    >>> total_text(36.5, 1)
    'at least $36.50 a month, 1 item unpriced'
    """
    if not unpriced:
        return f"${usd:,.2f} {per}"
    return f"at least ${usd:,.2f} {per}, {unpriced} item{'s' * (unpriced != 1)} unpriced"


def monthly_summary(items: Iterable[LineItem]) -> dict[str, Any]:
    """The totals of a bill: ``total_usd`` (priced lines), ``complete``, ``unpriced_items`` and ``total_text``."""
    lines = list(items)
    usd, unpriced = monthly_total(lines), sum(1 for i in lines if i.unpriced)
    return {
        "total_usd": usd,
        "complete": not unpriced,
        "unpriced_items": unpriced,
        "total_text": total_text(usd, unpriced),
    }


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


def hourly_line(item: str, key: str, region: str, units: float, book: PriceBook, resource_id: str = "") -> LineItem:
    """``units`` x the month's hours at ``key``'s price in ``region``, or an unpriced line."""
    quantity = units * book.hours_per_month
    price = book.find(region, key)
    if price is not None:
        return _line(item, price, quantity, book, resource_id)
    reason = f"UNPRICED: {book.unpriced_reason(region, key)}"
    return LineItem(item, None, quantity, _UNITS.get(key, "hour"), None, resource_id, source=reason, unpriced=True)


# -- fixed charges --------------------------------------------------------------------------------------------------
def monthly_fixed(tx: Transaction, account: str, region: str, book: PriceBook) -> list[LineItem]:
    """The month's hourly charges of the account's endpoints, NAT gateways, attachments, public IPv4 in Region."""
    return [
        *_endpoint_lines(tx, account, region, book),
        *_nat_lines(tx, account, region, book),
        *_attachment_lines(tx, account, region, book),
        *_public_ipv4_lines(tx, account, region, book),
        *_vpn_lines(tx, account, region, book),
    ]


def _endpoint_lines(tx: Transaction, account: str, region: str, book: PriceBook) -> Iterator[LineItem]:
    for endpoint in tx.scan("vpc-endpoint", account, region):
        doc = endpoint.doc
        if doc.get("State") in _ENDPOINT_UNBILLED:
            continue
        kind = doc.get("VpcEndpointType", "Gateway")
        if kind == "Gateway":
            item = f"Gateway endpoint (free): {doc.get('ServiceName', '')}"
            yield hourly_line(item, "gateway_endpoint", region, 0, book, endpoint.id)
        elif kind in _ENDPOINT_HOURS:
            yield _endpoint_line(endpoint, _ENDPOINT_HOURS[kind], region, book)


def _endpoint_line(endpoint: Record, key: str, region: str, book: PriceBook) -> LineItem:
    """One AZ per endpoint network interface (one subnet per AZ) [PLPR; aws-behaviour 1.3]."""
    zones = len(endpoint.doc.get("NetworkInterfaceIds") or endpoint.doc.get("SubnetIds") or [])
    label = "Interface endpoint" if key.startswith("interface") else "Gateway Load Balancer endpoint"
    state = endpoint.doc.get("State", "")
    shown = "" if state in ("available", "pending") else f" ({state}: billed until deleted)"
    item = f"{label} {endpoint.doc.get('ServiceName', '')}{shown}: {zones} AZ x {book.hours_per_month:g} h"
    return hourly_line(item, key, region, zones, book, endpoint.id)


def _nat_lines(tx: Transaction, account: str, region: str, book: PriceBook) -> Iterator[LineItem]:
    for nat in tx.scan("natgateway", account, region):
        if nat.doc.get("State") not in _NAT_UNBILLED:
            kind = nat.doc.get("ConnectivityType", "public")
            item = f"NAT gateway ({kind}): {book.hours_per_month:g} h"
            yield hourly_line(item, "nat_gateway_hour", region, 1, book, nat.id)


def _attachment_lines(tx: Transaction, account: str, region: str, book: PriceBook) -> Iterator[LineItem]:
    for attachment in tx.scan("transit-gateway-attachment", account, region):
        if attachment.doc.get("State") not in _ATTACHMENT_UNBILLED:
            yield hourly_line(_attachment_item(attachment, book), "tgw_attachment_hour", region, 1, book, attachment.id)
    for attachment in _accepted_peerings(tx, account, region):
        line = hourly_line(_attachment_item(attachment, book), "tgw_attachment_hour", region, 1, book, attachment.id)
        reason = "UNCERTAIN: the accepter side of a peering attachment billed like the requester's (third-party)"
        yield replace(line, source=f"{line.source}; {reason}", uncertain=True)


def _attachment_item(attachment: Record, book: PriceBook) -> str:
    what = "VPC" if "VpcId" in attachment.doc else "VPN" if attachment.doc.get("ResourceType") == "vpn" else "peering"
    return f"Transit gateway {what} attachment: {book.hours_per_month:g} h"


def _vpn_lines(tx: Transaction, account: str, region: str, book: PriceBook) -> Iterator[LineItem]:
    for connection in tx.scan("vpn-connection", account, region):
        if connection.doc.get("State") in _VPN_BILLED:
            gateway = connection.doc.get("VpnGatewayId") or connection.doc.get("TransitGatewayId")
            item = f"Site-to-Site VPN connection to {gateway}: {book.hours_per_month:g} h"
            yield hourly_line(item, "vpn_connection_hour", region, 1, book, connection.id)


def _accepted_peerings(tx: Transaction, account: str, region: str) -> Iterator[Record]:
    """Peering attachments stored on the requester's side whose accepter is this account and Region."""
    for attachment in tx.scan("transit-gateway-attachment"):
        accepter = attachment.doc.get("AccepterTgwInfo") or {}
        if (accepter.get("OwnerId"), accepter.get("Region")) != (account, region):
            continue
        if attachment.doc.get("State") not in _ATTACHMENT_UNBILLED:
            yield attachment


# -- public IPv4 addresses --------------------------------------------------------------------------------------------
def _public_ipv4_lines(tx: Transaction, account: str, region: str, book: PriceBook) -> Iterator[LineItem]:
    """Every public IPv4 address the account holds in Region, once: Elastic IPs, then auto-assigned ones."""
    nat_of = _nat_addresses(tx, account, region)
    seen: set[str] = set()
    for eip in tx.scan("elastic-ip", account, region):
        address = eip.doc.get("PublicIp", "")
        seen.add(address)
        yield _ipv4_line(f"Elastic IP {address} ({_eip_use(eip, nat_of)})", region, book, eip.id)
    for address, nat_id in nat_of.items():
        if address not in seen:  # a NAT gateway's public address that is no Elastic IP of this account
            seen.add(address)
            yield _ipv4_line(f"Public IPv4 {address} (NAT gateway {nat_id})", region, book, nat_id)
    for eni in tx.scan("network-interface", account, region):
        for address in _auto_assigned(eni.doc):
            if address not in seen:
                seen.add(address)
                yield _ipv4_line(f"Public IPv4 {address} (auto-assigned, {eni.id})", region, book, eni.id)


def _ipv4_line(item: str, region: str, book: PriceBook, resource_id: str) -> LineItem:
    return hourly_line(f"{item}: {book.hours_per_month:g} h", "public_ipv4_hour", region, 1, book, resource_id)


def _nat_addresses(tx: Transaction, account: str, region: str) -> dict[str, str]:
    """Public address -> NAT gateway id, for the gateways still running."""
    return {
        entry["PublicIp"]: nat.id
        for nat in tx.scan("natgateway", account, region)
        if nat.doc.get("State") not in _NAT_UNBILLED
        for entry in nat.doc.get("NatGatewayAddresses") or []
        if entry.get("PublicIp")
    }


def _eip_use(eip: Record, nat_of: Mapping[str, str]) -> str:
    nat_id = nat_of.get(eip.doc.get("PublicIp", ""))
    if nat_id:
        return f"in use by NAT gateway {nat_id}"
    holder = eip.doc.get("InstanceId") or eip.doc.get("NetworkInterfaceId")
    return f"in use by {holder}" if holder or eip.doc.get("AssociationId") else "idle, billed the same"


def _auto_assigned(doc: Mapping[str, Any]) -> Iterator[str]:
    """Public addresses on an interface that come from Amazon's pool rather than an Elastic IP (no AllocationId)."""
    associations = [doc.get("Association"), *(p.get("Association") for p in doc.get("PrivateIpAddresses") or [])]
    for association in associations:
        if association and association.get("PublicIp") and not association.get("AllocationId"):
            yield association["PublicIp"]


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
        summary = monthly_summary(self.lines)
        return {
            "volume_gb": self.volume_gb,
            "usd": self.usd,
            "complete": summary["complete"],
            "unpriced_items": summary["unpriced_items"],
            "text": summary["total_text"],
            "lines": [line.to_json() for line in self.lines],
        }


def monthly_flow_cost(
    charges: Iterable[Charge] | PathPrice,
    volume_gb: float,
    book: PriceBook | None = None,
    *,
    prior_gb: Mapping[str, float] | None = None,
    internet_free_gb_left: float | None = None,
) -> FlowCost:
    """Price ``volume_gb`` a month along ``charges``, applying tiers per usage type (Region aggregate per month).

    ``prior_gb`` maps a usage type to the GB other flows already put through it this month (the tier position);
    ``internet_free_gb_left`` is what remains of the monthly free internet allowance (default: all of it). A
    ``PathPrice`` adds a line for each of its unpriced charges (``usd`` None).
    """
    if volume_gb < 0:
        raise ValueError("volume_gb must not be negative")
    book = book or price_book()
    tiered = {p.usage_type: p for prices in book.regions.values() for p in prices.values() if p.tiers}
    used = dict(prior_gb or {})
    free = [book.internet_free_gb if internet_free_gb_left is None else internet_free_gb_left]
    priced, unpriced = (charges.charges, charges.unpriced) if isinstance(charges, PathPrice) else (charges, ())
    lines = [_flow_line(c, volume_gb, tiered.get(c.usage_type), used, free) for c in priced]
    return FlowCost(volume_gb, (*lines, *(_unpriced_flow_line(u, volume_gb) for u in unpriced)))


def _unpriced_flow_line(charge: UnpricedCharge, gb: float) -> LineItem:
    source = f"UNPRICED: {charge.reason}"
    return LineItem(charge.item, None, gb, "GB", None, charge.component, source=source, unpriced=True)


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


__all__ = [
    "FlowCost",
    "LineItem",
    "hourly_line",
    "monthly_fixed",
    "monthly_flow_cost",
    "monthly_summary",
    "monthly_total",
    "total_text",
]
