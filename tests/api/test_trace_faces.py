"""The same data plane through the JSON API and ``vpcsim trace`` / ``vpcsim cost``: verdict, path, cost per GB."""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from tests.api.test_dataplane import _instance, _nat, _net

VPCSIM = str(Path(sys.executable).with_name("vpcsim"))


def _post(server: Any, path: str, body: object) -> tuple[int, dict[str, Any]]:
    request = urllib.request.Request(server.url + path, data=json.dumps(body).encode(), method="POST")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def _get(server: Any, path: str) -> tuple[int, dict[str, Any]]:
    try:
        with urllib.request.urlopen(server.url + path, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


@pytest.fixture
def world(vpcsim: Any, account: str) -> dict[str, str]:
    ec2 = vpcsim.client("ec2", "eu-west-2", account)
    net = _net(ec2)
    nat = _nat(net)
    instance = _instance(ec2, net.private)
    return {"instance": instance, "nat": nat, "vpc": net.vpc, "table": net.private_table}


def test_json_api_prices_the_nat_path_and_the_endpoint_path(vpcsim: Any, account: str, world: dict[str, str]) -> None:
    status, trace = _post(
        vpcsim, "/_vpcsim/api/trace", {"source": world["instance"], "destination": "s3.eu-west-2.amazonaws.com"}
    )
    assert status == 200 and trace["verdict"] == "reachable" and trace["internet"] is True
    assert trace["charges"][0]["item"] == "NAT gateway data processing"
    assert trace["charges"][0]["usd_per_gb"] == pytest.approx(0.05) and trace["endpoint"] is None
    ec2 = vpcsim.client("ec2", "eu-west-2", account)
    endpoint = ec2.create_vpc_endpoint(
        VpcId=world["vpc"], ServiceName="com.amazonaws.eu-west-2.s3", RouteTableIds=[world["table"]]
    )["VpcEndpoint"]["VpcEndpointId"]
    status, private = _post(
        vpcsim,
        "/_vpcsim/api/trace",
        {"source": world["instance"], "destination": "s3.eu-west-2.amazonaws.com", "port": 443},
    )
    assert private["verdict"] == "reachable" and private["internet"] is False and private["endpoint"] == endpoint
    assert private["usd_per_gb"] == 0 and [c["item"] for c in private["charges"]] == ["Gateway endpoint (free)"]


def test_json_api_refuses_bad_input(vpcsim: Any, world: dict[str, str]) -> None:
    assert _post(vpcsim, "/_vpcsim/api/trace", {"source": "i-0123456789abcdef0", "destination": "x"})[0] == 400
    status, body = _post(vpcsim, "/_vpcsim/api/trace", {"source": world["instance"]})
    assert status == 400 and body["error"]["code"] == "MissingParameter"
    status, body = _post(vpcsim, "/_vpcsim/api/trace", {"source": world["instance"], "destination": "x", "port": "ab"})
    assert status == 400 and body["error"]["code"] == "InvalidParameterValue"
    status, unresolved = _post(
        vpcsim, "/_vpcsim/api/trace", {"source": world["instance"], "destination": "nope.example"}
    )
    assert status == 200 and unresolved["verdict"] == "unresolved"
    assert _get(vpcsim, "/_vpcsim/api/cost?region=xx-nowhere-1")[0] == 400
    assert _get(vpcsim, "/_vpcsim/api/what-if?volume_gb=lots")[0] == 400


def test_json_api_monthly_cost_and_what_if(vpcsim: Any, account: str, world: dict[str, str]) -> None:
    status, cost = _get(vpcsim, f"/_vpcsim/api/cost?region=eu-west-2&account={account}")
    assert status == 200
    nat_lines = [i for i in cost["items"] if i["resource_id"] == world["nat"]]
    assert nat_lines and nat_lines[0]["quantity"] == 730 and cost["complete"] is True
    # the NAT gateway's hours and its Elastic IP's public IPv4 hours ($0.005 an hour since 2024-02-01)
    assert cost["total_usd"] == pytest.approx(730 * 0.05 + 730 * 0.005)
    status, comparison = _get(vpcsim, "/_vpcsim/api/what-if?region=us-east-1&volume_gb=5120")
    usd = {p["path"]: p["monthly_usd"] for p in comparison["paths"]}
    assert usd["nat-gateway"] == pytest.approx(730 * 0.045 + 5120 * 0.045) and usd["gateway-endpoint"] == 0
    assert usd["interface-endpoint"] == pytest.approx(2 * 730 * 0.01 + 5120 * 0.01)


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [VPCSIM, *args], capture_output=True, text=True, timeout=60, env={"COLUMNS": "200", "PATH": "/usr/bin:/bin"}
    )


