"""Security groups: create (with AWS's default egress rule), delete with AWS's dependency rules, describe, the VPC's
``default`` group, and the check other families use for ``SecurityGroupIds``.

Facts: names are unique per VPC (``InvalidGroup.Duplicate``); ``default`` is reserved and names may not look like an
id (``sg-*``) [GH hashicorp/terraform#17343; GH pulumi/pulumi-awsx#328]; without ``VpcId`` a group goes to the default
VPC (``VPCIdNotSpecified`` when there is none); the default group cannot be deleted (``CannotDelete``), nor a group
another group's rule or a network interface uses (``DependencyViolation``) [EC2ERR]. A new group allows all IPv4
traffic out and nothing in; the default group also allows everything in from its own members [VPCUG23; real-aws], and
all IPv6 traffic out (``::/0``) once its VPC has an IPv6 block, added when the VPC is created with one or when its first
is associated [VPCUG default-security-group: "added only if your VPC has an associated IPv6 CIDR block"]. Named
choice: a custom group created in an IPv6 VPC gets only the IPv4 rule (CreateSecurityGroup documents that one).
Rules live in ``security_permissions``; a group's ``IpPermissions`` are derived from them when it is described.
"""

from __future__ import annotations

from typing import Any

from vpcsim.control.core.call import Call, Params, Result
from vpcsim.control.core.describe import Listing, member, tag_list
from vpcsim.control.core.lookup import get, get_many
from vpcsim.control.core.queries import find_default_vpc
from vpcsim.control.core.tags import tags_for
from vpcsim.control.quotas import quota
from vpcsim.control.security import permissions as perms
from vpcsim.control.security.rules import Spec, permissions
from vpcsim.errors import ApiError, DependencyViolation, InvalidParameter, LimitExceeded, NotFound
from vpcsim.model import Record
from vpcsim.model.arns import ec2_arn

_ALL_OUT: Spec = {"IsEgress": True, "IpProtocol": "-1", "FromPort": -1, "ToPort": -1, "CidrIpv4": "0.0.0.0/0"}
_ALL_OUT_V6: Spec = {"IsEgress": True, "IpProtocol": "-1", "FromPort": -1, "ToPort": -1, "CidrIpv6": "::/0"}


def _names(record: Record, egress: bool) -> list[str]:
    return list(record.extra["referenced_names"][egress])


def _permission_filters(prefix: str, egress: bool) -> dict[str, Any]:
    view = "IpPermissionsEgress" if egress else "IpPermissions"
    return {
        f"{prefix}ip-permission.cidr": member(view, "IpRanges", "CidrIp"),
        f"{prefix}ip-permission.from-port": member(view, "FromPort"),
        f"{prefix}ip-permission.group-id": member(view, "UserIdGroupPairs", "GroupId"),
        f"{prefix}ip-permission.group-name": lambda r: _names(r, egress),
        f"{prefix}ip-permission.ipv6-cidr": member(view, "Ipv6Ranges", "CidrIpv6"),
        f"{prefix}ip-permission.prefix-list-id": member(view, "PrefixListIds", "PrefixListId"),
        f"{prefix}ip-permission.protocol": member(view, "IpProtocol"),
        f"{prefix}ip-permission.to-port": member(view, "ToPort"),
        f"{prefix}ip-permission.user-id": member(view, "UserIdGroupPairs", "UserId"),
    }


def _present_group(record: Record) -> dict[str, Any]:
    # AWS leaves Tags out of an untagged group (real-aws: CreateSecurityGroup answers without it).
    return {**record.doc, "Tags": tag_list(record.tags)} if record.tags else dict(record.doc)


LISTING = Listing(
    kind="security-group",
    page_member="SecurityGroups",
    ids_member="GroupIds",
    present=_present_group,
    filters={
        "description": member("Description"),
        "group-id": member("GroupId"),
        "group-name": member("GroupName"),
        "owner-id": member("OwnerId"),
        "vpc-id": member("VpcId"),
        **_permission_filters("", False),
        **_permission_filters("egress.", True),
    },
)


