"""The report as one self-contained HTML file (``vpcsim report --html FILE``): no network at all.

Everything is inline: the CSS, the charts and the network drawing as SVG made in Python (svg.py), and a few lines of
script that filter the paths table (the page reads fully without it). No font, image, stylesheet or script is
fetched. Renders the JSON document (document.py), so the page and ``--json`` never disagree; the drawing also reads
the compiled topology.
"""

from __future__ import annotations

from html import escape
from typing import Any

from vpcsim.report import svg
from vpcsim.report.engine import Report
from vpcsim.report.text import by_what, service_text, usd

GRID_MAX = 40  # a matrix component up to this many subnets is a grid; larger ones are lists
_CSS = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:24px;color:#111827;max-width:1600px}
h1{font-size:22px}h2{font-size:18px;margin-top:32px;border-bottom:1px solid #e5e7eb;padding-bottom:4px}
table{border-collapse:collapse;margin:8px 0;font-size:12px}th,td{border:1px solid #e5e7eb;padding:3px 6px;
vertical-align:top;text-align:left}th{background:#f3f4f6;position:sticky;top:0}td.num{text-align:right}
.reachable{color:#047857}.blocked,.no-route{color:#b91c1c}.unresolved{color:#b45309}.dim{color:#6b7280}
.rec{margin:8px 0;padding:8px 12px;border-left:4px solid #059669;background:#f0fdf4}
.rec.policy-requires-endpoint{border-color:#dc2626;background:#fef2f2}.saving{font-weight:bold}
.grid td{width:14px;height:14px;padding:0}.yes{background:#10b981}.no{background:#ef4444}.self{background:#e5e7eb}
.drawing{overflow:auto;border:1px solid #e5e7eb;max-height:900px}.filter{margin:6px 0;padding:4px;width:320px}
"""
_SCRIPT = """
document.querySelectorAll("input.filter").forEach(function (box) {
  var rows = document.querySelectorAll("#" + box.dataset.table + " tbody tr");
  box.addEventListener("input", function () {
    var words = box.value.toLowerCase().split(/\\s+/).filter(Boolean);
    rows.forEach(function (row) {
      var text = row.textContent.toLowerCase();
      row.style.display = words.every(function (w) { return text.indexOf(w) >= 0; }) ? "" : "none";
    });
  });
});
"""


def render(report: Report, doc: dict[str, Any]) -> str:
    body = [
        _header(doc),
        _charts(doc),
        "<h2>The network</h2>",
        '<div class="drawing">' + svg.drawing(report.topo, doc["paths"], report.names) + "</div>",
        _recommendations(doc),
        _paths(doc),
        _endpoints(doc),
        _matrix(doc),
        "<h2>How this report was made</h2><ul>" + "".join(f"<li>{escape(m)}</li>" for m in doc["method"]) + "</ul>",
    ]
    title = f"vpcsim report, state revision {doc['revision']}"
    return (
        f'<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>{escape(title)}</title>'
        f"<style>{_CSS}</style></head><body>\n" + "\n".join(body) + f"\n<script>{_SCRIPT}</script></body></html>\n"
    )


def _table(table_id: str, columns: list[str], rows: list[list[str]], numeric: set[int] | None = None) -> str:
    numeric = numeric or set()
    head = "".join(f"<th>{escape(c)}</th>" for c in columns)
    body = "".join(
        "<tr>"
        + "".join(f'<td class="num">{c}</td>' if i in numeric else f"<td>{c}</td>" for i, c in enumerate(row))
        + "</tr>"
        for row in rows
    )
    return f'<table id="{table_id}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def _header(doc: dict[str, Any]) -> str:
    s = doc["summary"]
    volumes = doc["volumes"]
    said = volumes["assumption"] if volumes["assumed"] else f"Volumes from {volumes['origin']}."
    warnings = "".join(f'<p class="unresolved">Warning: {escape(w)}</p>' for w in doc["warnings"])
    return (
        f'<h1>vpcsim report</h1><p class="dim">State revision {doc["revision"]}, made {escape(doc["generated_at"])}; '
        f"prices: the {escape(doc['price_book']['origin'])} price book ({escape(doc['price_book']['snapshot'])}).</p>"
        f"<p>{s['accounts']} accounts, {len(s['regions'])} Regions ({escape(', '.join(s['regions']))}), {s['vpcs']} "
        f"VPCs, {s['subnets']} subnets; <b>{s['compute_subnets']}</b> hold compute ({s['sources']} sources); "
        f"{s['paths']} paths from {s['traces']} traces.</p><p><b>{escape(said)}</b></p>"
        f"<p>Per-GB costs at these volumes: <b>{usd(s['monthly_usd'], s['monthly_complete'])}</b> a month; the "
        f"recommendations save <b>{usd(s['savings_usd'])}</b> a month.</p>{warnings}"
    )


def _charts(doc: dict[str, Any]) -> str:
    paths = [
        (p["path"], p["monthly_usd"], f"{p['paths']} paths, {p['gb_per_month']:,.0f} GB a month")
        for p in doc["path_costs"]
    ]
    savings = [(r["title"], r["saving_usd"] or 0.0, r["detail"]) for r in doc["recommendations"]]
    return (
        "<h2>Costs and savings</h2>"
        + svg.bar_chart(paths, "Monthly cost per path (paths that arrive)", chart_id="chart-path-costs")
        + svg.bar_chart(savings, "Monthly saving per recommendation", chart_id="chart-savings")
    )


def _recommendations(doc: dict[str, Any]) -> str:
    parts = [f"<h2>Recommendations ({len(doc['recommendations'])})</h2>"]
    for rec in doc["recommendations"]:
        saving = (
            "no saving: a request that fails"
            if rec["saving_usd"] is None and rec["complete"]
            else (f"saves {usd(rec['saving_usd'])} a month")
        )
        parts.append(
            f'<div class="rec {escape(rec["kind"])}"><b>{escape(rec["title"])}</b>: '
            f'<span class="saving">{escape(saving)}</span><br><span class="dim">{escape(rec["detail"])}'
            "</span></div>"
        )
    return "".join(parts)


def _paths(doc: dict[str, Any]) -> str:
    names = {s["subnet"]: s["name"] for s in doc["sources"]}
    rows = [
        [
            escape(f"{r['source']} {names.get(r['subnet'], '')}"),
            escape(r["vpc"]),
            escape(r["region"]),
            escape(service_text(r)),
            escape(r["label"]),
            f'<span class="{escape(r["verdict"])}">{escape(r["verdict"])}</span>: {escape(by_what(r))}',
            f"{r['latency_ms']:g}",
            f"{r['usd_per_gb']:.4f}" + ("" if r["priced_completely"] else "+"),
            f"{r['volume_gb']:g}",
            escape(usd(r["monthly_usd"], r["monthly_complete"])),
        ]
        for r in doc["paths"]
    ]
    columns = ["subnet", "VPC", "Region", "service", "path", "verdict: by what", "ms", "$/GB", "GB/month", "$/month"]
    return (
        f"<h2>Paths ({len(rows)})</h2>"
        '<input class="filter" data-table="paths" placeholder="filter: subnet, service, NAT, blocked...">'
        + _table("paths", columns, rows, {6, 7, 8, 9})
    )


def _endpoints(doc: dict[str, Any]) -> str:
    rows = [
        [
            escape(f"{e['id']} {e['name']}"),
            escape(e["vpc"]),
            escape(e["service"]),
            str(e["azs"]),
            str(e["paths_by_name"]),
            str(e["paths_by_endpoint_name"]),
            escape(usd(e["monthly_usd"])),
        ]
        for e in doc["endpoints"]
    ]
    columns = ["interface endpoint", "VPC", "service", "AZs", "paths by name", "by endpoint name", "$/month"]
    return f"<h2>Interface endpoints ({len(rows)})</h2>" + _table("endpoints", columns, rows, {3, 4, 5, 6})


def _matrix(doc: dict[str, Any]) -> str:
    matrix = doc["matrix"]
    if matrix is None:
        return ""
    parts = [
        f"<h2>Reachability between subnets (TCP {matrix['port']})</h2><p>{matrix['traced_pairs']} pairs traced "
        f"inside {len(matrix['components'])} groups of connected VPCs; {matrix['untraced_pairs']} pairs share no "
        "peering or transit gateway and do not reach each other.</p>"
    ]
    rows = {r["source"]: r for r in matrix["rows"]}
    for n, component in enumerate(matrix["components"], 1):
        parts.append(_grid(n, component, rows) if len(component) <= GRID_MAX else _lists(n, component, rows))
    return "".join(parts)


def _grid(n: int, component: list[str], rows: dict[str, dict[str, Any]]) -> str:
    lines = [
        f'<p>Group {n}: {len(component)} subnets (row reaches column: green)</p><table class="grid" '
        f'id="matrix-{n}"><tbody>'
    ]
    for subnet in component:
        row = rows[subnet]
        stopped = {c["destination"]: c for c in row["stopped"]}
        cells = []
        for other in component:
            if other == subnet:
                cells.append('<td class="self"></td>')
            elif other in row["reaches"]:
                cells.append(f'<td class="yes" title="{escape(subnet)} reaches {escape(other)}"></td>')
            else:
                cell = stopped.get(other, {})
                tip = f"{subnet} -> {other}: {cell.get('code') or cell.get('verdict', '')} {cell.get('detail', '')}"
                cells.append(f'<td class="no" title="{escape(tip)}"></td>')
        lines.append(f"<tr><th>{escape(subnet)}</th>{''.join(cells)}</tr>")
    return "".join(lines) + "</tbody></table>"


def _lists(n: int, component: list[str], rows: dict[str, dict[str, Any]]) -> str:
    items = []
    for subnet in component:
        row = rows[subnet]
        codes = sorted({c["code"] or c["verdict"] for c in row["stopped"]})
        stopped = f"; stopped: {', '.join(codes)}" if codes else ""
        items.append(
            f"<li>{escape(subnet)} reaches {len(row['reaches'])} of {len(component) - 1}{escape(stopped)}</li>"
        )
    return f'<p>Group {n}: {len(component)} subnets</p><ul id="matrix-{n}">{"".join(items)}</ul>'
