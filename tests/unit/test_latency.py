"""The latency model (catalog/latency.py): every Region placed, round trips symmetric, zero within a Region, growing
with distance and never shorter than a detour through a third Region; the what-if's paths carry the model's sums, and
a trace of the same path on the demo world the same round trip."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vpcsim.app import Options, build
from vpcsim.catalog import REGIONS, latency
from vpcsim.cost.whatif import compare_paths
from vpcsim.demo import IRELAND, LONDON, load_demo

NAMES = sorted(latency.SITES)
regions = st.sampled_from(NAMES)


def test_every_region_of_the_catalog_has_a_site() -> None:
    assert set(REGIONS) <= set(latency.SITES)


@given(regions, regions)
def test_round_trips_are_symmetric_and_zero_only_within_a_region(a: str, b: str) -> None:
    assert latency.inter_region_rtt_ms(a, b) == latency.inter_region_rtt_ms(b, a)
    assert (latency.inter_region_rtt_ms(a, b) == 0.0) == (a == b)
    if a != b:
        assert latency.inter_region_rtt_ms(a, b) >= latency.INTER_REGION_FIXED_RTT_MS


@given(regions, regions, regions)
def test_a_detour_is_never_faster(a: str, b: str, c: str) -> None:
    direct = latency.inter_region_rtt_ms(a, c)
    assert direct <= latency.inter_region_rtt_ms(a, b) + latency.inter_region_rtt_ms(b, c) + 1e-6


def test_published_pairs_come_out_in_their_order_and_size() -> None:
    # Neighbours first, across the Atlantic next, across the Pacific last: the order any measurement shows.
    london_frankfurt = latency.inter_region_rtt_ms("eu-west-2", "eu-central-1")
    virginia_ireland = latency.inter_region_rtt_ms("us-east-1", "eu-west-1")
    virginia_tokyo = latency.inter_region_rtt_ms("us-east-1", "ap-northeast-1")
    assert 8 < london_frankfurt < 20 < 60 < virginia_ireland < 90 < 120 < virginia_tokyo < 170


def test_a_region_newer_than_the_table_is_never_nearer_than_the_farthest_known_pair() -> None:
    farthest = max(latency.inter_region_rtt_ms(a, b) for a in NAMES for b in NAMES)
    assert latency.inter_region_rtt_ms("eu-west-2", "xx-new-1") == farthest


@pytest.mark.parametrize("region", ["us-east-1", "eu-west-2"])
def test_what_if_paths_carry_their_round_trips(region: str) -> None:
    paths = {p.path: p.latency_ms for p in compare_paths(1000, region).paths}
    hop, front = 0.1, 1.0  # a hop in the instance's AZ, the service's front door (the module's documented figures)
    assert paths == {
        "nat-gateway": pytest.approx(hop + 0.2 + front),
        "gateway-endpoint": pytest.approx(front),  # a route: no device, no hop of its own
        "interface-endpoint": pytest.approx(hop + 0.3 + front),
    }


@pytest.fixture(scope="module")
def demo() -> tuple[Any, dict[str, str]]:
    built = build(Options(ephemeral=True))
    world = load_demo(built.control)
    assert world is not None
    return built.control, world.ids


def test_a_trace_carries_the_round_trip_the_what_if_gives_its_path(demo: tuple[Any, dict[str, str]]) -> None:
    control, ids = demo
    s3 = f"s3.{LONDON}.amazonaws.com"
    paths = {p.path: p.latency_ms for p in compare_paths(1000, LONDON).paths}
    by_nat = control.trace(ids["app-nat-worker"], s3)
    by_endpoint = control.trace(ids["app-endpoint-worker"], s3)
    assert by_nat.latency_ms == pytest.approx(paths["nat-gateway"])
    assert by_endpoint.latency_ms == pytest.approx(paths["gateway-endpoint"])
    for found in (by_nat, by_endpoint):  # the request's hops add up to the round trip; the reply's add nothing
        assert found.latency_ms == pytest.approx(sum(h.latency_ms for h in found.hops if not h.reply))
        assert any(h.reply for h in found.hops) and all(h.latency_ms == 0 for h in found.hops if h.reply)


def test_a_path_to_another_region_costs_its_round_trip_between_the_regions(demo: tuple[Any, dict[str, str]]) -> None:
    control, ids = demo
    found = control.trace(ids["analytics-worker"], ids["dynamodb_endpoint_dns"])
    assert found.verdict == "reachable"
    between = latency.inter_region_rtt_ms(IRELAND, LONDON)
    (peering,) = [h for h in found.hops if h.component.id.startswith("pcx-") and not h.reply]
    assert peering.latency_ms == pytest.approx(between)
    assert found.latency_ms >= between + latency.PRIVATELINK_RTT_MS + latency.SERVICE_FRONT_RTT_MS
