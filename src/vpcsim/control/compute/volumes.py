"""EBS volumes of instances: made at launch from the image's block device mapping and the request's, described by
DescribeVolumes, deleted with the instance when their attachment says so.

Facts [EC2API RunInstances, DescribeVolumes; EC2UG "Block device mappings", "Amazon EBS volume types"]: a launch
maps every device of the image, the request overriding size, type, IOPS, throughput, encryption and
DeleteOnTermination per device or dropping it with ``NoDevice``; a volume is at least as large as its snapshot
(``InvalidBlockDeviceMapping``); gp3 defaults to 3,000 IOPS and 125 MiB/s, gp2 has 3 IOPS per GiB (100 to 16,000);
volumes of a terminated instance with DeleteOnTermination are deleted, the others become ``available``.

The volume's attachment is the one source of truth for "this volume is attached, at this device, deleted on
termination": an instance's BlockDeviceMappings are read from its volumes when it is described.
"""

from __future__ import annotations

from typing import Any

from vpcsim.control.core.call import Call, Params, Result
from vpcsim.control.core.describe import Listing, member
from vpcsim.errors import InvalidParameter
from vpcsim.model import Record

_TYPES = ("standard", "io1", "io2", "gp2", "sc1", "st1", "gp3")
_EBS_KEYS = ("DeleteOnTermination", "Iops", "SnapshotId", "VolumeSize", "VolumeType", "KmsKeyId", "Throughput")

LISTING = Listing(
    kind="volume",
    page_member="Volumes",
    ids_member="VolumeIds",
    filters={
        "attachment.attach-time": member("Attachments", "AttachTime"),
        "attachment.delete-on-termination": member("Attachments", "DeleteOnTermination"),
        "attachment.device": member("Attachments", "Device"),
        "attachment.instance-id": member("Attachments", "InstanceId"),
        "attachment.status": member("Attachments", "State"),
        "availability-zone": member("AvailabilityZone"),
        "availability-zone-id": member("AvailabilityZoneId"),
        "create-time": member("CreateTime"),
        "encrypted": member("Encrypted"),
        "fast-restored": member("FastRestored"),
        "multi-attach-enabled": member("MultiAttachEnabled"),
        "operator.managed": member("Operator", "Managed"),
        "operator.principal": member("Operator", "Principal"),
        "size": member("Size"),
        "snapshot-id": member("SnapshotId"),
        "status": member("State"),
        "volume-id": member("VolumeId"),
        "volume-type": member("VolumeType"),
    },
)


def describe_volumes(call: Call, params: Params) -> Result:
    if params.get("MaxResults") is not None and params.get("VolumeIds"):
        raise InvalidParameter(
            "InvalidParameterCombination", "The parameter volumeSet cannot be used with the parameter maxResults"
        )
    return LISTING.run(call, params)


