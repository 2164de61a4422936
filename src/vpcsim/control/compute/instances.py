"""Instances, as much as the data plane needs: where traffic starts. An instance is its primary network interface
(made by ``interfaces.create_interface``, attached at device index 0, deleted on termination) plus a state.

Lifecycle rule [choice: vpcsim, deterministic]: every transition completes within the call that starts it, and only
that call's own answer shows the transitional state. RunInstances answers ``pending`` and the instance is ``running``
on every later describe; StopInstances answers ``stopping`` then ``stopped``; StartInstances answers ``pending`` then
``running``; TerminateInstances answers ``shutting-down`` then ``terminated``. So the botocore waiters
``instance_running``, ``instance_stopped`` and ``instance_terminated`` succeed on their first poll. A terminated
instance stays visible for an hour, as in AWS, then describes no longer show it.

What an instance shows of its network (addresses, groups, interfaces, public IP) and of its block devices is read
from its interfaces and volumes at describe time, never copied: those records are the one source of truth. A launch
is checked in two parts: where it goes (``launch_network``: subnet, groups, interfaces, the type's interface and
address limits) and what it is (``launch_spec``: image, instance type, block devices, key pair, options).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from vpcsim.control.compute import instance_filters, interfaces, launch_network, profile_associations, volumes
from vpcsim.control.compute.launch_network import Nic
from vpcsim.control.compute.launch_spec import LaunchSpec, launch_image, launch_spec
from vpcsim.control.core.call import Call, Params, Result
from vpcsim.control.core.describe import Listing, member, present
from vpcsim.control.core.lookup import get_many
from vpcsim.control.core.tags import tags_for
from vpcsim.errors import InvalidParameter, NotFound
from vpcsim.model import Record

_CODES = {"pending": 0, "running": 16, "shutting-down": 32, "terminated": 48, "stopping": 64, "stopped": 80}
_VISIBLE_AFTER_TERMINATION = timedelta(hours=1)  # "remains visible ... for approximately one hour" [EC2UG]
_TAGGED_WITH_INSTANCE = ("network-interface", "volume")


def state(name: str) -> dict[str, Any]:
    return {"Code": _CODES[name], "Name": name}


LISTING = Listing(
    kind="instance",
    page_member="Instances",
    filters={
        **instance_filters.INSTANCES,
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


# -- RunInstances -----------------------------------------------------------------------------------------------
def run_instances(call: Call, params: Params) -> Result:
    image = launch_image(call, params)
    nics = launch_network.launch_interfaces(call, params)
    spec = launch_spec(call, params, image, call.zone(nics[0].subnet.doc["AvailabilityZone"]))
    launch_network.check_interface_limits(spec.instance_type, nics)
    count = launch_network.launch_count(params, nics)
    tags = _launch_tags(call, params)
    reservation = call.ids.new("r")
    launched = [_launch(call, i, reservation, nics, spec, tags) for i in range(count)]
    by_instance, by_volume = _interfaces_by_instance(call), volumes.volumes_by_instance(call)
    shown = [_shown_pending(_view(r, by_instance.get(r.id, []), by_volume.get(r.id, []))) for r in launched]
    return {"ReservationId": reservation, "OwnerId": call.account, "Groups": [], "Instances": shown}


def _shown_pending(view: Record) -> dict[str, Any]:
    # AWS answers RunInstances pending, before the public address is assigned and the metadata options applied.
    shown = present(view)
    shown["State"] = state("pending")
    shown.pop("PublicIpAddress", None)
    shown["PublicDnsName"] = ""
    shown["MetadataOptions"] = {**shown["MetadataOptions"], "State": "pending"}
    return shown


def _launch_tags(call: Call, params: Params) -> dict[str, dict[str, str]]:
    """Tags for the instance and, by their ResourceType, for its interfaces and volumes."""
    specs = params.get("TagSpecifications") or []
    own = [s for s in specs if s.get("ResourceType") not in _TAGGED_WITH_INSTANCE]
    tags = {"instance": tags_for(call, {"TagSpecifications": own}, "instance")}
    for kind in _TAGGED_WITH_INSTANCE:
        wanted = [s for s in specs if s.get("ResourceType") == kind]
        tags[kind] = tags_for(call, {"TagSpecifications": wanted}, kind)
    return tags


def _launch(
    call: Call, index: int, reservation: str, nics: list[Nic], spec: LaunchSpec, tags: dict[str, dict[str, str]]
) -> Record:
    iid = call.new_id("i", "instance")
    subnet = nics[0].subnet
    vpc = call.tx.find("vpc", subnet.parent or "")
    doc = _instance_doc(call, iid, index, subnet, spec)
    doc["Placement"]["Tenancy"] = vpc.doc["InstanceTenancy"] if vpc else "default"
    record = call.record("instance", iid, doc, subnet.parent, reservation=reservation, **spec.extra)
    instance = call.tx.put(record.evolve(tags=tags["instance"]))
    for nic in nics:
        eni = nic.existing or interfaces.create_interface(
            call,
            nic.subnet,
            description=nic.description,
            groups=nic.groups,
            private_ip=nic.private_ip,
            secondary_count=nic.secondary_count,
            tags=tags["network-interface"],
            ipv6_request=nic.ipv6,
        )
        eni = interfaces.attach(call, eni, instance, nic.device_index, delete_on_termination=nic.delete_on_termination)
        if nic.public_ip:
            eni = interfaces.associate_public_ip(call, eni.with_extra(auto_public_ip=True))
    volumes.create_volumes(call, instance, spec.mappings, tags["volume"])
    if "IamInstanceProfile" in spec.doc:
        profile_associations.create(call, instance, spec.doc["IamInstanceProfile"])
    return call.tx.find("instance", iid) or instance


def _instance_doc(call: Call, iid: str, index: int, subnet: Record, spec: LaunchSpec) -> dict[str, Any]:
    return {
        "InstanceId": iid,
        "ImageId": spec.image_id,
        "InstanceType": spec.instance_type,
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
        "SubnetId": subnet.id,
        "VpcId": subnet.parent,
        "SecurityGroups": [],
        "NetworkInterfaces": [],
        "SourceDestCheck": True,
        "UsageOperationUpdateTime": call.timestamp(),
        "PrivateDnsNameOptions": {
            "HostnameType": "ip-name",
            "EnableResourceNameDnsARecord": False,
            "EnableResourceNameDnsAAAARecord": False,
        },
        **spec.doc,
    }


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


def _view(instance: Record, enis: list[Record], attached: list[Record]) -> Record:
    doc = dict(instance.doc)
    doc["BlockDeviceMappings"] = volumes.block_device_mappings(instance.id, attached)
    doc["NetworkInterfaces"] = [{k: v for k, v in e.doc.items() if k != "TagSet"} for e in enis]
    primary = enis[0] if enis and enis[0].doc["Attachment"]["DeviceIndex"] == 0 else None
    if primary is not None:
        doc["PrivateIpAddress"] = primary.doc.get("PrivateIpAddress")
        doc["PrivateDnsName"] = primary.doc.get("PrivateDnsName", "")
        doc["Ipv6Address"] = primary.doc.get("Ipv6Address")
        doc["SecurityGroups"] = primary.doc["Groups"]
        doc["SourceDestCheck"] = primary.doc["SourceDestCheck"]
        association = primary.doc.get("Association")
        if association:
            doc["PublicIpAddress"] = association["PublicIp"]
            doc["PublicDnsName"] = association.get("PublicDnsName", "")  # absent in some real dumps' interfaces
    return instance.evolve(doc={k: v for k, v in doc.items() if v is not None})


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
    by_instance, by_volume = _interfaces_by_instance(call), volumes.volumes_by_instance(call)
    views = [
        _view(r, by_instance.get(r.id, []), by_volume.get(r.id, []))
        for r in visible_instances(call, params.get("InstanceIds"))
    ]
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
