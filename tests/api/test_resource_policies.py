"""S3 bucket policies and DynamoDB resource policies through the real wire, with real boto3 and the AWS CLI."""

from __future__ import annotations

import json
import random
import urllib.error
import urllib.request
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from tests.conftest import Cli, error_code
from vpcsim.testing import Server


def _s3(server: Server, account: str, region: str = "us-east-1") -> Any:
    return boto3.client(
        "s3",
        region_name=region,
        endpoint_url=server.url,
        aws_access_key_id=account,
        aws_secret_access_key="vpcsim",
        config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1}),
    )


def _name(prefix: str = "bucket") -> str:
    return f"{prefix}-{random.randrange(16**10):010x}"


def _other(account: str) -> str:
    return str((int(account) + 1) % 10**12).zfill(12)


def _bucket_policy(bucket: str, **changes: Any) -> str:
    statement = {
        "Sid": "OnlyThroughVpce",
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:*",
        "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"],
        "Condition": {"StringNotEquals": {"aws:SourceVpce": "vpce-1a2b3c4d"}},
        **changes,
    }
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


def _failure(call: Any, **kwargs: Any) -> tuple[str, int, dict[str, Any]]:
    with pytest.raises(ClientError) as excinfo:
        call(**kwargs)
    error = excinfo.value.response
    return error_code(excinfo), error["ResponseMetadata"]["HTTPStatusCode"], error["Error"]


# -- S3 buckets ------------------------------------------------------------------------------------------------


def test_bucket_lifecycle(vpcsim: Server, account: str) -> None:
    s3 = _s3(vpcsim, account, "eu-west-2")
    name = _name()
    created = s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": "eu-west-2"})
    assert created["Location"] == f"http://{name}.s3.amazonaws.com/"
    head = s3.head_bucket(Bucket=name)
    assert head["BucketRegion"] == "eu-west-2"
    listed = s3.list_buckets()
    assert [b["Name"] for b in listed["Buckets"]] == [name]
    assert listed["Buckets"][0]["BucketRegion"] == "eu-west-2" and len(listed["Owner"]["ID"]) == 64
    assert _s3(vpcsim, _other(account)).list_buckets()["Buckets"] == []
    deleted = s3.delete_bucket(Bucket=name)
    assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert _failure(s3.head_bucket, Bucket=name)[:2] == ("404", 404)
    assert s3.list_buckets()["Buckets"] == []


def test_list_buckets_pages_and_filters(vpcsim: Server, account: str) -> None:
    s3 = _s3(vpcsim, account)
    names = sorted(_name("page") for _ in range(3))
    for name in names:
        s3.create_bucket(Bucket=name)
    first = s3.list_buckets(MaxBuckets=2)
    assert [b["Name"] for b in first["Buckets"]] == names[:2]
    rest = s3.list_buckets(MaxBuckets=2, ContinuationToken=first["ContinuationToken"])
    assert [b["Name"] for b in rest["Buckets"]] == names[2:] and "ContinuationToken" not in rest
    assert [b["Name"] for b in s3.list_buckets(Prefix=names[1])["Buckets"]] == [names[1]]
    assert s3.list_buckets(BucketRegion="eu-west-1")["Buckets"] == []


def test_bucket_names_are_global(vpcsim: Server, account: str) -> None:
    name = _name()
    mine, theirs = _s3(vpcsim, account), _s3(vpcsim, _other(account))
    mine.create_bucket(Bucket=name)
    code, status, error = _failure(theirs.create_bucket, Bucket=name)
    assert (code, status, error["BucketName"]) == ("BucketAlreadyExists", 409, name)
    # S3's legacy answer in us-east-1: re-creating your own bucket succeeds.
    assert mine.create_bucket(Bucket=name)["Location"] == f"/{name}"
    london = _s3(vpcsim, account, "eu-west-2")
    other = _name()
    london.create_bucket(Bucket=other, CreateBucketConfiguration={"LocationConstraint": "eu-west-2"})
    code, status, _ = _failure(
        london.create_bucket, Bucket=other, CreateBucketConfiguration={"LocationConstraint": "eu-west-2"}
    )
    assert (code, status) == ("BucketAlreadyOwnedByYou", 409)
    assert len(theirs.list_buckets()["Buckets"]) == 0


