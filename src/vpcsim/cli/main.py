"""``vpcsim``: serve the emulator (more commands come with the data plane)."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Annotated

import typer
import uvicorn

from vpcsim import __version__
from vpcsim.app import Built, Options, build, default_state_path
from vpcsim.errors import ApiError

app = typer.Typer(help="vpcsim: AWS VPC networking, endpoints and PrivateLink, emulated locally.", no_args_is_help=True)


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 4566,
    state: Annotated[Path | None, typer.Option(help=f"SQLite state file [default: {default_state_path()}].")] = None,
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
) -> None:
    """Run the AWS API server (EC2, STS) on HOST:PORT until SIGINT or SIGTERM."""
    if state is not None and ephemeral:
        raise typer.BadParameter("--state and --ephemeral exclude each other")
    logging.basicConfig(level=logging.WARNING if quiet else logging.INFO, format="%(asctime)s %(message)s")
    built = build(Options(state=state, ephemeral=ephemeral, seed=seed, default_account=account))
    if principals is not None:
        _load_principals(built, principals)
    where = "in memory" if ephemeral else str(state or default_state_path())
    typer.echo(f"vpcsim {__version__} listening on http://{host}:{port} (state {where})", err=True)
    try:
        uvicorn.run(built.asgi, host=host, port=port, log_level="warning", access_log=False, server_header=False)
    finally:
        built.store.close()


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


@app.command()
def version() -> None:
    """Print the version."""
    typer.echo(__version__)
