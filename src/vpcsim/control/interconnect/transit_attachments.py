"""Transit gateway VPC attachments, and DescribeTransitGatewayAttachments over every kind of attachment.

Design: a VPC attachment is a child of its gateway in the VPC owner's account and Region, with one network interface
per subnet (``extra["interfaces"]``, subnet id -> interface id) made by ``interfaces.create_interface`` in the same
transaction and removed with it. ``DescribeTransitGatewayAttachments`` shows each attachment as the caller's gateway
sees it: a peering attachment is one record, shown from the requester's gateway to the requester and from the
accepter's gateway to the accepter, each with its own association (real dump test-transit-gateway-peering).

Facts [TGW how-transit-gateways-work; EC2API; real dumps test-transit-gateway*]: one subnet per Availability Zone
(``DuplicateSubnetsInSameZone``, "Duplicate Subnets for same AZ"); one attachment per VPC and gateway
(``DuplicateTransitGatewayAttachment``); the attachment answers ``pending``, then is ``available``; with the
gateway's default association/propagation enabled it is associated with and propagates to the default route
table. The interface AWS places in each subnet is ``InterfaceType transit_gateway``, described "Network Interface
for Transit Gateway Attachment <id>", with no security groups, source/destination check off and an ``ela-attach``
attachment; AWS shows it ``RequesterManaged false`` (real dump test-transit-gateway NetworkInterfaces), which vpcsim
copies, while still refusing its deletion as an in-use interface.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from vpcsim.control.compute import interfaces
from vpcsim.control.core import dependents
from vpcsim.control.core.call import Call, Params, Result
from vpcsim.control.core.describe import Listing, member, present
from vpcsim.control.core.lookup import check_id, get, seen_by
from vpcsim.control.core.tags import tags_for
from vpcsim.control.interconnect.transit import (
    ATTACHMENT,
    association_of,
    attach_defaults,
    attachment_sides,
    detach_everywhere,
    find_shown_attachment,
    get_attachment,
    get_gateway,
    resource_of,
    retire_attachment,
    shown_attachments,
)
from vpcsim.errors import ApiError, IncorrectState, InvalidParameter, NotFound
from vpcsim.model import Record
from vpcsim.model.kinds import KINDS

_OPTION_DEFAULTS = {"DnsSupport": "enable", "Ipv6Support": "disable", "ApplianceModeSupport": "disable"}


@dependents.of("vpc")
def _attachments(call: Call, vpc: Record) -> list[str]:
    return [a.id for a in vpc_attachments(call, vpc.id)]


def vpc_attachments(call: Call, vpc_id: str) -> list[Record]:
    """The caller's transit gateway attachments of a VPC (what DeleteVpc must wait for)."""
    return [a for a in call.scan(ATTACHMENT) if a.doc.get("VpcId") == vpc_id]


def _subnets(call: Call, vpc: Record, ids: list[str], taken: list[Record] | None = None) -> list[Record]:
    chosen = [get(call, "subnet", sid) for sid in dict.fromkeys(ids)]
    zones = [s.doc["AvailabilityZone"] for s in [*(taken or []), *chosen]]
    for subnet in chosen:
        if subnet.parent != vpc.id:
            raise InvalidParameter(
                "InvalidParameterValue", f"Subnet {subnet.id} does not belong to the VPC {vpc.id} being attached."
            )
    if len(zones) != len(set(zones)):
        raise ApiError("DuplicateSubnetsInSameZone", "Duplicate Subnets for same AZ")
    return chosen


def _interface(call: Call, attachment_id: str, subnet: Record) -> str:
    eni = interfaces.create_interface(
        call,
        subnet,
        description=f"Network Interface for Transit Gateway Attachment {attachment_id}",
        interface_type="transit_gateway",
        groups=[],
        requester_managed=True,
    )
    return call.tx.put(eni.with_doc(RequesterManaged=False, SourceDestCheck=False)).id


def _options(given: dict[str, Any], current: dict[str, str]) -> dict[str, str]:
    options = {**current, **{k: v for k, v in given.items() if k in _OPTION_DEFAULTS}}
    for name, value in options.items():
        if value not in ("enable", "disable"):
            raise InvalidParameter(
                "InvalidParameterValue", f"The value '{value}' for {name} must be enable or disable."
            )
    return options


