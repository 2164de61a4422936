"""CloudWatch Logs log groups: create, describe, list, retention, deletion protection, delete.

Design: a log group is a record of kind ``log-group`` in the caller's account and Region whose id is its ARN
without the ``:*`` suffix (unique across accounts and Regions); its doc is the ``LogGroup`` DescribeLogGroups
shows. ``new_log_group`` builds one for whoever creates it: CreateLogGroup, and the flow-log delivery that creates
the group a flow log names when it is missing (control/flowlogs/traffic.py).

Facts [CloudWatch Logs API Reference: CreateLogGroup, DescribeLogGroups, ListLogGroups, DeleteLogGroup,
PutRetentionPolicy, DeleteRetentionPolicy, PutLogGroupDeletionProtection; botocore's logs model]: names are 1-512
characters of ``a-zA-Z0-9_-/.#``, unique per account and Region, and cannot start with ``aws/``; ``arn`` ends in
``:*`` and ``logGroupArn`` does not; creationTime is milliseconds since the epoch; a new group has no retention
(events never expire), storedBytes 0 and class STANDARD; DescribeLogGroups is ASCII-sorted by name, returns up to
50 a page, takes a prefix or (exclusive with it) a case-sensitive substring ``logGroupNamePattern``, with which only
``arn``, ``creationTime`` and ``logGroupName`` are returned; a name taken is ``ResourceAlreadyExistsException`` "The
specified log group already exists"; an unknown one ``ResourceNotFoundException`` "The specified log group does not
exist."; retention is one of the listed day counts, otherwise ``InvalidParameterException`` "1 validation error
detected: Value '2' at 'retentionInDays' failed to satisfy constraint: Member must satisfy enum value set: [...]"
(as users report it); a group with deletion protection cannot be deleted.
Choices named here: the KMS key is checked for the form of a KMS key ARN only (vpcsim serves no KMS); the messages
for an ``aws/`` name, a bad nextToken, prefix and pattern together, and a protected group's deletion
(``ValidationException``) are vpcsim's, AWS's wording being unrecorded.
"""

from __future__ import annotations

from typing import Any

from vpcsim.control.core.call import Call, Params, Result
from vpcsim.errors import ApiError, InvalidParameter
from vpcsim.model import Record
from vpcsim.model.arns import parse_arn
from vpcsim.store import Transaction

KIND = "log-group"
# The day counts PutRetentionPolicy accepts [CloudWatch Logs API Reference, PutRetentionPolicy].
_WEEKS_TO_YEAR = (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365)
RETENTION_DAYS = (*_WEEKS_TO_YEAR, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653)
DEFAULT_LIMIT = 50
_PATTERN_MEMBERS = ("arn", "creationTime", "logGroupName")


def bad(message: str) -> InvalidParameter:
    return InvalidParameter("InvalidParameterException", message)


def not_found() -> ApiError:
    return ApiError("ResourceNotFoundException", "The specified log group does not exist.")


def group_arn(account: str, region: str, name: str) -> str:
    return f"arn:aws:logs:{region}:{account}:log-group:{name}"


def find_log_group(tx: Transaction, account: str, region: str, name: str) -> Record | None:
    return tx.find(KIND, group_arn(account, region, name))


def get_log_group(call: Call, name: str) -> Record:
    record = find_log_group(call.tx, call.account, call.region.name, name)
    if record is None:
        raise not_found()
    return record


def by_identifier(call: Call, identifier: str) -> Record:
    """A log group named by its name or its ARN (with or without ``:*``), as ``logGroupIdentifier`` takes it."""
    if identifier.startswith("arn:"):
        parsed = parse_arn(identifier.removesuffix(":*"))
        record = call.tx.find(KIND, str(parsed)) if parsed else None
        if record is None or record.account != call.account:
            raise not_found()
        return record
    return get_log_group(call, identifier)


def new_log_group(account: str, region: str, name: str, created_ms: int, **options: Any) -> Record:
    """A new log group record with AWS's defaults; ``options`` are doc members to set (kmsKeyId, logGroupClass)."""
    arn = group_arn(account, region, name)
    doc: dict[str, Any] = {
        "logGroupName": name,
        "creationTime": created_ms,
        "metricFilterCount": 0,
        "arn": arn + ":*",
        "storedBytes": 0,
        "logGroupClass": "STANDARD",
        "logGroupArn": arn,
        "deletionProtectionEnabled": False,
        **{k: v for k, v in options.items() if v is not None},
    }
    return Record(KIND, arn, account, region, doc)


def millis(call: Call) -> int:
    return int(call.now.timestamp() * 1000)


# -- create ------------------------------------------------------------------------------------------------------
def create_log_group(call: Call, params: Params) -> Result:
    name = params["logGroupName"]
    if name.startswith("aws/"):
        raise bad(f"Log group names can't start with the string aws/: {name}")
    if find_log_group(call.tx, call.account, call.region.name, name) is not None:
        raise ApiError("ResourceAlreadyExistsException", "The specified log group already exists")
    key = params.get("kmsKeyId")
    if key is not None and not _kms_key_arn(key):
        raise bad(f"The KMS key must be given as a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>): {key}")
    tags = check_tags(params.get("tags") or {})
    record = new_log_group(
        call.account,
        call.region.name,
        name,
        millis(call),
        kmsKeyId=key,
        logGroupClass=params.get("logGroupClass"),
        deletionProtectionEnabled=params.get("deletionProtectionEnabled"),
    )
    call.tx.put(record.evolve(tags=tags))
    return {}


