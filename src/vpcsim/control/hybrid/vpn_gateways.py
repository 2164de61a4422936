"""Virtual private gateways: Create, Describe, Attach, Detach, Delete; what blocks DeleteVpc.

Design: a virtual private gateway is a regional record with no parent; its ``VpcAttachments`` hold at most one
attachment, the current one or the last one detached (clients read ``VpcAttachments[0]`` and wait until every
attachment shown is ``attached`` or ``detached``). The transient states (``attaching``, ``detaching``) are answered
in the call that starts them; the record holds the settled state, which the next read shows. A deleted gateway is
retired (core/lifecycle.py): shown ``deleted`` for a while, seen by nothing else.

Facts [EC2API CreateVpnGateway, AttachVpnGateway, DetachVpnGateway, DeleteVpnGateway; VPNUG vpn-limits; EC2ERR]:
``Type`` ``ipsec.1``; ``AmazonSideAsn`` 64512-65534 or 4200000000-4294967294, default 64512; one gateway per VPC
(``InvalidVpcState``) and one VPC per gateway (``VpnGatewayAttachmentLimitExceeded``); detaching a VPC the gateway is
not attached to is ``InvalidVpnGatewayAttachment.NotFound``; a gateway must be detached before it is deleted
(``IncorrectState``); a VPC with an attached gateway cannot be deleted (``DependencyViolation``); 5 gateways per
Region (``VpnGatewayLimitExceeded``). Choices named: a new gateway answers ``available`` (CLI example); a gateway
that still has VPN connections cannot be deleted either (``IncorrectState``).
"""

from __future__ import annotations

from typing import Any

from vpcsim.control.core import dependents, lifecycle
from vpcsim.control.core.call import Call, Params, Result
from vpcsim.control.core.describe import Listing, member, present
from vpcsim.control.core.lookup import check_id, get, get_shown
from vpcsim.control.core.tags import tags_for
from vpcsim.control.core.vpn_routes import attached_vpc, connections_of
from vpcsim.control.hybrid.customer_gateways import GONE, check_type
from vpcsim.errors import ApiError, IncorrectState, InvalidParameter, LimitExceeded, NotFound
from vpcsim.model import Record
from vpcsim.model.kinds import KINDS

KIND = "vpn-gateway"
DEFAULT_ASN = 64512
MAX_PER_REGION = 5  # [VPNUG vpn-limits]
_PRIVATE_ASNS = ((64512, 65534), (4200000000, 4294967294))
_IN_USE = ("attaching", "attached")


@dependents.of("vpc")
def _attached_gateways(call: Call, vpc: Record) -> list[str]:
    """An attached virtual private gateway keeps its VPC from being deleted [EC2API DetachVpnGateway]."""
    return [g.id for g in call.scan(KIND) if attachment_of(g, vpc.id) is not None]


def attachment_of(gateway: Record, vpc_id: str) -> dict[str, Any] | None:
    """The gateway's attachment to ``vpc_id`` while it is attaching or attached."""
    return next(
        (a for a in gateway.doc["VpcAttachments"] if a["VpcId"] == vpc_id and a["State"] in _IN_USE),
        None,
    )


def _asn(value: Any) -> int:
    asn = DEFAULT_ASN if value is None else int(value)
    if not any(low <= asn <= high for low, high in _PRIVATE_ASNS):
        raise InvalidParameter(
            "InvalidParameterValue",
            f"Value ({asn}) for parameter amazonSideAsn is invalid. "
            "Use a private ASN: 64512 to 65534, or 4200000000 to 4294967294.",
        )
    return asn


def _zone(call: Call, name: str | None) -> dict[str, str]:
    if not name:  # Terraform sends an empty zone when none is configured, which AWS takes as none
        return {}
    if call.region.find_zone(name) is None:
        raise InvalidParameter(
            "InvalidParameterValue", f"Value ({name}) for parameter availabilityZone is invalid in {call.region.name}."
        )
    return {"AvailabilityZone": name}


