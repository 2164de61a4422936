"""Serialise results and errors as AWS's XML, walking the operation's output shape.

A result is plain data in botocore's own form (the dict boto3 would return, keyed by member names), so the same value
can be compared with recorded AWS responses. ``Ec2ResponseSerializer`` writes members straight under
``<OpResponse>`` with ``<requestId>`` and ``<item>`` list entries; ``QueryResponseSerializer`` wraps them in
``<OpResult>`` with ``<member>`` entries and ``<ResponseMetadata>``, as ELBv2 and STS do.

>>> from vpcsim.protocol.services import load_service
>>> op = load_service("ec2").find_operation("DeleteVpcEndpoints")
>>> Ec2ResponseSerializer().serialize(op, {"Unsuccessful": []}, "r-1").decode().split(">", 2)[2]
'<requestId>r-1</requestId><unsuccessful/></DeleteVpcEndpointsResponse>'
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from botocore.model import OperationModel, Shape

_PROLOG = '<?xml version="1.0" encoding="UTF-8"?>\n'


def format_timestamp(value: datetime | str) -> str:
    """AWS's wire form, ``2017-09-05T17:55:27.583Z``; strings are taken as already formatted."""
    if isinstance(value, str):
        return value
    moment = value.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


class ResponseSerializer:
    """The generic walker; subclasses give the envelope and the list entry name."""

    list_entry = "member"

    def serialize(self, operation: OperationModel, result: dict[str, Any], request_id: str) -> bytes:
        raise NotImplementedError

    def serialize_error(self, namespace: str, code: str, message: str, request_id: str) -> bytes:
        raise NotImplementedError

    def _members(self, shape: Shape | None, value: dict[str, Any], out: list[str]) -> None:
        if shape is None:
            return
        for member, member_shape in shape.members.items():
            item = value.get(member)
            if item is not None and not member_shape.serialization.get("xmlAttribute"):
                self._write(member_shape, str(member_shape.serialization.get("name", member)), item, out)

    def _write(self, shape: Shape, name: str, value: Any, out: list[str]) -> None:
        kind = shape.type_name
        if kind == "structure":
            out.append(f"<{name}{_attributes(shape, value)}>")
            self._members(shape, value, out)
            out.append(f"</{name}>")
        elif kind == "list":
            self._write_list(shape, name, value, out)
        elif kind == "map":
            self._write_map(shape, name, value, out)
        else:
            out.append(f"<{name}>{escape(_text(kind, value))}</{name}>")

    def _write_list(self, shape: Shape, name: str, value: list[Any], out: list[str]) -> None:
        entry = str(shape.member.serialization.get("name", self.list_entry))
        if shape.serialization.get("flattened"):
            for item in value:
                self._write(shape.member, name, item, out)
            return
        if not value:
            out.append(f"<{name}/>")
            return
        out.append(f"<{name}>")
        for item in value:
            self._write(shape.member, entry, item, out)
        out.append(f"</{name}>")

    def _write_map(self, shape: Shape, name: str, value: dict[str, Any], out: list[str]) -> None:
        key_name = shape.key.serialization.get("name", "key")
        value_name = shape.value.serialization.get("name", "value")
        out.append(f"<{name}>")
        for key, item in value.items():
            out.append(f"<entry><{key_name}>{escape(str(key))}</{key_name}>")
            self._write(shape.value, value_name, item, out)
            out.append("</entry>")
        out.append(f"</{name}>")


def _attributes(shape: Shape, value: dict[str, Any]) -> str:
    """A structure's members serialised as XML attributes (S3's ``<Grantee xsi:type="CanonicalUser">``), with the
    namespace declaration the shape names."""
    pairs = [
        (str(m.serialization.get("name", member)), value[member])
        for member, m in shape.members.items()
        if m.serialization.get("xmlAttribute") and value.get(member) is not None
    ]
    if not pairs:
        return ""
    namespace = shape.serialization.get("xmlNamespace") or {}
    declared = f" xmlns:{namespace['prefix']}={quoteattr(namespace['uri'])}" if namespace.get("prefix") else ""
    return declared + "".join(f" {name}={quoteattr(str(item))}" for name, item in pairs)


def _text(kind: str, value: Any) -> str:
    if kind == "boolean":
        return "true" if value else "false"
    if kind == "timestamp":
        return format_timestamp(value)
    return str(value)


def _namespace(operation: OperationModel) -> str:
    namespace = str(operation.metadata.get("xmlNamespace", ""))
    return namespace if namespace.endswith("/") else namespace + "/"


class Ec2ResponseSerializer(ResponseSerializer):
    """EC2: ``<OpResponse xmlns=...><requestId/>members</OpResponse>``, lists of ``<item>``."""

    list_entry = "item"

    def serialize(self, operation: OperationModel, result: dict[str, Any], request_id: str) -> bytes:
        root = f"{operation.name}Response"
        out = [_PROLOG, f'<{root} xmlns="{_namespace(operation)}"><requestId>{escape(request_id)}</requestId>']
        self._members(operation.output_shape, result, out)
        out.append(f"</{root}>")
        return "".join(out).encode()

    def serialize_error(self, namespace: str, code: str, message: str, request_id: str) -> bytes:
        return (
            f"{_PROLOG}<Response><Errors><Error><Code>{escape(code)}</Code><Message>{escape(message)}</Message>"
            f"</Error></Errors><RequestID>{escape(request_id)}</RequestID></Response>"
        ).encode()


class QueryResponseSerializer(ResponseSerializer):
    """Plain Query: ``<OpResponse><OpResult>members</OpResult><ResponseMetadata>...``, lists of ``<member>``."""

    def serialize(self, operation: OperationModel, result: dict[str, Any], request_id: str) -> bytes:
        root = f"{operation.name}Response"
        out = [_PROLOG, f'<{root} xmlns="{_namespace(operation)}">']
        shape = operation.output_shape
        wrapper = shape.serialization.get("resultWrapper") if shape is not None else None
        if wrapper:
            out.append(f"<{wrapper}>")
            self._members(shape, result, out)
            out.append(f"</{wrapper}>")
        out.append(f"<ResponseMetadata><RequestId>{escape(request_id)}</RequestId></ResponseMetadata></{root}>")
        return "".join(out).encode()

    def serialize_error(self, namespace: str, code: str, message: str, request_id: str) -> bytes:
        return (
            f'{_PROLOG}<ErrorResponse xmlns="{escape(namespace)}"><Error><Type>Sender</Type>'
            f"<Code>{escape(code)}</Code><Message>{escape(message)}</Message></Error>"
            f"<RequestId>{escape(request_id)}</RequestId></ErrorResponse>"
        ).encode()
