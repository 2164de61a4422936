"""Resolver rules and their associations with VPCs.

Facts [Route 53 Resolver API CreateResolverRule, AssociateResolverRule; Route 53 DG "Forwarding outbound DNS
queries to your network"]: a FORWARD rule sends queries for its domain (and its subdomains) to TargetIps through an
OUTBOUND endpoint; a SYSTEM rule makes the Resolver answer a subdomain itself, overriding a forward rule of a parent
domain; every account sees the autodefined RECURSIVE "Internet Resolver" rule for ``.``; a rule applies to the VPCs
it is associated with (one association per rule and VPC: ``ResourceExistsException``); an associated rule cannot be
deleted (``ResourceInUseException``). The Resolver answers domain names with a trailing dot.
"""

from __future__ import annotations

from typing import Any

from vpcsim.control.core import dependents
from vpcsim.control.core.call import Call, Params, Result
from vpcsim.control.core.lookup import get as get_ec2
from vpcsim.control.resolver.common import (
    ASSOCIATION,
    ENDPOINT,
    RULE,
    arn,
    get,
    invalid,
    listed,
    new_id,
    not_found,
    stamp,
    tags_of,
)
from vpcsim.errors import ApiError
from vpcsim.model import Record

_TYPES = ("FORWARD", "SYSTEM", "RECURSIVE", "DELEGATE")
_INTERNET = "rslvr-autodefined-rr-internet-resolver"
_RULE_FILTERS = {
    "CreatorRequestId": "CreatorRequestId",
    "DomainName": "DomainName",
    "Name": "Name",
    "ResolverEndpointId": "ResolverEndpointId",
    "Status": "Status",
    "Type": "RuleType",
}
_ASSOCIATION_FILTERS = {"Name": "Name", "ResolverRuleId": "ResolverRuleId", "Status": "Status", "VPCId": "VPCId"}


def _domain(name: str) -> str:
    text = name.strip().lower()
    return text if text.endswith(".") else text + "."


def _internet_rule(call: Call) -> Record:
    """The rule every account has: the Resolver recurses for every name no other rule takes."""
    doc = {
        "Id": _INTERNET,
        "CreatorRequestId": "",
        "Arn": f"arn:aws:route53resolver:{call.region.name}:{call.account}:autodefined-rule/{_INTERNET}",
        "DomainName": ".",
        "Status": "COMPLETE",
        "RuleType": "RECURSIVE",
        "Name": "Internet Resolver",
        "OwnerId": "Route 53 Resolver",
        "ShareStatus": "NOT_SHARED",
    }
    return Record(RULE, _INTERNET, call.account, call.region.name, doc)


def _check_targets(call: Call, rule_type: str, params: Params) -> list[dict[str, Any]]:
    targets = list(params.get("TargetIps") or [])
    endpoint_id = params.get("ResolverEndpointId")
    if rule_type == "FORWARD" and (not targets or not endpoint_id):
        raise ApiError("InvalidRequestException", "A FORWARD rule needs TargetIps and an outbound ResolverEndpointId.")
    if rule_type == "SYSTEM" and targets:
        raise ApiError("InvalidRequestException", "A SYSTEM rule cannot have TargetIps.")
    if endpoint_id:
        endpoint = get(call, ENDPOINT, endpoint_id, "Resolver endpoint")
        if endpoint.doc["Direction"] != "OUTBOUND":
            raise invalid(f"Resolver endpoint {endpoint_id} is not an OUTBOUND endpoint.")
    return [{"Port": 53, "Protocol": "Do53", **t} for t in targets]


def create_resolver_rule(call: Call, params: Params) -> Result:
    earlier = call.earlier(RULE, params["CreatorRequestId"])
    if earlier is not None:
        return {"ResolverRule": earlier.doc}
    rule_type = params["RuleType"]
    if rule_type not in _TYPES:
        raise invalid(f"RuleType '{rule_type}' is not valid.")
    targets = _check_targets(call, rule_type, params)
    rid = new_id(call, "rslvr-rr", RULE)
    doc: dict[str, Any] = {
        "Id": rid,
        "CreatorRequestId": params["CreatorRequestId"],
        "Arn": arn(call, RULE, rid),
        "DomainName": _domain(params.get("DomainName") or "."),
        "Status": "COMPLETE",
        "StatusMessage": "[Trace id: vpcsim] Successfully created Resolver Rule.",
        "RuleType": rule_type,
        "Name": params.get("Name") or "",
        "OwnerId": call.account,
        "ShareStatus": "NOT_SHARED",
        **stamp(call),
    }
    if targets:
        doc.update(TargetIps=targets, ResolverEndpointId=params["ResolverEndpointId"])
    call.tx.put(call.record(RULE, rid, doc).evolve(tags=tags_of(params)))
    call.remember(RULE, params["CreatorRequestId"], rid)
    return {"ResolverRule": doc}


