"""IPv6 through the data plane, end to end on a live server (JSON API traces): out through an egress-only gateway and
never in through it, in through an internet gateway, IPv6 security group and ACL rules, the family the destination
resolves to, AAAA answers of dual-stack endpoints, and DNS64 with NAT64."""

from __future__ import annotations

from ipaddress import IPv4Address, IPv6Address, IPv6Network
from typing import Any

import pytest

from tests.api.amis import AMI, EVERYWHERE
from tests.api.test_trace_faces import _post

INTERNET_V6 = "2001:db8:feed::1"


@pytest.fixture
def ec2(vpcsim: Any, account: str) -> Any:
    return vpcsim.client("ec2", "us-east-1", account)


def _trace(vpcsim: Any, source: str, destination: str, port: int = 443) -> dict[str, Any]:
    status, trace = _post(vpcsim, "/_vpcsim/api/trace", {"source": source, "destination": destination, "port": port})
    assert status == 200, trace
    return trace


def _kinds(trace: dict[str, Any]) -> list[str]:
    return [h["component"]["kind"] for h in trace["hops"] if not h["reply"] and h["component"]["kind"] != "dns"]


def _request(trace: dict[str, Any]) -> list[dict[str, Any]]:
    """The request's hops (the reply's follow them, marked ``reply``)."""
    return [h for h in trace["hops"] if not h["reply"]]


def _codes(trace: dict[str, Any]) -> list[str]:
    return [e["code"] for e in trace["explanations"]]


def _vpc(ec2: Any) -> tuple[str, list[IPv6Network], str]:
    """An IPv6 VPC with DNS hostnames: its id, the /64s of its block, and its main route table."""
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16", AmazonProvidedIpv6CidrBlock=True)["Vpc"]["VpcId"]
    ec2.modify_vpc_attribute(VpcId=vpc, EnableDnsHostnames={"Value": True})
    block = ec2.describe_vpcs(VpcIds=[vpc])["Vpcs"][0]["Ipv6CidrBlockAssociationSet"][0]["Ipv6CidrBlock"]
    main = ec2.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["RouteTables"][0]["RouteTableId"]
    return vpc, list(IPv6Network(block).subnets(new_prefix=64))[:4], main


def _instance(ec2: Any, subnet: str, **extra: Any) -> tuple[str, str | None, str]:
    """An instance with one IPv6 address: (id, private IPv4 or None, IPv6)."""
    (instance,) = ec2.run_instances(
        ImageId=AMI, InstanceType=EVERYWHERE, MinCount=1, MaxCount=1, SubnetId=subnet, Ipv6AddressCount=1, **extra
    )["Instances"]
    eni = instance["NetworkInterfaces"][0]
    return instance["InstanceId"], instance.get("PrivateIpAddress"), eni["Ipv6Addresses"][0]["Ipv6Address"]


def _egress_only(ec2: Any, vpc: str, table: str) -> str:
    gid = ec2.create_egress_only_internet_gateway(VpcId=vpc)["EgressOnlyInternetGateway"]["EgressOnlyInternetGatewayId"]
    ec2.create_route(RouteTableId=table, DestinationIpv6CidrBlock="::/0", EgressOnlyInternetGatewayId=gid)
    return str(gid)


def test_an_ipv6_instance_reaches_the_internet_through_an_egress_only_gateway_and_cannot_be_reached(
    vpcsim: Any, ec2: Any
) -> None:
    vpc, blocks, main = _vpc(ec2)
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.0.0/24", Ipv6CidrBlock=str(blocks[0]))["Subnet"]["SubnetId"]
    gid = _egress_only(ec2, vpc, main)
    instance, _, ipv6 = _instance(ec2, subnet)
    out = _trace(vpcsim, instance, f"[{INTERNET_V6}]")
    assert out["verdict"] == "reachable" and out["internet"] is True, out
    assert _kinds(out) == [
        "instance", "network-interface", "network-acl", "route-table", "egress-only-internet-gateway", "internet"
    ]  # fmt: skip
    gateway = next(h for h in out["hops"] if h["component"]["id"] == gid)
    assert gateway["inbound"]["source"] == ipv6 and gateway["outbound"]["source"] == ipv6  # IPv6 is not translated
    assert out["source"]["source"] == ipv6 and _request(out)[-1]["component"]["id"] == INTERNET_V6
    for source in (INTERNET_V6, "internet", gid):
        back = _trace(vpcsim, source, ipv6)
        assert back["verdict"] == "blocked" and _codes(back) == ["NO_PATH"], back
        assert back["hops"][-1]["component"]["id"] == gid and back["hops"][-1]["steps"][0]["action"] == "dropped"
    by_id = _trace(vpcsim, "internet", instance)
    assert by_id["verdict"] == "blocked" and by_id["hops"][-1]["component"]["id"] == gid
    ipv4 = _trace(vpcsim, instance, "198.51.100.7")  # the instance's IPv4 has no route out
    assert ipv4["verdict"] == "no-route" and _codes(ipv4) == ["NO_ROUTE_TO_DESTINATION"]


