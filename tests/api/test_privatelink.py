"""PrivateLink end to end: a provider publishes NLB- and GWLB-backed services; consumers discover, connect, get
accepted or rejected; permissions by account and by IAM role; private DNS verification; notifications; DNS names."""

from __future__ import annotations

import json
import random
import re
import urllib.request
from dataclasses import dataclass
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.conftest import error_code
from vpcsim.testing import Server


def _fails(code: str, call: Any, **kwargs: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        call(**kwargs)
    assert error_code(excinfo) == code, excinfo.value


def _accounts() -> list[str]:
    return [str(random.randrange(10**11, 10**12)) for _ in range(4)]


@dataclass
class World:
    server: Server
    provider: str
    consumer: str
    third: str
    stranger: str
    role_key: str

    def ec2(self, who: str, region: str = "us-east-1") -> Any:
        if who == "role":
            return self.server.client("ec2", region, access_key=self.role_key)
        return self.server.client("ec2", region, getattr(self, who))

    @property
    def role_arn(self) -> str:
        return f"arn:aws:iam::{self.third}:role/consumer-app"


@pytest.fixture
def world(vpcsim: Server) -> World:
    provider, consumer, third, stranger = _accounts()
    role_key = "AKIAROLE" + "".join(random.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") for _ in range(12))
    w = World(vpcsim, provider, consumer, third, stranger, role_key)
    vpcsim.map_principal(role_key, w.role_arn)
    return w


# Provider and consumers meet in the same physical zones: AZ names are each account's own in us-east-1, ids are not.
ZONE_IDS = ("use1-az1", "use1-az2")


def _names(ec2: Any) -> list[str]:
    """The account's names for ``ZONE_IDS``, in that order."""
    named = {
        z["ZoneId"]: z["ZoneName"] for z in ec2.describe_availability_zones(ZoneIds=list(ZONE_IDS))["AvailabilityZones"]
    }
    return [named[i] for i in ZONE_IDS]


def _network(ec2: Any, cidr: str = "10.0.0.0/16", dns: bool = True) -> tuple[str, list[str]]:
    vpc = ec2.create_vpc(CidrBlock=cidr)["Vpc"]["VpcId"]
    if dns:
        ec2.modify_vpc_attribute(VpcId=vpc, EnableDnsHostnames={"Value": True})
    base = cidr.split(".")
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"{base[0]}.{base[1]}.{i}.0/24", AvailabilityZoneId=z)["Subnet"][
            "SubnetId"
        ]
        for i, z in zip((1, 2), ZONE_IDS, strict=True)
    ]
    return vpc, subnets


def _service(w: World, kind: str = "network", acceptance: bool = True) -> dict[str, Any]:
    ec2 = w.ec2("provider")
    _, subnets = _network(ec2, "10.10.0.0/16")
    elbv2 = w.server.client("elbv2", "us-east-1", w.provider)
    if kind == "network":
        lb = elbv2.create_load_balancer(Name="provider-nlb", Type="network", Scheme="internal", Subnets=subnets)
    else:
        lb = elbv2.create_load_balancer(Name="provider-gwlb", Type="gateway", Subnets=subnets)
    arn = lb["LoadBalancers"][0]["LoadBalancerArn"]
    member = "NetworkLoadBalancerArns" if kind == "network" else "GatewayLoadBalancerArns"
    config = ec2.create_vpc_endpoint_service_configuration(AcceptanceRequired=acceptance, **{member: [arn]})
    return dict(config["ServiceConfiguration"])


def test_service_configuration_as_aws_forms_it(world: World) -> None:
    service = _service(world)
    sid = service["ServiceId"]
    assert re.fullmatch(r"vpce-svc-[0-9a-f]{17}", sid)
    assert service["ServiceName"] == f"com.amazonaws.vpce.us-east-1.{sid}"
    assert service["ServiceType"] == [{"ServiceType": "Interface"}] and service["ServiceState"] == "Available"
    assert service["AvailabilityZones"] == sorted(_names(world.ec2("provider")))
    assert service["AvailabilityZoneIds"] == list(ZONE_IDS) and service["AcceptanceRequired"] is True
    assert service["BaseEndpointDnsNames"] == [f"{sid}.us-east-1.vpce.amazonaws.com"]
    listed = world.ec2("provider").describe_vpc_endpoint_service_configurations(ServiceIds=[sid])
    assert listed["ServiceConfigurations"][0]["NetworkLoadBalancerArns"] == service["NetworkLoadBalancerArns"]


