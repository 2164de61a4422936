"""AWS's "hybrid DNS through Resolver endpoints" architecture, built with boto3: a VPC joined to a customer network by
a Site-to-Site VPN; an outbound endpoint and a FORWARD rule send the VPC's queries for the customer's domain to its
DNS server on premises; an inbound endpoint lets on-premises clients resolve what the VPC sees (interface endpoints'
private DNS, private hosted zones, S3's inbound-only private DNS). Each DNS query is itself traced (UDP 53) [R53DG
resolver.md; R53DG resolver-overview-DSN-queries-to-vpc; S3PL "PrivateDnsOnlyForInboundResolverEndpoint"]."""

from __future__ import annotations

import json
import random
import subprocess
from typing import Any

import pytest

from tests.api.test_dataplane import _instance
from tests.api.test_dataplane_onprem import ONPREM, VPCSIM, Hybrid, _hybrid
from tests.api.test_trace_faces import _post

ONPREM_DNS = "192.168.1.53"


def _trace(vpcsim: Any, source: str, destination: str, **extra: Any) -> dict[str, Any]:
    status, trace = _post(vpcsim, "/_vpcsim/api/trace", {"source": source, "destination": destination, **extra})
    assert status == 200, trace
    return trace


def _dns(trace: dict[str, Any]) -> dict[str, Any]:
    hop = trace["hops"][0]
    assert hop["component"]["kind"] == "dns", trace["hops"]
    return dict(hop)


def _codes(trace: dict[str, Any]) -> list[str]:
    return [e["code"] for e in trace["explanations"]]


def _group(ec2: Any, vpc: str, name: str, *, ingress_from: str | None = None) -> str:
    group = ec2.create_security_group(GroupName=name, Description="dns", VpcId=vpc)["GroupId"]
    if ingress_from is not None:
        for protocol in ("udp", "tcp"):  # Resolver endpoints need both on port 53 [R53DG inbound endpoint values]
            ec2.authorize_security_group_ingress(
                GroupId=group, IpProtocol=protocol, FromPort=53, ToPort=53, CidrIp=ingress_from
            )
    return str(group)


def _endpoint(vpcsim: Any, account: str, net: Hybrid, direction: str, group: str) -> dict[str, Any]:
    resolver = vpcsim.client("route53resolver", "us-east-1", account)
    created = resolver.create_resolver_endpoint(
        CreatorRequestId=str(random.random()),
        Name=f"{direction.lower()}-dns",
        SecurityGroupIds=[group],
        Direction=direction,
        IpAddresses=[{"SubnetId": net.subnet}, {"SubnetId": net.subnet}],
    )["ResolverEndpoint"]
    addresses = resolver.list_resolver_endpoint_ip_addresses(ResolverEndpointId=created["Id"])["IpAddresses"]
    return {"id": created["Id"], "addresses": [a["Ip"] for a in addresses]}


@pytest.fixture
def net(ec2: Any) -> Hybrid:
    return _hybrid(ec2)


# -- out: the VPC's queries for the customer's domain -----------------------------------------------------------------
def _forward_rule(vpcsim: Any, account: str, net: Hybrid, outbound: str, records: str | None) -> str:
    resolver = vpcsim.client("route53resolver", "us-east-1", account)
    tags = [{"Key": "vpcsim:records", "Value": records}] if records is not None else []
    rule = resolver.create_resolver_rule(
        CreatorRequestId=str(random.random()),
        RuleType="FORWARD",
        DomainName="corp.example",
        TargetIps=[{"Ip": ONPREM_DNS, "Port": 53}],
        ResolverEndpointId=outbound,
        Tags=tags,
    )["ResolverRule"]["Id"]
    resolver.associate_resolver_rule(ResolverRuleId=rule, VPCId=net.vpc)
    return str(rule)


def test_a_forward_rule_sends_the_query_over_the_vpn_and_the_answer_leads_on_premises(
    vpcsim: Any, account: str, ec2: Any, net: Hybrid
) -> None:
    outbound = _endpoint(vpcsim, account, net, "OUTBOUND", _group(ec2, net.vpc, "dns-out"))
    rule = _forward_rule(vpcsim, account, net, outbound["id"], "app.corp.example=192.168.10.5")
    instance = _instance(ec2, net.subnet)
    trace = _trace(vpcsim, instance, "app.corp.example")
    assert trace["verdict"] == "reachable", trace["explanations"]
    assert trace["resolved"] == ["192.168.10.5"]
    sent, answered = _dns(trace)["steps"]
    assert sent["action"] == "forwarded" and outbound["id"] in sent["detail"] and f"{ONPREM_DNS}:53" in sent["detail"]
    assert net.vgw in sent["detail"] and net.vpn in sent["detail"]  # the query's own path, named
    assert answered["rule"]["Id"] == rule and "declared in vpcsim:records" in answered["detail"]
    kinds = [h["component"]["kind"] for h in trace["hops"] if not h["reply"]]
    assert kinds[-3:] == ["vpn-gateway", "vpn-connection", "customer-gateway"]
    # The servers on premises hold no such name: NXDOMAIN from them.
    missing = _trace(vpcsim, instance, "wiki.corp.example")
    assert missing["verdict"] == "unresolved" and "NXDOMAIN" in missing["notes"][0]
    # Names outside the rule's domain are the Resolver's own: the endpoint's private DNS answers as before.
    assert _trace(vpcsim, instance, "sqs.us-east-1.amazonaws.com")["resolved"] == [net.endpoint_address]


