"""AWS's "centralized interface endpoints" architecture, built with boto3 as a user would: an SQS interface endpoint
(private DNS off) in a shared-services hub VPC, a Route 53 private hosted zone ``sqs.eu-west-2.amazonaws.com`` whose
apex is an alias to the endpoint's regional DNS name, associated with spoke VPCs (one of this account over a transit
gateway, one of another account, after the zone owner's authorization, over a peering connection: vpcsim does not
model sharing a transit gateway with another account). A spoke resolves the service name to the hub endpoint's
addresses and reaches it [AWS whitepaper "Building a Scalable and Secure Multi-VPC AWS Network Infrastructure",
"Centralized access to VPC private endpoints"; R53DG hosted-zone-private-considerations].
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

from tests.api.test_dataplane import Net, _instance, _net
from tests.api.test_trace_faces import _post

REGION = "eu-west-2"
SQS = f"sqs.{REGION}.amazonaws.com"


def _trace(vpcsim: Any, source: str, destination: str, **extra: Any) -> dict[str, Any]:
    status, trace = _post(vpcsim, "/_vpcsim/api/trace", {"source": source, "destination": destination, **extra})
    assert status == 200, trace
    return trace


def _dns_hop(trace: dict[str, Any]) -> dict[str, Any]:
    hop = trace["hops"][0]
    assert hop["component"]["kind"] == "dns", trace["hops"]
    return dict(hop)


def _ids(trace: dict[str, Any]) -> list[str]:
    return [h["component"]["id"] for h in trace["hops"] if not h["reply"]]


def _items(trace: dict[str, Any]) -> list[str]:
    """What the path is charged for, priced or not (the packaged book has no transit gateway price for London)."""
    return [c["item"] for c in (*trace["charges"], *trace["unpriced"])]


@dataclass
class Hub:
    net: Net
    endpoint: str
    addresses: dict[str, str]  # AZ -> the endpoint's interface address there
    regional_name: str
    zone: str
    tgw: str


def _hub(vpcsim: Any, account: str) -> Hub:
    ec2 = vpcsim.client("ec2", REGION, account)
    hub = _net(ec2, "10.0.0.0/16")
    second = ec2.create_subnet(VpcId=hub.vpc, CidrBlock="10.0.2.0/24", AvailabilityZone=f"{REGION}b")["Subnet"]
    ec2.associate_route_table(RouteTableId=hub.private_table, SubnetId=second["SubnetId"])
    group = ec2.create_security_group(GroupName="sqs-endpoint", Description="https from the estate", VpcId=hub.vpc)
    ec2.authorize_security_group_ingress(
        GroupId=group["GroupId"], IpProtocol="tcp", FromPort=443, ToPort=443, CidrIp="10.0.0.0/8"
    )
    created = ec2.create_vpc_endpoint(
        VpcId=hub.vpc,
        VpcEndpointType="Interface",
        ServiceName=f"com.amazonaws.{REGION}.sqs",
        SubnetIds=[hub.private, second["SubnetId"]],
        SecurityGroupIds=[group["GroupId"]],
        PrivateDnsEnabled=False,
    )["VpcEndpoint"]
    endpoint = ec2.describe_vpc_endpoints(VpcEndpointIds=[created["VpcEndpointId"]])["VpcEndpoints"][0]
    enis = ec2.describe_network_interfaces(NetworkInterfaceIds=endpoint["NetworkInterfaceIds"])["NetworkInterfaces"]
    regional = endpoint["DnsEntries"][0]
    r53 = vpcsim.client("route53", "us-east-1", account)
    zone = r53.create_hosted_zone(
        Name=SQS,
        CallerReference=str(random.random()),
        VPC={"VPCRegion": REGION, "VPCId": hub.vpc},
        HostedZoneConfig={"Comment": "centralized SQS endpoint", "PrivateZone": True},
    )["HostedZone"]["Id"]
    alias = {"HostedZoneId": regional["HostedZoneId"], "DNSName": regional["DnsName"], "EvaluateTargetHealth": False}
    r53.change_resource_record_sets(
        HostedZoneId=zone,
        ChangeBatch={
            "Changes": [{"Action": "CREATE", "ResourceRecordSet": {"Name": SQS, "Type": "A", "AliasTarget": alias}}]
        },
    )
    tgw = ec2.create_transit_gateway()["TransitGateway"]["TransitGatewayId"]
    ec2.create_transit_gateway_vpc_attachment(
        TransitGatewayId=tgw, VpcId=hub.vpc, SubnetIds=[hub.private, second["SubnetId"]]
    )
    ec2.create_route(RouteTableId=hub.private_table, DestinationCidrBlock="10.1.0.0/16", TransitGatewayId=tgw)
    addresses = {e["AvailabilityZone"]: e["PrivateIpAddress"] for e in enis}
    return Hub(hub, endpoint["VpcEndpointId"], addresses, regional["DnsName"], zone.split("/")[-1], tgw)


def _spoke_over_transit(ec2: Any, hub: Hub) -> Net:
    spoke = _net(ec2, "10.1.0.0/16")
    ec2.create_transit_gateway_vpc_attachment(TransitGatewayId=hub.tgw, VpcId=spoke.vpc, SubnetIds=[spoke.private])
    ec2.create_route(RouteTableId=spoke.private_table, DestinationCidrBlock="10.0.0.0/16", TransitGatewayId=hub.tgw)
    return spoke


def _spoke_of_another_account(vpcsim: Any, account: str, other: str, hub: Hub) -> Net:
    """A spoke VPC of account ``other``, peered with the hub, associated with the hub's zone after authorization."""
    ec2 = vpcsim.client("ec2", REGION, other)
    spoke = _net(ec2, "10.2.0.0/16")
    peering = ec2.create_vpc_peering_connection(VpcId=spoke.vpc, PeerVpcId=hub.net.vpc, PeerOwnerId=account)
    pcx = peering["VpcPeeringConnection"]["VpcPeeringConnectionId"]
    vpcsim.client("ec2", REGION, account).accept_vpc_peering_connection(VpcPeeringConnectionId=pcx)
    ec2.create_route(RouteTableId=spoke.private_table, DestinationCidrBlock="10.0.0.0/16", VpcPeeringConnectionId=pcx)
    hub.net.ec2.create_route(
        RouteTableId=hub.net.private_table, DestinationCidrBlock="10.2.0.0/16", VpcPeeringConnectionId=pcx
    )
    owner, theirs = vpcsim.client("route53", "us-east-1", account), vpcsim.client("route53", "us-east-1", other)
    vpc = {"VPCRegion": REGION, "VPCId": spoke.vpc}
    refused = _associate(theirs, hub.zone, vpc)
    assert refused == "NotAuthorizedException"  # the zone's owner has not authorized this VPC yet
    owner.create_vpc_association_authorization(HostedZoneId=hub.zone, VPC=vpc)
    assert _associate(theirs, hub.zone, vpc) == ""
    return spoke


