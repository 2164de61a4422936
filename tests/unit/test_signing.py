"""SigV4 verification against requests botocore itself signs: header and presigned forms, Query, REST and JSON."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import pytest
from botocore.auth import S3SigV4Auth, S3SigV4QueryAuth, SigV4Auth, SigV4QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from hypothesis import given, settings
from hypothesis import strategies as st

from vpcsim.protocol.signing import Problem, SignatureError, Signed, verify

KEY, SECRET = "AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"


def _secret(key: str) -> str | None:
    return SECRET if key == KEY else None


def _signed(request: AWSRequest) -> Signed:
    prepared = request.prepare()
    parts = urlsplit(prepared.url)
    headers = {k.lower(): str(v) for k, v in prepared.headers.items()}
    headers.setdefault("host", parts.netloc)
    body = prepared.body or b""
    body = body.encode() if isinstance(body, str) else body
    return Signed(prepared.method, parts.path, parts.query, lambda n: [headers[n]] if n in headers else [], body)


def _ec2_request(secret: str = SECRET) -> AWSRequest:
    request = AWSRequest("POST", "http://127.0.0.1:4566/", data=b"Action=DescribeVpcs&Version=2016-11-15")
    request.headers["Content-Type"] = "application/x-www-form-urlencoded; charset=utf-8"
    SigV4Auth(Credentials(KEY, secret), "ec2", "eu-west-2").add_auth(request)
    return request


def test_a_query_request_botocore_signed_verifies() -> None:
    assert verify(_signed(_ec2_request()), _secret, datetime.now(UTC)) == KEY


def test_a_wrong_secret_or_an_unknown_key_or_a_late_request_is_refused() -> None:
    with pytest.raises(SignatureError) as wrong:
        verify(_signed(_ec2_request("not-the-secret")), _secret, datetime.now(UTC))
    assert wrong.value.problem is Problem.MISMATCH
    with pytest.raises(SignatureError) as unknown:
        verify(_signed(_ec2_request()), lambda key: None, datetime.now(UTC))
    assert unknown.value.problem is Problem.UNKNOWN_KEY
    with pytest.raises(SignatureError) as late:
        verify(_signed(_ec2_request()), _secret, datetime.now(UTC) + timedelta(minutes=16))
    assert late.value.problem is Problem.EXPIRED
    assert verify(_signed(_ec2_request()), _secret, datetime.now(UTC) + timedelta(minutes=14)) == KEY


def test_a_tampered_body_does_not_verify() -> None:
    signed = _signed(_ec2_request())
    tampered = Signed(signed.method, signed.path, signed.query, signed.headers, signed.body + b"&VpcId.1=vpc-1")
    with pytest.raises(SignatureError) as changed:
        verify(tampered, _secret, datetime.now(UTC))
    assert changed.value.problem is Problem.MISMATCH


def test_an_s3_request_with_a_query_and_an_odd_key_verifies() -> None:
    request = AWSRequest("GET", "http://127.0.0.1:4566/my-bucket/a%20b%2Bc?policy=", data=b"")
    S3SigV4Auth(Credentials(KEY, SECRET), "s3", "us-east-1").add_auth(request)
    assert verify(_signed(request), _secret, datetime.now(UTC)) == KEY


def test_presigned_urls_verify_until_they_expire() -> None:
    request = AWSRequest("GET", "http://127.0.0.1:4566/my-bucket?location", data=b"")
    S3SigV4QueryAuth(Credentials(KEY, SECRET), "s3", "us-east-1", expires=60).add_auth(request)
    assert verify(_signed(request), _secret, datetime.now(UTC)) == KEY
    with pytest.raises(SignatureError) as expired:
        verify(_signed(request), _secret, datetime.now(UTC) + timedelta(minutes=2))
    assert expired.value.problem is Problem.EXPIRED
    query = AWSRequest("GET", "http://127.0.0.1:4566/?Action=DescribeVpcs&Version=2016-11-15", data=b"")
    SigV4QueryAuth(Credentials(KEY, SECRET), "ec2", "us-east-1", expires=300).add_auth(query)
    assert verify(_signed(query), _secret, datetime.now(UTC)) == KEY


def test_missing_and_incomplete_signatures() -> None:
    bare = Signed("POST", "/", "", lambda name: [], b"Action=DescribeVpcs")
    with pytest.raises(SignatureError) as missing:
        verify(bare, _secret, datetime.now(UTC))
    assert missing.value.problem is Problem.MISSING
    half = Signed("POST", "/", "", lambda n: ["AWS4-HMAC-SHA256 Credential=x/y"] if n == "authorization" else [], b"")
    with pytest.raises(SignatureError) as incomplete:
        verify(half, _secret, datetime.now(UTC))
    assert incomplete.value.problem is Problem.INCOMPLETE


@settings(max_examples=60, deadline=None)
@given(
    st.text(alphabet=st.characters(min_codepoint=33, max_codepoint=0x2FF), min_size=1, max_size=20),
    st.text(max_size=30),
)
def test_any_json_body_and_target_botocore_signs_verifies(target: str, body: str) -> None:
    request = AWSRequest("POST", "http://localhost:4566/", data=body.encode())
    request.headers["X-Amz-Target"] = target
    request.headers["Content-Type"] = "application/x-amz-json-1.0"
    SigV4Auth(Credentials(KEY, SECRET), "dynamodb", "us-east-1").add_auth(request)
    assert verify(_signed(request), _secret, datetime.now(UTC)) == KEY
