"""What a launch is made of besides its network: the image, the instance type, block devices, key pair, metadata
and credit options, user data. ``launch_spec`` checks them all and returns the members every instance of the launch
shows, and the attributes kept for DescribeInstanceAttribute.

Facts [EC2API RunInstances; EC2UG]: ImageId must name an image the caller may launch (``InvalidAMIID.*``); the type
defaults to m1.small ("Default: m1.small"), must exist (``InvalidParameterValue``), be offered in the subnet's zone
(``Unsupported``) and match the image's architecture; KeyName must name a key pair of the Region
(``InvalidKeyPair.NotFound``); IamInstanceProfile must name an instance profile of the account. Metadata
options default to endpoint enabled, tokens optional, hop limit 1, tags
disabled; an image with ``ImdsSupport: v2.0`` makes tokens required with hop limit 2 [EC2UG "Configure the AMI"].
Burstable types launch ``unlimited`` (T3, T3a, T4g) except T2, which launches ``standard`` [EC2UG "Burstable
performance instances"].
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from vpcsim.catalog import Zone
from vpcsim.control.compute import volumes
from vpcsim.control.compute.key_pairs import find_key_pair
from vpcsim.control.compute.profile_associations import profile_of
from vpcsim.control.core.call import Call, Params
from vpcsim.control.images.images import launchable
from vpcsim.control.images.instance_types import check_architecture, check_offered, instance_type_info
from vpcsim.errors import InvalidParameter, MissingParameter, NotFound

DEFAULT_TYPE = "m1.small"  # RunInstances: "Default: m1.small" [EC2API]
_METADATA_DEFAULTS = {
    "HttpTokens": "optional",
    "HttpPutResponseHopLimit": 1,
    "HttpEndpoint": "enabled",
    "HttpProtocolIpv6": "disabled",
    "InstanceMetadataTags": "disabled",
}
_METADATA_VALUES = {
    "HttpTokens": ("optional", "required"),
    "HttpEndpoint": ("enabled", "disabled"),
    "HttpProtocolIpv6": ("enabled", "disabled"),
    "InstanceMetadataTags": ("enabled", "disabled"),
}
_SHUTDOWN = ("stop", "terminate")


@dataclass(frozen=True, slots=True)
class LaunchSpec:
    image_id: str
    instance_type: str
    mappings: list[dict[str, Any]]
    doc: dict[str, Any] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)


def requested_type(params: Params) -> str:
    return str(params.get("InstanceType") or DEFAULT_TYPE)


def launch_image(call: Call, params: Params) -> dict[str, Any]:
    """The image a launch names (checked first, as AWS does), as DescribeImages shows it."""
    if not params.get("ImageId"):
        raise MissingParameter("ImageId")
    return launchable(call, params["ImageId"]).doc


def launch_spec(call: Call, params: Params, image: dict[str, Any], zone: Zone) -> LaunchSpec:
    name = requested_type(params)
    info = instance_type_info(name)
    check_architecture(info, image)
    check_offered(call, name, zone)
    mappings = volumes.launch_mappings(image, params.get("BlockDeviceMappings") or [])
    doc = {
        **_from_image(image),
        **_from_type(info, params),
        "MetadataOptions": metadata_options(params.get("MetadataOptions") or {}, image),
        **_key(call, params),
        **_profile(call, params),
        "Monitoring": {"State": "enabled" if (params.get("Monitoring") or {}).get("Enabled") else "disabled"},
        "ClientToken": params.get("ClientToken") or "",
    }
    return LaunchSpec(image["ImageId"], name, mappings, doc, _attributes(params, info))


def _from_image(image: dict[str, Any]) -> dict[str, Any]:
    doc = {
        "Architecture": image.get("Architecture", "x86_64"),
        "RootDeviceName": image.get("RootDeviceName", "/dev/xvda"),
        "RootDeviceType": image.get("RootDeviceType", "ebs"),
        "VirtualizationType": image.get("VirtualizationType", "hvm"),
        "PlatformDetails": image.get("PlatformDetails", "Linux/UNIX"),
        "UsageOperation": image.get("UsageOperation", "RunInstances"),
        "EnaSupport": bool(image.get("EnaSupport", True)),
        "Hypervisor": "xen",
        "CurrentInstanceBootMode": "uefi" if str(image.get("BootMode", "")).startswith("uefi") else "legacy-bios",
    }
    for name in ("Platform", "BootMode", "SriovNetSupport"):
        if image.get(name):
            doc[name] = image[name]
    return doc


def _from_type(info: dict[str, Any], params: Params) -> dict[str, Any]:
    cpu = info["VCpuInfo"]
    wanted = params.get("CpuOptions") or {}
    default_optimized = (info.get("EbsInfo") or {}).get("EbsOptimizedSupport") == "default"
    return {
        "CpuOptions": {
            "CoreCount": wanted.get("CoreCount") or cpu.get("DefaultCores", cpu["DefaultVCpus"]),
            "ThreadsPerCore": wanted.get("ThreadsPerCore") or cpu.get("DefaultThreadsPerCore", 1),
        },
        "EbsOptimized": bool(params.get("EbsOptimized")) or default_optimized,
        "CapacityReservationSpecification": {"CapacityReservationPreference": "open"},
        "HibernationOptions": {"Configured": bool((params.get("HibernationOptions") or {}).get("Configured"))},
        "EnclaveOptions": {"Enabled": bool((params.get("EnclaveOptions") or {}).get("Enabled"))},
        "MaintenanceOptions": {
            "AutoRecovery": (params.get("MaintenanceOptions") or {}).get("AutoRecovery") or "default",
            "RebootMigration": "default",
        },
        "NetworkPerformanceOptions": {"BandwidthWeighting": "default"},
        "Operator": {"Managed": False},
    }


def metadata_options(
    given: dict[str, Any], image: dict[str, Any] | None = None, base: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Checked metadata options: ``given`` over ``base`` (or the launch defaults, v2-only for a v2.0 image)."""
    options = dict(base or _METADATA_DEFAULTS)
    if base is None and image is not None and image.get("ImdsSupport") == "v2.0":
        options.update(HttpTokens="required", HttpPutResponseHopLimit=2)
    for name, allowed in _METADATA_VALUES.items():
        value = given.get(name)
        if value is not None and value not in allowed:
            raise InvalidParameter(
                "InvalidParameterValue", f"Value ({value}) for parameter {name[0].lower()}{name[1:]} is invalid."
            )
    hops = given.get("HttpPutResponseHopLimit")
    if hops is not None and not 1 <= int(hops) <= 64:
        raise InvalidParameter(
            "InvalidParameterValue", f"Value ({hops}) for parameter httpPutResponseHopLimit is invalid. Expected 1-64."
        )
    options.update({k: v for k, v in given.items() if k in _METADATA_DEFAULTS and v is not None})
    options.pop("State", None)
    return {"State": "applied", **options}


