"""Network interfaces: private IPs from their subnet, security groups, attachments, requester-managed interfaces.

``create_interface`` is the one way any family makes an interface (instances, NAT gateways, endpoints, load
balancers), so that addresses never collide and every interface is described and filtered the same way;
``delete_interface`` gives every address back. Interfaces AWS manages for a service (``requester_managed``) carry an
``ela-attach-`` attachment and are ``in-use``, as AWS shows them; users can neither detach nor delete them.

Facts [EC2API; EC2ERR; VPCUG23]: at most 5 security groups per interface (``SecurityGroupsPerInterfaceLimitExceeded``),
each of the subnet's VPC; an attached interface cannot be deleted (``InvalidNetworkInterface.InUse``); the interface
at device index 0 cannot be detached; attachment ids are ``eni-attach-`` + 17 hex.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from vpcsim.control.compute import ipv6_addresses as ipv6
from vpcsim.control.core.call import Call, Params, Result
from vpcsim.control.core.describe import Listing, member, present
from vpcsim.control.core.lookup import get
from vpcsim.control.core.public_ips import allocate_public_ip, public_dns_name
from vpcsim.control.core.tags import tags_for
from vpcsim.control.network import subnets
from vpcsim.control.security import groups as security_groups
from vpcsim.errors import ApiError, InvalidParameter, LimitExceeded, NotFound
from vpcsim.model import Record

MAX_GROUPS = 5
# How long a detached interface still shows its attachment "detached" [choice: vpcsim; AWS drops it "shortly"].
DETACHED_SHOWN = timedelta(seconds=60)  # security groups per interface, default quota [VPCUG23 8.3]
_CREATION_TYPES = {"interface", "efa", "efa-only", "branch", "trunk"}
# Interfaces of services that work on IPv4 (NAT gateways translate to IPv4; NLB and GWLB nodes take IPv4 subnets).
_NEEDS_IPV4 = {"nat_gateway", "network_load_balancer", "gateway_load_balancer"}
_ATTRIBUTES = {
    "description": "Description",
    "groupSet": "Groups",
    "sourceDestCheck": "SourceDestCheck",
    "attachment": "Attachment",
    "associatePublicIpAddress": "AssociatePublicIpAddress",
}

LISTING = Listing(
    kind="network-interface",
    page_member="NetworkInterfaces",
    ids_member="NetworkInterfaceIds",
    parent_filter="vpc-id",
    filters={
        "addresses.private-ip-address": member("PrivateIpAddresses", "PrivateIpAddress"),
        "addresses.primary": member("PrivateIpAddresses", "Primary"),
        "addresses.association.public-ip": member("PrivateIpAddresses", "Association", "PublicIp"),
        "addresses.association.owner-id": member("PrivateIpAddresses", "Association", "IpOwnerId"),
        "association.allocation-id": member("Association", "AllocationId"),
        "association.association-id": member("Association", "AssociationId"),
        "association.ip-owner-id": member("Association", "IpOwnerId"),
        "association.public-ip": member("Association", "PublicIp"),
        "association.public-dns-name": member("Association", "PublicDnsName"),
        "attachment.attachment-id": member("Attachment", "AttachmentId"),
        "attachment.attach-time": member("Attachment", "AttachTime"),
        "attachment.delete-on-termination": member("Attachment", "DeleteOnTermination"),
        "attachment.device-index": member("Attachment", "DeviceIndex"),
        "attachment.instance-id": member("Attachment", "InstanceId"),
        "attachment.instance-owner-id": member("Attachment", "InstanceOwnerId"),
        "attachment.status": member("Attachment", "Status"),
        "availability-zone": member("AvailabilityZone"),
        "availability-zone-id": member("AvailabilityZoneId"),
        "description": member("Description"),
        "group-id": member("Groups", "GroupId"),
        "group-name": member("Groups", "GroupName"),
        "interface-type": member("InterfaceType"),
        "ipv6-addresses.ipv6-address": member("Ipv6Addresses", "Ipv6Address"),
        "ipv6-address": member("Ipv6Addresses", "Ipv6Address"),
        "mac-address": member("MacAddress"),
        "network-interface-id": member("NetworkInterfaceId"),
        "owner-id": member("OwnerId"),
        "private-dns-name": member("PrivateDnsName"),
        "private-ip-address": member("PrivateIpAddresses", "PrivateIpAddress"),
        "requester-id": member("RequesterId"),
        "requester-managed": member("RequesterManaged"),
        "source-dest-check": member("SourceDestCheck"),
        "status": member("Status"),
        "subnet-id": member("SubnetId"),
        "vpc-id": member("VpcId"),
    },
)


def private_dns_name(call: Call, address: str) -> str:
    """AWS's internal host name: ``ip-10-0-1-5.ec2.internal`` in us-east-1, ``ip-...<region>.compute.internal``."""
    host = "ip-" + address.replace(".", "-")
    if call.region.name == "us-east-1":
        return f"{host}.ec2.internal"
    return f"{host}.{call.region.name}.compute.internal"


