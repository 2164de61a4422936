"""AWS's hub-and-spoke reference architectures, built with boto3 as AWS's guides describe them and traced from several
sources: centralized egress through a transit gateway to NAT gateways in an egress VPC, and a transit gateway's
return path (routes back, blackholes, the AZs an attachment has).

Sources cited by the tests:
[WP-MVPC] "Centralized egress to internet", Building a Scalable and Secure Multi-VPC AWS Network Infrastructure
  (docs.aws.amazon.com/whitepapers/latest/building-scalable-secure-multi-vpc-network-infrastructure/
  centralized-egress-to-internet.html): spoke attachments associated with one route table (0.0.0.0/0 to the egress
  VPC's attachment, a blackhole route keeping spokes apart) and propagated to the egress attachment's table; NAT
  gateways in the egress VPC's public subnets; "you pay an extra Transit Gateway data processing charge".
[TGW-NACL] "Network ACLs for transit gateways" (docs.aws.amazon.com/vpc/latest/tgw/tgw-nacls.html).
[TGW-ATT] "Amazon VPC attachments in AWS Transit Gateway": "any resources in Availability Zones where there is no
  transit gateway attachment cannot reach the transit gateway".
[PG-TGW] "AWS Transit Gateway traffic flow and asymmetric routing" (AWS Prescriptive Guidance): the gateway keeps
  Availability Zone affinity; the reply enters in the AZ it starts in.
[RA-EX] Reachability Analyzer explanation codes (docs.aws.amazon.com/vpc/latest/reachability/explanation-codes.html).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from tests.api.test_dataplane import _instance, analyse, codes
from tests.api.test_trace_faces import _post
from vpcsim.cost import price_book

REGION = "us-east-1"
INTERNET = "8.8.8.8"


def price(key: str) -> float:
    found = price_book().find(REGION, key)
    assert found is not None, key
    return found.usd


@pytest.fixture
def ec2(vpcsim: Any, account: str) -> Any:
    return vpcsim.client("ec2", REGION, account)


@dataclass
class Vpc:
    id: str
    acl: str  # the default network ACL, every subnet's
    subnets: dict[str, str] = field(default_factory=dict)  # name -> subnet id
    tables: dict[str, str] = field(default_factory=dict)  # name -> its own route table


def make_vpc(ec2: Any, cidr: str, subnets: dict[str, tuple[str, str]]) -> Vpc:
    """A VPC whose named subnets (CIDR, AZ letter) each get a route table of their own."""
    vpc_id = ec2.create_vpc(CidrBlock=cidr)["Vpc"]["VpcId"]
    acls = ec2.describe_network_acls(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["NetworkAcls"]
    vpc = Vpc(vpc_id, acls[0]["NetworkAclId"])
    for name, (block, zone) in subnets.items():
        subnet = ec2.create_subnet(VpcId=vpc_id, CidrBlock=block, AvailabilityZone=f"{REGION}{zone}")["Subnet"]
        table = ec2.create_route_table(VpcId=vpc_id)["RouteTable"]["RouteTableId"]
        ec2.associate_route_table(RouteTableId=table, SubnetId=subnet["SubnetId"])
        vpc.subnets[name], vpc.tables[name] = subnet["SubnetId"], table
    return vpc


def spoke(ec2: Any, octet: int) -> Vpc:
    """A workload VPC 10.<octet>.0.0/16: application subnets and transit gateway subnets in AZs a and b."""
    return make_vpc(
        ec2,
        f"10.{octet}.0.0/16",
        {
            "app-a": (f"10.{octet}.1.0/24", "a"),
            "app-b": (f"10.{octet}.2.0/24", "b"),
            "tgw-a": (f"10.{octet}.101.0/28", "a"),
            "tgw-b": (f"10.{octet}.102.0/28", "b"),
        },
    )


def attach(ec2: Any, tgw: str, vpc: Vpc, names: tuple[str, ...] = ("tgw-a", "tgw-b"), **options: str) -> str:
    created = ec2.create_transit_gateway_vpc_attachment(
        TransitGatewayId=tgw, VpcId=vpc.id, SubnetIds=[vpc.subnets[n] for n in names], Options=options
    )
    return str(created["TransitGatewayVpcAttachment"]["TransitGatewayAttachmentId"])


def isolated_gateway(ec2: Any) -> str:
    """A transit gateway whose attachments get no default association or propagation: the tables are designed."""
    options = {"DefaultRouteTableAssociation": "disable", "DefaultRouteTablePropagation": "disable"}
    return str(ec2.create_transit_gateway(Options=options)["TransitGateway"]["TransitGatewayId"])


def tgw_table(ec2: Any, tgw: str) -> str:
    return str(
        ec2.create_transit_gateway_route_table(TransitGatewayId=tgw)["TransitGatewayRouteTable"][
            "TransitGatewayRouteTableId"
        ]
    )


def instance(ec2: Any, subnet: str) -> tuple[str, str, str]:
    """An instance: (id, its interface, its private address)."""
    iid = _instance(ec2, subnet)
    found = ec2.describe_instances(InstanceIds=[iid])["Reservations"][0]["Instances"][0]
    return iid, found["NetworkInterfaces"][0]["NetworkInterfaceId"], found["PrivateIpAddress"]


def open_https(ec2: Any, vpc: Vpc, cidr: str = "10.0.0.0/8") -> str:
    """The VPC's default security group (every instance's here) opened to HTTPS from ``cidr``."""
    groups = ec2.describe_security_groups(
        Filters=[{"Name": "vpc-id", "Values": [vpc.id]}, {"Name": "group-name", "Values": ["default"]}]
    )["SecurityGroups"]
    group = str(groups[0]["GroupId"])
    ec2.authorize_security_group_ingress(GroupId=group, IpProtocol="tcp", FromPort=443, ToPort=443, CidrIp=cidr)
    return group


def trace(vpcsim: Any, source: str, destination: str, port: int = 443, protocol: str = "tcp") -> dict[str, Any]:
    body = {"source": source, "destination": destination, "port": port, "protocol": protocol}
    status, found = _post(vpcsim, "/_vpcsim/api/trace", body)
    assert status == 200, found
    return found


def request_ids(found: dict[str, Any]) -> list[str]:
    return [h["component"]["id"] for h in found["hops"] if not h["reply"] and h["component"]["kind"] != "dns"]


def reply_ids(found: dict[str, Any]) -> list[str]:
    return [h["component"]["id"] for h in found["hops"] if h["reply"]]


def explained(found: dict[str, Any]) -> list[tuple[str, bool]]:
    """Each explanation code, and whether it was the reply's hop that stopped."""
    stops = [h for h in found["hops"] if any(s["explanation_code"] for s in h["steps"])]
    return [(e["code"], stops[-1]["reply"]) for e in found["explanations"]]


