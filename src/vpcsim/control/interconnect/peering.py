"""VPC peering connections: request, accept, reject, delete, options, expiry, and describe from both sides.

Design: a connection is ONE record (kind ``vpc-peering-connection``) in the requester's account and region, parented
by the requester VPC. The accepter (another account and/or region) sees the same record: ``get_peering`` and the
describe listing accept a caller on either side (``sides``), while ``lookup.get`` would see only the requester's.
The stored ``Status`` is the settled one (``pending-acceptance``, ``active``...); the transient states AWS answers in
the call itself (``initiating-request`` on create, ``provisioning`` on accept) are shown in that response only, so
routes and security group references (which read ``Status.Code``) never see a half state. Expiry is lazy: a
``pending-acceptance`` connection whose ``ExpirationTime`` has passed becomes ``expired`` when next read.

Facts [PEER vpc-peering-basics; EC2API; aws-behaviour 8.5, 9.6]: states initiating-request -> pending-acceptance ->
provisioning -> active, plus failed (overlapping CIDRs; visible 2 h), expired (7 days unaccepted; visible 2 days),
rejected (visible 2 days), deleted; only the accepter VPC's owner accepts or rejects, in the accepter's Region;
either owner deletes an active connection, only the requester a pending one; failed and rejected connections cannot
be deleted; at most one connection per VPC pair; 50 active connections per VPC. Field sets follow the recorded
cross-region responses [real-aws test_vcp_peering_difference_regions]: a pending connection's accepter info is only
``{OwnerId, Region, VpcId}``.

Choices where AWS is unclear [named]: a peer VPC that does not exist is refused at once (``InvalidVpcID.NotFound``)
only when it would be in the caller's own account and Region (where EC2 can look); elsewhere the connection is
created and fails, as AWS validates it asynchronously. Rejected and deleted connections stay visible 2 days and
2 hours respectively; the message of a failed connection is AWS's text seen in the wild.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from vpcsim.catalog import find_region
from vpcsim.control.core import dependents
from vpcsim.control.core.call import Call, Params, Result
from vpcsim.control.core.cidrs import overlaps
from vpcsim.control.core.describe import Listing, member, present
from vpcsim.control.core.lookup import check_id, ends, get
from vpcsim.control.core.tags import tags_for
from vpcsim.control.quotas import quota
from vpcsim.errors import ApiError, InvalidParameter, LimitExceeded, MissingParameter, NotFound
from vpcsim.model import Record
from vpcsim.model.kinds import KINDS

KIND = "vpc-peering-connection"
_EXPIRES_AFTER = timedelta(days=7)
_VISIBLE_FOR = {"failed": timedelta(hours=2), "expired": timedelta(days=2), "rejected": timedelta(days=2)}
_VISIBLE_FOR["deleted"] = timedelta(hours=2)
LIVE = ("pending-acceptance", "provisioning", "active")
_FAILED_MESSAGE = "Failed due to incorrect VPC-ID, Account ID, or overlapping CIDR range."
_OPTIONS = {
    "AllowDnsResolutionFromRemoteVpc": False,
    "AllowEgressFromLocalClassicLinkToRemoteVpc": False,
    "AllowEgressFromLocalVpcToRemoteClassicLink": False,
}
_SIDES = {"requester": "RequesterVpcInfo", "accepter": "AccepterVpcInfo"}


def _status(code: str, message: str) -> dict[str, str]:
    return {"Code": code, "Message": message}


# -- visibility ---------------------------------------------------------------------------------------------------
def sides(call: Call, pcx: Record) -> set[str]:
    """Which ends of the connection the caller owns: ``requester``, ``accepter``, both (same scope) or none."""
    where = ends(pcx)
    return {side for side, member in _SIDES.items() if where[member] == (call.account, call.region.name)}


def _shown(call: Call, pcx: Record) -> bool:
    code = pcx.doc["Status"]["Code"]
    ended = pcx.extra.get("ended")
    if code not in _VISIBLE_FOR or not ended:
        return True
    return call.now - _parse(ended) < _VISIBLE_FOR[code]


def find_peering(call: Call, pid: str) -> Record | None:
    """The connection if the caller is on either side of it (and it is still shown), settled; else None."""
    record = call.tx.find(KIND, pid)
    if record is None or not sides(call, record):
        return None
    record = settle(call, record)
    return record if _shown(call, record) else None


def get_peering(call: Call, pid: str) -> Record:
    check_id(KIND, pid)
    record = find_peering(call, pid)
    if record is None:
        raise NotFound(KINDS[KIND].not_found, KINDS[KIND].missing_message([pid]))
    return record


def settle(call: Call, pcx: Record) -> Record:
    """A pending connection whose ``ExpirationTime`` has passed is ``expired`` from then on."""
    expires = pcx.doc.get("ExpirationTime")
    if pcx.doc["Status"]["Code"] == "pending-acceptance" and expires and _parse(expires) <= call.now:
        return _end(call, pcx, "expired", "Expired")
    return pcx


def _end(call: Call, pcx: Record, code: str, message: str) -> Record:
    ended = pcx.with_doc(Status=_status(code, message), ExpirationTime=None).with_extra(ended=call.timestamp())
    return call.tx.put(ended)


def _parse(stamp: str) -> datetime:
    return datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def between(call: Call, vpc_a: str, vpc_b: str) -> list[Record]:
    """Live (pending or active) connections joining the two VPCs, in either direction."""
    found = []
    for pcx in call.tx.scan(KIND):
        ends = {pcx.doc["RequesterVpcInfo"]["VpcId"], pcx.doc["AccepterVpcInfo"]["VpcId"]}
        if ends == {vpc_a, vpc_b} and settle(call, pcx).doc["Status"]["Code"] in LIVE:
            found.append(pcx)
    return found


@dependents.of("vpc")
def _live_connections(call: Call, vpc: Record) -> list[str]:
    return [p.id for p in live_for_vpc(call, vpc.id)]


def live_for_vpc(call: Call, vpc_id: str) -> list[Record]:
    """Pending or active connections with the VPC at either end (what DeleteVpc must refuse while they exist)."""
    return [
        p
        for p in call.tx.scan(KIND)
        if vpc_id in (p.doc["RequesterVpcInfo"]["VpcId"], p.doc["AccepterVpcInfo"]["VpcId"])
        and settle(call, p).doc["Status"]["Code"] in LIVE
    ]


def _active_count(call: Call, vpc_id: str) -> int:
    return sum(
        1
        for pcx in call.tx.scan(KIND)
        if pcx.doc["Status"]["Code"] == "active"
        and vpc_id in (pcx.doc["RequesterVpcInfo"]["VpcId"], pcx.doc["AccepterVpcInfo"]["VpcId"])
    )


# -- vpc info -----------------------------------------------------------------------------------------------------
def vpc_info(vpc: Record, options: dict[str, bool] | None = None) -> dict[str, Any]:
    """A VPC as a peering connection describes it (``VpcPeeringConnectionVpcInfo``)."""
    info: dict[str, Any] = {
        "CidrBlock": vpc.doc["CidrBlock"],
        "CidrBlockSet": [{"CidrBlock": a["CidrBlock"]} for a in vpc.doc["CidrBlockAssociationSet"]],
        "OwnerId": vpc.account,
        "PeeringOptions": dict(options or _OPTIONS),
        "Region": vpc.region,
        "VpcId": vpc.id,
    }
    v6 = [{"Ipv6CidrBlock": a["Ipv6CidrBlock"]} for a in vpc.doc.get("Ipv6CidrBlockAssociationSet") or []]
    if v6:  # the recorded responses show no empty Ipv6CidrBlockSet
        info["Ipv6CidrBlockSet"] = v6
    return info


def _cidrs(vpc: Record) -> list[str]:
    return [a["CidrBlock"] for a in vpc.doc["CidrBlockAssociationSet"]]


def check_route_target(call: Call, table_vpc_id: str, pid: str) -> Record:
    """The connection a route in ``table_vpc_id``'s table may target: visible, active, and joining that VPC."""
    pcx = get_peering(call, pid)
    if pcx.doc["Status"]["Code"] != "active":
        raise NotFound(KINDS[KIND].not_found, KINDS[KIND].missing_message([pid]))
    if table_vpc_id not in (pcx.doc["RequesterVpcInfo"]["VpcId"], pcx.doc["AccepterVpcInfo"]["VpcId"]):
        raise InvalidParameter(
            "InvalidParameterValue",
            f"route table's VPC {table_vpc_id} and VPC peering connection {pid} belong to different networks",
        )
    return pcx


