"""The web UI in a real browser (Playwright on Debian's Chromium): the demo drawn, a source and a destination
picked, the trace drawn on the diagram with its verdict, the cost panel, and changes showing without a restart.

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


def test_changes_show_without_a_restart(page: Any, server: Server) -> None:
    ec2 = server.client("ec2", "eu-west-2", "555555555555")
    vpc = ec2.create_vpc(CidrBlock="10.77.0.0/16")["Vpc"]["VpcId"]
    page.wait_for_selector(f'[data-id="{vpc}"]', timeout=10_000)
