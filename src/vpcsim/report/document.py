"""The report as a JSON document (``vpcsim report --json``), in the shape docs/report.md documents.

``SCHEMA`` names the shape; ``schema.json`` beside this module is its JSON Schema (tests validate every document
against it, so a change of shape is a change of that file and of ``SCHEMA``). Money is USD a month rounded to the
cent (``*_usd``), per-GB rates to six places; an unpriced figure is ``null`` with a ``complete: false`` beside it,
never 0.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict
from typing import Any

from vpcsim.cost.monthly import hourly_line
from vpcsim.model.trace import Hop, Trace
from vpcsim.report.engine import METHOD, Report
from vpcsim.report.matrix import Matrix
from vpcsim.report.paths import PathRow, deciding_steps
from vpcsim.report.recommend import billed_interface_endpoints
from vpcsim.report.sources import Source
from vpcsim.report.targets import catalog

SCHEMA = "vpcsim-report/1"


def report_json(report: Report) -> dict[str, Any]:
    return {
        "schema": SCHEMA,
        "generated_at": report.generated_at,
        "revision": report.revision,
        "price_book": {
            "origin": report.book.origin,
            "snapshot": report.book.snapshot,
            "currency": report.book.currency,
        },
        "volumes": report.volumes.to_json(),
        "method": list(METHOD),
        "warnings": list(report.warnings),
        "summary": summary(report),
        "catalog": {r: [t.service_name for t in catalog(r)] for r in sorted({s.region for s in report.sources})},
        "sources": [source_json(report, s) for s in report.sources],
        "paths": [row_json(row) for row in report.rows],
        "path_costs": path_costs(report.rows),
        "endpoints": endpoints_json(report),
        "recommendations": [r.to_json() for r in report.recommendations],
        "matrix": matrix_json(report.matrix) if report.matrix is not None else None,
    }


def summary(report: Report) -> dict[str, Any]:
    topo = report.topo
    costs = [row.cost for row in report.rows]
    unpriced = sum(1 for c in costs if any(line.unpriced for line in c.lines))
    savings = [r.saving_usd for r in report.recommendations if r.saving_usd is not None]
    kinds: dict[str, int] = defaultdict(int)
    for rec in report.recommendations:
        kinds[str(rec.kind)] += 1
    return {
        "accounts": len({v.account for v in topo.vpcs.values()}),
        "regions": sorted({v.region for v in topo.vpcs.values()}),
        "vpcs": len(topo.vpcs),
        "subnets": len(topo.subnets),
        "compute_subnets": len({s.subnet for s in report.sources}),
        "sources": len(report.sources),
        "paths": len(report.rows),
        "traces": report.traces,
        "monthly_usd": round(sum(c.usd for c in costs), 2),
        "monthly_complete": unpriced == 0,
        "unpriced_paths": unpriced,
        "savings_usd": round(sum(savings), 2),
        "recommendations": dict(sorted(kinds.items())),
    }


def source_json(report: Report, source: Source) -> dict[str, Any]:
    return {**asdict(source), "name": report.name(source.subnet), "vpc_name": report.name(source.vpc)}


def _hop(hop: Hop) -> dict[str, Any]:
    c = hop.component
    return {"kind": str(c.kind), "id": c.id, "name": c.name, "region": c.region, "zone": c.zone}


def _decided(trace: Trace) -> list[dict[str, Any]]:
    return [
        {"kind": str(hop.component.kind), "id": hop.component.id, "action": action, "detail": detail}
        for hop, action, detail in deciding_steps(trace)
    ]


def row_json(row: PathRow) -> dict[str, Any]:
    trace, cost = row.trace, row.cost
    return {
        "source": row.source.key,
        "subnet": row.source.subnet,
        "vpc": row.source.vpc,
        "account": row.source.account,
        "region": row.source.region,
        "service": row.targets[0].to_json(),
        "services": [] if row.rest else [t.service_name for t in row.targets],
        "service_count": len(row.targets),
        "rest_of_catalog": row.rest,
        "destination": row.targets[0].host,
        "port": row.targets[0].port,
        "path": list(row.through),
        "label": row.label,
        "verdict": str(trace.verdict),
        "explanations": [
            {"code": str(e.code), "component": e.component.id, "direction": e.direction, "detail": e.detail}
            for e in trace.explanations
        ],
        "decided_by": _decided(trace),
        "hops": [_hop(h) for h in trace.forward],
        "endpoint": trace.endpoint,
        "internet": trace.internet,
        "latency_ms": trace.latency_ms,
        "usd_per_gb": trace.usd_per_gb,
        "priced_completely": not trace.unpriced,
        "charges": [
            {"item": c.item, "usd_per_gb": c.usd_per_gb, "usage_type": c.usage_type, "component": c.component}
            for c in trace.charges
        ],
        "unpriced": [
            {"item": u.item, "region": u.region, "key": u.key, "component": u.component} for u in trace.unpriced
        ],
        "volume_gb": row.volume.gb,
        "volume_basis": row.volume.basis,
        "monthly_usd": round(cost.usd, 2),
        "monthly_complete": not any(line.unpriced for line in cost.lines),
        "notes": list(trace.notes),
    }


def path_costs(rows: list[PathRow]) -> list[dict[str, Any]]:
    """The month per path label (the 'cost per path' chart), costliest first."""
    grouped: dict[str, list[PathRow]] = defaultdict(list)
    for row in rows:
        if row.reachable:
            grouped[row.label].append(row)
    found = [
        {
            "path": label,
            "paths": len(members),
            "gb_per_month": sum(r.volume.gb for r in members),
            "monthly_usd": round(sum(r.cost.usd for r in members), 2),
            "complete": not any(line.unpriced for r in members for line in r.cost.lines),
        }
        for label, members in grouped.items()
    ]
    return sorted(found, key=lambda p: (-p["monthly_usd"], p["path"]))


def endpoints_json(report: Report) -> list[dict[str, Any]]:
    found = []
    for e in sorted(billed_interface_endpoints(report.topo), key=lambda e: (e.account, e.region, e.vpc_id, e.id)):
        use = report.endpoint_use[e.id]
        line = hourly_line("interface endpoint", "interface_endpoint_hour", e.region, len(e.interfaces), report.book)
        found.append(
            {
                "id": e.id,
                "name": report.name(e.id),
                "vpc": e.vpc_id,
                "account": e.account,
                "region": e.region,
                "service": e.service_name,
                "state": e.state,
                "azs": len(e.interfaces),
                "private_dns": e.private_dns,
                "paths_by_name": use["by_name"],
                "paths_by_endpoint_name": use["by_endpoint_name"],
                "reached_by_endpoint_name_from": use["reached_from"],
                "monthly_usd": None if line.usd is None else round(line.usd, 2),
            }
        )
    return found


def matrix_json(matrix: Matrix) -> dict[str, Any]:
    rows: dict[str, dict[str, Any]] = {s: {"source": s, "reaches": [], "stopped": []} for s in matrix.subnets}
    for cell in matrix.cells:
        row = rows[cell.source]
        if cell.reaches:
            row["reaches"].append(cell.destination)
        else:
            row["stopped"].append(cell.to_json())
    return {
        "port": matrix.port,
        "protocol": matrix.protocol,
        "subnets": list(matrix.subnets),
        "components": [list(c) for c in matrix.components],
        "traced_pairs": len(matrix.cells),
        "untraced_pairs": matrix.untraced_pairs,
        "rows": list(rows.values()),
    }
