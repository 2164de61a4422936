"""What delivering to CloudWatch Logs takes: a role the flow logs service can assume, and a log group, which the
service creates when it is missing.

Facts [VPCUG "Publish flow logs to CloudWatch Logs", "IAM role for publishing flow logs to CloudWatch Logs"; EC2API
CreateFlowLogs]: LogGroupName names "a new or existing" log group, and the role's policy must allow
``logs:CreateLogGroup`` because the service creates the group when it delivers the first records and the group does
not exist; the role must belong to the flow log's account and trust ``vpc-flow-logs.amazonaws.com`` to assume it; a
flow log whose role cannot be used is created all the same and described with DeliverLogsStatus ``FAILED`` and
DeliverLogsErrorMessage ``Access error`` ("The IAM role for your flow logs does not have sufficient permissions to
send logs to the CloudWatch log group", as the console words it).
Choice named here: vpcsim checks that the role exists and trusts the service, not what its permissions policies
allow (AWS managed policies in the catalog carry no documents to evaluate).
"""

from __future__ import annotations

from vpcsim.control.iam.documents import trusts_service
from vpcsim.control.iam.roles import find_role_by_arn
from vpcsim.control.logs.log_groups import find_log_group, new_log_group
from vpcsim.model import Record
from vpcsim.model.arns import parse_arn
from vpcsim.store import Transaction

SERVICE = "vpc-flow-logs.amazonaws.com"
ACCESS_ERROR = "Access error"


def role_refusal(tx: Transaction, log: Record) -> str | None:
    """``Access error`` when the flow log's role is missing, another account's, or does not trust the service."""
    arn = str(log.doc.get("DeliverLogsPermissionArn") or "")
    role = find_role_by_arn(tx, arn)
    if role is None or role.account != log.account:
        return ACCESS_ERROR
    if not trusts_service(role.doc["AssumeRolePolicyDocument"], SERVICE):
        return ACCESS_ERROR
    return None


def group_of(log: Record) -> tuple[str, str, str]:
    """(account, Region, name) of the log group a cloud-watch-logs flow log delivers to."""
    parsed = parse_arn(str(log.doc["LogDestination"]))
    if parsed is None:
        return log.account, log.region, str(log.doc.get("LogGroupName") or "")
    name = str(log.doc.get("LogGroupName") or parsed.resource.removeprefix("log-group:"))
    return parsed.account, parsed.region, name


def ensure_group(tx: Transaction, log: Record, now: int) -> Record:
    """The flow log's log group, created (as the service creates it) when it does not exist."""
    account, region, name = group_of(log)
    found = find_log_group(tx, account, region, name)
    return found if found is not None else tx.put(new_log_group(account, region, name, now * 1000))


__all__ = ["ACCESS_ERROR", "ensure_group", "group_of", "role_refusal"]
