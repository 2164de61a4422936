"""Availability Zones as an account sees them: names mapped to zone ids per account, compared by id where two
accounts meet (PrivateLink, peering), through boto3 against a live server."""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.api.amis import AMI, EVERYWHERE
from tests.api.test_trace_faces import _post
from tests.conftest import error_code
from vpcsim.catalog import REGIONS

REGION = "us-east-1"
APP_PORT = 8443


def _account() -> str:
    return str(random.randrange(10**11, 10**12))


def _names(account: str, region: str = REGION) -> dict[str, str]:
    """zone id -> the account's name for it, as the catalog maps it (used to choose accounts, never as the answer)."""
    return {z.zone_id: z.name for z in REGIONS[region].seen_by(account).zones}


def _pair(wanted: Callable[[dict[str, str], dict[str, str]], bool]) -> tuple[str, str]:
    """Two fresh accounts whose us-east-1 mappings satisfy ``wanted``."""
    while True:
        first, second = _account(), _account()
        if wanted(_names(first), _names(second)):
            return first, second


def _crossed(a: dict[str, str], b: dict[str, str]) -> bool:
    """a's name for use1-az1 is b's name for use1-az2: names would match the wrong zone."""
    return a["use1-az1"] == b["use1-az2"]


def _zones(ec2: Any, **params: Any) -> list[tuple[str, str]]:
    return [(z["ZoneName"], z["ZoneId"]) for z in ec2.describe_availability_zones(**params)["AvailabilityZones"]]


def test_two_accounts_see_their_own_names_for_the_same_zone_ids(vpcsim: Any) -> None:
    first, second = _pair(lambda a, b: a != b)
    one, two = (vpcsim.client("ec2", REGION, a) for a in (first, second))
    mine, theirs = dict(_zones(one)), dict(_zones(two))
    # Every name exists for both (the mapping permutes ids, never names) and every id is there for both.
    assert sorted(mine) == sorted(theirs) == [f"us-east-1{c}" for c in "abcdef"]
    assert sorted(mine.values()) == sorted(theirs.values()) == [f"use1-az{i}" for i in range(1, 7)]
    assert mine != theirs
    # Stable: the same account always sees the same names (here: as the server computed them in its own process).
    assert dict(_zones(one)) == mine == {n: i for i, n in _names(first).items()}
    subnet_zone = {}
    for ec2 in (one, two):
        vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
        subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24", AvailabilityZoneId="use1-az3")["Subnet"]
        subnet_zone[ec2] = subnet["AvailabilityZone"]
        assert subnet["AvailabilityZoneId"] == "use1-az3"
        by_name = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.2.0/24", AvailabilityZone="us-east-1a")["Subnet"]
        assert by_name["AvailabilityZoneId"] == dict(_zones(ec2))["us-east-1a"]
    assert subnet_zone[one] == _names(first)["use1-az3"] and subnet_zone[two] == _names(second)["use1-az3"]


def test_describe_availability_zones_answers_every_field_and_filter(ec2: Any) -> None:
    zones = ec2.describe_availability_zones()["AvailabilityZones"]
    assert len(zones) == 6
    first = sorted(zones, key=lambda z: z["ZoneName"])[0]
    assert first["ZoneName"] == "us-east-1a" and first["ZoneId"].startswith("use1-az")
    assert {k: v for k, v in first.items() if k not in ("ZoneName", "ZoneId")} == {
        "OptInStatus": "opt-in-not-required",
        "Messages": [],
        "RegionName": "us-east-1",
        "GroupName": "us-east-1-zg-1",
        "NetworkBorderGroup": "us-east-1",
        "ZoneType": "availability-zone",
        "GroupLongName": "US East (N. Virginia) 1",
        "State": "available",
    }
    named = dict((z["ZoneId"], z["ZoneName"]) for z in zones)
    assert _zones(ec2, ZoneIds=["use1-az4"]) == [(named["use1-az4"], "use1-az4")]
    assert _zones(ec2, ZoneNames=["us-east-1c"]) == [("us-east-1c", dict(_zones(ec2))["us-east-1c"])]
    assert _zones(ec2, Filters=[{"Name": "zone-id", "Values": ["use1-az5"]}]) == [(named["use1-az5"], "use1-az5")]
    assert [n for n, _ in _zones(ec2, Filters=[{"Name": "zone-name", "Values": ["us-east-1[ab]", "*f"]}])] == [
        "us-east-1f"
    ]
    assert len(_zones(ec2, Filters=[{"Name": "zoneState", "Values": ["available"]}])) == 6  # derived wire name
    assert len(_zones(ec2, AllAvailabilityZones=True)) == 6
    for bad in ({"ZoneNames": ["us-east-1z"]}, {"ZoneIds": ["use1-az9"]}, {"ZoneNames": ["use1-az1"]}):
        with pytest.raises(ClientError) as excinfo:
            ec2.describe_availability_zones(**bad)
        assert error_code(excinfo) == "InvalidParameterValue"
    with pytest.raises(ClientError) as excinfo:
        ec2.describe_availability_zones(Filters=[{"Name": "zone-letter", "Values": ["a"]}])
    assert error_code(excinfo) == "InvalidParameterValue"


