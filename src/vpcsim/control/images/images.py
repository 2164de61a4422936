"""Which machine images a caller sees, and DescribeImages.

A caller sees the Region's public images from the catalog, the images its account owns, and images other accounts
made public or shared with it by launch permission [EC2API DescribeImages; EC2UG "Share an AMI"]. Catalog images are
never stored: they become records (cached per Region) only so that one filter table serves both.

DescribeImages [EC2API]: ``ImageIds`` must all be visible (``InvalidAMIID.Malformed`` / ``InvalidAMIID.NotFound``
naming every missing id); ``Owners`` scopes by owner (an account id, ``self``, or an owner alias: ``amazon``,
``aws-marketplace``, ``aws-backup-vault``); ``ExecutableUsers`` by launch permission (an account id, ``self``, or
``all`` for public images); deprecated images are left out unless ``IncludeDeprecated``, named by id, or owned by
the caller; disabled ones unless ``IncludeDisabled``.

Choice [vpcsim]: a catalog image is deprecated when its DeprecationTime is at or before the catalog's own date
(``images_as_of()``), never the wall clock. The catalog shows AWS as of that day; judged by the wall clock, every
Amazon Linux 2023 image in it would be deprecated from 2027-01-31 on and ``most_recent`` lookups would find nothing.

Lifecycle (``core/lifecycle.py``, docs/architecture.md "Lifecycles"): an image the account registers or creates is
stored ``available`` with a transition that shows it ``pending`` meanwhile, ``IMAGE_SECONDS`` at AWS's pace [choice:
vpcsim; AWS says an image from an instance takes "several minutes", depending on the size of its volumes]. A pending
image cannot be launched (``InvalidAMIID.Unavailable``).
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from vpcsim.catalog.images import images_as_of, public_images
from vpcsim.control.core import lifecycle
from vpcsim.control.core.call import Call, Params, Result
from vpcsim.control.core.describe import Listing, member
from vpcsim.errors import ApiError, InvalidParameter, Malformed, NotFound
from vpcsim.model import Record, is_well_formed

IMAGE_SECONDS = 180.0
OWNER_ALIASES = frozenset({"amazon", "aws-marketplace", "aws-backup-vault"})
_ACCOUNT = re.compile(r"^\d{12}$")

_NOT_DESCRIBED = {
    "image-watermark.source-image-creation-time": ("ImageWatermark", "SourceImageCreationTime"),
    "image-watermark.source-image-id": ("ImageWatermark", "SourceImageId"),
    "image-watermark.source-image-region": ("ImageWatermark", "SourceImageRegion"),
    "image-watermark.watermark-creation-time": ("ImageWatermark", "WatermarkCreationTime"),
    "image-watermark.watermark-key": ("ImageWatermark", "WatermarkKey"),
    "instance-type-specification.supported-instance-type": ("InstanceTypeSpecification", "SupportedInstanceType"),
    "instance-type-specification.unsupported-instance-type": ("InstanceTypeSpecification", "UnsupportedInstanceType"),
    "public-ssm-parameter-name": ("PublicSsmParameterName",),
    "scan-result.critical-fix-available-since": ("ScanResult", "CriticalFixAvailableSince"),
    "scan-result.finding-scan-date": ("ScanResult", "FindingScanDate"),
    "scan-result.high-fix-available-since": ("ScanResult", "HighFixAvailableSince"),
    "scan-result.highest-finding-severity-label": ("ScanResult", "HighestFindingSeverityLabel"),
    "scan-result.informational-fix-available-since": ("ScanResult", "InformationalFixAvailableSince"),
    "scan-result.low-fix-available-since": ("ScanResult", "LowFixAvailableSince"),
    "scan-result.medium-fix-available-since": ("ScanResult", "MediumFixAvailableSince"),
}

LISTING = Listing(
    kind="image",
    page_member="Images",
    ids_member="ImageIds",
    filters={
        "architecture": member("Architecture"),
        "block-device-mapping.delete-on-termination": member("BlockDeviceMappings", "Ebs", "DeleteOnTermination"),
        "block-device-mapping.device-name": member("BlockDeviceMappings", "DeviceName"),
        "block-device-mapping.snapshot-id": member("BlockDeviceMappings", "Ebs", "SnapshotId"),
        "block-device-mapping.volume-size": member("BlockDeviceMappings", "Ebs", "VolumeSize"),
        "block-device-mapping.volume-type": member("BlockDeviceMappings", "Ebs", "VolumeType"),
        "block-device-mapping.encrypted": member("BlockDeviceMappings", "Ebs", "Encrypted"),
        "creation-date": member("CreationDate"),
        "description": member("Description"),
        "ena-support": member("EnaSupport"),
        "free-tier-eligible": member("FreeTierEligible"),
        "hypervisor": member("Hypervisor"),
        "image-allowed": member("ImageAllowed"),
        "image-id": member("ImageId"),
        "image-type": member("ImageType"),
        "is-public": member("Public"),
        "kernel-id": member("KernelId"),
        "manifest-location": member("ImageLocation"),
        "name": member("Name"),
        "owner-alias": member("ImageOwnerAlias"),
        "owner-id": member("OwnerId"),
        "platform": member("Platform"),
        # Not in the documented list, but members of the Image AWS filters by in the same way.
        "platform-details": member("PlatformDetails"),
        "usage-operation": member("UsageOperation"),
        "product-code": member("ProductCodes", "ProductCodeId"),
        "product-code.type": member("ProductCodes", "ProductCodeType"),
        "ramdisk-id": member("RamdiskId"),
        "root-device-name": member("RootDeviceName"),
        "root-device-type": member("RootDeviceType"),
        "source-image-id": member("SourceImageId"),
        "source-image-region": member("SourceImageRegion"),
        "source-instance-id": member("SourceInstanceId"),
        "state": member("State"),
        "state-reason-code": member("StateReason", "Code"),
        "state-reason-message": member("StateReason", "Message"),
        "sriov-net-support": member("SriovNetSupport"),
        "virtualization-type": member("VirtualizationType"),
        "boot-mode": member("BootMode"),
        # Documented filters on what vpcsim's images never have (watermarks, Inspector scans, SSM parameters,
        # instance type requirements): they match no image, as AWS answers for images without them.
        **{name: member(*path) for name, path in _NOT_DESCRIBED.items()},
    },
)


# -- what a caller sees ------------------------------------------------------------------------------------------
@cache
def _catalog(region: str) -> tuple[Record, ...]:
    return tuple(
        Record("image", doc["ImageId"], doc["OwnerId"], region, doc, None, {}, {"catalog": True})
        for doc in public_images(region)
    )


def launch_permissions(image: Record) -> list[dict[str, str]]:
    """The image's launch permissions as LaunchPermission items (``{"UserId": ...}`` or ``{"Group": "all"}``)."""
    return list(image.extra.get("launch_permissions", []))


