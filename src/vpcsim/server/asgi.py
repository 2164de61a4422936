"""The ASGI application: the AWS API on ``/`` (and S3's bucket paths), the admin and JSON APIs under ``/_vpcsim/``
and the web UI (``/`` for a browser, its files under ``/ui/``).

``GET /`` serves both a browser and AWS clients (S3's ListBuckets, EC2 Query GETs): a request with no signature (no
``Authorization`` header, no presigned ``X-Amz-Credential``), no ``Action`` and not addressed to a virtual-hosted
bucket (``<bucket>.localhost``) is a person, and gets the UI.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

from vpcsim.server.admin import Importer, admin_routes
from vpcsim.server.api import api_routes
from vpcsim.server.bodies import DEFAULT_MAX_BODY, TooLarge, read_body
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


class _UiFiles(StaticFiles):
    """The UI's files (``ui/js/*.mjs`` are ES modules). Browsers run a module only when it is served with a JavaScript
    MIME type, which ``mimetypes`` takes from the platform (on Windows, the registry, which may say ``text/plain``):
    so it is set here. ``no-cache``: a browser revalidates each file (a 304 on an unchanged one), so a newer vpcsim
    never runs beside a module cached from an older one."""

    def file_response(
        self, full_path: str | os.PathLike[str], stat_result: os.stat_result, scope: Scope, status_code: int = 200
    ) -> Response:
        response = super().file_response(full_path, stat_result, scope, status_code)
        response.headers["Cache-Control"] = "no-cache"
        if response.status_code == 200 and str(full_path).endswith((".mjs", ".js")):
            response.headers["Content-Type"] = "text/javascript; charset=utf-8"
        return response


def _ui_routes() -> list[Route | Mount]:
    return [Mount("/ui", app=_UiFiles(directory=UI_DIR), name="ui")]


def build_asgi(
    edge: Edge, reset: Callable[[], None], *, max_body: int = DEFAULT_MAX_BODY, importer: Importer | None = None
) -> Starlette:
    """The app. The control plane's work runs in worker threads (the store's lock orders it), so the event loop stays
    free to answer other clients (``/_vpcsim/health`` included) while a large call runs."""

    async def root(request: Request) -> Response:
        if is_browser(request):
            return FileResponse(UI_DIR / "index.html", headers={"Cache-Control": "no-cache"})
        return await aws(request)

    async def aws(request: Request) -> Response:
        raw_path = request.scope.get("raw_path") or request.url.path.encode()
        wire = HttpRequest(request.method, raw_path.decode("latin-1"), request.url.query, request.headers)
        try:
            body = await read_body(request, max_body)
        except TooLarge as error:
            answer = edge.reject(wire, error)
        else:
            answer = await run_in_threadpool(edge.handle, replace(wire, body=body))
        headers = {**_XML_HEADERS, **answer.headers, "x-amzn-RequestId": answer.request_id}
        return Response(answer.body, status_code=answer.status, headers=headers)

    # The AWS wire on "/" (Query/EC2, DynamoDB, S3's ListBuckets) and, after the admin API, on every other path
    # (S3 path-style buckets), dispatched by the request's SigV4 scope (server/edge.py).
    return Starlette(
        routes=[
            Route("/", root, methods=["GET", "POST"]),
            *admin_routes(edge, reset, importer, max_body),
            *api_routes(edge.control),
            *_ui_routes(),
            Route("/{path:path}", aws, methods=["GET", "PUT", "POST", "DELETE", "HEAD"]),
        ]
    )
