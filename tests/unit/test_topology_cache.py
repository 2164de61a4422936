"""The compiled topology belongs to the store's state: a reset or another store never traces an older network."""

from __future__ import annotations

from typing import Any

from vpcsim.control import Control
from vpcsim.model import IdFactory
from vpcsim.store import MemoryBackend, Store

ACCOUNT = "111122223333"


def _ec2(control: Control, operation: str, **params: Any) -> Any:
    return control.handle("ec2", operation, params, account=ACCOUNT, region="eu-west-2", request_id="t")


def _network(control: Control, *, public: bool) -> None:
    """The same number of write calls either way, so the old revision numbering would have matched: a VPC whose
    subnet's main table routes 0.0.0.0/0 to an internet gateway (public) or a route in a table nobody uses."""
    vpc = _ec2(control, "CreateVpc", CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    _ec2(control, "CreateSubnet", VpcId=vpc, CidrBlock="10.0.1.0/24", AvailabilityZone="eu-west-2a")
    igw = _ec2(control, "CreateInternetGateway")["InternetGateway"]["InternetGatewayId"]
    _ec2(control, "AttachInternetGateway", InternetGatewayId=igw, VpcId=vpc)
    tables = _ec2(control, "DescribeRouteTables", Filters=[{"Name": "vpc-id", "Values": [vpc]}])["RouteTables"]
    table = (
        tables[0]["RouteTableId"]
        if public
        else _ec2(control, "CreateRouteTable", VpcId=vpc)["RouteTable"]["RouteTableId"]
    )
    if public:
        _ec2(control, "CreateTags", Resources=[table], Tags=[{"Key": "n", "Value": "1"}])  # keeps the count equal
    _ec2(control, "CreateRoute", RouteTableId=table, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)


def test_a_trace_after_reset_is_about_the_new_network() -> None:
    control = Control(Store(MemoryBackend()), IdFactory(3))
    _network(control, public=True)
    before = control.store.revision
    assert control.trace("10.0.1.10", "8.8.8.8", port=443).hops[-1].component.kind == "internet-gateway"
    control.store.reset()
    assert control.store.revision > before
    _network(control, public=False)
    after = control.trace("10.0.1.10", "8.8.8.8", port=443)
    assert after.verdict == "no-route"
    assert [e.code for e in after.explanations] == ["NO_ROUTE_TO_DESTINATION"]


def test_two_stores_in_one_process_never_share_a_topology() -> None:
    first, second = Control(Store(MemoryBackend()), IdFactory(3)), Control(Store(MemoryBackend()), IdFactory(3))
    _network(first, public=True)
    _network(second, public=False)
    assert first.store.revision == second.store.revision
    assert first.trace("10.0.1.10", "8.8.8.8", port=443).verdict == "blocked"  # reaches the IGW, no public IP
    assert second.trace("10.0.1.10", "8.8.8.8", port=443).verdict == "no-route"
