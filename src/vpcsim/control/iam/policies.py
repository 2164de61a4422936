"""Managed policies: the account's own (create, read, list, tag, delete) and AWS's, from the catalog.

Design: a customer managed policy is a record of kind ``iam-policy`` (id ``entity_key(account, name)``, no
Region); its doc is the ``Policy`` GetPolicy describes, less the counts, which are derived from the roles that
attach it; ``extra["versions"]`` holds its versions (VersionId, Document as given, CreateDate), newest last, and
``extra["next"]`` the number the next version gets. AWS managed policies (``arn:aws:iam::aws:policy/...``) are not
stored: ``catalog/iam_policies.py`` lists them, and every account sees the same ones.

Facts [IAM API Reference: CreatePolicy, GetPolicy, ListPolicies, DeletePolicy, TagPolicy; IAM UG "IAM and AWS STS
quotas"]: the ARN is ``arn:aws:iam::<account>:policy<path><name>``, the id ``ANPA`` + 17 characters; the first
version is ``v1`` and the default; names are unique per account ("A policy called <name> already exists. Duplicate
names are not allowed."); an unknown ARN is ``NoSuchEntity`` "Policy <arn> was not found."; DeletePolicy refuses
with ``DeleteConflict`` while any entity attaches it ("Cannot delete a policy attached to entities.") or it has
versions besides the default ("This policy has more than one version. Before you delete a policy, you must delete
the policy's versions. The default version is deleted with the policy."); at most 1,500 customer managed policies
per account ("Cannot exceed quota for PoliciesPerAccount: 1500"). ListPolicies' Scope is ``All`` (default),
``AWS`` or ``Local``; ListPolicies leaves out Tags and Description.
Choices named here: the catalog does not hold AWS managed policies' ids, so their PolicyId is derived from the
ARN; changing one (delete, tag, versions) is ``AccessDenied`` (AWS's wording is not recorded). Lists are in
alphabetical order of name.
"""

from __future__ import annotations

import hashlib
from typing import Any

from vpcsim.catalog.iam_policies import PREFIX, AwsPolicy, aws_policies, find_aws_policy
from vpcsim.control.core.call import Call, Params, Result
from vpcsim.control.iam import common, documents
from vpcsim.control.iam.common import GLOBAL, POLICY, ROLE
from vpcsim.errors import ApiError
from vpcsim.model import Record
from vpcsim.model.arns import parse_arn

MAX_POLICIES = 1500
_ID_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
_LISTED = (
    "PolicyName",
    "PolicyId",
    "Arn",
    "Path",
    "DefaultVersionId",
    "AttachmentCount",
    "PermissionsBoundaryUsageCount",
    "IsAttachable",
    "CreateDate",
    "UpdateDate",
)


def not_found(arn: str) -> ApiError:
    return common.no_such_entity(f"Policy {arn} was not found.")


def find_customer_policy(call: Call, arn: str) -> Record | None:
    """The caller's own managed policy with this ARN (path and name as given)."""
    parsed = parse_arn(arn)
    if parsed is None or parsed.service != "iam" or parsed.account != call.account:
        return None
    if not parsed.resource.startswith("policy/"):
        return None
    record = call.tx.find(POLICY, common.entity_key(call.account, parsed.resource.rsplit("/", 1)[-1]))
    return record if record is not None and record.doc["Arn"] == arn else None


def find_policy(call: Call, arn: str) -> Record | AwsPolicy | None:
    """A managed policy the caller can attach: its own, or one of AWS's."""
    return find_aws_policy(arn) if arn.startswith(PREFIX + "/") else find_customer_policy(call, arn)


def get_customer_policy(call: Call, arn: str) -> Record:
    """The caller's own policy, to change; an AWS managed one is ``AccessDenied`` (only AWS changes it)."""
    if find_aws_policy(arn) is not None:
        raise ApiError("AccessDenied", f"Policy {arn} is an AWS managed policy: only AWS can change it.")
    record = find_customer_policy(call, arn)
    if record is None:
        raise not_found(arn)
    return record


def policy_arn(policy: Record | AwsPolicy) -> str:
    return policy.arn if isinstance(policy, AwsPolicy) else str(policy.doc["Arn"])


def policy_path(policy: Record | AwsPolicy) -> str:
    return policy.path if isinstance(policy, AwsPolicy) else str(policy.doc["Path"])


# -- how a policy is described --------------------------------------------------------------------------------------
def _counts(call: Call, arn: str) -> dict[str, int]:
    roles = common.owned(call, ROLE)
    attached = sum(arn in r.extra.get("attached", []) for r in roles)
    bounded = sum((r.doc.get("PermissionsBoundary") or {}).get("PermissionsBoundaryArn") == arn for r in roles)
    return {"AttachmentCount": attached, "PermissionsBoundaryUsageCount": bounded}


def shown(call: Call, policy: Record | AwsPolicy, *, listing: bool = False) -> dict[str, Any]:
    if isinstance(policy, AwsPolicy):
        doc: dict[str, Any] = {
            "PolicyName": policy.name,
            "PolicyId": _aws_policy_id(policy.arn),
            "Arn": policy.arn,
            "Path": policy.path,
            "DefaultVersionId": policy.default_version,
            "IsAttachable": True,
            "CreateDate": policy.create_date,
            "UpdateDate": policy.update_date,
        }
    else:
        doc = {**policy.doc, "DefaultVersionId": policy.extra["default"]}
        if policy.tags and not listing:
            doc["Tags"] = common.tag_list(policy.tags)
    doc.update(_counts(call, doc["Arn"]))
    return {k: doc[k] for k in _LISTED if k in doc} if listing else doc


