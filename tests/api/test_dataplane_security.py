"""Security groups where they are easy to forget: a Network Load Balancer's (PrivateLink traffic, and its targets'
rules that reference it), an appliance's network interface used as a route target, and rules that reference a
group in a peered VPC.

Sources cited by the tests:
[ELB-SG] "Update the security groups for your Network Load Balancer" (docs.aws.amazon.com/elasticloadbalancing/
  latest/network/load-balancer-security-groups.html): "If you apply inbound rules to PrivateLink traffic, the
  source of the traffic is the client's private IP address, not the endpoint interface"; targets may reference the
  load balancer's group; "You are not charged for traffic that is blocked by inbound security group rules".
[ELB-API] SetSecurityGroups: EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic, "The default is on".
[ELB-CIP] Client IP preservation: "The source IP address of the AWS PrivateLink traffic is always the private IP
  address of the Network Load Balancer".
[VPCUG-RT] middlebox routing: a route more specific than the local route, to an appliance's network interface,
  for an entire subnet's CIDR; the appliance's source/destination check must be off [EC2UG "source/destination
  checking"] (``ENI_SOURCE_DEST_CHECK_RESTRICTION`` [RA-EX]).
[VPCPEER-SG] "Update your security groups to reference peer security groups" (VPC Peering guide): a rule may name a
  group of a peer VPC in the same Region.
"""

from __future__ import annotations

import random
from typing import Any

import pytest

from tests.api.test_dataplane import _instance, _net
from tests.api.test_dataplane_hub import explained, reply_ids, request_ids, trace

REGION = "eu-west-2"
PORT = 8443


@pytest.fixture
def ec2(vpcsim: Any, account: str) -> Any:
    return vpcsim.client("ec2", REGION, account)


def _group(ec2: Any, vpc: str, name: str, *rules: dict[str, Any]) -> str:
    group = str(ec2.create_security_group(GroupName=name, Description=name, VpcId=vpc)["GroupId"])
    for rule in rules:
        ec2.authorize_security_group_ingress(GroupId=group, IpPermissions=[rule])
    return group


def _from(cidr: str, port: int = PORT) -> dict[str, Any]:
    return {"IpProtocol": "tcp", "FromPort": port, "ToPort": port, "IpRanges": [{"CidrIp": cidr}]}


def _from_group(group: str, port: int = PORT) -> dict[str, Any]:
    return {"IpProtocol": "tcp", "FromPort": port, "ToPort": port, "UserIdGroupPairs": [{"GroupId": group}]}


def _address(ec2: Any, instance: str) -> str:
    return str(ec2.describe_instances(InstanceIds=[instance])["Reservations"][0]["Instances"][0]["PrivateIpAddress"])


