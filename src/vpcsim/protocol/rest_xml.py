"""The rest-xml protocol (S3): route a request to its operation by HTTP method and URI, parse it, serialise answers.

Routing is compiled once per service from each operation's ``http`` trait (``PUT /{Bucket}?policy``): the method,
the path template (``{Label}`` takes one segment, ``{Label+}`` the rest) and the literal query keys the request must
carry. Among the operations that match, the one with the most literal query keys wins, so ``PUT /b?policy`` is
PutBucketPolicy and ``PUT /b`` CreateBucket; an operation needs its required query members and headers too, and
the one needing more of them wins (``PUT /b/k?partNumber=1&uploadId=u`` is UploadPart, not PutObject); where a
deprecated operation shares its URI with its successor (PutBucketLifecycle) the successor wins. A path with a
trailing slash is retried without it.

Parsing walks the input shape by each member's ``location``: ``uri`` labels, ``querystring``, ``header``,
``headers`` (a prefix map), and the body: the member named by the shape's ``payload`` key (raw text or bytes for a
string or blob, an XML document for a structure), else the body's XML members; members marked ``xmlAttribute``
(S3's ``xsi:type``) are attributes, read by their local name. Serialising mirrors it: header
members become headers, the ``payload`` member (or the remaining members) the body, the status is the operation's
``responseCode`` (200 by default). Problems are collected and raised once.

>>> from vpcsim.protocol.services import load_service
>>> router = RestXmlRouter(load_service("s3").model)
>>> op, labels = router.route("PUT", "/my-bucket", {"policy": [""]})
>>> op.name, labels
('PutBucketPolicy', {'Bucket': 'my-bucket'})
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from typing import Any
from urllib.parse import parse_qsl, unquote
from xml.etree import ElementTree
from xml.sax.saxutils import escape, quoteattr

from botocore.model import OperationModel, ServiceModel, Shape

from vpcsim.errors import InvalidParameter
from vpcsim.protocol.responses import ResponseSerializer

_PROLOG = '<?xml version="1.0" encoding="UTF-8"?>\n'
_LABEL = re.compile(r"^\{([^}+]+)(\+?)\}$")
# Output shapes whose document is their one member's element itself, which botocore's model cannot say: S3's
# GetBucketLocation answers ``<LocationConstraint>eu-west-2</LocationConstraint>`` (empty for us-east-1), read by
# botocore's handlers.parse_get_bucket_location and by the SDKs' own customizations.
_VALUE_ROOTS = frozenset({"GetBucketLocationOutput"})


@dataclass(frozen=True, slots=True)
class _Route:
    operation: OperationModel
    method: str
    segments: tuple[str, ...]
    query: tuple[tuple[str, str | None], ...]  # literal keys, with the value they must have if any
    required_query: tuple[str, ...] = ()  # required querystring members (UploadPart's partNumber, uploadId)
    required_headers: tuple[str, ...] = ()  # required header members, lower-cased (CopyObject's x-amz-copy-source)

    @property
    def rank(self) -> tuple[int, int, bool]:
        return len(self.query), len(self.required_query) + len(self.required_headers), not self.operation.deprecated

    def match(
        self, method: str, path: str, query: Mapping[str, list[str]], headers: Mapping[str, str]
    ) -> dict[str, str] | None:
        if method != self.method or not all(_has(query, key, value) for key, value in self.query):
            return None
        if not all(k in query for k in self.required_query) or not all(h in headers for h in self.required_headers):
            return None
        return _match_path(self.segments, path.lstrip("/").split("/"))


def _has(query: Mapping[str, list[str]], key: str, value: str | None) -> bool:
    return key in query and (value is None or value in query[key])


def _match_path(template: tuple[str, ...], given: list[str]) -> dict[str, str] | None:
    labels: dict[str, str] = {}
    for index, part in enumerate(template):
        label = _LABEL.match(part)
        if label and label.group(2):  # greedy: the rest of the path, at least one character
            rest = "/".join(given[index:])
            if not rest:
                return None
            labels[label.group(1)] = unquote(rest)
            return labels
        if index >= len(given) or (label is None and part != given[index]) or (label and not given[index]):
            return None
        if label:
            labels[label.group(1)] = unquote(given[index])
    return labels if len(given) == len(template) else None


def _route(operation: OperationModel) -> _Route:
    uri = str(operation.http.get("requestUri", "/"))
    path, _, query = uri.partition("?")
    literals = tuple((k, v or None) for k, v in parse_qsl(query, keep_blank_values=True))
    method = str(operation.http.get("method", "GET"))
    segments = tuple(path.lstrip("/").split("/"))
    return _Route(
        operation, method, segments, literals, _required(operation, "querystring"), _required_headers(operation)
    )


def _required(operation: OperationModel, location: str) -> tuple[str, ...]:
    shape = operation.input_shape
    if shape is None:
        return ()
    members = (shape.members[m] for m in shape.required_members)
    return tuple(str(m.serialization["name"]) for m in members if m.serialization.get("location") == location)


def _required_headers(operation: OperationModel) -> tuple[str, ...]:
    return tuple(name.lower() for name in _required(operation, "header"))


class RestXmlRouter:
    """Finds the operation a rest-xml request is for, from the service's model alone."""

    def __init__(self, model: ServiceModel) -> None:
        self.routes = tuple(_route(model.operation_model(name)) for name in model.operation_names)

    def route(
        self, method: str, path: str, query: Mapping[str, list[str]], headers: Mapping[str, str] | None = None
    ) -> tuple[OperationModel, dict[str, str]] | None:
        """The operation and its URI labels, or None when no operation has this method and URI. A trailing slash
        is optional both ways: botocore's Route 53 model ends ChangeResourceRecordSets' URI with one
        (``.../rrset/``), the AWS SDK for Go v2 (Terraform) sends it without, and AWS answers both."""
        found = self._best(method, path, query, headers or {})
        if found is None and len(path) > 1:
            other = path.rstrip("/") if path.endswith("/") else path + "/"
            found = self._best(method, other, query, headers or {})
        return found

    def _best(
        self, method: str, path: str, query: Mapping[str, list[str]], headers: Mapping[str, str]
    ) -> tuple[OperationModel, dict[str, str]] | None:
        routes = self.routes
        matches = [(r, labels) for r in routes if (labels := r.match(method, path, query, headers)) is not None]
        if not matches:
            return None
        route, labels = max(matches, key=lambda pair: pair[0].rank)
        return route.operation, labels


