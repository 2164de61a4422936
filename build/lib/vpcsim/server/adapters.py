"""What differs between AWS's wire protocols, and nothing else: how a request names its operation, how its
parameters are read, how answers and errors are written. One adapter per protocol, chosen by the service's botocore
model; ``server/edge.py`` does everything they share (request ids, identity, logging, error translation).

- ``ec2`` / ``query``: ``Action`` in the form body or query string on ``/``; EC2's or plain Query's XML.
- ``rest-xml`` (S3): the operation comes from the HTTP method and path (``protocol.RestXmlRouter``); a bucket in a
  ``<bucket>.localhost`` host is moved into the path (virtual-host style to path style).
- ``json`` (DynamoDB): ``POST /`` with ``X-Amz-Target: <prefix>.<Operation>``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Protocol
from urllib.parse import parse_qs, parse_qsl

from botocore.model import OperationModel

from vpcsim.errors import ApiError
from vpcsim.protocol import (
    Ec2RequestParser,
    Ec2ResponseSerializer,
    JsonRequestParser,
    JsonResponseSerializer,
    QueryRequestParser,
    QueryResponseSerializer,
    RestRequest,
    RestXmlRequestParser,
    RestXmlResponseSerializer,
    RestXmlRouter,
    Service,
    load_service,
    operation_for_target,
    service_for_scope,
    service_namespace,
)

_VIRTUAL_HOST_SUFFIX = ".localhost"
_QUERY_METHODS = ("GET", "POST", "HEAD")


@dataclass(frozen=True, slots=True)
class HttpRequest:
    method: str
    path: str  # raw (still percent-encoded) path
    query: str
    headers: Mapping[str, str]  # names lower-cased
    body: bytes = b""


@dataclass(frozen=True, slots=True)
class WireResponse:
    status: int
    body: bytes
    request_id: str
    headers: Mapping[str, str] = field(default_factory=dict)  # protocol headers (content type, S3's x-amz-*)


@dataclass(frozen=True, slots=True)
class Found:
    """The operation a request names, and what the adapter read on the way that it needs to parse it."""

    operation: OperationModel
    raw: Any


class Adapter(Protocol):
    @property
    def service(self) -> Service | None: ...

    def find(self, request: HttpRequest) -> Found:
        """The operation the request names, or the protocol's ApiError for an unknown one."""
        ...

    def parse(self, found: Found, request: HttpRequest) -> dict[str, Any]: ...

    def answer(self, found: Found, result: dict[str, Any], request_id: str) -> WireResponse: ...

    def error(self, error: ApiError, request_id: str, request: HttpRequest) -> WireResponse: ...


def decode_params(query: str, body: bytes) -> dict[str, str]:
    """A Query request's parameters: the query string, then the form body (the body wins)."""
    params = dict(parse_qsl(query, keep_blank_values=True))
    if body:
        params.update(parse_qsl(body.decode("utf-8", errors="replace"), keep_blank_values=True))
    return params


# -- Query and EC2 ------------------------------------------------------------------------------------------------
_QUERY_PARSERS = {"ec2": Ec2RequestParser(), "query": QueryRequestParser()}
_QUERY_SERIALIZERS = {"ec2": Ec2ResponseSerializer(), "query": QueryResponseSerializer()}


@dataclass(frozen=True)
class QueryAdapter:
    service: Service | None
    signed: str | None  # the service the signature names, for the error when vpcsim does not serve it

    def find(self, request: HttpRequest) -> Found:
        params = decode_params(request.query, request.body)
        if self.service is None:
            raise ApiError("UnknownService", f"vpcsim does not serve the AWS service '{self.signed}'.")
        action = params.get("Action", "")
        if not action:
            raise ApiError("MissingAction", "The request must contain the parameter Action.")
        operation = self.service.find_operation(action)
        if operation is None:
            raise ApiError("InvalidAction", f"The action {action} is not valid for this web service.")
        return Found(operation, params)

    def parse(self, found: Found, request: HttpRequest) -> dict[str, Any]:
        assert self.service is not None
        return _QUERY_PARSERS[self.service.protocol].parse(found.operation, found.raw)

    def answer(self, found: Found, result: dict[str, Any], request_id: str) -> WireResponse:
        assert self.service is not None
        body = _QUERY_SERIALIZERS[self.service.protocol].serialize(found.operation, result, request_id)
        return WireResponse(200, body, request_id)

    def error(self, error: ApiError, request_id: str, request: HttpRequest) -> WireResponse:
        protocol = self.service.protocol if self.service else "ec2"
        namespace = str(self.service.model.metadata.get("xmlNamespace", "")) if self.service else ""
        body = _QUERY_SERIALIZERS[protocol].serialize_error(namespace, error.code, error.message, request_id)
        return WireResponse(error.status, body, request_id)


