"""The recording proxy names each call as the service model does, and finds the AWS error in each protocol's body."""

from __future__ import annotations

from tests.iac.recorder import describe_call, error_of, rest_operation

SIGNED = "AWS4-HMAC-SHA256 Credential=111122223333/20260101/{region}/{service}/aws4_request, SignedHeaders=host"


def _headers(service: str, region: str = "eu-west-2", **more: str) -> dict[str, str]:
    return {"Authorization": SIGNED.format(region=region, service=service), **more}


def test_query_call_is_named_by_its_action_and_carries_the_error_code() -> None:
    headers = _headers("ec2", **{"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"})
    answer = (
        b"<Response><Errors><Error><Code>UnsupportedOperation</Code><Message>no</Message></Error></Errors></Response>"
    )
    call = describe_call("POST", "/", headers, b"Action=DescribeImages&Version=2016-11-15", 400, answer)
    assert (call.service, call.region, call.account) == ("ec2", "eu-west-2", "111122223333")
    assert (call.operation, call.error, call.message) == ("DescribeImages", "UnsupportedOperation", "no")


def test_classic_elb_is_told_apart_from_elbv2_by_its_version() -> None:
    headers = _headers("elasticloadbalancing", **{"Content-Type": "application/x-www-form-urlencoded"})
    v1 = describe_call("POST", "/", headers, b"Action=DescribeLoadBalancers&Version=2012-06-01", 200, b"")
    v2 = describe_call("POST", "/", headers, b"Action=DescribeLoadBalancers&Version=2015-12-01", 200, b"")
    assert (v1.service, v2.service) == ("elb", "elasticloadbalancing")


def test_json_call_is_named_by_its_target_and_error_type() -> None:
    headers = _headers("dynamodb", **{"X-Amz-Target": "DynamoDB_20120810.DescribeTimeToLive"})
    answer = b'{"__type": "com.amazonaws.dynamodb.v20120810#ResourceNotFoundException", "message": "gone"}'
    call = describe_call("POST", "/", headers, b"{}", 400, answer)
    assert (call.operation, call.error, call.message) == ("DescribeTimeToLive", "ResourceNotFoundException", "gone")


def test_rest_calls_are_named_from_the_model_by_method_path_and_literal_query_keys() -> None:
    assert rest_operation("s3", "GET", "/bucket", {"acl"}) == "GetBucketAcl"
    assert rest_operation("s3", "GET", "/bucket", {"tagging"}) == "GetBucketTagging"
    assert rest_operation("s3", "HEAD", "/bucket", set()) == "HeadBucket"
    assert rest_operation("s3", "PUT", "/bucket/some/key", set()) == "PutObject"
    assert rest_operation("s3", "PUT", "/bucket/some/key", {"partNumber", "uploadId"}) == "UploadPart"
    copy = {"x-amz-copy-source"}
    assert rest_operation("s3", "PUT", "/bucket/some/key", {"partNumber", "uploadId"}, copy) == "UploadPartCopy"
    assert rest_operation("s3", "GET", "/", set()) == "ListBuckets"
    assert rest_operation("route53", "POST", "/2013-04-01/hostedzone", set()) == "CreateHostedZone"
    assert rest_operation("nosuchservice", "GET", "/", set()) is None


def test_an_unnamed_rest_call_keeps_its_method_and_path() -> None:
    call = describe_call("GET", "/2013-04-01/nothing/here", _headers("route53", "us-east-1"), b"", 404, b"Not Found")
    assert (call.operation, call.error, call.message) == ("GET /2013-04-01/nothing/here", "", "Not Found")


def test_error_of_reads_xml_json_and_plain_bodies() -> None:
    assert error_of(b"<Error><Code>NoSuchBucket</Code><Message>m</Message></Error>") == ("NoSuchBucket", "m")
    assert error_of(b'{"code": "ValidationException", "Message": "bad"}') == ("ValidationException", "bad")
    assert error_of(b"Not Found") == ("", "Not Found")
