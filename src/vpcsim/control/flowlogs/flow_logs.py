"""Flow logs: CreateFlowLogs, DescribeFlowLogs, DeleteFlowLogs.

Design: a flow log is a record of kind ``vpc-flow-log`` (id ``fl-`` + 17 hex, ARN ``arn:aws:ec2:<region>:<account>:
vpc-flow-log/<id>``) in the caller's account and Region, whose parent is the resource it monitors; its doc is the
``FlowLog`` AWS describes. A flow log lives as long as its resource: one whose VPC, subnet, network interface,
transit gateway or attachment is gone is deleted the next time flow logs are read (named choice: AWS stops a flow
log with its resource; vpcsim removes it lazily so the network families need not know flow logs exist).

Facts [EC2API CreateFlowLogs/DescribeFlowLogs/DeleteFlowLogs; LogDestinationType defaults to cloud-watch-logs,
MaxAggregationInterval to 600; real AWS (LocalStack's validated snapshot): a new S3 flow log is described with
``DeliverLogsStatus SUCCESS``, ``FlowLogStatus ACTIVE``, ``DestinationOptions {plain-text, false, false}``, the default
LogFormat spelled out, ``Tags []`` and no DeliverLogsPermissionArn or LogGroupName; a bucket that does not exist is an
``Unsuccessful`` item ``{Code "400", Message "LogDestination: <bucket> does not exist"}`` and no flow log; the answer
carries a ClientToken even when none was given]. A missing resource is an ``Unsuccessful`` item with the resource
kind's NotFound code (message as a public project's recording shows, "Unknown resource <id>"). A flow log of the same
resource, traffic type and destination already existing: ``FlowLogAlreadyExists`` for the call; unknown ids in
DeleteFlowLogs: ``InvalidFlowLogId.NotFound`` "These flow log ids in the input list are not found: [TotalCount: N]
<ids>" for the call (moto's recorded wording), changing nothing.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from vpcsim.control.core.call import Call, Params, Result
from vpcsim.control.core.describe import Listing, member, present
from vpcsim.control.core.tags import tags_for
from vpcsim.control.flowlogs.cloudwatch import role_refusal
from vpcsim.control.flowlogs.options import CLOUDWATCH, RESOURCE_TYPES, S3, Spec, check
from vpcsim.control.services.s3_records import find_bucket
from vpcsim.errors import ApiError, InvalidParameter, NotFound
from vpcsim.model import Record
from vpcsim.model.kinds import KINDS
from vpcsim.store import Transaction

KIND = "vpc-flow-log"
_GONE = ("deleting", "deleted")


def resource_exists(tx: Transaction, rid: str, kind: str, account: str, region: str) -> bool:
    """Whether ``rid`` exists for a flow log of ``account`` in ``region``: the account's own resource, or an
    attachment to its transit gateway (attachments live in the VPC owner's account)."""
    record = tx.find(kind, rid)
    if record is None or record.region != region:
        return False
    if record.account != account and kind != "transit-gateway-attachment":
        return False
    return record.doc.get("State") not in _GONE


def live(tx: Transaction, record: Record) -> bool:
    """Whether the flow log's resource still exists."""
    kind = RESOURCE_TYPES[record.extra["resource_type"]][0]
    return resource_exists(tx, record.doc["ResourceId"], kind, record.account, record.region)


def prune(call: Call) -> list[Record]:
    """The caller's flow logs whose resources exist; the others are deleted (see the module's design)."""
    kept = []
    for record in call.scan(KIND):
        if live(call.tx, record):
            kept.append(record)
        else:
            call.tx.delete(KIND, record.id)
    return kept


# -- CreateFlowLogs --------------------------------------------------------------------------------------------------
def create_flow_logs(call: Call, params: Params) -> Result:
    token = params.get("ClientToken") or str(uuid.uuid4())
    earlier = call.tx.meta(_token_key(call, token)) if params.get("ClientToken") else None
    if earlier is not None:
        return {"ClientToken": token, "FlowLogIds": json.loads(earlier), "Unsuccessful": []}
    spec = check(params, call.account, call.region.name)
    tags = tags_for(call, params, KIND)
    existing = prune(call)
    created, unsuccessful = [], []
    for rid in dict.fromkeys(params["ResourceIds"]):
        refusal = _refusal(call, spec, rid)
        if refusal is not None:
            unsuccessful.append({"Error": refusal, "ResourceId": rid})
            continue
        if any(_same(spec, rid, r) for r in existing):
            raise ApiError(
                "FlowLogAlreadyExists",
                "Error. There is an existing Flow Log with the same configuration and log destination.",
            )
        record = call.tx.put(_new(call, spec, rid, tags, params))
        existing.append(record)
        created.append(record.id)
    if params.get("ClientToken"):
        call.tx.set_meta(_token_key(call, token), json.dumps(created))
    return {"ClientToken": token, "FlowLogIds": created, "Unsuccessful": unsuccessful}


def _token_key(call: Call, token: str) -> str:
    return f"token/{KIND}/{call.account}/{call.region.name}/{token}"


def _refusal(call: Call, spec: Spec, rid: str) -> dict[str, str] | None:
    kind = RESOURCE_TYPES[spec.resource_type][0]
    if not resource_exists(call.tx, rid, kind, call.account, call.region.name):
        return {"Code": KINDS[kind].not_found, "Message": f"Unknown resource {rid}"}
    if spec.destination_type == S3:
        return _bucket_refusal(call, spec.bucket)
    return None


def _bucket_refusal(call: Call, name: str) -> dict[str, str] | None:
    """A vpcsim bucket must exist; another account's must let the log delivery service write to it (named choice:
    vpcsim checks that its policy names ``delivery.logs.amazonaws.com``, not every condition AWS would evaluate)."""
    bucket = find_bucket(call.tx, name)
    if bucket is None:
        return {"Code": "400", "Message": f"LogDestination: {name} does not exist"}
    if bucket.account != call.account and "delivery.logs.amazonaws.com" not in str(bucket.extra.get("policy") or ""):
        return {
            "Code": "400",
            "Message": f"Access Denied for LogDestination: {name}. Please check LogDestination permission",
        }
    return None


def _same(spec: Spec, rid: str, record: Record) -> bool:
    doc = record.doc
    return (doc["ResourceId"], doc.get("TrafficType"), doc["LogDestinationType"], doc["LogDestination"]) == (
        rid,
        spec.traffic_type,
        spec.destination_type,
        spec.destination,
    )


def _new(call: Call, spec: Spec, rid: str, tags: dict[str, str], params: Params) -> Record:
    fid = call.new_id("fl", KIND)
    doc: dict[str, Any] = {
        "CreationTime": call.timestamp(),
        "DeliverLogsStatus": "SUCCESS",
        "FlowLogId": fid,
        "FlowLogStatus": "ACTIVE",
        "LogDestinationType": spec.destination_type,
        "LogDestination": spec.destination,
        "LogFormat": spec.log_format,
        "MaxAggregationInterval": spec.interval,
        "ResourceId": rid,
        "TrafficType": spec.traffic_type,
        "LogGroupName": spec.log_group,
        "DeliverLogsPermissionArn": params.get("DeliverLogsPermissionArn"),
        "DeliverCrossAccountRole": params.get("DeliverCrossAccountRole"),
        "DestinationOptions": spec.options or None,
        "TagFieldSpecifications": params.get("TagFieldSpecifications") or None,
    }
    record = call.record(KIND, fid, {k: v for k, v in doc.items() if v is not None}, rid)
    return record.evolve(tags=tags, extra={"resource_type": spec.resource_type})


# -- DescribeFlowLogs ------------------------------------------------------------------------------------------------
def _status(call: Call, record: Record) -> Record:
    """A bucket deleted after the flow log was created fails delivery (named choice: "Access error", one of the
    DeliverLogsErrorMessage values AWS documents [VPCUG "Troubleshoot VPC Flow Logs"]); so does a CloudWatch Logs
    flow log whose role the flow logs service cannot use (cloudwatch.py)."""
    if record.doc["LogDestinationType"] == CLOUDWATCH:
        refusal = role_refusal(call.tx, record)
        if refusal:
            return record.with_doc(DeliverLogsStatus="FAILED", DeliverLogsErrorMessage=refusal)
        return record.with_doc(DeliverLogsStatus="SUCCESS", DeliverLogsErrorMessage=None)
    if record.doc["LogDestinationType"] != S3:
        return record
    bucket = record.doc["LogDestination"].split(":::", 1)[-1].split("/", 1)[0]
    if find_bucket(call.tx, bucket) is not None:
        return record.with_doc(DeliverLogsStatus="SUCCESS", DeliverLogsErrorMessage=None)
    return record.with_doc(DeliverLogsStatus="FAILED", DeliverLogsErrorMessage="Access error")


LISTING = Listing(
    KIND,
    "FlowLogs",
    None,
    {
        "deliver-log-status": member("DeliverLogsStatus"),
        "log-destination-type": member("LogDestinationType"),
        "flow-log-id": member("FlowLogId"),
        "log-group-name": member("LogGroupName"),
        "resource-id": member("ResourceId"),
        "traffic-type": member("TrafficType"),
    },
    max_results=(1, 1000),
    present=present,
)


def describe_flow_logs(call: Call, params: Params) -> Result:
    """Unknown ids are left out rather than refused (named choice: clients such as Terraform read an empty answer as
    "gone", and AWS's answer for them is not recorded)."""
    query = {**params, "Filters": params.get("Filter") or []}
    LISTING.validate_filters(query)
    records = [_status(call, r) for r in prune(call)]
    wanted = set(params.get("FlowLogIds") or [])
    if wanted:
        records = [r for r in records if r.id in wanted]
    return LISTING.run(call, query, records)


# -- DeleteFlowLogs --------------------------------------------------------------------------------------------------
def delete_flow_logs(call: Call, params: Params) -> Result:
    ids = list(dict.fromkeys(params["FlowLogIds"]))
    if not ids:
        raise InvalidParameter("InvalidParameter", "FlowLogIds must name at least one flow log.")
    owned = {r.id for r in call.scan(KIND)}
    missing = [rid for rid in ids if rid not in owned]
    if missing:
        raise NotFound(
            "InvalidFlowLogId.NotFound",
            f"These flow log ids in the input list are not found: [TotalCount: {len(missing)}] {' '.join(missing)}",
        )
    for rid in ids:
        call.tx.delete(KIND, rid)
    return {"Unsuccessful": []}


__all__ = ["KIND", "create_flow_logs", "delete_flow_logs", "describe_flow_logs", "live"]
