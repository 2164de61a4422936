"""Every host name Amazon S3 answers on is S3: it takes the gateway endpoint when its addresses are routed there, and
the bucket policy applies, the bucket read from the host name when the request names no resource [S3UG
VirtualHosting; S3UG access-points-naming]. A bucket's Region decides where the data goes: a request sent to another
Region's S3 is redirected there (301 PermanentRedirect, or 400 IllegalLocationConstraintException for a Region
launched after 2019-03-20) and AWS SDKs send it again [S3UG UsingRouting; botocore S3RegionRedirectorv2], so a
gateway endpoint never carries a bucket of another Region, and the path pays inter-Region transfer."""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import boto3
import pytest
from botocore.config import Config

from tests.api.test_dataplane import _instance, _nat, _net
from tests.api.test_trace_faces import _post

REGION = "eu-west-2"


def _last(trace: dict[str, Any]) -> dict[str, Any]:
    """The request's last hop (the reply's hops, marked ``reply``, follow it)."""
    return next(h for h in reversed(trace["hops"]) if not h["reply"])


def _s3(vpcsim: Any, account: str, region: str) -> Any:
    return boto3.client(
        "s3",
        region_name=region,
        endpoint_url=vpcsim.url,
        aws_access_key_id=account,
        aws_secret_access_key="x",
        config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1}),
    )


def _bucket(vpcsim: Any, account: str, region: str) -> str:
    name = f"vpcsim-{region}-{random.randrange(10**9)}"
    config = {} if region == "us-east-1" else {"CreateBucketConfiguration": {"LocationConstraint": region}}
    _s3(vpcsim, account, region).create_bucket(Bucket=name, **config)
    return name


def _trace(vpcsim: Any, source: str, destination: str, **request: str) -> dict[str, Any]:
    status, trace = _post(vpcsim, "/_vpcsim/api/trace", {"source": source, "destination": destination, **request})
    assert status == 200, trace
    return trace


def _codes(trace: dict[str, Any]) -> list[str]:
    return [e["code"] for e in trace["explanations"]]


def _kinds(trace: dict[str, Any]) -> list[str]:
    return [h["component"]["kind"] for h in trace["hops"] if not h["reply"]]


def _dns_details(trace: dict[str, Any]) -> list[str]:
    return [s["detail"] for s in trace["hops"][0]["steps"]] if trace["hops"][0]["component"]["kind"] == "dns" else []


@dataclass
class World:
    account: str
    bucket: str
    endpoint: str
    trusted: str  # an instance whose subnet routes S3 to the gateway endpoint
    outsider: str  # an instance of another VPC whose subnet reaches S3 through a NAT gateway


@pytest.fixture
def world(vpcsim: Any, account: str) -> World:
    """A bucket in eu-west-2 whose policy denies every request that does not come through one gateway endpoint."""
    ec2 = vpcsim.client("ec2", REGION, account)
    trusted, other = _net(ec2, "10.0.0.0/16"), _net(ec2, "10.1.0.0/16")
    _nat(trusted)
    _nat(other)
    endpoint = ec2.create_vpc_endpoint(
        VpcId=trusted.vpc, ServiceName=f"com.amazonaws.{REGION}.s3", RouteTableIds=[trusted.private_table]
    )["VpcEndpoint"]["VpcEndpointId"]
    bucket = _bucket(vpcsim, account, REGION)
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "OnlyThroughTheEndpoint",
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:*",
                "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"],
                "Condition": {"StringNotEquals": {"aws:SourceVpce": endpoint}},
            }
        ],
    }
    _s3(vpcsim, account, REGION).put_bucket_policy(Bucket=bucket, Policy=json.dumps(policy))
    return World(account, bucket, endpoint, _instance(ec2, trusted.private), _instance(ec2, other.private))