def _mac(call: Call) -> str:
    return "0e:" + ":".join(call.ids.hex(2) for _ in range(5))


def _address(call: Call, address: str, primary: bool) -> dict[str, Any]:
    return {"Primary": primary, "PrivateIpAddress": address, "PrivateDnsName": private_dns_name(call, address)}


def create_interface(
    call: Call,
    subnet: Record,
    *,
    description: str = "",
    interface_type: str = "interface",
    groups: list[Record] | None = None,
    private_ip: str | None = None,
    requester_id: str | None = None,
    requester_managed: bool = False,
    tags: dict[str, str] | None = None,
    secondary_ips: list[str] | None = None,
    secondary_count: int = 0,
    ipv6_request: ipv6.Ipv6Request | None = None,
) -> Record:
    """A new interface in ``subnet`` with the next free (or the ``private_ip``) address, status ``available``.

    ``groups`` default to the VPC's default security group, as AWS does. Interfaces AWS creates on a user's behalf
    (endpoints, NAT gateways, load balancers) pass ``requester_managed=True`` and the ``requester_id`` AWS shows.
    ``secondary_ips`` and ``secondary_count`` add secondary private addresses; ``ipv6_request`` IPv6 addresses and
    prefixes (None: none, unless the subnet is IPv6-only). In an IPv6-only subnet the interface has no IPv4 address.
    """
    eid = call.new_id("eni", "network-interface")
    subnet = call.tx.find("subnet", subnet.id) or subnet
    native = bool(subnet.doc.get("Ipv6Native"))
    if native and (private_ip or secondary_ips or secondary_count or interface_type in _NEEDS_IPV4):
        raise InvalidParameter(
            "InvalidParameterCombination",
            f"The IPv6-only subnet '{subnet.id}' has no private IPv4 addresses"
            + (f": a {interface_type} interface needs one." if interface_type in _NEEDS_IPV4 else "."),
        )
    address = None if native else subnets.allocate_ip(call, subnet, eid, private_ip)
    if groups is None:
        groups = [g for g in call.tx.children("security-group", subnet.parent or "") if g.doc["GroupName"] == "default"]
    doc: dict[str, Any] = {
        "NetworkInterfaceId": eid,
        "SubnetId": subnet.id,
        "VpcId": subnet.parent,
        "AvailabilityZone": subnet.doc["AvailabilityZone"],
        "AvailabilityZoneId": subnet.doc["AvailabilityZoneId"],
        "Description": description,
        "Groups": group_list(groups),
        "InterfaceType": interface_type,
        "Ipv6Addresses": [],
        "Ipv6Native": native,
        "MacAddress": _mac(call),
        "OwnerId": call.account,
        "PrivateDnsName": private_dns_name(call, address) if address else None,
        "PrivateIpAddress": address,
        "PrivateIpAddresses": [_address(call, address, True)] if address else [],
        "RequesterManaged": requester_managed,
        "SourceDestCheck": True,
        "Status": "available",
    }
    if requester_id:
        doc["RequesterId"] = requester_id
    doc = {k: v for k, v in doc.items() if v is not None}
    record = call.record("network-interface", eid, doc, subnet.parent).evolve(tags=tags or {})
    if requester_managed:
        record = _service_attachment(call, record)
    record = call.tx.put(record)
    if ipv6_request is not None or native:
        record = ipv6.give(call, record, subnet, ipv6_request or ipv6.Ipv6Request(count=0), must_have=native)
    if secondary_ips or secondary_count:
        record, _ = add_private_ips(call, record, secondary_ips or [], secondary_count)
    return record


