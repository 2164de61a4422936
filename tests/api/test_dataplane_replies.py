"""The reply's way back in one VPC: network ACLs on internet gateway, NAT gateway and AWS service paths, the route
back, the reply's headers in ReturnPathComponents; and what interface endpoints of AWS services carry.

Sources cited by the tests:
[VPCUG-NACL] "Control subnet traffic with network access control lists": network ACLs are stateless, "responses to
  allowed inbound traffic are subject to the rules for outbound traffic (and vice versa)"; a reply goes to the
  client's ephemeral port.
[VPCUG-NAT] "NAT gateways": the NAT gateway translates the reply's destination back to the instance's address; the
  reply keeps the internet host's address as its source.
[RA-GS] Reachability Analyzer "Getting started with the AWS CLI", step 3: ReturnPathComponents run from the
  destination back to the source with the reply's headers (source port the request's destination port).
[RA-EX] Reachability Analyzer explanation codes.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.test_dataplane import Net, _instance, _nat, _net, analyse, codes, kinds
from tests.api.test_dataplane_hub import explained, reply_ids, request_ids, trace
from vpcsim.cost import price_book

REGION = "eu-west-2"
INTERNET = "8.8.8.8"


@pytest.fixture
def ec2(vpcsim: Any, account: str) -> Any:
    return vpcsim.client("ec2", REGION, account)


def own_acl(net: Net, subnet: str, inbound_from: str) -> str:
    """A network ACL for ``subnet`` admitting everything out and, in, only traffic from ``inbound_from``."""
    ec2 = net.ec2
    acl = ec2.create_network_acl(VpcId=net.vpc)["NetworkAcl"]["NetworkAclId"]
    ec2.create_network_acl_entry(
        NetworkAclId=acl, RuleNumber=100, Protocol="-1", RuleAction="allow", Egress=True, CidrBlock="0.0.0.0/0"
    )
    ec2.create_network_acl_entry(
        NetworkAclId=acl, RuleNumber=100, Protocol="-1", RuleAction="allow", Egress=False, CidrBlock=inbound_from
    )
    current = ec2.describe_network_acls(Filters=[{"Name": "association.subnet-id", "Values": [subnet]}])
    association = next(
        a["NetworkAclAssociationId"] for a in current["NetworkAcls"][0]["Associations"] if a["SubnetId"] == subnet
    )
    ec2.replace_network_acl_association(AssociationId=association, NetworkAclId=acl)
    return str(acl)


def admit_replies(ec2: Any, acl: str) -> None:
    """The inbound rule AWS's guide adds for replies: TCP to the ephemeral ports from anywhere [VPCUG-NACL]."""
    ec2.create_network_acl_entry(
        NetworkAclId=acl,
        RuleNumber=110,
        Protocol="6",
        RuleAction="allow",
        Egress=False,
        CidrBlock="0.0.0.0/0",
        PortRange={"From": 1024, "To": 65535},
    )


def public_instance(ec2: Any, subnet: str, *groups: str) -> tuple[str, str, str]:
    """An instance in ``subnet`` with a public address: (id, private address, public address)."""
    interface: dict[str, Any] = {"DeviceIndex": 0, "SubnetId": subnet, "AssociatePublicIpAddress": True}
    if groups:
        interface["Groups"] = list(groups)
    iid = _instance(ec2, subnet, NetworkInterfaces=[interface])
    found = ec2.describe_instances(InstanceIds=[iid])["Reservations"][0]["Instances"][0]
    return iid, found["PrivateIpAddress"], found["PublicIpAddress"]


