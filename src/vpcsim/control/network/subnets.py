"""Subnets: ranges inside their VPC, AZs by name or id, private IP allocation, public IP mapping.

Facts [VPCUG23]: a subnet is /16 to /28 and inside one of its VPC's CIDRs (``InvalidSubnet.Range``), never
overlapping another (``InvalidSubnet.Conflict``), kept in canonical form; AWS reserves the first four addresses and
the last, so AvailableIpAddressCount starts at size - 5; default subnets (DefaultForAz) map public IPs on launch.
IPv6 [EC2API CreateSubnet, ModifySubnetAttribute; EC2UG ec2-instance-naming]: a /64 of the VPC's IPv6 block
(``ipv6_blocks``); an IPv6-only subnet (``Ipv6Native``) has no IPv4 CIDR, assigns IPv6 addresses on creation and names
its instances by resource name (``ip-name`` needs an IPv4 address); its AvailableIpAddressCount (IPv4) is 0.
"""

from __future__ import annotations

from ipaddress import IPv4Address, IPv4Network
from typing import Any

from vpcsim.catalog import Zone
from vpcsim.control.core.call import Call, Params, Result
from vpcsim.control.core.cidrs import overlaps, parse_v4
from vpcsim.control.core.describe import Listing, member, present
from vpcsim.control.core.lookup import get
from vpcsim.control.core.tags import tags_for
from vpcsim.control.network import acls, ipv6_blocks
from vpcsim.errors import ApiError, DependencyViolation, InvalidParameter, NotFound
from vpcsim.model import Record
from vpcsim.model.arns import ec2_arn

_RESERVED = 5


def _available(record: Record) -> int:
    if not record.doc.get("CidrBlock"):
        return 0
    network = IPv4Network(record.doc["CidrBlock"])
    return int(network.num_addresses) - _RESERVED - len(record.extra.get("allocated", {}))


def present_subnet(record: Record) -> dict[str, Any]:
    shown = present(record)
    shown["AvailableIpAddressCount"] = _available(record)
    return shown


def _ipv6(record: Record) -> list[str]:
    return [a["Ipv6CidrBlock"] for a in record.doc["Ipv6CidrBlockAssociationSet"]]


LISTING = Listing(
    kind="subnet",
    page_member="Subnets",
    ids_member="SubnetIds",
    present=present_subnet,
    parent_filter="vpc-id",
    filters={
        "availability-zone": member("AvailabilityZone"),
        "availabilityZone": member("AvailabilityZone"),
        "availability-zone-id": member("AvailabilityZoneId"),
        "available-ip-address-count": _available,
        "cidr-block": member("CidrBlock"),
        "cidr": member("CidrBlock"),
        "cidrBlock": member("CidrBlock"),
        "default-for-az": member("DefaultForAz"),
        "defaultForAz": member("DefaultForAz"),
        "ipv6-cidr-block-association.ipv6-cidr-block": member("Ipv6CidrBlockAssociationSet", "Ipv6CidrBlock"),
        "ipv6-cidr-block-association.association-id": member("Ipv6CidrBlockAssociationSet", "AssociationId"),
        "ipv6-cidr-block-association.state": member("Ipv6CidrBlockAssociationSet", "Ipv6CidrBlockState", "State"),
        "ipv6-native": member("Ipv6Native"),
        "map-public-ip-on-launch": member("MapPublicIpOnLaunch"),
        "owner-id": member("OwnerId"),
        "state": member("State"),
        "subnet-arn": member("SubnetArn"),
        "subnet-id": member("SubnetId"),
        "vpc-id": member("VpcId"),
    },
)


def _check_cidr(call: Call, vpc: Record, cidr: str) -> str:
    """The canonical form of an IPv4 subnet CIDR, checked."""
    network = parse_v4(cidr)
    inside = any(network.subnet_of(IPv4Network(a["CidrBlock"])) for a in vpc.doc["CidrBlockAssociationSet"])
    if not (16 <= network.prefixlen <= 28 and inside):
        raise InvalidParameter("InvalidSubnet.Range", f"The CIDR '{cidr}' is invalid.")
    for other in call.tx.children("subnet", vpc.id):
        if other.doc.get("CidrBlock") and overlaps(other.doc["CidrBlock"], str(network)):
            raise InvalidParameter("InvalidSubnet.Conflict", f"The CIDR '{cidr}' conflicts with another subnet")
    return str(network)


