"""Who is calling: access keys mapped to IAM principals, and who an endpoint service allows.

By default a 12-digit access key id acts as that account's root principal and any other key as the default account's
root (README). A user can map an access key to an IAM user or role ARN (``vpcsim serve --principals FILE`` or
``POST /_vpcsim/principals``), so that endpoint service permissions naming users and roles can be exercised with real
boto3 sessions. The mapping is state: it survives restarts and is cleared by a reset.

Allowed principals [EC2API ModifyVpcEndpointServicePermissions; PLG share-your-services; aws-behaviour 3.4]:
``arn:aws:iam::<account>:root`` (any principal of that account), ``...:user/<name>``, ``...:role/<name>`` (paths are
not supported), or ``*`` (everyone).
"""

from __future__ import annotations

import re

from vpcsim.errors import InvalidParameter
from vpcsim.model.arns import root_arn
from vpcsim.store import Transaction

_ARN = re.compile(r"^arn:aws:iam::(\d{12}):(root|user/[\w+=,.@-]{1,64}|role/[\w+=,.@-]{1,64})$")
_KEY = re.compile(r"^[A-Za-z0-9]{1,128}$")


def check_principal(arn: str) -> str:
    if arn == "*" or _ARN.match(arn):
        return arn
    raise InvalidParameter(
        "InvalidPrincipal",
        f"Invalid principal {arn}: use '*', arn:aws:iam::<account>:root, or an IAM user or role ARN without a path.",
    )


def principal_type(arn: str) -> str:
    """The ``AllowedPrincipal.PrincipalType`` AWS reports: All, Account, User or Role."""
    if arn == "*":
        return "All"
    kind = arn.rsplit(":", 1)[-1].split("/", 1)[0]
    return {"root": "Account", "user": "User", "role": "Role"}[kind]


def account_of(arn: str) -> str:
    match = _ARN.match(arn)
    if match is None:
        raise ValueError(arn)
    return match.group(1)


def allows(allowed: list[str], caller: str) -> bool:
    """Whether a caller (a principal ARN) is allowed by a service's allowed-principal list."""
    if "*" in allowed or caller in allowed:
        return True
    match = _ARN.match(caller)
    return bool(match) and root_arn(match.group(1)) in allowed  # type: ignore[union-attr]


def find_mapping(tx: Transaction, access_key_id: str) -> str | None:
    return tx.meta(f"principal/{access_key_id}")


def map_access_key(tx: Transaction, access_key_id: str, arn: str) -> None:
    if not _KEY.match(access_key_id):
        raise InvalidParameter("InvalidParameterValue", f"'{access_key_id}' is not an access key id.")
    if arn == "*":
        raise InvalidParameter("InvalidParameterValue", "An access key maps to one principal, not '*'.")
    tx.set_meta(f"principal/{access_key_id}", check_principal(arn))
