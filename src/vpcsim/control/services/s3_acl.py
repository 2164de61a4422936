"""S3 bucket ACLs and Object Ownership: GetBucketAcl / PutBucketAcl and the ownership controls calls.

The bucket's grants are the setting ``Acl`` (a ``Grants`` list; the bucket owner's FULL_CONTROL when never set) and
its ownership the setting ``OwnershipControls``.

Facts [S3 User Guide "Controlling ownership of objects and disabling ACLs", "Access control list (ACL) overview";
S3 API Reference PutBucketAcl, CreateBucket, Error responses]:
- Since April 2023 a new bucket has ``BucketOwnerEnforced`` ownership: ACLs are disabled. Reading them still works
  (the owner's FULL_CONTROL); setting any ACL other than one granting only the owner full control fails with
  ``AccessControlListNotSupported`` "The bucket does not allow ACLs"; CreateBucket with such an ACL fails with
  ``InvalidBucketAclWithObjectOwnership``, and so does enforcing ownership on a bucket whose ACL grants others.
- Canned ACLs: ``private`` (owner FULL_CONTROL), ``public-read`` (+ AllUsers READ), ``public-read-write`` (+ AllUsers
  READ and WRITE), ``authenticated-read`` (+ AuthenticatedUsers READ). ``x-amz-grant-*`` headers list grantees as
  ``id="..."``, ``uri="..."`` or ``emailAddress="..."``.
- With the bucket's Block Public Access ``BlockPublicAcls`` on, an ACL granting AllUsers or AuthenticatedUsers is
  refused (``AccessDenied``).
- DeleteBucketOwnershipControls leaves the bucket with no ownership controls (``OwnershipControlsNotFoundError``
  404), which S3 treats as ``ObjectWriter``: ACLs apply again.
Choices named here: Owner shows no DisplayName (S3 stopped returning it in 2025); PutBucketAcl with neither an ACL,
grant headers nor a body is ``MissingSecurityHeader``, with more than one of them ``UnexpectedContent``.
"""

from __future__ import annotations

import re
from typing import Any

from vpcsim.control.core.call import Call, Params, Result
from vpcsim.control.services.s3_records import (
    NEW_BUCKET_PUBLIC_ACCESS_BLOCK,
    PUBLIC_ACCESS_BLOCK,
    S3Error,
    access_bucket,
    access_denied,
    canonical_user_id,
    malformed,
    setting,
    store_setting,
)
from vpcsim.model import Record

ACL, OWNERSHIP = "Acl", "OwnershipControls"
ENFORCED = "BucketOwnerEnforced"
_OWNERSHIPS = ("BucketOwnerPreferred", "ObjectWriter", ENFORCED)
_GROUPS = "http://acs.amazonaws.com/groups/"
ALL_USERS, AUTHENTICATED_USERS = f"{_GROUPS}global/AllUsers", f"{_GROUPS}global/AuthenticatedUsers"
_CANNED = {
    "private": (),
    "public-read": ((ALL_USERS, "READ"),),
    "public-read-write": ((ALL_USERS, "READ"), (ALL_USERS, "WRITE")),
    "authenticated-read": ((AUTHENTICATED_USERS, "READ"),),
}
_GRANT_HEADERS = {
    "GrantFullControl": "FULL_CONTROL",
    "GrantRead": "READ",
    "GrantReadACP": "READ_ACP",
    "GrantWrite": "WRITE",
    "GrantWriteACP": "WRITE_ACP",
}
_GRANTEE = re.compile(r'(id|uri|emailAddress)\s*=\s*"([^"]*)"')


def owner_grant(account: str) -> dict[str, Any]:
    return {"Grantee": {"ID": canonical_user_id(account), "Type": "CanonicalUser"}, "Permission": "FULL_CONTROL"}


def _group(uri: str, permission: str) -> dict[str, Any]:
    return {"Grantee": {"URI": uri, "Type": "Group"}, "Permission": permission}


def default_ownership(value: str | None = None) -> dict[str, Any]:
    return {"Rules": [{"ObjectOwnership": value or ENFORCED}]}


def acls_disabled(bucket: Record) -> bool:
    controls = setting(bucket, OWNERSHIP, default_ownership())
    return bool(controls) and controls["Rules"][0]["ObjectOwnership"] == ENFORCED


def grants_of(bucket: Record) -> list[dict[str, Any]]:
    return list(setting(bucket, ACL) or [owner_grant(bucket.account)])


def requested_grants(params: Params, account: str) -> list[dict[str, Any]] | None:
    """The grants a CreateBucket or PutBucketAcl asks for through a canned ACL or grant headers (None: neither)."""
    if params.get("ACL"):
        if params["ACL"] not in _CANNED:
            raise S3Error("InvalidArgument", f"The canned ACL {params['ACL']} is not valid.")
        return [owner_grant(account), *(_group(uri, p) for uri, p in _CANNED[params["ACL"]])]
    headers = [(member, params[member]) for member in _GRANT_HEADERS if params.get(member)]
    if not headers:
        return None
    return [_grantee(found, _GRANT_HEADERS[member]) for member, raw in headers for found in _GRANTEE.findall(raw)]


