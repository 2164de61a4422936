"""Terraform theme "interconnect" (tests/iac/terraform/interconnect/): VPC peering within and across accounts and
Regions, transit gateways with VPC attachments, route tables, associations, propagations, routes and a cross-
account, cross-Region peering attachment with its accepter. Applies, re-plans clean, destroys to nothing
(themes.py)."""

from __future__ import annotations

from pathlib import Path

from tests.iac.conftest import Live
from tests.iac.findings import TGW_DELETED
from tests.iac.themes import check_theme, skip_without_terraform

pytestmark = skip_without_terraform()
PENDING = TGW_DELETED


@PENDING.mark
def test_interconnect(live: Live, accounts: tuple[str, str], tmp_path: Path) -> None:
    check_theme("interconnect", live, accounts, tmp_path, PENDING)