# -- create -------------------------------------------------------------------------------------------------------
def create_vpc_peering_connection(call: Call, params: Params) -> Result:
    vpc = get(call, "vpc", params["VpcId"])
    peer_vpc_id = params.get("PeerVpcId") or ""
    if not peer_vpc_id:
        raise MissingParameter("peerVpcId")
    check_id("vpc", peer_vpc_id)
    owner, region = _peer_scope(call, params)
    peer = _peer_vpc(call, peer_vpc_id, owner, region)
    if peer_vpc_id == vpc.id:
        raise InvalidParameter("InvalidParameterValue", f"A VPC cannot be peered with itself ({vpc.id}).")
    if between(call, vpc.id, peer_vpc_id):
        raise ApiError(
            "VpcPeeringConnectionAlreadyExists",
            f"A VPC peering connection between {vpc.id} and {peer_vpc_id} already exists; accept or delete it.",
        )
    _check_quota(call, vpc.id)
    pcx = call.tx.put(_new_connection(call, vpc, peer, peer_vpc_id, owner, region, params))
    shown = present(pcx)
    shown["Status"] = _status("initiating-request", f"Initiating Request to {owner}")
    return {"VpcPeeringConnection": shown}


def _peer_scope(call: Call, params: Params) -> tuple[str, str]:
    owner = params.get("PeerOwnerId") or call.account
    region = params.get("PeerRegion") or call.region.name
    if find_region(region) is None:
        raise InvalidParameter("InvalidParameterValue", f"The value ({region}) for parameter peerRegion is invalid.")
    return owner, region


