"""``vpcsim import`` on files of AWS CLI output: one transaction (bad input keeps nothing), importing twice changes
nothing, a newer dump wins, partial dumps import and traces state their assumptions, and an imported estate works
exactly as a built one through the real AWS API, the Reachability Analyzer API, the JSON API and the web view of a
server started on the state file, and through ``POST /_vpcsim/import`` into a running server."""

from __future__ import annotations

import base64
import json
import shutil
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from tests.api.importing import dumps_folder
from tests.api.test_credentials import APP, NETWORK
from tests.api.test_credentials import FILE as CREDENTIALS
from vpcsim.app import Options, build
from vpcsim.control import Control
from vpcsim.importer import ImportFailed, import_paths, import_payload
from vpcsim.importer.sources import parse
from vpcsim.model import IdFactory
from vpcsim.store import MemoryBackend, Store
from vpcsim.testing import ADMIN_HEADERS, Server, free_port, persistent_server

DUMPS = dumps_folder()
GATEWAY = DUMPS / "test-vpc-endpoint-gateway" / "aws_configs" / "us-east-1"
TRANSIT = DUMPS / "test-transit-gateway" / "aws_configs"
pytestmark = pytest.mark.skipif(not GATEWAY.is_dir(), reason=f"the real dumps are not at {DUMPS}")
VPC = "vpc-05d56c7295fca139b"
PUBLIC, PRIVATE = "i-0464d440ca0ee9e34", "i-01c6c0647fdccc89e"


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "vpcsim", *args], capture_output=True, text=True, timeout=300)


def copy_dump(tmp_path: Path, *names: str) -> Path:
    """Some files of the gateway-endpoint dump in a folder named after its Region."""
    folder = tmp_path / "dump" / "us-east-1"
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        shutil.copy(GATEWAY / f"{name}.json", folder / f"{name}.json")
    return folder


def state_of(path: Path) -> tuple[int, dict[str, int]]:
    """A state file's revision and record count per kind."""
    built = build(Options(state=path))
    try:
        with built.store.snapshot() as tx:
            kinds = ("vpc", "subnet", "route-table", "security-group", "security-group-rule", "network-interface")
            return built.store.revision, {k: len(list(tx.scan(k))) for k in kinds}
    finally:
        built.store.close()


