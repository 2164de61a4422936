"""On premises is a place: traces from a customer network over a Site-to-Site VPN (a virtual private gateway, or a
transit gateway's VPN attachment) and back, through the JSON API, ``vpcsim trace --from-onprem`` and Reachability
Analyzer; route priority between static and propagated routes; DHCP options that hide private DNS; VPN costs."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.api.test_dataplane import _instance
from tests.api.test_trace_faces import _get, _post

VPCSIM = str(Path(sys.executable).with_name("vpcsim"))
ONPREM = "192.168.1.10"


def _url(vpcsim: Any) -> list[str]:
    return ["--endpoint-url", vpcsim.url]


@dataclass
class Hybrid:
    ec2: Any
    vpc: str
    subnet: str
    table: str
    endpoint: str
    endpoint_name: str
    endpoint_address: str
    s3_endpoint: str
    cgw: str
    vgw: str
    vpn: str


def _hybrid(ec2: Any, propagate: bool = True) -> Hybrid:
    """A VPC with an SQS interface endpoint (443 open to the customer network), an S3 gateway endpoint, and a static
    VPN connection to 192.168.0.0/16 through an attached virtual private gateway."""
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    ec2.modify_vpc_attribute(VpcId=vpc, EnableDnsHostnames={"Value": True})
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24", AvailabilityZone="us-east-1a")["Subnet"]["SubnetId"]
    table = ec2.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["RouteTables"][0]["RouteTableId"]
    group = ec2.create_security_group(GroupName="endpoint", Description="https", VpcId=vpc)["GroupId"]
    ec2.authorize_security_group_ingress(
        GroupId=group, IpProtocol="tcp", FromPort=443, ToPort=443, CidrIp="192.168.0.0/16"
    )
    created = ec2.create_vpc_endpoint(
        VpcId=vpc,
        VpcEndpointType="Interface",
        ServiceName="com.amazonaws.us-east-1.sqs",
        SubnetIds=[subnet],
        SecurityGroupIds=[group],
        PrivateDnsEnabled=True,
    )["VpcEndpoint"]
    endpoint = ec2.describe_vpc_endpoints(VpcEndpointIds=[created["VpcEndpointId"]])["VpcEndpoints"][0]
    eni = ec2.describe_network_interfaces(NetworkInterfaceIds=endpoint["NetworkInterfaceIds"])["NetworkInterfaces"][0]
    s3 = ec2.create_vpc_endpoint(VpcId=vpc, ServiceName="com.amazonaws.us-east-1.s3", RouteTableIds=[table])
    cgw = ec2.create_customer_gateway(Type="ipsec.1", IpAddress="203.0.113.10", BgpAsn=65010)["CustomerGateway"]
    vgw = ec2.create_vpn_gateway(Type="ipsec.1")["VpnGateway"]["VpnGatewayId"]
    ec2.attach_vpn_gateway(VpnGatewayId=vgw, VpcId=vpc)
    vpn = ec2.create_vpn_connection(
        Type="ipsec.1", CustomerGatewayId=cgw["CustomerGatewayId"], VpnGatewayId=vgw, Options={"StaticRoutesOnly": True}
    )["VpnConnection"]["VpnConnectionId"]
    ec2.create_vpn_connection_route(VpnConnectionId=vpn, DestinationCidrBlock="192.168.0.0/16")
    if propagate:
        ec2.enable_vgw_route_propagation(RouteTableId=table, GatewayId=vgw)
    return Hybrid(
        ec2,
        vpc,
        subnet,
        table,
        endpoint["VpcEndpointId"],
        endpoint["DnsEntries"][0]["DnsName"],
        eni["PrivateIpAddress"],
        s3["VpcEndpoint"]["VpcEndpointId"],
        cgw["CustomerGatewayId"],
        vgw,
        vpn,
    )


def _trace(vpcsim: Any, source: str, destination: str, via: str | None = None, port: int = 443) -> dict[str, Any]:
    body: dict[str, Any] = {"source": source, "destination": destination, "port": port}
    if via is not None:
        body["via"] = via
    status, trace = _post(vpcsim, "/_vpcsim/api/trace", body)
    assert status == 200, trace
    return trace


def _kinds(trace: dict[str, Any]) -> list[str]:
    return [h["component"]["kind"] for h in trace["hops"] if not h["reply"] and h["component"]["kind"] != "dns"]


def _codes(trace: dict[str, Any]) -> list[str]:
    return [e["code"] for e in trace["explanations"]]


# -- into the VPC over a virtual private gateway --------------------------------------------------------------------
def test_onprem_reaches_an_interface_endpoint_over_a_vpn(vpcsim: Any, ec2: Any) -> None:
    net = _hybrid(ec2)
    trace = _trace(vpcsim, ONPREM, net.endpoint_name, via=net.vpn)
    assert trace["verdict"] == "reachable", trace["explanations"]
    assert _kinds(trace) == [
        "customer-gateway",
        "vpn-connection",
        "vpn-gateway",
        "network-acl",
        "network-interface",
        "vpc-endpoint",
        "aws-service",
    ]
    ids = [h["component"]["id"] for h in trace["hops"] if not h["reply"]]
    assert [net.cgw, net.vpn, net.vgw, net.endpoint] == [
        i for i in ids if i in (net.cgw, net.vpn, net.vgw, net.endpoint)
    ][1:]
    assert trace["resolved"] == [net.endpoint_address] and trace["source"]["source"] == ONPREM
    # The same through the virtual private gateway as the way in.
    assert _trace(vpcsim, ONPREM, net.endpoint_name, via=net.vgw)["verdict"] == "reachable"
    # The endpoint's security group decides: a port it does not open stops the path there.
    closed = _trace(vpcsim, ONPREM, net.endpoint_name, via=net.vpn, port=8443)
    assert closed["verdict"] == "blocked" and _codes(closed) == ["ENI_SG_RULES_MISMATCH"]


def test_onprem_cannot_reach_a_gateway_endpoint(vpcsim: Any, ec2: Any) -> None:
    net = _hybrid(ec2)
    trace = _trace(vpcsim, ONPREM, "s3.us-east-1.amazonaws.com", via=net.vpn)
    assert trace["verdict"] == "blocked" and _codes(trace) == ["VGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS"]
    (explanation,) = trace["explanations"]
    assert explanation["component"]["id"] == net.vgw and net.s3_endpoint in explanation["detail"]
    assert "inside the VPC" in explanation["detail"]


def test_the_reply_must_route_back_over_the_vpn(vpcsim: Any, ec2: Any) -> None:
    net = _hybrid(ec2, propagate=False)
    trace = _trace(vpcsim, ONPREM, net.endpoint_name, via=net.vpn)
    assert trace["verdict"] == "no-route" and _codes(trace) == ["NO_ROUTE_TO_DESTINATION"]
    assert trace["explanations"][0]["component"]["id"] == net.table and net.vgw in trace["explanations"][0]["detail"]
    net.ec2.enable_vgw_route_propagation(RouteTableId=net.table, GatewayId=net.vgw)
    assert _trace(vpcsim, ONPREM, net.endpoint_name, via=net.vpn)["verdict"] == "reachable"
    # A source the connection does not carry has no route back either (once the endpoint's group lets it in: the
    # request is checked before its reply).
    elsewhere = _trace(vpcsim, "172.31.9.9", net.endpoint_name, via=net.vpn)
    assert elsewhere["verdict"] == "blocked" and _codes(elsewhere) == ["ENI_SG_RULES_MISMATCH"]
    group = net.ec2.describe_vpc_endpoints(VpcEndpointIds=[net.endpoint])["VpcEndpoints"][0]["Groups"][0]["GroupId"]
    net.ec2.authorize_security_group_ingress(
        GroupId=group, IpProtocol="tcp", FromPort=443, ToPort=443, CidrIp="172.31.0.0/16"
    )
    elsewhere = _trace(vpcsim, "172.31.9.9", net.endpoint_name, via=net.vpn)
    assert elsewhere["verdict"] == "no-route" and _codes(elsewhere) == ["NO_ROUTE_TO_DESTINATION"]
    assert all(h["reply"] for h in elsewhere["hops"] if h["steps"][-1]["explanation_code"])


def test_a_deleted_connection_is_no_way_in(vpcsim: Any, ec2: Any) -> None:
    net = _hybrid(ec2)
    ec2.delete_vpn_connection(VpnConnectionId=net.vpn)
    status, body = _post(vpcsim, "/_vpcsim/api/trace", {"source": ONPREM, "destination": "10.0.1.9", "via": net.vpn})
    assert status == 400 and body["error"]["code"] == "InvalidParameterValue"
    status, body = _post(vpcsim, "/_vpcsim/api/trace", {"source": "nope", "destination": "10.0.1.9", "via": net.vgw})
    assert status == 400


# -- out of the VPC to the customer network ---------------------------------------------------------------------------
def test_an_instance_reaches_the_customer_network_and_pays_for_it(vpcsim: Any, ec2: Any, account: str) -> None:
    net = _hybrid(ec2)
    instance = _instance(ec2, net.subnet)
    trace = _trace(vpcsim, instance, ONPREM)
    assert trace["verdict"] == "reachable", trace["explanations"]
    assert _kinds(trace)[-4:] == ["route-table", "vpn-gateway", "vpn-connection", "customer-gateway"]
    assert trace["hops"][-1]["steps"][-1]["action"] == "delivered"
    # Data transfer out over a VPN: the packaged book has no source for its rate, so it is unpriced, not $0.
    assert [u["key"] for u in trace["unpriced"]] == ["vpn_data_out_gb"] and trace["priced_completely"] is False
    # An address no connection carries: the gateway has nowhere to send it.
    ec2.create_route(RouteTableId=net.table, DestinationCidrBlock="172.16.0.0/12", GatewayId=net.vgw)
    lost = _trace(vpcsim, instance, "172.16.0.1")
    assert lost["verdict"] == "no-route" and _codes(lost) == ["NO_ROUTE_TO_DESTINATION"]
    assert lost["explanations"][0]["component"]["id"] == net.vgw
    # The monthly bill counts the connection's hours (us-east-1: $0.05 an hour).
    status, cost = _get(vpcsim, f"/_vpcsim/api/cost?region=us-east-1&account={account}")
    (line,) = [i for i in cost["items"] if i["resource_id"] == net.vpn]
    assert status == 200 and line["usd"] == pytest.approx(36.5) and line["unit"] == "hour"


def test_vpn_hours_are_unpriced_where_the_book_has_no_figure(vpcsim: Any, account: str) -> None:
    ec2 = vpcsim.client("ec2", region="eu-west-2", account=account)
    cgw = ec2.create_customer_gateway(Type="ipsec.1", IpAddress="203.0.113.11", BgpAsn=65010)["CustomerGateway"]
    vgw = ec2.create_vpn_gateway(Type="ipsec.1")["VpnGateway"]["VpnGatewayId"]
    vpn = ec2.create_vpn_connection(Type="ipsec.1", CustomerGatewayId=cgw["CustomerGatewayId"], VpnGatewayId=vgw)
    status, cost = _get(vpcsim, f"/_vpcsim/api/cost?region=eu-west-2&account={account}")
    (line,) = [i for i in cost["items"] if i["resource_id"] == vpn["VpnConnection"]["VpnConnectionId"]]
    assert status == 200 and line["unpriced"] is True and line["usd"] is None and cost["complete"] is False


def test_static_routes_beat_propagated_routes_of_the_same_length(vpcsim: Any, ec2: Any) -> None:
    net = _hybrid(ec2)
    instance = _instance(ec2, net.subnet)
    tgw = ec2.create_transit_gateway()["TransitGateway"]["TransitGatewayId"]
    ec2.create_transit_gateway_vpc_attachment(TransitGatewayId=tgw, VpcId=net.vpc, SubnetIds=[net.subnet])
    ec2.create_route(RouteTableId=net.table, DestinationCidrBlock="192.168.0.0/16", TransitGatewayId=tgw)
    trace = _trace(vpcsim, instance, ONPREM)
    (routed,) = [h for h in trace["hops"] if h["component"]["kind"] == "route-table" and not h["reply"]][:1]
    step = routed["steps"][0]
    assert step["rule"]["TransitGatewayId"] == tgw and step["rule"]["Origin"] == "CreateRoute"
    assert f"192.168.0.0/16 -> {net.vgw} lost (HIGHER_PRIORITY_ROUTE)" in step["detail"]
    assert "vpn-gateway" not in _kinds(trace)
    # A longer propagated prefix still beats the shorter static route: longest prefix first.
    ec2.create_vpn_connection_route(VpnConnectionId=net.vpn, DestinationCidrBlock="192.168.1.0/24")
    again = _trace(vpcsim, instance, ONPREM)
    step = next(h for h in again["hops"] if h["component"]["kind"] == "route-table")["steps"][0]
    assert step["rule"]["GatewayId"] == net.vgw and step["rule"]["Origin"] == "EnableVgwRoutePropagation"
    assert again["verdict"] == "reachable" and _kinds(again)[-1] == "customer-gateway"


# -- over a transit gateway ------------------------------------------------------------------------------------------
def test_onprem_reaches_an_interface_endpoint_over_a_transit_gateway(vpcsim: Any, ec2: Any) -> None:
    net = _hybrid(ec2, propagate=False)
    tgw = ec2.create_transit_gateway()["TransitGateway"]["TransitGatewayId"]
    ec2.create_transit_gateway_vpc_attachment(TransitGatewayId=tgw, VpcId=net.vpc, SubnetIds=[net.subnet])
    cgw = ec2.create_customer_gateway(Type="ipsec.1", IpAddress="203.0.113.30", BgpAsn=65040)["CustomerGateway"]
    tags = [
        {"ResourceType": "vpn-connection", "Tags": [{"Key": "vpcsim:advertised-prefixes", "Value": "192.168.0.0/16"}]}
    ]
    vpn = ec2.create_vpn_connection(
        Type="ipsec.1", CustomerGatewayId=cgw["CustomerGatewayId"], TransitGatewayId=tgw, TagSpecifications=tags
    )["VpnConnection"]["VpnConnectionId"]
    attachment = ec2.describe_transit_gateway_attachments(Filters=[{"Name": "resource-id", "Values": [vpn]}])[
        "TransitGatewayAttachments"
    ][0]["TransitGatewayAttachmentId"]
    # The VPC has no route back to the transit gateway yet.
    blocked = _trace(vpcsim, ONPREM, net.endpoint_name, via=vpn)
    assert blocked["verdict"] == "no-route" and _codes(blocked) == ["NO_ROUTE_TO_DESTINATION"]
    ec2.create_route(RouteTableId=net.table, DestinationCidrBlock="192.168.0.0/16", TransitGatewayId=tgw)
    trace = _trace(vpcsim, ONPREM, net.endpoint_name, via=attachment)
    assert trace["verdict"] == "reachable", trace["explanations"]
    assert _kinds(trace)[:5] == [
        "customer-gateway",
        "vpn-connection",
        "transit-gateway",
        "transit-gateway-route-table",
        "transit-gateway-attachment",
    ]
    assert _kinds(trace)[-2:] == ["vpc-endpoint", "aws-service"]
    assert trace["charges"][0]["item"].startswith("Transit gateway data processing")
    # And back out: an instance reaches the customer network through the VPN attachment.
    instance = _instance(ec2, net.subnet)
    out = _trace(vpcsim, instance, ONPREM)
    assert out["verdict"] == "reachable" and _kinds(out)[-2:] == ["vpn-connection", "customer-gateway"]
    # Without propagation from the VPC attachment, the reply has no way back through the transit gateway.
    table = ec2.describe_transit_gateway_route_tables()["TransitGatewayRouteTables"][0]["TransitGatewayRouteTableId"]
    vpc_attachment = ec2.describe_transit_gateway_attachments(Filters=[{"Name": "resource-type", "Values": ["vpc"]}])[
        "TransitGatewayAttachments"
    ][0]["TransitGatewayAttachmentId"]
    ec2.disable_transit_gateway_route_table_propagation(
        TransitGatewayRouteTableId=table, TransitGatewayAttachmentId=vpc_attachment
    )
    cut = _trace(vpcsim, instance, ONPREM)
    assert cut["verdict"] == "no-route" and _codes(cut) == ["TGW_RTB_CANNOT_ROUTE"]


def test_onprem_cannot_reach_a_gateway_endpoint_over_a_transit_gateway_either(vpcsim: Any, ec2: Any) -> None:
    net = _hybrid(ec2, propagate=False)
    tgw = ec2.create_transit_gateway()["TransitGateway"]["TransitGatewayId"]
    ec2.create_transit_gateway_vpc_attachment(TransitGatewayId=tgw, VpcId=net.vpc, SubnetIds=[net.subnet])
    cgw = ec2.create_customer_gateway(Type="ipsec.1", IpAddress="203.0.113.31", BgpAsn=65041)["CustomerGateway"]
    vpn = ec2.create_vpn_connection(Type="ipsec.1", CustomerGatewayId=cgw["CustomerGatewayId"], TransitGatewayId=tgw)
    trace = _trace(vpcsim, ONPREM, "s3.us-east-1.amazonaws.com", via=vpn["VpnConnection"]["VpnConnectionId"])
    # The transit gateway knows only the VPC's CIDR: S3's public address has no route there.
    assert trace["verdict"] == "no-route" and _codes(trace) == ["TGW_RTB_CANNOT_ROUTE"]


# -- the other faces -------------------------------------------------------------------------------------------------
def test_vpcsim_trace_from_onprem(vpcsim: Any, ec2: Any) -> None:
    net = _hybrid(ec2)
    done = subprocess.run(
        [
            VPCSIM,
            "trace",
            "--from-onprem",
            ONPREM,
            "--via",
            net.vpn,
            f"{net.endpoint_name}:443",
            "--json",
            *_url(vpcsim),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    trace = json.loads(done.stdout)
    assert trace["verdict"] == "reachable" and trace["hops"][1]["component"]["id"] == net.cgw
    refused = subprocess.run(
        [VPCSIM, "trace", "--from-onprem", ONPREM, "10.0.1.9", "--endpoint-url", vpcsim.url],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert refused.returncode != 0 and "--via" in refused.stderr and "Traceback" not in refused.stderr
    table = subprocess.run(
        [VPCSIM, "trace", "--from-onprem", ONPREM, "--via", net.vpn, "s3.us-east-1.amazonaws.com", *_url(vpcsim)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert table.returncode == 1 and "VGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS" in table.stdout


def test_reachability_analyzer_from_a_vpn_gateway(ec2: Any) -> None:
    net = _hybrid(ec2)

    def analyse(**path: Any) -> dict[str, Any]:
        created = ec2.create_network_insights_path(Source=net.vgw, Protocol="tcp", DestinationPort=443, **path)
        pid = created["NetworkInsightsPath"]["NetworkInsightsPathId"]
        aid = ec2.start_network_insights_analysis(NetworkInsightsPathId=pid)["NetworkInsightsAnalysis"]
        (done,) = ec2.describe_network_insights_analyses(NetworkInsightsAnalysisIds=[aid["NetworkInsightsAnalysisId"]])[
            "NetworkInsightsAnalyses"
        ]
        return dict(done)

    found = analyse(SourceIp=ONPREM, Destination=net.endpoint)
    assert found["NetworkPathFound"] is True, found["Explanations"]
    ids = [c["Component"]["Id"] for c in found["ForwardPathComponents"]]
    assert ids[:3] == [net.cgw, net.vpn, net.vgw] and net.endpoint in ids
    # Without SourceIp, the path starts in the first customer network the connection carries.
    assert analyse(Destination=net.endpoint)["NetworkPathFound"] is True
    refused = analyse(SourceIp=ONPREM, DestinationIp="3.5.0.10")
    assert refused["NetworkPathFound"] is False
    (explanation,) = refused["Explanations"]
    assert explanation["ExplanationCode"] == "VGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS"
    assert explanation["VpnGateway"]["Id"] == net.vgw


# -- DHCP options and DNS ---------------------------------------------------------------------------------------------
def _private_dns_service(vpcsim: Any, ec2: Any, account: str) -> str:
    """A PrivateLink service of the same account with the verified private DNS name ``api.corp.example``."""
    vpc = ec2.create_vpc(CidrBlock="10.40.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.40.1.0/24", AvailabilityZone="us-east-1a")["Subnet"]["SubnetId"]
    elbv2 = vpcsim.client("elbv2", region="us-east-1", account=account)
    nlb = elbv2.create_load_balancer(Name="api", Type="network", Scheme="internal", Subnets=[subnet])["LoadBalancers"][
        0
    ]["LoadBalancerArn"]
    service = ec2.create_vpc_endpoint_service_configuration(
        NetworkLoadBalancerArns=[nlb], AcceptanceRequired=False, PrivateDnsName="api.corp.example"
    )["ServiceConfiguration"]
    challenge = service["PrivateDnsNameConfiguration"]
    vpcsim.admin("/_vpcsim/dns/txt", {"name": f"{challenge['Name']}.api.corp.example", "value": challenge["Value"]})
    ec2.start_vpc_endpoint_service_private_dns_verification(ServiceId=service["ServiceId"])
    return str(service["ServiceName"])


def test_custom_dns_servers_hide_private_dns_names(vpcsim: Any, ec2: Any, account: str) -> None:
    net = _hybrid(ec2)
    service = _private_dns_service(vpcsim, ec2, account)
    ec2.create_vpc_endpoint(
        VpcId=net.vpc, VpcEndpointType="Interface", ServiceName=service, SubnetIds=[net.subnet], PrivateDnsEnabled=True
    )
    instance = _instance(ec2, net.subnet)
    assert _trace(vpcsim, instance, "api.corp.example")["verdict"] != "unresolved"
    assert _trace(vpcsim, instance, "sqs.us-east-1.amazonaws.com")["resolved"] == [net.endpoint_address]
    dopt = ec2.create_dhcp_options(DhcpConfigurations=[{"Key": "domain-name-servers", "Values": ["192.168.0.53"]}])
    ec2.associate_dhcp_options(DhcpOptionsId=dopt["DhcpOptions"]["DhcpOptionsId"], VpcId=net.vpc)
    hidden = _trace(vpcsim, instance, "api.corp.example")
    assert hidden["verdict"] == "unresolved"
    assert "AmazonProvidedDNS" in hidden["notes"][0] and dopt["DhcpOptions"]["DhcpOptionsId"] in hidden["notes"][0]
    public = _trace(vpcsim, instance, "sqs.us-east-1.amazonaws.com")
    assert public["resolved"] != [net.endpoint_address] and public["endpoint"] is None
    assert any("not to" in note and net.endpoint in note for note in public["notes"])
    # AmazonProvidedDNS among the servers, or no options set at all: the private zones answer again.
    both = ec2.create_dhcp_options(
        DhcpConfigurations=[{"Key": "domain-name-servers", "Values": ["192.168.0.53", "AmazonProvidedDNS"]}]
    )
    ec2.associate_dhcp_options(DhcpOptionsId=both["DhcpOptions"]["DhcpOptionsId"], VpcId=net.vpc)
    assert _trace(vpcsim, instance, "api.corp.example")["verdict"] != "unresolved"
    ec2.associate_dhcp_options(DhcpOptionsId="default", VpcId=net.vpc)
    assert _trace(vpcsim, instance, "sqs.us-east-1.amazonaws.com")["resolved"] == [net.endpoint_address]


def test_onprem_resolves_public_names_only(vpcsim: Any, ec2: Any) -> None:
    net = _hybrid(ec2)
    # sqs.us-east-1.amazonaws.com answers privately inside the VPC, publicly on premises: not over the VPN.
    trace = _trace(vpcsim, ONPREM, "sqs.us-east-1.amazonaws.com", via=net.vpn)
    assert trace["resolved"] != [net.endpoint_address]
    assert trace["verdict"] == "blocked" and _codes(trace) == ["VGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS"]
    unresolved = _trace(vpcsim, ONPREM, "nothing.corp.example", via=net.vpn)
    assert unresolved["verdict"] == "unresolved" and "Resolver inbound endpoint" in unresolved["notes"][0]
