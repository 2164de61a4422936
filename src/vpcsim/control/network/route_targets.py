"""What a route points at and where it goes: destinations, targets, and whether a target still carries traffic.

A route is stored as AWS describes it, minus ``State``. The state is derived whenever a route is shown (and by
the data plane) from the target records themselves: they are the one source of truth, so a target deleted or
detached by any family (a NAT gateway deleted, an internet gateway detached, an instance terminated) turns its
routes into ``blackhole`` without that family knowing about route tables [VPCUG23 route table concepts].

Gateway Load Balancer endpoint routes are described by AWS with the endpoint id in ``GatewayId`` (the Route shape
has no VpcEndpointId member) [EC2API Route]. An egress-only internet gateway carries IPv6 only [VPCUG23
egress-only-internet-gateway], so it is the target of IPv6 destinations only (IPv6 CIDRs or IPv6 prefix lists).
"""

from __future__ import annotations

from collections.abc import Callable
from ipaddress import IPv4Network, IPv6Network
from typing import Any

from vpcsim.control.core import vpn_routes
from vpcsim.control.core.call import Call, Params
from vpcsim.control.core.cidrs import parse_v4, parse_v6
from vpcsim.control.core.lookup import check_id, find, get
from vpcsim.control.core.queries import attached_to, get_prefix_list
from vpcsim.errors import ApiError, InvalidParameter, Malformed, NotFound, Unsupported
from vpcsim.model import Record, is_well_formed

Route = dict[str, Any]
DESTINATIONS = {
    "DestinationCidrBlock": "destination-cidr-block",
    "DestinationIpv6CidrBlock": "destination-ipv6-cidr-block",
    "DestinationPrefixListId": "destination-prefix-list-id",
}
_UNSUPPORTED = ("LocalGatewayId", "CarrierGatewayId", "CoreNetworkArn", "OdbNetworkArn")
# A peering connection in these states cannot be a route target [PEER vpc-peering-basics].
_PEERING_GONE = ("deleted", "rejected", "failed", "expired")


def is_local(route: Route) -> bool:
    return route.get("GatewayId") == "local"


def destination(call: Call, params: Params, *, existing: bool = False) -> tuple[str, str]:
    """The one destination a request names, as (member, canonical value). A prefix list must exist for a new
    route; for an ``existing`` route (replace, delete) the route itself is the authority."""
    given = [name for name in DESTINATIONS if params.get(name)]
    if not given:
        raise InvalidParameter(
            "MissingParameter",
            "The request must contain exactly one of destinationCidrBlock, destinationIpv6CidrBlock "
            "or destinationPrefixListId.",
        )
    if len(given) > 1:
        raise InvalidParameter(
            "InvalidParameterCombination", "Specify only one destination: " + ", ".join(given) + " were given."
        )
    name, value = given[0], params[given[0]]
    if name == "DestinationCidrBlock":
        return name, str(parse_v4(value, "destinationCidrBlock"))
    if name == "DestinationIpv6CidrBlock":
        return name, str(parse_v6(value, "destinationIpv6CidrBlock"))
    if existing:
        check_id("prefix-list", value)
    else:
        get_prefix_list(call, value)
    return name, value


def find_route(table: Record, member: str, value: str) -> int | None:
    return next((i for i, r in enumerate(table.doc["Routes"]) if r.get(member) == value), None)


def missing_route(table: Record, member: str, value: str) -> ApiError:
    return NotFound("InvalidRoute.NotFound", f"no route with {DESTINATIONS[member]} {value} in route table {table.id}")


# -- targets ----------------------------------------------------------------------------------------------------
def target(call: Call, table: Record, params: Params) -> Route:
    """The route members for the one target a CreateRoute/ReplaceRoute request names, checked."""
    given = [name for name in (*_RESOLVERS, *_UNSUPPORTED) if params.get(name)]
    if params.get("LocalTarget"):
        given.append("LocalTarget")
    if not given:
        raise InvalidParameter(
            "MissingParameter",
            "The request must contain exactly one route target: gatewayId, natGatewayId, networkInterfaceId, "
            "instanceId, vpcPeeringConnectionId, transitGatewayId or vpcEndpointId.",
        )
    if len(given) > 1:
        raise InvalidParameter(
            "InvalidParameterCombination", "Specify only one route target: " + ", ".join(given) + " were given."
        )
    name = given[0]
    if name == "LocalTarget":
        raise InvalidParameter(
            "InvalidParameterValue",
            "cannot replace a route with a local target: only "
            "the VPC's own local routes target 'local', and they cannot be changed",
        )
    if name in _UNSUPPORTED:
        raise Unsupported("Unsupported", f"vpcsim does not support routes to {name} yet; the call changed nothing.")
    return _RESOLVERS[name](call, table, params[name])