@pytest.mark.parametrize(
    ("region", "kwargs", "code"),
    [
        ("us-east-1", {"Bucket": "ab"}, "InvalidBucketName"),
        ("us-east-1", {"Bucket": "Upper-Case-Name"}, "InvalidBucketName"),
        ("us-east-1", {"Bucket": "192.168.5.4"}, "InvalidBucketName"),
        ("us-east-1", {"Bucket": "double..dots"}, "InvalidBucketName"),
        ("eu-west-2", {"Bucket": "no-constraint-given"}, "IllegalLocationConstraintException"),
        (
            "eu-west-2",
            {"Bucket": "wrong-constraint", "CreateBucketConfiguration": {"LocationConstraint": "eu-west-1"}},
            "IllegalLocationConstraintException",
        ),
        (
            "us-east-1",
            {"Bucket": "explicit-us-east-1", "CreateBucketConfiguration": {"LocationConstraint": "us-east-1"}},
            "InvalidLocationConstraint",
        ),
        (
            "us-east-1",
            {"Bucket": "unknown-region", "CreateBucketConfiguration": {"LocationConstraint": "mars-north-1"}},
            "InvalidLocationConstraint",
        ),
    ],
)
def test_create_bucket_refusals(vpcsim: Server, account: str, region: str, kwargs: dict[str, Any], code: str) -> None:
    s3 = _s3(vpcsim, account, region)
    kwargs = {**kwargs, "Bucket": kwargs["Bucket"] if code == "InvalidBucketName" else _name(kwargs["Bucket"])}
    assert _failure(s3.create_bucket, **kwargs)[:2] == (code, 400)
    assert s3.list_buckets()["Buckets"] == []


def test_us_east_1_creates_buckets_in_any_region(vpcsim: Server, account: str) -> None:
    s3 = _s3(vpcsim, account)
    name = _name()
    s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": "EU"})
    assert s3.head_bucket(Bucket=name)["BucketRegion"] == "eu-west-1"


def test_bucket_policy_round_trip(vpcsim: Server, account: str) -> None:
    s3 = _s3(vpcsim, account)
    name = _name()
    s3.create_bucket(Bucket=name)
    code, status, error = _failure(s3.get_bucket_policy, Bucket=name)
    assert (code, status, error["Message"], error["BucketName"]) == (
        "NoSuchBucketPolicy",
        404,
        "The bucket policy does not exist",
        name,
    )
    policy = _bucket_policy(name)
    s3.put_bucket_policy(Bucket=name, Policy=policy)
    assert s3.get_bucket_policy(Bucket=name)["Policy"] == policy  # stored exactly as given
    deleted = s3.delete_bucket_policy(Bucket=name)
    assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert _failure(s3.get_bucket_policy, Bucket=name)[:2] == ("NoSuchBucketPolicy", 404)
    assert s3.delete_bucket_policy(Bucket=name)["ResponseMetadata"]["HTTPStatusCode"] == 204


