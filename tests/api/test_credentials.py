"""``vpcsim serve --credentials FILE``: every signature verified, AWS's errors for the rest, the admin API, JSON API
and web view authenticated and scoped to the caller's account."""

from __future__ import annotations

import base64
import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.conftest import error_code
from vpcsim.testing import ADMIN_HEADERS, Server, free_port

NETWORK = ("AKIANETWORKTEAM00001", "network-secret", "111122223333")
APP = ("AKIAAPPTEAM000000001", "app-secret", "444455556666")
FILE = f"""
[network]
aws_access_key_id = {NETWORK[0]}
aws_secret_access_key = {NETWORK[1]}
account = {NETWORK[2]}
admin = true

[app]
aws_access_key_id = {APP[0]}
aws_secret_access_key = {APP[1]}
account = {APP[2]}
principal = arn:aws:iam::{APP[2]}:role/app
"""


@pytest.fixture(scope="module")
def secured(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    path = tmp_path_factory.mktemp("creds") / "credentials"
    path.write_text(FILE)
    server = Server(free_port(), ["--ephemeral", "--credentials", str(path)], basic=NETWORK[:2]).start()
    try:
        yield server
    finally:
        server.stop()


def _get(server: Server, path: str, basic: tuple[str, str] | None) -> tuple[int, Any]:
    headers = dict(ADMIN_HEADERS)
    if basic is not None:
        headers["Authorization"] = "Basic " + base64.b64encode(":".join(basic).encode()).decode()
    request = urllib.request.Request(server.url + path, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        return error.code, error.headers


def test_known_keys_act_as_their_account_and_principal(secured: Server) -> None:
    sts = secured.client("sts", access_key=APP[0], secret=APP[1])
    me = sts.get_caller_identity()
    assert me["Account"] == APP[2] and me["Arn"] == f"arn:aws:iam::{APP[2]}:role/app"
    ec2 = secured.client("ec2", "eu-west-2", access_key=NETWORK[0], secret=NETWORK[1])
    assert ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["OwnerId"] == NETWORK[2]


@pytest.mark.parametrize(
    ("service", "key", "secret", "code"),
    [
        ("ec2", APP[0], "wrong", "SignatureDoesNotMatch"),
        ("ec2", "AKIAUNKNOWN000000000", "x", "InvalidClientTokenId"),
        ("sts", APP[0], "wrong", "SignatureDoesNotMatch"),
        ("s3", APP[0], "wrong", "SignatureDoesNotMatch"),
        ("s3", "AKIAUNKNOWN000000000", "x", "InvalidAccessKeyId"),
        ("dynamodb", "AKIAUNKNOWN000000000", "x", "UnrecognizedClientException"),
        ("dynamodb", APP[0], "wrong", "InvalidSignatureException"),
    ],
)
def test_bad_signatures_get_aws_errors(secured: Server, service: str, key: str, secret: str, code: str) -> None:
    client = secured.client(service, "us-east-1", access_key=key, secret=secret)
    call = {
        "ec2": lambda: client.describe_vpcs(),
        "sts": lambda: client.get_caller_identity(),
        "s3": lambda: client.list_buckets(),
        "dynamodb": lambda: client.list_tables(),
    }[service]
    with pytest.raises(ClientError) as refused:
        call()
    assert error_code(refused) == code


def test_unsigned_requests_are_refused(secured: Server) -> None:
    body = b"Action=DescribeVpcs&Version=2016-11-15"
    request = urllib.request.Request(secured.url + "/", data=body, method="POST")
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=30)
    assert refused.value.code == 403 and b"MissingAuthenticationToken" in refused.value.read()


def test_the_admin_api_and_web_view_need_credentials(secured: Server) -> None:
    status, headers = _get(secured, "/_vpcsim/api/revision", None)
    assert status == 401 and "Basic" in headers["WWW-Authenticate"]
    assert _get(secured, "/_vpcsim/api/revision", APP[:2])[0] == 200
    assert _get(secured, "/_vpcsim/api/revision", (APP[0], "wrong"))[0] == 401
    assert _get(secured, "/", None)[0] == 401
    assert _get(secured, "/_vpcsim/health", None)[0] == 200  # open: says only that the server is up


def test_only_an_admin_resets(secured: Server) -> None:
    headers = {**ADMIN_HEADERS, "Authorization": "Basic " + base64.b64encode(":".join(APP[:2]).encode()).decode()}
    request = urllib.request.Request(secured.url + "/_vpcsim/reset", method="POST", headers=headers)
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=30)
    assert refused.value.code == 403
    secured.reset()  # as the admin (Server.basic)


def test_a_caller_sees_only_its_own_account(secured: Server) -> None:
    secured.client("ec2", "eu-west-2", access_key=NETWORK[0], secret=NETWORK[1]).create_vpc(CidrBlock="10.7.0.0/16")
    app_ec2 = secured.client("ec2", "eu-west-2", access_key=APP[0], secret=APP[1])
    app_ec2.create_vpc(CidrBlock="10.8.0.0/16")
    status, topology = _get(secured, f"/_vpcsim/api/topology?account={NETWORK[2]}", APP[:2])
    assert status == 200 and [a["id"] for a in topology["accounts"]] == [APP[2]]
    status, everything = _get(secured, "/_vpcsim/api/topology", NETWORK[:2])
    assert {a["id"] for a in everything["accounts"]} >= {APP[2], NETWORK[2]}  # the admin sees every account
    status, cost = _get(secured, f"/_vpcsim/api/cost?region=eu-west-2&account={NETWORK[2]}", APP[:2])
    assert cost["account"] == APP[2]


def test_a_credentials_file_that_cannot_be_used_is_one_clear_line(tmp_path: Path) -> None:
    bad = tmp_path / "credentials"
    bad.write_text("[x]\naws_access_key_id = A\naws_secret_access_key = B\naccount = 12\n")
    server = Server(free_port(), ["--ephemeral", "--credentials", str(bad)])
    with pytest.raises(RuntimeError) as failed:
        server.start()
    message = str(failed.value)
    assert "12-digit" in message and "Traceback" not in message
