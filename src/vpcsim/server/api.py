"""The JSON API behind the UI and scripts, under ``/_vpcsim/api/`` (docs/api.md; OpenAPI at
``/_vpcsim/api/openapi.json``): the topology as a diagram, the state's revision, traces, costs and the what-if
comparison. Bad input is a 400 JSON error.

The UI polls ``GET /_vpcsim/api/revision`` and reloads the topology when it changes; the topology answers with an
``ETag`` naming the revision (and the filter), so a conditional GET with ``If-None-Match`` costs a 304."""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Route

from vpcsim.control import Control
from vpcsim.control.analysis.policy_judge import ApiRequest
from vpcsim.control.analysis.run import trace_json
from vpcsim.control.flowlogs.traffic import Traffic
from vpcsim.errors import ApiError
from vpcsim.protocol.limits import bounded_json
from vpcsim.server.bodies import MAX_API_BODY, read_body
from vpcsim.server.callers import own_account

OPENAPI = Path(__file__).resolve().parent / "openapi.json"


def _error(code: str, message: str, status: int = 400) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message}}, status_code=status)


async def _answer(produce: Callable[[], Any]) -> Response:
    """Run ``produce`` in a worker thread (the event loop stays free for other clients) and answer its JSON."""
    try:
        return JSONResponse(await run_in_threadpool(produce))
    except ApiError as error:
        return _error(error.code, error.message, error.status)


def _number(value: Any, name: str, kind: type = int, low: float = 0, high: float = 2**53) -> Any:
    """``value`` as a finite number of ``kind`` between ``low`` and ``high``, or InvalidParameterValue."""
    try:
        number = kind(value)
    except (TypeError, ValueError, OverflowError):
        number = None
    if number is None or isinstance(value, bool) or not math.isfinite(number) or not low <= number <= high:
        raise ApiError("InvalidParameterValue", f"'{name}' must be a number from {low:g} to {high:g}.")
    return number


def _plain(value: str | None) -> bool:
    return value is None or (value.isascii() and value.isprintable() and len(value) <= 256)


async def _flow_body(request: Request) -> dict[str, Any] | Response:
    """A trace's or traffic's JSON body (bounded in size and depth), or the error answer."""
    try:
        body = bounded_json(await read_body(request, MAX_API_BODY) or b"{}")
    except ApiError as error:
        return _error(error.code, error.message, error.status)
    except (ValueError, UnicodeDecodeError):
        return _error("InvalidJson", "The body must be a JSON object.")
    if (
        not isinstance(body, dict)
        or not isinstance(body.get("source"), str)
        or not isinstance(body.get("destination"), str)
    ):
        return _error("MissingParameter", "The body needs string members 'source' and 'destination'.")
    return body


def api_routes(control: Control) -> list[Route]:
    async def trace(request: Request) -> Response:
        scope = request.scope
        body = await _flow_body(request)
        if isinstance(body, Response):
            return body
        if body.get("via") is not None and not isinstance(body["via"], str):
            return _error("InvalidParameterValue", "'via' must be a VPN connection, gateway or attachment id.")
        if body.get("dns_via") is not None and not isinstance(body["dns_via"], str):
            return _error("InvalidParameterValue", "'dns_via' must be an inbound Resolver endpoint id or 'public'.")

        def run() -> dict[str, Any]:
            port = None if body.get("port") is None else _number(body["port"], "port", high=65535)
            protocol = str(body.get("protocol") or "tcp").lower()
            if protocol not in ("tcp", "udp", "icmp", "icmpv6"):
                raise ApiError("InvalidParameterValue", "'protocol' must be tcp, udp, icmp or icmpv6.")
            request = None
            if body.get("action"):
                request = ApiRequest(
                    str(body["action"]), str(body.get("resource") or "*"), str(body.get("principal") or "")
                )
            mine = own_account(scope, None)
            found = control.trace(
                body["source"],
                body["destination"],
                port=port,
                protocol=protocol,
                request=request,
                account=mine,
                via=body.get("via"),
                dns_via=body.get("dns_via"),
            )
            return trace_json(found)

        return await _answer(run)

    async def traffic(request: Request) -> Response:
        body = await _flow_body(request)
        if isinstance(body, Response):
            return body
        return await _answer(lambda: traffic_answer(control, body))

    async def cost(request: Request) -> Response:
        query = request.query_params
        region = query.get("region", "us-east-1")
        account = own_account(request.scope, query.get("account")) or "123456789012"
        return await _answer(lambda: control.monthly_cost(account, region))

    async def what_if(request: Request) -> Response:
        query = request.query_params

        def run() -> dict[str, Any]:
            volume = _number(query.get("volume_gb", "1024"), "volume_gb", float)
            azs = _number(query.get("azs", "2"), "azs", low=1, high=64)
            return control.what_if(
                query.get("region", "us-east-1"), volume, azs=azs, service=query.get("service", "s3")
            )

        return await _answer(run)

    async def topology(request: Request) -> Response:
        query = request.query_params
        wanted = (own_account(request.scope, query.get("account")), query.get("region"), query.get("vpc"))
        if not all(_plain(w) for w in wanted):
            return _error("InvalidParameterValue", "account, region and vpc must be printable ASCII.")
        try:  # in a worker thread: on a shared state the revision is a database query
            revision = await run_in_threadpool(lambda: control.store.revision)
        except ApiError as error:
            return _error(error.code, error.message, error.status)
        tag = f'"{revision}-{"/".join(w or "" for w in wanted)}"'
        if request.headers.get("if-none-match") == tag:
            return Response(status_code=304, headers={"ETag": tag})
        answer = await _answer(lambda: control.diagram(*wanted))
        answer.headers["ETag"] = tag
        answer.headers["Cache-Control"] = "no-cache"
        return answer

    async def revision(request: Request) -> Response:
        answer = await _answer(lambda: {"revision": control.store.revision})
        answer.headers["Cache-Control"] = "no-store"
        return answer

    async def openapi(request: Request) -> Response:
        return FileResponse(OPENAPI, media_type="application/json")

    return [
        Route("/_vpcsim/api/topology", topology, methods=["GET"]),
        Route("/_vpcsim/api/revision", revision, methods=["GET"]),
        Route("/_vpcsim/api/openapi.json", openapi, methods=["GET"]),
        Route("/_vpcsim/api/trace", trace, methods=["POST"]),
        Route("/_vpcsim/api/traffic", traffic, methods=["POST"]),
        Route("/_vpcsim/api/cost", cost, methods=["GET"]),
        Route("/_vpcsim/api/what-if", what_if, methods=["GET"]),
    ]


def traffic_answer(control: Control, body: dict[str, Any]) -> dict[str, Any]:
    """``POST /_vpcsim/api/traffic``: send ``flows`` flows of ``bytes`` each and write their flow-log records."""
    protocol = str(body.get("protocol") or "tcp").lower()
    if protocol not in ("tcp", "udp", "icmp"):
        raise ApiError("InvalidParameterValue", "'protocol' must be tcp, udp or icmp.")
    wanted = Traffic(
        body["source"],
        body["destination"],
        port=_number(body.get("port", 443), "port") if protocol != "icmp" else None,
        protocol=protocol,
        flows=_number(body.get("flows", 1), "flows"),
        bytes=_number(body.get("bytes", 1024), "bytes"),
        response_bytes=_number(body.get("response_bytes", 0), "response_bytes"),
    )
    found, written = control.send_traffic(wanted)
    return {"trace": trace_json(found), "flows": wanted.flows, "bytes": wanted.bytes, **written}
