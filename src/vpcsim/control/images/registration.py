"""The account's own images: RegisterImage, CreateImage, DeregisterImage, Describe/Modify/ResetImageAttribute.

Facts [EC2API; EC2UG "Create an AMI", "Share an AMI"]: names are 3-128 characters of letters, digits and
``()[] ./-'@_`` (``InvalidAMIName.Malformed``) and unique per account and Region (``InvalidAMIName.Duplicate``);
RegisterImage defaults to ``i386`` and ``paravirtual`` as the reference says; CreateImage snapshots every EBS volume
of a running or stopped instance and copies its root device, architecture and volume sizes; only the owner may
deregister an image or change its launch permissions (``AuthFailure``); a launch permission is an account id or the
group ``all`` (which makes the image public); DeregisterImage keeps the snapshots unless
``DeleteAssociatedSnapshots``.
"""

from __future__ import annotations

import re
from typing import Any

from vpcsim.control.core import lifecycle
from vpcsim.control.core.call import Call, Params, Result
from vpcsim.control.core.lookup import get
from vpcsim.control.core.tags import tags_for
from vpcsim.control.images.images import IMAGE_SECONDS, get_image, launch_permissions
from vpcsim.control.images.snapshots import create_snapshot_record, snapshot_for_registration
from vpcsim.errors import ApiError, IncorrectState, InvalidParameter
from vpcsim.model import Record

_NAME = re.compile(r"^[A-Za-z0-9()\[\] ./\-'@_]{3,128}$")
_ACCOUNT = re.compile(r"^\d{12}$")
_ATTRIBUTES = {
    "description": "Description",
    "kernel": "KernelId",
    "ramdisk": "RamdiskId",
    "launchPermission": "LaunchPermissions",
    "productCodes": "ProductCodes",
    "blockDeviceMapping": "BlockDeviceMappings",
    "sriovNetSupport": "SriovNetSupport",
    "bootMode": "BootMode",
    "tpmSupport": "TpmSupport",
    "uefiData": "UefiData",
    "lastLaunchedTime": "LastLaunchedTime",
    "imdsSupport": "ImdsSupport",
    "deregistrationProtection": "DeregistrationProtection",
}


# -- creating ----------------------------------------------------------------------------------------------------
def _check_name(call: Call, name: str, description: str) -> None:
    if not _NAME.match(name or ""):
        raise InvalidParameter(
            "InvalidAMIName.Malformed",
            "AMI names must be between 3 and 128 characters long, and may contain letters, numbers, '(', ')', '.', "
            "'-', '/', '_', spaces, square brackets, single quotes and '@'.",
        )
    if len(description) > 255:
        raise InvalidParameter("InvalidParameterValue", "AMI descriptions must be at most 255 characters long.")
    taken = next((r for r in call.scan("image") if r.doc["Name"] == name), None)
    if taken is not None:
        raise ApiError("InvalidAMIName.Duplicate", f"AMI name {name} is already in use by AMI {taken.id}")


def _base_doc(call: Call, iid: str, name: str, description: str) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "ImageId": iid,
        "ImageLocation": f"{call.account}/{name}",
        "State": "available",
        "OwnerId": call.account,
        "CreationDate": call.timestamp(),
        "Public": False,
        "ImageType": "machine",
        "Name": name,
        "Hypervisor": "xen",
        "PlatformDetails": "Linux/UNIX",
        "UsageOperation": "RunInstances",
        "RootDeviceType": "ebs",
    }
    if description:
        doc["Description"] = description
    return doc


def register_image(call: Call, params: Params) -> Result:
    name, description = params.get("Name") or "", params.get("Description") or ""
    _check_name(call, name, description)
    tags = tags_for(call, params, "image")
    iid = call.new_id("ami", "image")
    doc = _base_doc(call, iid, name, description)
    doc.update(
        Architecture=params.get("Architecture") or "i386",  # "Default: For Amazon EBS-backed AMIs, i386" [EC2API]
        VirtualizationType=params.get("VirtualizationType") or "paravirtual",  # "Default: paravirtual" [EC2API]
        BlockDeviceMappings=_registered_mappings(call, params),
    )
    for member_name in ("RootDeviceName", "SriovNetSupport", "BootMode", "TpmSupport", "ImdsSupport", "EnaSupport"):
        if params.get(member_name) is not None:
            doc[member_name] = params[member_name]
    if params.get("ImageLocation"):
        doc.update(ImageLocation=params["ImageLocation"], RootDeviceType="instance-store")
    elif not doc.get("RootDeviceName") or not _has_root(doc):
        raise InvalidParameter(
            "InvalidBlockDeviceMapping",
            "An EBS-backed image needs a root device name and a block device mapping for it with a snapshot.",
        )
    _store(call, call.record("image", iid, doc).evolve(tags=tags))
    return {"ImageId": iid}


