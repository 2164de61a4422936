"""Route tables: the main table, local routes, associations, and routes to every kind of target.

Facts [VPCUG23 VPC_Route_Tables; EC2API]: every table has a ``local`` route per VPC CIDR (IPv4 and IPv6) that users
can neither create, replace nor delete; a subnet has at most one explicit association and otherwise uses the main
table; the main table and tables with associations cannot be deleted; 50 non-propagated routes per table, counted
separately for IPv4 and IPv6, a prefix-list route weighing its list's MaxEntries (AWS-managed lists weigh 1).
Route ``State`` is derived when shown (see ``route_targets``), never stored.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from vpcsim.control.core.call import Call, Params, Result
from vpcsim.control.core.describe import Listing, member, present
from vpcsim.control.core.lookup import get
from vpcsim.control.core.queries import is_aws_managed
from vpcsim.control.core.tags import tags_for
from vpcsim.control.network import route_targets as targets
from vpcsim.control.network.route_targets import Route
from vpcsim.errors import ApiError, DependencyViolation, InvalidParameter, LimitExceeded, NotFound
from vpcsim.model import Record

_MAX_ROUTES = 50
_ASSOCIATED = {"State": "associated"}


def local_route(cidr: str) -> dict[str, str]:
    key = "DestinationIpv6CidrBlock" if ":" in cidr else "DestinationCidrBlock"
    return {key: cidr, "GatewayId": "local", "Origin": "CreateRouteTable"}


def _vpc_cidrs(vpc: Record) -> list[str]:
    v4 = [a["CidrBlock"] for a in vpc.doc["CidrBlockAssociationSet"]]
    return v4 + [a["Ipv6CidrBlock"] for a in vpc.doc.get("Ipv6CidrBlockAssociationSet") or []]


def _new_table(call: Call, vpc: Record, associations: list[dict[str, Any]], tags: dict[str, str]) -> Record:
    rid = call.new_id("rtb", "route-table")
    doc = {
        "RouteTableId": rid,
        "VpcId": vpc.id,
        "OwnerId": call.account,
        "Routes": [local_route(c) for c in _vpc_cidrs(vpc)],
        "Associations": [{**a, "RouteTableId": rid} for a in associations],
        "PropagatingVgws": [],
    }
    return call.tx.put(call.record("route-table", rid, doc, vpc.id).evolve(tags=tags))


def _association(call: Call, table_id: str, **target: Any) -> dict[str, Any]:
    return {
        "Main": bool(target.pop("Main", False)),
        "RouteTableAssociationId": call.new_id("rtbassoc", "route-table-association"),
        "RouteTableId": table_id,
        **target,
        "AssociationState": dict(_ASSOCIATED),
    }


def create_main_route_table(call: Call, vpc: Record) -> Record:
    """The VPC's main route table with one local route per VPC CIDR, created with the VPC [VPCUG23]."""
    return _new_table(call, vpc, [_association(call, "", Main=True)], {})


def is_main(table: Record) -> bool:
    return any(a.get("Main") for a in table.doc["Associations"])


def main_route_table(call: Call, vpc_id: str) -> Record:
    return next(t for t in call.tx.children("route-table", vpc_id) if is_main(t))


def route_table_for_subnet(call: Call, subnet_id: str) -> Record:
    """The table a subnet's traffic uses: its explicit association, else its VPC's main table."""
    subnet = get(call, "subnet", subnet_id)
    for table in call.tx.children("route-table", subnet.parent or ""):
        if any(a.get("SubnetId") == subnet.id for a in table.doc["Associations"]):
            return table
    return main_route_table(call, subnet.parent or "")


def add_local_route(call: Call, vpc_id: str, cidr: str) -> None:
    """A new VPC CIDR gets its local route in every route table of the VPC."""
    for table in list(call.tx.children("route-table", vpc_id)):
        call.tx.put(table.with_doc(Routes=[*table.doc["Routes"], local_route(cidr)]))


def remove_local_route(call: Call, vpc_id: str, cidr: str) -> None:
    for table in list(call.tx.children("route-table", vpc_id)):
        kept = [
            r
            for r in table.doc["Routes"]
            if not (targets.is_local(r) and cidr in (r.get("DestinationCidrBlock"), r.get("DestinationIpv6CidrBlock")))
        ]
        call.tx.put(table.with_doc(Routes=kept))