class _Problems(list[str]):
    def raise_if_any(self, code: str) -> None:
        if self:
            raise InvalidParameter(code, " ".join(self))


@dataclass(frozen=True, slots=True)
class RestRequest:
    """A rest request as the protocol sees it: labels from the router, every query value, headers, raw body."""

    labels: Mapping[str, str]
    query: Mapping[str, list[str]]
    headers: Mapping[str, str]  # names lower-cased
    body: bytes = b""


class RestXmlRequestParser:
    """Parses a routed rest-xml request into the operation's input; codes are S3's, the one rest-xml service
    vpcsim answers (``InvalidArgument``, ``MalformedXML``)."""

    invalid_code = "InvalidArgument"
    malformed_code = "MalformedXML"

    def parse(self, operation: OperationModel, request: RestRequest) -> dict[str, Any]:
        shape = operation.input_shape
        if shape is None:
            return {}
        problems = _Problems()
        result: dict[str, Any] = {}
        for member, member_shape in shape.members.items():
            value = self._located(member, member_shape, request, problems)
            if value is not None:
                result[member] = value
        result.update(self._body(shape, request.body, problems))
        for member in shape.required_members:
            if member not in result:
                problems.append(f"The request must contain the parameter {member}.")
        problems.raise_if_any(self.invalid_code)
        return result

    def _located(self, member: str, shape: Shape, request: RestRequest, problems: _Problems) -> Any:
        location = shape.serialization.get("location")
        name = str(shape.serialization.get("name", member))
        if location == "uri":
            return _convert(shape, request.labels[name], name, problems) if name in request.labels else None
        if location == "querystring":
            return self._query(shape, name, request.query, problems)
        if location == "header":
            raw = request.headers.get(name.lower())
            return None if raw is None else _header(shape, raw, name, problems)
        if location == "headers":
            prefix = name.lower()
            found = {k[len(prefix) :]: v for k, v in request.headers.items() if k.startswith(prefix)}
            return found or None
        return None

    @staticmethod
    def _query(shape: Shape, name: str, query: Mapping[str, list[str]], problems: _Problems) -> Any:
        if shape.type_name == "map":
            return {k: v[0] for k, v in query.items()} or None
        if name not in query:
            return None
        if shape.type_name == "list":
            return [_convert(shape.member, v, name, problems) for v in query[name]]
        return _convert(shape, query[name][0], name, problems)

    def _body(self, shape: Shape, body: bytes, problems: _Problems) -> dict[str, Any]:
        payload = shape.serialization.get("payload")
        if payload:
            member = shape.members[payload]
            if member.type_name in ("blob", "string"):
                return {payload: body if member.type_name == "blob" else body.decode("utf-8", "replace")}
            root = self._xml(body)
            return {} if root is None else {payload: _from_xml(member, root, payload, problems)}
        root = self._xml(body)
        if root is None:
            return {}
        bodied = {k: v for k, v in shape.members.items() if "location" not in v.serialization}
        return _xml_members(bodied, root, "", problems)

    def _xml(self, body: bytes) -> ElementTree.Element | None:
        if not body.strip():
            return None
        try:
            root = ElementTree.fromstring(body)
        except ElementTree.ParseError:
            raise InvalidParameter(
                self.malformed_code,
                "The XML you provided was not well-formed or did not validate against our published schema",
            ) from None
        for element in root.iter():
            element.tag = str(element.tag).rpartition("}")[2]
        return root


