"""A DynamoDB table's schema as CreateTable and UpdateTable check it, and the parts of ``TableDescription`` built
from it: key schemas, attribute definitions, secondary indexes, throughput, streams and encryption.

Facts [DynamoDB API Reference CreateTable, UpdateTable, TableDescription; Developer Guide "Service, account, and
table quotas", "Encryption at rest", "Change data capture for DynamoDB Streams"]:
- A key schema is a HASH key, optionally followed by one RANGE key; every key attribute of the table and its indexes
  is in AttributeDefinitions, and AttributeDefinitions holds nothing else.
- At most 5 local and 20 global secondary indexes; index names are unique in the table; a local index shares the
  table's HASH key and needs a RANGE key, on a table that has one. Projection ``INCLUDE`` names NonKeyAttributes,
  the other types do not.
- PROVISIONED billing (the default) needs ProvisionedThroughput for the table and every global index;
  PAY_PER_REQUEST refuses it, and describes throughput as 0/0.
- A stream has a view type when enabled; ``LatestStreamArn`` is ``<table arn>/stream/<label>``, the label a timestamp.
- Encryption with the AWS owned key (the default) shows no SSEDescription; ``Enabled`` true means KMS with the
  given key, or the account's AWS managed key ``alias/aws/dynamodb``.
Choices named here: the wording of messages AWS does not document follows the documented ones ("One or more
parameter values were invalid: ..."); the AWS managed key's id is derived from the account and Region.
"""

from __future__ import annotations

from typing import Any

from vpcsim.control.core.call import Call, Params
from vpcsim.control.services.kms import managed_key_id
from vpcsim.errors import InvalidParameter

PROVISIONED, PAY_PER_REQUEST = "PROVISIONED", "PAY_PER_REQUEST"
MAX_LOCAL, MAX_GLOBAL = 5, 20


def invalid(message: str) -> InvalidParameter:
    return InvalidParameter("ValidationException", message)


def invalid_value(detail: str) -> InvalidParameter:
    return invalid(f"One or more parameter values were invalid: {detail}")


def names(items: list[dict[str, Any]]) -> list[str]:
    return [str(i["AttributeName"]) for i in items]


def check_key_schema(keys: list[dict[str, Any]], index: str | None = None) -> None:
    if not keys or len(keys) > 2 or keys[0]["KeyType"] != "HASH" or any(k["KeyType"] != "RANGE" for k in keys[1:]):
        where = f" for index: {index}" if index else ""
        raise invalid(f"Invalid KeySchema: The first KeySchemaElement is not a HASH key type{where}")


def check_definitions(definitions: list[dict[str, Any]], schemas: list[list[dict[str, Any]]], indexed: bool) -> None:
    """Every key attribute defined, and nothing else (``indexed``: the table has secondary indexes)."""
    defined = names(definitions)
    used = list(dict.fromkeys(a for keys in schemas for a in names(keys)))
    if not set(used) <= set(defined):
        raise invalid_value(
            "Some index key attributes are not defined in AttributeDefinitions. "
            f"Keys: [{', '.join(used)}], AttributeDefinitions: [{', '.join(defined)}]"
        )
    if len(set(defined)) != len(defined) or set(defined) != set(used):
        raise invalid_value(
            f"Some AttributeDefinitions are not used. AttributeDefinitions: [{', '.join(defined)}], keys used: "
            f"[{', '.join(used)}]"
            if indexed
            else "Number of attributes in KeySchema does not exactly match number of attributes defined in "
            "AttributeDefinitions"
        )


def check_projection(index: dict[str, Any]) -> None:
    projection = index.get("Projection") or {}
    kind, extra = projection.get("ProjectionType"), projection.get("NonKeyAttributes")
    if kind == "INCLUDE" and not extra:
        raise invalid_value(f"NonKeyAttributes must be specified for index: {index['IndexName']}")
    if kind != "INCLUDE" and extra:
        raise invalid_value(f"ProjectionType is {kind}, but NonKeyAttributes is specified")


def check_local(table_keys: list[dict[str, Any]], index: dict[str, Any]) -> None:
    name, keys = index["IndexName"], index["KeySchema"]
    if len(table_keys) < 2:
        raise invalid_value(
            "Table KeySchema does not have a range key, which is required when specifying a LocalSecondaryIndex"
        )
    if len(keys) < 2:
        raise invalid_value(f"Index KeySchema does not have a range key for index: {name}")
    if keys[0]["AttributeName"] != table_keys[0]["AttributeName"]:
        raise invalid_value(
            f"Index KeySchema does not have the same leading hash key as table KeySchema for index: {name}"
        )


