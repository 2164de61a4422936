"""GetUser, for the caller itself: tools ask it who they are (Terraform's AWS provider reads the account id from
the answer's ARN before it tries STS).

vpcsim keeps no IAM users: the caller is its account's root, or the user or role its access key is mapped to
(``core/principals.py``). Facts [IAM API Reference, GetUser]: without UserName, GetUser describes the user whose
credentials signed the request; called with the root's credentials it answers the root (UserId the account id, the
root's ARN); with a role's credentials it is ``ValidationError`` "Must specify userName when calling with non-User
credentials"; a user that does not exist is ``NoSuchEntity`` "The user with name <name> cannot be found.".
Choices named here: a user's UserId is derived from its ARN (``AIDA`` + 17 characters); CreateDate, which vpcsim
does not know for an account or a mapped user, is 2010-05-08T00:00:00Z (the IAM API version's date).
"""

from __future__ import annotations

import hashlib
from typing import Any

from vpcsim.control.core.call import Call, Params, Result
from vpcsim.control.iam import common
from vpcsim.errors import InvalidParameter
from vpcsim.model.arns import root_arn

_UNKNOWN_DATE = "2010-05-08T00:00:00Z"
_ID_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"


def get_user(call: Call, params: Params) -> Result:
    caller = call.principal or root_arn(call.account)
    kind, _, name = caller.split(":", 5)[-1].partition("/")
    wanted = params.get("UserName")
    if wanted is not None and (kind != "user" or wanted != name.rsplit("/", 1)[-1]):
        raise common.no_such_entity(f"The user with name {wanted} cannot be found.")
    if kind == "root":
        return {"User": {"UserId": call.account, "Arn": caller, "CreateDate": _UNKNOWN_DATE}}
    if kind != "user":
        raise InvalidParameter("ValidationError", "Must specify userName when calling with non-User credentials")
    return {"User": _user(caller, name)}


def _user(arn: str, name: str) -> dict[str, Any]:
    digest = hashlib.sha256(arn.encode()).digest()
    return {
        "Path": "/",
        "UserName": name.rsplit("/", 1)[-1],
        "UserId": "AIDA" + "".join(_ID_ALPHABET[b % 32] for b in digest[:17]),
        "Arn": arn,
        "CreateDate": _UNKNOWN_DATE,
    }


__all__ = ["get_user"]
