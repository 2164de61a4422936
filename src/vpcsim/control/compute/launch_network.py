"""Where a launch goes: its subnet, security groups and network interfaces, and how many instances fit.

Facts [EC2API RunInstances]: without NetworkInterfaces the instance goes in SubnetId (or the default VPC's subnet in
the requested zone) with SecurityGroupIds/SecurityGroups (or the VPC's default group); with them, instance-level
subnet, groups and private address are refused (``InvalidParameterCombination``); device index 0 is required and
every interface is in one zone; a private address or an existing interface allows one instance only. Per instance
type [EC2UG "IP addresses per network interface per instance type"]: at most MaximumNetworkInterfaces interfaces
(``AttachmentLimitExceeded``, AWS's text "Interface count 3 exceeds the limit for m1.small") and
Ipv4AddressesPerInterface addresses on each, primary included (``PrivateIpAddressLimitExceeded``, "Number of private
addresses will exceed limit.").
"""

from __future__ import annotations

from dataclasses import dataclass
from ipaddress import IPv4Network
from typing import Any

from vpcsim.catalog.instance_types import eni_limits, offered_types
from vpcsim.control.compute import interfaces
from vpcsim.control.compute import ipv6_addresses as ipv6
from vpcsim.control.compute.launch_spec import requested_type
from vpcsim.control.core.call import Call, Params
from vpcsim.control.core.lookup import get
from vpcsim.errors import ApiError, InvalidParameter, NotFound
from vpcsim.model import Record


@dataclass(frozen=True, slots=True)
class Nic:
    """One network interface a launch asks for."""

    device_index: int
    subnet: Record
    groups: list[Record]
    private_ip: str | None = None
    secondary_count: int = 0
    public_ip: bool = False
    delete_on_termination: bool = True
    description: str = ""
    existing: Record | None = None
    ipv6: ipv6.Ipv6Request | None = None