def _service_attachment(call: Call, record: Record) -> Record:
    # AWS shows a service's interface in use, attached by an ``ela-attach-`` attachment that users cannot manage.
    attachment = {
        "AttachmentId": call.ids.new("ela-attach", 8),
        "DeleteOnTermination": False,
        "DeviceIndex": 1,
        "InstanceOwnerId": "amazon-aws",
        "Status": "attached",
    }
    return record.with_doc(Attachment=attachment, Status="in-use")


def delete_interface(call: Call, interface: Record) -> None:
    """Remove an interface and give its addresses back to its subnet."""
    for item in interface.doc["PrivateIpAddresses"]:
        subnets.release_ip(call, interface.doc["SubnetId"], item["PrivateIpAddress"])
    ipv6.release_all(call, interface)
    call.tx.delete("network-interface", interface.id)


def group_list(groups: list[Record]) -> list[dict[str, str]]:
    return [{"GroupId": g.id, "GroupName": g.doc["GroupName"]} for g in groups]


def resolve_groups(call: Call, subnet: Record, group_ids: list[str]) -> list[Record]:
    """The security groups named, checked by the security family: at most five, existing, of the subnet's VPC."""
    return security_groups.security_groups_for(call, group_ids, subnet.parent or "", subnet_id=subnet.id)


# -- secondary addresses, attachments and public addresses: used by the handlers below and by instances ----------
def add_private_ips(call: Call, eni: Record, wanted: list[str], count: int) -> tuple[Record, list[str]]:
    """``eni`` with the ``wanted`` addresses and ``count`` more of its subnet's free ones added as secondaries."""
    added: list[str] = []
    for address in [*wanted, *[None] * count]:
        subnet = call.tx.find("subnet", eni.doc["SubnetId"])
        if subnet is None:
            raise NotFound("InvalidSubnetID.NotFound", f"The subnet ID '{eni.doc['SubnetId']}' does not exist")
        added.append(subnets.allocate_ip(call, subnet, eni.id, address))
    entries = [*eni.doc["PrivateIpAddresses"], *(_address(call, a, False) for a in added)]
    return call.tx.put(eni.with_doc(PrivateIpAddresses=entries)), added


def attach(call: Call, eni: Record, instance: Record, device_index: int, *, delete_on_termination: bool) -> Record:
    attachment = {
        "AttachTime": call.timestamp(),
        "AttachmentId": call.new_id("eni-attach", "network-interface-attachment"),
        "DeleteOnTermination": delete_on_termination,
        "DeviceIndex": device_index,
        "NetworkCardIndex": 0,
        "InstanceId": instance.id,
        "InstanceOwnerId": instance.account,
        "Status": "attached",
    }
    _index_on_instance(call, instance.id, eni.id, attachment)
    return call.tx.put(eni.with_doc(Attachment=attachment, Status="in-use").with_extra(detached=None))


def detach(call: Call, eni: Record) -> Record:
    attachment = eni.doc["Attachment"]
    _index_on_instance(call, attachment["InstanceId"], eni.id, None)
    gone = {**attachment, "Status": "detached"}
    detached = eni.with_doc(Attachment=None, Status="available")
    return call.tx.put(detached.with_extra(detached=gone, detached_at=call.now.isoformat()))


def _shown(call: Call, eni: Record) -> Record:
    """An interface as describes show it: for ``DETACHED_SHOWN`` after a detachment, with its attachment
    ``detached``, as AWS shows it before dropping it; clients that wait for a detachment (Terraform's
    aws_network_interface_attachment) poll for exactly that status. Reading changes nothing."""
    gone = eni.extra.get("detached")
    if not gone or eni.doc.get("Attachment"):
        return eni
    if call.now - datetime.fromisoformat(eni.extra["detached_at"]) >= DETACHED_SHOWN:
        return eni
    return eni.with_doc(Attachment=gone)


