"""A Terraform smoke test of the instance around the network: data "aws_ami", aws_key_pair, aws_instance (root
volume, metadata options, user data), aws_network_interface with its attachment and security group attachment,
aws_eip with its association, data "aws_network_interface". Apply, a second plan with no changes, destroy, and no
call answered UnsupportedOperation.

Runs where ``terraform`` is on PATH and the hashicorp/aws provider lies in a filesystem mirror (found as
``terraform.find_mirror`` says, or ``$VPCSIM_TF_MIRROR``), offline, against a server of its own behind the recording
proxy (conftest.py); skipped with the reason otherwise. The themed configurations live beside it.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519

from tests.iac.conftest import Live
from tests.iac.terraform import PROVIDER_VERSION, find_mirror, terraform_binary

CONFIG = """
terraform {
  required_providers {
    aws = { source = "hashicorp/aws", version = "5.100.0" }
  }
}
variable "endpoint" { type = string }
variable "account" { type = string }
variable "public_key" { type = string }
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
data "aws_ami" "al2023" {
  most_recent = true
  owners      = ["amazon"]
  filter {
    name   = "name"
    values = ["al2023-ami-2023.*-x86_64"]
  }
}
# Not every zone offers every type (an account's first zone may be us-east-1's use1-az3): the subnet goes where the
# type is offered, as AWS's documentation for aws_ec2_instance_type_offerings suggests.
data "aws_ec2_instance_type_offerings" "t3" {
  filter {
    name   = "instance-type"
    values = ["t3.micro"]
  }
  location_type = "availability-zone"
}
resource "aws_vpc" "main" {
  cidr_block           = "10.20.0.0/16"
  enable_dns_hostnames = true
}
resource "aws_internet_gateway" "main" {
  vpc_id = aws_vpc.main.id
}
resource "aws_subnet" "app" {
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.20.1.0/24"
  availability_zone = sort(data.aws_ec2_instance_type_offerings.t3.locations)[0]
}
resource "aws_security_group" "app" {
  name   = "app"
  vpc_id = aws_vpc.main.id
}
resource "aws_security_group" "extra" {
  name   = "extra"
  vpc_id = aws_vpc.main.id
}
resource "aws_key_pair" "deploy" {
  key_name   = "deploy"
  public_key = var.public_key
}
resource "aws_instance" "app" {
  ami                    = data.aws_ami.al2023.id
  instance_type          = "t3.micro"
  subnet_id              = aws_subnet.app.id
  vpc_security_group_ids = [aws_security_group.app.id]
  key_name               = aws_key_pair.deploy.key_name
  user_data              = "#!/bin/sh\\necho hello\\n"
  root_block_device {
    volume_size = 12
  }
  metadata_options {
    http_tokens = "required"
  }
  tags = { Name = "app" }
}
resource "aws_network_interface" "extra" {
  subnet_id = aws_subnet.app.id
}
resource "aws_network_interface_attachment" "extra" {
  instance_id          = aws_instance.app.id
  network_interface_id = aws_network_interface.extra.id
  device_index         = 1
}
resource "aws_network_interface_sg_attachment" "extra" {
  security_group_id    = aws_security_group.extra.id
  network_interface_id = aws_network_interface.extra.id
}
resource "aws_eip" "app" {
  domain     = "vpc"
  depends_on = [aws_internet_gateway.main]
}
resource "aws_eip_association" "app" {
  allocation_id        = aws_eip.app.id
  network_interface_id = aws_instance.app.primary_network_interface_id
}
data "aws_network_interface" "primary" {
  id = aws_instance.app.primary_network_interface_id
}
output "instance" { value = aws_instance.app.id }
output "ami" { value = data.aws_ami.al2023.id }
output "primary_ip" { value = data.aws_network_interface.primary.private_ip }
"""


def _terraform(workdir: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    interactive = () if args[0] == "output" else ("-input=false",)
    command = ["terraform", *args, *interactive, "-no-color"]
    return subprocess.run(command, cwd=workdir, env=env, capture_output=True, text=True, timeout=600)


@pytest.fixture
def terraform_env(tmp_path: Path, live: Live, accounts: tuple[str, str]) -> dict[str, str]:
    if terraform_binary() is None:
        pytest.skip("terraform is not installed (not on PATH)")
    mirror = find_mirror()
    if mirror is None:
        pytest.skip(f"no hashicorp/aws {PROVIDER_VERSION} in a Terraform filesystem mirror (set VPCSIM_TF_MIRROR)")
    cli_config = tmp_path / "cli.tfrc"
    cli_config.write_text(f'provider_installation {{\n  filesystem_mirror {{\n    path = "{mirror}"\n  }}\n}}\n')
    public_key = ed25519.Ed25519PrivateKey.generate().public_key()
    openssh = public_key.public_bytes(serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH).decode()
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "TF_"))},
        "HOME": str(tmp_path),
        "TF_CLI_CONFIG_FILE": str(cli_config),
        "TF_IN_AUTOMATION": "1",
        "CHECKPOINT_DISABLE": "1",
        "TF_VAR_endpoint": live.url,
        "TF_VAR_account": accounts[0],
        "TF_VAR_public_key": openssh,
    }


def test_instance_around_the_network(
    tmp_path: Path, terraform_env: dict[str, str], live: Live, accounts: tuple[str, str]
) -> None:
    ec2 = live.client("ec2", "us-east-1", accounts[0])
    workdir = tmp_path / "compute"
    workdir.mkdir()
    (workdir / "main.tf").write_text(CONFIG)
    init = _terraform(workdir, terraform_env, "init")
    assert init.returncode == 0, init.stderr
    apply = _terraform(workdir, terraform_env, "apply", "-auto-approve")
    assert apply.returncode == 0, apply.stdout[-3000:] + apply.stderr
    outputs = json.loads(_terraform(workdir, terraform_env, "output", "-json").stdout)
    instance = ec2.describe_instances(InstanceIds=[outputs["instance"]["value"]])["Reservations"][0]["Instances"][0]
    assert instance["ImageId"] == outputs["ami"]["value"] and instance["KeyName"] == "deploy"
    assert instance["MetadataOptions"]["HttpTokens"] == "required" and len(instance["NetworkInterfaces"]) == 2
    volume = ec2.describe_volumes(VolumeIds=[instance["BlockDeviceMappings"][0]["Ebs"]["VolumeId"]])["Volumes"][0]
    assert volume["Size"] == 12
    plan = _terraform(workdir, terraform_env, "plan", "-detailed-exitcode")
    assert plan.returncode == 0, plan.stdout[-3000:] + plan.stderr
    destroy = _terraform(workdir, terraform_env, "destroy", "-auto-approve")
    assert destroy.returncode == 0, destroy.stdout[-3000:] + destroy.stderr
    assert ec2.describe_volumes()["Volumes"] == [] and ec2.describe_key_pairs()["KeyPairs"] == []
    assert live.gap_causes(set(accounts), "Terraform") == []