def new_subnet(
    call: Call,
    vpc: Record,
    cidr: str | None,
    zone: Zone,
    *,
    default_for_az: bool = False,
    tags: dict[str, str] | None = None,
    ipv6_cidr: str | None = None,
) -> Record:
    """A subnet; ``cidr`` None makes an IPv6-only subnet of ``ipv6_cidr``."""
    sid = call.new_id("subnet", "subnet")
    ipv6 = [ipv6_blocks.subnet_association(call, ipv6_cidr)] if ipv6_cidr else []
    native = cidr is None
    doc = {
        "SubnetId": sid,
        "SubnetArn": ec2_arn(call.region.name, call.account, "subnet", sid),
        "VpcId": vpc.id,
        "OwnerId": call.account,
        "CidrBlock": cidr,
        "AvailabilityZone": zone.name,
        "AvailabilityZoneId": zone.zone_id,
        "State": "available",
        "DefaultForAz": default_for_az,
        "MapPublicIpOnLaunch": default_for_az,
        "MapCustomerOwnedIpOnLaunch": False,
        "AssignIpv6AddressOnCreation": native,
        "Ipv6CidrBlockAssociationSet": ipv6,
        "Ipv6Native": native,
        "EnableDns64": False,
        "EnableLniAtDeviceIndex": None,
        "PrivateDnsNameOptionsOnLaunch": {
            "HostnameType": "resource-name" if native else "ip-name",
            "EnableResourceNameDnsARecord": False,
            "EnableResourceNameDnsAAAARecord": False,
        },
        "BlockPublicAccessStates": {"InternetGatewayBlockMode": "off"},
    }
    doc = {k: v for k, v in doc.items() if v is not None}
    subnet = call.tx.put(call.record("subnet", sid, doc, vpc.id, allocated={}).evolve(tags=tags or {}))
    acls.associate_default(call, subnet)
    return subnet


def create_subnet(call: Call, params: Params) -> Result:
    vpc = get(call, "vpc", params["VpcId"])
    if params.get("Ipv6IpamPoolId"):
        raise NotFound("InvalidIpamPoolId.NotFound", f"The ipam pool ID '{params['Ipv6IpamPoolId']}' does not exist")
    cidr, ipv6 = _requested_blocks(params)
    cidr = _check_cidr(call, vpc, cidr) if cidr else None
    ipv6 = ipv6_blocks.check_subnet_block(call, vpc, ipv6) if ipv6 else None
    zone = _zone(call, params)
    subnet = new_subnet(call, vpc, cidr, zone, tags=tags_for(call, params, "subnet"), ipv6_cidr=ipv6)
    shown = present_subnet(subnet)
    shown["State"] = "pending"
    return {"Subnet": shown}


def _zone(call: Call, params: Params) -> Zone:
    if params.get("AvailabilityZone") or params.get("AvailabilityZoneId"):
        return call.zone(params.get("AvailabilityZone"), params.get("AvailabilityZoneId"))
    # AWS picks an AZ when none is named; vpcsim picks the region's first, so that runs are reproducible.
    return call.region.zones[0]


def _requested_blocks(params: Params) -> tuple[str | None, str | None]:
    """(IPv4 CIDR, IPv6 CIDR) a CreateSubnet asks for: an IPv6-only subnet takes an IPv6 block and no IPv4 one
    ("This parameter is not supported for an IPv6 only subnet" [EC2API CreateSubnet CidrBlock])."""
    cidr, ipv6 = params.get("CidrBlock"), params.get("Ipv6CidrBlock")
    if params.get("Ipv6Native"):
        if cidr:
            raise InvalidParameter(
                "InvalidParameterCombination", "The parameter cidrBlock cannot be used with the parameter ipv6Native"
            )
        if not ipv6:
            raise InvalidParameter("MissingParameter", "The request must contain the parameter ipv6CidrBlock")
        return None, ipv6
    if not cidr:
        raise InvalidParameter("MissingParameter", "The request must contain the parameter cidrBlock.")
    return cidr, ipv6


def describe_subnets(call: Call, params: Params) -> Result:
    return LISTING.run(call, params)


_BOOLEAN_ATTRIBUTES = (
    "MapPublicIpOnLaunch",
    "AssignIpv6AddressOnCreation",
    "EnableDns64",
    "MapCustomerOwnedIpOnLaunch",
)
_DNS_RECORDS = {
    "EnableResourceNameDnsARecordOnLaunch": "EnableResourceNameDnsARecord",
    "EnableResourceNameDnsAAAARecordOnLaunch": "EnableResourceNameDnsAAAARecord",
}


def modify_subnet_attribute(call: Call, params: Params) -> Result:
    subnet = get(call, "subnet", params["SubnetId"])
    changes = {name: params[name]["Value"] for name in _BOOLEAN_ATTRIBUTES if name in params}
    naming = _naming_changes(subnet, params)
    if not changes and not naming:
        raise InvalidParameter("InvalidParameterCombination", "Specify one subnet attribute to modify.")
    _check_ipv6_attributes(subnet, changes)
    if naming:
        changes["PrivateDnsNameOptionsOnLaunch"] = {**subnet.doc["PrivateDnsNameOptionsOnLaunch"], **naming}
    call.tx.put(subnet.with_doc(**changes))
    return {}


def _check_ipv6_attributes(subnet: Record, changes: dict[str, Any]) -> None:
    if changes.get("AssignIpv6AddressOnCreation") and not subnet.doc["Ipv6CidrBlockAssociationSet"]:
        raise InvalidParameter("InvalidParameterValue", f"The subnet '{subnet.id}' has no IPv6 CIDR block.")
    if changes.get("AssignIpv6AddressOnCreation") is False and subnet.doc.get("Ipv6Native"):
        raise InvalidParameter(
            "InvalidParameterValue",
            f"AssignIpv6AddressOnCreation cannot be disabled on the IPv6-only subnet '{subnet.id}'.",
        )
    if changes.get("MapPublicIpOnLaunch") and subnet.doc.get("Ipv6Native"):
        raise InvalidParameter(
            "InvalidParameterValue", f"The IPv6-only subnet '{subnet.id}' has no IPv4 addresses to map."
        )


