"""The VPC Resolver's rules and private hosted zones (dataplane/zones.py through dns.resolve) on hand-built
topologies: the most specific rule or zone decides, a rule beats a zone of its domain, SYSTEM rules keep names home,
records, wildcards, CNAME chains and their limit, aliases, declared answers of forwarded queries; and the S3 host
name forms (dataplane/s3names.py) with hypothesis [R53DG hosted-zone-private-considerations; S3UG VirtualHosting]."""

from __future__ import annotations

from dataclasses import replace
from ipaddress import IPv4Address, IPv4Network, IPv6Address
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from vpcsim.dataplane import dns, s3names
from vpcsim.dataplane.index import indexed
from vpcsim.dataplane.topology import (
    DnsName,
    Endpoint,
    HostedZone,
    ResolverRule,
    ResourcePolicyHolder,
    Topology,
    Vpc,
    ZoneRecord,
)

REGION = "eu-west-2"
RANGES = {
    (REGION, "S3"): (IPv4Network("52.95.148.0/23"),),
    (REGION, "AMAZON"): (IPv4Network("52.95.148.0/23"), IPv4Network("18.130.0.0/16")),
    ("us-east-1", "S3"): (IPv4Network("52.216.0.0/15"),),
    ("us-east-1", "AMAZON"): (IPv4Network("52.216.0.0/15"), IPv4Network("44.192.0.0/11")),
    ("af-south-1", "S3"): (IPv4Network("52.95.75.0/24"),),
}
VPC = Vpc("vpc-1", "111122223333", REGION, (IPv4Network("10.0.0.0/16"),), True, True)


def _record(name: str, kind: str, *values: str, alias: str | None = None) -> ZoneRecord:
    return ZoneRecord(name, kind, values, alias, {"Name": name + ".", "Type": kind})


def _zone(zid: str, name: str, *records: ZoneRecord, vpcs: tuple[str, ...] = ("vpc-1",)) -> HostedZone:
    return HostedZone(zid, name, "111122223333", vpcs, records)


def _rule(rid: str, domain: str, kind: str = "FORWARD", records: Any = None) -> ResolverRule:
    return ResolverRule(
        rid, domain, kind, "111122223333", REGION, (("192.168.1.53", 53),), "rslvr-out-1", records, {"Id": rid}
    )


def _topo(
    *zones: HostedZone,
    rules: tuple[ResolverRule, ...] = (),
    endpoints: tuple[Endpoint, ...] = (),
    buckets: tuple[ResourcePolicyHolder, ...] = (),
    vpc: Vpc = VPC,
) -> Topology:
    topo = Topology(
        1, {vpc.id: vpc}, {}, {}, {}, {}, {}, {}, {}, {e.id: e for e in endpoints}, {}, {}, {}, {}, {}, {}, {}, {},
        {b.name: b for b in buckets}, RANGES,
    )  # fmt: skip
    return indexed(
        replace(
            topo,
            hosted_zones={z.id: z for z in zones},
            resolver_rules={r.id: r for r in rules},
            rule_associations={vpc.id: tuple(r.id for r in rules)},
            opt_in_regions=frozenset({"af-south-1"}),
        )
    )


def _resolve(topo: Topology, name: str) -> dns.Answer | dns.NoAnswer:
    return dns.resolve(topo, topo.vpcs["vpc-1"], name)


def _addresses(found: dns.Answer | dns.NoAnswer) -> list[str]:
    assert isinstance(found, dns.Answer), found
    return [str(a) for a in found.addresses]


def test_records_wildcards_and_nxdomain() -> None:
    zone = _zone(
        "Z1",
        "corp.internal",
        _record("db.corp.internal", "A", "10.0.1.5", "10.0.2.5"),
        _record("db.corp.internal", "AAAA", "2001:db8::5"),
        _record("*.apps.corp.internal", "A", "10.0.3.3"),
        _record("x.apps.corp.internal", "TXT", '"not an address"'),
    )
    topo = _topo(zone)
    assert _addresses(_resolve(topo, "DB.corp.internal.")) == ["10.0.1.5", "10.0.2.5", "2001:db8::5"]
    wild = _resolve(topo, "a.b.apps.corp.internal")
    assert _addresses(wild) == ["10.0.3.3"] and isinstance(wild, dns.Answer) and wild.record == "*.apps.corp.internal"
    assert isinstance(_resolve(topo, "apps.corp.internal"), dns.NoAnswer)  # a wildcard does not cover its own apex
    missing = _resolve(topo, "nothing.corp.internal")
    assert isinstance(missing, dns.NoAnswer) and missing.zone == "Z1" and "NXDOMAIN" in missing.reason
    # Without DNS hostnames (or support), no private zone answers: public DNS does not know the name either.
    assert "private hosted zone" not in _reason(_topo(zone, vpc=replace(VPC, dns_hostnames=False)), "db.corp.internal")