def test_vpcsim_trace_prints_the_hops_and_exits_by_verdict(vpcsim: Any, world: dict[str, str]) -> None:
    done = _cli("trace", world["instance"], "s3.eu-west-2.amazonaws.com:443", "--endpoint-url", vpcsim.url)
    assert done.returncode == 0, done.stderr
    assert "Verdict: reachable" in done.stdout and world["nat"] in done.stdout
    assert "Public internet crossed: yes" in done.stdout and "NAT gateway data processing" in done.stdout
    as_json = _cli("trace", world["instance"], "10.0.1.250", "--json", "--endpoint-url", vpcsim.url)
    assert as_json.returncode == 1 and json.loads(as_json.stdout)["explanations"][0]["code"] == "UNKNOWN_DESTINATION"
    bad = _cli("trace", "i-0123456789abcdef0", "8.8.8.8", "--endpoint-url", vpcsim.url)
    assert bad.returncode == 2 and "InvalidParameterValue" in bad.stderr


def test_vpcsim_cost(vpcsim: Any, account: str, world: dict[str, str]) -> None:
    monthly = _cli("cost", "--region", "eu-west-2", "--account", account, "--json", "--endpoint-url", vpcsim.url)
    assert monthly.returncode == 0 and json.loads(monthly.stdout)["total_usd"] == pytest.approx(36.5 + 3.65)
    what_if = _cli("cost", "--what-if", "5120", "--region", "us-east-1", "--endpoint-url", vpcsim.url)
    assert what_if.returncode == 0 and "Cheapest: gateway-endpoint" in what_if.stdout


def test_vpcsim_trace_on_a_state_file(tmp_path: Path) -> None:
    from vpcsim.testing import persistent_server

    server = persistent_server(tmp_path / "state.db").start()
    try:
        ec2 = server.client("ec2", "eu-west-2", "333344445555")
        net = _net(ec2)
        instance = _instance(ec2, net.public)
    finally:
        server.stop()
    done = _cli("trace", instance, "8.8.8.8:443", "--state", str(tmp_path / "state.db"), "--json")
    assert json.loads(done.stdout)["explanations"][0]["code"] == "IGW_EXPECTS_PUBLIC_ADDRESS"


def test_a_path_the_price_book_cannot_price_reads_unpriced_not_free(vpcsim: Any, account: str) -> None:
    """Sydney has data transfer prices but no NAT gateway price: the NAT path is 'at least', never $0."""
    ec2 = vpcsim.client("ec2", "ap-southeast-2", account)
    net = _net(ec2, region="ap-southeast-2")
    _nat(net)
    instance = _instance(ec2, net.private)
    status, trace = _post(vpcsim, "/_vpcsim/api/trace", {"source": instance, "destination": "8.8.8.8", "port": 443})
    assert status == 200 and trace["verdict"] == "reachable"
    assert [u["item"] for u in trace["unpriced"]] == ["NAT gateway data processing"]
    assert trace["priced_completely"] is False
    human = subprocess.run(
        [VPCSIM, "trace", instance, "8.8.8.8:443", "--endpoint-url", vpcsim.url], capture_output=True, text=True
    )
    assert "Cost per GB: at least $" in human.stdout and "unpriced  NAT gateway data processing" in human.stdout
    assert "nothing on this path charges" not in human.stdout