def test_in_through_an_internet_gateway_when_security_group_and_acl_allow(vpcsim: Any, ec2: Any) -> None:
    vpc, blocks, main = _vpc(ec2)
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.0.0/24", Ipv6CidrBlock=str(blocks[0]))["Subnet"]["SubnetId"]
    igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
    ec2.create_route(RouteTableId=main, DestinationIpv6CidrBlock="::/0", GatewayId=igw)
    group = ec2.create_security_group(GroupName="web6", Description="https over IPv6", VpcId=vpc)["GroupId"]
    permission = {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "Ipv6Ranges": [{"CidrIpv6": "::/0"}]}
    ec2.authorize_security_group_ingress(GroupId=group, IpPermissions=[permission])
    instance, _, ipv6 = _instance(ec2, subnet, SecurityGroupIds=[group])
    inbound = _trace(vpcsim, INTERNET_V6, ipv6)
    assert inbound["verdict"] == "reachable", inbound
    assert _kinds(inbound) == ["internet", "internet-gateway", "network-acl", "network-interface", "instance"]
    allowed = next(h for h in inbound["hops"] if h["component"]["kind"] == "network-interface")
    assert allowed["steps"][0]["rule"]["CidrIpv6"] == "::/0"
    refused = _trace(vpcsim, INTERNET_V6, ipv6, port=22)
    assert refused["verdict"] == "blocked" and _codes(refused) == ["ENI_SG_RULES_MISMATCH"]
    out = _trace(vpcsim, instance, f"[{INTERNET_V6}]")  # a custom group allows IPv4 out only
    assert out["verdict"] == "blocked" and _codes(out) == ["ENI_SG_RULES_MISMATCH"]
    everything = {"IpProtocol": "-1", "Ipv6Ranges": [{"CidrIpv6": "::/0"}]}
    ec2.authorize_security_group_egress(GroupId=group, IpPermissions=[everything])
    out = _trace(vpcsim, instance, f"[{INTERNET_V6}]")
    assert out["verdict"] == "reachable" and "internet-gateway" in _kinds(out)
    acl = ec2.describe_network_acls(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["NetworkAcls"][0]["NetworkAclId"]
    ec2.create_network_acl_entry(
        NetworkAclId=acl, RuleNumber=50, Protocol="6", RuleAction="deny", Egress=False,
        Ipv6CidrBlock="2001:db8::/32", PortRange={"From": 443, "To": 443},
    )  # fmt: skip
    denied = _trace(vpcsim, INTERNET_V6, ipv6)
    assert denied["verdict"] == "blocked" and _codes(denied) == ["SUBNET_ACL_RESTRICTION"]
    assert denied["hops"][-1]["steps"][0]["rule"]["Ipv6CidrBlock"] == "2001:db8::/32"
    still = _trace(vpcsim, "2001:db9::1", ipv6)  # the IPv6 entry matches only its own range
    assert still["verdict"] == "reachable", still


def test_ipv6_egress_rules_and_the_family_of_the_source(vpcsim: Any, ec2: Any) -> None:
    vpc, blocks, main = _vpc(ec2)
    dual = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.0.0/24", Ipv6CidrBlock=str(blocks[0]))["Subnet"]["SubnetId"]
    only6 = ec2.create_subnet(VpcId=vpc, Ipv6Native=True, Ipv6CidrBlock=str(blocks[1]))["Subnet"]["SubnetId"]
    _egress_only(ec2, vpc, main)
    group = ec2.create_security_group(GroupName="v4-out", Description="IPv4 out only", VpcId=vpc)["GroupId"]
    instance, _, _ = _instance(ec2, dual, SecurityGroupIds=[group])
    blocked = _trace(vpcsim, instance, f"[{INTERNET_V6}]")  # a custom group has no ::/0 egress rule
    assert blocked["verdict"] == "blocked" and _codes(blocked) == ["ENI_SG_RULES_MISMATCH"]
    v6_only, none, ipv6 = _instance(ec2, only6)
    assert none is None
    no_v4 = _trace(vpcsim, v6_only, "198.51.100.7")
    assert no_v4["verdict"] == "blocked" and _codes(no_v4) == ["NO_PATH"]
    to_peer = _trace(vpcsim, v6_only, ipv6.rsplit(":", 1)[0] + ":1")  # inside the VPC: the local IPv6 route
    assert to_peer["verdict"] == "blocked" and _codes(to_peer) == ["UNKNOWN_DESTINATION"]
    assert to_peer["hops"][3]["steps"][0]["rule"]["GatewayId"] == "local"


def test_dual_stack_endpoint_answers_aaaa_and_the_trace_follows_it(vpcsim: Any, ec2: Any) -> None:
    vpc, blocks, _ = _vpc(ec2)
    subnet = ec2.create_subnet(
        VpcId=vpc, CidrBlock="10.0.0.0/24", Ipv6CidrBlock=str(blocks[0]), AvailabilityZone="us-east-1a"
    )["Subnet"]["SubnetId"]
    endpoint = ec2.create_vpc_endpoint(
        VpcId=vpc, VpcEndpointType="Interface", ServiceName="com.amazonaws.us-east-1.s3", SubnetIds=[subnet],
        IpAddressType="dualstack", PrivateDnsEnabled=False,
    )["VpcEndpoint"]  # fmt: skip
    eni = ec2.describe_network_interfaces(NetworkInterfaceIds=endpoint["NetworkInterfaceIds"])["NetworkInterfaces"][0]
    endpoint_v6 = eni["Ipv6Addresses"][0]["Ipv6Address"]
    name = "bucket." + endpoint["DnsEntries"][0]["DnsName"].lstrip("*.")
    dual_instance, _, _ = _instance(ec2, subnet)
    trace = _trace(vpcsim, dual_instance, name)
    assert trace["verdict"] == "reachable" and trace["endpoint"] == endpoint["VpcEndpointId"], trace
    assert set(trace["resolved"]) == {eni["PrivateIpAddress"], endpoint_v6}
    assert trace["source"]["destination"] == endpoint_v6  # a dual-stack client prefers the AAAA answer
    plain = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24", AvailabilityZone="us-east-1a")["Subnet"]
    (v4_only,) = ec2.run_instances(
        ImageId=AMI, InstanceType=EVERYWHERE, MinCount=1, MaxCount=1, SubnetId=plain["SubnetId"]
    )["Instances"]
    ipv4 = _trace(vpcsim, v4_only["InstanceId"], name)
    assert ipv4["verdict"] == "reachable" and ipv4["source"]["destination"] == eni["PrivateIpAddress"]
    ec2.modify_vpc_endpoint(VpcEndpointId=endpoint["VpcEndpointId"], DnsOptions={"DnsRecordIpType": "ipv4"})
    assert _trace(vpcsim, dual_instance, name)["resolved"] == [eni["PrivateIpAddress"]]


def test_dns64_and_nat64_take_an_ipv6_only_instance_to_an_ipv4_service(vpcsim: Any, ec2: Any) -> None:
    vpc, blocks, main = _vpc(ec2)
    public = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.0.0/24", Ipv6CidrBlock=str(blocks[0]))["Subnet"]["SubnetId"]
    only6 = ec2.create_subnet(VpcId=vpc, Ipv6Native=True, Ipv6CidrBlock=str(blocks[1]))["Subnet"]["SubnetId"]
    ec2.modify_subnet_attribute(SubnetId=only6, EnableDns64={"Value": True})
    igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
    ec2.create_route(RouteTableId=main, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
    allocation = ec2.allocate_address(Domain="vpc")["AllocationId"]
    nat = ec2.create_nat_gateway(SubnetId=public, AllocationId=allocation)["NatGateway"]["NatGatewayId"]
    private = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    ec2.associate_route_table(RouteTableId=private, SubnetId=only6)
    ec2.create_route(RouteTableId=private, DestinationIpv6CidrBlock="64:ff9b::/96", NatGatewayId=nat)
    instance, _, _ = _instance(ec2, only6)
    trace = _trace(vpcsim, instance, "sqs.us-east-1.amazonaws.com")
    assert trace["verdict"] == "reachable", trace
    v4, v6 = trace["resolved"]  # the A record and the AAAA record DNS64 made of it
    assert IPv6Address(v6) in IPv6Network("64:ff9b::/96") and int(IPv6Address(v6)) & 0xFFFFFFFF == int(IPv4Address(v4))
    translated = next(h for h in trace["hops"] if h["component"]["id"] == nat)
    assert translated["inbound"]["destination"] == v6 and translated["outbound"]["destination"] == v4
    assert translated["outbound"]["source"].startswith("10.0.0.")
    assert "internet-gateway" in _kinds(trace) and _request(trace)[-1]["component"]["kind"] == "aws-service"
    without = _trace(vpcsim, instance, f"[{INTERNET_V6}]")  # not in 64:ff9b::/96 and no other route
    assert without["verdict"] == "no-route"


def test_dual_stack_service_names_reach_s3_over_ipv6(vpcsim: Any, ec2: Any) -> None:
    vpc, blocks, main = _vpc(ec2)
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.0.0/24", Ipv6CidrBlock=str(blocks[0]))["Subnet"]["SubnetId"]
    _egress_only(ec2, vpc, main)
    instance, _, ipv6 = _instance(ec2, subnet)
    trace = _trace(vpcsim, instance, "bucket.s3.dualstack.us-east-1.amazonaws.com")
    assert trace["verdict"] == "reachable" and trace["internet"] is True, trace
    assert IPv6Address(trace["source"]["destination"]) and trace["source"]["source"] == ipv6
    assert _request(trace)[-1]["component"]["kind"] == "aws-service"
    v4_name = _trace(vpcsim, instance, "bucket.s3.us-east-1.amazonaws.com")  # A only: IPv4, and no IPv4 route
    assert v4_name["verdict"] == "no-route"


def test_reachability_analyzer_paths_from_an_internet_gateway(vpcsim: Any, ec2: Any) -> None:
    vpc, blocks, main = _vpc(ec2)
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.0.0/24", Ipv6CidrBlock=str(blocks[0]))["Subnet"]["SubnetId"]
    igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
    ec2.create_route(RouteTableId=main, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
    group = ec2.create_security_group(GroupName="ssh", Description="ssh", VpcId=vpc)["GroupId"]
    ssh = {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}
    ec2.authorize_security_group_ingress(GroupId=group, IpPermissions=[ssh])
    nic = {"DeviceIndex": 0, "SubnetId": subnet, "AssociatePublicIpAddress": True, "Groups": [group]}
    (instance,) = ec2.run_instances(
        ImageId=AMI, InstanceType=EVERYWHERE, MinCount=1, MaxCount=1, NetworkInterfaces=[nic]
    )["Instances"]
    described = ec2.describe_instances(InstanceIds=[instance["InstanceId"]])["Reservations"][0]["Instances"][0]
    public, private = described["PublicIpAddress"], described["PrivateIpAddress"]

    def analyse(port: int) -> dict[str, Any]:
        path = ec2.create_network_insights_path(
            Source=igw, Destination=instance["InstanceId"], Protocol="tcp", DestinationPort=port
        )["NetworkInsightsPath"]
        started = ec2.start_network_insights_analysis(NetworkInsightsPathId=path["NetworkInsightsPathId"])
        analysis_id = started["NetworkInsightsAnalysis"]["NetworkInsightsAnalysisId"]
        return dict(
            ec2.describe_network_insights_analyses(NetworkInsightsAnalysisIds=[analysis_id])["NetworkInsightsAnalyses"][
                0
            ]
        )

    found = analyse(22)
    assert found["NetworkPathFound"] is True, found
    components = found["ForwardPathComponents"]
    assert [c["Component"]["Id"] for c in components][1:] == [igw, _acl_of(ec2, vpc), instance["NetworkInterfaces"][0][
        "NetworkInterfaceId"], instance["InstanceId"]]  # fmt: skip
    assert components[1]["OutboundHeader"]["DestinationAddresses"] == [private]
    assert components[1]["InboundHeader"]["DestinationAddresses"] == [public]
    refused = analyse(80)
    assert refused["NetworkPathFound"] is False
    assert [e["ExplanationCode"] for e in refused["Explanations"]] == ["ENI_SG_RULES_MISMATCH"]
    through_json = _trace(vpcsim, "internet", public, port=22)
    assert through_json["verdict"] == "reachable" and through_json["source"]["source"] == "198.51.100.10"
    ec2.delete_route(RouteTableId=main, DestinationCidrBlock="0.0.0.0/0")
    no_way_back = _trace(vpcsim, "203.0.113.9", public, port=22)
    assert no_way_back["verdict"] == "no-route" and _codes(no_way_back) == ["NO_ROUTE_TO_DESTINATION"]


def _acl_of(ec2: Any, vpc: str) -> str:
    return str(
        ec2.describe_network_acls(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["NetworkAcls"][0]["NetworkAclId"]
    )
