"""VPC peering connections and transit gateways (their route tables, VPC and peering attachments, static routes,
propagations and associations), into the records the control plane's interconnect family writes.

A connection between two parties is ONE record in the requester's account and Region, whichever side's dump lists
it (both sides' dumps do). A transit gateway route table stores what users state: its static routes
(``extra["static"]``) and the attachments propagating to it (``extra["propagations"]``); an attachment stores which
route table it is associated with on each of its gateways (``extra["associations"]``). Batfish's layout gives these
as TransitGatewayStaticRoutes.json and TransitGatewayPropagations.json (one entry per route table); the AWS CLI's
``search-transit-gateway-routes`` and ``get-transit-gateway-route-table-propagations`` do not say which table they
list, so their file name must contain the table's id.

A peering attachment that only ``describe-transit-gateway-attachments`` shows (one view per side, as in Batfish's
dumps) is rebuilt from its two views: its requester is the side whose view was created first (named choice: AWS
records the request before the acceptance); with one side only, the other side's Region is the peer gateway's if the
import or the state knows it, else the same Region (named assumption).
"""

from __future__ import annotations

from typing import Any

from vpcsim.importer import hybrid
from vpcsim.importer.batch import Batch, Doc, ImportFailed, Scope, Source, items, need, record, tags_of, without
from vpcsim.model import Record
from vpcsim.model.arns import ec2_arn

ATTACHMENT, TABLE = "transit-gateway-attachment", "transit-gateway-route-table"
_VPC_OPTIONS = {"DnsSupport": "enable", "Ipv6Support": "disable", "ApplianceModeSupport": "disable"}
_PEERING_VIEWS = "tgw-peering-views"


# -- VPC peering --------------------------------------------------------------------------------------------------
def peering_connections(batch: Batch, source: Source) -> None:
    for item in items(source, "VpcPeeringConnections"):
        need(source, item, "VpcPeeringConnectionId", "RequesterVpcInfo", "AccepterVpcInfo", "Status")
        doc = without(item, "Tags")
        requester = {"OwnerId": source.scope.account, "Region": source.scope.region, **item["RequesterVpcInfo"]}
        accepter = {"Region": requester["Region"], **item["AccepterVpcInfo"]}
        doc.update(RequesterVpcInfo=requester, AccepterVpcInfo=accepter)
        scope = Scope(requester["OwnerId"], requester["Region"])
        pid = item["VpcPeeringConnectionId"]
        batch.put(record("vpc-peering-connection", pid, scope, doc, requester.get("VpcId"), tags_of(item)))


# -- transit gateways and their route tables ----------------------------------------------------------------------
def transit_gateways(batch: Batch, source: Source) -> None:
    scope = source.scope
    for item in items(source, "TransitGateways"):
        need(source, item, "TransitGatewayId", "State")
        tid = item["TransitGatewayId"]
        doc = {"Options": {}, "Description": "", **without(item, "Tags")}
        doc.setdefault("OwnerId", scope.account)
        doc.setdefault("TransitGatewayArn", ec2_arn(scope.region, doc["OwnerId"], "transit-gateway", tid))
        batch.put(record("transit-gateway", tid, scope, doc, None, tags_of(item)))


def route_tables(batch: Batch, source: Source) -> None:
    for item in items(source, "TransitGatewayRouteTables"):
        need(source, item, "TransitGatewayRouteTableId", "TransitGatewayId")
        doc = {"State": "available", **without(item, "Tags")}
        batch.put(
            record(
                TABLE, item["TransitGatewayRouteTableId"], source.scope, doc, item["TransitGatewayId"], tags_of(item)
            )
        )


# -- attachments ---------------------------------------------------------------------------------------------------
def vpc_attachments(batch: Batch, source: Source) -> None:
    for item in items(source, "TransitGatewayVpcAttachments"):
        need(source, item, "TransitGatewayAttachmentId", "TransitGatewayId", "VpcId", "State")
        doc = {"SubnetIds": [], "VpcOwnerId": source.scope.account, **without(item, "Tags")}
        doc["Options"] = {**_VPC_OPTIONS, **(item.get("Options") or {})}
        batch.put(
            record(
                ATTACHMENT,
                item["TransitGatewayAttachmentId"],
                source.scope,
                doc,
                item["TransitGatewayId"],
                tags_of(item),
            )
        )


