"""The JSON protocol (DynamoDB's ``awsJson1_0``, Service Quotas' ``awsJson1_1``, which differ only in the content
type): ``POST /`` with ``X-Amz-Target: <targetPrefix>.<Operation>``.

The body is a JSON object keyed by member names; one walker checks it against the input shape, dispatching on
``shape.type_name`` as botocore does. Type mismatches are ``SerializationException``; a value the model's
constraints refuse (required, enum, length, range, pattern) is ``ValidationException`` in AWS's wording ("1
validation error detected: Value null at 'tableName' failed to satisfy constraint: Member must not be null"), every
problem collected before raising once. Members the model does not define are ignored, as AWS's JSON services do.
Answers walk the output shape; timestamps are epoch seconds, blobs base64. Errors are ``{"__type": ..., "message":
...}`` whose type is namespaced ``com.amazonaws.<endpointPrefix>.v<apiVersion without dashes>#<Code>``.

>>> from vpcsim.protocol.services import load_service
>>> model = load_service("dynamodb").model
>>> operation_for_target(model, "DynamoDB_20120810.ListTables").name
'ListTables'
>>> JsonRequestParser().parse(operation_for_target(model, "DynamoDB_20120810.ListTables"), b'{"Limit": 5}')
{'Limit': 5}
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from botocore.model import OperationModel, ServiceModel, Shape

from vpcsim.errors import ApiError, InvalidParameter
from vpcsim.protocol.constraints import member_path, size_violations, violations
from vpcsim.protocol.limits import bounded_json


def operation_for_target(model: ServiceModel, target: str) -> OperationModel | None:
    """The operation named by an ``X-Amz-Target`` header, or None if the target is not this service's."""
    prefix, _, name = target.rpartition(".")
    if prefix != model.metadata.get("targetPrefix") or name not in model.operation_names:
        return None
    return model.operation_model(name)


def error_type(model: ServiceModel, code: str) -> str:
    """``com.amazonaws.dynamodb.v20120810#ResourceNotFoundException`` for DynamoDB."""
    version = str(model.metadata.get("apiVersion", "")).replace("-", "")
    return f"com.amazonaws.{model.metadata.get('endpointPrefix', '')}.v{version}#{code}"


class _Problems:
    def __init__(self, check_constraints: bool) -> None:
        self.check_constraints = check_constraints
        self.types: list[str] = []
        self.constraints: list[str] = []

    def constraint(self, message: str) -> None:
        if self.check_constraints:
            self.constraints.append(message)

    def raise_if_any(self) -> None:
        if self.types:
            raise InvalidParameter("SerializationException", " ".join(self.types))
        if self.constraints:
            count = len(self.constraints)
            noun = "error" if count == 1 else "errors"
            raise InvalidParameter(
                "ValidationException", f"{count} validation {noun} detected: " + "; ".join(self.constraints)
            )


