"""Terraform theme "logging" (tests/iac/terraform/logging/): flow logs to CloudWatch Logs with the log group and the
IAM role and policy they deliver with. Applies, re-plans clean, destroys to nothing (themes.py)."""

from __future__ import annotations

from pathlib import Path

from tests.iac.conftest import Live
from tests.iac.themes import check_theme, skip_without_terraform

pytestmark = skip_without_terraform()


def test_logging(live: Live, accounts: tuple[str, str], tmp_path: Path) -> None:
    check_theme("logging", live, accounts, tmp_path)
