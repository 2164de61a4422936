"""Route 53 private hosted zones in a VPC's Resolver, built with boto3: A, AAAA and CNAME records, wildcards, aliases
to a load balancer, overlapping zones (the most specific answers), a zone overriding AWS's public names, NXDOMAIN for
a name the zone does not hold, the VPC attributes a zone needs, and Resolver rules against zones [R53DG
hosted-zone-private-considerations; R53DG resolver-overview-DSN-queries-to-vpc]."""

from __future__ import annotations

import random
from typing import Any

from tests.api.test_dataplane import Net, _instance, _net
from tests.api.test_trace_faces import _post

REGION = "eu-west-2"


def _last(trace: dict[str, Any]) -> dict[str, Any]:
    """The request's last hop (the reply's hops, marked ``reply``, follow it)."""
    return next(h for h in reversed(trace["hops"]) if not h["reply"])


def _trace(vpcsim: Any, source: str, destination: str, port: int = 443) -> dict[str, Any]:
    status, trace = _post(vpcsim, "/_vpcsim/api/trace", {"source": source, "destination": destination, "port": port})
    assert status == 200, trace
    return trace


def _dns(trace: dict[str, Any]) -> dict[str, Any]:
    hop = trace["hops"][0]
    assert hop["component"]["kind"] == "dns", trace["hops"]
    return dict(hop["steps"][-1])


def _zone(vpcsim: Any, account: str, name: str, vpc: str) -> str:
    r53 = vpcsim.client("route53", "us-east-1", account)
    created = r53.create_hosted_zone(
        Name=name, CallerReference=str(random.random()), VPC={"VPCRegion": REGION, "VPCId": vpc}
    )
    return str(created["HostedZone"]["Id"]).split("/")[-1]


def _records(vpcsim: Any, account: str, zone: str, *sets: dict[str, Any]) -> None:
    changes = [{"Action": "CREATE", "ResourceRecordSet": s} for s in sets]
    vpcsim.client("route53", "us-east-1", account).change_resource_record_sets(
        HostedZoneId=zone, ChangeBatch={"Changes": changes}
    )


def _plain(name: str, kind: str, *values: str) -> dict[str, Any]:
    return {"Name": name, "Type": kind, "TTL": 60, "ResourceRecords": [{"Value": v} for v in values]}


def _server(ec2: Any, net: Net, port: int, protocol: str = "tcp") -> tuple[str, str]:
    """An instance in the private subnet that accepts ``port`` from the VPC; (instance id, its address)."""
    server = _instance(ec2, net.private)
    described = ec2.describe_instances(InstanceIds=[server])["Reservations"][0]["Instances"][0]
    ec2.authorize_security_group_ingress(
        GroupId=described["SecurityGroups"][0]["GroupId"], IpProtocol=protocol, FromPort=port, ToPort=port,
        CidrIp="10.0.0.0/16",
    )  # fmt: skip
    return server, str(described["PrivateIpAddress"])


