"""``vpcsim``: serve the emulator, trace a request through it, price a region's network."""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Annotated, Any

import typer
import uvicorn
from rich.console import Console

from vpcsim import __version__
from vpcsim.app import Built, Options, build, default_state_path
from vpcsim.cli.views import show_monthly, show_trace, show_what_if
from vpcsim.control.analysis.policy_judge import ApiRequest
from vpcsim.control.analysis.run import trace_json
from vpcsim.demo import load_demo
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
    demo: Annotated[bool, typer.Option(help="Load the demo world first, unless the state holds it already.")] = False,
) -> None:
    """Run the AWS API (EC2, ELBv2, STS, S3 and DynamoDB policies) and the web UI on HOST:PORT until SIGINT/SIGTERM."""
    if state is not None and ephemeral:
        raise typer.BadParameter("--state and --ephemeral exclude each other")
    logging.basicConfig(level=logging.WARNING if quiet else logging.INFO, format="%(asctime)s %(message)s")
    built = build(Options(state=state, ephemeral=ephemeral, seed=seed, default_account=account))
    if principals is not None:
        _load_principals(built, principals)
    if demo and load_demo(built.control) is not None:
        typer.echo("loaded the demo world (vpcsim demo --help says what is in it)", err=True)
    where = "in memory" if ephemeral else str(state or default_state_path())
    typer.echo(f"vpcsim {__version__} listening on http://{host}:{port} (state {where})", err=True)
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    typer.echo(
        f"Open http://{shown}:{port}/ in a browser to see the network, trace requests and compare costs.", err=True
    )
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


@app.command("demo")
def demo_command(
    state: Annotated[Path | None, typer.Option(help=f"SQLite state file [default: {default_state_path()}].")] = None,
) -> None:
    """Load the demo world into the state: S3 through a NAT gateway and through a gateway endpoint (eu-west-2),
    DynamoDB through an interface endpoint reached from eu-west-1 over peering, a PrivateLink provider with an
    allowed consumer and an account that is not allowed, and a bucket policy limited to one endpoint."""
    built = build(Options(state=state))
    try:
        world = load_demo(built.control)
    finally:
        built.store.close()
    where = state or default_state_path()
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


# -- the data plane's commands: they ask a running server, or open a state file with --state --------------------------
_ENDPOINT = typer.Option("--endpoint-url", help="The vpcsim server to ask.")
_STATE = typer.Option("--state", help="Trace on this state file instead of asking a server.")


def _api(endpoint_url: str, path: str, body: dict[str, Any] | None = None) -> Any:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(
        endpoint_url.rstrip("/") + path,
        data=data,
        method="POST" if data else "GET",
        headers={"Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return json.loads(response.read())
    except urllib.error.HTTPError as error:
        detail = json.loads(error.read() or b"{}").get("error", {})
        raise typer.BadParameter(f"{detail.get('code', error.code)}: {detail.get('message', '')}") from None
    except urllib.error.URLError as error:
        raise typer.BadParameter(
            f"no vpcsim server at {endpoint_url} ({error.reason}); start one with 'vpcsim serve' or give --state PATH"
        ) from None


def _split(destination: str, port: int | None) -> tuple[str, int | None]:
    host, _, given = destination.rpartition(":")
    if host and given.isdigit():
        return host, int(given)
    return destination, port


@app.command()
def trace(
    source: Annotated[str, typer.Argument(help="An instance id, network interface id, or IP in a subnet.")],
    destination: Annotated[str, typer.Argument(help="A host name or IP, optionally with :PORT (default 443).")],
    protocol: Annotated[str, typer.Option(help="tcp, udp or icmp.")] = "tcp",
    action: Annotated[str | None, typer.Option(help="The API call made, e.g. s3:GetObject, to check policies.")] = None,
    resource: Annotated[str, typer.Option(help="With --action: the resource ARN, e.g. arn:aws:s3:::bucket/key.")] = "*",
    principal: Annotated[
        str, typer.Option(help="With --action: the caller's ARN (default: the source's account).")
    ] = "",
    as_json: Annotated[bool, typer.Option("--json", help="Print the trace as JSON.")] = False,
    endpoint_url: Annotated[str, _ENDPOINT] = "http://127.0.0.1:4566",
    state: Annotated[Path | None, _STATE] = None,
) -> None:
    """Where a request from SOURCE to DESTINATION goes, hop by hop, whether it arrives, and what it costs per GB."""
    host, port = _split(destination, 443)
    if state is not None:
        built = build(Options(state=state))
        try:
            request = ApiRequest(action, resource, principal) if action else None
            result = trace_json(built.control.trace(source, host, port=port, protocol=protocol, request=request))
        except ApiError as error:
            raise typer.BadParameter(error.message) from None
    else:
        result = _api(
            endpoint_url,
            "/_vpcsim/api/trace",
            {
                "source": source,
                "destination": host,
                "port": port,
                "protocol": protocol,
                "action": action,
                "resource": resource,
                "principal": principal,
            },
        )
    if as_json:
        typer.echo(json.dumps(result, indent=2))
    else:
        show_trace(result, Console())
    raise typer.Exit(0 if result["verdict"] == "reachable" else 1)


@app.command()
def cost(
    region: Annotated[str, typer.Option(help="The region.")] = "us-east-1",
    account: Annotated[str, typer.Option(help="The account.")] = "123456789012",
    what_if: Annotated[
        float | None, typer.Option("--what-if", help="GB a month: compare NAT, gateway and interface endpoints.")
    ] = None,
    service: Annotated[str, typer.Option(help="With --what-if: s3 or dynamodb.")] = "s3",
    azs: Annotated[int, typer.Option(help="With --what-if: the interface endpoint's AZs.")] = 2,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    endpoint_url: Annotated[str, _ENDPOINT] = "http://127.0.0.1:4566",
    state: Annotated[Path | None, _STATE] = None,
) -> None:
    """A region's monthly network cost by item, or with --what-if the comparison of paths to S3/DynamoDB."""
    if what_if is not None:
        query = urllib.parse.urlencode({"region": region, "volume_gb": what_if, "service": service, "azs": azs})
        result = _local_or_remote(
            state,
            lambda c: c.what_if(region, what_if, azs=azs, service=service),
            endpoint_url,
            f"/_vpcsim/api/what-if?{query}",
        )
        show = show_what_if
    else:
        query = urllib.parse.urlencode({"region": region, "account": account})
        result = _local_or_remote(
            state, lambda c: c.monthly_cost(account, region), endpoint_url, f"/_vpcsim/api/cost?{query}"
        )
        show = show_monthly
    if as_json:
        typer.echo(json.dumps(result, indent=2))
    else:
        show(result, Console())


def _local_or_remote(state: Path | None, local: Any, endpoint_url: str, path: str) -> Any:
    """The cost command's answer, or one clear line (typer.BadParameter) for any error, never a traceback."""
    try:
        if state is None:
            return _api(endpoint_url, path)
        return local(build(Options(state=state)).control)
    except ApiError as error:
        raise typer.BadParameter(error.message) from None
    except (LookupError, ValueError, OSError) as error:  # PriceNotFound, PriceBookError, a server's non-JSON answer
        raise typer.BadParameter(f"cannot price this: {error}") from None
