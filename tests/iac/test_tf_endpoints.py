"""Terraform theme "endpoints" (tests/iac/terraform/endpoints/): VPC endpoints (gateway, interface, Gateway Load
Balancer) with their associations and policy, an endpoint service behind an NLB in a second account with its allowed
principal, connection accepter and notification. Applies, re-plans clean, destroys to nothing (themes.py)."""

from __future__ import annotations

from pathlib import Path

from tests.iac.conftest import Live
from tests.iac.findings import ELBV2_READS
from tests.iac.themes import check_theme, skip_without_terraform

pytestmark = skip_without_terraform()
PENDING = ELBV2_READS


@PENDING.mark
def test_endpoints(live: Live, accounts: tuple[str, str], tmp_path: Path) -> None:
    check_theme("endpoints", live, accounts, tmp_path, PENDING)
