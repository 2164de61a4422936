"""The JSON API behind the UI and scripts, under ``/_vpcsim/api/`` (docs/api.md; OpenAPI at
``/_vpcsim/api/openapi.json``): traces, costs and the what-if comparison. Bad input is a 400 JSON error."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from vpcsim.control import Control
from vpcsim.control.analysis import trace_json
from vpcsim.control.policy_judge import ApiRequest
from vpcsim.errors import ApiError


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

    return [
        Route("/_vpcsim/api/trace", trace, methods=["POST"]),
        Route("/_vpcsim/api/cost", cost, methods=["GET"]),
        Route("/_vpcsim/api/what-if", what_if, methods=["GET"]),
    ]
