"""The provider's side of consumers' endpoints: permissions, connections, acceptance, notifications.

A connection is the consumer's endpoint record itself (kind ``vpc-endpoint``, in the consumer's account, with
``extra["service_id"]``); the provider reads and changes its state, never its other members. Connection
notifications are records of kind ``vpc-endpoint-connection-notification`` in the provider's account; each event
that fires is recorded (kind ``vpce-notification-event``) with its time so that it can be listed through
``GET /_vpcsim/notifications`` (vpcsim delivers to no SNS topic).

Facts [PLG concepts; EC2API; CLIEX; aws-behaviour 2.1, 3.3-3.5, 3.11]: acceptance moves an endpoint from
``pendingAcceptance`` to ``pending`` then ``available``; the provider may reject a pending or an accepted endpoint
(``rejected``); events are Accept, Connect, Delete, Reject; notification type ``Topic``, state Enabled|Disabled.
"""

from __future__ import annotations

import re
from typing import Any

from vpcsim.control.core import lifecycle, principals
from vpcsim.control.core.call import Call, Params, Result
from vpcsim.control.core.describe import Listing, each, member, present
from vpcsim.control.core.lookup import get
from vpcsim.control.privatelink.service_configs import connections
from vpcsim.errors import ApiError, InvalidParameter, NotFound
from vpcsim.model import Record
from vpcsim.model.arns import account_of

_EVENTS = ("Accept", "Connect", "Delete", "Reject")
_SNS_ARN = re.compile(r"^arn:aws:sns:[a-z0-9-]+:\d{12}:[\w-]{1,256}$")


# -- permissions ----------------------------------------------------------------------------------------------------
def _permission(call: Call, service: Record, arn: str) -> dict[str, Any]:
    return {
        "PrincipalType": principals.principal_type(arn),
        "Principal": arn,
        "ServicePermissionId": call.ids.new("vpce-svc-perm"),
        "ServiceId": service.id,
    }


def modify_vpc_endpoint_service_permissions(call: Call, params: Params) -> Result:
    service = get(call, "vpc-endpoint-service", params["ServiceId"])
    current: list[dict[str, Any]] = list(service.extra.get("principals", []))
    removed = [principals.check_principal(a) for a in params.get("RemoveAllowedPrincipals") or []]
    current = [p for p in current if p["Principal"] not in removed]
    added = []
    for arn in dict.fromkeys(params.get("AddAllowedPrincipals") or []):
        if all(p["Principal"] != principals.check_principal(arn) for p in current):
            added.append(_permission(call, service, arn))
    call.tx.put(service.with_extra(principals=current + added))
    # Removing a principal leaves its accepted endpoints alone [PLG; aws-behaviour 3.4].
    return {"AddedPrincipals": added, "ReturnValue": True}


_PERMISSIONS = Listing(
    kind="vpc-endpoint-service",
    page_member="AllowedPrincipals",
    max_results=(5, 1000),
    filters={"principal": member("Principal"), "principal-type": member("PrincipalType")},
)


def describe_vpc_endpoint_service_permissions(call: Call, params: Params) -> Result:
    service = get(call, "vpc-endpoint-service", params["ServiceId"])
    rows = [
        service.evolve(doc={**p, "Tags": []}, id=p["ServicePermissionId"]) for p in service.extra.get("principals", [])
    ]
    _PERMISSIONS.validate_filters(params)
    return _PERMISSIONS.run(call, params, rows)


def allowed(service: Record, caller: str) -> bool:
    """Whether ``caller`` (a principal ARN) may see and connect to ``service``; its owner always may."""
    if account_of(caller, "") == service.account:
        return True
    return principals.allows([p["Principal"] for p in service.extra.get("principals", [])], caller)


