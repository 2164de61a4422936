"""``vpcsim``: serve the emulator, trace a request through it, price a region's network."""

from __future__ import annotations

import json
import logging
import os
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from vpcsim import __version__
from vpcsim.app import Built, Options, build, default_state_path, listen, serve_workers
from vpcsim.app import serve as serve_here
from vpcsim.cli.flowlogs import flowlogs_command
from vpcsim.cli.importing import import_command
from vpcsim.cli.report import report as report_command
from vpcsim.cli.states import fail, opened, state_app
from vpcsim.cli.views import show_monthly, show_trace, show_what_if
from vpcsim.control.analysis.policy_judge import ApiRequest
from vpcsim.control.analysis.run import trace_json
from vpcsim.control.quotas import check_defaults
from vpcsim.demo import load_demo
from vpcsim.errors import ApiError
from vpcsim.server.api import traffic_answer
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


# -- the data plane's commands: they ask a running server, or open a state file with --state --------------------------
_ENDPOINT = typer.Option("--endpoint-url", help="The vpcsim server to ask.")
_STATE = typer.Option("--state", help="Read this state (SQLite file or postgresql:// URL) instead of asking a server.")


def _api(endpoint_url: str, path: str, body: dict[str, Any] | None = None) -> Any:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(
        endpoint_url.rstrip("/") + path,
        data=data,
        method="POST" if data else "GET",
        headers={"Content-Type": "application/json", "X-Vpcsim-Request": "1"},
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
    """``host:port``, ``[ipv6]:port``, or a bare host or IPv6 address (which keeps ``port``)."""
    if destination.startswith("["):
        host, _, rest = destination[1:].partition("]")
        return host, int(rest[1:]) if rest[1:].isdigit() else port
    if destination.count(":") > 1:
        return destination, port
    host, _, given = destination.rpartition(":")
    if host and given.isdigit():
        return host, int(given)
    return destination, port


@app.command()
def trace(
    source: Annotated[
        str | None,
        typer.Argument(
            help="An instance id, network interface id or IP in a subnet; or the internet: 'internet', an IP outside "
            "every VPC, or an internet gateway id."
        ),
    ] = None,
    destination: Annotated[
        str | None,
        typer.Argument(help="A host name or IP, optionally with :PORT (default 443); [IPv6]:PORT for IPv6."),
    ] = None,
    from_onprem: Annotated[
        str | None, typer.Option("--from-onprem", help="Start at this address in a customer network (with --via).")
    ] = None,
    via: Annotated[
        str | None,
        typer.Option(help="With --from-onprem: the VPN connection, virtual private gateway or VPN attachment id."),
    ] = None,
    dns_via: Annotated[
        str | None,
        typer.Option(
            "--dns-via",
            help="With --from-onprem: the Route 53 Resolver inbound endpoint (rslvr-in-...) the customer's DNS servers "
            "forward to, or 'public'; by default an inbound endpoint the customer network reaches, else public DNS.",
        ),
    ] = None,
    protocol: Annotated[str, typer.Option(help="tcp, udp or icmp.")] = "tcp",
    action: Annotated[str | None, typer.Option(help="The API call made, e.g. s3:GetObject, to check policies.")] = None,
    resource: Annotated[str, typer.Option(help="With --action: the resource ARN, e.g. arn:aws:s3:::bucket/key.")] = "*",
    principal: Annotated[
        str, typer.Option(help="With --action: the caller's ARN (default: the source's account).")
    ] = "",
    as_json: Annotated[bool, typer.Option("--json", help="Print the trace as JSON.")] = False,
    endpoint_url: Annotated[str, _ENDPOINT] = "http://127.0.0.1:4566",
    state: Annotated[str | None, _STATE] = None,
) -> None:
    """Where a request from SOURCE to DESTINATION goes, hop by hop, whether it arrives, and what it costs per GB.

    From on premises: vpcsim trace --from-onprem 192.168.1.10 --via vpn-... [--dns-via rslvr-in-...] DESTINATION."""
    source, destination = _endpoints(source, destination, from_onprem, via)
    if dns_via is not None and from_onprem is None:
        raise typer.BadParameter("--dns-via goes with --from-onprem")
    host, port = _split(destination, 443)
    if state is not None:
        built = opened(lambda: build(Options(state=state, writer=False)))
        try:
            request = ApiRequest(action, resource, principal) if action else None
            found = built.control.trace(
                source, host, port=port, protocol=protocol, request=request, via=via, dns_via=dns_via
            )
            result = trace_json(found)
        except ApiError as error:
            raise typer.BadParameter(error.message) from None
    else:
        body = {"source": source, "destination": host, "port": port, "protocol": protocol}
        body.update(action=action, resource=resource, principal=principal, via=via, dns_via=dns_via)
        result = _api(endpoint_url, "/_vpcsim/api/trace", body)
    if as_json:
        typer.echo(json.dumps(result, indent=2))
    else:
        show_trace(result, Console())
    raise typer.Exit(0 if result["verdict"] == "reachable" else 1)


def _endpoints(source: str | None, destination: str | None, onprem: str | None, via: str | None) -> tuple[str, str]:
    """(source, destination) from the arguments: SOURCE DESTINATION, or --from-onprem ADDRESS --via ID DESTINATION."""
    if onprem is not None:
        if via is None:
            raise typer.BadParameter("--from-onprem needs --via: the VPN connection, gateway or attachment it uses")
        if destination is not None or source is None:
            raise typer.BadParameter("with --from-onprem, give only the DESTINATION")
        return onprem, source
    if via is not None:
        raise typer.BadParameter("--via goes with --from-onprem")
    if source is None or destination is None:
        raise typer.BadParameter("give a SOURCE and a DESTINATION (or --from-onprem ADDRESS --via ID DESTINATION)")
    return source, destination


@app.command()
def traffic(
    source: Annotated[str, typer.Argument(help="An instance id, network interface id, or IP in a subnet.")],
    destination: Annotated[str, typer.Argument(help="A host name or IP, optionally with :PORT (default 443).")],
    flows: Annotated[int, typer.Option(help="How many flows (connections) to send.")] = 1,
    size: Annotated[int, typer.Option("--bytes", help="Bytes each flow sends.")] = 1024,
    response_bytes: Annotated[int, typer.Option(help="Bytes each flow receives (0: only acknowledgements).")] = 0,
    protocol: Annotated[str, typer.Option(help="tcp, udp or icmp.")] = "tcp",
    as_json: Annotated[bool, typer.Option("--json", help="Print the answer as JSON.")] = False,
    endpoint_url: Annotated[str, _ENDPOINT] = "http://127.0.0.1:4566",
    state: Annotated[str | None, _STATE] = None,
    flow_logs_dir: Annotated[
        Path | None, typer.Option(help="With --state: where records go [default: flow-logs/ beside the state].")
    ] = None,
) -> None:
    """Send FLOWS flows from SOURCE to DESTINATION through the data plane and write the flow-log records AWS would
    deliver for them, to every flow log covering an interface on the path (docs/flowlogs.md)."""
    host, port = _split(destination, 443)
    body = {
        "source": source,
        "destination": host,
        "port": port,
        "protocol": protocol,
        "flows": flows,
        "bytes": size,
        "response_bytes": response_bytes,
    }
    if state is not None:
        built = opened(lambda: build(Options(state=state, flow_logs_dir=flow_logs_dir, writer=False)))
        try:
            result = traffic_answer(built.control, body)
        except ApiError as error:
            raise typer.BadParameter(error.message) from None
        finally:
            built.store.close()
    else:
        result = _api(endpoint_url, "/_vpcsim/api/traffic", body)
    if as_json:
        typer.echo(json.dumps(result, indent=2))
    else:
        _show_traffic(result)


def _show_traffic(result: dict[str, Any]) -> None:
    trace = result["trace"]
    typer.echo(f"{result['flows']} flow(s) of {result['bytes']} bytes: {trace['verdict']}")
    for seen in result["observations"]:
        typer.echo(
            f"  {seen['interface_id']:<22} {seen['leg']:<8} {seen['flow_direction']:<7} {seen['action']:<6} "
            f"{seen['srcaddr']} -> {seen['dstaddr']} (packet {seen['pkt_srcaddr']} -> {seen['pkt_dstaddr']})"
        )
    if not result["flow_logs"]:
        typer.echo("No flow log covers an interface on this path: no records written.")
    for log in result["flow_logs"]:
        where = ", ".join(log["files"]) if log["written"] else f"not written: {log['reason']}"
        typer.echo(f"{log['flow_log_id']} ({log['resource_id']}): {log['records']} record(s) -> {where}")


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
    state: Annotated[str | None, _STATE] = None,
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


def _local_or_remote(state: str | None, local: Any, endpoint_url: str, path: str) -> Any:
    """The cost command's answer, or one clear line (typer.BadParameter) for any error, never a traceback."""
    try:
        if state is None:
            return _api(endpoint_url, path)
        return local(opened(lambda: build(Options(state=state, writer=False))).control)
    except ApiError as error:
        raise typer.BadParameter(error.message) from None
    except (LookupError, ValueError, OSError) as error:  # PriceNotFound, PriceBookError, a server's non-JSON answer
        raise typer.BadParameter(f"cannot price this: {error}") from None


app.command("report")(report_command)  # vpcsim report: the estate report, in cli/report.py
app.command("flowlogs")(flowlogs_command)  # cli/flowlogs.py
