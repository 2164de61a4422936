"""S3 bucket settings with S3's defaults for a new bucket: versioning, default encryption, Block Public Access,
tagging, logging, Transfer Acceleration and Requester Pays.

Each is a bucket setting (s3_records.py) read back exactly as written, so that a client comparing what it set
with what it reads (Terraform's refresh) sees no difference.

Facts [S3 API Reference for each Get/Put/Delete; S3 User Guide "Setting default server-side encryption behavior",
"Blocking public access", "Using versioning"; Error responses]:
- Versioning of a new bucket is unset: GetBucketVersioning answers no Status. Status is Enabled or Suspended; a
  bucket with Object Lock cannot suspend it (``InvalidBucketState`` 409).
- Every bucket has default encryption since January 2023: SSE-S3 (``AES256``) with ``BucketKeyEnabled`` false;
  DeleteBucketEncryption puts that default back. A KMS key id goes with ``aws:kms`` or ``aws:kms:dsse`` only
  (``InvalidArgument``).
- Block Public Access is all on for a new bucket (April 2023); DeletePublicAccessBlock removes it
  (``NoSuchPublicAccessBlockConfiguration`` 404); members a Put leaves out are false.
- Tags: at most 50, keys unique, 1-128 characters and not ``aws:``-prefixed, values up to 256 (``InvalidTag``); no tags
  is ``NoSuchTagSet`` 404.
- Logging: the target bucket must exist and belong to the same account (``InvalidTargetBucketForLogging``); an empty
  ``BucketLoggingStatus`` turns logging off.
- Transfer Acceleration is not available for bucket names with periods (``InvalidRequest``); Requester Pays answers
  ``BucketOwner`` until set.
Choice named here: a Put of an empty TagSet removes the tags, as DeleteBucketTagging does.
"""

from __future__ import annotations

from typing import Any

from vpcsim.control.core.call import Call, Params, Result
from vpcsim.control.services.s3_records import (
    NEW_BUCKET_PUBLIC_ACCESS_BLOCK,
    OBJECT_LOCK,
    PUBLIC_ACCESS_BLOCK,
    VERSIONING,
    S3Error,
    access_bucket,
    find_bucket,
    malformed,
    setting,
    store_setting,
)

