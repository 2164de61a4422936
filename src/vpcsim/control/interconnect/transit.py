"""Transit gateways and their route tables; the lookups every transit family module shares.

Design: a transit gateway is a regional record with no parent; its route tables are its children. Attachments
(``transit_attachments``, ``transit_peering``) are children of the gateway they were created on, and record which
route table they are associated with per gateway (``extra["associations"]``, keyed by gateway id, because a peering
attachment has one association on each side). A route table keeps its static routes and the attachments that
propagate to it (``extra["static"]``, ``extra["propagations"]``); propagated routes are derived from the
attachments' VPC CIDRs whenever they are read (``transit_routes.table_routes``), so a CIDR added to a VPC shows up
without anyone copying it. A deleted gateway, route table or attachment is retired (core/lifecycle.py): describes
show it ``deleting``, then ``deleted`` for a while, as AWS does (Terraform's attachment delete waiters wait for
``deleted``); nothing else finds, uses or counts it, so its id answers NotFound to every other call.

Facts [TGW how-transit-gateways-work, quotas; EC2API; real dumps test-transit-gateway*]: a new gateway answers
``pending`` and becomes ``available``; ``AmazonSideAsn`` defaults to 64512; default association and propagation are
enabled, both pointing at the default route table created with the gateway; ``AutoAcceptSharedAttachments``,
``MulticastSupport`` and ``SecurityGroupReferencingSupport`` default to disable, ``DnsSupport`` and
``VpnEcmpSupport`` to enable; 5 gateways per account and Region (``TransitGatewayLimitExceeded``), 20 route tables
per gateway; a gateway with attachments cannot be deleted (``IncorrectState``).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from vpcsim.control.core import lifecycle
from vpcsim.control.core.call import Call, Params, Result
from vpcsim.control.core.describe import Listing, member, present
from vpcsim.control.core.lookup import check_id, get
from vpcsim.control.core.tags import tags_for
from vpcsim.control.quotas import quota
from vpcsim.errors import IncorrectState, InvalidParameter, LimitExceeded, NotFound
from vpcsim.model import Record
from vpcsim.model.arns import ec2_arn
from vpcsim.model.kinds import KINDS

TGW, RTB, ATTACHMENT = "transit-gateway", "transit-gateway-route-table", "transit-gateway-attachment"
DEFAULT_ASN = 64512
_ENABLE_DISABLE = ("enable", "disable")
_DEFAULTS: dict[str, Any] = {
    "AmazonSideAsn": DEFAULT_ASN,
    "AutoAcceptSharedAttachments": "disable",
    "DefaultRouteTableAssociation": "enable",
    "DefaultRouteTablePropagation": "enable",
    "VpnEcmpSupport": "enable",
    "DnsSupport": "enable",
    "SecurityGroupReferencingSupport": "disable",
    "MulticastSupport": "disable",
}


# -- shared lookups -----------------------------------------------------------------------------------------------
def get_gateway(call: Call, tid: str) -> Record:
    gateway = get(call, TGW, tid)
    if gateway.doc["State"] in ("deleting", "deleted"):
        raise NotFound(KINDS[TGW].not_found, KINDS[TGW].missing_message([tid]))
    return gateway


def get_table(call: Call, rid: str) -> Record:
    return get(call, RTB, rid)


def attachment_sides(call: Call, attachment: Record) -> list[str]:
    """The gateway ids of the attachment whose owner is the caller (a peering attachment has two gateways)."""
    doc, scope = attachment.doc, (call.account, call.region.name)
    if "RequesterTgwInfo" not in doc:
        return [doc["TransitGatewayId"]] if (attachment.account, attachment.region) == scope else []
    return [
        info["TransitGatewayId"]
        for info in (doc["RequesterTgwInfo"], doc["AccepterTgwInfo"])
        if (info["OwnerId"], info["Region"]) == scope
    ]


def find_attachment(call: Call, aid: str) -> Record | None:
    record = call.tx.find(ATTACHMENT, aid)
    return record if record is not None and attachment_sides(call, record) else None


def get_attachment(call: Call, aid: str) -> Record:
    check_id(ATTACHMENT, aid)
    record = find_attachment(call, aid)
    if record is None:
        raise NotFound(KINDS[ATTACHMENT].not_found, KINDS[ATTACHMENT].missing_message([aid]))
    return record


def find_shown_attachment(call: Call, aid: str) -> Record | None:
    """The attachment a describe shows to the caller: live, or deleted while AWS still shows it (core/lifecycle.py)."""
    record = find_attachment(call, aid) or lifecycle.find_retired(call, ATTACHMENT, aid)
    return record if record is not None and attachment_sides(call, record) else None


def shown_attachments(call: Call) -> list[Record]:
    """Every attachment a describe shows the caller (either end of a peering), the deleted ones AWS still shows last."""
    live = list(call.tx.scan(ATTACHMENT))
    return [r for r in (*live, *lifecycle.retired(call, ATTACHMENT, everywhere=True)) if attachment_sides(call, r)]


def retire_attachment(call: Call, attachment: Record) -> Record:
    """Delete an attachment, keeping it shown as ``deleted`` (after ``deleting``) as AWS does; it keeps no
    association and no interface. Its propagations and interfaces are the caller's to remove first; static routes
    over it turn blackhole (``transit_routes``)."""
    fresh = (call.tx.find(ATTACHMENT, attachment.id) or attachment).with_extra(associations={}, interfaces={})
    return lifecycle.retire(call, fresh, seconds=lifecycle.TRANSIT_DELETE)


def attachments_of(call: Call, tid: str) -> Iterator[Record]:
    """Every attachment to a gateway: its VPC attachments and both the peerings it requested and accepted."""
    yield from call.tx.children(ATTACHMENT, tid)
    for record in call.tx.scan(ATTACHMENT):
        if (record.doc.get("AccepterTgwInfo") or {}).get("TransitGatewayId") == tid:
            yield record


def resource_of(attachment: Record, tid: str) -> dict[str, str]:
    """What an attachment connects a gateway to, seen from that gateway: ResourceType, ResourceId, owner."""
    doc = attachment.doc
    if "ResourceType" in doc:  # attachments stored with their resource (a VPN connection's, hybrid family)
        return {k: doc[k] for k in ("ResourceType", "ResourceId", "ResourceOwnerId")}
    if "RequesterTgwInfo" not in doc:
        return {"ResourceType": "vpc", "ResourceId": doc["VpcId"], "ResourceOwnerId": doc["VpcOwnerId"]}
    mine = doc["RequesterTgwInfo"]["TransitGatewayId"] == tid
    other = doc["AccepterTgwInfo"] if mine else doc["RequesterTgwInfo"]
    return {"ResourceType": "peering", "ResourceId": other["TransitGatewayId"], "ResourceOwnerId": other["OwnerId"]}


def ref(attachment: Record, tid: str) -> dict[str, str]:
    """``{TransitGatewayAttachmentId, ResourceId, ResourceType}`` as routes, associations and propagations show it."""
    resource = resource_of(attachment, tid)
    return {
        "TransitGatewayAttachmentId": attachment.id,
        "ResourceId": resource["ResourceId"],
        "ResourceType": resource["ResourceType"],
    }


def association_of(attachment: Record, tid: str) -> str | None:
    return (attachment.extra.get("associations") or {}).get(tid)


def set_association(call: Call, attachment: Record, tid: str, table_id: str | None) -> Record:
    fresh = call.tx.find(ATTACHMENT, attachment.id) or attachment
    associations = {**(fresh.extra.get("associations") or {}), tid: table_id}
    return call.tx.put(fresh.with_extra(associations={k: v for k, v in associations.items() if v}))


def set_propagation(call: Call, table: Record, aid: str, enabled: bool) -> Record:
    fresh = call.tx.find(RTB, table.id) or table
    kept = [a for a in fresh.extra.get("propagations") or [] if a != aid]
    return call.tx.put(fresh.with_extra(propagations=[*kept, aid] if enabled else kept))


def attach_defaults(call: Call, attachment: Record, gateway: Record) -> Record:
    """Associate with and propagate to the gateway's default route tables, as its options say [TGW]."""
    options = gateway.doc["Options"]
    if options.get("DefaultRouteTableAssociation") == "enable" and options.get("AssociationDefaultRouteTableId"):
        attachment = set_association(call, attachment, gateway.id, options["AssociationDefaultRouteTableId"])
    table = call.tx.find(RTB, options.get("PropagationDefaultRouteTableId") or "")
    if options.get("DefaultRouteTablePropagation") == "enable" and table is not None:
        set_propagation(call, table, attachment.id, True)
    return attachment


