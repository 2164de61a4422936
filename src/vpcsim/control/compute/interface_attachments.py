"""Attaching and detaching network interfaces: AttachNetworkInterface and DetachNetworkInterface.

Facts [EC2API; VPCUG23]: an interface attaches to a running or stopped instance in its own Availability Zone and VPC,
at a free device index, up to the instance type's MaximumNetworkInterfaces (``AttachmentLimitExceeded``); the
interface at device index 0 cannot be detached; ``ela-attach-`` attachments of service-managed interfaces are not
the user's to manage; attachment ids are ``eni-attach-`` + 17 hex.
"""

from __future__ import annotations

from vpcsim.catalog.instance_types import eni_limits
from vpcsim.control.compute.interfaces import attach, detach, interface_limit
from vpcsim.control.core.call import Call, Params, Result
from vpcsim.control.core.lookup import get
from vpcsim.control.core.queries import attached_to
from vpcsim.errors import ApiError, IncorrectState, InvalidParameter, Malformed, NotFound
from vpcsim.model import Record, is_well_formed


def attach_network_interface(call: Call, params: Params) -> Result:
    eni = get(call, "network-interface", params["NetworkInterfaceId"])
    instance = get(call, "instance", params["InstanceId"])
    if eni.doc.get("Attachment"):
        raise ApiError("InvalidNetworkInterface.InUse", f"Interface: [{eni.id}] in use.")
    state = instance.doc["State"]["Name"]
    if state not in ("running", "stopped"):
        raise IncorrectState(
            "IncorrectInstanceState", f"The instance '{instance.id}' is not in a valid state for this operation."
        )
    _check_placement(eni, instance)
    index = params["DeviceIndex"]
    attached = attached_to(call, instance)
    limits = eni_limits(instance.doc["InstanceType"])
    if limits is not None and len(attached) + 1 > limits[0]:
        raise interface_limit(len(attached) + 1, instance.doc["InstanceType"])
    if any(e.doc["Attachment"]["DeviceIndex"] == index for e in attached):
        raise InvalidParameter(
            "InvalidParameterValue",
            f"Instance '{instance.id}' already has an interface attached at device index '{index}'.",
        )
    eni = attach(call, eni, instance, index, delete_on_termination=False)
    return {"AttachmentId": eni.doc["Attachment"]["AttachmentId"], "NetworkCardIndex": 0}


def _check_placement(eni: Record, instance: Record) -> None:
    # Same AZ [EC2API AttachNetworkInterface]; same VPC [VPCUG23]. Code and text are vpcsim's [choice: no AWS text].
    if eni.doc["AvailabilityZone"] != instance.doc["Placement"]["AvailabilityZone"]:
        raise InvalidParameter(
            "InvalidParameterValue",
            f"The network interface '{eni.id}' ({eni.doc['AvailabilityZone']}) and the instance '{instance.id}' "
            f"({instance.doc['Placement']['AvailabilityZone']}) must be in the same Availability Zone.",
        )
    if eni.doc["VpcId"] != instance.doc["VpcId"]:
        raise InvalidParameter(
            "InvalidParameterValue", f"The network interface '{eni.id}' and the instance must be in the same VPC."
        )


def detach_network_interface(call: Call, params: Params) -> Result:
    attachment_id = params["AttachmentId"]
    eni = _find_by_attachment(call, attachment_id)
    if attachment_id.startswith("ela-attach-") and eni is not None:
        raise ApiError("OperationNotPermitted", "You are not allowed to manage 'ela-attach' attachments.")
    check_attachment_id(attachment_id)
    if eni is None:
        raise NotFound("InvalidAttachmentID.NotFound", f"The attachment ID '{attachment_id}' does not exist")
    if eni.doc["Attachment"]["DeviceIndex"] == 0:
        raise ApiError(
            "OperationNotPermitted",
            "The network interface at device index 0 and networkCard index 0 cannot be detached.",
        )
    detach(call, eni)
    return {}


def check_attachment_id(attachment_id: str) -> None:
    if not is_well_formed(attachment_id, "eni-attach"):
        raise Malformed(
            "InvalidNetworkInterfaceAttachmentId.Malformed",
            f'Invalid id: "{attachment_id}" (expecting "eni-attach-...")',
        )


def _find_by_attachment(call: Call, attachment_id: str) -> Record | None:
    return next(
        (
            e
            for e in call.scan("network-interface")
            if (e.doc.get("Attachment") or {}).get("AttachmentId") == attachment_id
        ),
        None,
    )
