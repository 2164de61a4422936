"""Security group rules in the store: authorize, revoke, modify, describe, and the lookups the handlers share.

Each rule is one record of kind ``security-group-rule`` (its ``sgr-`` id, parent = its group), the one source of
truth: ``IpPermissions`` is derived from these records whenever a group is described (``security_rules.permissions``).
Quota [aws-behaviour 8.3; VPCUG23 amazon-vpc-limits]: 60 inbound and 60 outbound rules per group, counted apart for
IPv4 and IPv6; a rule naming a group or a prefix list counts once for each (``RulesPerSecurityGroupLimitExceeded``).
"""

from __future__ import annotations

from typing import Any

from vpcsim.control.core.call import Call, Params, Result
from vpcsim.control.core.describe import Listing, member, present
from vpcsim.control.core.lookup import check_id, get
from vpcsim.control.core.queries import find_default_vpc, get_prefix_list
from vpcsim.control.core.tags import tags_for
from vpcsim.control.security.rules import (
    Spec,
    check_unique,
    describe_rule,
    key,
    permissions,
    requested,
    revoked,
    specs_from_permission,
)
from vpcsim.errors import ApiError, InvalidParameter, LimitExceeded, MissingParameter, NotFound
from vpcsim.model import Record
from vpcsim.model.kinds import KINDS

MAX_RULES = 60
_RULE = "security-group-rule"

RULE_LISTING = Listing(
    kind=_RULE,
    page_member="SecurityGroupRules",
    ids_member="SecurityGroupRuleIds",
    parent_filter="group-id",
    filters={"group-id": member("GroupId"), "security-group-rule-id": member("SecurityGroupRuleId")},
)


# -- finding groups and rules ---------------------------------------------------------------------------------
def find_named(call: Call, vpc_id: str, name: str) -> Record | None:
    return next((g for g in call.tx.children("security-group", vpc_id) if g.doc["GroupName"] == name), None)


def group_named(call: Call, name: str) -> Record:
    """A group by name: AWS resolves names only in the default VPC [EC2API DeleteSecurityGroup GroupName]."""
    vpc = find_default_vpc(call)
    if vpc is None:
        raise InvalidParameter(
            "VPCIdNotSpecified",
            "No default VPC for this user. GroupName is only supported for EC2-Classic and default VPC.",
        )
    found = find_named(call, vpc.id, name)
    if found is not None:
        return found
    if any(g.doc["GroupName"] == name for g in call.scan("security-group")):
        raise InvalidParameter(
            "InvalidParameterValue",
            f"Invalid value '{name}' for groupName. You may not reference Amazon VPC security groups by name. "
            "Please use the corresponding id for this operation.",
        )
    raise NotFound("InvalidGroup.NotFound", f"The security group '{name}' does not exist in default VPC '{vpc.id}'")


def target_group(call: Call, params: Params) -> Record:
    """The group a call acts on, by ``GroupId`` or (default VPC only) ``GroupName``."""
    if params.get("GroupId"):
        return get(call, "security-group", params["GroupId"])
    if params.get("GroupName"):
        return group_named(call, params["GroupName"])
    raise InvalidParameter("MissingParameter", "The request must contain the parameter groupName or groupId")


def rules_of(call: Call, group_id: str, egress: bool | None = None) -> list[Record]:
    rules = call.tx.children(_RULE, group_id)
    return [r for r in rules if egress is None or r.doc["IsEgress"] is egress]


def _rule_in(call: Call, group: Record, rule_id: str, egress: bool | None) -> Record:
    check_id(_RULE, rule_id)
    found = next((r for r in rules_of(call, group.id, egress) if r.id == rule_id), None)
    if found is None:
        raise NotFound(KINDS[_RULE].not_found, KINDS[_RULE].missing_message([rule_id]))
    return found


# -- resolving the peers a request names ----------------------------------------------------------------------
def _referenced(call: Call, group: Record, pair: dict[str, Any]) -> Record:
    if pair.get("GroupId"):
        check_id("security-group", pair["GroupId"])
        found = call.tx.find("security-group", pair["GroupId"])
        owner = pair.get("UserId") or call.account
        if found is None or found.region != call.region.name or found.account != owner:
            raise NotFound("InvalidGroup.NotFound", f"The security group '{pair['GroupId']}' does not exist")
        return found
    if pair.get("GroupName"):
        found = find_named(call, group.doc["VpcId"], pair["GroupName"])
        if found is None:
            raise NotFound(
                "InvalidGroup.NotFound",
                f"The security group '{pair['GroupName']}' does not exist in VPC '{group.doc['VpcId']}'",
            )
        return found
    raise MissingParameter("groupId")