def throughput(mode: str, given: dict[str, Any] | None, index: str | None = None) -> dict[str, Any]:
    """The ProvisionedThroughputDescription for a table or global index under billing ``mode``."""
    where = f" for index: {index}" if index else ""
    if mode == PROVISIONED and not given:
        raise invalid_value(
            f"ProvisionedThroughput must be specified for index: {index}"
            if index
            else "ReadCapacityUnits and WriteCapacityUnits must both be specified when BillingMode is PROVISIONED"
        )
    if mode == PAY_PER_REQUEST and given:
        raise invalid_value(
            f"ProvisionedThroughput should not be specified{where} when BillingMode is PAY_PER_REQUEST"
            if index
            else "Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST"
        )
    read, write = (given["ReadCapacityUnits"], given["WriteCapacityUnits"]) if given else (0, 0)
    return {"NumberOfDecreasesToday": 0, "ReadCapacityUnits": read, "WriteCapacityUnits": write}


def global_index(table_arn: str, mode: str, index: dict[str, Any], status: str) -> dict[str, Any]:
    check_key_schema(index["KeySchema"], index["IndexName"])
    check_projection(index)
    doc: dict[str, Any] = {
        "IndexName": index["IndexName"],
        "KeySchema": index["KeySchema"],
        "Projection": index["Projection"],
        "IndexStatus": status,
        "ProvisionedThroughput": throughput(mode, index.get("ProvisionedThroughput"), index["IndexName"]),
        "IndexSizeBytes": 0,
        "ItemCount": 0,
        "IndexArn": f"{table_arn}/index/{index['IndexName']}",
    }
    if index.get("OnDemandThroughput"):
        doc["OnDemandThroughput"] = index["OnDemandThroughput"]
    return doc


def local_index(table_arn: str, table_keys: list[dict[str, Any]], index: dict[str, Any]) -> dict[str, Any]:
    check_key_schema(index["KeySchema"], index["IndexName"])
    check_local(table_keys, index)
    check_projection(index)
    return {
        "IndexName": index["IndexName"],
        "KeySchema": index["KeySchema"],
        "Projection": index["Projection"],
        "IndexSizeBytes": 0,
        "ItemCount": 0,
        "IndexArn": f"{table_arn}/index/{index['IndexName']}",
    }


def check_index_names(local: list[dict[str, Any]], global_: list[dict[str, Any]]) -> None:
    if len(local) > MAX_LOCAL:
        raise invalid_value(f"Number of LocalSecondaryIndexes exceeds per-table limit of {MAX_LOCAL}")
    if len(global_) > MAX_GLOBAL:
        raise invalid_value(f"Number of GlobalSecondaryIndexes exceeds per-table limit of {MAX_GLOBAL}")
    seen: set[str] = set()
    for index in (*local, *global_):
        if index["IndexName"] in seen:
            raise invalid_value(f"Duplicate index name: {index['IndexName']}")
        seen.add(index["IndexName"])


def stream(call: Call, table_arn: str, spec: dict[str, Any]) -> dict[str, Any]:
    """The members an enabled stream adds to a TableDescription."""
    if not spec.get("StreamViewType"):
        raise invalid_value("StreamViewType must be specified when StreamEnabled is true")
    label = call.now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{call.now.microsecond // 1000:03d}"
    return {
        "StreamSpecification": {"StreamEnabled": True, "StreamViewType": spec["StreamViewType"]},
        "LatestStreamLabel": label,
        "LatestStreamArn": f"{table_arn}/stream/{label}",
    }


def sse_description(call: Call, spec: dict[str, Any] | None) -> dict[str, Any] | None:
    """The SSEDescription an SSESpecification asks for (None: the AWS owned key, shown as nothing)."""
    if not spec or not spec.get("Enabled"):
        return None
    key = spec.get("KMSMasterKeyId") or ""
    where = f"arn:aws:kms:{call.region.name}:{call.account}"
    if key.startswith("arn:"):
        arn = key
    elif key.startswith("alias/"):
        arn = f"{where}:{key}"
    else:
        arn = f"{where}:key/{key or managed_key_id('dynamodb', call.account, call.region.name)}"
    return {"Status": "ENABLED", "SSEType": "KMS", "KMSMasterKeyArn": arn}


def billing_mode(params: Params) -> str:
    return str(params.get("BillingMode") or PROVISIONED)


__all__ = [
    "PAY_PER_REQUEST",
    "PROVISIONED",
    "billing_mode",
    "check_definitions",
    "check_index_names",
    "check_key_schema",
    "global_index",
    "invalid",
    "invalid_value",
    "local_index",
    "names",
    "sse_description",
    "stream",
    "throughput",
]