def test_records_cnames_and_wildcards_answer_in_associated_vpcs(vpcsim: Any, account: str) -> None:
    ec2 = vpcsim.client("ec2", REGION, account)
    net = _net(ec2)
    server, address = _server(ec2, net, 5432)
    zone = _zone(vpcsim, account, "corp.internal", net.vpc)
    _records(
        vpcsim, account, zone,
        _plain("db.corp.internal", "A", address),
        _plain("reports.corp.internal", "CNAME", "db.corp.internal"),
        _plain("*.apps.corp.internal", "A", address),
    )  # fmt: skip
    client = _instance(ec2, net.private)
    db = _trace(vpcsim, client, "db.corp.internal", 5432)
    assert db["verdict"] == "reachable" and db["resolved"] == [address], db["explanations"]
    assert _last(db)["component"]["id"] == server
    step = _dns(db)
    assert step["rule"] == {
        "HostedZoneId": zone, "Name": "db.corp.internal.", "Type": "A", "TTL": 60,
        "ResourceRecords": [{"Value": address}],
    }  # fmt: skip
    assert f"private hosted zone corp.internal ({zone}) answers db.corp.internal A {address}" in step["detail"]
    cname = _dns(_trace(vpcsim, client, "reports.corp.internal", 5432))
    assert "reports.corp.internal CNAME db.corp.internal" in cname["detail"] and cname["detail"].endswith(address)
    wildcard = _trace(vpcsim, client, "billing.apps.corp.internal", 5432)
    assert wildcard["resolved"] == [address] and "*.apps.corp.internal A" in _dns(wildcard)["detail"]
    # No record of that name in the zone: NXDOMAIN, not a public answer.
    missing = _trace(vpcsim, client, "nothing.corp.internal")
    assert missing["verdict"] == "unresolved" and "NXDOMAIN" in missing["notes"][0] and zone in missing["notes"][0]
    assert _dns(missing)["action"] == "dropped" and _dns(missing)["explanation_code"] == "UNKNOWN_DESTINATION"
    # A VPC not associated with the zone does not see it.
    stranger = _instance(ec2, _net(ec2, "10.9.0.0/16").private)
    assert _trace(vpcsim, stranger, "db.corp.internal")["verdict"] == "unresolved"
    # The zone needs enableDnsHostnames (and enableDnsSupport) on in the asking VPC.
    ec2.modify_vpc_attribute(VpcId=net.vpc, EnableDnsHostnames={"Value": False})
    assert _trace(vpcsim, client, "db.corp.internal", 5432)["verdict"] == "unresolved"


def test_the_most_specific_zone_answers_and_a_zone_overrides_public_names(vpcsim: Any, account: str) -> None:
    ec2 = vpcsim.client("ec2", REGION, account)
    net = _net(ec2)
    parent = _zone(vpcsim, account, "example.com", net.vpc)
    child = _zone(vpcsim, account, "acme.example.com", net.vpc)
    _records(vpcsim, account, parent, _plain("www.acme.example.com", "A", "10.0.1.50"))
    _records(vpcsim, account, child, _plain("www.acme.example.com", "A", "10.0.1.60"))
    client = _instance(ec2, net.private)
    assert _trace(vpcsim, client, "www.acme.example.com")["resolved"] == ["10.0.1.60"]
    # acme.example.com holds the name's domain: its missing record is NXDOMAIN even though the parent has one.
    assert child in _trace(vpcsim, client, "api.acme.example.com")["notes"][0]
    # An SQS interface endpoint with private DNS: its own zone (sqs.eu-west-2.amazonaws.com) is more specific than a
    # user's zone for eu-west-2.amazonaws.com, which answers (NXDOMAIN) every other AWS name of the Region instead
    # of public DNS.
    group = ec2.create_security_group(GroupName="endpoint", Description="https", VpcId=net.vpc)["GroupId"]
    ec2.authorize_security_group_ingress(
        GroupId=group, IpProtocol="tcp", FromPort=443, ToPort=443, CidrIp="10.0.0.0/16"
    )
    endpoint = ec2.create_vpc_endpoint(
        VpcId=net.vpc, VpcEndpointType="Interface", ServiceName=f"com.amazonaws.{REGION}.sqs",
        SubnetIds=[net.private], SecurityGroupIds=[group], PrivateDnsEnabled=True,
    )["VpcEndpoint"]["VpcEndpointId"]  # fmt: skip
    regional = _zone(vpcsim, account, f"{REGION}.amazonaws.com", net.vpc)
    sqs = _trace(vpcsim, client, f"sqs.{REGION}.amazonaws.com")
    assert sqs["verdict"] == "reachable" and sqs["endpoint"] == endpoint
    sns = _trace(vpcsim, client, f"sns.{REGION}.amazonaws.com")
    assert sns["verdict"] == "unresolved" and regional in sns["notes"][0]


