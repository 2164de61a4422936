"""Route tables: the main table, local routes, associations, and routes to every kind of target."""

from __future__ import annotations

from vpcsim.control.call import Call, Params, Result
from vpcsim.control.describe import Listing, member
from vpcsim.model import Record


def local_route(cidr: str) -> dict[str, str]:
    key = "DestinationIpv6CidrBlock" if ":" in cidr else "DestinationCidrBlock"
    return {key: cidr, "GatewayId": "local", "Origin": "CreateRouteTable", "State": "active"}


def create_main_route_table(call: Call, vpc: Record) -> Record:
    """The VPC's main route table with one local route per VPC CIDR, created with the VPC [VPCUG23]."""
    rid = call.new_id("rtb", "route-table")
    cidrs = [a["CidrBlock"] for a in vpc.doc["CidrBlockAssociationSet"]]
    doc = {
        "RouteTableId": rid,
        "VpcId": vpc.id,
        "OwnerId": call.account,
        "Routes": [local_route(c) for c in cidrs],
        "Associations": [
            {
                "Main": True,
                "RouteTableAssociationId": call.new_id("rtbassoc", "route-table-association"),
                "RouteTableId": rid,
                "AssociationState": {"State": "associated"},
            }
        ],
        "PropagatingVgws": [],
    }
    return call.tx.put(call.record("route-table", rid, doc, vpc.id))


def is_main(table: Record) -> bool:
    return any(a.get("Main") for a in table.doc["Associations"])


def main_route_table(call: Call, vpc_id: str) -> Record:
    return next(t for t in call.tx.children("route-table", vpc_id) if is_main(t))


def add_local_route(call: Call, vpc_id: str, cidr: str) -> None:
    """A new VPC CIDR gets its local route in every route table of the VPC."""
    for table in list(call.tx.children("route-table", vpc_id)):
        call.tx.put(table.with_doc(Routes=[*table.doc["Routes"], local_route(cidr)]))


def remove_local_route(call: Call, vpc_id: str, cidr: str) -> None:
    for table in list(call.tx.children("route-table", vpc_id)):
        kept = [
            r
            for r in table.doc["Routes"]
            if not (
                r.get("GatewayId") == "local"
                and cidr in (r.get("DestinationCidrBlock"), r.get("DestinationIpv6CidrBlock"))
            )
        ]
        call.tx.put(table.with_doc(Routes=kept))


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
    return LISTING.run(call, params)
