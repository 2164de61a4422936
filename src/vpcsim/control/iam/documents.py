"""IAM policy documents: checked as IAM checks them when they are stored, and written back as IAM returns them.

IAM keeps a document as it was given and returns it URL-encoded (RFC 3986) in every answer that carries one
(GetRole's AssumeRolePolicyDocument, GetRolePolicy, GetPolicyVersion ...) [IAM API Reference, "GetRolePolicy":
"The policy document returned in this structure is URL-encoded compliant with RFC 3986"]; botocore decodes it.

A document IAM refuses is ``MalformedPolicyDocument`` with one message, the first problem found. The messages are
IAM's own, as AWS answers them (recorded in public projects' tests against AWS, e.g. moto's policy validation):
"This policy contains invalid Json" (not JSON at all), "Syntax errors in policy." (an unknown element, a wrong
type, a Version that is not a policy language version), "The policy failed legacy parsing" (Effect not exactly
``Allow`` or ``Deny``), "Statement IDs (SID) in a single policy must be unique.", "Policy statement must contain
actions.", "Policy statement must contain resources.", "Actions/Conditions must be prefaced by a vendor, e.g.,
iam, sdb, ec2, etc.", "Actions/Condition can contain only one colon.", "Resource <r> must be in ARN format or
\"*\".", "Policy document should not specify a principal." (an identity policy with Principal), "Has prohibited
field Resource" (a trust policy with Resource), "Invalid principal in policy: ..." (a trust policy's AWS principal
that is no account, ARN or ``*``). Sizes [IAM UG "IAM and AWS STS quotas"]: a managed policy holds at most 6,144
characters not counting white space ("Cannot exceed quota for PolicySize: 6144"), a role trust policy 2,048
("Cannot exceed quota for ACLSizePerRole: 2048"), a role's inline policies 10,240 together.
Choice named here: a trust policy with no Principal is refused "Policy statement must contain principal." (AWS's
wording for it is not recorded).

>>> encoded('{"Effect": "Allow"}')
'%7B%22Effect%22%3A%20%22Allow%22%7D'
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from vpcsim.errors import ApiError, InvalidParameter

_TOP = {"Version", "Id", "Statement"}
_ELEMENTS = {
    "Sid",
    "Effect",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Condition",
    "Principal",
    "NotPrincipal",
}
_VERSIONS = ("2012-10-17", "2008-10-17")
_VENDOR = re.compile(r"[A-Za-z0-9.\-]+|\*")
_ACCOUNT = re.compile(r"\d{12}")
MANAGED_SIZE = 6144
TRUST_SIZE = 2048
INLINE_ROLE_SIZE = 10240


class Malformed(InvalidParameter):
    def __init__(self, message: str) -> None:
        super().__init__("MalformedPolicyDocument", message)


def encoded(document: str) -> str:
    """The document as IAM returns it: percent-encoded, only RFC 3986's unreserved characters left as they are."""
    return quote(document, safe="-_.~")


def size(document: str) -> int:
    """Characters IAM counts against a policy size quota (white space is not counted)."""
    return sum(1 for ch in document if not ch.isspace())


def check_identity_policy(document: str) -> None:
    """A permissions policy (inline or managed): actions and resources, no principal."""
    for statement in _statements(document):
        if "Principal" in statement or "NotPrincipal" in statement:
            raise Malformed("Policy document should not specify a principal.")
        _check_actions(statement)
        _check_resources(statement)


def check_managed_policy(document: str) -> None:
    check_identity_policy(document)
    if size(document) > MANAGED_SIZE:
        raise ApiError("LimitExceeded", f"Cannot exceed quota for PolicySize: {MANAGED_SIZE}")


def check_trust_policy(document: str) -> None:
    """A role's trust policy: who may assume it (principals and actions), never resources."""
    for statement in _statements(document):
        if "Resource" in statement or "NotResource" in statement:
            raise Malformed("Has prohibited field Resource")
        _check_actions(statement)
        if "Principal" not in statement and "NotPrincipal" not in statement:
            raise Malformed("Policy statement must contain principal.")
        _check_principal(statement.get("Principal", statement.get("NotPrincipal")))
    if size(document) > TRUST_SIZE:
        raise ApiError("LimitExceeded", f"Cannot exceed quota for ACLSizePerRole: {TRUST_SIZE}")


def trusts_service(document: str, service: str) -> bool:
    """Whether the trust policy lets the AWS service principal ``service`` call sts:AssumeRole (an Allow statement
    naming it, or ``*``, with an action matching sts:AssumeRole; conditions are not evaluated, named choice)."""
    try:
        statements = _statements(document)
    except ApiError:
        return False
    return any(_allows_service(s, service) for s in statements)