def _store(call: Call, image: Record) -> None:
    """A new image: available, shown pending while AWS would still be making it (``images`` module)."""
    call.tx.put(lifecycle.become(call, image, "available", "pending", IMAGE_SECONDS))


def _has_root(doc: dict[str, Any]) -> bool:
    root = doc["RootDeviceName"]
    return any(m["DeviceName"] == root and "Ebs" in m for m in doc["BlockDeviceMappings"])


def _registered_mappings(call: Call, params: Params) -> list[dict[str, Any]]:
    mappings = []
    for given in params.get("BlockDeviceMappings") or []:
        if "Ebs" not in given:
            mappings.append({k: v for k, v in given.items() if k in ("DeviceName", "VirtualName", "NoDevice")})
            continue
        ebs = given["Ebs"]
        snapshot = snapshot_for_registration(call, ebs.get("SnapshotId") or "") if ebs.get("SnapshotId") else None
        size = ebs.get("VolumeSize") or (snapshot.doc["VolumeSize"] if snapshot else None)
        if size is None:
            raise InvalidParameter("InvalidBlockDeviceMapping", f"The volume size of {given['DeviceName']} is missing.")
        mapped = {
            "DeleteOnTermination": ebs.get("DeleteOnTermination", True) is not False,
            "VolumeSize": size,
            "VolumeType": ebs.get("VolumeType") or "gp2",  # [choice: vpcsim] the EBS default for a new mapping
            "Encrypted": bool(ebs.get("Encrypted") or (snapshot and snapshot.doc["Encrypted"])),
        }
        if snapshot is not None:
            mapped["SnapshotId"] = snapshot.id
        mappings.append({"DeviceName": given["DeviceName"], "Ebs": mapped})
    return mappings


def create_image(call: Call, params: Params) -> Result:
    instance = get(call, "instance", params["InstanceId"])
    if instance.doc["State"]["Name"] not in ("running", "stopped", "stopping"):
        raise IncorrectState(
            "IncorrectInstanceState", f"The instance '{instance.id}' is not in a state from which it can be imaged."
        )
    name, description = params.get("Name") or "", params.get("Description") or ""
    _check_name(call, name, description)
    specs = params.get("TagSpecifications") or []
    image_tags = tags_for(
        call, {"TagSpecifications": [s for s in specs if s.get("ResourceType") != "snapshot"]}, "image"
    )
    snap_tags = tags_for(
        call, {"TagSpecifications": [s for s in specs if s.get("ResourceType") == "snapshot"]}, "snapshot"
    )
    iid = call.new_id("ami", "image")
    doc = _base_doc(call, iid, name, description)
    for member_name in (
        "Architecture",
        "RootDeviceName",
        "VirtualizationType",
        "EnaSupport",
        "SriovNetSupport",
        "PlatformDetails",
        "UsageOperation",
        "Platform",
        "BootMode",
    ):
        if instance.doc.get(member_name) is not None:
            doc[member_name] = instance.doc[member_name]
    doc["SourceInstanceId"] = instance.id
    doc["BlockDeviceMappings"] = _imaged_mappings(call, instance, iid, params, snap_tags)
    _store(call, call.record("image", iid, doc).evolve(tags=image_tags))
    return {"ImageId": iid}


def _attached_volumes(call: Call, instance: Record) -> list[tuple[dict[str, Any], Record]]:
    """(attachment, volume) for each EBS volume attached to the instance, by device name."""
    found = [
        (a, v) for v in call.scan("volume") for a in v.doc.get("Attachments", []) if a["InstanceId"] == instance.id
    ]
    return sorted(found, key=lambda pair: pair[0]["Device"])


def _imaged_mappings(
    call: Call, instance: Record, image_id: str, params: Params, tags: dict[str, str]
) -> list[dict[str, Any]]:
    """One mapping per EBS volume of the instance, each with a new snapshot; the request's mappings override."""
    overrides = {m["DeviceName"]: m for m in params.get("BlockDeviceMappings") or []}
    mappings = []
    for attachment, volume in _attached_volumes(call, instance):
        override = overrides.get(attachment["Device"], {})
        if "NoDevice" in override:
            continue
        snapshot = create_snapshot_record(call, volume, f"Created by CreateImage({instance.id}) for {image_id}", tags)
        ebs = {
            "DeleteOnTermination": attachment["DeleteOnTermination"],
            "SnapshotId": snapshot.id,
            "VolumeSize": volume.doc["Size"],
            "VolumeType": volume.doc["VolumeType"],
            "Encrypted": bool(volume.doc.get("Encrypted")),
        }
        for extra in ("Iops", "Throughput"):
            if volume.doc.get(extra) is not None:
                ebs[extra] = volume.doc[extra]
        changes = override.get("Ebs") or {}
        ebs.update({k: v for k, v in changes.items() if k in ("DeleteOnTermination", "VolumeSize", "VolumeType")})
        mappings.append({"DeviceName": attachment["Device"], "Ebs": ebs})
    return mappings