# -- rest-xml (S3) ------------------------------------------------------------------------------------------------
_REST_PARSER = RestXmlRequestParser()
_REST_SERIALIZER = RestXmlResponseSerializer()


@cache
def _router(scope: str) -> RestXmlRouter:
    return RestXmlRouter(load_service(scope).model)


@cache
def _namespace(scope: str) -> str:
    return service_namespace(load_service(scope).model)


@dataclass(frozen=True)
class RestXmlAdapter:
    service: Service

    def find(self, request: HttpRequest) -> Found:
        query = parse_qs(request.query, keep_blank_values=True)
        found = _router(self.service.scope).route(request.method, _path_style(request), query, request.headers)
        if found is None:
            raise ApiError("MethodNotAllowed", "The specified method is not allowed against this resource.")
        operation, labels = found
        return Found(operation, RestRequest(labels, query, request.headers, request.body))

    def parse(self, found: Found, request: HttpRequest) -> dict[str, Any]:
        return _REST_PARSER.parse(found.operation, found.raw)

    def answer(self, found: Found, result: dict[str, Any], request_id: str) -> WireResponse:
        answer = _REST_SERIALIZER.answer(found.operation, result, _namespace(self.service.scope))
        headers = {"Content-Type": "application/xml", "x-amz-request-id": request_id, **answer.headers}
        return WireResponse(answer.status, answer.body, request_id, headers)

    def error(self, error: ApiError, request_id: str, request: HttpRequest) -> WireResponse:
        fields: Mapping[str, str] = getattr(error, "fields", {})
        body = _REST_SERIALIZER.error_body(error.code, error.message, request_id, fields)
        body = b"" if request.method == "HEAD" else body  # a HEAD answer has no body, errors included
        headers = {"Content-Type": "application/xml", "x-amz-request-id": request_id}
        return WireResponse(error.status, body, request_id, headers)


def _path_style(request: HttpRequest) -> str:
    """The request's path with a virtual-host bucket (``bucket.localhost:4566``) moved into it."""
    host = request.headers.get("host", "").rsplit(":", 1)[0]
    if host.endswith(_VIRTUAL_HOST_SUFFIX) and len(host) > len(_VIRTUAL_HOST_SUFFIX):
        bucket = host[: -len(_VIRTUAL_HOST_SUFFIX)]
        return f"/{bucket}{request.path}" if request.path != "/" else f"/{bucket}"
    return request.path


# -- JSON (DynamoDB) ----------------------------------------------------------------------------------------------
_JSON_PARSER = JsonRequestParser()
_JSON_SERIALIZER = JsonResponseSerializer()


@dataclass(frozen=True)
class JsonAdapter:
    service: Service

    def find(self, request: HttpRequest) -> Found:
        target = request.headers.get("x-amz-target", "")
        operation = operation_for_target(self.service.model, target)
        if operation is None:
            raise ApiError(
                "UnknownOperationException", f"The X-Amz-Target '{target}' names no operation of this service."
            )
        return Found(operation, request.body)

    def parse(self, found: Found, request: HttpRequest) -> dict[str, Any]:
        return _JSON_PARSER.parse(found.operation, found.raw)

    def answer(self, found: Found, result: dict[str, Any], request_id: str) -> WireResponse:
        return WireResponse(200, _JSON_SERIALIZER.serialize(found.operation, result), request_id, self._headers())

    def error(self, error: ApiError, request_id: str, request: HttpRequest) -> WireResponse:
        body = _JSON_SERIALIZER.serialize_error(self.service.model, error.code, error.message)
        return WireResponse(error.status, body, request_id, self._headers())

    def _headers(self) -> dict[str, str]:
        version = str(self.service.model.metadata.get("jsonVersion", "1.0"))
        return {"Content-Type": f"application/x-amz-json-{version}"}


def adapter_for(signed: str | None, request: HttpRequest) -> Adapter | None:
    """The adapter for the service the signature names (or, unsigned, the Query service ``Version`` names); None for
    a request that is no AWS call (a path other than ``/`` with no REST service signed)."""
    service = service_for_scope(signed, None) if signed else None
    if service is not None and service.protocol == "rest-xml":
        return RestXmlAdapter(service)
    if service is not None and service.protocol == "json":
        return JsonAdapter(service)
    if request.path != "/" or request.method not in _QUERY_METHODS:
        return None
    if not signed:
        service = service_for_scope(None, decode_params(request.query, request.body).get("Version"))
    return QueryAdapter(service, signed)
