"""Transit gateway route tables' contents: associations, propagations, static and propagated routes, search.

Design: a route table stores only what users state: its static routes (``extra["static"]``: a CIDR and an
attachment id, or ``Blackhole``) and the attachments propagating to it (``extra["propagations"]``). Associations
live on the attachment. ``table_routes`` lists every route, static and propagated, each with its ``Type`` and a
``State`` derived from the attachment as it is now; it reads only a transaction, so the data plane calls it on its
snapshot and applies AWS's choice (longest prefix; on a tie static beats propagated [TGW; aws-behaviour 9.7]).

Facts [TGW how-transit-gateways-work, tgw-peering; EC2API]: an attachment is associated with at most one route
table (``Resource.AlreadyAssociated``, "Transit Gateway Attachment <id> is already associated to a route table.");
a VPC attachment propagates its VPC's CIDRs (IPv6 ones when the attachment's Ipv6Support is enabled) as
``propagated`` routes; peering attachments carry static routes only; a second static route to the same CIDR is
``RouteAlreadyExists``; a VPN attachment propagates the customer networks its connection carries
(``core.vpn_routes``); a duplicate propagation is ``TransitGatewayRouteTablePropagation.Duplicate``;
SearchTransitGatewayRoutes requires filters and answers ``AdditionalRoutesAvailable`` when MaxResults cut it short.
"""

from __future__ import annotations

from ipaddress import IPv4Network, IPv6Network, ip_network
from typing import Any

from vpcsim.control.core import vpn_routes
from vpcsim.control.core.call import Call, Params, Result
from vpcsim.control.core.cidrs import parse_any
from vpcsim.control.core.describe import Listing, member
from vpcsim.control.interconnect.transit import (
    ATTACHMENT,
    association_of,
    attachment_sides,
    attachments_of,
    get_attachment,
    get_table,
    ref,
    set_association,
    set_propagation,
)
from vpcsim.errors import ApiError, IncorrectState, InvalidParameter, MissingParameter, NotFound
from vpcsim.model import Record
from vpcsim.store import Transaction

Route = dict[str, Any]
_MAX_SEARCH = 1000


# -- routes as data -----------------------------------------------------------------------------------------------
def table_routes(tx: Transaction, table: Record) -> list[Route]:
    """Every route of a transit gateway route table: static ones first, then propagated, with Type and State."""
    tid = table.parent or ""
    routes = [_static_view(tx, tid, s) for s in table.extra.get("static") or []]
    for aid in table.extra.get("propagations") or []:
        attachment = tx.find(ATTACHMENT, aid)
        if attachment is not None and attachment.doc["State"] == "available":
            routes += [
                _route(c, "propagated", "active", ref(attachment, tid)) for c in _propagated_cidrs(tx, attachment)
            ]
    return routes


def _route(cidr: str, kind: str, state: str, target: dict[str, str] | None) -> Route:
    route: Route = {"DestinationCidrBlock": cidr}
    if target is not None:
        route["TransitGatewayAttachments"] = [target]
    return {**route, "Type": kind, "State": state}


def _static_view(tx: Transaction, tid: str, static: dict[str, Any]) -> Route:
    if static.get("Blackhole"):
        return _route(static["DestinationCidrBlock"], "static", "blackhole", None)
    attachment = tx.find(ATTACHMENT, static["TransitGatewayAttachmentId"])
    if attachment is None:
        return _route(static["DestinationCidrBlock"], "static", "blackhole", None)
    state = "active" if attachment.doc["State"] == "available" else "blackhole"
    return _route(static["DestinationCidrBlock"], "static", state, ref(attachment, tid))


def _propagated_cidrs(tx: Transaction, attachment: Record) -> list[str]:
    if attachment.doc.get("ResourceType") == "vpn":  # the customer networks its connection carries
        return vpn_routes.attachment_prefixes(tx, attachment)
    vpc = tx.find("vpc", attachment.doc.get("VpcId") or "")
    if vpc is None:
        return []
    cidrs = [a["CidrBlock"] for a in vpc.doc["CidrBlockAssociationSet"]]
    if (attachment.doc.get("Options") or {}).get("Ipv6Support") == "enable":
        cidrs += [a["Ipv6CidrBlock"] for a in vpc.doc.get("Ipv6CidrBlockAssociationSet") or []]
    return cidrs


# -- associations and propagations --------------------------------------------------------------------------------
def _attachment_for(call: Call, table: Record, aid: str) -> Record:
    attachment = get_attachment(call, aid)
    if table.parent not in attachment_sides(call, attachment):
        raise InvalidParameter(
            "InvalidParameterValue", f"Attachment {aid} is not attached to {table.parent}, the gateway of {table.id}."
        )
    if attachment.doc["State"] not in ("available", "modifying"):
        raise IncorrectState("IncorrectState", f"{aid} is in invalid state {attachment.doc['State']}.")
    return attachment


def _row(attachment: Record, table: Record, state: str, **more: str) -> dict[str, str]:
    return {**ref(attachment, table.parent or ""), **more, "State": state}