def test_configuration_refusals(world: World) -> None:
    ec2 = world.ec2("provider")
    _fails("InvalidParameter", ec2.create_vpc_endpoint_service_configuration, AcceptanceRequired=False)
    bad = "arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/net/nope/0123456789abcdef"
    _fails(
        "InvalidNetworkLoadBalancerArn.NotFound",
        ec2.create_vpc_endpoint_service_configuration,
        NetworkLoadBalancerArns=[bad],
    )
    _fails(
        "InvalidNetworkLoadBalancerArn.Malformed",
        ec2.create_vpc_endpoint_service_configuration,
        NetworkLoadBalancerArns=["arn:nope"],
    )
    service = _service(world)
    _fails(
        "InvalidParameter",
        ec2.create_vpc_endpoint_service_configuration,
        NetworkLoadBalancerArns=service["NetworkLoadBalancerArns"],
    )
    assert len(ec2.describe_vpc_endpoint_service_configurations()["ServiceConfigurations"]) == 1


def test_discovery_permissions_acceptance_and_rejection(world: World) -> None:
    service = _service(world)
    sid, name = service["ServiceId"], service["ServiceName"]
    provider, consumer, role, stranger = (world.ec2(w) for w in ("provider", "consumer", "role", "stranger"))
    # By default nobody may connect.
    _fails("InvalidServiceName", consumer.describe_vpc_endpoint_services, ServiceNames=[name])
    vpc, subnets = _network(consumer)
    _fails(
        "InvalidServiceName",
        consumer.create_vpc_endpoint,
        VpcId=vpc,
        ServiceName=name,
        VpcEndpointType="Interface",
        SubnetIds=subnets,
    )
    added = provider.modify_vpc_endpoint_service_permissions(
        ServiceId=sid, AddAllowedPrincipals=[f"arn:aws:iam::{world.consumer}:root", world.role_arn]
    )
    assert sorted(p["PrincipalType"] for p in added["AddedPrincipals"]) == ["Account", "Role"]
    allowed = provider.describe_vpc_endpoint_service_permissions(ServiceId=sid)["AllowedPrincipals"]
    assert {p["Principal"] for p in allowed} == {f"arn:aws:iam::{world.consumer}:root", world.role_arn}
    _fails(
        "InvalidPrincipal",
        provider.modify_vpc_endpoint_service_permissions,
        ServiceId=sid,
        AddAllowedPrincipals=["arn:aws:iam::123456789012:role/path/nested"],
    )

    (detail,) = consumer.describe_vpc_endpoint_services(ServiceNames=[name])["ServiceDetails"]
    assert detail["Owner"] == world.provider and detail["AcceptanceRequired"] is True
    # The consumer sees the service's zones under its own names, the same ids as the provider.
    assert detail["AvailabilityZones"] == sorted(_names(consumer)) and detail["AvailabilityZoneIds"] == list(ZONE_IDS)
    assert detail["VpcEndpointPolicySupported"] is False
    endpoint = consumer.create_vpc_endpoint(
        VpcId=vpc, ServiceName=name, VpcEndpointType="Interface", SubnetIds=subnets
    )["VpcEndpoint"]
    assert endpoint["State"] == "pendingAcceptance" and endpoint["PrivateDnsEnabled"] is False
    eid = endpoint["VpcEndpointId"]
    suffix = endpoint["DnsEntries"][0]["DnsName"].split(".")[0]
    assert re.fullmatch(rf"{eid}-[a-z0-9]{{8}}", suffix)
    assert [d["DnsName"] for d in endpoint["DnsEntries"]] == [
        f"{suffix}.{sid}.us-east-1.vpce.amazonaws.com",
        *(f"{suffix}-{zone}.{sid}.us-east-1.vpce.amazonaws.com" for zone in sorted(_names(consumer), reverse=True)),
    ]

    role_vpc, role_subnets = _network(role)
    role_endpoint = role.create_vpc_endpoint(
        VpcId=role_vpc, ServiceName=name, VpcEndpointType="Interface", SubnetIds=role_subnets[:1]
    )["VpcEndpoint"]["VpcEndpointId"]
    stranger_vpc, stranger_subnets = _network(stranger)
    _fails(
        "InvalidServiceName",
        stranger.create_vpc_endpoint,
        VpcId=stranger_vpc,
        ServiceName=name,
        VpcEndpointType="Interface",
        SubnetIds=stranger_subnets,
    )

    connections = provider.describe_vpc_endpoint_connections(
        Filters=[{"Name": "vpc-endpoint-state", "Values": ["pendingAcceptance"]}]
    )["VpcEndpointConnections"]
    assert {(c["VpcEndpointId"], c["VpcEndpointOwner"]) for c in connections} == {
        (eid, world.consumer),
        (role_endpoint, world.third),
    }
    deleted = provider.delete_vpc_endpoint_service_configurations(ServiceIds=[sid])
    assert deleted["Unsuccessful"][0]["Error"]["Code"] == "ExistingVpcEndpointConnections"

    assert provider.accept_vpc_endpoint_connections(ServiceId=sid, VpcEndpointIds=[eid])["Unsuccessful"] == []
    assert consumer.describe_vpc_endpoints(VpcEndpointIds=[eid])["VpcEndpoints"][0]["State"] == "available"
    again = provider.accept_vpc_endpoint_connections(ServiceId=sid, VpcEndpointIds=[eid, "vpce-0123456789abcdef0"])
    assert sorted(u["Error"]["Code"] for u in again["Unsuccessful"]) == [
        "InvalidState",
        "InvalidVpcEndpointId.NotFound",
    ]
    provider.reject_vpc_endpoint_connections(ServiceId=sid, VpcEndpointIds=[role_endpoint])
    assert role.describe_vpc_endpoints(VpcEndpointIds=[role_endpoint])["VpcEndpoints"][0]["State"] == "rejected"
    provider.reject_vpc_endpoint_connections(ServiceId=sid, VpcEndpointIds=[eid])  # rejection after acceptance
    assert consumer.describe_vpc_endpoints(VpcEndpointIds=[eid])["VpcEndpoints"][0]["State"] == "rejected"
    assert provider.delete_vpc_endpoint_service_configurations(ServiceIds=[sid])["Unsuccessful"] == []
    assert provider.describe_vpc_endpoint_service_configurations()["ServiceConfigurations"] == []


