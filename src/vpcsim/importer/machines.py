"""What instances are made of and launched with: EBS volumes, the account's own machine images and key pairs, from
what ``aws ec2 describe-volumes``, ``describe-images --owners self`` and ``describe-key-pairs`` print, into the
records the control plane's compute and images families write.

An instance's ``BlockDeviceMappings`` is not stored: the control plane reads it from the volumes attached to the
instance whenever it shows the instance (``control/compute/volumes.py``), so the import keeps each instance's volumes.
``describe-volumes`` states them whole. A dump without it (Batfish's aws_configs hold none) still names each volume in
its instance's mappings: such a volume is taken from the mapping (its id, device, attach time, status and
DeleteOnTermination; the instance's zone), and what the mapping does not say from the instance's image, when the
import or vpcsim's catalog of public images has it (size, type, snapshot, encryption), else 8 GiB gp2 unencrypted
(named choice: the root volume AWS's Amazon Linux 2 images map); either way said in the summary. Importing
``describe-volumes`` later replaces such a volume with what AWS describes.

Images: the account's own (``OwnerId`` the file's account) are stored as DescribeImages shows them; images of other
owners are counted as reference data (vpcsim's catalog answers for AWS's public images). Key pairs keep their public
key when ``describe-key-pairs --include-public-key`` printed it.
"""

from __future__ import annotations

from typing import Any

from vpcsim.catalog import REGIONS
from vpcsim.catalog.images import find_public_image
from vpcsim.control.compute.volumes import performance
from vpcsim.importer.batch import Batch, Doc, ImportFailed, Source, derived_id, items, need, record, tags_of, without
from vpcsim.model import Record

_ASSUMED_EBS: Doc = {"VolumeSize": 8, "VolumeType": "gp2", "Encrypted": False}
_ATTACHMENT = ("InstanceId", "Device", "AttachTime", "State", "DeleteOnTermination")


# -- volumes ----------------------------------------------------------------------------------------------------------
def _in_recycle_bin(batch: Batch, source: Source, member: str) -> bool:
    """``ec2 list-images-in-recycle-bin`` / ``list-volumes-in-recycle-bin`` print the same member: counted."""
    listed = items(source, member)
    if any("RecycleBinEnterTime" in item for item in listed):
        batch.unmodelled[f"{member} in the Recycle Bin (ec2 list-{member.lower()}-in-recycle-bin)"] += len(listed)
        return True
    return False


def volumes(batch: Batch, source: Source) -> None:
    if _in_recycle_bin(batch, source, "Volumes"):
        return
    for item in items(source, "Volumes"):
        need(source, item, "VolumeId", "Size", "VolumeType", "AvailabilityZone")
        doc = {"Attachments": [], "Encrypted": False, "MultiAttachEnabled": False, **without(item, "Tags")}
        for attachment in doc["Attachments"] if isinstance(doc["Attachments"], list) else [None]:
            if not isinstance(attachment, dict) or any(attachment.get(m) is None for m in _ATTACHMENT):
                raise ImportFailed(
                    f"{source.path}: {item['VolumeId']}: each attachment needs {', '.join(_ATTACHMENT)}, as AWS "
                    "describes it"
                )
        zone_id = _zone_id(source, str(item["AvailabilityZone"]))
        if zone_id and "AvailabilityZoneId" not in doc:
            doc["AvailabilityZoneId"] = zone_id  # the account's names as vpcsim maps them, for dumps without ids
        batch.put(record("volume", item["VolumeId"], source.scope, doc, None, tags_of(item)))


def _zone_id(source: Source, zone: str) -> str | None:
    region = REGIONS.get(source.scope.region)
    found = region.seen_by(source.scope.account).find_zone(zone) if region else None
    return found.zone_id if found else None


def instance_volumes(batch: Batch, source: Source, instance: Record, mappings: Any) -> None:
    """The volumes an instance's ``BlockDeviceMappings`` name that neither the import nor the state has."""
    taken: list[tuple[str, bool]] = batch.pending.setdefault("instance-volumes", [])
    for mapping in mappings if isinstance(mappings, list) else []:
        ebs = mapping.get("Ebs") if isinstance(mapping, dict) else None
        if not isinstance(ebs, dict) or not ebs.get("VolumeId") or batch.imported_as("volume", str(ebs["VolumeId"])):
            continue  # describe-volumes states it
        need(source, mapping, "DeviceName")
        device, stored = str(mapping["DeviceName"]), batch.find("volume", str(ebs["VolumeId"]))
        if stored is not None:  # an earlier import's: what the mapping says of its attachment is newer
            batch.put(stored.with_doc(Attachments=_attached(stored, instance, device, ebs), State="in-use"))
            continue
        image, known = _image_ebs(batch, instance, device)
        taken.append((batch.put(_volume_from(instance, device, ebs, image)).id, known))


