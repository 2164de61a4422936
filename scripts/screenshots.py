"""Screenshots of the web UI's main views for the docs (docs/screenshots/*.png), from the demo world.

Starts ``vpcsim serve --demo --ephemeral`` on a free port, drives Debian's Chromium with Playwright (the same setup
as tests/ui/) and saves: the topology, a trace drawn on it (S3 through the NAT gateway), the gateway endpoint's
private path, and the cost panel with the what-if chart. Run: ``.venv/bin/python scripts/screenshots.py``.
"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

from vpcsim.testing import Server, free_port, launch_chromium

OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
VIEWPORT = {"width": 1600, "height": 1000}


def run_example(page: Page, title: str) -> None:
    page.select_option("#examples", label=title)
    page.wait_for_selector("#trace-result:not([hidden])")
    page.wait_for_selector(".path-line")


def shoot(page: Page, url: str) -> list[Path]:
    page.goto(url)
    page.wait_for_selector("body[data-ready=true]")
    page.wait_for_selector("[data-kind=vpc]")
    saved = [OUT / "overview.png"]
    page.screenshot(path=saved[-1])
    page.select_option("#f-account", "111111111111")
    page.wait_for_selector("[data-kind=vpc]")
    page.wait_for_timeout(300)
    saved.append(OUT / "topology.png")
    page.screenshot(path=saved[-1])
    page.select_option("#f-account", "")
    page.wait_for_selector("text=AWS account 444444444444")
    run_example(page, "S3 through a NAT gateway (internet, priced)")
    saved.append(OUT / "trace-nat.png")
    page.screenshot(path=saved[-1])
    run_example(page, "DynamoDB from eu-west-1 over inter-region peering")
    saved.append(OUT / "trace-peering.png")
    page.screenshot(path=saved[-1])
    page.click(".tab[data-tab=cost]")
    page.select_option("#c-account", "111111111111")
    page.select_option("#c-region", "eu-west-2")
    page.wait_for_selector("#whatif-chart polyline")
    page.wait_for_timeout(300)
    saved.append(OUT / "cost.png")
    page.screenshot(path=saved[-1])
    return saved


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    server = Server(free_port(), ["--ephemeral", "--demo"]).start()
    try:
        with sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            page = browser.new_page(viewport=VIEWPORT)
            for path in shoot(page, server.url + "/"):
                print(path)
            browser.close()
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
