"""Instance types from the catalog: DescribeInstanceTypes, DescribeInstanceTypeOfferings, and the checks a launch
makes of a type.

DescribeInstanceTypes [EC2API] lists the types offered in the caller's Region (every catalog type with
``IncludeUnsupportedInRegion``, those not offered here showing ``SupportedInRegion: false``); a named type that is
not one is ``InvalidInstanceType`` naming all of them; pages hold 5 to 100 types. DescribeInstanceTypeOfferings
lists (type, location) pairs by Region, zone name or zone id, filtered by ``location`` and ``instance-type``.

Zones are the caller's (``call.region.zones``), matched to the catalog's offerings by zone id, so the per-account
mapping of zone names to zone ids holds here as everywhere else.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from vpcsim.catalog import Zone
from vpcsim.catalog.instance_types import LocationType, all_instance_types, find_instance_type, offered_types
from vpcsim.control.core.call import Call, Params, Result
from vpcsim.control.core.describe import Listing, member
from vpcsim.errors import InvalidParameter, Unsupported
from vpcsim.model import Record

_TYPE_FILTERS = {
    "auto-recovery-supported": ("AutoRecoverySupported",),
    "bare-metal": ("BareMetal",),
    "burstable-performance-supported": ("BurstablePerformanceSupported",),
    "current-generation": ("CurrentGeneration",),
    "dedicated-hosts-supported": ("DedicatedHostsSupported",),
    "ebs-info.attachment-limit-type": ("EbsInfo", "AttachmentLimitType"),
    "ebs-info.maximum-ebs-attachments": ("EbsInfo", "MaximumEbsAttachments"),
    "ebs-info.ebs-optimized-info.baseline-bandwidth-in-mbps": (
        "EbsInfo",
        "EbsOptimizedInfo",
        "BaselineBandwidthInMbps",
    ),
    "ebs-info.ebs-optimized-info.baseline-iops": ("EbsInfo", "EbsOptimizedInfo", "BaselineIops"),
    "ebs-info.ebs-optimized-info.baseline-throughput-in-mbps": (
        "EbsInfo",
        "EbsOptimizedInfo",
        "BaselineThroughputInMBps",
    ),
    "ebs-info.ebs-optimized-info.maximum-bandwidth-in-mbps": ("EbsInfo", "EbsOptimizedInfo", "MaximumBandwidthInMbps"),
    "ebs-info.ebs-optimized-info.maximum-iops": ("EbsInfo", "EbsOptimizedInfo", "MaximumIops"),
    "ebs-info.ebs-optimized-info.maximum-throughput-in-mbps": (
        "EbsInfo",
        "EbsOptimizedInfo",
        "MaximumThroughputInMBps",
    ),
    "ebs-info.ebs-optimized-support": ("EbsInfo", "EbsOptimizedSupport"),
    "ebs-info.encryption-support": ("EbsInfo", "EncryptionSupport"),
    "ebs-info.nvme-support": ("EbsInfo", "NvmeSupport"),
    "free-tier-eligible": ("FreeTierEligible",),
    "hibernation-supported": ("HibernationSupported",),
    "hypervisor": ("Hypervisor",),
    "instance-storage-info.disk.count": ("InstanceStorageInfo", "Disks", "Count"),
    "instance-storage-info.disk.size-in-gb": ("InstanceStorageInfo", "Disks", "SizeInGB"),
    "instance-storage-info.disk.type": ("InstanceStorageInfo", "Disks", "Type"),
    "instance-storage-info.encryption-support": ("InstanceStorageInfo", "EncryptionSupport"),
    "instance-storage-info.nvme-support": ("InstanceStorageInfo", "NvmeSupport"),
    "instance-storage-info.total-size-in-gb": ("InstanceStorageInfo", "TotalSizeInGB"),
    "instance-storage-supported": ("InstanceStorageSupported",),
    "instance-type": ("InstanceType",),
    "memory-info.size-in-mib": ("MemoryInfo", "SizeInMiB"),
    "network-info.bandwidth-weightings": ("NetworkInfo", "BandwidthWeightings"),
    "network-info.efa-info.maximum-efa-interfaces": ("NetworkInfo", "EfaInfo", "MaximumEfaInterfaces"),
    "network-info.efa-supported": ("NetworkInfo", "EfaSupported"),
    "network-info.ena-support": ("NetworkInfo", "EnaSupport"),
    "network-info.flexible-ena-queues-support": ("NetworkInfo", "FlexibleEnaQueuesSupport"),
    "network-info.encryption-in-transit-supported": ("NetworkInfo", "EncryptionInTransitSupported"),
    "network-info.ipv4-addresses-per-interface": ("NetworkInfo", "Ipv4AddressesPerInterface"),
    "network-info.ipv6-addresses-per-interface": ("NetworkInfo", "Ipv6AddressesPerInterface"),
    "network-info.ipv6-supported": ("NetworkInfo", "Ipv6Supported"),
    "network-info.maximum-network-cards": ("NetworkInfo", "MaximumNetworkCards"),
    "network-info.maximum-network-interfaces": ("NetworkInfo", "MaximumNetworkInterfaces"),
    "network-info.network-performance": ("NetworkInfo", "NetworkPerformance"),
    "nitro-enclaves-support": ("NitroEnclavesSupport",),
    "nitro-tpm-support": ("NitroTpmSupport",),
    "nitro-tpm-info.supported-versions": ("NitroTpmInfo", "SupportedVersions"),
    "processor-info.supported-architecture": ("ProcessorInfo", "SupportedArchitectures"),
    "processor-info.sustained-clock-speed-in-ghz": ("ProcessorInfo", "SustainedClockSpeedInGhz"),
    "processor-info.supported-features": ("ProcessorInfo", "SupportedFeatures"),
    "reboot-migration-support": ("RebootMigrationSupport",),
    "supported-boot-mode": ("SupportedBootModes",),
    "supported-root-device-type": ("SupportedRootDeviceTypes",),
    "supported-usage-class": ("SupportedUsageClasses",),
    "supported-virtualization-type": ("SupportedVirtualizationTypes",),
    "vcpu-info.default-cores": ("VCpuInfo", "DefaultCores"),
    "vcpu-info.default-threads-per-core": ("VCpuInfo", "DefaultThreadsPerCore"),
    "vcpu-info.default-vcpus": ("VCpuInfo", "DefaultVCpus"),
    "vcpu-info.valid-cores": ("VCpuInfo", "ValidCores"),
    "vcpu-info.valid-threads-per-core": ("VCpuInfo", "ValidThreadsPerCore"),
}


def _plain(record: Record) -> dict[str, Any]:
    return dict(record.doc)


TYPES = Listing(
    kind="instance-type",
    page_member="InstanceTypes",
    filters={name: member(*path) for name, path in _TYPE_FILTERS.items()},
    max_results=(5, 100),  # "Valid Range: Minimum value of 5. Maximum value of 100." [EC2API DescribeInstanceTypes]
    present=_plain,
)
OFFERINGS = Listing(
    kind="instance-type-offering",
    page_member="InstanceTypeOfferings",
    filters={"instance-type": member("InstanceType"), "location": member("Location")},
    present=_plain,
)


@cache
def _type_record(name: str, region: str, offered: bool) -> Record:
    info = find_instance_type(name) or {}
    doc = info if offered else {**info, "SupportedInRegion": False}
    return Record("instance-type", name, "", region, doc)


def describe_instance_types(call: Call, params: Params) -> Result:
    region = call.region.name
    here = offered_types(region)
    everything = bool(params.get("IncludeUnsupportedInRegion"))
    names = params.get("InstanceTypes") or []
    unknown = [n for n in names if find_instance_type(n) is None or not (everything or n in here)]
    if unknown:
        raise InvalidParameter(
            "InvalidInstanceType", f"The following supplied instance types do not exist: [{', '.join(unknown)}]"
        )
    listed = names or [i["InstanceType"] for i in all_instance_types() if everything or i["InstanceType"] in here]
    records = [_type_record(n, region, n in here) for n in dict.fromkeys(listed)]
    return TYPES.run(call, params, records=records)


def describe_instance_type_offerings(call: Call, params: Params) -> Result:
    try:
        kind = LocationType(params.get("LocationType") or LocationType.REGION)
    except ValueError:
        raise InvalidParameter(
            "InvalidParameterValue",
            f"Value ({params.get('LocationType')}) for parameter locationType is invalid. "
            "Expected one of: region, availability-zone, availability-zone-id.",
        ) from None
    region = call.region.name
    if kind is LocationType.REGION:
        places = [(region, offered_types(region))]
    else:
        use_id = kind is LocationType.AVAILABILITY_ZONE_ID
        places = [(z.zone_id if use_id else z.name, offered_types(region, z.zone_id)) for z in call.region.zones]
    rows = sorted((where, name) for where, names in places for name in names)
    records = [Record("instance-type-offering", f"{w}/{n}", "", region, _offering(n, kind.value, w)) for w, n in rows]
    return OFFERINGS.run(call, params, records=records)


def _offering(name: str, location_type: str, location: str) -> dict[str, str]:
    return {"InstanceType": name, "LocationType": location_type, "Location": location}


# -- the checks a launch makes -----------------------------------------------------------------------------------
def instance_type_info(name: str) -> dict[str, Any]:
    """The type's InstanceTypeInfo, or the ``InvalidParameterValue`` RunInstances answers for an unknown type."""
    info = find_instance_type(name)
    if info is None:
        raise InvalidParameter("InvalidParameterValue", f"Invalid value '{name}' for InstanceType.")
    return info