def _aws_policy_id(arn: str) -> str:
    digest = hashlib.sha256(arn.encode()).digest()
    return "ANPA" + "".join(_ID_ALPHABET[b % 32] for b in digest[:17])


# -- create ------------------------------------------------------------------------------------------------------
def create_policy(call: Call, params: Params) -> Result:
    name, path = params["PolicyName"], params.get("Path") or "/"
    if call.tx.find(POLICY, common.entity_key(call.account, name)) is not None:
        raise ApiError(
            "EntityAlreadyExists", f"A policy called {name} already exists. Duplicate names are not allowed."
        )
    if len(common.owned(call, POLICY)) >= MAX_POLICIES:
        raise ApiError("LimitExceeded", f"Cannot exceed quota for PoliciesPerAccount: {MAX_POLICIES}")
    documents.check_managed_policy(params["PolicyDocument"])
    tags = common.tags_given(params)
    common.merged_tags({}, tags, "Policy")
    now = common.iam_date(call)
    doc: dict[str, Any] = {
        "PolicyName": name,
        "PolicyId": common.unique_id(call, "ANPA"),
        "Arn": common.iam_arn(call.account, "policy", path, name),
        "Path": path,
        "IsAttachable": True,
        "Description": params.get("Description"),
        "CreateDate": now,
        "UpdateDate": now,
    }
    version = {"VersionId": "v1", "Document": params["PolicyDocument"], "CreateDate": now}
    extra = {"versions": [version], "default": "v1", "next": 2}
    key = common.entity_key(call.account, name)
    record = call.tx.put(Record(POLICY, key, call.account, GLOBAL, _present(doc), None, tags, extra))
    return {"Policy": shown(call, record)}


def _present(doc: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in doc.items() if v is not None}


# -- read --------------------------------------------------------------------------------------------------------
def get_policy(call: Call, params: Params) -> Result:
    arn = params["PolicyArn"]
    policy = find_policy(call, arn)
    if policy is None:
        raise not_found(arn)
    return {"Policy": shown(call, policy)}


def list_policies(call: Call, params: Params) -> Result:
    scope = params.get("Scope") or "All"
    listed: list[Record | AwsPolicy] = []
    if scope in ("All", "AWS"):
        listed += list(aws_policies())
    if scope in ("All", "Local"):
        listed += common.owned(call, POLICY)
    prefix = params.get("PathPrefix") or "/"
    found = [shown(call, p, listing=True) for p in listed]
    found = [p for p in found if p["Path"].startswith(prefix) and _used_as_wanted(p, params)]
    return common.page(call, params, sorted(found, key=lambda p: p["PolicyName"].lower()), "Policies")


def _used_as_wanted(policy: dict[str, Any], params: Params) -> bool:
    usage = params.get("PolicyUsageFilter")
    if params.get("OnlyAttached") and not (policy["AttachmentCount"] or policy["PermissionsBoundaryUsageCount"]):
        return False
    if usage == "PermissionsPolicy":
        return bool(policy["AttachmentCount"]) or not params.get("OnlyAttached")
    if usage == "PermissionsBoundary":
        return bool(policy["PermissionsBoundaryUsageCount"]) or not params.get("OnlyAttached")
    return True


# -- tags --------------------------------------------------------------------------------------------------------
def tag_policy(call: Call, params: Params) -> Result:
    record = get_customer_policy(call, params["PolicyArn"])
    call.tx.put(record.evolve(tags=common.merged_tags(record.tags, common.tags_given(params), "Policy")))
    return {}


def untag_policy(call: Call, params: Params) -> Result:
    record = get_customer_policy(call, params["PolicyArn"])
    removed = set(params["TagKeys"])
    call.tx.put(record.evolve(tags={k: v for k, v in record.tags.items() if k not in removed}))
    return {}


def list_policy_tags(call: Call, params: Params) -> Result:
    if find_aws_policy(params["PolicyArn"]) is not None:
        return common.page(call, params, [], "Tags")  # AWS managed policies carry no tags of the account's
    record = get_customer_policy(call, params["PolicyArn"])
    return common.page(call, params, common.tag_list(record.tags), "Tags")


# -- delete ------------------------------------------------------------------------------------------------------
def delete_policy(call: Call, params: Params) -> Result:
    arn = params["PolicyArn"]
    record = get_customer_policy(call, arn)
    counts = _counts(call, arn)
    if counts["AttachmentCount"] or counts["PermissionsBoundaryUsageCount"]:
        raise ApiError("DeleteConflict", "Cannot delete a policy attached to entities.")
    if len(record.extra["versions"]) > 1:
        raise ApiError(
            "DeleteConflict",
            "This policy has more than one version. Before you delete a policy, you must delete the policy's "
            "versions. The default version is deleted with the policy.",
        )
    call.tx.delete(POLICY, record.id)
    return {}


__all__ = [
    "find_customer_policy",
    "find_policy",
    "get_customer_policy",
    "not_found",
    "policy_arn",
    "policy_path",
    "shown",
]
