"""The cost engine: classic numbers by hand, per-flow charges of built traces, the month from state, and properties."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vpcsim.cost import (
    PriceNotFound,
    charges_for,
    compare_paths,
    load_price_book,
    monthly_fixed,
    monthly_flow_cost,
    monthly_total,
    price_book,
)
from vpcsim.cost.book import Price, Tier
from vpcsim.model import Record
from vpcsim.model.trace import Action, Component, ComponentKind, Hop, Step, Trace, Verdict
from vpcsim.store import MemoryBackend, Store

BOOK = price_book()
H = 730
K = ComponentKind


def hop(cid: str, kind: ComponentKind, region: str = "us-east-1", zone: str = "", name: str = "") -> Hop:
    return Hop(Component(cid, kind, name=name, region=region, zone=zone), (Step(Action.FORWARDED, "passed"),))


def trace(*hops: Hop, internet: bool = False) -> Trace:
    return Trace(Verdict.REACHABLE, tuple(hops), internet=internet)


def instance(zone: str = "us-east-1a", region: str = "us-east-1") -> Hop:
    return hop("i-1", K.INSTANCE, region, zone)


# -- the price book ----------------------------------------------------------------------------------------------------
def test_the_packaged_book_has_the_required_figures_with_sources() -> None:
    for region in ("us-east-1",):
        for key in (
            "interface_endpoint_hour",
            "interface_endpoint_gb",
            "gateway_endpoint",
            "gwlb_endpoint_hour",
            "gwlb_endpoint_gb",
            "nat_gateway_hour",
            "nat_gateway_gb",
            "tgw_attachment_hour",
            "tgw_gb",
            "inter_az_gb",
            "inter_region_gb",
            "internet_out_gb",
            "peering_same_az_gb",
            "peering_cross_az_gb",
            "peering_inter_region_gb",
        ):
            price = BOOK.price(region, key)
            assert price.sources and all(s in BOOK.sources for s in price.sources)
            assert not price.uncertain or price.reason
    for key in ("nat_gateway_gb", "interface_endpoint_hour", "inter_az_gb", "internet_out_gb", "public_ipv4_hour"):
        assert BOOK.price("eu-west-2", key).sources
    assert BOOK.price("us-east-1", "nat_gateway_hour").usd == 0.045
    assert BOOK.price("eu-west-2", "nat_gateway_gb").usage_type == "EUW2-NatGateway-Bytes"
    assert BOOK.price("eu-west-2", "interface_endpoint_hour").uncertain
    assert [t.usd for t in BOOK.price("us-east-1", "interface_endpoint_gb").tiers] == [0.01, 0.006, 0.004]
    assert [t.up_to_gb for t in BOOK.price("us-east-1", "internet_out_gb").tiers] == [10240, 51200, 153600, None]
    assert BOOK.internet_free_gb == 100 and BOOK.hours_per_month == H


def test_a_missing_price_says_why() -> None:
    with pytest.raises(PriceNotFound, match="no prices for xx-nowhere-1"):
        BOOK.price("xx-nowhere-1", "nat_gateway_gb")
    with pytest.raises(PriceNotFound, match="no price nat_gateway_gb for ap-southeast-2"):
        BOOK.price("ap-southeast-2", "nat_gateway_gb")


def test_a_users_own_book_loads(tmp_path: Path) -> None:
    raw = json.loads((Path(__file__).parents[2] / "src/vpcsim/cost/data/prices.json").read_text())
    raw["regions"]["us-east-1"]["prices"]["nat_gateway_gb"]["usd"] = 0.05
    path = tmp_path / "mine.json"
    path.write_text(json.dumps(raw))
    mine = load_price_book(path)
    assert mine.price("us-east-1", "nat_gateway_gb").usd == 0.05 and mine.origin == str(path)


# -- the classic what-if, by hand ------------------------------------------------------------------------------------
def test_five_tb_a_month_to_s3_in_us_east_1() -> None:
    c = compare_paths(5120, "us-east-1", BOOK, azs=2, nat_gateways=1)
    assert c.path("nat-gateway").monthly_usd == pytest.approx(730 * 0.045 + 5120 * 0.045)  # 263.25
    assert c.path("gateway-endpoint").monthly_usd == 0
    assert c.path("interface-endpoint").monthly_usd == pytest.approx(2 * 730 * 0.01 + 5120 * 0.01)  # 65.80
    assert c.cheapest == "gateway-endpoint"
    # 2 AZ-hours of endpoint cost less than one NAT gateway-hour and per GB too: no break-even.
    assert c.break_even_gb is None and "interface endpoint costs less at every volume" in c.break_even_note


def test_break_even_when_the_endpoint_spans_more_azs_than_nat_gateways() -> None:
    c = compare_paths(50, "us-east-1", BOOK, azs=5, nat_gateways=1)
    expected = (5 * 730 * 0.01 - 730 * 0.045) / (0.045 - 0.01)  # 104.29 GB
    assert c.break_even_gb == pytest.approx(expected)
    assert c.cheapest == "gateway-endpoint"
    assert compare_paths(50, "us-east-1", BOOK, azs=5, service="sqs").cheapest == "nat-gateway"


def test_a_shared_nat_is_priced_at_its_margin() -> None:
    c = compare_paths(1000, "us-east-1", BOOK, nat_shared=True)
    assert c.path("nat-gateway").monthly_usd == pytest.approx(1000 * 0.045)
    assert c.break_even_gb == pytest.approx(2 * 730 * 0.01 / (0.045 - 0.01))


def test_no_gateway_endpoint_for_other_services() -> None:
    c = compare_paths(100, "eu-west-2", BOOK, service="sqs")
    assert not c.path("gateway-endpoint").applicable and c.cheapest != "gateway-endpoint"
    assert json.loads(json.dumps(c.to_json()))["region"] == "eu-west-2"


def test_interface_processing_tiers_apply_to_the_region_aggregate() -> None:
    price = BOOK.price("us-east-1", "interface_endpoint_gb")
    pb = 1024 * 1024
    assert price.cost(2 * pb) == pytest.approx(pb * 0.01 + pb * 0.006)
    assert price.cost(1, start_gb=6 * pb) == pytest.approx(0.004)


# -- charges of a flow ------------------------------------------------------------------------------------------
def test_private_subnet_to_s3_through_a_nat_gateway_in_the_same_az() -> None:
    t = trace(
        instance(),
        hop("nat-1", K.NAT_GATEWAY, zone="us-east-1a"),
        hop("igw-1", K.INTERNET_GATEWAY),
        hop("s3", K.AWS_SERVICE, name="com.amazonaws.us-east-1.s3"),
        internet=True,
    )
    (nat,) = charges_for(t, BOOK)
    assert (nat.item, nat.usd_per_gb, nat.component, nat.usage_type) == (
        "NAT gateway data processing",
        0.045,
        "nat-1",
        "NatGateway-Bytes",
    )
    assert "VPCPR" in nat.source


def test_a_nat_gateway_in_another_az_adds_inter_az_on_both_sides() -> None:
    t = trace(instance(), hop("nat-1", K.NAT_GATEWAY, zone="us-east-1b"), hop("igw-1", K.INTERNET_GATEWAY))
    items = [(c.item.split(" (")[0], c.usd_per_gb) for c in charges_for(t, BOOK)]
    assert items == [
        ("NAT gateway data processing", 0.045),
        ("Inter-AZ data transfer out of us-east-1a", 0.01),
        ("Inter-AZ data transfer into us-east-1b", 0.01),
    ]


def test_endpoints_by_type() -> None:
    gateway = charges_for(trace(instance(), hop("vpce-g", K.VPC_ENDPOINT, name="Gateway")), BOOK)
    assert [(c.item, c.usd_per_gb) for c in gateway] == [("Gateway endpoint (free)", 0.0)]
    interface = charges_for(trace(instance(), hop("vpce-i", K.VPC_ENDPOINT, zone="us-east-1a", name="Interface")), BOOK)
    assert [(c.item, c.usd_per_gb, c.usage_type) for c in interface] == [
        ("Interface endpoint data processing", 0.01, "USE1-VpcEndpoint-Bytes")
    ]
    assert "tiers" in interface[0].source
    gwlb = charges_for(trace(instance(), hop("vpce-l", K.VPC_ENDPOINT, name="GatewayLoadBalancer")), BOOK)
    assert [(c.usd_per_gb, c.usage_type) for c in gwlb] == [(0.0035, "USE1-VpcEndpoint-GWLBE-Bytes")]


def test_transit_gateway_peering_charges_processing_once_and_inter_region_transfer() -> None:
    t = trace(
        instance(),
        hop("tgw-attach-1", K.TRANSIT_GATEWAY_ATTACHMENT),
        hop("tgw-1", K.TRANSIT_GATEWAY),
        hop("tgw-attach-p", K.TRANSIT_GATEWAY_ATTACHMENT, region="eu-west-2"),
        hop("tgw-2", K.TRANSIT_GATEWAY, region="eu-west-2"),
        hop("i-2", K.INSTANCE, region="eu-west-2", zone="eu-west-2a"),
    )
    charges = charges_for(t, BOOK)
    assert [(c.item, c.usd_per_gb, c.usage_type) for c in charges] == [
        ("Transit gateway data processing (us-east-1)", 0.02, "USE1-TransitGateway-Bytes"),
        ("Inter-Region data transfer us-east-1 -> eu-west-2", 0.02, "USE1-EUW2-AWS-Out-Bytes"),
    ]


def test_vpc_peering_same_az_is_free_cross_region_pays_the_inter_region_rate() -> None:
    same_az = trace(instance(), hop("pcx-1", K.VPC_PEERING_CONNECTION), instance())
    assert charges_for(same_az, BOOK) == ()
    cross = trace(instance(), hop("pcx-1", K.VPC_PEERING_CONNECTION), instance("eu-west-2a", "eu-west-2"))
    (charge,) = charges_for(cross, BOOK)
    assert charge.item.endswith("over VPC peering") and charge.usd_per_gb == 0.02


def test_inter_region_to_us_east_2_uses_the_destination_rate() -> None:
    (charge,) = charges_for(trace(instance(), hop("s3", K.AWS_SERVICE, region="us-east-2")), BOOK)
    assert charge.usd_per_gb == 0.01 and charge.usage_type == "USE1-USE2-AWS-Out-Bytes"


def test_internet_egress_and_another_regions_service_over_the_internet() -> None:
    out = trace(instance(), hop("igw-1", K.INTERNET_GATEWAY), hop("internet", K.INTERNET, region=""), internet=True)
    (egress,) = charges_for(out, BOOK)
    assert (egress.item, egress.usd_per_gb, egress.component) == ("Data transfer out to the internet", 0.09, "igw-1")
    assert "100 GB" in egress.source
    remote = trace(
        instance(),
        hop("igw-1", K.INTERNET_GATEWAY),
        hop("internet", K.INTERNET, region=""),
        hop("s3", K.AWS_SERVICE, region="eu-west-2"),
        internet=True,
    )
    (transfer,) = charges_for(remote, BOOK)
    assert transfer.item.startswith("Inter-Region data transfer us-east-1 -> eu-west-2")


def test_same_region_service_through_an_internet_gateway_is_free() -> None:
    t = trace(instance(), hop("igw-1", K.INTERNET_GATEWAY), hop("s3", K.AWS_SERVICE), internet=True)
    assert charges_for(t, BOOK) == ()


# -- a flow's month ----------------------------------------------------------------------------------------------------
def test_monthly_flow_cost_applies_the_internet_free_allowance_and_tiers() -> None:
    out = trace(instance(), hop("igw-1", K.INTERNET_GATEWAY), internet=True)
    cost = monthly_flow_cost(charges_for(out, BOOK), 20 * 1024, BOOK)
    expected = (10240 - 100) * 0.09 + 10240 * 0.085
    assert cost.usd == pytest.approx(expected)
    nat = trace(instance(), hop("nat-1", K.NAT_GATEWAY, zone="us-east-1a"))
    assert monthly_flow_cost(charges_for(nat, BOOK), 5120, BOOK).usd == pytest.approx(5120 * 0.045)


# -- the month from state ----------------------------------------------------------------------------------------------
ACCOUNT, REGION = "111122223333", "us-east-1"


def _put(store: Store, kind: str, rid: str, doc: dict[str, object], account: str = ACCOUNT) -> None:
    with store.transaction() as tx:
        tx.put(Record(kind, rid, account, REGION, doc))


def test_monthly_fixed_from_records() -> None:
    store = Store(MemoryBackend())
    interface = {"VpcEndpointType": "Interface", "State": "available", "ServiceName": "com.amazonaws.us-east-1.sqs"}
    _put(store, "vpc-endpoint", "vpce-i", {**interface, "NetworkInterfaceIds": ["eni-a", "eni-b"]})
    _put(store, "vpc-endpoint", "vpce-p", {**interface, "State": "pendingAcceptance", "NetworkInterfaceIds": ["e"]})
    _put(store, "vpc-endpoint", "vpce-x", {**interface, "State": "rejected", "NetworkInterfaceIds": ["eni-c"]})
    _put(store, "vpc-endpoint", "vpce-g", {"VpcEndpointType": "Gateway", "State": "available", "ServiceName": "s3"})
    _put(store, "vpc-endpoint", "vpce-l", {"VpcEndpointType": "GatewayLoadBalancer", "State": "available",
                                           "NetworkInterfaceIds": ["eni-l"]})  # fmt: skip
    _put(store, "natgateway", "nat-1", {"State": "available", "ConnectivityType": "public"})
    _put(store, "natgateway", "nat-2", {"State": "deleted"})
    _put(store, "natgateway", "nat-3", {"State": "failed"})
    _put(store, "transit-gateway-attachment", "tgw-attach-1", {"State": "available", "VpcId": "vpc-1"})
    _put(store, "natgateway", "nat-other", {"State": "available"}, account="999999999999")
    with store.snapshot() as tx:
        items = monthly_fixed(tx, ACCOUNT, REGION, BOOK)
    by_id = {i.resource_id: i for i in items}
    assert set(by_id) == {"vpce-i", "vpce-p", "vpce-x", "vpce-g", "vpce-l", "nat-1", "tgw-attach-1"}
    assert by_id["vpce-i"].usd == pytest.approx(2 * 730 * 0.01) and by_id["vpce-i"].quantity == 1460
    assert by_id["vpce-p"].usd == pytest.approx(730 * 0.01)  # billed whatever its association state
    assert by_id["vpce-x"].usd == pytest.approx(730 * 0.01) and "rejected" in by_id["vpce-x"].item  # until deleted
    assert by_id["vpce-g"].usd == 0 and "free" in by_id["vpce-g"].item
    assert by_id["vpce-l"].usage_type == "USE1-VpcEndpoint-GWLBE-Hours"
    assert by_id["nat-1"].usd == pytest.approx(730 * 0.045)
    assert by_id["tgw-attach-1"].usd == pytest.approx(730 * 0.05)
    assert monthly_total(items) == pytest.approx(4 * 730 * 0.01 + 730 * 0.01 + 730 * 0.045 + 730 * 0.05)


# -- properties --------------------------------------------------------------------------------------------------
_TIERS = st.lists(st.tuples(st.integers(1, 30), st.integers(0, 100)), min_size=0, max_size=4).map(
    lambda rows: tuple(Tier(float(sum(w for w, _ in rows[: i + 1])), usd / 1000) for i, (_, usd) in enumerate(rows))
)


@st.composite
def tiered_prices(draw: st.DrawFn) -> Price:
    bounded = draw(_TIERS)
    last = Tier(None, draw(st.integers(0, 100)) / 1000)
    return Price("k", "r", (bounded or (last,))[0].usd, "GB", tiers=(*bounded, last))


@given(tiered_prices(), st.integers(0, 150), st.integers(0, 60))
def test_tiered_cost_equals_a_gb_by_gb_sum(price: Price, volume: int, start: int) -> None:
    def rate(gb_index: int) -> float:  # the price of the GB numbered gb_index (0-based) of the month
        return next(t.usd for t in price.tiers if t.up_to_gb is None or gb_index < t.up_to_gb)

    assert price.cost(volume, start) == pytest.approx(sum(rate(start + i) for i in range(volume)), abs=1e-9)


@given(st.floats(0, 1e7), st.floats(0, 1e7), st.sampled_from(["us-east-1", "eu-west-2"]), st.integers(1, 6))
def test_monthly_cost_never_falls_as_volume_grows(a: float, b: float, region: str, azs: int) -> None:
    low, high = sorted((a, b))
    small, large = compare_paths(low, region, BOOK, azs=azs), compare_paths(high, region, BOOK, azs=azs)
    for name in ("nat-gateway", "gateway-endpoint", "interface-endpoint"):
        assert small.path(name).monthly_usd <= large.path(name).monthly_usd + 1e-6
    out = charges_for(trace(instance(), hop("igw-1", K.INTERNET_GATEWAY), internet=True), BOOK)
    assert monthly_flow_cost(out, low, BOOK).usd <= monthly_flow_cost(out, high, BOOK).usd + 1e-6


@given(
    st.integers(1, 12), st.integers(0, 4), st.booleans(), st.floats(0, 6e6), st.sampled_from(["us-east-1", "eu-west-2"])
)
def test_at_the_break_even_both_options_cost_the_same(
    azs: int, nats: int, shared: bool, prior: float, region: str
) -> None:
    c = compare_paths(0, region, BOOK, azs=azs, nat_gateways=nats, nat_shared=shared, interface_prior_gb=prior)
    if c.break_even_gb is not None:
        at = compare_paths(
            c.break_even_gb, region, BOOK, azs=azs, nat_gateways=nats, nat_shared=shared, interface_prior_gb=prior
        )
        assert at.path("nat-gateway").monthly_usd == pytest.approx(at.path("interface-endpoint").monthly_usd, abs=0.01)


_QUIET = st.sampled_from(
    [K.INSTANCE, K.NETWORK_INTERFACE, K.SECURITY_GROUP, K.NETWORK_ACL, K.ROUTE_TABLE, K.LOAD_BALANCER, K.TARGET_GROUP]
)


@given(st.lists(_QUIET, max_size=6))
def test_a_path_without_priced_hops_has_no_charges(kinds: list[ComponentKind]) -> None:
    hops = [hop(f"r-{i}", kind, zone="us-east-1a") for i, kind in enumerate(kinds)]
    assert charges_for(trace(*hops), BOOK) == ()
