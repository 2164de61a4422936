"""S3 buckets, as far as a bucket policy needs them: create, head, list, delete, and the bucket policy calls.

A bucket is a record of kind ``s3-bucket`` whose id is its name (bucket names are global across accounts and
regions), owned by the creating account, in the region of its LocationConstraint (us-east-1 without one). Its doc is
``{Name, CreationDate, Region}``; its policy is kept as given in ``extra["policy"]``.

Facts [S3 API Reference: CreateBucket, HeadBucket, ListBuckets, DeleteBucket, Put/Get/DeleteBucketPolicy, Error
responses; "General purpose bucket naming rules"]:
- Another account's bucket of that name: ``BucketAlreadyExists`` 409. Your own: ``BucketAlreadyOwnedByYou`` 409,
  except in us-east-1 where, for legacy compatibility, S3 answers 200 OK.
- A regional endpoint refuses a LocationConstraint of another region and a missing one
  (``IllegalLocationConstraintException``); us-east-1 (the global endpoint) accepts any region; ``us-east-1`` itself
  is not a valid constraint (``InvalidLocationConstraint``); ``EU`` means eu-west-1.
- Bucket-policy calls by an account other than the owner: 403 ``AccessDenied`` without permission, 405
  ``MethodNotAllowed`` with it (only the owner's account may manage the policy). Other calls on another account's
  bucket are allowed when its policy allows them (resource_policy.allows).
- ``x-amz-expected-bucket-owner`` not matching the owner: 403 ``AccessDenied``.
- DeleteBucketPolicy on a bucket without a policy answers 204, as S3 does.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import ipaddress
import re
from typing import Any

from vpcsim.catalog import find_region
from vpcsim.control.core.call import Call, Params, Result
from vpcsim.control.services.resource_policy import allows, check_policy, within
from vpcsim.errors import ApiError
from vpcsim.model import Record
from vpcsim.store import Transaction

KIND = "s3-bucket"
_NAME = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
_BAD_PREFIXES = ("xn--", "sthree-", "amzn-s3-demo-")
_BAD_SUFFIXES = ("-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3")
_LEGACY_CONSTRAINTS = {"EU": "eu-west-1"}


class S3Error(ApiError):
    """An S3 error; ``fields`` are written into S3's error document (``<BucketName>``)."""

    def __init__(self, code: str, message: str, **fields: str) -> None:
        super().__init__(code, message)
        self.fields = fields


def find_bucket(tx: Transaction, name: str) -> Record | None:
    """The bucket named ``name`` in any account, or None."""
    return tx.find(KIND, name)


def bucket_arn(name: str) -> str:
    return f"arn:aws:s3:::{name}"


def _no_such_bucket(name: str) -> S3Error:
    return S3Error("NoSuchBucket", "The specified bucket does not exist", BucketName=name)


def _access_denied() -> S3Error:
    return S3Error("AccessDenied", "Access Denied")


def _bucket(call: Call, params: Params, action: str, *, owner_only: bool = False) -> Record:
    """The bucket a call names, if the caller may act on it."""
    name = params["Bucket"]
    bucket = find_bucket(call.tx, name)
    if bucket is None:
        raise _no_such_bucket(name)
    expected = params.get("ExpectedBucketOwner")
    if expected is not None and expected != bucket.account:
        raise _access_denied()
    if bucket.account != call.account:
        if not allows(call, bucket, action, bucket_arn(name)):
            raise _access_denied()
        if owner_only:
            raise S3Error("MethodNotAllowed", "The specified method is not allowed against this resource.")
    return bucket


def _check_name(name: str) -> None:
    if (
        not _NAME.match(name)
        or ".." in name
        or name.startswith(_BAD_PREFIXES)
        or name.endswith(_BAD_SUFFIXES)
        or _is_ip(name)
    ):
        raise S3Error("InvalidBucketName", "The specified bucket is not valid.", BucketName=name)


def _is_ip(name: str) -> bool:
    try:
        ipaddress.IPv4Address(name)
    except ValueError:
        return False
    return True


def _bucket_region(call: Call, params: Params) -> str:
    constraint = (params.get("CreateBucketConfiguration") or {}).get("LocationConstraint") or ""
    here = call.region.name
    if not constraint:
        if here != "us-east-1":
            raise S3Error(
                "IllegalLocationConstraintException",
                "The unspecified location constraint is incompatible for the region specific endpoint this request "
                "was sent to.",
            )
        return here
    region = _LEGACY_CONSTRAINTS.get(constraint, constraint)
    if constraint == "us-east-1" or find_region(region) is None:
        raise S3Error(
            "InvalidLocationConstraint",
            "The specified location-constraint is not valid",
            LocationConstraint=constraint,
        )
    if here not in ("us-east-1", region):
        raise S3Error(
            "IllegalLocationConstraintException",
            f"The {constraint} location constraint is incompatible for the region specific endpoint this request was "
            "sent to.",
        )
    return region


