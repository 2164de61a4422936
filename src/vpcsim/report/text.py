"""The report for a terminal: rich tables, the recommendations first (``vpcsim report`` without ``--json``).

Renders the JSON document (document.py), so the text and the JSON can never disagree. Up to ``PATHS_MAX`` paths get
a table per VPC, more one line per VPC. A matrix component of up to ``GRID_MAX`` subnets is drawn as a grid ("yes"
where the row reaches the column, else the stopping code); larger ones as one line per source.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from rich.console import Console
from rich.table import Table

GRID_MAX = 12
PATHS_MAX = 1500  # more paths than this are shown one line per VPC (the JSON and HTML forms keep every path)
_VERDICT = {"reachable": "green", "blocked": "red", "no-route": "red", "unresolved": "yellow"}


def usd(value: float | None, complete: bool = True) -> str:
    if value is None:
        return "unpriced"
    return f"${value:,.2f}" if complete else f">= ${value:,.2f}"


def render(doc: dict[str, Any], console: Console) -> None:
    _header(doc, console)
    _recommendations(doc, console)
    _path_costs(doc, console)
    _paths(doc, console)
    _endpoints(doc, console)
    _matrix(doc, console)
    console.rule("How this report was made")
    for line in doc["method"]:
        console.print(f"- {line}", highlight=False)


def _header(doc: dict[str, Any], console: Console) -> None:
    s = doc["summary"]
    console.rule(f"vpcsim report (state revision {doc['revision']}, {doc['generated_at']})")
    console.print(
        f"{s['accounts']} accounts, {len(s['regions'])} Regions ({', '.join(s['regions'])}), {s['vpcs']} VPCs, "
        f"{s['subnets']} subnets; {s['compute_subnets']} subnets hold compute ({s['sources']} sources); "
        f"{s['paths']} paths from {s['traces']} traces.",
        highlight=False,
    )
    volumes = doc["volumes"]
    console.print(volumes["assumption"] if volumes["assumed"] else f"Volumes from {volumes['origin']}.", style="bold")
    console.print(
        f"Per-GB costs at these volumes: {usd(s['monthly_usd'], s['monthly_complete'])} a month"
        + ("" if s["monthly_complete"] else f" ({s['unpriced_paths']} paths with unpriced items)")
        + f"; recommendations below save {usd(s['savings_usd'])} a month. Prices: the {doc['price_book']['origin']} "
        f"price book ({doc['price_book']['snapshot']}).",
        highlight=False,
    )
    for warning in doc["warnings"]:
        console.print(f"Warning: {warning}", style="yellow", highlight=False)


def _recommendations(doc: dict[str, Any], console: Console) -> None:
    recs = doc["recommendations"]
    console.rule(f"Recommendations ({len(recs)})")
    if not recs:
        console.print("None: no path to S3 or DynamoDB crosses a NAT gateway, every interface endpoint is used, ...")
        return
    for number, rec in enumerate(recs, 1):
        saving = (
            "no saving (a request that fails)"
            if rec["kind"] == "policy-requires-endpoint"
            else (f"saves {usd(rec['saving_usd'])} a month")
        )
        console.print(f"{number}. [bold]{rec['title']}[/bold]: {saving}", highlight=False)
        console.print(f"   {rec['detail']}", highlight=False, style="dim")


def _path_costs(doc: dict[str, Any], console: Console) -> None:
    table = Table(title="Monthly cost per path (paths that arrive)", title_justify="left")
    for column in ("path", "paths", "GB a month", "USD a month"):
        table.add_column(column, justify="left" if column == "path" else "right")
    for item in doc["path_costs"]:
        table.add_row(
            item["path"], str(item["paths"]), f"{item['gb_per_month']:,.0f}", usd(item["monthly_usd"], item["complete"])
        )
    console.print(table)


def service_text(row: dict[str, Any]) -> str:
    service = row["service"]
    if row["rest_of_catalog"]:
        return f"{row['service_count']} other services (the rest of the catalog)"
    name = service["key"] if service["kind"] == "aws" else service["service_name"]
    more = f" + {row['service_count'] - 1} more" if row["service_count"] > 1 else ""
    via = f" via {service['endpoint']}" if service["kind"] == "connected" else ""
    return f"{name}{more}{via}"


def by_what(row: dict[str, Any]) -> str:
    if row["explanations"]:
        return "; ".join(f"{e['code']} at {e['component']}" for e in row["explanations"])
    if row["verdict"] != "reachable":
        return str(row["notes"][0] if row["notes"] else row["verdict"])
    seen = dict.fromkeys(d["id"] for d in row["decided_by"])
    return "allowed by " + ", ".join(seen)


def _paths(doc: dict[str, Any], console: Console) -> None:
    by_vpc: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in doc["paths"]:
        by_vpc[row["vpc"]].append(row)
    console.rule(f"Paths from each subnet that holds compute ({len(doc['paths'])})")
    if len(doc["paths"]) > PATHS_MAX:
        _vpc_lines(doc, by_vpc, console)
        return
    names = {s["subnet"]: s["name"] for s in doc["sources"]}
    vpc_names = {s["vpc"]: s["vpc_name"] for s in doc["sources"]}
    for vpc, rows in by_vpc.items():
        title = f"{vpc} {vpc_names.get(vpc, '')} ({rows[0]['account']}, {rows[0]['region']})"
        table = Table(title=title, title_justify="left", show_lines=False)
        for column in ("subnet", "service", "path", "verdict: by what", "ms", "$/GB", "GB", "$/month"):
            table.add_column(
                column, overflow="fold", justify="right" if column in ("ms", "$/GB", "GB", "$/month") else "left"
            )
        for row in rows:
            subnet = row["source"] + (f" {names[row['subnet']]}" if names.get(row["subnet"]) else "")
            verdict = f"[{_VERDICT.get(row['verdict'], 'bold')}]{row['verdict']}[/]: {by_what(row)}"
            rate = f"{row['usd_per_gb']:.4f}" + ("" if row["priced_completely"] else "+")
            table.add_row(
                subnet,
                service_text(row),
                row["label"],
                verdict,
                f"{row['latency_ms']:g}",
                rate,
                f"{row['volume_gb']:g}",
                usd(row["monthly_usd"], row["monthly_complete"]),
            )
        console.print(table)


def _vpc_lines(doc: dict[str, Any], by_vpc: dict[str, list[dict[str, Any]]], console: Console) -> None:
    """A large estate: one line per VPC (its paths to S3 and DynamoDB, what stops, its month); every path is in the
    JSON and HTML forms."""
    console.print(f"{len(doc['paths'])} paths: one line per VPC here; --json or --html give every path.", style="bold")
    for vpc, rows in by_vpc.items():
        via = {k: sorted({r["label"] for r in rows if r["service"]["key"] == k and r["service"]["kind"] == "aws"})
               for k in ("s3", "dynamodb")}  # fmt: skip
        stopped = sum(1 for r in rows if r["verdict"] != "reachable")
        month = usd(sum(r["monthly_usd"] for r in rows), all(r["monthly_complete"] for r in rows))
        s3, dynamodb = ", ".join(via["s3"]) or "-", ", ".join(via["dynamodb"]) or "-"
        console.print(f"{vpc} ({rows[0]['account']}, {rows[0]['region']}): {len({r['source'] for r in rows})} "
                      f"sources; S3 via {s3}; DynamoDB via {dynamodb}; {stopped} of {len(rows)} paths stopped; "
                      f"{month} a month", highlight=False)  # fmt: skip


def _endpoints(doc: dict[str, Any], console: Console) -> None:
    if not doc["endpoints"]:
        return
    table = Table(title="Interface endpoints", title_justify="left")
    for column in ("endpoint", "VPC", "service", "AZs", "paths by name", "by endpoint name", "$/month"):
        table.add_column(column, overflow="fold")
    for e in doc["endpoints"]:
        table.add_row(
            f"{e['id']} {e['name']}".strip(),
            e["vpc"],
            e["service"],
            str(e["azs"]),
            str(e["paths_by_name"]),
            str(e["paths_by_endpoint_name"]),
            usd(e["monthly_usd"]),
        )
    console.print(table)


def _matrix(doc: dict[str, Any], console: Console) -> None:
    matrix = doc["matrix"]
    if matrix is None:
        return
    console.rule(f"Reachability between subnets (TCP {matrix['port']})")
    console.print(
        f"{matrix['traced_pairs']} pairs traced inside {len(matrix['components'])} groups of connected VPCs; "
        f"{matrix['untraced_pairs']} pairs share no peering or transit gateway and do not reach each other.",
        highlight=False,
    )
    rows = {r["source"]: r for r in matrix["rows"]}
    for component in matrix["components"]:
        if len(component) <= GRID_MAX:
            console.print(_grid(component, rows))
        else:
            for subnet in component:
                row = rows[subnet]
                codes = sorted({c["code"] or c["verdict"] for c in row["stopped"]})
                console.print(
                    f"{subnet} reaches {len(row['reaches'])} of {len(component) - 1}"
                    + (f"; stopped: {', '.join(codes)}" if codes else ""),
                    highlight=False,
                )


def _grid(component: list[str], rows: dict[str, dict[str, Any]]) -> Table:
    table = Table(title_justify="left", show_lines=False)
    table.add_column("from \\ to")
    for index, _ in enumerate(component, 1):
        table.add_column(str(index), justify="center")
    for index, subnet in enumerate(component, 1):
        row = rows[subnet]
        stopped = {c["destination"]: c["code"] or c["verdict"] for c in row["stopped"]}
        cells = [
            "-"
            if other == subnet
            else "[green]yes[/]"
            if other in row["reaches"]
            else f"[red]{stopped.get(other, '?')}[/]"
            for other in component
        ]
        table.add_row(f"{index}. {subnet}", *cells)
    return table
