"""DynamoDB tables, as far as a resource-based policy needs them: create, describe, list, delete, and the policy calls.

A table is a record of kind ``dynamodb-table`` whose id is its ARN (``arn:aws:dynamodb:<region>:<account>:table/
<name>``); its doc is the ``TableDescription`` DescribeTable answers; its policy is kept as given in
``extra["policy"]`` with its revision id in ``extra["policy_revision"]``.

Facts [DynamoDB API Reference: CreateTable, DescribeTable, ListTables, DeleteTable, Put/Get/DeleteResourcePolicy]:
- Names are unique per account and region (``ResourceInUseException``); any call taking a table name also takes
  the table's ARN. A missing table is ``ResourceNotFoundException`` "Requested resource not found: Table: <name> not
  found".
- PROVISIONED billing (the default) needs ProvisionedThroughput; PAY_PER_REQUEST refuses it.
- PutResourcePolicy is idempotent (the same document keeps its revision id); an ``ExpectedRevisionId`` that does not
  match, or ``NO_POLICY`` when a policy exists, is ``PolicyNotFoundException``; policies are at most 20 KB.
Choices named here: tables are ACTIVE as soon as created (AWS answers CREATING first); a malformed policy is a
``ValidationException`` (AWS documents the limit, not the code).
"""

from __future__ import annotations

import re
import time
from typing import Any

from vpcsim.control.core.call import Call, Params, Result
from vpcsim.control.services.resource_policy import allows, check_policy, within
from vpcsim.errors import ApiError, InvalidParameter, NotFound
from vpcsim.model import Record
from vpcsim.store import Transaction

KIND = "dynamodb-table"
_NO_POLICY = "NO_POLICY"
_TABLE_NAME = re.compile(r"^[a-zA-Z0-9_.-]{3,255}$")  # CreateTable's own rule; other calls take ARNs too


def table_arn(region: str, account: str, name: str) -> str:
    return f"arn:aws:dynamodb:{region}:{account}:table/{name}"


def find_table(tx: Transaction, region: str, name: str, account: str | None = None) -> Record | None:
    """The table ``name`` (or its ARN) in ``region``; pass ``account`` whenever it is known, since names are unique
    only per account (without it, the oldest table of that name in the region)."""
    if name.startswith("arn:"):
        return tx.find(KIND, name)
    if account is not None:
        return tx.find(KIND, table_arn(region, account, name))
    return next((t for t in tx.scan(KIND) if t.region == region and t.doc["TableName"] == name), None)


def _invalid(message: str) -> InvalidParameter:
    return InvalidParameter("ValidationException", message)


def _not_found(name: str) -> NotFound:
    return NotFound("ResourceNotFoundException", f"Requested resource not found: Table: {name} not found")


def _table(call: Call, name: str, action: str) -> Record:
    """The table a call names (by name, or by ARN possibly of another account), if the caller may act on it."""
    arn = name if name.startswith("arn:") else table_arn(call.region.name, call.account, name)
    table = call.tx.find(KIND, arn)
    if table is None or table.region != call.region.name:
        raise _not_found(name.rsplit("/", 1)[-1])
    if table.account != call.account and not allows(call, table, action, arn):
        principal = call.principal or f"arn:aws:iam::{call.account}:root"
        raise ApiError(
            "AccessDeniedException",
            f"User: {principal} is not authorized to perform: {action} on resource: {arn} because no "
            f"resource-based policy allows the {action} action",
        )
    return table


def _check_keys(params: Params) -> None:
    for member in ("AttributeDefinitions", "KeySchema"):
        if not params.get(member):
            field = member[0].lower() + member[1:]
            raise _invalid(
                f"1 validation error detected: Value null at '{field}' failed to satisfy constraint: Member must "
                "not be null"
            )
    keys = params["KeySchema"]
    if keys[0]["KeyType"] != "HASH" or any(k["KeyType"] != "RANGE" for k in keys[1:]) or len(keys) > 2:
        raise _invalid("Invalid KeySchema: The first KeySchemaElement is not a HASH key type")
    defined = [a["AttributeName"] for a in params["AttributeDefinitions"]]
    named = [k["AttributeName"] for k in keys]
    if not set(named) <= set(defined):
        raise _invalid(
            "One or more parameter values were invalid: Some index key attributes are not defined in "
            f"AttributeDefinitions. Keys: [{', '.join(named)}], AttributeDefinitions: [{', '.join(defined)}]"
        )
    if len(set(defined)) != len(named):
        raise _invalid(
            "One or more parameter values were invalid: Number of attributes in KeySchema does not exactly match "
            "number of attributes defined in AttributeDefinitions"
        )


def _throughput(params: Params) -> dict[str, int]:
    mode = params.get("BillingMode") or "PROVISIONED"
    given = params.get("ProvisionedThroughput")
    if mode == "PROVISIONED" and not given:
        raise _invalid(
            "One or more parameter values were invalid: ReadCapacityUnits and WriteCapacityUnits must both be "
            "specified when BillingMode is PROVISIONED"
        )
    if mode == "PAY_PER_REQUEST" and given:
        raise _invalid(
            "One or more parameter values were invalid: Neither ReadCapacityUnits nor WriteCapacityUnits can be "
            "specified when BillingMode is PAY_PER_REQUEST"
        )
    read, write = (given["ReadCapacityUnits"], given["WriteCapacityUnits"]) if given else (0, 0)
    return {"NumberOfDecreasesToday": 0, "ReadCapacityUnits": read, "WriteCapacityUnits": write}


