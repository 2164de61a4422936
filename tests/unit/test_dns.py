"""The VPC resolver (dataplane/dns.py) on hand-built topologies: private hosted zones first (only with DNS hostnames
on, only for live endpoints with private DNS), exact names before wildcards, vpce names from any VPC, AWS service
names to their published ranges, and nothing else [aws-behaviour 1.2.11, 1.3.8-1.3.15]."""

from __future__ import annotations

from dataclasses import replace
from ipaddress import IPv4Address, IPv4Network
from typing import Any

from vpcsim.dataplane import dns
from vpcsim.dataplane.index import indexed
from vpcsim.dataplane.topology import DnsName, Endpoint, Topology, Vpc

REGION = "eu-west-2"
RANGES = {
    (REGION, "S3"): (IPv4Network("52.95.148.0/23"), IPv4Network("3.5.244.0/22")),
    (REGION, "DYNAMODB"): (IPv4Network("35.71.96.0/24"),),
    (REGION, "EC2"): (IPv4Network("3.8.0.0/14"),),
    (REGION, "AMAZON"): (IPv4Network("52.95.148.0/23"), IPv4Network("3.8.0.0/14"), IPv4Network("18.130.0.0/16")),
    ("us-east-1", "S3"): (IPv4Network("52.216.0.0/15"),),
    ("us-east-1", "AMAZON"): (IPv4Network("52.216.0.0/15"), IPv4Network("44.192.0.0/11")),
}
VPC = Vpc("vpc-1", "111122223333", REGION, (IPv4Network("10.0.0.0/16"),), True, True)
OTHER = Vpc("vpc-2", "111122223333", REGION, (IPv4Network("10.1.0.0/16"),), True, True)


def _endpoint(eid: str, vpc: Vpc, *records: DnsName, **changes: Any) -> Endpoint:
    endpoint = Endpoint(
        eid, "Interface", vpc.id, vpc.account, REGION, f"com.amazonaws.{REGION}.sqs", REGION, "available", (), (), (),
        None, True, False, records,
    )  # fmt: skip
    return replace(endpoint, **changes)


def _name(name: str, address: str, private: bool = True, zone: str | None = None) -> DnsName:
    return DnsName(name, private, zone, (IPv4Address(address),))


def _topo(*endpoints: Endpoint, vpcs: tuple[Vpc, ...] = (VPC, OTHER)) -> Topology:
    topo = Topology(
        1, {v.id: v for v in vpcs}, {}, {}, {}, {}, {}, {}, {}, {e.id: e for e in endpoints}, {}, {}, {}, {}, {},
        {}, {}, {}, {}, RANGES,
    )  # fmt: skip
    return indexed(topo)


def _resolve(topo: Topology, name: str, vpc: Vpc = VPC) -> dns.Answer | dns.NoAnswer:
    return dns.resolve(topo, topo.vpcs[vpc.id], name)


SQS = f"sqs.{REGION}.amazonaws.com"


def test_the_private_zone_answers_before_the_public_name() -> None:
    topo = _topo(_endpoint("vpce-1", VPC, _name(SQS, "10.0.4.5")))
    answer = _resolve(topo, SQS.upper() + ".")
    assert isinstance(answer, dns.Answer)
    assert (answer.source, answer.endpoint, answer.addresses) == ("private-zone", "vpce-1", (IPv4Address("10.0.4.5"),))
    public = _resolve(topo, SQS, OTHER)  # another VPC does not see the zone
    assert isinstance(public, dns.Answer) and public.source == "aws-service" and public.service == "sqs"


def test_the_private_zone_needs_hostnames_private_dns_and_a_live_endpoint() -> None:
    cases = [
        _topo(_endpoint("vpce-1", VPC, _name(SQS, "10.0.4.5")), vpcs=(replace(VPC, dns_hostnames=False),)),
        _topo(_endpoint("vpce-1", VPC, _name(SQS, "10.0.4.5"), private_dns=False)),
        _topo(_endpoint("vpce-1", VPC, _name(SQS, "10.0.4.5"), inbound_only_private_dns=True)),
        _topo(_endpoint("vpce-1", VPC, _name(SQS, "10.0.4.5"), state="rejected")),
    ]
    for topo in cases:
        answer = _resolve(topo, SQS)
        assert isinstance(answer, dns.Answer) and answer.source == "aws-service"