def create_vpn_gateway(call: Call, params: Params) -> Result:
    check_type(params.get("Type"))
    asn = _asn(params.get("AmazonSideAsn"))
    if len([g for g in call.scan(KIND) if g.doc["State"] not in GONE]) >= MAX_PER_REGION:
        raise LimitExceeded(
            "VpnGatewayLimitExceeded", f"You have reached the maximum of {MAX_PER_REGION} virtual private gateways."
        )
    rid = call.new_id("vgw", KIND)
    doc = {
        "VpnGatewayId": rid,
        "State": "available",
        "Type": "ipsec.1",
        **_zone(call, params.get("AvailabilityZone")),
        "VpcAttachments": [],
        "AmazonSideAsn": asn,
    }
    record = call.tx.put(call.record(KIND, rid, doc).evolve(tags=tags_for(call, params, KIND)))
    return {"VpnGateway": present(record)}


LISTING = Listing(
    kind=KIND,
    page_member="VpnGateways",
    ids_member="VpnGatewayIds",
    retired=True,
    filters={
        "amazon-side-asn": member("AmazonSideAsn"),
        "attachment.state": member("VpcAttachments", "State"),
        "attachment.vpc-id": member("VpcAttachments", "VpcId"),
        "availability-zone": member("AvailabilityZone"),
        "state": member("State"),
        "type": member("Type"),
        "vpn-gateway-id": member("VpnGatewayId"),
    },
)


def describe_vpn_gateways(call: Call, params: Params) -> Result:
    return LISTING.run(call, params)


def get_usable(call: Call, rid: str) -> Record:
    """A gateway that exists and is available (not deleted)."""
    gateway = get_shown(call, KIND, rid)
    if gateway.doc["State"] != "available":
        raise ApiError("InvalidVpnGatewayState", f"The virtual private gateway {rid} is {gateway.doc['State']}.")
    return gateway


def attach_vpn_gateway(call: Call, params: Params) -> Result:
    gateway = get_usable(call, params["VpnGatewayId"])
    vpc = get(call, "vpc", params["VpcId"])
    other = next((g.id for g in call.scan(KIND) if attachment_of(g, vpc.id) is not None), None)
    if other is not None:
        raise ApiError("InvalidVpcState", f"VPC {vpc.id} is currently attached to the Virtual Private Gateway {other}")
    current = attached_vpc(gateway)
    if current is not None:
        raise LimitExceeded(
            "VpnGatewayAttachmentLimitExceeded",
            f"The virtual private gateway {gateway.id} is already attached to {current}: detach it first.",
        )
    call.tx.put(gateway.with_doc(VpcAttachments=[{"VpcId": vpc.id, "State": "attached"}]))
    return {"VpcAttachment": {"VpcId": vpc.id, "State": "attaching"}}


def detach_vpn_gateway(call: Call, params: Params) -> Result:
    gateway = get(call, KIND, params["VpnGatewayId"])
    vpc_id = params["VpcId"]
    check_id("vpc", vpc_id)
    # The attachment decides, not the VPC: detaching from a VPC deleted since (Terraform's aws_vpn_gateway after its
    # aws_vpn_gateway_attachment went) is the attachment's NotFound, which clients tolerate. vpcsim's choice.
    if attachment_of(gateway, vpc_id) is None:
        raise NotFound(
            "InvalidVpnGatewayAttachment.NotFound",
            f"The attachment with vpn gateway ID '{gateway.id}' and vpc ID '{vpc_id}' does not exist",
        )
    call.tx.put(gateway.with_doc(VpcAttachments=[{"VpcId": vpc_id, "State": "detached"}]))
    return {}


def delete_vpn_gateway(call: Call, params: Params) -> Result:
    gateway = get(call, KIND, params["VpnGatewayId"])
    if gateway.doc["State"] in GONE:
        raise NotFound(KINDS[KIND].not_found, KINDS[KIND].missing_message([gateway.id]))
    vpc_id = attached_vpc(gateway)
    if vpc_id is not None:
        raise IncorrectState(
            "IncorrectState", f"The virtual private gateway {gateway.id} is attached to {vpc_id}: detach it first."
        )
    connections = [c.id for c in connections_of(call.tx, gateway.id) if c.doc["State"] not in GONE]
    if connections:
        raise IncorrectState(
            "IncorrectState",
            f"The virtual private gateway {gateway.id} has VPN connections ({', '.join(connections[:5])}): "
            "delete them first.",
        )
    lifecycle.retire(call, gateway, seconds=lifecycle.VPN_DELETE)  # shown deleting, then deleted, as AWS does
    return {}


__all__ = ["KIND", "LISTING", "attachment_of", "get_usable"]
