"""Wildcard matching of actions, resource ARNs and principals, as IAM matches them.

Facts [IAM JSON policy elements: Action, Resource, Principal; "Condition operators", ARN section]:

- ``*`` matches any run of characters (also none) and ``?`` exactly one; every other character is literal.
- Actions are matched case-insensitively (``s3:getobject`` is ``s3:GetObject``); ARNs and strings case-sensitively.
- An ARN pattern is matched segment by segment over its first five colons (``arn:partition:service:region:account``),
  the remainder (the resource, which may itself hold colons and slashes) as one; a wildcard never crosses a colon
  of the first five segments. A pattern without six segments is matched as a whole string (``"*"``).
- Principals: ``"*"`` is everyone (anonymous too); an account id or ``arn:aws:iam::ACCOUNT:root`` is every
  principal of that account; a user or role ARN is that principal. An assumed-role session
  (``arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION``) is also its role (``arn:aws:iam::ACCOUNT:role/ROLE``).
"""

from __future__ import annotations

import re
from functools import lru_cache

from vpcsim.model.arns import root_arn

_ACCOUNT = re.compile(r"^\d{12}$")
_SESSION = re.compile(r"^arn:(aws[\w-]*):sts::(\d{12}):assumed-role/([^/]+)/.+$")


@lru_cache(maxsize=4096)
def _compiled(pattern: str, ignore_case: bool) -> re.Pattern[str]:
    parts = (".*" if ch == "*" else "." if ch == "?" else re.escape(ch) for ch in pattern)
    return re.compile("".join(parts), re.DOTALL | (re.IGNORECASE if ignore_case else 0))


def glob_match(pattern: str, value: str, *, ignore_case: bool = False) -> bool:
    """Whether ``value`` matches the IAM wildcard ``pattern`` in full.

    >>> glob_match("s3:Get*", "s3:getobject", ignore_case=True), glob_match("a?c", "abbc")
    (True, False)
    """
    if "*" not in pattern and "?" not in pattern:
        return pattern.lower() == value.lower() if ignore_case else pattern == value
    return _compiled(pattern, ignore_case).fullmatch(value) is not None


def action_matches(pattern: str, action: str) -> bool:
    return glob_match(pattern, action, ignore_case=True)


def arn_matches(pattern: str, arn: str) -> bool:
    """Whether ``arn`` matches the ARN ``pattern``, segment by segment.

    >>> arn_matches("arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket/a/b:c"), arn_matches("arn:*:s3", "arn:aws:s3")
    (True, True)
    """
    wanted = pattern.split(":", 5)
    given = arn.split(":", 5)
    if len(wanted) != 6 or len(given) != 6:
        return glob_match(pattern, arn)
    return all(glob_match(w, g) for w, g in zip(wanted, given, strict=True))


def account_of(principal: str) -> str | None:
    """The account of a principal ARN (or of a bare account id)."""
    if _ACCOUNT.match(principal):
        return principal
    parts = principal.split(":")
    if len(parts) >= 6 and parts[0] == "arn" and _ACCOUNT.match(parts[4]):
        return parts[4]
    return None


def principal_names(principal: str) -> tuple[str, ...]:
    """The ARNs a policy may use to name ``principal``: itself, and its role if it is a role session."""
    session = _SESSION.match(principal)
    if session:
        partition, account, role = session.groups()
        return principal, f"arn:{partition}:iam::{account}:role/{role}"
    return (principal,)


def aws_principal_matches(value: str, principal: str, *, account_is_root_only: bool = False) -> bool:
    """Whether the ``"AWS"`` principal ``value`` of a policy names the caller ``principal`` (an ARN).

    ``account_is_root_only``: an account (id or root ARN) names only that account's root user, as in VPC endpoint
    policies [aws-behaviour 5.4]; elsewhere it names every principal of the account.
    """
    if value == "*":
        return True
    caller_account = account_of(principal)
    account = value if _ACCOUNT.match(value) else _root_account(value)
    if account is not None:
        if account_is_root_only:
            return principal == root_arn(account)
        return caller_account == account
    return value in principal_names(principal)


def _root_account(value: str) -> str | None:
    parts = value.split(":")
    if len(parts) == 6 and parts[0] == "arn" and parts[2] == "iam" and parts[5] == "root":
        return parts[4] if _ACCOUNT.match(parts[4]) else None
    return None


__all__ = ["account_of", "action_matches", "arn_matches", "aws_principal_matches", "glob_match", "principal_names"]