def _shared_with(image: Record, account: str) -> bool:
    return any(p.get("UserId") == account for p in launch_permissions(image))


def _sees(call: Call, image: Record) -> bool:
    return image.account == call.account or bool(image.doc.get("Public")) or _shared_with(image, call.account)


def visible_images(call: Call) -> list[Record]:
    """Every image the caller may see in its Region: the catalog's, then stored ones in creation order."""
    stored = [r for r in call.tx.scan("image", None, call.region.name) if _sees(call, r)]
    return [*_catalog(call.region.name), *stored]


def find_image(call: Call, image_id: str) -> Record | None:
    """The visible image with this id, or None."""
    record = call.tx.find("image", image_id)
    if record is not None and record.region == call.region.name and _sees(call, record):
        return record
    return next((r for r in _catalog(call.region.name) if r.id == image_id), None)


def check_image_id(image_id: str) -> None:
    if not is_well_formed(image_id, "ami"):
        raise Malformed("InvalidAMIID.Malformed", f'Invalid id: "{image_id}" (expecting "ami-...")')


def missing(image_ids: list[str]) -> NotFound:
    if len(image_ids) == 1:
        return NotFound("InvalidAMIID.NotFound", f"The image id '[{image_ids[0]}]' does not exist")
    return NotFound("InvalidAMIID.NotFound", f"The image ids '[{', '.join(image_ids)}]' do not exist")