def _different_networks(table: Record, noun: str, rid: str) -> ApiError:
    # Real text: "route table rtb-x and network gateway igw-x belong to different networks" [GH
    # smoketurner/serverless-vpc-plugin#147]; "... and interface eni-x ..." [GH saltstack/salt#38791].
    return InvalidParameter(
        "InvalidParameterValue", f"route table {table.id} and {noun} {rid} belong to different networks"
    )


def _gateway(call: Call, table: Record, gid: str) -> Route:
    if gid == "local":
        raise InvalidParameter(
            "InvalidParameterValue",
            "cannot create a local route: every route table already has the local route for each VPC CIDR",
        )
    if gid.startswith("vpce-"):
        raise InvalidParameter(
            "InvalidParameterValue",
            f"Routes to the gateway endpoint {gid} are managed by the "
            "endpoint: add the route table with ModifyVpcEndpoint AddRouteTableIds instead",
        )
    if is_well_formed(gid, "vgw"):
        return _vpn_gateway(call, table, gid)
    record = find(call, "internet-gateway", gid) if is_well_formed(gid, "igw") else None
    if record is None:
        raise NotFound("InvalidGatewayID.NotFound", f"The gateway ID '{gid}' does not exist")
    if not any(a["VpcId"] == table.doc["VpcId"] for a in record.doc["Attachments"]):
        raise _different_networks(table, "network gateway", gid)
    return {"GatewayId": gid}


def _vpn_gateway(call: Call, table: Record, gid: str) -> Route:
    """A virtual private gateway is a route target of the VPC it is attached to [VPCUG23 route tables]; vpcsim
    answers a gateway attached elsewhere (or not at all) as AWS answers an internet gateway's (named choice)."""
    record = find(call, "vpn-gateway", gid)
    if record is None or record.doc.get("State") in ("deleting", "deleted"):
        raise NotFound("InvalidGatewayID.NotFound", f"The gateway ID '{gid}' does not exist")
    if not vpn_routes.is_attached(call.tx, gid, table.doc["VpcId"]):
        raise _different_networks(table, "network gateway", gid)
    return {"GatewayId": gid}


def _nat_gateway(call: Call, table: Record, nid: str) -> Route:
    record = get(call, "natgateway", nid)
    if record.doc["State"] in ("deleting", "deleted", "failed"):
        raise NotFound("NatGatewayNotFound", f"NAT gateway {nid} was not found (it is {record.doc['State']})")
    if record.doc["VpcId"] != table.doc["VpcId"]:
        raise _different_networks(table, "NAT gateway", nid)
    return {"NatGatewayId": nid}


def _interface(call: Call, table: Record, eid: str) -> Route:
    record = get(call, "network-interface", eid)
    if record.doc["VpcId"] != table.doc["VpcId"]:
        raise _different_networks(table, "interface", eid)
    route: Route = {"NetworkInterfaceId": eid}
    instance_id = (record.doc.get("Attachment") or {}).get("InstanceId")
    if instance_id:
        route.update(InstanceId=instance_id, InstanceOwnerId=record.doc["OwnerId"])
    return route


def primary_interface_id(call: Call, instance: Record) -> str | None:
    """The instance's device-index-0 interface."""
    attached = attached_to(call, instance)
    if attached and attached[0].doc["Attachment"].get("DeviceIndex") == 0:
        return attached[0].id
    return None


def _instance(call: Call, table: Record, iid: str) -> Route:
    record = get(call, "instance", iid)
    if len(attached_to(call, record)) > 1:
        # Real text, as AWS answers for an instance with several interfaces.
        raise ApiError(
            "InvalidInstanceID",
            f"There are multiple interfaces attached to instance '{iid}'. "
            "Please specify an interface ID for the operation instead.",
        )
    eid = primary_interface_id(call, record)
    if eid is None:
        raise ApiError("InvalidInstanceID", f"The instance '{iid}' has no network interface to route to.")
    return {**_interface(call, table, eid), "InstanceId": iid, "InstanceOwnerId": record.account}


