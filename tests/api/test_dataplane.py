"""The data plane through the Reachability Analyzer API: topologies built with boto3, traced by a live server.

Each scenario asserts the path (components in order), the verdict and the explanation code, as a user of
StartNetworkInsightsAnalysis sees them.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.api.amis import EVERYWHERE, ami


@dataclass
class Net:
    ec2: Any
    vpc: str
    public: str
    private: str
    main_table: str
    private_table: str
    igw: str


def _net(ec2: Any, cidr: str = "10.0.0.0/16", zone: str = "a", region: str = "eu-west-2") -> Net:
    """A VPC with a public subnet (route to an internet gateway) and a private subnet with its own route table."""
    vpc = ec2.create_vpc(CidrBlock=cidr)["Vpc"]["VpcId"]
    ec2.modify_vpc_attribute(VpcId=vpc, EnableDnsHostnames={"Value": True})
    octets = cidr.split(".")
    public = ec2.create_subnet(
        VpcId=vpc, CidrBlock=f"{octets[0]}.{octets[1]}.0.0/24", AvailabilityZone=f"{region}{zone}"
    )["Subnet"]["SubnetId"]
    private = ec2.create_subnet(
        VpcId=vpc, CidrBlock=f"{octets[0]}.{octets[1]}.1.0/24", AvailabilityZone=f"{region}{zone}"
    )["Subnet"]["SubnetId"]
    igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
    tables = ec2.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["RouteTables"]
    main = tables[0]["RouteTableId"]
    ec2.create_route(RouteTableId=main, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
    private_table = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    ec2.associate_route_table(RouteTableId=private_table, SubnetId=private)
    return Net(ec2, vpc, public, private, main, private_table, igw)


def _instance(ec2: Any, subnet: str, **extra: Any) -> str:
    placement = {} if "NetworkInterfaces" in extra else {"SubnetId": subnet}
    image = ami(ec2.meta.region_name)
    reservation = ec2.run_instances(
        ImageId=image, InstanceType=EVERYWHERE, MinCount=1, MaxCount=1, **placement, **extra
    )
    return str(reservation["Instances"][0]["InstanceId"])


def _https_from(ec2: Any, vpc: str, cidr: str) -> str:
    group = ec2.create_security_group(GroupName=f"https-from-{cidr.split('/')[0]}", Description="443", VpcId=vpc)
    ec2.authorize_security_group_ingress(
        GroupId=group["GroupId"], IpProtocol="tcp", FromPort=443, ToPort=443, CidrIp=cidr
    )
    return str(group["GroupId"])


def _nat(net: Net) -> str:
    allocation = net.ec2.allocate_address(Domain="vpc")["AllocationId"]
    nat = net.ec2.create_nat_gateway(SubnetId=net.public, AllocationId=allocation)["NatGateway"]["NatGatewayId"]
    net.ec2.describe_nat_gateways(NatGatewayIds=[nat])
    net.ec2.create_route(RouteTableId=net.private_table, DestinationCidrBlock="0.0.0.0/0", NatGatewayId=nat)
    return str(nat)


def analyse(ec2: Any, source: str, destination: str, port: int = 443, **path: Any) -> dict[str, Any]:
    """Create a path, start an analysis, read it back succeeded; the same question through ``vpcsim trace --json``
    must give the same verdict and the same components in the same order."""
    key = "DestinationIp" if destination.replace(".", "").isdigit() else "Destination"
    created = ec2.create_network_insights_path(
        Source=source, Protocol="tcp", DestinationPort=port, **{key: destination}, **path
    )["NetworkInsightsPath"]
    started = ec2.start_network_insights_analysis(NetworkInsightsPathId=created["NetworkInsightsPathId"])
    analysis = started["NetworkInsightsAnalysis"]
    assert analysis["Status"] == "running"
    (done,) = ec2.describe_network_insights_analyses(
        NetworkInsightsAnalysisIds=[analysis["NetworkInsightsAnalysisId"]]
    )["NetworkInsightsAnalyses"]
    assert done["Status"] == "succeeded"
    _same_through_the_cli(ec2.meta.endpoint_url, source, destination, port, done)
    return dict(done)


def _same_through_the_cli(url: str, source: str, destination: str, port: int, analysis: dict[str, Any]) -> None:
    vpcsim = str(Path(sys.executable).with_name("vpcsim"))
    done = subprocess.run(
        [vpcsim, "trace", source, f"{destination}:{port}", "--json", "--endpoint-url", url],
        capture_output=True,
        text=True,
        timeout=60,
    )
    trace = json.loads(done.stdout)
    assert (trace["verdict"] == "reachable") is analysis["NetworkPathFound"] and done.returncode in (0, 1)
    cli_ids = [h["component"]["id"] for h in trace["hops"] if h["component"]["kind"] != "dns" and not h["reply"]]
    assert cli_ids == [c["Component"]["Id"] for c in analysis["ForwardPathComponents"]]
    assert [e["code"] for e in trace["explanations"]] == [
        e["ExplanationCode"] for e in analysis.get("Explanations", [])
    ]


def kinds(analysis: dict[str, Any]) -> list[str]:
    """The path's components by id prefix: i, eni, acl, rtb, nat, igw, vpce, pcx, tgw, ..."""
    ids = [c["Component"]["Id"] for c in analysis["ForwardPathComponents"]]
    return [
        i if "." in i else i.split("-")[0] if not i.startswith("arn:") else i.split(":")[5].split("/")[0] for i in ids
    ]