def test_auto_accept_service_goes_pending_then_available(world: World) -> None:
    service = _service(world, acceptance=False)
    world.ec2("provider").modify_vpc_endpoint_service_permissions(
        ServiceId=service["ServiceId"], AddAllowedPrincipals=["*"]
    )
    stranger = world.ec2("stranger")
    vpc, subnets = _network(stranger)
    endpoint = stranger.create_vpc_endpoint(
        VpcId=vpc, ServiceName=service["ServiceName"], VpcEndpointType="Interface", SubnetIds=subnets
    )["VpcEndpoint"]
    assert endpoint["State"] == "pending"
    shown = stranger.describe_vpc_endpoints(VpcEndpointIds=[endpoint["VpcEndpointId"]])["VpcEndpoints"][0]
    assert shown["State"] == "available"


def test_private_dns_verification(world: World) -> None:
    service = _service(world, acceptance=False)
    provider, consumer = world.ec2("provider"), world.ec2("consumer")
    sid = service["ServiceId"]
    provider.modify_vpc_endpoint_service_permissions(
        ServiceId=sid, AddAllowedPrincipals=[f"arn:aws:iam::{world.consumer}:root"]
    )
    provider.modify_vpc_endpoint_service_configuration(ServiceId=sid, PrivateDnsName="api.example.com")
    config = provider.describe_vpc_endpoint_service_configurations(ServiceIds=[sid])["ServiceConfigurations"][0]
    challenge = config["PrivateDnsNameConfiguration"]
    assert challenge["State"] == "pendingVerification" and challenge["Type"] == "TXT"
    assert re.fullmatch(r"vpce:[A-Za-z0-9]{20}", challenge["Value"]) and re.fullmatch(
        r"_[a-z0-9]{20}", challenge["Name"]
    )
    vpc, subnets = _network(consumer)
    _fails(
        "InvalidParameter",
        consumer.create_vpc_endpoint,
        VpcId=vpc,
        ServiceName=service["ServiceName"],
        VpcEndpointType="Interface",
        SubnetIds=subnets,
        PrivateDnsEnabled=True,
    )
    provider.start_vpc_endpoint_service_private_dns_verification(ServiceId=sid)
    assert _challenge_state(provider, sid) == "failed"
    world.server.admin(
        "/_vpcsim/dns/txt", {"name": f"{challenge['Name']}.api.example.com", "value": challenge["Value"]}
    )
    provider.start_vpc_endpoint_service_private_dns_verification(ServiceId=sid)
    assert _challenge_state(provider, sid) == "verified"
    detail = consumer.describe_vpc_endpoint_services(ServiceNames=[service["ServiceName"]])["ServiceDetails"][0]
    assert detail["PrivateDnsName"] == "api.example.com" and detail["PrivateDnsNameVerificationState"] == "verified"
    endpoint = consumer.create_vpc_endpoint(
        VpcId=vpc,
        ServiceName=service["ServiceName"],
        VpcEndpointType="Interface",
        SubnetIds=subnets,
        PrivateDnsEnabled=True,
    )["VpcEndpoint"]
    assert endpoint["DnsEntries"][-1]["DnsName"] == "api.example.com"