def _reason(topo: Topology, name: str) -> str:
    found = _resolve(topo, name)
    assert isinstance(found, dns.NoAnswer), found
    return found.reason


def test_cname_chains_are_followed_and_bounded() -> None:
    loop = [_record(f"n{i}.corp.internal", "CNAME", f"n{i + 1}.corp.internal") for i in range(20)]
    zone = _zone(
        "Z1",
        "corp.internal",
        _record("www.corp.internal", "CNAME", "web.corp.internal"),
        _record("web.corp.internal", "A", "10.0.0.80"),
        _record("out.corp.internal", "CNAME", "s3.eu-west-2.amazonaws.com"),
        *loop,
    )
    topo = _topo(zone)
    www = _resolve(topo, "www.corp.internal")
    assert _addresses(www) == ["10.0.0.80"] and isinstance(www, dns.Answer) and www.record == "www.corp.internal"
    out = _resolve(topo, "out.corp.internal")  # the chain leaves the zone for public DNS
    assert isinstance(out, dns.Answer) and out.service == "s3" and out.source == "aws-service"
    assert "more than 8 names" in _reason(topo, "n0.corp.internal")


def test_aliases_answer_their_targets_addresses_of_the_records_family() -> None:
    endpoint = Endpoint(
        "vpce-1", "Interface", "vpc-2", "111122223333", REGION, f"com.amazonaws.{REGION}.sqs", REGION, "available",
        (), (), (), None, False, False,
        (DnsName(f"vpce-1-abc.sqs.{REGION}.vpce.amazonaws.com", False, None,
                 (IPv4Address("10.9.0.4"), IPv6Address("2001:db8::4"))),),
    )  # fmt: skip
    zone = _zone(
        "Z1",
        f"sqs.{REGION}.amazonaws.com",
        _record(f"sqs.{REGION}.amazonaws.com", "A", alias=f"vpce-1-abc.sqs.{REGION}.vpce.amazonaws.com"),
        _record(f"fifo.sqs.{REGION}.amazonaws.com", "A", alias=f"sqs.{REGION}.amazonaws.com"),
        _record(f"gone.sqs.{REGION}.amazonaws.com", "A", alias="nothing.example.com"),
    )
    topo = _topo(zone, endpoints=(endpoint,))
    assert _addresses(_resolve(topo, f"sqs.{REGION}.amazonaws.com")) == ["10.9.0.4"]
    assert _addresses(_resolve(topo, f"fifo.sqs.{REGION}.amazonaws.com")) == ["10.9.0.4"]  # alias within the zone
    assert "no name vpcsim knows" in _reason(topo, f"gone.sqs.{REGION}.amazonaws.com")


def test_the_most_specific_rule_or_zone_decides_and_a_rule_wins_a_tie() -> None:
    zone = _zone("Z1", "corp.example", _record("db.corp.example", "A", "10.0.1.5"))
    declared = (("db.corp.example", (IPv4Address("192.168.1.5"),)), ("*.corp.example", (IPv4Address("192.168.1.9"),)))
    same = _topo(zone, rules=(_rule("rr-1", "corp.example", records=declared),))
    forwarded = _resolve(same, "db.corp.example")
    assert _addresses(forwarded) == ["192.168.1.5"] and isinstance(forwarded, dns.Answer)
    assert forwarded.rule == "rr-1" and forwarded.forwarded is not None
    assert _addresses(_resolve(same, "wiki.corp.example")) == ["192.168.1.9"]  # a declared wildcard
    # A less specific rule ("." forwards everything) loses to the zone; the zone still wins its names.
    everything = _topo(zone, rules=(_rule("rr-dot", "", records=declared),))
    assert _addresses(_resolve(everything, "db.corp.example")) == ["10.0.1.5"]
    elsewhere = _resolve(everything, "x.corp.example.org")  # forwarded; not among the declared names: NXDOMAIN
    assert isinstance(elsewhere, dns.NoAnswer) and elsewhere.rule == "rr-dot" and "NXDOMAIN" in elsewhere.reason
    # A SYSTEM rule for the subdomain keeps the query home despite the FORWARD rule of the parent.
    system = _topo(zone, rules=(_rule("rr-1", "example", records=declared), _rule("rr-2", "corp.example", "SYSTEM")))
    kept = _resolve(system, "db.corp.example")
    assert _addresses(kept) == ["10.0.1.5"] and isinstance(kept, dns.Answer) and kept.rule == "rr-2"


