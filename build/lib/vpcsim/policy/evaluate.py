"""Decide a request against policies, naming the policy and statement that decided (for traces).

One policy [IAM "Policy evaluation logic"]: a matching ``Deny`` statement is an explicit deny and wins over any
``Allow``; else a matching ``Allow`` allows; else the policy denies implicitly. A statement matches when its action,
resource, principal (resource-based and endpoint policies only) and every condition match.

A request, possibly through a VPC endpoint [aws-behaviour 5.1, 5.2, derived from IAM's evaluation logic]:

1. an explicit deny in any policy (endpoint, identity, resource) denies;
2. through an endpoint, the endpoint policy must allow (it filters, it never grants);
3. same account: the identity policy OR the resource policy allows; cross-account: both must allow.

Choice named here: when no identity policy is given, the principal is taken to have ``ASSUMED_IDENTITY_POLICY``
(allow everything), because vpcsim does not model IAM users' policies and a trace should then turn on the endpoint
and resource policies alone. Pass ``identity_policy=`` explicitly (an empty ``Statement`` list for "none") to model
IAM. A resource owned by an unknown account (``resource_account=None``) is taken as the caller's own.

>>> ctx = request_context("s3:GetObject", "arn:aws:s3:::b/k", principal="arn:aws:iam::111122223333:root")
>>> deny = parse_policy({"Statement": [{"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*",
...     "Condition": {"StringNotEquals": {"aws:SourceVpce": "vpce-1"}}}]})
>>> decide(ctx, resource_policy=deny).decision
<Decision.EXPLICIT_DENY: 'ExplicitDeny'>
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType

from vpcsim.policy.document import Effect, Policy, Principals, Statement, parse_policy
from vpcsim.policy.matching import account_of, action_matches, arn_matches, aws_principal_matches

ContextValue = str | bool | int | float | Iterable[str]

ASSUMED_IDENTITY_POLICY = parse_policy(
    {
        "Version": "2012-10-17",
        "Statement": [{"Sid": "vpcsim-assumed-identity", "Effect": "Allow", "Action": "*", "Resource": "*"}],
    }
)


class Decision(StrEnum):
    ALLOW = "Allow"
    IMPLICIT_DENY = "ImplicitDeny"
    EXPLICIT_DENY = "ExplicitDeny"


class PolicyKind(StrEnum):
    IDENTITY = "identity"
    RESOURCE = "resource"
    ENDPOINT = "endpoint"


@dataclass(frozen=True, slots=True)
class RequestContext:
    """What a request asks and carries: condition keys are stored lower-cased, values as tuples of strings."""

    action: str
    resource: str
    principal: str = ""  # the caller's ARN; "" for an anonymous request
    account: str | None = None  # the caller's account
    keys: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: MappingProxyType({}))

    def values(self, key: str) -> tuple[str, ...] | None:
        return self.keys.get(key.lower())


def request_context(
    action: str,
    resource: str,
    *,
    principal: str = "",
    account: str | None = None,
    keys: Mapping[str, ContextValue | None] | None = None,
) -> RequestContext:
    """A request context; ``aws:PrincipalArn`` and ``aws:PrincipalAccount`` are added from ``principal`` unless
    given, as AWS includes them in every authenticated request [IAM global condition context keys]. Keys whose
    value is None are absent (``aws:SourceIp`` through an endpoint, aws-behaviour 5.7)."""
    account = account or (account_of(principal) if principal else None)
    normalised = {k.lower(): _values(v) for k, v in (keys or {}).items() if v is not None}
    if principal:
        normalised.setdefault("aws:principalarn", (principal,))
    if account:
        normalised.setdefault("aws:principalaccount", (account,))
    return RequestContext(action, resource, principal, account, MappingProxyType(normalised))


def _values(value: ContextValue) -> tuple[str, ...]:
    if isinstance(value, bool):
        return ("true" if value else "false",)
    if isinstance(value, str | int | float):
        return (str(value),)
    return tuple(str(v) for v in value)


@dataclass(frozen=True, slots=True)
class PolicyDecision:
    """One policy's answer; ``statement`` is the deciding statement (None for an implicit deny)."""

    decision: Decision
    kind: PolicyKind
    statement: Statement | None = None
    present: bool = True  # False: no such policy exists (e.g. a bucket without a policy)

    @property
    def label(self) -> str:
        return self.statement.label if self.statement else "no statement matched"


@dataclass(frozen=True, slots=True)
class RequestDecision:
    decision: Decision
    decided_by: PolicyDecision
    evaluated: tuple[PolicyDecision, ...]
    reason: str

    @property
    def statement(self) -> Statement | None:
        return self.decided_by.statement

    @property
    def allowed(self) -> bool:
        return self.decision is Decision.ALLOW


def statement_matches(statement: Statement, ctx: RequestContext, kind: PolicyKind) -> bool:
    """Whether ``statement`` applies to the request (its effect aside)."""
    return (
        _listed(statement.actions, statement.not_actions, ctx.action, action_matches)
        and _listed(statement.resources, statement.not_resources, ctx.resource, arn_matches)
        and (kind is PolicyKind.IDENTITY or _principal_matches(statement, ctx, kind))
        and all(c.holds(ctx.values(c.key)) for c in statement.conditions)
    )


