"""``vpcsim flowlogs PATH... [--state FILE]``: real VPC flow logs, their bytes by AWS service, sender and path, and
what endpoints would have saved (docs/flowlogs.md, "Reading real flow logs"). Rich tables by default, ``--json`` for
scripts; any input it cannot read is one line on stderr and exit status 1, never a traceback."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from vpcsim.app import Options, build
from vpcsim.cli.states import opened
from vpcsim.control.flowlogs.report import flow_log_report
from vpcsim.cost import PriceBookError, load_price_book
from vpcsim.errors import ApiError
from vpcsim.flowlogs.ranges import AddressRanges, RangesError, load_ranges, packaged_ranges
from vpcsim.flowlogs.sources import FlowLogError, find
from vpcsim.store import may_exist

TOP = 15


def flowlogs_command(
    paths: Annotated[
        list[Path],
        typer.Argument(
            help="Flow-log files or folders (AWS's S3 layout AWSLogs/<account>/vpcflowlogs/<region>/YYYY/MM/DD/ or "
            "any): gzipped or plain text with a header line, or Parquet.",
            show_default=False,
        ),
    ],
    state: Annotated[
        str | None,
        typer.Option(
            help="A state (vpcsim's, or an imported estate; an SQLite file or a postgresql:// URL): place senders, "
            "trace paths, price savings."
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the whole answer as JSON (docs/flowlogs.md).")] = False,
    log_format: Annotated[
        str | None,
        typer.Option(
            help="The format of files without a header line (CloudWatch Logs, Firehose): a LogFormat such as "
            "'${version} ${srcaddr} ...', or 'default'."
        ),
    ] = None,
    ip_ranges: Annotated[
        Path | None,
        typer.Option(help="A newer copy of AWS's ip-ranges.json (default: the dated copy in the package)."),
    ] = None,
    price_book: Annotated[
        Path | None, typer.Option(help="Your own price book, in the packaged book's JSON shape (docs/cost.md).")
    ] = None,
    memory_limit: Annotated[
        str, typer.Option(help="DuckDB's memory limit; past it, it spills to a temporary folder.")
    ] = "1GB",
    top: Annotated[int, typer.Option(min=1, help="Rows shown per table (the JSON has them all).")] = TOP,
) -> None:
    """Read real VPC flow logs: bytes by AWS service (AWS's ip-ranges), by sender and, with --state, by path (NAT
    gateway, endpoint, internet gateway), with what gateway and interface endpoints would have saved."""
    try:
        result = _report(paths, state, log_format, ip_ranges, price_book, memory_limit)
    except (FlowLogError, RangesError, PriceBookError) as error:
        typer.echo(f"vpcsim flowlogs: {error}", err=True)
        raise typer.Exit(1) from None
    except ApiError as error:
        typer.echo(f"vpcsim flowlogs: {error.message}", err=True)
        raise typer.Exit(1) from None
    if as_json:
        typer.echo(json.dumps(result, indent=2))
    else:
        show_report(result, Console(), top)


def _report(
    paths: list[Path],
    state: str | None,
    log_format: str | None,
    ip_ranges: Path | None,
    book_path: Path | None,
    memory_limit: str,
) -> dict[str, Any]:
    ranges: AddressRanges = load_ranges(ip_ranges) if ip_ranges else packaged_ranges()
    book = load_price_book(book_path) if book_path else None
    inventory = find(paths, log_format)
    if state is None:
        return flow_log_report(inventory, ranges, book=book, memory_limit=memory_limit)
    if not may_exist(state):
        raise FlowLogError(f"--state {state}: no such state file")
    built = opened(lambda: build(Options(state=state, writer=False)))  # read-only: a server may be writing it
    try:
        with built.store.snapshot() as tx:
            return flow_log_report(inventory, ranges, tx=tx, book=book, memory_limit=memory_limit)
    finally:
        built.store.close()


# -- the text form -----------------------------------------------------------------------------------------------------
def show_report(report: dict[str, Any], console: Console, top: int = TOP) -> None:
    _summary(report, console)
    _services(report, console, top)
    _senders(report, console, top)
    if report["state"]:
        _paths(report, console, top)
        _nat_gateways(report, console, top)
        _savings(report, console, top)
    for note in report["notes"]:
        console.print(f"Note: {note}")


def _summary(report: dict[str, Any], console: Console) -> None:
    files, records, period, totals = report["files"], report["records"], report["period"], report["totals"]
    statuses = ", ".join(f"{k} {v:,}" for k, v in records.items() if k != "total")
    console.print(f"[bold]{files['read']} file(s)[/], {records['total']:,} records ({statuses or 'none'})")
    if files["skipped"] or files["empty"]:
        console.print(f"  skipped {len(files['skipped'])} file(s) not named as flow logs, {len(files['empty'])} empty")
    if period["start"]:
        console.print(f"Period: {period['start']} to {period['end']} ({_duration(period['hours'])})")
    ranges = report["ip_ranges"]
    console.print(f"AWS ip-ranges: {ranges.get('createDate', '?')} ({ranges.get('origin', '')})")
    console.print(
        f"Accepted {_size(totals['accepted_bytes'])}: AWS services {_size(totals['aws_bytes'])}, other internet "
        f"{_size(totals['internet_bytes'])}, private {_size(totals['private_bytes'])}; rejected "
        f"{_size(totals['rejected_bytes'])}"
    )


def _services(report: dict[str, Any], console: Console, top: int) -> None:
    table = Table(title="Bytes by AWS service (ip-ranges)")
    for column in ("service", "region", "sent", "received", "rejected", "senders"):
        table.add_column(column, justify="right" if column not in ("service", "region") else "left")
    for s in report["services"][:top]:
        table.add_row(
            s["service"],
            s["region"],
            _size(s["bytes_out"]),
            _size(s["bytes_in"]),
            _size(s["rejected_bytes"]),
            str(s["senders"]),
        )
    console.print(table)


def _senders(report: dict[str, Any], console: Console, top: int) -> None:
    table = Table(title="Top senders to AWS services")
    for column in ("interface", "address", "subnet", "service", "sent", "received", "path"):
        table.add_column(column, overflow="fold")
    shown = [s for s in report["senders"] if s["category"] == "aws"][:top]
    for s in shown:
        service = f"{s['service']} {s['service_region']}" + (f" via {s['endpoint_id']}" if s["endpoint_id"] else "")
        table.add_row(
            s["interface_id"] or "-",
            s["address"] or "-",
            s["subnet_id"] or "-",
            service,
            _size(s["bytes_out"]),
            _size(s["bytes_in"]),
            s["path"] or "-",
        )
    console.print(table)


def _paths(report: dict[str, Any], console: Console, top: int) -> None:
    table = Table(title="Paths by subnet and service (one flow traced per row)")
    for column in ("subnet", "service", "bytes", "path", "via", "$ per GB"):
        table.add_column(column, overflow="fold")
    for p in report["paths"][:top]:
        per_gb = "-" if p["usd_per_gb"] is None else f"{p['usd_per_gb']:.4f}"
        table.add_row(
            p["subnet_id"],
            f"{p['service']} {p['service_region']}",
            _size(p["bytes_out"] + p["bytes_in"]),
            p["path"],
            " > ".join(p["via"]),
            per_gb,
        )
    console.print(table)


def _savings(report: dict[str, Any], console: Console, top: int) -> None:
    if not report["savings"]:
        return
    table = Table(title=f"What endpoints would have saved over the period ({_duration(report['period']['hours'])})")
    for column in ("add", "instead of", "VPC", "service", "bytes", "now $", "then $", "saved $", "a month $"):
        table.add_column(column, overflow="fold")
    for s in report["savings"][:top]:
        table.add_row(
            s["add"],
            s["replaces"],
            s["vpc_id"],
            s["service"],
            _size(round(s["gb"] * 1024**3)),
            _usd(s["current_usd"]),
            _usd(s["alternative_usd"]),
            _usd(s["saved_usd"]),
            "-" if s["saved_usd_per_month"] is None else _usd(s["saved_usd_per_month"]),
        )
    console.print(table)
    console.print(f"Best alternative per VPC and service, summed: ${_usd(report['saved_usd'])} over the period")
    for s in report["savings"][:top]:
        if s["add"] == "gateway-endpoint" and s["route_tables"]:
            console.print(
                f"  {s['service']} gateway endpoint for {s['vpc_id']}: route tables {', '.join(s['route_tables'])}"
            )


def _nat_gateways(report: dict[str, Any], console: Console, top: int) -> None:
    if not report["nat_gateways"]:
        return
    table = Table(title="NAT gateway interfaces: bytes their own legs carried, and the part traced to senders")
    for column in ("interface", "NAT gateway", "bytes", "traced to senders", "busiest remote"):
        table.add_column(column, overflow="fold")
    for n in report["nat_gateways"][:top]:
        busiest = max(n["by_remote"], key=lambda r: r["bytes"])["remote"] if n["by_remote"] else "-"
        traced = "-" if n["bytes_traced_to_senders"] is None else _size(n["bytes_traced_to_senders"])
        table.add_row(n["interface_id"], n["nat_gateway_id"] or "-", _size(n["bytes"]), traced, busiest)
    console.print(table)


def _usd(value: float | None) -> str:
    if value is None:
        return "unpriced"
    return f"{value:,.2f}" if abs(value) >= 1 else f"{value:.6f}"


def _duration(hours: float | None) -> str:
    if hours is None:
        return "unknown length"
    if hours < 1:
        return f"{hours * 3600:,.0f} s"
    return f"{hours:,.1f} h" if hours < 48 else f"{hours / 24:,.1f} days"


def _size(n: int) -> str:
    for unit, scale in (("GB", 1024**3), ("MB", 1024**2), ("KB", 1024)):
        if n >= scale:
            return f"{n / scale:,.2f} {unit}"
    return f"{n:,} B"
