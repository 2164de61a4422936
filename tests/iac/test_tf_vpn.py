"""Terraform theme "hybrid" (tests/iac/terraform/hybrid/): customer gateway, virtual private gateway with attachment
and route propagation, VPN connections to the VGW and to a transit gateway with static routes. Applies, re-plans
clean, destroys to nothing (themes.py)."""

from __future__ import annotations

from pathlib import Path

from tests.iac.conftest import Live
from tests.iac.findings import TGW_DELETED
from tests.iac.themes import check_theme, skip_without_terraform

pytestmark = skip_without_terraform()
PENDING = TGW_DELETED


@PENDING.mark
def test_hybrid(live: Live, accounts: tuple[str, str], tmp_path: Path) -> None:
    check_theme("hybrid", live, accounts, tmp_path, PENDING)
