"""An inspection VPC between spokes: a transit gateway sends spoke traffic to Gateway Load Balancer endpoints in front
of appliances, with and without appliance mode, built with boto3 as AWS's guides describe it.

Sources cited by the tests:
[BLOG-GWLB-TGW] "Centralized inspection architecture with AWS Gateway Load Balancer and AWS Transit Gateway" (AWS
  Networking & Content Delivery blog, aws.amazon.com/blogs/networking-and-content-delivery/
  centralized-inspection-architecture-with-aws-gateway-load-balancer-and-aws-transit-gateway/): spoke attachments
  associated with a table whose 0.0.0.0/0 goes to the inspection VPC's attachment; that attachment associated with
  a table the spokes propagate to; in the inspection VPC the transit gateway subnets route 0.0.0.0/0 to the GWLB
  endpoint of their AZ, the endpoint subnets route the spokes back to the transit gateway; appliance mode on the
  inspection VPC's attachment.
[TGW-APPLIANCE] "Example: Appliance in a shared services VPC" (docs.aws.amazon.com/vpc/latest/tgw/
  transit-gateway-appliance-scenario.html): without appliance mode the gateway keeps each direction in the AZ it
  started in, so the reply may reach another AZ's appliance; with it, "the transit gateway uses the same network
  interface for the return traffic".
[RA] Reachability Analyzer leaves the Gateway Load Balancer and its appliances out of the path ("considerations").
[VPCUG-GWRT] "Gateway route tables" (Amazon VPC User Guide): a route table associated with an internet gateway
  routes inbound traffic, for a subnet's CIDR, to a GWLB endpoint or an appliance's interface.
[GWLB-PATTERNS] "Introducing AWS Gateway Load Balancer: Supported architecture patterns" (AWS blog): GWLB
  endpoints in the application VPC with the internet gateway's ingress route table.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from tests.api.amis import EVERYWHERE, ami
from tests.api.test_dataplane import analyse
from tests.api.test_dataplane_hub import (
    REGION,
    Vpc,
    attach,
    instance,
    isolated_gateway,
    make_vpc,
    open_https,
    price,
    reply_ids,
    request_ids,
    spoke,
    tgw_table,
    trace,
)


@pytest.fixture
def ec2(vpcsim: Any, account: str) -> Any:
    return vpcsim.client("ec2", REGION, account)


@dataclass
class Inspection:
    tgw: str
    spokes: dict[str, Vpc]
    hub: Vpc
    endpoints: dict[str, str]  # AZ letter -> GWLB endpoint id
    attachments: dict[str, str]
    spoke_table: str
    inspection_table: str


def inspection_vpc(vpcsim: Any, account: str, ec2: Any, appliance_mode: bool) -> Inspection:
    """[BLOG-GWLB-TGW]'s design, with one GWLB (appliances in two AZs) behind an endpoint service and a GWLB
    endpoint in each AZ of the inspection VPC."""
    tgw = isolated_gateway(ec2)
    spokes = {"a": spoke(ec2, 1), "b": spoke(ec2, 2)}
    hub = make_vpc(
        ec2,
        "10.100.0.0/16",
        {
            "tgw-a": ("10.100.1.0/28", "a"),
            "tgw-b": ("10.100.2.0/28", "b"),
            "gwlbe-a": ("10.100.11.0/24", "a"),
            "gwlbe-b": ("10.100.12.0/24", "b"),
            "appliance-a": ("10.100.21.0/24", "a"),
            "appliance-b": ("10.100.22.0/24", "b"),
        },
    )
    endpoints = _gateway_load_balancer(vpcsim, account, ec2, hub)
    attachments = {name: attach(ec2, tgw, vpc) for name, vpc in spokes.items()}
    mode = "enable" if appliance_mode else "disable"
    attachments["inspection"] = attach(ec2, tgw, hub, ApplianceModeSupport=mode)
    for zone in "ab":
        ec2.create_route(
            RouteTableId=hub.tables[f"tgw-{zone}"], DestinationCidrBlock="0.0.0.0/0", VpcEndpointId=endpoints[zone]
        )
        ec2.create_route(
            RouteTableId=hub.tables[f"gwlbe-{zone}"], DestinationCidrBlock="10.0.0.0/8", TransitGatewayId=tgw
        )
    for vpc in spokes.values():
        open_https(ec2, vpc)
        for app in ("app-a", "app-b"):
            ec2.create_route(RouteTableId=vpc.tables[app], DestinationCidrBlock="0.0.0.0/0", TransitGatewayId=tgw)
    spoke_table, inspection_table = tgw_table(ec2, tgw), tgw_table(ec2, tgw)
    for name in spokes:
        ec2.associate_transit_gateway_route_table(
            TransitGatewayRouteTableId=spoke_table, TransitGatewayAttachmentId=attachments[name]
        )
        ec2.enable_transit_gateway_route_table_propagation(
            TransitGatewayRouteTableId=inspection_table, TransitGatewayAttachmentId=attachments[name]
        )
    ec2.associate_transit_gateway_route_table(
        TransitGatewayRouteTableId=inspection_table, TransitGatewayAttachmentId=attachments["inspection"]
    )
    ec2.create_transit_gateway_route(
        TransitGatewayRouteTableId=spoke_table,
        DestinationCidrBlock="0.0.0.0/0",
        TransitGatewayAttachmentId=attachments["inspection"],
    )
    return Inspection(tgw, spokes, hub, endpoints, attachments, spoke_table, inspection_table)


def _gateway_load_balancer(vpcsim: Any, account: str, ec2: Any, hub: Vpc) -> dict[str, str]:
    elbv2 = vpcsim.client("elbv2", REGION, account)
    subnets = [hub.subnets["appliance-a"], hub.subnets["appliance-b"]]
    gwlb = elbv2.create_load_balancer(Name="inspection", Type="gateway", Subnets=subnets)["LoadBalancers"][0]
    group = elbv2.create_target_group(
        Name="appliances", Protocol="GENEVE", Port=6081, VpcId=hub.id, TargetType="instance"
    )["TargetGroups"][0]["TargetGroupArn"]
    appliances = [instance(ec2, subnet)[0] for subnet in subnets]
    elbv2.register_targets(TargetGroupArn=group, Targets=[{"Id": a} for a in appliances])
    elbv2.create_listener(
        LoadBalancerArn=gwlb["LoadBalancerArn"], DefaultActions=[{"Type": "forward", "TargetGroupArn": group}]
    )
    service = ec2.create_vpc_endpoint_service_configuration(
        GatewayLoadBalancerArns=[gwlb["LoadBalancerArn"]], AcceptanceRequired=False
    )["ServiceConfiguration"]
    endpoints = {}
    for zone in "ab":
        created = ec2.create_vpc_endpoint(
            VpcId=hub.id,
            VpcEndpointType="GatewayLoadBalancer",
            ServiceName=service["ServiceName"],
            SubnetIds=[hub.subnets[f"gwlbe-{zone}"]],
        )["VpcEndpoint"]
        endpoints[zone] = created["VpcEndpointId"]
    ec2.describe_vpc_endpoints(VpcEndpointIds=list(endpoints.values()))
    return endpoints


def _inspected(found: dict[str, Any], *, reply: bool) -> list[str]:
    return [
        h["component"]["id"] for h in found["hops"] if h["reply"] is reply and h["component"]["kind"] == "vpc-endpoint"
    ]


def test_appliance_mode_keeps_both_directions_on_the_appliances_of_one_az(vpcsim: Any, account: str, ec2: Any) -> None:
    """[BLOG-GWLB-TGW] with appliance mode on: the request from spoke A's AZ a enters the inspection VPC in AZ a
    (the AZ it entered the gateway in), goes through that AZ's GWLB endpoint, back to the gateway and on to spoke B;
    the reply from spoke B's AZ b is sent into the inspection VPC through the same interface (AZ a) [TGW-APPLIANCE],
    so the same endpoint's appliances see both directions. Cost: the gateway processes the GB twice (it enters the
    gateway from spoke A and again from the inspection VPC), the GWLB endpoint once, and the GB crosses from AZ a
    to AZ b."""
    world = inspection_vpc(vpcsim, account, ec2, appliance_mode=True)
    a, b, hub = world.spokes["a"], world.spokes["b"], world.hub
    client, client_eni, _ = instance(ec2, a.subnets["app-a"])
    server, server_eni, address = instance(ec2, b.subnets["app-b"])
    found = trace(vpcsim, client, address)
    assert found["verdict"] == "reachable" and found["explanations"] == [], found["explanations"]
    assert request_ids(found) == [
        client, client_eni, a.acl, a.tables["app-a"], a.acl, world.tgw,
        world.spoke_table, world.attachments["inspection"],  # 0.0.0.0/0 -> the inspection VPC, in AZ a
        hub.tables["tgw-a"], hub.acl, hub.acl, world.endpoints["a"],  # to the appliances and back
        hub.tables["gwlbe-a"], hub.acl, hub.acl, world.tgw,  # 10.0.0.0/8 -> the gateway again
        world.inspection_table, world.attachments["b"],  # the propagated route to spoke B
        b.tables["tgw-a"], b.acl, b.acl, server_eni, server,
    ]  # fmt: skip
    assert _inspected(found, reply=False) == _inspected(found, reply=True) == [world.endpoints["a"]]
    assert reply_ids(found)[-1] == client and not any("appliance mode" in n for n in found["notes"])
    assert [c["item"] for c in found["charges"]] == [
        f"Transit gateway data processing ({REGION})",
        "Gateway Load Balancer endpoint data processing",
        f"Transit gateway data processing ({REGION})",
        f"Inter-AZ data transfer out of {REGION}a ({REGION}a -> {REGION}b)",
        f"Inter-AZ data transfer into {REGION}b ({REGION}a -> {REGION}b)",
    ]
    expected = 2 * price("tgw_gb") + price("gwlb_endpoint_gb") + 2 * price("inter_az_gb")
    assert found["usd_per_gb"] == pytest.approx(expected)
    # From spoke B's AZ b the other way: the AZ b endpoint, both ways.
    back = trace(vpcsim, server, _address(ec2, client))
    assert back["verdict"] == "reachable"
    assert _inspected(back, reply=False) == _inspected(back, reply=True) == [world.endpoints["b"]]


def test_without_appliance_mode_the_reply_reaches_another_azs_appliances(vpcsim: Any, account: str, ec2: Any) -> None:
    """[TGW-APPLIANCE] without appliance mode: the reply from spoke B's AZ b enters the inspection VPC in AZ b and
    passes the AZ b endpoint, whose appliances never saw the request: the network delivers it (reachable), and the
    trace says that a stateful appliance drops it and which attachment's appliance mode would fix it. Between
    sources in the same AZ the flow stays in that AZ both ways and nothing is said."""
    world = inspection_vpc(vpcsim, account, ec2, appliance_mode=False)
    a, b = world.spokes["a"], world.spokes["b"]
    client, _, _ = instance(ec2, a.subnets["app-a"])
    _, _, far = instance(ec2, b.subnets["app-b"])
    _, _, near = instance(ec2, b.subnets["app-a"])
    found = trace(vpcsim, client, far)
    assert found["verdict"] == "reachable"
    assert _inspected(found, reply=False) == [world.endpoints["a"]]
    assert _inspected(found, reply=True) == [world.endpoints["b"]]
    (note,) = [n for n in found["notes"] if "appliance" in n]
    assert world.endpoints["a"] in note and world.endpoints["b"] in note
    assert world.attachments["inspection"] in note and "ApplianceModeSupport" in note
    same_az = trace(vpcsim, client, near)
    assert _inspected(same_az, reply=False) == _inspected(same_az, reply=True) == [world.endpoints["a"]]
    assert not any("appliance" in n for n in same_az["notes"])
    # Turning appliance mode on fixes it.
    ec2.modify_transit_gateway_vpc_attachment(
        TransitGatewayAttachmentId=world.attachments["inspection"], Options={"ApplianceModeSupport": "enable"}
    )
    fixed = trace(vpcsim, client, far)
    assert _inspected(fixed, reply=True) == [world.endpoints["a"]] and not any("appliance" in n for n in fixed["notes"])


def test_inspection_in_reachability_analyzer(vpcsim: Any, account: str, ec2: Any) -> None:
    """The Network Insights answer: the GWLB endpoint on both paths, not the load balancer or its appliances [RA]."""
    world = inspection_vpc(vpcsim, account, ec2, appliance_mode=True)
    client, _, _ = instance(ec2, world.spokes["a"].subnets["app-a"])
    server, _, address = instance(ec2, world.spokes["b"].subnets["app-b"])
    result = analyse(ec2, client, address)
    assert result["NetworkPathFound"] is True, result["Explanations"]
    forward = [c["Component"]["Id"] for c in result["ForwardPathComponents"]]
    back = [c["Component"]["Id"] for c in result["ReturnPathComponents"]]
    assert forward[-1] == server and back[0] == server and back[-1] == client
    assert world.endpoints["a"] in forward and world.endpoints["a"] in back
    assert not any(i.startswith("arn:aws:elasticloadbalancing") for i in forward + back)
    first = result["ReturnPathComponents"][0]
    assert first["OutboundHeader"]["SourceAddresses"] == [address]
    assert first["OutboundHeader"]["SourcePortRanges"] == [{"From": 443, "To": 443}]


def _address(ec2: Any, instance_id: str) -> str:
    return str(ec2.describe_instances(InstanceIds=[instance_id])["Reservations"][0]["Instances"][0]["PrivateIpAddress"])


def test_north_south_inspection_with_an_ingress_route_table(vpcsim: Any, account: str, ec2: Any) -> None:
    """[VPCUG-GWRT] "Gateway route tables" / [GWLB-PATTERNS]: an application VPC's public subnet sends 0.0.0.0/0 to a
    GWLB endpoint, whose subnet sends 0.0.0.0/0 to the internet gateway; the route table associated with the internet
    gateway (an edge association) sends the public subnet's CIDR to the endpoint, so the internet's replies (and
    connections from the internet) pass the appliances too. Without the edge association the reply comes straight
    in by the local route, and the trace says it skips the endpoint."""
    security = make_vpc(ec2, "10.200.0.0/16", {"appliance-a": ("10.200.1.0/24", "a")})
    app = make_vpc(ec2, "10.0.0.0/16", {"gwlbe": ("10.0.0.0/24", "a"), "public": ("10.0.1.0/24", "a")})
    elbv2 = vpcsim.client("elbv2", REGION, account)
    gwlb = elbv2.create_load_balancer(Name="edge", Type="gateway", Subnets=[security.subnets["appliance-a"]])
    service = ec2.create_vpc_endpoint_service_configuration(
        GatewayLoadBalancerArns=[gwlb["LoadBalancers"][0]["LoadBalancerArn"]], AcceptanceRequired=False
    )["ServiceConfiguration"]
    endpoint = ec2.create_vpc_endpoint(
        VpcId=app.id,
        VpcEndpointType="GatewayLoadBalancer",
        ServiceName=service["ServiceName"],
        SubnetIds=[app.subnets["gwlbe"]],
    )["VpcEndpoint"]["VpcEndpointId"]
    ec2.describe_vpc_endpoints(VpcEndpointIds=[endpoint])
    igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=app.id)
    ec2.create_route(RouteTableId=app.tables["public"], DestinationCidrBlock="0.0.0.0/0", VpcEndpointId=endpoint)
    ec2.create_route(RouteTableId=app.tables["gwlbe"], DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
    edge = ec2.create_route_table(VpcId=app.id)["RouteTable"]["RouteTableId"]
    edge_association = ec2.associate_route_table(RouteTableId=edge, GatewayId=igw)["AssociationId"]
    ec2.create_route(RouteTableId=edge, DestinationCidrBlock="10.0.1.0/24", VpcEndpointId=endpoint)
    https = ec2.create_security_group(GroupName="web", Description="https", VpcId=app.id)["GroupId"]
    ec2.authorize_security_group_ingress(GroupId=https, IpProtocol="tcp", FromPort=443, ToPort=443, CidrIp="0.0.0.0/0")
    interface = {"DeviceIndex": 0, "SubnetId": app.subnets["public"], "AssociatePublicIpAddress": True}
    web = _instance_with(ec2, interface | {"Groups": [https]})
    found = ec2.describe_instances(InstanceIds=[web])["Reservations"][0]["Instances"][0]
    eni, public = found["NetworkInterfaces"][0]["NetworkInterfaceId"], found["PublicIpAddress"]

    out = trace(vpcsim, web, "8.8.8.8")
    assert out["verdict"] == "reachable", out["explanations"]
    assert request_ids(out) == [
        web, eni, app.acl, app.tables["public"], app.acl, endpoint, app.tables["gwlbe"], app.acl, igw, "8.8.8.8"
    ]  # fmt: skip
    assert reply_ids(out) == [
        "8.8.8.8", igw, edge, app.acl, endpoint, app.tables["gwlbe"], app.acl, app.acl, web
    ]  # fmt: skip
    assert not any(endpoint in n for n in out["notes"])
    inbound = trace(vpcsim, "internet", public)
    assert inbound["verdict"] == "reachable", inbound["explanations"]
    assert request_ids(inbound)[:3] == [request_ids(inbound)[0], igw, edge] and endpoint in request_ids(inbound)
    assert endpoint in reply_ids(inbound) and reply_ids(inbound)[-2] == igw
    ec2.disassociate_route_table(AssociationId=edge_association)
    skipped = trace(vpcsim, web, "8.8.8.8")
    assert skipped["verdict"] == "reachable" and endpoint not in reply_ids(skipped)
    (note,) = [n for n in skipped["notes"] if endpoint in n]
    assert "does not pass" in note


def _instance_with(ec2: Any, interface: dict[str, Any]) -> str:
    reservation = ec2.run_instances(
        ImageId=ami(ec2.meta.region_name),
        InstanceType=EVERYWHERE,
        MinCount=1,
        MaxCount=1,
        NetworkInterfaces=[interface],
    )
    return str(reservation["Instances"][0]["InstanceId"])