ENCRYPTION, LOGGING = "Encryption", "Logging"
_ACCELERATE, _PAYMENT = "Accelerate", "RequestPayment"
_SSE_S3 = {"Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}, "BucketKeyEnabled": False}]}
_KMS = ("aws:kms", "aws:kms:dsse")
_BLOCKS = ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets")


def _one_of(value: Any, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise malformed()
    return str(value)


# -- versioning -------------------------------------------------------------------------------------------------------
def get_bucket_versioning(call: Call, params: Params) -> Result:
    bucket = access_bucket(call, params, "s3:GetBucketVersioning")
    return dict(setting(bucket, VERSIONING) or {})


def put_bucket_versioning(call: Call, params: Params) -> Result:
    bucket = access_bucket(call, params, "s3:PutBucketVersioning")
    given = params.get("VersioningConfiguration") or {}
    if not given:
        raise malformed()
    config = {k: v for k, v in given.items() if k in ("Status", "MFADelete")}
    if "Status" in config:
        _one_of(config["Status"], ("Enabled", "Suspended"))
    if "MFADelete" in config:
        _one_of(config["MFADelete"], ("Enabled", "Disabled"))
    if setting(bucket, OBJECT_LOCK) and config.get("Status") == "Suspended":
        raise S3Error(
            "InvalidBucketState",
            "An Object Lock configuration is present on this bucket, so the versioning state cannot be changed.",
            BucketName=bucket.id,
        )
    store_setting(call, bucket, VERSIONING, {**(setting(bucket, VERSIONING) or {}), **config})
    return {}


# -- default encryption -----------------------------------------------------------------------------------------------
def get_bucket_encryption(call: Call, params: Params) -> Result:
    bucket = access_bucket(call, params, "s3:GetEncryptionConfiguration")
    return {"ServerSideEncryptionConfiguration": setting(bucket, ENCRYPTION) or _SSE_S3}


def put_bucket_encryption(call: Call, params: Params) -> Result:
    bucket = access_bucket(call, params, "s3:PutEncryptionConfiguration")
    rules = (params.get("ServerSideEncryptionConfiguration") or {}).get("Rules") or []
    if not rules:
        raise malformed()
    store_setting(call, bucket, ENCRYPTION, {"Rules": [_encryption_rule(r) for r in rules]})
    return {}


def _encryption_rule(rule: dict[str, Any]) -> dict[str, Any]:
    default = rule.get("ApplyServerSideEncryptionByDefault") or {}
    algorithm = _one_of(default.get("SSEAlgorithm"), ("AES256", *_KMS))
    if default.get("KMSMasterKeyID") and algorithm not in _KMS:
        raise S3Error(
            "InvalidArgument",
            "a KMSMasterKeyID is not applicable if the default sse algorithm is not aws:kms or aws:kms:dsse",
        )
    return {**rule, "BucketKeyEnabled": bool(rule.get("BucketKeyEnabled"))}


def delete_bucket_encryption(call: Call, params: Params) -> Result:
    bucket = access_bucket(call, params, "s3:PutEncryptionConfiguration")
    store_setting(call, bucket, ENCRYPTION, _SSE_S3)
    return {}


# -- Block Public Access ----------------------------------------------------------------------------------------------
def get_public_access_block(call: Call, params: Params) -> Result:
    bucket = access_bucket(call, params, "s3:GetBucketPublicAccessBlock")
    config = setting(bucket, PUBLIC_ACCESS_BLOCK, NEW_BUCKET_PUBLIC_ACCESS_BLOCK)
    if config is None:
        raise S3Error(
            "NoSuchPublicAccessBlockConfiguration",
            "The public access block configuration was not found",
            BucketName=bucket.id,
        )
    return {"PublicAccessBlockConfiguration": config}


def put_public_access_block(call: Call, params: Params) -> Result:
    bucket = access_bucket(call, params, "s3:PutBucketPublicAccessBlock")
    given = params.get("PublicAccessBlockConfiguration") or {}
    store_setting(call, bucket, PUBLIC_ACCESS_BLOCK, {k: bool(given.get(k)) for k in _BLOCKS})
    return {}


def delete_public_access_block(call: Call, params: Params) -> Result:
    bucket = access_bucket(call, params, "s3:PutBucketPublicAccessBlock")
    store_setting(call, bucket, PUBLIC_ACCESS_BLOCK, None)
    return {}


# -- tagging ----------------------------------------------------------------------------------------------------------
def get_bucket_tagging(call: Call, params: Params) -> Result:
    bucket = access_bucket(call, params, "s3:GetBucketTagging")
    if not bucket.tags:
        raise S3Error("NoSuchTagSet", "The TagSet does not exist", BucketName=bucket.id)
    return {"TagSet": [{"Key": k, "Value": v} for k, v in bucket.tags.items()]}


def put_bucket_tagging(call: Call, params: Params) -> Result:
    bucket = access_bucket(call, params, "s3:PutBucketTagging")
    tags = (params.get("Tagging") or {}).get("TagSet") or []
    call.tx.put(bucket.evolve(tags=_checked_tags(tags)))
    return {}


def _checked_tags(tags: list[dict[str, Any]]) -> dict[str, str]:
    problem = _tag_problem([(str(t.get("Key", "")), str(t.get("Value", ""))) for t in tags])
    if problem:
        raise S3Error("InvalidTag", problem)
    return {str(t["Key"]): str(t.get("Value", "")) for t in tags}


def _tag_problem(pairs: list[tuple[str, str]]) -> str | None:
    if len({k for k, _ in pairs}) != len(pairs):
        return "Cannot provide multiple Tags with the same key"
    if len(pairs) > 50:
        return "Bucket tag count cannot be greater than 50"
    for key, value in pairs:
        if not 1 <= len(key) <= 128:
            return "The TagKey you have provided is invalid"
        if key.lower().startswith("aws:"):
            return "Your TagKey cannot be prefixed with aws:"
        if len(value) > 256:
            return "The TagValue you have provided is invalid"
    return None


def delete_bucket_tagging(call: Call, params: Params) -> Result:
    bucket = access_bucket(call, params, "s3:PutBucketTagging")
    call.tx.put(bucket.evolve(tags={}))
    return {}


# -- logging ----------------------------------------------------------------------------------------------------------
def get_bucket_logging(call: Call, params: Params) -> Result:
    bucket = access_bucket(call, params, "s3:GetBucketLogging")
    enabled = setting(bucket, LOGGING)
    return {"LoggingEnabled": enabled} if enabled else {}


def put_bucket_logging(call: Call, params: Params) -> Result:
    bucket = access_bucket(call, params, "s3:PutBucketLogging")
    enabled = (params.get("BucketLoggingStatus") or {}).get("LoggingEnabled")
    if enabled:
        target = find_bucket(call.tx, str(enabled.get("TargetBucket", "")))
        if target is None:
            raise S3Error("InvalidTargetBucketForLogging", "The target bucket for logging does not exist")
        if target.account != bucket.account:
            raise S3Error(
                "InvalidTargetBucketForLogging",
                "The owner for the bucket to be logged and the target bucket must be the same.",
            )
        enabled = {"TargetPrefix": "", **enabled}
    store_setting(call, bucket, LOGGING, enabled or None)
    return {}


# -- Transfer Acceleration, Requester Pays ----------------------------------------------------------------------------
def get_bucket_accelerate_configuration(call: Call, params: Params) -> Result:
    bucket = access_bucket(call, params, "s3:GetAccelerateConfiguration")
    status = setting(bucket, _ACCELERATE)
    return {"Status": status} if status else {}


def put_bucket_accelerate_configuration(call: Call, params: Params) -> Result:
    bucket = access_bucket(call, params, "s3:PutAccelerateConfiguration")
    status = _one_of((params.get("AccelerateConfiguration") or {}).get("Status"), ("Enabled", "Suspended"))
    if "." in bucket.id:
        raise S3Error(
            "InvalidRequest", "S3 Transfer Acceleration is not supported for buckets with periods (.) in their names"
        )
    store_setting(call, bucket, _ACCELERATE, status)
    return {}


def get_bucket_request_payment(call: Call, params: Params) -> Result:
    bucket = access_bucket(call, params, "s3:GetBucketRequestPayment")
    return {"Payer": setting(bucket, _PAYMENT) or "BucketOwner"}


def put_bucket_request_payment(call: Call, params: Params) -> Result:
    bucket = access_bucket(call, params, "s3:PutBucketRequestPayment")
    payer = _one_of((params.get("RequestPaymentConfiguration") or {}).get("Payer"), ("Requester", "BucketOwner"))
    store_setting(call, bucket, _PAYMENT, payer)
    return {}


__all__ = [
    "ENCRYPTION",
    "LOGGING",
    "delete_bucket_encryption",
    "delete_bucket_tagging",
    "delete_public_access_block",
    "get_bucket_accelerate_configuration",
    "get_bucket_encryption",
    "get_bucket_logging",
    "get_bucket_request_payment",
    "get_bucket_tagging",
    "get_bucket_versioning",
    "get_public_access_block",
    "put_bucket_accelerate_configuration",
    "put_bucket_encryption",
    "put_bucket_logging",
    "put_bucket_request_payment",
    "put_bucket_tagging",
    "put_bucket_versioning",
    "put_public_access_block",
]
