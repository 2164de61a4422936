"""The catalog's endpoint services and AWS-managed prefix lists against what real AWS returned and the ip-ranges file.

Expected values come from real responses (awscli examples, the us-east-1 DescribeVpcEndpointServices dump in
../shared/datasets) and from the ip-ranges dataset read independently here, not from the catalog's own data.
"""

from __future__ import annotations

import hashlib
import ipaddress
import json
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vpcsim.catalog import (
    REGIONS,
    ServiceType,
    find_managed_prefix_list,
    find_service,
    find_service_by_id,
    managed_prefix_lists,
    prefix_list_for_service,
    service_cidrs,
    services_in,
)

SHARED = Path(__file__).resolve().parents[3] / "shared"
IP_RANGES = SHARED / "datasets/ip-ranges/ip-ranges-2022-06-12.json"
REGION_NAMES = sorted(REGIONS)
ID_PATTERN = re.compile(r"^vpce-svc-[0-9a-f]{17}$")


def test_us_east_1_offers_services_at_real_scale() -> None:
    assert len(services_in("us-east-1")) >= 250


def test_newer_regions_offer_fewer_services_than_us_east_1() -> None:
    full = len(services_in("us-east-1"))
    for region in ("mx-central-1", "ap-southeast-7", "ca-west-1", "il-central-1"):
        assert 0 < len(services_in(region)) < full, region


def test_unknown_region_has_no_services() -> None:
    assert services_in("xx-nowhere-1") == ()


@pytest.mark.parametrize("region", REGION_NAMES)
def test_s3_and_dynamodb_are_gateway_and_interface_everywhere(region: str) -> None:
    for svc in ("s3", "dynamodb"):
        name = f"com.amazonaws.{region}.{svc}"
        kinds = {s.service_type for s in services_in(region) if s.service_name == name}
        assert kinds == {ServiceType.GATEWAY, ServiceType.INTERFACE}


def test_only_s3_and_dynamodb_are_gateway_services() -> None:
    names = {s.short_name for s in services_in("eu-west-1") if s.service_type is ServiceType.GATEWAY}
    assert names == {"s3", "dynamodb"}


def test_gateway_service_matches_the_cli_example() -> None:
    ddb = find_service("us-east-1", "com.amazonaws.us-east-1.dynamodb", "Gateway")
    assert ddb is not None
    assert ddb.base_endpoint_dns_names == ("dynamodb.us-east-1.amazonaws.com",)
    assert ddb.private_dns_name is None
    assert ddb.private_dns_name_verification_state is None
    assert (ddb.owner, ddb.acceptance_required, ddb.vpc_endpoint_policy_supported) == ("amazon", False, True)
    assert ddb.availability_zones == tuple(f"us-east-1{c}" for c in "abcdef")


@pytest.mark.parametrize(
    ("region", "short", "base", "private"),
    [
        ("us-east-1", "ec2", "ec2.us-east-1.vpce.amazonaws.com", "ec2.us-east-1.amazonaws.com"),
        ("us-east-1", "ssm", "ssm.us-east-1.vpce.amazonaws.com", "ssm.us-east-1.amazonaws.com"),
        ("eu-west-2", "ecr.dkr", "dkr.ecr.eu-west-2.vpce.amazonaws.com", "*.dkr.ecr.eu-west-2.amazonaws.com"),
        ("us-west-2", "ecr.api", "api.ecr.us-west-2.vpce.amazonaws.com", "api.ecr.us-west-2.amazonaws.com"),
        ("us-east-2", "kinesis-streams", "kinesis.us-east-2.vpce.amazonaws.com", "kinesis.us-east-2.amazonaws.com"),
        ("us-east-1", "ecs-agent", "ecs-a.us-east-1.vpce.amazonaws.com", "ecs-a.us-east-1.amazonaws.com"),
        ("us-east-1", "s3", "s3.us-east-1.vpce.amazonaws.com", "*.s3.us-east-1.amazonaws.com"),
        (
            "us-east-1",
            "execute-api",
            "execute-api.us-east-1.vpce.amazonaws.com",
            "*.execute-api.us-east-1.amazonaws.com",
        ),
    ],
)
def test_interface_names_and_dns_forms(region: str, short: str, base: str, private: str) -> None:
    svc = find_service(region, f"com.amazonaws.{region}.{short}", ServiceType.INTERFACE)
    assert svc is not None
    assert svc.base_endpoint_dns_names == (base,)
    assert svc.private_dns_name == private
    assert svc.private_dns_name_verification_state == "verified"


def test_other_name_forms() -> None:
    notebook = find_service("us-east-1", "aws.sagemaker.us-east-1.notebook")
    assert notebook is not None and notebook.private_dns_name == "*.notebook.us-east-1.sagemaker.aws"
    assert find_service("us-east-1", "com.amazonaws.iam") is not None
    assert find_service("eu-west-1", "com.amazonaws.iam") is None
    assert find_service("us-east-1", "aws.api.us-east-1.bcm-data-exports") is not None


def test_policy_support_follows_aws() -> None:
    unsupported = ("apprunner.requests", "appstream.api", "transfer.server", "appmesh-envoy-management")
    for short in unsupported:
        svc = find_service("us-east-1", f"com.amazonaws.us-east-1.{short}")
        assert svc is not None and not svc.vpc_endpoint_policy_supported, short
    for short in ("s3", "sqs", "sts", "monitoring"):
        svc = find_service("us-east-1", f"com.amazonaws.us-east-1.{short}")
        assert svc is not None and svc.vpc_endpoint_policy_supported, short


