"""Traces through a transit gateway and through a Gateway Load Balancer endpoint (aws-behaviour 9.7, 1.4)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.api.test_dataplane import _instance, _net, analyse, codes, kinds


@pytest.fixture
def ec2(vpcsim: Any, account: str) -> Any:
    return vpcsim.client("ec2", "eu-west-2", account)


def _attach(ec2: Any, tgw: str, vpc: str, subnets: list[str]) -> str:
    attachment = ec2.create_transit_gateway_vpc_attachment(TransitGatewayId=tgw, VpcId=vpc, SubnetIds=subnets)
    return str(attachment["TransitGatewayVpcAttachment"]["TransitGatewayAttachmentId"])


def test_transit_gateway_between_two_vpcs(ec2: Any) -> None:
    a, b = _net(ec2, "10.0.0.0/16"), _net(ec2, "10.1.0.0/16")
    tgw = ec2.create_transit_gateway()["TransitGateway"]["TransitGatewayId"]
    ec2.describe_transit_gateways(TransitGatewayIds=[tgw])
    _attach(ec2, tgw, a.vpc, [a.private])
    _attach(ec2, tgw, b.vpc, [b.private])
    ec2.describe_transit_gateway_vpc_attachments()
    ec2.create_route(RouteTableId=a.private_table, DestinationCidrBlock="10.1.0.0/16", TransitGatewayId=tgw)
    ec2.create_route(RouteTableId=b.private_table, DestinationCidrBlock="10.0.0.0/16", TransitGatewayId=tgw)
    server = _instance(ec2, b.private)
    group = ec2.describe_instances(InstanceIds=[server])["Reservations"][0]["Instances"][0]["SecurityGroups"][0]
    ec2.authorize_security_group_ingress(
        GroupId=group["GroupId"], IpProtocol="tcp", FromPort=443, ToPort=443, CidrIp="10.0.0.0/16"
    )
    address = ec2.describe_instances(InstanceIds=[server])["Reservations"][0]["Instances"][0]["PrivateIpAddress"]
    client = _instance(ec2, a.private)
    result = analyse(ec2, client, address)
    assert result["NetworkPathFound"] is True, result["Explanations"]
    path = kinds(result)
    # The client's subnet is the attachment's: its ACL is checked outbound (to the destination) and inbound (from
    # the source) [TGW tgw-nacls]; then the gateway, its route table, the attachment, and the route table of the
    # attachment's subnet in VPC b, which is the server's subnet too (no ACL from the gateway into its own subnet).
    assert path == ["i", "eni", "acl", "rtb", "acl", "tgw", "tgw", "tgw", "rtb", "eni", "i"], path
    ids = [c["Component"]["Id"] for c in result["ForwardPathComponents"]]
    assert ids[-1] == server and tgw in ids
    assert ids[8] == b.private_table and result["ForwardPathComponents"][8]["RouteTableRoute"]["GatewayId"] == "local"
    # The reply routes back over the gateway from VPC b.
    back = result["ReturnPathComponents"]
    assert kinds({"ForwardPathComponents": back}) == ["i", "eni", "acl", "rtb", "acl", "tgw", "tgw", "tgw", "rtb", "i"]
    # An instance of VPC a in an AZ where the attachment has no subnet cannot reach the gateway: "This transit
    # gateway is not registered in the Availability Zone where the traffic originates" [RA-EX].
    other_zone = ec2.create_subnet(VpcId=a.vpc, CidrBlock="10.0.9.0/24", AvailabilityZone="eu-west-2b")["Subnet"][
        "SubnetId"
    ]
    ec2.associate_route_table(RouteTableId=a.private_table, SubnetId=other_zone)
    stranded = _instance(ec2, other_zone)
    assert codes(analyse(ec2, stranded, address)) == ["TGW_ROUTE_AZ_RESTRICTION"]


def test_transit_gateway_route_table_without_a_route(ec2: Any) -> None:
    a, b = _net(ec2, "10.0.0.0/16"), _net(ec2, "10.1.0.0/16")
    tgw = ec2.create_transit_gateway(Options={"DefaultRouteTablePropagation": "disable"})["TransitGateway"][
        "TransitGatewayId"
    ]
    _attach(ec2, tgw, a.vpc, [a.private])
    _attach(ec2, tgw, b.vpc, [b.private])
    ec2.create_route(RouteTableId=a.private_table, DestinationCidrBlock="10.1.0.0/16", TransitGatewayId=tgw)
    client = _instance(ec2, a.private)
    assert codes(analyse(ec2, client, "10.1.1.10")) == ["TGW_RTB_CANNOT_ROUTE"]


def test_gateway_load_balancer_endpoint_inspects_and_forwards(vpcsim: Any, account: str, ec2: Any) -> None:
    net = _net(ec2)
    appliance_subnet = ec2.create_subnet(VpcId=net.vpc, CidrBlock="10.0.5.0/24", AvailabilityZone="eu-west-2a")[
        "Subnet"
    ]["SubnetId"]
    elbv2 = vpcsim.client("elbv2", "eu-west-2", account)
    gwlb = elbv2.create_load_balancer(Name="inspect", Type="gateway", Subnets=[appliance_subnet])["LoadBalancers"][0][
        "LoadBalancerArn"
    ]
    service = ec2.create_vpc_endpoint_service_configuration(GatewayLoadBalancerArns=[gwlb], AcceptanceRequired=False)[
        "ServiceConfiguration"
    ]
    endpoint = ec2.create_vpc_endpoint(
        VpcId=net.vpc,
        VpcEndpointType="GatewayLoadBalancer",
        ServiceName=service["ServiceName"],
        SubnetIds=[appliance_subnet],
    )["VpcEndpoint"]
    inspection_table = ec2.create_route_table(VpcId=net.vpc)["RouteTable"]["RouteTableId"]
    ec2.associate_route_table(RouteTableId=inspection_table, SubnetId=appliance_subnet)
    ec2.create_route(RouteTableId=inspection_table, DestinationCidrBlock="0.0.0.0/0", GatewayId=net.igw)
    ec2.describe_vpc_endpoints(VpcEndpointIds=[endpoint["VpcEndpointId"]])
    ec2.create_route(
        RouteTableId=net.private_table, DestinationCidrBlock="0.0.0.0/0", VpcEndpointId=endpoint["VpcEndpointId"]
    )
    client = _instance(ec2, net.private)
    result = analyse(ec2, client, "8.8.8.8")
    path = kinds(result)
    assert "vpce" in path and path.index("vpce") < path.index("igw"), (path, result["Explanations"])
    # The private instance has no public address: after inspection the internet gateway drops it.
    assert codes(result) == ["IGW_EXPECTS_PUBLIC_ADDRESS"]


def test_transit_gateway_without_a_route_is_no_route_in_every_face(vpcsim: Any, ec2: Any) -> None:
    """The step, the verdict, the CLI and Network Insights agree: no route (TGW_RTB_CANNOT_ROUTE), not blocked."""
    a, b = _net(ec2, "10.0.0.0/16"), _net(ec2, "10.1.0.0/16")
    tgw = ec2.create_transit_gateway(Options={"DefaultRouteTablePropagation": "disable"})["TransitGateway"][
        "TransitGatewayId"
    ]
    _attach(ec2, tgw, a.vpc, [a.private])
    _attach(ec2, tgw, b.vpc, [b.private])
    ec2.create_route(RouteTableId=a.private_table, DestinationCidrBlock="10.1.0.0/16", TransitGatewayId=tgw)
    client = _instance(ec2, a.private)
    assert analyse(ec2, client, "10.1.1.10")["NetworkPathFound"] is False
    vpcsim_cli = str(Path(sys.executable).with_name("vpcsim"))
    done = subprocess.run(
        [vpcsim_cli, "trace", client, "10.1.1.10:443", "--json", "--endpoint-url", vpcsim.url],
        capture_output=True,
        text=True,
        timeout=60,
    )
    trace = json.loads(done.stdout)
    assert done.returncode == 1 and trace["verdict"] == "no-route"
    stopping = [s for h in trace["hops"] for s in h["steps"] if s["explanation_code"]]
    assert [(s["action"], s["explanation_code"]) for s in stopping] == [("no-route", "TGW_RTB_CANNOT_ROUTE")]
    human = subprocess.run(
        [vpcsim_cli, "trace", client, "10.1.1.10:443", "--endpoint-url", vpcsim.url],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert "Verdict: no-route" in human.stdout and "TGW_RTB_CANNOT_ROUTE" in human.stdout
