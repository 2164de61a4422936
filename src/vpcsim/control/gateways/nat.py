"""NAT gateways: a requester-managed interface in one subnet, with an Elastic IP when public.

Facts [VPCUG23 vpc-nat-gateway; EC2API]: ConnectivityType ``public`` (the default) needs an AllocationId, ``private``
takes none; 5 per Availability Zone (``NatGatewayLimitExceeded``); a public NAT gateway in a VPC with no internet
gateway fails (``Gateway.NotAttached``); states ``pending -> available | failed`` and ``deleting -> deleted``; a
deleted gateway stays visible (AWS keeps it about an hour; vpcsim keeps it), its interface deleted and its address
released.

Lifecycle (control/core/lifecycle.py): CreateNatGateway answers ``pending``; the gateway shows ``available`` (or
``failed``) once its provisioning time has passed at the server's time scale, to every reader alike, describes and
traces; DeleteNatGateway likewise shows ``deleting`` then ``deleted``. The outcome is decided when the call is made
(a public gateway in a VPC without an internet gateway fails) and what it frees is freed then: the stored state is the
end state, and only what readers are shown waits for the clock.
"""

from __future__ import annotations

from typing import Any

from vpcsim.control.compute import interfaces
from vpcsim.control.core import lifecycle
from vpcsim.control.core.call import Call, Params, Result
from vpcsim.control.core.describe import Listing, member, present
from vpcsim.control.core.lookup import get, get_many
from vpcsim.control.core.tags import tags_for
from vpcsim.control.gateways import addresses
from vpcsim.control.gateways.internet import attached_internet_gateway
from vpcsim.control.quotas import quota
from vpcsim.errors import ApiError, InvalidParameter, LimitExceeded, Unsupported
from vpcsim.model import Record

_GONE = ("deleting", "deleted", "failed")
# NatGatewayAddress.Status follows the gateway's state [EC2API NatGatewayAddressStatus].
_ADDRESS_STATUS = {
    "pending": "associating",
    "available": "succeeded",
    "deleting": "disassociating",
    "deleted": "succeeded",
    "failed": "failed",
}


def present_nat(record: Record) -> dict[str, Any]:
    shown = present(record)
    status = _ADDRESS_STATUS[record.doc["State"]]
    shown["NatGatewayAddresses"] = [{**a, "Status": status} for a in record.doc["NatGatewayAddresses"]]
    if shown["State"] != "failed":
        shown.pop("FailureCode", None)
        shown.pop("FailureMessage", None)
    return shown


def seen(call: Call, nat: Record) -> Record:
    """The gateway as a reader sees it now (never stored): its state while a transition is under way."""
    state = lifecycle.shown(call, nat.doc["State"], nat.extra.get("transition"))
    return nat if state == nat.doc["State"] else nat.with_doc(State=state)


LISTING = Listing(
    kind="natgateway",
    page_member="NatGateways",
    ids_member="NatGatewayIds",
    max_results=(5, 1000),
    present=present_nat,
    settle=seen,
    filters={
        "nat-gateway-id": member("NatGatewayId"),
        "state": member("State"),
        "subnet-id": member("SubnetId"),
        "vpc-id": member("VpcId"),
    },
)


def create_nat_gateway(call: Call, params: Params) -> Result:
    token = params.get("ClientToken")
    earlier = call.earlier("natgateway", token)
    if earlier is not None:
        return {"ClientToken": token, "NatGateway": present_nat(earlier)}
    subnet = _subnet(call, params)
    connectivity = params.get("ConnectivityType") or "public"
    address = _address(call, params, connectivity)
    _check_zone_limit(call, subnet)
    nat = _new_gateway(call, params, subnet, connectivity, address)
    result: Result = {"NatGateway": present_nat(seen(call, nat))}
    if token:
        result["ClientToken"] = token
    return result


def _subnet(call: Call, params: Params) -> Record:
    for option in (
        "AvailabilityMode",
        "SecondaryAllocationIds",
        "SecondaryPrivateIpAddresses",
        "AvailabilityZoneAddresses",
    ):
        if params.get(option) and params.get(option) != "zonal":
            raise Unsupported("Unsupported", f"vpcsim does not support {option} for NAT gateways yet.")
    if params.get("SecondaryPrivateIpAddressCount"):
        raise Unsupported("Unsupported", "vpcsim does not support SecondaryPrivateIpAddressCount yet.")
    if not params.get("SubnetId"):
        raise InvalidParameter("MissingParameter", "The request must contain the parameter SubnetId.")
    return get(call, "subnet", params["SubnetId"])


def _address(call: Call, params: Params, connectivity: str) -> Record | None:
    if connectivity not in ("public", "private"):
        raise InvalidParameter("InvalidParameterValue", f"ConnectivityType '{connectivity}' is not public or private.")
    allocation_id = params.get("AllocationId")
    if connectivity == "private":
        if allocation_id:
            raise InvalidParameter(
                "InvalidParameterCombination", "A private NAT gateway takes no Elastic IP: omit AllocationId."
            )
        return None
    if not allocation_id:
        raise InvalidParameter("MissingParameter", "A public NAT gateway needs the parameter AllocationId.")
    address = get(call, "elastic-ip", allocation_id)
    if address.doc.get("AssociationId"):
        # Real text [GH terraform-provider-aws NAT gateway issues]: "Elastic IP address [eipalloc-...] is already
        # associated".
        raise ApiError("Resource.AlreadyAssociated", f"Elastic IP address [{address.id}] is already associated")
    return address