@pytest.mark.parametrize(
    ("policy", "message"),
    [
        ("not json", "first byte must be '{'"),
        ('{"Statement": [', "not valid JSON"),
        ({"Principal": None}, "Missing required field Principal"),
        ({"Principal": {"AWS": "not-an-account"}}, "Invalid principal in policy"),
        ({"Action": "ec2:RunInstances"}, "Policy has invalid action"),
        ({"Resource": "arn:aws:s3:::somebody-elses-bucket/*"}, "Policy has invalid resource"),
        ({"Effect": "Perhaps"}, "Effect must be Allow or Deny"),
        ({"Condition": {"StringMaybe": {"aws:SourceVpce": "vpce-1"}}}, "invalid condition operator"),
        ({"Sid": "x" * 21_000}, "maximum allowed document size"),
    ],
)
def test_malformed_bucket_policies_change_nothing(
    vpcsim: Server, account: str, policy: str | dict[str, Any], message: str
) -> None:
    s3 = _s3(vpcsim, account)
    name = _name()
    s3.create_bucket(Bucket=name)
    good = _bucket_policy(name)
    s3.put_bucket_policy(Bucket=name, Policy=good)
    if isinstance(policy, dict):
        changes = {k: v for k, v in policy.items() if v is not None}
        document = json.loads(_bucket_policy(name, **changes))
        if "Principal" in policy and policy["Principal"] is None:
            del document["Statement"][0]["Principal"]
        policy = json.dumps(document)
    code, status, error = _failure(s3.put_bucket_policy, Bucket=name, Policy=policy)
    assert (code, status) == ("MalformedPolicy", 400)
    assert message in error["Message"]
    assert s3.get_bucket_policy(Bucket=name)["Policy"] == good


def test_missing_buckets(vpcsim: Server, account: str) -> None:
    s3 = _s3(vpcsim, account)
    name = _name("missing")
    for call, kwargs in (
        (s3.get_bucket_policy, {}),
        (s3.put_bucket_policy, {"Policy": _bucket_policy(name)}),
        (s3.delete_bucket_policy, {}),
        (s3.delete_bucket, {}),
    ):
        code, status, error = _failure(call, Bucket=name, **kwargs)
        assert (code, status, error["Message"], error["BucketName"]) == (
            "NoSuchBucket",
            404,
            "The specified bucket does not exist",
            name,
        )


def test_other_accounts_and_expected_owner(vpcsim: Server, account: str) -> None:
    owner, stranger = _s3(vpcsim, account), _s3(vpcsim, _other(account))
    name = _name()
    owner.create_bucket(Bucket=name)
    assert _failure(stranger.get_bucket_policy, Bucket=name)[:2] == ("AccessDenied", 403)
    assert _failure(stranger.head_bucket, Bucket=name)[:2] == ("403", 403)
    assert _failure(stranger.delete_bucket, Bucket=name)[:2] == ("AccessDenied", 403)
    grant = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": _other(account)},
                "Action": ["s3:ListBucket", "s3:GetBucketPolicy"],
                "Resource": f"arn:aws:s3:::{name}",
            }
        ],
    }
    owner.put_bucket_policy(Bucket=name, Policy=json.dumps(grant))
    assert stranger.head_bucket(Bucket=name)["BucketRegion"] == "us-east-1"
    # Only the owner's account may manage the policy, even when the policy grants it (S3: 405).
    assert _failure(stranger.get_bucket_policy, Bucket=name)[:2] == ("MethodNotAllowed", 405)
    code, status, _ = _failure(owner.get_bucket_policy, Bucket=name, ExpectedBucketOwner=_other(account))
    assert (code, status) == ("AccessDenied", 403)
    assert owner.get_bucket_policy(Bucket=name, ExpectedBucketOwner=account)["Policy"]


def _raw(
    server: Server, method: str, path: str, account: str, service: str, body: str = "", **headers: str
) -> tuple[int, bytes]:
    scope = f"Credential={account}/20260101/us-east-1/{service}/aws4_request"
    signed = {"Authorization": f"AWS4-HMAC-SHA256 {scope}, SignedHeaders=host, Signature=00", **headers}
    data = body.encode() or None
    request = urllib.request.Request(server.url + path, data=data, method=method, headers=signed)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def test_s3_error_document_and_virtual_host_style(vpcsim: Server, account: str) -> None:
    name = _name()
    status, body = _raw(vpcsim, "GET", f"/{name}?policy", account, "s3")
    text = body.decode()
    assert status == 404
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>NoSuchBucket</Code>')
    assert f"<Message>The specified bucket does not exist</Message><BucketName>{name}</BucketName><RequestId>" in text
    port = vpcsim.url.rsplit(":", 1)[1]
    status, _ = _raw(vpcsim, "PUT", "/", account, "s3", Host=f"{name}.localhost:{port}")
    assert status == 200
    assert [b["Name"] for b in _s3(vpcsim, account).list_buckets()["Buckets"]] == [name]
    status, body = _raw(vpcsim, "GET", "/?policy", account, "s3", Host=f"{name}.localhost:{port}")
    assert status == 404 and b"<Code>NoSuchBucketPolicy</Code>" in body
    status, body = _raw(vpcsim, "PATCH", f"/{name}", account, "s3")
    assert status == 405