def detach_everywhere(call: Call, attachment: Record) -> None:
    """Remove an attachment's propagations from every route table of its gateways (associations go with it)."""
    for tid in _gateways_of(attachment):
        for table in list(call.tx.children(RTB, tid)):
            if attachment.id in (table.extra.get("propagations") or []):
                set_propagation(call, table, attachment.id, False)


def _gateways_of(attachment: Record) -> list[str]:
    doc = attachment.doc
    if "RequesterTgwInfo" in doc:
        return [doc["RequesterTgwInfo"]["TransitGatewayId"], doc["AccepterTgwInfo"]["TransitGatewayId"]]
    return [doc["TransitGatewayId"]]


# -- transit gateways ---------------------------------------------------------------------------------------------
def _options(given: dict[str, Any]) -> dict[str, Any]:
    options = {**_DEFAULTS, **{k: v for k, v in given.items() if k in _DEFAULTS}}
    for name, value in options.items():
        if name != "AmazonSideAsn" and value not in _ENABLE_DISABLE:
            raise InvalidParameter(
                "InvalidParameterValue", f"The value '{value}' for {name} must be enable or disable."
            )
    asn = int(options["AmazonSideAsn"])
    if not (64512 <= asn <= 65534 or 4200000000 <= asn <= 4294967294):
        raise InvalidParameter(
            "InvalidParameterValue", f"AmazonSideAsn {asn} must be in 64512-65534 or 4200000000-4294967294."
        )
    return options