def _check_zone_limit(call: Call, subnet: Record) -> None:
    zone = subnet.doc["AvailabilityZone"]
    live = [n for n in call.scan("natgateway") if n.doc["State"] not in _GONE and n.extra.get("zone") == zone]
    limit = quota(call, "L-FE5A380F")  # NAT gateways per Availability Zone
    if len(live) >= limit:
        raise LimitExceeded(
            "NatGatewayLimitExceeded",
            f"The maximum number of NAT gateways ({limit}) in {zone} has been reached.",
        )


def _new_gateway(call: Call, params: Params, subnet: Record, connectivity: str, address: Record | None) -> Record:
    nid = call.new_id("nat", "natgateway")
    doc = {
        "CreateTime": call.timestamp(),
        "NatGatewayAddresses": [_address_entry(call, nid, params, subnet, address)],
        "NatGatewayId": nid,
        "State": "available",
        "SubnetId": subnet.id,
        "VpcId": subnet.parent,
        "ConnectivityType": connectivity,
    }
    extra = {
        "zone": subnet.doc["AvailabilityZone"],
        "transition": lifecycle.begin(call, "pending", lifecycle.NAT_GATEWAY),
    }
    record = call.record("natgateway", nid, doc, subnet.parent, **extra)
    call.remember("natgateway", params.get("ClientToken"), nid)
    record = call.tx.put(record.evolve(tags=tags_for(call, params, "natgateway")))
    if connectivity == "public" and not attached_internet_gateway(call, record.doc["VpcId"]):
        return _fail(call, record)
    return record


def _address_entry(call: Call, nid: str, params: Params, subnet: Record, address: Record | None) -> dict[str, Any]:
    """The gateway's interface, with the Elastic IP mapped to it when public: its NatGatewayAddress."""
    interface = interfaces.create_interface(
        call,
        subnet,
        description=f"Interface for NAT Gateway {nid}",
        interface_type="nat_gateway",
        private_ip=params.get("PrivateIpAddress"),
        requester_managed=True,
        # The account that asked for the gateway; AWS shows an AWS-owned requester here [UNCERTAIN which].
        requester_id=call.account,
        groups=[],  # NAT gateways take no security groups [VPCUG23 vpc-nat-gateway]
    )
    private_ip = interface.doc["PrivateIpAddress"]
    entry: dict[str, Any] = {"NetworkInterfaceId": interface.id, "PrivateIp": private_ip, "IsPrimary": True}
    if address is None:
        return entry
    association_id = addresses.associate(call, address, interface, private_ip)
    return {"AllocationId": address.id, **entry, "PublicIp": address.doc["PublicIp"], "AssociationId": association_id}


def describe_nat_gateways(call: Call, params: Params) -> Result:
    # The model names the filter list ``Filter`` for this one operation [EC2API DescribeNatGateways].
    params = {**params, "Filters": params.get("Filter") or []}
    LISTING.validate_filters(params)
    ids = params.get("NatGatewayIds")
    candidates = get_many(call, "natgateway", ids) if ids else call.scan("natgateway")
    return LISTING.run(call, params, [seen(call, n) for n in candidates])


def _fail(call: Call, nat: Record) -> Record:
    """A public gateway in a VPC without an internet gateway: it ends ``failed`` and frees what it held."""
    _release(call, nat)
    # Real code and text as AWS reports them for a public NAT gateway in a VPC without an internet gateway.
    failed = nat.with_doc(
        State="failed",
        FailureCode="Gateway.NotAttached",
        FailureMessage=f"Network {nat.doc['VpcId']} has no Internet gateway attached",
    )
    return call.tx.put(failed.evolve(parent=None))


def _release(call: Call, nat: Record) -> None:
    """Give back the gateway's Elastic IP and delete its interface."""
    for entry in nat.doc["NatGatewayAddresses"]:
        address = call.tx.find("elastic-ip", entry.get("AllocationId") or "")
        if address is not None and address.doc.get("AssociationId") == entry.get("AssociationId"):
            addresses.disassociate(call, address)
        interface = call.tx.find("network-interface", entry.get("NetworkInterfaceId") or "")
        if interface is not None:
            interfaces.delete_interface(call, interface)


def delete_nat_gateway(call: Call, params: Params) -> Result:
    nat = get(call, "natgateway", params["NatGatewayId"])
    if nat.doc["State"] in ("pending", "available"):
        _release(call, nat)
        # The gateway no longer holds anything in its VPC, so it no longer blocks DeleteVpc or DeleteSubnet.
        transition = lifecycle.begin(call, "deleting", lifecycle.NAT_GATEWAY_DELETE)
        deleted = nat.with_doc(State="deleted", DeleteTime=call.timestamp()).with_extra(transition=transition)
        call.tx.put(deleted.evolve(parent=None))
    return {"NatGatewayId": nat.id}