def _associate(r53: Any, zone: str, vpc: dict[str, str]) -> str:
    try:
        r53.associate_vpc_with_hosted_zone(HostedZoneId=zone, VPC=vpc)
    except r53.exceptions.ClientError as error:
        return str(error.response["Error"]["Code"])
    return ""


def test_spokes_resolve_the_service_name_to_the_hub_endpoint(vpcsim: Any, account: str) -> None:
    hub = _hub(vpcsim, account)
    ec2 = hub.net.ec2
    spoke = _spoke_over_transit(ec2, hub)
    instance = _instance(ec2, spoke.private)
    # Not yet associated: the spoke's Resolver answers SQS's public address, and the path leaves through nothing.
    public = _trace(vpcsim, instance, SQS)
    assert not set(public["resolved"]) & set(hub.addresses.values()) and public["endpoint"] is None
    assert _dns_hop(public)["steps"][-1]["detail"].startswith(f"{SQS} is AWS's public sqs endpoint")
    r53 = vpcsim.client("route53", "us-east-1", account)
    r53.associate_vpc_with_hosted_zone(HostedZoneId=hub.zone, VPC={"VPCRegion": REGION, "VPCId": spoke.vpc})
    trace = _trace(vpcsim, instance, SQS, action="sqs:SendMessage")
    assert trace["verdict"] == "reachable", trace["explanations"]
    # The zone's alias answers the endpoint's interfaces; of them the one in the client's AZ (eu-west-2a) is used.
    assert sorted(trace["resolved"]) == sorted(hub.addresses.values()) and trace["endpoint"] == hub.endpoint
    step = _dns_hop(trace)["steps"][-1]
    assert step["detail"].endswith(f": {hub.addresses[f'{REGION}a']}")
    assert step["action"] == "resolved" and step["rule"]["HostedZoneId"] == hub.zone
    assert step["rule"]["AliasTarget"]["DNSName"].rstrip(".") == hub.regional_name
    assert f"private hosted zone {SQS} ({hub.zone})" in step["detail"] and "alias" in step["detail"]
    ids = _ids(trace)
    assert ids.index(hub.tgw) < ids.index(hub.endpoint) < ids.index(f"sqs.{REGION}")
    items = _items(trace)
    assert any(i.startswith("Transit gateway data processing") for i in items)
    assert "Interface endpoint data processing" in items and trace["internet"] is False
    # The hub resolves through the same zone (it was created with the hub's VPC).
    in_hub = _trace(vpcsim, _instance(ec2, hub.net.private), SQS)
    assert in_hub["verdict"] == "reachable" and in_hub["endpoint"] == hub.endpoint


