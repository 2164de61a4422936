"""Instances, as much as the data plane needs: where traffic starts. An instance is its primary network interface
(made by ``interfaces.create_interface``, attached at device index 0, deleted on termination) plus a state.

Lifecycle rule [choice: vpcsim, deterministic]: every transition completes within the call that starts it, and only
that call's own answer shows the transitional state. RunInstances answers ``pending`` and the instance is ``running``
on every later describe; StopInstances answers ``stopping`` then ``stopped``; StartInstances answers ``pending`` then
``running``; TerminateInstances answers ``shutting-down`` then ``terminated``. So the botocore waiters
``instance_running``, ``instance_stopped`` and ``instance_terminated`` succeed on their first poll. A terminated
instance stays visible for an hour, as in AWS, then describes no longer show it.

What an instance shows of its network (addresses, groups, interfaces, public IP) is read from its interfaces at
describe time, never copied: the interface records are the one source of truth.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from ipaddress import IPv4Network
from typing import Any

from vpcsim.control.compute import interfaces
from vpcsim.control.core.call import Call, Params, Result
from vpcsim.control.core.describe import Listing, member, present
from vpcsim.control.core.lookup import get, get_many
from vpcsim.control.core.tags import tags_for
from vpcsim.errors import ApiError, InvalidParameter, Malformed, NotFound
from vpcsim.model import Record

_CODES = {"pending": 0, "running": 16, "shutting-down": 32, "terminated": 48, "stopping": 64, "stopped": 80}
_VISIBLE_AFTER_TERMINATION = timedelta(hours=1)  # "remains visible ... for approximately one hour" [EC2UG]
_AMI = re.compile(r"^ami-([0-9a-f]{8}|[0-9a-f]{17})$")
_INSTANCE_TYPE = re.compile(r"^[a-z][a-z0-9-]*\.[a-z0-9-]+$")
_DEFAULT_TYPE = "m1.small"  # RunInstances: "Default: m1.small" [EC2API]
_ENI_TAG_TYPES = ("network-interface", "volume")


def state(name: str) -> dict[str, Any]:
    return {"Code": _CODES[name], "Name": name}


LISTING = Listing(
    kind="instance",
    page_member="Instances",
    filters={
        "availability-zone": member("Placement", "AvailabilityZone"),
        "dns-name": member("PublicDnsName"),
        "image-id": member("ImageId"),
        "instance-id": member("InstanceId"),
        "instance-state-code": member("State", "Code"),
        "instance-state-name": member("State", "Name"),
        "instance-type": member("InstanceType"),
        "instance.group-id": member("SecurityGroups", "GroupId"),
        "instance.group-name": member("SecurityGroups", "GroupName"),
        "ip-address": member("PublicIpAddress"),
        "key-name": member("KeyName"),
        "launch-time": member("LaunchTime"),
        "network-interface.addresses.private-ip-address": member(
            "NetworkInterfaces", "PrivateIpAddresses", "PrivateIpAddress"
        ),
        "network-interface.attachment.attachment-id": member("NetworkInterfaces", "Attachment", "AttachmentId"),
        "network-interface.network-interface-id": member("NetworkInterfaces", "NetworkInterfaceId"),
        "network-interface.status": member("NetworkInterfaces", "Status"),
        "network-interface.subnet-id": member("NetworkInterfaces", "SubnetId"),
        "network-interface.vpc-id": member("NetworkInterfaces", "VpcId"),
        "owner-id": lambda r: [r.account],
        "private-dns-name": member("PrivateDnsName"),
        "private-ip-address": member("PrivateIpAddress"),
        "reservation-id": lambda r: [r.extra["reservation"]],
        "source-dest-check": member("SourceDestCheck"),
        "subnet-id": member("SubnetId"),
        "vpc-id": member("VpcId"),
    },
)


@dataclass(frozen=True, slots=True)
class _Nic:
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


# -- RunInstances -----------------------------------------------------------------------------------------------
def run_instances(call: Call, params: Params) -> Result:
    image = _image(params)
    instance_type = params.get("InstanceType") or _DEFAULT_TYPE
    if not _INSTANCE_TYPE.match(instance_type):
        raise InvalidParameter("InvalidParameterValue", f"Invalid value '{instance_type}' for InstanceType.")
    nics = _nics(call, params)
    count = _launch_count(params, nics)
    tags, eni_tags = _launch_tags(call, params)
    reservation = call.ids.new("r")
    launched = [_launch(call, i, reservation, nics, image, instance_type, tags, eni_tags, params) for i in range(count)]
    by_instance = _interfaces_by_instance(call)
    shown = [_shown_pending(_view(r, by_instance.get(r.id, []))) for r in launched]
    return {"ReservationId": reservation, "OwnerId": call.account, "Groups": [], "Instances": shown}


def _shown_pending(view: Record) -> dict[str, Any]:
    # AWS answers RunInstances pending, before the public address is assigned.
    shown = present(view)
    shown["State"] = state("pending")
    shown.pop("PublicIpAddress", None)
    shown["PublicDnsName"] = ""
    return shown


def _image(params: Params) -> str:
    image = params.get("ImageId")
    if not image:
        raise InvalidParameter("MissingParameter", "The request must contain the parameter ImageId")
    if not _AMI.match(image):
        raise Malformed("InvalidAMIID.Malformed", f'Invalid id: "{image}" (expecting "ami-...")')
    return str(image)


def _launch_count(params: Params, nics: list[_Nic]) -> int:
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
    if high > 1 and any(n.private_ip or n.existing for n in nics):
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
    network = IPv4Network(subnet.doc["CidrBlock"])
    return int(network.num_addresses) - 5 - len(subnet.extra.get("allocated", {}))


def _launch_tags(call: Call, params: Params) -> tuple[dict[str, str], dict[str, str]]:
    specs = params.get("TagSpecifications") or []
    own = [s for s in specs if s.get("ResourceType") not in _ENI_TAG_TYPES]
    eni = [s for s in specs if s.get("ResourceType") == "network-interface"]
    return tags_for(call, {"TagSpecifications": own}, "instance"), tags_for(
        call, {"TagSpecifications": eni}, "network-interface"
    )


# -- where a launch goes: subnets, groups and interfaces ---------------------------------------------------------
def _nics(call: Call, params: Params) -> list[_Nic]:
    specs = params.get("NetworkInterfaces") or []
    if not specs:
        subnet = _subnet(call, params)
        groups = _groups(call, subnet, params)
        return [_Nic(0, subnet, groups, params.get("PrivateIpAddress"), 0, bool(subnet.doc["MapPublicIpOnLaunch"]))]
    for name, noun in (
        ("SubnetId", "subnet ID"),
        ("SecurityGroupIds", "security groups"),
        ("PrivateIpAddress", "private IP address"),
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


def _nic(call: Call, spec: dict[str, Any], params: Params, total: int) -> _Nic:
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
        interfaces.resolve_groups(call, subnet, spec["Groups"]) if spec.get("Groups") else _default_group(call, subnet)
    )
    primary, secondaries = interfaces.requested_addresses(spec)
    return _Nic(
        index,
        subnet,
        groups,
        primary,
        int(spec.get("SecondaryPrivateIpAddressCount") or 0) + len(secondaries),
        bool(subnet.doc["MapPublicIpOnLaunch"]) if public is None else bool(public),
        spec.get("DeleteOnTermination", True) is not False,
        spec.get("Description") or "",
    )


def _existing_nic(call: Call, spec: dict[str, Any], index: int, public: bool) -> _Nic:
    eni = get(call, "network-interface", spec["NetworkInterfaceId"])
    if eni.doc.get("Attachment"):
        raise ApiError("InvalidNetworkInterface.InUse", f"Interface: [{eni.id}] in use.")
    subnet = get(call, "subnet", eni.doc["SubnetId"])
    return _Nic(
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
    zone = call.zone(wanted).name if wanted else call.region.zones[0].name
    found = [
        s for s in call.tx.children("subnet", vpc.id) if s.doc["DefaultForAz"] and s.doc["AvailabilityZone"] == zone
    ]
    if not found:
        raise ApiError("MissingInput", f"No subnets found for the default VPC '{vpc.id}'. Please specify a subnet.")
    return found[0]


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
    return interfaces.resolve_groups(call, subnet, ids) if ids else _default_group(call, subnet)


def _default_group(call: Call, subnet: Record) -> list[Record]:
    return [g for g in call.tx.children("security-group", subnet.parent or "") if g.doc["GroupName"] == "default"]


def _launch(
    call: Call,
    index: int,
    reservation: str,
    nics: list[_Nic],
    image: str,
    instance_type: str,
    tags: dict[str, str],
    eni_tags: dict[str, str],
    params: Params,
) -> Record:
    iid = call.new_id("i", "instance")
    subnet = nics[0].subnet
    vpc = call.tx.find("vpc", subnet.parent or "")
    doc = _instance_doc(call, iid, index, subnet, image, instance_type, params)
    doc["Placement"]["Tenancy"] = vpc.doc["InstanceTenancy"] if vpc else "default"
    extra = {"reservation": reservation, "disable_api_termination": bool(params.get("DisableApiTermination"))}
    instance = call.tx.put(call.record("instance", iid, doc, subnet.parent, **extra).evolve(tags=tags))
    for nic in nics:
        eni = nic.existing or interfaces.create_interface(
            call,
            nic.subnet,
            description=nic.description,
            groups=nic.groups,
            private_ip=nic.private_ip,
            secondary_count=nic.secondary_count,
            tags=eni_tags,
        )
        eni = interfaces.attach(call, eni, instance, nic.device_index, delete_on_termination=nic.delete_on_termination)
        if nic.public_ip:
            eni = interfaces.associate_public_ip(call, eni.with_extra(auto_public_ip=True))
    return call.tx.find("instance", iid) or instance


def _instance_doc(
    call: Call, iid: str, index: int, subnet: Record, image: str, instance_type: str, params: Params
) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "InstanceId": iid,
        "ImageId": image,
        "InstanceType": instance_type,
        "State": state("running"),
        "PrivateDnsName": "",
        "PublicDnsName": "",
        "StateTransitionReason": "",
        "AmiLaunchIndex": index,
        "ProductCodes": [],
        "LaunchTime": call.timestamp(),
        "Placement": {
            "AvailabilityZone": subnet.doc["AvailabilityZone"],
            "AvailabilityZoneId": subnet.doc["AvailabilityZoneId"],
            "GroupName": "",
            "Tenancy": "default",
        },
        "Monitoring": {"State": "enabled" if (params.get("Monitoring") or {}).get("Enabled") else "disabled"},
        "SubnetId": subnet.id,
        "VpcId": subnet.parent,
        "Architecture": "x86_64",
        "BlockDeviceMappings": [],
        "ClientToken": params.get("ClientToken") or "",
        "EbsOptimized": bool(params.get("EbsOptimized")),
        "EnaSupport": True,
        "Hypervisor": "xen",
        "RootDeviceName": "/dev/xvda",
        "RootDeviceType": "ebs",
        "SecurityGroups": [],
        "NetworkInterfaces": [],
        "SourceDestCheck": True,
        "VirtualizationType": "hvm",
        "PlatformDetails": "Linux/UNIX",
        "UsageOperation": "RunInstances",
        "PrivateDnsNameOptions": {
            "HostnameType": "ip-name",
            "EnableResourceNameDnsARecord": False,
            "EnableResourceNameDnsAAAARecord": False,
        },
    }
    if params.get("KeyName"):
        doc["KeyName"] = params["KeyName"]
    return doc


# -- what an instance shows: its stored doc and its interfaces ---------------------------------------------------
def _interfaces_by_instance(call: Call) -> dict[str, list[Record]]:
    found: dict[str, list[Record]] = {}
    for eni in call.scan("network-interface"):
        instance_id = (eni.doc.get("Attachment") or {}).get("InstanceId")
        if instance_id:
            found.setdefault(instance_id, []).append(eni)
    for enis in found.values():
        enis.sort(key=lambda e: e.doc["Attachment"]["DeviceIndex"])
    return found


def _view(instance: Record, enis: list[Record]) -> Record:
    doc = dict(instance.doc)
    doc["NetworkInterfaces"] = [{k: v for k, v in e.doc.items() if k != "TagSet"} for e in enis]
    primary = enis[0] if enis and enis[0].doc["Attachment"]["DeviceIndex"] == 0 else None
    if primary is not None:
        doc["PrivateIpAddress"] = primary.doc["PrivateIpAddress"]
        doc["PrivateDnsName"] = primary.doc["PrivateDnsName"]
        doc["SecurityGroups"] = primary.doc["Groups"]
        doc["SourceDestCheck"] = primary.doc["SourceDestCheck"]
        association = primary.doc.get("Association")
        if association:
            doc["PublicIpAddress"] = association["PublicIp"]
            doc["PublicDnsName"] = association["PublicDnsName"]
    return instance.evolve(doc=doc)


def _visible(call: Call, instance: Record) -> bool:
    gone = instance.extra.get("terminated_at")
    return gone is None or call.now - datetime.fromisoformat(gone) < _VISIBLE_AFTER_TERMINATION


def visible_instances(call: Call, ids: list[str] | None) -> list[Record]:
    """The instances named (NotFound for any unknown or long-terminated one), or every visible one."""
    if not ids:
        return [r for r in call.scan("instance") if _visible(call, r)]
    found = get_many(call, "instance", ids)
    hidden = [r.id for r in found if not _visible(call, r)]
    if hidden:
        raise NotFound("InvalidInstanceID.NotFound", f"The instance IDs '{', '.join(hidden)}' do not exist")
    return found


def describe_instances(call: Call, params: Params) -> Result:
    if params.get("MaxResults") is not None and params.get("InstanceIds"):
        raise InvalidParameter(
            "InvalidParameterCombination", "The parameter instancesSet cannot be used with the parameter maxResults"
        )
    by_instance = _interfaces_by_instance(call)
    views = [_view(r, by_instance.get(r.id, [])) for r in visible_instances(call, params.get("InstanceIds"))]
    listed = LISTING.run(call, params, records=views)
    reservation_of = {v.id: v.extra["reservation"] for v in views}
    result: Result = {"Reservations": _reservations(call, listed["Instances"], reservation_of)}
    if "NextToken" in listed:
        result["NextToken"] = listed["NextToken"]
    return result


def _reservations(call: Call, shown: Iterable[dict[str, Any]], reservation_of: dict[str, str]) -> list[dict[str, Any]]:
    grouped: dict[str, list[dict[str, Any]]] = {}
    for instance in shown:
        grouped.setdefault(reservation_of[instance["InstanceId"]], []).append(instance)
    return [
        {"ReservationId": rid, "OwnerId": call.account, "Groups": [], "Instances": items}
        for rid, items in grouped.items()
    ]