def test_unimplemented_s3_operations_say_so(vpcsim: Server, account: str) -> None:
    s3 = _s3(vpcsim, account)
    name = _name()
    s3.create_bucket(Bucket=name)
    code, status, error = _failure(s3.get_bucket_analytics_configuration, Bucket=name, Id="all")
    assert (code, status) == ("UnsupportedOperation", 400) and "GetBucketAnalyticsConfiguration" in error["Message"]


def test_cli_bucket_policy(vpcsim: Server, account: str, aws: Cli) -> None:
    name = _name("cli")
    aws("s3api", "create-bucket", "--bucket", name)
    policy = _bucket_policy(name)
    aws("s3api", "put-bucket-policy", "--bucket", name, "--policy", policy)
    assert aws("s3api", "get-bucket-policy", "--bucket", name) == {"Policy": policy}
    assert aws.error("s3api", "put-bucket-policy", "--bucket", name, "--policy", "{}") == "MalformedPolicy"
    aws("s3api", "delete-bucket-policy", "--bucket", name)
    assert aws.error("s3api", "get-bucket-policy", "--bucket", name) == "NoSuchBucketPolicy"


# -- DynamoDB tables -------------------------------------------------------------------------------------------

_KEYS = {
    "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
    "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
}


def _table_policy(arn: str, principal: str = "*", action: str | list[str] = "dynamodb:GetItem") -> str:
    statement = {"Sid": "Read", "Effect": "Allow", "Principal": {"AWS": principal}, "Action": action, "Resource": arn}
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


def _table(ddb: Any, name: str | None = None, **extra: Any) -> dict[str, Any]:
    created = ddb.create_table(TableName=name or _name("table"), BillingMode="PAY_PER_REQUEST", **_KEYS, **extra)
    return dict(created["TableDescription"])


