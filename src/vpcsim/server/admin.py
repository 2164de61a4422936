"""The admin API under ``/_vpcsim/``: what AWS has no API for but vpcsim's users need (docs/admin-api.md).

- ``POST /_vpcsim/reset`` (and moto's ``POST /moto-api/reset``): clear all state.
- ``GET /_vpcsim/health``: up, with the state's revision.
- ``GET|POST /_vpcsim/principals``: map an access key to an IAM user or role ARN
  (``{"access_key_id": "AKIA...", "principal": "arn:aws:iam::111122223333:role/consumer"}``).
- ``POST /_vpcsim/dns/txt``: publish a TXT record (``{"name": "_abc.example.com", "value": "vpce:..."}``), the way a
  provider proves it owns its endpoint service's private DNS name.
- ``GET /_vpcsim/notifications[?account=ID]``: the endpoint connection notification events that fired.
- ``GET /_vpcsim/unsupported``: every modelled operation a client called that vpcsim answered
  ``UnsupportedOperation``, and every call to a service it does not serve (``UnknownService``), with how often
  (``{"unsupported": [{"service": "ec2", "operation": ..., "count": 2}]}``).
- ``POST /_vpcsim/import``: import an estate's JSON into the running server, as ``vpcsim import`` does into a file
  (``{"files": [{"name": "us-east-1/Vpcs.json", "content": {...}}], "account"?: ..., "region"?: ...}``; the answer is
  the import's summary; a bad file is 400 ``InvalidImport`` and changes nothing). Under ``--credentials``, admins only.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from vpcsim.errors import ApiError
from vpcsim.protocol.limits import bounded_json
from vpcsim.server.bodies import MAX_API_BODY, read_body
from vpcsim.server.callers import is_admin, own_account
from vpcsim.server.edge import Edge


def _error(code: str, message: str, status: int = 400) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message}}, status_code=status)


async def _body(request: Request, *fields: str) -> dict[str, str] | JSONResponse:
    try:
        body = bounded_json(await read_body(request, MAX_API_BODY) or b"{}")
    except ApiError as error:
        return _error(error.code, error.message, error.status)
    except (ValueError, UnicodeDecodeError):
        return _error("InvalidJson", "The body must be a JSON object.")
    if not isinstance(body, dict) or any(not isinstance(body.get(f), str) for f in fields):
        return _error("MissingParameter", f"The body must be a JSON object with string members {', '.join(fields)}.")
    return body


async def _guarded(action: Callable[[], Any], answer: Callable[[Any], dict[str, Any]] | None = None) -> Response:
    """Run ``action`` in a worker thread (on a shared state it waits for the database and for the store's lock, which
    must not hold up the event loop) and answer ``answer(result)``, or the error (a lost PostgreSQL state: 503)."""
    try:
        result = await run_in_threadpool(action)
    except ApiError as error:
        return _error(error.code, error.message, error.status)
    return JSONResponse({"status": "ok"} if answer is None else answer(result))


# The import behind POST /_vpcsim/import: the JSON body -> the summary; ApiError("InvalidImport") for bad input.
# app.py passes vpcsim.importer's, which this layer cannot import itself (server and importer are siblings).
Importer = Callable[[Any], dict[str, Any]]


def admin_routes(
    edge: Edge, reset: Callable[[], None], importer: Importer | None = None, max_body: int = MAX_API_BODY
) -> list[Route]:
    control = edge.control

    async def do_reset(request: Request) -> Response:
        if not is_admin(request.scope):
            return _error("AccessDenied", "Only a caller marked admin in the --credentials file may reset.", 403)
        return await _guarded(reset, lambda _: {"status": "ok", "message": "all state cleared"})

    async def health(request: Request) -> Response:
        return await _guarded(lambda: control.store.revision, lambda revision: {"status": "ok", "revision": revision})

    async def principals(request: Request) -> Response:
        if not is_admin(request.scope):
            return _error("AccessDenied", "Only a caller marked admin in the --credentials file maps keys.", 403)
        body = await _body(request, "access_key_id", "principal")
        if isinstance(body, JSONResponse):
            return body
        return await _guarded(lambda: control.map_principal(body["access_key_id"], body["principal"]))

    async def txt(request: Request) -> Response:
        body = await _body(request, "name", "value")
        if isinstance(body, JSONResponse):
            return body
        return await _guarded(lambda: control.publish_txt(body["name"], body["value"]))

    async def notifications(request: Request) -> Response:
        account = own_account(request.scope, request.query_params.get("account"))
        return await _guarded(lambda: control.notification_events(account), lambda events: {"events": events})

    async def unsupported(request: Request) -> Response:
        rows = [{"service": s, "operation": o, "count": n} for (s, o), n in sorted(edge.unsupported.items())]
        return JSONResponse({"unsupported": rows})

    async def do_import(request: Request) -> Response:
        if not is_admin(request.scope):
            return _error("AccessDenied", "Only a caller marked admin in the --credentials file may import.", 403)
        if importer is None:
            return _error("UnsupportedOperation", "This server was built without an importer.", 501)
        try:
            body = bounded_json(await read_body(request, max_body) or b"{}")
            return JSONResponse(await run_in_threadpool(importer, body))
        except ApiError as error:
            return _error(error.code, error.message, error.status)
        except (ValueError, UnicodeDecodeError):
            return _error("InvalidJson", "The body must be a JSON object.")

    return [
        Route("/_vpcsim/reset", do_reset, methods=["POST"]),
        Route("/_vpcsim/import", do_import, methods=["POST"]),
        Route("/_vpcsim/unsupported", unsupported, methods=["GET"]),
        Route("/moto-api/reset", do_reset, methods=["POST"]),
        Route("/_vpcsim/health", health, methods=["GET"]),
        Route("/_vpcsim/principals", principals, methods=["POST"]),
        Route("/_vpcsim/dns/txt", txt, methods=["POST"]),
        Route("/_vpcsim/notifications", notifications, methods=["GET"]),
    ]