# -- a Network Load Balancer's security groups -----------------------------------------------------------------------
def test_a_network_load_balancers_groups_filter_privatelink_traffic(vpcsim: Any) -> None:
    """[ELB-SG]: with EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic on (the default [ELB-API]) the NLB's
    inbound rules see the consumer client's address: a group admitting another range stops it at the NLB's interface
    (``ENI_SG_RULES_MISMATCH``): the consumer's endpoint processed (and charges for) what it sent, the load balancer
    nothing. Turned off, PrivateLink traffic passes the groups. The target's group must admit the NLB (by its
    address or by referencing its group): the target sees the NLB's address, never the client's [ELB-CIP]."""
    provider, consumer = (str(random.randrange(10**11, 10**12)) for _ in range(2))
    p_ec2 = vpcsim.client("ec2", REGION, provider)
    p_net = _net(p_ec2, "10.20.0.0/16")
    nlb_group = _group(p_ec2, p_net.vpc, "nlb", _from("10.99.0.0/16"))
    app_group = _group(p_ec2, p_net.vpc, "app", _from_group(nlb_group))
    app = _instance(p_ec2, p_net.private, SecurityGroupIds=[app_group])
    elbv2 = vpcsim.client("elbv2", REGION, provider)
    nlb = elbv2.create_load_balancer(
        Name="api", Type="network", Scheme="internal", Subnets=[p_net.private], SecurityGroups=[nlb_group]
    )["LoadBalancers"][0]["LoadBalancerArn"]
    target_group = elbv2.create_target_group(
        Name="api", Protocol="TCP", Port=PORT, VpcId=p_net.vpc, TargetType="instance"
    )["TargetGroups"][0]["TargetGroupArn"]
    elbv2.register_targets(TargetGroupArn=target_group, Targets=[{"Id": app}])
    elbv2.create_listener(
        LoadBalancerArn=nlb,
        Protocol="TCP",
        Port=PORT,
        DefaultActions=[{"Type": "forward", "TargetGroupArn": target_group}],
    )
    service = p_ec2.create_vpc_endpoint_service_configuration(NetworkLoadBalancerArns=[nlb], AcceptanceRequired=False)[
        "ServiceConfiguration"
    ]
    p_ec2.modify_vpc_endpoint_service_permissions(
        ServiceId=service["ServiceId"], AddAllowedPrincipals=[f"arn:aws:iam::{consumer}:root"]
    )
    c_ec2 = vpcsim.client("ec2", REGION, consumer)
    c_net = _net(c_ec2, "10.30.0.0/16")
    to_api = _group(c_ec2, c_net.vpc, "to-api", _from("10.30.0.0/16"))
    endpoint = c_ec2.create_vpc_endpoint(
        VpcId=c_net.vpc,
        VpcEndpointType="Interface",
        ServiceName=service["ServiceName"],
        SubnetIds=[c_net.private],
        SecurityGroupIds=[to_api],
    )["VpcEndpoint"]
    c_ec2.describe_vpc_endpoints(VpcEndpointIds=[endpoint["VpcEndpointId"]])
    name = endpoint["DnsEntries"][0]["DnsName"]
    client = _instance(c_ec2, c_net.private)
    node = p_ec2.describe_network_interfaces(Filters=[{"Name": "group-id", "Values": [nlb_group]}])[
        "NetworkInterfaces"
    ][0]

    stopped = trace(vpcsim, client, name, port=PORT)
    assert stopped["verdict"] == "blocked" and explained(stopped) == [("ENI_SG_RULES_MISMATCH", False)]
    assert stopped["explanations"][0]["component"]["id"] == node["NetworkInterfaceId"]
    assert _address(c_ec2, client) in stopped["explanations"][0]["detail"]  # the client's address, not the endpoint's
    assert [c["item"] for c in stopped["charges"]] == ["Interface endpoint data processing"]

    elbv2.set_security_groups(
        LoadBalancerArn=nlb, SecurityGroups=[nlb_group], EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic="off"
    )
    unfiltered = trace(vpcsim, client, name, port=PORT)
    assert unfiltered["verdict"] == "reachable", unfiltered["explanations"]
    assert any("EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic" in n for n in unfiltered["notes"])
    assert request_ids(unfiltered)[-1] == app and reply_ids(unfiltered)[-1] == client
    target = next(h for h in unfiltered["hops"] if h["component"]["id"] == app and not h["reply"])
    assert target["inbound"]["source"] == node["PrivateIpAddress"]  # the target sees the NLB's address

    elbv2.set_security_groups(
        LoadBalancerArn=nlb, SecurityGroups=[nlb_group], EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic="on"
    )
    p_ec2.authorize_security_group_ingress(GroupId=nlb_group, IpPermissions=[_from("10.30.0.0/16")])
    assert trace(vpcsim, client, name, port=PORT)["verdict"] == "reachable"
    # A target group admitting the clients' range, not the NLB, drops it: the target never sees the client's address.
    p_ec2.revoke_security_group_ingress(GroupId=app_group, IpPermissions=[_from_group(nlb_group)])
    p_ec2.authorize_security_group_ingress(GroupId=app_group, IpPermissions=[_from("10.30.0.0/16")])
    wrong = trace(vpcsim, client, name, port=PORT)
    assert wrong["verdict"] == "blocked" and explained(wrong) == [("ENI_SG_RULES_MISMATCH", False)]
    assert request_ids(wrong)[-1] != app and wrong["explanations"][0]["component"]["kind"] == "network-interface"