def _location(name: str, region: str) -> str:
    return f"/{name}" if region == "us-east-1" else f"http://{name}.s3.amazonaws.com/"


def create_bucket(call: Call, params: Params) -> Result:
    name = params["Bucket"]
    _check_name(name)
    region = _bucket_region(call, params)
    existing = find_bucket(call.tx, name)
    if existing is not None:
        return _recreate(call, existing, region)
    doc = {"Name": name, "CreationDate": call.timestamp(), "Region": region}
    call.tx.put(Record(KIND, name, call.account, region, doc))
    return {"Location": _location(name, region)}


def _recreate(call: Call, existing: Record, region: str) -> Result:
    if existing.account != call.account:
        raise S3Error(
            "BucketAlreadyExists",
            "The requested bucket name is not available. The bucket namespace is shared by all users of the system. "
            "Please select a different name and try again.",
            BucketName=existing.id,
        )
    if existing.region == region == call.region.name == "us-east-1":
        return {"Location": _location(existing.id, region)}  # S3's legacy 200 OK in us-east-1
    raise S3Error(
        "BucketAlreadyOwnedByYou",
        "Your previous request to create the named bucket succeeded and you already own it.",
        BucketName=existing.id,
    )


def head_bucket(call: Call, params: Params) -> Result:
    bucket = _bucket(call, params, "s3:ListBucket")
    return {"BucketRegion": bucket.region, "AccessPointAlias": False}


def list_buckets(call: Call, params: Params) -> Result:
    mine = sorted(
        (b for b in call.tx.scan(KIND) if b.account == call.account and _listed(b, params)), key=lambda b: b.id
    )
    start = _token(params.get("ContinuationToken"))
    mine = [b for b in mine if b.id > start] if start else mine
    limit = params.get("MaxBuckets") or 10_000
    if not 1 <= limit <= 10_000:
        raise S3Error("InvalidArgument", "max-buckets must be between 1 and 10000.")
    page = mine[:limit]
    result: dict[str, Any] = {
        "Buckets": [{"Name": b.id, "CreationDate": b.doc["CreationDate"], "BucketRegion": b.region} for b in page],
        "Owner": {"ID": canonical_user_id(call.account)},
        "Prefix": params.get("Prefix"),
    }
    if len(mine) > limit:
        result["ContinuationToken"] = base64.urlsafe_b64encode(page[-1].id.encode()).decode()
    return result


def _listed(bucket: Record, params: Params) -> bool:
    prefix, region = params.get("Prefix") or "", params.get("BucketRegion")
    return bucket.id.startswith(prefix) and (region is None or bucket.region == region)


def _token(token: str | None) -> str:
    if not token:
        return ""
    try:
        return base64.urlsafe_b64decode(token.encode()).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise S3Error("InvalidArgument", "The continuation token provided is incorrect") from None


def canonical_user_id(account: str) -> str:
    """A stable 64-hex canonical user id for an account (S3 shows owners by canonical id; vpcsim derives one)."""
    return hashlib.sha256(f"vpcsim-canonical-{account}".encode()).hexdigest()


def delete_bucket(call: Call, params: Params) -> Result:
    bucket = _bucket(call, params, "s3:DeleteBucket")
    call.tx.delete(KIND, bucket.id)
    return {}


def put_bucket_policy(call: Call, params: Params) -> Result:
    bucket = _bucket(call, params, "s3:PutBucketPolicy", owner_only=True)
    text = params.get("Policy") or ""
    arn = bucket_arn(bucket.id)
    check_policy(
        text, lambda m: S3Error("MalformedPolicy", m, BucketName=bucket.id), service="s3", resource_ok=within(arn)
    )
    call.tx.put(bucket.with_extra(policy=text))
    return {}


def get_bucket_policy(call: Call, params: Params) -> Result:
    bucket = _bucket(call, params, "s3:GetBucketPolicy", owner_only=True)
    policy = bucket.extra.get("policy")
    if not policy:
        raise S3Error("NoSuchBucketPolicy", "The bucket policy does not exist", BucketName=bucket.id)
    return {"Policy": policy}


def delete_bucket_policy(call: Call, params: Params) -> Result:
    bucket = _bucket(call, params, "s3:DeleteBucketPolicy", owner_only=True)
    if "policy" in bucket.extra:
        call.tx.put(bucket.evolve(extra={k: v for k, v in bucket.extra.items() if k != "policy"}))
    return {}


__all__ = [
    "KIND",
    "S3Error",
    "bucket_arn",
    "canonical_user_id",
    "create_bucket",
    "delete_bucket",
    "delete_bucket_policy",
    "find_bucket",
    "get_bucket_policy",
    "head_bucket",
    "list_buckets",
    "put_bucket_policy",
]
