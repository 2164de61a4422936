"""cost: what a traced flow and a Region's network cost, from a dated, sourced price book (docs/cost.md).

Public API:
- ``price_book()`` / ``load_price_book(path)`` -> ``PriceBook`` (``Price``, ``Tier``, ``Source``);
- ``price_path(trace, book)`` -> ``PathPrice``: the per-GB ``Charge``s of a ``Trace``'s path and its
  ``UnpricedCharge``s (items the book has no price for in that Region: unpriced, never $0);
  ``charges_for(trace, book)`` -> the ``Charge``s alone, raising ``PriceNotFound`` if any item is unpriced;
- ``monthly_fixed(tx, account, region, book)`` -> ``LineItem``s (endpoints, NAT gateways, TGW attachments, public
  IPv4 addresses, Site-to-Site VPN connections; an unpriced line has ``usd`` None), ``monthly_total(items)`` (the
  priced sum) and ``monthly_summary(items)`` ("at least $X a month, N items unpriced");
  ``monthly_flow_cost(charges, volume_gb, book)`` -> ``FlowCost`` with tiers applied;
- ``compare_paths(volume_gb_per_month, region, book)`` -> ``Comparison`` (NAT gateway, gateway endpoint, interface
  endpoint, break-even; unpriced paths say so).

Layering: imports ``vpcsim.model`` and ``vpcsim.store`` only; reads state, never writes it.
"""

from vpcsim.cost.book import (
    Price,
    PriceBook,
    PriceBookError,
    PriceNotFound,
    Source,
    Tier,
    load_price_book,
    parse_price_book,
    price_book,
)
from vpcsim.cost.flows import PathPrice, UnpricedCharge, charges_for, price_path
from vpcsim.cost.monthly import (
    FlowCost,
    LineItem,
    monthly_fixed,
    monthly_flow_cost,
    monthly_summary,
    monthly_total,
    total_text,
)
from vpcsim.cost.whatif import Comparison, PathCost, break_even, compare_paths

__all__ = [
    "Comparison",
    "FlowCost",
    "LineItem",
    "PathCost",
    "PathPrice",
    "Price",
    "PriceBook",
    "PriceBookError",
    "PriceNotFound",
    "Source",
    "Tier",
    "UnpricedCharge",
    "break_even",
    "charges_for",
    "compare_paths",
    "load_price_book",
    "monthly_fixed",
    "monthly_flow_cost",
    "monthly_summary",
    "monthly_total",
    "parse_price_book",
    "price_book",
    "price_path",
    "total_text",
]
