"""Send traffic through the data plane and write the flow-log records AWS would deliver for it.

``send`` traces the flow (the same trace as ``vpcsim trace``), asks ``vpcsim.flowlogs.observe`` what each interface
on the path sees, and for every flow log whose scope covers an interface (the interface itself, its subnet, its VPC)
writes one record per flow and observation that its TrafficType keeps, in its LogFormat, to its destination under
the server's flow-logs directory (``vpcsim.flowlogs.files``). Transit gateway flow logs (on the gateway or on one of
its attachments) get the transit gateway records of the crossings. It changes the state only as the flow logs
service does: a CloudWatch Logs log group a flow log names is created when records are delivered to it and it does
not exist (cloudwatch.py); a flow log whose role the service cannot use delivers nothing.

Named choices: every flow of one call starts and ends in the same second (``start`` = now, ``end`` = now + 1); a
flow log whose FileFormat is parquet is reported as not written (vpcsim writes text, and depends on no Parquet
writer); a flow log whose S3 bucket no longer exists is reported as not delivered, as its DeliverLogsStatus says.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from vpcsim.control.analysis.run import run_trace, topology_of
from vpcsim.control.flowlogs import cloudwatch
from vpcsim.control.flowlogs.flow_logs import KIND, live
from vpcsim.control.services.s3_records import find_bucket
from vpcsim.dataplane import trace as tracing
from vpcsim.dataplane.topology import Topology
from vpcsim.flowlogs import files
from vpcsim.flowlogs.fields import parse_format
from vpcsim.flowlogs.observe import Observation, TgwCrossing, TgwInterfaces, crossings, observe
from vpcsim.flowlogs.records import Volume, tgw_record, tgw_values, vpc_record
from vpcsim.model import Record
from vpcsim.model.trace import Trace, Verdict
from vpcsim.store import Transaction

MAX_FLOWS = 10_000


@dataclass(frozen=True)
class Traffic:
    source: str
    destination: str
    port: int | None = 443
    protocol: str = "tcp"
    flows: int = 1
    bytes: int = 1024
    response_bytes: int = 0


@dataclass
class Batch:
    """The records one flow log gets from one call, by log stream (the interface or attachment id)."""

    log: Record
    streams: dict[str, list[list[str]]] = field(default_factory=lambda: defaultdict(list))

    @property
    def count(self) -> int:
        return sum(len(rows) for rows in self.streams.values())


def send(tx: Transaction, traffic: Traffic, root: Path | None, now: int) -> tuple[Trace, dict[str, Any]]:
    """The trace and what was written: observations, and per flow log the files and record counts."""
    topo = topology_of(tx)
    found = run_trace(tx, traffic.source, traffic.destination, port=traffic.port, protocol=traffic.protocol)
    source = tracing.find_source(topo, traffic.source)
    tgw = tgw_interfaces(tx, topo)
    seen = observe(found, topo, source, tgw)
    crossed = crossings(found, topo, source, tgw) if found.verdict is Verdict.REACHABLE else []
    logs = [r for r in tx.scan(KIND) if live(tx, r)]
    volumes = [Volume(i, traffic.bytes, traffic.response_bytes, now, now + 1) for i in range(traffic.flows)]
    rejected = any(o.action.value == "REJECT" for o in seen)
    batches = _vpc_batches(logs, seen, volumes, traffic.protocol, rejected)
    _tgw_batches(batches, logs, crossed, volumes, traffic.protocol)
    written = [_deliver(tx, root, batch, now + 1) for batch in batches.values() if batch.count]
    return found, {"observations": [_shown(o) for o in seen], "flow_logs": written}


def tgw_interfaces(tx: Transaction, topo: Topology) -> TgwInterfaces:
    """Transit gateway attachment id -> AZ -> the interface the attachment has there."""
    found: dict[str, dict[str, str]] = {}
    for attachment in tx.scan("transit-gateway-attachment"):
        for subnet_id, eni in (attachment.extra.get("interfaces") or {}).items():
            subnet = topo.subnets.get(subnet_id)
            if subnet is not None:
                found.setdefault(attachment.id, {})[subnet.zone] = eni
    return found


def _keeps(log: Record, observation: Observation) -> bool:
    wanted = str(log.doc.get("TrafficType", "ALL"))
    return wanted in ("ALL", observation.action.value)


def _vpc_batches(
    logs: list[Record], seen: list[Observation], volumes: list[Volume], protocol: str, rejected: bool
) -> dict[str, Batch]:
    by_resource: dict[str, list[Record]] = defaultdict(list)
    for log in logs:
        by_resource[log.doc["ResourceId"]].append(log)
    batches: dict[str, Batch] = {}
    for observation in seen:
        iface = observation.interface
        for scope in (iface.id, iface.subnet_id, iface.vpc_id):
            for log in by_resource.get(scope, ()):
                if log.region != iface.region or not _keeps(log, observation):
                    continue
                fields = parse_format(log.doc["LogFormat"])
                rows = batches.setdefault(log.id, Batch(log)).streams[iface.id]
                rows.extend(vpc_record(fields, observation, v, protocol, rejected) for v in volumes)
    return batches


def _tgw_batches(
    batches: dict[str, Batch], logs: list[Record], crossed: list[TgwCrossing], volumes: list[Volume], protocol: str
) -> None:
    for crossing in crossed:
        for log in logs:
            rid = log.doc["ResourceId"]
            for ingress, attachment in ((True, crossing.ingress), (False, crossing.egress)):
                if rid not in (crossing.gateway, attachment):
                    continue
                fields = parse_format(log.doc["LogFormat"])
                rows = batches.setdefault(log.id, Batch(log)).streams[attachment]
                rows.extend(
                    tgw_record(fields, tgw_values(crossing, ingress, log.account, v, protocol)) for v in volumes
                )


def destination_of(log: Record) -> files.Destination:
    doc = log.doc
    kind = doc["LogDestinationType"]
    resource = doc["LogDestination"].split(":", 5)[-1]
    target = {
        files.S3: resource,
        files.CLOUDWATCH: doc.get("LogGroupName") or resource.removeprefix("log-group:"),
        files.FIREHOSE: resource.removeprefix("deliverystream/"),
    }[kind]
    options = doc.get("DestinationOptions") or {}
    return files.Destination(
        kind,
        target,
        log.account,
        log.region,
        log.id,
        bool(options.get("HiveCompatiblePartitions")),
        bool(options.get("PerHourPartition")),
    )


def _deliver(tx: Transaction, root: Path | None, batch: Batch, end: int) -> dict[str, Any]:
    log, dest = batch.log, destination_of(batch.log)
    shown: dict[str, Any] = {
        "flow_log_id": log.id,
        "resource_id": log.doc["ResourceId"],
        "destination_type": dest.kind,
        "destination": log.doc["LogDestination"],
        "records": batch.count,
        "files": [],
    }
    reason = _undeliverable(tx, log, dest, root)
    if reason:
        return {**shown, "written": False, "reason": reason}
    assert root is not None
    fields = parse_format(log.doc["LogFormat"])
    if dest.kind == files.CLOUDWATCH:
        cloudwatch.ensure_group(tx, log, end)
    if dest.kind == files.S3:
        rows = [row for stream in batch.streams.values() for row in stream]
        paths = [files.deliver_s3(root, dest, fields, rows, end)]
    else:
        paths = [files.deliver_lines(root, dest, stream, rows) for stream, rows in batch.streams.items()]
    return {**shown, "written": True, "files": [str(p) for p in dict.fromkeys(paths)]}


def _undeliverable(tx: Transaction, log: Record, dest: files.Destination, root: Path | None) -> str:
    if root is None:
        return "the server was started without a flow-logs directory"
    options = log.doc.get("DestinationOptions") or {}
    if options.get("FileFormat") == "parquet":
        return "vpcsim writes plain-text flow-log files only; this flow log's FileFormat is parquet"
    if dest.kind == files.S3 and find_bucket(tx, dest.target.split("/", 1)[0]) is None:
        return f"LogDestination: {dest.target.split('/', 1)[0]} does not exist (DeliverLogsStatus FAILED)"
    if dest.kind == files.CLOUDWATCH and cloudwatch.role_refusal(tx, log):
        arn = log.doc.get("DeliverLogsPermissionArn")
        return f"the flow logs service cannot use the role {arn}: {cloudwatch.ACCESS_ERROR} (DeliverLogsStatus FAILED)"
    return ""


def _shown(observation: Observation) -> dict[str, Any]:
    return {
        "interface_id": observation.interface.id,
        "leg": "response" if observation.response else "request",
        "flow_direction": observation.direction.value,
        "action": observation.action.value,
        "srcaddr": observation.srcaddr,
        "dstaddr": observation.dstaddr,
        "pkt_srcaddr": observation.packet.source,
        "pkt_dstaddr": observation.packet.destination,
        "traffic_path": observation.traffic_path,
    }
