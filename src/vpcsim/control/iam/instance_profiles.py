"""Instance profiles: the container that hands one role to EC2 instances.

Design: a profile is a record of kind ``iam-instance-profile`` (id ``entity_key(account, name)``, no Region); its
doc is the ``InstanceProfile`` less ``Roles``, which is built from the role record named by ``extra["role"]`` (the
role's record id) each time it is described, so a role's changes show in every profile holding it.

Facts [IAM API Reference: CreateInstanceProfile, GetInstanceProfile, AddRoleToInstanceProfile,
RemoveRoleFromInstanceProfile, DeleteInstanceProfile, ListInstanceProfiles, ListInstanceProfilesForRole; IAM UG
"IAM and AWS STS quotas"]: the ARN is ``arn:aws:iam::<account>:instance-profile<path><name>``, the id ``AIPA`` +
17 characters; a profile holds at most one role ("Cannot exceed quota for InstanceSessionsPerInstanceProfile: 1",
LimitExceeded); a name taken is ``EntityAlreadyExists`` "Instance Profile <name> already exists."; an unknown one
``NoSuchEntity`` "Instance Profile <name> cannot be found."; a profile still holding a role cannot be deleted
("Cannot delete entity, must remove roles from instance profile first.", DeleteConflict); at most 1,000 profiles
per account. Choice named here: removing a role the profile does not hold is ``NoSuchEntity`` "The role with name
<name> cannot be found." (AWS's wording for it is not recorded).
"""

from __future__ import annotations

from typing import Any

from vpcsim.control.core.call import Call, Params, Result
from vpcsim.control.iam import common, roles
from vpcsim.control.iam.common import GLOBAL, PROFILE, ROLE
from vpcsim.errors import ApiError
from vpcsim.model import Record
from vpcsim.model.arns import parse_arn
from vpcsim.store import Transaction

MAX_PROFILES = 1000


def find_profile(tx: Transaction, account: str, name: str) -> Record | None:
    return tx.find(PROFILE, common.entity_key(account, name))


def find_profile_by_arn(tx: Transaction, arn: str) -> Record | None:
    parsed = parse_arn(arn)
    if parsed is None or parsed.service != "iam" or not parsed.resource.startswith("instance-profile/"):
        return None
    record = find_profile(tx, parsed.account, parsed.resource.rsplit("/", 1)[-1])
    return record if record is not None and record.doc["Arn"] == arn else None


def get_profile(call: Call, name: str) -> Record:
    record = find_profile(call.tx, call.account, name)
    if record is None:
        raise common.no_such_entity(f"Instance Profile {name} cannot be found.")
    return record


def profile_role(tx: Transaction, profile: Record) -> Record | None:
    key = profile.extra.get("role")
    return tx.find(ROLE, key) if key else None


def shown(tx: Transaction, profile: Record, *, tags: bool = True) -> dict[str, Any]:
    role = profile_role(tx, profile)
    doc: dict[str, Any] = {**profile.doc, "Roles": [roles.shown(role, listing=True)] if role else []}
    if tags and profile.tags:
        doc["Tags"] = common.tag_list(profile.tags)
    return doc


def create_instance_profile(call: Call, params: Params) -> Result:
    name, path = params["InstanceProfileName"], params.get("Path") or "/"
    if find_profile(call.tx, call.account, name) is not None:
        raise ApiError("EntityAlreadyExists", f"Instance Profile {name} already exists.")
    if len(common.owned(call, PROFILE)) >= MAX_PROFILES:
        raise ApiError("LimitExceeded", f"Cannot exceed quota for InstanceProfilesPerAccount: {MAX_PROFILES}")
    tags = common.tags_given(params)
    common.merged_tags({}, tags, "InstanceProfile")
    doc = {
        "Path": path,
        "InstanceProfileName": name,
        "InstanceProfileId": common.unique_id(call, "AIPA"),
        "Arn": common.iam_arn(call.account, "instance-profile", path, name),
        "CreateDate": common.iam_date(call),
    }
    key = common.entity_key(call.account, name)
    record = call.tx.put(Record(PROFILE, key, call.account, GLOBAL, doc, None, tags, {"role": None}))
    return {"InstanceProfile": shown(call.tx, record)}


def get_instance_profile(call: Call, params: Params) -> Result:
    return {"InstanceProfile": shown(call.tx, get_profile(call, params["InstanceProfileName"]))}


def list_instance_profiles(call: Call, params: Params) -> Result:
    prefix = params.get("PathPrefix") or "/"
    found = sorted(common.owned(call, PROFILE), key=lambda r: r.id)
    listed = [shown(call.tx, p, tags=False) for p in found if p.doc["Path"].startswith(prefix)]
    return common.page(call, params, listed, "InstanceProfiles")


def list_instance_profiles_for_role(call: Call, params: Params) -> Result:
    role = roles.get_role_record(call, params["RoleName"])
    found = sorted((p for p in common.owned(call, PROFILE) if p.extra.get("role") == role.id), key=lambda r: r.id)
    return common.page(call, params, [shown(call.tx, p, tags=False) for p in found], "InstanceProfiles")


def add_role_to_instance_profile(call: Call, params: Params) -> Result:
    profile = get_profile(call, params["InstanceProfileName"])
    role = roles.get_role_record(call, params["RoleName"])
    if profile.extra.get("role"):
        raise ApiError("LimitExceeded", "Cannot exceed quota for InstanceSessionsPerInstanceProfile: 1")
    call.tx.put(profile.with_extra(role=role.id))
    return {}


def remove_role_from_instance_profile(call: Call, params: Params) -> Result:
    profile = get_profile(call, params["InstanceProfileName"])
    name = params["RoleName"]
    if profile.extra.get("role") != common.entity_key(call.account, name):
        raise common.no_such_entity(f"The role with name {name} cannot be found.")
    call.tx.put(profile.with_extra(role=None))
    return {}


def delete_instance_profile(call: Call, params: Params) -> Result:
    profile = get_profile(call, params["InstanceProfileName"])
    if profile.extra.get("role"):
        raise ApiError("DeleteConflict", "Cannot delete entity, must remove roles from instance profile first.")
    call.tx.delete(PROFILE, profile.id)
    return {}


def tag_instance_profile(call: Call, params: Params) -> Result:
    profile = get_profile(call, params["InstanceProfileName"])
    tags = common.merged_tags(profile.tags, common.tags_given(params), "InstanceProfile")
    call.tx.put(profile.evolve(tags=tags))
    return {}


def untag_instance_profile(call: Call, params: Params) -> Result:
    profile = get_profile(call, params["InstanceProfileName"])
    removed = set(params["TagKeys"])
    call.tx.put(profile.evolve(tags={k: v for k, v in profile.tags.items() if k not in removed}))
    return {}


def list_instance_profile_tags(call: Call, params: Params) -> Result:
    profile = get_profile(call, params["InstanceProfileName"])
    return common.page(call, params, common.tag_list(profile.tags), "Tags")


__all__ = ["find_profile", "find_profile_by_arn", "get_profile", "profile_role", "shown"]
