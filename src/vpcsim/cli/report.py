"""``vpcsim report``: every compute subnet's paths to AWS services, their monthly cost, savings and reachability.

Reads a state file (``--state``, default the one ``vpcsim serve`` and ``vpcsim demo`` use) offline, without a
server; the engine is ``vpcsim.report``. Errors (no state file, a bad ``--volumes`` file) are one line on stderr and
exit status 2, never a traceback. A progress bar shows on stderr while a large estate is traced, when stdout is a
terminal.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from vpcsim.app import default_state_path
from vpcsim.report import Volumes, VolumesError, build_report, load_volumes, report_json
from vpcsim.report import html as html_form
from vpcsim.report import text as text_form
from vpcsim.report.parallel import default_jobs
from vpcsim.store import StateUnavailable, Store, may_exist, open_store

LARGE = 50  # sources (or matrix pairs / 40) from which a terminal gets a progress bar
_PHASES = {"paths": "Tracing paths to services", "recommendations": "Recommending", "matrix": "Reachability matrix"}


def _fail(message: str) -> NoReturn:
    typer.echo(f"Error: {message}", err=True)
    raise typer.Exit(2)


class _Bar:
    """A rich progress bar on stderr, started once a phase reports a large total (and only on a terminal)."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.progress: Progress | None = None
        self.tasks: dict[str, Any] = {}

    def __call__(self, phase: str, done: int, total: int) -> None:
        if not self.enabled or (self.progress is None and total < (LARGE * 40 if phase == "matrix" else LARGE)):
            return
        if self.progress is None:
            columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
            self.progress = Progress(*columns, console=Console(stderr=True), transient=True)
            self.progress.start()
        if phase not in self.tasks:
            self.tasks[phase] = self.progress.add_task(_PHASES.get(phase, phase), total=total)
        self.progress.update(self.tasks[phase], completed=done, total=total)

    def stop(self) -> None:
        if self.progress is not None:
            self.progress.stop()


def report(
    state: Annotated[
        str | None,
        typer.Option(
            help=f"The state to report on: an SQLite file or a postgresql:// URL (default: {default_state_path()})."
        ),
    ] = None,
    volumes: Annotated[
        Path | None,
        typer.Option(
            help="GB a month per (subnet, VPC or '*', service), JSON or CSV (docs/report.md); without it the report "
            "assumes 100 GB to S3 and to DynamoDB per subnet, 10 GB to each service reached through an interface "
            "endpoint, and says so."
        ),
    ] = None,
    html: Annotated[
        Path | None, typer.Option(help="Also write the report as one self-contained HTML file (charts, drawing).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON (docs/report.md).")] = False,
    matrix: Annotated[
        bool, typer.Option(help="Trace the reachability matrix between the subnets that hold compute.")
    ] = True,
    port: Annotated[int, typer.Option(min=1, max=65535, help="The TCP port the matrix traces.")] = 443,
    jobs: Annotated[
        int, typer.Option(min=0, max=64, help="Processes tracing the matrix; 0: as many as there are cores.")
    ] = 0,
) -> None:
    """Paths from every compute subnet to AWS services, their monthly cost, savings, and reachability.

    For every subnet that holds compute: its path to S3, DynamoDB and every interface-endpoint service of its Region
    (and the endpoints of connected VPCs), allowed or not and by what, latency, and monthly cost at the volumes;
    recommendations with their monthly savings; and the reachability matrix between subnets (docs/report.md)."""
    path = state or str(default_state_path())
    if not may_exist(path):
        _fail(f"no state file at {path} (make one with 'vpcsim demo --state {path}' or 'vpcsim serve --state {path}')")
    given = _volumes(volumes)
    bar = _Bar(sys.stdout.isatty())
    try:
        store = _open(path)
        with store.snapshot() as tx:
            built = build_report(tx, given, matrix=matrix, port=port, jobs=jobs or default_jobs(), progress=bar)
    finally:
        bar.stop()
    doc = report_json(built)
    if html is not None:
        _write(html, html_form.render(built, doc))
    if as_json:
        typer.echo(json.dumps(doc))
    else:
        text_form.render(doc, Console(highlight=False))
    if html is not None:
        typer.echo(f"Wrote {html}", err=True)


def _volumes(path: Path | None) -> Volumes:
    if path is None:
        return Volumes()
    try:
        return load_volumes(path)
    except VolumesError as error:
        _fail(str(error))


def _open(location: str) -> Store:
    """The state, read-only (a server may be writing it), or one line saying why it cannot be read."""
    try:
        return open_store(location, writer=False)
    except StateUnavailable as error:
        _fail(error.message)


def _write(path: Path, body: str) -> None:
    try:
        path.write_text(body, encoding="utf-8")
    except OSError as error:
        _fail(f"cannot write {path}: {error}")
