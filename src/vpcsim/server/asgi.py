"""The ASGI application: the AWS API on ``/`` (and S3's bucket paths) and the admin API under ``/_vpcsim/``."""

from __future__ import annotations

from collections.abc import Callable

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from vpcsim.server.admin import admin_routes
from vpcsim.server.api import api_routes
from vpcsim.server.http_wire import HttpRequest, HttpWire
from vpcsim.server.wire import WireApi

_XML_HEADERS = {"Content-Type": "text/xml;charset=UTF-8", "Server": "vpcsim", "Cache-Control": "no-cache, no-store"}


def build_asgi(wire: WireApi, reset: Callable[[], None]) -> Starlette:
    http = HttpWire(wire)

    async def aws(request: Request) -> Response:
        raw_path = request.scope.get("raw_path") or request.url.path.encode()
        answer = http.handle(
            HttpRequest(
                request.method, raw_path.decode("latin-1"), request.url.query, request.headers, await request.body()
            )
        )
        headers = {**_XML_HEADERS, **answer.headers, "x-amzn-RequestId": answer.request_id}
        return Response(answer.body, status_code=answer.status, headers=headers)

    # The AWS wire on "/" (Query/EC2, DynamoDB, S3's ListBuckets) and, after the admin API, on every other path
    # (S3 path-style buckets), dispatched by the request's SigV4 scope (server/http_wire.py).
    return Starlette(
        routes=[
            Route("/", aws, methods=["GET", "POST"]),
            *admin_routes(wire.control, reset),
            *api_routes(wire.control),
            Route("/{path:path}", aws, methods=["GET", "PUT", "POST", "DELETE", "HEAD"]),
        ]
    )