def peering_attachments(batch: Batch, source: Source) -> None:
    for item in items(source, "TransitGatewayPeeringAttachments"):
        need(source, item, "TransitGatewayAttachmentId", "RequesterTgwInfo", "AccepterTgwInfo", "State")
        requester = item["RequesterTgwInfo"]
        scope = Scope(requester.get("OwnerId") or source.scope.account, requester.get("Region") or source.scope.region)
        doc = without(item, "Tags")
        batch.put(
            record(
                ATTACHMENT,
                item["TransitGatewayAttachmentId"],
                scope,
                doc,
                requester.get("TransitGatewayId"),
                tags_of(item),
            )
        )


def attachments(batch: Batch, source: Source) -> None:
    """``describe-transit-gateway-attachments``: each attachment as one gateway sees it, with its association there."""
    for item in items(source, "TransitGatewayAttachments"):
        need(source, item, "TransitGatewayAttachmentId", "TransitGatewayId", "ResourceType", "State")
        kind = item["ResourceType"]
        if kind == "vpc":
            _vpc_view(batch, source, item)
        elif kind == "peering":
            views: list[tuple[Source, Doc]] = batch.pending.setdefault(_PEERING_VIEWS, [])
            views.append((source, item))
        elif kind == "vpn":
            hybrid.vpn_attachment(batch, source, item)
        else:
            batch.unmodelled[f"transit gateway {kind} attachments (describe-transit-gateway-attachments)"] += 1


def _vpc_view(batch: Batch, source: Source, item: Doc) -> None:
    aid, tid = item["TransitGatewayAttachmentId"], item["TransitGatewayId"]
    known = batch.find(ATTACHMENT, aid)
    if known is None:
        doc = {
            "TransitGatewayAttachmentId": aid,
            "TransitGatewayId": tid,
            "VpcId": item.get("ResourceId"),
            "VpcOwnerId": item.get("ResourceOwnerId") or source.scope.account,
            "State": item["State"],
            "SubnetIds": [],
            "Options": dict(_VPC_OPTIONS),
        }
        if item.get("CreationTime"):
            doc["CreationTime"] = item["CreationTime"]
        known = batch.put(record(ATTACHMENT, aid, source.scope, doc, tid, tags_of(item)))
        batch.assume(
            f"{aid}: no describe-transit-gateway-vpc-attachments entry: its subnets are those of its "
            "network interfaces, its options AWS's defaults"
        )
    _associate(batch, source, known, tid, item)


def _associate(batch: Batch, source: Source, attachment: Record, tid: str, item: Doc) -> None:
    association = item.get("Association") or {}
    table = association.get("TransitGatewayRouteTableId") if association.get("State") == "associated" else None
    if table is not None and not isinstance(table, str):
        raise ImportFailed(f"{source.path}: {attachment.id}: its Association names no route table id ({table!r})")
    associations = {k: v for k, v in (attachment.extra.get("associations") or {}).items() if k != tid}
    if table:
        associations[tid] = table
    batch.amend(attachment.with_extra(associations=associations))


def finish_peering_views(batch: Batch) -> None:
    by_id: dict[str, list[tuple[Source, Doc]]] = {}
    for source, item in batch.pending.get(_PEERING_VIEWS, []):
        by_id.setdefault(item["TransitGatewayAttachmentId"], []).append((source, item))
    for aid, views in by_id.items():
        known = batch.find(ATTACHMENT, aid) or _rebuilt(batch, aid, views)
        for source, item in views:
            known = batch.find(ATTACHMENT, aid) or known
            _associate(batch, source, known, item["TransitGatewayId"], item)


def _info(tid: str, owner: str, region: str) -> Doc:
    return {"TransitGatewayId": tid, "OwnerId": owner, "Region": region}


def _rebuilt(batch: Batch, aid: str, views: list[tuple[Source, Doc]]) -> Record:
    views = sorted(views, key=lambda v: str(v[1].get("CreationTime") or ""))
    source, mine = views[0]
    requester = _info(mine["TransitGatewayId"], source.scope.account, source.scope.region)
    if len(views) > 1:
        other_source, other = views[1]
        accepter = _info(other["TransitGatewayId"], other_source.scope.account, other_source.scope.region)
    else:
        peer = batch.find("transit-gateway", str(mine.get("ResourceId")))
        region = peer.region if peer is not None else source.scope.region
        accepter = _info(str(mine.get("ResourceId")), str(mine.get("ResourceOwnerId") or ""), region)
        if peer is None:
            batch.assume(
                f"{aid}: only one side of this transit gateway peering is in the import; the peer "
                f"{accepter['TransitGatewayId']} is taken to be in {region}"
            )
    doc = {
        "TransitGatewayAttachmentId": aid,
        "RequesterTgwInfo": requester,
        "AccepterTgwInfo": accepter,
        "Status": {"Code": mine["State"], "Message": mine["State"].capitalize()},
        "State": mine["State"],
    }
    if mine.get("CreationTime"):
        doc["CreationTime"] = mine["CreationTime"]
    scope = Scope(requester["OwnerId"], requester["Region"])
    batch.current = source.path  # the file an error about the record names
    try:
        return batch.put(record(ATTACHMENT, aid, scope, doc, requester["TransitGatewayId"], tags_of(mine)))
    finally:
        batch.current = ""