def associate_transit_gateway_route_table(call: Call, params: Params) -> Result:
    table = get_table(call, params["TransitGatewayRouteTableId"])
    attachment = _attachment_for(call, table, params["TransitGatewayAttachmentId"])
    if association_of(attachment, table.parent or ""):
        raise ApiError(
            "Resource.AlreadyAssociated",
            f"Transit Gateway Attachment {attachment.id} is already associated to a route table.",
        )
    set_association(call, attachment, table.parent or "", table.id)
    return {"Association": _row(attachment, table, "associating", TransitGatewayRouteTableId=table.id)}


def disassociate_transit_gateway_route_table(call: Call, params: Params) -> Result:
    table = get_table(call, params["TransitGatewayRouteTableId"])
    attachment = get_attachment(call, params["TransitGatewayAttachmentId"])
    if association_of(attachment, table.parent or "") != table.id:
        raise NotFound(
            "InvalidAssociation.NotFound", f"Attachment {attachment.id} is not associated with route table {table.id}."
        )
    set_association(call, attachment, table.parent or "", None)
    return {"Association": _row(attachment, table, "disassociating", TransitGatewayRouteTableId=table.id)}


def _attachment_id(params: Params) -> str:
    # Optional in the model (route table announcements are the alternative, which vpcsim does not support).
    aid = params.get("TransitGatewayAttachmentId")
    if not aid:
        raise MissingParameter("transitGatewayAttachmentId")
    return str(aid)


def enable_transit_gateway_route_table_propagation(call: Call, params: Params) -> Result:
    table = get_table(call, params["TransitGatewayRouteTableId"])
    attachment = _attachment_for(call, table, _attachment_id(params))
    if "RequesterTgwInfo" in attachment.doc:
        raise InvalidParameter(
            "InvalidParameterValue",
            f"Route propagation is not supported for peering attachment {attachment.id}; add static routes instead.",
        )
    if attachment.id in (table.extra.get("propagations") or []):
        raise ApiError(
            "TransitGatewayRouteTablePropagation.Duplicate",
            f"Propagation {attachment.id} already exists in Transit Gateway Route Table {table.id}.",
        )
    set_propagation(call, table, attachment.id, True)
    return {"Propagation": _row(attachment, table, "enabling", TransitGatewayRouteTableId=table.id)}


def disable_transit_gateway_route_table_propagation(call: Call, params: Params) -> Result:
    table = get_table(call, params["TransitGatewayRouteTableId"])
    attachment = get_attachment(call, _attachment_id(params))
    if attachment.id not in (table.extra.get("propagations") or []):
        raise NotFound(
            "TransitGatewayRouteTablePropagation.NotFound",
            f"Propagation {attachment.id} does not exist in Transit Gateway Route Table {table.id}.",
        )
    set_propagation(call, table, attachment.id, False)
    return {"Propagation": _row(attachment, table, "disabling", TransitGatewayRouteTableId=table.id)}


def _rows_listing(page_member: str) -> Listing:
    return Listing(
        kind=ATTACHMENT,
        page_member=page_member,
        filters={
            "resource-id": member("ResourceId"),
            "resource-type": member("ResourceType"),
            "transit-gateway-attachment-id": member("TransitGatewayAttachmentId"),
        },
        present=lambda r: dict(r.doc),
    )


def _rows(call: Call, table: Record, ids: list[str], state: str) -> list[Record]:
    found = [call.tx.find(ATTACHMENT, aid) for aid in ids]
    return [a.evolve(doc=_row(a, table, state)) for a in found if a is not None]


def get_transit_gateway_route_table_associations(call: Call, params: Params) -> Result:
    table = get_table(call, params["TransitGatewayRouteTableId"])
    tid = table.parent or ""
    ids = [a.id for a in attachments_of(call, tid) if association_of(a, tid) == table.id]
    return _rows_listing("Associations").run(call, params, _rows(call, table, ids, "associated"))


def get_transit_gateway_route_table_propagations(call: Call, params: Params) -> Result:
    table = get_table(call, params["TransitGatewayRouteTableId"])
    rows = _rows(call, table, table.extra.get("propagations") or [], "enabled")
    return _rows_listing("TransitGatewayRouteTablePropagations").run(call, params, rows)


# -- static routes ------------------------------------------------------------------------------------------------
def _destination(params: Params) -> str:
    return str(parse_any(params["DestinationCidrBlock"], "destinationCidrBlock"))


def _static_target(call: Call, table: Record, params: Params) -> dict[str, Any]:
    aid, blackhole = params.get("TransitGatewayAttachmentId"), bool(params.get("Blackhole"))
    if aid and blackhole:
        raise InvalidParameter(
            "InvalidParameterCombination", "Specify either transitGatewayAttachmentId or blackhole, not both."
        )
    if not aid and not blackhole:
        raise MissingParameter("transitGatewayAttachmentId")
    if blackhole:
        return {"Blackhole": True}
    return {"TransitGatewayAttachmentId": _attachment_for(call, table, aid or "").id}


def _index(table: Record, cidr: str) -> int | None:
    statics = table.extra.get("static") or []
    return next((i for i, s in enumerate(statics) if s["DestinationCidrBlock"] == cidr), None)


