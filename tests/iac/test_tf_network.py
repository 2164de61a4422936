"""Terraform theme "network" (tests/iac/terraform/network/): the network itself: VPCs with IPv4 and IPv6 blocks,
default VPC resources, subnets (dual-stack and IPv6-only), gateways, NAT, route tables and every route target,
network ACLs, security groups and their rules, prefix lists, interfaces, DHCP options, key pairs and an instance
from data aws_ami. Applies, re-plans clean, destroys to nothing (themes.py)."""

from __future__ import annotations

from pathlib import Path

from tests.iac.conftest import Live
from tests.iac.themes import check_theme, skip_without_terraform

pytestmark = skip_without_terraform()


def test_network(live: Live, accounts: tuple[str, str], tmp_path: Path) -> None:
    check_theme("network", live, accounts, tmp_path)
