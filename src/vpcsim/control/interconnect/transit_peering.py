"""Transit gateway peering attachments: request, accept, reject, delete and describe, across accounts and Regions.

Design: like a VPC peering connection, a peering attachment is ONE record in the requester's account and Region,
parented by the requester's gateway and visible to the accepter (``transit.attachment_sides``); each gateway keeps
its own association (``extra["associations"]`` keyed by gateway id). The transient states AWS answers in the call
itself (``initiatingRequest`` on create, ``pending`` on accept, ``rejecting``, ``deleting``) are shown in that
response only; the record holds the settled state.

Facts [TGW tgw-peering; EC2API; real dump test-transit-gateway-peering]: the accepter's owner accepts in the
accepter's Region; the attachment has the same id on both sides; peering carries static routes only (no
propagation); one peering attachment between any two gateways; 50 per gateway.

Choices where AWS is unclear [named]: a peer gateway that cannot exist in the caller's own account and Region is
refused at once (``InvalidTransitGatewayID.NotFound``), elsewhere the attachment is created ``failed``; a second
peering between the same two gateways is ``DuplicateTransitGatewayAttachment`` (AWS's code for the VPC case); the
requester accepting or rejecting is ``OperationNotPermitted`` (as for VPC peering); an accepted attachment is not
associated with any route table until the owner of each side associates it.
"""

from __future__ import annotations

from typing import Any

from vpcsim.catalog import find_region
from vpcsim.control.core.call import Call, Params, Result
from vpcsim.control.core.describe import Listing, member, present
from vpcsim.control.core.lookup import check_id
from vpcsim.control.core.tags import tags_for
from vpcsim.control.interconnect.transit import (
    ATTACHMENT,
    TGW,
    attachment_sides,
    attachments_of,
    detach_everywhere,
    find_shown_attachment,
    get_attachment,
    get_gateway,
    retire_attachment,
    shown_attachments,
)
from vpcsim.control.quotas import quota
from vpcsim.errors import ApiError, IncorrectState, InvalidParameter, LimitExceeded, NotFound
from vpcsim.model import Record
from vpcsim.model.kinds import KINDS

_MESSAGES = {
    "initiatingRequest": "Initiating Request",
    "pendingAcceptance": "Pending Acceptance",
    "pending": "Pending",
    "available": "Available",
    "rejecting": "Rejecting",
    "rejected": "Rejected",
    "deleting": "Deleting",
    "deleted": "Deleted",
    "failed": "Failed",
}


def _state(doc: dict[str, Any], state: str) -> dict[str, Any]:
    return {**doc, "State": state, "Status": {"Code": state, "Message": _MESSAGES[state]}}


def _tgw_info(tid: str, owner: str, region: str) -> dict[str, str]:
    return {"TransitGatewayId": tid, "OwnerId": owner, "Region": region}


def _peer_gateway(call: Call, tid: str, owner: str, region: str) -> Record | None:
    check_id(TGW, tid)
    found = call.tx.find(TGW, tid)
    if found is not None and (found.account, found.region) != (owner, region):
        found = None
    if found is None and (owner, region) == (call.account, call.region.name):
        raise NotFound(KINDS[TGW].not_found, KINDS[TGW].missing_message([tid]))
    return found


def _peerings(call: Call, tid: str) -> list[Record]:
    return [a for a in attachments_of(call, tid) if "RequesterTgwInfo" in a.doc and a.doc["State"] != "rejected"]


def create_transit_gateway_peering_attachment(call: Call, params: Params) -> Result:
    gateway = get_gateway(call, params["TransitGatewayId"])
    owner, region, peer_id = params["PeerAccountId"], params["PeerRegion"], params["PeerTransitGatewayId"]
    if find_region(region) is None:
        raise InvalidParameter("InvalidParameterValue", f"The value ({region}) for parameter PeerRegion is invalid.")
    peer = _peer_gateway(call, peer_id, owner, region)
    if peer_id == gateway.id:
        raise InvalidParameter("InvalidParameterValue", f"A transit gateway cannot peer with itself ({gateway.id}).")
    existing = _peerings(call, gateway.id)
    if any(peer_id in _ends(a) for a in existing):
        raise ApiError(
            "DuplicateTransitGatewayAttachment",
            f"{gateway.id} has non-deleted Transit Gateway Attachments with same peer {peer_id}.",
        )
    limit = quota(call, "L-A1B5A36F")  # peering attachments per transit gateway [TGW quotas; aws-behaviour 8.6]
    if len(existing) >= limit:
        raise LimitExceeded(
            "TransitGatewayAttachmentLimitExceeded",
            f"{gateway.id} already has the maximum of {limit} peering attachments.",
        )
    aid = call.new_id("tgw-attach", ATTACHMENT)
    doc = {
        "TransitGatewayAttachmentId": aid,
        "RequesterTgwInfo": _tgw_info(gateway.id, call.account, call.region.name),
        "AccepterTgwInfo": _tgw_info(peer_id, owner, region),
        "CreationTime": call.timestamp(),
    }
    doc = _state(doc, "failed" if peer is None else "pendingAcceptance")
    record = call.record(ATTACHMENT, aid, doc, gateway.id, associations={})
    record = call.tx.put(record.evolve(tags=tags_for(call, params, ATTACHMENT)))
    shown = present(record) if peer is None else _state(present(record), "initiatingRequest")
    return {"TransitGatewayPeeringAttachment": shown}


