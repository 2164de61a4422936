"""The price book's invariants in every Region, unpriced items as answers (never $0), public IPv4, and `vpcsim cost`."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from vpcsim.catalog.regions import find_region
from vpcsim.cli.main import app
from vpcsim.cost import (
    PriceNotFound,
    charges_for,
    compare_paths,
    monthly_fixed,
    monthly_flow_cost,
    monthly_summary,
    price_book,
    price_path,
)
from vpcsim.model import Record
from vpcsim.model.trace import Action, Component, ComponentKind, Hop, Step, Trace, Verdict
from vpcsim.store import MemoryBackend, Store

BOOK = price_book()
K = ComponentKind
COMMERCIAL = [r["RegionName"] for r in json.loads(
    (Path(__file__).parents[2] / "src/vpcsim/catalog/data/regions.json").read_text()
)["regions"]]  # fmt: skip
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def hop(cid: str, kind: ComponentKind, region: str, zone: str = "", name: str = "") -> Hop:
    return Hop(Component(cid, kind, name=name, region=region, zone=zone), (Step(Action.FORWARDED, "passed"),))


def nat_path(region: str, nat_zone: str) -> Trace:
    return Trace(
        Verdict.REACHABLE,
        (
            hop("i-1", K.INSTANCE, region, f"{region}a"),
            hop("nat-1", K.NAT_GATEWAY, region, nat_zone),
            hop("igw-1", K.INTERNET_GATEWAY, region),
            hop("internet", K.INTERNET, ""),
        ),
        internet=True,
    )


# -- the book, every Region ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("region", sorted(BOOK.regions))
def test_every_price_names_dated_sources_and_ordered_tiers(region: str) -> None:
    assert find_region(region) is not None, f"{region} is not a Region of the catalog"
    for key, price in BOOK.regions[region].items():
        assert price.sources, f"{region} {key} has no source"
        for name in price.sources:
            source = BOOK.sources[name]  # KeyError: a source key that does not exist
            assert DATE.match(source.read) and (source.url or source.title), f"{name} undated or unnamed"
        assert not price.uncertain or price.reason, f"{region} {key}: uncertain without a reason"
        bounds = [t.up_to_gb for t in price.tiers]
        if bounds:
            assert bounds[-1] is None and all(b is not None for b in bounds[:-1])
            finite = [b for b in bounds if b is not None]
            assert finite == sorted(finite) and len(set(finite)) == len(finite)
            assert price.usd == price.tiers[0].usd


def test_every_commercial_region_is_in_the_book_with_the_rules_aws_states_everywhere() -> None:
    assert set(COMMERCIAL) <= set(BOOK.regions)
    for region in COMMERCIAL:
        assert BOOK.price(region, "gateway_endpoint").usd == 0.0
        assert BOOK.price(region, "public_ipv4_hour").usd == 0.005
        assert BOOK.billing_code(region) != region, f"{region} has no billing code"


def test_data_transfer_figures_as_read() -> None:
    sydney = BOOK.price("ap-southeast-2", "internet_out_gb")
    assert [t.usd for t in sydney.tiers] == [0.114, 0.098, 0.094, 0.092]
    assert BOOK.price("ap-southeast-2", "inter_region_gb").usd == 0.098
    assert BOOK.price("us-east-2", "inter_region_gb").usd_to("us-east-1") == 0.01
    assert BOOK.price("sa-east-1", "nat_gateway_hour").usd == 0.093
    assert "INFRA-DT" in BOOK.price("af-south-1", "inter_az_gb").sources


# -- unpriced along a path --------------------------------------------------------------------------------------------
def test_a_nat_path_in_a_region_without_a_nat_price_is_unpriced_not_free() -> None:
    found = price_path(nat_path("ap-southeast-2", "ap-southeast-2b"), BOOK)
    assert not found.complete
    assert [(u.item, u.key, u.region) for u in found.unpriced] == [
        ("NAT gateway data processing", "nat_gateway_gb", "ap-southeast-2")
    ]
    assert [c.item.split(" (")[0] for c in found.charges] == [
        "Inter-AZ data transfer out of ap-southeast-2a",
        "Inter-AZ data transfer into ap-southeast-2b",
        "Data transfer out to the internet",
    ]
    assert found.usd_per_gb == pytest.approx(0.01 + 0.01 + 0.114)
    assert found.text == "at least $0.1340 per GB, 1 item unpriced"
    shown = found.to_json()
    assert shown["complete"] is False and shown["unpriced"][0]["usd_per_gb"] is None
    with pytest.raises(PriceNotFound, match="NAT gateway data processing \\(ap-southeast-2\\)"):
        charges_for(nat_path("ap-southeast-2", "ap-southeast-2a"), BOOK)


def test_a_region_the_book_lacks_prices_nothing_and_says_so() -> None:
    found = price_path(nat_path("xx-nowhere-1", "xx-nowhere-1a"), BOOK)
    assert not found.charges and {u.key for u in found.unpriced} == {"nat_gateway_gb", "internet_out_gb"}
    assert found.usd_per_gb == 0 and found.text.startswith("at least $0.0000 per GB, 2 items unpriced")


def test_a_priced_nat_path_is_complete() -> None:
    found = price_path(nat_path("us-east-1", "us-east-1a"), BOOK)
    assert found.complete and found.text == "$0.1350 per GB" and charges_for(nat_path("us-east-1", "us-east-1a"), BOOK)


def test_a_flows_month_keeps_unpriced_lines() -> None:
    cost = monthly_flow_cost(price_path(nat_path("ap-southeast-2", "ap-southeast-2a"), BOOK), 1000, BOOK)
    unpriced = [line for line in cost.lines if line.unpriced]
    assert [(u.item, u.usd, u.quantity) for u in unpriced] == [("NAT gateway data processing", None, 1000)]
    assert cost.to_json()["text"].startswith("at least $") and cost.to_json()["complete"] is False


# -- the month from state ---------------------------------------------------------------------------------------------
ACCOUNT = "111122223333"


def _store(region: str, *records: tuple[str, str, dict[str, object]]) -> Store:
    store = Store(MemoryBackend())
    with store.transaction() as tx:
        for kind, rid, doc in records:
            tx.put(Record(kind, rid, ACCOUNT, region, doc))
    return store


def _nat(nid: str, ip: str, allocation: str, state: str = "available") -> tuple[str, str, dict[str, object]]:
    address = {"AllocationId": allocation, "PublicIp": ip, "NetworkInterfaceId": f"eni-{nid}", "IsPrimary": True}
    return ("natgateway", nid, {"State": state, "ConnectivityType": "public", "NatGatewayAddresses": [address]})


def _eip(allocation: str, ip: str, **more: object) -> tuple[str, str, dict[str, object]]:
    return ("elastic-ip", allocation, {"AllocationId": allocation, "PublicIp": ip, **more})


def test_public_ipv4_addresses_are_billed_once_each_in_use_or_idle() -> None:
    store = _store(
        "us-east-1",
        _nat("nat-1", "3.0.0.1", "eipalloc-1"),
        _eip("eipalloc-1", "3.0.0.1", AssociationId="eipassoc-1", NetworkInterfaceId="eni-nat-1"),
        _eip("eipalloc-2", "3.0.0.2"),  # idle: billed the same since 2024-02-01
        ("network-interface", "eni-auto", {"Association": {"PublicIp": "3.0.0.3", "IpOwnerId": "amazon"}}),
        ("network-interface", "eni-eip", {"Association": {"PublicIp": "3.0.0.1", "AllocationId": "eipalloc-1"}}),
        _nat("nat-gone", "3.0.0.9", "eipalloc-9", state="deleted"),
    )
    with store.snapshot() as tx:
        items = monthly_fixed(tx, ACCOUNT, "us-east-1", BOOK)
    ipv4 = {i.resource_id: i for i in items if i.usage_type.endswith("PublicIPv4:InUseAddress")}
    assert set(ipv4) == {"eipalloc-1", "eipalloc-2", "eni-auto"}
    assert "in use by NAT gateway nat-1" in ipv4["eipalloc-1"].item and "idle" in ipv4["eipalloc-2"].item
    assert all(i.usd == pytest.approx(730 * 0.005) for i in ipv4.values())
    nat_total = sum(i.usd or 0 for i in items if i.resource_id in ("nat-1", "eipalloc-1"))
    assert nat_total == pytest.approx(730 * 0.045 + 730 * 0.005)  # the NAT gateway's hour plus its address


def test_an_unpriced_region_bills_what_it_can_and_counts_the_rest() -> None:
    endpoint = {"VpcEndpointType": "Interface", "State": "rejected", "NetworkInterfaceIds": ["eni-a", "eni-b"]}
    store = _store(
        "ap-southeast-2",
        _nat("nat-1", "13.0.0.1", "eipalloc-1"),
        _eip("eipalloc-1", "13.0.0.1", AssociationId="eipassoc-1"),
        ("vpc-endpoint", "vpce-r", {**endpoint, "ServiceName": "com.amazonaws.ap-southeast-2.sqs"}),
    )
    with store.snapshot() as tx:
        items = monthly_fixed(tx, ACCOUNT, "ap-southeast-2", BOOK)
    by_id = {i.resource_id: i for i in items}
    assert by_id["nat-1"].unpriced and by_id["nat-1"].usd is None and "UNPRICED" in by_id["nat-1"].source
    assert by_id["vpce-r"].unpriced and by_id["vpce-r"].quantity == 2 * 730  # a rejected endpoint still bills
    assert by_id["eipalloc-1"].usd == pytest.approx(3.65)
    summary = monthly_summary(items)
    assert summary == {
        "total_usd": 3.65,
        "complete": False,
        "unpriced_items": 2,
        "total_text": "at least $3.65 a month, 2 items unpriced",
    }
    assert by_id["nat-1"].to_json()["usd"] is None and by_id["nat-1"].to_json()["unpriced"] is True


# -- what-if -----------------------------------------------------------------------------------------------------------
def test_what_if_where_nat_and_interface_are_unpriced() -> None:
    s3 = compare_paths(1000, "ap-southeast-2", BOOK)
    assert s3.cheapest == "gateway-endpoint"  # $0 is no more than any lower bound
    assert not s3.path("nat-gateway").complete and s3.path("gateway-endpoint").complete
    assert s3.break_even_gb is None and "unpriced in ap-southeast-2" in s3.break_even_note
    sqs = compare_paths(1000, "ap-southeast-2", BOOK, service="sqs")
    assert sqs.cheapest == "undetermined" and sqs.to_json()["complete"] is False
    assert sqs.to_json()["paths"][0]["monthly_text"] == "at least $0.00 a month, 2 items unpriced"
    with pytest.raises(ValueError, match="Unknown region 'mars-1'"):
        compare_paths(1000, "mars-1", BOOK)


def test_what_if_in_a_fully_priced_region_is_unchanged() -> None:
    c = compare_paths(5120, "us-east-1", BOOK)
    assert (
        c.complete and c.cheapest == "gateway-endpoint" and c.path("nat-gateway").monthly_usd == pytest.approx(263.25)
    )


# -- `vpcsim cost` --------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def demo_state(tmp_path_factory: pytest.TempPathFactory) -> Path:
    state = tmp_path_factory.mktemp("demo") / "state.db"
    done = CliRunner().invoke(app, ["demo", "--state", str(state)])
    assert done.exit_code == 0, done.output
    return state


def _cost(state: Path, *args: str) -> tuple[int, str]:
    done = CliRunner().invoke(app, ["cost", "--state", str(state), *args])
    assert done.exception is None or isinstance(done.exception, SystemExit), done.exception
    return done.exit_code, done.output


def test_cost_of_a_priced_region(demo_state: Path) -> None:
    code, out = _cost(demo_state, "--region", "eu-west-2", "--account", "111111111111", "--json")
    answer = json.loads(out)
    assert code == 0 and answer["total_usd"] > 0
    assert any("Elastic IP" in i["item"] and "NAT gateway" in i["item"] for i in answer["items"])
    code, out = _cost(demo_state, "--region", "eu-west-2", "--account", "111111111111")
    assert code == 0 and "Total: $" in out and "unpriced" not in out


def test_cost_of_a_region_without_prices_answers_instead_of_crashing(demo_state: Path) -> None:
    code, out = _cost(demo_state, "--region", "ap-southeast-2")
    assert code == 0 and "Total: $0.00 a month" in out
    code, out = _cost(demo_state, "--region", "ap-southeast-2", "--what-if", "1000", "--service", "sqs")
    assert code == 0 and "Cheapest: undetermined" in out and "unpriced" in out
    code, out = _cost(demo_state, "--region", "mars-1")
    assert code == 2 and "Unknown region 'mars-1'" in out and "Traceback" not in out