def _listed(
    values: tuple[str, ...], negated: tuple[str, ...] | None, wanted: str, match: Callable[[str, str], bool]
) -> bool:
    """``Action`` lists what matches; ``NotAction`` matches everything it does not list (same for resources)."""
    if negated is not None:
        return not any(match(pattern, wanted) for pattern in negated)
    return any(match(pattern, wanted) for pattern in values)


def _principal_matches(statement: Statement, ctx: RequestContext, kind: PolicyKind) -> bool:
    root_only = kind is PolicyKind.ENDPOINT  # aws-behaviour 5.4
    if statement.principal is not None:
        return _names(statement.principal, ctx.principal, root_only)
    if statement.not_principal is not None:
        return not _names(statement.not_principal, ctx.principal, root_only)
    return False  # a resource-based statement without a principal names nobody


def _names(principals: Principals, caller: str, root_only: bool) -> bool:
    if principals.everyone:
        return True
    aws = principals.values("AWS")
    if any(aws_principal_matches(v, caller, account_is_root_only=root_only) for v in aws if caller):
        return True
    return bool(caller) and any(caller in principals.values(t) for t in ("Service", "Federated", "CanonicalUser"))


def evaluate_policy(policy: Policy, ctx: RequestContext, kind: PolicyKind = PolicyKind.IDENTITY) -> PolicyDecision:
    """One policy's decision: the first matching Deny, else the first matching Allow, else an implicit deny."""
    matching = [s for s in policy.statements if statement_matches(s, ctx, kind)]
    for wanted, decision in ((Effect.DENY, Decision.EXPLICIT_DENY), (Effect.ALLOW, Decision.ALLOW)):
        found = next((s for s in matching if s.effect is wanted), None)
        if found is not None:
            return PolicyDecision(decision, kind, found)
    return PolicyDecision(Decision.IMPLICIT_DENY, kind)


def decide(
    ctx: RequestContext,
    *,
    endpoint_policy: Policy | None = None,
    identity_policy: Policy | None = None,
    resource_policy: Policy | None = None,
    resource_account: str | None = None,
) -> RequestDecision:
    """The decision for a request; ``endpoint_policy`` only when it goes through a VPC endpoint (see module doc)."""
    identity = evaluate_policy(identity_policy or ASSUMED_IDENTITY_POLICY, ctx, PolicyKind.IDENTITY)
    resource = (
        evaluate_policy(resource_policy, ctx, PolicyKind.RESOURCE)
        if resource_policy is not None
        else PolicyDecision(Decision.IMPLICIT_DENY, PolicyKind.RESOURCE, present=False)
    )
    endpoint = evaluate_policy(endpoint_policy, ctx, PolicyKind.ENDPOINT) if endpoint_policy is not None else None
    evaluated = tuple(d for d in (endpoint, identity, resource) if d is not None and d.present)
    denied = next((d for d in evaluated if d.decision is Decision.EXPLICIT_DENY), None)
    if denied is not None:
        return RequestDecision(Decision.EXPLICIT_DENY, denied, evaluated, f"explicit deny in the {denied.kind} policy")
    if endpoint is not None and endpoint.decision is not Decision.ALLOW:
        return RequestDecision(Decision.IMPLICIT_DENY, endpoint, evaluated, "the endpoint policy allows no statement")
    same_account = resource_account is None or resource_account == ctx.account
    return _combine(identity, resource, evaluated, same_account)


def _combine(
    identity: PolicyDecision, resource: PolicyDecision, evaluated: tuple[PolicyDecision, ...], same_account: bool
) -> RequestDecision:
    identity_allows = identity.decision is Decision.ALLOW
    resource_allows = resource.decision is Decision.ALLOW
    if same_account:
        if resource_allows or identity_allows:
            winner = resource if resource_allows else identity
            return RequestDecision(Decision.ALLOW, winner, evaluated, f"same account: the {winner.kind} policy allows")
        return RequestDecision(Decision.IMPLICIT_DENY, identity, evaluated, "no identity or resource policy allows")
    if not identity_allows:
        return RequestDecision(Decision.IMPLICIT_DENY, identity, evaluated, "cross-account: no identity policy allows")
    if not resource_allows:
        why = "allows" if resource.present else "exists to allow"
        return RequestDecision(
            Decision.IMPLICIT_DENY, resource, evaluated, f"cross-account: no resource-based policy {why} it"
        )
    return RequestDecision(Decision.ALLOW, resource, evaluated, "cross-account: identity and resource policies allow")


__all__ = [
    "ASSUMED_IDENTITY_POLICY",
    "Decision",
    "PolicyDecision",
    "PolicyKind",
    "RequestContext",
    "RequestDecision",
    "decide",
    "evaluate_policy",
    "request_context",
    "statement_matches",
]