def _key(call: Call, params: Params) -> dict[str, str]:
    name = params.get("KeyName")
    if not name:
        return {}
    if find_key_pair(call, name) is None:
        raise NotFound("InvalidKeyPair.NotFound", f"The key pair '{name}' does not exist")
    return {"KeyName": name}


def _profile(call: Call, params: Params) -> dict[str, Any]:
    """The IAM instance profile the launch names, which must exist (profile_associations.py)."""
    given = params.get("IamInstanceProfile") or {}
    return {"IamInstanceProfile": profile_of(call, given)} if given else {}


def default_credits(instance_type: str) -> str:
    return "standard" if instance_type.startswith("t2.") else "unlimited"


def _attributes(params: Params, info: dict[str, Any]) -> dict[str, Any]:
    shutdown = params.get("InstanceInitiatedShutdownBehavior") or "stop"
    if shutdown not in _SHUTDOWN:
        raise InvalidParameter(
            "InvalidParameterValue", f"Value ({shutdown}) for parameter instanceInitiatedShutdownBehavior is invalid."
        )
    extra: dict[str, Any] = {
        "disable_api_termination": bool(params.get("DisableApiTermination")),
        "disable_api_stop": bool(params.get("DisableApiStop")),
        "shutdown_behavior": shutdown,
    }
    if params.get("UserData"):
        extra["user_data"] = params["UserData"]
    credits = (params.get("CreditSpecification") or {}).get("CpuCredits")
    if info.get("BurstablePerformanceSupported"):
        extra["cpu_credits"] = credits or default_credits(info["InstanceType"])
        if extra["cpu_credits"] not in ("standard", "unlimited"):
            raise InvalidParameter("InvalidParameterValue", f"Value ({credits}) for parameter cpuCredits is invalid.")
    elif credits:
        raise InvalidParameter(
            "InvalidParameterCombination",
            f"The parameter creditSpecification is not supported for instance type {info['InstanceType']}.",
        )
    return extra