# -- an appliance as a route target -------------------------------------------------------------------------------
def test_an_appliance_interface_as_a_route_target_applies_its_own_rules(vpcsim: Any, ec2: Any) -> None:
    """[VPCUG-RT]: the client subnet routes the server subnet's CIDR to an appliance's interface. The appliance
    takes the packet only with its source/destination check off; its security groups see the client (inbound) and
    the server (outbound); its subnet's network ACL applies both ways. Routed back through the appliance the reply
    passes it too; with the server subnet's reply routed straight back, the trace says the reply skips it."""
    net = _net(ec2)
    servers = ec2.create_subnet(VpcId=net.vpc, CidrBlock="10.0.2.0/24", AvailabilityZone=f"{REGION}a")["Subnet"][
        "SubnetId"
    ]
    middle = ec2.create_subnet(VpcId=net.vpc, CidrBlock="10.0.3.0/24", AvailabilityZone=f"{REGION}a")["Subnet"][
        "SubnetId"
    ]
    closed = _group(ec2, net.vpc, "appliance")
    appliance = _instance(ec2, middle, SecurityGroupIds=[closed])
    eni = ec2.describe_instances(InstanceIds=[appliance])["Reservations"][0]["Instances"][0]["NetworkInterfaces"][0][
        "NetworkInterfaceId"
    ]
    ec2.create_route(RouteTableId=net.private_table, DestinationCidrBlock="10.0.2.0/24", NetworkInterfaceId=eni)
    web = _group(ec2, net.vpc, "web", _from("10.0.0.0/16", 443))
    server = _instance(ec2, servers, SecurityGroupIds=[web])
    client = _instance(ec2, net.private)
    address = _address(ec2, server)

    checked = trace(vpcsim, client, address)
    assert checked["verdict"] == "blocked" and explained(checked) == [("ENI_SOURCE_DEST_CHECK_RESTRICTION", False)]
    ec2.modify_network_interface_attribute(NetworkInterfaceId=eni, SourceDestCheck={"Value": False})
    grouped = trace(vpcsim, client, address)
    assert grouped["verdict"] == "blocked" and explained(grouped) == [("ENI_SG_RULES_MISMATCH", False)]
    assert grouped["explanations"][0]["component"]["id"] == eni
    ec2.authorize_security_group_ingress(GroupId=closed, IpPermissions=[_from("10.0.1.0/24", 443)])
    passed = trace(vpcsim, client, address)
    assert passed["verdict"] == "reachable", passed["explanations"]
    (at_appliance,) = [h for h in passed["hops"] if h["component"]["id"] == eni and not h["reply"]]
    assert [s["action"] for s in at_appliance["steps"]] == ["allowed", "forwarded", "allowed"]  # its groups in, out
    assert at_appliance["steps"][0]["rule"]["GroupId"] == closed
    assert request_ids(passed)[-1] == server
    (note,) = [n for n in passed["notes"] if eni in n]  # the server's subnet sends the reply straight back
    assert "does not pass" in note and eni not in reply_ids(passed)
    back = ec2.create_route_table(VpcId=net.vpc)["RouteTable"]["RouteTableId"]
    ec2.associate_route_table(RouteTableId=back, SubnetId=servers)
    ec2.create_route(RouteTableId=back, DestinationCidrBlock="10.0.1.0/24", NetworkInterfaceId=eni)
    symmetric = trace(vpcsim, client, address)
    assert symmetric["verdict"] == "reachable" and eni in reply_ids(symmetric)
    assert not any(eni in n for n in symmetric["notes"])
    # The appliance subnet's network ACL: an inbound rule admitting only the servers stops the request there.
    acl = ec2.create_network_acl(VpcId=net.vpc)["NetworkAcl"]["NetworkAclId"]
    ec2.create_network_acl_entry(
        NetworkAclId=acl, RuleNumber=100, Protocol="-1", RuleAction="allow", Egress=False, CidrBlock="10.0.2.0/24"
    )
    current = ec2.describe_network_acls(Filters=[{"Name": "association.subnet-id", "Values": [middle]}])
    association = next(
        a["NetworkAclAssociationId"] for a in current["NetworkAcls"][0]["Associations"] if a["SubnetId"] == middle
    )
    ec2.replace_network_acl_association(AssociationId=association, NetworkAclId=acl)
    filtered = trace(vpcsim, client, address)
    assert filtered["verdict"] == "blocked" and explained(filtered) == [("SUBNET_ACL_RESTRICTION", False)]
    assert filtered["explanations"][0]["component"]["id"] == acl


