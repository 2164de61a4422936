"""``vpcsim flowlogs``: real flow logs read, their bytes attributed to AWS services and, with a state, to the network's
paths, with what endpoints would have saved; as plain JSON data (docs/flowlogs.md describes every key).

``flow_log_report`` composes the parts: ``vpcsim.flowlogs.sources`` finds and checks the files, ``usage`` streams
them through DuckDB, ``attribution`` counts each sender once, and, given a state, ``estate`` places the senders,
traces their paths and prices the savings. Without a state the answer stops at services and senders, and says how
to get the rest.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from vpcsim.control.analysis.run import topology_of
from vpcsim.control.flowlogs.estate import Analysis, Placed, analyse, known, nat_gateway_of
from vpcsim.cost import PriceBook, price_book
from vpcsim.flowlogs.attribution import Exchange, merge, nat_totals
from vpcsim.flowlogs.ranges import AddressRanges
from vpcsim.flowlogs.savings import GB, Saving
from vpcsim.flowlogs.sources import Inventory
from vpcsim.flowlogs.usage import AWS, Usage, read_usage
from vpcsim.store import Transaction


def flow_log_report(
    inventory: Inventory,
    ranges: AddressRanges,
    *,
    tx: Transaction | None = None,
    book: PriceBook | None = None,
    memory_limit: str = "1GB",
    threads: int | None = None,
) -> dict[str, Any]:
    """The whole answer (module docstring); ``tx`` is a read snapshot of the state, or None."""
    topo = topology_of(tx) if tx is not None else None
    usage = read_usage(inventory, ranges, known(topo) if topo else None, memory_limit=memory_limit, threads=threads)
    book = book or price_book()
    analysis = analyse(tx, usage, book) if tx is not None else None
    placed = analysis.placed if analysis else [Placed(e, None, None) for e in merge(usage.rows)]
    report: dict[str, Any] = {
        "files": _files(inventory),
        "records": {"total": usage.records, **{s.status: s.records for s in usage.statuses}},
        "complete": not any(s.status == "SKIPDATA" for s in usage.statuses),
        "period": _period(usage),
        "ip_ranges": dict(ranges.source),
        "totals": _totals(p.exchange for p in placed),
        "services": _services(p.exchange for p in placed),
        "senders": [_sender(p, analysis) for p in placed],
        "nat_gateways": _nat_gateways(usage, analysis, nat_gateway_of(topo) if topo else {}),
        "state": tx is not None,
        "paths": _paths(analysis) if analysis else [],
        "savings": _savings(analysis.savings, book) if analysis else [],
        "price_book": {"snapshot": book.snapshot, "origin": book.origin, "currency": book.currency},
    }
    report["saved_usd"] = _best_total(analysis.savings) if analysis else None
    report["notes"] = _notes(usage, analysis, report)
    return report


def _files(inventory: Inventory) -> dict[str, Any]:
    formats = [
        {"kind": kind, "fields": list(fields), "header": header, "files": len(files)}
        for (kind, fields, header, _), files in inventory.groups().items()
    ]
    return {
        "read": len(inventory.files),
        "skipped": [str(p) for p in inventory.skipped],
        "empty": [str(p) for p in inventory.empty],
        "formats": formats,
    }


def _period(usage: Usage) -> dict[str, Any]:
    def moment(value: int | None) -> str | None:
        return None if value is None else datetime.fromtimestamp(value, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

    hours = usage.hours
    return {
        "start": moment(usage.first),
        "end": moment(usage.last),
        "hours": None if hours is None else round(hours, 6),
    }


def _totals(exchanges: Iterable[Exchange]) -> dict[str, int]:
    totals: dict[str, int] = defaultdict(int)
    for e in exchanges:
        totals[f"{e.category}_bytes"] += e.accepted
        totals["accepted_bytes"] += e.accepted
        totals["rejected_bytes"] += e.rejected_out + e.rejected_in
    return {
        k: totals.get(k, 0)
        for k in ("accepted_bytes", "rejected_bytes", "aws_bytes", "internet_bytes", "private_bytes")
    }


def _services(exchanges: Iterable[Exchange]) -> list[dict[str, Any]]:
    """Bytes per AWS service and Region (ip-ranges' names; an interface endpoint's service by its own name)."""
    found: dict[tuple[str, str], dict[str, Any]] = {}
    for e in exchanges:
        if e.category != AWS or e.label is None:
            continue
        entry = found.setdefault(
            (e.label.service, e.label.region),
            {
                "service": e.label.service,
                "region": e.label.region,
                "bytes_out": 0,
                "bytes_in": 0,
                "rejected_bytes": 0,
                "senders": 0,
                "through_interface_endpoints": 0,
            },
        )
        entry["bytes_out"] += e.bytes_out
        entry["bytes_in"] += e.bytes_in
        entry["rejected_bytes"] += e.rejected_out + e.rejected_in
        entry["senders"] += 1
        if e.endpoint_id:
            entry["through_interface_endpoints"] += e.accepted
    return sorted(found.values(), key=lambda s: (-(s["bytes_out"] + s["bytes_in"]), s["service"], s["region"]))


def _sender(p: Placed, analysis: Analysis | None) -> dict[str, Any]:
    e = p.exchange
    path = None
    if analysis is not None and e.label is not None and p.subnet_id:
        traced = analysis.traced.get((p.subnet_id, e.label, e.endpoint_id))
        path = traced.path if traced else None
    return {
        "interface_id": p.interface.id if p.interface else e.interface_id,
        "address": e.address,
        "subnet_id": p.subnet_id,
        "vpc_id": p.vpc_id,
        "category": e.category,
        "service": e.label.service if e.label else None,
        "service_region": e.label.region if e.label else None,
        "endpoint_id": e.endpoint_id,
        "bytes_out": e.bytes_out,
        "bytes_in": e.bytes_in,
        "rejected_bytes": e.rejected_out + e.rejected_in,
        "records": e.records,
        "seen_at_nat_interfaces": list(e.via_nat),
        "path": path,
    }


def _paths(analysis: Analysis) -> list[dict[str, Any]]:
    out = []
    for (subnet, label, endpoint), members in analysis.groups.items():
        sent = sum(p.exchange.bytes_out for p in members)
        received = sum(p.exchange.bytes_in for p in members)
        out.append(
            {
                "subnet_id": subnet,
                "vpc_id": members[0].vpc_id,
                "service": label.service,
                "service_region": label.region,
                "endpoint_id": endpoint,
                "senders": sorted({p.interface.id if p.interface else p.exchange.address or "" for p in members}),
                "bytes_out": sent,
                "bytes_in": received,
                "gb": (sent + received) / GB,
                **analysis.traced[(subnet, label, endpoint)].to_json(),
            }
        )
    return out


def _savings(found: list[Saving], book: PriceBook) -> list[dict[str, Any]]:
    return [s.to_json(book.hours_per_month) for s in found]


def _best_total(found: list[Saving]) -> float:
    """The sum, over each VPC, service and current path, of its best priced alternative's saving."""
    best: dict[tuple[str, str, str, str], float] = {}
    for s in found:
        if s.saved_usd is not None:
            key = (s.vpc_id, s.region, s.service, s.replaces)
            best[key] = max(best.get(key, 0.0), s.saved_usd)
    return sum(best.values())


