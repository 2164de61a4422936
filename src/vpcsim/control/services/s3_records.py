"""The S3 bucket record, as the S3 modules share it: finding a bucket a caller may act on, S3's errors, and the
bucket's settings (the sub-resources S3 keeps on a bucket: versioning, encryption, CORS, ACL ...).

A bucket is a record of kind ``s3-bucket`` whose id is its name; its policy is ``extra["policy"]`` (the data plane
reads it there) and its tags the record's tags. Every other sub-resource lives in ``extra["settings"]``, keyed by
name: a key that is absent means "as S3 sets it on a new bucket" (the caller passes that default), a key set to None
means "deleted", so that buckets created before a setting was modelled read as new ones.

Facts [S3 API Reference, Error responses]: a missing bucket is ``NoSuchBucket`` 404; ``x-amz-expected-bucket-owner``
not matching the owner is ``AccessDenied`` 403; another account's bucket may be used when its policy allows the
action (resource_policy.allows), and only the owner's account may manage its policy (405 ``MethodNotAllowed``).
"""

from __future__ import annotations

import hashlib
from typing import Any

from vpcsim.control.core.call import Call, Params
from vpcsim.control.services.resource_policy import allows
from vpcsim.errors import ApiError
from vpcsim.model import Record
from vpcsim.model.arns import bucket_arn
from vpcsim.store import Transaction

KIND = "s3-bucket"
SETTINGS = "settings"
# Setting names more than one module reads.
PUBLIC_ACCESS_BLOCK, VERSIONING, OBJECT_LOCK = "PublicAccessBlock", "Versioning", "ObjectLock"
# Block Public Access, all on, is what S3 sets on every new bucket since April 2023 [S3 User Guide, "Blocking public
# access to your Amazon S3 storage"].
NEW_BUCKET_PUBLIC_ACCESS_BLOCK = {
    "BlockPublicAcls": True,
    "IgnorePublicAcls": True,
    "BlockPublicPolicy": True,
    "RestrictPublicBuckets": True,
}
MALFORMED_XML = "The XML you provided was not well-formed or did not validate against our published schema"


class S3Error(ApiError):
    """An S3 error; ``fields`` are written into S3's error document (``<BucketName>``)."""

    def __init__(self, code: str, message: str, **fields: str) -> None:
        super().__init__(code, message)
        self.fields = fields


def find_bucket(tx: Transaction, name: str) -> Record | None:
    """The bucket named ``name`` in any account, or None."""
    return tx.find(KIND, name)


def no_such_bucket(name: str) -> S3Error:
    return S3Error("NoSuchBucket", "The specified bucket does not exist", BucketName=name)


def access_denied() -> S3Error:
    return S3Error("AccessDenied", "Access Denied")


def malformed() -> S3Error:
    return S3Error("MalformedXML", MALFORMED_XML)


def access_bucket(
    call: Call, params: Params, action: str, *, owner_only: bool = False, resource: str | None = None
) -> Record:
    """The bucket a call names, if the caller may ``action`` on it (or on ``resource``, an object's ARN)."""
    name = params["Bucket"]
    bucket = find_bucket(call.tx, name)
    if bucket is None:
        raise no_such_bucket(name)
    expected = params.get("ExpectedBucketOwner")
    if expected is not None and expected != bucket.account:
        raise access_denied()
    if bucket.account != call.account:
        if not allows(call, bucket, action, resource or bucket_arn(name)):
            raise access_denied()
        if owner_only:
            raise S3Error("MethodNotAllowed", "The specified method is not allowed against this resource.")
    return bucket


def canonical_user_id(account: str) -> str:
    """A stable 64-hex canonical user id for an account (S3 shows owners by canonical id; vpcsim derives one)."""
    return hashlib.sha256(f"vpcsim-canonical-{account}".encode()).hexdigest()


def setting(bucket: Record, name: str, default: Any = None) -> Any:
    """The bucket's setting ``name``: as stored, None if deleted, ``default`` if never set."""
    stored = bucket.extra.get(SETTINGS) or {}
    return stored.get(name, default)


def store_setting(call: Call, bucket: Record, name: str, value: Any) -> Record:
    """Stores ``value`` (None: deleted) as the bucket's setting ``name``; returns the updated bucket."""
    settings = {**(bucket.extra.get(SETTINGS) or {}), name: value}
    return call.tx.put(bucket.with_extra(**{SETTINGS: settings}))


__all__ = [
    "KIND",
    "MALFORMED_XML",
    "NEW_BUCKET_PUBLIC_ACCESS_BLOCK",
    "OBJECT_LOCK",
    "PUBLIC_ACCESS_BLOCK",
    "VERSIONING",
    "S3Error",
    "access_bucket",
    "access_denied",
    "canonical_user_id",
    "find_bucket",
    "malformed",
    "no_such_bucket",
    "setting",
    "store_setting",
]