def test_us_west_1_shows_each_account_two_names(vpcsim: Any, account: str) -> None:
    ec2 = vpcsim.client("ec2", "us-west-1", account)
    zones = _zones(ec2)
    names = [n for n, _ in zones]
    assert len(zones) == 2 and sorted(i for _, i in zones) == ["usw1-az1", "usw1-az3"]
    assert set(names) < {"us-west-1a", "us-west-1b", "us-west-1c"}
    (unseen,) = {"us-west-1a", "us-west-1b", "us-west-1c"} - set(names)
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    with pytest.raises(ClientError) as excinfo:
        ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24", AvailabilityZone=unseen)
    assert error_code(excinfo) == "InvalidParameterValue"
    assert ", ".join(sorted(names)) in str(excinfo.value)  # AWS names the zones the account may use
    # The default VPC has a default subnet in each zone the account sees.
    default = ec2.describe_subnets(Filters=[{"Name": "default-for-az", "Values": ["true"]}])["Subnets"]
    assert sorted(s["AvailabilityZone"] for s in default) == sorted(names)
    assert {s["AvailabilityZoneId"] for s in default} == {"usw1-az1", "usw1-az3"}


def test_aws_endpoint_services_name_their_zones_as_the_caller_sees_them(vpcsim: Any) -> None:
    first, second = _pair(lambda a, b: a != b)
    seen = []
    for account in (first, second):
        ec2 = vpcsim.client("ec2", REGION, account)
        (detail,) = [
            d
            for d in ec2.describe_vpc_endpoint_services(ServiceNames=["com.amazonaws.us-east-1.cassandra"])[
                "ServiceDetails"
            ]
            if d["ServiceType"][0]["ServiceType"] == "Interface"
        ]
        mine = dict(_zones(ec2))
        assert detail["AvailabilityZones"] == sorted(n for n, i in mine.items() if i in detail["AvailabilityZoneIds"])
        seen.append((detail["AvailabilityZoneIds"], detail["AvailabilityZones"]))
    # Five zones recorded for this service: the same ids for everyone, under each account's names.
    assert seen[0][0] == seen[1][0] and len(seen[0][0]) == 5


# -- where two accounts meet -------------------------------------------------------------------------------------
def _trace(vpcsim: Any, source: str, destination: str, port: int = APP_PORT) -> dict[str, Any]:
    return _post(vpcsim, "/_vpcsim/api/trace", {"source": source, "destination": destination, "port": port})[1]


