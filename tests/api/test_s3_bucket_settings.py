"""S3 bucket sub-resources through boto3 (path style) and the AWS CLI: what a new bucket reads as, what a Put sets
and a Delete removes, and the errors S3 answers, as Terraform's aws_s3_bucket refresh and its aws_s3_bucket_*
resources use them."""

from __future__ import annotations

import json
import uuid
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from tests.conftest import Cli, error_code
from vpcsim.testing import Server


def _s3(server: Server, account: str, region: str = "eu-west-2") -> Any:
    return boto3.client(
        "s3",
        region_name=region,
        endpoint_url=server.url,
        aws_access_key_id=account,
        aws_secret_access_key="vpcsim",
        config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1}),
    )


def _bucket(s3: Any, prefix: str = "settings", **extra: Any) -> str:
    name = f"{prefix}-{uuid.uuid4().hex[:12]}"
    s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": "eu-west-2"}, **extra)
    return name


def _failure(call: Any, **kwargs: Any) -> tuple[str, int, str]:
    with pytest.raises(ClientError) as excinfo:
        call(**kwargs)
    response = excinfo.value.response
    return error_code(excinfo), response["ResponseMetadata"]["HTTPStatusCode"], str(response["Error"]["Message"])


def _body(response: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in response.items() if k != "ResponseMetadata"}


@pytest.fixture
def s3(vpcsim: Server, account: str) -> Any:
    return _s3(vpcsim, account)


def test_a_new_bucket_reads_as_aws_answers_since_2023(s3: Any, account: str) -> None:
    name = _bucket(s3)
    acl = _body(s3.get_bucket_acl(Bucket=name))
    owner = acl["Owner"]["ID"]
    assert len(owner) == 64
    assert acl["Grants"] == [{"Grantee": {"ID": owner, "Type": "CanonicalUser"}, "Permission": "FULL_CONTROL"}]
    assert _body(s3.get_bucket_versioning(Bucket=name)) == {}
    assert s3.get_bucket_encryption(Bucket=name)["ServerSideEncryptionConfiguration"] == {
        "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}, "BucketKeyEnabled": False}]
    }
    assert s3.get_bucket_ownership_controls(Bucket=name)["OwnershipControls"] == {
        "Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]
    }
    assert set(s3.get_public_access_block(Bucket=name)["PublicAccessBlockConfiguration"].values()) == {True}
    assert _body(s3.get_bucket_logging(Bucket=name)) == {}
    assert _body(s3.get_bucket_accelerate_configuration(Bucket=name)) == {}
    assert s3.get_bucket_request_payment(Bucket=name)["Payer"] == "BucketOwner"
    assert s3.get_bucket_location(Bucket=name)["LocationConstraint"] == "eu-west-2"
    assert s3.head_bucket(Bucket=name)["BucketRegion"] == "eu-west-2"


@pytest.mark.parametrize(
    ("call", "code"),
    [
        ("get_bucket_cors", "NoSuchCORSConfiguration"),
        ("get_bucket_lifecycle_configuration", "NoSuchLifecycleConfiguration"),
        ("get_bucket_tagging", "NoSuchTagSet"),
        ("get_bucket_website", "NoSuchWebsiteConfiguration"),
        ("get_object_lock_configuration", "ObjectLockConfigurationNotFoundError"),
        ("get_bucket_replication", "ReplicationConfigurationNotFoundError"),
        ("get_bucket_policy", "NoSuchBucketPolicy"),
    ],
)
def test_what_a_new_bucket_lacks_is_not_found(s3: Any, call: str, code: str) -> None:
    name = _bucket(s3)
    assert _failure(getattr(s3, call), Bucket=name)[:2] == (code, 404)
    assert _failure(getattr(s3, call), Bucket=f"missing-{name}")[:2] == ("NoSuchBucket", 404)


