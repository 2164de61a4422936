"""DynamoDB tables: create, describe, list, delete, and the resource-based policy calls.

A table is a record of kind ``dynamodb-table`` whose id is its ARN (``arn:aws:dynamodb:<region>:<account>:table/
<name>``); its doc is the ``TableDescription`` DescribeTable answers (built by dynamodb_schema.py, changed by
dynamodb_update.py); its tags are the record's; its policy is kept as given in ``extra["policy"]`` with its revision
id in ``extra["policy_revision"]``; point-in-time recovery and TTL live in ``extra`` too (dynamodb_settings.py).

Facts [DynamoDB API Reference: CreateTable, DescribeTable, ListTables, DeleteTable, Put/Get/DeleteResourcePolicy]:
- Names are unique per account and region (``ResourceInUseException``); any call taking a table name also takes
  the table's ARN. A missing table is ``ResourceNotFoundException`` "Requested resource not found: Table: <name> not
  found".
- PutResourcePolicy is idempotent (the same document keeps its revision id); an ``ExpectedRevisionId`` that does not
  match, or ``NO_POLICY`` when a policy exists, is ``PolicyNotFoundException``; policies are at most 20 KB.
- A table with deletion protection cannot be deleted (``ValidationException``).
Lifecycle (core/lifecycle.py): CreateTable answers ``CREATING`` (its global indexes too) and UpdateTable ``UPDATING``
(a created index ``CREATING``); the record stores the ACTIVE end state with the transition, and every reader sees
the transitional statuses until ``lifecycle.DYNAMODB_TABLE`` seconds at the server's time scale have passed (at the
default scale 0, from the first call after), so waiters (Terraform's waitTableActive) see the transition as against
AWS and reads change nothing.
Choice named here: a malformed policy is a ``ValidationException`` (AWS documents the limit, not the code).
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from typing import Any

from vpcsim.control.core import lifecycle
from vpcsim.control.core.call import Call, Params, Result
from vpcsim.control.services import dynamodb_schema as schema
from vpcsim.control.services.resource_policy import allows, check_policy, within
from vpcsim.errors import ApiError, InvalidParameter, NotFound
from vpcsim.model import Record
from vpcsim.model.arns import Arn, root_arn
from vpcsim.store import Transaction

KIND = "dynamodb-table"
_NO_POLICY = "NO_POLICY"
_TABLE_NAME = re.compile(r"^[a-zA-Z0-9_.-]{3,255}$")  # CreateTable's own rule; other calls take ARNs too


def table_arn(region: str, account: str, name: str) -> str:
    return str(Arn("dynamodb", region, account, f"table/{name}"))


def find_table(tx: Transaction, region: str, name: str, account: str | None = None) -> Record | None:
    """The table ``name`` (or its ARN) in ``region``; pass ``account`` whenever it is known, since names are unique
    only per account (without it, the oldest table of that name in the region)."""
    if name.startswith("arn:"):
        return tx.find(KIND, name)
    if account is not None:
        return tx.find(KIND, table_arn(region, account, name))
    return next((t for t in tx.scan(KIND) if t.region == region and t.doc["TableName"] == name), None)


def _invalid(message: str) -> InvalidParameter:
    return schema.invalid(message)


def _not_found(name: str) -> NotFound:
    return NotFound("ResourceNotFoundException", f"Requested resource not found: Table: {name} not found")


def get_table(call: Call, name: str, action: str, missing: Callable[[str], ApiError] | None = None) -> Record:
    """The table a call names (by name, or by ARN possibly of another account), if the caller may act on it, as
    stored (``seen`` shows it; ``missing``: the error for a table that is not there, ResourceNotFoundException by
    default)."""
    arn = name if name.startswith("arn:") else table_arn(call.region.name, call.account, name)
    table = call.tx.find(KIND, arn)
    if table is None or table.region != call.region.name:
        raise (missing or _not_found)(name.rsplit("/", 1)[-1])
    if table.account != call.account and not allows(call, table, action, arn):
        principal = call.principal or root_arn(call.account)
        raise ApiError(
            "AccessDeniedException",
            f"User: {principal} is not authorized to perform: {action} on resource: {arn} because no "
            f"resource-based policy allows the {action} action",
        )
    return table


def seen(call: Call, table: Record) -> Record:
    """``table`` as a reader sees it now (never stored): CREATING or UPDATING, with its indexes' statuses meanwhile,
    until its transition is over."""
    transition = table.extra.get("transition")
    status = lifecycle.shown(call, table.doc["TableStatus"], transition)
    if status == table.doc["TableStatus"]:
        return table
    doc = table.mutable_doc()
    doc["TableStatus"] = status
    meanwhile = table.extra.get("indexes_meanwhile") or {}
    for index in doc.get("GlobalSecondaryIndexes", []):
        index["IndexStatus"] = meanwhile.get(index["IndexName"], index["IndexStatus"])
    return table.evolve(doc=doc)


def pending(call: Call, table: Record, doc: dict[str, Any]) -> Record:
    """``table`` with ``doc`` (its table and index statuses those shown meanwhile), stored ACTIVE with a transition
    from them that takes ``lifecycle.DYNAMODB_TABLE`` seconds at AWS's pace; returns the stored record."""
    was = doc["TableStatus"]
    indexes = doc.get("GlobalSecondaryIndexes", [])
    meanwhile = {i["IndexName"]: i["IndexStatus"] for i in indexes if i["IndexStatus"] != "ACTIVE"}
    doc["TableStatus"] = "ACTIVE"
    for index in indexes:
        index["IndexStatus"] = "ACTIVE"
    transition = lifecycle.begin(call, was, lifecycle.DYNAMODB_TABLE)
    return call.tx.put(table.evolve(doc=doc).with_extra(transition=transition, indexes_meanwhile=meanwhile))