def launch_count(params: Params, nics: list[Nic]) -> int:
    low, high = params["MinCount"], params["MaxCount"]
    if low < 1:
        raise InvalidParameter(
            "InvalidParameterValue", f"Value ({low}) for parameter minCount is invalid. Expected a positive integer."
        )
    if high < low:
        raise InvalidParameter(
            "InvalidParameterValue",
            f"Value ({high}) for parameter maxCount is invalid. It must be at least minCount ({low}).",
        )
    if high > 1 and any(n.private_ip or n.existing or (n.ipv6 and n.ipv6.addresses) for n in nics):
        raise InvalidParameter(
            "InvalidParameterCombination",
            "A private IP address or an existing network interface can only be given when launching one instance.",
        )
    fits = (
        min(_free(n.subnet) // (1 + n.secondary_count) for n in nics if n.existing is None)
        if any(n.existing is None for n in nics)
        else high
    )
    if fits < low:
        subnet = nics[0].subnet.id
        raise ApiError(
            "InsufficientFreeAddressesInSubnet",
            f"There are not enough free addresses in subnet '{subnet}' to satisfy the requested number of instances.",
        )
    return int(min(high, fits))


def _free(subnet: Record) -> int:
    if not subnet.doc.get("CidrBlock"):
        return 1 << 32  # an IPv6-only subnet: its /64 never runs out for a launch
    network = IPv4Network(subnet.doc["CidrBlock"])
    return int(network.num_addresses) - 5 - len(subnet.extra.get("allocated", {}))


def launch_interfaces(call: Call, params: Params) -> list[Nic]:
    specs = params.get("NetworkInterfaces") or []
    if not specs:
        subnet = _subnet(call, params)
        groups = _groups(call, subnet, params)
        public = bool(subnet.doc["MapPublicIpOnLaunch"])
        request = ipv6.requested(params)
        return [Nic(0, subnet, groups, params.get("PrivateIpAddress"), 0, public, ipv6=request)]
    for name, noun in (
        ("SubnetId", "subnet ID"),
        ("SecurityGroupIds", "security groups"),
        ("PrivateIpAddress", "private IP address"),
        ("Ipv6AddressCount", "IPv6 address count"),
        ("Ipv6Addresses", "IPv6 addresses"),
    ):
        if params.get(name) or (name == "SecurityGroupIds" and params.get("SecurityGroups")):
            raise InvalidParameter(
                "InvalidParameterCombination",
                f"Network interfaces and an instance-level {noun} may not be specified on the same request",
            )
    nics = sorted((_nic(call, spec, params, len(specs)) for spec in specs), key=lambda n: n.device_index)
    if nics[0].device_index != 0:
        raise InvalidParameter("InvalidParameterValue", "A network interface at device index 0 is required.")
    if any(n.subnet.doc["AvailabilityZone"] != nics[0].subnet.doc["AvailabilityZone"] for n in nics):
        raise InvalidParameter(
            "InvalidParameterValue", "All network interfaces of an instance must be in one Availability Zone."
        )
    return nics


def _nic(call: Call, spec: dict[str, Any], params: Params, total: int) -> Nic:
    index = int(spec.get("DeviceIndex") or 0)
    public = spec.get("AssociatePublicIpAddress")
    if public is not None and (index != 0 or total > 1):
        raise InvalidParameter(
            "InvalidParameterCombination",
            "The associatePublicIPAddress parameter can only be specified for a single network interface "
            "with DeviceIndex 0.",
        )
    if spec.get("NetworkInterfaceId"):
        return _existing_nic(call, spec, index, bool(public))
    subnet = get(call, "subnet", spec["SubnetId"]) if spec.get("SubnetId") else _subnet(call, params)
    groups = (
        interfaces.resolve_groups(call, subnet, spec["Groups"]) if spec.get("Groups") else default_group(call, subnet)
    )
    primary, secondaries = interfaces.requested_addresses(spec)
    return Nic(
        index,
        subnet,
        groups,
        primary,
        int(spec.get("SecondaryPrivateIpAddressCount") or 0) + len(secondaries),
        bool(subnet.doc["MapPublicIpOnLaunch"]) if public is None else bool(public),
        spec.get("DeleteOnTermination", True) is not False,
        spec.get("Description") or "",
        ipv6=ipv6.requested(spec, primary_member="PrimaryIpv6"),
    )


def _existing_nic(call: Call, spec: dict[str, Any], index: int, public: bool) -> Nic:
    eni = get(call, "network-interface", spec["NetworkInterfaceId"])
    if eni.doc.get("Attachment"):
        raise ApiError("InvalidNetworkInterface.InUse", f"Interface: [{eni.id}] in use.")
    subnet = get(call, "subnet", eni.doc["SubnetId"])
    return Nic(
        index, subnet, [], public_ip=public, delete_on_termination=bool(spec.get("DeleteOnTermination")), existing=eni
    )


def _subnet(call: Call, params: Params) -> Record:
    if params.get("SubnetId"):
        return get(call, "subnet", params["SubnetId"])
    vpc = next((v for v in call.scan("vpc") if v.doc["IsDefault"]), None)
    if vpc is None:
        raise ApiError(
            "VPCIdNotSpecified",
            "No default VPC for this user. GroupName is only supported for EC2-Classic and default VPC.",
        )
    wanted = (params.get("Placement") or {}).get("AvailabilityZone")
    defaults = {s.doc["AvailabilityZone"]: s for s in call.tx.children("subnet", vpc.id) if s.doc["DefaultForAz"]}
    if wanted:
        found = defaults.get(call.zone(wanted).name)
    else:
        # "If you don't specify a subnet ID, we choose a default subnet from your default VPC for you" [EC2API
        # RunInstances]: one in a zone that offers the instance type, the account's first such zone.
        kind = requested_type(params)
        offering = [z.name for z in call.region.zones if kind in offered_types(call.region.name, z.zone_id)]
        found = next((defaults[z] for z in offering if z in defaults), None)
        found = found or next((defaults[z.name] for z in call.region.zones if z.name in defaults), None)
    if found is None:
        raise ApiError("MissingInput", f"No subnets found for the default VPC '{vpc.id}'. Please specify a subnet.")
    return found


def _groups(call: Call, subnet: Record, params: Params) -> list[Record]:
    ids = list(params.get("SecurityGroupIds") or [])
    names = params.get("SecurityGroups") or []
    vpc = call.tx.find("vpc", subnet.parent or "")
    if names and not (vpc and vpc.doc["IsDefault"]):
        raise InvalidParameter(
            "InvalidParameterCombination", "The parameter groupName cannot be used with the parameter subnet"
        )
    for name in names:
        group = next(
            (g for g in call.tx.children("security-group", subnet.parent or "") if g.doc["GroupName"] == name), None
        )
        if group is None:
            raise NotFound(
                "InvalidGroup.NotFound", f"The security group '{name}' does not exist in VPC '{subnet.parent}'"
            )
        ids.append(group.id)
    return interfaces.resolve_groups(call, subnet, ids) if ids else default_group(call, subnet)


def default_group(call: Call, subnet: Record) -> list[Record]:
    return [g for g in call.tx.children("security-group", subnet.parent or "") if g.doc["GroupName"] == "default"]


def check_interface_limits(instance_type: str, nics: list[Nic]) -> None:
    """The type's limits on interfaces per instance and addresses per interface, as AWS enforces them at launch."""
    limits = eni_limits(instance_type)
    if limits is None:
        return
    max_interfaces, per_interface, _ = limits
    if len(nics) > max_interfaces:
        raise interfaces.interface_limit(len(nics), instance_type)
    if any(n.existing is None and 1 + n.secondary_count > per_interface for n in nics):
        raise interfaces.address_limit()