def _from_xml(shape: Shape, element: ElementTree.Element, path: str, problems: _Problems) -> Any:
    kind = shape.type_name
    if kind == "structure":
        return _xml_members(shape.members, element, path, problems)
    if kind == "list":
        entry = str(shape.member.serialization.get("name", "member"))
        return [_from_xml(shape.member, item, path, problems) for item in element.findall(entry)]
    if kind == "map":
        key_name = str(shape.key.serialization.get("name", "key"))
        value_name = str(shape.value.serialization.get("name", "value"))
        return {
            entry.findtext(key_name, ""): _from_xml(shape.value, _child(entry, value_name), path, problems)
            for entry in element.findall("entry")
        }
    return _convert(shape, element.text or "", path, problems)


def _child(element: ElementTree.Element, name: str) -> ElementTree.Element:
    found = element.find(name)
    return found if found is not None else ElementTree.Element(name)


def _xml_members(
    members: Mapping[str, Shape], element: ElementTree.Element, path: str, problems: _Problems
) -> dict[str, Any]:
    parsed: dict[str, Any] = {}
    for member, shape in members.items():
        name = str(shape.serialization.get("name", member))
        where = f"{path}.{name}" if path else name
        if shape.serialization.get("xmlAttribute"):  # xsi:type: the attribute's local name, whatever its prefix
            local = name.rpartition(":")[2]
            found = next((v for k, v in element.attrib.items() if k.rpartition("}")[2] == local), None)
            if found is not None:
                parsed[member] = _convert(shape, found, where, problems)
            continue
        if shape.type_name == "list" and shape.serialization.get("flattened"):
            items = element.findall(name)
            if items:
                parsed[member] = [_from_xml(shape.member, item, where, problems) for item in items]
            continue
        child = element.find(name)
        if child is not None:
            parsed[member] = _from_xml(shape, child, where, problems)
    return parsed


def _header(shape: Shape, raw: str, name: str, problems: _Problems) -> Any:
    if shape.type_name == "list":
        return [_convert(shape.member, part.strip(), name, problems) for part in raw.split(",")]
    if shape.type_name == "timestamp":
        try:
            return parsedate_to_datetime(raw)
        except (TypeError, ValueError):
            return _convert(shape, raw, name, problems)
    return _convert(shape, raw, name, problems)


def _convert(shape: Shape, raw: str, name: str, problems: _Problems) -> Any:
    kind = shape.type_name
    try:
        if kind in ("integer", "long"):
            return int(raw.strip())
        if kind in ("float", "double"):
            return float(raw)
        if kind == "boolean":
            if raw.strip().lower() not in ("true", "false"):
                raise ValueError("must be true or false")
            return raw.strip().lower() == "true"
        if kind == "timestamp":
            return _timestamp(raw)
        if kind == "blob":
            return base64.b64decode(raw, validate=True)
    except (ValueError, binascii.Error) as error:
        problems.append(f"Invalid value '{raw}' for {name}: {error}.")
        return None
    return raw


def _timestamp(raw: str) -> datetime:
    text = raw.strip()
    if re.fullmatch(r"\d+(\.\d+)?", text):
        return datetime.fromtimestamp(float(text), UTC)
    parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class RestResponse:
    status: int
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)