def test_a_spoke_of_another_account_uses_the_zone_after_authorization(vpcsim: Any, account: str) -> None:
    hub = _hub(vpcsim, account)
    other = str(random.randrange(10**11, 10**12))
    spoke = _spoke_of_another_account(vpcsim, account, other, hub)
    instance = _instance(vpcsim.client("ec2", REGION, other), spoke.private)
    status, trace = _post(vpcsim, "/_vpcsim/api/trace", {"source": instance, "destination": SQS, "port": 443})
    assert status == 200 and trace["verdict"] == "reachable", trace
    assert sorted(trace["resolved"]) == sorted(hub.addresses.values()) and trace["endpoint"] == hub.endpoint
    assert _dns_hop(trace)["steps"][-1]["rule"]["HostedZoneId"] == hub.zone
    kinds = [h["component"]["kind"] for h in trace["hops"] if not h["reply"]]
    assert kinds.index("vpc-peering-connection") < kinds.index("vpc-endpoint")
    # The endpoint's security group admits only the estate's addresses: another port is refused at the endpoint.
    refused = _trace(vpcsim, instance, SQS, port=8443)
    assert refused["verdict"] == "blocked" and [e["code"] for e in refused["explanations"]] == ["ENI_SG_RULES_MISMATCH"]


def test_the_zone_is_authoritative_for_its_names(vpcsim: Any, account: str) -> None:
    """A name in the zone's domain without a record is NXDOMAIN, never the public answer; disassociating the spoke
    gives the public answer back."""
    hub = _hub(vpcsim, account)
    ec2 = hub.net.ec2
    spoke = _spoke_over_transit(ec2, hub)
    r53 = vpcsim.client("route53", "us-east-1", account)
    r53.associate_vpc_with_hosted_zone(HostedZoneId=hub.zone, VPC={"VPCRegion": REGION, "VPCId": spoke.vpc})
    instance = _instance(ec2, spoke.private)
    missing = _trace(vpcsim, instance, f"queue.{SQS}")
    assert missing["verdict"] == "unresolved" and "NXDOMAIN" in missing["notes"][0]
    assert hub.zone in _dns_hop(missing)["steps"][-1]["detail"]
    r53.disassociate_vpc_from_hosted_zone(HostedZoneId=hub.zone, VPC={"VPCRegion": REGION, "VPCId": spoke.vpc})
    assert _trace(vpcsim, instance, SQS)["endpoint"] is None