# -- connections -----------------------------------------------------------------------------------------------------
def _connection(service: Record, endpoint: Record) -> dict[str, Any]:
    doc = endpoint.doc
    shown = {
        "ServiceId": service.id,
        "VpcEndpointId": endpoint.id,
        "VpcEndpointOwner": endpoint.account,
        "VpcEndpointState": doc["State"],
        "CreationTimestamp": doc["CreationTimestamp"],
        "DnsEntries": doc.get("DnsEntries", []),
        "IpAddressType": doc.get("IpAddressType", "ipv4"),
        "VpcEndpointConnectionId": endpoint.extra.get("connection_id", ""),
        "Tags": [],
        "VpcEndpointRegion": endpoint.region,
    }
    for name in ("NetworkLoadBalancerArns", "GatewayLoadBalancerArns"):
        if service.doc.get(name):
            shown[name] = service.doc[name]
    return shown


_CONNECTIONS = Listing(
    kind="vpc-endpoint",
    page_member="VpcEndpointConnections",
    max_results=(5, 1000),
    filters={
        "ip-address-type": member("IpAddressType"),
        "service-id": member("ServiceId"),
        "vpc-endpoint-owner": member("VpcEndpointOwner"),
        "vpc-endpoint-id": member("VpcEndpointId"),
        "vpc-endpoint-state": member("VpcEndpointState"),
        "vpc-endpoint-region": member("VpcEndpointRegion"),
    },
    present=lambda r: r.doc,
)


def describe_vpc_endpoint_connections(call: Call, params: Params) -> Result:
    rows = [
        endpoint.evolve(doc=_connection(service, endpoint))
        for service in call.scan("vpc-endpoint-service")
        for endpoint in connections(call, service.id)
    ]
    return _CONNECTIONS.run(call, params, rows)


def _decide(call: Call, params: Params, allowed_from: tuple[str, ...], state: str, event: str) -> Result:
    service = get(call, "vpc-endpoint-service", params["ServiceId"])

    def decide(eid: str) -> None:
        endpoint = _connection_in(call, service, eid, allowed_from)
        decided = (
            lifecycle.become(call, endpoint, "available", "pending", lifecycle.INTERFACE_ENDPOINT)
            if state == "available"
            else endpoint.with_doc(State=state)
        )
        call.tx.put(decided)
        fire(call, service, endpoint, event)

    return {"Unsuccessful": each(params["VpcEndpointIds"], decide)}


def _connection_in(call: Call, service: Record, eid: str, allowed_from: tuple[str, ...]) -> Record:
    endpoint = next((e for e in connections(call, service.id) if e.id == eid), None)
    if endpoint is None:
        raise NotFound("InvalidVpcEndpointId.NotFound", f"The Vpc Endpoint Id '{eid}' does not exist")
    if endpoint.doc["State"] not in allowed_from:
        # Code [named choice]: EC2's generic state error; AWS's exact text for this case is not recorded.
        raise ApiError("InvalidState", f"The endpoint {eid} is {endpoint.doc['State']}.")
    return endpoint


def accept_vpc_endpoint_connections(call: Call, params: Params) -> Result:
    return _decide(call, params, ("pendingAcceptance",), "available", "Accept")


def reject_vpc_endpoint_connections(call: Call, params: Params) -> Result:
    return _decide(call, params, ("pendingAcceptance", "pending", "available"), "rejected", "Reject")


# -- notifications --------------------------------------------------------------------------------------------------
def fire(call: Call, service: Record, endpoint: Record, event: str) -> None:
    """Record ``event`` for every enabled notification of the service or of the endpoint that asks for it."""
    for note in call.tx.scan("vpc-endpoint-connection-notification"):
        doc = note.doc
        matches = doc.get("ServiceId") == service.id or doc.get("VpcEndpointId") == endpoint.id
        if matches and doc["ConnectionNotificationState"] == "Enabled" and event in doc["ConnectionEvents"]:
            eid = call.ids.new("vpce-evt")
            body = {
                "Event": event,
                "Time": call.timestamp(),
                "ServiceId": service.id,
                "VpcEndpointId": endpoint.id,
                "VpcEndpointOwner": endpoint.account,
                "ConnectionNotificationArn": doc["ConnectionNotificationArn"],
            }
            call.tx.put(Record("vpce-notification-event", eid, note.account, note.region, body, note.id))