class RestXmlResponseSerializer(ResponseSerializer):
    """Writes a rest-xml answer: header members as headers, the payload (or the other members) as the body.

    The body's root element is the output shape's XML name if the model gives one, else ``<Operation>Result``
    (botocore's model drops S3's own root names such as ``ListAllMyBucketsResult``; clients ignore the root's name).
    """

    def serialize(self, operation: OperationModel, result: dict[str, Any], request_id: str) -> bytes:
        return self.answer(operation, result).body

    def answer(self, operation: OperationModel, result: Mapping[str, Any], namespace: str = "") -> RestResponse:
        shape = operation.output_shape
        status = int(operation.http.get("responseCode", 200))
        if shape is None:
            return RestResponse(status, b"")
        headers = _headers(shape, result)
        if shape.name in _VALUE_ROOTS:
            return RestResponse(status, self._value_root(shape, namespace, result), headers)
        payload = shape.serialization.get("payload")
        if payload:
            return RestResponse(status, self._payload(shape.members[payload], payload, result.get(payload)), headers)
        bodied = {k: v for k, v in shape.members.items() if "location" not in v.serialization}
        if not any(result.get(k) is not None for k in bodied):
            return RestResponse(status, b"", headers)
        root = str(shape.serialization.get("name", f"{operation.name}Result"))
        return RestResponse(status, self._document(root, namespace, bodied, result), headers)

    @staticmethod
    def _value_root(shape: Shape, namespace: str, result: Mapping[str, Any]) -> bytes:
        (member,) = shape.members
        xmlns = f" xmlns={quoteattr(namespace)}" if namespace else ""
        value = result.get(member)
        text = "" if value is None else escape(str(value))
        return f"{_PROLOG}<{member}{xmlns}>{text}</{member}>".encode()

    def _payload(self, shape: Shape, name: str, value: Any) -> bytes:
        if value is None:
            return b""
        if shape.type_name in ("blob", "string"):
            return value if isinstance(value, bytes) else str(value).encode()
        namespace = shape.serialization.get("xmlNamespace", {}).get("uri", "")
        root = str(shape.serialization.get("name", name))
        return self._document(root, namespace, shape.members, value)

    def _document(self, root: str, namespace: str, members: Mapping[str, Shape], value: Mapping[str, Any]) -> bytes:
        xmlns = f" xmlns={quoteattr(namespace)}" if namespace else ""
        out = [_PROLOG, f"<{root}{xmlns}>"]
        for member, shape in members.items():
            item = value.get(member)
            if item is not None and "location" not in shape.serialization:
                self._write(shape, str(shape.serialization.get("name", member)), item, out)
        out.append(f"</{root}>")
        return "".join(out).encode()

    def serialize_error(self, namespace: str, code: str, message: str, request_id: str) -> bytes:
        return self.error_body(code, message, request_id)

    @staticmethod
    def wrapped_error_body(code: str, message: str, request_id: str, namespace: str, *, sender: bool = True) -> bytes:
        """The error document of rest-xml services other than S3 (Route 53): ``<ErrorResponse><Error><Type/><Code/>
        <Message/></Error><RequestId/></ErrorResponse>``."""
        kind = "Sender" if sender else "Receiver"
        xmlns = f" xmlns={quoteattr(namespace)}" if namespace else ""
        return (
            f"{_PROLOG}<ErrorResponse{xmlns}><Error><Type>{kind}</Type><Code>{escape(code)}</Code>"
            f"<Message>{escape(message)}</Message></Error><RequestId>{escape(request_id)}</RequestId></ErrorResponse>"
        ).encode()

    @staticmethod
    def error_body(code: str, message: str, request_id: str, fields: Mapping[str, str] | None = None) -> bytes:
        """S3's error document: ``<Error><Code/><Message/>[fields]<RequestId/><HostId/></Error>``."""
        extra = "".join(f"<{k}>{escape(v)}</{k}>" for k, v in (fields or {}).items())
        return (
            f"{_PROLOG}<Error><Code>{escape(code)}</Code><Message>{escape(message)}</Message>{extra}"
            f"<RequestId>{escape(request_id)}</RequestId><HostId>{escape(request_id)}</HostId></Error>"
        ).encode()


def _headers(shape: Shape, result: Mapping[str, Any]) -> dict[str, str]:
    headers: dict[str, str] = {}
    for member, member_shape in shape.members.items():
        value = result.get(member)
        location = member_shape.serialization.get("location")
        name = str(member_shape.serialization.get("name", member))
        if value is None:
            continue
        if location == "header":
            headers[name] = _header_text(member_shape, value)
        elif location == "headers":
            headers.update({f"{name}{k}": str(v) for k, v in value.items()})
    return headers


def _header_text(shape: Shape, value: Any) -> str:
    if shape.type_name == "boolean":
        return "true" if value else "false"
    if shape.type_name == "timestamp" and isinstance(value, datetime):
        return format_datetime(value.astimezone(UTC), usegmt=True)
    if shape.type_name == "list":
        return ",".join(str(v) for v in value)
    return str(value)


def service_namespace(model: ServiceModel) -> str:
    """The XML namespace the service's documents use: the first one its input payloads declare (S3:
    ``http://s3.amazonaws.com/doc/2006-03-01/``), since botocore keeps namespaces on shapes, not the service."""
    for name in model.operation_names:
        shape = model.operation_model(name).input_shape
        payload = shape.serialization.get("payload") if shape is not None else None
        if shape is not None and payload:
            uri = shape.members[payload].serialization.get("xmlNamespace", {}).get("uri")
            if uri:
                return str(uri)
    return ""


__all__ = [
    "RestRequest",
    "RestResponse",
    "RestXmlRequestParser",
    "RestXmlResponseSerializer",
    "RestXmlRouter",
    "service_namespace",
]
