"""Terraform theme "endpoints" (tests/iac/terraform/endpoints/): VPC endpoints to AWS services: gateway endpoints (S3,
DynamoDB) with route-table associations and policies, the prefix lists their routes use, interface endpoints (SSM,
EC2) with subnet and security-group associations. Applies, re-plans clean, destroys to nothing (themes.py)."""

from __future__ import annotations

from pathlib import Path

from tests.iac.conftest import Live
from tests.iac.themes import check_theme, skip_without_terraform

pytestmark = skip_without_terraform()


def test_endpoints(live: Live, accounts: tuple[str, str], tmp_path: Path) -> None:
    check_theme("endpoints", live, accounts, tmp_path)
