"""Elastic IP addresses: allocation from a regional public pool, association with an interface's private address.

Facts [VPCUG23 vpc-eips; EC2API]: addresses are allocated in domain ``vpc`` (EC2-Classic is retired); 5 per
Region by default (``AddressLimitExceeded``); an address maps to one private IPv4 address of one interface, and the
interface then shows it as its ``Association``; an associated address cannot be released; associating needs an
internet gateway attached to the interface's VPC (``Gateway.NotAttached``, real text [GH
aws-samples/cfn101-workshop#165]). The interface's ``Association`` is the one source of truth for "this interface
has a public address"; the address record mirrors it in the members AWS describes (AssociationId, InstanceId ...).
"""

from __future__ import annotations

from typing import Any

from vpcsim.control.core.call import Call, Params, Result
from vpcsim.control.core.describe import Listing, member, paginate
from vpcsim.control.core.lookup import get, get_many
from vpcsim.control.core.public_ips import allocate_public_ip, public_dns_name
from vpcsim.control.core.tags import tags_for
from vpcsim.control.gateways.internet import attached_internet_gateway
from vpcsim.control.network.route_targets import primary_interface_id
from vpcsim.control.quotas import quota
from vpcsim.errors import ApiError, InvalidParameter, LimitExceeded, NotFound, Unsupported
from vpcsim.model import Record

LISTING = Listing(
    kind="elastic-ip",
    page_member="Addresses",
    ids_member="AllocationIds",
    filters={
        "allocation-id": member("AllocationId"),
        "association-id": member("AssociationId"),
        "domain": member("Domain"),
        "instance-id": member("InstanceId"),
        "network-border-group": member("NetworkBorderGroup"),
        "network-interface-id": member("NetworkInterfaceId"),
        "network-interface-owner-id": member("NetworkInterfaceOwnerId"),
        "private-ip-address": member("PrivateIpAddress"),
        "public-ip": member("PublicIp"),
        "public-ipv4-pool": member("PublicIpv4Pool"),
    },
)
_ASSOCIATION_MEMBERS = (
    "AssociationId",
    "InstanceId",
    "NetworkInterfaceId",
    "NetworkInterfaceOwnerId",
    "PrivateIpAddress",
)


def allocate_address(call: Call, params: Params) -> Result:
    if (params.get("Domain") or "vpc") != "vpc":
        raise InvalidParameter("InvalidParameterValue", "EC2-Classic is retired: addresses are allocated in 'vpc'.")
    for option in ("Address", "CustomerOwnedIpv4Pool", "IpamPoolId"):
        if params.get(option):
            raise Unsupported("Unsupported", f"vpcsim has no BYOIP, IPAM or customer-owned pools ({option}).")
    if len(call.scan("elastic-ip")) >= quota(call, "L-0263D0A3"):  # EC2-VPC Elastic IPs
        raise LimitExceeded("AddressLimitExceeded", "The maximum number of addresses has been reached.")
    tags = tags_for(call, params, "elastic-ip")
    aid = call.new_id("eipalloc", "elastic-ip")
    doc = {
        "AllocationId": aid,
        "PublicIp": allocate_public_ip(call),
        "Domain": "vpc",
        "PublicIpv4Pool": "amazon",
        "NetworkBorderGroup": call.region.name,
    }
    call.tx.put(call.record("elastic-ip", aid, doc).evolve(tags=tags))
    return dict(doc)


def _by_public_ip(call: Call, public_ip: str) -> Record:
    found = next((r for r in call.scan("elastic-ip") if r.doc["PublicIp"] == public_ip), None)
    if found is None:
        raise NotFound("InvalidAddress.NotFound", f"Address '{public_ip}' not found.")
    return found


def _address(call: Call, params: Params) -> Record:
    if params.get("AllocationId"):
        return get(call, "elastic-ip", params["AllocationId"])
    if params.get("PublicIp"):
        return _by_public_ip(call, params["PublicIp"])
    raise InvalidParameter("MissingParameter", "The request must contain the parameter AllocationId or PublicIp.")


def describe_addresses(call: Call, params: Params) -> Result:
    records = get_many(call, "elastic-ip", params["AllocationIds"]) if params.get("AllocationIds") else None
    if params.get("PublicIps"):
        named = [_by_public_ip(call, ip) for ip in params["PublicIps"]]
        records = [r for r in named if records is None or r in records]
    return LISTING.run(call, params, records)


