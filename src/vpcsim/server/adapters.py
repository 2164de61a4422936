"""What differs between AWS's wire protocols, and nothing else: how a request names its operation, how its
parameters are read, how answers and errors are written. One adapter per protocol, chosen by the service's botocore
model; ``server/edge.py`` does everything they share (request ids, identity, logging, error translation).

- ``ec2`` / ``query``: ``Action`` in the form body or query string on ``/``; EC2's or plain Query's XML.
- ``rest-xml`` (S3): the operation comes from the HTTP method and path (``protocol.RestXmlRouter``); a bucket in a
  ``<bucket>.localhost`` host is moved into the path (virtual-host style to path style).
- ``json`` (DynamoDB, Service Quotas, CloudWatch Logs, KMS): ``POST /`` with ``X-Amz-Target: <prefix>.<Operation>``;
  the content type carries the model's JSON version (1.0, 1.1).
- A service vpcsim does not serve is refused ``UnknownService`` (HTTP 400, named choice: AWS has no such answer,
  since every endpoint serves its one service) in the caller's own protocol, so any client reads the code: the
  protocol of botocore's model when the signing name is a model's name, else the one the request shows
  (``X-Amz-Target``: JSON; ``smithy-protocol: rpc-v2-cbor``: CBOR; an ``Action`` parameter: Query; else REST-JSON,
  the protocol of most of AWS's REST services).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Protocol
from urllib.parse import parse_qs, parse_qsl

from botocore.model import OperationModel

from vpcsim.errors import ApiError, InvalidParameter
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
from vpcsim.protocol.aws_json import error_type
from vpcsim.protocol.cbor import text_map
from vpcsim.protocol.limits import MAX_PARAMETERS
from vpcsim.protocol.services import unserved_service

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
    """A Query request's parameters: the query string, then the form body (the body wins); at most
    ``MAX_PARAMETERS`` of them (``protocol/limits.py``)."""
    try:
        params = dict(parse_qsl(query, keep_blank_values=True, max_num_fields=MAX_PARAMETERS))
        if body:
            text = body.decode("utf-8", errors="replace")
            params.update(parse_qsl(text, keep_blank_values=True, max_num_fields=MAX_PARAMETERS))
    except ValueError:
        raise InvalidParameter(
            "InvalidParameterValue", f"The request has more than {MAX_PARAMETERS} parameters."
        ) from None
    return params


# -- Query and EC2 ------------------------------------------------------------------------------------------------
_QUERY_PARSERS = {"ec2": Ec2RequestParser(), "query": QueryRequestParser()}
# Query services that check the model's constraints and answer ``ValidationError`` (IAM's "1 validation error
# detected: Value ... at 'roleName' failed to satisfy constraint ..." [IAM API Reference, Common Errors]).
_CHECKED_PARSERS = {"iam": QueryRequestParser(check_constraints=True)}
_QUERY_SERIALIZERS = {"ec2": Ec2ResponseSerializer(), "query": QueryResponseSerializer()}


@dataclass(frozen=True)
class QueryAdapter:
    service: Service | None
    signed: str | None  # the service the signature names, for the error when vpcsim does not serve it

    def find(self, request: HttpRequest) -> Found:
        params = decode_params(request.query, request.body)
        assert self.service is not None  # a signed service vpcsim does not serve has an UnservedAdapter
        action = params.get("Action", "")
        if not action:
            raise ApiError("MissingAction", "The request must contain the parameter Action.")
        operation = self.service.find_operation(action)
        if operation is None:
            raise ApiError("InvalidAction", f"The action {action} is not valid for this web service.")
        return Found(operation, params)

    def parse(self, found: Found, request: HttpRequest) -> dict[str, Any]:
        assert self.service is not None
        parser = _CHECKED_PARSERS.get(self.service.scope) or _QUERY_PARSERS[self.service.protocol]
        return parser.parse(found.operation, found.raw)

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
        if self.service.scope == "s3":  # S3 alone answers a bare <Error> document [S3 API "Error responses"]
            body = _REST_SERIALIZER.error_body(error.code, error.message, request_id, fields)
        else:
            namespace = _namespace(self.service.scope)
            body = _REST_SERIALIZER.wrapped_error_body(
                error.code, error.message, request_id, namespace, sender=error.status < 500
            )
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
# The code a JSON service answers a value its model refuses with, where it is not ``ValidationException``: CloudWatch
# Logs answers ``InvalidParameterException`` "1 validation error detected: Value '2' at 'retentionInDays' failed to
# satisfy constraint: Member must satisfy enum value set: [...]" (as users report it from PutRetentionPolicy).
_VALIDATION_CODES = {"logs": "InvalidParameterException"}


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
        try:
            return _JSON_PARSER.parse(found.operation, found.raw)
        except InvalidParameter as error:
            code = _VALIDATION_CODES.get(self.service.scope)
            if code is None or error.code != "ValidationException":
                raise
            raise InvalidParameter(code, error.message) from None

    def answer(self, found: Found, result: dict[str, Any], request_id: str) -> WireResponse:
        return WireResponse(200, _JSON_SERIALIZER.serialize(found.operation, result), request_id, self._headers())

    def error(self, error: ApiError, request_id: str, request: HttpRequest) -> WireResponse:
        body = _JSON_SERIALIZER.serialize_error(self.service.model, error.code, error.message)
        return WireResponse(error.status, body, request_id, self._headers())

    def _headers(self) -> dict[str, str]:
        version = str(self.service.model.metadata.get("jsonVersion", "1.0"))
        return {"Content-Type": f"application/x-amz-json-{version}"}


# -- services vpcsim does not serve ---------------------------------------------------------------------------------
class UnknownService(ApiError):
    """A call to a service vpcsim does not serve; ``operation`` as the request names it, or ``-``."""

    def __init__(self, scope: str, operation: str) -> None:
        named = f" ({operation})" if operation != "-" else ""
        super().__init__(
            "UnknownService", f"vpcsim does not serve the AWS service '{scope}'{named}; the call changed nothing."
        )
        self.scope = scope
        self.operation = operation


@dataclass(frozen=True)
class UnservedAdapter:
    """Refuses every request to a service vpcsim does not serve, in that service's protocol."""

    scope: str
    service: Service | None = None  # always None: vpcsim serves no operation of it

    def find(self, request: HttpRequest) -> Found:
        raise UnknownService(self.scope, _operation_named(request))

    def parse(self, found: Found, request: HttpRequest) -> dict[str, Any]:
        raise AssertionError("an unserved service's request is never parsed")

    def answer(self, found: Found, result: dict[str, Any], request_id: str) -> WireResponse:
        raise AssertionError("an unserved service never answers")

    def error(self, error: ApiError, request_id: str, request: HttpRequest) -> WireResponse:
        model = unserved_service(self.scope)
        protocol = model.protocol if model is not None else _protocol_shown(request)
        writer = _UNSERVED_ERRORS.get(protocol, _rest_json_error)
        status, body, headers = writer(model, error, request_id)
        return WireResponse(status, b"" if request.method == "HEAD" else body, request_id, headers)


