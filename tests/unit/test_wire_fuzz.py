"""No input makes the server answer 500: random and corrupted requests to every implemented operation, in-process.

Requests are written by botocore's serialiser from random input (so they reach the handlers), then some values are
replaced with junk (so they exercise validation). Every answer must be a well-formed AWS error or a success.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from botocore.serialize import create_serializer
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.unit.test_protocol_roundtrip import _structure
from vpcsim.app import Options, build
from vpcsim.control.operations import SERVICES
from vpcsim.protocol import load_service
from vpcsim.server.edge import Edge, HttpRequest

_BUILT = build(Options(ephemeral=True, seed=7))
_EDGE = Edge(_BUILT.control)
_JUNK = st.sampled_from(
    [
        "",
        "x",
        "-1",
        "vpc-12345678",
        "subnet-0123456789abcdef0",
        "10.0.0.0/16",
        "999999999999",
        "true",
        "1.2.3.4",
        "\u00e9\u0000",
        "%",
        "vpc-",
        "*",
    ]
)


def _implemented(scope: str) -> list[str]:
    model = load_service(scope).model
    return sorted(op for op in model.operation_names if _BUILT.control.implements(scope, op))


@st.composite
def _request(draw: st.DrawFn) -> tuple[str, dict[str, str]]:
    # Query/EC2 services only; the rest-xml (S3) and JSON (DynamoDB) wire has its own fuzz (test_http_wire_fuzz.py).
    query = [s for s in SERVICES if load_service(s).protocol in ("ec2", "query")]
    scope = draw(st.sampled_from([s for s in query if _implemented(s)]))
    op = load_service(scope).model.operation_model(draw(st.sampled_from(_implemented(scope))))
    shape = op.input_shape
    params = draw(_structure(shape, 0, allow_empty=True)) if shape is not None and shape.members else {}
    params.pop("DryRun", None)
    body = create_serializer(op.metadata["protocol"], include_validation=False).serialize_to_request(params, op)
    wire = {k: str(v) for k, v in body["body"].items()}
    for key in draw(st.lists(st.sampled_from(sorted(wire)), max_size=3)) if wire else []:
        wire[key] = draw(_JUNK)
    return scope, wire


@settings(max_examples=600, deadline=None, suppress_health_check=list(HealthCheck))
@given(_request(), st.sampled_from(["us-east-1", "eu-west-2"]))
def test_no_request_is_answered_with_a_500(request: tuple[str, dict[str, str]], region: str) -> None:
    scope, params = request
    headers = {"authorization": f"AWS4-HMAC-SHA256 Credential=AKID/20260101/{region}/{scope}/aws4_request, x"}
    answer = _EDGE.handle(HttpRequest("POST", "/", "", headers, urlencode(params).encode()))
    assert answer.status in (200, 400, 404, 409, 412), answer.body
    if answer.status != 200:
        assert b"<Code>" in answer.body and b"InternalError" not in answer.body


def test_junk_bodies() -> None:
    for junk in (
        {},
        {"Action": ""},
        {"Action": "CreateVpc", "CidrBlock.1.x": "a"},
        {"Action": "DescribeVpcs", "Filter.0.Name": "x"},
    ):
        answer: Any = _EDGE.handle(HttpRequest("POST", "/", "", {}, urlencode(junk).encode()))
        assert answer.status == 400, answer.body
