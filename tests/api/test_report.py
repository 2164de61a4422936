"""``vpcsim report`` through the CLI, on the demo world and on a generated estate built with boto3 against a live
server.

Every money figure is recomputed here from the price book's published rates (the packaged prices.json, read as
data) and the volumes, never with the report's own functions; each recommendation kind is checked both ways (where it
must appear and where it must not); the JSON validates against the documented schema; the HTML file parses, fetches
nothing and holds the charts and the drawing; bad input is one error line.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from html.parser import HTMLParser
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from bench.estate import Boto3Caller, Estate, Spoke, generate
from typer.testing import CliRunner

from vpcsim.cli.main import app
from vpcsim.testing import persistent_server

PRICES = json.loads(resources.files("vpcsim.cost").joinpath("data/prices.json").read_text())
SCHEMA = json.loads(resources.files("vpcsim.report").joinpath("schema.json").read_text())
HOURS = PRICES["hours_per_month"]


def rate(region: str, key: str) -> float:
    """The published rate (the first tier of a tiered one)."""
    entry = PRICES["regions"][region]["prices"][key]
    return float(entry["usd"] if "usd" in entry else entry["tiers"][0]["usd"])


def inter_az(region: str) -> float:
    """One AZ crossing, both sides, per GB."""
    entry = PRICES["regions"][region]["prices"]["inter_az_gb"]
    return float(entry["usd"]) * int(entry.get("sides", 1))


def report(state: Path, *args: str) -> dict[str, Any]:
    done = CliRunner().invoke(app, ["report", "--state", str(state), "--json", *args])
    assert done.exit_code == 0, done.output
    doc = json.loads(done.stdout)
    jsonschema.validate(doc, SCHEMA, cls=jsonschema.Draft202012Validator)
    return dict(doc)


def recs(doc: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [r for r in doc["recommendations"] if r["kind"] == kind]


def row(doc: dict[str, Any], subnet: str, key: str, kind: str = "aws") -> dict[str, Any]:
    found = [p for p in doc["paths"] if p["subnet"] == subnet and p["service"]["key"] == key
             and p["service"]["kind"] == kind]  # fmt: skip
    assert len(found) == 1, (subnet, key, found)
    return found[0]


# -- the demo world --------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any], dict[str, str]]:
    state = tmp_path_factory.mktemp("demo") / "state.db"
    done = CliRunner().invoke(app, ["demo", "--state", str(state)])
    assert done.exit_code == 0, done.output
    doc = report(state, "--jobs", "1")
    return state, doc, {s["name"]: s["subnet"] for s in doc["sources"]}


def test_demo_paths_and_their_month(demo: tuple[Path, dict[str, Any], dict[str, str]]) -> None:
    _, doc, subnet = demo
    nat = rate("eu-west-2", "nat_gateway_gb")
    s3 = row(doc, subnet["app-nat-private-a"], "s3")
    assert s3["path"] == ["NAT gateway", "internet gateway"] and s3["verdict"] == "reachable"
    assert s3["volume_gb"] == 100 and s3["volume_basis"] == "assumed" and doc["volumes"]["assumed"]
    assert s3["monthly_usd"] == pytest.approx(round(100 * nat, 2)) and s3["usd_per_gb"] == pytest.approx(nat)
    private = row(doc, subnet["app-endpoint-private-a"], "s3")
    assert private["path"] == ["gateway endpoint"] and private["monthly_usd"] == 0
    dynamodb = row(doc, subnet["app-endpoint-private-a"], "dynamodb")
    assert dynamodb["path"] == ["interface endpoint"]
    assert dynamodb["monthly_usd"] == pytest.approx(round(100 * rate("eu-west-2", "interface_endpoint_gb"), 2))
    bastion = row(doc, subnet["app-nat-public-a"], "s3")  # no public address: the internet gateway drops it
    assert bastion["verdict"] == "blocked" and bastion["explanations"][0]["code"] == "IGW_EXPECTS_PUBLIC_ADDRESS"
    assert bastion["monthly_usd"] == 0
    isolated = row(doc, subnet["provider-private-a"], "s3")
    assert isolated["verdict"] == "no-route" and isolated["explanations"][0]["code"] == "NO_ROUTE_TO_DESTINATION"


def test_demo_cross_region_and_privatelink(demo: tuple[Path, dict[str, Any], dict[str, str]]) -> None:
    _, doc, subnet = demo
    over = row(doc, subnet["analytics-private-a"], "com.amazonaws.eu-west-2.dynamodb", "connected")
    assert over["path"] == ["peering", "interface endpoint"] and over["verdict"] == "reachable"
    per_gb = rate("eu-west-1", "peering_inter_region_gb") + rate("eu-west-2", "interface_endpoint_gb")
    assert over["volume_gb"] == 10 and over["monthly_usd"] == pytest.approx(round(10 * per_gb, 2))
    assert over["latency_ms"] > 10  # another Region: the trace's estimate, tens of milliseconds
    consumer = [p for p in doc["paths"] if p["subnet"] == subnet["consumer-private-a"]
                and p["service"]["kind"] == "privatelink"]  # fmt: skip
    assert len(consumer) == 1 and consumer[0]["verdict"] == "reachable" and consumer[0]["port"] == 8443
    catalog = [p for p in doc["paths"] if p["subnet"] == subnet["app-nat-private-a"] and p["service"]["kind"] == "aws"]
    assert sum(p["service_count"] for p in catalog) == len(doc["catalog"]["eu-west-2"])  # every service, once


def test_demo_recommendations(demo: tuple[Path, dict[str, Any], dict[str, str]]) -> None:
    _, doc, subnet = demo
    sources = {s["subnet"]: s for s in doc["sources"]}
    nat_vpc = sources[subnet["app-nat-private-a"]]["vpc"]
    endpoint_vpc = sources[subnet["app-endpoint-private-a"]]["vpc"]
    gateway = {(r["resources"]["vpc"], r["resources"]["service"]): r for r in recs(doc, "add-gateway-endpoint")}
    for service in ("s3", "dynamodb"):
        found = gateway[(nat_vpc, f"com.amazonaws.eu-west-2.{service}")]
        assert found["saving_usd"] == pytest.approx(round(100 * rate("eu-west-2", "nat_gateway_gb"), 2))
        assert found["resources"]["route_tables"] == [sources[subnet["app-nat-private-a"]]["route_table"]]
        assert (endpoint_vpc, f"com.amazonaws.eu-west-2.{service}") not in gateway  # endpoints there already
    policy = recs(doc, "policy-requires-endpoint")
    assert len(policy) == 1 and policy[0]["resources"]["subnets"] == [subnet["app-nat-private-a"]]
    assert "aws:SourceVpce" in policy[0]["resources"]["requires"] and policy[0]["saving_usd"] is None
    assert not recs(doc, "remove-unused-interface-endpoint")  # both interface endpoints carry a path
    assert not recs(doc, "consolidate-interface-endpoints")  # no transit gateway joins VPCs
    assert doc["summary"]["savings_usd"] == pytest.approx(sum(r["saving_usd"] or 0 for r in doc["recommendations"]))


def test_demo_matrix(demo: tuple[Path, dict[str, Any], dict[str, str]]) -> None:
    _, doc, subnet = demo
    matrix = doc["matrix"]
    rows = {r["source"]: r for r in matrix["rows"]}
    assert rows[subnet["app-nat-private-a"]]["reaches"] == [subnet["app-nat-public-a"]]
    assert rows[subnet["app-nat-public-a"]]["reaches"] == [subnet["app-nat-private-a"]]
    stopped = rows[subnet["app-endpoint-private-a"]]["stopped"]
    expected = [(subnet["analytics-private-a"], "ENI_SG_RULES_MISMATCH")]
    assert [(c["destination"], c["code"]) for c in stopped] == expected
    n = len(matrix["subnets"])
    assert matrix["traced_pairs"] == 4 and matrix["untraced_pairs"] == n * (n - 1) - 4
    assert not rows[subnet["consumer-private-a"]]["reaches"]  # nothing joins the consumer's VPC to another


def test_demo_text_report(demo: tuple[Path, dict[str, Any], dict[str, str]]) -> None:
    state, _, _ = demo
    done = CliRunner().invoke(app, ["report", "--state", str(state), "--jobs", "1"])
    assert done.exit_code == 0, done.output
    said = ("No --volumes file: assumed", "Recommendations (3)", "Add an S3 gateway endpoint",
            "NAT gateway + internet gateway", "Reachability between subnets", "ENI_SG_RULES_MISMATCH")  # fmt: skip
    for words in said:
        assert words in done.stdout


# -- a generated estate, built with boto3 ----------------------------------------------------------------------------
@pytest.fixture(scope="module")
def estate(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Estate, dict[str, Any]]]:
    state = tmp_path_factory.mktemp("estate") / "state.db"
    server = persistent_server(state).start()
    try:
        built = generate(Boto3Caller(server.url), 40, seed=5, hub=10)
    finally:
        server.stop()
    yield state, built, report(state, "--jobs", "1")


def spokes(built: Estate, **want: Any) -> list[Spoke]:
    found = [v for v in built.vpcs if v.role == "spoke" and all(bool(getattr(v, k)) == w for k, w in want.items())]
    assert found, f"the generated estate has no spoke with {want}"
    return found


def test_estate_gateway_endpoint_savings(estate: tuple[Path, Estate, dict[str, Any]]) -> None:
    _, built, doc = estate
    gateway = {(r["resources"]["vpc"], r["resources"]["service"].rsplit(".", 1)[1]): r
               for r in recs(doc, "add-gateway-endpoint")}  # fmt: skip
    for spoke in spokes(built, nat=True, s3_gateway=False):
        found = gateway[(spoke.id, "s3")]
        # Two subnets of 100 GB through the NAT gateway (AZ a); the one in AZ b also crosses to AZ a and back.
        nat, crossing = rate(spoke.region, "nat_gateway_gb"), inter_az(spoke.region)
        assert found["saving_usd"] == pytest.approx(round(200 * nat + 100 * crossing, 2))
        assert found["resources"]["route_tables"] == [spoke.private_table] and found["resources"]["nat_gateways"] == [
            spoke.nat]  # fmt: skip
    for spoke in spokes(built, s3_gateway=True):
        assert (spoke.id, "s3") not in gateway
        assert all(row(doc, s, "s3")["path"] == ["gateway endpoint"] for s in spoke.private)
    for spoke in spokes(built, nat=False):
        assert (spoke.id, "s3") not in gateway
        assert all(row(doc, s, "s3")["verdict"] == "no-route" for s in spoke.private)
    for spoke in spokes(built, nat=True, dynamodb_gateway=True):
        assert (spoke.id, "dynamodb") not in gateway


def test_estate_unused_endpoints(estate: tuple[Path, Estate, dict[str, Any]]) -> None:
    _, built, doc = estate
    unused = {r["resources"]["endpoint"]: r for r in recs(doc, "remove-unused-interface-endpoint")}
    legacy = [v for v in built.vpcs if v.role == "legacy"]
    assert legacy
    for vpc in legacy:  # an SSM endpoint in a VPC without compute that nothing connects to
        found = unused[vpc.interface_endpoints["ssm"]]
        assert found["saving_usd"] == pytest.approx(round(2 * HOURS * rate(vpc.region, "interface_endpoint_hour"), 2))
    for vpc in (v for v in built.vpcs if v.role in ("shared", "spoke")):  # reached over the transit gateway, or used
        assert not set(vpc.interface_endpoints.values()) & set(unused)
    shared = [e for e in doc["endpoints"] if e["service"].endswith(".kms")]
    assert shared and all(e["paths_by_endpoint_name"] or e["reached_by_endpoint_name_from"] for e in shared)


def test_estate_consolidation(estate: tuple[Path, Estate, dict[str, Any]]) -> None:
    _, built, doc = estate
    found = {tuple(sorted(r["resources"]["vpcs"])): r for r in recs(doc, "consolidate-interface-endpoints")}
    hubs = {}
    for spoke in spokes(built, interface_endpoints=True):
        hubs.setdefault(spoke.hub, []).append(spoke)
    checked = 0
    for members in hubs.values():
        with_sqs = [s for s in members if "sqs" in s.interface_endpoints]
        if len(with_sqs) < 2:
            assert tuple(sorted(s.id for s in with_sqs)) not in found
            continue
        rec = found[tuple(sorted(s.id for s in with_sqs))]
        region = with_sqs[0].region
        hours = (len(with_sqs) - 1) * 2 * HOURS * rate(region, "interface_endpoint_hour")
        moved = (len(with_sqs) - 1) * 2 * 10  # two subnets of each VPC losing its endpoint, 10 GB each (assumed)
        if "tgw_gb" in PRICES["regions"][region]["prices"]:
            assert rec["saving_usd"] == pytest.approx(round(hours - moved * rate(region, "tgw_gb"), 2))
            checked += 1
        else:  # transit gateway processing has no price there: no figure, and the report says why
            assert rec["saving_usd"] is None and not rec["complete"] and "unpriced" in rec["detail"]
    assert checked


def test_estate_consolidation_not_worth_it_at_high_volumes(estate: tuple[Path, Estate, dict[str, Any]],
                                                            tmp_path: Path) -> None:  # fmt: skip
    state, built, _ = estate
    volumes = tmp_path / "volumes.csv"
    volumes.write_text("source,service,gb_per_month\n*,sqs,1000\n")
    doc = report(state, "--volumes", str(volumes), "--no-matrix", "--jobs", "1")
    assert doc["volumes"]["origin"] == str(volumes) and doc["matrix"] is None
    # 2,000 GB a month more through the transit gateway per endpoint removed costs more than the endpoint's hours
    priced = [r for r in recs(doc, "consolidate-interface-endpoints") if r["complete"]]
    assert not priced
    spoke = spokes(built, interface_endpoints=True)[0]
    sqs = [p for p in doc["paths"] if p["subnet"] == spoke.private[0] and "com.amazonaws." + spoke.region + ".sqs" in
           p["services"]]  # fmt: skip
    assert len(sqs) == 1 and sqs[0]["volume_gb"] == 1000 and sqs[0]["volume_basis"] == "volumes.csv line 2"
    assert sqs[0]["monthly_usd"] == pytest.approx(round(1000 * rate(spoke.region, "interface_endpoint_gb"), 2))
    s3 = row(doc, spoke.private[0], "s3")
    assert s3["volume_gb"] == 0 and s3["monthly_usd"] == 0  # no line names S3: nothing assumed with a file


def test_estate_bucket_policies(estate: tuple[Path, Estate, dict[str, Any]]) -> None:
    _, built, doc = estate
    found = {r["resources"]["resource"].split(":::")[1]: r for r in recs(doc, "policy-requires-endpoint")}
    assert built.buckets and set(found) == set(built.buckets)
    for bucket, required in built.buckets.items():
        owner = next(v for v in built.vpcs if v.s3_gateway == required)
        hub = [v for v in built.vpcs if v.role == "spoke" and v.hub == owner.hub]
        expected = {s for v in hub if (v.nat or v.s3_gateway) and v.s3_gateway != required for s in v.private}
        assert set(found[bucket]["resources"]["subnets"]) == expected
        assert not set(owner.private) & set(found[bucket]["resources"]["subnets"])


def test_estate_cross_region_and_matrix(estate: tuple[Path, Estate, dict[str, Any]]) -> None:
    _, built, doc = estate
    home = next(v for v in built.vpcs if v.role == "peer-endpoint")
    client = next(v for v in built.vpcs if v.role == "peer-client")
    per_gb = rate(client.region, "peering_inter_region_gb") + rate(home.region, "interface_endpoint_gb")
    for subnet in client.private:
        over = row(doc, subnet, f"com.amazonaws.{home.region}.dynamodb", "connected")
        assert over["verdict"] == "reachable" and over["path"] == ["peering", "interface endpoint"]
        assert over["monthly_usd"] == pytest.approx(round(10 * per_gb, 2))
    rows = {r["source"]: r for r in doc["matrix"]["rows"]}
    first, second = spokes(built)[:2]
    assert first.hub == second.hub and second.private[1] in rows[first.private[0]]["reaches"]
    other_hub = next(v for v in built.vpcs if v.role == "spoke" and v.hub != first.hub)
    traced = {c["destination"] for c in rows[first.private[0]]["stopped"]} | set(rows[first.private[0]]["reaches"])
    assert other_hub.private[0] not in traced and doc["matrix"]["untraced_pairs"] > 0
    assert doc["summary"]["monthly_usd"] == pytest.approx(sum(p["monthly_usd"] for p in doc["paths"]), abs=0.05)


def test_estate_same_answer_on_two_processes(estate: tuple[Path, Estate, dict[str, Any]]) -> None:
    state, _, doc = estate
    assert sum(map(len, doc["matrix"]["components"])) >= 64  # enough matrix rows for them to go to worker processes
    parallel = report(state, "--jobs", "2")
    assert {**parallel, "generated_at": ""} == {**doc, "generated_at": ""}


# -- the HTML file -----------------------------------------------------------------------------------------------------
class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.tags: list[str] = []
        self.fetched: list[str] = []
        self.path_rows = 0
        self._table = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        self.tags.append(tag)
        if found.get("id"):
            self.ids.add(str(found["id"]))
        self.fetched += [v for k, v in attrs if k in ("src", "href", "srcset", "data") and v]
        self._table = str(found["id"]) if tag == "table" and found.get("id") else self._table
        self.path_rows += tag == "tr" and self._table == "paths"


def test_html_report_is_self_contained(estate: tuple[Path, Estate, dict[str, Any]], tmp_path: Path) -> None:
    state, built, doc = estate
    page_path = tmp_path / "report.html"
    done = CliRunner().invoke(app, ["report", "--state", str(state), "--html", str(page_path), "--jobs", "1"])
    assert done.exit_code == 0, done.output
    body = page_path.read_text()
    page = _Page()
    page.feed(body)
    page.close()
    assert {"chart-path-costs", "chart-savings", "network", "paths", "endpoints"} <= page.ids
    assert all(f"draw-{v.id}" in page.ids for v in built.vpcs)  # every VPC in the drawing
    assert page.path_rows == len(doc["paths"]) + 1  # a header row and one per path
    assert not page.fetched and "link" not in page.tags and "@import" not in body and "url(" not in body
    assert body.count("<svg") >= 3 and "</html>" in body
    assert "Add an S3 gateway endpoint" in body and "Reachability between subnets" in body


# -- errors ------------------------------------------------------------------------------------------------------------
def test_bad_volumes_file_is_one_error_line(demo: tuple[Path, dict[str, Any], dict[str, str]], tmp_path: Path) -> None:
    state, _, _ = demo
    bad = tmp_path / "volumes.json"
    for body in ("{not json", '{"volumes": [{"source": "*", "service": "s3", "gb_per_month": -5}]}'):
        bad.write_text(body)
        done = CliRunner().invoke(app, ["report", "--state", str(state), "--volumes", str(bad)])
        assert done.exit_code == 2 and done.stdout == ""
        assert done.stderr.startswith("Error: ") and done.stderr.count("\n") == 1 and "volumes.json" in done.stderr
        assert "Traceback" not in done.output


def test_missing_or_foreign_state_is_one_error_line(tmp_path: Path) -> None:
    done = CliRunner().invoke(app, ["report", "--state", str(tmp_path / "none.db")])
    assert done.exit_code == 2 and done.stderr.startswith("Error: no state file at") and done.stderr.count("\n") == 1
    foreign = tmp_path / "not-a-state.db"
    foreign.write_text("hello, not SQLite")
    done = CliRunner().invoke(app, ["report", "--state", str(foreign)])
    assert done.exit_code == 2 and done.stderr.count("\n") == 1
    assert done.stderr == f"Error: cannot use {foreign} as a vpcsim state: it is not an SQLite database\n"
