"""A Terraform state written by a real Terraform run imports into an EMPTY state file and traces the same as the live
server it came from (issue 15, "Done when").

Terraform (on PATH) applies ``importing/main.tf`` with hashicorp/aws 5.100.0 from the filesystem mirror
``/opt/tf-plugins`` against the live ``vpcsim`` fixture, as a fresh account; its ``terraform.tfstate`` (and
``terraform show -json``) are then imported with ``vpcsim import`` into new state files. Skipped with the reason when
Terraform or the provider mirror is absent.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from vpcsim.app import Options, build
from vpcsim.control.analysis.run import trace_json
from vpcsim.testing import Server

CONFIG = Path(__file__).parent / "importing" / "main.tf"
MIRROR = Path("/opt/tf-plugins")
TERRAFORM = shutil.which("terraform")
pytestmark = pytest.mark.skipif(
    TERRAFORM is None or not (MIRROR / "registry.terraform.io" / "hashicorp" / "aws").is_dir(),
    reason="Terraform or the hashicorp/aws provider mirror (/opt/tf-plugins) is not on this machine",
)
# (source, destination, port): every path the small network has, public and private, across the peering.
PATHS = [
    ("10.40.1.10", "8.8.8.8", 443),  # the public subnet's interface has no public address
    ("10.40.2.10", "s3.us-east-1.amazonaws.com", 443),  # private subnet: the S3 gateway endpoint
    ("10.40.2.10", "8.8.8.8", 443),  # private subnet: the private NAT gateway
    ("10.40.2.10", "10.41.1.10", 5432),  # over the peering; the db group and the data ACL allow it
    ("10.41.1.10", "10.40.2.10", 443),
    ("10.41.1.10", "10.40.1.10", 22),  # the web group lets 443 in, not 22
    ("10.41.1.10", "10.40.1.10", 443),  # arrives; the public table has no route back over the peering
    ("10.40.1.10", "10.41.1.10", 5432),
    ("10.40.2.10", "10.41.1.10", 22),  # the db group allows 5432 only
    ("10.42.1.10", "10.40.2.10", 443),  # through the transit gateway
    ("10.40.2.10", "10.42.1.10", 443),  # the shared VPC's default group lets nothing in from outside it
    ("10.40.1.10", "10.42.1.10", 443),  # the public table has no route to the transit gateway
    ("10.41.1.10", "192.168.50.10", 443),  # the data VPC's main table: the VPN route propagated from the VGW
    ("10.40.2.10", "192.168.50.10", 443),  # the app VPC has no route to the office
]
KINDS = (
    "vpc", "subnet", "route-table", "network-acl", "security-group", "security-group-rule", "network-interface",
    "natgateway", "vpc-endpoint", "vpc-peering-connection", "transit-gateway", "transit-gateway-attachment",
    "transit-gateway-route-table", "vpn-gateway", "vpn-connection", "customer-gateway", "dhcp-options",
)  # fmt: skip
# (source on premises, destination, port): over the VPN connection, as `vpcsim trace --from-onprem ... --via vpn-...`.
FROM_OFFICE = [("192.168.50.10", "10.41.1.10", 5432), ("192.168.50.10", "10.41.1.10", 22)]


def _terraform(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    rc = folder / "terraform.rc"
    rc.write_text(
        'provider_installation {\n  filesystem_mirror {\n    path = "%s"\n  }\n}\n' % MIRROR  # noqa: UP031
    )
    env = {**os.environ, "TF_CLI_CONFIG_FILE": str(rc), "TF_IN_AUTOMATION": "1", "CHECKPOINT_DISABLE": "1"}
    return subprocess.run(
        [str(TERRAFORM), *args, "-no-color"], cwd=folder, env=env, capture_output=True, text=True, timeout=900
    )


@pytest.fixture(scope="module")
def applied(vpcsim: Server, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    folder = tmp_path_factory.mktemp("terraform")
    shutil.copy(CONFIG, folder / "main.tf")
    account = str(random.randrange(10**11, 10**12))  # a fresh account of the session's server
    init = _terraform(folder, "init", "-input=false")
    assert init.returncode == 0, init.stdout + init.stderr
    variables = ["-var", f"endpoint={vpcsim.url}", "-var", f"account={account}"]
    apply = _terraform(folder, "apply", "-auto-approve", "-input=false", *variables)
    assert apply.returncode == 0, apply.stdout[-3000:] + apply.stderr
    show = _terraform(folder, "show", "-json")
    assert show.returncode == 0, show.stderr
    (folder / "show.json").write_text(show.stdout)
    yield folder, account


def _import(source: Path, state: Path) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-m", "vpcsim", "import", str(source), "--state", str(state), "--json"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    return dict(json.loads(done.stdout))


def _live(server: Server, source: str, destination: str, port: int, via: str | None = None) -> dict[str, Any]:
    body = json.dumps({"source": source, "destination": destination, "port": port, "via": via}).encode()
    request = urllib.request.Request(
        server.url + "/_vpcsim/api/trace", data=body, method="POST", headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=60) as answer:
        return dict(json.loads(answer.read()))


def _path(trace: dict[str, Any]) -> tuple[Any, ...]:
    """What a trace found: the verdict, every hop's component, the explanation codes, the endpoint used."""
    return (
        trace["verdict"],
        [h["component"]["id"] for h in trace["hops"]],
        [e["code"] for e in trace["explanations"]],
        trace["endpoint"],
        trace["internet"],
    )