def codes(analysis: dict[str, Any]) -> list[str]:
    return [e["ExplanationCode"] for e in analysis.get("Explanations", [])]


@pytest.fixture
def ec2(vpcsim: Any, account: str) -> Any:
    return vpcsim.client("ec2", "eu-west-2", account)


def test_private_subnet_to_s3_through_nat_and_internet_gateway(ec2: Any) -> None:
    net = _net(ec2)
    nat = _nat(net)
    instance = _instance(ec2, net.private)
    result = analyse(ec2, instance, "s3.eu-west-2.amazonaws.com")
    assert result["NetworkPathFound"] is True, result
    assert kinds(result) == ["i", "eni", "acl", "rtb", "acl", nat.split("-")[0], "acl", "rtb", "igw", "s3.eu-west-2"]
    route = result["ForwardPathComponents"][3]["RouteTableRoute"]
    assert route == {"DestinationCidr": "0.0.0.0/0", "NatGatewayId": nat, "Origin": "CreateRoute", "State": "active"}
    igw = result["ForwardPathComponents"][8]
    assert igw["Component"]["Id"] == net.igw and igw["OutboundHeader"]["SourceAddresses"] != ["10.0.1.4"]


def test_gateway_endpoint_takes_s3_privately_by_prefix_list(ec2: Any) -> None:
    net = _net(ec2)
    _nat(net)
    endpoint = ec2.create_vpc_endpoint(
        VpcId=net.vpc, ServiceName="com.amazonaws.eu-west-2.s3", RouteTableIds=[net.private_table]
    )["VpcEndpoint"]["VpcEndpointId"]
    instance = _instance(ec2, net.private)
    result = analyse(ec2, instance, "my-bucket.s3.eu-west-2.amazonaws.com")
    assert result["NetworkPathFound"] is True
    assert kinds(result) == ["i", "eni", "acl", "rtb", "vpce", "s3.eu-west-2"]
    route = result["ForwardPathComponents"][3]["RouteTableRoute"]
    assert route["GatewayId"] == endpoint and route["DestinationPrefixListId"] == "pl-7ca54015"
    # S3 in another region is not in the endpoint's prefix list: it goes out through the NAT gateway.
    elsewhere = analyse(ec2, instance, "s3.us-east-1.amazonaws.com")
    assert "vpce" not in kinds(elsewhere) and "igw" in kinds(elsewhere)