# -- describe ----------------------------------------------------------------------------------------------------
def live(call: Call, table: Record) -> Record:
    """The table with each route's State derived from its targets as they are now."""
    vpc_id = table.doc["VpcId"]
    shown = [{**r, "State": targets.route_state(call, vpc_id, r)} for r in table.doc["Routes"]]
    return table.with_doc(Routes=shown)


def present_table(call: Call, table: Record) -> dict[str, Any]:
    return present(live(call, table))


LISTING = Listing(
    kind="route-table",
    page_member="RouteTables",
    ids_member="RouteTableIds",
    parent_filter="vpc-id",
    max_results=(5, 100),
    filters={
        "association.gateway-id": member("Associations", "GatewayId"),
        "association.route-table-association-id": member("Associations", "RouteTableAssociationId"),
        "association.route-table-id": member("Associations", "RouteTableId"),
        "association.subnet-id": member("Associations", "SubnetId"),
        "association.main": member("Associations", "Main"),
        "owner-id": member("OwnerId"),
        "route-table-id": member("RouteTableId"),
        "route.destination-cidr-block": member("Routes", "DestinationCidrBlock"),
        "route.destination-ipv6-cidr-block": member("Routes", "DestinationIpv6CidrBlock"),
        "route.destination-prefix-list-id": member("Routes", "DestinationPrefixListId"),
        "route.egress-only-internet-gateway-id": member("Routes", "EgressOnlyInternetGatewayId"),
        "route.gateway-id": member("Routes", "GatewayId"),
        "route.instance-id": member("Routes", "InstanceId"),
        "route.nat-gateway-id": member("Routes", "NatGatewayId"),
        "route.transit-gateway-id": member("Routes", "TransitGatewayId"),
        "route.origin": member("Routes", "Origin"),
        "route.state": member("Routes", "State"),
        "route.vpc-peering-connection-id": member("Routes", "VpcPeeringConnectionId"),
        "vpc-id": member("VpcId"),
    },
)


def describe_route_tables(call: Call, params: Params) -> Result:
    state = member("Routes", "State")
    listing = replace(
        LISTING,
        present=lambda r: present_table(call, r),
        filters={**LISTING.filters, "route.state": lambda r: state(live(call, r))},
    )
    return listing.run(call, params)


# -- tables ------------------------------------------------------------------------------------------------------
def create_route_table(call: Call, params: Params) -> Result:
    token = params.get("ClientToken")
    earlier = call.earlier("route-table", token)
    if earlier is not None:
        return {"RouteTable": present_table(call, earlier), "ClientToken": token}
    vpc = get(call, "vpc", params["VpcId"])
    table = _new_table(call, vpc, [], tags_for(call, params, "route-table"))
    call.remember("route-table", token, table.id)
    result: Result = {"RouteTable": present_table(call, table)}
    if token:
        result["ClientToken"] = token
    return result


def delete_route_table(call: Call, params: Params) -> Result:
    table = get(call, "route-table", params["RouteTableId"])
    if table.doc["Associations"]:
        # The main table always has its main association, so this refuses it too [VPCUG23].
        raise DependencyViolation(
            f"The routeTable '{table.id}' has dependencies and cannot be deleted"
            + (" (it is the main route table of its VPC)." if is_main(table) else " (it has associations).")
        )
    _forget_in_gateway_endpoints(call, table)
    call.tx.delete("route-table", table.id)
    return {}


def _forget_in_gateway_endpoints(call: Call, table: Record) -> None:
    """A deleted table leaves the RouteTableIds of the gateway endpoints that routed through it (its endpoint routes
    go with the table itself)."""
    for endpoint in list(call.tx.children("vpc-endpoint", table.doc["VpcId"])):
        ids = endpoint.doc.get("RouteTableIds") or []
        if table.id in ids:
            call.tx.put(endpoint.with_doc(RouteTableIds=[i for i in ids if i != table.id]))


# -- associations ------------------------------------------------------------------------------------------------
def _already_associated(table: Record) -> ApiError:
    return ApiError(
        "Resource.AlreadyAssociated",
        f"the specified association for route table {table.id} conflicts with an existing association",
    )