def _vpc(ec2: Any, cidr: str, zone_ids: tuple[str, ...]) -> tuple[str, list[str]]:
    """A VPC with one subnet per zone id, reachable on the app port from 10.0.0.0/8 (default group)."""
    vpc = ec2.create_vpc(CidrBlock=cidr)["Vpc"]["VpcId"]
    ec2.modify_vpc_attribute(VpcId=vpc, EnableDnsHostnames={"Value": True})
    base = cidr.rsplit(".", 2)[0]
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"{base}.{i}.0/24", AvailabilityZoneId=z)["Subnet"]["SubnetId"]
        for i, z in enumerate(zone_ids)
    ]
    group = ec2.describe_security_groups(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["SecurityGroups"][0]
    ec2.authorize_security_group_ingress(
        GroupId=group["GroupId"], IpProtocol="tcp", FromPort=APP_PORT, ToPort=APP_PORT, CidrIp="10.0.0.0/8"
    )
    return vpc, subnets


def _instance(ec2: Any, subnet: str) -> str:
    made = ec2.run_instances(ImageId=AMI, InstanceType=EVERYWHERE, MinCount=1, MaxCount=1, SubnetId=subnet)
    return str(made["Instances"][0]["InstanceId"])


def _provider_service(vpcsim: Any, provider: str, consumer: str) -> tuple[str, dict[str, str]]:
    """An NLB service with a node and a target in use1-az1 and in use1-az2 (cross-zone off); zone id -> target."""
    ec2 = vpcsim.client("ec2", REGION, provider)
    vpc, subnets = _vpc(ec2, "10.20.0.0/16", ("use1-az1", "use1-az2"))
    targets = {z: _instance(ec2, s) for z, s in zip(("use1-az1", "use1-az2"), subnets, strict=True)}
    elbv2 = vpcsim.client("elbv2", REGION, provider)
    nlb = elbv2.create_load_balancer(Name="api", Type="network", Scheme="internal", Subnets=subnets)
    nlb_arn = nlb["LoadBalancers"][0]["LoadBalancerArn"]
    group = elbv2.create_target_group(Name="api", Protocol="TCP", Port=APP_PORT, VpcId=vpc, TargetType="instance")
    group_arn = group["TargetGroups"][0]["TargetGroupArn"]
    elbv2.register_targets(TargetGroupArn=group_arn, Targets=[{"Id": t} for t in targets.values()])
    elbv2.create_listener(
        LoadBalancerArn=nlb_arn,
        Protocol="TCP",
        Port=APP_PORT,
        DefaultActions=[{"Type": "forward", "TargetGroupArn": group_arn}],
    )
    elbv2.describe_target_health(TargetGroupArn=group_arn)
    config = ec2.create_vpc_endpoint_service_configuration(NetworkLoadBalancerArns=[nlb_arn], AcceptanceRequired=False)
    service = config["ServiceConfiguration"]
    assert service["AvailabilityZones"] == sorted(_names(provider)[z] for z in ("use1-az1", "use1-az2"))
    ec2.modify_vpc_endpoint_service_permissions(
        ServiceId=service["ServiceId"], AddAllowedPrincipals=[f"arn:aws:iam::{consumer}:root"]
    )
    return str(service["ServiceName"]), targets


def test_privatelink_matches_the_consumers_zone_to_the_providers_by_zone_id(vpcsim: Any) -> None:
    consumer, provider = _pair(_crossed)  # the consumer's name for use1-az1 is the provider's for use1-az2
    service, targets = _provider_service(vpcsim, provider, consumer)
    ec2 = vpcsim.client("ec2", REGION, consumer)
    (detail,) = ec2.describe_vpc_endpoint_services(ServiceNames=[service])["ServiceDetails"]
    assert detail["AvailabilityZoneIds"] == ["use1-az1", "use1-az2"]
    assert detail["AvailabilityZones"] == sorted(_names(consumer)[z] for z in ("use1-az1", "use1-az2"))
    vpc, (subnet,) = _vpc(ec2, "10.30.0.0/16", ("use1-az1",))
    endpoint = ec2.create_vpc_endpoint(VpcId=vpc, VpcEndpointType="Interface", ServiceName=service, SubnetIds=[subnet])
    name = endpoint["VpcEndpoint"]["DnsEntries"][0]["DnsName"]
    ec2.describe_vpc_endpoints(VpcEndpointIds=[endpoint["VpcEndpoint"]["VpcEndpointId"]])
    client = _instance(ec2, subnet)

    trace = _trace(vpcsim, client, name)
    assert trace["verdict"] == "reachable", trace["explanations"]
    request = [h for h in trace["hops"] if not h["reply"]]
    (node,) = [h["component"] for h in request if h["component"]["kind"] == "load-balancer"]
    # The node in the same physical zone, shown under the provider's name for it (which is the consumer's name for
    # the other zone: matching names would have taken the node and the target in use1-az2).
    assert node["zone_id"] == "use1-az1" and node["zone"] == _names(provider)["use1-az1"]
    assert node["zone"] != _names(consumer)["use1-az1"]
    assert request[-1]["component"]["id"] == targets["use1-az1"]
    interface = next(h["component"] for h in trace["hops"] if h["component"]["id"].startswith("eni-"))
    assert (interface["zone"], interface["zone_id"]) == (_names(consumer)["use1-az1"], "use1-az1")


def test_peering_across_accounts_charges_inter_az_by_zone_id(vpcsim: Any) -> None:
    mine, theirs = _pair(_crossed)  # my name for use1-az1 is their name for use1-az2
    me, them = vpcsim.client("ec2", REGION, mine), vpcsim.client("ec2", REGION, theirs)
    my_vpc, (my_subnet,) = _vpc(me, "10.1.0.0/16", ("use1-az1",))
    their_vpc, their_subnets = _vpc(them, "10.2.0.0/16", ("use1-az1", "use1-az2"))
    peering = me.create_vpc_peering_connection(VpcId=my_vpc, PeerVpcId=their_vpc, PeerOwnerId=theirs)
    pcx = peering["VpcPeeringConnection"]["VpcPeeringConnectionId"]
    them.accept_vpc_peering_connection(VpcPeeringConnectionId=pcx)
    for ec2, vpc, cidr in ((me, my_vpc, "10.2.0.0/16"), (them, their_vpc, "10.1.0.0/16")):
        for table in ec2.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["RouteTables"]:
            ec2.create_route(RouteTableId=table["RouteTableId"], DestinationCidrBlock=cidr, VpcPeeringConnectionId=pcx)
    source = _instance(me, my_subnet)
    same_zone, other_zone = (_instance(them, s) for s in their_subnets)

    def inter_az(destination: str) -> list[str]:
        address = them.describe_instances(InstanceIds=[destination])["Reservations"][0]["Instances"][0]
        trace = _trace(vpcsim, source, address["PrivateIpAddress"])
        assert trace["verdict"] == "reachable", trace["explanations"]
        return [c["item"] for c in trace["charges"] + trace["unpriced"] if "Inter-AZ" in c["item"]]

    assert inter_az(same_zone) == []  # use1-az1 on both sides, under two different names
    crossing = inter_az(other_zone)  # the same name on both sides, two physical zones
    assert crossing and all("over VPC peering" in item for item in crossing)