def test_forwarded_without_declared_records_says_how_to_declare_them() -> None:
    found = _resolve(_topo(rules=(_rule("rr-1", "corp.example"),)), "db.corp.example")
    assert isinstance(found, dns.NoAnswer) and "vpcsim:records" in found.reason and found.forwarded is not None


def test_an_endpoint_zone_is_more_specific_than_a_users_zone_for_its_region() -> None:
    private = DnsName(f"sqs.{REGION}.amazonaws.com", True, None, (IPv4Address("10.0.4.5"),))
    endpoint = Endpoint(
        "vpce-1", "Interface", "vpc-1", "111122223333", REGION, f"com.amazonaws.{REGION}.sqs", REGION, "available",
        (), (), (), None, True, False, (private,),
    )  # fmt: skip
    topo = _topo(_zone("Z1", f"{REGION}.amazonaws.com"), endpoints=(endpoint,))
    assert _addresses(_resolve(topo, f"sqs.{REGION}.amazonaws.com")) == ["10.0.4.5"]
    assert "Z1" in _reason(topo, f"sns.{REGION}.amazonaws.com")
    assert "Z1" in _reason(topo, f"bucket.s3.{REGION}.amazonaws.com")


def test_s3_names_carry_their_bucket_and_the_global_name_follows_the_buckets_region() -> None:
    buckets = (
        ResourcePolicyHolder("arn:aws:s3:::logs", "logs", "s3", "111122223333", REGION, None),
        ResourcePolicyHolder("arn:aws:s3:::cape", "cape", "s3", "111122223333", "af-south-1", None),
    )
    topo = _topo(buckets=buckets)
    found = _resolve(topo, "logs.s3.amazonaws.com")
    assert isinstance(found, dns.Answer) and (found.bucket, found.service_region) == ("logs", REGION)
    cape = _resolve(topo, "cape.s3.amazonaws.com")  # a Region launched after 2019-03-20: us-east-1 answers
    assert isinstance(cape, dns.Answer) and cape.service_region == "us-east-1" and cape.bucket == "cape"
    unknown = _resolve(topo, "nobody.s3.amazonaws.com")
    assert isinstance(unknown, dns.Answer) and unknown.service_region == "us-east-1"
    point = _resolve(topo, "ap-111122223333.s3-accesspoint.dualstack.eu-west-2.amazonaws.com")
    assert isinstance(point, dns.Answer) and point.access_point == "arn:aws:s3:eu-west-2:111122223333:accesspoint/ap"
    assert point.bucket is None and point.service == "s3"


_LABEL = st.from_regex(r"[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?", fullmatch=True)
_BUCKET = st.lists(_LABEL, min_size=1, max_size=3).map(".".join)
_REGIONS = st.sampled_from(["eu-west-2", "us-east-1", "ap-southeast-2", "af-south-1"])


@given(_BUCKET, _REGIONS, st.sampled_from(["s3.{r}", "s3.dualstack.{r}", "s3-{r}", "s3-fips.{r}"]))
def test_every_regional_form_reads_back_its_bucket_and_region(bucket: str, region: str, form: str) -> None:
    parsed = s3names.parse(f"{bucket}.{form.format(r=region)}.amazonaws.com")
    assert parsed is not None and (parsed.bucket, parsed.region) == (bucket, region)
    assert parsed.dualstack == ("dualstack" in form)
    assert s3names.parse(f"{form.format(r=region)}.amazonaws.com") == replace(parsed, bucket=None)
