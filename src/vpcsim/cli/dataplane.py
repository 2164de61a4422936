"""``vpcsim trace``, ``traffic`` and ``cost``: the data plane's commands. They ask a running server, or open a state
(SQLite file or PostgreSQL URL) with ``--state``."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from vpcsim.app import Options, build
from vpcsim.cli.states import opened
from vpcsim.cli.views import show_monthly, show_trace, show_what_if
from vpcsim.control.analysis.policy_judge import ApiRequest
from vpcsim.control.analysis.run import trace_json
from vpcsim.errors import ApiError
from vpcsim.server.api import traffic_answer

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
        show: Callable[[dict[str, Any], Console], None] = show_what_if
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
