"""DynamoDB UpdateTable: billing mode and throughput, global secondary indexes, streams, encryption, table class,
deletion protection and on-demand throughput, as Terraform's aws_dynamodb_table changes them.

Facts [DynamoDB API Reference UpdateTable; Developer Guide "Managing global secondary indexes", "Considerations
when switching capacity modes"]:
- A call must change something: "At least one of ProvisionedThroughput, BillingMode, UpdateStreamEnabled,
  GlobalSecondaryIndexUpdates or SSESpecification or ReplicaUpdates is required" (deletion protection, table class
  and on-demand throughput count too).
- Provisioned throughput equal to the current one is refused ("The provisioned throughput for the table will not
  change ..."); a decrease counts in NumberOfDecreasesToday. Switching to PROVISIONED needs throughput for the
  table and for every global index; switching to PAY_PER_REQUEST refuses it and sets the indexes to 0/0.
- One index may be created or deleted per call (``LimitExceededException`` "Subscriber limit exceeded: Only 1 online
  index can be created or deleted simultaneously per table"); a new index's key attributes come in
  AttributeDefinitions; AttributeDefinitions keeps only attributes some key uses.
- Enabling a stream on a table that has one is "Table already has an enabled stream".
- The table answers UPDATING (a created index CREATING) until its transition is over (dynamodb_tables.seen).
Choices named here: replicas (global tables) are not modelled (``Unsupported``); disabling a stream that is not
enabled is a ValidationException.
"""

from __future__ import annotations

from typing import Any

from vpcsim.control.core.call import Call, Params, Result
from vpcsim.control.services import dynamodb_schema as schema
from vpcsim.control.services.dynamodb_tables import get_table, pending, seen
from vpcsim.errors import ApiError, NotFound, Unsupported
from vpcsim.model import Record

Doc = dict[str, Any]


def update_table(call: Call, params: Params) -> Result:
    table = get_table(call, params["TableName"], "dynamodb:UpdateTable")
    if seen(call, table).doc["TableStatus"] != "ACTIVE":
        raise ApiError(
            "ResourceInUseException",
            f"Attempt to change a resource which is still in use: Table is being updated: {table.doc['TableName']}",
        )
    if params.get("ReplicaUpdates"):
        raise Unsupported("Unsupported", "vpcsim does not model global table replicas (ReplicaUpdates).")
    doc = table.mutable_doc()
    changes = [step(call, table, doc, params) for step in _STEPS]
    if not any(changes):
        raise schema.invalid(
            "At least one of ProvisionedThroughput, BillingMode, UpdateStreamEnabled, GlobalSecondaryIndexUpdates "
            "or SSESpecification or ReplicaUpdates is required"
        )
    doc["TableStatus"] = "UPDATING"
    return {"TableDescription": seen(call, pending(call, table, doc)).doc}


def _mode(doc: Doc) -> str:
    return str((doc.get("BillingModeSummary") or {}).get("BillingMode") or schema.PROVISIONED)


def _billing(call: Call, table: Record, doc: Doc, params: Params) -> bool:
    old, new = _mode(doc), str(params.get("BillingMode") or _mode(doc))
    given = params.get("ProvisionedThroughput")
    if new == schema.PAY_PER_REQUEST:
        schema.throughput(new, given)  # refuses throughput
        if old == new:
            return False
        now = round(call.now.timestamp(), 3)
        doc["BillingModeSummary"] = {"BillingMode": new, "LastUpdateToPayPerRequestDateTime": now}
        doc["ProvisionedThroughput"] = schema.throughput(new, None)
        for index in doc.get("GlobalSecondaryIndexes", []):
            index["ProvisionedThroughput"] = schema.throughput(new, None)
        return True
    if old == schema.PAY_PER_REQUEST:
        doc["ProvisionedThroughput"] = schema.throughput(new, given)
        doc["BillingModeSummary"] = {**doc["BillingModeSummary"], "BillingMode": new}
        return True
    if given is None:
        return False
    doc["ProvisionedThroughput"] = _changed_throughput(call, doc["ProvisionedThroughput"], given)
    return True


def _changed_throughput(call: Call, current: Doc, given: Doc) -> Doc:
    read, write = given["ReadCapacityUnits"], given["WriteCapacityUnits"]
    if (read, write) == (current["ReadCapacityUnits"], current["WriteCapacityUnits"]):
        raise schema.invalid(
            "The provisioned throughput for the table will not change. The requested value equals the current "
            f"value. Current ReadCapacityUnits provisioned for the table: {read}. Requested ReadCapacityUnits: {read}. "
            f"Current WriteCapacityUnits provisioned for the table: {write}. Requested WriteCapacityUnits: {write}. "
            "Refer to the Amazon DynamoDB Developer Guide for current limits and how to request higher limits."
        )
    now = round(call.now.timestamp(), 3)
    updated = {**current, "ReadCapacityUnits": read, "WriteCapacityUnits": write}
    if read < current["ReadCapacityUnits"] or write < current["WriteCapacityUnits"]:
        updated["NumberOfDecreasesToday"] = current["NumberOfDecreasesToday"] + 1
        updated["LastDecreaseDateTime"] = now
    if read > current["ReadCapacityUnits"] or write > current["WriteCapacityUnits"]:
        updated["LastIncreaseDateTime"] = now
    return updated