# -- routes and propagations ---------------------------------------------------------------------------------------
def static_routes(batch: Batch, source: Source) -> None:
    """Batfish's TransitGatewayStaticRoutes.json: a search-transit-gateway-routes answer per route table."""
    for entry in items(source, "TransitGatewayStaticRoutes"):
        need(source, entry, "TransitGatewayRouteTableId")
        routes_of_table(batch, source, entry["TransitGatewayRouteTableId"], entry)


def routes_of_table(batch: Batch, source: Source, table_id: str, answer: Doc) -> None:
    """One route table's routes: static ones are its ``extra["static"]``; propagated ones imply its propagations."""
    table = batch.find(TABLE, table_id)
    if table is None:
        batch.dangle(f"{source.path}: routes of {table_id}, a route table neither the import nor the state has")
        return
    statics: list[dict[str, Any]] = []
    propagating = list(table.extra.get("propagations") or [])
    for route in answer.get("Routes") or []:
        via = (route.get("TransitGatewayAttachments") or [{}])[0]
        target = via.get("TransitGatewayAttachmentId")
        if route.get("Type") == "propagated" and via.get("ResourceType") == "vpn":
            hybrid.propagated(batch, str(via.get("ResourceId")), str(route.get("DestinationCidrBlock")))
        if route.get("Type") == "propagated":
            if target and target not in propagating:
                propagating.append(target)
        elif target:
            statics.append(
                {"DestinationCidrBlock": route["DestinationCidrBlock"], "TransitGatewayAttachmentId": target}
            )
        else:
            statics.append({"DestinationCidrBlock": route["DestinationCidrBlock"], "Blackhole": True})
    if answer.get("AdditionalRoutesAvailable"):
        batch.assume(f"{source.path}: the route listing of {table_id} was cut short (AdditionalRoutesAvailable)")
    batch.amend(table.with_extra(static=statics, propagations=propagating))


def propagations(batch: Batch, source: Source) -> None:
    """Batfish's TransitGatewayPropagations.json: get-transit-gateway-route-table-propagations per route table."""
    for entry in items(source, "TransitGatewayPropagations"):
        need(source, entry, "TransitGatewayRouteTableId")
        propagations_of_table(batch, source, entry["TransitGatewayRouteTableId"], entry)


def propagations_of_table(batch: Batch, source: Source, table_id: str, answer: Doc) -> None:
    table = batch.find(TABLE, table_id)
    if table is None:
        batch.dangle(f"{source.path}: propagations of {table_id}, a route table neither the import nor the state has")
        return
    enabled = [
        p["TransitGatewayAttachmentId"]
        for p in answer.get("TransitGatewayRouteTablePropagations") or []
        if p.get("State", "enabled") in ("enabled", "enabling") and p.get("TransitGatewayAttachmentId")
    ]
    batch.amend(table.with_extra(propagations=enabled))


# -- after every file -----------------------------------------------------------------------------------------------
def finish_transit(batch: Batch) -> None:
    """Route tables without route data keep none; a VPC attachment's interfaces (and, if unknown, subnets) come from
    the interfaces AWS placed for it ("Network Interface for Transit Gateway Attachment <id>")."""
    for table in batch.imported(TABLE):
        missing: dict[str, list[Any]] = {k: [] for k in ("static", "propagations") if k not in table.extra}
        if missing:
            batch.amend(table.with_extra(**missing))
    owned: dict[str, dict[str, str]] = {}
    for eni in batch.scan("network-interface"):
        description = str(eni.doc.get("Description") or "")
        if eni.doc.get("InterfaceType") == "transit_gateway" and "Attachment tgw-attach-" in description:
            owned.setdefault(description.rsplit(" ", 1)[-1], {})[eni.doc["SubnetId"]] = eni.id
    for attachment in list(batch.scan(ATTACHMENT)):
        if "RequesterTgwInfo" in attachment.doc:
            continue  # a peering attachment has no interfaces
        interfaces = owned.get(attachment.id)
        if interfaces is None and "interfaces" in attachment.extra:
            continue
        changed = attachment.with_extra(interfaces=interfaces or {})
        if interfaces and not attachment.doc.get("SubnetIds"):
            changed = changed.with_doc(SubnetIds=sorted(interfaces))
        if changed != attachment:
            batch.amend(changed)
