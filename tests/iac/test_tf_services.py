"""Terraform theme "services" (tests/iac/terraform/services/): flow logs to S3 and to CloudWatch Logs, S3 bucket and
policy, DynamoDB table, NLB and GWLB with target groups, attachments and listeners, Route 53 zone, a Service Quotas
quota, Reachability Analyzer path and analysis. Applies, re-plans clean, destroys to nothing (themes.py)."""

from __future__ import annotations

from pathlib import Path

from tests.iac.conftest import Live
from tests.iac.findings import ELBV2_READS, IAM, LOGS, pending
from tests.iac.themes import check_theme, skip_without_terraform

pytestmark = skip_without_terraform()
PENDING = pending(ELBV2_READS, IAM, LOGS)


@PENDING.mark
def test_services(live: Live, accounts: tuple[str, str], tmp_path: Path) -> None:
    check_theme("services", live, accounts, tmp_path, PENDING)