def _challenge_state(ec2: Any, sid: str) -> str:
    config = ec2.describe_vpc_endpoint_service_configurations(ServiceIds=[sid])["ServiceConfigurations"][0]
    return str(config["PrivateDnsNameConfiguration"]["State"])


def test_connection_notifications_record_events(world: World) -> None:
    service = _service(world)
    provider, consumer = world.ec2("provider"), world.ec2("consumer")
    sid = service["ServiceId"]
    topic = f"arn:aws:sns:us-east-1:{world.provider}:endpoint-events"
    note = provider.create_vpc_endpoint_connection_notification(
        ServiceId=sid, ConnectionNotificationArn=topic, ConnectionEvents=["Connect", "Accept", "Delete"]
    )["ConnectionNotification"]
    assert re.fullmatch(r"vpce-nfn-[0-9a-f]{17}", note["ConnectionNotificationId"])
    assert note["ConnectionNotificationState"] == "Enabled" and note["ConnectionNotificationType"] == "Topic"
    _fails(
        "InvalidParameter",
        provider.create_vpc_endpoint_connection_notification,
        ServiceId=sid,
        ConnectionNotificationArn=topic,
        ConnectionEvents=["Explode"],
    )
    provider.modify_vpc_endpoint_service_permissions(
        ServiceId=sid, AddAllowedPrincipals=[f"arn:aws:iam::{world.consumer}:root"]
    )
    vpc, subnets = _network(consumer)
    eid = consumer.create_vpc_endpoint(
        VpcId=vpc, ServiceName=service["ServiceName"], VpcEndpointType="Interface", SubnetIds=subnets
    )["VpcEndpoint"]["VpcEndpointId"]
    provider.accept_vpc_endpoint_connections(ServiceId=sid, VpcEndpointIds=[eid])
    consumer.delete_vpc_endpoints(VpcEndpointIds=[eid])
    url = f"{world.server.url}/_vpcsim/notifications?account={world.provider}"
    events = json.loads(urllib.request.urlopen(url, timeout=5).read())["events"]
    assert [(e["Event"], e["VpcEndpointId"], e["VpcEndpointOwner"]) for e in events] == [
        ("Connect", eid, world.consumer),
        ("Accept", eid, world.consumer),
        ("Delete", eid, world.consumer),
    ]
    listed = provider.describe_vpc_endpoint_connection_notifications()["ConnectionNotificationSet"]
    assert [n["ConnectionNotificationArn"] for n in listed] == [topic]
    done = provider.delete_vpc_endpoint_connection_notifications(
        ConnectionNotificationIds=[note["ConnectionNotificationId"], "vpce-nfn-0123456789abcdef0"]
    )
    assert [u["ResourceId"] for u in done["Unsuccessful"]] == ["vpce-nfn-0123456789abcdef0"]