def finish_instance_volumes(batch: Batch) -> None:
    """One line in the summary for every volume taken from its instance's mappings."""
    taken: list[tuple[str, bool]] = batch.pending.get("instance-volumes", [])
    if taken:
        shown = ", ".join(v for v, _ in taken[:5]) + (", ..." if len(taken) > 5 else "")
        assumed = sum(1 for _, known in taken if not known)
        batch.assume(
            f"{len(taken)} volume(s) ({shown}) taken from their instance's block device mappings: the import lists "
            f"no such volume (describe-volumes); size and type from the instance's image, or 8 GiB gp2 unencrypted "
            f"where the image is unknown ({assumed} of them)"
        )


def _image_ebs(batch: Batch, instance: Record, device: str) -> tuple[Doc, bool]:
    """What the instance's image maps at ``device`` (size, type, snapshot, encryption), or the assumed root volume."""
    image_id = str(instance.doc.get("ImageId") or "")
    stored = batch.find("image", image_id)
    image = stored.doc if stored is not None else find_public_image(instance.region, image_id)
    for mapping in (image or {}).get("BlockDeviceMappings") or []:
        if mapping.get("DeviceName") == device and isinstance(mapping.get("Ebs"), dict):
            ebs = mapping["Ebs"]
            if ebs.get("VolumeSize") and ebs.get("VolumeType"):
                return dict(ebs), True
    return dict(_ASSUMED_EBS), False


def _attachment(instance: Record, device: str, ebs: Doc) -> Doc:
    return {
        "AttachTime": ebs.get("AttachTime") or instance.doc.get("LaunchTime") or "",
        "Device": device,
        "InstanceId": instance.id,
        "State": ebs.get("Status") or "attached",
        "VolumeId": str(ebs["VolumeId"]),
        "DeleteOnTermination": bool(ebs.get("DeleteOnTermination", True)),
    }


def _attached(volume: Record, instance: Record, device: str, ebs: Doc) -> list[Doc]:
    others = [a for a in volume.doc.get("Attachments") or [] if a.get("InstanceId") != instance.id]
    return [*others, _attachment(instance, device, ebs)]


def _volume_from(instance: Record, device: str, ebs: Doc, image: Doc) -> Record:
    vid, placement = str(ebs["VolumeId"]), instance.doc.get("Placement") or {}
    attachment = _attachment(instance, device, ebs)
    attached = attachment["AttachTime"]
    size, kind = int(image["VolumeSize"]), str(image["VolumeType"])
    doc: Doc = {
        "VolumeId": vid,
        "Size": size,
        "SnapshotId": image.get("SnapshotId") or "",
        "AvailabilityZone": placement.get("AvailabilityZone"),
        "State": "in-use",
        "CreateTime": attached,  # a launch makes its volumes as it attaches them
        "Attachments": [attachment],
        "Encrypted": bool(image.get("Encrypted")),
        "VolumeType": kind,
        "MultiAttachEnabled": False,
        **performance(kind, size, image),
    }
    if placement.get("AvailabilityZoneId"):
        doc["AvailabilityZoneId"] = placement["AvailabilityZoneId"]
    return Record("volume", vid, instance.account, instance.region, doc, None, {}, {})


# -- images and key pairs ---------------------------------------------------------------------------------------------
def images(batch: Batch, source: Source) -> None:
    if _in_recycle_bin(batch, source, "Images"):
        return
    for item in items(source, "Images"):
        need(source, item, "ImageId", "Name", "State")
        if item.get("OwnerId") not in (None, source.scope.account):
            batch.reference["images of other owners (describe-images)"] += 1
            continue
        doc = {"OwnerId": source.scope.account, **without(item, "Tags")}
        batch.put(record("image", item["ImageId"], source.scope, doc, None, tags_of(item)))


def key_pairs(batch: Batch, source: Source) -> None:
    for item in items(source, "KeyPairs"):
        need(source, item, "KeyName")
        # Key pairs made before 2021 were described without an id: one derived from the name (named choice).
        scope = source.scope
        kid = str(item.get("KeyPairId") or derived_id("key", scope.account, scope.region, item["KeyName"]))
        doc = {**without(item, "Tags", "PublicKey"), "KeyPairId": kid}
        extra = {"public_key": item["PublicKey"]} if item.get("PublicKey") else {}
        batch.put(record("key-pair", kid, source.scope, doc, None, tags_of(item), **extra))
