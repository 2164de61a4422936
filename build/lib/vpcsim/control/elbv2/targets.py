"""Targets: RegisterTargets, DeregisterTargets, DescribeTargetHealth.

A target group's registrations are ``extra["targets"]``: a list of ``{"Id", "Port", "AvailabilityZone"?, "State"}``
with State ``registering``, ``registered`` or ``draining``. Health is derived when read, never stored: the instance
or address the target names is the one source of truth.

Facts [ELBv2 API RegisterTargets, TargetDescription, TargetHealth; NLB user guide "Target health"]: an instance
target must be running and in the group's VPC; ip targets come from the VPC's subnets, RFC 1918 or RFC 6598 ranges
(outside the VPC they need an AvailabilityZone, which may be ``all``), never publicly routable; instance targets take
no AvailabilityZone; GENEVE targets use port 6081; DeregisterTargets of a target that is not registered succeeds.
States and reason codes: ``initial``/``Elb.RegistrationInProgress``, ``unused``/``Target.NotRegistered``,
``unused``/``Target.NotInUse`` ("Target group is not configured to receive traffic from the load balancer"),
``unused``/``Target.InvalidState`` ("Target is in the stopped state"), ``draining``/``Target.DeregistrationInProgress``.

Lifecycle [choice: vpcsim, deterministic, as for endpoints]: a new registration answers ``initial`` at the first
DescribeTargetHealth that shows it and is ``healthy`` from the next one on; a deregistration (with a non-zero
deregistration delay, in a group a load balancer uses) answers ``draining`` once and is then gone. So the
TargetInService and TargetDeregistered waiters succeed on their second poll.
Health [choice: vpcsim]: health checks are not simulated packet by packet. An instance target is healthy when it is
running; an ip target inside the VPC when a network interface of the VPC holds the address (otherwise ``unhealthy``,
``Target.Timeout``, as a check to an absent host times out); an ip target outside the VPC (peered, on premises) is
taken as healthy, since vpcsim cannot see it. Security groups and ACLs are not consulted here.
"""

from __future__ import annotations

from ipaddress import IPv4Address, IPv4Network, ip_address
from typing import Any

from vpcsim.control.core import lookup
from vpcsim.control.core.call import Call, Params, Result
from vpcsim.control.elbv2 import records
from vpcsim.control.elbv2.load_balancer_config import attributes_of as lb_attributes
from vpcsim.control.elbv2.records import validation
from vpcsim.control.elbv2.target_groups import attributes_of
from vpcsim.errors import ApiError
from vpcsim.model import Record

