"""The UI's JavaScript unit tests (tests/ui/js/*.test.mjs), run with Node.js's own test runner (``node --test``):
layout, drawing, the kinds table, pan/zoom arithmetic, the trace path, the cost chart and the picker, on the demo
world's real topology, traces and what-if answers, which this module fetches from a live server and hands to node
in a folder named by ``VPCSIM_UI_FIXTURES``. Skipped, with the reason, where node (18 or newer) is missing."""

from __future__ import annotations

import ipaddress
import json
import os
import shutil
import subprocess
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from vpcsim.testing import Server, free_port

NODE = shutil.which("node")
_TRACE_FIELDS = ("source", "destination", "port", "action", "resource")  # of a demo scenario, as the UI sends them
_WHAT_IF = "/_vpcsim/api/what-if?region=eu-west-2&service=s3&azs=2"
JS_TESTS = sorted((Path(__file__).parent / "js").glob("*.test.mjs"))


def _node_major() -> int:
    if NODE is None:
        return 0
    done = subprocess.run([NODE, "--version"], capture_output=True, text=True, timeout=30)
    return int(done.stdout.strip().lstrip("v").split(".")[0]) if done.returncode == 0 else 0


pytestmark = pytest.mark.skipif(
    _node_major() < 18, reason="the UI's JavaScript unit tests need Node.js 18 or newer (node on PATH); none here"
)


def _get(server: Server, path: str, body: dict[str, Any] | None = None) -> Any:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(server.url + path, data=data, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read())


def _add_hybrid(server: Server, topology: dict[str, Any]) -> None:
    """Beside the demo (after its traces): an IPv6 block, an egress-only gateway, a virtual private gateway with a
    VPN to a customer network, and flow logs on a subnet and an interface, built with boto3 in a demo VPC."""
    vpc = next(
        v
        for a in topology["accounts"]
        for r in a["regions"]
        for v in r["vpcs"]
        if v["internet_gateway"] and not v["default"]
    )
    ec2 = server.client("ec2", vpc["region"], vpc["account"])
    ec2.associate_vpc_cidr_block(VpcId=vpc["id"], AmazonProvidedIpv6CidrBlock=True)
    block = ec2.describe_vpcs(VpcIds=[vpc["id"]])["Vpcs"][0]["Ipv6CidrBlockAssociationSet"][0]["Ipv6CidrBlock"]
    subnet = next(s for az in vpc["azs"] for s in az["subnets"] if s["resources"])
    first = next(ipaddress.ip_network(block).subnets(new_prefix=64))
    ec2.associate_subnet_cidr_block(SubnetId=subnet["id"], Ipv6CidrBlock=str(first))
    ec2.create_egress_only_internet_gateway(VpcId=vpc["id"])
    vgw = ec2.create_vpn_gateway(Type="ipsec.1")["VpnGateway"]["VpnGatewayId"]
    ec2.attach_vpn_gateway(VpcId=vpc["id"], VpnGatewayId=vgw)
    cgw = ec2.create_customer_gateway(
        Type="ipsec.1",
        BgpAsn=65010,
        IpAddress="203.0.113.10",
        TagSpecifications=[{"ResourceType": "customer-gateway", "Tags": [{"Key": "Name", "Value": "head office"}]}],
    )["CustomerGateway"]["CustomerGatewayId"]
    vpn = ec2.create_vpn_connection(
        Type="ipsec.1", CustomerGatewayId=cgw, VpnGatewayId=vgw, Options={"StaticRoutesOnly": True}
    )["VpnConnection"]["VpnConnectionId"]
    ec2.create_vpn_connection_route(VpnConnectionId=vpn, DestinationCidrBlock="192.168.0.0/16")
    destination = ec2.describe_flow_logs()["FlowLogs"][0]["LogDestination"]
    eni = next(i["id"] for r in subnet["resources"] for i in r["interfaces"])
    for kind, rid in (("Subnet", subnet["id"]), ("NetworkInterface", eni)):
        spec = {"TrafficType": "REJECT", "LogDestinationType": "s3", "LogDestination": destination}
        ec2.create_flow_logs(ResourceIds=[rid], ResourceType=kind, **spec)


def _onprem_trace(server: Server, topology: dict[str, Any]) -> dict[str, Any]:
    """A trace from the first host on premises the form offers to an instance in the VPC its VPN reaches."""
    offered = next(s for s in topology["suggestions"]["sources"] if s.get("via"))
    vpc = next(v for a in topology["accounts"] for r in a["regions"] for v in r["vpcs"] if v.get("vpn_gateway"))
    instance = next(
        res for az in vpc["azs"] for s in az["subnets"] for res in s["resources"] if res["kind"] == "instance"
    )
    request = {"source": offered["source"], "via": offered["via"], "destination": instance["ip"], "port": 22}
    return {"offered": offered, "request": request, "answer": _get(server, "/_vpcsim/api/trace", request)}


@pytest.fixture(scope="module")
def fixtures(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    folder = tmp_path_factory.mktemp("ui-fixtures")
    server = Server(free_port(), ["--ephemeral", "--demo"]).start()
    try:
        topology = _get(server, "/_vpcsim/api/topology")
        traces = []
        for example in topology["examples"]:
            request = {"protocol": "tcp", **{k: example[k] for k in _TRACE_FIELDS if example.get(k)}}
            answer = _get(server, "/_vpcsim/api/trace", request)
            traces.append({"title": example["title"], "request": request, "answer": answer})
        volumes = [200 * i for i in range(11)]
        what_if = [_get(server, f"{_WHAT_IF}&volume_gb={v}") for v in volumes]
        _add_hybrid(server, topology)
        topology = _get(server, "/_vpcsim/api/topology")
        onprem = _onprem_trace(server, topology)
    finally:
        server.stop()
    (folder / "topology.json").write_text(json.dumps(topology))
    (folder / "traces.json").write_text(json.dumps(traces))
    (folder / "what-if.json").write_text(json.dumps({"volumes": volumes, "answers": what_if}))
    (folder / "onprem-trace.json").write_text(json.dumps(onprem))
    yield folder


@pytest.mark.parametrize("test_file", JS_TESTS, ids=lambda p: p.name)
def test_javascript(test_file: Path, fixtures: Path) -> None:
    env = {**os.environ, "VPCSIM_UI_FIXTURES": str(fixtures)}
    done = subprocess.run([str(NODE), "--test", str(test_file)], capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