def test_the_reply_from_the_internet_meets_the_public_subnets_inbound_acl(ec2: Any) -> None:
    """[VPCUG-NACL]: a public subnet whose inbound ACL admits only 10.0.0.0/16 sends the request out, and drops the
    reply from 8.8.8.8:443 to the client's ephemeral port (``SUBNET_ACL_RESTRICTION`` on the return path). The
    reply's headers [RA-GS]: from 8.8.8.8 port 443 to the public address and port 32768 at the internet gateway,
    which translates the destination to the private address."""
    net = _net(ec2)
    client, private, public = public_instance(ec2, net.public)
    acl = own_acl(net, net.public, "10.0.0.0/16")
    dropped = analyse(ec2, client, INTERNET)
    assert dropped["NetworkPathFound"] is False and codes(dropped) == ["SUBNET_ACL_RESTRICTION"]
    assert kinds(dropped)[-2:] == ["igw", INTERNET]  # the whole request's path
    back = dropped["ReturnPathComponents"]
    assert [c["Component"]["Id"] for c in back] == [INTERNET, net.igw, acl]
    assert back[-1]["AclRule"]["RuleAction"] == "deny" and back[-1]["AclRule"]["Egress"] is False
    assert dropped["Explanations"][0]["Direction"] == "ingress" and dropped["Explanations"][0]["Acl"]["Id"] == acl
    gateway = back[1]
    assert gateway["InboundHeader"]["SourceAddresses"] == [INTERNET]
    assert gateway["InboundHeader"]["DestinationAddresses"] == [public]
    assert gateway["InboundHeader"]["SourcePortRanges"] == [{"From": 443, "To": 443}]
    assert gateway["InboundHeader"]["DestinationPortRanges"] == [{"From": 32768, "To": 32768}]
    assert gateway["OutboundHeader"]["DestinationAddresses"] == [private]
    admit_replies(ec2, acl)
    passed = analyse(ec2, client, INTERNET)
    assert passed["NetworkPathFound"] is True
    back = passed["ReturnPathComponents"]
    assert [c["Component"]["Id"] for c in back] == [INTERNET, net.igw, acl, client]
    assert back[2]["AclRule"]["RuleNumber"] == 110


def test_the_reply_through_a_nat_gateway_meets_both_subnets_acls(vpcsim: Any, ec2: Any) -> None:
    """The reply from the internet reaches the NAT gateway's subnet (its inbound ACL), is translated back to the
    client [VPCUG-NAT] and leaves the NAT gateway's subnet (its outbound ACL) for the client's subnet, whose inbound
    ACL sees it from the internet host: the NAT gateway translates the destination back, not the source."""
    net = _net(ec2)
    nat = _nat(net)
    client = _instance(ec2, net.private)
    public_acl = own_acl(net, net.public, "10.0.0.0/16")
    at_nat = trace(vpcsim, client, INTERNET)
    assert at_nat["verdict"] == "blocked" and explained(at_nat) == [("SUBNET_ACL_RESTRICTION", True)]
    assert reply_ids(at_nat) == [INTERNET, net.igw, public_acl]
    admit_replies(ec2, public_acl)
    private_acl = own_acl(net, net.private, "10.0.0.0/16")
    at_client = trace(vpcsim, client, INTERNET)
    assert at_client["verdict"] == "blocked" and explained(at_client) == [("SUBNET_ACL_RESTRICTION", True)]
    assert reply_ids(at_client) == [INTERNET, net.igw, public_acl, nat, public_acl, net.main_table, private_acl]
    stop = at_client["hops"][-1]
    assert stop["inbound"]["source"] == INTERNET and stop["inbound"]["destination_port"] == 32768
    assert INTERNET in at_client["explanations"][0]["detail"]
    admit_replies(ec2, private_acl)
    assert trace(vpcsim, client, INTERNET)["verdict"] == "reachable"


def test_the_reply_from_s3_through_a_gateway_endpoint_meets_the_subnets_acl(vpcsim: Any, ec2: Any) -> None:
    """The reply from S3 comes back through the gateway endpoint from the prefix list's addresses: an inbound ACL
    admitting only the VPC drops it [VPCUG-NACL]; the free gateway endpoint is the only charge."""
    net = _net(ec2)
    endpoint = ec2.create_vpc_endpoint(
        VpcId=net.vpc, ServiceName=f"com.amazonaws.{REGION}.s3", RouteTableIds=[net.private_table]
    )["VpcEndpoint"]["VpcEndpointId"]
    client = _instance(ec2, net.private)
    acl = own_acl(net, net.private, "10.0.0.0/16")
    dropped = trace(vpcsim, client, f"my-bucket.s3.{REGION}.amazonaws.com")
    assert dropped["verdict"] == "blocked" and explained(dropped) == [("SUBNET_ACL_RESTRICTION", True)]
    assert reply_ids(dropped) == [f"s3.{REGION}", endpoint, acl]
    assert dropped["hops"][-1]["inbound"]["source"] == dropped["resolved"][0]  # from S3's address
    admit_replies(ec2, acl)
    passed = trace(vpcsim, client, f"my-bucket.s3.{REGION}.amazonaws.com")
    assert passed["verdict"] == "reachable" and reply_ids(passed) == [f"s3.{REGION}", endpoint, acl, client]
    assert [c["item"] for c in passed["charges"]] == ["Gateway endpoint (free)"] and passed["usd_per_gb"] == 0


