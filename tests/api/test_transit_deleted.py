"""Deleted transit gateways, route tables, attachments and VPN resources as AWS shows them: ``deleting``, then
``deleted`` to a describe by id and in unfiltered lists for a while (what Terraform's delete waiters wait for), used
by nothing (AWS's errors for a deleted target), counted by nothing (quotas, duplicates, what blocks a delete), and
gone once their time is over (in process, with the clock moved on)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.api.test_transit import Side
from tests.conftest import error_code
from vpcsim.control import Control
from vpcsim.control.core import lifecycle
from vpcsim.errors import ApiError
from vpcsim.model import IdFactory
from vpcsim.store import MemoryBackend, Store
from vpcsim.testing import Server


def _fails(call: Any, **params: Any) -> str:
    with pytest.raises(ClientError) as excinfo:
        call(**params)
    return error_code(excinfo)


def _vpc_attachment_state(ec2: Any, aid: str) -> str:
    found = ec2.describe_transit_gateway_vpc_attachments(TransitGatewayAttachmentIds=[aid])
    (attachment,) = found["TransitGatewayVpcAttachments"]
    return str(attachment["State"])


def _wait_deleted(ec2: Any, aid: str) -> list[str]:
    """Terraform's waitTransitGatewayVPCAttachmentDeleted, by count not time: poll DescribeTransitGatewayVpcAttachments
    by id while the state is pending (available, deleting), until ``deleted``; a NotFound would fail it."""
    seen = []
    for _ in range(20):
        seen.append(_vpc_attachment_state(ec2, aid))
        if seen[-1] not in ("available", "deleting"):
            break
    return seen


def test_a_deleted_vpc_attachment_is_shown_deleted_and_used_by_nothing(vpcsim: Server, account: str) -> None:
    side = Side(vpcsim, account, "eu-west-1", "10.1.0.0/16")
    ec2 = side.ec2
    answer = ec2.delete_transit_gateway_vpc_attachment(TransitGatewayAttachmentId=side.attachment)
    assert answer["TransitGatewayVpcAttachment"]["State"] == "deleting"
    assert _wait_deleted(ec2, side.attachment)[-1] == "deleted"
    listed = ec2.describe_transit_gateway_attachments()["TransitGatewayAttachments"]
    assert [(a["TransitGatewayAttachmentId"], a["State"]) for a in listed] == [(side.attachment, "deleted")]
    for state, expected in (("deleted", [side.attachment]), ("available", [])):
        flt = [{"Name": "state", "Values": [state]}]
        found = ec2.describe_transit_gateway_vpc_attachments(Filters=flt)["TransitGatewayVpcAttachments"]
        assert [a["TransitGatewayAttachmentId"] for a in found] == expected, state
    gone = "InvalidTransitGatewayAttachmentID.NotFound"
    assert _fails(ec2.delete_transit_gateway_vpc_attachment, TransitGatewayAttachmentId=side.attachment) == gone
    assert (
        _fails(
            ec2.associate_transit_gateway_route_table,
            TransitGatewayRouteTableId=side.default_rtb,
            TransitGatewayAttachmentId=side.attachment,
        )
        == gone
    )
    assert (
        _fails(
            ec2.create_transit_gateway_route,
            TransitGatewayRouteTableId=side.default_rtb,
            DestinationCidrBlock="10.9.0.0/16",
            TransitGatewayAttachmentId=side.attachment,
        )
        == gone
    )
    # Nothing counts it: the same VPC attaches again at once, and its subnet and VPC can be deleted.
    again = ec2.create_transit_gateway_vpc_attachment(
        TransitGatewayId=side.tgw, VpcId=side.vpc, SubnetIds=[side.subnet["SubnetId"]]
    )["TransitGatewayVpcAttachment"]["TransitGatewayAttachmentId"]
    ec2.delete_transit_gateway_vpc_attachment(TransitGatewayAttachmentId=again)
    ec2.delete_subnet(SubnetId=side.subnet["SubnetId"])
    ec2.delete_vpc(VpcId=side.vpc)
    states = {
        a["TransitGatewayAttachmentId"]: a["State"]
        for a in ec2.describe_transit_gateway_attachments()["TransitGatewayAttachments"]
    }
    assert states == {side.attachment: "deleted", again: "deleted"}


def test_a_deleted_gateway_and_route_table_are_shown_deleted_and_used_by_nothing(ec2: Any) -> None:
    created = ec2.create_transit_gateway(
        TagSpecifications=[{"ResourceType": "transit-gateway", "Tags": [{"Key": "Name", "Value": "hub"}]}]
    )["TransitGateway"]
    tgw, default = created["TransitGatewayId"], created["Options"]["AssociationDefaultRouteTableId"]
    extra = ec2.create_transit_gateway_route_table(TransitGatewayId=tgw)["TransitGatewayRouteTable"]
    rtb = extra["TransitGatewayRouteTableId"]
    assert (
        ec2.delete_transit_gateway_route_table(TransitGatewayRouteTableId=rtb)["TransitGatewayRouteTable"]["State"]
        == "deleting"
    )
    by_gateway = ec2.describe_transit_gateway_route_tables(Filters=[{"Name": "transit-gateway-id", "Values": [tgw]}])[
        "TransitGatewayRouteTables"
    ]
    assert {t["TransitGatewayRouteTableId"]: t["State"] for t in by_gateway} == {default: "available", rtb: "deleted"}
    assert _fails(ec2.delete_transit_gateway_route_table, TransitGatewayRouteTableId=rtb) == (
        "InvalidRouteTableID.NotFound"
    )
    assert (
        _fails(
            ec2.search_transit_gateway_routes,
            TransitGatewayRouteTableId=rtb,
            Filters=[{"Name": "state", "Values": ["active"]}],
        )
        == "InvalidRouteTableID.NotFound"
    )
    ec2.delete_transit_gateway(TransitGatewayId=tgw)
    (shown,) = ec2.describe_transit_gateways(TransitGatewayIds=[tgw])["TransitGateways"]
    assert shown["State"] == "deleted" and shown["Tags"] == [{"Key": "Name", "Value": "hub"}]
    assert ec2.describe_transit_gateways()["TransitGateways"] == [shown]
    assert _fails(ec2.delete_transit_gateway, TransitGatewayId=tgw) == "InvalidTransitGatewayID.NotFound"
    vpc = ec2.create_vpc(CidrBlock="10.4.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.4.1.0/24")["Subnet"]["SubnetId"]
    assert (
        _fails(ec2.create_transit_gateway_vpc_attachment, TransitGatewayId=tgw, VpcId=vpc, SubnetIds=[subnet])
        == "InvalidTransitGatewayID.NotFound"
    )
    table = ec2.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["RouteTables"][0]
    assert (
        _fails(
            ec2.create_route, RouteTableId=table["RouteTableId"], DestinationCidrBlock="0.0.0.0/0", TransitGatewayId=tgw
        )
        == "InvalidTransitGatewayID.NotFound"
    )


def test_a_deleted_vpn_attachment_and_gateways_are_shown_deleted(ec2: Any) -> None:
    tgw = ec2.create_transit_gateway()["TransitGateway"]["TransitGatewayId"]
    cgw = ec2.create_customer_gateway(Type="ipsec.1", IpAddress="203.0.113.20", BgpAsn=65020)["CustomerGateway"]
    vpn = ec2.create_vpn_connection(Type="ipsec.1", CustomerGatewayId=cgw["CustomerGatewayId"], TransitGatewayId=tgw)
    vid = vpn["VpnConnection"]["VpnConnectionId"]
    ec2.delete_vpn_connection(VpnConnectionId=vid)
    ec2.delete_customer_gateway(CustomerGatewayId=cgw["CustomerGatewayId"])
    ec2.delete_transit_gateway(TransitGatewayId=tgw)  # the VPN's deleted attachment does not block it
    assert [c["State"] for c in ec2.describe_vpn_connections()["VpnConnections"]] == ["deleted"]
    assert [g["State"] for g in ec2.describe_customer_gateways()["CustomerGateways"]] == ["deleted"]
    (attachment,) = ec2.describe_transit_gateway_attachments(Filters=[{"Name": "resource-id", "Values": [vid]}])[
        "TransitGatewayAttachments"
    ]
    assert (attachment["ResourceType"], attachment["State"]) == ("vpn", "deleted")
    # An identical customer gateway is a new one: the deleted one is never answered again.
    twin = ec2.create_customer_gateway(Type="ipsec.1", IpAddress="203.0.113.20", BgpAsn=65020)["CustomerGateway"]
    assert twin["CustomerGatewayId"] != cgw["CustomerGatewayId"] and twin["State"] == "available"


def test_a_deleting_attachment_is_deleting_to_every_reader_and_blocks_nothing(slow: Server) -> None:
    side = Side(slow, "111122223333", "eu-west-1", "10.1.0.0/16")
    side.ec2.delete_transit_gateway_vpc_attachment(TransitGatewayAttachmentId=side.attachment)
    assert {_vpc_attachment_state(side.ec2, side.attachment) for _ in range(3)} == {"deleting"}
    attachments = side.ec2.describe_transit_gateway_attachments()["TransitGatewayAttachments"]
    assert [a["State"] for a in attachments] == ["deleting"]
    side.ec2.delete_transit_gateway(TransitGatewayId=side.tgw)
    assert side.ec2.describe_transit_gateways(TransitGatewayIds=[side.tgw])["TransitGateways"][0]["State"] == (
        "deleting"
    )


# -- gone once their time is over (in process, with the clock moved on) --------------------------------------------
class Clock:
    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.at = datetime.now(UTC)
        clock = self

        class Moved(datetime):
            @classmethod
            def now(cls, tz: Any = None) -> Any:
                return clock.at

        monkeypatch.setattr("vpcsim.control.core.call.datetime", Moved)


def test_deleted_records_vanish_after_their_time_and_are_forgotten(monkeypatch: pytest.MonkeyPatch) -> None:
    clock, store = Clock(monkeypatch), Store(MemoryBackend())
    control, requests = Control(store, IdFactory(5)), iter(range(100))

    def call(operation: str, **params: Any) -> dict[str, Any]:
        rid = f"r{next(requests)}"  # a transition is never over within the call that began it
        return control.handle("ec2", operation, params, account="111122223333", region="eu-west-1", request_id=rid)

    first = call("CreateTransitGateway")["TransitGateway"]["TransitGatewayId"]
    call("DeleteTransitGateway", TransitGatewayId=first)
    clock.at += timedelta(seconds=lifecycle.DELETED_SHOWN_AT_LEAST - 1)
    assert [g["State"] for g in call("DescribeTransitGateways")["TransitGateways"]] == ["deleted"]
    clock.at += timedelta(seconds=2)
    assert call("DescribeTransitGateways")["TransitGateways"] == []
    with pytest.raises(ApiError) as excinfo:
        call("DescribeTransitGateways", TransitGatewayIds=[first])
    assert excinfo.value.code == "InvalidTransitGatewayID.NotFound"
    with store.snapshot() as tx:  # reading wrote nothing: the record is still stored, only no longer shown
        assert [r.id for r in tx.scan(lifecycle.grave("transit-gateway"))] == [first]
    second = call("CreateTransitGateway")["TransitGateway"]["TransitGatewayId"]
    call("DeleteTransitGateway", TransitGatewayId=second)  # the next retirement forgets those whose time is over
    with store.snapshot() as tx:
        assert [r.id for r in tx.scan(lifecycle.grave("transit-gateway"))] == [second]
