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

Deleted resources that AWS keeps showing as ``deleted`` for a while are retired (``retire``): transit gateways,
their route tables and attachments, VPN connections, virtual private and customer gateways [EC2API Describe*: their
State enums end in ``deleted``; Terraform's aws_ec2_transit_gateway_vpc_attachment and _peering_attachment delete
waiters wait for ``deleted`` from a describe by id]. The live record is removed, so nothing but a describe ever
sees it again (no lookup, no quota count, no duplicate or CIDR check, no dependency check, not the data plane); what
AWS shows of it is stored under its grave kind (``grave``): its doc with the end state ``deleted`` and a transition
showing ``deleting`` meanwhile (``TRANSIT_DELETE``, ``VPN_DELETE``), for ``DELETED_SHOWN`` seconds at the server's
time scale, but never less than ``DELETED_SHOWN_AT_LEAST`` seconds of the wall clock. The hour is AWS's figure for
NAT gateways ("a deleted NAT gateway ... about an hour" [VPCUG23 nat-gateway]); AWS gives none for these kinds, so
vpcsim uses the same [a named choice]; the wall-clock minimum is a named choice too: at time scale 0 a client's
delete waiter, polling every few seconds for ``deleted``, must still see it. Describes list them as a reader sees
them (``retired``, ``find_retired``: views of the live kind, never stored; ``describe.Listing(retired=True)``);
the next retirement of the same kind in the account and Region forgets those whose time is over (``purge``), since
reading writes nothing.
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
TRANSIT_DELETE = 60.0  # a transit gateway, route table or attachment is deleting [a named choice: TGW gives none]
VPN_DELETE = 60.0  # a VPN connection, virtual private or customer gateway is deleting [a named choice: VPNUG: none]
DELETED_SHOWN = 3600.0
DELETED_SHOWN_AT_LEAST = 60.0

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


# -- retired (deleted) records AWS still shows -------------------------------------------------------------------
def grave(kind: str) -> str:
    """The kind under which the deleted records of ``kind`` are kept while AWS still shows them."""
    return f"deleted:{kind}"


def retire(call: Call, record: Record, *, was: str = "deleting", seconds: float = 0.0, **members: Any) -> Record:
    """Delete ``record`` and keep what AWS shows of it deleted: its doc with ``State`` ``deleted`` (and ``members``,
    None removing one), shown ``was`` for ``seconds`` at AWS's pace, under ``grave(kind)``, with no parent."""
    purge(call, record.kind)
    call.tx.delete(record.kind, record.id)
    doc = {k: v for k, v in {**record.doc, "State": "deleted", **members}.items() if v is not None}
    extra = {**record.extra, "transition": begin(call, was, seconds), "retired": call.now.isoformat()}
    return call.tx.put(record.evolve(kind=grave(record.kind), doc=doc, parent=None, extra=extra))


def still_shown(call: Call, retired_record: Record) -> bool:
    """Whether a retired record is still shown at this call's moment (see the module's design)."""
    since = datetime.fromisoformat(str(retired_record.extra["retired"]))
    if since.tzinfo is None:
        since = since.replace(tzinfo=UTC)
    shown_for = max(DELETED_SHOWN * max(call.time_scale, 0.0), DELETED_SHOWN_AT_LEAST)
    return call.now < since + timedelta(seconds=shown_for)


def _reader_view(call: Call, retired_record: Record) -> Record:
    """A retired record as a reader sees it now, under its live kind (never stored)."""
    return seen(call, retired_record).evolve(kind=retired_record.kind.removeprefix(grave("")))


def retired(call: Call, kind: str, *, everywhere: bool = False) -> list[Record]:
    """The retired records of ``kind`` still shown, as a reader sees them now: the caller's account and Region's, or
    every scope's (``everywhere``: for records both ends of a connection see)."""
    scope = (None, None) if everywhere else (call.account, call.region.name)
    return [_reader_view(call, r) for r in call.tx.scan(grave(kind), *scope) if still_shown(call, r)]


def find_retired(call: Call, kind: str, rid: str) -> Record | None:
    """The retired record ``rid`` of ``kind`` if still shown, as a reader sees it now (any scope: the caller checks
    whose it is)."""
    record = call.tx.find(grave(kind), rid)
    return _reader_view(call, record) if record is not None and still_shown(call, record) else None


def purge(call: Call, kind: str) -> None:
    """Forget the caller's retired records of ``kind`` whose time is over (a write: only calls that retire do it)."""
    for record in list(call.tx.scan(grave(kind), call.account, call.region.name)):
        if not still_shown(call, record):
            call.tx.delete(record.kind, record.id)
