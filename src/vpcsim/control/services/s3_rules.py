"""S3 bucket configurations made of rules, none of which a new bucket has: CORS, lifecycle, website, replication and
Object Lock.

Each is a bucket setting (s3_records.py) read back as written; reading one that is not there is the service's own
"not found" error, which clients (Terraform's refresh) take as "none".

Facts [S3 API Reference for each call; Error responses; S3 User Guide "CORS configuration", "Lifecycle
configuration elements", "Replication configuration", "Using S3 Object Lock"]:
- Not found, all 404: ``NoSuchCORSConfiguration`` "The CORS configuration does not exist",
  ``NoSuchLifecycleConfiguration`` "The lifecycle configuration does not exist", ``NoSuchWebsiteConfiguration``
  "The specified bucket does not have a website configuration", ``ReplicationConfigurationNotFoundError`` "The
  replication configuration was not found", ``ObjectLockConfigurationNotFoundError`` "Object Lock configuration does
  not exist for this bucket".
- CORS: 1 to 100 rules, each with AllowedMethods among GET, PUT, HEAD, POST, DELETE ("Found unsupported HTTP method
  in CORS config") and AllowedOrigins.
- Lifecycle: 1 to 1,000 rules, Status Enabled or Disabled, unique IDs of at most 255 characters (S3 makes one up
  when none is given), at least one action per rule; answers carry TransitionDefaultMinimumObjectSize,
  ``all_storage_classes_128K`` unless set (September 2024).
- Website: an IndexDocument, or RedirectAllRequestsTo alone.
- Replication needs versioning Enabled on the bucket and on every destination bucket, which must exist.
- Object Lock: set at CreateBucket, or on a bucket with versioning Enabled (``InvalidBucketState`` 409 otherwise);
  a default retention has a Mode and Days or Years, a positive number.
"""

from __future__ import annotations

import string
from typing import Any

from vpcsim.control.core.call import Call, Params, Result
from vpcsim.control.services.s3_records import (
    OBJECT_LOCK,
    VERSIONING,
    S3Error,
    access_bucket,
    find_bucket,
    malformed,
    setting,
    store_setting,
)
from vpcsim.model import Record

_CORS, _LIFECYCLE, _WEBSITE, _REPLICATION = "Cors", "Lifecycle", "Website", "Replication"
_METHODS = ("GET", "PUT", "HEAD", "POST", "DELETE")
_ACTIONS = (
    "Expiration",
    "Transitions",
    "NoncurrentVersionExpiration",
    "NoncurrentVersionTransitions",
    "AbortIncompleteMultipartUpload",
)
_MINIMUM_SIZE = "all_storage_classes_128K"
_ID_ALPHABET = string.ascii_letters + string.digits


def _missing(bucket: Record, code: str, message: str) -> S3Error:
    return S3Error(code, message, BucketName=bucket.id)


def _versioned(bucket: Record) -> bool:
    return (setting(bucket, VERSIONING) or {}).get("Status") == "Enabled"


# -- CORS -------------------------------------------------------------------------------------------------------------
def get_bucket_cors(call: Call, params: Params) -> Result:
    bucket = access_bucket(call, params, "s3:GetBucketCORS")
    rules = setting(bucket, _CORS)
    if not rules:
        raise _missing(bucket, "NoSuchCORSConfiguration", "The CORS configuration does not exist")
    return {"CORSRules": rules}


def put_bucket_cors(call: Call, params: Params) -> Result:
    bucket = access_bucket(call, params, "s3:PutBucketCORS")
    rules = (params.get("CORSConfiguration") or {}).get("CORSRules") or []
    if not 1 <= len(rules) <= 100 or any(not r.get("AllowedMethods") or not r.get("AllowedOrigins") for r in rules):
        raise malformed()
    wrong = next((m for r in rules for m in r["AllowedMethods"] if m not in _METHODS), None)
    if wrong is not None:
        raise S3Error("InvalidRequest", f"Found unsupported HTTP method in CORS config. Unsupported method is {wrong}")
    store_setting(call, bucket, _CORS, rules)
    return {}


