"""Terraform theme "privatelink" (tests/iac/terraform/privatelink/): an endpoint service behind a Network Load Balancer
in a second account (IP target groups, TCP listeners, allowed principal, connection accepter and notification)
reached through an interface endpoint, and an inspection service behind a Gateway Load Balancer reached through a
GatewayLoadBalancer endpoint and a route. Applies, re-plans clean, destroys to nothing (themes.py)."""

from __future__ import annotations

from pathlib import Path

from tests.iac.conftest import Live
from tests.iac.themes import check_theme, skip_without_terraform

pytestmark = skip_without_terraform()


def test_privatelink(live: Live, accounts: tuple[str, str], tmp_path: Path) -> None:
    check_theme("privatelink", live, accounts, tmp_path)