def test_an_alias_to_a_load_balancer_answers_its_nodes(vpcsim: Any, account: str) -> None:
    ec2 = vpcsim.client("ec2", REGION, account)
    net = _net(ec2)
    elbv2 = vpcsim.client("elbv2", REGION, account)
    lb = elbv2.create_load_balancer(Name="orders", Type="network", Scheme="internal", Subnets=[net.private])
    balancer = lb["LoadBalancers"][0]
    node = ec2.describe_network_interfaces(Filters=[{"Name": "description", "Values": ["ELB net/orders/*"]}])[
        "NetworkInterfaces"
    ]
    zone = _zone(vpcsim, account, "corp.internal", net.vpc)
    alias = {
        "HostedZoneId": balancer["CanonicalHostedZoneId"],
        "DNSName": f"dualstack.{balancer['DNSName']}",
        "EvaluateTargetHealth": False,
    }
    _records(vpcsim, account, zone, {"Name": "orders.corp.internal", "Type": "A", "AliasTarget": alias})
    trace = _trace(vpcsim, _instance(ec2, net.private), "orders.corp.internal")
    step = _dns(trace)
    assert "alias to dualstack." in step["detail"] and "load balancer orders's DNS name" in step["detail"]
    assert trace["resolved"] == [n["PrivateIpAddress"] for n in node] and step["rule"]["HostedZoneId"] == zone


def test_a_forward_rule_beats_a_zone_of_its_domain_and_a_system_rule_keeps_names_home(
    vpcsim: Any, account: str
) -> None:
    """Of a Resolver rule and a private zone for the same domain, the rule takes precedence; a SYSTEM rule for a
    subdomain has the Resolver answer it itself (from the zone) despite a FORWARD rule for the parent."""
    ec2 = vpcsim.client("ec2", REGION, account)
    net = _net(ec2)
    _, name_server = _server(ec2, net, 53, "udp")  # "your network" may be the VPC itself [R53DG]
    zone = _zone(vpcsim, account, "corp.example", net.vpc)
    _records(vpcsim, account, zone, _plain("db.aws.corp.example", "A", "10.0.1.70"))
    resolver = vpcsim.client("route53resolver", REGION, account)
    group = ec2.create_security_group(GroupName="dns-out", Description="dns", VpcId=net.vpc)["GroupId"]
    outbound = resolver.create_resolver_endpoint(
        CreatorRequestId=str(random.random()), SecurityGroupIds=[group], Direction="OUTBOUND",
        IpAddresses=[{"SubnetId": net.private}, {"SubnetId": net.public}],
    )["ResolverEndpoint"]["Id"]  # fmt: skip
    forward = resolver.create_resolver_rule(
        CreatorRequestId=str(random.random()), RuleType="FORWARD", DomainName="corp.example",
        TargetIps=[{"Ip": name_server}], ResolverEndpointId=outbound,
        Tags=[{"Key": "vpcsim:records", "Value": "db.aws.corp.example=10.0.1.20"}],
    )["ResolverRule"]["Id"]  # fmt: skip
    resolver.associate_resolver_rule(ResolverRuleId=forward, VPCId=net.vpc)
    client = _instance(ec2, net.private)
    forwarded = _trace(vpcsim, client, "db.aws.corp.example")
    step = _dns(forwarded)
    assert forwarded["resolved"] == ["10.0.1.20"] and step["rule"]["Id"] == forward, forwarded["notes"]
    assert f"Resolver rule {forward} (FORWARD corp.example) forwards the query to {name_server}:53" in step["detail"]
    system = resolver.create_resolver_rule(
        CreatorRequestId=str(random.random()), RuleType="SYSTEM", DomainName="aws.corp.example"
    )["ResolverRule"]["Id"]
    resolver.associate_resolver_rule(ResolverRuleId=system, VPCId=net.vpc)
    kept = _trace(vpcsim, client, "db.aws.corp.example")
    assert kept["resolved"] == ["10.0.1.70"], kept
    assert f"Resolver rule {system} (SYSTEM aws.corp.example)" in _dns(kept)["detail"]