def test_a_more_specific_route_beats_the_endpoint_route(ec2: Any) -> None:
    net = _net(ec2)
    nat = _nat(net)
    ec2.create_vpc_endpoint(VpcId=net.vpc, ServiceName="com.amazonaws.eu-west-2.s3", RouteTableIds=[net.private_table])
    instance = _instance(ec2, net.private)
    target = analyse(ec2, instance, "s3.eu-west-2.amazonaws.com")["ForwardPathComponents"][-1]
    address = target["InboundHeader"]["DestinationAddresses"][0]
    ec2.create_route(RouteTableId=net.private_table, DestinationCidrBlock=f"{address}/32", NatGatewayId=nat)
    result = analyse(ec2, instance, "s3.eu-west-2.amazonaws.com")
    assert "nat" in kinds(result) and "vpce" not in kinds(result)


def test_no_route_and_blackhole(ec2: Any) -> None:
    net = _net(ec2)
    instance = _instance(ec2, net.private)
    result = analyse(ec2, instance, "s3.eu-west-2.amazonaws.com")
    assert result["NetworkPathFound"] is False and codes(result) == ["NO_ROUTE_TO_DESTINATION"]
    nat = _nat(net)
    ec2.delete_nat_gateway(NatGatewayId=nat)
    ec2.describe_nat_gateways(NatGatewayIds=[nat])
    assert codes(analyse(ec2, instance, "s3.eu-west-2.amazonaws.com")) == ["BAD_STATE_ROUTE"]


def test_public_subnet_needs_a_public_address(ec2: Any) -> None:
    net = _net(ec2)
    without = _instance(ec2, net.public)
    assert codes(analyse(ec2, without, "8.8.8.8")) == ["IGW_EXPECTS_PUBLIC_ADDRESS"]
    with_ip = _instance(
        ec2,
        net.public,
        NetworkInterfaces=[{"DeviceIndex": 0, "SubnetId": net.public, "AssociatePublicIpAddress": True}],
    )
    result = analyse(ec2, with_ip, "8.8.8.8")
    assert result["NetworkPathFound"] is True and kinds(result)[-2:] == ["igw", "8.8.8.8"]


def test_security_group_on_the_endpoint_interface_blocks_443(ec2: Any) -> None:
    net = _net(ec2)
    closed = ec2.create_security_group(GroupName="closed", Description="nothing in", VpcId=net.vpc)["GroupId"]
    endpoint = ec2.create_vpc_endpoint(
        VpcId=net.vpc,
        VpcEndpointType="Interface",
        ServiceName="com.amazonaws.eu-west-2.sqs",
        SubnetIds=[net.private],
        SecurityGroupIds=[closed],
    )["VpcEndpoint"]
    instance = _instance(ec2, net.private)
    result = analyse(ec2, instance, "sqs.eu-west-2.amazonaws.com")
    assert result["NetworkPathFound"] is False and codes(result) == ["ENI_SG_RULES_MISMATCH"]
    assert result["Explanations"][0]["NetworkInterface"]["Id"] == endpoint["NetworkInterfaceIds"][0]
    ec2.authorize_security_group_ingress(
        GroupId=closed, IpProtocol="tcp", FromPort=443, ToPort=443, CidrIp="10.0.0.0/16"
    )
    opened = analyse(ec2, instance, "sqs.eu-west-2.amazonaws.com")
    assert opened["NetworkPathFound"] is True and kinds(opened)[-3:] == ["eni", "vpce", "sqs.eu-west-2"]


def test_private_dns_steers_the_service_name_to_the_interface_endpoint(ec2: Any) -> None:
    net = _net(ec2)
    _nat(net)
    instance = _instance(ec2, net.private)
    before = analyse(ec2, instance, "kms.eu-west-2.amazonaws.com")
    assert "nat" in kinds(before) and "vpce" not in kinds(before)
    ec2.create_vpc_endpoint(
        VpcId=net.vpc,
        VpcEndpointType="Interface",
        ServiceName="com.amazonaws.eu-west-2.kms",
        SubnetIds=[net.private],
        PrivateDnsEnabled=True,
    )
    after = analyse(ec2, instance, "kms.eu-west-2.amazonaws.com")
    assert after["NetworkPathFound"] is True and "vpce" in kinds(after) and "nat" not in kinds(after)
    assert after["ForwardPathComponents"][3]["RouteTableRoute"]["GatewayId"] == "local"


