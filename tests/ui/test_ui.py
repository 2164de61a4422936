"""The web UI in a real browser (Playwright on Debian's Chromium): the demo drawn, a source and a destination
picked, the trace drawn on the diagram with its verdict, the cost panel, changes showing without a restart, search,
pan and zoom, and the kinds table's colours and legend.

Skipped, with the reason, where ``/usr/bin/chromium`` or the ``playwright`` package is missing (.ci/run installs
Chromium with apt)."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from vpcsim.testing import CHROMIUM, Server, free_port, launch_chromium

if not Path(CHROMIUM).exists():
    pytest.skip(
        f"UI tests need Debian's Chromium at {CHROMIUM} (apt-get install chromium); none here", allow_module_level=True
    )
sync_api = pytest.importorskip(
    "playwright.sync_api", reason="UI tests need the playwright package (pip install playwright)"
)


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    started = Server(free_port(), ["--ephemeral", "--demo"]).start()
    try:
        yield started
    finally:
        started.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as playwright:
        launched = launch_chromium(playwright)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def page(browser: Any, server: Server) -> Iterator[Any]:
    opened = browser.new_page(viewport={"width": 1400, "height": 900})
    opened.goto(server.url + "/")
    opened.wait_for_selector("body[data-ready=true]")
    try:
        yield opened
    finally:
        opened.close()


def _landmarks(server: Server) -> dict[str, Any]:
    with urllib.request.urlopen(server.url + "/_vpcsim/api/topology", timeout=30) as response:
        topology = json.loads(response.read())
    return {e["title"].split(" (")[0]: e for e in topology["examples"]}


def _trace(page: Any, source: str, destination: str, port: int = 443) -> str:
    page.select_option("#source", source)
    page.fill("#destination", destination)
    page.fill("#port", str(port))
    page.click("#trace-button")
    page.wait_for_selector("#trace-result:not([hidden])")
    return str(page.text_content("#verdict"))


def _on_path(page: Any, resource_id: str) -> bool:
    return bool(page.locator(f'[data-id="{resource_id}"].on-path').count())


def test_the_demo_is_drawn(page: Any) -> None:
    assert page.locator("[data-kind=vpc]").count() >= 6
    assert page.locator("[data-kind=subnet]").count() >= 10
    assert page.locator("[data-kind=aws-service][data-id='s3.eu-west-2']").count() == 1
    assert page.locator("[data-kind=endpoint-service]").count() == 1
    assert page.locator("[data-kind=vpc-peering-connection]").count() == 1


def test_nat_path_drawn_hop_by_hop(page: Any, server: Server) -> None:
    example = _landmarks(server)["S3 through a NAT gateway"]
    assert _trace(page, example["source"], "s3.eu-west-2.amazonaws.com") == "reachable"
    assert page.text_content("#internet") == "yes" and page.text_content("#cost-per-gb") == "$0.0500"
    nat = page.locator("#hops tbody tr", has_text="nat-gateway").first.get_attribute("data-id")
    assert nat.startswith("nat-") and _on_path(page, nat)
    assert _on_path(page, example["source"]) and _on_path(page, "s3.eu-west-2")
    assert page.locator(".path-line").count() == 1
    assert page.locator("#hops tbody tr").count() >= 8


def test_gateway_endpoint_path_and_a_denied_request(page: Any, server: Server) -> None:
    examples = _landmarks(server)
    assert (
        _trace(page, examples["S3 through a gateway endpoint"]["source"], "s3.eu-west-2.amazonaws.com") == "reachable"
    )
    endpoint = page.locator("#hops tbody tr", has_text="vpc-endpoint").first.get_attribute("data-id")
    assert _on_path(page, endpoint) and page.text_content("#internet") == "no"
    page.select_option("#examples", label=examples["Bucket policy: through the NAT gateway"]["title"])
    page.wait_for_function("document.querySelector('#verdict').textContent === 'blocked'")
    assert "RESOURCE_POLICY_DENY" in page.text_content("#explanations")
    assert page.locator('[data-id="s3.eu-west-2"].on-path.stop').count() == 1


def test_click_picks_the_source(page: Any, server: Server) -> None:
    source = _landmarks(server)["PrivateLink: allowed consumer to the provider"]["source"]
    page.click(f'g[data-id="{source}"]', force=True)
    assert page.input_value("#source") == source


def test_cost_panel_and_what_if_chart(page: Any) -> None:
    page.click(".tab[data-tab=cost]")
    page.select_option("#c-account", "111111111111")
    page.select_option("#c-region", "eu-west-2")
    page.wait_for_selector("#whatif-chart polyline")
    page.locator("#cost-items").get_by_text("NAT gateway").first.wait_for(timeout=15_000)
    assert "NAT gateway" in page.text_content("#cost-items")
    assert page.locator("#whatif-chart polyline").count() == 3


def _revision(server: Server) -> int:
    with urllib.request.urlopen(server.url + "/_vpcsim/api/revision", timeout=30) as response:
        return int(json.loads(response.read())["revision"])


def _wait_until_drawn(page: Any, revision: int) -> None:
    """Waits until the diagram shows the state at ``revision`` or later (#diagram's data-revision). The page polls
    every 2 s and then reloads and redraws: the timeout is generous for a loaded 2-core machine."""
    page.wait_for_function(
        "r => Number(document.querySelector('#diagram').dataset.revision) >= r", arg=revision, timeout=90_000
    )


def test_changes_show_without_a_restart(page: Any, server: Server) -> None:
    ec2 = server.client("ec2", "eu-west-2", "555555555555")
    vpc = ec2.create_vpc(CidrBlock="10.77.0.0/16")["Vpc"]["VpcId"]
    _wait_until_drawn(page, _revision(server))
    assert page.locator(f'[data-kind=vpc][data-id="{vpc}"]').count() == 1
    ec2.delete_vpc(VpcId=vpc)
    _wait_until_drawn(page, _revision(server))
    assert page.locator(f'[data-id="{vpc}"]').count() == 0


def _view(page: Any) -> tuple[float, float, float]:
    """The diagram's pan/zoom: #world's transform ``translate(x,y) scale(k)``."""
    transform = str(page.get_attribute("#world", "transform"))
    x, y = transform.split("translate(")[1].split(")")[0].split(",")
    return float(x), float(y), float(transform.split("scale(")[1].rstrip(")"))


def test_wheel_zooms_about_the_pointer_and_a_drag_pans(page: Any) -> None:
    box = page.locator("#diagram").bounding_box()
    mx, my = 400.0, 300.0
    x, y, k = _view(page)
    under = ((mx - x) / k, (my - y) / k)  # the diagram point under the pointer
    page.mouse.move(box["x"] + mx, box["y"] + my)
    page.mouse.wheel(0, -200)
    page.wait_for_function(f"!document.querySelector('#world').getAttribute('transform').endsWith('scale({k})')")
    x, y, zoomed = _view(page)
    assert zoomed > k
    assert abs((mx - x) / zoomed - under[0]) < 0.5 and abs((my - y) / zoomed - under[1]) < 0.5
    source = page.input_value("#source")
    page.mouse.down()
    page.mouse.move(box["x"] + mx + 120, box["y"] + my + 60, steps=6)
    page.mouse.up()
    moved = _view(page)
    assert (round(moved[0] - x), round(moved[1] - y), moved[2]) == (120, 60, zoomed)
    assert page.input_value("#source") == source  # a drag is not a click


def test_search_centres_a_match_even_past_the_entries_a_subnet_shows(page: Any, server: Server) -> None:
    ec2 = server.client("ec2", "eu-west-2", "666666666666")
    vpc = ec2.create_vpc(CidrBlock="10.66.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.66.1.0/24", AvailabilityZone="eu-west-2a")["Subnet"]
    for _ in range(16):
        ec2.create_network_interface(SubnetId=subnet["SubnetId"])
    _wait_until_drawn(page, _revision(server))
    with urllib.request.urlopen(f"{server.url}/_vpcsim/api/topology?vpc={vpc}", timeout=30) as response:
        drawn = json.loads(response.read())["accounts"][0]["regions"][0]["vpcs"][0]["azs"][0]["subnets"][0]
    hidden = drawn["resources"][-1]["id"]
    assert len(drawn["resources"]) == 16 and page.locator(f'[data-id="{hidden}"]').count() == 0
    page.fill("#search", drawn["resources"][0]["id"])
    assert page.locator(f'.match[data-id="{drawn["resources"][0]["id"]}"]').count() == 1
    page.fill("#search", hidden)
    page.press("#search", "Enter")
    more = page.locator("text.more", has_text="+ 2 more").bounding_box()
    box = page.locator("#diagram").bounding_box()
    centre = (box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    assert more["x"] < centre[0] < more["x"] + 240 and abs(centre[1] - (more["y"] + more["height"] / 2)) < 20


def test_the_kinds_table_colours_icons_and_legend(page: Any) -> None:
    def style(selector: str, prop: str) -> str:
        return str(page.eval_on_selector(selector, f"el => getComputedStyle(el).{prop}"))

    swatches = page.locator("#legend .sw")
    assert swatches.count() == 11 and str(page.text_content("#legend")).strip().startswith("public subnet")
    instance = "rgb(237, 113, 0)"  # --instance in app.css, named by the kinds table
    assert style("[data-kind=instance] .icon", "fill") == style(".sw.k-instance", "backgroundColor") == instance
    assert style(".hub.k-aws-service > rect", "stroke") == "rgb(63, 134, 36)"