def test_the_state_imports_into_an_empty_state_file_once(applied: tuple[Path, str], tmp_path: Path) -> None:
    folder, _ = applied
    state = tmp_path / "empty.db"
    summary = _import(folder / "terraform.tfstate", state)
    assert summary["changed"] and summary["dangling"] == [] and summary["not_imported"] == []
    kinds = {k: c["imported"] for k, c in summary["kinds"].items()}
    assert kinds["vpc"] == 3 and kinds["subnet"] == 4 and kinds["network-interface"] == 5  # 4 + the NAT's
    assert kinds["route-table"] == 5 and kinds["vpc-peering-connection"] == 1 and kinds["vpc-endpoint"] == 1
    assert kinds["transit-gateway"] == 1 and kinds["transit-gateway-attachment"] == 2
    assert kinds["transit-gateway-route-table"] == 1  # its default table, named by the gateway
    assert kinds["vpn-gateway"] == kinds["vpn-connection"] == kinds["customer-gateway"] == kinds["dhcp-options"] == 1
    for made in ("main route table", "default security group", "default network ACL"):
        assert sum(made in a for a in summary["assumptions"]) == 3, made  # one per VPC, said
    again = _import(folder / "terraform.tfstate", state)
    assert again["changed"] is False


def test_the_imported_state_traces_the_same_as_the_live_server(
    applied: tuple[Path, str], vpcsim: Server, tmp_path: Path
) -> None:
    folder, _ = applied
    state = tmp_path / "imported.db"
    _import(folder / "terraform.tfstate", state)
    built = build(Options(state=state))
    try:
        for source, destination, port in PATHS:
            live = _path(_live(vpcsim, source, destination, port))
            imported = _path(trace_json(built.control.trace(source, destination, port=port)))
            assert imported == live, (source, destination, port)
        vpn = next(r for r in _state(folder)["resources"] if r["type"] == "aws_vpn_connection")
        via = vpn["instances"][0]["attributes"]["id"]
        for source, destination, port in FROM_OFFICE:
            live = _path(_live(vpcsim, source, destination, port, via))
            imported = _path(trace_json(built.control.trace(source, destination, port=port, via=via)))
            assert imported == live, (source, destination, port)
        verdicts = {p: _path(_live(vpcsim, *p))[0] for p in PATHS}
    finally:
        built.store.close()
    # The network does what it was built to do (so the comparison above compares something).
    assert verdicts[("10.40.2.10", "s3.us-east-1.amazonaws.com", 443)] == "reachable"
    assert verdicts[("10.40.2.10", "10.41.1.10", 5432)] == "reachable"
    assert verdicts[("10.40.2.10", "10.41.1.10", 22)] == "blocked"
    assert verdicts[("10.41.1.10", "10.40.1.10", 22)] == "blocked"
    assert verdicts[("10.41.1.10", "10.40.1.10", 443)] == "no-route"
    assert verdicts[("10.42.1.10", "10.40.2.10", 443)] == "reachable"
    assert verdicts[("10.41.1.10", "192.168.50.10", 443)] == "reachable"


def test_the_imported_records_are_the_live_ones(applied: tuple[Path, str], vpcsim: Server, tmp_path: Path) -> None:
    folder, account = applied
    state = tmp_path / "records.db"
    _import(folder / "terraform.tfstate", state)
    ec2 = vpcsim.client("ec2", region="us-east-1", account=account)
    tf_vpcs = {r["instances"][0]["attributes"]["id"] for r in _state(folder)["resources"] if r["type"] == "aws_vpc"}
    live = {
        "vpc": {v["VpcId"]: v["CidrBlock"] for v in ec2.describe_vpcs(VpcIds=sorted(tf_vpcs))["Vpcs"]},
        "subnet": {s["SubnetId"]: s["CidrBlock"] for s in _in(ec2.describe_subnets()["Subnets"], tf_vpcs)},
        "route-table": {
            t["RouteTableId"]: len(t["Associations"]) for t in _in(ec2.describe_route_tables()["RouteTables"], tf_vpcs)
        },
        "security-group": {
            g["GroupId"]: g["GroupName"] for g in _in(ec2.describe_security_groups()["SecurityGroups"], tf_vpcs)
        },
        "network-acl": {
            a["NetworkAclId"]: len(a["Associations"]) for a in _in(ec2.describe_network_acls()["NetworkAcls"], tf_vpcs)
        },
    }
    built = build(Options(state=state))
    try:
        with built.store.snapshot() as tx:
            mine = {
                "vpc": {r.id: r.doc["CidrBlock"] for r in tx.scan("vpc")},
                "subnet": {r.id: r.doc["CidrBlock"] for r in tx.scan("subnet")},
                "route-table": {r.id: len(r.doc["Associations"]) for r in tx.scan("route-table")},
                "security-group": {r.id: r.doc["GroupName"] for r in tx.scan("security-group")},
                "network-acl": {r.id: len(r.doc["Associations"]) for r in tx.scan("network-acl")},
            }
    finally:
        built.store.close()
    assert mine == live


def test_terraform_show_json_imports_the_same_records(applied: tuple[Path, str], tmp_path: Path) -> None:
    folder, _ = applied
    records = []
    for name in ("terraform.tfstate", "show.json"):
        state = tmp_path / f"{name}.db"
        _import(folder / name, state)
        built = build(Options(state=state))
        try:
            with built.store.snapshot() as tx:
                records.append({(k, r.id): (r.doc, r.tags, r.extra) for k in KINDS for r in tx.scan(k)})
        finally:
            built.store.close()
    assert records[0] == records[1] and len(records[0]) > 20


def _state(folder: Path) -> dict[str, Any]:
    return dict(json.loads((folder / "terraform.tfstate").read_text()))


def _in(items: list[dict[str, Any]], vpcs: set[str]) -> list[dict[str, Any]]:
    return [i for i in items if i.get("VpcId") in vpcs]
