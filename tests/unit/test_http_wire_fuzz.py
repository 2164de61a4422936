"""The rest-xml (S3) and JSON (DynamoDB) wire against botocore itself, in-process.

- JSON requests: botocore's serialiser writes random valid input for a random DynamoDB operation; our parser gives
  back the same input. Answers: our serialiser writes output that botocore's parser reads back.
- rest-xml routing: every S3 operation's request, as botocore writes it, routes back to that operation.
- No request to S3 or DynamoDB, valid or corrupted, is answered with a 500.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlencode

from botocore.parsers import create_parser
from botocore.serialize import create_serializer
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.unit.test_protocol_roundtrip import _structure
from vpcsim.app import Options, build
from vpcsim.protocol import JsonRequestParser, JsonResponseSerializer, RestXmlRouter, load_service
from vpcsim.server.edge import Edge, HttpRequest

_BUILT = build(Options(ephemeral=True, seed=11))
_HTTP = Edge(_BUILT.control)
_DYNAMODB = load_service("dynamodb").model
_S3 = load_service("s3").model
_ROUTER = RestXmlRouter(_S3)


def _wire(scope: str, params: dict[str, Any], operation: Any) -> HttpRequest:
    request = create_serializer(operation.metadata["protocol"], include_validation=False).serialize_to_request(
        params, operation
    )
    query = request["query_string"]
    body = request["body"]
    credential = f"Credential=111122223333/20260101/us-east-1/{scope}/aws4_request"
    headers = {k.lower(): str(v) for k, v in request["headers"].items()}
    headers["authorization"] = f"AWS4-HMAC-SHA256 {credential}, SignedHeaders=host, Signature=00"
    path, _, literal = request["url_path"].partition("?")  # botocore keeps the URI's literal query in url_path
    encoded = urlencode(query, doseq=True) if isinstance(query, dict) else str(query)
    return HttpRequest(
        request["method"],
        path,
        "&".join(part for part in (literal, encoded) if part),
        headers,
        body if isinstance(body, bytes) else str(body or "").encode(),
    )


@st.composite
def _input(draw: st.DrawFn, model: Any) -> tuple[Any, dict[str, Any]]:
    # Operations sent to another host (a hostPrefix, e.g. S3 Object Lambda's WriteGetObjectResponse) are left out.
    names = sorted(n for n in model.operation_names if not model.operation_model(n).endpoint)
    operation = model.operation_model(draw(st.sampled_from(names)))
    shape = operation.input_shape
    params = draw(_structure(shape, 0)) if shape is not None and shape.members else {}
    return operation, params


@settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck))
@given(_input(_DYNAMODB))
def test_json_requests_parse_back_to_what_botocore_sent(drawn: tuple[Any, dict[str, Any]]) -> None:
    operation, params = drawn
    request = _wire("dynamodb", params, operation)
    assert JsonRequestParser(check_constraints=False).parse(operation, request.body) == params


@settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.data())
def test_json_answers_read_back_by_botocore(data: st.DataObject) -> None:
    names = sorted(n for n in _DYNAMODB.operation_names if _DYNAMODB.operation_model(n).output_shape is not None)
    operation = _DYNAMODB.operation_model(data.draw(st.sampled_from(names)))
    result = data.draw(_structure(operation.output_shape, 0))
    body = JsonResponseSerializer().serialize(operation, result)
    parsed = create_parser("json").parse({"status_code": 200, "headers": {}, "body": body}, operation.output_shape)
    parsed.pop("ResponseMetadata", None)
    assert _normalise(parsed) == _normalise(result)


def _normalise(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _normalise(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_normalise(v) for v in value]
    if isinstance(value, float):
        return round(value, 3)
    if hasattr(value, "timestamp"):
        return round(value.timestamp(), 3)
    return value


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(_input(_S3))
def test_every_s3_request_routes_to_its_operation(drawn: tuple[Any, dict[str, Any]]) -> None:
    operation, params = drawn
    if "Bucket" in params:  # a real bucket name: random text may hold "/" or "?"
        params["Bucket"] = "routing-bucket"
    request = _wire("s3", params, operation)
    query = parse_qs(request.query, keep_blank_values=True)
    found = _ROUTER.route(request.method, request.path, query, request.headers)
    assert found is not None, (request.method, request.path, request.query)
    if found[0].name != operation.name:
        # Only operations HTTP cannot tell apart: a deprecated one and its successor (PutBucketLifecycle), or one
        # sent to another endpoint (ListDirectoryBuckets goes to S3 Express's control endpoint).
        same = (found[0].http["method"], found[0].http["requestUri"]) == (
            operation.http["method"],
            operation.http["requestUri"],
        )
        assert same and not found[0].deprecated


_JUNK = st.sampled_from([b"", b"{", b"<a>", b"\xff\xfe", b'{"TableName": 5}', b"<CreateBucketConfiguration/>", b"[]"])


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    st.sampled_from(["s3", "dynamodb"]).flatmap(lambda s: st.tuples(st.just(s), _input(load_service(s).model))),
    _JUNK,
    st.booleans(),
)
def test_no_request_is_answered_with_a_500(drawn: Any, junk: bytes, corrupt: bool) -> None:
    scope, (operation, params) = drawn
    request = _wire(scope, params, operation)
    if corrupt:
        request = HttpRequest(request.method, request.path, request.query, request.headers, junk)
    answer = _HTTP.handle(request)
    assert answer.status < 500, answer.body