def _peer_vpc(call: Call, vpc_id: str, owner: str, region: str) -> Record | None:
    found = call.tx.find("vpc", vpc_id)
    if found is not None and (found.account, found.region) != (owner, region):
        found = None
    if found is None and (owner, region) == (call.account, call.region.name):
        raise NotFound("InvalidVpcID.NotFound", f"The vpc ID '{vpc_id}' does not exist")
    return found


def _check_quota(call: Call, vpc_id: str) -> None:
    limit = quota(call, "L-7E9ECCDB")  # active VPC peering connections per VPC [aws-behaviour 8.5]
    if _active_count(call, vpc_id) >= limit:
        raise LimitExceeded(
            "VpcPeeringConnectionsPerVpcLimitExceeded",
            f"The VPC {vpc_id} already has the maximum of {limit} active VPC peering connections.",
        )


def _new_connection(
    call: Call, vpc: Record, peer: Record | None, peer_vpc_id: str, owner: str, region: str, params: Params
) -> Record:
    pid = call.new_id("pcx", KIND)
    fails = peer is None or any(overlaps(a, b) for a in _cidrs(vpc) for b in _cidrs(peer))
    doc = {
        "AccepterVpcInfo": {"OwnerId": owner, "Region": region, "VpcId": peer_vpc_id},
        "RequesterVpcInfo": vpc_info(vpc),
        "Status": _status("failed", _FAILED_MESSAGE)
        if fails
        else _status("pending-acceptance", f"Pending Acceptance by {owner}"),
        "VpcPeeringConnectionId": pid,
    }
    if not fails:
        doc["ExpirationTime"] = _stamp(call.now + _EXPIRES_AFTER)
    record = call.record(KIND, pid, doc, vpc.id).evolve(tags=tags_for(call, params, KIND))
    return record.with_extra(ended=call.timestamp()) if fails else record


# -- accept, reject, delete ---------------------------------------------------------------------------------------
def _not_permitted(call: Call, verb: str, pid: str) -> ApiError:
    return ApiError("OperationNotPermitted", f"User {call.account} cannot {verb} peering {pid}")


def _bad_transition(pcx: Record, target: str) -> ApiError:
    code = pcx.doc["Status"]["Code"]
    return ApiError(
        "InvalidStateTransition",
        f"Invalid state transition for {pcx.id}, attempted to transition from {code} to {target}",
    )


def accept_vpc_peering_connection(call: Call, params: Params) -> Result:
    pcx = get_peering(call, params["VpcPeeringConnectionId"])
    if "accepter" not in sides(call, pcx):
        raise _not_permitted(call, "accept", pcx.id)
    if pcx.doc["Status"]["Code"] != "pending-acceptance":
        raise _bad_transition(pcx, "active")
    accepter = call.tx.find("vpc", pcx.doc["AccepterVpcInfo"]["VpcId"])
    requester = call.tx.find("vpc", pcx.doc["RequesterVpcInfo"]["VpcId"])
    if accepter is None or requester is None:
        _end(call, pcx, "failed", _FAILED_MESSAGE)
        raise _bad_transition(pcx, "active")
    for vpc in (requester, accepter):
        _check_quota(call, vpc.id)
    active = pcx.with_doc(
        AccepterVpcInfo=vpc_info(accepter),
        RequesterVpcInfo=vpc_info(requester, pcx.doc["RequesterVpcInfo"].get("PeeringOptions")),
        Status=_status("active", "Active"),
        ExpirationTime=None,
    )
    shown = present(call.tx.put(active))
    shown["Status"] = _status("provisioning", "Provisioning")
    return {"VpcPeeringConnection": shown}


