"""The ASGI application: the AWS API on ``/``, admin endpoints under ``/_vpcsim/`` (and moto's reset path)."""

from __future__ import annotations

from collections.abc import Callable

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from vpcsim.server.wire import WireApi, decode_params

_XML_HEADERS = {"Content-Type": "text/xml;charset=UTF-8", "Server": "vpcsim", "Cache-Control": "no-cache, no-store"}


def build_asgi(wire: WireApi, reset: Callable[[], None]) -> Starlette:
    async def aws(request: Request) -> Response:
        body = await request.body()
        params = decode_params(request.url.query, body)
        answer = wire.handle(request.headers, params)
        headers = {**_XML_HEADERS, "x-amzn-RequestId": answer.request_id}
        return Response(answer.body, status_code=answer.status, headers=headers)

    async def do_reset(request: Request) -> Response:
        reset()
        return JSONResponse({"status": "ok", "message": "all state cleared"})

    async def health(request: Request) -> Response:
        return JSONResponse({"status": "ok", "revision": wire.control.store.revision})

    routes = [
        Route("/", aws, methods=["GET", "POST"]),
        Route("/_vpcsim/reset", do_reset, methods=["POST"]),
        Route("/moto-api/reset", do_reset, methods=["POST"]),
        Route("/_vpcsim/health", health, methods=["GET"]),
    ]
    return Starlette(routes=routes)