def _ends(attachment: Record) -> set[str]:
    return {
        attachment.doc["RequesterTgwInfo"]["TransitGatewayId"],
        attachment.doc["AccepterTgwInfo"]["TransitGatewayId"],
    }


def _peering(call: Call, aid: str) -> Record:
    attachment = get_attachment(call, aid)
    if "RequesterTgwInfo" not in attachment.doc:
        raise NotFound(KINDS[ATTACHMENT].not_found, KINDS[ATTACHMENT].missing_message([aid]))
    return attachment


def _as_accepter(call: Call, aid: str, verb: str) -> Record:
    attachment = _peering(call, aid)
    if attachment.doc["AccepterTgwInfo"]["TransitGatewayId"] not in attachment_sides(call, attachment):
        raise ApiError("OperationNotPermitted", f"Only the owner of the accepter transit gateway can {verb} {aid}.")
    if attachment.doc["State"] != "pendingAcceptance":
        raise IncorrectState(
            "IncorrectState", f"{aid} is in state {attachment.doc['State']}; only pendingAcceptance can be {verb}ed."
        )
    return attachment


def accept_transit_gateway_peering_attachment(call: Call, params: Params) -> Result:
    attachment = _as_accepter(call, params["TransitGatewayAttachmentId"], "accept")
    if call.tx.find(TGW, attachment.doc["RequesterTgwInfo"]["TransitGatewayId"]) is None:
        call.tx.put(attachment.evolve(doc=_state(attachment.doc, "failed")))
        raise IncorrectState("IncorrectState", f"The requester transit gateway of {attachment.id} no longer exists.")
    accepted = call.tx.put(attachment.evolve(doc=_state(attachment.doc, "available")))
    return {"TransitGatewayPeeringAttachment": _state(present(accepted), "pending")}


def reject_transit_gateway_peering_attachment(call: Call, params: Params) -> Result:
    attachment = _as_accepter(call, params["TransitGatewayAttachmentId"], "reject")
    rejected = call.tx.put(attachment.evolve(doc=_state(attachment.doc, "rejected")))
    return {"TransitGatewayPeeringAttachment": _state(present(rejected), "rejecting")}


def delete_transit_gateway_peering_attachment(call: Call, params: Params) -> Result:
    """Either side deletes; its routes over the attachment turn blackhole, its associations and propagations go."""
    attachment = _peering(call, params["TransitGatewayAttachmentId"])
    detach_everywhere(call, attachment)
    retire_attachment(call, attachment)
    return {"TransitGatewayPeeringAttachment": _state(present(attachment), "deleting")}


PEERINGS = Listing(
    kind=ATTACHMENT,
    page_member="TransitGatewayPeeringAttachments",
    present=lambda record: _state(present(record), record.doc["State"]),  # Status follows the state shown
    filters={
        "transit-gateway-attachment-id": member("TransitGatewayAttachmentId"),
        "local-owner-id": member("RequesterTgwInfo", "OwnerId"),
        "remote-owner-id": member("AccepterTgwInfo", "OwnerId"),
        "state": member("State"),
        "transit-gateway-id": lambda r: [
            r.doc["RequesterTgwInfo"]["TransitGatewayId"],
            r.doc["AccepterTgwInfo"]["TransitGatewayId"],
        ],
    },
)


def describe_transit_gateway_peering_attachments(call: Call, params: Params) -> Result:
    PEERINGS.validate_filters(params)
    ids = params.get("TransitGatewayAttachmentIds")
    if ids:
        records = [_shown_peering(call, aid) for aid in dict.fromkeys(ids)]
    else:
        records = [a for a in shown_attachments(call) if "RequesterTgwInfo" in a.doc]
    return PEERINGS.run(call, params, records)


def _shown_peering(call: Call, aid: str) -> Record:
    """A peering attachment a describe names: live, or deleted while AWS still shows it (what Terraform's delete
    waiter waits for)."""
    check_id(ATTACHMENT, aid)
    attachment = find_shown_attachment(call, aid)
    if attachment is None or "RequesterTgwInfo" not in attachment.doc:
        raise NotFound(KINDS[ATTACHMENT].not_found, KINDS[ATTACHMENT].missing_message([aid]))
    return attachment


__all__ = ["PEERINGS"]