def test_peered_vpc_cannot_use_the_gateway_endpoint_but_can_use_an_interface_endpoint(ec2: Any) -> None:
    hub = _net(ec2, "10.0.0.0/16")
    spoke = _net(ec2, "10.1.0.0/16")
    pcx = ec2.create_vpc_peering_connection(VpcId=spoke.vpc, PeerVpcId=hub.vpc)["VpcPeeringConnection"][
        "VpcPeeringConnectionId"
    ]
    ec2.accept_vpc_peering_connection(VpcPeeringConnectionId=pcx)
    ec2.create_route(RouteTableId=spoke.private_table, DestinationCidrBlock="10.0.0.0/16", VpcPeeringConnectionId=pcx)
    ec2.create_route(RouteTableId=hub.private_table, DestinationCidrBlock="10.1.0.0/16", VpcPeeringConnectionId=pcx)
    ec2.create_vpc_endpoint(VpcId=hub.vpc, ServiceName="com.amazonaws.eu-west-2.s3", RouteTableIds=[hub.private_table])
    https = _https_from(ec2, hub.vpc, "10.1.0.0/16")
    interface = ec2.create_vpc_endpoint(
        SecurityGroupIds=[https],
        VpcId=hub.vpc,
        VpcEndpointType="Interface",
        ServiceName="com.amazonaws.eu-west-2.dynamodb",
        SubnetIds=[hub.private],
        PrivateDnsEnabled=False,
    )["VpcEndpoint"]
    client = _instance(ec2, spoke.private)
    s3_address = "3.5.244.10"
    gateway = analyse(ec2, client, s3_address)
    assert gateway["NetworkPathFound"] is False and codes(gateway) == ["NO_ROUTE_TO_DESTINATION"]
    regional = interface["DnsEntries"][0]["DnsName"]
    through = analyse(ec2, client, regional)
    assert through["NetworkPathFound"] is True, through["Explanations"]
    assert kinds(through)[4:] == ["pcx", "acl", "eni", "vpce", "dynamodb.eu-west-2"]
    # The reply walks back: from the endpoint's interface, out of the hub subnet (ACLs are stateless), by the hub's
    # route back over the peering connection, into the spoke subnet, to the client.
    returning = through["ReturnPathComponents"]
    assert kinds({"ForwardPathComponents": returning}) == ["eni", "acl", "rtb", "pcx", "acl", "i"]
    assert [c["AclRule"]["Egress"] for c in returning if "AclRule" in c] == [True, False]
    assert returning[2]["RouteTableRoute"]["VpcPeeringConnectionId"] == pcx


def test_cross_region_dynamodb_through_interface_endpoint_and_inter_region_peering(vpcsim: Any, account: str) -> None:
    ireland, london = vpcsim.client("ec2", "eu-west-1", account), vpcsim.client("ec2", "eu-west-2", account)
    app = _net(ireland, "10.1.0.0/16", region="eu-west-1")
    data = _net(london, "10.2.0.0/16", region="eu-west-2")
    endpoint = london.create_vpc_endpoint(
        SecurityGroupIds=[_https_from(london, data.vpc, "10.1.0.0/16")],
        VpcId=data.vpc,
        VpcEndpointType="Interface",
        ServiceName="com.amazonaws.eu-west-2.dynamodb",
        SubnetIds=[data.private],
        PrivateDnsEnabled=False,
    )["VpcEndpoint"]
    pcx = ireland.create_vpc_peering_connection(VpcId=app.vpc, PeerVpcId=data.vpc, PeerRegion="eu-west-2")[
        "VpcPeeringConnection"
    ]["VpcPeeringConnectionId"]
    london.accept_vpc_peering_connection(VpcPeeringConnectionId=pcx)
    ireland.create_route(RouteTableId=app.private_table, DestinationCidrBlock="10.2.0.0/16", VpcPeeringConnectionId=pcx)
    london.create_route(RouteTableId=data.private_table, DestinationCidrBlock="10.1.0.0/16", VpcPeeringConnectionId=pcx)
    client = _instance(ireland, app.private)
    result = analyse(ireland, client, endpoint["DnsEntries"][0]["DnsName"])
    assert result["NetworkPathFound"] is True
    assert "pcx" in kinds(result) and kinds(result)[-1] == "dynamodb.eu-west-2"
    # Without the route back in London, the reply has nowhere to go.
    london.delete_route(RouteTableId=data.private_table, DestinationCidrBlock="10.1.0.0/16")
    assert codes(analyse(ireland, client, endpoint["DnsEntries"][0]["DnsName"])) == ["NO_ROUTE_TO_DESTINATION"]


