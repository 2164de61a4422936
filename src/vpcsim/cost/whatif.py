"""What-if: the classic "private subnets to S3 (or DynamoDB) in the same Region" question, three ways, priced a month.

(a) through a NAT gateway: NAT hours x gateways + NAT processing per GB; no data transfer to the service in the same
    Region [VPCPR; BLOG-DT]; (b) through a gateway endpoint: free, but only S3 and DynamoDB, same Region [PLG-GW];
(c) through an interface endpoint: per AZ-hour x AZs + processing on the Region-aggregate tiers [PLPR].

The gateway endpoint is always the cheapest where it applies. Between (a) and (c) the break-even volume is where the
two monthly totals meet; both are piecewise linear in the volume (tiers bend (c)), so it is found segment by segment
between the tier bounds. ``None`` means one option is cheaper at every volume; the note says which.

Assumptions, named: each instance reaches a NAT gateway or endpoint interface in its own AZ (no inter-AZ transfer);
``volume_gb_per_month`` counts both directions (NAT and endpoints process both); S3/DynamoDB request charges are the
same on every path and left out. ``nat_shared=True`` prices the NAT path at its marginal cost (the gateways exist for
other traffic anyway).

>>> c = compare_paths(5120, "us-east-1")
>>> round(c.path("nat-gateway").monthly_usd, 2), c.path("gateway-endpoint").monthly_usd, c.cheapest
(263.25, 0.0, 'gateway-endpoint')
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from vpcsim.cost.book import Price, PriceBook, price_book
from vpcsim.cost.monthly import LineItem, monthly_total

_GATEWAY_SERVICES = ("s3", "dynamodb")  # the only services with gateway endpoints [PLG-GW]
_EPSILON = 1e-9


@dataclass(frozen=True, slots=True)
class PathCost:
    path: str  # "nat-gateway" | "gateway-endpoint" | "interface-endpoint"
    applicable: bool
    lines: tuple[LineItem, ...]
    note: str = ""

    @property
    def monthly_usd(self) -> float:
        return monthly_total(self.lines)

    def to_json(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "applicable": self.applicable,
            "monthly_usd": self.monthly_usd,
            "lines": [line.to_json() for line in self.lines],
            "note": self.note,
        }


@dataclass(frozen=True, slots=True)
class Comparison:
    region: str
    service: str
    volume_gb_per_month: float
    paths: tuple[PathCost, ...]
    break_even_gb: float | None  # NAT gateway vs interface endpoint
    break_even_note: str
    notes: tuple[str, ...] = ()

    def path(self, name: str) -> PathCost:
        return next(p for p in self.paths if p.path == name)

    @property
    def cheapest(self) -> str:
        return min((p for p in self.paths if p.applicable), key=lambda p: p.monthly_usd).path

    def to_json(self) -> dict[str, Any]:
        return {
            "region": self.region,
            "service": self.service,
            "volume_gb_per_month": self.volume_gb_per_month,
            "paths": [p.to_json() for p in self.paths],
            "cheapest": self.cheapest,
            "break_even_gb": None if self.break_even_gb is None else round(self.break_even_gb, 3),
            "break_even_note": self.break_even_note,
            "notes": list(self.notes),
        }


@dataclass(frozen=True, slots=True)
class _Option:
    """A path's fixed monthly cost and per-GB price (tiers start at ``start_gb``)."""

    fixed: float
    per_gb: Price
    start_gb: float = 0.0

    def at(self, volume_gb: float) -> float:
        return self.fixed + self.per_gb.cost(volume_gb, self.start_gb)

    def bends(self) -> list[float]:
        return [t.up_to_gb - self.start_gb for t in self.per_gb.tiers if t.up_to_gb is not None]


def compare_paths(
    volume_gb_per_month: float,
    region: str,
    book: PriceBook | None = None,
    *,
    azs: int = 2,
    nat_gateways: int = 1,
    service: str = "s3",
    nat_shared: bool = False,
    interface_prior_gb: float = 0.0,
) -> Comparison:
    """Price the three paths for ``volume_gb_per_month`` in ``region`` (``azs``: the interface endpoint's AZs)."""
    if volume_gb_per_month < 0 or azs < 1 or nat_gateways < 0:
        raise ValueError("volume must be >= 0, azs >= 1 and nat_gateways >= 0")
    book = book or price_book()
    hours = book.hours_per_month
    nat = _Option(
        0.0 if nat_shared else nat_gateways * hours * book.price(region, "nat_gateway_hour").usd,
        book.price(region, "nat_gateway_gb"),
    )
    interface = _Option(
        azs * hours * book.price(region, "interface_endpoint_hour").usd,
        book.price(region, "interface_endpoint_gb"),
        interface_prior_gb,
    )
    volume = volume_gb_per_month
    paths = (
        _nat_path(book, region, volume, nat_gateways, nat_shared),
        _gateway_path(book, region, service),
        _interface_path(book, region, volume, azs, interface_prior_gb),
    )
    root = break_even(lambda v: nat.at(v) - interface.at(v), interface.bends())
    return Comparison(region, service, volume, paths, root, _break_even_note(root, nat, interface), _notes(service))