# -- bad input keeps nothing -----------------------------------------------------------------------------------------
BAD = {
    "truncated.json": lambda text: text[: len(text) // 2],
    "not-json.json": lambda text: "Vpcs: vpc-1, vpc-2\n",
    "unknown.json": lambda text: json.dumps({"Gadgets": [{"GadgetId": "g-1"}]}),
    "list.json": lambda text: json.dumps([{"VpcId": "vpc-1"}]),
}


@pytest.mark.parametrize("bad", sorted(BAD))
def test_a_bad_file_fails_naming_it_and_nothing_of_the_import_is_kept(tmp_path: Path, bad: str) -> None:
    folder = copy_dump(tmp_path, "Vpcs", "Subnets", "RouteTables")
    (folder / bad).write_text(BAD[bad]((GATEWAY / "SecurityGroups.json").read_text()))
    state = tmp_path / "state.db"
    done = cli("import", str(folder), "--state", str(state))
    assert done.returncode == 1
    assert len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr
    assert str(folder / bad) in done.stderr and "nothing was imported" in done.stderr
    revision, counts = state_of(state)
    assert revision == 0 and not any(counts.values())


def test_a_bad_file_leaves_an_earlier_import_untouched(tmp_path: Path) -> None:
    state = tmp_path / "state.db"
    assert cli("import", str(GATEWAY), "--state", str(state)).returncode == 0
    before = state_of(state)
    folder = copy_dump(tmp_path, "Vpcs", "Subnets")
    (folder / "Subnets.json").write_text(
        (folder / "Subnets.json").read_text().replace("10.1.101.0/24", "10.1.102.0/24")
    )
    (folder / "Truncated.json").write_text('{"RouteTables": [{"RouteTableId": "rtb-1", "VpcId": ')
    assert cli("import", str(folder), "--state", str(state)).returncode == 1
    assert state_of(state) == before


def test_the_message_says_what_is_wrong() -> None:
    store = Store(MemoryBackend())
    with pytest.raises(ImportFailed, match=r"x\.json: not valid JSON \(the file ends early: truncated\?\)"):
        parse("x.json", b'{"Vpcs": [{"VpcId": "vpc-1"')
    with pytest.raises(ImportFailed, match=r"unknown shape .*top-level members: Gadgets"):
        import_payload(store, {"files": [{"name": "us-east-1/g.json", "content": {"Gadgets": []}}]})
    assert store.revision == 0


# -- twice, and a newer dump ---------------------------------------------------------------------------------------
def test_a_newer_dump_wins_and_a_group_gets_exactly_its_listed_rules(tmp_path: Path) -> None:
    state = tmp_path / "state.db"
    assert cli("import", str(GATEWAY), "--state", str(state)).returncode == 0
    folder = copy_dump(tmp_path, "Subnets", "SecurityGroups")
    subnets = json.loads((folder / "Subnets.json").read_text())
    subnets["Subnets"][0]["Tags"] = [{"Key": "Name", "Value": "renamed"}]
    (folder / "Subnets.json").write_text(json.dumps(subnets))
    groups = json.loads((folder / "SecurityGroups.json").read_text())
    sg = next(g for g in groups["SecurityGroups"] if g["GroupName"] == "testing_sg")
    sg["IpPermissions"] = [p for p in sg["IpPermissions"] if p.get("FromPort") != 22]  # SSH no longer allowed
    (folder / "SecurityGroups.json").write_text(json.dumps(groups))
    done = cli("import", str(folder), "--state", str(state), "--json")
    summary = json.loads(done.stdout)
    assert summary["kinds"]["subnet"] == {"imported": 0, "updated": 1, "unchanged": 1, "removed": 0}
    assert summary["kinds"]["security-group-rule"]["removed"] == 1
    assert summary["kinds"]["security-group-rule"]["imported"] == 0
    built = build(Options(state=state))
    try:
        with built.store.snapshot() as tx:
            assert tx.find("subnet", subnets["Subnets"][0]["SubnetId"]).tags == {"Name": "renamed"}  # type: ignore[union-attr]
        ssh = built.control.trace(PRIVATE, "10.1.1.169", port=22)
        assert ssh.verdict.value == "blocked"
        assert built.control.trace(PRIVATE, "10.1.1.169", port=443).verdict.value == "reachable"
        assert built.control.trace(PUBLIC, "8.8.8.8").verdict.value == "reachable"  # the rest of the state stays
    finally:
        built.store.close()


def test_the_summary_table_lists_kinds_unmodelled_and_assumptions(tmp_path: Path) -> None:
    done = cli("import", str(DUMPS / "hybrid-cloud-aws"), "--state", str(tmp_path / "s.db"))
    assert done.returncode == 0, done.stderr
    out = " ".join(done.stdout.split())
    for text in (
        "security-group-rule",
        "43",
        "Not modelled by vpcsim",
        "DBInstances (rds describe-db-instances)",
        "Dangling references",
        "nat-055c00735cace0ec4",
        "Assumptions",
        "the state is changed",
    ):
        assert text in out


# -- partial dumps: gaps filled with named assumptions, and said in every trace through them ------------------------
def test_a_partial_dump_imports_and_traces_state_their_assumptions(tmp_path: Path) -> None:
    folder = copy_dump(tmp_path, "Vpcs", "Subnets", "NetworkInterfaces", "Reservations")
    store = Store(MemoryBackend())
    summary = import_paths(store, [folder]).to_json()
    for gap in ("no security groups were imported for", "the default network ACL of", "the main route table of"):
        assert any(a.startswith(gap) and VPC in a for a in summary["assumptions"]), gap
    control = Control(store, IdFactory(1))
    inside = control.trace(PRIVATE, "10.1.1.169", port=80)  # no groups: taken to allow everything
    assert inside.verdict.value == "reachable"
    assert f"no security groups were imported for {VPC}: the trace assumes they allow everything" in inside.notes
    assert any("the default network ACL of" in n for n in inside.notes)
    out = control.trace(PUBLIC, "8.8.8.8")  # route tables not imported: the assumed main table has local only
    assert out.verdict.value == "no-route"
    assert any(n.startswith(f"the main route table of {VPC} was not imported") for n in out.notes)
    # The groups arrive later: the gap closes, and the trace now uses them (nothing on port 80).
    assert import_paths(store, [copy_dump(tmp_path, "SecurityGroups")]).changed
    after = control.trace(PRIVATE, "10.1.1.169", port=80)
    assert after.verdict.value == "blocked"
    assert not any("security groups" in n for n in after.notes)


def test_instances_without_their_interfaces_listed_take_them_from_describe_instances(tmp_path: Path) -> None:
    folder = copy_dump(tmp_path, "Vpcs", "Subnets", "SecurityGroups", "NetworkAcls", "RouteTables", "Reservations")
    store = Store(MemoryBackend())
    summary = import_paths(store, [folder]).to_json()
    assert summary["kinds"]["network-interface"]["imported"] == 2
    assert any("taken from their instance's entry" in a for a in summary["assumptions"])
    with store.snapshot() as tx:
        eni = tx.find("network-interface", "eni-05a3a36428edb2766")
    assert eni is not None and eni.doc["AvailabilityZone"] == "us-east-1a"
    assert eni.doc["Attachment"]["InstanceId"] == PUBLIC


def test_references_to_what_is_missing_are_reported_and_orphans_not_imported(tmp_path: Path) -> None:
    folder = copy_dump(tmp_path, "Subnets", "RouteTables", "NetworkInterfaces")  # no VPCs at all
    summary = import_paths(Store(MemoryBackend()), [folder]).to_json()
    assert summary["kinds"].get("subnet", {}).get("imported", 0) == 0
    assert any(d.startswith("subnet-01e5f0945f6d6f47c: not imported: its vpc") for d in summary["not_imported"])
    assert any(d.startswith("eni-05a3a36428edb2766: not imported: its subnet") for d in summary["not_imported"])


# -- an imported estate, served ---------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Any:
    state = tmp_path_factory.mktemp("served") / "state.db"
    assert cli("import", str(TRANSIT), "--state", str(state)).returncode == 0
    server = persistent_server(state).start(timeout=60)
    try:
        yield server
    finally:
        server.stop()


def test_a_server_on_the_imported_state_describes_it_through_the_aws_api(served: Server) -> None:
    ec2 = served.client("ec2", region="us-east-2", account="554773406868")
    vpcs = {v["VpcId"]: v for v in ec2.describe_vpcs()["Vpcs"]}
    assert set(vpcs) == {"vpc-00a31ce9d0c06675c", "vpc-0404e08ceddf7f650"}  # and no default VPC made beside them
    assert vpcs["vpc-0404e08ceddf7f650"]["Tags"] == [{"Key": "Name", "Value": "VPC A"}]
    routes = ec2.search_transit_gateway_routes(
        TransitGatewayRouteTableId="tgw-rtb-0fa40c8df355dce6e", Filters=[{"Name": "type", "Values": ["propagated"]}]
    )["Routes"]
    assert sorted(r["DestinationCidrBlock"] for r in routes) == ["10.10.0.0/16", "192.168.0.0/16"]
    subnet = ec2.describe_subnets(SubnetIds=["subnet-0ebf6378a79a3e534"])["Subnets"][0]
    assert subnet["AvailableIpAddressCount"] == 249  # as the dump says: 256 - 5 reserved - 2 interfaces
    group = ec2.describe_security_groups(GroupIds=["sg-065c26b39e45ae384"])["SecurityGroups"][0]
    assert group["IpPermissions"][0]["FromPort"] == 22
    # The imported network changes like a built one.
    new = ec2.create_subnet(VpcId="vpc-0404e08ceddf7f650", CidrBlock="10.10.30.0/24", AvailabilityZone="us-east-2c")
    assert new["Subnet"]["VpcId"] == "vpc-0404e08ceddf7f650"


def test_a_server_on_the_imported_state_answers_reachability_analyzer(served: Server) -> None:
    ec2 = served.client("ec2", region="us-east-2", account="554773406868")
    path = ec2.create_network_insights_path(
        Source="i-06ba034d88c84ef07", Destination="i-0b14080af811fda3d", Protocol="tcp", DestinationPort=22
    )["NetworkInsightsPath"]
    analysis_id = ec2.start_network_insights_analysis(NetworkInsightsPathId=path["NetworkInsightsPathId"])[
        "NetworkInsightsAnalysis"
    ]["NetworkInsightsAnalysisId"]
    analysis = ec2.describe_network_insights_analyses(NetworkInsightsAnalysisIds=[analysis_id])[
        "NetworkInsightsAnalyses"
    ][0]
    assert analysis["NetworkPathFound"] is True
    ids = [c["Component"]["Id"] for c in analysis["ForwardPathComponents"]]
    assert "tgw-044be4464fcc69aff" in ids and "tgw-attach-0ae2696617bb06fb4" in ids


def _get(server: Server, path: str) -> Any:
    with urllib.request.urlopen(server.url + path, timeout=30) as answer:
        body = answer.read()
        return json.loads(body) if answer.headers.get_content_type() == "application/json" else body.decode()


def test_a_server_on_the_imported_state_draws_prices_and_traces_it(served: Server) -> None:
    page = _get(served, "/")
    assert "<html" in page.lower()
    drawing = json.dumps(_get(served, "/_vpcsim/api/topology"))
    for rid in ("vpc-0404e08ceddf7f650", "tgw-044be4464fcc69aff", "i-0b14080af811fda3d"):
        assert rid in drawing
    cost = _get(served, "/_vpcsim/api/cost?region=us-east-2&account=554773406868")
    assert any(item["resource_id"].startswith("tgw-attach-") for item in cost["items"])  # the attachments' hours
    done = cli("trace", "i-06ba034d88c84ef07", "192.168.1.106:22", "--endpoint-url", served.url, "--json")
    assert json.loads(done.stdout)["verdict"] == "reachable"


# -- POST /_vpcsim/import ----------------------------------------------------------------------------------------------
def _post(server: Server, body: dict[str, Any], headers: dict[str, str]) -> tuple[int, Any]:
    request = urllib.request.Request(
        server.url + "/_vpcsim/import", data=json.dumps(body).encode(), method="POST", headers=headers
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def _files(folder: Path) -> list[dict[str, Any]]:
    return [{"name": str(p), "content": json.loads(p.read_text())} for p in sorted(folder.glob("*.json"))]


def test_the_admin_endpoint_imports_into_a_running_server_once(vpcsim: Server, account: str) -> None:
    body = {"files": _files(TRANSIT), "account": account}
    status, summary = _post(vpcsim, body, ADMIN_HEADERS)
    assert status == 200 and summary["changed"] and summary["kinds"]["transit-gateway"]["imported"] == 1
    ec2 = vpcsim.client("ec2", region="us-east-2", account=account)
    assert len(ec2.describe_vpcs()["Vpcs"]) == 2
    status, again = _post(vpcsim, body, ADMIN_HEADERS)
    assert status == 200 and again["changed"] is False


def test_the_admin_endpoint_refuses_bad_input_and_keeps_nothing(vpcsim: Server, account: str) -> None:
    files = [*_files(TRANSIT), {"name": "us-east-2/broken.json", "content": '{"Subnets": ['}]
    status, answer = _post(vpcsim, {"files": files, "account": account}, ADMIN_HEADERS)
    assert status == 400
    assert json.loads(answer)["error"]["code"] == "InvalidImport" and "broken.json" in answer
    seen = {v["VpcId"] for v in vpcsim.client("ec2", region="us-east-2", account=account).describe_vpcs()["Vpcs"]}
    assert not seen & {"vpc-00a31ce9d0c06675c", "vpc-0404e08ceddf7f650"}


def test_the_admin_endpoint_needs_the_request_header(vpcsim: Server, account: str) -> None:
    status, answer = _post(vpcsim, {"files": _files(TRANSIT), "account": account}, {"Content-Type": "application/json"})
    assert status == 403 and "x-vpcsim-request" in answer


def test_the_cli_imports_through_the_admin_endpoint(vpcsim: Server, account: str) -> None:
    done = cli("import", str(TRANSIT), "--endpoint-url", vpcsim.url, "--account", account, "--json")
    assert done.returncode == 0, done.stderr
    vpcs = json.loads(done.stdout)["kinds"]["vpc"]
    # Ids are unique in a state as in AWS: another test imported the same dump into another account of this server,
    # so its VPCs are updated (moved into this account) rather than imported anew.
    assert vpcs["imported"] + vpcs["updated"] == 2
    trace = cli("trace", "i-075e846ed41670385", "192.168.1.106:22", "--endpoint-url", vpcsim.url, "--json")
    # us-east-2a holds no subnet of the attachment: the traffic cannot reach the gateway from there [RA-EX].
    assert json.loads(trace.stdout)["explanations"][0]["code"] == "TGW_ROUTE_AZ_RESTRICTION"


def test_under_credentials_only_an_admin_imports(tmp_path: Path) -> None:
    path = tmp_path / "credentials"
    path.write_text(CREDENTIALS)
    server = Server(free_port(), ["--ephemeral", "--credentials", str(path)]).start(timeout=60)
    try:
        body = {"files": _files(TRANSIT)}
        for (key, secret, _), wanted in ((APP, 403), (NETWORK, 200)):
            basic = base64.b64encode(f"{key}:{secret}".encode()).decode()
            status, _answer = _post(server, body, {**ADMIN_HEADERS, "Authorization": f"Basic {basic}"})
            assert status == wanted
    finally:
        server.stop()