# -- creating ---------------------------------------------------------------------------------------------------
def new_security_group(
    call: Call, vpc: Record, name: str, description: str, tags: dict[str, str] | None = None
) -> Record:
    """A group in ``vpc`` with AWS's one default rule: all IPv4 traffic out."""
    gid = call.new_id("sg", "security-group")
    doc = {
        "GroupId": gid,
        "GroupName": name,
        "Description": description,
        "VpcId": vpc.id,
        "OwnerId": call.account,
        "SecurityGroupArn": ec2_arn(call.region.name, call.account, "security-group", gid),
    }
    group = call.tx.put(call.record("security-group", gid, doc, vpc.id).evolve(tags=tags or {}))
    perms.add_rules(call, group, [_ALL_OUT])
    return group


def create_default_security_group(call: Call, vpc: Record) -> Record:
    """The VPC's ``default`` group: all traffic in from its own members, all traffic out [VPCUG23]."""
    group = new_security_group(call, vpc, "default", "default VPC security group")
    own = {"GroupId": group.id, "UserId": call.account}
    self_in: Spec = {"IsEgress": False, "IpProtocol": "-1", "FromPort": -1, "ToPort": -1, "ReferencedGroupInfo": own}
    perms.add_rules(call, group, [self_in])
    if vpc.doc.get("Ipv6CidrBlockAssociationSet"):
        perms.add_rules(call, group, [_ALL_OUT_V6])
    return group


def allow_ipv6_egress(call: Call, vpc: Record) -> None:
    """A VPC's first IPv6 block gives its default group the ``::/0`` egress rule (unless it has it already)."""
    group = perms.find_named(call, vpc.id, "default")
    if group is not None and not any(r.doc.get("CidrIpv6") == "::/0" for r in perms.rules_of(call, group.id, True)):
        perms.add_rules(call, group, [_ALL_OUT_V6])


def _check_name(name: str, vpc: Record, call: Call) -> None:
    if name == "default":
        raise InvalidParameter("InvalidParameterValue", "Cannot use reserved security group name: default")
    if name.lower().startswith("sg-"):
        raise InvalidParameter(
            "InvalidParameterValue",
            f"Value ({name}) for parameter GroupName is invalid. Group names may not be in the format sg-*.",
        )
    if not name or len(name) > 255:
        raise InvalidParameter("InvalidParameterValue", "Group names must be 1 to 255 characters long.")
    if perms.find_named(call, vpc.id, name) is not None:
        raise ApiError("InvalidGroup.Duplicate", f"The security group '{name}' already exists for VPC '{vpc.id}'")


def _vpc_for(call: Call, params: Params) -> Record:
    if params.get("VpcId"):
        return get(call, "vpc", params["VpcId"])
    vpc = find_default_vpc(call)
    if vpc is None:
        raise InvalidParameter("VPCIdNotSpecified", "No default VPC for this user")
    return vpc


def create_security_group(call: Call, params: Params) -> Result:
    vpc = _vpc_for(call, params)
    name, description = params["GroupName"], params["Description"]
    _check_name(name, vpc, call)
    if len(description) > 255:
        raise InvalidParameter("InvalidParameterValue", "The description must be at most 255 characters long.")
    group = new_security_group(call, vpc, name, description, tags_for(call, params, "security-group"))
    result: Result = {"GroupId": group.id, "SecurityGroupArn": group.doc["SecurityGroupArn"]}
    if group.tags:
        result["Tags"] = tag_list(group.tags)
    return result


# -- deleting ---------------------------------------------------------------------------------------------------
def _users(call: Call, group: Record) -> list[str]:
    """Whatever keeps ``group`` alive: other groups' rules naming it, network interfaces wearing it."""
    found = [
        r.doc["GroupId"]
        for r in call.tx.scan("security-group-rule")
        if (r.doc.get("ReferencedGroupInfo") or {}).get("GroupId") == group.id and r.parent != group.id
    ]
    found += [e.id for e in call.scan("network-interface") if any(g["GroupId"] == group.id for g in e.doc["Groups"])]
    return found


def remove_security_group(call: Call, group: Record) -> None:
    """Delete a group and its rules (DeleteVpc uses this for the default group)."""
    for rule in perms.rules_of(call, group.id):
        call.tx.delete("security-group-rule", rule.id)
    call.tx.delete("security-group", group.id)


