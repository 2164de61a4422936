"""IAM policy evaluation: parse documents, match requests, decide with the deciding statement named.

A pure engine (no state, no I/O): ``parse_policy`` turns a document into statements or raises ``PolicyError``;
``request_context`` describes a request; ``evaluate_policy`` decides one policy; ``decide`` combines endpoint,
identity and resource policies as AWS does for a request through an optional VPC endpoint (aws-behaviour 5.2).
Modules: document (grammar), conditions (operators), matching (wildcards, principals), evaluate (decisions).
"""

from vpcsim.policy.conditions import Condition, Operator, parse_operator
from vpcsim.policy.document import Effect, Policy, PolicyError, Principals, Statement, parse_policy
from vpcsim.policy.evaluate import (
    ASSUMED_IDENTITY_POLICY,
    Decision,
    PolicyDecision,
    PolicyKind,
    RequestContext,
    RequestDecision,
    decide,
    evaluate_policy,
    request_context,
    statement_matches,
)
from vpcsim.policy.matching import action_matches, arn_matches, glob_match

__all__ = [
    "ASSUMED_IDENTITY_POLICY",
    "Condition",
    "Decision",
    "Effect",
    "Operator",
    "Policy",
    "PolicyDecision",
    "PolicyError",
    "PolicyKind",
    "Principals",
    "RequestContext",
    "RequestDecision",
    "Statement",
    "action_matches",
    "arn_matches",
    "decide",
    "evaluate_policy",
    "glob_match",
    "parse_operator",
    "parse_policy",
    "request_context",
    "statement_matches",
]