def _naming_changes(subnet: Record, params: Params) -> dict[str, Any]:
    """Changes to PrivateDnsNameOptionsOnLaunch: hostname type and the A / AAAA resource-name records."""
    naming: dict[str, Any] = {member: params[name]["Value"] for name, member in _DNS_RECORDS.items() if name in params}
    hostname = params.get("PrivateDnsHostnameTypeOnLaunch")
    if hostname is not None:
        if hostname not in ("ip-name", "resource-name"):
            raise InvalidParameter(
                "InvalidParameterValue", f"Value ({hostname}) for parameter privateDnsHostnameTypeOnLaunch is invalid."
            )
        if hostname == "ip-name" and subnet.doc.get("Ipv6Native"):
            raise InvalidParameter(
                "InvalidParameterValue", f"The IPv6-only subnet '{subnet.id}' must use resource-name hostnames."
            )
        naming["HostnameType"] = hostname
    if naming.get("EnableResourceNameDnsAAAARecord") and not subnet.doc["Ipv6CidrBlockAssociationSet"]:
        raise InvalidParameter(
            "InvalidParameterValue", f"The subnet '{subnet.id}' has no IPv6 CIDR block for AAAA records."
        )
    return naming


def delete_subnet(call: Call, params: Params) -> Result:
    subnet = get(call, "subnet", params["SubnetId"])
    if subnet.extra.get("allocated") or subnet.extra.get("allocated6"):
        raise DependencyViolation(f"The subnet '{subnet.id}' has dependencies and cannot be deleted.")
    for table in list(call.tx.children("route-table", subnet.parent or "")):
        kept = [a for a in table.doc["Associations"] if a.get("SubnetId") != subnet.id]
        if len(kept) != len(table.doc["Associations"]):
            call.tx.put(table.with_doc(Associations=kept))
    acls.dissociate(call, subnet.id, subnet.parent or "")
    call.tx.delete("subnet", subnet.id)
    return {}


# -- private IP allocation, used by network interfaces, NAT gateways, endpoints and load balancers ---------------
def current(call: Call, subnet: Record) -> Record:
    """The subnet as the transaction holds it now. Allocations write the subnet's ``allocated`` (IPv4) and
    ``allocated6`` maps: each must start from the latest record, or writing one map from a record read before the
    other changed puts the other back (every interface of a subnet assigning IPv6 got the same IPv4 address)."""
    return call.tx.find("subnet", subnet.id) or subnet


def allocate_ip(call: Call, subnet: Record, owner: str, wanted: str | None = None) -> str:
    """A free private IPv4 address of ``subnet`` for ``owner`` (lowest first), or the ``wanted`` one if free."""
    subnet = current(call, subnet)
    if not subnet.doc.get("CidrBlock"):
        raise InvalidParameter(
            "InvalidParameterValue", f"The IPv6-only subnet '{subnet.id}' has no private IPv4 addresses."
        )
    network = IPv4Network(subnet.doc["CidrBlock"])
    allocated: dict[str, str] = dict(subnet.extra.get("allocated", {}))
    if wanted is not None:
        address = _check_wanted(network, allocated, wanted)
    else:
        address = _lowest_free(network, allocated, subnet.id)
    allocated[address] = owner
    call.tx.put(subnet.with_extra(allocated=allocated))
    return address


def _check_wanted(network: IPv4Network, allocated: dict[str, str], wanted: str) -> str:
    try:
        address = IPv4Address(wanted)
    except ValueError:
        raise InvalidParameter("InvalidParameterValue", f"Invalid private IP address '{wanted}'.") from None
    first, last = int(network.network_address), int(network.broadcast_address)
    if not first + 4 <= int(address) < last:
        raise InvalidParameter(
            "InvalidParameterValue",
            f"Address {wanted} does not fall within the subnet's address range or is reserved by AWS "
            "(the first four addresses and the last).",
        )
    if str(address) in allocated:
        raise ApiError("InvalidIPAddress.InUse", f"Address {wanted} is in use.")
    return str(address)


def _lowest_free(network: IPv4Network, allocated: dict[str, str], subnet_id: str) -> str:
    first, last = int(network.network_address) + 4, int(network.broadcast_address)
    for value in range(first, last):
        text = str(IPv4Address(value))
        if text not in allocated:
            return text
    raise ApiError("InsufficientFreeAddressesInSubnet", f"The subnet '{subnet_id}' has no free addresses.")


def release_ip(call: Call, subnet_id: str, address: str) -> None:
    subnet = call.tx.find("subnet", subnet_id)
    if subnet is not None:
        allocated = {ip: o for ip, o in subnet.extra.get("allocated", {}).items() if ip != address}
        call.tx.put(subnet.with_extra(allocated=allocated))
