"""Terraform theme "peering" (tests/iac/terraform/peering/): VPC peering within a Region and account, across accounts,
across Regions and across both, with accepters, options on each side and routes over each connection. Applies, re-
plans clean, destroys to nothing (themes.py)."""

from __future__ import annotations

from pathlib import Path

from tests.iac.conftest import Live
from tests.iac.themes import check_theme, skip_without_terraform

pytestmark = skip_without_terraform()


def test_peering(live: Live, accounts: tuple[str, str], tmp_path: Path) -> None:
    check_theme("peering", live, accounts, tmp_path)