def _nat_path(book: PriceBook, region: str, volume: float, gateways: int, shared: bool) -> PathCost:
    hour, gb = book.price(region, "nat_gateway_hour"), book.price(region, "nat_gateway_gb")
    lines = [] if shared else [_fixed(f"NAT gateway x {gateways}: {book.hours_per_month:g} h", hour, gateways, book)]
    lines.append(_per_gb("NAT gateway data processing", gb, volume, book))
    note = (
        "marginal cost: the NAT gateways exist anyway" if shared else "no data transfer charge to the service in-Region"
    )
    return PathCost("nat-gateway", True, tuple(lines), note)


def _gateway_path(book: PriceBook, region: str, service: str) -> PathCost:
    applicable = service.lower() in _GATEWAY_SERVICES
    line = _fixed("Gateway endpoint (free)", book.price(region, "gateway_endpoint"), 0, book)
    note = "no hourly or per-GB charge" if applicable else f"{service} has no gateway endpoint (only S3 and DynamoDB)"
    return PathCost("gateway-endpoint", applicable, (line,), note)


def _interface_path(book: PriceBook, region: str, volume: float, azs: int, prior: float) -> PathCost:
    hour, gb = book.price(region, "interface_endpoint_hour"), book.price(region, "interface_endpoint_gb")
    lines = (
        _fixed(f"Interface endpoint: {azs} AZ x {book.hours_per_month:g} h", hour, azs, book),
        _per_gb("Interface endpoint data processing", gb, volume, book, prior),
    )
    return PathCost("interface-endpoint", True, lines, f"tiers: {gb.tier_text()}, Region aggregate per month")


def _fixed(item: str, price: Price, count: int, book: PriceBook) -> LineItem:
    quantity = count * book.hours_per_month
    return LineItem(
        item,
        quantity * price.usd,
        quantity,
        price.unit,
        price.usd,
        "",
        price.usage_type,
        book.cite(price),
        price.uncertain,
    )


def _per_gb(item: str, price: Price, volume: float, book: PriceBook, start: float = 0.0) -> LineItem:
    return LineItem(
        item,
        price.cost(volume, start),
        volume,
        "GB",
        price.usd,
        "",
        price.usage_type,
        book.cite(price),
        price.uncertain,
    )


# -- break-even -----------------------------------------------------------------------------------------------------
def break_even(difference: Callable[[float], float], bends: Sequence[float]) -> float | None:
    """The least volume >= 0 where a piecewise-linear ``difference`` (straight between ``bends``) is zero."""
    points = sorted({0.0, *(b for b in bends if b > 0)})
    for low, high in zip(points, [*points[1:], None], strict=True):
        root = _root(difference, low, high)
        if root is not None:
            return root
    return None


def _root(f: Callable[[float], float], low: float, high: float | None) -> float | None:
    f_low = f(low)
    if abs(f_low) < _EPSILON:
        return low
    probe = low + 1.0 if high is None else high
    slope = (f(probe) - f_low) / (probe - low)
    if abs(slope) < _EPSILON:
        return None
    root = low - f_low / slope
    return root if root >= low and (high is None or root <= high) else None


def _break_even_note(root: float | None, nat: _Option, interface: _Option) -> str:
    if root is None:
        cheaper = "interface endpoint" if interface.at(0) < nat.at(0) else "NAT gateway"
        return f"No break-even: the {cheaper} costs less at every volume."
    low, high = (
        ("NAT gateway", "interface endpoint") if nat.at(0) < interface.at(0) else ("interface endpoint", "NAT gateway")
    )
    return f"Below {root:,.1f} GB a month the {low} costs less; above it the {high}."


def _notes(service: str) -> tuple[str, ...]:
    notes = ["Each instance reaches a NAT gateway or endpoint interface in its own AZ: no inter-AZ transfer."]
    if service.lower() in _GATEWAY_SERVICES:
        notes.append("The gateway endpoint is always the cheapest path here: it has no hourly or per-GB charge.")
    return tuple(notes)


__all__ = ["Comparison", "PathCost", "break_even", "compare_paths"]
