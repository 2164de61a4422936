"""What-if: the classic "private subnets to S3 (or DynamoDB) in the same Region" question, three ways, priced a month.

(a) through a NAT gateway: NAT hours x gateways + NAT processing per GB; no data transfer to the service in the same
    Region [VPCPR; BLOG-DT]; (b) through a gateway endpoint: free, but only S3 and DynamoDB, same Region [PLG-GW];
(c) through an interface endpoint: per AZ-hour x AZs + processing on the Region-aggregate tiers [PLPR].

The gateway endpoint is always the cheapest where it applies. Between (a) and (c) the break-even volume is where the
two monthly totals meet; both are piecewise linear in the volume (tiers bend (c)), so it is found segment by segment
between the tier bounds. ``None`` means one option is cheaper at every volume; the note says which.

Unpriced is an answer, not $0: where the book lacks a price in the Region, the path keeps an unpriced line
(``usd`` None), its ``monthly_usd`` is the priced lines' sum (a lower bound) and its text says "at least"; the
break-even needs both the NAT and the interface figures, and ``cheapest`` is "undetermined" unless a fully priced
path costs no more than every other path's lower bound. An unknown Region is a ``ValueError``.

Each path also carries its estimated round trip (``latency_ms``, the model of ``catalog/latency.py``): a gateway
endpoint adds no device to the path, a NAT gateway or an interface endpoint one.

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

from vpcsim.catalog import latency
from vpcsim.catalog.regions import find_region
from vpcsim.cost.book import Price, PriceBook, price_book
from vpcsim.cost.monthly import LineItem, hourly_line, monthly_summary, monthly_total

_GATEWAY_SERVICES = ("s3", "dynamodb")  # the only services with gateway endpoints [PLG-GW]
_EPSILON = 1e-9


@dataclass(frozen=True, slots=True)
class PathCost:
    path: str  # "nat-gateway" | "gateway-endpoint" | "interface-endpoint"
    applicable: bool
    lines: tuple[LineItem, ...]
    note: str = ""
    latency_ms: float = 0.0  # the estimated round trip to the service this way (catalog/latency.py)

    @property
    def monthly_usd(self) -> float:
        """The priced lines' sum: the month's cost, or a lower bound of it when a line is unpriced."""
        return monthly_total(self.lines)

    @property
    def complete(self) -> bool:
        return not any(line.unpriced for line in self.lines)

    def to_json(self) -> dict[str, Any]:
        summary = monthly_summary(self.lines)
        return {
            "path": self.path,
            "applicable": self.applicable,
            "monthly_usd": self.monthly_usd,
            "complete": self.complete,
            "unpriced_items": summary["unpriced_items"],
            "monthly_text": summary["total_text"],
            "lines": [line.to_json() for line in self.lines],
            "note": self.note,
            "latency_ms": self.latency_ms,
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
    def complete(self) -> bool:
        return all(p.complete for p in self.paths if p.applicable)

    @property
    def cheapest(self) -> str:
        """The cheapest applicable path, or "undetermined" when an unpriced path might still cost less."""
        applicable = [p for p in self.paths if p.applicable]
        priced = [p for p in applicable if p.complete]
        if not priced:
            return "undetermined"
        best = min(priced, key=lambda p: p.monthly_usd)
        if any(p.monthly_usd < best.monthly_usd for p in applicable if not p.complete):
            return "undetermined"
        return best.path

    def to_json(self) -> dict[str, Any]:
        return {
            "region": self.region,
            "service": self.service,
            "volume_gb_per_month": self.volume_gb_per_month,
            "paths": [p.to_json() for p in self.paths],
            "cheapest": self.cheapest,
            "complete": self.complete,
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
    if find_region(region) is None:
        raise ValueError(f"Unknown region '{region}'.")
    book = book or price_book()
    volume = volume_gb_per_month
    paths = (
        _nat_path(book, region, volume, nat_gateways, nat_shared),
        _gateway_path(book, region, service),
        _interface_path(book, region, volume, azs, interface_prior_gb),
    )
    nat = _option(book, region, "nat_gateway", 0 if nat_shared else nat_gateways)
    interface = _option(book, region, "interface_endpoint", azs, interface_prior_gb)
    if nat is None or interface is None:
        root, note = None, f"No break-even: the NAT gateway or interface endpoint is unpriced in {region}."
    else:
        root = break_even(lambda v: nat.at(v) - interface.at(v), interface.bends())
        note = _break_even_note(root, nat, interface)
    return Comparison(region, service, volume, paths, root, note, _notes(service))


def _option(book: PriceBook, region: str, prefix: str, units: int, start: float = 0.0) -> _Option | None:
    """``units`` x the month's hours of ``<prefix>_hour`` plus ``<prefix>_gb``, if the book has both."""
    hour, gb = book.find(region, f"{prefix}_hour"), book.find(region, f"{prefix}_gb")
    if gb is None or (hour is None and units):
        return None
    return _Option(units * book.hours_per_month * (hour.usd if hour else 0.0), gb, start)


