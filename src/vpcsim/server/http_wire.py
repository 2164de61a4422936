"""Every AWS request on the one port, by protocol: the SigV4 scope picks the service and so the protocol.

- ``s3`` (rest-xml): the operation comes from the HTTP method and path (``protocol.RestXmlRouter``); the bucket is
  the first path segment (path style) or, for ``<bucket>.localhost`` hosts, the host's first labels (virtual-host
  style, rewritten to path style here).
- ``dynamodb`` (JSON): ``POST /`` with ``X-Amz-Target: DynamoDB_20120810.<Operation>``.
- anything else, and unsigned requests, stay on the Query/EC2 wire (``WireApi.handle``) on ``/``.

Errors are translated here, at the boundary, in each protocol's form; an ``ApiError`` may carry ``fields`` (e.g.
S3's ``BucketName``) that the protocol writes into its error document. Anything else is logged and answered as a 500
``InternalError`` naming the request id.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any
from urllib.parse import parse_qs, parse_qsl

from vpcsim.errors import ApiError, InternalError, Unsupported
from vpcsim.protocol import (
    CredentialScope,
    JsonRequestParser,
    JsonResponseSerializer,
    RestRequest,
    RestXmlRequestParser,
    RestXmlResponseSerializer,
    RestXmlRouter,
    Service,
    credential_scope,
    load_service,
    operation_for_target,
    service_for_scope,
    service_namespace,
)
from vpcsim.server.wire import WireApi, WireResponse, decode_params

log = logging.getLogger("vpcsim")
_REST_PARSER = RestXmlRequestParser()
_REST_SERIALIZER = RestXmlResponseSerializer()
_JSON_PARSER = JsonRequestParser()
_JSON_SERIALIZER = JsonResponseSerializer()
_VIRTUAL_HOST_SUFFIX = ".localhost"
_QUERY_METHODS = ("GET", "POST", "HEAD")


@dataclass(frozen=True, slots=True)
class HttpRequest:
    method: str
    path: str  # raw (still percent-encoded) path
    query: str
    headers: Mapping[str, str]  # names lower-cased
    body: bytes = b""


@cache
def _router(scope: str) -> RestXmlRouter:
    return RestXmlRouter(load_service(scope).model)


@cache
def _namespace(scope: str) -> str:
    return service_namespace(load_service(scope).model)


class HttpWire:
    """Dispatches any HTTP request to its protocol; the Query/EC2 wire is ``WireApi`` itself."""

    def __init__(self, wire: WireApi) -> None:
        self.wire = wire

    def handle(self, request: HttpRequest) -> WireResponse:
        params = dict(parse_qsl(request.query, keep_blank_values=True))
        scope = credential_scope(request.headers, params)
        service = service_for_scope(scope.service, None) if scope.service else None
        if service is not None and service.protocol == "rest-xml":
            return self._timed(service, request, lambda rid: self._rest(service, request, scope, rid))
        if service is not None and service.protocol == "json":
            return self._timed(service, request, lambda rid: self._json(service, request, scope, rid))
        if request.path != "/" or request.method not in _QUERY_METHODS:
            return WireResponse(404, b"Not Found", "", {"Content-Type": "text/plain"})
        return self.wire.handle(request.headers, decode_params(request.query, request.body))

    def _timed(self, service: Service, request: HttpRequest, run: Callable[[str], WireResponse]) -> WireResponse:
        request_id = str(uuid.uuid4())
        started = time.perf_counter()
        try:
            answer = run(request_id)
        except ApiError as error:
            answer = self._error(service, error, request_id, request.method)
        except Exception:
            log.exception("internal error on request %s (%s %s)", request_id, request.method, request.path)
            answer = self._error(service, InternalError(request_id), request_id, request.method)
        elapsed = (time.perf_counter() - started) * 1000
        log.info("%s %s %s %d %.1fms", service.scope, request.method, request.path, answer.status, elapsed)
        return answer

    def _require(self, service: Service, operation: str) -> None:
        """A modelled but unimplemented operation is refused before its input is read, as on the Query wire."""
        if not self.wire.control.implements(service.scope, operation):
            raise Unsupported(
                "UnsupportedOperation",
                f"vpcsim does not implement the {service.scope} operation {operation} yet; the call changed nothing.",
            )

    def _call(
        self, service: Service, operation: str, params: dict[str, Any], scope: CredentialScope, request_id: str
    ) -> dict[str, Any]:
        account, principal = self.wire.identity.resolve(self.wire.control, scope.access_key_id)
        return self.wire.control.handle(
            service.scope,
            operation,
            params,
            account=account,
            region=scope.region or "us-east-1",
            request_id=request_id,
            principal=principal,
        )

    # -- rest-xml ------------------------------------------------------------------------------------------
    def _rest(self, service: Service, request: HttpRequest, scope: CredentialScope, rid: str) -> WireResponse:
        query = parse_qs(request.query, keep_blank_values=True)
        found = _router(service.scope).route(request.method, _path_style(request), query, request.headers)
        if found is None:
            raise ApiError("MethodNotAllowed", "The specified method is not allowed against this resource.", status=405)
        operation, labels = found
        self._require(service, operation.name)
        parsed = _REST_PARSER.parse(operation, RestRequest(labels, query, request.headers, request.body))
        result = self._call(service, operation.name, parsed, scope, rid)
        answer = _REST_SERIALIZER.answer(operation, result, _namespace(service.scope))
        headers = {"Content-Type": "application/xml", "x-amz-request-id": rid, **answer.headers}
        return WireResponse(answer.status, answer.body, rid, headers)

    # -- JSON ----------------------------------------------------------------------------------------------
    def _json(self, service: Service, request: HttpRequest, scope: CredentialScope, rid: str) -> WireResponse:
        target = request.headers.get("x-amz-target", "")
        operation = operation_for_target(service.model, target)
        if operation is None:
            raise ApiError(
                "UnknownOperationException", f"The X-Amz-Target '{target}' names no operation of this service."
            )
        self._require(service, operation.name)
        parsed = _JSON_PARSER.parse(operation, request.body)
        result = self._call(service, operation.name, parsed, scope, rid)
        return WireResponse(200, _JSON_SERIALIZER.serialize(operation, result), rid, _json_headers(service))

    def _error(self, service: Service, error: ApiError, request_id: str, method: str) -> WireResponse:
        if service.protocol == "json":
            body = _JSON_SERIALIZER.serialize_error(service.model, error.code, error.message)
            return WireResponse(error.status, body, request_id, _json_headers(service))
        fields: Mapping[str, str] = getattr(error, "fields", {})
        body = b"" if method == "HEAD" else _REST_SERIALIZER.error_body(error.code, error.message, request_id, fields)
        return WireResponse(
            error.status, body, request_id, {"Content-Type": "application/xml", "x-amz-request-id": request_id}
        )


def _json_headers(service: Service) -> dict[str, str]:
    version = str(service.model.metadata.get("jsonVersion", "1.0"))
    return {"Content-Type": f"application/x-amz-json-{version}"}


def _path_style(request: HttpRequest) -> str:
    """The request's path with a virtual-host bucket (``bucket.localhost:4566``) moved into it."""
    host = request.headers.get("host", "").rsplit(":", 1)[0]
    if host.endswith(_VIRTUAL_HOST_SUFFIX) and len(host) > len(_VIRTUAL_HOST_SUFFIX):
        bucket = host[: -len(_VIRTUAL_HOST_SUFFIX)]
        return f"/{bucket}{request.path}" if request.path != "/" else f"/{bucket}"
    return request.path


__all__ = ["HttpRequest", "HttpWire"]
