"""What every kind of VPC endpoint record shares: its base members, its policy, quotas, storage."""

from __future__ import annotations

from typing import Any

from vpcsim.control.core import lifecycle
from vpcsim.control.core.call import Call, Params
from vpcsim.control.core.tags import tags_for
from vpcsim.control.endpoints.policy import check_policy, default_policy
from vpcsim.control.endpoints.services import ServiceView
from vpcsim.control.quotas import quota
from vpcsim.errors import LimitExceeded
from vpcsim.model import Record


def base_doc(call: Call, eid: str, kind: str, vpc: Record, service: ServiceView, state: str) -> dict[str, Any]:
    return {
        "VpcEndpointId": eid,
        "VpcEndpointType": kind,
        "VpcId": vpc.id,
        "ServiceName": service.name,
        "State": state,
        "CreationTimestamp": call.timestamp(),
        "OwnerId": call.account,
        "RequesterManaged": False,
        "ServiceRegion": service.region or call.region.name,
    }


def policy_for(kind: str, service: ServiceView, params: Params) -> str | None:
    given = params.get("PolicyDocument")
    if given is not None:
        check_policy(given)
    # Services that do not support endpoint policies ignore them [PLG 5.3]: nothing is stored or shown.
    if not service.policy_supported:
        return None
    return given if given is not None else default_policy(kind)


def new_record(call: Call, vpc: Record, doc: dict[str, Any], params: Params, **extra: Any) -> Record:
    """A new endpoint; one that provisions (``pending``) is stored ``available`` and shown ``pending`` until its
    provisioning time has passed (core/lifecycle.py)."""
    record = call.record("vpc-endpoint", doc["VpcEndpointId"], doc, vpc.id, **extra)
    if doc["State"] == "pending":
        record = lifecycle.become(call, record, "available", "pending", lifecycle.INTERFACE_ENDPOINT)
    return call.tx.put(record.evolve(tags=tags_for(call, params, "vpc-endpoint")))


def count_interface_endpoints(call: Call, vpc_id: str) -> int:
    return sum(
        1
        for e in call.tx.children("vpc-endpoint", vpc_id)
        if e.doc["VpcEndpointType"] != "Gateway" and e.doc["State"] not in ("deleted", "rejected", "failed")
    )


def check_interface_quota(call: Call, vpc: Record) -> None:
    limit = quota(call, "L-29B6F2EB")  # interface and GWLB endpoints per VPC [PLG quotas; aws-behaviour 8.1]
    if count_interface_endpoints(call, vpc.id) >= limit:
        raise LimitExceeded(
            "VpcEndpointLimitExceeded",
            f"The VPC {vpc.id} already has {limit} interface and Gateway Load Balancer endpoints, its quota.",
        )