# -- a peer VPC's group -----------------------------------------------------------------------------------------------
def test_a_rule_may_reference_a_group_of_a_peered_vpc(vpcsim: Any, ec2: Any) -> None:
    """[VPCPEER-SG]: the server's rule admits the members of the client VPC's group across the peering connection;
    an instance of the client VPC outside that group is refused."""
    a, b = _net(ec2, "10.0.0.0/16"), _net(ec2, "10.1.0.0/16")
    pcx = ec2.create_vpc_peering_connection(VpcId=a.vpc, PeerVpcId=b.vpc)["VpcPeeringConnection"][
        "VpcPeeringConnectionId"
    ]
    ec2.accept_vpc_peering_connection(VpcPeeringConnectionId=pcx)
    ec2.create_route(RouteTableId=a.private_table, DestinationCidrBlock="10.1.0.0/16", VpcPeeringConnectionId=pcx)
    ec2.create_route(RouteTableId=b.private_table, DestinationCidrBlock="10.0.0.0/16", VpcPeeringConnectionId=pcx)
    clients = _group(ec2, a.vpc, "clients")
    server_group = _group(ec2, b.vpc, "server", _from_group(clients, 443))
    server = _instance(ec2, b.private, SecurityGroupIds=[server_group])
    member = _instance(ec2, a.private, SecurityGroupIds=[clients])
    other = _instance(ec2, a.private)
    address = _address(ec2, server)
    allowed = trace(vpcsim, member, address)
    assert allowed["verdict"] == "reachable", allowed["explanations"]
    rule = next(h for h in allowed["hops"] if h["component"]["id"].startswith("eni-") and h["steps"][0]["rule"]
                and h["steps"][0]["rule"].get("GroupId") == server_group)["steps"][0]["rule"]  # fmt: skip
    assert rule["ReferencedGroupInfo"]["GroupId"] == clients
    refused = trace(vpcsim, other, address)
    assert refused["verdict"] == "blocked" and explained(refused) == [("ENI_SG_RULES_MISMATCH", False)]


def test_clients_in_the_load_balancers_vpc_meet_its_groups_and_keep_their_address(
    vpcsim: Any, account: str, ec2: Any
) -> None:
    """[ELB-SG]: the NLB's groups always filter clients that reach its address. An instance target group preserves
    the client's address (the default for instance targets [ELB-CIP]), and a target rule referencing the NLB's group
    admits it "even if you enable client IP preservation"."""
    net = _net(ec2, "10.20.0.0/16")
    nlb_group = _group(ec2, net.vpc, "nlb", _from("10.99.0.0/16"))
    app_group = _group(ec2, net.vpc, "app", _from_group(nlb_group))
    app = _instance(ec2, net.private, SecurityGroupIds=[app_group])
    elbv2 = vpcsim.client("elbv2", REGION, account)
    nlb = elbv2.create_load_balancer(
        Name="inside", Type="network", Scheme="internal", Subnets=[net.private], SecurityGroups=[nlb_group]
    )["LoadBalancers"][0]["LoadBalancerArn"]
    group = elbv2.create_target_group(Name="inside", Protocol="TCP", Port=PORT, VpcId=net.vpc, TargetType="instance")[
        "TargetGroups"
    ][0]["TargetGroupArn"]
    elbv2.register_targets(TargetGroupArn=group, Targets=[{"Id": app}])
    elbv2.create_listener(
        LoadBalancerArn=nlb, Protocol="TCP", Port=PORT, DefaultActions=[{"Type": "forward", "TargetGroupArn": group}]
    )
    node = ec2.describe_network_interfaces(Filters=[{"Name": "group-id", "Values": [nlb_group]}])["NetworkInterfaces"][
        0
    ]
    client = _instance(ec2, net.public)
    stopped = trace(vpcsim, client, node["PrivateIpAddress"], port=PORT)
    assert stopped["verdict"] == "blocked" and explained(stopped) == [("ENI_SG_RULES_MISMATCH", False)]
    assert stopped["explanations"][0]["component"]["id"] == node["NetworkInterfaceId"]
    ec2.authorize_security_group_ingress(GroupId=nlb_group, IpPermissions=[_from("10.20.0.0/16")])
    passed = trace(vpcsim, client, node["PrivateIpAddress"], port=PORT)
    assert passed["verdict"] == "reachable", passed["explanations"]
    assert request_ids(passed)[-1] == app and reply_ids(passed)[-1] == client
    target = next(h for h in passed["hops"] if h["component"]["id"] == app and not h["reply"])
    assert target["inbound"]["source"] == _address(ec2, client)  # the client's address, preserved