def test_fips_services_only_in_us_and_canada() -> None:
    assert find_service("us-east-1", "com.amazonaws.us-east-1.kms-fips") is not None
    assert find_service("eu-west-1", "com.amazonaws.eu-west-1.kms-fips") is None


def test_real_service_ids_from_aws() -> None:
    # ids AWS returned in us-east-1 (the PrivateLink guide's monitoring example; the 2020 dump)
    monitoring = find_service("us-east-1", "com.amazonaws.us-east-1.monitoring")
    assert monitoring is not None and monitoring.service_id == "vpce-svc-0fc975f3e7e5beba4"
    s3 = find_service("us-east-1", "com.amazonaws.us-east-1.s3", "Gateway")
    assert s3 is not None and s3.service_id == "vpce-svc-0aa7c06513d4872d5"


@pytest.mark.parametrize("region", ["us-east-1", "eu-west-2", "mx-central-1"])
def test_service_ids_are_well_formed_unique_and_findable(region: str) -> None:
    services = services_in(region)
    ids = [s.service_id for s in services]
    assert all(ID_PATTERN.match(i) for i in ids)
    assert len(set(ids)) == len(ids)
    assert find_service_by_id(region, ids[-1]) == services[-1]


def test_service_ids_are_stable_across_processes() -> None:
    # a fixed generated id: changing the derivation would break every stored endpoint's ServiceId
    svc = find_service("eu-west-2", "com.amazonaws.eu-west-2.ec2")
    assert svc is not None and svc.service_id == "vpce-svc-0" + _sha("eu-west-2/com.amazonaws.eu-west-2.ec2/Interface")


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def test_service_azs_are_the_regions_azs() -> None:
    for region in ("eu-west-1", "ap-northeast-1"):
        zones = {z.name for z in REGIONS[region].zones}
        assert all(set(s.availability_zones) <= zones and s.availability_zones for s in services_in(region))


@pytest.mark.parametrize(
    ("region", "service", "pl_id"),
    [("us-east-1", "s3", "pl-63a5400a"), ("eu-west-2", "s3", "pl-7ca54015"), ("us-east-1", "dynamodb", "pl-02cd2c6b")],
)
def test_known_prefix_list_ids(region: str, service: str, pl_id: str) -> None:
    pl = prefix_list_for_service(region, service)
    assert pl is not None and pl.prefix_list_id == pl_id and pl.id_is_real
    assert pl.prefix_list_name == f"com.amazonaws.{region}.{service}"
    assert pl.prefix_list_arn == f"arn:aws:ec2:{region}:aws:prefix-list/{pl_id}"
    assert (pl.owner_id, pl.version, pl.state, pl.address_family) == ("AWS", 1, "create-complete", "IPv4")
    assert find_managed_prefix_list(region, pl_id) == pl


@pytest.mark.parametrize("region", REGION_NAMES)
def test_every_region_has_s3_and_dynamodb_lists_with_unique_ids(region: str) -> None:
    lists = managed_prefix_lists(region)
    ids = [p.prefix_list_id for p in lists]
    assert len(set(ids)) == len(ids) and all(re.fullmatch(r"pl-[0-9a-f]{8}", i) for i in ids)
    assert prefix_list_for_service(region, "s3") is not None
    assert prefix_list_for_service(region, f"com.amazonaws.{region}.dynamodb") is not None


def _dataset_ranges(region: str, service: str) -> set[str]:
    raw = json.loads(IP_RANGES.read_text())
    return {p["ip_prefix"] for p in raw["prefixes"] if p["region"] == region and p["service"] == service}


@pytest.mark.skipif(not IP_RANGES.exists(), reason=f"ip-ranges dataset not found at {IP_RANGES}")
@pytest.mark.parametrize("region", ["us-east-1", "eu-west-1", "ap-southeast-2", "sa-east-1"])
def test_prefix_list_cidrs_equal_the_datasets_ranges(region: str) -> None:
    for svc, ip_service in (("s3", "S3"), ("dynamodb", "DYNAMODB")):
        pl = prefix_list_for_service(region, svc)
        assert pl is not None
        assert {str(c) for c in pl.cidrs} == _dataset_ranges(region, ip_service)
        assert pl.max_entries == len(pl.cidrs) > 0


def test_service_cidrs_reads_the_published_table() -> None:
    assert ipaddress.ip_network("54.231.0.0/16") in service_cidrs("us-east-1", "S3")
    assert ipaddress.ip_network("52.94.0.0/22") in service_cidrs("us-east-1", "dynamodb")
    assert service_cidrs("us-east-1", "NO_SUCH_SERVICE") == ()
    assert any(n.version == 6 for n in service_cidrs("us-east-1", "S3"))


@settings(max_examples=60, deadline=None)
@given(region=st.sampled_from(REGION_NAMES), service=st.sampled_from(["s3", "dynamodb", "ec2-instance-connect"]))
def test_managed_list_cidrs_lie_within_the_services_ranges(region: str, service: str) -> None:
    pl = find_managed_prefix_list(region, f"com.amazonaws.{region}.{service}")
    assert pl is not None
    ip_service = {"s3": "S3", "dynamodb": "DYNAMODB", "ec2-instance-connect": "EC2_INSTANCE_CONNECT"}[service]
    published = service_cidrs(region, ip_service)
    for cidr in pl.cidrs:
        assert any(cidr.subnet_of(net) for net in published if net.version == cidr.version), cidr  # type: ignore[arg-type]
