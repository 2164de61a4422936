"""A Terraform check of the transit gateway and Site-to-Site VPN resources: aws_ec2_transit_gateway with its
vpc_attachment, route_table, route_table_association, route_table_propagation and routes (to the attachment and a
blackhole), a VPC route to the gateway, aws_vpn_gateway (+_route_propagation), aws_customer_gateway, aws_vpn_connection
(+_route) on the virtual private gateway and on the transit gateway. Apply, a second plan with no changes, destroy
(the provider's delete waiters see the attachments ``deleted``, as on AWS), and no call answered UnsupportedOperation.

Runs where ``terraform`` is on PATH and the hashicorp/aws provider lies in a filesystem mirror (``/opt/tf-plugins``
or ``$VPCSIM_TF_MIRROR``), offline; skipped with the reason otherwise. It has its own server, so the unsupported
operations it finds are its own.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from vpcsim.testing import Server, free_port

MIRROR = Path(os.environ.get("VPCSIM_TF_MIRROR", "/opt/tf-plugins"))
ACCOUNT = "210987654321"

CONFIG = """
terraform {
  required_providers {
    aws = { source = "hashicorp/aws", version = "5.100.0" }
  }
}
variable "endpoint" { type = string }
variable "account" { type = string }
provider "aws" {
  region                      = "us-east-1"
  access_key                  = var.account
  secret_key                  = "any"
  skip_credentials_validation = true
  skip_metadata_api_check     = true
  endpoints {
    ec2 = var.endpoint
    sts = var.endpoint
  }
}
data "aws_availability_zones" "here" {}
resource "aws_vpc" "app" {
  cidr_block = "10.30.0.0/16"
}
resource "aws_subnet" "app" {
  count             = 2
  vpc_id            = aws_vpc.app.id
  cidr_block        = cidrsubnet(aws_vpc.app.cidr_block, 8, count.index)
  availability_zone = data.aws_availability_zones.here.names[count.index]
}
resource "aws_route_table" "app" {
  vpc_id = aws_vpc.app.id
}
resource "aws_ec2_transit_gateway" "hub" {
  description                     = "hub"
  default_route_table_association = "disable"
  default_route_table_propagation = "disable"
  tags                            = { Name = "hub" }
}
resource "aws_ec2_transit_gateway_vpc_attachment" "app" {
  transit_gateway_id                              = aws_ec2_transit_gateway.hub.id
  vpc_id                                          = aws_vpc.app.id
  subnet_ids                                      = aws_subnet.app[*].id
  transit_gateway_default_route_table_association = false
  transit_gateway_default_route_table_propagation = false
  tags                                            = { Name = "app" }
}
resource "aws_ec2_transit_gateway_route_table" "spoke" {
  transit_gateway_id = aws_ec2_transit_gateway.hub.id
  tags               = { Name = "spoke" }
}
resource "aws_ec2_transit_gateway_route_table_association" "app" {
  transit_gateway_attachment_id  = aws_ec2_transit_gateway_vpc_attachment.app.id
  transit_gateway_route_table_id = aws_ec2_transit_gateway_route_table.spoke.id
}
resource "aws_ec2_transit_gateway_route_table_propagation" "app" {
  transit_gateway_attachment_id  = aws_ec2_transit_gateway_vpc_attachment.app.id
  transit_gateway_route_table_id = aws_ec2_transit_gateway_route_table.spoke.id
}
resource "aws_ec2_transit_gateway_route" "onprem" {
  destination_cidr_block         = "172.16.0.0/16"
  transit_gateway_attachment_id  = aws_ec2_transit_gateway_vpc_attachment.app.id
  transit_gateway_route_table_id = aws_ec2_transit_gateway_route_table.spoke.id
}
resource "aws_ec2_transit_gateway_route" "sink" {
  destination_cidr_block         = "192.168.0.0/16"
  blackhole                      = true
  transit_gateway_route_table_id = aws_ec2_transit_gateway_route_table.spoke.id
}
resource "aws_route" "to_hub" {
  route_table_id         = aws_route_table.app.id
  destination_cidr_block = "10.0.0.0/8"
  transit_gateway_id     = aws_ec2_transit_gateway.hub.id
  depends_on             = [aws_ec2_transit_gateway_vpc_attachment.app]
}
resource "aws_customer_gateway" "office" {
  bgp_asn    = 65010
  ip_address = "203.0.113.10"
  type       = "ipsec.1"
  tags       = { Name = "office" }
}
resource "aws_customer_gateway" "branch" {
  bgp_asn    = 65020
  ip_address = "203.0.113.20"
  type       = "ipsec.1"
}
resource "aws_vpn_gateway" "app" {
  vpc_id          = aws_vpc.app.id
  amazon_side_asn = 65100
  tags            = { Name = "app" }
}
resource "aws_vpn_gateway_route_propagation" "app" {
  vpn_gateway_id = aws_vpn_gateway.app.id
  route_table_id = aws_route_table.app.id
}
resource "aws_vpn_connection" "office" {
  vpn_gateway_id      = aws_vpn_gateway.app.id
  customer_gateway_id = aws_customer_gateway.office.id
  type                = "ipsec.1"
  static_routes_only  = true
  tags                = { Name = "office" }
}
resource "aws_vpn_connection_route" "office" {
  destination_cidr_block = "192.168.10.0/24"
  vpn_connection_id      = aws_vpn_connection.office.id
}
resource "aws_vpn_connection" "branch" {
  transit_gateway_id  = aws_ec2_transit_gateway.hub.id
  customer_gateway_id = aws_customer_gateway.branch.id
  type                = "ipsec.1"
}
output "tgw" { value = aws_ec2_transit_gateway.hub.id }
output "spoke" { value = aws_ec2_transit_gateway_route_table.spoke.id }
output "attachment" { value = aws_ec2_transit_gateway_vpc_attachment.app.id }
output "branch_attachment" { value = aws_vpn_connection.branch.transit_gateway_attachment_id }
"""


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    if shutil.which("terraform") is None:
        pytest.skip("terraform is not installed")
    if not (MIRROR / "registry.terraform.io" / "hashicorp" / "aws").is_dir():
        pytest.skip(f"no hashicorp/aws provider in a filesystem mirror at {MIRROR}")
    started = Server(free_port(), ["--ephemeral"]).start()
    try:
        yield started
    finally:
        started.stop()


def _unsupported(server: Server) -> dict[str, int]:
    with urllib.request.urlopen(server.url + "/_vpcsim/unsupported", timeout=5) as answer:
        listed = json.load(answer)["unsupported"]
    return {f"{u['service']} {u['operation']}": int(u["count"]) for u in listed}


def _terraform(workdir: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    interactive = () if args[0] == "output" else ("-input=false",)
    command = ["terraform", *args, *interactive, "-no-color"]
    return subprocess.run(command, cwd=workdir, env=env, capture_output=True, text=True, timeout=600)


def _env(tmp_path: Path, server: Server) -> dict[str, str]:
    cli_config = tmp_path / "cli.tfrc"
    cli_config.write_text(f'provider_installation {{\n  filesystem_mirror {{\n    path = "{MIRROR}"\n  }}\n}}\n')
    return {
        **os.environ,
        "TF_CLI_CONFIG_FILE": str(cli_config),
        "TF_IN_AUTOMATION": "1",
        "CHECKPOINT_DISABLE": "1",
        "TF_VAR_endpoint": server.url,
        "TF_VAR_account": ACCOUNT,
    }


def test_transit_gateway_and_vpn_apply_replan_and_destroy(tmp_path: Path, server: Server) -> None:
    env, workdir = _env(tmp_path, server), tmp_path / "transit"
    workdir.mkdir()
    (workdir / "main.tf").write_text(CONFIG)
    init = _terraform(workdir, env, "init")
    assert init.returncode == 0, init.stderr
    apply = _terraform(workdir, env, "apply", "-auto-approve")
    assert apply.returncode == 0, apply.stdout[-3000:] + apply.stderr
    outputs = {k: v["value"] for k, v in json.loads(_terraform(workdir, env, "output", "-json").stdout).items()}
    ec2 = server.client("ec2", "us-east-1", ACCOUNT)
    routes = ec2.search_transit_gateway_routes(
        TransitGatewayRouteTableId=outputs["spoke"], Filters=[{"Name": "state", "Values": ["active", "blackhole"]}]
    )["Routes"]
    assert sorted((r["DestinationCidrBlock"], r["Type"], r["State"]) for r in routes) == [
        ("10.30.0.0/16", "propagated", "active"),
        ("172.16.0.0/16", "static", "active"),
        ("192.168.0.0/16", "static", "blackhole"),
    ]
    plan = _terraform(workdir, env, "plan", "-detailed-exitcode")
    assert plan.returncode == 0, plan.stdout[-3000:] + plan.stderr
    destroy = _terraform(workdir, env, "destroy", "-auto-approve")
    assert destroy.returncode == 0, destroy.stdout[-3000:] + destroy.stderr
    # What the provider's delete waiters read: the gateway and its attachments by id, deleted (as AWS shows them).
    (gateway,) = ec2.describe_transit_gateways(TransitGatewayIds=[outputs["tgw"]])["TransitGateways"]
    attachments = ec2.describe_transit_gateway_attachments(
        TransitGatewayAttachmentIds=[outputs["attachment"], outputs["branch_attachment"]]
    )["TransitGatewayAttachments"]
    assert {gateway["State"], *(a["State"] for a in attachments)} == {"deleted"}
    live = [{"Name": "state", "Values": ["available", "pending"]}]
    assert ec2.describe_transit_gateways(Filters=live)["TransitGateways"] == []
    assert ec2.describe_vpn_connections(Filters=live)["VpnConnections"] == []
    assert ec2.describe_vpn_gateways(Filters=live)["VpnGateways"] == []
    assert ec2.describe_customer_gateways(Filters=live)["CustomerGateways"] == []
    assert ec2.describe_vpcs(Filters=[{"Name": "cidr-block", "Values": ["10.30.0.0/16"]}])["Vpcs"] == []
    assert _unsupported(server) == {}