def test_a_reply_must_leave_through_the_internet_gateway_the_request_came_in_by(vpcsim: Any, ec2: Any) -> None:
    """From the internet to an instance's public address: the reply leaves by the subnet's route table, which must
    send it back to the internet gateway; a route to a NAT gateway would give the reply another source address,
    which the client does not know (``NO_ROUTE_TO_DESTINATION`` on the return path)."""
    net = _net(ec2)
    nat = _nat(net)
    web = ec2.create_subnet(VpcId=net.vpc, CidrBlock="10.0.7.0/24", AvailabilityZone=f"{REGION}a")["Subnet"]["SubnetId"]
    https = ec2.create_security_group(GroupName="web", Description="https", VpcId=net.vpc)["GroupId"]
    ec2.authorize_security_group_ingress(GroupId=https, IpProtocol="tcp", FromPort=443, ToPort=443, CidrIp="0.0.0.0/0")
    server, _, public = public_instance(ec2, web, https)
    assert trace(vpcsim, "internet", public)["verdict"] == "reachable"  # the main table: 0.0.0.0/0 -> igw
    ec2.associate_route_table(RouteTableId=net.private_table, SubnetId=web)  # 0.0.0.0/0 -> the NAT gateway
    lost = trace(vpcsim, "internet", public)
    assert lost["verdict"] == "no-route" and explained(lost) == [("NO_ROUTE_TO_DESTINATION", True)]
    assert request_ids(lost)[-1] == server and net.igw in lost["explanations"][0]["detail"]
    assert nat in lost["explanations"][0]["detail"]


@pytest.mark.parametrize(("protocol", "port"), [("udp", 443), ("icmp", None)])
def test_interface_endpoints_of_aws_services_carry_tcp_only(vpcsim: Any, ec2: Any, protocol: str, port: Any) -> None:
    """The services behind interface endpoints answer TCP (HTTPS): other protocols stop at the endpoint
    (``PROTOCOL_RESTRICTION``: "This component only accepts traffic with specific protocols" [RA-EX]) and the
    endpoint, having processed nothing, charges nothing for them."""
    net = _net(ec2)
    everything = ec2.create_security_group(GroupName="all", Description="all from the VPC", VpcId=net.vpc)["GroupId"]
    ec2.authorize_security_group_ingress(GroupId=everything, IpProtocol="-1", CidrIp="10.0.0.0/16")
    endpoint = ec2.create_vpc_endpoint(
        VpcId=net.vpc,
        VpcEndpointType="Interface",
        ServiceName=f"com.amazonaws.{REGION}.sqs",
        SubnetIds=[net.private],
        SecurityGroupIds=[everything],
        PrivateDnsEnabled=True,
    )["VpcEndpoint"]["VpcEndpointId"]
    ec2.describe_vpc_endpoints(VpcEndpointIds=[endpoint])
    client = _instance(ec2, net.private)
    refused = trace(vpcsim, client, f"sqs.{REGION}.amazonaws.com", port=port, protocol=protocol)
    assert refused["verdict"] == "blocked" and explained(refused) == [("PROTOCOL_RESTRICTION", False)]
    assert refused["explanations"][0]["component"]["id"] == endpoint
    assert refused["charges"] == [] and refused["usd_per_gb"] == 0
    https = trace(vpcsim, client, f"sqs.{REGION}.amazonaws.com")
    assert https["verdict"] == "reachable" and reply_ids(https)[-1] == client
    rate = price_book().find(REGION, "interface_endpoint_gb")
    assert rate is not None
    assert [(c["item"], c["usd_per_gb"]) for c in https["charges"]] == [
        ("Interface endpoint data processing", rate.usd)
    ]