# (host name, the request's resource: None when the host name addresses the bucket itself, what the DNS hop says)
Form = Callable[[World], tuple[str, str | None, str]]
FORMS: dict[str, Form] = {
    "virtual-hosted": lambda w: (f"{w.bucket}.s3.{REGION}.amazonaws.com", None, "regional name for bucket"),
    "dual-stack": lambda w: (f"{w.bucket}.s3.dualstack.{REGION}.amazonaws.com", None, "dual-stack name for bucket"),
    "legacy dash-Region": lambda w: (f"{w.bucket}.s3-{REGION}.amazonaws.com", None, "legacy dash-Region name"),
    "legacy global": lambda w: (f"{w.bucket}.s3.amazonaws.com", None, "legacy global name for bucket"),
    "path style": lambda w: (f"s3.{REGION}.amazonaws.com", f"arn:aws:s3:::{w.bucket}/report.csv", "regional name"),
    "access point": lambda w: (
        f"reports-{w.account}.s3-accesspoint.{REGION}.amazonaws.com",
        f"arn:aws:s3:::{w.bucket}/report.csv",
        f"access point name for access point arn:aws:s3:{REGION}:{w.account}:accesspoint/reports",
    ),
    "dual-stack access point": lambda w: (
        f"reports-{w.account}.s3-accesspoint.dualstack.{REGION}.amazonaws.com",
        f"arn:aws:s3:::{w.bucket}/report.csv",
        "access point name",
    ),
}


@pytest.mark.parametrize("form", sorted(FORMS))
def test_every_s3_host_name_takes_the_gateway_endpoint_and_meets_the_bucket_policy(
    vpcsim: Any, world: World, form: str
) -> None:
    host, resource, said = FORMS[form](world)
    request = {"action": "s3:GetObject", **({"resource": resource} if resource else {})}
    allowed = _trace(vpcsim, world.trusted, host, **request)
    assert allowed["verdict"] == "reachable", allowed["explanations"]
    assert allowed["endpoint"] == world.endpoint and allowed["internet"] is False
    assert _kinds(allowed)[-2:] == ["vpc-endpoint", "aws-service"]
    assert _last(allowed)["component"]["id"] == f"s3.{REGION}"
    assert _last(allowed)["steps"][0]["action"] == "allowed"  # judged: the policy's Deny does not match
    assert said in _dns_details(allowed)[-1]
    assert allowed["usd_per_gb"] == 0 and [c["item"] for c in allowed["charges"]] == ["Gateway endpoint (free)"]
    denied = _trace(vpcsim, world.outsider, host, **request)
    assert denied["verdict"] == "blocked" and _codes(denied) == ["RESOURCE_POLICY_DENY"]
    assert "nat-gateway" in _kinds(denied) and denied["internet"] is True
    assert _last(denied)["steps"][0]["rule"]["Sid"] == "OnlyThroughTheEndpoint"


def test_the_host_names_bucket_is_judged_without_a_resource(vpcsim: Any, world: World) -> None:
    """A virtual-hosted name addresses its bucket: the bucket policy applies though the request names no resource;
    a name of another bucket (no policy) is not refused."""
    host = f"{world.bucket}.s3.{REGION}.amazonaws.com"
    denied = _trace(vpcsim, world.outsider, host, action="s3:ListBucket")
    assert _codes(denied) == ["RESOURCE_POLICY_DENY"] and world.bucket in denied["explanations"][0]["detail"]
    elsewhere = _bucket(vpcsim, world.account, REGION)
    free = _trace(vpcsim, world.outsider, f"{elsewhere}.s3.{REGION}.amazonaws.com", action="s3:ListBucket")
    assert free["verdict"] == "reachable", free["explanations"]


def test_the_legacy_global_path_style_name_is_redirected_to_the_buckets_region(vpcsim: Any, world: World) -> None:
    """``s3.amazonaws.com`` is us-east-1's: S3 there redirects a request for the eu-west-2 bucket, and the SDK's
    second request (virtual-hosted, in eu-west-2) takes the gateway endpoint."""
    request = {"action": "s3:GetObject", "resource": f"arn:aws:s3:::{world.bucket}/report.csv"}
    trace = _trace(vpcsim, world.trusted, "s3.amazonaws.com", **request)
    assert trace["verdict"] == "reachable", trace["explanations"]
    assert trace["endpoint"] == world.endpoint and trace["usd_per_gb"] == 0
    details = _dns_details(trace)
    assert "s3.amazonaws.com is Amazon S3's legacy global name in us-east-1" in details[0]
    assert f"S3 in us-east-1 answers HTTP 301 PermanentRedirect: bucket {world.bucket} is in {REGION}" in details[1]
    assert f"send it again to {world.bucket}.s3.{REGION}.amazonaws.com" in details[1]
    assert "nat-" in details[1]  # the first request left through the NAT gateway (us-east-1 is not routed privately)
    assert any("PermanentRedirect" in note for note in trace["notes"])


