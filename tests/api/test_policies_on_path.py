"""Policies on the path: a bucket policy limited to one aws:SourceVpce, an endpoint policy denying an action, a
DynamoDB table policy, and aws:SourceIp absent through an endpoint (aws-behaviour section 5)."""

from __future__ import annotations

import json
import random
from typing import Any

import boto3
import pytest
from botocore.config import Config

from tests.api.test_dataplane import _instance, _nat, _net
from tests.api.test_trace_faces import _post


def _s3(vpcsim: Any, account: str) -> Any:
    return boto3.client(
        "s3",
        region_name="eu-west-2",
        endpoint_url=vpcsim.url,
        aws_access_key_id=account,
        aws_secret_access_key="x",
        config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1}),
    )


def _trace(vpcsim: Any, source: str, destination: str, action: str, resource: str) -> dict[str, Any]:
    status, trace = _post(
        vpcsim,
        "/_vpcsim/api/trace",
        {"source": source, "destination": destination, "action": action, "resource": resource},
    )
    assert status == 200, trace
    return trace


def _codes(trace: dict[str, Any]) -> list[str]:
    return [e["code"] for e in trace["explanations"]]


@pytest.fixture
def bucket(vpcsim: Any, account: str) -> str:
    name = f"vpcsim-data-{random.randrange(10**9)}"
    _s3(vpcsim, account).create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": "eu-west-2"})
    return name


def test_bucket_policy_limited_to_one_endpoint(vpcsim: Any, account: str, bucket: str) -> None:
    ec2 = vpcsim.client("ec2", "eu-west-2", account)
    trusted, other = _net(ec2, "10.0.0.0/16"), _net(ec2, "10.1.0.0/16")
    _nat(trusted)
    _nat(other)
    allowed_endpoint = ec2.create_vpc_endpoint(
        VpcId=trusted.vpc, ServiceName="com.amazonaws.eu-west-2.s3", RouteTableIds=[trusted.private_table]
    )["VpcEndpoint"]["VpcEndpointId"]
    ec2.create_vpc_endpoint(
        VpcId=other.vpc, ServiceName="com.amazonaws.eu-west-2.s3", RouteTableIds=[other.private_table]
    )
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "OnlyThroughTheTrustedEndpoint",
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:*",
                "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"],
                "Condition": {"StringNotEquals": {"aws:SourceVpce": allowed_endpoint}},
            }
        ],
    }
    _s3(vpcsim, account).put_bucket_policy(Bucket=bucket, Policy=json.dumps(policy))
    resource = f"arn:aws:s3:::{bucket}/report.csv"
    host = f"{bucket}.s3.eu-west-2.amazonaws.com"
    ok = _trace(vpcsim, _instance(ec2, trusted.private), host, "s3:GetObject", resource)
    assert ok["verdict"] == "reachable" and ok["endpoint"] == allowed_endpoint
    assert "allows" in [h for h in ok["hops"] if not h["reply"]][-1]["steps"][0]["detail"]
    refused = _trace(vpcsim, _instance(ec2, other.private), host, "s3:GetObject", resource)
    assert refused["verdict"] == "blocked" and _codes(refused) == ["RESOURCE_POLICY_DENY"]
    assert refused["hops"][-1]["steps"][0]["rule"]["Sid"] == "OnlyThroughTheTrustedEndpoint"
    # From a public subnet over the internet there is no aws:SourceVpce at all: StringNotEquals matches, denied.
    public = _instance(
        ec2,
        trusted.public,
        NetworkInterfaces=[{"DeviceIndex": 0, "SubnetId": trusted.public, "AssociatePublicIpAddress": True}],
    )
    internet = _trace(vpcsim, public, host, "s3:GetObject", resource)
    assert internet["internet"] is True and _codes(internet) == ["RESOURCE_POLICY_DENY"]


def test_endpoint_policy_denies_an_action(vpcsim: Any, account: str, bucket: str) -> None:
    ec2 = vpcsim.client("ec2", "eu-west-2", account)
    net = _net(ec2)
    endpoint_policy = {
        "Statement": [
            {"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"},
            {"Sid": "NoWrites", "Effect": "Deny", "Principal": "*", "Action": "s3:PutObject", "Resource": "*"},
        ]
    }
    ec2.create_vpc_endpoint(
        VpcId=net.vpc,
        ServiceName="com.amazonaws.eu-west-2.s3",
        RouteTableIds=[net.private_table],
        PolicyDocument=json.dumps(endpoint_policy),
    )
    instance = _instance(ec2, net.private)
    host = f"{bucket}.s3.eu-west-2.amazonaws.com"
    read = _trace(vpcsim, instance, host, "s3:GetObject", f"arn:aws:s3:::{bucket}/k")
    assert read["verdict"] == "reachable"
    write = _trace(vpcsim, instance, host, "s3:PutObject", f"arn:aws:s3:::{bucket}/k")
    assert _codes(write) == ["VPCE_POLICY_DENY"] and write["hops"][-1]["steps"][0]["rule"]["Sid"] == "NoWrites"
    unjudged = _post(vpcsim, "/_vpcsim/api/trace", {"source": instance, "destination": host})[1]
    assert unjudged["verdict"] == "reachable" and any("policies not evaluated" in n for n in unjudged["notes"])


def test_source_ip_condition_never_matches_through_an_endpoint(vpcsim: Any, account: str, bucket: str) -> None:
    ec2 = vpcsim.client("ec2", "eu-west-2", account)
    net = _net(ec2)
    ec2.create_vpc_endpoint(VpcId=net.vpc, ServiceName="com.amazonaws.eu-west-2.s3", RouteTableIds=[net.private_table])
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "OfficeOnly",
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:*",
                "Resource": f"arn:aws:s3:::{bucket}/*",
                "Condition": {"NotIpAddress": {"aws:SourceIp": "203.0.113.0/24"}},
            }
        ],
    }
    _s3(vpcsim, account).put_bucket_policy(Bucket=bucket, Policy=json.dumps(policy))
    trace = _trace(
        vpcsim,
        _instance(ec2, net.private),
        f"{bucket}.s3.eu-west-2.amazonaws.com",
        "s3:GetObject",
        f"arn:aws:s3:::{bucket}/k",
    )
    assert _codes(trace) == ["RESOURCE_POLICY_DENY"]


def test_cli_trace_with_an_action(vpcsim: Any, account: str, bucket: str) -> None:
    from tests.api.test_trace_faces import _cli

    ec2 = vpcsim.client("ec2", "eu-west-2", account)
    net = _net(ec2)
    ec2.create_vpc_endpoint(
        VpcId=net.vpc,
        ServiceName="com.amazonaws.eu-west-2.s3",
        RouteTableIds=[net.private_table],
        PolicyDocument=json.dumps(
            {
                "Statement": [
                    {"Effect": "Deny", "Principal": "*", "Action": "s3:DeleteObject", "Resource": "*"},
                    {"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"},
                ]
            }
        ),
    )
    instance = _instance(ec2, net.private)
    done = _cli(
        "trace",
        instance,
        f"{bucket}.s3.eu-west-2.amazonaws.com",
        "--action",
        "s3:DeleteObject",
        "--resource",
        f"arn:aws:s3:::{bucket}/k",
        "--endpoint-url",
        vpcsim.url,
    )
    assert done.returncode == 1 and "VPCE_POLICY_DENY" in done.stdout and "Verdict: blocked" in done.stdout