def test_wildcards_cover_subdomains_only_and_exact_names_win() -> None:
    s3 = f"s3.{REGION}.amazonaws.com"
    wildcard = _endpoint("vpce-1", VPC, _name(f"*.{s3}", "10.0.4.6"))
    exact = _endpoint("vpce-2", VPC, _name(f"bucket.{s3}", "10.0.4.7"))
    answer = _resolve(_topo(wildcard), f"my.bucket.{s3}")
    assert isinstance(answer, dns.Answer) and (answer.endpoint, answer.record) == ("vpce-1", f"*.{s3}")
    # "*.s3..." does not cover "s3..." itself, and the endpoint's zone (s3...) holds the name: NXDOMAIN, no public
    # answer [R53DG hosted-zone-private-considerations] (real S3 endpoints also hold the apex: control/endpoints).
    bare = _resolve(_topo(wildcard), s3)
    assert isinstance(bare, dns.NoAnswer) and "vpce-1" in bare.reason
    both = _resolve(_topo(wildcard, exact), f"bucket.{s3}")
    assert isinstance(both, dns.Answer) and (both.endpoint, both.record) == ("vpce-2", f"bucket.{s3}")


def test_vpce_names_resolve_from_any_vpc_while_the_endpoint_exists() -> None:
    regional = f"vpce-1-abcd.sqs.{REGION}.vpce.amazonaws.com"
    zonal = f"vpce-1-abcd-{REGION}b.sqs.{REGION}.vpce.amazonaws.com"
    s3 = f"vpce-3-efgh.s3.{REGION}.vpce.amazonaws.com"
    records = (_name(regional, "10.0.4.5", False), _name(zonal, "10.0.5.5", False, f"{REGION}b"))
    first = _endpoint("vpce-1", VPC, *records, state="pendingAcceptance")
    wild = _endpoint("vpce-3", VPC, _name(f"*.{s3}", "10.0.4.9", False))
    topo = _topo(first, wild)
    answer = _resolve(topo, zonal, OTHER)
    assert isinstance(answer, dns.Answer) and answer.source == "vpce-name" and answer.detail.startswith("zonal")
    assert answer.addresses == (IPv4Address("10.0.5.5"),)
    bucket = _resolve(topo, f"bucket.{s3}", OTHER)
    assert isinstance(bucket, dns.Answer) and (bucket.endpoint, bucket.record) == ("vpce-3", f"*.{s3}")
    gone = _topo(replace(first, state="deleted"))
    assert isinstance(_resolve(gone, regional), dns.NoAnswer)


def test_unresolvable_names() -> None:
    topo = _topo()
    for name in ("example.com", f"vpce-9-zzzz.sqs.{REGION}.vpce.amazonaws.com", "sqs.amazonaws.com", "nothing"):
        assert isinstance(_resolve(topo, name), dns.NoAnswer), name
    off = _topo(vpcs=(replace(VPC, dns_support=False),))
    answer = _resolve(off, SQS)
    assert isinstance(answer, dns.NoAnswer) and "enableDnsSupport" in answer.reason
    address = _resolve(off, "10.0.0.9")  # an address needs no resolver
    assert isinstance(address, dns.Answer) and address.source == "address"


def test_service_names_and_addresses() -> None:
    topo = _topo()
    s3 = _resolve(topo, f"bucket.s3.{REGION}.amazonaws.com")
    assert isinstance(s3, dns.Answer) and s3.addresses == (IPv4Address("52.95.148.10"),)
    legacy = _resolve(topo, "s3.amazonaws.com")
    assert isinstance(legacy, dns.Answer) and legacy.service_region == "us-east-1"
    # SQS has no ranges of its own: the first AMAZON range that no S3, DynamoDB or EC2 range overlaps.
    assert dns.service_address(topo, REGION, "sqs") == IPv4Address("18.130.0.10")
    assert dns.service_of_address(topo, IPv4Address("52.95.149.1")) == (REGION, "S3")  # S3 before AMAZON
    assert dns.service_of_address(topo, IPv4Address("18.130.7.7")) == (REGION, "AMAZON")
    assert dns.service_of_address(topo, IPv4Address("44.200.0.1")) == ("us-east-1", "AMAZON")
    assert dns.service_of_address(topo, IPv4Address("8.8.8.8")) is None