def _nat_gateways(usage: Usage, analysis: Analysis | None, nat_ids: dict[str, str]) -> list[dict[str, Any]]:
    """Per NAT gateway interface: what its own legs processed, by remote owner, and how much the senders behind it
    that the report traced through it account for."""
    traced: dict[str, int] = defaultdict(int)
    if analysis is not None:
        for key, members in analysis.groups.items():
            for via in analysis.traced[key].via:
                traced[via] += sum(p.exchange.accepted for p in members)
    out: dict[str, dict[str, Any]] = {}
    for total in nat_totals(usage.rows):
        nat = nat_ids.get(total.interface_id)
        entry = out.setdefault(
            total.interface_id, {"interface_id": total.interface_id, "nat_gateway_id": nat, "bytes": 0, "by_remote": []}
        )
        entry["bytes"] += total.bytes
        remote = f"{total.label.service} {total.label.region}" if total.label else total.category
        entry["by_remote"].append({"remote": remote, "bytes": total.bytes})
    for entry in out.values():
        entry["bytes_traced_to_senders"] = traced.get(entry["nat_gateway_id"] or "", 0) if analysis else None
    return list(out.values())


def _notes(usage: Usage, analysis: Analysis | None, report: dict[str, Any]) -> list[str]:
    notes = []
    skipped = next((s for s in usage.statuses if s.status == "SKIPDATA"), None)
    if skipped:
        notes.append(
            f"{skipped.records} record(s) of {skipped.interfaces} interface(s) say SKIPDATA: AWS skipped records in "
            "those intervals, so every total here is a lower bound."
        )
    if usage.hours is None:
        notes.append("The logs have no start and end fields: the period, hourly costs and projections are unknown.")
    elif usage.hours < 1:
        notes.append("The logs cover less than an hour: savings are not projected to a month.")
    if analysis is None:
        notes.append("Give --state FILE to place the senders on subnets, trace their paths and price endpoint savings.")
        return notes
    unplaced = sum(1 for p in analysis.placed if p.subnet is None and p.exchange.category == AWS)
    if unplaced:
        notes.append(f"{unplaced} sender(s) of AWS-bound bytes are not in the state: not traced, not priced.")
    lost = [t for t in analysis.traced.values() if t.trace is None or t.path not in _ARRIVING]
    if lost:
        notes.append(
            f"{len(lost)} path(s) the logs show carrying accepted bytes do not arrive in the state's trace "
            f"(e.g. from {lost[0].source} to {lost[0].destination}: {lost[0].reason or lost[0].path}): not priced."
        )
    if not report["savings"]:
        notes.append("No S3 or DynamoDB traffic in these logs goes through a NAT gateway or an interface endpoint.")
    return notes


_ARRIVING = frozenset(
    {
        "nat-gateway",
        "gateway-endpoint",
        "interface-endpoint",
        "internet-gateway",
        "egress-only-internet-gateway",
        "peering",
        "transit-gateway",
        "vpn",
        "in-vpc",
        "endpoint",
    }
)
