"""A DynamoDB table's settings beside its description: point-in-time recovery, time to live, tags, and Kinesis
streaming destinations, as Terraform's aws_dynamodb_table reads and sets them.

Point-in-time recovery is ``extra["pitr"]`` (``{"enabled", "days", "since"}``), time to live ``extra["ttl"]``
(``{"AttributeName", "enabled"}``), tags the record's tags.

Facts [DynamoDB API Reference DescribeContinuousBackups, UpdateContinuousBackups, DescribeTimeToLive,
UpdateTimeToLive, TagResource, UntagResource, ListTagsOfResource; Developer Guide "Point-in-time recovery",
"Tagging resources in DynamoDB"]:
- Continuous backups are always ENABLED; point-in-time recovery is DISABLED until enabled, then keeps 35 days unless
  RecoveryPeriodInDays (1-35) says otherwise. A missing table is ``TableNotFoundException`` "Table not found: <name>".
- Time to live is DISABLED until enabled on an attribute; enabling it twice is "TimeToLive is already enabled",
  disabling it when off "TimeToLive is already disabled" (``ValidationException``).
- At most 50 tags per resource; keys are 1-128 characters, values up to 256, and the ``aws:`` prefix is reserved.
Choices named here: AWS moves time to live through ENABLING/DISABLING for up to an hour, vpcsim applies it at once;
point-in-time recovery likewise; tag errors are ValidationException with vpcsim's wording; Kinesis streaming
destinations are not modelled, so every table lists none.
"""

from __future__ import annotations

from typing import Any

from vpcsim.control.core.call import Call, Params, Result
from vpcsim.control.services import dynamodb_schema as schema
from vpcsim.control.services.dynamodb_tables import get_table
from vpcsim.errors import ApiError, NotFound
from vpcsim.model import Record
from vpcsim.model.arns import parse_arn

_MAX_TAGS = 50


def _table_not_found(name: str) -> ApiError:
    return NotFound("TableNotFoundException", f"Table not found: {name}")


# -- point-in-time recovery -------------------------------------------------------------------------------------------
def _backups(table: Record) -> dict[str, Any]:
    pitr = table.extra.get("pitr") or {}
    recovery: dict[str, Any] = {"PointInTimeRecoveryStatus": "ENABLED" if pitr.get("enabled") else "DISABLED"}
    if pitr.get("enabled"):
        recovery.update(
            RecoveryPeriodInDays=pitr["days"],
            EarliestRestorableDateTime=pitr["since"],
            LatestRestorableDateTime=pitr["since"],
        )
    return {"ContinuousBackupsStatus": "ENABLED", "PointInTimeRecoveryDescription": recovery}


def describe_continuous_backups(call: Call, params: Params) -> Result:
    table = get_table(call, params["TableName"], "dynamodb:DescribeContinuousBackups", _table_not_found)
    return {"ContinuousBackupsDescription": _backups(table)}


def update_continuous_backups(call: Call, params: Params) -> Result:
    table = get_table(call, params["TableName"], "dynamodb:UpdateContinuousBackups", _table_not_found)
    spec = params["PointInTimeRecoverySpecification"]
    enabled = bool(spec["PointInTimeRecoveryEnabled"])
    if not enabled and spec.get("RecoveryPeriodInDays") is not None:
        raise schema.invalid_value("RecoveryPeriodInDays cannot be specified when PointInTimeRecoveryEnabled is false")
    pitr: dict[str, Any] = {"enabled": False}
    if enabled:
        since = (table.extra.get("pitr") or {}).get("since") or round(call.now.timestamp(), 3)
        pitr = {"enabled": True, "days": spec.get("RecoveryPeriodInDays") or 35, "since": since}
    updated = call.tx.put(table.with_extra(pitr=pitr))
    return {"ContinuousBackupsDescription": _backups(updated)}


# -- time to live -----------------------------------------------------------------------------------------------------
def describe_time_to_live(call: Call, params: Params) -> Result:
    table = get_table(call, params["TableName"], "dynamodb:DescribeTimeToLive")
    ttl = table.extra.get("ttl") or {}
    if not ttl.get("enabled"):
        return {"TimeToLiveDescription": {"TimeToLiveStatus": "DISABLED"}}
    return {"TimeToLiveDescription": {"TimeToLiveStatus": "ENABLED", "AttributeName": ttl["AttributeName"]}}


def update_time_to_live(call: Call, params: Params) -> Result:
    table = get_table(call, params["TableName"], "dynamodb:UpdateTimeToLive")
    spec = params["TimeToLiveSpecification"]
    enabled = bool((table.extra.get("ttl") or {}).get("enabled"))
    if bool(spec["Enabled"]) == enabled:
        raise schema.invalid(f"TimeToLive is already {'enabled' if enabled else 'disabled'}")
    call.tx.put(table.with_extra(ttl={"AttributeName": spec["AttributeName"], "enabled": bool(spec["Enabled"])}))
    return {"TimeToLiveSpecification": spec}


# -- tags -------------------------------------------------------------------------------------------------------------
def _tagged(call: Call, arn: str, action: str) -> Record:
    parsed = parse_arn(arn)
    if parsed is None or parsed.service != "dynamodb" or not parsed.resource.startswith("table/"):
        raise schema.invalid(f"Invalid TableArn: Invalid ResourceArn provided as input {arn}")
    return get_table(call, arn, action)


def list_tags_of_resource(call: Call, params: Params) -> Result:
    table = _tagged(call, params["ResourceArn"], "dynamodb:ListTagsOfResource")
    return {"Tags": [{"Key": k, "Value": v} for k, v in table.tags.items()]}


def tag_resource(call: Call, params: Params) -> Result:
    table = _tagged(call, params["ResourceArn"], "dynamodb:TagResource")
    given = {t["Key"]: t["Value"] for t in params["Tags"]}
    problem = next((k for k in given if k.lower().startswith("aws:")), None)
    if problem is not None:
        raise schema.invalid_value(f"Tag key {problem} uses the reserved prefix aws:")
    tags = {**table.tags, **given}
    if len(tags) > _MAX_TAGS:
        raise schema.invalid_value(f"A resource can have at most {_MAX_TAGS} tags")
    call.tx.put(table.evolve(tags=tags))
    return {}


def untag_resource(call: Call, params: Params) -> Result:
    table = _tagged(call, params["ResourceArn"], "dynamodb:UntagResource")
    call.tx.put(table.evolve(tags={k: v for k, v in table.tags.items() if k not in set(params["TagKeys"])}))
    return {}


# -- Kinesis streaming destinations ----------------------------------------------------------------------------------
def describe_kinesis_streaming_destination(call: Call, params: Params) -> Result:
    table = get_table(call, params["TableName"], "dynamodb:DescribeKinesisStreamingDestination")
    return {"TableName": table.doc["TableName"], "KinesisDataStreamDestinations": []}


__all__ = [
    "describe_continuous_backups",
    "describe_kinesis_streaming_destination",
    "describe_time_to_live",
    "list_tags_of_resource",
    "tag_resource",
    "untag_resource",
    "update_continuous_backups",
    "update_time_to_live",
]