def test_table_lifecycle(vpcsim: Server, account: str) -> None:
    ddb = vpcsim.client("dynamodb", "eu-west-2", account)
    table = _table(ddb, "orders")
    assert table["TableArn"] == f"arn:aws:dynamodb:eu-west-2:{account}:table/orders"
    assert table["TableStatus"] == "CREATING" and table["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    assert ddb.describe_table(TableName="orders")["Table"]["TableStatus"] == "ACTIVE"
    assert ddb.describe_table(TableName=table["TableArn"])["Table"]["TableName"] == "orders"
    provisioned = ddb.create_table(
        TableName="items", ProvisionedThroughput={"ReadCapacityUnits": 5, "WriteCapacityUnits": 2}, **_KEYS
    )["TableDescription"]
    assert provisioned["ProvisionedThroughput"]["ReadCapacityUnits"] == 5
    assert ddb.list_tables()["TableNames"] == ["items", "orders"]
    page = ddb.list_tables(Limit=1)
    assert (page["TableNames"], page["LastEvaluatedTableName"]) == (["items"], "items")
    assert ddb.list_tables(ExclusiveStartTableName="items")["TableNames"] == ["orders"]
    assert vpcsim.client("dynamodb", "eu-west-1", account).list_tables()["TableNames"] == []
    assert ddb.delete_table(TableName="orders")["TableDescription"]["TableStatus"] == "DELETING"
    code, status, error = _failure(ddb.describe_table, TableName="orders")
    assert (code, status, error["Message"]) == (
        "ResourceNotFoundException",
        400,
        "Requested resource not found: Table: orders not found",
    )


@pytest.mark.parametrize(
    ("kwargs", "code", "fragment"),
    [
        ({"TableName": "t-no-keys"}, "ValidationException", "Value null at 'attributeDefinitions'"),
        ({"TableName": "a", **_KEYS, "BillingMode": "PAY_PER_REQUEST"}, "ValidationException", "regular expression"),
        ({"TableName": "t-provisioned", **_KEYS}, "ValidationException", "must both be specified"),
        (
            {
                "TableName": "t-hash",
                **_KEYS,
                "BillingMode": "PAY_PER_REQUEST",
                "KeySchema": [{"AttributeName": "pk", "KeyType": "RANGE"}],
            },
            "ValidationException",
            "not a HASH key type",
        ),
        (
            {
                "TableName": "t-undefined",
                **_KEYS,
                "BillingMode": "PAY_PER_REQUEST",
                "KeySchema": [{"AttributeName": "sk", "KeyType": "HASH"}],
            },
            "ValidationException",
            "not defined in AttributeDefinitions",
        ),
        ({"TableName": "t-mode", **_KEYS, "BillingMode": "SOMETIMES"}, "ValidationException", "enum value set"),
    ],
)
def test_create_table_refusals(vpcsim: Server, account: str, kwargs: dict[str, Any], code: str, fragment: str) -> None:
    ddb = boto3.client(
        "dynamodb",
        region_name="us-east-1",
        endpoint_url=vpcsim.url,
        aws_access_key_id=account,
        aws_secret_access_key="vpcsim",
        config=Config(parameter_validation=False, retries={"max_attempts": 1}),
    )
    got, status, error = _failure(ddb.create_table, **kwargs)
    assert (got, status) == (code, 400) and fragment in error["Message"]
    assert ddb.list_tables()["TableNames"] == []


def test_table_names_are_per_account_and_region(vpcsim: Server, account: str) -> None:
    ddb = vpcsim.client("dynamodb", "us-east-1", account)
    _table(ddb, "shared-name")
    assert _failure(_table, ddb=ddb, name="shared-name")[:2] == ("ResourceInUseException", 400)
    _table(vpcsim.client("dynamodb", "us-east-1", _other(account)), "shared-name")
    _table(vpcsim.client("dynamodb", "eu-west-2", account), "shared-name")


def test_resource_policy_round_trip(vpcsim: Server, account: str) -> None:
    ddb = vpcsim.client("dynamodb", "us-east-1", account)
    arn = _table(ddb)["TableArn"]
    code, status, error = _failure(ddb.get_resource_policy, ResourceArn=arn)
    assert (code, status) == ("PolicyNotFoundException", 400) and arn in error["Message"]
    policy = _table_policy(arn)
    revision = ddb.put_resource_policy(ResourceArn=arn, Policy=policy)["RevisionId"]
    got = ddb.get_resource_policy(ResourceArn=arn)
    assert (got["Policy"], got["RevisionId"]) == (policy, revision)
    assert ddb.put_resource_policy(ResourceArn=arn, Policy=policy)["RevisionId"] == revision  # idempotent
    newer = ddb.put_resource_policy(ResourceArn=arn, Policy=_table_policy(arn, action="dynamodb:Query"))["RevisionId"]
    assert newer != revision
    assert _failure(ddb.delete_resource_policy, ResourceArn=arn, ExpectedRevisionId=revision)[:2] == (
        "PolicyNotFoundException",
        400,
    )
    assert ddb.delete_resource_policy(ResourceArn=arn, ExpectedRevisionId=newer)["RevisionId"] == newer
    assert _failure(ddb.get_resource_policy, ResourceArn=arn)[0] == "PolicyNotFoundException"
    assert _failure(ddb.delete_resource_policy, ResourceArn=arn)[0] == "PolicyNotFoundException"


def test_resource_policy_revisions_and_refusals_change_nothing(vpcsim: Server, account: str) -> None:
    ddb = vpcsim.client("dynamodb", "us-east-1", account)
    arn = _table(ddb)["TableArn"]
    first = ddb.put_resource_policy(ResourceArn=arn, Policy=_table_policy(arn), ExpectedRevisionId="NO_POLICY")
    assert _failure(
        ddb.put_resource_policy,
        ResourceArn=arn,
        Policy=_table_policy(arn, "111111111111"),
        ExpectedRevisionId="NO_POLICY",
    )[:2] == ("PolicyNotFoundException", 400)
    for bad in (
        "not json",
        json.dumps({"Statement": [{"Effect": "Allow", "Action": "dynamodb:*", "Resource": arn}]}),
        _table_policy(arn, action="s3:GetObject"),
        _table_policy("arn:aws:dynamodb:us-east-1:123456789012:table/other"),
    ):
        assert _failure(ddb.put_resource_policy, ResourceArn=arn, Policy=bad)[:2] == ("ValidationException", 400)
    assert ddb.get_resource_policy(ResourceArn=arn)["RevisionId"] == first["RevisionId"]
    assert ddb.get_resource_policy(ResourceArn=arn)["Policy"] == _table_policy(arn)
    missing = arn.rsplit("/", 1)[0] + "/missing"
    assert _failure(ddb.put_resource_policy, ResourceArn=missing, Policy=_table_policy(missing))[:2] == (
        "ResourceNotFoundException",
        400,
    )


def test_create_table_with_a_resource_policy(vpcsim: Server, account: str) -> None:
    ddb = vpcsim.client("dynamodb", "us-east-1", account)
    name = _name("table")
    arn = f"arn:aws:dynamodb:us-east-1:{account}:table/{name}"
    _table(ddb, name, ResourcePolicy=_table_policy(arn))
    assert ddb.get_resource_policy(ResourceArn=arn)["Policy"] == _table_policy(arn)


def test_cross_account_table_access_follows_the_policy(vpcsim: Server, account: str) -> None:
    owner = vpcsim.client("dynamodb", "us-east-1", account)
    stranger = vpcsim.client("dynamodb", "us-east-1", _other(account))
    arn = _table(owner)["TableArn"]
    code, _, error = _failure(stranger.describe_table, TableName=arn)
    assert code == "AccessDeniedException" and "dynamodb:DescribeTable" in error["Message"]
    owner.put_resource_policy(ResourceArn=arn, Policy=_table_policy(arn, _other(account), "dynamodb:DescribeTable"))
    assert stranger.describe_table(TableName=arn)["Table"]["TableArn"] == arn


def test_dynamodb_error_body(vpcsim: Server, account: str) -> None:
    status, body = _raw(
        vpcsim,
        "POST",
        "/",
        account,
        "dynamodb",
        **{"X-Amz-Target": "DynamoDB_20120810.DescribeTable", "Content-Type": "application/x-amz-json-1.0"},
        body='{"TableName": "nothing-here"}',
    )
    assert status == 400
    assert json.loads(body) == {
        "__type": "com.amazonaws.dynamodb.v20120810#ResourceNotFoundException",
        "message": "Requested resource not found: Table: nothing-here not found",
    }
    status, body = _raw(vpcsim, "POST", "/", account, "dynamodb", **{"X-Amz-Target": "DynamoDB_20120810.Nope"})
    assert status == 400 and json.loads(body)["__type"].endswith("#UnknownOperationException")
    status, body = _raw(
        vpcsim, "POST", "/", account, "dynamodb", **{"X-Amz-Target": "DynamoDB_20120810.GetItem"}, body="{}"
    )
    assert status == 400 and json.loads(body)["__type"].endswith("#UnsupportedOperation")
    status, body = _raw(
        vpcsim, "POST", "/", account, "dynamodb", **{"X-Amz-Target": "DynamoDB_20120810.ListTables"}, body="{nope"
    )
    assert status == 400 and json.loads(body)["__type"].endswith("#SerializationException")