def delete_bucket_cors(call: Call, params: Params) -> Result:
    bucket = access_bucket(call, params, "s3:PutBucketCORS")
    store_setting(call, bucket, _CORS, None)
    return {}


# -- lifecycle --------------------------------------------------------------------------------------------------------
def get_bucket_lifecycle_configuration(call: Call, params: Params) -> Result:
    bucket = access_bucket(call, params, "s3:GetLifecycleConfiguration")
    config = setting(bucket, _LIFECYCLE)
    if not config:
        raise _missing(bucket, "NoSuchLifecycleConfiguration", "The lifecycle configuration does not exist")
    return dict(config)


def put_bucket_lifecycle_configuration(call: Call, params: Params) -> Result:
    bucket = access_bucket(call, params, "s3:PutLifecycleConfiguration")
    rules = (params.get("LifecycleConfiguration") or {}).get("Rules") or []
    if not 1 <= len(rules) <= 1000 or any(r.get("Status") not in ("Enabled", "Disabled") for r in rules):
        raise malformed()
    rules = [{**r, "ID": r.get("ID") or call.ids.token(_ID_ALPHABET, 48)} for r in rules]
    _check_lifecycle(rules)
    size = params.get("TransitionDefaultMinimumObjectSize") or _MINIMUM_SIZE
    store_setting(call, bucket, _LIFECYCLE, {"Rules": rules, "TransitionDefaultMinimumObjectSize": size})
    return {"TransitionDefaultMinimumObjectSize": size}


def _check_lifecycle(rules: list[dict[str, Any]]) -> None:
    ids = [str(r["ID"]) for r in rules]
    if any(len(i) > 255 for i in ids):
        raise S3Error("InvalidArgument", "ID length should not exceed allowed limit of 255")
    if len(set(ids)) != len(ids):
        raise S3Error("InvalidArgument", "Rule ID must be unique. Found same ID for more than one rule")
    if any(not any(r.get(action) for action in _ACTIONS) for r in rules):
        raise S3Error("InvalidRequest", "At least one action needs to be specified in a rule")


def delete_bucket_lifecycle(call: Call, params: Params) -> Result:
    bucket = access_bucket(call, params, "s3:PutLifecycleConfiguration")
    store_setting(call, bucket, _LIFECYCLE, None)
    return {}


# -- website ----------------------------------------------------------------------------------------------------------
def get_bucket_website(call: Call, params: Params) -> Result:
    bucket = access_bucket(call, params, "s3:GetBucketWebsite")
    config = setting(bucket, _WEBSITE)
    if not config:
        raise _missing(
            bucket, "NoSuchWebsiteConfiguration", "The specified bucket does not have a website configuration"
        )
    return dict(config)


def put_bucket_website(call: Call, params: Params) -> Result:
    bucket = access_bucket(call, params, "s3:PutBucketWebsite")
    config = params.get("WebsiteConfiguration") or {}
    redirect, index = config.get("RedirectAllRequestsTo"), config.get("IndexDocument")
    if redirect and (index or config.get("ErrorDocument") or config.get("RoutingRules")):
        raise S3Error(
            "InvalidArgument",
            "RedirectAllRequestsTo cannot be provided in conjunction with other Routing/Redirect configurations.",
        )
    if not redirect and not index:
        raise S3Error(
            "InvalidArgument", "A value for IndexDocument Suffix must be provided if RedirectAllRequestsTo is empty"
        )
    if index and (not index.get("Suffix") or "/" in index["Suffix"]):
        raise S3Error("InvalidArgument", "The IndexDocument Suffix is not well formed")
    store_setting(call, bucket, _WEBSITE, config)
    return {}


def delete_bucket_website(call: Call, params: Params) -> Result:
    bucket = access_bucket(call, params, "s3:DeleteBucketWebsite")
    store_setting(call, bucket, _WEBSITE, None)
    return {}