def create_table(call: Call, params: Params) -> Result:
    name = params["TableName"]
    if not _TABLE_NAME.match(name):
        raise _invalid(
            f"1 validation error detected: Value '{name}' at 'tableName' failed to satisfy constraint: Member must "
            "satisfy regular expression pattern: [a-zA-Z0-9_.-]{3,255}"
        )
    _check_keys(params)
    throughput = _throughput(params)
    arn = table_arn(call.region.name, call.account, name)
    if call.tx.find(KIND, arn) is not None:
        raise ApiError("ResourceInUseException", f"Table already exists: {name}")
    doc = _description(call, params, arn, throughput)
    table = Record(KIND, arn, call.account, call.region.name, doc, None, _tags(params))
    if params.get("ResourcePolicy"):
        table = _with_policy(table, params["ResourcePolicy"])
    call.tx.put(table)
    return {"TableDescription": doc}


def _description(call: Call, params: Params, arn: str, throughput: dict[str, int]) -> dict[str, Any]:
    mode = params.get("BillingMode") or "PROVISIONED"
    now = round(call.now.timestamp(), 3)
    doc: dict[str, Any] = {
        "AttributeDefinitions": params["AttributeDefinitions"],
        "TableName": params["TableName"],
        "KeySchema": params["KeySchema"],
        "TableStatus": "ACTIVE",
        "CreationDateTime": now,
        "ProvisionedThroughput": throughput,
        "TableSizeBytes": 0,
        "ItemCount": 0,
        "TableArn": arn,
        "TableId": _uuid(call),
        "DeletionProtectionEnabled": bool(params.get("DeletionProtectionEnabled")),
    }
    if mode == "PAY_PER_REQUEST":
        doc["BillingModeSummary"] = {"BillingMode": mode, "LastUpdateToPayPerRequestDateTime": now}
    return doc


def _uuid(call: Call) -> str:
    digits = call.ids.hex(32)
    return f"{digits[:8]}-{digits[8:12]}-4{digits[13:16]}-a{digits[17:20]}-{digits[20:]}"


def _tags(params: Params) -> dict[str, str]:
    return {t["Key"]: t["Value"] for t in params.get("Tags") or []}


def describe_table(call: Call, params: Params) -> Result:
    return {"Table": _table(call, params["TableName"], "dynamodb:DescribeTable").doc}


def list_tables(call: Call, params: Params) -> Result:
    limit = params.get("Limit") or 100
    names = sorted(t.doc["TableName"] for t in call.scan(KIND))
    start = params.get("ExclusiveStartTableName")
    names = [n for n in names if n > start] if start else names
    result: dict[str, Any] = {"TableNames": names[:limit]}
    if len(names) > limit:
        result["LastEvaluatedTableName"] = names[limit - 1]
    return result


def delete_table(call: Call, params: Params) -> Result:
    table = _table(call, params["TableName"], "dynamodb:DeleteTable")
    if table.doc.get("DeletionProtectionEnabled"):
        raise _invalid(
            "Resource cannot be deleted as it is currently protected against deletion. Disable deletion protection "
            "first."
        )
    call.tx.delete(KIND, table.id)
    return {"TableDescription": {**table.doc, "TableStatus": "DELETING"}}


def _policy_not_found(arn: str, detail: str = "") -> ApiError:
    return ApiError(
        "PolicyNotFoundException", f"Resource-based policy not found for the provided ResourceArn: {arn}{detail}"
    )


def _check_revision(table: Record, expected: str | None) -> None:
    current = table.extra.get("policy_revision")
    if expected is None or expected == current or (expected == _NO_POLICY and current is None):
        return
    raise _policy_not_found(
        table.id, f". Requested revision id {expected}, but the current revision id is {current or _NO_POLICY}."
    )


def _with_policy(table: Record, text: str) -> Record:
    check_policy(text, _invalid, service="dynamodb", resource_ok=within(table.id))
    if table.extra.get("policy") == text:
        return table  # idempotent: the same document keeps its revision
    previous = int(table.extra.get("policy_revision") or 0)
    revision = str(max(int(time.time() * 1000), previous + 1))
    return table.with_extra(policy=text, policy_revision=revision)


def put_resource_policy(call: Call, params: Params) -> Result:
    table = _table(call, params["ResourceArn"], "dynamodb:PutResourcePolicy")
    _check_revision(table, params.get("ExpectedRevisionId"))
    updated = _with_policy(table, params["Policy"])
    call.tx.put(updated)
    return {"RevisionId": updated.extra["policy_revision"]}


def get_resource_policy(call: Call, params: Params) -> Result:
    table = _table(call, params["ResourceArn"], "dynamodb:GetResourcePolicy")
    if "policy" not in table.extra:
        raise _policy_not_found(table.id)
    return {"Policy": table.extra["policy"], "RevisionId": table.extra["policy_revision"]}


def delete_resource_policy(call: Call, params: Params) -> Result:
    table = _table(call, params["ResourceArn"], "dynamodb:DeleteResourcePolicy")
    if "policy" not in table.extra:
        raise _policy_not_found(table.id)
    _check_revision(table, params.get("ExpectedRevisionId"))
    revision = table.extra["policy_revision"]
    kept = {k: v for k, v in table.extra.items() if k not in ("policy", "policy_revision")}
    call.tx.put(table.evolve(extra=kept))
    return {"RevisionId": revision}


__all__ = [
    "KIND",
    "create_table",
    "delete_resource_policy",
    "delete_table",
    "describe_table",
    "find_table",
    "get_resource_policy",
    "list_tables",
    "put_resource_policy",
    "table_arn",
]