def associate_route_table(call: Call, params: Params) -> Result:
    table = get(call, "route-table", params["RouteTableId"])
    subnet_id, gateway_id = params.get("SubnetId"), params.get("GatewayId")
    if bool(subnet_id) == bool(gateway_id):
        code = "InvalidParameterCombination" if subnet_id else "MissingParameter"
        raise InvalidParameter(code, "Specify exactly one of subnetId or gatewayId to associate.")
    target = _subnet_target(call, table, subnet_id) if subnet_id else _gateway_target(call, table, gateway_id or "")
    association = _association(call, table.id, **target)
    call.tx.put(table.with_doc(Associations=[*table.doc["Associations"], association]))
    return {"AssociationId": association["RouteTableAssociationId"], "AssociationState": dict(_ASSOCIATED)}


def _subnet_target(call: Call, table: Record, subnet_id: str) -> dict[str, str]:
    subnet = get(call, "subnet", subnet_id)
    if subnet.parent != table.doc["VpcId"]:
        raise InvalidParameter(
            "InvalidParameterValue", f"Route table {table.id} and subnet {subnet.id} belong to different networks"
        )
    if any(a.get("SubnetId") == subnet.id for t in _tables(call, table) for a in t.doc["Associations"]):
        raise _already_associated(table)
    return {"SubnetId": subnet.id}


def _gateway_target(call: Call, table: Record, gateway_id: str) -> dict[str, str]:
    gateway = get(call, "internet-gateway", gateway_id) if gateway_id.startswith("igw-") else None
    if gateway is None:
        raise NotFound("InvalidGatewayID.NotFound", f"The gateway ID '{gateway_id}' does not exist")
    if not any(a["VpcId"] == table.doc["VpcId"] for a in gateway.doc["Attachments"]):
        raise InvalidParameter(
            "InvalidParameterValue",
            f"route table {table.id} and network gateway {gateway.id} belong to different networks",
        )
    if any(a.get("GatewayId") == gateway.id for t in _tables(call, table) for a in t.doc["Associations"]):
        raise _already_associated(table)
    return {"GatewayId": gateway.id}


def _tables(call: Call, table: Record) -> list[Record]:
    return list(call.tx.children("route-table", table.doc["VpcId"]))


def _find_association(call: Call, association_id: str) -> tuple[Record, dict[str, Any]]:
    for table in call.scan("route-table"):
        for association in table.doc["Associations"]:
            if association["RouteTableAssociationId"] == association_id:
                return table, association
    raise NotFound("InvalidAssociationID.NotFound", f"The association ID '{association_id}' does not exist")


def _without(table: Record, association_id: str) -> Record:
    kept = [a for a in table.doc["Associations"] if a["RouteTableAssociationId"] != association_id]
    return table.with_doc(Associations=kept)


def disassociate_route_table(call: Call, params: Params) -> Result:
    table, association = _find_association(call, params["AssociationId"])
    if association.get("Main"):
        raise InvalidParameter(
            "InvalidParameterValue",
            f"cannot disassociate the main route table association {association['RouteTableAssociationId']}; "
            "make another table main with ReplaceRouteTableAssociation instead",
        )
    call.tx.put(_without(table, association["RouteTableAssociationId"]))
    return {}


def replace_route_table_association(call: Call, params: Params) -> Result:
    """Moves an association (the main one included: the Main flag moves with it) to another table."""
    old, association = _find_association(call, params["AssociationId"])
    new = get(call, "route-table", params["RouteTableId"])
    if new.doc["VpcId"] != old.doc["VpcId"]:
        raise InvalidParameter(
            "InvalidParameterValue",
            f"Route table {new.id} is not in the VPC of association {association['RouteTableAssociationId']}",
        )
    old = call.tx.put(_without(old, association["RouteTableAssociationId"]))
    target = {k: association[k] for k in ("Main", "SubnetId", "GatewayId") if k in association}
    moved = _association(call, new.id, **target)
    new = call.tx.find("route-table", new.id) or new  # the same table as ``old`` when re-associating in place
    call.tx.put(new.with_doc(Associations=[*new.doc["Associations"], moved]))
    return {"NewAssociationId": moved["RouteTableAssociationId"], "AssociationState": dict(_ASSOCIATED)}


