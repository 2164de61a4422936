"""Route targets whose families are built elsewhere (peering, transit gateways, endpoints), driven through the
control plane in process with their records written straight into the store, as those families will write them."""

from __future__ import annotations

from typing import Any

import pytest

from vpcsim.control import Control
from vpcsim.errors import ApiError
from vpcsim.model import IdFactory, Record
from vpcsim.store import MemoryBackend, Store

ACCOUNT, REGION = "111122223333", "us-east-1"


class Plane:
    def __init__(self) -> None:
        self.store = Store(MemoryBackend())
        self.control = Control(self.store, IdFactory(7))

    def __call__(self, operation: str, **params: Any) -> dict[str, Any]:
        return self.control.handle("ec2", operation, params, account=ACCOUNT, region=REGION, request_id="r")

    def error(self, operation: str, **params: Any) -> str:
        with pytest.raises(ApiError) as excinfo:
            self(operation, **params)
        return excinfo.value.code

    def put(self, kind: str, rid: str, doc: dict[str, Any], account: str = ACCOUNT) -> None:
        with self.store.transaction() as tx:
            tx.put(Record(kind, rid, account, REGION, doc, doc.get("VpcId")))

    def routes(self, table_id: str) -> list[dict[str, Any]]:
        return list(self("DescribeRouteTables", RouteTableIds=[table_id])["RouteTables"][0]["Routes"])


@pytest.fixture
def plane() -> Plane:
    return Plane()