# -- a bucket's Region ----------------------------------------------------------------------------------------------
@dataclass
class East:
    ec2: Any
    endpoint: str
    nat: str
    instance: str


@pytest.fixture
def east(vpcsim: Any, account: str) -> East:
    """A us-east-1 VPC whose private subnet has a us-east-1 S3 gateway endpoint and a NAT gateway."""
    ec2 = vpcsim.client("ec2", "us-east-1", account)
    net = _net(ec2, "10.0.0.0/16", region="us-east-1")
    nat = _nat(net)
    endpoint = ec2.create_vpc_endpoint(
        VpcId=net.vpc, ServiceName="com.amazonaws.us-east-1.s3", RouteTableIds=[net.private_table]
    )["VpcEndpoint"]["VpcEndpointId"]
    return East(ec2, endpoint, nat, _instance(ec2, net.private))


def _inter_region(trace: dict[str, Any], to: str) -> list[dict[str, Any]]:
    return [c for c in trace["charges"] if c["item"].startswith(f"Inter-Region data transfer us-east-1 -> {to}")]


def test_a_bucket_of_another_region_never_goes_through_the_gateway_endpoint(
    vpcsim: Any, account: str, east: East
) -> None:
    bucket = _bucket(vpcsim, account, REGION)
    own = _bucket(vpcsim, account, "us-east-1")
    # The bucket's own Region named: its addresses are not in us-east-1's prefix list, so the NAT gateway carries it.
    direct = _trace(vpcsim, east.instance, f"{bucket}.s3.{REGION}.amazonaws.com", action="s3:GetObject")
    # The us-east-1 name: S3 there redirects, the SDK sends the request again to eu-west-2, over the same NAT path.
    redirected = _trace(vpcsim, east.instance, f"{bucket}.s3.us-east-1.amazonaws.com", action="s3:GetObject")
    for trace in (direct, redirected):
        assert trace["verdict"] == "reachable", trace["explanations"]
        assert trace["endpoint"] is None and trace["internet"] is True
        assert east.nat in [h["component"]["id"] for h in trace["hops"]]
        assert _last(trace)["component"]["id"] == f"s3.{REGION}"
        items = [c["item"] for c in trace["charges"]]
        assert "NAT gateway data processing" in items and _inter_region(trace, REGION), items
        assert trace["usd_per_gb"] > 0
    details = _dns_details(redirected)
    assert f"S3 in us-east-1 answers HTTP 301 PermanentRedirect: bucket {bucket} is in {REGION}" in details[1]
    assert east.endpoint in details[1]  # the first request went through the us-east-1 gateway endpoint
    assert not any("PermanentRedirect" in d for d in _dns_details(direct))
    # The legacy global name: S3's DNS answers with the bucket's Region itself (no redirect).
    global_name = _trace(vpcsim, east.instance, f"{bucket}.s3.amazonaws.com", action="s3:GetObject")
    assert _last(global_name)["component"]["id"] == f"s3.{REGION}" and _inter_region(global_name, REGION)
    assert "the bucket's Region eu-west-2" in _dns_details(global_name)[0]
    # A bucket of the VPC's own Region takes the gateway endpoint, free.
    local = _trace(vpcsim, east.instance, f"{own}.s3.us-east-1.amazonaws.com", action="s3:GetObject")
    assert local["endpoint"] == east.endpoint and local["usd_per_gb"] == 0


def test_a_bucket_in_an_opt_in_region_is_refused_by_us_east_1_then_retried(
    vpcsim: Any, account: str, east: East
) -> None:
    """For a bucket in a Region launched after 2019-03-20, the legacy global name answers us-east-1, which refuses
    the request with 400 IllegalLocationConstraintException; the SDK retries in the bucket's Region."""
    bucket = _bucket(vpcsim, account, "af-south-1")
    trace = _trace(vpcsim, east.instance, f"{bucket}.s3.amazonaws.com", action="s3:GetObject")
    assert trace["verdict"] == "reachable", trace["explanations"]
    details = _dns_details(trace)
    assert "af-south-1 was launched after 2019-03-20" in details[0]
    assert "400 IllegalLocationConstraintException" in details[1] and east.endpoint in details[1]
    assert _last(trace)["component"]["id"] == "s3.af-south-1" and trace["endpoint"] is None