def _rule(call: Call, rid: str) -> Record:
    return _internet_rule(call) if rid == _INTERNET else get(call, RULE, rid, "Resolver rule")


def get_resolver_rule(call: Call, params: Params) -> Result:
    return {"ResolverRule": _rule(call, params["ResolverRuleId"]).doc}


def list_resolver_rules(call: Call, params: Params) -> Result:
    return listed([_internet_rule(call), *call.scan(RULE)], params, "ResolverRules", _RULE_FILTERS)


def update_resolver_rule(call: Call, params: Params) -> Result:
    rule = get(call, RULE, params["ResolverRuleId"], "Resolver rule")
    config = params["Config"]
    merged = {**rule.doc, **{k: v for k, v in config.items() if v is not None}}
    if "TargetIps" in config or "ResolverEndpointId" in config:
        merged["TargetIps"] = _check_targets(call, rule.doc["RuleType"], merged)
    merged["ModificationTime"] = stamp(call)["ModificationTime"]
    call.tx.put(rule.evolve(doc=merged))
    return {"ResolverRule": merged}


def delete_resolver_rule(call: Call, params: Params) -> Result:
    rule = get(call, RULE, params["ResolverRuleId"], "Resolver rule")
    if any(a.doc["ResolverRuleId"] == rule.id for a in call.scan(ASSOCIATION)):
        raise ApiError(
            "ResourceInUseException",
            f"Cannot delete resolver rule {rule.id}: it is associated with one or more VPCs.",
        )
    call.tx.delete(RULE, rule.id)
    return {"ResolverRule": {**rule.doc, "Status": "DELETING"}}


# -- associations ------------------------------------------------------------------------------------------------
def associate_resolver_rule(call: Call, params: Params) -> Result:
    rule = _rule(call, params["ResolverRuleId"])
    vpc = get_ec2(call, "vpc", params["VPCId"])
    if any(a.doc["ResolverRuleId"] == rule.id and a.doc["VPCId"] == vpc.id for a in call.scan(ASSOCIATION)):
        raise ApiError("ResourceExistsException", f"The resolver rule {rule.id} is already associated with {vpc.id}.")
    aid = new_id(call, "rslvr-rrassoc", ASSOCIATION)
    doc = {"Id": aid, "ResolverRuleId": rule.id, "Name": params.get("Name") or "", "VPCId": vpc.id}
    call.tx.put(call.record(ASSOCIATION, aid, {**doc, "Status": "COMPLETE"}, vpc.id, created_by=call.request_id))
    return {"ResolverRuleAssociation": {**doc, "Status": "CREATING", "StatusMessage": "[Trace id: vpcsim] Creating"}}


@dependents.of("vpc")
def _associated_rules(call: Call, vpc: Record) -> list[str]:
    """Choice named here: DeleteVpc refuses while Resolver rules are associated with the VPC (vpcsim keeps no
    association whose VPC is gone); disassociate them first."""
    return [a.id for a in call.tx.children(ASSOCIATION, vpc.id)]


def disassociate_resolver_rule(call: Call, params: Params) -> Result:
    found = next(
        (
            a
            for a in call.scan(ASSOCIATION)
            if a.doc["ResolverRuleId"] == params["ResolverRuleId"] and a.doc["VPCId"] == params["VPCId"]
        ),
        None,
    )
    if found is None:
        raise not_found("Resolver rule association of rule and VPC", f"{params['ResolverRuleId']}/{params['VPCId']}")
    call.tx.delete(ASSOCIATION, found.id)
    return {"ResolverRuleAssociation": {**found.doc, "Status": "DELETING"}}


def _association_shown(call: Call, association: Record) -> dict[str, Any]:
    if association.extra.get("created_by") == call.request_id:
        return {**association.doc, "Status": "CREATING"}
    return dict(association.doc)


def get_resolver_rule_association(call: Call, params: Params) -> Result:
    association = get(call, ASSOCIATION, params["ResolverRuleAssociationId"], "Resolver rule association")
    return {"ResolverRuleAssociation": _association_shown(call, association)}


def list_resolver_rule_associations(call: Call, params: Params) -> Result:
    shown = [a.evolve(doc=_association_shown(call, a)) for a in call.scan(ASSOCIATION)]
    return listed(shown, params, "ResolverRuleAssociations", _ASSOCIATION_FILTERS)