def _grantee(found: tuple[str, str], permission: str) -> dict[str, Any]:
    kind, value = found
    if kind == "uri":
        return _group(value, permission)
    if kind == "id":
        return {"Grantee": {"ID": value, "Type": "CanonicalUser"}, "Permission": permission}
    return {"Grantee": {"EmailAddress": value, "Type": "AmazonCustomerByEmail"}, "Permission": permission}


def owner_only(grants: list[dict[str, Any]], account: str) -> bool:
    """Whether ``grants`` give the owner full control and nobody anything (what an ACL-less bucket accepts)."""
    return all(
        g["Permission"] == "FULL_CONTROL" and g["Grantee"].get("ID") == canonical_user_id(account) for g in grants
    )


def _is_public(grants: list[dict[str, Any]]) -> bool:
    return any(g["Grantee"].get("URI") in (ALL_USERS, AUTHENTICATED_USERS) for g in grants)


def check_create_acl(params: Params, account: str, ownership: str | None) -> list[dict[str, Any]] | None:
    """The grants a CreateBucket sets, refused when its ownership disables ACLs and they grant anyone else."""
    grants = requested_grants(params, account)
    if grants is None or owner_only(grants, account):
        return None
    if (ownership or ENFORCED) == ENFORCED:
        raise S3Error(
            "InvalidBucketAclWithObjectOwnership",
            "Bucket cannot have ACLs set with ObjectOwnership's BucketOwnerEnforced setting",
        )
    return grants


def get_bucket_acl(call: Call, params: Params) -> Result:
    bucket = access_bucket(call, params, "s3:GetBucketAcl")
    return {"Owner": {"ID": canonical_user_id(bucket.account)}, "Grants": grants_of(bucket)}


def put_bucket_acl(call: Call, params: Params) -> Result:
    bucket = access_bucket(call, params, "s3:PutBucketAcl")
    grants = _acl_request(params, bucket.account)
    if acls_disabled(bucket) and not owner_only(grants, bucket.account):
        raise S3Error("AccessControlListNotSupported", "The bucket does not allow ACLs", BucketName=bucket.id)
    blocked = (setting(bucket, PUBLIC_ACCESS_BLOCK, NEW_BUCKET_PUBLIC_ACCESS_BLOCK) or {}).get("BlockPublicAcls")
    if blocked and _is_public(grants):
        raise access_denied()
    store_setting(call, bucket, ACL, None if owner_only(grants, bucket.account) else grants)
    return {}


def _acl_request(params: Params, account: str) -> list[dict[str, Any]]:
    canned = requested_grants(params, account)
    body = params.get("AccessControlPolicy")
    if canned is not None and body:
        raise S3Error("UnexpectedContent", "This request does not support content")
    if canned is not None:
        return canned
    if not body:
        raise S3Error(
            "MissingSecurityHeader", "Your request was missing a required header", MissingHeaderName="x-amz-acl"
        )
    grants = body.get("Grants") or []
    if any("Grantee" not in g or "Permission" not in g or "Type" not in g["Grantee"] for g in grants):
        raise malformed()
    return list(grants)


def get_bucket_ownership_controls(call: Call, params: Params) -> Result:
    bucket = access_bucket(call, params, "s3:GetBucketOwnershipControls")
    controls = setting(bucket, OWNERSHIP, default_ownership())
    if not controls:
        raise S3Error(
            "OwnershipControlsNotFoundError", "The bucket ownership controls were not found", BucketName=bucket.id
        )
    return {"OwnershipControls": controls}


def put_bucket_ownership_controls(call: Call, params: Params) -> Result:
    bucket = access_bucket(call, params, "s3:PutBucketOwnershipControls")
    rules = (params.get("OwnershipControls") or {}).get("Rules") or []
    if len(rules) != 1 or rules[0].get("ObjectOwnership") not in _OWNERSHIPS:
        raise malformed()
    if rules[0]["ObjectOwnership"] == ENFORCED and not owner_only(grants_of(bucket), bucket.account):
        raise S3Error(
            "InvalidBucketAclWithObjectOwnership",
            "Bucket cannot have ACLs set with ObjectOwnership's BucketOwnerEnforced setting",
        )
    store_setting(call, bucket, OWNERSHIP, {"Rules": [{"ObjectOwnership": rules[0]["ObjectOwnership"]}]})
    return {}


def delete_bucket_ownership_controls(call: Call, params: Params) -> Result:
    bucket = access_bucket(call, params, "s3:PutBucketOwnershipControls")
    store_setting(call, bucket, OWNERSHIP, None)
    return {}


__all__ = [
    "ACL",
    "OWNERSHIP",
    "acls_disabled",
    "check_create_acl",
    "default_ownership",
    "delete_bucket_ownership_controls",
    "get_bucket_acl",
    "get_bucket_ownership_controls",
    "owner_grant",
    "put_bucket_acl",
    "put_bucket_ownership_controls",
]
