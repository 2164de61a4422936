"""The wire itself: envelopes, errors, identity, dry runs, bad input, persistence."""

from __future__ import annotations

import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.conftest import error_code
from vpcsim.testing import Server, persistent_server


def _post(server: Server, body: bytes, headers: dict[str, str] | None = None) -> tuple[int, str]:
    request = urllib.request.Request(server.url + "/", data=body, method="POST", headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (b"", "MissingAction"),
        (b"\xff\xfe\x00garbage", "MissingAction"),
        (b"Action=NoSuchThing&Version=2016-11-15", "InvalidAction"),
        (b"Action=CreateVpc&Version=2016-11-15&CidrBlock=10.0.0.0/16&Bogus=1", "UnknownParameter"),
        (b"Action=DescribeVpcs&Version=2016-11-15&MaxResults=ten", "InvalidParameterValue"),
        (b"Action=DescribeVpcs&Version=2016-11-15&MaxResults=4", "InvalidParameterValue"),
        (b"Action=DescribeVpcs&Version=2016-11-15&NextToken=bm9wZQ", "InvalidPaginationToken"),
        (
            b"Action=DescribeVpcAttribute&Version=2016-11-15&VpcId=vpc-12345678&Attribute=colour",
            "InvalidParameterValue",
        ),
        (b"Action=CreateSubnet&Version=2016-11-15", "MissingParameter"),
        (b"Action=DescribeVpcs&Version=2016-11-15&VpcId.x=1", "InvalidParameterValue"),
        (b"Action=DescribeSpotPriceHistory&Version=2016-11-15", "UnsupportedOperation"),
    ],
)
def test_bad_requests_get_aws_errors(vpcsim: Server, body: bytes, code: str) -> None:
    status, text = _post(vpcsim, body)
    assert status == 400
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error>')
    assert f"<Code>{code}</Code>" in text and "<RequestID>" in text


def test_unsigned_get_with_query_string(vpcsim: Server) -> None:
    url = vpcsim.url + "/?Action=DescribeRegions&Version=2016-11-15&RegionName.1=eu-west-2"
    with urllib.request.urlopen(url, timeout=10) as response:
        text = response.read().decode()
    assert '<DescribeRegionsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">' in text
    assert "<regionName>eu-west-2</regionName>" in text and "<requestId>" in text


def test_account_from_access_key(vpcsim: Server) -> None:
    sts = vpcsim.client("sts", account="210987654321")
    assert sts.get_caller_identity()["Account"] == "210987654321"
    other = vpcsim.client("sts")
    assert other.get_caller_identity()["Arn"] == "arn:aws:iam::123456789012:root"


def test_accounts_and_regions_are_isolated(vpcsim: Server, account: str) -> None:
    mine = vpcsim.client("ec2", "eu-west-2", account)
    vpc_id = mine.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    elsewhere = vpcsim.client("ec2", "eu-west-1", account)
    stranger = vpcsim.client("ec2", "eu-west-2", "999988887777")
    for client in (elsewhere, stranger):
        with pytest.raises(ClientError) as excinfo:
            client.describe_vpcs(VpcIds=[vpc_id])
        assert error_code(excinfo) == "InvalidVpcID.NotFound"


def test_dry_run(ec2: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        ec2.create_vpc(CidrBlock="10.0.0.0/16", DryRun=True)
    assert error_code(excinfo) == "DryRunOperation"
    assert excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"] == 412
    with pytest.raises(ClientError) as excinfo:
        ec2.create_vpc(CidrBlock="10.0.0.0/8", DryRun=True)
    assert error_code(excinfo) == "InvalidVpc.Range"
    assert len(ec2.describe_vpcs()["Vpcs"]) == 1


def test_failed_call_leaves_no_trace(ec2: Any) -> None:
    vpc_id = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    before = ec2.describe_vpcs()["Vpcs"]
    # Two resources, the second invalid: the tag on the first must not be applied either.
    with pytest.raises(ClientError):
        ec2.create_tags(Resources=[vpc_id, "vpc-0123456789abcdef0"], Tags=[{"Key": "k", "Value": "v"}])
    assert ec2.describe_vpcs()["Vpcs"] == before


def test_reset_endpoints_clear_state(tmp_path: Path) -> None:
    server = persistent_server(tmp_path / "state.db").start()
    try:
        ec2 = server.client("ec2", account="111111111111")
        ec2.create_vpc(CidrBlock="10.0.0.0/16")
        request = urllib.request.Request(server.url + "/moto-api/reset", method="POST")
        urllib.request.urlopen(request, timeout=5).close()
        assert [v["IsDefault"] for v in ec2.describe_vpcs()["Vpcs"]] == [True]
    finally:
        server.stop()


def test_state_survives_restart(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    server = persistent_server(path).start()
    try:
        ec2 = server.client("ec2", "eu-west-2", "222222222222")
        vpc_id = ec2.create_vpc(
            CidrBlock="10.5.0.0/16",
            TagSpecifications=[{"ResourceType": "vpc", "Tags": [{"Key": "Name", "Value": "kept"}]}],
        )["Vpc"]["VpcId"]
        before = ec2.describe_vpcs()["Vpcs"]
    finally:
        server.stop()
    again = Server(server.port, ["--state", str(path)]).start()
    try:
        ec2 = again.client("ec2", "eu-west-2", "222222222222")
        assert ec2.describe_vpcs()["Vpcs"] == before
        assert ec2.describe_vpcs(VpcIds=[vpc_id])["Vpcs"][0]["Tags"] == [{"Key": "Name", "Value": "kept"}]
    finally:
        again.stop()
