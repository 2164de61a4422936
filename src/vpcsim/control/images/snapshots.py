"""EBS snapshots an account's images are made of: written by CreateImage, read by RegisterImage, DescribeSnapshots,
DeleteSnapshot.

Facts [EC2API; EC2UG "Create an AMI from an instance"]: CreateImage snapshots each EBS volume of the instance, the
snapshot described "Created by CreateImage(<instance>) for <image>"; a snapshot an image uses cannot be deleted
(``InvalidSnapshot.InUse``). Lifecycle as images (``core/lifecycle.py``): stored ``completed`` (Progress 100%),
shown ``pending`` while AWS would still be copying the volume, ``SNAPSHOT_SECONDS`` at AWS's pace [choice: vpcsim].

Only the account's own snapshots are described: the public snapshots behind catalog images are not shared by their
owners in AWS either.
"""

from __future__ import annotations

from vpcsim.control.core import lifecycle
from vpcsim.control.core.call import Call, Params, Result
from vpcsim.control.core.describe import Listing, member
from vpcsim.control.core.lookup import get, get_many
from vpcsim.errors import ApiError, IncorrectState, InvalidParameter
from vpcsim.model import Record

SNAPSHOT_SECONDS = 120.0

LISTING = Listing(
    kind="snapshot",
    page_member="Snapshots",
    ids_member="SnapshotIds",
    filters={
        "description": member("Description"),
        "encrypted": member("Encrypted"),
        "owner-alias": member("OwnerAlias"),
        "owner-id": member("OwnerId"),
        "progress": member("Progress"),
        "snapshot-id": member("SnapshotId"),
        "start-time": member("StartTime"),
        "status": member("State"),
        "storage-tier": member("StorageTier"),
        "volume-id": member("VolumeId"),
        "volume-size": member("VolumeSize"),
    },
)


def create_snapshot_record(call: Call, volume: Record, description: str, tags: dict[str, str] | None = None) -> Record:
    """A new pending snapshot of ``volume``."""
    sid = call.new_id("snap", "snapshot")
    doc = {
        "SnapshotId": sid,
        "VolumeId": volume.id,
        "State": "completed",
        "StartTime": call.timestamp(),
        "Progress": "100%",
        "OwnerId": call.account,
        "Description": description,
        "VolumeSize": volume.doc["Size"],
        "Encrypted": bool(volume.doc.get("Encrypted")),
        "StorageTier": "standard",
    }
    record = call.record("snapshot", sid, doc).evolve(tags=tags or {})
    return call.tx.put(lifecycle.become(call, record, "completed", "pending", SNAPSHOT_SECONDS))


def seen(call: Call, snapshot: Record) -> Record:
    """The snapshot as a reader sees it now: no progress while it is pending."""
    shown = lifecycle.seen(call, snapshot)
    return shown if shown.doc["State"] == "completed" else shown.with_doc(Progress="0%")


def describe_snapshots(call: Call, params: Params) -> Result:
    owners = params.get("OwnerIds") or []
    if any(o not in ("self", call.account) for o in owners) and not params.get("SnapshotIds"):
        # Other accounts' snapshots are shared with nobody here: asking for them finds none.
        return {"Snapshots": []}
    named = params.get("SnapshotIds")
    records = get_many(call, "snapshot", named) if named else call.scan("snapshot")
    return LISTING.run(call, params, records=[seen(call, r) for r in records])


def delete_snapshot(call: Call, params: Params) -> Result:
    snapshot = get(call, "snapshot", params["SnapshotId"])
    using = next(
        (
            image
            for image in call.scan("image")
            for mapping in image.doc.get("BlockDeviceMappings", [])
            if (mapping.get("Ebs") or {}).get("SnapshotId") == snapshot.id
        ),
        None,
    )
    if using is not None:
        raise ApiError("InvalidSnapshot.InUse", f"The snapshot {snapshot.id} is currently in use by {using.id}")
    call.tx.delete("snapshot", snapshot.id)
    return {}


def snapshot_for_registration(call: Call, snapshot_id: str) -> Record:
    """A snapshot RegisterImage may use: the caller's own, completed."""
    if not snapshot_id:
        raise InvalidParameter("InvalidBlockDeviceMapping", "The root device mapping must name a snapshot.")
    snapshot = seen(call, get(call, "snapshot", snapshot_id))
    if snapshot.doc["State"] != "completed":
        raise IncorrectState("IncorrectState", f"Snapshot '{snapshot.id}' is not 'completed'.")
    return snapshot
