"""How the CLI shows a trace and costs: rich tables for people, JSON for scripts."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table

_VERDICT_STYLE = {"reachable": "bold green", "blocked": "bold red", "no-route": "bold red", "unresolved": "bold yellow"}


def show_trace(trace: dict[str, Any], console: Console) -> None:
    table = Table(title="Path", show_lines=False)
    for column in ("#", "component", "id", "what happened"):
        table.add_column(column, overflow="fold")
    for number, hop in enumerate(trace["hops"], 1):
        comp = hop["component"]
        steps = "; ".join(step["detail"] for step in hop["steps"])
        codes = [step["explanation_code"] for step in hop["steps"] if step["explanation_code"]]
        table.add_row(str(number), comp["kind"], comp["id"], steps + (f" [{', '.join(codes)}]" if codes else ""))
    console.print(table)
    verdict = trace["verdict"]
    console.print(f"Verdict: [{_VERDICT_STYLE.get(verdict, 'bold')}]{verdict}[/]")
    for explanation in trace["explanations"]:
        console.print(f"  {explanation['code']} at {explanation['component']['id']}: {explanation['detail']}")
    console.print(f"Public internet crossed: {'yes' if trace['internet'] else 'no'}")
    if trace["endpoint"]:
        console.print(f"VPC endpoint used: {trace['endpoint']}")
    console.print(f"Estimated round trip: {trace['latency_ms']} ms")
    _charges(trace, console)
    for note in trace["notes"]:
        console.print(f"Note: {note}")


def _charges(trace: dict[str, Any], console: Console) -> None:
    unpriced = trace.get("unpriced") or []
    if not trace["charges"] and not unpriced:
        console.print("Cost per GB: $0 (nothing on this path charges per GB)")
        return
    if unpriced:
        count = len(unpriced)
        total = f"at least ${trace['usd_per_gb']:.4f} ({count} item{'s' * (count != 1)} unpriced)"
    else:
        total = f"${trace['usd_per_gb']:.4f}"
    console.print(f"Cost per GB: {total}")
    for charge in trace["charges"]:
        console.print(f"  ${charge['usd_per_gb']:.4f}  {charge['item']}  ({charge['usage_type']})")
    for item in unpriced:
        console.print(f"  unpriced  {item['item']} in {item['region']}: {item['reason']}")


def show_monthly(cost: dict[str, Any], console: Console) -> None:
    table = Table(title=f"Monthly fixed network cost, account {cost['account']}, {cost['region']}")
    for column in ("item", "resource", "quantity", "USD"):
        table.add_column(column)
    for item in cost["items"]:
        table.add_row(
            item["item"], item.get("resource_id", ""), f"{item['quantity']:g} {item['unit']}", _usd(item.get("usd"))
        )
    console.print(table)
    console.print(f"Total: {cost.get('total_text') or _total(cost['items'])}")


def _usd(usd: float | None, digits: int = 2) -> str:
    """A line's price; an unpriced line (no price in the book for that Region) reads as such, never as $0."""
    return "unpriced" if usd is None else f"{usd:.{digits}f}"


def _total(items: list[dict[str, Any]]) -> str:
    usd = sum(i["usd"] for i in items if i.get("usd") is not None)
    unpriced = sum(1 for i in items if i.get("usd") is None)
    if not unpriced:
        return f"${usd:,.2f} a month"
    return f"at least ${usd:,.2f} a month, {unpriced} item{'s' * (unpriced != 1)} unpriced"


def show_what_if(comparison: dict[str, Any], console: Console) -> None:
    table = Table(
        title=f"What if: {comparison.get('volume_gb_per_month')} GB a month to {comparison.get('service')} "
        f"in {comparison.get('region')}"
    )
    for column in ("path", "monthly USD", "round trip (est.)", "applies"):
        table.add_column(column)
    for path in comparison["paths"]:
        shown = f"{path['monthly_usd']:.2f}"
        if not path.get("complete", True):
            shown = f"at least {shown} ({path.get('unpriced_items')} unpriced)"
        table.add_row(path["path"], shown, f"{path['latency_ms']} ms", "yes" if path["applicable"] else "no")
    console.print(table)
    console.print(f"Cheapest: {comparison['cheapest']}")
    if comparison.get("break_even_note"):
        console.print(comparison["break_even_note"])