def _check_keys(params: Params) -> None:
    for member in ("AttributeDefinitions", "KeySchema"):
        if not params.get(member):
            field = member[0].lower() + member[1:]
            raise _invalid(
                f"1 validation error detected: Value null at '{field}' failed to satisfy constraint: Member must "
                "not be null"
            )
    schema.check_key_schema(params["KeySchema"])
    local, global_ = params.get("LocalSecondaryIndexes") or [], params.get("GlobalSecondaryIndexes") or []
    schema.check_index_names(local, global_)
    keys = [params["KeySchema"], *(i["KeySchema"] for i in (*local, *global_))]
    schema.check_definitions(params["AttributeDefinitions"], keys, bool(local or global_))


def create_table(call: Call, params: Params) -> Result:
    name = params["TableName"]
    if not _TABLE_NAME.match(name):
        raise _invalid(
            f"1 validation error detected: Value '{name}' at 'tableName' failed to satisfy constraint: Member must "
            "satisfy regular expression pattern: [a-zA-Z0-9_.-]{3,255}"
        )
    _check_keys(params)
    arn = table_arn(call.region.name, call.account, name)
    doc = _description(call, params, arn)
    if call.tx.find(KIND, arn) is not None:
        raise ApiError("ResourceInUseException", f"Table already exists: {name}")
    table = Record(KIND, arn, call.account, call.region.name, doc, None, _tags(params))
    if params.get("ResourcePolicy"):
        table = _with_policy(table, params["ResourcePolicy"])
    stored = pending(call, table, table.mutable_doc())
    return {"TableDescription": seen(call, stored).doc}


def _description(call: Call, params: Params, arn: str) -> dict[str, Any]:
    mode = schema.billing_mode(params)
    now = round(call.now.timestamp(), 3)
    doc: dict[str, Any] = {
        "AttributeDefinitions": params["AttributeDefinitions"],
        "TableName": params["TableName"],
        "KeySchema": params["KeySchema"],
        "TableStatus": "CREATING",
        "CreationDateTime": now,
        "ProvisionedThroughput": schema.throughput(mode, params.get("ProvisionedThroughput")),
        "TableSizeBytes": 0,
        "ItemCount": 0,
        "TableArn": arn,
        "TableId": _uuid(call),
        "DeletionProtectionEnabled": bool(params.get("DeletionProtectionEnabled")),
    }
    if mode == schema.PAY_PER_REQUEST:
        doc["BillingModeSummary"] = {"BillingMode": mode, "LastUpdateToPayPerRequestDateTime": now}
    doc.update(_optional_parts(call, params, arn, mode))
    return doc


def _optional_parts(call: Call, params: Params, arn: str, mode: str) -> dict[str, Any]:
    parts: dict[str, Any] = {}
    if params.get("LocalSecondaryIndexes"):
        parts["LocalSecondaryIndexes"] = [
            schema.local_index(arn, params["KeySchema"], i) for i in params["LocalSecondaryIndexes"]
        ]
    if params.get("GlobalSecondaryIndexes"):
        parts["GlobalSecondaryIndexes"] = [
            schema.global_index(arn, mode, i, "CREATING") for i in params["GlobalSecondaryIndexes"]
        ]
    if (params.get("StreamSpecification") or {}).get("StreamEnabled"):
        parts.update(schema.stream(call, arn, params["StreamSpecification"]))
    sse = schema.sse_description(call, params.get("SSESpecification"))
    if sse:
        parts["SSEDescription"] = sse
    if params.get("TableClass"):
        parts["TableClassSummary"] = {"TableClass": params["TableClass"]}
    if params.get("OnDemandThroughput"):
        parts["OnDemandThroughput"] = params["OnDemandThroughput"]
    return parts


def _uuid(call: Call) -> str:
    digits = call.ids.hex(32)
    return f"{digits[:8]}-{digits[8:12]}-4{digits[13:16]}-a{digits[17:20]}-{digits[20:]}"


def _tags(params: Params) -> dict[str, str]:
    return {t["Key"]: t["Value"] for t in params.get("Tags") or []}


def describe_table(call: Call, params: Params) -> Result:
    return {"Table": seen(call, get_table(call, params["TableName"], "dynamodb:DescribeTable")).doc}


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
    table = get_table(call, params["TableName"], "dynamodb:DeleteTable")
    if table.doc.get("DeletionProtectionEnabled"):
        raise _invalid(
            "Resource cannot be deleted as it is currently protected against deletion. Disable deletion protection "
            "first."
        )
    call.tx.delete(KIND, table.id)
    return {"TableDescription": {**seen(call, table).doc, "TableStatus": "DELETING"}}


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
    table = get_table(call, params["ResourceArn"], "dynamodb:PutResourcePolicy")
    _check_revision(table, params.get("ExpectedRevisionId"))
    updated = _with_policy(table, params["Policy"])
    call.tx.put(updated)
    return {"RevisionId": updated.extra["policy_revision"]}


def get_resource_policy(call: Call, params: Params) -> Result:
    table = get_table(call, params["ResourceArn"], "dynamodb:GetResourcePolicy")
    if "policy" not in table.extra:
        raise _policy_not_found(table.id)
    return {"Policy": table.extra["policy"], "RevisionId": table.extra["policy_revision"]}


def delete_resource_policy(call: Call, params: Params) -> Result:
    table = get_table(call, params["ResourceArn"], "dynamodb:DeleteResourcePolicy")
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
    "get_table",
    "list_tables",
    "pending",
    "put_resource_policy",
    "seen",
    "table_arn",
]