@pytest.fixture
def network(plane: Plane) -> tuple[str, str, str]:
    """(vpc, subnet 10.0.1.0/24, table)"""
    vpc = plane("CreateVpc", CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnet = plane("CreateSubnet", VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
    table = plane("CreateRouteTable", VpcId=vpc)["RouteTable"]["RouteTableId"]
    return vpc, subnet, table


def _peering(vpc: str, code: str) -> dict[str, Any]:
    return {
        "VpcPeeringConnectionId": "pcx-0123456789abcdef0",
        "Status": {"Code": code},
        "RequesterVpcInfo": {"VpcId": vpc},
        "AccepterVpcInfo": {"VpcId": "vpc-0aaaaaaaaaaaaaaaa"},
    }


def test_peering_route_is_blackhole_until_active(plane: Plane, network: tuple[str, str, str]) -> None:
    vpc, _, table = network
    pcx = "pcx-0123456789abcdef0"
    assert plane.error(
        "CreateRoute", RouteTableId=table, DestinationCidrBlock="10.9.0.0/16", VpcPeeringConnectionId=pcx
    ) == ("InvalidVpcPeeringConnectionID.NotFound")
    plane.put("vpc-peering-connection", pcx, _peering(vpc, "pending-acceptance"))
    plane("CreateRoute", RouteTableId=table, DestinationCidrBlock="10.9.0.0/16", VpcPeeringConnectionId=pcx)
    assert plane.routes(table)[1] == {
        "DestinationCidrBlock": "10.9.0.0/16",
        "VpcPeeringConnectionId": pcx,
        "Origin": "CreateRoute",
        "State": "blackhole",
    }
    plane.put("vpc-peering-connection", pcx, _peering(vpc, "active"))
    assert plane.routes(table)[1]["State"] == "active"


def test_peering_of_other_vpcs_is_refused(plane: Plane, network: tuple[str, str, str]) -> None:
    _, _, table = network
    pcx = "pcx-0123456789abcdef0"
    plane.put("vpc-peering-connection", pcx, _peering("vpc-0bbbbbbbbbbbbbbbb", "active"))
    code = plane.error(
        "CreateRoute", RouteTableId=table, DestinationCidrBlock="10.9.0.0/16", VpcPeeringConnectionId=pcx
    )
    assert code == "InvalidParameterValue"
    assert len(plane.routes(table)) == 1


def test_transit_gateway_route(plane: Plane, network: tuple[str, str, str]) -> None:
    _, _, table = network
    tgw = "tgw-0123456789abcdef0"
    plane.put("transit-gateway", tgw, {"TransitGatewayId": tgw, "State": "available"}, account="999988887777")
    plane("CreateRoute", RouteTableId=table, DestinationCidrBlock="0.0.0.0/0", TransitGatewayId=tgw)
    assert plane.routes(table)[1]["TransitGatewayId"] == tgw and plane.routes(table)[1]["State"] == "active"
    plane.put("transit-gateway", tgw, {"TransitGatewayId": tgw, "State": "deleted"}, account="999988887777")
    assert plane.routes(table)[1]["State"] == "blackhole"
    assert plane.error("CreateRoute", RouteTableId=table, DestinationCidrBlock="1.0.0.0/8", TransitGatewayId=tgw) == (
        "InvalidTransitGatewayID.NotFound"
    )


def test_gateway_load_balancer_endpoint_routes(plane: Plane, network: tuple[str, str, str]) -> None:
    vpc, _, table = network
    vpce = "vpce-0123456789abcdef0"
    plane.put(
        "vpc-endpoint",
        vpce,
        {"VpcEndpointId": vpce, "VpcEndpointType": "GatewayLoadBalancer", "VpcId": vpc, "State": "available"},
    )
    plane("CreateRoute", RouteTableId=table, DestinationCidrBlock="10.0.1.0/24", VpcEndpointId=vpce)  # a whole subnet
    assert plane.routes(table)[1] == {
        "DestinationCidrBlock": "10.0.1.0/24",
        "GatewayId": vpce,
        "Origin": "CreateRoute",
        "State": "active",
    }
    plane("DeleteRoute", RouteTableId=table, DestinationCidrBlock="10.0.1.0/24")  # GWLBe routes are the user's
    assert len(plane.routes(table)) == 1


def test_gateway_endpoint_route_cannot_be_changed(plane: Plane, network: tuple[str, str, str]) -> None:
    vpc, _, table = network
    vpce, pl = "vpce-0fedcba9876543210", "pl-63a5400a"
    plane.put(
        "prefix-list", pl, {"PrefixListId": pl, "OwnerId": "AWS", "AddressFamily": "IPv4", "MaxEntries": 10}, "AWS"
    )
    plane.put(
        "vpc-endpoint", vpce, {"VpcEndpointId": vpce, "VpcEndpointType": "Gateway", "VpcId": vpc, "State": "available"}
    )
    with plane.store.transaction() as tx:
        record = tx.find("route-table", table)
        assert record is not None
        route = {"DestinationPrefixListId": pl, "GatewayId": vpce, "Origin": "CreateRoute"}
        tx.put(record.with_doc(Routes=[*record.doc["Routes"], route]))
    assert plane.error("DeleteRoute", RouteTableId=table, DestinationPrefixListId=pl) == "InvalidParameterValue"
    assert plane.routes(table)[1]["GatewayId"] == vpce
    with plane.store.transaction() as tx:
        tx.delete("vpc-endpoint", vpce)
    assert plane.routes(table)[1]["State"] == "blackhole"


def test_aws_managed_prefix_list_weighs_one(plane: Plane, network: tuple[str, str, str]) -> None:
    vpc, _, table = network
    gid = plane("CreateInternetGateway")["InternetGateway"]["InternetGatewayId"]
    plane("AttachInternetGateway", InternetGatewayId=gid, VpcId=vpc)
    big = "pl-0123456789abcdef0"
    plane.put("prefix-list", big, {"PrefixListId": big, "OwnerId": ACCOUNT, "AddressFamily": "IPv4", "MaxEntries": 49})
    plane("CreateRoute", RouteTableId=table, DestinationPrefixListId=big, GatewayId=gid)  # local 1 + 49 = 50
    code = plane.error("CreateRoute", RouteTableId=table, DestinationCidrBlock="0.0.0.0/0", GatewayId=gid)
    assert code == "RouteLimitExceeded"
    plane("DeleteRoute", RouteTableId=table, DestinationPrefixListId=big)
    managed = "pl-63a5400a"
    plane.put(
        "prefix-list",
        managed,
        {"PrefixListId": managed, "OwnerId": "AWS", "AddressFamily": "IPv4", "MaxEntries": 99},
        "AWS",
    )
    plane("CreateRoute", RouteTableId=table, DestinationPrefixListId=managed, GatewayId=gid)
    plane("CreateRoute", RouteTableId=table, DestinationCidrBlock="0.0.0.0/0", GatewayId=gid)
    assert len(plane.routes(table)) == 3