# -- deregistering and attributes -----------------------------------------------------------------------------------
def _owned(call: Call, image_id: str) -> Record:
    image = get_image(call, image_id)
    if image.account != call.account or image.extra.get("catalog"):
        raise ApiError("AuthFailure", f"Not authorized for image:{image.id}")
    return image


def deregister_image(call: Call, params: Params) -> Result:
    image = _owned(call, params["ImageId"])
    results = []
    if params.get("DeleteAssociatedSnapshots"):
        for mapping in image.doc.get("BlockDeviceMappings", []):
            sid = (mapping.get("Ebs") or {}).get("SnapshotId")
            if sid and call.tx.find("snapshot", sid) is not None:
                call.tx.delete("snapshot", sid)
                results.append({"SnapshotId": sid, "ReturnCode": "success"})
    call.tx.delete("image", image.id)
    result: Result = {"Return": True}
    if params.get("DeleteAssociatedSnapshots"):
        result["DeleteSnapshotResults"] = results
    return result


def describe_image_attribute(call: Call, params: Params) -> Result:
    attribute = params["Attribute"]
    if attribute not in _ATTRIBUTES:
        raise InvalidParameter(
            "InvalidParameterValue", f"Value ({attribute}) for parameter attribute is invalid. Unknown attribute."
        )
    image = _owned(call, params["ImageId"]) if attribute == "launchPermission" else get_image(call, params["ImageId"])
    name = _ATTRIBUTES[attribute]
    result: Result = {"ImageId": image.id}
    if name == "LaunchPermissions":
        result[name] = launch_permissions(image)
    elif name in ("ProductCodes", "BlockDeviceMappings"):
        result[name] = image.doc.get(name, [])
    elif name == "DeregistrationProtection":
        result[name] = {"Value": image.doc.get(name, "disabled")}
    else:
        result[name] = {"Value": image.doc[name]} if image.doc.get(name) is not None else {}
    return result


def modify_image_attribute(call: Call, params: Params) -> Result:
    image = _owned(call, params["ImageId"])
    attribute = params.get("Attribute")
    description = (params.get("Description") or {}).get("Value")
    if attribute == "description" or description is not None:
        value = description if description is not None else params.get("Value") or ""
        call.tx.put(image.with_doc(Description=value))
        return {}
    if params.get("ImdsSupport"):
        call.tx.put(image.with_doc(ImdsSupport=params["ImdsSupport"].get("Value")))
        return {}
    add, remove = _permission_changes(params)
    if not add and not remove:
        raise InvalidParameter("MissingParameter", "The request must contain the parameter launchPermission")
    kept = [p for p in launch_permissions(image) if p not in remove]
    kept += [p for p in add if p not in kept]
    _set_permissions(call, image, kept)
    return {}


def _permission_changes(params: Params) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    given = params.get("LaunchPermission") or {}
    add, remove = list(given.get("Add") or []), list(given.get("Remove") or [])
    if params.get("Attribute") == "launchPermission":
        items = [{"UserId": u} for u in params.get("UserIds") or []]
        items += [{"Group": g} for g in params.get("UserGroups") or []]
        items += [{"OrganizationArn": a} for a in params.get("OrganizationArns") or []]
        items += [{"OrganizationalUnitArn": a} for a in params.get("OrganizationalUnitArns") or []]
        (remove if params.get("OperationType") == "remove" else add).extend(items)
    for item in [*add, *remove]:
        _check_permission(item)
    return add, remove


def _check_permission(item: dict[str, str]) -> None:
    if "UserId" in item and not _ACCOUNT.match(item["UserId"]):
        raise InvalidParameter(
            "InvalidAMIAttributeItemValue", f'Invalid attribute item value "{item["UserId"]}" for userId item type.'
        )
    if "Group" in item and item["Group"] != "all":
        raise InvalidParameter(
            "InvalidAMIAttributeItemValue", f'Invalid attribute item value "{item["Group"]}" for group item type.'
        )


def _set_permissions(call: Call, image: Record, permissions: list[dict[str, str]]) -> None:
    public = any(p.get("Group") == "all" for p in permissions)
    call.tx.put(image.with_doc(Public=public).with_extra(launch_permissions=permissions))


def reset_image_attribute(call: Call, params: Params) -> Result:
    image = _owned(call, params["ImageId"])
    if params["Attribute"] != "launchPermission":
        raise InvalidParameter(
            "InvalidParameterValue", f"Value ({params['Attribute']}) for parameter attribute is invalid."
        )
    _set_permissions(call, image, [])
    return {}