def _peering(call: Call, vpc_a: str, vpc_b: str) -> str | None:
    """The active peering connection between two VPCs, if any (a rule may name a group across it) [PEER]."""
    for pcx in call.tx.scan("vpc-peering-connection"):
        ends = {(pcx.doc.get(side) or {}).get("VpcId") for side in ("RequesterVpcInfo", "AccepterVpcInfo")}
        if ends == {vpc_a, vpc_b} and (pcx.doc.get("Status") or {}).get("Code") == "active":
            return pcx.id
    return None


def _reference_info(call: Call, group: Record, pair: dict[str, Any]) -> dict[str, Any]:
    other = _referenced(call, group, pair)
    info: dict[str, Any] = {"GroupId": other.id, "UserId": other.account}
    if other.doc["VpcId"] != group.doc["VpcId"]:
        pcx = _peering(call, group.doc["VpcId"], other.doc["VpcId"])
        if pcx is None:
            raise NotFound(
                "InvalidGroup.NotFound", "You have specified two resources that belong to different networks."
            )
        info.update(VpcId=other.doc["VpcId"], VpcPeeringConnectionId=pcx, PeeringStatus="active")
    return info


def resolve(call: Call, group: Record, spec: Spec) -> Spec:
    """A parsed spec with its group pair turned into ``ReferencedGroupInfo`` and its prefix list checked."""
    if "PrefixListId" in spec:
        get_prefix_list(call, spec["PrefixListId"])  # customer- or AWS-managed, else NotFound
    if "_pair" not in spec:
        return spec
    rest = {k: v for k, v in spec.items() if k not in ("_pair", "Description")}
    resolved = {**rest, "ReferencedGroupInfo": _reference_info(call, group, spec["_pair"])}
    if "Description" in spec:
        resolved["Description"] = spec["Description"]
    return resolved


def resolved_request(call: Call, group: Record, params: Params, egress: bool) -> list[Spec]:
    specs = [resolve(call, group, s) for s in requested(params, egress)]
    check_unique(specs)
    return specs


# -- writing rules ----------------------------------------------------------------------------------------------
def _rule_doc(call: Call, group: Record, rule_id: str, spec: Spec) -> dict[str, Any]:
    arn = f"arn:aws:ec2:{call.region.name}:{group.account}:security-group-rule/{rule_id}"
    return {"SecurityGroupRuleId": rule_id, "GroupId": group.id, "GroupOwnerId": group.account, **spec} | {
        "SecurityGroupRuleArn": arn
    }


def _duplicate(spec: Spec) -> ApiError:
    return ApiError("InvalidPermission.Duplicate", f'the specified rule "{describe_rule(spec)}" already exists')


def add_rules(call: Call, group: Record, specs: list[Spec], tags: dict[str, str] | None = None) -> list[Record]:
    """Store new rules in ``group``, refusing one that exists already, then check the quota."""
    existing = {key(r.doc) for r in rules_of(call, group.id)}
    clash = next((s for s in specs if key(s) in existing), None)
    if clash is not None:
        raise _duplicate(clash)
    added = []
    for spec in specs:
        rid = call.new_id("sgr", _RULE)
        record = call.record(_RULE, rid, _rule_doc(call, group, rid, spec), group.id).evolve(tags=dict(tags or {}))
        added.append(call.tx.put(record))
    _check_quota(call, group)
    return added


def _check_quota(call: Call, group: Record) -> None:
    for egress in (False, True):
        docs = [r.doc for r in rules_of(call, group.id, egress)]
        ipv4 = sum(1 for d in docs if "CidrIpv6" not in d)
        ipv6 = sum(1 for d in docs if "CidrIpv4" not in d)
        if max(ipv4, ipv6) > MAX_RULES:
            raise LimitExceeded(
                "RulesPerSecurityGroupLimitExceeded", "The maximum number of rules per security group has been reached."
            )


def _authorize(call: Call, params: Params, egress: bool) -> Result:
    group = target_group(call, params)
    specs = resolved_request(call, group, params, egress)
    added = add_rules(call, group, specs, tags_for(call, params, _RULE))
    return {"Return": True, "SecurityGroupRules": [present(r) for r in added]}


def authorize_security_group_ingress(call: Call, params: Params) -> Result:
    return _authorize(call, params, False)


def authorize_security_group_egress(call: Call, params: Params) -> Result:
    return _authorize(call, params, True)