def _operation_named(request: HttpRequest) -> str:
    target = request.headers.get("x-amz-target", "")
    if target:
        return target.rpartition(".")[2] or "-"
    try:
        return decode_params(request.query, request.body).get("Action") or "-"
    except ApiError:
        return "-"


def _protocol_shown(request: HttpRequest) -> str:
    if "x-amz-target" in request.headers:
        return "json"
    if request.headers.get("smithy-protocol") == "rpc-v2-cbor":
        return "smithy-rpc-v2-cbor"
    return "query" if _operation_named(request) != "-" else "rest-json"


ErrorParts = tuple[int, bytes, dict[str, str]]


def _query_error(model: Service | None, error: ApiError, rid: str) -> ErrorParts:
    namespace = str(model.model.metadata.get("xmlNamespace", "")) if model else ""
    body = _QUERY_SERIALIZERS["query"].serialize_error(namespace, error.code, error.message, rid)
    return error.status, body, {"Content-Type": "text/xml"}


def _ec2_error(model: Service | None, error: ApiError, rid: str) -> ErrorParts:
    body = _QUERY_SERIALIZERS["ec2"].serialize_error("", error.code, error.message, rid)
    return error.status, body, {"Content-Type": "text/xml"}


def _json_error(model: Service | None, error: ApiError, rid: str) -> ErrorParts:
    kind = error_type(model.model, error.code) if model else error.code
    version = str(model.model.metadata.get("jsonVersion", "1.1")) if model else "1.1"
    body = json.dumps({"__type": kind, "message": error.message}).encode()
    return error.status, body, {"Content-Type": f"application/x-amz-json-{version}"}


def _rest_json_error(model: Service | None, error: ApiError, rid: str) -> ErrorParts:
    body = json.dumps({"message": error.message}).encode()
    headers = {"Content-Type": "application/json", "x-amzn-ErrorType": error.code, "x-amzn-RequestId": rid}
    return error.status, body, headers


def _rest_xml_error(model: Service | None, error: ApiError, rid: str) -> ErrorParts:
    body = _REST_SERIALIZER.wrapped_error_body(error.code, error.message, rid, "", sender=error.status < 500)
    return error.status, body, {"Content-Type": "application/xml", "x-amz-request-id": rid}


def _cbor_error(model: Service | None, error: ApiError, rid: str) -> ErrorParts:
    body = text_map({"__type": error.code, "message": error.message})
    return error.status, body, {"Content-Type": "application/cbor", "smithy-protocol": "rpc-v2-cbor"}


_UNSERVED_ERRORS = {
    "query": _query_error,
    "ec2": _ec2_error,
    "json": _json_error,
    "rest-json": _rest_json_error,
    "rest-xml": _rest_xml_error,
    "smithy-rpc-v2-cbor": _cbor_error,
}


def adapter_for(signed: str | None, request: HttpRequest) -> Adapter | None:
    """The adapter for the service the signature names (or, unsigned, the Query service ``Version`` names); None for
    a request that is no AWS call (a path other than ``/`` with nothing signed)."""
    service = service_for_scope(signed, None) if signed else None
    if signed and service is None:
        return UnservedAdapter(signed)
    if service is not None and service.protocol == "rest-xml":
        return RestXmlAdapter(service)
    if service is not None and service.protocol == "json":
        return JsonAdapter(service)
    if request.path != "/" or request.method not in _QUERY_METHODS:
        return None
    if not signed:
        try:
            version = decode_params(request.query, request.body).get("Version")
        except ApiError:
            version = None  # the adapter's find() refuses the request in its own format
        service = service_for_scope(None, version)
    return QueryAdapter(service, signed)