def test_what_servers_outside_aws_answer_must_be_declared(vpcsim: Any, account: str, ec2: Any, net: Hybrid) -> None:
    outbound = _endpoint(vpcsim, account, net, "OUTBOUND", _group(ec2, net.vpc, "dns-out"))
    _forward_rule(vpcsim, account, net, outbound["id"], None)
    trace = _trace(vpcsim, _instance(ec2, net.subnet), "app.corp.example")
    assert trace["verdict"] == "unresolved" and "vpcsim:records" in trace["notes"][0]
    assert _dns(trace)["steps"][0]["action"] == "forwarded"  # the query did get there


def test_an_outbound_endpoint_that_cannot_reach_the_target_resolves_nothing(
    vpcsim: Any, account: str, ec2: Any, net: Hybrid
) -> None:
    group = _group(ec2, net.vpc, "dns-out")
    ec2.revoke_security_group_egress(
        GroupId=group, IpPermissions=[{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]
    )
    outbound = _endpoint(vpcsim, account, net, "OUTBOUND", group)
    _forward_rule(vpcsim, account, net, outbound["id"], "app.corp.example=192.168.10.5")
    trace = _trace(vpcsim, _instance(ec2, net.subnet), "app.corp.example")
    assert trace["verdict"] == "unresolved" and _codes(trace) == ["SG_HAS_NO_RULES"]
    step = _dns(trace)["steps"][-1]
    assert step["action"] == "dropped" and step["explanation_code"] == "SG_HAS_NO_RULES"
    assert outbound["id"] in step["detail"] and "udp/53" in step["detail"]


def test_an_unknown_public_name_does_not_resolve(ec2: Any, vpcsim: Any, net: Hybrid) -> None:
    trace = _trace(vpcsim, _instance(ec2, net.subnet), "www.example.invalid")
    assert trace["verdict"] == "unresolved" and len(trace["hops"]) == 1
    assert _dns(trace)["steps"][0]["explanation_code"] == "UNKNOWN_DESTINATION"
    assert "no record for www.example.invalid" in trace["notes"][0]


# -- in: on-premises clients resolve through an inbound endpoint -------------------------------------------------------
def test_onprem_resolves_the_vpcs_private_names_through_an_inbound_endpoint(
    vpcsim: Any, account: str, ec2: Any, net: Hybrid
) -> None:
    inbound = _endpoint(vpcsim, account, net, "INBOUND", _group(ec2, net.vpc, "dns-in", ingress_from="192.168.0.0/16"))
    sqs = "sqs.us-east-1.amazonaws.com"
    # No dns_via: the customer network reaches the inbound endpoint (its VPC is the gateway's), so its DNS uses it.
    trace = _trace(vpcsim, ONPREM, sqs, via=net.vpn)
    assert trace["verdict"] == "reachable", trace["explanations"]
    assert trace["resolved"] == [net.endpoint_address] and trace["endpoint"] == net.endpoint
    hop = _dns(trace)
    assert hop["component"]["id"] == inbound["id"]
    reached, answered = hop["steps"]
    assert reached["detail"].startswith(f"the query from {ONPREM} reaches {inbound['id']} at ")
    assert net.vpn in reached["detail"] and net.vgw in reached["detail"]
    assert f"private hosted zone of {net.endpoint}" in answered["detail"]
    # Named explicitly, the same; 'public' asks public DNS: SQS's public address, not reachable over the VPN.
    explicit = _trace(vpcsim, ONPREM, sqs, via=net.vpn, dns_via=inbound["id"])
    assert explicit["resolved"] == trace["resolved"]
    public = _trace(vpcsim, ONPREM, sqs, via=net.vpn, dns_via="public")
    assert public["resolved"] != [net.endpoint_address] and _codes(public) == ["VGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS"]
    # A private hosted zone of the VPC answers on premises too.
    r53 = vpcsim.client("route53", "us-east-1", account)
    zone = r53.create_hosted_zone(
        Name="corp.internal", CallerReference=str(random.random()), VPC={"VPCRegion": "us-east-1", "VPCId": net.vpc}
    )["HostedZone"]["Id"]
    record = {"Name": "api.corp.internal", "Type": "A", "TTL": 60, "ResourceRecords": [{"Value": net.endpoint_address}]}
    r53.change_resource_record_sets(
        HostedZoneId=zone, ChangeBatch={"Changes": [{"Action": "CREATE", "ResourceRecordSet": record}]}
    )
    private = _trace(vpcsim, ONPREM, "api.corp.internal", via=net.vpn)
    assert private["verdict"] == "reachable" and private["resolved"] == [net.endpoint_address]
    assert _dns(private)["steps"][-1]["rule"]["HostedZoneId"] == zone.split("/")[-1]


def test_a_closed_inbound_endpoint_is_named_or_passed_over(vpcsim: Any, account: str, ec2: Any, net: Hybrid) -> None:
    """An inbound endpoint whose group does not admit the customer's queries: named with dns_via, the name does not
    resolve and the trace says why; chosen automatically, public DNS answers and a note says the endpoint was not
    reachable."""
    closed = _endpoint(vpcsim, account, net, "INBOUND", _group(ec2, net.vpc, "dns-in", ingress_from="10.0.0.0/16"))
    named = _trace(vpcsim, ONPREM, "sqs.us-east-1.amazonaws.com", via=net.vpn, dns_via=closed["id"])
    assert named["verdict"] == "unresolved" and _codes(named) == ["ENI_SG_RULES_MISMATCH"]
    assert _dns(named)["component"]["id"] == closed["id"] and closed["id"] in named["notes"][0]
    passed = _trace(vpcsim, ONPREM, "sqs.us-east-1.amazonaws.com", via=net.vpn)
    assert _dns(passed)["component"]["id"] == net.cgw and any(closed["id"] in note for note in passed["notes"])
    status, refused = _post(
        vpcsim,
        "/_vpcsim/api/trace",
        {"source": ONPREM, "destination": "sqs.us-east-1.amazonaws.com", "via": net.vpn, "dns_via": "rslvr-in-0"},
    )
    assert status == 400 and "rslvr-in-0" in json.dumps(refused)


def test_s3_private_dns_for_inbound_endpoints_only(vpcsim: Any, account: str, ec2: Any, net: Hybrid) -> None:
    """With PrivateDnsOnlyForInboundResolverEndpoint, the VPC's own instances resolve S3 publicly (and use the
    gateway endpoint), while queries through the inbound endpoint get the S3 interface endpoint's addresses."""
    group = ec2.describe_vpc_endpoints(VpcEndpointIds=[net.endpoint])["VpcEndpoints"][0]["Groups"][0]["GroupId"]
    s3 = ec2.create_vpc_endpoint(
        VpcId=net.vpc,
        VpcEndpointType="Interface",
        ServiceName="com.amazonaws.us-east-1.s3",
        SubnetIds=[net.subnet],
        SecurityGroupIds=[group],
        PrivateDnsEnabled=True,
        DnsOptions={"PrivateDnsOnlyForInboundResolverEndpoint": True},
    )["VpcEndpoint"]["VpcEndpointId"]
    _endpoint(vpcsim, account, net, "INBOUND", _group(ec2, net.vpc, "dns-in", ingress_from="192.168.0.0/16"))
    host = "reports.s3.us-east-1.amazonaws.com"
    inside = _trace(vpcsim, _instance(ec2, net.subnet), host)
    assert inside["endpoint"] == net.s3_endpoint
    onprem = _trace(vpcsim, ONPREM, host, via=net.vpn)
    assert onprem["verdict"] == "reachable" and onprem["endpoint"] == s3, onprem["explanations"]
    assert f"private hosted zone of {s3}" in _dns(onprem)["steps"][-1]["detail"]


def test_dhcp_options_naming_an_inbound_endpoint_resolve_through_it(
    vpcsim: Any, account: str, ec2: Any, net: Hybrid
) -> None:
    """Instances whose DHCP options hand out an inbound endpoint's address ask it: the Resolver answers with the
    endpoint's VPC's view (the centralized-DNS pattern), once the query gets there."""
    inbound = _endpoint(vpcsim, account, net, "INBOUND", _group(ec2, net.vpc, "dns-in", ingress_from="10.0.0.0/16"))
    options = ec2.create_dhcp_options(
        DhcpConfigurations=[{"Key": "domain-name-servers", "Values": [inbound["addresses"][0]]}]
    )["DhcpOptions"]["DhcpOptionsId"]
    ec2.associate_dhcp_options(DhcpOptionsId=options, VpcId=net.vpc)
    trace = _trace(vpcsim, _instance(ec2, net.subnet), "sqs.us-east-1.amazonaws.com")
    assert trace["resolved"] == [net.endpoint_address] and _dns(trace)["component"]["id"] == inbound["id"]
    assert _dns(trace)["steps"][0]["detail"].startswith(f"the query from {trace['source']['source']} reaches")


def test_vpcsim_trace_dns_via(vpcsim: Any, account: str, ec2: Any, net: Hybrid) -> None:
    inbound = _endpoint(vpcsim, account, net, "INBOUND", _group(ec2, net.vpc, "dns-in", ingress_from="192.168.0.0/16"))
    command = [VPCSIM, "trace", "--from-onprem", ONPREM, "--via", net.vpn, "--dns-via", inbound["id"]]
    done = subprocess.run(
        [*command, "sqs.us-east-1.amazonaws.com", "--json", "--endpoint-url", vpcsim.url],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["hops"][0]["component"]["id"] == inbound["id"]
    misplaced = subprocess.run(
        [VPCSIM, "trace", "i-0", "x.example", "--dns-via", inbound["id"], "--endpoint-url", vpcsim.url],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert misplaced.returncode != 0 and "--dns-via" in misplaced.stderr and "Traceback" not in misplaced.stderr