def create_transit_gateway_vpc_attachment(call: Call, params: Params) -> Result:
    gateway = get_gateway(call, params["TransitGatewayId"])
    vpc = get(call, "vpc", params["VpcId"])
    chosen = _subnets(call, vpc, params["SubnetIds"])
    if any(a.doc["TransitGatewayId"] == gateway.id for a in vpc_attachments(call, vpc.id)):
        raise ApiError(
            "DuplicateTransitGatewayAttachment",
            f"{gateway.id} has non-deleted Transit Gateway Attachments with same VPC ID.",
        )
    aid = call.new_id("tgw-attach", ATTACHMENT)
    doc = {
        "TransitGatewayAttachmentId": aid,
        "TransitGatewayId": gateway.id,
        "VpcId": vpc.id,
        "VpcOwnerId": vpc.account,
        "State": "available",
        "SubnetIds": [s.id for s in chosen],
        "CreationTime": call.timestamp(),
        "Options": _options(params.get("Options") or {}, _OPTION_DEFAULTS),
    }
    interfaces_by_subnet = {s.id: _interface(call, aid, s) for s in chosen}
    record = call.record(ATTACHMENT, aid, doc, gateway.id, interfaces=interfaces_by_subnet, associations={})
    record = attach_defaults(call, call.tx.put(record.evolve(tags=tags_for(call, params, ATTACHMENT))), gateway)
    return {"TransitGatewayVpcAttachment": {**present(record), "State": "pending"}}


def _vpc_attachment(call: Call, aid: str) -> Record:
    attachment = get_attachment(call, aid)
    if "VpcId" not in attachment.doc:
        raise NotFound(KINDS[ATTACHMENT].not_found, KINDS[ATTACHMENT].missing_message([aid]))
    return attachment


def modify_transit_gateway_vpc_attachment(call: Call, params: Params) -> Result:
    attachment = _vpc_attachment(call, params["TransitGatewayAttachmentId"])
    vpc = get(call, "vpc", attachment.doc["VpcId"])
    removed = set(params.get("RemoveSubnetIds") or [])
    unknown = removed - set(attachment.doc["SubnetIds"])
    if unknown:
        raise InvalidParameter("InvalidParameterValue", f"Subnets {sorted(unknown)} are not part of {attachment.id}.")
    enis = dict(attachment.extra["interfaces"])
    kept = [get(call, "subnet", s) for s in attachment.doc["SubnetIds"] if s not in removed]
    added = _subnets(call, vpc, params.get("AddSubnetIds") or [], kept)
    if not kept and not added:
        raise InvalidParameter("InvalidParameterValue", "A VPC attachment needs at least one subnet.")
    for sid in removed:
        _drop_interface(call, enis.pop(sid, ""))
    enis.update({s.id: _interface(call, attachment.id, s) for s in added})
    options = _options(params.get("Options") or {}, attachment.doc["Options"])
    subnet_ids = [s.id for s in kept] + [s.id for s in added]
    attachment = call.tx.put(attachment.with_doc(SubnetIds=subnet_ids, Options=options).with_extra(interfaces=enis))
    return {"TransitGatewayVpcAttachment": {**present(attachment), "State": "modifying"}}


def _drop_interface(call: Call, eni_id: str) -> None:
    eni = call.tx.find("network-interface", eni_id)
    if eni is not None:
        interfaces.delete_interface(call, eni)


def delete_transit_gateway_vpc_attachment(call: Call, params: Params) -> Result:
    attachment = _vpc_attachment(call, params["TransitGatewayAttachmentId"])
    if attachment.doc["State"] not in ("available", "pending", "modifying"):
        raise IncorrectState("IncorrectState", f"{attachment.id} is in state {attachment.doc['State']}.")
    for eni_id in attachment.extra["interfaces"].values():
        _drop_interface(call, eni_id)
    detach_everywhere(call, attachment)
    retire_attachment(call, attachment)
    return {"TransitGatewayVpcAttachment": {**present(attachment), "State": "deleting"}}


