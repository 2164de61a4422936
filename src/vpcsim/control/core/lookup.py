"""Finding records by id with AWS's errors: ``...Malformed`` for an id that cannot be one, ``...NotFound`` else.

``get`` raises; ``find`` returns None. Both look only in the caller's account and region, as EC2 does. The one
exception is a connection between two parties: both ends see it wherever it is stored (``find_either_end``).
"""

from __future__ import annotations

from vpcsim.control.core import lifecycle
from vpcsim.control.core.call import Call
from vpcsim.errors import Malformed, NotFound
from vpcsim.model import Record, is_well_formed
from vpcsim.model.kinds import KINDS


def check_id(kind: str, rid: str) -> None:
    spec = KINDS[kind]
    if not is_well_formed(rid, spec.prefix):
        raise Malformed(spec.malformed, spec.malformed_message(rid))


def find(call: Call, kind: str, rid: str) -> Record | None:
    record = call.tx.find(kind, rid)
    if record is None or record.account != call.account or record.region != call.region.name:
        return None
    return record


# Connections both ends see [EC2API DescribeVpcPeeringConnections, DescribeTransitGatewayPeeringAttachments]: kind ->
# the doc members naming each end (a transit gateway VPC attachment has neither: it has one end).
_BOTH_ENDS = {
    "vpc-peering-connection": ("RequesterVpcInfo", "AccepterVpcInfo"),
    "transit-gateway-attachment": ("RequesterTgwInfo", "AccepterTgwInfo"),
}
# Where the tags of a connection's far end live: extra[SIDE_TAGS]["<account>/<region>"]. Across accounts or Regions
# each end is its own resource with its own tags [Terraform aws_vpc_peering_connection_accepter: "a VPC Peering
# Connection resource is automatically created in the accepter's account"; its tags are the accepter side's].
SIDE_TAGS = "side_tags"


def ends(record: Record) -> dict[str, tuple[str, str]]:
    """A connection's ends as {doc member: (account, region)}; empty for a record of any other kind."""
    members = [m for m in _BOTH_ENDS.get(record.kind, ()) if m in record.doc]
    return {m: (record.doc[m]["OwnerId"], record.doc[m]["Region"]) for m in members}


def far_end(call: Call, record: Record) -> str | None:
    """``"<account>/<region>"`` when the caller sees ``record`` from a connection's far end (not where it is
    stored), else None."""
    scope = (call.account, call.region.name)
    if scope == (record.account, record.region) or scope not in ends(record).values():
        return None
    return "/".join(scope)


def seen_by(call: Call, record: Record) -> Record:
    """The record with the tags of the caller's end of it (its own tags unless the caller is at the far end)."""
    side = far_end(call, record)
    if side is None:
        return record
    return record.evolve(tags=dict((record.extra.get(SIDE_TAGS) or {}).get(side) or {}))


def find_retired(call: Call, kind: str, rid: str) -> Record | None:
    """The caller's deleted record ``rid`` of ``kind`` while AWS still shows it, as a reader sees it now."""
    record = lifecycle.find_retired(call, kind, rid)
    if record is None or (record.account, record.region) != (call.account, call.region.name):
        return None
    return record


def find_either_end(call: Call, kind: str, rid: str) -> Record | None:
    """The record if the caller owns it or, for a connection, owns either end of it."""
    record = call.tx.find(kind, rid)
    if record is None:
        return None
    scopes = {(record.account, record.region), *ends(record).values()}
    return record if (call.account, call.region.name) in scopes else None


def get(call: Call, kind: str, rid: str) -> Record:
    check_id(kind, rid)
    record = find(call, kind, rid)
    if record is None:
        spec = KINDS[kind]
        raise NotFound(spec.not_found, spec.missing_message([rid]))
    return record


def get_shown(call: Call, kind: str, rid: str) -> Record:
    """The caller's record ``rid``, or its deleted record while AWS still shows it (whose state the caller checks, to
    answer a use of it with AWS's wrong-state error), or NotFound."""
    check_id(kind, rid)
    record = find(call, kind, rid) or find_retired(call, kind, rid)
    if record is None:
        spec = KINDS[kind]
        raise NotFound(spec.not_found, spec.missing_message([rid]))
    return record


def get_many(call: Call, kind: str, ids: list[str], *, retired: bool = False) -> list[Record]:
    """Every record named, in the order given (duplicates once), or one NotFound naming all that are missing;
    ``retired``: deleted records AWS still shows count as found (core/lifecycle.py)."""
    for rid in ids:
        check_id(kind, rid)
    found: dict[str, Record] = {}
    missing: list[str] = []
    for rid in ids:
        record = find(call, kind, rid) or (find_retired(call, kind, rid) if retired else None)
        if record is None:
            missing.append(rid)
        else:
            found[rid] = record
    if missing:
        spec = KINDS[kind]
        raise NotFound(spec.not_found, spec.missing_message(missing))
    return list(found.values())