# -- association -------------------------------------------------------------------------------------------------
def associate_address(call: Call, params: Params) -> Result:
    address = _address(call, params)
    interface = _interface(call, params)
    # An interface of an IPv6-only subnet has no private IPv4 address for an Elastic IP to map to.
    private_ip = params.get("PrivateIpAddress") or interface.doc.get("PrivateIpAddress") or ""
    if private_ip not in {p["PrivateIpAddress"] for p in interface.doc["PrivateIpAddresses"]}:
        raise InvalidParameter(
            "InvalidParameterValue", f"The private IP address {private_ip} is not assigned to {interface.id}."
        )
    if attached_internet_gateway(call, interface.doc["VpcId"]) is None:
        raise ApiError(
            "Gateway.NotAttached", f"Network {interface.doc['VpcId']} is not attached to any internet gateway"
        )
    _make_room(call, address, interface, private_ip, bool(params.get("AllowReassociation")))
    address = call.tx.find("elastic-ip", address.id) or address
    return {"AssociationId": associate(call, address, interface, private_ip)}


def _interface(call: Call, params: Params) -> Record:
    if params.get("InstanceId") and params.get("NetworkInterfaceId"):
        raise InvalidParameter("InvalidParameterCombination", "Specify either instanceId or networkInterfaceId.")
    if params.get("NetworkInterfaceId"):
        return get(call, "network-interface", params["NetworkInterfaceId"])
    if not params.get("InstanceId"):
        raise InvalidParameter(
            "MissingParameter", "The request must contain the parameter instanceId or networkInterfaceId."
        )
    instance = get(call, "instance", params["InstanceId"])
    eid = primary_interface_id(call, instance)
    if eid is None:
        raise ApiError("InvalidInstanceID", f"The instance '{instance.id}' has no network interface.")
    return get(call, "network-interface", eid)


def _make_room(call: Call, address: Record, interface: Record, private_ip: str, reassociate: bool) -> None:
    """Free the address and the private IP for the new association [EC2API AssociateAddress]: an address mapped
    elsewhere moves only with AllowReassociation; an Elastic IP already on the private IP is simply unmapped."""
    if address.doc.get("AssociationId"):
        if not reassociate:
            raise ApiError(
                "Resource.AlreadyAssociated",
                f"resource {address.id} is already associated with associate-id {address.doc['AssociationId']}",
            )
        disassociate(call, address)
    holder = _holder_of(call, interface.id, private_ip)
    if holder is not None:
        disassociate(call, holder)


def _holder_of(call: Call, interface_id: str, private_ip: str) -> Record | None:
    return next(
        (
            r
            for r in call.scan("elastic-ip")
            if (r.doc.get("NetworkInterfaceId"), r.doc.get("PrivateIpAddress")) == (interface_id, private_ip)
        ),
        None,
    )


def associate(call: Call, address: Record, interface: Record, private_ip: str) -> str:
    """Map ``address`` to ``private_ip`` of ``interface`` (both free); the new association id."""
    association_id = call.new_id("eipassoc", "elastic-ip-association")
    shown = {
        "AllocationId": address.id,
        "AssociationId": association_id,
        "IpOwnerId": call.account,
        "PublicDnsName": public_dns_name(call, address.doc["PublicIp"]),
        "PublicIp": address.doc["PublicIp"],
    }
    _set_interface_association(call, interface, private_ip, shown)
    instance_id = (interface.doc.get("Attachment") or {}).get("InstanceId")
    mirror = {
        "AssociationId": association_id,
        "InstanceId": instance_id,
        "NetworkInterfaceId": interface.id,
        "NetworkInterfaceOwnerId": interface.doc["OwnerId"],
        "PrivateIpAddress": private_ip,
    }
    call.tx.put(address.with_doc(**mirror))
    return association_id


def _set_interface_association(call: Call, interface: Record, private_ip: str, shown: dict[str, Any] | None) -> None:
    interface = call.tx.find("network-interface", interface.id) or interface
    doc = interface.mutable_doc()
    for item in doc["PrivateIpAddresses"]:
        if item["PrivateIpAddress"] == private_ip:
            _put_or_drop(item, shown)
    if private_ip == doc.get("PrivateIpAddress"):
        _put_or_drop(doc, shown)
    call.tx.put(interface.evolve(doc=doc))