# -- replication ------------------------------------------------------------------------------------------------------
def get_bucket_replication(call: Call, params: Params) -> Result:
    bucket = access_bucket(call, params, "s3:GetReplicationConfiguration")
    config = setting(bucket, _REPLICATION)
    if not config:
        raise _missing(bucket, "ReplicationConfigurationNotFoundError", "The replication configuration was not found")
    return {"ReplicationConfiguration": config}


def put_bucket_replication(call: Call, params: Params) -> Result:
    bucket = access_bucket(call, params, "s3:PutReplicationConfiguration")
    config = params.get("ReplicationConfiguration") or {}
    rules = config.get("Rules") or []
    if not config.get("Role") or not rules or any(not r.get("Destination", {}).get("Bucket") for r in rules):
        raise malformed()
    if not _versioned(bucket):
        raise S3Error(
            "InvalidRequest", "Versioning must be 'Enabled' on the bucket to apply a replication configuration"
        )
    for rule in rules:
        _check_destination(call, str(rule["Destination"]["Bucket"]))
    rules = [{**r, "ID": r.get("ID") or call.ids.token(_ID_ALPHABET, 48)} for r in rules]
    store_setting(call, bucket, _REPLICATION, {**config, "Rules": rules})
    return {}


def _check_destination(call: Call, arn: str) -> None:
    target = find_bucket(call.tx, arn.removeprefix("arn:aws:s3:::"))
    if target is None:
        raise S3Error("InvalidRequest", "Destination bucket must exist")
    if not _versioned(target):
        raise S3Error("InvalidRequest", "Destination bucket must have versioning enabled.")


def delete_bucket_replication(call: Call, params: Params) -> Result:
    bucket = access_bucket(call, params, "s3:PutReplicationConfiguration")
    store_setting(call, bucket, _REPLICATION, None)
    return {}


# -- Object Lock ------------------------------------------------------------------------------------------------------
def get_object_lock_configuration(call: Call, params: Params) -> Result:
    bucket = access_bucket(call, params, "s3:GetBucketObjectLockConfiguration")
    config = setting(bucket, OBJECT_LOCK)
    if not config:
        raise _missing(
            bucket, "ObjectLockConfigurationNotFoundError", "Object Lock configuration does not exist for this bucket"
        )
    return {"ObjectLockConfiguration": config}


def put_object_lock_configuration(call: Call, params: Params) -> Result:
    bucket = access_bucket(call, params, "s3:PutBucketObjectLockConfiguration")
    config = params.get("ObjectLockConfiguration") or {}
    if config.get("ObjectLockEnabled") != "Enabled":
        raise malformed()
    retention = (config.get("Rule") or {}).get("DefaultRetention")
    if retention is not None:
        _check_retention(retention)
    if not _versioned(bucket):
        raise S3Error(
            "InvalidBucketState",
            "Versioning must be 'Enabled' on the bucket to apply a Object Lock configuration",
            BucketName=bucket.id,
        )
    store_setting(call, bucket, OBJECT_LOCK, config)
    return {}


def _check_retention(retention: dict[str, Any]) -> None:
    periods = [retention[k] for k in ("Days", "Years") if retention.get(k) is not None]
    if retention.get("Mode") not in ("GOVERNANCE", "COMPLIANCE") or len(periods) != 1:
        raise malformed()
    if periods[0] <= 0:
        raise S3Error("InvalidArgument", "Default retention period must be a positive integer value")


__all__ = [
    "delete_bucket_cors",
    "delete_bucket_lifecycle",
    "delete_bucket_replication",
    "delete_bucket_website",
    "get_bucket_cors",
    "get_bucket_lifecycle_configuration",
    "get_bucket_replication",
    "get_bucket_website",
    "get_object_lock_configuration",
    "put_bucket_cors",
    "put_bucket_lifecycle_configuration",
    "put_bucket_replication",
    "put_bucket_website",
    "put_object_lock_configuration",
]
