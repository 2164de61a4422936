"""Versions of customer managed policies: read, list, create, delete, choose the default.

Facts [IAM API Reference: GetPolicyVersion, ListPolicyVersions, CreatePolicyVersion, DeletePolicyVersion,
SetDefaultPolicyVersion; IAM UG "Versioning IAM policies"]: a policy keeps at most five versions ("A managed policy
can have up to 5 versions. Before you create a new version, you must delete an existing version.", LimitExceeded);
version ids are ``v1``, ``v2`` ... and never reused; the default version cannot be deleted ("Cannot delete the
default version of a policy.", DeleteConflict); UpdateDate is when the newest version was created; ListPolicyVersions
does not carry the documents. The document comes back URL-encoded.
Choices named here: an unknown version is ``NoSuchEntity`` "Policy <arn> version <id> does not exist or is not
attachable."; versions are listed newest first; the catalog carries the default version of each AWS managed
policy only: it is the one listed, and reading another is ``UnsupportedOperation`` (never an invented document).
"""

from __future__ import annotations

from typing import Any

from vpcsim.catalog.iam_policies import PREFIX, AwsPolicy, find_aws_policy
from vpcsim.control.core.call import Call, Params, Result
from vpcsim.control.iam import common, documents
from vpcsim.control.iam.policies import get_customer_policy, not_found
from vpcsim.errors import ApiError, Unsupported
from vpcsim.model import Record

MAX_VERSIONS = 5


def _policy(call: Call, arn: str) -> Record:
    """The caller's own policy, whose versions a call reads or changes (AWS managed ones: ``AccessDenied``)."""
    return get_customer_policy(call, arn)


def _aws_policy(arn: str) -> AwsPolicy | None:
    policy = find_aws_policy(arn)
    if policy is None and arn.startswith(PREFIX + "/"):
        raise not_found(arn)
    return policy


def _version(record: Record, version_id: str) -> dict[str, Any]:
    for version in record.extra["versions"]:
        if version["VersionId"] == version_id:
            return dict(version)
    raise common.no_such_entity(f"Policy {record.doc['Arn']} version {version_id} does not exist or is not attachable.")


def _shown(record: Record, version: dict[str, Any], *, document: bool = True) -> dict[str, Any]:
    shown = {**version, "IsDefaultVersion": version["VersionId"] == record.extra["default"]}
    if document:
        shown["Document"] = documents.encoded(version["Document"])
    else:
        shown.pop("Document")
    return shown


def _aws_version(policy: AwsPolicy, version_id: str) -> dict[str, Any]:
    if version_id != policy.default_version:
        raise Unsupported(
            "UnsupportedOperation",
            f"vpcsim's catalog holds the default version ({policy.default_version}) of {policy.arn}, not "
            f"{version_id}; the call changed nothing.",
        )
    return {
        "Document": documents.encoded(policy.document),
        "VersionId": policy.default_version,
        "IsDefaultVersion": True,
        "CreateDate": policy.version_date,
    }


def get_policy_version(call: Call, params: Params) -> Result:
    policy = _aws_policy(params["PolicyArn"])
    if policy is not None:
        return {"PolicyVersion": _aws_version(policy, params["VersionId"])}
    record = _policy(call, params["PolicyArn"])
    return {"PolicyVersion": _shown(record, _version(record, params["VersionId"]))}


def list_policy_versions(call: Call, params: Params) -> Result:
    policy = _aws_policy(params["PolicyArn"])
    if policy is not None:
        only = _aws_version(policy, policy.default_version)
        del only["Document"]
        return common.page(call, params, [only], "Versions")
    record = _policy(call, params["PolicyArn"])
    versions = [_shown(record, v, document=False) for v in reversed(record.extra["versions"])]
    return common.page(call, params, versions, "Versions")


def create_policy_version(call: Call, params: Params) -> Result:
    record = _policy(call, params["PolicyArn"])
    versions = list(record.extra["versions"])
    if len(versions) >= MAX_VERSIONS:
        raise ApiError(
            "LimitExceeded",
            "A managed policy can have up to 5 versions. Before you create a new version, you must delete an "
            "existing version.",
        )
    documents.check_managed_policy(params["PolicyDocument"])
    now = common.iam_date(call)
    version = {"VersionId": f"v{record.extra['next']}", "Document": params["PolicyDocument"], "CreateDate": now}
    versions.append(version)
    default = version["VersionId"] if params.get("SetAsDefault") else record.extra["default"]
    updated = record.with_doc(UpdateDate=now).with_extra(
        versions=versions, default=default, next=record.extra["next"] + 1
    )
    call.tx.put(updated)
    return {"PolicyVersion": _shown(updated, version, document=False)}


def delete_policy_version(call: Call, params: Params) -> Result:
    record = _policy(call, params["PolicyArn"])
    version = _version(record, params["VersionId"])
    if version["VersionId"] == record.extra["default"]:
        raise ApiError("DeleteConflict", "Cannot delete the default version of a policy.")
    kept = [v for v in record.extra["versions"] if v["VersionId"] != version["VersionId"]]
    call.tx.put(record.with_doc(UpdateDate=kept[-1]["CreateDate"]).with_extra(versions=kept))
    return {}


def set_default_policy_version(call: Call, params: Params) -> Result:
    record = _policy(call, params["PolicyArn"])
    version = _version(record, params["VersionId"])
    call.tx.put(record.with_extra(default=version["VersionId"]))
    return {}


__all__ = [
    "create_policy_version",
    "delete_policy_version",
    "get_policy_version",
    "list_policy_versions",
    "set_default_policy_version",
]