def delete_security_group(call: Call, params: Params) -> Result:
    group = perms.target_group(call, params)
    if group.doc["GroupName"] == "default":
        raise ApiError("CannotDelete", f'the specified group: "{group.id}" name: "default" cannot be deleted by a user')
    if _users(call, group):
        raise DependencyViolation(f"resource {group.id} has a dependent object")
    remove_security_group(call, group)
    return {"Return": True, "GroupId": group.id}


# -- describing -------------------------------------------------------------------------------------------------
def with_permissions(call: Call, group: Record) -> Record:
    """The group as AWS describes it: its ``IpPermissions`` derived from its rule records."""
    doc = dict(group.doc)
    names: dict[bool, list[str]] = {}
    for egress, view in ((False, "IpPermissions"), (True, "IpPermissionsEgress")):
        specs = [r.doc for r in perms.rules_of(call, group.id, egress)]
        doc[view] = permissions(specs)
        names[egress] = [
            _group_name(call, s["ReferencedGroupInfo"]["GroupId"]) for s in specs if "ReferencedGroupInfo" in s
        ]
    return group.evolve(doc=doc).with_extra(referenced_names=names)


def _group_name(call: Call, group_id: str) -> str:
    found = call.tx.find("security-group", group_id)
    return str(found.doc["GroupName"]) if found else ""


def _candidates(call: Call, params: Params) -> list[Record]:
    ids, names = params.get("GroupIds") or [], params.get("GroupNames") or []
    if not ids and not names:
        return call.scan("security-group")
    found = {g.id: g for g in get_many(call, "security-group", ids)} if ids else {}
    found.update({g.id: g for g in (perms.group_named(call, n) for n in names)})
    return list(found.values())


def describe_security_groups(call: Call, params: Params) -> Result:
    LISTING.validate_filters(params)
    return LISTING.run(call, params, [with_permissions(call, g) for g in _candidates(call, params)])


# -- for other families -----------------------------------------------------------------------------------------
def security_groups_for(call: Call, ids: list[str], vpc_id: str, *, subnet_id: str | None = None) -> list[Record]:
    """The groups ``SecurityGroupIds`` names, checked: at most five, existing, and all of ``vpc_id``."""
    unique = list(dict.fromkeys(ids))
    limit = quota(call, "L-2AFB9258")  # security groups per network interface [aws-behaviour 8.3]
    if len(unique) > limit:
        raise LimitExceeded(
            "SecurityGroupsPerInterfaceLimitExceeded",
            f"The maximum number of security groups per interface ({limit}) has been reached.",
        )
    groups = get_many(call, "security-group", unique)
    stray = next((g for g in groups if g.doc["VpcId"] != vpc_id), None)
    if stray is not None:
        where = f"subnet {subnet_id}" if subnet_id else f"VPC {vpc_id}"
        raise InvalidParameter(
            "InvalidParameter", f"Security group {stray.id} and {where} belong to different networks."
        )
    return groups


def default_security_group(call: Call, vpc_id: str) -> Record:
    found = perms.find_named(call, vpc_id, "default")
    if found is None:
        raise NotFound("InvalidGroup.NotFound", f"The VPC '{vpc_id}' has no default security group")
    return found


def _group_for_vpc(record: Record) -> dict[str, Any]:
    return {
        "Description": record.doc["Description"],
        "GroupName": record.doc["GroupName"],
        "OwnerId": record.account,
        "GroupId": record.id,
        "Tags": tag_list(record.tags),
        "PrimaryVpcId": record.doc["VpcId"],
    }


FOR_VPC_LISTING = Listing(
    kind="security-group",
    page_member="SecurityGroupForVpcs",
    parent_filter="primary-vpc-id",
    present=_group_for_vpc,
    filters={
        "group-id": member("GroupId"),
        "description": member("Description"),
        "group-name": member("GroupName"),
        "owner-id": member("OwnerId"),
        "primary-vpc-id": member("VpcId"),
    },
)


def get_security_groups_for_vpc(call: Call, params: Params) -> Result:
    """The groups that can be used in a VPC: its own (vpcsim has no shared-VPC group associations yet)."""
    vpc = get(call, "vpc", params["VpcId"])
    return FOR_VPC_LISTING.run(call, params, list(call.tx.children("security-group", vpc.id)))
