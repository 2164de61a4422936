"""Load balancer capacity unit (LCU) reservations: DescribeCapacityReservation, ModifyCapacityReservation.

Design: a Network Load Balancer's reservation is what its owner asked for, kept on the load balancer record
(``extra["capacity"]``: the units, when it was last modified, the decreases made, the provisioning transition) and
gone with it. What a describe shows is derived at its own moment: one ``CapacityReservationState`` per enabled zone
of the load balancer (so SetSubnets moves it along), each with the units spread evenly over the zones, ``pending``
while the request is provisioned (core/lifecycle.py) and ``provisioned`` after.

Facts [ELBv2 API DescribeCapacityReservation, ModifyCapacityReservation, MinimumLoadBalancerCapacity; NLB user guide
"Capacity reservations", "Request Load balancer Capacity Unit reservation"]: a modify names MinimumLoadBalancerCapacity
or ResetCapacityReservation; capacity "is reserved at the regional level and is evenly distributed across
availability zones"; "the previous request must be provisioned or failed" before the next; "you can only decrease the
reserved capacity two times per day" (``DecreaseRequestsRemaining``, ``CapacityDecreaseRequestLimitExceeded``);
"LCU reservation is not supported on Network Load Balancers using TLS listeners"; "Most requests are typically
fulfilled within an hour". Terraform's aws_lb reads it on every refresh of a network load balancer and sets
``minimum_load_balancer_capacity`` from ``MinimumLoadBalancerCapacity``, so a load balancer without a reservation
shows none (else every plan drifts).

Choices [vpcsim, AWS does not say]: a load balancer without a reservation shows each zone ``provisioned`` with 0
effective units and no LastModifiedTime; Gateway Load Balancers have no reservation (describe: no zone states; modify:
``OperationNotPermitted``); a reset counts as a decrease when a reservation existed; at most 45,000 units per zone
(``CapacityUnitsLimitExceeded``); a request while one is pending is ``CapacityReservationPending``; an NLB with a TLS
listener is ``InvalidConfigurationRequest``; the day of the decrease quota is the last 24 hours.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from vpcsim.control.core import lifecycle
from vpcsim.control.core.call import Call, Params, Result
from vpcsim.control.elbv2.load_balancers import get_load_balancer
from vpcsim.control.elbv2.records import configuration, validation
from vpcsim.errors import ApiError, LimitExceeded
from vpcsim.model import Record

DECREASES_PER_DAY = 2
MAX_UNITS_PER_ZONE = 45_000
PROVISIONING = 3600.0  # seconds at AWS's pace: "typically fulfilled within an hour" [NLB user guide]


def _reservation(lb: Record) -> dict[str, Any]:
    return dict(lb.extra.get("capacity") or {})


def _decreases_today(call: Call, reservation: dict[str, Any]) -> list[str]:
    since = call.now - timedelta(days=1)
    return [t for t in reservation.get("decreases", []) if datetime.fromisoformat(t) > since]


def _zone_states(call: Call, lb: Record, reservation: dict[str, Any]) -> list[dict[str, Any]]:
    zones = [z["ZoneName"] for z in lb.doc["AvailabilityZones"]] if lb.doc["Type"] == "network" else []
    units = float(reservation.get("units") or 0)
    code = lifecycle.shown(call, "provisioned", reservation.get("transition"))
    return [
        {"State": {"Code": code}, "AvailabilityZone": zone, "EffectiveCapacityUnits": units / len(zones)}
        for zone in zones
    ]


def _shown(call: Call, lb: Record) -> Result:
    reservation = _reservation(lb)
    result: Result = {
        "DecreaseRequestsRemaining": max(0, DECREASES_PER_DAY - len(_decreases_today(call, reservation))),
        "CapacityReservationState": _zone_states(call, lb, reservation),
    }
    if reservation.get("modified"):
        result["LastModifiedTime"] = reservation["modified"]
    if reservation.get("units"):
        result["MinimumLoadBalancerCapacity"] = {"CapacityUnits": reservation["units"]}
    return result


def describe_capacity_reservation(call: Call, params: Params) -> Result:
    return _shown(call, get_load_balancer(call, params["LoadBalancerArn"]))


def _wanted_units(params: Params) -> int | None:
    """The units asked for, or None for a reset; refuses a request that says neither or both."""
    units = (params.get("MinimumLoadBalancerCapacity") or {}).get("CapacityUnits")
    reset = bool(params.get("ResetCapacityReservation"))
    if units is None and not reset:
        raise validation("You must specify either MinimumLoadBalancerCapacity or ResetCapacityReservation")
    if units is not None and reset:
        raise validation("You cannot specify both MinimumLoadBalancerCapacity and ResetCapacityReservation")
    if units is not None and units < 1:
        raise validation(f"The capacity units '{units}' must be a positive number")
    return None if reset or units is None else int(units)


def _check_load_balancer(call: Call, lb: Record) -> None:
    if lb.doc["Type"] != "network":
        raise ApiError("OperationNotPermitted", "Capacity reservations are not supported for Gateway Load Balancers")
    if any(listener.doc.get("Protocol") == "TLS" for listener in call.tx.children("listener", lb.id)):
        raise configuration("LCU reservation is not supported on Network Load Balancers using TLS listeners")


def _check_request(call: Call, lb: Record, reservation: dict[str, Any], units: int | None) -> bool:
    """Whether the request decreases the reservation; refuses what AWS refuses."""
    if not lifecycle.finished(call, reservation.get("transition")):
        raise ApiError("CapacityReservationPending", f"The capacity reservation of '{lb.id}' is still pending")
    zones = max(1, len(lb.doc["AvailabilityZones"]))
    if units is not None and units / zones > MAX_UNITS_PER_ZONE:
        raise LimitExceeded(
            "CapacityUnitsLimitExceeded",
            f"The capacity units requested exceed the limit of {MAX_UNITS_PER_ZONE} per Availability Zone",
        )
    current = int(reservation.get("units") or 0)
    decrease = current > 0 and (units is None or units < current)
    if decrease and len(_decreases_today(call, reservation)) >= DECREASES_PER_DAY:
        raise LimitExceeded(
            "CapacityDecreaseRequestLimitExceeded",
            f"The capacity of a load balancer can be decreased at most {DECREASES_PER_DAY} times per day",
        )
    return decrease


def modify_capacity_reservation(call: Call, params: Params) -> Result:
    lb = get_load_balancer(call, params["LoadBalancerArn"])
    units = _wanted_units(params)
    _check_load_balancer(call, lb)
    reservation = _reservation(lb)
    decrease = _check_request(call, lb, reservation, units)
    decreases = _decreases_today(call, reservation) + ([call.now.isoformat()] if decrease else [])
    changed = {
        "units": units,
        "modified": call.timestamp(),
        "decreases": decreases,
        "transition": lifecycle.begin(call, "pending", PROVISIONING) if units else None,
    }
    lb = call.tx.put(lb.with_extra(capacity={k: v for k, v in changed.items() if v is not None}))
    return _shown(call, lb)


__all__ = ["describe_capacity_reservation", "modify_capacity_reservation"]
