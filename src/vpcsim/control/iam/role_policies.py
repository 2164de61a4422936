"""A role's permissions: inline policies (put, read, list, delete) and attached managed policies.

Facts [IAM API Reference: PutRolePolicy, GetRolePolicy, ListRolePolicies, DeleteRolePolicy, AttachRolePolicy,
DetachRolePolicy, ListAttachedRolePolicies, ListEntitiesForPolicy; IAM UG "IAM and AWS STS quotas"]: putting an
inline policy under a name the role already has replaces it; a role's inline policies hold at most 10,240 characters
together ("Maximum policy size of 10240 bytes exceeded for role <name>", LimitExceeded); an unknown inline policy is
``NoSuchEntity`` "The role policy with name <name> cannot be found."; a role has at most 10 managed policies
attached ("Cannot exceed quota for PoliciesPerRole: 10"); attaching a policy already attached changes nothing;
attaching one that does not exist is ``NoSuchEntity`` "Policy <arn> does not exist or is not attachable.";
detaching one that is not attached is ``NoSuchEntity`` "Policy <arn> was not found."; GetRolePolicy's document comes
back URL-encoded. Choice named here: lists are in alphabetical order of name.
"""

from __future__ import annotations

from vpcsim.control.core.call import Call, Params, Result
from vpcsim.control.iam import common, documents
from vpcsim.control.iam.common import ROLE
from vpcsim.control.iam.policies import find_policy, not_found, policy_arn, policy_path
from vpcsim.control.iam.roles import get_role_record
from vpcsim.errors import ApiError

MAX_ATTACHED = 10


# -- inline policies -----------------------------------------------------------------------------------------------
def put_role_policy(call: Call, params: Params) -> Result:
    role = get_role_record(call, params["RoleName"])
    document = params["PolicyDocument"]
    documents.check_identity_policy(document)
    policies = {**role.extra.get("policies", {}), params["PolicyName"]: document}
    if sum(documents.size(d) for d in policies.values()) > documents.INLINE_ROLE_SIZE:
        raise ApiError(
            "LimitExceeded",
            f"Maximum policy size of {documents.INLINE_ROLE_SIZE} bytes exceeded for role {role.doc['RoleName']}",
        )
    call.tx.put(role.with_extra(policies=policies))
    return {}


def _inline(call: Call, params: Params) -> tuple[dict[str, str], str]:
    role = get_role_record(call, params["RoleName"])
    policies: dict[str, str] = dict(role.extra.get("policies", {}))
    name = params["PolicyName"]
    if name not in policies:
        raise common.no_such_entity(f"The role policy with name {name} cannot be found.")
    return policies, name


def get_role_policy(call: Call, params: Params) -> Result:
    policies, name = _inline(call, params)
    role = get_role_record(call, params["RoleName"])
    return {
        "RoleName": role.doc["RoleName"],
        "PolicyName": name,
        "PolicyDocument": documents.encoded(policies[name]),
    }


def delete_role_policy(call: Call, params: Params) -> Result:
    policies, name = _inline(call, params)
    role = get_role_record(call, params["RoleName"])
    del policies[name]
    call.tx.put(role.with_extra(policies=policies))
    return {}


def list_role_policies(call: Call, params: Params) -> Result:
    role = get_role_record(call, params["RoleName"])
    return common.page(call, params, sorted(role.extra.get("policies", {})), "PolicyNames")


# -- attached managed policies ------------------------------------------------------------------------------------
def attach_role_policy(call: Call, params: Params) -> Result:
    role = get_role_record(call, params["RoleName"])
    arn = params["PolicyArn"]
    if find_policy(call, arn) is None:
        raise common.no_such_entity(f"Policy {arn} does not exist or is not attachable.")
    attached = list(role.extra.get("attached", []))
    if arn in attached:
        return {}
    if len(attached) >= MAX_ATTACHED:
        raise ApiError("LimitExceeded", f"Cannot exceed quota for PoliciesPerRole: {MAX_ATTACHED}")
    call.tx.put(role.with_extra(attached=[*attached, arn]))
    return {}


def detach_role_policy(call: Call, params: Params) -> Result:
    role = get_role_record(call, params["RoleName"])
    arn = params["PolicyArn"]
    attached = list(role.extra.get("attached", []))
    if arn not in attached:
        raise not_found(arn)
    attached.remove(arn)
    call.tx.put(role.with_extra(attached=attached))
    return {}


def list_attached_role_policies(call: Call, params: Params) -> Result:
    role = get_role_record(call, params["RoleName"])
    prefix = params.get("PathPrefix") or "/"
    found = []
    for arn in role.extra.get("attached", []):
        policy = find_policy(call, arn)
        if policy is None:
            continue
        if policy_path(policy).startswith(prefix):
            found.append({"PolicyName": policy_arn(policy).rsplit("/", 1)[-1], "PolicyArn": arn})
    return common.page(call, params, sorted(found, key=lambda p: p["PolicyName"].lower()), "AttachedPolicies")


def list_entities_for_policy(call: Call, params: Params) -> Result:
    """The roles a managed policy is attached to (vpcsim has no IAM users or groups, so those lists are empty)."""
    arn = params["PolicyArn"]
    if find_policy(call, arn) is None:
        raise not_found(arn)
    wanted = params.get("EntityFilter")
    usage = params.get("PolicyUsageFilter") or "PermissionsPolicy"
    prefix = params.get("PathPrefix") or "/"
    roles = [
        {"RoleName": r.doc["RoleName"], "RoleId": r.doc["RoleId"]}
        for r in sorted(common.owned(call, ROLE), key=lambda r: r.id)
        if r.doc["Path"].startswith(prefix)
        and wanted in (None, "Role")
        and _uses(r.extra.get("attached", []), r.doc.get("PermissionsBoundary"), arn, usage)
    ]
    result = common.page(call, params, roles, "PolicyRoles")
    return {**result, "PolicyGroups": [], "PolicyUsers": []}


def _uses(attached: list[str], boundary: dict[str, str] | None, arn: str, usage: str) -> bool:
    if usage == "PermissionsBoundary":
        return (boundary or {}).get("PermissionsBoundaryArn") == arn
    return arn in attached


__all__ = [
    "attach_role_policy",
    "delete_role_policy",
    "detach_role_policy",
    "get_role_policy",
    "list_attached_role_policies",
    "list_entities_for_policy",
    "list_role_policies",
    "put_role_policy",
]