def test_payer_responsibility_is_a_one_way_switch(world: World) -> None:
    service = _service(world)
    provider = world.ec2("provider")
    provider.modify_vpc_endpoint_service_payer_responsibility(
        ServiceId=service["ServiceId"], PayerResponsibility="ServiceOwner"
    )
    config = provider.describe_vpc_endpoint_service_configurations()["ServiceConfigurations"][0]
    assert config["PayerResponsibility"] == "ServiceOwner"


def test_gateway_load_balancer_service_and_endpoint(world: World) -> None:
    service = _service(world, kind="gateway", acceptance=False)
    assert service["ServiceType"] == [{"ServiceType": "GatewayLoadBalancer"}] and service["BaseEndpointDnsNames"] == []
    provider, consumer = world.ec2("provider"), world.ec2("consumer")
    provider.modify_vpc_endpoint_service_permissions(
        ServiceId=service["ServiceId"], AddAllowedPrincipals=[f"arn:aws:iam::{world.consumer}:root"]
    )
    vpc, subnets = _network(consumer)
    _fails(
        "InvalidParameter",
        consumer.create_vpc_endpoint,
        VpcId=vpc,
        ServiceName=service["ServiceName"],
        VpcEndpointType="GatewayLoadBalancer",
        SubnetIds=subnets,
    )
    endpoint = consumer.create_vpc_endpoint(
        VpcId=vpc, ServiceName=service["ServiceName"], VpcEndpointType="GatewayLoadBalancer", SubnetIds=subnets[:1]
    )["VpcEndpoint"]
    eid = endpoint["VpcEndpointId"]
    assert endpoint["State"] == "pending" and "DnsEntries" not in endpoint and "PolicyDocument" not in endpoint
    (eni,) = consumer.describe_network_interfaces(NetworkInterfaceIds=endpoint["NetworkInterfaceIds"])[
        "NetworkInterfaces"
    ]
    assert eni["InterfaceType"] == "gateway_load_balancer_endpoint"
    table = consumer.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    consumer.describe_vpc_endpoints(VpcEndpointIds=[eid])
    consumer.create_route(RouteTableId=table, DestinationCidrBlock="0.0.0.0/0", VpcEndpointId=eid)
    result = consumer.delete_vpc_endpoints(VpcEndpointIds=[eid])
    assert result["Unsuccessful"][0]["Error"]["Code"] == "DependencyViolation"
    consumer.delete_route(RouteTableId=table, DestinationCidrBlock="0.0.0.0/0")
    assert consumer.delete_vpc_endpoints(VpcEndpointIds=[eid])["Unsuccessful"] == []


def test_cross_region_service_gets_regional_names_only(world: World) -> None:
    service = _service(world, acceptance=False)
    provider = world.ec2("provider")
    provider.modify_vpc_endpoint_service_permissions(
        ServiceId=service["ServiceId"], AddAllowedPrincipals=[f"arn:aws:iam::{world.consumer}:root"]
    )
    provider.modify_vpc_endpoint_service_configuration(
        ServiceId=service["ServiceId"], AddSupportedRegions=["eu-west-1"]
    )
    ireland = world.ec2("consumer", "eu-west-1")
    vpc = ireland.create_vpc(CidrBlock="10.5.0.0/16")["Vpc"]["VpcId"]
    subnet = ireland.create_subnet(VpcId=vpc, CidrBlock="10.5.1.0/24", AvailabilityZone="eu-west-1a")["Subnet"][
        "SubnetId"
    ]
    listed = ireland.describe_vpc_endpoint_services(ServiceRegions=["us-east-1"])["ServiceNames"]
    assert service["ServiceName"] in listed
    endpoint = ireland.create_vpc_endpoint(
        VpcId=vpc,
        ServiceName=service["ServiceName"],
        VpcEndpointType="Interface",
        SubnetIds=[subnet],
        ServiceRegion="us-east-1",
    )["VpcEndpoint"]
    assert endpoint["ServiceRegion"] == "us-east-1" and len(endpoint["DnsEntries"]) == 1
    _fails(
        "InvalidServiceName",
        ireland.create_vpc_endpoint,
        VpcId=vpc,
        ServiceName=service["ServiceName"],
        VpcEndpointType="Interface",
        SubnetIds=[subnet],
    )