def create_transit_gateway(call: Call, params: Params) -> Result:
    limit = quota(call, "L-A2478D36")  # transit gateways per account (and Region) [TGW quotas; aws-behaviour 8.6]
    if len([g for g in call.scan(TGW) if g.doc["State"] not in ("deleting", "deleted")]) >= limit:
        raise LimitExceeded("TransitGatewayLimitExceeded", f"You have reached the maximum of {limit} transit gateways.")
    options = _options(params.get("Options") or {})
    tid = call.new_id("tgw", TGW)
    doc = {
        "TransitGatewayId": tid,
        "TransitGatewayArn": ec2_arn(call.region.name, call.account, "transit-gateway", tid),
        "State": "available",
        "OwnerId": call.account,
        "Description": params.get("Description") or "",
        "CreationTime": call.timestamp(),
        "Options": options,
    }
    gateway = call.record(TGW, tid, doc).evolve(tags=tags_for(call, params, TGW))
    default = new_table(call, gateway, default=True)
    wanted = {
        "Association": options["DefaultRouteTableAssociation"],
        "Propagation": options["DefaultRouteTablePropagation"],
    }
    for what, state in wanted.items():
        if state == "enable":
            options[f"{what}DefaultRouteTableId"] = default.id
    call.tx.put(gateway.with_doc(Options=options))
    # A new gateway is pending in the answer to its creation and available afterwards [TGW].
    return {"TransitGateway": {**present(call.tx.find(TGW, tid) or gateway), "State": "pending"}}


def new_table(call: Call, gateway: Record, *, default: bool = False, tags: dict[str, str] | None = None) -> Record:
    rid = call.new_id("tgw-rtb", RTB)
    doc = {
        "TransitGatewayRouteTableId": rid,
        "TransitGatewayId": gateway.id,
        "State": "available",
        "DefaultAssociationRouteTable": default,
        "DefaultPropagationRouteTable": default,
        "CreationTime": call.timestamp(),
    }
    table = call.record(RTB, rid, doc, gateway.id, static=[], propagations=[]).evolve(tags=tags or {})
    return call.tx.put(table)


GATEWAYS = Listing(
    kind=TGW,
    page_member="TransitGateways",
    ids_member="TransitGatewayIds",
    retired=True,
    filters={
        "owner-id": member("OwnerId"),
        "state": member("State"),
        "transit-gateway-id": member("TransitGatewayId"),
        **{
            f"options.{key}": member("Options", name)
            for key, name in (
                ("propagation-default-route-table-id", "PropagationDefaultRouteTableId"),
                ("amazon-side-asn", "AmazonSideAsn"),
                ("association-default-route-table-id", "AssociationDefaultRouteTableId"),
                ("auto-accept-shared-attachments", "AutoAcceptSharedAttachments"),
                ("default-route-table-association", "DefaultRouteTableAssociation"),
                ("default-route-table-propagation", "DefaultRouteTablePropagation"),
                ("dns-support", "DnsSupport"),
                ("vpn-ecmp-support", "VpnEcmpSupport"),
            )
        },
    },
)


def describe_transit_gateways(call: Call, params: Params) -> Result:
    return GATEWAYS.run(call, params)


def modify_transit_gateway(call: Call, params: Params) -> Result:
    gateway = get_gateway(call, params["TransitGatewayId"])
    given = dict(params.get("Options") or {})
    options = {**gateway.doc["Options"]}
    for key in ("AssociationDefaultRouteTableId", "PropagationDefaultRouteTableId"):
        table_id = given.pop(key, None)
        if table_id:
            _own_table(call, gateway, table_id)
            options[key] = table_id
    options.update(_options({**{k: v for k, v in options.items() if k in _DEFAULTS}, **given}))
    description = params.get("Description")
    gateway = call.tx.put(gateway.with_doc(Options=options, Description=description or gateway.doc["Description"]))
    _mark_defaults(call, gateway)
    return {"TransitGateway": {**present(gateway), "State": "modifying"}}


