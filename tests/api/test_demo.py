"""The demo world: ``vpcsim demo --state`` loads it once, and every seed scenario traces as the issue says through
the JSON API of a server started on that state."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.api.test_trace_faces import _get, _post
from vpcsim.testing import Server, persistent_server


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    state = tmp_path_factory.mktemp("demo") / "state.db"
    first = _demo(state)
    assert first.returncode == 0, first.stderr
    assert "Loaded the demo world" in first.stdout
    again = _demo(state)
    assert again.returncode == 0 and "already loaded" in again.stdout
    server = persistent_server(state).start()
    try:
        yield server
    finally:
        server.stop()


def _demo(state: Path) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "vpcsim", "demo", "--state", str(state)]
    return subprocess.run(command, capture_output=True, text=True, timeout=60)


@pytest.fixture(scope="module")
def examples(demo: Server) -> dict[str, dict[str, Any]]:
    status, topology = _get(demo, "/_vpcsim/api/topology")
    assert status == 200
    return {e["title"].split(" (")[0]: e for e in topology["examples"]}


def _trace(server: Server, example: dict[str, Any]) -> dict[str, Any]:
    body = {k: v for k, v in example.items() if k != "title"}
    status, trace = _post(server, "/_vpcsim/api/trace", body)
    assert status == 200, trace
    return trace


def _request(trace: dict[str, Any]) -> list[dict[str, Any]]:
    """The request's hops (the reply's follow, marked ``reply``)."""
    return [h for h in trace["hops"] if not h["reply"]]


def _kinds(trace: dict[str, Any]) -> list[str]:
    return [h["component"]["kind"] for h in _request(trace)]


def test_nat_path_is_public_and_priced(demo: Server, examples: dict[str, Any]) -> None:
    trace = _trace(demo, examples["S3 through a NAT gateway"])
    assert trace["verdict"] == "reachable" and trace["internet"] is True
    assert {"nat-gateway", "internet-gateway"} <= set(_kinds(trace)) and trace["usd_per_gb"] > 0


def test_gateway_endpoint_path_is_private_and_free(demo: Server, examples: dict[str, Any]) -> None:
    trace = _trace(demo, examples["S3 through a gateway endpoint"])
    assert trace["verdict"] == "reachable" and trace["internet"] is False
    assert trace["endpoint"].startswith("vpce-") and trace["usd_per_gb"] == 0
    assert "nat-gateway" not in _kinds(trace)


def test_dynamodb_across_regions_over_peering(demo: Server, examples: dict[str, Any]) -> None:
    trace = _trace(demo, examples["DynamoDB from eu-west-1 over inter-region peering"])
    assert trace["verdict"] == "reachable" and trace["internet"] is False
    kinds = _kinds(trace)
    assert kinds.index("vpc-peering-connection") < kinds.index("vpc-endpoint") < kinds.index("aws-service")
    assert _request(trace)[-1]["component"]["id"] == "dynamodb.eu-west-2"


def test_consumer_reaches_the_provider_target(demo: Server, examples: dict[str, Any]) -> None:
    trace = _trace(demo, examples["PrivateLink: allowed consumer to the provider"])
    assert trace["verdict"] == "reachable"
    assert [k for k in _kinds(trace) if k in ("endpoint-service", "load-balancer", "target-group")] == [
        "endpoint-service",
        "load-balancer",
        "target-group",
    ]
    assert _request(trace)[-1]["component"]["kind"] == "instance"


def test_account_not_allowed_cannot_connect(demo: Server, examples: dict[str, Any]) -> None:
    trace = _trace(demo, examples["PrivateLink: an account that is not allowed"])
    assert trace["verdict"] != "reachable"
    ec2 = demo.client("ec2", "eu-west-2", "444444444444")
    vpc = next(v["VpcId"] for v in ec2.describe_vpcs()["Vpcs"] if not v["IsDefault"])
    subnet = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["Subnets"][0]["SubnetId"]
    _, topology = _get(demo, "/_vpcsim/api/topology")
    (service,) = topology["endpoint_services"]
    with pytest.raises(ClientError) as refused:
        ec2.create_vpc_endpoint(
            VpcId=vpc, VpcEndpointType="Interface", ServiceName=service["service_name"], SubnetIds=[subnet]
        )
    assert refused.value.response["Error"]["Code"] == "InvalidServiceName"
    assert [c["account"] for c in service["consumers"]] == ["333333333333"]


def test_bucket_policy_allows_the_endpoint_and_denies_another_path(demo: Server, examples: dict[str, Any]) -> None:
    allowed = _trace(demo, examples["Bucket policy: through the gateway endpoint"])
    assert allowed["verdict"] == "reachable"
    denied = _trace(demo, examples["Bucket policy: through the NAT gateway"])
    assert denied["verdict"] == "blocked"
    assert [e["code"] for e in denied["explanations"]] == ["RESOURCE_POLICY_DENY"]


def test_demo_ids_are_reproducible(demo: Server, tmp_path: Path) -> None:
    """The demo draws its ids from a seeded factory: the same world on every machine."""
    other = tmp_path / "state.db"
    assert _demo(other).returncode == 0
    server = persistent_server(other).start()
    try:
        ours = _get(demo, "/_vpcsim/api/topology")[1]["examples"]
        theirs = _get(server, "/_vpcsim/api/topology")[1]["examples"]
    finally:
        server.stop()
    assert ours == theirs
