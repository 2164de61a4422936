"""IAM roles: create, read, list, update, tag, delete.

Design: a role is a record of kind ``iam-role`` in the caller's account with no Region (IAM is global), id
``entity_key(account, name)``; its doc is the ``Role`` GetRole describes, with the trust policy kept as given and
URL-encoded on the way out; ``extra`` holds what other calls hang on it: ``policies`` (inline policy name ->
document, in the order they were put) and ``attached`` (managed policy ARNs).

Facts [IAM API Reference: CreateRole, GetRole, ListRoles, UpdateRole, UpdateRoleDescription,
UpdateAssumeRolePolicy, DeleteRole, TagRole, UntagRole, ListRoleTags, PutRolePermissionsBoundary; IAM UG "IAM and
AWS STS quotas"]: the ARN is ``arn:aws:iam::<account>:role<path><name>``, the id ``AROA`` + 17 characters;
MaxSessionDuration defaults to 3600; a name taken whatever its case is ``EntityAlreadyExists`` "Role with name
<name> already exists."; an unknown name is ``NoSuchEntity`` "The role with name <name> cannot be found."; at most
1,000 roles per account ("Cannot exceed quota for RolesPerAccount: 1000"); ListRoles leaves out Tags,
PermissionsBoundary and RoleLastUsed ("IAM resource-listing operations return a subset of the available
attributes"); DeleteRole refuses with ``DeleteConflict`` while the role is in an instance profile ("Cannot delete
entity, must remove roles from instance profile first."), has inline policies ("Cannot delete entity, must delete
policies first.") or attached ones ("Cannot delete entity, must detach all policies first."). A permissions boundary
must be a managed policy that exists ("Scope ARN: <arn> does not exist or is not attachable.").
"""

from __future__ import annotations

from typing import Any

from vpcsim.control.core.call import Call, Params, Result
from vpcsim.control.iam import common, documents
from vpcsim.control.iam.common import GLOBAL, PROFILE, ROLE
from vpcsim.control.iam.policies import find_policy
from vpcsim.errors import ApiError
from vpcsim.model import Record
from vpcsim.model.arns import parse_arn
from vpcsim.store import Transaction

MAX_ROLES = 1000
DEFAULT_SESSION = 3600
_LISTED = (
    "Path",
    "RoleName",
    "RoleId",
    "Arn",
    "CreateDate",
    "AssumeRolePolicyDocument",
    "Description",
    "MaxSessionDuration",
)


def find_role(tx: Transaction, account: str, name: str) -> Record | None:
    return tx.find(ROLE, common.entity_key(account, name))


def get_role_record(call: Call, name: str) -> Record:
    record = find_role(call.tx, call.account, name)
    if record is None:
        raise common.no_such_entity(f"The role with name {name} cannot be found.")
    return record


def find_role_by_arn(tx: Transaction, arn: str) -> Record | None:
    """The role an ARN names, if it exists with that very path and name."""
    parsed = parse_arn(arn)
    if parsed is None or parsed.service != "iam" or not parsed.resource.startswith("role/"):
        return None
    record = find_role(tx, parsed.account, parsed.resource.rsplit("/", 1)[-1])
    return record if record is not None and record.doc["Arn"] == arn else None


def shown(record: Record, *, listing: bool = False) -> dict[str, Any]:
    """The Role as GetRole (or, ``listing``, as ListRoles) describes it."""
    doc = dict(record.doc)
    doc["AssumeRolePolicyDocument"] = documents.encoded(doc["AssumeRolePolicyDocument"])
    if listing:
        return {k: doc[k] for k in _LISTED if k in doc}
    if record.tags:
        doc["Tags"] = common.tag_list(record.tags)
    return {**doc, "RoleLastUsed": record.extra.get("last_used", {})}


# -- create ------------------------------------------------------------------------------------------------------
def create_role(call: Call, params: Params) -> Result:
    name = params["RoleName"]
    if find_role(call.tx, call.account, name) is not None:
        raise ApiError("EntityAlreadyExists", f"Role with name {name} already exists.")
    if len(common.owned(call, ROLE)) >= MAX_ROLES:
        raise ApiError("LimitExceeded", f"Cannot exceed quota for RolesPerAccount: {MAX_ROLES}")
    trust = params["AssumeRolePolicyDocument"]
    documents.check_trust_policy(trust)
    tags = common.tags_given(params)
    common.merged_tags({}, tags, "Role")
    path = params.get("Path") or "/"
    doc: dict[str, Any] = {
        "Path": path,
        "RoleName": name,
        "RoleId": common.unique_id(call, "AROA"),
        "Arn": common.iam_arn(call.account, "role", path, name),
        "CreateDate": common.iam_date(call),
        "AssumeRolePolicyDocument": trust,
        "Description": params.get("Description"),
        "MaxSessionDuration": params.get("MaxSessionDuration") or DEFAULT_SESSION,
    }
    boundary = params.get("PermissionsBoundary")
    if boundary:
        doc["PermissionsBoundary"] = _boundary(call, boundary)
    key = common.entity_key(call.account, name)
    record = Record(ROLE, key, call.account, GLOBAL, {k: v for k, v in doc.items() if v is not None}, None, tags)
    call.tx.put(record.evolve(extra={"policies": {}, "attached": []}))
    return {"Role": {k: v for k, v in shown(record).items() if k != "RoleLastUsed"}}


