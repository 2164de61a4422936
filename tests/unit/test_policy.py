"""The IAM policy engine: properties over random policies and requests, and the endpoint cases AWS documents."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vpcsim.policy import (
    Decision,
    PolicyError,
    PolicyKind,
    action_matches,
    arn_matches,
    decide,
    evaluate_policy,
    parse_operator,
    parse_policy,
    request_context,
)

ALICE = "arn:aws:iam::111122223333:user/alice"
BOB = "arn:aws:iam::444455556666:role/bob"
BUCKET = "arn:aws:s3:::reports"
OBJECT = "arn:aws:s3:::reports/2026/q1.csv"

_WORD = st.text(alphabet="abcAB:/-?*", min_size=0, max_size=8)
_PLAIN = st.text(alphabet="abcdAB019:-/.", min_size=1, max_size=10)
_ACTIONS = st.sampled_from(["s3:GetObject", "s3:PutObject", "s3:ListBucket", "dynamodb:GetItem", "ec2:RunInstances"])
_KEYS = st.dictionaries(
    st.sampled_from(["aws:SourceVpce", "aws:SourceVpc", "aws:SourceIp", "aws:VpcSourceIp", "s3:prefix"]),
    st.sampled_from(["vpce-1", "vpce-2", "vpc-1", "203.0.113.7", "10.0.1.5", "home/"]),
    max_size=4,
)
_OPERATORS = st.sampled_from(
    ["StringEquals", "StringNotEquals", "StringLike", "IpAddress", "NotIpAddress", "Null", "StringEqualsIfExists"]
)


def _statement(effect: str, action: str, condition: dict[str, Any] | None = None, **extra: Any) -> dict[str, Any]:
    found: dict[str, Any] = {"Effect": effect, "Action": action, "Resource": "*", **extra}
    if condition:
        found["Condition"] = condition
    return found


@st.composite
def _statements(draw: st.DrawFn) -> dict[str, Any]:
    operator = draw(_OPERATORS)
    if operator == "Null":
        value = draw(st.sampled_from(["true", "false"]))
    elif "Ip" in operator:
        value = draw(st.sampled_from(["10.0.0.0/8", "203.0.113.0/24"]))
    else:
        value = draw(st.sampled_from(["vpce-1", "vpc-1", "home/*"]))
    key = draw(st.sampled_from(["aws:SourceVpce", "aws:SourceVpc", "aws:SourceIp", "aws:VpcSourceIp", "s3:prefix"]))
    condition = draw(st.none() | st.just({operator: {key: value}}))
    return _statement(draw(st.sampled_from(["Allow", "Deny"])), draw(_ACTIONS | st.just("*")), condition, Principal="*")


# -- properties ---------------------------------------------------------------------------------------------------


@settings(max_examples=300)
@given(st.lists(_statements(), max_size=5), _ACTIONS, _KEYS, st.sampled_from(list(PolicyKind)))
def test_a_matching_explicit_deny_always_wins(
    others: list[dict[str, Any]], action: str, keys: dict[str, str], kind: PolicyKind
) -> None:
    deny = _statement("Deny", action, Principal="*", Sid="Stop")
    policy = parse_policy({"Version": "2012-10-17", "Statement": [*others, deny]})
    ctx = request_context(action, OBJECT, principal=ALICE, keys=keys)
    assert evaluate_policy(policy, ctx, kind).decision is Decision.EXPLICIT_DENY
    for placement in ("endpoint_policy", "identity_policy", "resource_policy"):
        assert decide(ctx, **{placement: policy}).decision is Decision.EXPLICIT_DENY


@given(
    st.sampled_from(["aws:SourceVpce", "aws:SourceIp", "s3:prefix", "aws:PrincipalTag/team"]),
    st.lists(_PLAIN, min_size=1, max_size=3),
)
def test_absent_keys_match_negated_operators_and_never_positive_ones(key: str, values: list[str]) -> None:
    ctx = request_context("s3:GetObject", OBJECT, principal=ALICE)
    assert ctx.values(key) is None
    holds = {}
    for name in ("StringEquals", "StringLike", "StringNotEquals", "StringNotLike", "StringEqualsIfExists", "ArnLike"):
        policy = parse_policy({"Statement": [_statement("Allow", "s3:*", {name: {key: values}})]})
        holds[name] = evaluate_policy(policy, ctx).decision is Decision.ALLOW
    assert holds == {
        "StringEquals": False,
        "StringLike": False,
        "StringNotEquals": True,
        "StringNotLike": True,
        "StringEqualsIfExists": True,
        "ArnLike": False,
    }


def _reference_glob(pattern: str, value: str) -> bool:
    """A brute-force matcher written independently: dynamic programming over both strings."""
    p, v = pattern.lower(), value.lower()
    table = [[False] * (len(v) + 1) for _ in range(len(p) + 1)]
    table[0][0] = True
    for i in range(1, len(p) + 1):
        table[i][0] = table[i - 1][0] and p[i - 1] == "*"
        for j in range(1, len(v) + 1):
            if p[i - 1] == "*":
                table[i][j] = table[i - 1][j] or table[i][j - 1]
            else:
                table[i][j] = table[i - 1][j - 1] and (p[i - 1] == "?" or p[i - 1] == v[j - 1])
    return table[len(p)][len(v)]


@settings(max_examples=500)
@given(_WORD, st.text(alphabet="abcAB:/-", max_size=8))
def test_action_wildcards_equal_a_brute_force_reference(pattern: str, action: str) -> None:
    assert action_matches(pattern, action) == _reference_glob(pattern, action)


@given(st.text(alphabet="ab?*", max_size=6), st.text(alphabet="abAB", max_size=6))
def test_resource_wildcards_are_case_sensitive(pattern: str, name: str) -> None:
    arn = f"arn:aws:s3:::{name}"
    expected = re.fullmatch(pattern.replace("?", ".").replace("*", ".*"), name) is not None
    assert arn_matches(f"arn:aws:s3:::{pattern}", arn) == expected


@given(_statements(), _ACTIONS, _KEYS)
def test_a_parsed_policy_decides_the_same_as_its_json_text(
    statement: dict[str, Any], action: str, keys: dict[str, str]
) -> None:
    document = {"Version": "2012-10-17", "Statement": statement}
    ctx = request_context(action, OBJECT, principal=ALICE, keys=keys)
    left = evaluate_policy(parse_policy(document), ctx, PolicyKind.RESOURCE)
    right = evaluate_policy(parse_policy(json.dumps(document)), ctx, PolicyKind.RESOURCE)
    assert (left.decision, left.label) == (right.decision, right.label)


# -- examples AWS documents --------------------------------------------------------------------------------------

ONLY_VPCE_1 = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "Access-to-specific-VPCE-only",
            "Effect": "Deny",
            "Principal": "*",
            "Action": "s3:*",
            "Resource": [BUCKET, BUCKET + "/*"],
            "Condition": {"StringNotEquals": {"aws:SourceVpce": "vpce-1"}},
        },
        {"Sid": "Read", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": BUCKET + "/*"},
    ],
}


@pytest.mark.parametrize(
    ("keys", "expected"),
    [
        ({"aws:SourceVpce": "vpce-1", "aws:SourceVpc": "vpc-1"}, Decision.ALLOW),
        ({"aws:SourceVpce": "vpce-2", "aws:SourceVpc": "vpc-1"}, Decision.EXPLICIT_DENY),
        ({"aws:SourceIp": "203.0.113.7"}, Decision.EXPLICIT_DENY),
    ],
    ids=["through-vpce-1", "through-another-endpoint", "from-the-internet"],
)
def test_bucket_policy_deny_unless_source_vpce(keys: dict[str, str], expected: Decision) -> None:
    ctx = request_context("s3:GetObject", OBJECT, principal=ALICE, keys=keys)
    result = decide(ctx, resource_policy=parse_policy(ONLY_VPCE_1), resource_account="111122223333")
    assert result.decision is expected
    if expected is Decision.EXPLICIT_DENY:
        assert result.decided_by.kind is PolicyKind.RESOURCE and result.statement is not None
        assert result.statement.label == "Access-to-specific-VPCE-only"


def test_source_ip_is_absent_through_an_endpoint() -> None:
    """aws-behaviour 5.7: a 'Deny unless aws:SourceIp in range' policy denies all traffic through an endpoint."""
    policy = parse_policy(
        {
            "Statement": [
                {
                    "Sid": "OfficeOnly",
                    "Effect": "Deny",
                    "Principal": "*",
                    "Action": "s3:*",
                    "Resource": [BUCKET, BUCKET + "/*"],
                    "Condition": {"NotIpAddress": {"aws:SourceIp": "203.0.113.0/24"}},
                }
            ]
        }
    )
    office = request_context("s3:GetObject", OBJECT, principal=ALICE, keys={"aws:SourceIp": "203.0.113.7"})
    endpoint = request_context(
        "s3:GetObject",
        OBJECT,
        principal=ALICE,
        keys={"aws:SourceIp": None, "aws:SourceVpce": "vpce-1", "aws:VpcSourceIp": "203.0.113.7"},
    )
    assert decide(office, resource_policy=policy).decision is Decision.ALLOW  # same account, identity allows
    denied = decide(endpoint, resource_policy=policy)
    assert denied.decision is Decision.EXPLICIT_DENY and denied.statement is not None
    assert denied.statement.label == "OfficeOnly"
    allow_office = parse_policy(
        {"Statement": [_statement("Allow", "s3:*", {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}, Principal="*")]}
    )
    assert evaluate_policy(allow_office, endpoint, PolicyKind.RESOURCE).decision is Decision.IMPLICIT_DENY


def test_endpoint_policy_must_allow_and_names_its_statement() -> None:
    endpoint_policy = parse_policy(
        {"Statement": [_statement("Allow", "s3:GetObject", Principal="*", Resource=BUCKET + "/*", Sid="ReadOnly")]}
    )
    read = request_context("s3:GetObject", OBJECT, principal=ALICE, keys={"aws:SourceVpce": "vpce-1"})
    write = request_context("s3:PutObject", OBJECT, principal=ALICE, keys={"aws:SourceVpce": "vpce-1"})
    assert decide(read, endpoint_policy=endpoint_policy).decision is Decision.ALLOW
    refused = decide(write, endpoint_policy=endpoint_policy)
    assert refused.decision is Decision.IMPLICIT_DENY and refused.decided_by.kind is PolicyKind.ENDPOINT


def test_cross_account_needs_both_identity_and_resource_policy() -> None:
    ctx = request_context("s3:GetObject", OBJECT, principal=BOB)
    grant = parse_policy({"Statement": [_statement("Allow", "s3:GetObject", Principal={"AWS": "444455556666"})]})
    assert decide(ctx, resource_account="111122223333").decision is Decision.IMPLICIT_DENY
    assert decide(ctx, resource_policy=grant, resource_account="111122223333").decision is Decision.ALLOW
    nothing = parse_policy({"Statement": []})
    both = decide(ctx, identity_policy=nothing, resource_policy=grant, resource_account="111122223333")
    assert both.decision is Decision.IMPLICIT_DENY and both.decided_by.kind is PolicyKind.IDENTITY
    same = request_context("s3:GetObject", OBJECT, principal=ALICE)
    assert (
        decide(same, identity_policy=nothing, resource_policy=parse_policy(ONLY_VPCE_1)).decision
        is Decision.EXPLICIT_DENY
    )


@pytest.mark.parametrize(
    ("principal", "caller", "kind", "expected"),
    [
        ("*", BOB, PolicyKind.RESOURCE, True),
        ({"AWS": "444455556666"}, BOB, PolicyKind.RESOURCE, True),
        ({"AWS": "arn:aws:iam::444455556666:root"}, BOB, PolicyKind.RESOURCE, True),
        ({"AWS": "444455556666"}, BOB, PolicyKind.ENDPOINT, False),  # aws-behaviour 5.4: the root user only
        ({"AWS": "444455556666"}, "arn:aws:iam::444455556666:root", PolicyKind.ENDPOINT, True),
        ({"AWS": BOB}, "arn:aws:sts::444455556666:assumed-role/bob/session-1", PolicyKind.RESOURCE, True),
        ({"AWS": [ALICE]}, BOB, PolicyKind.RESOURCE, False),
        ({"Service": "cloudtrail.amazonaws.com"}, "cloudtrail.amazonaws.com", PolicyKind.RESOURCE, True),
        ({"AWS": "*"}, "", PolicyKind.RESOURCE, True),
        ({"AWS": "444455556666"}, "", PolicyKind.RESOURCE, False),
    ],
)
def test_principals(principal: Any, caller: str, kind: PolicyKind, expected: bool) -> None:
    policy = parse_policy({"Statement": [_statement("Allow", "s3:*", Principal=principal)]})
    ctx = request_context("s3:GetObject", OBJECT, principal=caller)
    assert (evaluate_policy(policy, ctx, kind).decision is Decision.ALLOW) is expected


def test_not_principal_not_action_not_resource() -> None:
    policy = parse_policy(
        {
            "Statement": [
                {"Effect": "Deny", "NotPrincipal": {"AWS": ALICE}, "NotAction": "s3:Get*", "NotResource": BUCKET},
            ]
        }
    )
    ctx = request_context("s3:PutObject", OBJECT, principal=BOB)
    assert evaluate_policy(policy, ctx, PolicyKind.RESOURCE).decision is Decision.EXPLICIT_DENY
    for other in (
        request_context("s3:PutObject", OBJECT, principal=ALICE),
        request_context("s3:GetObject", OBJECT, principal=BOB),
        request_context("s3:PutObject", BUCKET, principal=BOB),
    ):
        assert evaluate_policy(policy, other, PolicyKind.RESOURCE).decision is Decision.IMPLICIT_DENY


@pytest.mark.parametrize(
    ("operator", "policy_values", "context", "expected"),
    [
        ("StringEqualsIgnoreCase", "VPCE-1", "vpce-1", True),
        ("StringNotEquals", ["vpce-1", "vpce-2"], "vpce-2", False),  # NOR over the policy's values
        ("StringNotEquals", ["vpce-1", "vpce-2"], "vpce-3", True),
        ("StringLike", "home/*", "home/alice", True),
        ("NumericLessThan", "10", "9.5", True),
        ("NumericGreaterThanEquals", "10", "nope", False),
        ("DateGreaterThan", "2026-01-01T00:00:00Z", "2026-06-01T00:00:00Z", True),
        ("DateLessThan", "2026-01-01T00:00:00Z", "1767225599", True),
        ("Bool", "true", "True", True),
        ("IpAddress", "10.0.0.0/8", "10.1.2.3", True),
        ("IpAddress", "2001:db8::/32", "2001:db8::1", True),
        ("IpAddress", "10.0.0.0/8", "2001:db8::1", False),
        ("NotIpAddress", "10.0.0.0/8", "192.168.0.1", True),
        ("ArnLike", "arn:aws:iam::*:role/app-*", "arn:aws:iam::111122223333:role/app-web", True),
        ("ArnEquals", "arn:aws:iam::*:role/app", "arn:aws:iam::111122223333:role/app/x", False),
        ("ArnNotLike", "arn:aws:iam::*:role/app-*", "arn:aws:iam::111122223333:role/db", True),
        ("Null", "true", None, True),
        ("Null", "false", None, False),
        ("Null", "false", "x", True),
        ("BoolIfExists", "false", None, True),
        ("ForAnyValue:StringEquals", ["a", "b"], ["c", "b"], True),
        ("ForAnyValue:StringEquals", ["a"], None, False),
        ("ForAllValues:StringEquals", ["a", "b"], ["a", "c"], False),
        ("ForAllValues:StringEquals", ["a", "b"], ["a", "b"], True),
        ("ForAllValues:StringEquals", ["a"], None, True),
        ("ForAnyValue:StringEqualsIfExists", ["a"], None, False),
        ("ForAllValues:StringNotLike", "key1*", ["key2:audit"], True),
        ("ForAllValues:StringNotLike", "key1*", ["key1:legal"], False),
    ],
)
def test_condition_operators(operator: str, policy_values: Any, context: Any, expected: bool) -> None:
    policy = parse_policy({"Statement": [_statement("Allow", "*", {operator: {"test:Key": policy_values}})]})
    keys = {} if context is None else {"TEST:key": context}  # keys are case-insensitive
    ctx = request_context("s3:GetObject", OBJECT, principal=ALICE, keys=keys)
    assert (evaluate_policy(policy, ctx).decision is Decision.ALLOW) is expected


def test_conditions_are_anded_across_keys_and_operators() -> None:
    condition = {
        "StringEquals": {"aws:SourceVpce": "vpce-1", "aws:SourceVpc": "vpc-1"},
        "Bool": {"aws:SecureTransport": True},
    }
    policy = parse_policy({"Statement": [_statement("Allow", "*", condition)]})
    full = {"aws:SourceVpce": "vpce-1", "aws:SourceVpc": "vpc-1", "aws:SecureTransport": True}
    assert evaluate_policy(policy, request_context("s3:GetObject", OBJECT, keys=full)).decision is Decision.ALLOW
    for missing in full:
        partial = {k: v for k, v in full.items() if k != missing}
        assert (
            evaluate_policy(policy, request_context("s3:GetObject", OBJECT, keys=partial)).decision
            is Decision.IMPLICIT_DENY
        )


def test_the_deciding_statement_is_named_by_sid_or_position() -> None:
    policy = parse_policy({"Statement": [_statement("Allow", "ec2:*"), _statement("Allow", "s3:*")]})
    decision = evaluate_policy(policy, request_context("s3:GetObject", OBJECT))
    assert decision.statement is not None and decision.label == "Statement[1]"
    assert decision.statement.raw == {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}


@pytest.mark.parametrize(
    ("document", "fragment"),
    [
        ("not json", "first byte must be '{'"),
        ("{", "not valid JSON"),
        ({"Statement": [{"Effect": "Allow", "Action": "s3:*"}]}, "Missing required field Resource"),
        ({"Statement": [{"Effect": "Maybe", "Action": "s3:*", "Resource": "*"}]}, "Effect must be Allow or Deny"),
        ({"Version": "2020-01-01", "Statement": []}, "Version"),
        ({}, "Missing required field Statement"),
        ({"Statement": [{"Effect": "Allow", "Action": "*", "NotAction": "s3:*", "Resource": "*"}]}, "both Action"),
        ({"Statement": [_statement("Allow", "*", {"StringFuzzy": {"a": "b"}})]}, "invalid condition operator"),
        ({"Statement": [_statement("Allow", "*", {"IpAddress": {"aws:SourceIp": "nope"}})]}, "CIDR"),
        ({"Statement": [_statement("Allow", "*", {"NumericLessThan": {"s3:max-keys": "ten"}})]}, "a number"),
        ({"Statement": [_statement("Allow", "*", Principal={"Alien": "x"})]}, "Invalid principal"),
        ({"Statement": [_statement("Allow", "*", Sid="A"), _statement("Deny", "*", Sid="A")]}, "unique"),
        ({"Statement": [_statement("Allow", "*", Colour="blue")]}, "unknown field"),
    ],
)
def test_invalid_documents_are_refused_with_a_reason(document: Any, fragment: str) -> None:
    with pytest.raises(PolicyError) as excinfo:
        parse_policy(document)
    assert fragment in str(excinfo.value)


def test_operator_names() -> None:
    assert parse_operator("NullIfExists") is None
    assert parse_operator("Sometimes:StringEquals") is None
    found = parse_operator("ForAllValues:StringNotLikeIfExists")
    assert found is not None and found.negated and found.if_exists and found.set_operator == "ForAllValues"