def _events(given: list[str]) -> list[str]:
    bad = [e for e in given if e not in _EVENTS]
    if bad or not given:
        raise InvalidParameter("InvalidParameter", f"Connection events must be among {', '.join(_EVENTS)}; got {bad}.")
    return list(dict.fromkeys(given))


def create_vpc_endpoint_connection_notification(call: Call, params: Params) -> Result:
    service_id, endpoint_id = params.get("ServiceId"), params.get("VpcEndpointId")
    if bool(service_id) == bool(endpoint_id):
        raise InvalidParameter("InvalidParameter", "Specify exactly one of ServiceId or VpcEndpointId.")
    if service_id:
        get(call, "vpc-endpoint-service", service_id)
    else:
        get(call, "vpc-endpoint", endpoint_id or "")
    arn = params["ConnectionNotificationArn"]
    if not _SNS_ARN.match(arn):
        raise InvalidParameter("InvalidParameter", f"'{arn}' is not an SNS topic ARN.")
    nid = call.new_id("vpce-nfn", "vpc-endpoint-connection-notification")
    doc = {
        "ConnectionNotificationId": nid,
        "ConnectionNotificationType": "Topic",
        "ConnectionNotificationArn": arn,
        "ConnectionEvents": _events(params["ConnectionEvents"]),
        "ConnectionNotificationState": "Enabled",
        "ServiceId": service_id,
        "VpcEndpointId": endpoint_id,
        "ServiceRegion": call.region.name,
    }
    record = call.tx.put(call.record("vpc-endpoint-connection-notification", nid, {k: v for k, v in doc.items() if v}))
    result: Result = {"ConnectionNotification": record.doc}
    if params.get("ClientToken"):
        result["ClientToken"] = params["ClientToken"]
    return result


_NOTIFICATIONS = Listing(
    kind="vpc-endpoint-connection-notification",
    page_member="ConnectionNotificationSet",
    max_results=(5, 1000),
    filters={
        "connection-notification-arn": member("ConnectionNotificationArn"),
        "connection-notification-id": member("ConnectionNotificationId"),
        "connection-notification-state": member("ConnectionNotificationState"),
        "connection-notification-type": member("ConnectionNotificationType"),
        "service-id": member("ServiceId"),
        "vpc-endpoint-id": member("VpcEndpointId"),
    },
    present=lambda r: r.doc,
)


def describe_vpc_endpoint_connection_notifications(call: Call, params: Params) -> Result:
    nid = params.get("ConnectionNotificationId")
    records = [get(call, "vpc-endpoint-connection-notification", nid)] if nid else None
    return _NOTIFICATIONS.run(call, params, records)


def modify_vpc_endpoint_connection_notification(call: Call, params: Params) -> Result:
    note = get(call, "vpc-endpoint-connection-notification", params["ConnectionNotificationId"])
    changes: dict[str, Any] = {}
    if params.get("ConnectionNotificationArn"):
        changes["ConnectionNotificationArn"] = params["ConnectionNotificationArn"]
    if params.get("ConnectionEvents"):
        changes["ConnectionEvents"] = _events(params["ConnectionEvents"])
    call.tx.put(note.with_doc(**changes))
    return {"ReturnValue": True}


def delete_vpc_endpoint_connection_notifications(call: Call, params: Params) -> Result:
    def delete(nid: str) -> None:
        note = call.tx.find("vpc-endpoint-connection-notification", nid)
        if note is None or (note.account, note.region) != (call.account, call.region.name):
            raise NotFound("InvalidConnectionNotification", f"The connection notification '{nid}' does not exist")
        call.tx.delete("vpc-endpoint-connection-notification", nid)

    return {"Unsuccessful": each(params["ConnectionNotificationIds"], delete)}


def events(tx: Any, account: str | None = None) -> list[dict[str, Any]]:
    """The notification events that fired, oldest first (the admin API's listing)."""
    return [dict(r.doc) for r in tx.scan("vpce-notification-event") if account is None or r.account == account]


__all__ = ["allowed", "events", "fire", "present"]