def _boundary(call: Call, arn: str) -> dict[str, str]:
    if find_policy(call, arn) is None:
        raise common.no_such_entity(f"Scope ARN: {arn} does not exist or is not attachable.")
    return {"PermissionsBoundaryType": "Policy", "PermissionsBoundaryArn": arn}


# -- read --------------------------------------------------------------------------------------------------------
def get_role(call: Call, params: Params) -> Result:
    return {"Role": shown(get_role_record(call, params["RoleName"]))}


def list_roles(call: Call, params: Params) -> Result:
    prefix = params.get("PathPrefix") or "/"
    roles = [shown(r, listing=True) for r in _by_name(common.owned(call, ROLE)) if r.doc["Path"].startswith(prefix)]
    return common.page(call, params, roles, "Roles")


def _by_name(records: list[Record]) -> list[Record]:
    """IAM lists entities in alphabetical order of name (named choice: case-insensitive)."""
    return sorted(records, key=lambda r: r.id)


# -- update ------------------------------------------------------------------------------------------------------
def update_role(call: Call, params: Params) -> Result:
    record = get_role_record(call, params["RoleName"])
    changes: dict[str, Any] = {}
    if params.get("Description") is not None:
        changes["Description"] = params["Description"]
    if params.get("MaxSessionDuration") is not None:
        changes["MaxSessionDuration"] = params["MaxSessionDuration"]
    call.tx.put(record.with_doc(**changes))
    return {}


def update_role_description(call: Call, params: Params) -> Result:
    record = get_role_record(call, params["RoleName"])
    updated = call.tx.put(record.with_doc(Description=params["Description"]))
    return {"Role": {k: v for k, v in shown(updated).items() if k != "RoleLastUsed"}}


def update_assume_role_policy(call: Call, params: Params) -> Result:
    record = get_role_record(call, params["RoleName"])
    documents.check_trust_policy(params["PolicyDocument"])
    call.tx.put(record.with_doc(AssumeRolePolicyDocument=params["PolicyDocument"]))
    return {}


def put_role_permissions_boundary(call: Call, params: Params) -> Result:
    record = get_role_record(call, params["RoleName"])
    call.tx.put(record.with_doc(PermissionsBoundary=_boundary(call, params["PermissionsBoundary"])))
    return {}


def delete_role_permissions_boundary(call: Call, params: Params) -> Result:
    record = get_role_record(call, params["RoleName"])
    call.tx.put(record.with_doc(PermissionsBoundary=None))
    return {}


# -- tags --------------------------------------------------------------------------------------------------------
def tag_role(call: Call, params: Params) -> Result:
    record = get_role_record(call, params["RoleName"])
    tags = common.merged_tags(record.tags, common.tags_given(params), "Role")
    call.tx.put(record.evolve(tags=tags))
    return {}


def untag_role(call: Call, params: Params) -> Result:
    record = get_role_record(call, params["RoleName"])
    removed = set(params["TagKeys"])
    call.tx.put(record.evolve(tags={k: v for k, v in record.tags.items() if k not in removed}))
    return {}


def list_role_tags(call: Call, params: Params) -> Result:
    record = get_role_record(call, params["RoleName"])
    return common.page(call, params, common.tag_list(record.tags), "Tags")


# -- delete ------------------------------------------------------------------------------------------------------
def delete_role(call: Call, params: Params) -> Result:
    record = get_role_record(call, params["RoleName"])
    if any(p.extra.get("role") == record.id for p in common.owned(call, PROFILE)):
        raise ApiError("DeleteConflict", "Cannot delete entity, must remove roles from instance profile first.")
    if record.extra.get("policies"):
        raise ApiError("DeleteConflict", "Cannot delete entity, must delete policies first.")
    if record.extra.get("attached"):
        raise ApiError("DeleteConflict", "Cannot delete entity, must detach all policies first.")
    call.tx.delete(ROLE, record.id)
    return {}


__all__ = ["find_role", "find_role_by_arn", "get_role_record", "shown"]
