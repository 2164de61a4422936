"""Instance options besides attributes: CPU credits, metadata options, maintenance options, detailed monitoring.

Facts [EC2API; EC2UG "Burstable performance instances", "Configure the instance metadata options"]:
- Credit specifications exist for burstable types only; DescribeInstanceCreditSpecifications naming another
  instance is ``InstanceCreditSpecification.NotSupported`` (the code the Terraform provider's ec2_instance.go
  quotes); without ids it lists the burstable instances; Modify answers each instance in Successful or
  Unsuccessful.
- ModifyInstanceMetadataOptions answers the new options ``pending``; describes show them ``applied`` (the lifecycle
  rule of docs/architecture.md).
- GetInstanceUefiData answers the UEFI variable store of an instance that boots with UEFI: base64 of AWS's
  ``AMZNUEFI`` container (magic, CRC-32, version, then zlib-compressed variables) [EC2API; awslabs/python-uefivars].
  Choice [vpcsim]: the store holds no variables; an instance that boots legacy BIOS is ``UnsupportedOperation``.
  (Terraform's data "aws_ami" calls it with an image id and ignores the ``InvalidInstanceID.Malformed`` AWS answers.)
- MonitorInstances answers ``pending``, UnmonitorInstances ``disabling``; the instance then shows ``enabled`` or
  ``disabled``.
"""

from __future__ import annotations

import base64
import struct
import zlib
from typing import Any

from vpcsim.control.compute.instances import visible_instances
from vpcsim.control.compute.launch_spec import metadata_options
from vpcsim.control.core.call import Call, Params, Result
from vpcsim.control.core.describe import Listing, member
from vpcsim.control.core.lookup import get
from vpcsim.errors import ApiError, IncorrectState, InvalidParameter
from vpcsim.model import Record

CREDITS = Listing(
    kind="instance",
    page_member="InstanceCreditSpecifications",
    filters={"instance-id": member("InstanceId")},
    present=lambda r: dict(r.doc),
)
_LIVE = ("pending", "running", "stopping", "stopped")


def _credit_row(instance: Record) -> Record:
    return instance.evolve(doc={"InstanceId": instance.id, "CpuCredits": instance.extra["cpu_credits"]}, tags={})


def describe_instance_credit_specifications(call: Call, params: Params) -> Result:
    if params.get("MaxResults") is not None and params.get("InstanceIds"):
        raise InvalidParameter(
            "InvalidParameterCombination", "The parameter instancesSet cannot be used with the parameter maxResults"
        )
    named = params.get("InstanceIds") or []
    found = visible_instances(call, named or None)
    if named:
        plain = [r.id for r in found if not r.extra.get("cpu_credits")]
        if plain:
            raise ApiError(
                "InstanceCreditSpecification.NotSupported",
                f"The instance ID '{', '.join(plain)}' is not a burstable performance instance.",
            )
    rows = [_credit_row(r) for r in found if r.extra.get("cpu_credits") and r.doc["State"]["Name"] in _LIVE]
    return CREDITS.run(call, params, records=rows)


def modify_instance_credit_specification(call: Call, params: Params) -> Result:
    successful, unsuccessful = [], []
    for item in params["InstanceCreditSpecifications"]:
        iid = item.get("InstanceId") or ""
        try:
            _set_credits(call, iid, item.get("CpuCredits"))
            successful.append({"InstanceId": iid})
        except ApiError as error:
            unsuccessful.append({"InstanceId": iid, "Error": {"Code": error.code, "Message": error.message}})
    return {
        "SuccessfulInstanceCreditSpecifications": successful,
        "UnsuccessfulInstanceCreditSpecifications": unsuccessful,
    }


def _set_credits(call: Call, iid: str, credits: Any) -> None:
    instance = get(call, "instance", iid)
    if not instance.extra.get("cpu_credits"):
        raise ApiError(
            "InstanceCreditSpecification.NotSupported",
            f"The instance ID '{iid}' is not a burstable performance instance.",
        )
    if credits not in ("standard", "unlimited"):
        raise InvalidParameter("InvalidParameterValue", f"Value ({credits}) for parameter cpuCredits is invalid.")
    call.tx.put(instance.with_extra(cpu_credits=credits))


def _live(call: Call, iid: str) -> Record:
    instance = get(call, "instance", iid)
    if instance.doc["State"]["Name"] not in _LIVE:
        raise IncorrectState(
            "IncorrectInstanceState", f"The instance '{instance.id}' is not in a valid state for this operation."
        )
    return instance


def modify_instance_metadata_options(call: Call, params: Params) -> Result:
    instance = _live(call, params["InstanceId"])
    options = metadata_options(params, base=instance.doc["MetadataOptions"])
    call.tx.put(instance.with_doc(MetadataOptions=options))
    return {"InstanceId": instance.id, "InstanceMetadataOptions": {**options, "State": "pending"}}


def modify_instance_maintenance_options(call: Call, params: Params) -> Result:
    instance = _live(call, params["InstanceId"])
    options = dict(instance.doc.get("MaintenanceOptions") or {"AutoRecovery": "default", "RebootMigration": "default"})
    for name, allowed in (("AutoRecovery", ("disabled", "default")), ("RebootMigration", ("disabled", "default"))):
        value = params.get(name)
        if value is not None and value not in allowed:
            raise InvalidParameter("InvalidParameterValue", f"Value ({value}) for parameter {name} is invalid.")
        if value is not None:
            options[name] = value
    call.tx.put(instance.with_doc(MaintenanceOptions=options))
    return {"InstanceId": instance.id, **options}


def _monitoring(call: Call, params: Params, stored: str, answered: str) -> Result:
    changed = []
    for instance in visible_instances(call, params["InstanceIds"]):
        call.tx.put(instance.with_doc(Monitoring={"State": stored}))
        changed.append({"InstanceId": instance.id, "Monitoring": {"State": answered}})
    return {"InstanceMonitorings": changed}


def monitor_instances(call: Call, params: Params) -> Result:
    return _monitoring(call, params, "enabled", "pending")


def unmonitor_instances(call: Call, params: Params) -> Result:
    return _monitoring(call, params, "disabled", "disabling")


def get_instance_uefi_data(call: Call, params: Params) -> Result:
    instance = get(call, "instance", params["InstanceId"])
    if instance.doc.get("CurrentInstanceBootMode") != "uefi":
        raise ApiError("UnsupportedOperation", f"The instance '{instance.id}' does not boot with UEFI.")
    body = zlib.compress(b"")
    store = b"AMZNUEFI" + struct.pack("<II", zlib.crc32(body), 0) + body
    return {"InstanceId": instance.id, "UefiData": base64.b64encode(store).decode()}
