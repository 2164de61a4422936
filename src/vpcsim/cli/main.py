"""``vpcsim``: serve the emulator, trace a request through it, price a region's network."""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from typing import Annotated

import typer

from vpcsim import __version__
from vpcsim.app import Built, Options, build, default_state_path, listen, serve_workers
from vpcsim.app import serve as serve_here
from vpcsim.cli.dataplane import cost, trace, traffic
from vpcsim.cli.flowlogs import flowlogs_command
from vpcsim.cli.importing import import_command
from vpcsim.cli.report import report as report_command
from vpcsim.cli.states import fail, opened, state_app
from vpcsim.control.quotas import check_defaults
from vpcsim.demo import load_demo
from vpcsim.errors import ApiError
from vpcsim.server.bodies import DEFAULT_MAX_BODY
from vpcsim.server.credentials import CredentialsError
from vpcsim.store import is_postgres, shown

app = typer.Typer(help="vpcsim: AWS VPC networking, endpoints and PrivateLink, emulated locally.", no_args_is_help=True)
app.add_typer(state_app, name="state")
app.command("import")(import_command)  # cli/importing.py


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 4566,
    state: Annotated[
        str | None,
        typer.Option(
            help=f"SQLite state file, or a postgresql://user@host:port/db URL shared by several servers "
            f"(docs/postgresql.md) [default: {default_state_path()}]."
        ),
    ] = None,
    ephemeral: Annotated[bool, typer.Option(help="Keep all state in memory; nothing survives a restart.")] = False,
    seed: Annotated[int | None, typer.Option(help="Seed for reproducible resource ids.")] = None,
    account: Annotated[str, typer.Option(help="Account for access keys that are not 12-digit ids.")] = "123456789012",
    quiet: Annotated[bool, typer.Option(help="Do not log one line per request.")] = False,
    principals: Annotated[
        Path | None,
        typer.Option(
            help='JSON file mapping access key ids to IAM principal ARNs: {"AKIA...": "arn:aws:iam::...:role/x"}.'
        ),
    ] = None,
    demo: Annotated[bool, typer.Option(help="Load the demo world first, unless the state holds it already.")] = False,
    allow_host: Annotated[
        list[str] | None,
        typer.Option(help="Another Host name to answer besides localhost, 127.0.0.1, [::1] and --host (repeatable)."),
    ] = None,
    allow_origin: Annotated[
        list[str] | None,
        typer.Option(help="A web origin allowed to change state, e.g. http://localhost:3000 (repeatable)."),
    ] = None,
    max_body: Annotated[
        int, typer.Option(min=1024, help="Largest request body accepted, in bytes (larger: 413 in AWS's format).")
    ] = DEFAULT_MAX_BODY,
    credentials: Annotated[
        Path | None,
        typer.Option(
            help="Verify every request's SigV4 signature against this AWS-format credentials file ([name] sections "
            "with aws_access_key_id, aws_secret_access_key, account, optional principal and admin)."
        ),
    ] = None,
    flow_logs_dir: Annotated[
        Path | None,
        typer.Option(help="Where flow-log records are delivered [default: flow-logs/ beside the state]."),
    ] = None,
    time_scale: Annotated[
        float,
        typer.Option(
            min=0.0,
            help="How fast lifecycles run: AWS's typical durations (NAT gateway ~90 s, load balancer ~180 s, target "
            "health checks) times this; 0 completes them when the starting call returns, 1 is AWS's pace.",
        ),
    ] = 0.0,
    quota: Annotated[
        list[str] | None,
        typer.Option(
            help="A Service Quotas quota every account starts with, as CODE=N (repeatable), e.g. L-F678F1CE=50 for "
            "50 VPCs per Region; accounts can still raise it with RequestServiceQuotaIncrease."
        ),
    ] = None,
    workers: Annotated[
        int, typer.Option(help="Server processes sharing the port; more than 1 needs a PostgreSQL --state.")
    ] = 1,
) -> None:
    """Run the AWS API (EC2, ELBv2, STS, S3, DynamoDB, Service Quotas) and the web UI on HOST:PORT until stopped."""
    if state is not None and ephemeral:
        raise typer.BadParameter("--state and --ephemeral exclude each other")
    if workers < 1:
        raise typer.BadParameter("--workers must be at least 1")
    if workers > 1 and not (state and is_postgres(state)):
        fail(
            "--workers needs a PostgreSQL state (--state postgresql://...): an SQLite state has one writer "
            "process and an --ephemeral one lives in one process's memory"
        )
    quotas = _quotas(quota or [])
    logging.basicConfig(level=logging.WARNING if quiet else logging.INFO, format="%(asctime)s %(message)s")
    options = Options(
        state=state,
        ephemeral=ephemeral,
        seed=seed,
        default_account=account,
        listen=host,
        allow_hosts=tuple(allow_host or ()),
        allow_origins=tuple(allow_origin or ()),
        max_body=max_body,
        credentials=credentials,
        flow_logs_dir=flow_logs_dir,
        quotas=quotas,
        time_scale=time_scale,
    )
    try:  # bound before the state is opened and anything says "listening": a port in use is one line, at once
        listener = listen(host, port, workers=workers)
    except OSError as error:
        fail(f"cannot listen on {host}:{port}: {os.strerror(error.errno) if error.errno else error}")
    try:
        built = opened(lambda: build(options))
    except CredentialsError as error:
        raise typer.BadParameter(str(error), param_hint="--credentials") from None
    if principals is not None:
        _load_principals(built, principals)
    if demo and load_demo(built.control) is not None:
        typer.echo("loaded the demo world (vpcsim demo --help says what is in it)", err=True)
    where = "in memory" if ephemeral else shown(state or default_state_path())
    banner = _banner(host, port, f"{where}, {workers} worker processes" if workers > 1 else where, credentials)
    banner.append(f"Flow-log records for traffic sent with 'vpcsim traffic' go to {built.control.flow_logs_dir}")
    if workers == 1:
        typer.echo("\n".join(banner), err=True)  # the socket listens already: connections wait in its backlog
        serve_here(built, listener)
        return
    built.store.close()
    del built
    serve_workers(options, listener, workers, ready=lambda: typer.echo("\n".join(banner), err=True))


