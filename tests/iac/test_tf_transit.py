"""Terraform theme "transit" (tests/iac/terraform/transit/): transit gateways with VPC attachments, a route table,
associations, propagations, static and blackhole routes, a VPC route to a transit gateway, a cross-account, cross-
Region peering attachment with its accepter and routes, and a BGP Site-to-Site VPN on a transit gateway. Applies,
re-plans clean, destroys to nothing (themes.py)."""

from __future__ import annotations

from pathlib import Path

from tests.iac.conftest import Live
from tests.iac.themes import check_theme, skip_without_terraform

pytestmark = skip_without_terraform()


def test_transit(live: Live, accounts: tuple[str, str], tmp_path: Path) -> None:
    check_theme("transit", live, accounts, tmp_path)