def _peering(call: Call, table: Record, pid: str) -> Route:
    if not is_well_formed(pid, "pcx"):
        raise Malformed("InvalidVpcPeeringConnectionId.Malformed", f'Invalid id: "{pid}" (expecting "pcx-...")')
    record = call.tx.find("vpc-peering-connection", pid)
    if record is None or record.doc.get("Status", {}).get("Code") in _PEERING_GONE:
        raise NotFound("InvalidVpcPeeringConnectionID.NotFound", f"The vpcPeeringConnection ID '{pid}' does not exist")
    sides = {(record.doc.get(k) or {}).get("VpcId") for k in ("RequesterVpcInfo", "AccepterVpcInfo")}
    if table.doc["VpcId"] not in sides:
        raise _different_networks(table, "VPC peering connection", pid)
    return {"VpcPeeringConnectionId": pid}


def _transit_gateway(call: Call, table: Record, tid: str) -> Route:
    if not is_well_formed(tid, "tgw"):
        raise Malformed("InvalidTransitGatewayID.Malformed", f'Invalid id: "{tid}" (expecting "tgw-...")')
    record = call.tx.find("transit-gateway", tid)
    if record is None or record.region != call.region.name or record.doc.get("State") in ("deleting", "deleted"):
        raise NotFound("InvalidTransitGatewayID.NotFound", f"Transit Gateway {tid} was deleted or does not exist.")
    return {"TransitGatewayId": tid}


def _egress_only(call: Call, table: Record, gid: str) -> Route:
    check_id("egress-only-internet-gateway", gid)
    record = find(call, "egress-only-internet-gateway", gid)
    if record is None:
        raise NotFound(
            "InvalidEgressOnlyInternetGatewayId.NotFound", f"The egressOnlyInternetGateway ID '{gid}' does not exist"
        )
    if not any(a["VpcId"] == table.doc["VpcId"] for a in record.doc["Attachments"]):
        raise _different_networks(table, "egress-only internet gateway", gid)
    return {"EgressOnlyInternetGatewayId": gid}


def _endpoint(call: Call, table: Record, vid: str) -> Route:
    record = get(call, "vpc-endpoint", vid)
    if record.doc.get("VpcEndpointType") != "GatewayLoadBalancer":
        raise InvalidParameter(
            "InvalidParameterValue",
            "Route table target must be a Gateway Load Balancer "
            f"endpoint; {vid} is a {record.doc.get('VpcEndpointType')} endpoint.",
        )
    if record.doc.get("VpcId") != table.doc["VpcId"]:
        raise _different_networks(table, "VPC endpoint", vid)
    return {"GatewayId": vid}


_RESOLVERS: dict[str, Callable[[Call, Record, str], Route]] = {
    "GatewayId": _gateway,
    "NatGatewayId": _nat_gateway,
    "NetworkInterfaceId": _interface,
    "InstanceId": _instance,
    "VpcPeeringConnectionId": _peering,
    "TransitGatewayId": _transit_gateway,
    "VpcEndpointId": _endpoint,
    "EgressOnlyInternetGatewayId": _egress_only,
}


# -- checks that need the destination and the target together -------------------------------------------------
def check_route(call: Call, vpc: Record, member: str, value: str, route: Route) -> None:
    """The destination's family suits the target, and a destination inside the VPC is allowed there."""
    if "EgressOnlyInternetGatewayId" in route and _family(call, member, value) != 6:
        raise InvalidParameter(
            "InvalidParameterCombination",
            f"The egress-only internet gateway {route['EgressOnlyInternetGatewayId']} carries IPv6 traffic only: "
            f"it can be the target of IPv6 destinations (destinationIpv6CidrBlock), not {value}.",
        )
    check_inside_vpc(call, vpc, member, value, route)


def _family(call: Call, member: str, value: str) -> int:
    if member == "DestinationPrefixListId":
        plist = get_prefix_list(call, value)
        return 6 if plist.doc.get("AddressFamily") == "IPv6" else 4
    return 6 if member == "DestinationIpv6CidrBlock" else 4