_PRIVATE = [IPv4Network(n) for n in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10")]


def _invalid(message: str) -> ApiError:
    return ApiError("InvalidTarget", message)


# -- RegisterTargets -------------------------------------------------------------------------------------------------
def register_targets(call: Call, params: Params) -> Result:
    group = records.get(call, "target-group", params["TargetGroupArn"])
    entries = [dict(e) for e in group.extra.get("targets", [])]
    for target in params["Targets"]:
        wanted = _checked(call, group, target)
        key = (wanted["Id"], wanted["Port"])
        current = next((e for e in entries if (e["Id"], e["Port"]) == key), None)
        if current is None:
            entries.append(wanted)
        elif current["State"] == "draining":
            current["State"] = "registering"
    call.tx.put(group.with_extra(targets=entries))
    return {}


def _checked(call: Call, group: Record, target: dict[str, Any]) -> dict[str, Any]:
    port = target.get("Port") or group.doc["Port"]
    if not 1 <= port <= 65535 or (group.doc["Protocol"] == "GENEVE" and port != 6081):
        raise validation(f"Port '{port}' is not valid for target '{target['Id']}'")
    entry: dict[str, Any] = {"Id": target["Id"], "Port": port, "State": "registering"}
    if group.doc["TargetType"] == "instance":
        _check_instance(call, group, target)
    else:
        zone = _check_ip(call, group, target)
        if zone:
            entry["AvailabilityZone"] = zone
    return entry


def _check_instance(call: Call, group: Record, target: dict[str, Any]) -> None:
    if target.get("AvailabilityZone"):
        raise validation("An Availability Zone cannot be specified for targets of type 'instance'")
    instance = lookup.find(call, "instance", target["Id"])
    if instance is None:
        raise _invalid(f"The following targets are not valid instances: '{target['Id']}'")
    if instance.doc["State"]["Name"] != "running":
        raise _invalid(f"The following targets are not in a running state and cannot be registered: '{instance.id}'")
    if instance.doc.get("VpcId") != group.doc["VpcId"]:
        raise _invalid(f"The following targets are not in the target group VPC '{group.doc['VpcId']}': '{instance.id}'")


def _check_ip(call: Call, group: Record, target: dict[str, Any]) -> str | None:
    """The target's zone: the one given, else its subnet's when the address is inside the VPC."""
    address = _address(target["Id"])
    zone = target.get("AvailabilityZone")
    if zone and zone != "all" and call.region.find_zone(zone) is None:
        raise validation(f"The Availability Zone '{zone}' is not valid")
    if _in_vpc(call, group.doc["VpcId"], address):
        return zone or _zone_of(call, group.doc["VpcId"], address)
    if not any(address in net for net in _PRIVATE):
        raise _invalid(
            f"The IP address '{address}' is not within the VPC '{group.doc['VpcId']}' or a private range "
            "(RFC 1918 or RFC 6598)"
        )
    if not zone:
        raise validation(
            f"An Availability Zone or 'all' must be specified for the IP address '{address}' outside the VPC"
        )
    return str(zone)


def _address(value: str) -> IPv4Address:
    try:
        address = ip_address(value)
    except ValueError:
        raise _invalid(f"The following targets are not valid IP addresses: '{value}'") from None
    if not isinstance(address, IPv4Address):
        raise _invalid(f"IPv6 targets need an ipv6 target group: '{value}'")
    return address


def _in_vpc(call: Call, vpc_id: str, address: IPv4Address) -> bool:
    vpc = call.tx.find("vpc", vpc_id)
    blocks = [a["CidrBlock"] for a in (vpc.doc.get("CidrBlockAssociationSet") or [])] if vpc else []
    return any(address in IPv4Network(b) for b in blocks)


def _zone_of(call: Call, vpc_id: str, address: IPv4Address) -> str | None:
    for subnet in call.tx.children("subnet", vpc_id):
        if address in IPv4Network(subnet.doc["CidrBlock"]):
            return str(subnet.doc["AvailabilityZone"])
    return None


# -- DeregisterTargets -----------------------------------------------------------------------------------------------
def deregister_targets(call: Call, params: Params) -> Result:
    group = records.get(call, "target-group", params["TargetGroupArn"])
    drain = bool(group.doc["LoadBalancerArns"]) and attributes_of(group)["deregistration_delay.timeout_seconds"] != "0"
    entries = [dict(e) for e in group.extra.get("targets", [])]
    for target in params["Targets"]:
        if group.doc["TargetType"] == "ip":
            _address(target["Id"])
        elif not target["Id"].startswith("i-"):
            raise _invalid(f"The following targets are not valid instances: '{target['Id']}'")
        port = target.get("Port")
        for entry in entries:
            if entry["Id"] == target["Id"] and port in (None, entry["Port"]):
                entry["State"] = "draining" if drain else "gone"
    call.tx.put(group.with_extra(targets=[e for e in entries if e["State"] != "gone"]))
    return {}


# -- DescribeTargetHealth ----------------------------------------------------------------------------------------------
def describe_target_health(call: Call, params: Params) -> Result:
    group = records.get(call, "target-group", params["TargetGroupArn"])
    entries = [dict(e) for e in group.extra.get("targets", [])]
    shown = [_entries_for(call, group, entries, t) for t in params.get("Targets") or []]
    rows = [row for rows in shown for row in rows] if params.get("Targets") else entries
    lbs = [records.find(call, "load-balancer", arn) for arn in group.doc["LoadBalancerArns"]]
    descriptions = [_describe(call, group, row, [lb for lb in lbs if lb]) for row in rows]
    _advance(call, group, entries, descriptions)
    return {"TargetHealthDescriptions": descriptions}


def _entries_for(call: Call, group: Record, entries: list[dict[str, Any]], target: dict[str, Any]) -> list[Any]:
    found = [e for e in entries if e["Id"] == target["Id"] and target.get("Port") in (None, e["Port"])]
    if found:
        return found
    if group.doc["TargetType"] == "instance" and lookup.find(call, "instance", target["Id"]) is None:
        raise _invalid(f"The following targets are invalid: '{target['Id']}'")
    return [{"Id": target["Id"], "Port": target.get("Port") or group.doc["Port"], "State": "unregistered"}]


def _describe(call: Call, group: Record, entry: dict[str, Any], lbs: list[Record]) -> dict[str, Any]:
    target = {k: entry[k] for k in ("Id", "Port", "AvailabilityZone") if k in entry}
    check_port = group.doc["HealthCheckPort"]
    state, reason, description = _health(call, group, entry, lbs)
    health: dict[str, Any] = {"State": state}
    if reason:
        health.update(Reason=reason, Description=description)
    return {
        "Target": target,
        "HealthCheckPort": str(entry["Port"]) if check_port == "traffic-port" else check_port,
        "TargetHealth": health,
    }


def _health(call: Call, group: Record, entry: dict[str, Any], lbs: list[Record]) -> tuple[str, str, str]:
    if entry["State"] == "unregistered":
        return "unused", "Target.NotRegistered", "Target is not registered to the target group"
    if entry["State"] == "draining":
        return "draining", "Target.DeregistrationInProgress", "Target deregistration is in progress"
    if not lbs:
        return "unused", "Target.NotInUse", "Target group is not configured to receive traffic from the load balancer"
    problem = _target_problem(call, group, entry, lbs)
    if problem:
        return problem
    if entry["State"] == "registering":
        return "initial", "Elb.RegistrationInProgress", "Target registration is in progress"
    if group.doc["TargetType"] == "ip" and not _address_held(call, group, entry["Id"]):
        return "unhealthy", "Target.Timeout", "Request timed out"
    return "healthy", "", ""


def _target_problem(call: Call, group: Record, entry: dict[str, Any], lbs: list[Record]) -> tuple[str, str, str] | None:
    zone = entry.get("AvailabilityZone")
    if group.doc["TargetType"] == "instance":
        instance = lookup.find(call, "instance", entry["Id"])
        state = instance.doc["State"]["Name"] if instance else "terminated"
        if state != "running":
            return "unused", "Target.InvalidState", f"Target is in the {state} state"
        zone = instance.doc["Placement"]["AvailabilityZone"] if instance else None
    if zone and zone != "all" and not any(_serves_zone(lb, zone) for lb in lbs):
        return (
            "unused",
            "Target.NotInUse",
            "Target is in an Availability Zone that is not enabled for the load balancer",
        )
    return None


def _serves_zone(lb: Record, zone: str) -> bool:
    if lb_attributes(lb).get("load_balancing.cross_zone.enabled") == "true":
        return True
    return any(z["ZoneName"] == zone for z in lb.doc["AvailabilityZones"])


def _address_held(call: Call, group: Record, address: str) -> bool:
    if not _in_vpc(call, group.doc["VpcId"], _address(address)):
        return True  # outside the VPC: vpcsim cannot see the host, so it takes it as healthy [choice above]
    return any(
        item["PrivateIpAddress"] == address
        for eni in call.tx.children("network-interface", group.doc["VpcId"])
        for item in eni.doc["PrivateIpAddresses"]
    )


def _advance(call: Call, group: Record, entries: list[dict[str, Any]], shown: list[dict[str, Any]]) -> None:
    """Registrations shown ``initial`` become registered; deregistrations shown ``draining`` end."""
    reasons = {(d["Target"]["Id"], d["Target"]["Port"]): d["TargetHealth"].get("Reason") for d in shown}
    kept = []
    for entry in entries:
        reason = reasons.get((entry["Id"], entry["Port"]))
        if reason == "Target.DeregistrationInProgress":
            continue
        if reason == "Elb.RegistrationInProgress":
            entry["State"] = "registered"
        kept.append(entry)
    if kept != group.extra.get("targets", []):
        call.tx.put(group.with_extra(targets=kept))


__all__ = ["deregister_targets", "describe_target_health", "register_targets"]


def is_healthy(call: Call, group: Record, entry: dict[str, Any]) -> bool:
    """Whether DescribeTargetHealth shows the target healthy now: the data plane sends traffic only to those."""
    lbs = [lb for lb in (records.find(call, "load-balancer", a) for a in group.doc["LoadBalancerArns"]) if lb]
    return _health(call, group, entry, lbs)[0] == "healthy"
