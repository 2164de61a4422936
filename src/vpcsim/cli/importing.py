"""``vpcsim import``: a real estate into a state file, or into a running server through its admin API.

The summary says, per kind, what was imported, updated, unchanged (and removed, for security group rules a group's
import replaced); the kinds vpcsim does not model, with their counts; what was not imported, the dangling
references and every assumption made. A bad file (not JSON, truncated, an unknown shape) is one line naming it, exit
code 1, and nothing of the import is kept.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from vpcsim.app import Options, build, default_state_path
from vpcsim.importer import Given, ImportFailed, import_paths
from vpcsim.importer.sources import load


def import_command(
    paths: Annotated[
        list[Path],
        typer.Argument(metavar="PATH...", help="Files or folders: AWS CLI JSON, Batfish aws_configs, tfstate."),
    ],
    state: Annotated[
        Path | None, typer.Option(help=f"SQLite state file, created if missing [default: {default_state_path()}].")
    ] = None,
    account: Annotated[
        str | None, typer.Option(help="Account of files whose folder and records do not say (12 digits).")
    ] = None,
    region: Annotated[str | None, typer.Option(help="Region of files whose folder does not name one.")] = None,
    endpoint_url: Annotated[
        str | None, typer.Option("--endpoint-url", help="Import into this running vpcsim server instead of a file.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
) -> None:
    """Import what `aws ec2 describe-*` (and elbv2, s3api, dynamodb, route53) print, Batfish's aws_configs folders
    or Terraform state into vpcsim: one transaction, ids kept, importing twice changes nothing (docs/import.md)."""
    if state is not None and endpoint_url is not None:
        raise typer.BadParameter("--state and --endpoint-url exclude each other")
    try:
        if endpoint_url is not None:
            summary = _remote(endpoint_url, paths, account, region)
        else:
            summary = _local(state, paths, Given(account, region))
    except ImportFailed as error:
        typer.echo(f"vpcsim import: {error} (nothing was imported)", err=True)
        raise typer.Exit(1) from None
    if as_json:
        typer.echo(json.dumps(summary, indent=2))
    else:
        show_summary(summary, Console(), where=endpoint_url or str(state or default_state_path()))


def _local(state: Path | None, paths: list[Path], given: Given) -> dict[str, Any]:
    built = build(Options(state=state))
    try:
        return import_paths(built.store, paths, given).to_json()
    finally:
        built.store.close()


def _remote(endpoint_url: str, paths: list[Path], account: str | None, region: str | None) -> dict[str, Any]:
    files = [{"name": str(item.path), "content": item.data} for item in load(paths)]
    body = json.dumps({"files": files, "account": account, "region": region}).encode()
    headers = {"Content-Type": "application/json", "X-Vpcsim-Request": "1"}  # server/guard.py: a state change
    request = urllib.request.Request(
        endpoint_url.rstrip("/") + "/_vpcsim/import", data=body, method="POST", headers=headers
    )
    try:
        with urllib.request.urlopen(request, timeout=600) as response:
            answer: dict[str, Any] = json.loads(response.read())
            return answer
    except urllib.error.HTTPError as error:
        detail = _error_detail(error)
        raise ImportFailed(detail) from None
    except urllib.error.URLError as error:
        raise ImportFailed(f"no vpcsim server at {endpoint_url} ({error.reason})") from None


def _error_detail(error: urllib.error.HTTPError) -> str:
    raw = error.read() or b""
    try:
        found = json.loads(raw).get("error", {})
        return f"{found.get('message') or found.get('code')}"
    except (ValueError, AttributeError):
        return f"the server answered {error.code}: {raw.decode(errors='replace').strip()}"


# -- the summary, for people --------------------------------------------------------------------------------------
def show_summary(summary: dict[str, Any], console: Console, where: str) -> None:
    table = Table(title=f"Imported into {where}")
    for column in ("kind", "imported", "updated", "unchanged", "removed"):
        table.add_column(column, justify="left" if column == "kind" else "right")
    for kind, counts in summary["kinds"].items():
        if any(counts.values()):
            table.add_row(kind, *(str(counts[c] or "") for c in ("imported", "updated", "unchanged", "removed")))
    console.print(table)
    _counted(console, "Not modelled by vpcsim (counted, not imported)", summary["unmodelled"])
    _counted(console, "AWS-owned reference data (vpcsim answers it from its catalog)", summary["reference"])
    for title, key in (
        ("Where the files belong", "scopes"),
        ("Not imported", "not_imported"),
        ("Dangling references", "dangling"),
        ("Assumptions", "assumptions"),
    ):
        if summary[key]:
            console.print(f"[bold]{title}[/]")
            for line in summary[key]:
                console.print(f"  - {line}", markup=False, highlight=False)
    state = "changed" if summary["changed"] else "unchanged (everything was already there)"
    console.print(f"{summary['files']} file(s); the state is {state}, revision {summary['revision']}.")


def _counted(console: Console, title: str, counts: dict[str, int]) -> None:
    if not counts:
        return
    console.print(f"[bold]{title}[/]")
    for label, number in counts.items():
        console.print(f"  {number:>5}  {label}", markup=False, highlight=False)
