"""CreateFlowLogs' parameters checked as AWS checks them, before any resource is looked at.

Messages AWS answers, recorded against real AWS (LocalStack's validated snapshot ``TestEc2FlowLogs``):
"Please only provide LogGroupName or only provide LogDestination.", "LogDestination can't be empty if LogGroupName is
not provided.", "LogDestination type must be cloud-watch-logs if LogGroupName is provided." (all InvalidParameter);
a LogFormat with unknown fields: InvalidParameter "Unknown fields provided: 'windowstart', ..." (seen from AWS in a
public project's notes); a resource id of another type: InvalidParameter "Invalid Resource id tgw-... for
resource-type TransitGatewayAttachment" (a Terraform user's error). For transit gateway resource types
[TGW "Create and manage Transit Gateway Flow Logs using APIs or the CLI"]: at most 25 resource ids, no TrafficType,
MaxAggregationInterval 60 only (its default there), every TGW field when no LogFormat is given. A role given for
an S3 destination: InvalidParameter "DeliverLogsPermissionArn is not applicable for s3 delivery" (AWS's answer, as a
CloudFormation user's stack reported it). Other checks whose
wording AWS does not document are InvalidParameter with a message naming the parameter (named choice).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from vpcsim.control.core.call import Params
from vpcsim.errors import InvalidParameter, MissingParameter, Unsupported
from vpcsim.flowlogs.fields import DEFAULT_FORMAT, TGW_DEFAULT_FORMAT, parse_format, unknown_fields
from vpcsim.model.arns import parse_arn

# ResourceType -> (record kind, id prefix) for the types vpcsim monitors.
RESOURCE_TYPES: dict[str, tuple[str, str]] = {
    "VPC": ("vpc", "vpc-"),
    "Subnet": ("subnet", "subnet-"),
    "NetworkInterface": ("network-interface", "eni-"),
    "TransitGateway": ("transit-gateway", "tgw-"),
    "TransitGatewayAttachment": ("transit-gateway-attachment", "tgw-attach-"),
}
TRANSIT = frozenset({"TransitGateway", "TransitGatewayAttachment"})
S3, CLOUDWATCH, FIREHOSE = "s3", "cloud-watch-logs", "kinesis-data-firehose"


@dataclass(frozen=True)
class Spec:
    """A checked CreateFlowLogs request, minus its resources."""

    resource_type: str
    traffic_type: str | None
    destination_type: str
    destination: str  # the ARN as DescribeFlowLogs shows it
    log_group: str | None
    log_format: str
    interval: int
    options: dict[str, Any] = field(default_factory=dict)  # DestinationOptions as described (s3 only)

    @property
    def transit(self) -> bool:
        return self.resource_type in TRANSIT

    @property
    def bucket(self) -> str:
        """The bucket of an S3 destination ('' otherwise)."""
        parsed = parse_arn(self.destination)
        return parsed.resource.split("/", 1)[0] if parsed and self.destination_type == S3 else ""


def _bad(message: str) -> InvalidParameter:
    return InvalidParameter("InvalidParameter", message)


def check(params: Params, account: str, region: str) -> Spec:
    resource_type = str(params["ResourceType"])
    if resource_type not in RESOURCE_TYPES:
        raise Unsupported(
            "UnsupportedOperation",
            f"vpcsim does not create flow logs for resource type {resource_type} (it models VPC, Subnet, "
            "NetworkInterface, TransitGateway and TransitGatewayAttachment); the call changed nothing.",
        )
    transit = resource_type in TRANSIT
    _check_ids(params, resource_type, transit)
    destination_type = str(params.get("LogDestinationType") or CLOUDWATCH)
    destination, group = _destination(params, destination_type, account, region)
    return Spec(
        resource_type,
        _traffic_type(params, transit),
        destination_type,
        destination,
        group,
        _log_format(params, transit),
        _interval(params, transit),
        _options(params, destination_type),
    )


def _check_ids(params: Params, resource_type: str, transit: bool) -> None:
    ids = list(params["ResourceIds"])
    limit = 25 if transit else 300
    if not ids or len(ids) > limit:
        raise _bad(f"ResourceIds must name 1 to {limit} resources of type {resource_type}; {len(ids)} given.")
    prefix = RESOURCE_TYPES[resource_type][1]
    for rid in ids:
        wrong = not rid.startswith(prefix) or (resource_type == "TransitGateway" and rid.startswith("tgw-attach-"))
        if wrong:
            raise _bad(f"Invalid Resource id {rid} for resource-type {resource_type}")


def _traffic_type(params: Params, transit: bool) -> str | None:
    given = params.get("TrafficType")
    if transit and given:
        raise _bad("TrafficType is not supported for transit gateway resource types.")
    if not transit and not given:
        raise MissingParameter("TrafficType")
    return str(given) if given else None


def _interval(params: Params, transit: bool) -> int:
    value = params.get("MaxAggregationInterval")
    interval = int(value) if value is not None else (60 if transit else 600)
    if interval not in ((60,) if transit else (60, 600)):
        raise _bad("Invalid Flow Log Max Aggregation Interval")
    return interval


def _log_format(params: Params, transit: bool) -> str:
    given = params.get("LogFormat")
    if given is None:
        return TGW_DEFAULT_FORMAT if transit else DEFAULT_FORMAT
    text = str(given).strip()
    if not parse_format(text):
        raise _bad("LogFormat must name at least one field, as ${field-name} separated by spaces.")
    unknown = unknown_fields(text, transit=transit)
    if unknown:
        raise _bad("Unknown fields provided: " + ", ".join(f"'{u}'" for u in unknown))
    return " ".join(text.split())


def _options(params: Params, destination_type: str) -> dict[str, Any]:
    given = params.get("DestinationOptions")
    if destination_type != S3:
        if given:
            raise _bad("DestinationOptions can only be given for LogDestinationType s3.")
        return {}
    given = given or {}
    return {
        "FileFormat": given.get("FileFormat") or "plain-text",
        "HiveCompatiblePartitions": bool(given.get("HiveCompatiblePartitions", False)),
        "PerHourPartition": bool(given.get("PerHourPartition", False)),
    }


def _destination(params: Params, kind: str, account: str, region: str) -> tuple[str, str | None]:
    """(LogDestination as described, LogGroupName) for the destination the request names."""
    group, destination = params.get("LogGroupName"), params.get("LogDestination")
    if group and destination:
        raise _bad("Please only provide LogGroupName or only provide LogDestination.")
    if group and kind != CLOUDWATCH:
        raise _bad("LogDestination type must be cloud-watch-logs if LogGroupName is provided.")
    if not group and not destination:
        raise _bad("LogDestination can't be empty if LogGroupName is not provided.")
    if kind == CLOUDWATCH and not params.get("DeliverLogsPermissionArn"):
        raise _bad("DeliverLogsPermissionArn can't be empty if LogDestinationType is cloud-watch-logs.")
    if kind == S3 and params.get("DeliverLogsPermissionArn"):
        raise _bad("DeliverLogsPermissionArn is not applicable for s3 delivery")
    if group:
        # Named choice: AWS describes a LogGroupName-only flow log with the group's ARN as LogDestination as well.
        return f"arn:aws:logs:{region}:{account}:log-group:{group}", str(group)
    return _destination_arn(str(destination), kind)


def _destination_arn(text: str, kind: str) -> tuple[str, str | None]:
    parsed = parse_arn(text)
    service = {S3: "s3", CLOUDWATCH: "logs", FIREHOSE: "firehose"}[kind]
    if parsed is None or parsed.service != service:
        raise _bad(f"LogDestination {text} is not the ARN of a{'n' if kind == S3 else ''} {_noun(kind)}.")
    if kind == S3:
        bucket, _, prefix = parsed.resource.partition("/")
        if not bucket or "AWSLogs" in prefix.strip("/").split("/"):
            raise _bad(f"LogDestination {text}: the bucket cannot use AWSLogs as a subfolder name.")
        return text, None
    if kind == CLOUDWATCH:
        resource = parsed.resource.removesuffix(":*")
        if not resource.startswith("log-group:") or len(resource) == len("log-group:"):
            raise _bad(f"LogDestination {text} is not the ARN of a CloudWatch Logs log group.")
        return str(parsed).removesuffix(":*"), resource.removeprefix("log-group:")
    if not parsed.resource.startswith("deliverystream/"):
        raise _bad(f"LogDestination {text} is not the ARN of a Kinesis Data Firehose delivery stream.")
    return text, None


def _noun(kind: str) -> str:
    return {S3: "S3 bucket", CLOUDWATCH: "CloudWatch Logs log group", FIREHOSE: "Firehose delivery stream"}[kind]
