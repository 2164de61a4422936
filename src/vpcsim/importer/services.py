"""S3 buckets and their policies, DynamoDB tables, flow logs and Route 53 hosted zones, into the records the control
plane's services, flow-log and Route 53 families write.

``aws s3api get-bucket-policy`` does not say which bucket it read: its file is named after the bucket
(``<bucket>.json``, ``<bucket>.policy.json`` or ``<bucket>-policy.json``). A bucket the import or the state does not
know yet is created in the file's scope. ``aws route53 list-resource-record-sets`` does not name its zone either: its
file name must contain the zone's id. A hosted zone listed without its VPCs (``list-hosted-zones``) keeps the VPCs the
state knows; ``get-hosted-zone`` gives them.
"""

from __future__ import annotations

import re
from pathlib import Path

from vpcsim.importer.batch import Batch, Doc, ImportFailed, Scope, Source, items, need, record, tags_of, without
from vpcsim.model import Record
from vpcsim.model.arns import parse_arn

_ZONE_PATH = "/hostedzone/"
_FLOW_LOG_TYPES = {
    "vpc-": "VPC",
    "subnet-": "Subnet",
    "eni-": "NetworkInterface",
    "tgw-attach-": "TransitGatewayAttachment",
    "tgw-": "TransitGateway",
}
_POLICY_SUFFIXES = (".policy", "-policy", "_policy", ".bucket-policy", "-bucket-policy")


# -- S3 -------------------------------------------------------------------------------------------------------------
def buckets(batch: Batch, source: Source) -> None:
    """``aws s3api list-buckets``: each bucket in its ``BucketRegion`` when listed, else the file's Region."""
    for item in items(source, "Buckets"):
        need(source, item, "Name")
        _bucket(batch, source, item["Name"], item.get("BucketRegion"), item.get("CreationDate"))


def _bucket(batch: Batch, source: Source, name: str, region: str | None, created: str | None) -> Record:
    known = batch.find("s3-bucket", name)
    if known is not None and region is None:
        return known
    where = region or (known.region if known else source.scope.region)
    doc = {
        "Name": name,
        "CreationDate": created or (known.doc.get("CreationDate") if known else "") or "",
        "Region": where,
    }
    return batch.put(record("s3-bucket", name, Scope(source.scope.account, where), doc))


def bucket_policy(batch: Batch, source: Source) -> None:
    name = Path(source.path).name
    name = re.sub(r"\.json$", "", name)
    for suffix in _POLICY_SUFFIXES:
        name = name.removesuffix(suffix)
    policy = source.data.get("Policy")
    if not isinstance(policy, str):
        raise ImportFailed(
            f"{source.path}: 'Policy' must be the policy document as a string, as get-bucket-policy prints it"
        )
    bucket = _bucket(batch, source, name, None, None)
    batch.amend(bucket.with_extra(policy=policy))


# -- DynamoDB -------------------------------------------------------------------------------------------------------
def table(batch: Batch, source: Source) -> None:
    """``aws dynamodb describe-table``."""
    item = source.data.get("Table")
    if not isinstance(item, dict):
        raise ImportFailed(f"{source.path}: 'Table' must be an object, as describe-table prints it")
    need(source, item, "TableName", "TableArn")
    arn = parse_arn(item["TableArn"])
    scope = Scope(arn.account, arn.region) if arn and arn.account and arn.region else source.scope
    batch.put(record("dynamodb-table", item["TableArn"], scope, dict(item)))


# -- flow logs ------------------------------------------------------------------------------------------------------
def flow_logs(batch: Batch, source: Source) -> None:
    for item in items(source, "FlowLogs"):
        need(source, item, "FlowLogId", "ResourceId")
        resource_type = next((t for p, t in _FLOW_LOG_TYPES.items() if item["ResourceId"].startswith(p)), None)
        if resource_type is None:
            batch.unmodelled["flow logs of other resources (describe-flow-logs)"] += 1
            continue
        doc = without(item, "Tags")
        extra = {"resource_type": resource_type}
        batch.put(
            record("vpc-flow-log", item["FlowLogId"], source.scope, doc, item["ResourceId"], tags_of(item), **extra)
        )


# -- Route 53 -------------------------------------------------------------------------------------------------------
def hosted_zones(batch: Batch, source: Source) -> None:
    for item in items(source, "HostedZones"):
        _zone(batch, source, item, None)


def hosted_zone(batch: Batch, source: Source) -> None:
    """``aws route53 get-hosted-zone``: the zone with its VPCs (private) or delegation set (public)."""
    item = source.data.get("HostedZone")
    if not isinstance(item, dict):
        raise ImportFailed(f"{source.path}: 'HostedZone' must be an object, as get-hosted-zone prints it")
    vpcs = [{"VPCId": v.get("VPCId"), "VPCRegion": v.get("VPCRegion")} for v in source.data.get("VPCs") or []]
    zone = _zone(batch, source, item, vpcs)
    servers = (source.data.get("DelegationSet") or {}).get("NameServers")
    if servers:
        batch.amend(zone.with_extra(name_servers=list(servers)))


def _zone(batch: Batch, source: Source, item: Doc, vpcs: list[dict[str, str]] | None) -> Record:
    need(source, item, "Id", "Name")
    zid = str(item["Id"]).removeprefix(_ZONE_PATH)
    doc = {"Id": _ZONE_PATH + zid, **without(item, "Id", "ResourceRecordSetCount", "LinkedService")}
    doc.setdefault("Config", {"PrivateZone": False})
    doc["Config"] = {"PrivateZone": False, **doc["Config"]}
    known = batch.find("hosted-zone", zid)
    extra: dict[str, object] = {"authorizations": []} if known is None else {}
    if vpcs is not None:
        extra["vpcs"] = vpcs
    elif known is None:
        extra["vpcs"] = []
        if doc["Config"]["PrivateZone"]:
            batch.assume(
                f"{zid} ({doc['Name']}): a private zone listed without its VPCs (list-hosted-zones); "
                "it answers no VPC until get-hosted-zone output for it is imported"
            )
    if known is None:
        extra.update(records=[], name_servers=[])
    # Route 53 is global: hosted zones carry no Region (control/route53/zones.py GLOBAL).
    return batch.put(record("hosted-zone", zid, Scope(source.scope.account, ""), doc, None, {}, **extra))


def record_sets(batch: Batch, source: Source, zone_id: str) -> None:
    """``aws route53 list-resource-record-sets`` (the zone named by the file name)."""
    zone = batch.find("hosted-zone", zone_id)
    if zone is None:
        batch.dangle(f"{source.path}: record sets of {zone_id}, a hosted zone neither the import nor the state has")
        return
    batch.amend(zone.with_extra(records=[dict(r) for r in items(source, "ResourceRecordSets")]))