def reject_vpc_peering_connection(call: Call, params: Params) -> Result:
    pcx = get_peering(call, params["VpcPeeringConnectionId"])
    if "accepter" not in sides(call, pcx):
        raise _not_permitted(call, "reject", pcx.id)
    if pcx.doc["Status"]["Code"] != "pending-acceptance":
        raise _bad_transition(pcx, "rejected")
    _end(call, pcx, "rejected", f"Rejected by {call.account}")
    return {"Return": True}


def delete_vpc_peering_connection(call: Call, params: Params) -> Result:
    pcx = get_peering(call, params["VpcPeeringConnectionId"])
    code, mine = pcx.doc["Status"]["Code"], sides(call, pcx)
    if code == "pending-acceptance" and "requester" not in mine:
        raise _not_permitted(call, "delete", pcx.id)
    if code not in ("pending-acceptance", "active"):
        raise _bad_transition(pcx, "deleted")
    # Routes naming it turn blackhole by themselves: route State is derived from Status.Code [route_targets].
    _end(call, pcx, "deleted", f"Deleted by {call.account}")
    return {"Return": True}


# -- options ------------------------------------------------------------------------------------------------------
def modify_vpc_peering_connection_options(call: Call, params: Params) -> Result:
    pcx = get_peering(call, params["VpcPeeringConnectionId"])
    if pcx.doc["Status"]["Code"] != "active":
        raise ApiError("OperationNotPermitted", f"Peering {pcx.id} is not active; only active peerings have options.")
    mine, result, doc = sides(call, pcx), {}, pcx.mutable_doc()
    for side, info_key in _SIDES.items():
        request_key = f"{side.capitalize()}PeeringConnectionOptions"
        given = params.get(request_key)
        if given is None:
            continue
        if side not in mine:
            raise _not_permitted(call, f"modify {side} options of", pcx.id)
        _check_options(given)
        doc[info_key]["PeeringOptions"].update({k: v for k, v in given.items() if k in _OPTIONS})
        result[request_key] = {k: doc[info_key]["PeeringOptions"][k] for k in given if k in _OPTIONS}
    if not result:
        raise MissingParameter("accepterPeeringConnectionOptions or requesterPeeringConnectionOptions")
    call.tx.put(pcx.evolve(doc=doc))
    return result


def _check_options(given: dict[str, Any]) -> None:
    if given.get("AllowEgressFromLocalClassicLinkToRemoteVpc") or given.get(
        "AllowEgressFromLocalVpcToRemoteClassicLink"
    ):
        raise InvalidParameter("InvalidParameterValue", "EC2-Classic and ClassicLink were retired in 2022.")


# -- describe -----------------------------------------------------------------------------------------------------
LISTING = Listing(
    kind=KIND,
    page_member="VpcPeeringConnections",
    ids_member="VpcPeeringConnectionIds",
    filters={
        **{
            f"{prefix}-vpc-info.{name}": member(info, *path)
            for prefix, info in (("accepter", "AccepterVpcInfo"), ("requester", "RequesterVpcInfo"))
            for name, path in (
                ("cidr-block", ("CidrBlockSet", "CidrBlock")),
                ("owner-id", ("OwnerId",)),
                ("vpc-id", ("VpcId",)),
            )
        },
        "expiration-time": member("ExpirationTime"),
        "status-code": member("Status", "Code"),
        "status-message": member("Status", "Message"),
        "vpc-peering-connection-id": member("VpcPeeringConnectionId"),
    },
)


def describe_vpc_peering_connections(call: Call, params: Params) -> Result:
    LISTING.validate_filters(params)
    ids = list(dict.fromkeys(params.get("VpcPeeringConnectionIds") or []))
    for pid in ids:
        check_id(KIND, pid)
    found = (
        {pid: find_peering(call, pid) for pid in ids}
        if ids
        else {p.id: find_peering(call, p.id) for p in call.tx.scan(KIND)}
    )
    missing = [pid for pid, record in found.items() if record is None and ids]
    if missing:
        raise NotFound(KINDS[KIND].not_found, KINDS[KIND].missing_message(missing))
    return LISTING.run(call, params, [r for r in found.values() if r is not None])


__all__ = [
    "LISTING",
    "between",
    "check_route_target",
    "find_peering",
    "get_peering",
    "live_for_vpc",
    "settle",
    "sides",
    "vpc_info",
]
