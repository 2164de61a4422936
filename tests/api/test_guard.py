"""What a web page the user visits cannot make vpcsim do (server/guard.py): DNS rebinding, cross-origin writes,
admin calls without the header. Each request is what a browser would really send."""

from __future__ import annotations

import http.client
import json
from typing import Any

import pytest

from vpcsim.server.guard import Policy


def _send(vpcsim: Any, method: str, path: str, headers: dict[str, str], body: bytes = b"") -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", vpcsim.port, timeout=30)
    try:
        connection.putrequest(method, path, skip_host=True)
        for name, value in {"Host": f"127.0.0.1:{vpcsim.port}", **headers}.items():
            connection.putheader(name, value)
        connection.putheader("Content-Length", str(len(body)))
        connection.endheaders(body)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def _revision(vpcsim: Any) -> int:
    return int(json.loads(_send(vpcsim, "GET", "/_vpcsim/health", {})[1])["revision"])


def test_a_cross_origin_page_cannot_reset_the_state(vpcsim: Any, account: str) -> None:
    vpcsim.client("ec2", "eu-west-2", account).create_vpc(CidrBlock="10.0.0.0/16")
    before = _revision(vpcsim)
    # fetch("http://127.0.0.1:4566/_vpcsim/reset", {method: "POST", mode: "no-cors"}) from https://evil.example
    status, _ = _send(
        vpcsim, "POST", "/_vpcsim/reset", {"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"}
    )
    assert status == 403 and _revision(vpcsim) == before
    status, _ = _send(vpcsim, "POST", "/moto-api/reset", {"Origin": "https://evil.example"})
    assert status == 403 and _revision(vpcsim) == before


def test_admin_calls_need_the_header_a_page_cannot_send(vpcsim: Any) -> None:
    body = json.dumps({"access_key_id": "AKIAEVIL", "principal": "arn:aws:iam::111122223333:root"}).encode()
    status, text = _send(vpcsim, "POST", "/_vpcsim/principals", {"Content-Type": "text/plain"}, body)
    assert status == 403 and b"x-vpcsim-request" in text
    status, _ = _send(
        vpcsim, "POST", "/_vpcsim/principals", {"Content-Type": "application/json", "X-Vpcsim-Request": "1"}, body
    )
    assert status == 200


def test_a_form_post_to_the_aws_api_from_another_origin_changes_nothing(vpcsim: Any, account: str) -> None:
    ec2 = vpcsim.client("ec2", "us-east-1", account)
    before = len(ec2.describe_vpcs()["Vpcs"])
    form = b"Action=CreateVpc&Version=2016-11-15&CidrBlock=10.9.0.0%2F16"
    headers = {"Origin": "null", "Content-Type": "application/x-www-form-urlencoded", "Sec-Fetch-Site": "cross-site"}
    status, _ = _send(vpcsim, "POST", "/", headers, form)
    assert status == 403
    status, _ = _send(vpcsim, "POST", "/", {**headers, "Origin": "http://localhost:3000"}, form)
    assert status == 403  # another port of localhost is another origin
    assert len(ec2.describe_vpcs()["Vpcs"]) == before


def test_dns_rebinding_gets_no_answer(vpcsim: Any) -> None:
    status, _ = _send(vpcsim, "GET", "/_vpcsim/api/topology", {"Host": f"attacker.example:{vpcsim.port}"})
    assert status == 421
    status, _ = _send(vpcsim, "GET", "/_vpcsim/health", {"Host": f"localhost:{vpcsim.port}"})
    assert status == 200
    status, _ = _send(vpcsim, "GET", "/_vpcsim/health", {"Host": f"[::1]:{vpcsim.port}"})
    assert status == 200
    status, _ = _send(vpcsim, "GET", "/", {"Host": f"my-bucket.localhost:{vpcsim.port}"})
    assert status != 421  # virtual-hosted S3 buckets


def test_the_ui_and_same_origin_calls_still_work(vpcsim: Any) -> None:
    own = f"http://127.0.0.1:{vpcsim.port}"
    status, _ = _send(
        vpcsim,
        "POST",
        "/_vpcsim/api/trace",
        {"Origin": own, "Sec-Fetch-Site": "same-origin", "Content-Type": "application/json"},
        json.dumps({"source": "10.0.0.1", "destination": "8.8.8.8"}).encode(),
    )
    assert status in (200, 400)  # answered (the source may be unknown), not refused


@pytest.mark.parametrize(
    ("host", "served"),
    [
        ("localhost:4566", True),
        ("LOCALHOST", True),
        ("10.1.2.3:4566", False),
        ("[::1]:4566", True),
        ("vpcsim:4566", True),
    ],
)
def test_policy_hosts(host: str, served: bool) -> None:
    assert Policy.build("127.0.0.1", hosts=["vpcsim"]).serves_host(host) is served


def test_allowed_origins_may_write() -> None:
    policy = Policy.build("127.0.0.1", origins=["http://localhost:3000/"])
    headers = {"host": "127.0.0.1:4566", "origin": "http://localhost:3000", "x-vpcsim-request": "1"}
    assert policy.refusal("POST", "/_vpcsim/reset", headers) is None
    assert policy.refusal("POST", "/_vpcsim/reset", {**headers, "origin": "http://localhost:3001"}) is not None