def _mark_defaults(call: Call, gateway: Record) -> None:
    options = gateway.doc["Options"]
    for table in list(call.tx.children(RTB, gateway.id)):
        flags = {
            "DefaultAssociationRouteTable": options.get("AssociationDefaultRouteTableId") == table.id,
            "DefaultPropagationRouteTable": options.get("PropagationDefaultRouteTableId") == table.id,
        }
        if any(table.doc[k] != v for k, v in flags.items()):
            call.tx.put(table.with_doc(**flags))


def _own_table(call: Call, gateway: Record, table_id: str) -> Record:
    table = get_table(call, table_id)
    if table.parent != gateway.id:
        raise InvalidParameter(
            "InvalidParameterValue", f"Route table {table_id} does not belong to transit gateway {gateway.id}."
        )
    return table


def delete_transit_gateway(call: Call, params: Params) -> Result:
    gateway = get_gateway(call, params["TransitGatewayId"])
    attached = [a.id for a in attachments_of(call, gateway.id) if a.doc["State"] not in ("deleted", "rejected")]
    if attached:
        raise IncorrectState(
            "IncorrectState", f"{gateway.id} has non-deleted Transit Gateway Attachments: {', '.join(attached[:5])}."
        )
    for table in list(call.tx.children(RTB, gateway.id)):
        lifecycle.retire(call, table, seconds=lifecycle.TRANSIT_DELETE)
    lifecycle.retire(call, gateway, seconds=lifecycle.TRANSIT_DELETE)  # shown deleting, then deleted, as AWS does
    return {"TransitGateway": {**present(gateway), "State": "deleting"}}


# -- route tables -------------------------------------------------------------------------------------------------
def create_transit_gateway_route_table(call: Call, params: Params) -> Result:
    gateway = get_gateway(call, params["TransitGatewayId"])
    limit = quota(call, "L-43872EB7")  # transit gateway route tables per transit gateway [TGW quotas]
    if len(list(call.tx.children(RTB, gateway.id))) >= limit:
        raise LimitExceeded(
            "TransitGatewayRouteTableLimitExceeded",
            f"Transit gateway {gateway.id} already has the maximum of {limit} route tables.",
        )
    table = new_table(call, gateway, tags=tags_for(call, params, RTB))
    return {"TransitGatewayRouteTable": {**present(table), "State": "pending"}}


def delete_transit_gateway_route_table(call: Call, params: Params) -> Result:
    table = get_table(call, params["TransitGatewayRouteTableId"])
    associated = [
        a.id for a in attachments_of(call, table.parent or "") if association_of(a, table.parent or "") == table.id
    ]
    if associated:
        raise IncorrectState(
            "IncorrectState",
            f"Transit gateway route table {table.id} has associations ({', '.join(associated[:5])}); "
            "disassociate them first.",
        )
    gateway = call.tx.find(TGW, table.parent or "")
    if gateway is not None:
        options = {
            k: v for k, v in gateway.doc["Options"].items() if not (k.endswith("DefaultRouteTableId") and v == table.id)
        }
        call.tx.put(gateway.with_doc(Options=options))
    lifecycle.retire(call, table, seconds=lifecycle.TRANSIT_DELETE)
    return {"TransitGatewayRouteTable": {**present(table), "State": "deleting"}}


TABLES = Listing(
    kind=RTB,
    page_member="TransitGatewayRouteTables",
    ids_member="TransitGatewayRouteTableIds",
    retired=True,
    parent_filter="transit-gateway-id",
    filters={
        "default-association-route-table": member("DefaultAssociationRouteTable"),
        "default-propagation-route-table": member("DefaultPropagationRouteTable"),
        "state": member("State"),
        "transit-gateway-id": member("TransitGatewayId"),
        "transit-gateway-route-table-id": member("TransitGatewayRouteTableId"),
    },
)


def describe_transit_gateway_route_tables(call: Call, params: Params) -> Result:
    return TABLES.run(call, params)


__all__ = [
    "ATTACHMENT",
    "RTB",
    "TGW",
    "attach_defaults",
    "attachment_sides",
    "attachments_of",
    "find_shown_attachment",
    "get_attachment",
    "get_gateway",
    "get_table",
    "ref",
    "resource_of",
    "retire_attachment",
    "set_association",
    "set_propagation",
    "shown_attachments",
]
