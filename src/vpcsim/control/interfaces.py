"""Network interfaces: private IPs from their subnet, security groups, attachments, requester-managed interfaces.

``create_interface`` is the one way any family makes an interface (instances, NAT gateways, endpoints, load
balancers), so that addresses never collide and every interface is described and filtered the same way.
"""

from __future__ import annotations

from typing import Any

from vpcsim.control import subnets
from vpcsim.control.call import Call
from vpcsim.model import Record


def private_dns_name(call: Call, address: str) -> str:
    """AWS's internal host name: ``ip-10-0-1-5.ec2.internal`` in us-east-1, ``ip-...<region>.compute.internal``."""
    host = "ip-" + address.replace(".", "-")
    if call.region.name == "us-east-1":
        return f"{host}.ec2.internal"
    return f"{host}.{call.region.name}.compute.internal"


def _mac(call: Call) -> str:
    return "0e:" + ":".join(call.ids.hex(2) for _ in range(5))


def create_interface(
    call: Call,
    subnet: Record,
    *,
    description: str = "",
    interface_type: str = "interface",
    groups: list[Record] | None = None,
    private_ip: str | None = None,
    requester_id: str | None = None,
    requester_managed: bool = False,
    tags: dict[str, str] | None = None,
) -> Record:
    """A new interface in ``subnet`` with the next free (or the ``private_ip``) address, status ``available``.

    ``groups`` default to the VPC's default security group, as AWS does. Interfaces AWS creates on a user's behalf
    (endpoints, NAT gateways, load balancers) pass ``requester_managed=True`` and the ``requester_id`` AWS shows.
    """
    eid = call.new_id("eni", "network-interface")
    address = subnets.allocate_ip(call, call.tx.find("subnet", subnet.id) or subnet, eid, private_ip)
    if groups is None:
        groups = [g for g in call.tx.children("security-group", subnet.parent or "") if g.doc["GroupName"] == "default"]
    dns = private_dns_name(call, address)
    doc: dict[str, Any] = {
        "NetworkInterfaceId": eid,
        "SubnetId": subnet.id,
        "VpcId": subnet.parent,
        "AvailabilityZone": subnet.doc["AvailabilityZone"],
        "AvailabilityZoneId": subnet.doc["AvailabilityZoneId"],
        "Description": description,
        "Groups": [{"GroupId": g.id, "GroupName": g.doc["GroupName"]} for g in groups],
        "InterfaceType": interface_type,
        "Ipv6Addresses": [],
        "MacAddress": _mac(call),
        "OwnerId": call.account,
        "PrivateDnsName": dns,
        "PrivateIpAddress": address,
        "PrivateIpAddresses": [{"Primary": True, "PrivateIpAddress": address, "PrivateDnsName": dns}],
        "RequesterManaged": requester_managed,
        "SourceDestCheck": True,
        "Status": "available",
    }
    if requester_id:
        doc["RequesterId"] = requester_id
    record = call.record("network-interface", eid, doc, subnet.parent).evolve(tags=tags or {})
    return call.tx.put(record)


def delete_interface(call: Call, interface: Record) -> None:
    """Remove an interface and give its addresses back to its subnet."""
    for item in interface.doc["PrivateIpAddresses"]:
        subnets.release_ip(call, interface.doc["SubnetId"], item["PrivateIpAddress"])
    call.tx.delete("network-interface", interface.id)