VPC_ATTACHMENTS = Listing(
    kind=ATTACHMENT,
    page_member="TransitGatewayVpcAttachments",
    filters={
        "state": member("State"),
        "transit-gateway-attachment-id": member("TransitGatewayAttachmentId"),
        "transit-gateway-id": member("TransitGatewayId"),
        "vpc-id": member("VpcId"),
    },
)


def _shown(call: Call, aid: str, *, vpc: bool = False) -> Record:
    """An attachment a describe names: live or deleted while still shown; a VPC attachment when ``vpc``."""
    check_id(ATTACHMENT, aid)
    attachment = find_shown_attachment(call, aid)
    if attachment is None or (vpc and "VpcId" not in attachment.doc):
        raise NotFound(KINDS[ATTACHMENT].not_found, KINDS[ATTACHMENT].missing_message([aid]))
    return attachment


def describe_transit_gateway_vpc_attachments(call: Call, params: Params) -> Result:
    """The caller's VPC attachments, and the deleted ones AWS still shows as ``deleted`` (what Terraform's delete
    waiter waits for)."""
    VPC_ATTACHMENTS.validate_filters(params)
    ids = params.get("TransitGatewayAttachmentIds")
    records = [_shown(call, a, vpc=True) for a in dict.fromkeys(ids)] if ids else shown_attachments(call)
    return VPC_ATTACHMENTS.run(call, params, [r for r in records if "VpcId" in r.doc])


# -- every attachment, as the caller's gateway sees it -------------------------------------------------------------
def view(attachment: Record, tid: str) -> Record:
    """The attachment as ``TransitGatewayAttachment`` from gateway ``tid``'s side (an unstored record)."""
    doc = attachment.doc
    owner = doc.get("VpcOwnerId") if "VpcId" in doc else _owner_of(attachment, tid)
    shown: dict[str, Any] = {
        "TransitGatewayAttachmentId": attachment.id,
        "TransitGatewayId": tid,
        "TransitGatewayOwnerId": owner,
        **resource_of(attachment, tid),
        "State": doc["State"],
        "CreationTime": doc["CreationTime"],
    }
    table_id = association_of(attachment, tid)
    if table_id:
        shown["Association"] = {"TransitGatewayRouteTableId": table_id, "State": "associated"}
    return attachment.evolve(doc=shown)


def _owner_of(attachment: Record, tid: str) -> str:
    if "RequesterTgwInfo" not in attachment.doc:  # a VPN attachment: the gateway's owner made it
        return attachment.account
    for info in (attachment.doc["RequesterTgwInfo"], attachment.doc["AccepterTgwInfo"]):
        if info["TransitGatewayId"] == tid:
            return str(info["OwnerId"])
    return attachment.account


def visible(call: Call) -> Iterator[Record]:
    """Every attachment the caller's gateways have (and had, while AWS still shows it deleted), one view per gateway,
    oldest first."""
    for record in shown_attachments(call):
        for tid in attachment_sides(call, record):
            yield view(seen_by(call, record), tid)  # with the tags of the caller's end


ATTACHMENTS = Listing(
    kind=ATTACHMENT,
    page_member="TransitGatewayAttachments",
    filters={
        "association.state": member("Association", "State"),
        "association.transit-gateway-route-table-id": member("Association", "TransitGatewayRouteTableId"),
        "resource-id": member("ResourceId"),
        "resource-owner-id": member("ResourceOwnerId"),
        "resource-type": member("ResourceType"),
        "state": member("State"),
        "transit-gateway-attachment-id": member("TransitGatewayAttachmentId"),
        "transit-gateway-id": member("TransitGatewayId"),
        "transit-gateway-owner-id": member("TransitGatewayOwnerId"),
    },
)


def describe_transit_gateway_attachments(call: Call, params: Params) -> Result:
    ATTACHMENTS.validate_filters(params)
    ids = params.get("TransitGatewayAttachmentIds")
    if ids:
        found = [_shown(call, aid) for aid in dict.fromkeys(ids)]
        records = [view(seen_by(call, r), tid) for r in found for tid in attachment_sides(call, r)]
    else:
        records = list(visible(call))
    return ATTACHMENTS.run(call, params, records)


__all__ = ["ATTACHMENTS", "VPC_ATTACHMENTS", "view", "visible", "vpc_attachments"]
