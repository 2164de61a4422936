"""The protocol against botocore itself, for every operation of every service vpcsim speaks.

Requests: botocore's own serialiser writes random valid input for a random operation; our parser must give back the
same input. Responses: our serialiser writes random valid output; botocore's parser must read back the same output.
Both are hypothesis properties over the whole model, not a few hand-picked operations.
"""

from __future__ import annotations

import base64
from datetime import UTC, datetime
from typing import Any

from botocore.model import OperationModel, Shape
from botocore.parsers import create_parser
from botocore.serialize import create_serializer
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vpcsim.protocol import (
    Ec2RequestParser,
    Ec2ResponseSerializer,
    QueryRequestParser,
    QueryResponseSerializer,
    load_service,
)

_TEXT = st.text(alphabet="abcXYZ019-_./:*<>&\"' ", min_size=1, max_size=12).filter(lambda s: s.strip() == s)
_MOMENT = st.datetimes(min_value=datetime(2001, 1, 1), max_value=datetime(2099, 1, 1)).map(
    lambda d: d.replace(microsecond=(d.microsecond // 1000) * 1000, tzinfo=UTC)
)


def _value(shape: Shape, depth: int) -> st.SearchStrategy[Any]:
    kind = shape.type_name
    if kind == "structure":
        return _structure(shape, depth)
    if kind == "list":
        return st.lists(_value(shape.member, depth + 1), min_size=1, max_size=2) if depth < 4 else st.nothing()
    if kind == "map":
        return st.dictionaries(_TEXT, _value(shape.value, depth + 1), min_size=1, max_size=2)
    if kind == "string":
        return st.sampled_from(shape.enum) if shape.enum else _TEXT
    if kind in ("integer", "long"):
        return st.integers(-(2**31), 2**31 - 1)
    if kind in ("float", "double"):
        return st.floats(allow_nan=False, allow_infinity=False, width=32)
    if kind == "boolean":
        return st.booleans()
    if kind == "timestamp":
        return _MOMENT
    if kind == "blob":
        return st.binary(min_size=1, max_size=8)
    raise AssertionError(kind)


def _structure(shape: Shape, depth: int, allow_empty: bool = False) -> st.SearchStrategy[dict[str, Any]]:
    if depth >= 4:
        return st.nothing()
    members = {name: _value(member, depth + 1) for name, member in shape.members.items()}
    required = {name: members[name] for name in shape.required_members}
    optional = {name: s for name, s in members.items() if name not in required}
    built = st.fixed_dictionaries(required, optional=optional)
    return built if allow_empty else built.filter(bool)


def _operations(scope: str) -> st.SearchStrategy[OperationModel]:
    service = load_service(scope)
    return st.sampled_from(sorted(service.model.operation_names)).map(service.model.operation_model)


_SCOPES = st.sampled_from(["ec2", "ec2", "ec2", "elasticloadbalancing", "sts"])


@st.composite
def _requests(draw: st.DrawFn) -> tuple[OperationModel, dict[str, Any]]:
    op = draw(_SCOPES.flatmap(_operations))
    shape = op.input_shape
    params = draw(_structure(shape, 0, allow_empty=True)) if shape is not None and shape.members else {}
    return op, params


@settings(max_examples=400, deadline=None, suppress_health_check=list(HealthCheck))
@given(_requests())
def test_botocore_requests_parse_back_to_their_input(case: tuple[OperationModel, dict[str, Any]]) -> None:
    op, params = case
    protocol = op.metadata["protocol"]
    body = create_serializer(protocol, include_validation=False).serialize_to_request(params, op)["body"]
    parser = Ec2RequestParser() if protocol == "ec2" else QueryRequestParser()
    assert parser.parse(op, {k: str(v) for k, v in body.items()}) == _as_parsed(op.input_shape, params)


def _as_parsed(shape: Shape | None, value: Any) -> Any:
    """What a parse yields: timestamps as datetimes, blobs as bytes (the wire carries them as base64)."""
    if shape is None:
        return value
    kind = shape.type_name
    if kind == "structure":
        return {k: _as_parsed(shape.members[k], v) for k, v in value.items()}
    if kind == "list":
        return [_as_parsed(shape.member, v) for v in value]
    if kind == "map":
        return {k: _as_parsed(shape.value, v) for k, v in value.items()}
    if kind in ("float", "double"):
        return float(str(value))
    return value


@st.composite
def _responses(draw: st.DrawFn) -> tuple[OperationModel, dict[str, Any]]:
    op = draw(_SCOPES.flatmap(_operations).filter(lambda o: o.output_shape is not None))
    return op, draw(_structure(op.output_shape, 0, allow_empty=True))


@settings(max_examples=400, deadline=None, suppress_health_check=list(HealthCheck))
@given(_responses())
def test_our_responses_parse_back_through_botocore(case: tuple[OperationModel, dict[str, Any]]) -> None:
    op, result = case
    protocol = op.metadata["protocol"]
    serializer = Ec2ResponseSerializer() if protocol == "ec2" else QueryResponseSerializer()
    body = serializer.serialize(op, _wire_ready(op.output_shape, result), "req-1")
    parsed = create_parser(protocol).parse({"body": body, "headers": {}, "status_code": 200}, op.output_shape)
    parsed.pop("ResponseMetadata", None)
    assert parsed == _as_returned(op.output_shape, result)


def _wire_ready(shape: Shape, value: Any) -> Any:
    kind = shape.type_name
    if kind == "structure":
        return {k: _wire_ready(shape.members[k], v) for k, v in value.items()}
    if kind == "list":
        return [_wire_ready(shape.member, v) for v in value]
    if kind == "map":
        return {k: _wire_ready(shape.value, v) for k, v in value.items()}
    if kind == "blob":
        return base64.b64encode(value).decode()
    return value


def _as_returned(shape: Shape, value: Any) -> Any:
    kind = shape.type_name
    if kind == "structure":
        return {k: _as_returned(shape.members[k], v) for k, v in value.items()}
    if kind == "list":
        return [_as_returned(shape.member, v) for v in value]
    if kind == "map":
        return {k: _as_returned(shape.value, v) for k, v in value.items()}
    if kind in ("float", "double"):
        return float(str(value))
    return value


def test_errors_parse_as_aws_errors() -> None:
    for scope, protocol in (("ec2", "ec2"), ("elasticloadbalancing", "query")):
        service = load_service(scope)
        op = service.model.operation_model(sorted(service.model.operation_names)[0])
        serializer = Ec2ResponseSerializer() if protocol == "ec2" else QueryResponseSerializer()
        body = serializer.serialize_error("ns", "InvalidVpcID.NotFound", "The vpc ID 'vpc-1' <does> not exist", "r-9")
        parsed = create_parser(protocol).parse({"body": body, "headers": {}, "status_code": 400}, op.output_shape)
        assert parsed["Error"]["Code"] == "InvalidVpcID.NotFound"
        assert parsed["Error"]["Message"] == "The vpc ID 'vpc-1' <does> not exist"
        assert parsed["ResponseMetadata"]["RequestId"] == "r-9"