def _index_on_instance(call: Call, instance_id: str, eni_id: str, attachment: dict[str, Any] | None) -> None:
    """Keep the instance's list of references to its interfaces (ids and device indexes) in step.

    The interface records stay the source of truth; DescribeInstances shows them in full. The references let
    routes and Elastic IPs find an instance's primary interface without a scan.
    """
    instance = call.tx.find("instance", instance_id)
    if instance is None:
        return
    refs = [r for r in instance.doc.get("NetworkInterfaces", []) if r["NetworkInterfaceId"] != eni_id]
    if attachment is not None:
        refs.append(
            {"NetworkInterfaceId": eni_id, "Attachment": {k: attachment[k] for k in ("AttachmentId", "DeviceIndex")}}
        )
    refs.sort(key=lambda r: r["Attachment"]["DeviceIndex"])
    call.tx.put(instance.with_doc(NetworkInterfaces=refs))


def associate_public_ip(call: Call, eni: Record) -> Record:
    """An AWS-owned public address on the interface's primary private address (auto-assigned at launch)."""
    address = allocate_public_ip(call)
    vpc = call.tx.find("vpc", eni.doc["VpcId"])
    hostnames = bool(vpc and vpc.extra.get("attributes", {}).get("EnableDnsHostnames"))
    # Public DNS names exist only where the VPC has DNS hostnames enabled [VPCUG23 vpc-dns].
    association = {"IpOwnerId": "amazon", "PublicDnsName": public_dns_name(call, address) if hostnames else ""}
    association["PublicIp"] = address
    return _set_association(call, eni, association)


def release_public_ip(call: Call, eni: Record) -> Record:
    """Drop an auto-assigned public address; an Elastic IP (with an AllocationId) stays."""
    association = eni.doc.get("Association")
    if association is None or association.get("AllocationId"):
        return eni
    return _set_association(call, eni, None)


def _set_association(call: Call, eni: Record, association: dict[str, Any] | None) -> Record:
    entries = [dict(e) for e in eni.doc["PrivateIpAddresses"]]
    for entry in entries:
        entry.pop("Association", None)
        if entry["Primary"] and association is not None:
            entry["Association"] = association
    return call.tx.put(eni.with_doc(Association=association, PrivateIpAddresses=entries))


# -- handlers ---------------------------------------------------------------------------------------------------
def create_network_interface(call: Call, params: Params) -> Result:
    subnet = get(call, "subnet", params["SubnetId"])
    groups = resolve_groups(call, subnet, params["Groups"]) if params.get("Groups") else None
    interface_type = params.get("InterfaceType") or "interface"
    if interface_type not in _CREATION_TYPES:
        raise InvalidParameter(
            "InvalidParameterValue", f"Value ({interface_type}) for parameter InterfaceType is invalid."
        )
    primary, secondaries = requested_addresses(params)
    eni = create_interface(
        call,
        subnet,
        description=params.get("Description") or "",
        interface_type=interface_type,
        groups=groups,
        private_ip=primary,
        tags=tags_for(call, params, "network-interface"),
        secondary_ips=secondaries,
        secondary_count=params.get("SecondaryPrivateIpAddressCount") or 0,
        ipv6_request=ipv6.requested(params),
    )
    shown = present(eni)
    shown["Status"] = "pending"  # AWS answers CreateNetworkInterface pending; it is available on the next describe.
    result: Result = {"NetworkInterface": shown}
    if params.get("ClientToken"):
        result["ClientToken"] = params["ClientToken"]
    return result


def requested_addresses(params: Params) -> tuple[str | None, list[str]]:
    listed = params.get("PrivateIpAddresses") or []
    if any(not a.get("PrivateIpAddress") for a in listed):
        raise InvalidParameter("InvalidParameterValue", "Each PrivateIpAddresses entry must name its PrivateIpAddress.")
    primary = params.get("PrivateIpAddress")
    marked = [a["PrivateIpAddress"] for a in listed if a.get("Primary")]
    if len(marked) > 1 or (marked and primary and marked[0] != primary):
        raise InvalidParameter("InvalidParameterValue", "Only one private IP address can be designated as primary.")
    primary = primary or (marked[0] if marked else None)
    secondaries = [a["PrivateIpAddress"] for a in listed if a.get("PrivateIpAddress") != primary]
    if primary is None and secondaries:
        primary, secondaries = secondaries[0], secondaries[1:]
    return primary, secondaries


