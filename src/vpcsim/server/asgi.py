"""The ASGI application: the AWS API on ``/`` (and S3's bucket paths), the admin and JSON APIs under ``/_vpcsim/``
and the web UI (``/`` for a browser, its files under ``/ui/``).

``GET /`` serves both a browser and AWS clients (S3's ListBuckets, EC2 Query GETs): a request with no signature (no
``Authorization`` header, no presigned ``X-Amz-Credential``), no ``Action`` and not addressed to a virtual-hosted
bucket (``<bucket>.localhost``) is a person, and gets the UI.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from vpcsim.server.admin import admin_routes
from vpcsim.server.api import api_routes
from vpcsim.server.edge import Edge, HttpRequest

_XML_HEADERS = {"Content-Type": "text/xml;charset=UTF-8", "Server": "vpcsim", "Cache-Control": "no-cache, no-store"}
UI_DIR = Path(__file__).resolve().parent.parent / "ui"
_AWS_MARKS = ("Action", "X-Amz-Credential")


def is_browser(request: Request) -> bool:
    """A GET on ``/`` that no AWS client would send: unsigned, no Action, not to a virtual-hosted bucket."""
    host = request.headers.get("host", "").split(":")[0]
    return (
        request.method == "GET"
        and "authorization" not in request.headers
        and not any(mark in request.query_params for mark in _AWS_MARKS)
        and not host.endswith(".localhost")
    )


def _ui_routes() -> list[Route | Mount]:
    return [Mount("/ui", app=StaticFiles(directory=UI_DIR), name="ui")]


def build_asgi(edge: Edge, reset: Callable[[], None]) -> Starlette:

    async def root(request: Request) -> Response:
        if is_browser(request):
            return FileResponse(UI_DIR / "index.html", headers={"Cache-Control": "no-cache"})
        return await aws(request)

    async def aws(request: Request) -> Response:
        raw_path = request.scope.get("raw_path") or request.url.path.encode()
        answer = edge.handle(
            HttpRequest(
                request.method, raw_path.decode("latin-1"), request.url.query, request.headers, await request.body()
            )
        )
        headers = {**_XML_HEADERS, **answer.headers, "x-amzn-RequestId": answer.request_id}
        return Response(answer.body, status_code=answer.status, headers=headers)

    # The AWS wire on "/" (Query/EC2, DynamoDB, S3's ListBuckets) and, after the admin API, on every other path
    # (S3 path-style buckets), dispatched by the request's SigV4 scope (server/edge.py).
    return Starlette(
        routes=[
            Route("/", root, methods=["GET", "POST"]),
            *admin_routes(edge, reset),
            *api_routes(edge.control),
            *_ui_routes(),
            Route("/{path:path}", aws, methods=["GET", "PUT", "POST", "DELETE", "HEAD"]),
        ]
    )
