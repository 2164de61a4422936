"""The JSON API behind the UI and scripts, under ``/_vpcsim/api/`` (docs/api.md; OpenAPI at
``/_vpcsim/api/openapi.json``): the topology as a diagram, the state's revision, traces, costs and the what-if
comparison. Bad input is a 400 JSON error.

The UI polls ``GET /_vpcsim/api/revision`` and reloads the topology when it changes; the topology answers with an
``ETag`` naming the revision (and the filter), so a conditional GET with ``If-None-Match`` costs a 304."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Route

from vpcsim.control import Control
from vpcsim.control.analysis.policy_judge import ApiRequest
from vpcsim.control.analysis.run import trace_json
from vpcsim.errors import ApiError

OPENAPI = Path(__file__).resolve().parent / "openapi.json"


def _error(code: str, message: str, status: int = 400) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message}}, status_code=status)


def _answer(produce: Callable[[], Any]) -> Response:
    try:
        return JSONResponse(produce())
    except ApiError as error:
        return _error(error.code, error.message, error.status)


def _number(value: Any, name: str, kind: type = int) -> Any:
    try:
        return kind(value)
    except (TypeError, ValueError):
        raise ApiError("InvalidParameterValue", f"'{name}' must be a number, not {value!r}.") from None


def api_routes(control: Control) -> list[Route]:
    async def trace(request: Request) -> Response:
        try:
            body = json.loads(await request.body() or b"{}")
        except ValueError:
            return _error("InvalidJson", "The body must be a JSON object.")
        if (
            not isinstance(body, dict)
            or not isinstance(body.get("source"), str)
            or not isinstance(body.get("destination"), str)
        ):
            return _error("MissingParameter", "The body needs string members 'source' and 'destination'.")

        def run() -> dict[str, Any]:
            port = None if body.get("port") is None else _number(body["port"], "port")
            protocol = str(body.get("protocol") or "tcp").lower()
            if protocol not in ("tcp", "udp", "icmp"):
                raise ApiError("InvalidParameterValue", "'protocol' must be tcp, udp or icmp.")
            request = None
            if body.get("action"):
                request = ApiRequest(
                    str(body["action"]), str(body.get("resource") or "*"), str(body.get("principal") or "")
                )
            found = control.trace(body["source"], body["destination"], port=port, protocol=protocol, request=request)
            return trace_json(found)

        return _answer(run)

    async def cost(request: Request) -> Response:
        query = request.query_params
        region = query.get("region", "us-east-1")
        return _answer(lambda: control.monthly_cost(query.get("account", "123456789012"), region))

    async def what_if(request: Request) -> Response:
        query = request.query_params

        def run() -> dict[str, Any]:
            volume = _number(query.get("volume_gb", "1024"), "volume_gb", float)
            azs = _number(query.get("azs", "2"), "azs")
            return control.what_if(
                query.get("region", "us-east-1"), volume, azs=azs, service=query.get("service", "s3")
            )

        return _answer(run)

    async def topology(request: Request) -> Response:
        query = request.query_params
        wanted = (query.get("account"), query.get("region"), query.get("vpc"))
        tag = f'"{control.store.revision}-{"/".join(w or "" for w in wanted)}"'
        if request.headers.get("if-none-match") == tag:
            return Response(status_code=304, headers={"ETag": tag})
        answer = _answer(lambda: control.diagram(*wanted))
        answer.headers["ETag"] = tag
        answer.headers["Cache-Control"] = "no-cache"
        return answer

    async def revision(request: Request) -> Response:
        return JSONResponse({"revision": control.store.revision}, headers={"Cache-Control": "no-store"})

    async def openapi(request: Request) -> Response:
        return FileResponse(OPENAPI, media_type="application/json")

    return [
        Route("/_vpcsim/api/topology", topology, methods=["GET"]),
        Route("/_vpcsim/api/revision", revision, methods=["GET"]),
        Route("/_vpcsim/api/openapi.json", openapi, methods=["GET"]),
        Route("/_vpcsim/api/trace", trace, methods=["POST"]),
        Route("/_vpcsim/api/cost", cost, methods=["GET"]),
        Route("/_vpcsim/api/what-if", what_if, methods=["GET"]),
    ]
