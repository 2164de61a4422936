"""Terraform theme "vpn" (tests/iac/terraform/vpn/): a customer gateway, a virtual private gateway with its VPC
attachment and route propagation, a static-routes Site-to-Site VPN connection with its route, and a route to the VPN
gateway. Applies, re-plans clean, destroys to nothing (themes.py)."""

from __future__ import annotations

from pathlib import Path

from tests.iac.conftest import Live
from tests.iac.themes import check_theme, skip_without_terraform

pytestmark = skip_without_terraform()


def test_vpn(live: Live, accounts: tuple[str, str], tmp_path: Path) -> None:
    check_theme("vpn", live, accounts, tmp_path)
