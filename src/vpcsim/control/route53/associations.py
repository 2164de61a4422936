"""Private hosted zones and VPCs: associate, disassociate, and the authorization another account's VPC needs.

Facts [Route 53 API AssociateVPCWithHostedZone, CreateVPCAssociationAuthorization; Route 53 DG "Associating an
Amazon VPC and a private hosted zone that you created with different AWS accounts"]: the zone's owner authorizes
a VPC of another account, then that account associates its VPC (``NotAuthorizedException`` without it); a public
zone takes no VPC (``PublicZoneVPCAssociation``); a VPC cannot be associated with two private zones of the same name
(``ConflictingDomainExists``), nor with a zone whose name an interface endpoint's private DNS in that VPC already
serves; the last VPC of a private zone cannot be disassociated (``LastVPCAssociation``).
"""

from __future__ import annotations

from typing import Any

from vpcsim.control.core.call import Call, Params, Result
from vpcsim.control.route53 import names
from vpcsim.control.route53.changes import change_info
from vpcsim.control.route53.zones import KIND, check_vpc, get_zone, is_private, zone_vpcs
from vpcsim.errors import ApiError
from vpcsim.model import Record


def _same(a: dict[str, Any], b: dict[str, Any]) -> bool:
    return bool(a["VPCId"] == b["VPCId"] and a["VPCRegion"] == b["VPCRegion"])


def _zone_for_vpc_owner(call: Call, zone_id: str, vpc: dict[str, str]) -> Record:
    """The zone the caller associates its VPC with: its own, or another account's that authorized this VPC."""
    zid = names.bare(zone_id, names.ZONE_PATH)
    zone = call.tx.find(KIND, zid)
    if zone is None:
        raise ApiError("NoSuchHostedZone", f"No hosted zone found with ID: {zid}")
    if zone.account != call.account and not any(_same(a, vpc) for a in zone.extra.get("authorizations", [])):
        raise ApiError(
            "NotAuthorizedException",
            f"The VPC: {vpc['VPCId']} has not authorized to associate with your hosted zone.",
        )
    return zone


def associate_vpc_with_hosted_zone(call: Call, params: Params) -> Result:
    vpc = check_vpc(call, params["VPC"])
    zone = _zone_for_vpc_owner(call, params["HostedZoneId"], vpc)
    if not is_private(zone):
        raise ApiError("PublicZoneVPCAssociation", "Public hosted zones cannot be associated with a VPC.")
    if any(_same(v, vpc) for v in zone_vpcs(zone)):
        raise ApiError("ConflictingDomainExists", f"The VPC {vpc['VPCId']} is already associated with the zone.")
    _check_conflicts(call, zone, vpc)
    call.tx.put(zone.with_extra(vpcs=[*zone_vpcs(zone), vpc]))
    return {"ChangeInfo": change_info(call, params.get("Comment"))}


def _check_conflicts(call: Call, zone: Record, vpc: dict[str, str]) -> None:
    name = zone.doc["Name"]
    for other in call.tx.scan(KIND):
        if other.id != zone.id and other.doc["Name"] == name and any(_same(v, vpc) for v in zone_vpcs(other)):
            raise ApiError(
                "ConflictingDomainExists",
                f"The VPC {vpc['VPCId']} is already associated with another private hosted zone named {name}",
            )
    for endpoint in call.tx.children("vpc-endpoint", vpc["VPCId"]):
        served = {names.canonical(r["Name"]) for r in endpoint.extra.get("dns", []) if r.get("Private")}
        if endpoint.doc.get("PrivateDnsEnabled") and name in served:
            raise ApiError(
                "ConflictingDomainExists",
                f"The VPC {vpc['VPCId']} already has private DNS for {name} from {endpoint.id}",
            )


def disassociate_vpc_from_hosted_zone(call: Call, params: Params) -> Result:
    vpc = check_vpc(call, params["VPC"])
    zone = _zone_for_disassociation(call, params["HostedZoneId"], vpc)
    kept = [v for v in zone_vpcs(zone) if not _same(v, vpc)]
    if len(kept) == len(zone_vpcs(zone)):
        raise ApiError("VPCAssociationNotFound", f"The specified VPC {vpc['VPCId']} is not associated with the zone.")
    if not kept:
        raise ApiError(
            "LastVPCAssociation", "The VPC that you're trying to disassociate is the last VPC associated with the zone."
        )
    call.tx.put(zone.with_extra(vpcs=kept))
    return {"ChangeInfo": change_info(call, params.get("Comment"))}


def _zone_for_disassociation(call: Call, zone_id: str, vpc: dict[str, str]) -> Record:
    """The zone owner, or the owner of an associated VPC, may disassociate it."""
    zid = names.bare(zone_id, names.ZONE_PATH)
    zone = call.tx.find(KIND, zid)
    if zone is None or (zone.account != call.account and not any(_same(v, vpc) for v in zone_vpcs(zone))):
        raise ApiError("NoSuchHostedZone", f"No hosted zone found with ID: {zid}")
    return zone


# -- authorizations (the zone owner's side) -------------------------------------------------------------------
def _named_vpc(params: Params) -> dict[str, str]:
    given = params["VPC"]
    return {"VPCRegion": given.get("VPCRegion") or "", "VPCId": given.get("VPCId") or ""}


def create_vpc_association_authorization(call: Call, params: Params) -> Result:
    zone = get_zone(call, params["HostedZoneId"])
    vpc = _named_vpc(params)
    if call.tx.find("vpc", vpc["VPCId"]) is None:
        raise ApiError("InvalidVPCId", f"The VPC ID '{vpc['VPCId']}' is not valid.")
    kept = [a for a in zone.extra.get("authorizations", []) if not _same(a, vpc)]
    call.tx.put(zone.with_extra(authorizations=[*kept, vpc]))
    return {"HostedZoneId": zone.id, "VPC": vpc}


def delete_vpc_association_authorization(call: Call, params: Params) -> Result:
    zone = get_zone(call, params["HostedZoneId"])
    vpc = _named_vpc(params)
    current = zone.extra.get("authorizations", [])
    kept = [a for a in current if not _same(a, vpc)]
    if len(kept) == len(current):
        raise ApiError(
            "VPCAssociationAuthorizationNotFound", f"The VPC {vpc['VPCId']} has no authorization for this zone."
        )
    call.tx.put(zone.with_extra(authorizations=kept))
    return {}


def list_vpc_association_authorizations(call: Call, params: Params) -> Result:
    zone = get_zone(call, params["HostedZoneId"])
    return {"HostedZoneId": zone.id, "VPCs": list(zone.extra.get("authorizations", []))}