class JsonRequestParser:
    """Checks a JSON body against an operation's input shape and returns the parsed input; ``check_constraints=False``
    checks types only (for round-trip tests with values the model's constraints would refuse)."""

    def __init__(self, *, check_constraints: bool = True) -> None:
        self.check_constraints = check_constraints

    def parse(self, operation: OperationModel, body: bytes) -> dict[str, Any]:
        shape = operation.input_shape
        data = self._decode(body)
        if shape is None:
            return {}
        problems = _Problems(self.check_constraints)
        parsed = self._structure(shape, data, "", problems)
        problems.raise_if_any()
        return parsed

    @staticmethod
    def _decode(body: bytes) -> Any:
        if not body.strip():
            return {}
        try:
            return bounded_json(body)
        except (ValueError, UnicodeDecodeError) as error:
            raise ApiError("SerializationException", f"The request body is not valid JSON: {error}.") from None

    def _walk(self, shape: Shape, value: Any, path: str, problems: _Problems) -> Any:
        kind = shape.type_name
        if kind == "structure":
            return self._structure(shape, value, path, problems)
        if kind == "list":
            return self._list(shape, value, path, problems)
        if kind == "map":
            return self._map(shape, value, path, problems)
        return self._scalar(shape, value, path, problems)

    def _structure(self, shape: Shape, value: Any, path: str, problems: _Problems) -> dict[str, Any]:
        if not isinstance(value, dict):
            problems.types.append(f"Expected an object at '{path or 'body'}'.")
            return {}
        parsed: dict[str, Any] = {}
        for member, member_shape in shape.members.items():
            if value.get(member) is not None:
                parsed[member] = self._walk(member_shape, value[member], member_path(path, member), problems)
        for member in shape.required_members:
            if member not in parsed:
                problems.constraint(
                    f"Value null at '{member_path(path, member)}' failed to satisfy constraint: Member must not be null"
                )
        return parsed

    def _list(self, shape: Shape, value: Any, path: str, problems: _Problems) -> list[Any]:
        if not isinstance(value, list):
            problems.types.append(f"Expected a list at '{path}'.")
            return []
        _check_size(shape, len(value), value, path, problems)
        return [self._walk(shape.member, item, f"{path}.{i}.member", problems) for i, item in enumerate(value, 1)]

    def _map(self, shape: Shape, value: Any, path: str, problems: _Problems) -> dict[str, Any]:
        if not isinstance(value, dict):
            problems.types.append(f"Expected an object at '{path}'.")
            return {}
        _check_size(shape, len(value), value, path, problems)
        return {str(k): self._walk(shape.value, v, f"{path}.{k}", problems) for k, v in value.items()}

    def _scalar(self, shape: Shape, value: Any, path: str, problems: _Problems) -> Any:
        converted = _CONVERT.get(shape.type_name, _string)(value)
        if converted is None:
            problems.types.append(f"Invalid {shape.type_name} value {json.dumps(value)[:64]} at '{path}'.")
            return None
        _check_scalar(shape, converted, path, problems)
        return converted


def _string(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _integer(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _float(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _boolean(value: Any) -> bool | None:
    return value if isinstance(value, bool) else None


def _timestamp(value: Any) -> datetime | None:
    number = _float(value)
    if number is not None:
        try:
            return datetime.fromtimestamp(number, UTC)
        except (OverflowError, OSError, ValueError):
            return None
    try:
        parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00")) if isinstance(value, str) else None
    except ValueError:
        return None
    return parsed if parsed is None or parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _blob(value: Any) -> bytes | None:
    try:
        return base64.b64decode(value, validate=True) if isinstance(value, str) else None
    except (binascii.Error, ValueError):
        return None


_CONVERT = {
    "string": _string,
    "integer": _integer,
    "long": _integer,
    "float": _float,
    "double": _float,
    "boolean": _boolean,
    "timestamp": _timestamp,
    "blob": _blob,
}


def _check_size(shape: Shape, size: int, value: Any, path: str, problems: _Problems) -> None:
    for message in size_violations(shape, size, value, path):
        problems.constraint(message)


def _check_scalar(shape: Shape, value: Any, path: str, problems: _Problems) -> None:
    for message in violations(shape, value, path):
        problems.constraint(message)


class JsonResponseSerializer:
    """Writes results and errors as AWS's JSON protocol does."""

    def serialize(self, operation: OperationModel, result: Mapping[str, Any]) -> bytes:
        shape = operation.output_shape
        data = self._walk(shape, result) if shape is not None else {}
        return json.dumps(data, separators=(",", ":")).encode()

    def serialize_error(self, model: ServiceModel, code: str, message: str) -> bytes:
        return json.dumps({"__type": error_type(model, code), "message": message}).encode()

    def _walk(self, shape: Shape, value: Any) -> Any:
        kind = shape.type_name
        if kind == "structure":
            return {m: self._walk(s, value[m]) for m, s in shape.members.items() if value.get(m) is not None}
        if kind == "list":
            return [self._walk(shape.member, item) for item in value]
        if kind == "map":
            return {str(k): self._walk(shape.value, v) for k, v in value.items()}
        if kind == "timestamp":
            return _epoch(value)
        if kind == "blob":
            return base64.b64encode(value if isinstance(value, bytes) else str(value).encode()).decode()
        return value


def _epoch(value: Any) -> float | int:
    if isinstance(value, datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=UTC)
        return round(moment.timestamp(), 3)
    if isinstance(value, str):
        return _epoch(datetime.fromisoformat(value.replace("Z", "+00:00")))
    return value if isinstance(value, int | float) else float(value)


__all__ = ["JsonRequestParser", "JsonResponseSerializer", "error_type", "operation_for_target"]