def get_image(call: Call, image_id: str) -> Record:
    """The visible image with this id as it is now; Malformed or NotFound as AWS answers."""
    check_image_id(image_id)
    found = find_image(call, image_id)
    if found is None:
        raise missing([image_id])
    return seen(call, found)


def launchable(call: Call, image_id: str) -> Record:
    """An image RunInstances may launch: visible and available [EC2ERR InvalidAMIID.Unavailable]."""
    image = get_image(call, image_id)
    if image.doc.get("State") != "available":
        raise ApiError("InvalidAMIID.Unavailable", f"AMI '{image.id}' is {image.doc.get('State')}, and cannot be run")
    return image


def seen(call: Call, image: Record) -> Record:
    """The image as a reader sees it now (a catalog image never changes)."""
    return image if image.extra.get("catalog") else lifecycle.seen(call, image)


# -- DescribeImages ----------------------------------------------------------------------------------------------
def describe_images(call: Call, params: Params) -> Result:
    LISTING.validate_filters(params, call)
    named = params.get("ImageIds") or []
    candidates = _named(call, named) if named else visible_images(call)
    owners = _owner_test(call, params.get("Owners") or [])
    users = _user_test(call, params.get("ExecutableUsers") or [])
    kept = [r for r in candidates if owners(r) and users(r) and (named or _shown_by_default(call, r, params))]
    return LISTING.run(call, params, records=[seen(call, r) for r in kept])


def _named(call: Call, image_ids: list[str]) -> list[Record]:
    for image_id in image_ids:
        check_image_id(image_id)
    found = {i: find_image(call, i) for i in dict.fromkeys(image_ids)}
    absent = [i for i, r in found.items() if r is None]
    if absent:
        raise missing(absent)
    return [r for r in found.values() if r is not None]


def _shown_by_default(call: Call, image: Record, params: Params) -> bool:
    if image.doc.get("State") == "disabled" and not params.get("IncludeDisabled"):
        return False
    # "If you are the AMI owner, all deprecated AMIs appear in the response regardless" [EC2API DescribeImages].
    return bool(params.get("IncludeDeprecated")) or image.account == call.account or not is_deprecated(call, image)


def is_deprecated(call: Call, image: Record) -> bool:
    when = image.doc.get("DeprecationTime")
    if not when:
        return False
    # Catalog images are judged against the catalog's date (module docstring); the account's own by the clock.
    now = f"{images_as_of()}T00:00:00.000Z" if image.extra.get("catalog") else call.timestamp()
    return str(when) <= now


def _owner_test(call: Call, owners: list[str]) -> Any:
    for owner in owners:
        if owner != "self" and owner not in OWNER_ALIASES and not _ACCOUNT.match(owner):
            # [choice: vpcsim] AWS's answer for an owner that is neither an id nor an alias is not documented.
            raise InvalidParameter("InvalidUserID.Malformed", f'Invalid user id: "{owner}"')
    ids = {call.account if o == "self" else o for o in owners if o not in OWNER_ALIASES}
    aliases = {o for o in owners if o in OWNER_ALIASES}

    def test(image: Record) -> bool:
        return not owners or image.doc.get("OwnerId") in ids or image.doc.get("ImageOwnerAlias") in aliases

    return test


def _user_test(call: Call, users: list[str]) -> Any:
    for user in users:
        if user not in ("self", "all") and not _ACCOUNT.match(user):
            raise InvalidParameter("InvalidUserID.Malformed", f'Invalid user id: "{user}"')
    ids = {call.account if u == "self" else u for u in users if u != "all"}

    def test(image: Record) -> bool:
        if not users:
            return True
        return ("all" in users and bool(image.doc.get("Public"))) or any(_shared_with(image, i) for i in ids)

    return test
