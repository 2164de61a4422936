"""Detaching a virtual private gateway from a VPC that is gone: the attachment's NotFound, which Terraform's
aws_vpn_gateway tolerates when its aws_vpn_gateway_attachment and the VPC were destroyed first."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.conftest import error_code


def _fails(code: str, call: Any, **params: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        call(**params)
    assert error_code(excinfo) == code, excinfo.value.response["Error"]


def test_detach_from_a_deleted_vpc_is_the_attachment_not_found(ec2: Any) -> None:
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    vgw = ec2.create_vpn_gateway(Type="ipsec.1")["VpnGateway"]["VpnGatewayId"]
    ec2.attach_vpn_gateway(VpnGatewayId=vgw, VpcId=vpc)
    ec2.detach_vpn_gateway(VpnGatewayId=vgw, VpcId=vpc)
    ec2.delete_vpc(VpcId=vpc)
    _fails("InvalidVpnGatewayAttachment.NotFound", ec2.detach_vpn_gateway, VpnGatewayId=vgw, VpcId=vpc)
    _fails("InvalidVpcID.Malformed", ec2.detach_vpn_gateway, VpnGatewayId=vgw, VpcId="vpc-nope")
    ec2.delete_vpn_gateway(VpnGatewayId=vgw)
    assert ec2.describe_vpn_gateways(VpnGatewayIds=[vgw])["VpnGateways"][0]["State"] == "deleted"