# -- removing rules ---------------------------------------------------------------------------------------------
def _matching(call: Call, group: Record, params: Params, egress: bool) -> tuple[list[Record], list[Spec]]:
    """The stored rules a revoke names, and the named rules that do not exist."""
    if params.get("SecurityGroupRuleIds"):
        return [_rule_in(call, group, rid, egress) for rid in dict.fromkeys(params["SecurityGroupRuleIds"])], []
    stored = {key(r.doc): r for r in rules_of(call, group.id, egress)}
    specs = resolved_request(call, group, params, egress)
    found = [stored[key(s)] for s in specs if key(s) in stored]
    if not found:
        raise NotFound("InvalidPermission.NotFound", "The specified rule does not exist in this security group.")
    return found, [s for s in specs if key(s) not in stored]


def _revoke(call: Call, params: Params, egress: bool) -> Result:
    group = target_group(call, params)
    rules, unknown = _matching(call, group, params, egress)
    for rule in rules:
        call.tx.delete(_RULE, rule.id)
    result: Result = {"Return": True, "RevokedSecurityGroupRules": [revoked(r.doc) for r in rules]}
    if unknown:
        # AWS revokes what exists and lists the rest rather than failing the call [EC2API UnknownIpPermissions].
        result["UnknownIpPermissions"] = permissions(unknown)
    return result


def revoke_security_group_ingress(call: Call, params: Params) -> Result:
    return _revoke(call, params, False)


def revoke_security_group_egress(call: Call, params: Params) -> Result:
    return _revoke(call, params, True)


# -- changing rules in place ------------------------------------------------------------------------------------
def _request_permission(request: dict[str, Any]) -> dict[str, Any]:
    """A ``SecurityGroupRuleRequest`` as the one ``IpPermission`` it stands for."""
    item = {"Description": request["Description"]} if request.get("Description") is not None else {}
    permission = {k: request[k] for k in ("IpProtocol", "FromPort", "ToPort") if request.get(k) is not None}
    peers = [
        ("CidrIpv4", "IpRanges", "CidrIp"),
        ("CidrIpv6", "Ipv6Ranges", "CidrIpv6"),
        ("PrefixListId", "PrefixListIds", "PrefixListId"),
        ("ReferencedGroupId", "UserIdGroupPairs", "GroupId"),
    ]
    given = [(list_name, {**item, item_key: request[m]}) for m, list_name, item_key in peers if request.get(m)]
    if len(given) > 1:
        raise InvalidParameter(
            "InvalidParameterCombination", "A security group rule names exactly one CIDR, prefix list or group."
        )
    return {**permission, **{name: [value] for name, value in given}}


def _replace(call: Call, group: Record, rule: Record, spec: Spec) -> None:
    others = {key(r.doc) for r in rules_of(call, group.id) if r.id != rule.id}
    if key(spec) in others:
        raise _duplicate(spec)
    call.tx.put(rule.evolve(doc=_rule_doc(call, group, rule.id, spec)))


def modify_security_group_rules(call: Call, params: Params) -> Result:
    group = get(call, "security-group", params["GroupId"])
    for update in params["SecurityGroupRules"]:
        rule = _rule_in(call, group, update.get("SecurityGroupRuleId") or "", None)
        permission = _request_permission(update.get("SecurityGroupRule") or {})
        (spec,) = specs_from_permission(permission, rule.doc["IsEgress"])
        _replace(call, group, rule, resolve(call, group, spec))
    _check_quota(call, group)
    return {"Return": True}


def _with_description(rule: Record, description: str | None) -> Spec:
    spec = {k: v for k, v in rule.doc.items() if k not in ("Description", "SecurityGroupRuleArn")}
    return {**spec, "Description": description} if description is not None else spec


def _describe_as(call: Call, group: Record, rule: Record, description: str | None) -> None:
    call.tx.put(rule.evolve(doc=_rule_doc(call, group, rule.id, _with_description(rule, description))))


def _update_descriptions(call: Call, params: Params, egress: bool) -> Result:
    group = target_group(call, params)
    for item in params.get("SecurityGroupRuleDescriptions") or []:
        rule = _rule_in(call, group, item.get("SecurityGroupRuleId") or "", egress)
        _describe_as(call, group, rule, item.get("Description"))
    if params.get("SecurityGroupRuleDescriptions"):
        return {"Return": True}
    for spec in resolved_request(call, group, params, egress):
        found = {key(r.doc): r for r in rules_of(call, group.id, egress)}.get(key(spec))
        if found is None:
            raise NotFound("InvalidPermission.NotFound", "The specified rule does not exist in this security group.")
        _describe_as(call, group, found, spec.get("Description"))
    return {"Return": True}


def update_security_group_rule_descriptions_ingress(call: Call, params: Params) -> Result:
    return _update_descriptions(call, params, False)


def update_security_group_rule_descriptions_egress(call: Call, params: Params) -> Result:
    return _update_descriptions(call, params, True)


def describe_security_group_rules(call: Call, params: Params) -> Result:
    return RULE_LISTING.run(call, params)