def test_tagging(s3: Any) -> None:
    name = _bucket(s3)
    tags = [{"Key": "team", "Value": "net"}, {"Key": "env", "Value": ""}]
    s3.put_bucket_tagging(Bucket=name, Tagging={"TagSet": tags})
    assert s3.get_bucket_tagging(Bucket=name)["TagSet"] == tags
    for bad, problem in [
        ([{"Key": "a", "Value": "1"}, {"Key": "a", "Value": "2"}], "same key"),
        ([{"Key": "aws:x", "Value": "1"}], "aws:"),
        ([{"Key": f"k{n}", "Value": "v"} for n in range(51)], "50"),
        ([{"Key": "k", "Value": "v" * 257}], "TagValue"),
    ]:
        code, status, message = _failure(s3.put_bucket_tagging, Bucket=name, Tagging={"TagSet": bad})
        assert (code, status, problem in message) == ("InvalidTag", 400, True)
    assert s3.get_bucket_tagging(Bucket=name)["TagSet"] == tags  # a refused Put changed nothing
    assert s3.delete_bucket_tagging(Bucket=name)["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert _failure(s3.get_bucket_tagging, Bucket=name)[0] == "NoSuchTagSet"


def test_versioning_encryption_acceleration_payment(s3: Any) -> None:
    name = _bucket(s3)
    s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
    assert _body(s3.get_bucket_versioning(Bucket=name)) == {"Status": "Enabled"}
    s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Suspended", "MFADelete": "Disabled"})
    assert _body(s3.get_bucket_versioning(Bucket=name)) == {"Status": "Suspended", "MFADelete": "Disabled"}
    kms = {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": "arn:aws:kms:eu-west-2:111122223333:key/abc"}
    s3.put_bucket_encryption(
        Bucket=name,
        ServerSideEncryptionConfiguration={
            "Rules": [{"ApplyServerSideEncryptionByDefault": kms, "BucketKeyEnabled": True}]
        },
    )
    rule = s3.get_bucket_encryption(Bucket=name)["ServerSideEncryptionConfiguration"]["Rules"][0]
    assert rule == {"ApplyServerSideEncryptionByDefault": kms, "BucketKeyEnabled": True}
    aes_with_key = {"SSEAlgorithm": "AES256", "KMSMasterKeyID": "k"}
    code, _, _ = _failure(
        s3.put_bucket_encryption,
        Bucket=name,
        ServerSideEncryptionConfiguration={"Rules": [{"ApplyServerSideEncryptionByDefault": aes_with_key}]},
    )
    assert code == "InvalidArgument"
    s3.delete_bucket_encryption(Bucket=name)  # back to SSE-S3, never "not found"
    rule = s3.get_bucket_encryption(Bucket=name)["ServerSideEncryptionConfiguration"]["Rules"][0]
    assert rule["ApplyServerSideEncryptionByDefault"] == {"SSEAlgorithm": "AES256"}
    s3.put_bucket_accelerate_configuration(Bucket=name, AccelerateConfiguration={"Status": "Enabled"})
    assert s3.get_bucket_accelerate_configuration(Bucket=name)["Status"] == "Enabled"
    s3.put_bucket_request_payment(Bucket=name, RequestPaymentConfiguration={"Payer": "Requester"})
    assert s3.get_bucket_request_payment(Bucket=name)["Payer"] == "Requester"
    dotted = _bucket(s3, "with.dots")
    code, _, message = _failure(
        s3.put_bucket_accelerate_configuration, Bucket=dotted, AccelerateConfiguration={"Status": "Enabled"}
    )
    assert (code, "periods" in message) == ("InvalidRequest", True)


def test_public_access_block_and_ownership(s3: Any) -> None:
    name = _bucket(s3)
    s3.put_public_access_block(Bucket=name, PublicAccessBlockConfiguration={"BlockPublicPolicy": True})
    assert s3.get_public_access_block(Bucket=name)["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": False,
        "IgnorePublicAcls": False,
        "BlockPublicPolicy": True,
        "RestrictPublicBuckets": False,
    }
    s3.delete_public_access_block(Bucket=name)
    assert _failure(s3.get_public_access_block, Bucket=name)[:2] == ("NoSuchPublicAccessBlockConfiguration", 404)
    # ACLs are disabled until ownership stops being enforced.
    assert _failure(s3.put_bucket_acl, Bucket=name, ACL="public-read")[:2] == ("AccessControlListNotSupported", 400)
    s3.put_bucket_acl(Bucket=name, ACL="private")  # the owner's full control: accepted
    s3.put_bucket_ownership_controls(
        Bucket=name, OwnershipControls={"Rules": [{"ObjectOwnership": "BucketOwnerPreferred"}]}
    )
    s3.put_bucket_acl(Bucket=name, ACL="public-read")
    groups = [g["Grantee"].get("URI") for g in s3.get_bucket_acl(Bucket=name)["Grants"]]
    assert groups == [None, "http://acs.amazonaws.com/groups/global/AllUsers"]
    code, _, _ = _failure(
        s3.put_bucket_ownership_controls,
        Bucket=name,
        OwnershipControls={"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]},
    )
    assert code == "InvalidBucketAclWithObjectOwnership"
    s3.delete_bucket_ownership_controls(Bucket=name)
    assert _failure(s3.get_bucket_ownership_controls, Bucket=name)[:2] == ("OwnershipControlsNotFoundError", 404)


def test_acls_with_grants_and_block_public_acls(s3: Any, account: str) -> None:
    name = _bucket(s3, ObjectOwnership="ObjectWriter")
    owner = s3.get_bucket_acl(Bucket=name)["Owner"]
    # Block Public Access is on: a public ACL is refused, a grant to a canonical user is not.
    assert _failure(s3.put_bucket_acl, Bucket=name, ACL="public-read")[:2] == ("AccessDenied", 403)
    other = "a" * 64
    s3.put_bucket_acl(Bucket=name, GrantRead=f'id="{other}"', GrantFullControl=f'id="{owner["ID"]}"')
    grants = s3.get_bucket_acl(Bucket=name)["Grants"]
    assert {(g["Grantee"]["ID"], g["Permission"]) for g in grants} == {(owner["ID"], "FULL_CONTROL"), (other, "READ")}
    policy = {
        "Owner": owner,
        "Grants": [
            {"Grantee": {"ID": owner["ID"], "Type": "CanonicalUser"}, "Permission": "FULL_CONTROL"},
            {"Grantee": {"ID": other, "Type": "CanonicalUser"}, "Permission": "WRITE"},
        ],
    }
    s3.put_bucket_acl(Bucket=name, AccessControlPolicy=policy)
    assert s3.get_bucket_acl(Bucket=name)["Grants"] == policy["Grants"]
    where = {"LocationConstraint": "eu-west-2"}
    code = _failure(s3.create_bucket, Bucket=f"acl-{name}", ACL="public-read", CreateBucketConfiguration=where)[0]
    assert code == "InvalidBucketAclWithObjectOwnership"


def test_cors_lifecycle_website(s3: Any) -> None:
    name = _bucket(s3)
    cors = [{"AllowedMethods": ["GET", "PUT"], "AllowedOrigins": ["https://example.com"], "MaxAgeSeconds": 300}]
    s3.put_bucket_cors(Bucket=name, CORSConfiguration={"CORSRules": cors})
    assert s3.get_bucket_cors(Bucket=name)["CORSRules"] == cors
    bad = [{"AllowedMethods": ["PATCH"], "AllowedOrigins": ["*"]}]
    code, _, message = _failure(s3.put_bucket_cors, Bucket=name, CORSConfiguration={"CORSRules": bad})
    assert (code, message.endswith("PATCH")) == ("InvalidRequest", True)
    s3.delete_bucket_cors(Bucket=name)
    assert _failure(s3.get_bucket_cors, Bucket=name)[0] == "NoSuchCORSConfiguration"
    rules = [{"ID": "logs", "Status": "Enabled", "Filter": {"Prefix": "logs/"}, "Expiration": {"Days": 30}}]
    put = s3.put_bucket_lifecycle_configuration(Bucket=name, LifecycleConfiguration={"Rules": rules})
    assert put["TransitionDefaultMinimumObjectSize"] == "all_storage_classes_128K"
    got = s3.get_bucket_lifecycle_configuration(Bucket=name)
    assert (got["Rules"], got["TransitionDefaultMinimumObjectSize"]) == (rules, "all_storage_classes_128K")
    no_action = [{"ID": "x", "Status": "Enabled", "Filter": {}}]
    code = _failure(s3.put_bucket_lifecycle_configuration, Bucket=name, LifecycleConfiguration={"Rules": no_action})[0]
    assert code == "InvalidRequest"
    s3.delete_bucket_lifecycle(Bucket=name)
    assert _failure(s3.get_bucket_lifecycle_configuration, Bucket=name)[0] == "NoSuchLifecycleConfiguration"
    site = {"IndexDocument": {"Suffix": "index.html"}, "ErrorDocument": {"Key": "error.html"}}
    s3.put_bucket_website(Bucket=name, WebsiteConfiguration=site)
    assert _body(s3.get_bucket_website(Bucket=name)) == site
    code, _, message = _failure(
        s3.put_bucket_website, Bucket=name, WebsiteConfiguration={"ErrorDocument": {"Key": "e"}}
    )
    assert (code, "IndexDocument" in message) == ("InvalidArgument", True)
    s3.delete_bucket_website(Bucket=name)
    assert _failure(s3.get_bucket_website, Bucket=name)[0] == "NoSuchWebsiteConfiguration"


def test_logging_replication_object_lock(s3: Any, vpcsim: Server) -> None:
    name, target = _bucket(s3), _bucket(s3, "logs")
    logging = {"TargetBucket": target, "TargetPrefix": "access/"}
    s3.put_bucket_logging(Bucket=name, BucketLoggingStatus={"LoggingEnabled": logging})
    assert s3.get_bucket_logging(Bucket=name)["LoggingEnabled"] == logging
    missing = {"LoggingEnabled": {"TargetBucket": f"none-{target}", "TargetPrefix": ""}}
    assert (
        _failure(s3.put_bucket_logging, Bucket=name, BucketLoggingStatus=missing)[0] == "InvalidTargetBucketForLogging"
    )
    s3.put_bucket_logging(Bucket=name, BucketLoggingStatus={})
    assert "LoggingEnabled" not in s3.get_bucket_logging(Bucket=name)
    replication = {
        "Role": "arn:aws:iam::111122223333:role/replication",
        "Rules": [
            {
                "ID": "all",
                "Priority": 1,
                "Status": "Enabled",
                "Filter": {},
                "Destination": {"Bucket": f"arn:aws:s3:::{target}"},
                "DeleteMarkerReplication": {"Status": "Disabled"},
            }
        ],
    }
    code, _, message = _failure(s3.put_bucket_replication, Bucket=name, ReplicationConfiguration=replication)
    assert (code, "Versioning must be 'Enabled'" in message) == ("InvalidRequest", True)
    s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
    code, _, message = _failure(s3.put_bucket_replication, Bucket=name, ReplicationConfiguration=replication)
    assert (code, message) == ("InvalidRequest", "Destination bucket must have versioning enabled.")
    s3.put_bucket_versioning(Bucket=target, VersioningConfiguration={"Status": "Enabled"})
    s3.put_bucket_replication(Bucket=name, ReplicationConfiguration=replication)
    assert s3.get_bucket_replication(Bucket=name)["ReplicationConfiguration"] == replication
    s3.delete_bucket_replication(Bucket=name)
    assert _failure(s3.get_bucket_replication, Bucket=name)[0] == "ReplicationConfigurationNotFoundError"
    locked = _bucket(s3, "locked", ObjectLockEnabledForBucket=True)
    assert s3.get_object_lock_configuration(Bucket=locked)["ObjectLockConfiguration"] == {
        "ObjectLockEnabled": "Enabled"
    }
    assert s3.get_bucket_versioning(Bucket=locked)["Status"] == "Enabled"
    assert _failure(s3.put_bucket_versioning, Bucket=locked, VersioningConfiguration={"Status": "Suspended"})[:2] == (
        "InvalidBucketState",
        409,
    )
    retention = {"ObjectLockEnabled": "Enabled", "Rule": {"DefaultRetention": {"Mode": "GOVERNANCE", "Days": 1}}}
    s3.put_object_lock_configuration(Bucket=locked, ObjectLockConfiguration=retention)
    assert s3.get_object_lock_configuration(Bucket=locked)["ObjectLockConfiguration"] == retention
    plain = _bucket(s3)
    assert _failure(
        s3.put_object_lock_configuration, Bucket=plain, ObjectLockConfiguration={"ObjectLockEnabled": "Enabled"}
    )[:2] == ("InvalidBucketState", 409)


def test_emptying_and_deleting_a_bucket(s3: Any) -> None:
    name = _bucket(s3)
    listing = s3.list_objects_v2(Bucket=name, Prefix="logs/")
    assert (listing["KeyCount"], listing["IsTruncated"], listing["Prefix"], "Contents" in listing) == (
        0,
        False,
        "logs/",
        False,
    )
    assert "Versions" not in s3.list_object_versions(Bucket=name)
    assert s3.delete_object(Bucket=name, Key="a/b.txt")["ResponseMetadata"]["HTTPStatusCode"] == 204
    deleted = s3.delete_objects(Bucket=name, Delete={"Objects": [{"Key": "a"}, {"Key": "b", "VersionId": "v1"}]})
    assert deleted["Deleted"] == [{"Key": "a"}, {"Key": "b", "VersionId": "v1"}]
    s3.delete_bucket(Bucket=name)
    assert _failure(s3.head_bucket, Bucket=name)[1] == 404
    assert _failure(s3.list_objects_v2, Bucket=name)[0] == "NoSuchBucket"


def test_locations(vpcsim: Server, account: str) -> None:
    east = _s3(vpcsim, account, "us-east-1")
    name = f"east-{uuid.uuid4().hex[:12]}"
    east.create_bucket(Bucket=name)
    assert east.get_bucket_location(Bucket=name)["LocationConstraint"] is None
    eu = f"eu-{uuid.uuid4().hex[:12]}"
    east.create_bucket(Bucket=eu, CreateBucketConfiguration={"LocationConstraint": "EU"})
    assert east.get_bucket_location(Bucket=eu)["LocationConstraint"] == "EU"


def test_other_accounts_need_the_bucket_policy(vpcsim: Server, s3: Any, account: str) -> None:
    name = _bucket(s3)
    stranger_id = str((int(account) + 7) % 10**12).zfill(12)
    stranger = _s3(vpcsim, stranger_id)
    assert _failure(stranger.get_bucket_versioning, Bucket=name)[:2] == ("AccessDenied", 403)
    grant = {
        "Effect": "Allow",
        "Principal": {"AWS": f"arn:aws:iam::{stranger_id}:root"},
        "Action": ["s3:GetBucketVersioning"],
        "Resource": f"arn:aws:s3:::{name}",
    }
    s3.put_bucket_policy(Bucket=name, Policy=json.dumps({"Version": "2012-10-17", "Statement": [grant]}))
    assert _body(stranger.get_bucket_versioning(Bucket=name)) == {}
    assert _failure(stranger.get_bucket_tagging, Bucket=name)[:2] == ("AccessDenied", 403)


def test_cli_tagging_and_versioning(aws: Cli) -> None:
    name = f"cli-{uuid.uuid4().hex[:12]}"
    aws("s3api", "create-bucket", "--bucket", name)
    aws("s3api", "put-bucket-tagging", "--bucket", name, "--tagging", "TagSet=[{Key=a,Value=b}]")
    assert aws("s3api", "get-bucket-tagging", "--bucket", name)["TagSet"] == [{"Key": "a", "Value": "b"}]
    assert aws.error("s3api", "get-bucket-website", "--bucket", name) == "NoSuchWebsiteConfiguration"
    assert aws("s3api", "get-bucket-location", "--bucket", name) == {"LocationConstraint": None}
