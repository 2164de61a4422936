"""Lifecycles that follow elapsed time, as AWS's do, never who read what or how often.

A call that starts a transition (CreateNatGateway: ``pending`` -> ``available``) stores the state the resource
ends in, and beside it the transition (``begin``): the state shown meanwhile, when it began, which call began it and
how long it takes. Every reader that shows a state (describe calls, the data plane's compile, the UI, Network
Insights) asks ``shown`` at its own moment, so all of them see the same state at the same time, and reading changes
nothing. Readers for which the end state is what counts (billing starts at creation; a route to a pending NAT gateway
is as valid as one to an available one) read the stored state.

The time a transition takes is AWS's typical duration times the server's time scale (``vpcsim serve --time-scale``):
0, the default, completes it as soon as the call that began it has returned (that call's own answer still shows the
transitional state, as AWS's does, so waiters see the transition); 1 is AWS's own pace; 0.01 a hundredth of it.

Typical durations, in seconds [named choices where AWS gives none]: a NAT gateway becomes available in about a minute
and a half [VPCUG23 nat-gateway: "It can take a few minutes"; the NatGatewayAvailable waiter polls every 15 s]; an
interface endpoint in about a minute [PLG]; a load balancer provisions in about three minutes [ELB user guide]; a
Reachability Analyzer analysis in about half a minute ("can take a few minutes") [RA]; a target turns healthy after
HealthyThresholdCount checks HealthCheckIntervalSeconds apart and drains for its deregistration delay [ELB user
guide, "Target health"]; a Route 53 change is INSYNC within a minute [Route 53 API GetChange]; an auto-approved
quota increase's case closes [a named choice: AWS gives no figure] five minutes after approval; a DynamoDB table or
index is created or updated in about twenty seconds [a named choice: the developer guide says only "some time"].
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from vpcsim.control.core.call import Call
from vpcsim.model import Record

NAT_GATEWAY = 90.0
INTERFACE_ENDPOINT = 60.0
LOAD_BALANCER = 180.0
ANALYSIS = 30.0
DNS_CHANGE = 60.0
NAT_GATEWAY_DELETE = 60.0
QUOTA_CASE = 300.0
DYNAMODB_TABLE = 20.0

Transition = Mapping[str, Any]


def begin(call: Call, was: str, seconds: float) -> dict[str, Any]:
    """A transition this call starts now, showing ``was`` until it is over, ``seconds`` long at AWS's pace (store it
    beside the end state, e.g. in the record's ``extra["transition"]``)."""
    return {"was": was, "since": call.now.isoformat(), "by": call.request_id, "seconds": float(seconds)}


def become(call: Call, record: Record, end: str, was: str, seconds: float) -> Record:
    """``record`` with State ``end``, shown as ``was`` to readers until ``seconds`` (at AWS's pace) have passed."""
    return record.with_doc(State=end).with_extra(transition=begin(call, was, seconds))


def seen(call: Call, record: Record) -> Record:
    """``record`` as a reader sees it now (never stored): its doc's State while its transition is under way."""
    state = shown(call, record.doc["State"], record.extra.get("transition"))
    return record if state == record.doc["State"] else record.with_doc(State=state)


def finished(call: Call, transition: Transition | None) -> bool:
    """Whether ``transition`` is over at this call's moment (never within the call that began it)."""
    if not transition:
        return True
    if transition.get("by") == call.request_id:
        return False
    end = ends(transition, call.time_scale)
    if call.now >= end:
        return True
    if call.on_pending is not None:
        call.on_pending(end)
    return False


def ends(transition: Transition, scale: float) -> datetime:
    """When the transition is over at the server's time scale."""
    since = datetime.fromisoformat(str(transition["since"]))
    if since.tzinfo is None:
        since = since.replace(tzinfo=UTC)
    return since + timedelta(seconds=float(transition.get("seconds", 0.0)) * max(scale, 0.0))


def shown(call: Call, stored: str, transition: Transition | None) -> str:
    """The state a reader sees now: the stored (end) state once the transition is over, else the one shown meanwhile."""
    if transition and not finished(call, transition):
        return str(transition["was"])
    return stored
