"""An estate built with boto3 on a live server, dumped with the describe calls a user would run (one file per call,
as ``aws ec2 describe-* > file.json`` writes them), imported into an EMPTY state file, and served again: every
describe answers as it did, and every trace finds the same path. This is "works exactly as on a built one" checked
over the kinds the real dumps do not hold (NAT gateways, peering, interface endpoints with private DNS, customer
prefix lists, PrivateLink services, flow logs, buckets and hosted zones)."""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.api.test_dataplane import _instance, _net
from tests.api.test_trace_faces import _post
from vpcsim.importer import import_paths
from vpcsim.store import SqliteBackend, Store
from vpcsim.testing import Server, persistent_server

REGION = "eu-west-2"
POLICY = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::%s/*"}],
}


def _write(folder: Path, name: str, answer: dict[str, Any]) -> None:
    body = {k: v for k, v in answer.items() if k != "ResponseMetadata"}
    (folder / name).write_text(json.dumps(body, default=str, indent=1))


def build_estate(server: Server, account: str) -> dict[str, str]:
    """Two VPCs peered, a NAT gateway, S3 gateway and SQS interface endpoints, a PrivateLink service, a customer
    prefix list in a rule, a flow log to a bucket with a policy, a private hosted zone."""
    ec2 = server.client("ec2", REGION, account)
    app, data = _net(ec2, "10.60.0.0/16"), _net(ec2, "10.61.0.0/16")
    for vpc in (app.vpc, data.vpc):
        ec2.modify_vpc_attribute(VpcId=vpc, EnableDnsSupport={"Value": True})
    eip = ec2.allocate_address(Domain="vpc")["AllocationId"]
    nat = ec2.create_nat_gateway(SubnetId=app.public, AllocationId=eip)["NatGateway"]["NatGatewayId"]
    ec2.create_route(RouteTableId=app.private_table, DestinationCidrBlock="0.0.0.0/0", NatGatewayId=nat)
    pcx = ec2.create_vpc_peering_connection(VpcId=app.vpc, PeerVpcId=data.vpc)["VpcPeeringConnection"]
    ec2.accept_vpc_peering_connection(VpcPeeringConnectionId=pcx["VpcPeeringConnectionId"])
    for table, cidr in ((app.private_table, "10.61.0.0/16"), (data.private_table, "10.60.0.0/16")):
        ec2.create_route(
            RouteTableId=table, DestinationCidrBlock=cidr, VpcPeeringConnectionId=pcx["VpcPeeringConnectionId"]
        )
    ec2.create_vpc_endpoint(VpcId=app.vpc, ServiceName=f"com.amazonaws.{REGION}.s3", RouteTableIds=[app.private_table])
    https = ec2.create_security_group(GroupName="endpoint", Description="443 from the VPC", VpcId=app.vpc)["GroupId"]
    ec2.authorize_security_group_ingress(
        GroupId=https, IpProtocol="tcp", FromPort=443, ToPort=443, CidrIp="10.60.0.0/16"
    )
    ec2.create_vpc_endpoint(
        VpcId=app.vpc,
        VpcEndpointType="Interface",
        ServiceName=f"com.amazonaws.{REGION}.sqs",
        SubnetIds=[app.private],
        SecurityGroupIds=[https],
    )
    offices = ec2.create_managed_prefix_list(
        PrefixListName="offices", AddressFamily="IPv4", MaxEntries=5, Entries=[{"Cidr": "10.61.1.0/24"}]
    )["PrefixList"]["PrefixListId"]
    web = ec2.create_security_group(GroupName="web", Description="web", VpcId=app.vpc)["GroupId"]
    ec2.authorize_security_group_ingress(
        GroupId=web,
        IpPermissions=[
            {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "PrefixListIds": [{"PrefixListId": offices}]}
        ],
    )
    ec2.create_key_pair(KeyName="ops")
    worker = _instance(ec2, app.private, SecurityGroupIds=[web], KeyName="ops")
    db = _instance(ec2, data.private)
    ec2.create_image(InstanceId=db, Name="db-golden")
    bucket = f"flow-{account}"
    s3 = server.client("s3", REGION, account)
    s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": REGION})
    s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps(POLICY).replace("%s", bucket))
    ec2.create_flow_logs(
        ResourceIds=[app.vpc],
        ResourceType="VPC",
        TrafficType="ALL",
        LogDestinationType="s3",
        LogDestination=f"arn:aws:s3:::{bucket}",
    )
    elbv2 = server.client("elbv2", REGION, account)
    nlb = elbv2.create_load_balancer(Name="api", Type="network", Scheme="internal", Subnets=[data.private])[
        "LoadBalancers"
    ][0]
    group = elbv2.create_target_group(Name="api", Protocol="TCP", Port=443, VpcId=data.vpc)["TargetGroups"][0]
    elbv2.register_targets(TargetGroupArn=group["TargetGroupArn"], Targets=[{"Id": db}])
    elbv2.create_listener(
        LoadBalancerArn=nlb["LoadBalancerArn"],
        Protocol="TCP",
        Port=443,
        DefaultActions=[{"Type": "forward", "TargetGroupArn": group["TargetGroupArn"]}],
    )
    elbv2.describe_target_health(TargetGroupArn=group["TargetGroupArn"])
    service = ec2.create_vpc_endpoint_service_configuration(NetworkLoadBalancerArns=[nlb["LoadBalancerArn"]])
    route53 = server.client("route53", REGION, account)
    route53.create_hosted_zone(
        Name="corp.internal",
        CallerReference=account,
        HostedZoneConfig={"PrivateZone": True},
        VPC={"VPCRegion": REGION, "VPCId": app.vpc},
    )
    # db answers DNS for corp.example: the outbound endpoint in the app VPC forwards to it over the peering.
    db_ip = ec2.describe_instances(InstanceIds=[db])["Reservations"][0]["Instances"][0]["PrivateIpAddress"]
    data_default = ec2.describe_security_groups(
        Filters=[{"Name": "vpc-id", "Values": [data.vpc]}, {"Name": "group-name", "Values": ["default"]}]
    )["SecurityGroups"][0]["GroupId"]
    ec2.authorize_security_group_ingress(
        GroupId=data_default, IpProtocol="udp", FromPort=53, ToPort=53, CidrIp="10.60.0.0/16"
    )
    resolver = server.client("route53resolver", REGION, account)
    outbound = resolver.create_resolver_endpoint(
        CreatorRequestId=account,
        Name="to-data",
        SecurityGroupIds=[https],
        Direction="OUTBOUND",
        IpAddresses=[{"SubnetId": app.private}, {"SubnetId": app.private}],
    )["ResolverEndpoint"]["Id"]
    rule = resolver.create_resolver_rule(
        CreatorRequestId=account,
        RuleType="FORWARD",
        DomainName="corp.example",
        TargetIps=[{"Ip": db_ip, "Port": 53}],
        ResolverEndpointId=outbound,
        Tags=[{"Key": "vpcsim:records", "Value": "app.corp.example=10.61.1.80"}],
    )["ResolverRule"]["Id"]
    resolver.associate_resolver_rule(ResolverRuleId=rule, VPCId=app.vpc)
    ec2.describe_nat_gateways()
    ec2.describe_nat_gateways()  # the NAT gateway settles (pending, then available)
    ec2.describe_vpc_endpoints()
    ec2.describe_vpc_endpoints()
    address = ec2.describe_instances(InstanceIds=[worker])["Reservations"][0]["Instances"][0]["PrivateIpAddress"]
    return {
        "worker_ip": address,
        "worker": worker,
        "db": db,
        "app": app.vpc,
        "data": data.vpc,
        "nlb": nlb["LoadBalancerArn"],
        "service": service["ServiceConfiguration"]["ServiceId"],
    }


def dump(server: Server, account: str, folder: Path) -> None:
    """What a user runs against AWS, one call per file (files named freely, except for the outputs that do not say
    what they list)."""
    ec2 = server.client("ec2", REGION, account)
    for call in (
        "describe_vpcs",
        "describe_subnets",
        "describe_route_tables",
        "describe_network_acls",
        "describe_security_groups",
        "describe_security_group_rules",
        "describe_network_interfaces",
        "describe_instances",
        "describe_internet_gateways",
        "describe_nat_gateways",
        "describe_addresses",
        "describe_vpc_endpoints",
        "describe_vpc_endpoint_service_configurations",
        "describe_vpc_peering_connections",
        "describe_flow_logs",
        "describe_availability_zones",
        "describe_volumes",
    ):
        _write(folder, f"{call}.json", getattr(ec2, call)())
    _write(folder, "images.json", ec2.describe_images(Owners=["self"]))
    _write(folder, "keys.json", ec2.describe_key_pairs(IncludePublicKey=True))
    lists = ec2.describe_managed_prefix_lists(Filters=[{"Name": "owner-id", "Values": [account]}])
    _write(folder, "describe_managed_prefix_lists.json", lists)
    for plist in lists["PrefixLists"]:
        _write(
            folder,
            f"{plist['PrefixListId']}.entries.json",
            ec2.get_managed_prefix_list_entries(PrefixListId=plist["PrefixListId"]),
        )
    for vpc in ec2.describe_vpcs()["Vpcs"]:
        for attribute in ("enableDnsSupport", "enableDnsHostnames"):
            _write(
                folder,
                f"{vpc['VpcId']}.{attribute}.json",
                ec2.describe_vpc_attribute(VpcId=vpc["VpcId"], Attribute=attribute),
            )
    elbv2 = server.client("elbv2", REGION, account)
    _write(folder, "load-balancers.json", elbv2.describe_load_balancers())
    _write(folder, "target-groups.json", elbv2.describe_target_groups())
    for lb in elbv2.describe_load_balancers()["LoadBalancers"]:
        _write(
            folder,
            f"listeners-{lb['LoadBalancerName']}.json",
            elbv2.describe_listeners(LoadBalancerArn=lb["LoadBalancerArn"]),
        )
        _write(
            folder,
            f"attributes-{lb['LoadBalancerName']}.json",
            elbv2.describe_load_balancer_attributes(LoadBalancerArn=lb["LoadBalancerArn"]),
        )
    for group in elbv2.describe_target_groups()["TargetGroups"]:
        _write(
            folder,
            f"health-{group['TargetGroupName']}.json",
            elbv2.describe_target_health(TargetGroupArn=group["TargetGroupArn"]),
        )
    s3 = server.client("s3", REGION, account)
    _write(folder, "buckets.json", s3.list_buckets())
    for bucket in s3.list_buckets()["Buckets"]:
        _write(folder, f"{bucket['Name']}.policy.json", s3.get_bucket_policy(Bucket=bucket["Name"]))
    route53 = server.client("route53", REGION, account)
    for zone in route53.list_hosted_zones()["HostedZones"]:
        zid = zone["Id"].split("/")[-1]
        _write(folder, f"zone-{zid}.json", route53.get_hosted_zone(Id=zid))
        _write(folder, f"records-{zid}.json", route53.list_resource_record_sets(HostedZoneId=zid))
    resolver = server.client("route53resolver", REGION, account)
    _write(folder, "resolver-endpoints.json", resolver.list_resolver_endpoints())
    for endpoint in resolver.list_resolver_endpoints()["ResolverEndpoints"]:
        addresses = resolver.list_resolver_endpoint_ip_addresses(ResolverEndpointId=endpoint["Id"])
        _write(folder, f"{endpoint['Id']}.addresses.json", addresses)
    _write(folder, "resolver-rules.json", resolver.list_resolver_rules())
    for rule in resolver.list_resolver_rules()["ResolverRules"]:
        if rule["Id"].startswith("rslvr-rr-"):
            _write(folder, f"{rule['Id']}.tags.json", resolver.list_tags_for_resource(ResourceArn=rule["Arn"]))
    _write(folder, "resolver-rule-associations.json", resolver.list_resolver_rule_associations())


@pytest.fixture(scope="module")
def roundtrip(
    vpcsim: Server, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, dict[str, str], Server, dict[str, Any]]]:
    account = str(random.randrange(10**11, 10**12))
    made = build_estate(vpcsim, account)
    folder = tmp_path_factory.mktemp("dump") / REGION
    folder.mkdir()
    dump(vpcsim, account, folder)
    state = tmp_path_factory.mktemp("imported") / "state.db"
    store = Store(SqliteBackend(state))
    try:
        summary = import_paths(store, [folder]).to_json()
    finally:
        store.close()
    server = persistent_server(state).start(timeout=60)
    try:
        yield account, made, server, summary
    finally:
        server.stop()


def test_the_dump_imports_with_nothing_dangling(roundtrip: Any) -> None:
    _, _, _, summary = roundtrip
    assert summary["dangling"] == [] and summary["not_imported"] == []
    assert summary["unmodelled"] == {}
    for kind in (
        "natgateway",
        "vpc-peering-connection",
        "vpc-endpoint",
        "vpc-endpoint-service",
        "prefix-list",
        "vpc-flow-log",
        "s3-bucket",
        "hosted-zone",
        "load-balancer",
        "listener",
        "target-group",
        "volume",
        "image",
        "key-pair",
        "resolver-endpoint",
        "resolver-rule",
        "resolver-rule-association",
    ):
        assert summary["kinds"][kind]["imported"] >= 1, kind
    assert not any("block device mappings" in a for a in summary["assumptions"])  # describe-volumes states them


EC2_DESCRIBES = (
    "describe_vpcs",
    "describe_subnets",
    "describe_route_tables",
    "describe_network_acls",
    "describe_security_groups",
    "describe_security_group_rules",
    "describe_network_interfaces",
    "describe_instances",
    "describe_internet_gateways",
    "describe_nat_gateways",
    "describe_addresses",
    "describe_vpc_endpoints",
    "describe_vpc_endpoint_service_configurations",
    "describe_vpc_peering_connections",
    "describe_managed_prefix_lists",
    "describe_flow_logs",
    "describe_volumes",
)


def _sorted(value: Any) -> Any:
    """A describe answer with every list in a stable order (the import writes in its own order)."""
    if isinstance(value, dict):
        return {k: _sorted(v) for k, v in value.items() if k != "ResponseMetadata"}
    if isinstance(value, list):
        return sorted((_sorted(v) for v in value), key=lambda v: json.dumps(v, sort_keys=True, default=str))
    return value


@pytest.mark.parametrize("call", EC2_DESCRIBES)
def test_every_describe_answers_as_on_the_built_estate(roundtrip: Any, vpcsim: Server, call: str) -> None:
    account, _, imported, _ = roundtrip
    built = getattr(vpcsim.client("ec2", REGION, account), call)()
    again = getattr(imported.client("ec2", REGION, account), call)()
    assert _sorted(again) == _sorted(built)


def test_the_accounts_images_and_key_pairs_answer_as_on_the_built_estate(roundtrip: Any, vpcsim: Server) -> None:
    account = roundtrip[0]
    answers = []
    for server in (vpcsim, roundtrip[2]):
        ec2 = server.client("ec2", REGION, account)
        answers.append([ec2.describe_images(Owners=["self"]), ec2.describe_key_pairs(IncludePublicKey=True)])
    assert _sorted(answers[1]) == _sorted(answers[0])
    assert [i["Name"] for i in answers[0][0]["Images"]] == ["db-golden"]
    assert [k["KeyName"] for k in answers[0][1]["KeyPairs"]] == ["ops"] and answers[0][1]["KeyPairs"][0]["PublicKey"]


def test_the_resolver_answers_as_on_the_built_estate(roundtrip: Any, vpcsim: Server) -> None:
    account = roundtrip[0]
    answers = []
    for server in (vpcsim, roundtrip[2]):
        resolver = server.client("route53resolver", REGION, account)
        endpoints = resolver.list_resolver_endpoints()
        rules = resolver.list_resolver_rules()
        answers.append(
            [
                endpoints,
                [
                    resolver.list_resolver_endpoint_ip_addresses(ResolverEndpointId=e["Id"])
                    for e in endpoints["ResolverEndpoints"]
                ],
                rules,
                [
                    resolver.list_tags_for_resource(ResourceArn=r["Arn"])
                    for r in rules["ResolverRules"]
                    if r["Id"].startswith("rslvr-rr-")
                ],
                resolver.list_resolver_rule_associations(),
            ]
        )
    assert _sorted(answers[1]) == _sorted(answers[0])
    assert len(answers[0][1][0]["IpAddresses"]) == 2


def test_elbv2_s3_and_route53_answer_as_on_the_built_estate(roundtrip: Any, vpcsim: Server) -> None:
    account, made, imported, _ = roundtrip
    answers = []
    for server in (vpcsim, imported):
        elbv2 = server.client("elbv2", REGION, account)
        group = elbv2.describe_target_groups()["TargetGroups"][0]["TargetGroupArn"]
        route53 = server.client("route53", REGION, account)
        zone = route53.list_hosted_zones()["HostedZones"][0]["Id"]
        answers.append(
            [
                elbv2.describe_load_balancers(),
                elbv2.describe_listeners(LoadBalancerArn=made["nlb"]),
                elbv2.describe_target_health(TargetGroupArn=group),
                elbv2.describe_load_balancer_attributes(LoadBalancerArn=made["nlb"]),
                server.client("s3", REGION, account).get_bucket_policy(Bucket=f"flow-{account}")["Policy"],
                route53.get_hosted_zone(Id=zone),
                route53.list_resource_record_sets(HostedZoneId=zone),
            ]
        )
    assert _sorted(answers[1]) == _sorted(answers[0])


def _trace(server: Server, source: str, destination: str, port: int) -> tuple[Any, ...]:
    trace = _post(server, "/_vpcsim/api/trace", {"source": source, "destination": destination, "port": port})[1]
    return (
        trace["verdict"],
        [h["component"]["id"] for h in trace["hops"]],
        [e["code"] for e in trace["explanations"]],
        trace["endpoint"],
        trace["resolved"],
    )


def test_every_trace_finds_the_same_path(roundtrip: Any, vpcsim: Server) -> None:
    _, made, imported, _ = roundtrip
    paths = [
        (made["worker"], f"s3.{REGION}.amazonaws.com", 443),  # gateway endpoint
        (made["worker"], f"sqs.{REGION}.amazonaws.com", 443),  # interface endpoint, private DNS
        (made["worker"], "8.8.8.8", 443),  # NAT gateway
        (made["worker"], f"dynamodb.{REGION}.amazonaws.com", 443),  # NAT gateway to a service without endpoint
        (made["worker"], "10.61.1.4", 22),  # over the peering to a host of the data VPC
        (made["db"], made["worker_ip"], 443),  # the prefix list rule lets the data subnet in
        (made["db"], made["worker_ip"], 80),
        (made["db"], "8.8.8.8", 443),
        (made["worker"], "app.corp.example", 443),  # the forward rule over the outbound endpoint, its declared answer
    ]
    for source, destination, port in paths:
        assert _trace(imported, source, destination, port) == _trace(vpcsim, source, destination, port), destination
    assert _trace(imported, made["db"], made["worker_ip"], 443)[0] == "reachable"
    assert _trace(imported, made["db"], made["worker_ip"], 80)[0] == "blocked"
    assert _trace(imported, made["worker"], f"sqs.{REGION}.amazonaws.com", 443)[3] is not None
    assert _trace(imported, made["worker"], "app.corp.example", 443)[4] == ["10.61.1.80"]


def test_the_imported_state_imports_again_without_change(roundtrip: Any, tmp_path: Path, vpcsim: Server) -> None:
    account = roundtrip[0]
    folder = tmp_path / REGION
    folder.mkdir()
    dump(vpcsim, account, folder)
    store = Store(SqliteBackend(tmp_path / "twice.db"))
    try:
        first = import_paths(store, [folder])
        second = import_paths(store, [folder])
    finally:
        store.close()
    assert first.changed and not second.changed
    assert {k: c["imported"] for k, c in first.to_json()["kinds"].items()} == {
        k: c["unchanged"] for k, c in second.to_json()["kinds"].items()
    }