def test_network_acl_deny_names_the_rule(ec2: Any) -> None:
    net = _net(ec2)
    _nat(net)
    acl = ec2.create_network_acl(VpcId=net.vpc)["NetworkAcl"]["NetworkAclId"]
    association = next(
        a["NetworkAclAssociationId"]
        for a in ec2.describe_network_acls(Filters=[{"Name": "association.subnet-id", "Values": [net.private]}])[
            "NetworkAcls"
        ][0]["Associations"]
        if a["SubnetId"] == net.private
    )
    ec2.replace_network_acl_association(AssociationId=association, NetworkAclId=acl)
    instance = _instance(ec2, net.private)
    result = analyse(ec2, instance, "s3.eu-west-2.amazonaws.com")
    assert codes(result) == ["SUBNET_ACL_RESTRICTION"] and result["Explanations"][0]["Acl"]["Id"] == acl
    assert result["ForwardPathComponents"][-1]["AclRule"]["RuleAction"] == "deny"


def test_filter_in_arns_and_api_errors(ec2: Any) -> None:
    net = _net(ec2)
    _nat(net)
    instance = _instance(ec2, net.private)
    path = ec2.create_network_insights_path(
        Source=instance, Destination="s3.eu-west-2.amazonaws.com", Protocol="TCP", DestinationPort=443
    )["NetworkInsightsPath"]
    assert path["Protocol"] == "tcp" and path["NetworkInsightsPathArn"].endswith(path["NetworkInsightsPathId"])
    igw_arn = f"arn:aws:ec2:eu-west-2:{path['NetworkInsightsPathArn'].split(':')[4]}:internet-gateway/{net.igw}"
    via = ec2.start_network_insights_analysis(
        NetworkInsightsPathId=path["NetworkInsightsPathId"], FilterInArns=[igw_arn]
    )
    not_via = ec2.start_network_insights_analysis(
        NetworkInsightsPathId=path["NetworkInsightsPathId"],
        FilterInArns=[igw_arn.replace(net.igw, "igw-0123456789abcdef0")],
    )
    found = {
        a["NetworkInsightsAnalysisId"]: a["NetworkPathFound"]
        for a in ec2.describe_network_insights_analyses(NetworkInsightsPathId=path["NetworkInsightsPathId"])[
            "NetworkInsightsAnalyses"
        ]
    }
    assert found == {
        via["NetworkInsightsAnalysis"]["NetworkInsightsAnalysisId"]: True,
        not_via["NetworkInsightsAnalysis"]["NetworkInsightsAnalysisId"]: False,
    }
    from botocore.exceptions import ClientError

    with pytest.raises(ClientError) as excinfo:
        ec2.create_network_insights_path(Source="i-0123456789abcdef0", Destination="8.8.8.8", Protocol="tcp")
    assert excinfo.value.response["Error"]["Code"] == "InvalidInstanceID.NotFound"
    with pytest.raises(ClientError) as excinfo:
        ec2.delete_network_insights_path(NetworkInsightsPathId=path["NetworkInsightsPathId"])
    assert excinfo.value.response["Error"]["Code"] == "DependencyViolation"
    for analysis in (via, not_via):
        ec2.delete_network_insights_analysis(
            NetworkInsightsAnalysisId=analysis["NetworkInsightsAnalysis"]["NetworkInsightsAnalysisId"]
        )
    ec2.delete_network_insights_path(NetworkInsightsPathId=path["NetworkInsightsPathId"])
    assert ec2.describe_network_insights_paths()["NetworkInsightsPaths"] == []