def describe_network_interfaces(call: Call, params: Params) -> Result:
    if params.get("MaxResults") is not None and params.get("NetworkInterfaceIds"):
        raise InvalidParameter(
            "InvalidParameterCombination",
            "The parameter NetworkInterfaceIds cannot be used with the parameter maxResults",
        )
    LISTING.validate_filters(params, call)
    return LISTING.run(call, params, records=[_shown(call, r) for r in LISTING.candidates(call, params)])


def delete_network_interface(call: Call, params: Params) -> Result:
    eni = get(call, "network-interface", params["NetworkInterfaceId"])
    if eni.doc["RequesterManaged"]:
        # Observed for endpoint and NAT gateway interfaces [GH gruntwork-io/cloud-nuke#431].
        raise InvalidParameter("InvalidParameterValue", f"Network interface '{eni.id}' is currently in use.")
    if eni.doc.get("Attachment"):
        raise ApiError("InvalidNetworkInterface.InUse", f"The network interface '{eni.id}' is currently in use.")
    delete_interface(call, eni)
    return {}


def interface_limit(count: int, instance_type: str) -> LimitExceeded:
    """More interfaces than the instance type allows [EC2UG "IP addresses per network interface per instance type"];
    AWS's text, e.g. "Interface count 3 exceeds the limit for m1.small"."""
    return LimitExceeded("AttachmentLimitExceeded", f"Interface count {count} exceeds the limit for {instance_type}")


def address_limit() -> LimitExceeded:
    """More private IPv4 addresses on an interface than the instance type allows (AWS's text)."""
    return LimitExceeded("PrivateIpAddressLimitExceeded", "Number of private addresses will exceed limit.")


def modify_network_interface_attribute(call: Call, params: Params) -> Result:
    eni = get(call, "network-interface", params["NetworkInterfaceId"])
    given = [name for name in ("Description", "SourceDestCheck", "Groups", "Attachment") if name in params]
    # "You can specify only one attribute at a time." [EC2API ModifyNetworkInterfaceAttribute]
    if len(given) != 1:
        raise InvalidParameter(
            "InvalidParameterCombination",
            "Specify exactly one attribute (description, sourceDestCheck, groupSet or attachment).",
        )
    name = given[0]
    if name == "Groups":
        subnet = get(call, "subnet", eni.doc["SubnetId"])
        call.tx.put(eni.with_doc(Groups=group_list(resolve_groups(call, subnet, params["Groups"]))))
    elif name == "Attachment":
        _modify_attachment(call, eni, params["Attachment"])
    else:
        call.tx.put(
            eni.with_doc(**{name: params[name].get("Value")})
            if name == "SourceDestCheck"
            else eni.with_doc(Description=params[name].get("Value") or "")
        )
    return {}


def _modify_attachment(call: Call, eni: Record, change: dict[str, Any]) -> None:
    attachment = eni.doc.get("Attachment")
    if not attachment or attachment["AttachmentId"] != change.get("AttachmentId"):
        raise NotFound(
            "InvalidAttachmentID.NotFound", f"The attachment ID '{change.get('AttachmentId')}' does not exist"
        )
    updated = {**attachment, "DeleteOnTermination": bool(change.get("DeleteOnTermination"))}
    call.tx.put(eni.with_doc(Attachment=updated))


def describe_network_interface_attribute(call: Call, params: Params) -> Result:
    eni = get(call, "network-interface", params["NetworkInterfaceId"])
    attribute = params.get("Attribute")
    if attribute not in _ATTRIBUTES:
        raise InvalidParameter(
            "InvalidParameterValue",
            f"Value ({attribute}) for parameter attribute is invalid. Expected one of: " + ", ".join(_ATTRIBUTES) + ".",
        )
    name = _ATTRIBUTES[attribute]
    result: Result = {"NetworkInterfaceId": eni.id}
    if name == "Groups":
        result["Groups"] = eni.doc["Groups"]
    elif name == "Attachment":
        if eni.doc.get("Attachment"):
            result["Attachment"] = eni.doc["Attachment"]
    elif name == "AssociatePublicIpAddress":
        result[name] = "Association" in eni.doc
    else:
        result[name] = {"Value": eni.doc[name]}
    return result