# -- centralized egress -------------------------------------------------------------------------------------------
@dataclass
class Egress:
    tgw: str
    spokes: dict[str, Vpc]
    hub: Vpc
    igw: str
    nats: dict[str, tuple[str, str]]  # AZ letter -> (NAT gateway id, its private address)
    attachments: dict[str, str]  # "a" | "b" | "egress" -> attachment id
    spoke_table: str
    egress_table: str


def centralized_egress(ec2: Any) -> Egress:
    """[WP-MVPC] Figure "Centralized NAT gateway using Transit Gateway (route table design)": two spokes whose
    application subnets send 0.0.0.0/0 to the transit gateway; an egress VPC with a NAT gateway in the public subnet
    of each AZ, whose transit gateway subnets send 0.0.0.0/0 to the NAT gateway of their AZ and whose public subnets
    send 0.0.0.0/0 to the internet gateway and the spokes' 10.0.0.0/8 back to the transit gateway."""
    tgw = isolated_gateway(ec2)
    spokes = {"a": spoke(ec2, 1), "b": spoke(ec2, 2)}
    hub = make_vpc(
        ec2,
        "10.0.0.0/16",
        {
            "public-a": ("10.0.1.0/24", "a"),
            "public-b": ("10.0.2.0/24", "b"),
            "tgw-a": ("10.0.101.0/28", "a"),
            "tgw-b": ("10.0.102.0/28", "b"),
        },
    )
    attachments = {name: attach(ec2, tgw, vpc) for name, vpc in spokes.items()}
    attachments["egress"] = attach(ec2, tgw, hub)
    igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=hub.id)
    nats = {}
    for zone in "ab":
        allocation = ec2.allocate_address(Domain="vpc")["AllocationId"]
        nat = ec2.create_nat_gateway(SubnetId=hub.subnets[f"public-{zone}"], AllocationId=allocation)["NatGateway"]
        nats[zone] = (nat["NatGatewayId"], nat["NatGatewayAddresses"][0]["PrivateIp"])
        ec2.create_route(
            RouteTableId=hub.tables[f"tgw-{zone}"], DestinationCidrBlock="0.0.0.0/0", NatGatewayId=nat["NatGatewayId"]
        )
        ec2.create_route(RouteTableId=hub.tables[f"public-{zone}"], DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
        ec2.create_route(
            RouteTableId=hub.tables[f"public-{zone}"], DestinationCidrBlock="10.0.0.0/8", TransitGatewayId=tgw
        )
    for vpc in spokes.values():
        for app in ("app-a", "app-b"):
            ec2.create_route(RouteTableId=vpc.tables[app], DestinationCidrBlock="0.0.0.0/0", TransitGatewayId=tgw)
    spoke_table, egress_table = tgw_table(ec2, tgw), tgw_table(ec2, tgw)
    for name in spokes:
        ec2.associate_transit_gateway_route_table(
            TransitGatewayRouteTableId=spoke_table, TransitGatewayAttachmentId=attachments[name]
        )
        ec2.enable_transit_gateway_route_table_propagation(
            TransitGatewayRouteTableId=egress_table, TransitGatewayAttachmentId=attachments[name]
        )
    ec2.associate_transit_gateway_route_table(
        TransitGatewayRouteTableId=egress_table, TransitGatewayAttachmentId=attachments["egress"]
    )
    ec2.create_transit_gateway_route(
        TransitGatewayRouteTableId=spoke_table,
        DestinationCidrBlock="0.0.0.0/0",
        TransitGatewayAttachmentId=attachments["egress"],
    )
    ec2.create_transit_gateway_route(
        TransitGatewayRouteTableId=spoke_table, DestinationCidrBlock="10.0.0.0/8", Blackhole=True
    )
    return Egress(tgw, spokes, hub, igw, nats, attachments, spoke_table, egress_table)


def test_centralized_egress_reaches_the_internet_through_the_nat_gateway_of_the_sources_az(
    vpcsim: Any, ec2: Any
) -> None:
    """[WP-MVPC]: every spoke reaches the internet through the egress VPC. A packet from a transit gateway is routed
    by the route table of the attachment's subnet in the AZ it entered by (AZ affinity [PG-TGW]), so each AZ's
    traffic uses that AZ's NAT gateway; a NAT gateway translates traffic a transit gateway brings in (it refuses
    only what came over peering, a VPN or Direct Connect [RA-EX NGW_REQUIRES_SOURCE_IN_VPC]). ACLs [TGW-NACL]: the
    attachment subnet's inbound rules as the packet enters the gateway; its outbound rules as the gateway's
    interface sends it to another subnet. The reply comes back from the internet to the NAT gateway, which sends it
    to the spoke by the public subnet's route back to the transit gateway and the egress attachment's table's
    propagated route. Cost: transit gateway processing ("an extra Transit Gateway data processing charge"), NAT
    processing, internet data transfer out."""
    world = centralized_egress(ec2)
    a, hub = world.spokes["a"], world.hub
    for zone, vpc_name in (("a", "a"), ("b", "a"), ("a", "b")):
        vpc = world.spokes[vpc_name]
        client, eni, address = instance(ec2, vpc.subnets[f"app-{zone}"])
        nat, nat_ip = world.nats[zone]
        found = trace(vpcsim, client, INTERNET)
        assert found["verdict"] == "reachable" and found["explanations"] == [], found["explanations"]
        assert request_ids(found) == [
            client, eni, vpc.acl, vpc.tables[f"app-{zone}"],  # the spoke: out of the application subnet
            vpc.acl, world.tgw,  # into the gateway through the attachment's subnet in the client's AZ
            world.spoke_table, world.attachments["egress"],  # 0.0.0.0/0 -> the egress VPC
            hub.tables[f"tgw-{zone}"], hub.acl, hub.acl,  # the attachment subnet's table: 0.0.0.0/0 -> this AZ's NAT
            nat, hub.acl, hub.tables[f"public-{zone}"], world.igw, INTERNET,
        ]  # fmt: skip
        assert reply_ids(found) == [
            INTERNET, world.igw, hub.acl, nat,  # back to the NAT gateway's address, translated to the client's
            hub.acl, hub.tables[f"public-{zone}"],  # 10.0.0.0/8 -> the transit gateway
            hub.acl, world.tgw, world.egress_table, world.attachments[vpc_name],  # the propagated spoke route
            vpc.tables[f"tgw-{zone}"], vpc.acl, vpc.acl, client,
        ]  # fmt: skip
        translated = next(h for h in found["hops"] if h["component"]["id"] == nat and not h["reply"])
        assert translated["inbound"]["source"] == address and translated["outbound"]["source"] == nat_ip
        assert [(c["item"], c["usd_per_gb"]) for c in found["charges"]] == [
            (f"Transit gateway data processing ({REGION})", price("tgw_gb")),
            ("NAT gateway data processing", price("nat_gateway_gb")),
            ("Data transfer out to the internet", price("internet_out_gb")),
        ]
        assert found["usd_per_gb"] == pytest.approx(
            price("tgw_gb") + price("nat_gateway_gb") + price("internet_out_gb")
        )
        assert found["internet"] is True
    # An AWS service's public endpoint the same way, without internet data transfer.
    client, _, _ = instance(ec2, a.subnets["app-a"])
    s3 = trace(vpcsim, client, f"s3.{REGION}.amazonaws.com")
    assert s3["verdict"] == "reachable" and request_ids(s3)[-1] == f"s3.{REGION}"
    assert [c["item"] for c in s3["charges"]] == [
        f"Transit gateway data processing ({REGION})",
        "NAT gateway data processing",
    ]


def test_centralized_egress_in_reachability_analyzer(ec2: Any) -> None:
    """The same path through the Network Insights API: ForwardPathComponents and ReturnPathComponents, the latter
    with the reply's headers (from the internet host's port 443 back to the client's ephemeral port, addressed to
    the NAT gateway, then to the client)."""
    world = centralized_egress(ec2)
    client, _, address = instance(ec2, world.spokes["a"].subnets["app-a"])
    nat, nat_ip = world.nats["a"]
    result = analyse(ec2, client, INTERNET)
    assert result["NetworkPathFound"] is True and result["Explanations"] == []
    forward = [c["Component"]["Id"] for c in result["ForwardPathComponents"]]
    assert forward[0] == client and forward[-1] == INTERNET and nat in forward and world.tgw in forward
    back = result["ReturnPathComponents"]
    assert back[0]["Component"]["Id"] == INTERNET and back[-1]["Component"]["Id"] == client
    (at_nat,) = [c for c in back if c["Component"]["Id"] == nat]
    assert at_nat["InboundHeader"]["SourceAddresses"] == [INTERNET]
    assert at_nat["InboundHeader"]["DestinationAddresses"] == [nat_ip]
    assert at_nat["InboundHeader"]["SourcePortRanges"] == [{"From": 443, "To": 443}]
    assert at_nat["InboundHeader"]["DestinationPortRanges"] == [{"From": 32768, "To": 32768}]
    assert at_nat["OutboundHeader"]["DestinationAddresses"] == [address]
    route_back = next(c for c in back if "RouteTableRoute" in c)
    assert route_back["RouteTableRoute"] == {
        "DestinationCidr": "10.0.0.0/8", "TransitGatewayId": world.tgw, "Origin": "CreateRoute", "State": "active"
    }  # fmt: skip


def test_centralized_egress_keeps_spokes_apart_and_needs_every_way_back(vpcsim: Any, ec2: Any) -> None:
    """[WP-MVPC] "We have explicitly added a Blackhole route to disallow the two VPCs from communicating with each
    other": a blackhole route stops the path (``TGW_RTB_BAD_STATE_ROUTE``: "a route to the destination that is in a
    bad state" [RA-EX]). The reply needs the public subnet's route back to the transit gateway
    (``NO_ROUTE_TO_DESTINATION``), the egress table's route to the spoke (``TGW_RTB_CANNOT_ROUTE``), and the NAT
    subnet's inbound ACL to admit the reply from the internet host (``SUBNET_ACL_RESTRICTION``), and no blackhole on
    the way back (``TGW_RTB_BAD_STATE_ROUTE``): each stops the reply, after the whole request's path."""
    world = centralized_egress(ec2)
    a, b, hub = world.spokes["a"], world.spokes["b"], world.hub
    open_https(ec2, b)
    client, _, _ = instance(ec2, a.subnets["app-a"])
    _, _, server = instance(ec2, b.subnets["app-a"])
    apart = trace(vpcsim, client, server)
    assert apart["verdict"] == "no-route" and explained(apart) == [("TGW_RTB_BAD_STATE_ROUTE", False)]
    # The gateway processed what was sent to it before the blackhole dropped it.
    assert [c["item"] for c in apart["charges"]] == [f"Transit gateway data processing ({REGION})"]

    ec2.delete_route(RouteTableId=hub.tables["public-a"], DestinationCidrBlock="10.0.0.0/8")
    no_way_back = trace(vpcsim, client, INTERNET)
    assert no_way_back["verdict"] == "no-route" and explained(no_way_back) == [("NO_ROUTE_TO_DESTINATION", True)]
    assert request_ids(no_way_back)[-1] == INTERNET and reply_ids(no_way_back)[-1] == hub.tables["public-a"]
    assert world.tgw in no_way_back["explanations"][0]["detail"]
    ec2.create_route(RouteTableId=hub.tables["public-a"], DestinationCidrBlock="10.0.0.0/8", TransitGatewayId=world.tgw)
    assert trace(vpcsim, client, INTERNET)["verdict"] == "reachable"

    ec2.disable_transit_gateway_route_table_propagation(
        TransitGatewayRouteTableId=world.egress_table, TransitGatewayAttachmentId=world.attachments["a"]
    )
    unrouted = trace(vpcsim, client, INTERNET)
    assert unrouted["verdict"] == "no-route" and explained(unrouted) == [("TGW_RTB_CANNOT_ROUTE", True)]
    assert reply_ids(unrouted)[-1] == world.egress_table
    ec2.enable_transit_gateway_route_table_propagation(
        TransitGatewayRouteTableId=world.egress_table, TransitGatewayAttachmentId=world.attachments["a"]
    )
    ec2.create_transit_gateway_route(  # a static blackhole beats the propagated route of the same prefix
        TransitGatewayRouteTableId=world.egress_table, DestinationCidrBlock="10.1.0.0/16", Blackhole=True
    )
    holed = trace(vpcsim, client, INTERNET)
    assert holed["verdict"] == "no-route" and explained(holed) == [("TGW_RTB_BAD_STATE_ROUTE", True)]
    ec2.delete_transit_gateway_route(TransitGatewayRouteTableId=world.egress_table, DestinationCidrBlock="10.1.0.0/16")
    assert trace(vpcsim, client, INTERNET)["verdict"] == "reachable"

    acl = ec2.create_network_acl(VpcId=hub.id)["NetworkAcl"]["NetworkAclId"]
    for egress in (False, True):
        ec2.create_network_acl_entry(
            NetworkAclId=acl, RuleNumber=100, Protocol="-1", RuleAction="allow", Egress=egress,
            CidrBlock="10.0.0.0/8" if not egress else "0.0.0.0/0",
        )  # fmt: skip
    association = next(
        a["NetworkAclAssociationId"]
        for a in ec2.describe_network_acls(NetworkAclIds=[hub.acl])["NetworkAcls"][0]["Associations"]
        if a["SubnetId"] == hub.subnets["public-a"]
    )
    ec2.replace_network_acl_association(AssociationId=association, NetworkAclId=acl)
    dropped = trace(vpcsim, client, INTERNET)
    assert dropped["verdict"] == "blocked" and explained(dropped) == [("SUBNET_ACL_RESTRICTION", True)]
    assert dropped["explanations"][0]["component"]["id"] == acl and dropped["explanations"][0]["direction"] == "ingress"
    assert reply_ids(dropped) == [INTERNET, world.igw, acl]  # the reply from 8.8.8.8 into the NAT gateway's subnet
    # The request alone passed: priced as before (the reply's checks are not a path a GB is charged on twice).
    assert [c["item"] for c in dropped["charges"]][:2] == [
        f"Transit gateway data processing ({REGION})",
        "NAT gateway data processing",
    ]


# -- a transit gateway's way back ----------------------------------------------------------------------------------
def test_transit_gateway_reply_starts_in_the_servers_az(vpcsim: Any, ec2: Any) -> None:
    """[PG-TGW]: the reply goes to the transit gateway from the server's AZ; [TGW-ATT] "any resources in
    Availability Zones where there is no transit gateway attachment cannot reach the transit gateway": a server in
    an AZ where its VPC's attachment has no subnet is reached (the request enters VPC b in AZ a and is routed to it
    by the local route) but cannot answer (``TGW_ROUTE_AZ_RESTRICTION``, "This transit gateway is not registered in
    the Availability Zone where the traffic originates" [RA-EX]). The server's route back must point at the transit
    gateway (``NO_ROUTE_TO_DESTINATION``)."""
    tgw = ec2.create_transit_gateway()["TransitGateway"]["TransitGatewayId"]  # default association and propagation
    a, b = spoke(ec2, 1), spoke(ec2, 2)
    attach(ec2, tgw, a)
    attach(ec2, tgw, b, ("tgw-a",))
    ec2.create_route(RouteTableId=a.tables["app-a"], DestinationCidrBlock="10.2.0.0/16", TransitGatewayId=tgw)
    for app in ("app-a", "app-b"):
        ec2.create_route(RouteTableId=b.tables[app], DestinationCidrBlock="10.1.0.0/16", TransitGatewayId=tgw)
    open_https(ec2, b)
    client, _, _ = instance(ec2, a.subnets["app-a"])
    near, far = instance(ec2, b.subnets["app-a"]), instance(ec2, b.subnets["app-b"])
    assert trace(vpcsim, client, near[2])["verdict"] == "reachable"
    stranded = trace(vpcsim, client, far[2])
    assert stranded["verdict"] == "blocked" and explained(stranded) == [("TGW_ROUTE_AZ_RESTRICTION", True)]
    assert request_ids(stranded)[-1] == far[0] and reply_ids(stranded)[-1] == tgw
    assert f"{REGION}b" in stranded["explanations"][0]["detail"]
    ec2.delete_route(RouteTableId=b.tables["app-a"], DestinationCidrBlock="10.1.0.0/16")
    lost = trace(vpcsim, client, near[2])
    assert lost["verdict"] == "no-route" and explained(lost) == [("NO_ROUTE_TO_DESTINATION", True)]
    assert codes(analyse(ec2, client, near[2])) == ["NO_ROUTE_TO_DESTINATION"]


def test_an_interface_endpoint_in_a_shared_services_vpc_over_the_transit_gateway(vpcsim: Any, ec2: Any) -> None:
    """A spoke reaches an interface endpoint in a shared-services VPC over the transit gateway (by the endpoint's own
    regional name here; private hosted zones that name it for the spokes are the DNS side): the gateway delivers into
    the hub through its attachment subnet's route table (local route) to the endpoint's interface, whose groups admit
    the spoke; the reply leaves the endpoint's subnet back over the gateway. Cost: transit gateway and interface
    endpoint processing."""
    tgw = ec2.create_transit_gateway()["TransitGateway"]["TransitGatewayId"]
    a = spoke(ec2, 1)
    hub = make_vpc(ec2, "10.0.0.0/16", {"endpoints-a": ("10.0.1.0/24", "a"), "tgw-a": ("10.0.101.0/28", "a")})
    attach(ec2, tgw, a, ("tgw-a",))
    attach(ec2, tgw, hub, ("tgw-a",))
    ec2.create_route(RouteTableId=a.tables["app-a"], DestinationCidrBlock="10.0.0.0/16", TransitGatewayId=tgw)
    https = ec2.create_security_group(GroupName="https", Description="from spokes", VpcId=hub.id)["GroupId"]
    ec2.authorize_security_group_ingress(
        GroupId=https, IpProtocol="tcp", FromPort=443, ToPort=443, CidrIp="10.1.0.0/16"
    )
    endpoint = ec2.create_vpc_endpoint(
        VpcId=hub.id,
        VpcEndpointType="Interface",
        ServiceName=f"com.amazonaws.{REGION}.sqs",
        SubnetIds=[hub.subnets["endpoints-a"]],
        SecurityGroupIds=[https],
        PrivateDnsEnabled=False,
    )["VpcEndpoint"]
    ec2.describe_vpc_endpoints(VpcEndpointIds=[endpoint["VpcEndpointId"]])
    client, _, _ = instance(ec2, a.subnets["app-a"])
    name = endpoint["DnsEntries"][0]["DnsName"]
    lost = trace(vpcsim, client, name)  # the endpoint subnet has no route back to the spoke yet
    assert lost["verdict"] == "no-route" and explained(lost) == [("NO_ROUTE_TO_DESTINATION", True)]
    ec2.create_route(RouteTableId=hub.tables["endpoints-a"], DestinationCidrBlock="10.1.0.0/16", TransitGatewayId=tgw)
    found = trace(vpcsim, client, name)
    assert found["verdict"] == "reachable" and found["endpoint"] == endpoint["VpcEndpointId"], found["explanations"]
    assert request_ids(found)[-2:] == [endpoint["VpcEndpointId"], f"sqs.{REGION}"]
    assert hub.tables["tgw-a"] in request_ids(found) and reply_ids(found)[-1] == client
    assert [c["item"] for c in found["charges"]] == [
        f"Transit gateway data processing ({REGION})",
        "Interface endpoint data processing",
    ]