def _banner(host: str, port: int, state: str, credentials: Path | None) -> list[str]:
    """What ``serve`` says once it listens: where, on which state, whether signatures are checked."""
    shown_host = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    trust = (
        "Any access key is accepted and signatures are not checked (--credentials FILE checks them)."
        if credentials is None
        else f"Signatures are verified against {credentials}; the admin API and web view need its keys."
    )
    return [
        f"vpcsim {__version__} listening on http://{host}:{port} (state {state})",
        trust,
        f"Open http://{shown_host}:{port}/ in a browser to see the network, trace requests and compare costs.",
    ]


def _quotas(given: list[str]) -> dict[str, float]:
    """``--quota CODE=N`` options as a checked mapping, or one clear line (typer.BadParameter)."""
    values: dict[str, float] = {}
    for item in given:
        code, sep, number = item.partition("=")
        try:
            values[code.strip()] = float(number)
        except ValueError:
            raise typer.BadParameter(f"--quota {item!r}: expected CODE=N, e.g. L-F678F1CE=50") from None
        if not sep:
            raise typer.BadParameter(f"--quota {item!r}: expected CODE=N, e.g. L-F678F1CE=50")
    try:
        return check_defaults(values)
    except ValueError as error:
        raise typer.BadParameter(f"--quota: {error}") from None


def _load_principals(built: Built, path: Path) -> None:
    try:
        mapping = json.loads(path.read_text())
    except (OSError, ValueError) as error:
        raise typer.BadParameter(f"cannot read {path}: {error}") from None
    if not isinstance(mapping, dict):
        raise typer.BadParameter(f"{path} must hold a JSON object of access key id -> principal ARN")
    for key, arn in mapping.items():
        try:
            built.control.map_principal(str(key), str(arn))
        except ApiError as error:
            raise typer.BadParameter(f"{path}: {key}: {error.message}") from None


@app.command("demo")
def demo_command(
    state: Annotated[
        str | None,
        typer.Option(help=f"SQLite state file or postgresql:// URL [default: {default_state_path()}]."),
    ] = None,
) -> None:
    """Load the demo world into the state: S3 through a NAT gateway and through a gateway endpoint (eu-west-2),
    DynamoDB through an interface endpoint reached from eu-west-1 over peering, a PrivateLink provider with an
    allowed consumer and an account that is not allowed, and a bucket policy limited to one endpoint."""
    built = opened(lambda: build(Options(state=state)))
    try:
        world = load_demo(built.control)
    finally:
        built.store.close()
    where = shown(state or default_state_path())
    if world is None:
        typer.echo(f"The demo is already loaded in {where}; nothing changed.")
        return
    accounts = len({v.account for v in world.vpcs.values()})
    typer.echo(f"Loaded the demo world into {where}: {len(world.vpcs)} VPCs in {accounts} accounts.")
    typer.echo("Run 'vpcsim serve' and open http://127.0.0.1:4566/ to see it.")


@app.command()
def version() -> None:
    """Print the version."""
    typer.echo(__version__)


app.command()(trace)  # cli/dataplane.py
app.command()(traffic)
app.command()(cost)
app.command("report")(report_command)  # vpcsim report: the estate report, in cli/report.py
app.command("flowlogs")(flowlogs_command)  # cli/flowlogs.py
