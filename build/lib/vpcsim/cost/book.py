"""The price book: dated, sourced AWS prices per Region, read from JSON into typed, immutable values.

Design: the book is data (``data/prices.json``, written by ``scripts/gen_prices.py``, which names every source); this
module only types it. A ``Price`` is one figure of one Region under a stable key (``nat_gateway_gb``,
``interface_endpoint_hour``, ...), flat or tiered (``Tier`` bounds are cumulative GB per month), with the AWS usage
type it appears under in a bill, the keys of its sources and, where no AWS text confirmed it, ``uncertain`` with the
reason. ``PriceBook.cite`` turns a price into the one-line source text a ``Charge`` or a line item carries.

A user's own book is the same JSON shape: ``load_price_book(path)``; ``price_book()`` is the packaged one (cached).
A Region or key the book lacks is *unpriced* there, never free: ``find`` answers ``None`` and ``unpriced_reason`` says
why, for the engines to carry an unpriced line; ``price`` raises ``PriceNotFound`` with that reason. vpcsim never
invents a price.

>>> price_book().price("us-east-1", "nat_gateway_gb").usd
0.045
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

_PACKAGED = "data/prices.json"


class PriceNotFound(LookupError):
    """The book has no such Region or price key."""


class PriceBookError(ValueError):
    """A price book file that does not have the expected shape."""


@dataclass(frozen=True, slots=True)
class Tier:
    up_to_gb: float | None  # cumulative GB per month where this tier ends; None: no end
    usd: float  # per GB


@dataclass(frozen=True, slots=True)
class Source:
    key: str
    title: str
    url: str
    read: str  # the date the figure was read
    copy: str = ""  # the date of the copy read, when it was a dated copy


@dataclass(frozen=True, slots=True)
class Price:
    key: str
    region: str
    usd: float  # the flat price, or the first tier's
    unit: str  # "hour" | "AZ-hour" | "GB"
    usage_type: str = ""  # as in AWS usage reports; "{to}" stands for the destination Region's billing code
    sources: tuple[str, ...] = ()
    tiers: tuple[Tier, ...] = ()
    to: Mapping[str, float] = field(default_factory=dict)  # per-destination overrides (inter-Region)
    sides: int = 1  # 2: charged on both sides of a boundary (inter-AZ "in each direction")
    uncertain: bool = False
    reason: str = ""
    note: str = ""

    def usd_to(self, region: str) -> float:
        """The rate to a destination Region (inter-Region prices may differ by destination)."""
        return self.to.get(region, self.usd)

    def cost(self, volume_gb: float, start_gb: float = 0.0) -> float:
        """USD for ``volume_gb`` more GB this month when ``start_gb`` GB were already counted (tiers are cumulative).

        >>> Price("k", "r", 0.01, "GB", tiers=(Tier(10, 0.01), Tier(None, 0.005))).cost(15)
        0.125
        """
        if not self.tiers:
            return volume_gb * self.usd
        total, lower, end = 0.0, 0.0, start_gb + volume_gb
        for tier in self.tiers:
            upper = float("inf") if tier.up_to_gb is None else tier.up_to_gb
            total += max(0.0, min(end, upper) - max(start_gb, lower)) * tier.usd
            lower = upper
        return total

    def tier_text(self) -> str:
        """'to 1048576 GB $0.01, to 5242880 GB $0.006, then $0.004 per GB'."""
        parts = [
            f"to {t.up_to_gb:g} GB ${t.usd:g}" if t.up_to_gb is not None else f"then ${t.usd:g}" for t in self.tiers
        ]
        return ", ".join(parts) + " per GB" if parts else ""


@dataclass(frozen=True, slots=True)
class PriceBook:
    currency: str
    snapshot: str
    hours_per_month: float
    internet_free_gb: float
    sources: Mapping[str, Source]
    billing_codes: Mapping[str, str]
    regions: Mapping[str, Mapping[str, Price]]
    origin: str = "packaged"  # "packaged" or the path of the file it came from

    def find(self, region: str, key: str) -> Price | None:
        return self.regions.get(region, {}).get(key)

    def covers(self, region: str) -> bool:
        return region in self.regions

    def price(self, region: str, key: str) -> Price:
        found = self.find(region, key)
        if found is None:
            raise PriceNotFound(self.unpriced_reason(region, key))
        return found

    def unpriced_reason(self, region: str, key: str) -> str:
        """Why ``key`` has no price in ``region``: 'The price book (packaged) has no price nat_gateway_gb for ...'."""
        if region not in self.regions:
            return f"The price book ({self.origin}) has no prices for {region}."
        return f"The price book ({self.origin}) has no price {key} for {region}: no source for it was found."

    def billing_code(self, region: str) -> str:
        return self.billing_codes.get(region, region)

    def usage_type(self, price: Price, to: str = "") -> str:
        return price.usage_type.replace("{to}", self.billing_code(to)) if to else price.usage_type

    def cite(self, price: Price) -> str:
        """'PLPR https://... (read 2026-11-22); uncertain: ...' for a price's sources."""
        cited = "; ".join(self._cite_one(key) for key in price.sources).replace("{region}", price.region)
        if price.uncertain:
            cited += f"; UNCERTAIN: {price.reason}"
        return cited

    def _cite_one(self, key: str) -> str:
        source = self.sources.get(key)
        if source is None:
            return key
        copy = f", copy of {source.copy}" if source.copy else ""
        return f"[{key}] {source.url or source.title} (read {source.read}{copy})"


