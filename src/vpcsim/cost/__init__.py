"""cost: what a traced flow and a Region's network cost, from a dated, sourced price book (docs/cost.md).

Public API:
- ``price_book()`` / ``load_price_book(path)`` -> ``PriceBook`` (``Price``, ``Tier``, ``Source``);
- ``charges_for(trace, book)`` -> the per-GB ``Charge``s of a ``Trace``'s path;
- ``monthly_fixed(tx, account, region, book)`` -> ``LineItem``s (endpoints, NAT gateways, TGW attachments) and
  ``monthly_total(items)``; ``monthly_flow_cost(charges, volume_gb, book)`` -> ``FlowCost`` with tiers applied;
- ``compare_paths(volume_gb_per_month, region, book)`` -> ``Comparison`` (NAT gateway, gateway endpoint, interface
  endpoint, break-even).

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
from vpcsim.cost.flows import charges_for
from vpcsim.cost.monthly import FlowCost, LineItem, monthly_fixed, monthly_flow_cost, monthly_total
from vpcsim.cost.whatif import Comparison, PathCost, break_even, compare_paths

__all__ = [
    "Comparison",
    "FlowCost",
    "LineItem",
    "PathCost",
    "Price",
    "PriceBook",
    "PriceBookError",
    "PriceNotFound",
    "Source",
    "Tier",
    "break_even",
    "charges_for",
    "compare_paths",
    "load_price_book",
    "monthly_fixed",
    "monthly_flow_cost",
    "monthly_total",
    "parse_price_book",
    "price_book",
]
