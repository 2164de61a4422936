"""Resource-based policies on S3 buckets and DynamoDB tables: validation on write, access checks across accounts.

Validation [S3 "Bucket policy examples" and error reference; DynamoDB "Using resource-based policies"]: the document
is JSON of at most 20 KB counting white space; every statement names a ``Principal`` (or ``NotPrincipal``) of the
forms AWS accepts; actions belong to the service (or are ``*``); resources lie within the resource the policy is
attached to. A refusal names its first problem; the service supplies its own error code and status.

Access: a call on a resource of another account is evaluated with the engine in vpcsim.policy against the resource's
policy, the caller being granted by its own (unmodelled) identity policy (policy/evaluate.py names that choice).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from vpcsim.control.core.call import Call
from vpcsim.errors import ApiError
from vpcsim.model import Record
from vpcsim.policy import Policy, PolicyError, Statement, decide, glob_match, parse_policy, request_context

MAX_POLICY_BYTES = 20 * 1024
_AWS_PRINCIPAL = re.compile(
    r"^(\*|\d{12}|arn:aws:iam::\d{12}:(root|user/[\w+=,.@/-]+|role/[\w+=,.@/-]+)"
    r"|arn:aws:sts::\d{12}:assumed-role/[\w+=,.@-]+/[\w+=,.@-]+)$"
)

Refuse = Callable[[str], ApiError]


def check_policy(text: str, refuse: Refuse, *, service: str, resource_ok: Callable[[str], bool]) -> Policy:
    """The parsed policy, or ``refuse(message)`` raised for the first problem AWS would report."""
    if len(text.encode()) > MAX_POLICY_BYTES:
        # Code and wording: AWS documents the 20 KB limit, not the error it answers (named choice).
        raise refuse(f"Policy exceeds the maximum allowed document size of {MAX_POLICY_BYTES} bytes.")
    try:
        policy = parse_policy(text)
    except PolicyError as error:
        raise refuse(error.problems[0]) from None
    problem = next((p for s in policy.statements if (p := _statement_problem(s, service, resource_ok))), None)
    if problem:
        raise refuse(problem)
    return policy


def _statement_problem(statement: Statement, service: str, resource_ok: Callable[[str], bool]) -> str | None:
    named = statement.principal or statement.not_principal
    if named is None:
        return "Missing required field Principal"
    if not named.everyone and not all(_AWS_PRINCIPAL.match(v) for v in named.values("AWS")):
        return "Invalid principal in policy"
    actions = statement.actions or statement.not_actions or ()
    if not all(a == "*" or a.lower().startswith(f"{service}:") for a in actions):
        return "Policy has invalid action"
    resources = statement.resources or statement.not_resources or ()
    if not all(resource_ok(r) for r in resources):
        return "Policy has invalid resource"
    return None


def within(arn: str) -> Callable[[str], bool]:
    """A resource check: a policy resource may match ``arn``, name something under it (``arn/...``: objects, indexes,
    streams), or match it before its first slash (``arn:aws:s3:::bucket-*/*``)."""

    def check(pattern: str) -> bool:
        head = pattern.split("/", 1)[0]
        return pattern.startswith(arn + "/") or glob_match(pattern, arn) or glob_match(head, arn)

    return check


def allows(call: Call, record: Record, action: str, resource_arn: str) -> bool:
    """Whether the caller may ``action`` on a resource of another account, by the resource's policy alone."""
    text = record.extra.get("policy")
    policy = parse_policy(text) if text else None
    principal = call.principal or f"arn:aws:iam::{call.account}:root"
    ctx = request_context(action, resource_arn, principal=principal, account=call.account)
    return decide(ctx, resource_policy=policy, resource_account=record.account).allowed


__all__ = ["MAX_POLICY_BYTES", "allows", "check_policy", "within"]
