"""DescribeInstanceAttribute and ModifyInstanceAttribute.

Facts [EC2API ModifyInstanceAttribute; EC2UG]: one attribute per call (``InvalidParameterCombination``); the instance
type, user data, EBS optimization, ENA and SR-IOV support change only while the instance is stopped
(``IncorrectInstanceState``), the new type must exist, be offered in the instance's zone, suit its architecture and
allow its interfaces; ``groupSet`` and ``sourceDestCheck`` act on the instance's network interface and are refused
when it has several ("There are multiple interfaces attached to instance ... Please specify an interface ID for the
operation instead.", quoted in the Terraform provider's ec2_instance.go); ``blockDeviceMapping`` changes
DeleteOnTermination of attached volumes.

One source of truth: sourceDestCheck and groupSet are the primary interface's members (the data plane reads them
there), block device mappings the volumes' attachments; the instance record keeps only what is its own.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable
from typing import Any

from vpcsim.catalog.instance_types import eni_limits
from vpcsim.control.compute import interfaces, volumes
from vpcsim.control.compute.launch_spec import default_credits
from vpcsim.control.core.call import Call, Params, Result
from vpcsim.control.core.lookup import get
from vpcsim.control.core.queries import attached_to
from vpcsim.control.images.instance_types import check_architecture, check_offered, instance_type_info
from vpcsim.errors import ApiError, IncorrectState, InvalidParameter, Unsupported
from vpcsim.model import Record

# attribute name (InstanceAttributeName) -> the member of DescribeInstanceAttribute's answer and of Modify's request
_ATTRIBUTES = {
    "instanceType": "InstanceType",
    "kernel": "KernelId",
    "ramdisk": "RamdiskId",
    "userData": "UserData",
    "disableApiTermination": "DisableApiTermination",
    "instanceInitiatedShutdownBehavior": "InstanceInitiatedShutdownBehavior",
    "rootDeviceName": "RootDeviceName",
    "blockDeviceMapping": "BlockDeviceMappings",
    "productCodes": "ProductCodes",
    "sourceDestCheck": "SourceDestCheck",
    "groupSet": "Groups",
    "ebsOptimized": "EbsOptimized",
    "sriovNetSupport": "SriovNetSupport",
    "enaSupport": "EnaSupport",
    "enclaveOptions": "EnclaveOptions",
    "disableApiStop": "DisableApiStop",
}
_REQUEST_NAMES = {"KernelId": "Kernel", "RamdiskId": "Ramdisk"}
_WHEN_STOPPED = ("InstanceType", "UserData", "EbsOptimized", "EnaSupport", "SriovNetSupport")
_EXTRA = {
    "UserData": "user_data",
    "DisableApiTermination": "disable_api_termination",
    "DisableApiStop": "disable_api_stop",
    "InstanceInitiatedShutdownBehavior": "shutdown_behavior",
}


def _unknown(attribute: Any) -> InvalidParameter:
    return InvalidParameter(
        "InvalidParameterValue",
        f"Value ({attribute}) for parameter attribute is invalid. Expected one of: {', '.join(_ATTRIBUTES)}.",
    )


# -- DescribeInstanceAttribute -----------------------------------------------------------------------------------
def describe_instance_attribute(call: Call, params: Params) -> Result:
    instance = get(call, "instance", params["InstanceId"])
    member_name = _ATTRIBUTES.get(params.get("Attribute") or "")
    if member_name is None:
        raise _unknown(params.get("Attribute"))
    return {"InstanceId": instance.id, member_name: _value(call, instance, member_name)}


def _value(call: Call, instance: Record, name: str) -> Any:
    doc, extra = instance.doc, instance.extra
    if name in ("SourceDestCheck", "Groups"):
        primary = _primary(call, instance)
        if name == "Groups":
            return primary.doc["Groups"] if primary else []
        return {"Value": primary.doc["SourceDestCheck"] if primary else True}
    if name == "BlockDeviceMappings":
        return volumes.block_device_mappings(instance.id, volumes.volumes_by_instance(call).get(instance.id, []))
    if name in ("ProductCodes",):
        return doc.get(name, [])
    if name == "EnclaveOptions":
        return doc.get(name, {"Enabled": False})
    if name in _EXTRA:
        value = extra.get(_EXTRA[name], "stop" if name == "InstanceInitiatedShutdownBehavior" else None)
        if name.startswith("Disable"):
            value = bool(value)
        return {} if value is None else {"Value": value}
    return {"Value": doc[name]} if doc.get(name) is not None else {}


def _primary(call: Call, instance: Record) -> Record | None:
    attached = attached_to(call, instance)
    return attached[0] if attached and attached[0].doc["Attachment"]["DeviceIndex"] == 0 else None


# -- ModifyInstanceAttribute -------------------------------------------------------------------------------------
def modify_instance_attribute(call: Call, params: Params) -> Result:
    instance = get(call, "instance", params["InstanceId"])
    name, value = _change(params)
    if name in _WHEN_STOPPED and instance.doc["State"]["Name"] != "stopped":
        raise IncorrectState("IncorrectInstanceState", f"The instance '{instance.id}' is not in the 'stopped' state.")
    _MODIFIERS.get(name, _unsupported)(call, instance, name, value)
    return {}


def _change(params: Params) -> tuple[str, Any]:
    """The one attribute a request changes, as (answer member name, new value)."""
    given = [
        n
        for n in (
            "SourceDestCheck",
            "DisableApiStop",
            "DisableApiTermination",
            "InstanceType",
            "Kernel",
            "Ramdisk",
            "UserData",
            "InstanceInitiatedShutdownBehavior",
            "Groups",
            "EbsOptimized",
            "SriovNetSupport",
            "EnaSupport",
            "BlockDeviceMappings",
        )
        if params.get(n) not in (None, [])
    ]
    if params.get("Attribute"):
        given.append("Attribute")
    if len(given) > 1:
        raise InvalidParameter(
            "InvalidParameterCombination", f"Fields for multiple attribute types specified: {', '.join(given)}"
        )
    if not given:
        raise InvalidParameter("InvalidParameterCombination", "No attributes specified.")
    if given[0] == "Attribute":
        return _from_attribute(params)
    name = {v: k for k, v in _REQUEST_NAMES.items()}.get(given[0], given[0])
    value = params[given[0]]
    if name == "UserData":
        return name, base64.b64encode(value.get("Value") or b"").decode()
    return name, value if name in ("Groups", "BlockDeviceMappings") else value.get("Value")


def _from_attribute(params: Params) -> tuple[str, Any]:
    name = _ATTRIBUTES.get(params["Attribute"])
    if name is None:
        raise _unknown(params["Attribute"])
    value = params.get("Value")
    if name in ("Groups", "BlockDeviceMappings"):
        raise InvalidParameter("InvalidParameterCombination", f"Specify {name} to modify the {params['Attribute']}.")
    if name in ("SourceDestCheck", "DisableApiStop", "DisableApiTermination", "EbsOptimized", "EnaSupport"):
        return name, str(value).lower() == "true"
    if name == "UserData":
        return name, _user_data_value(value or "")
    return name, value


def _user_data_value(value: str) -> str:
    try:
        base64.b64decode(value, validate=True)
        return value
    except (binascii.Error, ValueError):
        return base64.b64encode(value.encode()).decode()


def _set_extra(call: Call, instance: Record, name: str, value: Any) -> None:
    if name == "InstanceInitiatedShutdownBehavior" and value not in ("stop", "terminate"):
        raise InvalidParameter(
            "InvalidParameterValue", f"Value ({value}) for parameter instanceInitiatedShutdownBehavior is invalid."
        )
    stored = bool(value) if name.startswith("Disable") else value
    call.tx.put(instance.with_extra(**{_EXTRA[name]: stored}))


def _set_doc(call: Call, instance: Record, name: str, value: Any) -> None:
    call.tx.put(instance.with_doc(**{name: value}))


def _only_interface(call: Call, instance: Record) -> Record:
    attached = attached_to(call, instance)
    if len(attached) > 1:
        raise ApiError(
            "InvalidInstanceID",
            f"There are multiple interfaces attached to instance '{instance.id}'. Please specify an interface ID for "
            "the operation instead.",
        )
    if not attached:
        raise IncorrectState("IncorrectInstanceState", f"The instance '{instance.id}' has no network interface.")
    return attached[0]


def _set_source_dest_check(call: Call, instance: Record, name: str, value: Any) -> None:
    eni = _only_interface(call, instance)
    call.tx.put(eni.with_doc(SourceDestCheck=bool(value)))


def _set_groups(call: Call, instance: Record, name: str, value: Any) -> None:
    eni = _only_interface(call, instance)
    subnet = get(call, "subnet", eni.doc["SubnetId"])
    groups = interfaces.resolve_groups(call, subnet, list(value))
    call.tx.put(eni.with_doc(Groups=interfaces.group_list(groups)))


def _set_block_devices(call: Call, instance: Record, name: str, value: Any) -> None:
    for mapping in value:
        ebs = mapping.get("Ebs") or {}
        volumes.set_delete_on_termination(
            call, instance, mapping.get("DeviceName") or "", bool(ebs.get("DeleteOnTermination"))
        )


def _set_type(call: Call, instance: Record, name: str, value: Any) -> None:
    info = instance_type_info(str(value))
    check_architecture(info, instance.doc)
    check_offered(call, str(value), call.zone(instance.doc["Placement"]["AvailabilityZone"]))
    limits = eni_limits(str(value))
    attached = attached_to(call, instance)
    if limits is not None and len(attached) > limits[0]:
        raise interfaces.interface_limit(len(attached), str(value))
    credits = instance.extra.get("cpu_credits") or default_credits(str(value))
    updated = instance.with_doc(InstanceType=value)
    burstable = bool(info.get("BurstablePerformanceSupported"))
    call.tx.put(updated.with_extra(cpu_credits=credits if burstable else None))


def _unsupported(call: Call, instance: Record, name: str, value: Any) -> None:
    raise Unsupported("Unsupported", f"vpcsim images have no separate kernel or RAM disk to change ({name}).")


_MODIFIERS: dict[str, Callable[[Call, Record, str, Any], None]] = {
    "InstanceType": _set_type,
    "UserData": _set_extra,
    "DisableApiTermination": _set_extra,
    "DisableApiStop": _set_extra,
    "InstanceInitiatedShutdownBehavior": _set_extra,
    "SourceDestCheck": _set_source_dest_check,
    "Groups": _set_groups,
    "EbsOptimized": _set_doc,
    "EnaSupport": _set_doc,
    "SriovNetSupport": _set_doc,
    "BlockDeviceMappings": _set_block_devices,
}
