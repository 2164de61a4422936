"""Input that once got a 500, a hang or an unbounded answer (issue 16 items 4 and 5): each gets a 4xx in AWS's (or
the JSON API's) format now, and changes nothing."""

from __future__ import annotations

import http.client
import json
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.conftest import error_code
from vpcsim.testing import ADMIN_HEADERS

DEEP = ("[" * 100_000 + "]" * 100_000).encode()
SIGNED_DYNAMODB = {
    "X-Amz-Target": "DynamoDB_20120810.ListTables",
    "Content-Type": "application/x-amz-json-1.0",
    "Authorization": "AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/dynamodb/aws4_request, "
    "SignedHeaders=host, Signature=0",
}


def _send(vpcsim: Any, method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None) -> Any:
    connection = http.client.HTTPConnection("127.0.0.1", vpcsim.port, timeout=60)
    try:
        connection.request(method, path, body=body, headers=headers or dict(ADMIN_HEADERS))
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


@pytest.mark.parametrize("path", ["/_vpcsim/api/trace", "/_vpcsim/principals", "/_vpcsim/dns/txt"])
def test_deeply_nested_json_is_a_400(vpcsim: Any, path: str) -> None:
    status, body = _send(vpcsim, "POST", path, DEEP)
    assert status == 400 and json.loads(body)["error"]["code"] == "InvalidJson"


def test_deeply_nested_json_to_dynamodb_is_a_serialization_exception(vpcsim: Any) -> None:
    status, body = _send(vpcsim, "POST", "/", DEEP, SIGNED_DYNAMODB)
    assert status == 400 and "SerializationException" in json.loads(body)["__type"]


@pytest.mark.parametrize("query", ["account=%ff", "region=%00", "vpc=%0d%0aX-Evil:%201"])
def test_topology_filters_that_are_not_text(vpcsim: Any, query: str) -> None:
    status, body = _send(vpcsim, "GET", f"/_vpcsim/api/topology?{query}")
    assert status == 400 and json.loads(body)["error"]["code"] == "InvalidParameterValue"


@pytest.mark.parametrize("port", ["1e400", "-1", "70000", "true", '"443"x'])
def test_trace_ports_out_of_range(vpcsim: Any, port: str) -> None:
    body = f'{{"source": "10.0.0.1", "destination": "8.8.8.8", "port": {port}}}'.encode()
    status, answer = _send(vpcsim, "POST", "/_vpcsim/api/trace", body)
    assert status == 400 and json.loads(answer)["error"]["code"] in ("InvalidParameterValue", "InvalidJson")


@pytest.mark.parametrize("volume", ["nan", "inf", "-inf", "-5"])
def test_what_if_volumes_must_be_finite(vpcsim: Any, volume: str) -> None:
    status, body = _send(vpcsim, "GET", f"/_vpcsim/api/what-if?region=us-east-1&volume_gb={volume}")
    assert status == 400 and json.loads(body)["error"]["code"] == "InvalidParameterValue"


def test_elb_attributes_without_a_key(vpcsim: Any, account: str) -> None:
    ec2, elb = vpcsim.client("ec2", "us-east-1", account), vpcsim.client("elbv2", "us-east-1", account)
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
    group = elb.create_target_group(Name="t", Protocol="TCP", Port=80, VpcId=vpc)["TargetGroups"][0]["TargetGroupArn"]
    lb = elb.create_load_balancer(Name="l", Type="network", Scheme="internal", Subnets=[subnet])["LoadBalancers"][0]
    with pytest.raises(ClientError) as group_error:
        elb.modify_target_group_attributes(TargetGroupArn=group, Attributes=[{"Value": "x"}])
    assert error_code(group_error) == "ValidationError"
    with pytest.raises(ClientError) as lb_error:
        elb.modify_load_balancer_attributes(LoadBalancerArn=lb["LoadBalancerArn"], Attributes=[{"Value": "x"}])
    assert error_code(lb_error) == "ValidationError"


def test_an_interface_address_entry_without_an_address(vpcsim: Any, account: str) -> None:
    ec2 = vpcsim.client("ec2", "us-east-1", account)
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
    with pytest.raises(ClientError) as refused:
        ec2.create_network_interface(SubnetId=subnet, PrivateIpAddresses=[{"Primary": True}])
    assert error_code(refused) == "InvalidParameterValue"
    assert (
        ec2.describe_network_interfaces(Filters=[{"Name": "subnet-id", "Values": [subnet]}])["NetworkInterfaces"] == []
    )


def test_a_huge_value_gets_a_bounded_error(vpcsim: Any) -> None:
    form = b"Action=CreateVpc&Version=2016-11-15&CidrBlock=" + b"x" * (10 * 1024 * 1024)
    status, body = _send(vpcsim, "POST", "/", form, {"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 400 and b"<Code>" in body and len(body) < 4096


def test_a_body_over_the_limit_is_refused_before_it_is_read(vpcsim: Any) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", vpcsim.port, timeout=60)
    try:
        connection.putrequest("POST", "/")
        connection.putheader("Content-Type", "application/x-www-form-urlencoded")
        connection.putheader("Content-Length", str(100 * 1024 * 1024))
        connection.endheaders(b"Action=DescribeVpcs&Version=2016-11-15&")  # the rest is never sent
        response = connection.getresponse()
        assert response.status == 413 and b"RequestEntityTooLarge" in response.read()
    finally:
        connection.close()
    assert _send(vpcsim, "GET", "/_vpcsim/health")[0] == 200


def test_too_many_parameters(vpcsim: Any) -> None:
    form = b"Action=DescribeVpcs&Version=2016-11-15&" + b"&".join(b"VpcId.%d=vpc-1" % i for i in range(20_000))
    status, body = _send(vpcsim, "POST", "/", form, {"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 400 and b"InvalidParameterValue" in body and b"more than 10000 parameters" in body