# -- routes ------------------------------------------------------------------------------------------------------
def create_route(call: Call, params: Params) -> Result:
    table = get(call, "route-table", params["RouteTableId"])
    dest, value = targets.destination(call, params)
    if targets.find_route(table, dest, value) is not None:
        # Real text [GH terraform-provider-aws#23866], also for a VPC CIDR, which the local route already holds.
        raise ApiError("RouteAlreadyExists", f"The route identified by {value} already exists.")
    route: Route = {dest: value, **targets.target(call, table, params), "Origin": "CreateRoute"}
    targets.check_inside_vpc(call, get(call, "vpc", table.doc["VpcId"]), dest, value, route)
    _check_limit(call, table, route)
    call.tx.put(table.with_doc(Routes=[*table.doc["Routes"], route]))
    return {"Return": True}


def replace_route(call: Call, params: Params) -> Result:
    table = get(call, "route-table", params["RouteTableId"])
    dest, value = targets.destination(call, params, existing=True)
    index = _changeable(call, table, dest, value)
    old = table.doc["Routes"][index]
    route: Route = {dest: value, **targets.target(call, table, params), "Origin": old.get("Origin", "CreateRoute")}
    targets.check_inside_vpc(call, get(call, "vpc", table.doc["VpcId"]), dest, value, route)
    routes = list(table.doc["Routes"])
    routes[index] = route
    call.tx.put(table.with_doc(Routes=routes))
    return {}


def delete_route(call: Call, params: Params) -> Result:
    table = get(call, "route-table", params["RouteTableId"])
    dest, value = targets.destination(call, params, existing=True)
    index = _changeable(call, table, dest, value)
    call.tx.put(table.with_doc(Routes=[r for i, r in enumerate(table.doc["Routes"]) if i != index]))
    return {}


def _changeable(call: Call, table: Record, dest: str, value: str) -> int:
    """The index of the route users may replace or delete, or AWS's refusal."""
    index = targets.find_route(table, dest, value)
    if index is None:
        raise targets.missing_route(table, dest, value)
    route = table.doc["Routes"][index]
    if targets.is_local(route):
        raise InvalidParameter("InvalidParameterValue", f"cannot remove local route {value} in route table {table.id}")
    if _is_gateway_endpoint_route(call, route):
        raise InvalidParameter(
            "InvalidParameterValue",
            f"The route to {value} in route table {table.id} belongs to the gateway endpoint {route['GatewayId']}: "
            "remove the route table from the endpoint with ModifyVpcEndpoint RemoveRouteTableIds instead.",
        )
    return index


def _is_gateway_endpoint_route(call: Call, route: Route) -> bool:
    gid, pid = route.get("GatewayId", ""), route.get("DestinationPrefixListId")
    if not (gid.startswith("vpce-") and pid):
        return False
    endpoint = call.tx.find("vpc-endpoint", gid)
    if endpoint is not None and endpoint.doc.get("VpcEndpointType") == "GatewayLoadBalancer":
        return False
    plist = call.tx.find("prefix-list", pid)
    return plist is None or is_aws_managed(plist)


def _check_limit(call: Call, table: Record, new: Route) -> None:
    family = _family(call, new)
    used = sum(
        _weight(call, r)
        for r in [*table.doc["Routes"], new]
        if r.get("Origin") != "EnableVgwRoutePropagation" and _family(call, r) == family
    )
    # vpcsim counts the local route too: AWS does not say whether it counts [VPCUG23 amazon-vpc-limits].
    if used > _MAX_ROUTES:
        raise LimitExceeded(
            "RouteLimitExceeded",
            f"The maximum number of routes ({_MAX_ROUTES} {family}) in route table {table.id} has been reached.",
        )


def _family(call: Call, route: Route) -> str:
    if "DestinationPrefixListId" in route:
        plist = call.tx.find("prefix-list", route["DestinationPrefixListId"])
        return str(plist.doc.get("AddressFamily", "IPv4")) if plist else "IPv4"
    return "IPv6" if "DestinationIpv6CidrBlock" in route else "IPv4"


def _weight(call: Call, route: Route) -> int:
    if "DestinationPrefixListId" not in route:
        return 1
    plist = call.tx.find("prefix-list", route["DestinationPrefixListId"])
    if plist is None or is_aws_managed(plist):
        return 1
    return int(plist.doc.get("MaxEntries") or 1)


__all__ = [
    "LISTING",
    "add_local_route",
    "create_main_route_table",
    "is_main",
    "live",
    "local_route",
    "main_route_table",
    "remove_local_route",
    "route_table_for_subnet",
]