# -- the grammar ------------------------------------------------------------------------------------------------
def _statements(document: str) -> list[Mapping[str, Any]]:
    try:
        data = json.loads(document)
    except (ValueError, RecursionError):  # RecursionError: nested deeper than any policy grammar allows
        raise Malformed("This policy contains invalid Json") from None
    if not isinstance(data, dict) or set(data) - _TOP or data.get("Version", _VERSIONS[1]) not in _VERSIONS:
        raise Malformed("Syntax errors in policy.")
    raw = data.get("Statement")
    given: list[Any] = raw if isinstance(raw, list) else [raw]
    if raw is None or not given or not all(_well_formed(s) for s in given):
        raise Malformed("Syntax errors in policy.")
    statements: list[Mapping[str, Any]] = given
    if any(s["Effect"] not in ("Allow", "Deny") for s in statements):
        raise Malformed("The policy failed legacy parsing")
    sids = [s["Sid"] for s in statements if s.get("Sid")]
    if len(sids) != len(set(sids)):
        raise Malformed("Statement IDs (SID) in a single policy must be unique.")
    return statements


def _well_formed(statement: Any) -> bool:
    if not isinstance(statement, dict) or set(statement) - _ELEMENTS:
        return False
    if not isinstance(statement.get("Effect"), str) or statement["Effect"].lower() not in ("allow", "deny"):
        return False
    condition = statement.get("Condition", {})
    if not isinstance(condition, dict) or not all(isinstance(block, dict) for block in condition.values()):
        return False
    if not isinstance(statement.get("Sid", ""), str):
        return False
    pairs = (("Action", "NotAction"), ("Resource", "NotResource"), ("Principal", "NotPrincipal"))
    if any(a in statement and b in statement for a, b in pairs):
        return False
    return all(_strings(statement[k]) for k in ("Action", "NotAction", "Resource", "NotResource") if k in statement)


def _strings(value: Any) -> bool:
    return isinstance(value, str) or (isinstance(value, list) and all(isinstance(v, str) for v in value))


def _listed(value: Any) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def _check_actions(statement: Mapping[str, Any]) -> None:
    actions = _listed(statement.get("Action", statement.get("NotAction", [])))
    if not actions:
        raise Malformed("Policy statement must contain actions.")
    for action in actions:
        vendor, *rest = action.split(":")
        if not rest and vendor != "*":
            raise Malformed("Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.")
        if len(rest) > 1:
            raise Malformed("Actions/Condition can contain only one colon.")
        if not _VENDOR.fullmatch(vendor):
            raise Malformed(f"Vendor {vendor} is not valid")


def _check_resources(statement: Mapping[str, Any]) -> None:
    resources = _listed(statement.get("Resource", statement.get("NotResource", [])))
    if not resources:
        raise Malformed("Policy statement must contain resources.")
    for resource in resources:
        if resource != "*" and not resource.startswith("arn:"):
            raise Malformed(f'Resource {resource} must be in ARN format or "*".')


def _check_principal(principal: Any) -> None:
    if principal == "*":
        return
    if not isinstance(principal, dict) or not principal:
        raise Malformed("Syntax errors in policy.")
    for kind, values in principal.items():
        if kind not in ("AWS", "Service", "Federated", "CanonicalUser") or not _strings(values):
            raise Malformed("Syntax errors in policy.")
        for value in _listed(values) if kind == "AWS" else ():
            if value != "*" and not _ACCOUNT.fullmatch(value) and not value.startswith("arn:"):
                raise Malformed(f'Invalid principal in policy: "AWS":"{value}"')


def _allows_service(statement: Mapping[str, Any], service: str) -> bool:
    if statement["Effect"] != "Allow" or "Action" not in statement:
        return False
    principal = statement.get("Principal")
    named = (
        principal == "*"
        or (isinstance(principal, dict) and service in _listed(principal.get("Service", [])))
        or (isinstance(principal, dict) and "*" in _listed(principal.get("AWS", [])))
    )
    actions = _listed(statement["Action"])
    return named and any(re.fullmatch(re.escape(a).replace(r"\*", ".*"), "sts:AssumeRole", re.I) for a in actions)


__all__ = [
    "INLINE_ROLE_SIZE",
    "Malformed",
    "check_identity_policy",
    "check_managed_policy",
    "check_trust_policy",
    "encoded",
    "size",
    "trusts_service",
]