def create_transit_gateway_route(call: Call, params: Params) -> Result:
    table = get_table(call, params["TransitGatewayRouteTableId"])
    cidr = _destination(params)
    if _index(table, cidr) is not None:
        raise ApiError("RouteAlreadyExists", f"Route {cidr} already exists in Transit Gateway Route Table {table.id}.")
    static = {"DestinationCidrBlock": cidr, **_static_target(call, table, params)}
    call.tx.put(table.with_extra(static=[*(table.extra.get("static") or []), static]))
    return {"Route": _static_view(call.tx, table.parent or "", static)}


def _existing(table: Record, cidr: str) -> int:
    index = _index(table, cidr)
    if index is None:
        raise NotFound(
            "InvalidRoute.NotFound", f"No static route to {cidr} exists in Transit Gateway Route Table {table.id}."
        )
    return index


def replace_transit_gateway_route(call: Call, params: Params) -> Result:
    table = get_table(call, params["TransitGatewayRouteTableId"])
    cidr = _destination(params)
    index = _existing(table, cidr)
    statics = list(table.extra["static"])
    statics[index] = {"DestinationCidrBlock": cidr, **_static_target(call, table, params)}
    call.tx.put(table.with_extra(static=statics))
    return {"Route": _static_view(call.tx, table.parent or "", statics[index])}


def delete_transit_gateway_route(call: Call, params: Params) -> Result:
    table = get_table(call, params["TransitGatewayRouteTableId"])
    cidr = _destination(params)
    index = _existing(table, cidr)
    statics = list(table.extra["static"])
    removed = statics.pop(index)
    call.tx.put(table.with_extra(static=statics))
    return {"Route": {**_static_view(call.tx, table.parent or "", removed), "State": "deleted"}}


# -- search -------------------------------------------------------------------------------------------------------
_SEARCH_FILTERS = {
    "attachment.transit-gateway-attachment-id": ("TransitGatewayAttachments", "TransitGatewayAttachmentId"),
    "attachment.resource-id": ("TransitGatewayAttachments", "ResourceId"),
    "attachment.resource-type": ("TransitGatewayAttachments", "ResourceType"),
    "prefix-list-id": ("PrefixListId",),
    "type": ("Type",),
    "state": ("State",),
}
_CIDR_FILTERS = (
    "route-search.exact-match",
    "route-search.longest-prefix-match",
    "route-search.subnet-of-match",
    "route-search.supernet-of-match",
)


def search_transit_gateway_routes(call: Call, params: Params) -> Result:
    table = get_table(call, params["TransitGatewayRouteTableId"])
    filters = params.get("Filters") or []
    if not filters:
        raise MissingParameter("filters")
    routes = table_routes(call.tx, table)
    for flt in filters:
        routes = _apply(routes, flt.get("Name") or "", flt.get("Values") or [])
    limit = params.get("MaxResults") or _MAX_SEARCH
    if not 5 <= limit <= _MAX_SEARCH:
        raise InvalidParameter("InvalidParameterValue", f"MaxResults must be between 5 and {_MAX_SEARCH}.")
    return {"Routes": routes[:limit], "AdditionalRoutesAvailable": len(routes) > limit}


def _apply(routes: list[Route], name: str, values: list[str]) -> list[Route]:
    if name in _SEARCH_FILTERS:
        wanted = set(values)
        return [r for r in routes if wanted & set(_field(r, _SEARCH_FILTERS[name]))]
    if name not in _CIDR_FILTERS:
        raise InvalidParameter("InvalidParameterValue", f"The filter '{name}' is invalid")
    networks = [parse_any(v, name) for v in values]
    if name == "route-search.longest-prefix-match":
        return _longest(routes, networks)
    return [r for r in routes if any(_cidr_match(name, _net(r), n) for n in networks)]


def _net(route: Route) -> IPv4Network | IPv6Network:
    return ip_network(route["DestinationCidrBlock"])


def _cidr_match(name: str, route_net: IPv4Network | IPv6Network, given: IPv4Network | IPv6Network) -> bool:
    if route_net.version != given.version:
        return False
    if name == "route-search.exact-match":
        return route_net == given
    if name == "route-search.subnet-of-match":
        return route_net.subnet_of(given)  # type: ignore[arg-type]
    return route_net.supernet_of(given)  # type: ignore[arg-type]


def _longest(routes: list[Route], networks: list[IPv4Network | IPv6Network]) -> list[Route]:
    """For each address given, the routes with the longest prefix that contains it."""
    chosen: list[Route] = []
    for given in networks:
        covering = [r for r in routes if _cidr_match("route-search.supernet-of-match", _net(r), given)]
        best = max((_net(r).prefixlen for r in covering), default=None)
        chosen += [r for r in covering if _net(r).prefixlen == best and r not in chosen]
    return chosen


def _field(route: Route, path: tuple[str, ...]) -> list[str]:
    if len(path) == 2:
        return [str(item.get(path[1])) for item in route.get(path[0]) or []]
    return [str(route.get(path[0]))]


__all__ = ["table_routes"]