def test_gateway_load_balancer_service_acceptance_workflow(world: World) -> None:
    service = _service(world, kind="gateway", acceptance=True)
    sid, name = service["ServiceId"], service["ServiceName"]
    provider, consumer = world.ec2("provider"), world.ec2("consumer")
    _fails(
        "InvalidParameter",
        provider.modify_vpc_endpoint_service_configuration,
        ServiceId=sid,
        PrivateDnsName="gwlb.example.com",
    )  # no private DNS names for GWLB services [PLG]
    topic = f"arn:aws:sns:us-east-1:{world.provider}:gwlb"
    provider.create_vpc_endpoint_connection_notification(
        ServiceId=sid, ConnectionNotificationArn=topic, ConnectionEvents=["Connect", "Accept", "Reject"]
    )
    provider.modify_vpc_endpoint_service_permissions(
        ServiceId=sid, AddAllowedPrincipals=[f"arn:aws:iam::{world.consumer}:root"]
    )
    vpc, subnets = _network(consumer)
    endpoint = consumer.create_vpc_endpoint(
        VpcId=vpc, ServiceName=name, VpcEndpointType="GatewayLoadBalancer", SubnetIds=subnets[:1]
    )["VpcEndpoint"]
    eid = endpoint["VpcEndpointId"]
    assert endpoint["State"] == "pendingAcceptance"
    assert (
        provider.delete_vpc_endpoint_service_configurations(ServiceIds=[sid])["Unsuccessful"][0]["Error"]["Code"]
        == "ExistingVpcEndpointConnections"
    )
    provider.accept_vpc_endpoint_connections(ServiceId=sid, VpcEndpointIds=[eid])
    assert consumer.describe_vpc_endpoints(VpcEndpointIds=[eid])["VpcEndpoints"][0]["State"] == "available"
    provider.reject_vpc_endpoint_connections(ServiceId=sid, VpcEndpointIds=[eid])
    assert consumer.describe_vpc_endpoints(VpcEndpointIds=[eid])["VpcEndpoints"][0]["State"] == "rejected"
    url = f"{world.server.url}/_vpcsim/notifications?account={world.provider}"
    events = [
        e["Event"] for e in json.loads(urllib.request.urlopen(url, timeout=5).read())["events"] if e["ServiceId"] == sid
    ]
    assert events == ["Connect", "Accept", "Reject"]
    assert provider.delete_vpc_endpoint_service_configurations(ServiceIds=[sid])["Unsuccessful"] == []


def test_serve_with_a_principals_file(tmp_path: Any) -> None:
    from vpcsim.testing import Server, free_port

    mapping = {"AKIAFILEROLE00000001": "arn:aws:iam::555566667777:role/deployer"}
    (tmp_path / "principals.json").write_text(json.dumps(mapping))
    server = Server(free_port(), ["--ephemeral", "--principals", str(tmp_path / "principals.json")]).start()
    try:
        identity = server.client("sts", access_key="AKIAFILEROLE00000001").get_caller_identity()
        assert identity["Arn"] == "arn:aws:iam::555566667777:role/deployer" and identity["Account"] == "555566667777"
    finally:
        server.stop()
    (tmp_path / "bad.json").write_text(json.dumps({"AKIABAD": "arn:aws:iam::1:role/x"}))
    bad = Server(free_port(), ["--ephemeral", "--principals", str(tmp_path / "bad.json")])
    with pytest.raises(RuntimeError, match=r"InvalidPrincipal|Invalid principal"):
        bad.start()
