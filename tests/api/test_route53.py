"""Route 53 hosted zones, VPC associations across accounts, record sets, changes and tags, through boto3."""

from __future__ import annotations

import json
import random
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.conftest import error_code


@pytest.fixture
def r53(vpcsim: Any, account: str) -> Any:
    return vpcsim.client("route53", region="us-east-1", account=account)


def _vpc(vpcsim: Any, account: str, region: str = "eu-west-2") -> str:
    return str(vpcsim.client("ec2", region, account).create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"])


def _private_zone(r53: Any, vpc: str, name: str = "internal.example.com") -> str:
    zone = r53.create_hosted_zone(
        Name=name, CallerReference=str(random.random()), VPC={"VPCRegion": "eu-west-2", "VPCId": vpc}
    )
    return str(zone["HostedZone"]["Id"])


def _record(name: str, value: str, kind: str = "A", action: str = "CREATE") -> dict[str, Any]:
    return {
        "Action": action,
        "ResourceRecordSet": {"Name": name, "Type": kind, "TTL": 60, "ResourceRecords": [{"Value": value}]},
    }


def test_public_zone_has_a_delegation_set_and_its_soa_and_ns(r53: Any) -> None:
    created = r53.create_hosted_zone(Name="Example.ORG", CallerReference="ref-1")
    assert created["ResponseMetadata"]["HTTPStatusCode"] == 201
    zone = created["HostedZone"]
    assert zone["Name"] == "example.org." and zone["Config"]["PrivateZone"] is False
    assert zone["Id"].startswith("/hostedzone/Z") and zone["ResourceRecordSetCount"] == 2
    assert len(created["DelegationSet"]["NameServers"]) == 4 and created["ChangeInfo"]["Status"] == "PENDING"
    assert created["Location"].endswith(zone["Id"])
    assert r53.get_change(Id=created["ChangeInfo"]["Id"])["ChangeInfo"]["Status"] == "INSYNC"
    sets = r53.list_resource_record_sets(HostedZoneId=zone["Id"])["ResourceRecordSets"]
    assert [(s["Name"], s["Type"]) for s in sets] == [("example.org.", "NS"), ("example.org.", "SOA")]
    with pytest.raises(ClientError) as again:
        r53.create_hosted_zone(Name="other.org", CallerReference="ref-1")
    assert error_code(again) == "HostedZoneAlreadyExists"
    assert again.value.response["ResponseMetadata"]["HTTPStatusCode"] == 409


def test_private_zone_records_and_delete_rules(vpcsim: Any, account: str, r53: Any) -> None:
    vpc = _vpc(vpcsim, account)
    zone = _private_zone(r53, vpc)
    got = r53.get_hosted_zone(Id=zone)
    assert got["HostedZone"]["Config"]["PrivateZone"] is True
    assert got["VPCs"] == [{"VPCRegion": "eu-west-2", "VPCId": vpc}] and "DelegationSet" not in got
    r53.change_resource_record_sets(
        HostedZoneId=zone,
        ChangeBatch={
            "Changes": [_record("db.internal.example.com", "10.0.1.5"), _record("*.internal.example.com", "10.0.1.6")]
        },
    )
    names = [(s["Name"], s["Type"]) for s in r53.list_resource_record_sets(HostedZoneId=zone)["ResourceRecordSets"]]
    assert ("db.internal.example.com.", "A") in names and ("\\052.internal.example.com.", "A") in names
    with pytest.raises(ClientError) as twice:
        r53.change_resource_record_sets(
            HostedZoneId=zone, ChangeBatch={"Changes": [_record("db.internal.example.com", "10.0.1.5")]}
        )
    assert error_code(twice) == "InvalidChangeBatch" and "already exists" in str(twice.value)
    with pytest.raises(ClientError) as outside:
        r53.change_resource_record_sets(
            HostedZoneId=zone, ChangeBatch={"Changes": [_record("db.example.net", "10.0.1.5")]}
        )
    assert "is not permitted in zone" in str(outside.value)
    with pytest.raises(ClientError) as cname:
        r53.change_resource_record_sets(
            HostedZoneId=zone, ChangeBatch={"Changes": [_record("db.internal.example.com", "x.example.net", "CNAME")]}
        )
    assert error_code(cname) == "InvalidChangeBatch"
    with pytest.raises(ClientError) as busy:
        r53.delete_hosted_zone(Id=zone)
    assert error_code(busy) == "HostedZoneNotEmpty"
    for name in ("db.internal.example.com", "*.internal.example.com"):
        value = "10.0.1.5" if name.startswith("db") else "10.0.1.6"
        r53.change_resource_record_sets(
            HostedZoneId=zone, ChangeBatch={"Changes": [_record(name, value, action="DELETE")]}
        )
    r53.delete_hosted_zone(Id=zone)
    with pytest.raises(ClientError) as gone:
        r53.get_hosted_zone(Id=zone)
    assert error_code(gone) == "NoSuchHostedZone" and gone.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404


def test_a_batch_applies_fully_or_not_at_all(vpcsim: Any, account: str, r53: Any) -> None:
    zone = _private_zone(r53, _vpc(vpcsim, account))
    with pytest.raises(ClientError):
        r53.change_resource_record_sets(
            HostedZoneId=zone,
            ChangeBatch={
                "Changes": [
                    _record("a.internal.example.com", "10.0.0.1"),
                    _record("b.internal.example.com", "1.1.1.1", action="DELETE"),
                ]
            },
        )
    assert r53.get_hosted_zone(Id=zone)["HostedZone"]["ResourceRecordSetCount"] == 2


def test_alias_records_and_upsert(vpcsim: Any, account: str, r53: Any) -> None:
    zone = _private_zone(r53, _vpc(vpcsim, account), "sqs.eu-west-2.amazonaws.com")
    alias = {
        "Action": "UPSERT",
        "ResourceRecordSet": {
            "Name": "sqs.eu-west-2.amazonaws.com",
            "Type": "A",
            "AliasTarget": {
                "HostedZoneId": "Z7HUB22UULQXV",
                "DNSName": "vpce-0123-abcd.sqs.eu-west-2.vpce.amazonaws.com",
                "EvaluateTargetHealth": False,
            },
        },
    }
    r53.change_resource_record_sets(HostedZoneId=zone, ChangeBatch={"Changes": [alias]})
    r53.change_resource_record_sets(HostedZoneId=zone, ChangeBatch={"Changes": [alias]})  # UPSERT twice is fine
    sets = r53.list_resource_record_sets(
        HostedZoneId=zone, StartRecordName="sqs.eu-west-2.amazonaws.com", StartRecordType="A"
    )
    first = sets["ResourceRecordSets"][0]
    assert first["AliasTarget"]["DNSName"] == "vpce-0123-abcd.sqs.eu-west-2.vpce.amazonaws.com."
    broken = {
        "Action": "CREATE",
        "ResourceRecordSet": {**alias["ResourceRecordSet"], "Name": "x.sqs.eu-west-2.amazonaws.com", "TTL": 60},
    }
    with pytest.raises(ClientError) as mixed:
        r53.change_resource_record_sets(HostedZoneId=zone, ChangeBatch={"Changes": [broken]})
    assert error_code(mixed) == "InvalidChangeBatch"


def test_cross_account_association_needs_the_owners_authorization(vpcsim: Any, account: str, r53: Any) -> None:
    hub_vpc = _vpc(vpcsim, account)
    zone = _private_zone(r53, hub_vpc)
    spoke = str(random.randrange(10**11, 10**12))
    spoke_vpc = _vpc(vpcsim, spoke)
    spoke_r53 = vpcsim.client("route53", region="us-east-1", account=spoke)
    association = {"VPCRegion": "eu-west-2", "VPCId": spoke_vpc}
    with pytest.raises(ClientError) as refused:
        spoke_r53.associate_vpc_with_hosted_zone(HostedZoneId=zone, VPC=association)
    assert error_code(refused) == "NotAuthorizedException"
    r53.create_vpc_association_authorization(HostedZoneId=zone, VPC=association)
    assert r53.list_vpc_association_authorizations(HostedZoneId=zone)["VPCs"] == [association]
    spoke_r53.associate_vpc_with_hosted_zone(HostedZoneId=zone, VPC=association)
    found = spoke_r53.list_hosted_zones_by_vpc(VPCId=spoke_vpc, VPCRegion="eu-west-2")["HostedZoneSummaries"]
    assert [(f["HostedZoneId"], f["Owner"]["OwningAccount"]) for f in found] == [(zone.split("/")[-1], account)]
    assert len(r53.get_hosted_zone(Id=zone)["VPCs"]) == 2
    r53.delete_vpc_association_authorization(HostedZoneId=zone, VPC=association)
    spoke_r53.disassociate_vpc_from_hosted_zone(HostedZoneId=zone, VPC=association)
    with pytest.raises(ClientError) as last:
        r53.disassociate_vpc_from_hosted_zone(HostedZoneId=zone, VPC={"VPCRegion": "eu-west-2", "VPCId": hub_vpc})
    assert error_code(last) == "LastVPCAssociation"


def test_association_conflicts(vpcsim: Any, account: str, r53: Any) -> None:
    vpc = _vpc(vpcsim, account)
    _private_zone(r53, vpc)
    other = _private_zone(r53, _vpc(vpcsim, account))
    with pytest.raises(ClientError) as same_name:
        r53.associate_vpc_with_hosted_zone(HostedZoneId=other, VPC={"VPCRegion": "eu-west-2", "VPCId": vpc})
    assert error_code(same_name) == "ConflictingDomainExists"
    public = r53.create_hosted_zone(Name="pub.example.com", CallerReference="p")["HostedZone"]["Id"]
    with pytest.raises(ClientError) as public_zone:
        r53.associate_vpc_with_hosted_zone(HostedZoneId=public, VPC={"VPCRegion": "eu-west-2", "VPCId": vpc})
    assert error_code(public_zone) == "PublicZoneVPCAssociation"
    with pytest.raises(ClientError) as bad_vpc:
        r53.create_hosted_zone(
            Name="x.example.com", CallerReference="q", VPC={"VPCRegion": "eu-west-2", "VPCId": "vpc-0123456789abcdef0"}
        )
    assert error_code(bad_vpc) == "InvalidVPCId"


def test_listing_counting_comments_and_tags(vpcsim: Any, account: str, r53: Any) -> None:
    for i in range(3):
        r53.create_hosted_zone(Name=f"z{i}.example.com", CallerReference=f"c{i}")
    assert r53.get_hosted_zone_count()["HostedZoneCount"] == 3
    first = r53.list_hosted_zones(MaxItems="2")
    assert first["IsTruncated"] is True and len(first["HostedZones"]) == 2
    rest = r53.list_hosted_zones(Marker=first["NextMarker"])
    assert len(rest["HostedZones"]) == 1 and rest["IsTruncated"] is False
    by_name = r53.list_hosted_zones_by_name(DNSName="z1.example.com")["HostedZones"]
    assert [z["Name"] for z in by_name] == ["z1.example.com.", "z2.example.com."]
    zid = by_name[0]["Id"].split("/")[-1]
    assert r53.update_hosted_zone_comment(Id=zid, Comment="now")["HostedZone"]["Config"]["Comment"] == "now"
    r53.change_tags_for_resource(ResourceType="hostedzone", ResourceId=zid, AddTags=[{"Key": "team", "Value": "net"}])
    tags = r53.list_tags_for_resource(ResourceType="hostedzone", ResourceId=zid)["ResourceTagSet"]["Tags"]
    assert tags == [{"Key": "team", "Value": "net"}]
    r53.change_tags_for_resource(ResourceType="hostedzone", ResourceId=zid, RemoveTagKeys=["team"])
    assert r53.list_tags_for_resource(ResourceType="hostedzone", ResourceId=zid)["ResourceTagSet"]["Tags"] == []


def test_another_account_sees_none_of_it(vpcsim: Any, account: str, r53: Any) -> None:
    zone = r53.create_hosted_zone(Name="mine.example.com", CallerReference="m")["HostedZone"]["Id"]
    stranger = vpcsim.client("route53", region="us-east-1", account=str(random.randrange(10**11, 10**12)))
    assert stranger.list_hosted_zones()["HostedZones"] == []
    with pytest.raises(ClientError) as hidden:
        stranger.get_hosted_zone(Id=zone)
    assert error_code(hidden) == "NoSuchHostedZone"


def test_an_interface_endpoints_private_dns_and_a_private_zone_of_that_name_conflict(
    vpcsim: Any, account: str, r53: Any
) -> None:
    ec2 = vpcsim.client("ec2", "eu-west-2", account)
    vpc = _vpc(vpcsim, account)
    ec2.modify_vpc_attribute(VpcId=vpc, EnableDnsHostnames={"Value": True})
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24", AvailabilityZone="eu-west-2a")["Subnet"]["SubnetId"]
    zone = _private_zone(r53, vpc, "sqs.eu-west-2.amazonaws.com")
    with pytest.raises(ClientError) as refused:
        ec2.create_vpc_endpoint(
            VpcId=vpc, ServiceName="com.amazonaws.eu-west-2.sqs", VpcEndpointType="Interface", SubnetIds=[subnet]
        )
    assert "conflicting DNS domain" in str(refused.value)
    ec2.create_vpc_endpoint(
        VpcId=vpc,
        ServiceName="com.amazonaws.eu-west-2.sqs",
        VpcEndpointType="Interface",
        SubnetIds=[subnet],
        PrivateDnsEnabled=False,
    )
    other_vpc = _vpc(vpcsim, account)
    ec2.modify_vpc_attribute(VpcId=other_vpc, EnableDnsHostnames={"Value": True})
    other_subnet = ec2.create_subnet(VpcId=other_vpc, CidrBlock="10.0.1.0/24", AvailabilityZone="eu-west-2a")["Subnet"][
        "SubnetId"
    ]
    ec2.create_vpc_endpoint(
        VpcId=other_vpc,
        ServiceName="com.amazonaws.eu-west-2.sqs",
        VpcEndpointType="Interface",
        SubnetIds=[other_subnet],
    )
    with pytest.raises(ClientError) as taken:
        r53.associate_vpc_with_hosted_zone(HostedZoneId=zone, VPC={"VPCRegion": "eu-west-2", "VPCId": other_vpc})
    assert error_code(taken) == "ConflictingDomainExists"


def test_the_aws_cli_speaks_route53_and_the_resolver(aws: Any) -> None:
    created = aws("route53", "create-hosted-zone", "--name", "cli.example.com", "--caller-reference", "cli-1")
    zone = created["HostedZone"]["Id"]
    record = {"Name": "www.cli.example.com", "Type": "TXT", "TTL": 300, "ResourceRecords": [{"Value": '"hello"'}]}
    batch = json.dumps({"Changes": [{"Action": "CREATE", "ResourceRecordSet": record}]})
    aws("route53", "change-resource-record-sets", "--hosted-zone-id", zone, "--change-batch", batch)
    sets = aws("route53", "list-resource-record-sets", "--hosted-zone-id", zone)["ResourceRecordSets"]
    assert {"Value": '"hello"'} in sets[-1]["ResourceRecords"]
    assert aws.error("route53", "get-hosted-zone", "--id", "ZNOSUCHZONE0000000000") == "NoSuchHostedZone"
    rules = aws("route53resolver", "list-resolver-rules", "--region", "eu-west-2")["ResolverRules"]
    assert rules[0]["Id"] == "rslvr-autodefined-rr-internet-resolver"