def _indexes(call: Call, table: Record, doc: Doc, params: Params) -> bool:
    updates = params.get("GlobalSecondaryIndexUpdates") or []
    if sum(1 for u in updates if u.get("Create") or u.get("Delete")) > 1:
        raise ApiError(
            "LimitExceededException",
            "Subscriber limit exceeded: Only 1 online index can be created or deleted simultaneously per table",
        )
    indexes = doc.get("GlobalSecondaryIndexes", [])
    for update in updates:
        indexes = _apply_index_update(call, doc, indexes, update, params)
    if updates:
        doc["GlobalSecondaryIndexes"] = indexes
        if not indexes:
            del doc["GlobalSecondaryIndexes"]
    _check_indexed_throughput(doc)
    _prune_definitions(doc, params)
    return bool(updates)


def _apply_index_update(call: Call, doc: Doc, indexes: list[Doc], update: Doc, params: Params) -> list[Doc]:
    if update.get("Create"):
        action = update["Create"]
        if any(i["IndexName"] == action["IndexName"] for i in (*indexes, *doc.get("LocalSecondaryIndexes", []))):
            raise schema.invalid_value(f"Duplicate index name: {action['IndexName']}")
        if len(indexes) >= schema.MAX_GLOBAL:
            raise schema.invalid_value(
                f"Number of GlobalSecondaryIndexes exceeds per-table limit of {schema.MAX_GLOBAL}"
            )
        return [*indexes, schema.global_index(doc["TableArn"], _mode(doc), action, "CREATING")]
    name = (update.get("Update") or update.get("Delete") or {}).get("IndexName")
    if not any(i["IndexName"] == name for i in indexes):
        raise NotFound("ResourceNotFoundException", f"Requested resource not found: Index: {name} not found")
    if update.get("Delete"):
        return [i for i in indexes if i["IndexName"] != name]
    return [_updated_index(call, doc, i, update["Update"]) if i["IndexName"] == name else i for i in indexes]


def _updated_index(call: Call, doc: Doc, index: Doc, action: Doc) -> Doc:
    changed = dict(index)
    if action.get("ProvisionedThroughput"):
        schema.throughput(_mode(doc), action["ProvisionedThroughput"], index["IndexName"])
        changed["ProvisionedThroughput"] = _changed_throughput(
            call, index["ProvisionedThroughput"], action["ProvisionedThroughput"]
        )
    if action.get("OnDemandThroughput"):
        changed["OnDemandThroughput"] = action["OnDemandThroughput"]
    changed["IndexStatus"] = "UPDATING"
    return changed


def _check_indexed_throughput(doc: Doc) -> None:
    if _mode(doc) != schema.PROVISIONED:
        return
    for index in doc.get("GlobalSecondaryIndexes", []):
        if not index["ProvisionedThroughput"]["ReadCapacityUnits"]:
            raise schema.invalid_value(f"ProvisionedThroughput must be specified for index: {index['IndexName']}")


def _prune_definitions(doc: Doc, params: Params) -> None:
    """AttributeDefinitions: the table's and the call's, keeping only attributes some key uses."""
    given = {a["AttributeName"]: a for a in doc["AttributeDefinitions"]}
    given.update({a["AttributeName"]: a for a in params.get("AttributeDefinitions") or []})
    keys = [
        doc["KeySchema"],
        *(i["KeySchema"] for k in ("LocalSecondaryIndexes", "GlobalSecondaryIndexes") for i in doc.get(k, [])),
    ]
    used = {a for key in keys for a in schema.names(key)}
    missing = sorted(used - set(given))
    if missing:
        raise schema.invalid_value(
            f"Some index key attributes are not defined in AttributeDefinitions. Keys: [{', '.join(missing)}]"
        )
    doc["AttributeDefinitions"] = [a for name, a in given.items() if name in used]


def _streams(call: Call, table: Record, doc: Doc, params: Params) -> bool:
    spec = params.get("StreamSpecification")
    if spec is None:
        return False
    enabled = bool((doc.get("StreamSpecification") or {}).get("StreamEnabled"))
    if spec.get("StreamEnabled"):
        if enabled:
            raise schema.invalid(f"Table already has an enabled stream: TableName: {doc['TableName']}")
        doc.update(schema.stream(call, doc["TableArn"], spec))
        return True
    if not enabled:
        raise schema.invalid(f"Table does not have an enabled stream: TableName: {doc['TableName']}")
    del doc["StreamSpecification"]  # LatestStreamArn and LatestStreamLabel stay, as AWS shows them
    return True


def _encryption(call: Call, table: Record, doc: Doc, params: Params) -> bool:
    if "SSESpecification" not in params:
        return False
    sse = schema.sse_description(call, params["SSESpecification"])
    doc.pop("SSEDescription", None)
    if sse:
        doc["SSEDescription"] = sse
    return True


def _simple(call: Call, table: Record, doc: Doc, params: Params) -> bool:
    changed = False
    if params.get("DeletionProtectionEnabled") is not None:
        doc["DeletionProtectionEnabled"] = params["DeletionProtectionEnabled"]
        changed = True
    if params.get("TableClass"):
        now = round(call.now.timestamp(), 3)
        doc["TableClassSummary"] = {"TableClass": params["TableClass"], "LastUpdateDateTime": now}
        changed = True
    if params.get("OnDemandThroughput"):
        doc["OnDemandThroughput"] = params["OnDemandThroughput"]
        changed = True
    return changed


_STEPS = (_billing, _indexes, _streams, _encryption, _simple)

__all__ = ["update_table"]