def check_offered(call: Call, name: str, zone: Zone) -> None:
    """``Unsupported`` when the type is not offered in ``zone``, with AWS's text naming the zones that offer it."""
    if name in offered_types(call.region.name, zone.zone_id):
        return
    elsewhere = [z.name for z in call.region.zones if name in offered_types(call.region.name, z.zone_id)]
    if not elsewhere:
        raise Unsupported(
            "Unsupported",
            "The requested configuration is currently not supported. Please check the documentation for supported "
            "configurations.",
        )
    raise Unsupported(
        "Unsupported",
        f"Your requested instance type ({name}) is not supported in your requested Availability Zone ({zone.name}). "
        f"Please retry your request by not specifying an Availability Zone or choosing {', '.join(elsewhere)}.",
    )


def check_architecture(info: dict[str, Any], image: dict[str, Any]) -> None:
    """The image's architecture must be one the type supports [EC2API RunInstances]."""
    wanted = image.get("Architecture", "x86_64")
    supported = info["ProcessorInfo"]["SupportedArchitectures"]
    if wanted not in supported:
        raise InvalidParameter(
            "InvalidParameterValue",
            f"The architecture '{supported[0]}' of the specified instance type does not match the architecture "
            f"'{wanted}' of the specified AMI. Specify an instance type and an AMI that have matching architectures, "
            "and try again. You can use 'describe-instance-types' or 'describe-images' to discover the architecture "
            "of the instance type or AMI.",
        )
