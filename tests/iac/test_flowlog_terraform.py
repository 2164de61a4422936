"""A Terraform test of a flow log to CloudWatch Logs as real configurations write it: aws_vpc, aws_cloudwatch_log_group
(retention, tags), aws_iam_role with a trust policy from data "aws_iam_policy_document", aws_iam_role_policy,
aws_iam_policy with aws_iam_role_policy_attachment (and one for an AWS managed policy), aws_iam_instance_profile,
aws_instance with iam_instance_profile, and aws_flow_log to the group's ARN with the role. Apply, a second plan with
no changes, destroy, and no call answered UnsupportedOperation.

Runs where ``terraform`` is on PATH and the hashicorp/aws provider lies in a filesystem mirror (``/opt/tf-plugins``
or ``$VPCSIM_TF_MIRROR``), offline; skipped with the reason otherwise.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from vpcsim.testing import Server

MIRROR = Path(os.environ.get("VPCSIM_TF_MIRROR", "/opt/tf-plugins"))
REGION = "eu-west-2"

CONFIG = """
terraform {
  required_providers {
    aws = { source = "hashicorp/aws", version = "5.100.0" }
  }
}
variable "endpoint" { type = string }
variable "account" { type = string }
provider "aws" {
  region                      = "eu-west-2"
  access_key                  = var.account
  secret_key                  = "any"
  skip_credentials_validation = true
  skip_metadata_api_check     = true
  endpoints {
    ec2  = var.endpoint
    sts  = var.endpoint
    iam  = var.endpoint
    logs = var.endpoint
  }
}
data "aws_ami" "al2023" {
  most_recent = true
  owners      = ["amazon"]
  filter {
    name   = "name"
    values = ["al2023-ami-2023.*-x86_64"]
  }
}
resource "aws_vpc" "main" {
  cidr_block = "10.30.0.0/16"
}
resource "aws_subnet" "app" {
  vpc_id     = aws_vpc.main.id
  cidr_block = "10.30.1.0/24"
}
resource "aws_cloudwatch_log_group" "flows" {
  name              = "/vpc/flow-logs"
  retention_in_days = 30
  tags              = { team = "net" }
}
data "aws_iam_policy_document" "flow_logs_trust" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["vpc-flow-logs.amazonaws.com"]
    }
  }
}
data "aws_iam_policy_document" "publish" {
  statement {
    actions = [
      "logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents",
      "logs:DescribeLogGroups", "logs:DescribeLogStreams",
    ]
    resources = ["*"]
  }
}
resource "aws_iam_role" "flow_logs" {
  name               = "flow-logs"
  assume_role_policy = data.aws_iam_policy_document.flow_logs_trust.json
  tags               = { team = "net" }
}
resource "aws_iam_role_policy" "publish" {
  name   = "publish"
  role   = aws_iam_role.flow_logs.id
  policy = data.aws_iam_policy_document.publish.json
}
resource "aws_iam_policy" "publish" {
  name        = "flow-logs-publish"
  path        = "/network/"
  description = "what the flow logs service needs"
  policy      = data.aws_iam_policy_document.publish.json
}
resource "aws_iam_role_policy_attachment" "publish" {
  role       = aws_iam_role.flow_logs.name
  policy_arn = aws_iam_policy.publish.arn
}
resource "aws_flow_log" "vpc" {
  vpc_id               = aws_vpc.main.id
  traffic_type         = "ALL"
  log_destination_type = "cloud-watch-logs"
  log_destination      = aws_cloudwatch_log_group.flows.arn
  iam_role_arn         = aws_iam_role.flow_logs.arn
  tags                 = { Name = "vpc" }
}
resource "aws_iam_role" "app" {
  name = "app"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { Service = "ec2.amazonaws.com" }, Action = "sts:AssumeRole" }]
  })
}
resource "aws_iam_role_policy_attachment" "ssm" {
  role       = aws_iam_role.app.name
  policy_arn = "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"
}
resource "aws_iam_instance_profile" "app" {
  name = "app"
  role = aws_iam_role.app.name
}
resource "aws_instance" "app" {
  ami                  = data.aws_ami.al2023.id
  instance_type        = "t2.micro" # every zone offers it: the subnet names no zone
  subnet_id            = aws_subnet.app.id
  iam_instance_profile = aws_iam_instance_profile.app.name
}
output "flow_log" { value = aws_flow_log.vpc.id }
output "instance" { value = aws_instance.app.id }
output "role_arn" { value = aws_iam_role.flow_logs.arn }
"""


def _unsupported(server: Server) -> dict[str, int]:
    with urllib.request.urlopen(server.url + "/_vpcsim/unsupported", timeout=5) as answer:
        listed = json.load(answer)["unsupported"]
    return {f"{u['service']} {u['operation']}": int(u["count"]) for u in listed}


def _terraform(workdir: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    interactive = () if args[0] == "output" else ("-input=false",)
    command = ["terraform", *args, *interactive, "-no-color"]
    return subprocess.run(command, cwd=workdir, env=env, capture_output=True, text=True, timeout=600)


@pytest.fixture
def terraform_env(tmp_path: Path, vpcsim: Server, account: str) -> dict[str, str]:
    if shutil.which("terraform") is None:
        pytest.skip("terraform is not installed")
    if not (MIRROR / "registry.terraform.io" / "hashicorp" / "aws").is_dir():
        pytest.skip(f"no hashicorp/aws provider in a filesystem mirror at {MIRROR}")
    cli_config = tmp_path / "cli.tfrc"
    cli_config.write_text(f'provider_installation {{\n  filesystem_mirror {{\n    path = "{MIRROR}"\n  }}\n}}\n')
    return {
        **os.environ,
        "TF_CLI_CONFIG_FILE": str(cli_config),
        "TF_IN_AUTOMATION": "1",
        "CHECKPOINT_DISABLE": "1",
        "TF_VAR_endpoint": vpcsim.url,
        "TF_VAR_account": account,
    }


def test_flow_log_to_cloudwatch_logs_with_an_iam_role(
    tmp_path: Path, terraform_env: dict[str, str], vpcsim: Server, account: str
) -> None:
    ec2, iam = vpcsim.client("ec2", region=REGION, account=account), vpcsim.client("iam", account=account)
    logs = vpcsim.client("logs", region=REGION, account=account)
    workdir = tmp_path / "flowlog"
    workdir.mkdir()
    (workdir / "main.tf").write_text(CONFIG)
    before = _unsupported(vpcsim)
    init = _terraform(workdir, terraform_env, "init")
    assert init.returncode == 0, init.stderr
    apply = _terraform(workdir, terraform_env, "apply", "-auto-approve")
    assert apply.returncode == 0, apply.stdout[-3000:] + apply.stderr
    outputs = json.loads(_terraform(workdir, terraform_env, "output", "-json").stdout)
    _check_applied(ec2, iam, logs, {k: v["value"] for k, v in outputs.items()}, account)
    plan = _terraform(workdir, terraform_env, "plan", "-detailed-exitcode")
    assert plan.returncode == 0, plan.stdout[-3000:] + plan.stderr
    destroy = _terraform(workdir, terraform_env, "destroy", "-auto-approve")
    assert destroy.returncode == 0, destroy.stdout[-3000:] + destroy.stderr
    assert iam.list_roles()["Roles"] == [] and iam.list_policies(Scope="Local")["Policies"] == []
    assert iam.list_instance_profiles()["InstanceProfiles"] == [] and logs.describe_log_groups()["logGroups"] == []
    assert ec2.describe_flow_logs()["FlowLogs"] == []
    after = _unsupported(vpcsim)
    assert {op: n for op, n in after.items() if n > before.get(op, 0)} == {}


def _check_applied(ec2: Any, iam: Any, logs: Any, outputs: dict[str, str], account: str) -> None:
    [log] = ec2.describe_flow_logs(FlowLogIds=[outputs["flow_log"]])["FlowLogs"]
    assert log["LogDestination"] == f"arn:aws:logs:{REGION}:{account}:log-group:/vpc/flow-logs"
    assert log["DeliverLogsPermissionArn"] == outputs["role_arn"]
    assert (log["DeliverLogsStatus"], log["LogGroupName"]) == ("SUCCESS", "/vpc/flow-logs")
    [group] = logs.describe_log_groups(logGroupNamePrefix="/vpc/")["logGroups"]
    assert group["retentionInDays"] == 30
    assert logs.list_tags_for_resource(resourceArn=group["logGroupArn"])["tags"] == {"team": "net"}
    assert iam.list_role_policies(RoleName="flow-logs")["PolicyNames"] == ["publish"]
    attached = iam.list_attached_role_policies(RoleName="flow-logs")["AttachedPolicies"]
    assert attached == [
        {"PolicyName": "flow-logs-publish", "PolicyArn": f"arn:aws:iam::{account}:policy/network/flow-logs-publish"}
    ]
    instance = ec2.describe_instances(InstanceIds=[outputs["instance"]])["Reservations"][0]["Instances"][0]
    assert instance["IamInstanceProfile"]["Arn"] == f"arn:aws:iam::{account}:instance-profile/app"
