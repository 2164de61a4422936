"""Instance state changes: TerminateInstances, StopInstances, StartInstances, DescribeInstanceStatus.

The lifecycle rule is in ``instances``: a transition completes within its call, whose answer alone shows the
transitional state (``shutting-down``, ``stopping``, ``pending``).
"""

from __future__ import annotations

from typing import Any

from vpcsim.control.compute import interfaces
from vpcsim.control.compute.instances import state, visible_instances
from vpcsim.control.core.call import Call, Params, Result
from vpcsim.control.core.describe import Listing, member
from vpcsim.control.core.queries import attached_to
from vpcsim.errors import ApiError, IncorrectState
from vpcsim.model import Record


# -- state changes ---------------------------------------------------------------------------------------------
def terminate_instances(call: Call, params: Params) -> Result:
    changes = []
    for instance in visible_instances(call, params["InstanceIds"]):
        previous = instance.doc["State"]
        if previous["Name"] != "terminated":
            if instance.extra.get("disable_api_termination"):
                raise ApiError(
                    "OperationNotPermitted",
                    f"The instance '{instance.id}' may not be terminated. Modify its 'disableApiTermination' "
                    "instance attribute and try again.",
                )
            _terminate(call, instance)
        current = state("terminated" if previous["Name"] == "terminated" else "shutting-down")
        changes.append({"InstanceId": instance.id, "CurrentState": current, "PreviousState": previous})
    return {"TerminatingInstances": changes}


def _terminate(call: Call, instance: Record) -> None:
    for eni in attached_to(call, instance):
        eni = interfaces.release_public_ip(call, eni)
        if eni.doc["Attachment"]["DeleteOnTermination"]:
            interfaces.delete_interface(call, eni)
        else:
            interfaces.detach(call, eni)
    instance = call.tx.find("instance", instance.id) or instance
    doc = {k: v for k, v in instance.doc.items() if k not in ("SubnetId", "VpcId", "PrivateIpAddress")}
    doc.update(State=state("terminated"), StateTransitionReason=_reason(call), StateReason=_user_shutdown())
    # A terminated instance no longer belongs to its VPC: it does not block DeleteVpc.
    record = instance.evolve(doc=doc, parent=None).with_extra(terminated_at=call.now.isoformat())
    call.tx.put(record)


def _reason(call: Call) -> str:
    return f"User initiated ({call.now.strftime('%Y-%m-%d %H:%M:%S')} GMT)"


def _user_shutdown() -> dict[str, str]:
    return {"Code": "Client.UserInitiatedShutdown", "Message": "Client.UserInitiatedShutdown: User initiated shutdown"}


def stop_instances(call: Call, params: Params) -> Result:
    changes = []
    for instance in visible_instances(call, params["InstanceIds"]):
        previous = instance.doc["State"]
        if previous["Name"] in ("terminated", "shutting-down"):
            raise IncorrectState(
                "IncorrectInstanceState",
                f"This instance '{instance.id}' is not in a state from which it can be stopped.",
            )
        if previous["Name"] != "stopped":
            for eni in attached_to(call, instance):
                interfaces.release_public_ip(call, eni)
            doc = {**instance.doc, "State": state("stopped"), "StateTransitionReason": _reason(call)}
            call.tx.put(instance.evolve(doc={**doc, "StateReason": _user_shutdown()}))
        current = state("stopped" if previous["Name"] == "stopped" else "stopping")
        changes.append({"InstanceId": instance.id, "CurrentState": current, "PreviousState": previous})
    return {"StoppingInstances": changes}


def start_instances(call: Call, params: Params) -> Result:
    changes = []
    for instance in visible_instances(call, params["InstanceIds"]):
        previous = instance.doc["State"]
        if previous["Name"] in ("terminated", "shutting-down"):
            raise IncorrectState(
                "IncorrectInstanceState",
                f"The instance '{instance.id}' is not in a state from which it can be started.",
            )
        if previous["Name"] == "stopped":
            for eni in attached_to(call, instance):
                # An auto-assigned public address comes back as a new one; an Elastic IP never left.
                if eni.extra.get("auto_public_ip") and "Association" not in eni.doc:
                    interfaces.associate_public_ip(call, eni)
            call.tx.put(instance.with_doc(State=state("running"), StateTransitionReason="", StateReason=None))
        current = state("running" if previous["Name"] == "running" else "pending")
        changes.append({"InstanceId": instance.id, "CurrentState": current, "PreviousState": previous})
    return {"StartingInstances": changes}


STATUS_LISTING = Listing(
    kind="instance",
    page_member="InstanceStatuses",
    filters={
        "availability-zone": member("AvailabilityZone"),
        "instance-state-code": member("InstanceState", "Code"),
        "instance-state-name": member("InstanceState", "Name"),
        "instance-status.status": member("InstanceStatus", "Status"),
        "system-status.status": member("SystemStatus", "Status"),
    },
)


def describe_instance_status(call: Call, params: Params) -> Result:
    everything = bool(params.get("IncludeAllInstances"))
    records = [
        r.evolve(doc=_status(r), tags={})
        for r in visible_instances(call, params.get("InstanceIds"))
        if everything or r.doc["State"]["Name"] == "running"
    ]
    return STATUS_LISTING.run(call, params, records=records)


def _status(instance: Record) -> dict[str, Any]:
    running = instance.doc["State"]["Name"] == "running"
    # Checks pass at once under the lifecycle rule above; a stopped instance has no status checks.
    check = (
        {"Status": "ok", "Details": [{"Name": "reachability", "Status": "passed"}]}
        if running
        else {"Status": "not-applicable"}
    )
    return {
        "InstanceId": instance.id,
        "AvailabilityZone": instance.doc["Placement"]["AvailabilityZone"],
        "AvailabilityZoneId": instance.doc["Placement"]["AvailabilityZoneId"],
        "InstanceState": instance.doc["State"],
        "InstanceStatus": check,
        "SystemStatus": check,
        "Events": [],
    }
