"""Terraform theme "services" (tests/iac/terraform/services/): flow logs to an S3 bucket with its policy, a DynamoDB
table (GSI, TTL, point-in-time recovery, encryption with the AWS managed key), a private Route 53 zone with a
record, a Service Quotas quota, a Reachability Analyzer path and analysis. Applies, re-plans clean, destroys to
nothing (themes.py)."""

from __future__ import annotations

from pathlib import Path

from tests.iac.conftest import Live
from tests.iac.themes import check_theme, skip_without_terraform

pytestmark = skip_without_terraform()


def test_services(live: Live, accounts: tuple[str, str], tmp_path: Path) -> None:
    check_theme("services", live, accounts, tmp_path)
