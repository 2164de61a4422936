"""KMS DescribeKey for the AWS managed keys, which services encrypt with when no other key is given.

Facts [KMS API Reference, DescribeKey: "If you specify a predefined Amazon Web Services alias (an Amazon Web Services
alias with no key ID), KMS associates the alias with an Amazon Web Services managed key and returns its KeyId and
Arn"; KMS Developer Guide, "AWS managed keys"]: every account has, in every Region, one AWS managed key per service,
named ``alias/aws/<service>``; it can be named by key id, key ARN, alias name or alias ARN; a key that does not
exist is ``NotFoundException``. Terraform's aws_dynamodb_table reads ``alias/aws/dynamodb`` to tell the default key
from one the configuration names.

vpcsim's choices: only AWS managed keys exist (no CreateKey); a managed key's id is derived from its alias, account
and Region, so it is the same wherever vpcsim names it (a DynamoDB table's SSEDescription); the predefined aliases are
the services below; each key's CreationDate is a fixed moment.
"""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime
from typing import Any

from vpcsim.control.core.call import Call, Params, Result
from vpcsim.errors import ApiError, NotFound

# Predefined AWS aliases (alias/aws/<name>) of services whose data vpcsim models or that commonly encrypt with one.
MANAGED = ("dynamodb", "s3", "ebs", "rds", "lambda", "logs", "sns", "sqs", "ssm", "secretsmanager", "kinesis")
_CREATED = datetime(2020, 1, 1, tzinfo=UTC)
_ARN = re.compile(r"arn:aws:kms:([a-z0-9-]+):(\d{12}):(key|alias)/(.+)")


def managed_key_id(service: str, account: str, region: str) -> str:
    """The key id of ``alias/aws/<service>`` in an account and Region (a UUID, as KMS key ids are)."""
    digits = hashlib.sha256(f"aws/{service} {account} {region}".encode()).hexdigest()
    return f"{digits[:8]}-{digits[8:12]}-{digits[12:16]}-{digits[16:20]}-{digits[20:32]}"


def describe_key(call: Call, params: Params) -> Result:
    given = str(params["KeyId"])
    account, region, kind, name = _parts(call, given)
    service = _managed_service(kind, name, account, region)
    if service is None:
        raise NotFound("NotFoundException", f"{_shown(given, account, region, kind)} is not found.")
    return {"KeyMetadata": _metadata(service, account, region)}


def _parts(call: Call, given: str) -> tuple[str, str, str, str]:
    """(account, region, "key" or "alias", key id or alias name) of a key id, key ARN, alias name or alias ARN."""
    if given.startswith("arn:"):
        found = _ARN.fullmatch(given)
        if found is None:
            raise ApiError("InvalidArnException", f"{given} is not a valid KMS key or alias ARN.")
        region, account, kind, name = found.groups()
        return account, region, kind, f"alias/{name}" if kind == "alias" else name
    kind = "alias" if given.startswith("alias/") else "key"
    return call.account, call.region.name, kind, given


def _managed_service(kind: str, name: str, account: str, region: str) -> str | None:
    if kind == "alias":
        service = name.removeprefix("alias/aws/")
        return service if name.startswith("alias/aws/") and service in MANAGED else None
    return next((s for s in MANAGED if managed_key_id(s, account, region) == name), None)


def _shown(given: str, account: str, region: str, kind: str) -> str:
    if given.startswith("arn:"):
        return f"Key '{given}'" if kind == "key" else f"Alias {given}"
    if kind == "alias":
        return f"Alias arn:aws:kms:{region}:{account}:{given}"
    return f"Key 'arn:aws:kms:{region}:{account}:key/{given}'"


def _metadata(service: str, account: str, region: str) -> dict[str, Any]:
    key_id = managed_key_id(service, account, region)
    return {
        "AWSAccountId": account,
        "KeyId": key_id,
        "Arn": f"arn:aws:kms:{region}:{account}:key/{key_id}",
        "CreationDate": _CREATED,
        "Enabled": True,
        "Description": f"Default key that protects my {service} data when no other key is defined",
        "KeyUsage": "ENCRYPT_DECRYPT",
        "KeyState": "Enabled",
        "Origin": "AWS_KMS",
        "KeyManager": "AWS",
        "CustomerMasterKeySpec": "SYMMETRIC_DEFAULT",
        "KeySpec": "SYMMETRIC_DEFAULT",
        "EncryptionAlgorithms": ["SYMMETRIC_DEFAULT"],
        "MultiRegion": False,
    }
