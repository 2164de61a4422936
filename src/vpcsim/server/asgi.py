"""The ASGI application: the AWS API on ``/`` and the admin API under ``/_vpcsim/`` (server/admin.py)."""

from __future__ import annotations

from collections.abc import Callable

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from vpcsim.server.admin import admin_routes
from vpcsim.server.wire import WireApi, decode_params

_XML_HEADERS = {"Content-Type": "text/xml;charset=UTF-8", "Server": "vpcsim", "Cache-Control": "no-cache, no-store"}


def build_asgi(wire: WireApi, reset: Callable[[], None]) -> Starlette:
    async def aws(request: Request) -> Response:
        body = await request.body()
        params = decode_params(request.url.query, body)
        answer = wire.handle(request.headers, params)
        headers = {**_XML_HEADERS, "x-amzn-RequestId": answer.request_id}
        return Response(answer.body, status_code=answer.status, headers=headers)

    return Starlette(routes=[Route("/", aws, methods=["GET", "POST"]), *admin_routes(wire.control, reset)])