def _nat_path(book: PriceBook, region: str, volume: float, gateways: int, shared: bool) -> PathCost:
    lines = [] if shared else [hourly_line(_nat_item(gateways, book), "nat_gateway_hour", region, gateways, book)]
    lines.append(_per_gb("NAT gateway data processing", "nat_gateway_gb", region, volume, book))
    note = (
        "marginal cost: the NAT gateways exist anyway" if shared else "no data transfer charge to the service in-Region"
    )
    return PathCost("nat-gateway", True, tuple(lines), note, _rtt(latency.NAT_GATEWAY_RTT_MS))


def _nat_item(gateways: int, book: PriceBook) -> str:
    return f"NAT gateway x {gateways}: {book.hours_per_month:g} h"


def _gateway_path(book: PriceBook, region: str, service: str) -> PathCost:
    applicable = service.lower() in _GATEWAY_SERVICES
    line = hourly_line("Gateway endpoint (free)", "gateway_endpoint", region, 0, book)
    note = "no hourly or per-GB charge" if applicable else f"{service} has no gateway endpoint (only S3 and DynamoDB)"
    return PathCost("gateway-endpoint", applicable, (line,), note, _rtt(None))


def _interface_path(book: PriceBook, region: str, volume: float, azs: int, prior: float) -> PathCost:
    item = f"Interface endpoint: {azs} AZ x {book.hours_per_month:g} h"
    lines = (
        hourly_line(item, "interface_endpoint_hour", region, azs, book),
        _per_gb("Interface endpoint data processing", "interface_endpoint_gb", region, volume, book, prior),
    )
    gb = book.find(region, "interface_endpoint_gb")
    note = f"tiers: {gb.tier_text()}, Region aggregate per month" if gb else "processing unpriced here"
    return PathCost("interface-endpoint", True, lines, note, _rtt(latency.PRIVATELINK_RTT_MS))


def _rtt(device: float | None) -> float:
    """The round trip from an instance to the service's front door through a device in the instance's own AZ (the
    assumption the prices make too) that adds ``device``, or through none (a gateway endpoint is a route), as a trace
    of that path estimates it (dataplane/walk.py)."""
    through = 0.0 if device is None else latency.SAME_AZ_RTT_MS + device
    return round(through + latency.SERVICE_FRONT_RTT_MS, 3)


def _per_gb(item: str, key: str, region: str, volume: float, book: PriceBook, start: float = 0.0) -> LineItem:
    price = book.find(region, key)
    if price is None:
        reason = f"UNPRICED: {book.unpriced_reason(region, key)}"
        return LineItem(item, None, volume, "GB", None, source=reason, unpriced=True)
    usd = price.cost(volume, start)
    return LineItem(item, usd, volume, "GB", price.usd, "", price.usage_type, book.cite(price), price.uncertain)


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
