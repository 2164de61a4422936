"""Secondary private addresses of network interfaces: AssignPrivateIpAddresses and UnassignPrivateIpAddresses.

[EC2API] Either named addresses or a count, not both; with AllowReassignment an address held as a secondary by
another interface of the same subnet moves; the primary address cannot be unassigned. An attached interface holds
at most its instance type's Ipv4AddressesPerInterface addresses, primary included (``PrivateIpAddressLimitExceeded``).
"""

from __future__ import annotations

from vpcsim.catalog.instance_types import eni_limits
from vpcsim.control.compute import interfaces
from vpcsim.control.core.call import Call, Params, Result
from vpcsim.control.core.lookup import get
from vpcsim.control.network import subnets
from vpcsim.errors import InvalidParameter
from vpcsim.model import Record


def assign_private_ip_addresses(call: Call, params: Params) -> Result:
    eni = get(call, "network-interface", params["NetworkInterfaceId"])
    wanted = params.get("PrivateIpAddresses") or []
    count = params.get("SecondaryPrivateIpAddressCount") or 0
    if bool(wanted) == bool(count):
        raise InvalidParameter(
            "InvalidParameterCombination",
            "Specify either privateIpAddresses or secondaryPrivateIpAddressCount, and not both.",
        )
    _check_limit(call, eni, len(wanted) + count)
    if params.get("AllowReassignment"):
        _take_over(call, eni, wanted)
    eni, added = interfaces.add_private_ips(call, call.tx.find("network-interface", eni.id) or eni, wanted, count)
    return {"NetworkInterfaceId": eni.id, "AssignedPrivateIpAddresses": [{"PrivateIpAddress": a} for a in added]}


def _check_limit(call: Call, eni: Record, adding: int) -> None:
    """An attached interface holds at most its instance type's Ipv4AddressesPerInterface, primary included."""
    instance = call.tx.find("instance", (eni.doc.get("Attachment") or {}).get("InstanceId") or "")
    limits = eni_limits(instance.doc["InstanceType"]) if instance is not None else None
    if limits is not None and len(eni.doc["PrivateIpAddresses"]) + adding > limits[1]:
        raise interfaces.address_limit()


def _take_over(call: Call, eni: Record, wanted: list[str]) -> None:
    """With AllowReassignment, secondary addresses held by other interfaces of the subnet move to ``eni``."""
    for other in list(call.tx.children("network-interface", eni.doc["VpcId"])):
        taken = [
            a["PrivateIpAddress"]
            for a in other.doc["PrivateIpAddresses"]
            if a["PrivateIpAddress"] in wanted and not a["Primary"] and other.id != eni.id
        ]
        if taken and other.doc["SubnetId"] == eni.doc["SubnetId"]:
            remove_private_ips(call, other, taken)


def remove_private_ips(call: Call, eni: Record, addresses: list[str]) -> Record:
    kept = [a for a in eni.doc["PrivateIpAddresses"] if a["PrivateIpAddress"] not in addresses]
    for address in addresses:
        subnets.release_ip(call, eni.doc["SubnetId"], address)
    return call.tx.put(eni.with_doc(PrivateIpAddresses=kept))


def unassign_private_ip_addresses(call: Call, params: Params) -> Result:
    eni = get(call, "network-interface", params["NetworkInterfaceId"])
    addresses = params.get("PrivateIpAddresses") or []
    held = {a["PrivateIpAddress"]: a["Primary"] for a in eni.doc["PrivateIpAddresses"]}
    missing = [a for a in addresses if a not in held]
    if missing or not addresses:
        raise InvalidParameter(
            "InvalidParameterValue",
            f"Some of the specified addresses are not assigned to interface {eni.id}: {', '.join(missing)}",
        )
    if any(held[a] for a in addresses):
        raise InvalidParameter(
            "InvalidParameterValue", f"The primary private IP address of interface {eni.id} cannot be unassigned."
        )
    remove_private_ips(call, eni, addresses)
    return {}
