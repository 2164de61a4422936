"""S3 object listings and deletes, as emptying a bucket needs them (Terraform's ``force_destroy``, ``aws s3 rb
--force``): vpcsim stores no objects, so every bucket lists empty and deleting a key deletes nothing.

Facts [S3 API Reference ListObjectsV2, ListObjectVersions, DeleteObject, DeleteObjects]: MaxKeys defaults to 1,000;
an empty listing is ``IsTruncated`` false with ``KeyCount`` 0; deleting a key that does not exist succeeds (204),
and DeleteObjects reports every key asked for as deleted (``Deleted``) unless ``Quiet``; at most 1,000 keys per
DeleteObjects (``MalformedXML``). Access from another account needs s3:ListBucket, s3:ListBucketVersions or
s3:DeleteObject on the object from the bucket's policy.
Choice named here: on a versioned bucket AWS would add a delete marker for a missing key; with no objects stored,
vpcsim adds none.
"""

from __future__ import annotations

from typing import Any

from vpcsim.control.core.call import Call, Params, Result
from vpcsim.control.services.s3_records import S3Error, access_bucket, malformed
from vpcsim.model.arns import bucket_arn

_MAX_KEYS = 1000


def _listing(params: Params, name: str) -> dict[str, Any]:
    limit = params.get("MaxKeys")
    if limit is not None and limit < 0:
        raise S3Error("InvalidArgument", "Argument maxKeys must be an integer between 0 and 2147483647")
    listing = {
        "IsTruncated": False,
        "Name": name,
        "Prefix": params.get("Prefix") or "",
        "MaxKeys": _MAX_KEYS if limit is None else limit,
    }
    for member in ("Delimiter", "EncodingType"):
        if params.get(member):
            listing[member] = params[member]
    return listing


def list_objects_v2(call: Call, params: Params) -> Result:
    bucket = access_bucket(call, params, "s3:ListBucket")
    listing = {**_listing(params, bucket.id), "KeyCount": 0}
    for member in ("ContinuationToken", "StartAfter"):
        if params.get(member):
            listing[member] = params[member]
    return listing


def list_object_versions(call: Call, params: Params) -> Result:
    bucket = access_bucket(call, params, "s3:ListBucketVersions")
    listing = _listing(params, bucket.id)
    for member in ("KeyMarker", "VersionIdMarker"):
        if params.get(member):
            listing[member] = params[member]
    return listing


def delete_object(call: Call, params: Params) -> Result:
    access_bucket(call, params, "s3:DeleteObject", resource=bucket_arn(f"{params['Bucket']}/{params['Key']}"))
    return {}


def delete_objects(call: Call, params: Params) -> Result:
    request = params.get("Delete") or {}
    objects = request.get("Objects") or []
    if not 1 <= len(objects) <= 1000 or any(not o.get("Key") for o in objects):
        raise malformed()
    for item in objects:
        access_bucket(call, params, "s3:DeleteObject", resource=bucket_arn(f"{params['Bucket']}/{item['Key']}"))
    if request.get("Quiet"):
        return {}
    return {"Deleted": [{k: v for k, v in o.items() if k in ("Key", "VersionId")} for o in objects]}


__all__ = ["delete_object", "delete_objects", "list_object_versions", "list_objects_v2"]