# -- loading -------------------------------------------------------------------------------------------------------
@cache
def price_book() -> PriceBook:
    """The packaged price book."""
    text = resources.files("vpcsim.cost").joinpath(_PACKAGED).read_text()
    return parse_price_book(json.loads(text), origin="packaged")


def load_price_book(path: str | Path) -> PriceBook:
    """A user's own price book, in the packaged book's JSON shape (see docs/cost.md)."""
    try:
        raw = json.loads(Path(path).read_text())
    except (OSError, json.JSONDecodeError) as error:
        raise PriceBookError(f"Cannot read the price book {path}: {error}") from error
    return parse_price_book(raw, origin=str(path))


def parse_price_book(raw: Mapping[str, Any], *, origin: str = "given") -> PriceBook:
    try:
        return PriceBook(
            currency=raw.get("currency", "USD"),
            snapshot=str(raw.get("snapshot", "")),
            hours_per_month=float(raw.get("hours_per_month", 730)),
            internet_free_gb=float(raw.get("internet_free_gb_per_month", 0)),
            sources={k: _source(k, v) for k, v in raw.get("sources", {}).items()},
            billing_codes=dict(raw.get("billing_codes", {})),
            regions={name: _region(name, body) for name, body in raw["regions"].items()},
            origin=origin,
        )
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise PriceBookError(f"The price book {origin} is malformed: {error!r}") from error


def _source(key: str, raw: Mapping[str, Any]) -> Source:
    return Source(key, raw.get("title", ""), raw.get("url", ""), raw.get("read", ""), raw.get("copy", ""))


def _region(name: str, raw: Mapping[str, Any]) -> dict[str, Price]:
    return {key: _price(key, name, entry) for key, entry in raw["prices"].items()}


def _price(key: str, region: str, raw: Mapping[str, Any]) -> Price:
    tiers = tuple(_tier(t) for t in raw.get("tiers", ()))
    usd = float(raw["usd"]) if "usd" in raw else tiers[0].usd
    if usd < 0 or any(t.usd < 0 for t in tiers):
        raise ValueError(f"{region} {key}: a negative price")
    return Price(
        key=key,
        region=region,
        usd=usd,
        unit=raw.get("unit", "GB"),
        usage_type=raw.get("usage_type", ""),
        sources=tuple(raw.get("sources", ())),
        tiers=tiers,
        to={k: float(v) for k, v in raw.get("to", {}).items()},
        sides=int(raw.get("sides", 1)),
        uncertain=bool(raw.get("uncertain", False)),
        reason=raw.get("reason", ""),
        note=raw.get("note", ""),
    )


def _tier(raw: Mapping[str, Any]) -> Tier:
    bound = raw.get("up_to_gb")
    return Tier(None if bound is None else float(bound), float(raw["usd"]))