# -- what a launch maps ------------------------------------------------------------------------------------------
def launch_mappings(image: dict[str, Any], requested: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The EBS mappings a launch makes: the image's devices, each overridden or dropped by the request's."""
    by_device = {m["DeviceName"]: dict(m.get("Ebs") or {}) for m in image.get("BlockDeviceMappings", []) if "Ebs" in m}
    for given in requested:
        device = given.get("DeviceName") or ""
        if "NoDevice" in given:
            by_device.pop(device, None)
        elif "Ebs" in given:
            by_device[device] = {
                **by_device.get(device, {}),
                **{k: v for k, v in given["Ebs"].items() if k in _EBS_KEYS},
            }
    return [{"DeviceName": d, "Ebs": _checked(d, ebs, image)} for d, ebs in by_device.items()]


def _checked(device: str, ebs: dict[str, Any], image: dict[str, Any]) -> dict[str, Any]:
    kind = ebs.get("VolumeType") or "gp2"  # [choice: vpcsim] gp2, the EBS default for a mapping that names none
    if kind not in _TYPES:
        raise InvalidParameter("InvalidParameterValue", f"Value ({kind}) for parameter volumeType is invalid.")
    floor = _snapshot_size(image, ebs.get("SnapshotId"))
    size = ebs.get("VolumeSize") or floor
    if not size:
        raise InvalidParameter("InvalidBlockDeviceMapping", f"The volume size of device {device} is missing.")
    if floor and size < floor:
        raise InvalidParameter(
            "InvalidBlockDeviceMapping",
            f"Volume of size {size}GB is smaller than snapshot '{ebs.get('SnapshotId')}', expect size >= {floor}GB",
        )
    return {**ebs, "VolumeType": kind, "VolumeSize": size, "DeleteOnTermination": ebs.get("DeleteOnTermination", True)}


def _snapshot_size(image: dict[str, Any], snapshot_id: str | None) -> int:
    for mapping in image.get("BlockDeviceMappings", []):
        ebs = mapping.get("Ebs") or {}
        if snapshot_id and ebs.get("SnapshotId") == snapshot_id:
            return int(ebs.get("VolumeSize") or 0)
    return 0


def performance(kind: str, size: int, ebs: dict[str, Any]) -> dict[str, int]:
    if kind == "gp3":
        return {"Iops": int(ebs.get("Iops") or 3000), "Throughput": int(ebs.get("Throughput") or 125)}
    if kind == "gp2":
        return {"Iops": max(100, min(16000, 3 * size))}
    if kind in ("io1", "io2"):
        return {"Iops": int(ebs.get("Iops") or 100)}
    return {}


def create_volumes(call: Call, instance: Record, mappings: list[dict[str, Any]], tags: dict[str, str]) -> list[Record]:
    """One attached volume per mapping, in the instance's zone."""
    made = []
    for mapping in mappings:
        ebs = mapping["Ebs"]
        vid = call.new_id("vol", "volume")
        attachment = {
            "AttachTime": call.timestamp(),
            "Device": mapping["DeviceName"],
            "InstanceId": instance.id,
            "State": "attached",
            "VolumeId": vid,
            "DeleteOnTermination": bool(ebs["DeleteOnTermination"]),
        }
        doc: dict[str, Any] = {
            "VolumeId": vid,
            "Size": ebs["VolumeSize"],
            "SnapshotId": ebs.get("SnapshotId") or "",
            "AvailabilityZone": instance.doc["Placement"]["AvailabilityZone"],
            "AvailabilityZoneId": instance.doc["Placement"]["AvailabilityZoneId"],
            "State": "in-use",
            "CreateTime": call.timestamp(),
            "Attachments": [attachment],
            "Encrypted": bool(ebs.get("Encrypted")),
            "VolumeType": ebs["VolumeType"],
            "MultiAttachEnabled": False,
            **performance(ebs["VolumeType"], ebs["VolumeSize"], ebs),
        }
        if ebs.get("KmsKeyId"):
            doc["KmsKeyId"] = ebs["KmsKeyId"]
        made.append(call.tx.put(call.record("volume", vid, doc).evolve(tags=tags)))
    return made


# -- an instance's volumes ---------------------------------------------------------------------------------------
def volumes_by_instance(call: Call) -> dict[str, list[Record]]:
    found: dict[str, list[Record]] = {}
    for volume in call.scan("volume"):
        for attachment in volume.doc.get("Attachments", []):
            found.setdefault(attachment["InstanceId"], []).append(volume)
    return found


def block_device_mappings(instance_id: str, volumes: list[Record]) -> list[dict[str, Any]]:
    """The instance's BlockDeviceMappings as DescribeInstances shows them, read from its volumes."""
    mappings = []
    for volume in volumes:
        for a in volume.doc.get("Attachments", []):
            if a["InstanceId"] == instance_id:
                ebs = {
                    "AttachTime": a["AttachTime"],
                    "DeleteOnTermination": a["DeleteOnTermination"],
                    "Status": a["State"],
                    "VolumeId": volume.id,
                }
                mappings.append({"DeviceName": a["Device"], "Ebs": ebs})
    return sorted(mappings, key=lambda m: m["DeviceName"])


def set_delete_on_termination(call: Call, instance: Record, device: str, value: bool) -> None:
    """ModifyInstanceAttribute blockDeviceMapping: change one attached volume's DeleteOnTermination."""
    for volume in volumes_by_instance(call).get(instance.id, []):
        attachments = [dict(a) for a in volume.doc["Attachments"]]
        if any(a["Device"] == device for a in attachments):
            for a in attachments:
                if a["Device"] == device:
                    a["DeleteOnTermination"] = value
            call.tx.put(volume.with_doc(Attachments=attachments))
            return
    raise InvalidParameter(
        "InvalidInstanceAttributeValue", f"No device is currently mapped at {device} on instance {instance.id}"
    )


def release_volumes(call: Call, instance: Record) -> None:
    """On termination: delete the volumes marked DeleteOnTermination, detach the others."""
    for volume in volumes_by_instance(call).get(instance.id, []):
        mine = [a for a in volume.doc["Attachments"] if a["InstanceId"] == instance.id]
        if any(a["DeleteOnTermination"] for a in mine):
            call.tx.delete("volume", volume.id)
        else:
            call.tx.put(volume.with_doc(Attachments=[], State="available"))