def check_inside_vpc(call: Call, vpc: Record, member: str, value: str, route: Route) -> None:
    """Routes equal to or more specific than a VPC CIDR must be a whole subnet's CIDR to a NAT gateway, an
    interface or a Gateway Load Balancer endpoint [VPCUG23 route table concepts, "more specific routes"]."""
    if member == "DestinationPrefixListId":
        return
    network = parse_v4(value) if member == "DestinationCidrBlock" else parse_v6(value)
    if not any(_inside(network, cidr) for cidr in _vpc_cidrs(vpc)):
        return
    subnet_cidrs = {c for s in call.tx.children("subnet", vpc.id) for c in _subnet_cidrs(s)}
    middlebox = (
        "NatGatewayId" in route or "NetworkInterfaceId" in route or route.get("GatewayId", "").startswith("vpce-")
    )
    if value not in subnet_cidrs or not middlebox:
        raise InvalidParameter(
            "InvalidParameterValue",
            f"The destination {value} is within a CIDR of {vpc.id}: such a route must match a whole subnet's "
            "CIDR exactly and target a NAT gateway, a network interface, an instance or a Gateway Load Balancer "
            "endpoint.",
        )


def _inside(network: IPv4Network | IPv6Network, cidr: str) -> bool:
    other = parse_v6(cidr) if ":" in cidr else parse_v4(cidr)
    return network.version == other.version and network.subnet_of(other)  # type: ignore[arg-type]


def _vpc_cidrs(vpc: Record) -> list[str]:
    v4 = [a["CidrBlock"] for a in vpc.doc["CidrBlockAssociationSet"]]
    return v4 + [a["Ipv6CidrBlock"] for a in vpc.doc.get("Ipv6CidrBlockAssociationSet") or []]


def _subnet_cidrs(subnet: Record) -> list[str]:
    v6 = [a["Ipv6CidrBlock"] for a in subnet.doc.get("Ipv6CidrBlockAssociationSet") or []]
    v4 = subnet.doc.get("CidrBlock")  # an IPv6-only subnet has none
    return [v4, *v6] if v4 else v6


# -- state ------------------------------------------------------------------------------------------------------
def route_state(call: Call, vpc_id: str, route: Route) -> str:
    """``active`` while every target the route names can carry traffic, else ``blackhole``."""
    if is_local(route):
        return "active"
    alive = all(check(call, vpc_id, route[member]) for member, check in _ALIVE.items() if route.get(member))
    return "active" if alive else "blackhole"


def _gateway_alive(call: Call, vpc_id: str, gid: str) -> bool:
    if gid.startswith("vpce-"):
        endpoint = call.tx.find("vpc-endpoint", gid)
        return endpoint is not None and str(endpoint.doc.get("State", "")).lower() not in ("deleting", "deleted")
    if gid.startswith("vgw-"):  # a detached virtual private gateway blackholes its routes [VPCUG23]
        return vpn_routes.is_attached(call.tx, gid, vpc_id)
    gateway = call.tx.find("internet-gateway", gid)
    return gateway is not None and any(a["VpcId"] == vpc_id for a in gateway.doc["Attachments"])


def _member_check(kind: str, path: str, ok: Callable[[Any], bool]) -> Callable[[Call, str, str], bool]:
    """A liveness check reading one (dotted) member of the target's doc."""

    def alive(call: Call, vpc_id: str, rid: str) -> bool:
        record = call.tx.find(kind, rid)
        if record is None:
            return False
        value: Any = record.doc
        for name in path.split("."):
            value = value.get(name) if isinstance(value, dict) else None
        return ok(value)

    return alive


_ALIVE: dict[str, Callable[[Call, str, str], bool]] = {
    "GatewayId": _gateway_alive,
    "NatGatewayId": _member_check("natgateway", "State", lambda s: s in ("pending", "available")),
    "NetworkInterfaceId": _member_check("network-interface", "NetworkInterfaceId", bool),
    "InstanceId": _member_check("instance", "State.Name", lambda s: s in (None, "pending", "running")),
    # Traffic flows over a peering connection only once it is active [PEER vpc-peering-basics].
    "VpcPeeringConnectionId": _member_check("vpc-peering-connection", "Status.Code", lambda s: s == "active"),
    "TransitGatewayId": _member_check("transit-gateway", "State", lambda s: s not in ("deleting", "deleted")),
    # An egress-only gateway is attached to its VPC for its whole life; a deleted one leaves a blackhole.
    "EgressOnlyInternetGatewayId": _member_check("egress-only-internet-gateway", "EgressOnlyInternetGatewayId", bool),
}