def _kms_key_arn(text: str) -> bool:
    parsed = parse_arn(text)
    return parsed is not None and parsed.service == "kms" and parsed.resource_type in ("key", "alias")


def check_tags(tags: dict[str, str]) -> dict[str, str]:
    reserved = [k for k in tags if k.lower().startswith("aws:")]
    if reserved:
        raise bad(f"Tag keys starting with 'aws:' are reserved for AWS use: {reserved[0]}")
    if len(tags) > 50:
        raise ApiError("TooManyTagsException", "A resource can have no more than 50 tags.")
    return dict(tags)


# -- read --------------------------------------------------------------------------------------------------------
def describe_log_groups(call: Call, params: Params) -> Result:
    prefix, pattern = params.get("logGroupNamePrefix"), params.get("logGroupNamePattern")
    wanted = params.get("logGroupIdentifiers")
    if sum(x is not None for x in (prefix, pattern, wanted)) > 1:
        raise bad("logGroupNamePrefix, logGroupNamePattern and logGroupIdentifiers are mutually exclusive.")
    groups = _sorted(call, params.get("logGroupClass"))
    if prefix is not None:
        groups = [g for g in groups if g.doc["logGroupName"].startswith(prefix)]
    if pattern:
        groups = [g for g in groups if pattern in g.doc["logGroupName"]]
    if wanted is not None:
        names = {w.removesuffix(":*").rsplit(":log-group:", 1)[-1] for w in wanted}
        groups = [g for g in groups if g.doc["logGroupName"] in names]
    shown = [{k: g.doc[k] for k in _PATTERN_MEMBERS} if pattern else dict(g.doc) for g in groups]
    return _page(params, shown, "logGroups", DEFAULT_LIMIT)


def list_log_groups(call: Call, params: Params) -> Result:
    groups = _sorted(call, params.get("logGroupClass"))
    alternatives = [p for p in (params.get("logGroupNamePattern") or "").split("|") if p]
    if alternatives:
        groups = [g for g in groups if any(_pattern_matches(p, g.doc["logGroupName"]) for p in alternatives)]
    members = ("logGroupName", "logGroupArn", "logGroupClass")
    return _page(params, [{k: g.doc[k] for k in members} for g in groups], "logGroups", 1000)


def _pattern_matches(pattern: str, name: str) -> bool:
    """ListLogGroups' patterns: a case-sensitive substring, or with ``^`` a prefix [API Reference, ListLogGroups]."""
    return name.startswith(pattern[1:]) if pattern.startswith("^") else pattern in name


def _sorted(call: Call, group_class: str | None) -> list[Record]:
    groups = call.scan(KIND)
    if group_class:
        groups = [g for g in groups if g.doc["logGroupClass"] == group_class]
    return sorted(groups, key=lambda g: g.doc["logGroupName"].encode())


def _page(params: Params, items: list[dict[str, Any]], member: str, default: int) -> Result:
    token = params.get("nextToken")
    if token is not None and not (token.isascii() and token.isdigit() and int(token) <= len(items)):
        raise bad(f"The specified nextToken is invalid: {token}")
    start = int(token) if token else 0
    end = start + int(params.get("limit") or default)
    result: Result = {member: items[start:end]}
    if end < len(items):
        result["nextToken"] = str(end)
    return result


# -- change ------------------------------------------------------------------------------------------------------
def put_retention_policy(call: Call, params: Params) -> Result:
    days = params["retentionInDays"]
    if days not in RETENTION_DAYS:
        raise bad(
            f"1 validation error detected: Value '{days}' at 'retentionInDays' failed to satisfy constraint: Member "
            f"must satisfy enum value set: [{', '.join(str(d) for d in RETENTION_DAYS)}]"
        )
    record = get_log_group(call, params["logGroupName"])
    call.tx.put(record.with_doc(retentionInDays=days))
    return {}


def delete_retention_policy(call: Call, params: Params) -> Result:
    record = get_log_group(call, params["logGroupName"])
    call.tx.put(record.with_doc(retentionInDays=None))
    return {}


def put_log_group_deletion_protection(call: Call, params: Params) -> Result:
    record = by_identifier(call, params["logGroupIdentifier"])
    call.tx.put(record.with_doc(deletionProtectionEnabled=bool(params.get("deletionProtectionEnabled"))))
    return {}


def delete_log_group(call: Call, params: Params) -> Result:
    record = get_log_group(call, params["logGroupName"])
    if record.doc.get("deletionProtectionEnabled"):
        raise ApiError(
            "ValidationException",
            f"Log group {record.doc['logGroupName']} has deletion protection enabled; disable it with "
            "PutLogGroupDeletionProtection before deleting the group.",
        )
    call.tx.delete(KIND, record.id)
    return {}


__all__ = ["KIND", "by_identifier", "check_tags", "find_log_group", "get_log_group", "group_arn", "new_log_group"]