def _put_or_drop(target: dict[str, Any], shown: dict[str, Any] | None) -> None:
    if shown is None:
        target.pop("Association", None)
    else:
        target["Association"] = dict(shown)


def disassociate(call: Call, address: Record) -> Record:
    """Unmap ``address`` from its interface (if any); the updated address record."""
    interface = call.tx.find("network-interface", address.doc.get("NetworkInterfaceId") or "")
    if interface is not None:
        _set_interface_association(call, interface, address.doc["PrivateIpAddress"], None)
    return call.tx.put(address.with_doc(**dict.fromkeys(_ASSOCIATION_MEMBERS)))


def disassociate_address(call: Call, params: Params) -> Result:
    if params.get("AssociationId"):
        aid = params["AssociationId"]
        address = next((r for r in call.scan("elastic-ip") if r.doc.get("AssociationId") == aid), None)
        if address is None:
            raise NotFound("InvalidAssociationID.NotFound", f"The association ID '{aid}' does not exist")
    else:
        address = _address(call, params)
    interface = call.tx.find("network-interface", address.doc.get("NetworkInterfaceId") or "")
    if interface is not None and interface.doc.get("RequesterManaged"):
        # vpcsim's choice: AWS's code here is not documented; the address belongs to the managed resource.
        raise ApiError(
            "OperationNotPermitted",
            f"The address {address.id} is used by {interface.doc.get('Description') or interface.id}; "
            "delete that resource to free it.",
        )
    disassociate(call, address)
    return {}


def release_address(call: Call, params: Params) -> Result:
    address = _address(call, params)
    if address.doc.get("AssociationId"):
        raise ApiError(
            "InvalidIPAddress.InUse",
            f"Address {address.doc['PublicIp']} ({address.id}) is in use by association "
            f"{address.doc['AssociationId']}; disassociate it first.",
        )
    call.tx.delete("elastic-ip", address.id)
    return {}


# -- attributes: the reverse DNS (PTR) record --------------------------------------------------------------------
# [EC2UG "Use reverse DNS for email applications"; EC2API]: ``domain-name`` is the one address attribute; a record
# set by ModifyAddressAttribute is answered PENDING and then shown as the address's PtrRecord (a fully qualified
# name, with its final dot); ResetAddressAttribute removes it. Choice [vpcsim]: an address with no record of its own
# is listed without a PtrRecord (Terraform's aws_eip then reads an empty ptr_record, as it does against AWS).
_ADDRESS_ATTRIBUTES = ("domain-name",)


def _check_attribute(attribute: str | None) -> None:
    if attribute not in _ADDRESS_ATTRIBUTES:
        raise InvalidParameter(
            "InvalidParameterValue", f"Value ({attribute}) for parameter attribute is invalid. Expected: domain-name."
        )


def _attribute_view(address: Record) -> dict[str, Any]:
    shown = {"PublicIp": address.doc["PublicIp"], "AllocationId": address.id}
    if address.extra.get("ptr_record"):
        shown["PtrRecord"] = address.extra["ptr_record"]
    return shown


def describe_addresses_attribute(call: Call, params: Params) -> Result:
    _check_attribute(params.get("Attribute"))
    named = params.get("AllocationIds")
    records = get_many(call, "elastic-ip", named) if named else call.scan("elastic-ip")
    page, token = paginate(records, params, (1, 1000))
    result: Result = {"Addresses": [_attribute_view(r) for r in page]}
    if token:
        result["NextToken"] = token
    return result


def modify_address_attribute(call: Call, params: Params) -> Result:
    address = get(call, "elastic-ip", params["AllocationId"])
    name = (params.get("DomainName") or "").rstrip(".")
    if not name or len(name) > 253 or any(not part for part in name.split(".")):
        raise InvalidParameter(
            "InvalidParameterValue", f"Value ({params.get('DomainName')}) for domainName is invalid."
        )
    shown = _attribute_view(address)
    call.tx.put(address.with_extra(ptr_record=name + "."))
    return {"Address": {**shown, "PtrRecordUpdate": {"Value": name + ".", "Status": "PENDING"}}}


def reset_address_attribute(call: Call, params: Params) -> Result:
    _check_attribute(params.get("Attribute"))
    address = get(call, "elastic-ip", params["AllocationId"])
    shown = _attribute_view(address)
    call.tx.put(address.with_extra(ptr_record=None))
    return {"Address": {**shown, "PtrRecordUpdate": {"Value": "", "Status": "PENDING"}}}
