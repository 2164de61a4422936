"""Terraform theme "estate" (tests/iac/terraform/estate/): issue 12's realistic estate: two accounts, two Regions, an
IPv6 application VPC with public/private subnets, NAT, endpoints, a VPN, a transit gateway, inter-Region peering to
DynamoDB and a PrivateLink service behind an NLB. Applies, re-plans clean, destroys to nothing (themes.py)."""

from __future__ import annotations

from pathlib import Path

from tests.iac.conftest import Live
from tests.iac.themes import check_theme, skip_without_terraform

pytestmark = skip_without_terraform()


def test_estate(live: Live, accounts: tuple[str, str], tmp_path: Path) -> None:
    check_theme("estate", live, accounts, tmp_path)
