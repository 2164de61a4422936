"""VPC peering through real boto3 and the AWS CLI: the cross-account, cross-region scenario from both sides, every
state transition and refusal, routes over the connection, and expiry (in process, with the clock moved on)."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.conftest import Cli, error_code
from vpcsim.control import Control
from vpcsim.errors import ApiError
from vpcsim.model import IdFactory
from vpcsim.store import MemoryBackend, Store
from vpcsim.testing import Server

OPTIONS_OFF = {
    "AllowDnsResolutionFromRemoteVpc": False,
    "AllowEgressFromLocalClassicLinkToRemoteVpc": False,
    "AllowEgressFromLocalVpcToRemoteClassicLink": False,
}


def _other_account(account: str) -> str:
    while True:
        other = str(random.randrange(10**11, 10**12))
        if other != account:
            return other


def _fails(call: Any, **params: Any) -> str:
    with pytest.raises(ClientError) as excinfo:
        call(**params)
    return error_code(excinfo)


class Scenario:
    """Account A's VPC in eu-west-1 asking account B's VPC in eu-west-2."""

    def __init__(self, vpcsim: Server, account: str) -> None:
        self.a_id, self.b_id = account, _other_account(account)
        self.a = vpcsim.client("ec2", "eu-west-1", self.a_id)
        self.b = vpcsim.client("ec2", "eu-west-2", self.b_id)
        self.a_vpc = self.a.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
        self.b_vpc = self.b.create_vpc(CidrBlock="10.2.0.0/16")["Vpc"]["VpcId"]

    def request(self, **more: Any) -> dict[str, Any]:
        return self.a.create_vpc_peering_connection(  # type: ignore[no-any-return]
            VpcId=self.a_vpc, PeerVpcId=self.b_vpc, PeerOwnerId=self.b_id, PeerRegion="eu-west-2", **more
        )["VpcPeeringConnection"]


@pytest.fixture
def scenario(vpcsim: Server, account: str) -> Scenario:
    return Scenario(vpcsim, account)


def _describe(ec2: Any, pid: str) -> dict[str, Any]:
    return ec2.describe_vpc_peering_connections(VpcPeeringConnectionIds=[pid])["VpcPeeringConnections"][0]  # type: ignore[no-any-return]


def test_cross_account_cross_region_peering_from_both_sides(scenario: Scenario) -> None:
    s = scenario
    created = s.request(
        TagSpecifications=[{"ResourceType": "vpc-peering-connection", "Tags": [{"Key": "Name", "Value": "ab"}]}]
    )
    pid = created["VpcPeeringConnectionId"]
    assert created["Status"] == {"Code": "initiating-request", "Message": f"Initiating Request to {s.b_id}"}
    assert created["AccepterVpcInfo"] == {"OwnerId": s.b_id, "Region": "eu-west-2", "VpcId": s.b_vpc}
    assert created["Tags"] == [{"Key": "Name", "Value": "ab"}]
    for side in (s.a, s.b):
        pending = _describe(side, pid)
        assert pending["Status"] == {"Code": "pending-acceptance", "Message": f"Pending Acceptance by {s.b_id}"}
        # The recorded pending response: the accepter is only named, the requester described in full.
        assert set(pending["AccepterVpcInfo"]) == {"OwnerId", "Region", "VpcId"}
        assert pending["RequesterVpcInfo"] == {
            "CidrBlock": "10.1.0.0/16",
            "CidrBlockSet": [{"CidrBlock": "10.1.0.0/16"}],
            "OwnerId": s.a_id,
            "PeeringOptions": OPTIONS_OFF,
            "Region": "eu-west-1",
            "VpcId": s.a_vpc,
        }
        expires = pending["ExpirationTime"]
        assert timedelta(days=6, hours=23) < expires - datetime.now(UTC) <= timedelta(days=7)
    accepted = s.b.accept_vpc_peering_connection(VpcPeeringConnectionId=pid)["VpcPeeringConnection"]
    assert accepted["Status"] == {"Code": "provisioning", "Message": "Provisioning"}
    for side in (s.a, s.b):
        active = _describe(side, pid)
        assert active["Status"] == {"Code": "active", "Message": "Active"}
        assert "ExpirationTime" not in active
        assert active["AccepterVpcInfo"] == {
            "CidrBlock": "10.2.0.0/16",
            "CidrBlockSet": [{"CidrBlock": "10.2.0.0/16"}],
            "OwnerId": s.b_id,
            "PeeringOptions": OPTIONS_OFF,
            "Region": "eu-west-2",
            "VpcId": s.b_vpc,
        }
        assert active["RequesterVpcInfo"]["Region"] == "eu-west-1"


def _main_table(ec2: Any, vpc_id: str) -> str:
    tables = ec2.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["RouteTables"]
    return str(tables[0]["RouteTableId"])


def _peer_route(ec2: Any, table_id: str, cidr: str) -> dict[str, Any]:
    routes = ec2.describe_route_tables(RouteTableIds=[table_id])["RouteTables"][0]["Routes"]
    return next(r for r in routes if r.get("DestinationCidrBlock") == cidr)  # type: ignore[no-any-return]


def test_routes_on_both_sides_follow_the_connection(scenario: Scenario) -> None:
    s = scenario
    pid = s.request()["VpcPeeringConnectionId"]
    a_table, b_table = _main_table(s.a, s.a_vpc), _main_table(s.b, s.b_vpc)
    # A route may name a pending connection (route_targets' choice); it carries nothing until accepted.
    s.a.create_route(RouteTableId=a_table, DestinationCidrBlock="10.2.0.0/16", VpcPeeringConnectionId=pid)
    assert _peer_route(s.a, a_table, "10.2.0.0/16")["State"] == "blackhole"
    s.b.accept_vpc_peering_connection(VpcPeeringConnectionId=pid)
    s.b.create_route(RouteTableId=b_table, DestinationCidrBlock="10.1.0.0/16", VpcPeeringConnectionId=pid)
    assert _peer_route(s.a, a_table, "10.2.0.0/16")["State"] == "active"
    assert _peer_route(s.b, b_table, "10.1.0.0/16") == {
        "DestinationCidrBlock": "10.1.0.0/16",
        "VpcPeeringConnectionId": pid,
        "Origin": "CreateRoute",
        "State": "active",
    }
    # A table of a VPC the connection does not join cannot route over it.
    other_vpc = s.a.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
    assert (
        _fails(
            s.a.create_route,
            RouteTableId=_main_table(s.a, other_vpc),
            DestinationCidrBlock="10.2.0.0/16",
            VpcPeeringConnectionId=pid,
        )
        == "InvalidParameterValue"
    )
    s.b.delete_vpc_peering_connection(VpcPeeringConnectionId=pid)
    assert _peer_route(s.a, a_table, "10.2.0.0/16")["State"] == "blackhole"
    assert _peer_route(s.b, b_table, "10.1.0.0/16")["State"] == "blackhole"
    assert _describe(s.a, pid)["Status"] == {"Code": "deleted", "Message": f"Deleted by {s.b_id}"}


def test_only_the_accepter_accepts_or_rejects_and_only_in_its_region(vpcsim: Server, scenario: Scenario) -> None:
    s = scenario
    pid = s.request()["VpcPeeringConnectionId"]
    assert _fails(s.a.accept_vpc_peering_connection, VpcPeeringConnectionId=pid) == "OperationNotPermitted"
    assert _fails(s.a.reject_vpc_peering_connection, VpcPeeringConnectionId=pid) == "OperationNotPermitted"
    b_elsewhere = vpcsim.client("ec2", "eu-west-1", s.b_id)
    assert (
        _fails(b_elsewhere.accept_vpc_peering_connection, VpcPeeringConnectionId=pid)
        == "InvalidVpcPeeringConnectionID.NotFound"
    )
    stranger = vpcsim.client("ec2", "eu-west-2", _other_account(s.b_id))
    assert (
        _fails(stranger.describe_vpc_peering_connections, VpcPeeringConnectionIds=[pid])
        == "InvalidVpcPeeringConnectionID.NotFound"
    )
    assert stranger.describe_vpc_peering_connections()["VpcPeeringConnections"] == []
    # The accepter may not delete a request it has not accepted; the requester may.
    assert _fails(s.b.delete_vpc_peering_connection, VpcPeeringConnectionId=pid) == "OperationNotPermitted"
    assert s.b.reject_vpc_peering_connection(VpcPeeringConnectionId=pid)["Return"] is True
    assert _describe(s.a, pid)["Status"] == {"Code": "rejected", "Message": f"Rejected by {s.b_id}"}
    assert _fails(s.b.accept_vpc_peering_connection, VpcPeeringConnectionId=pid) == "InvalidStateTransition"
    assert _fails(s.a.delete_vpc_peering_connection, VpcPeeringConnectionId=pid) == "InvalidStateTransition"
    # A rejected request no longer blocks a new one between the same VPCs.
    assert s.request()["Status"]["Code"] == "initiating-request"


def test_one_live_connection_per_vpc_pair(scenario: Scenario) -> None:
    s = scenario
    pid = s.request()["VpcPeeringConnectionId"]
    assert (
        _fails(
            s.a.create_vpc_peering_connection,
            VpcId=s.a_vpc,
            PeerVpcId=s.b_vpc,
            PeerOwnerId=s.b_id,
            PeerRegion="eu-west-2",
        )
        == "VpcPeeringConnectionAlreadyExists"
    )
    s.a.delete_vpc_peering_connection(VpcPeeringConnectionId=pid)
    assert _describe(s.a, pid)["Status"]["Code"] == "deleted"
    assert _describe(s.b, pid)["Status"]["Code"] == "deleted"
    assert s.request()["VpcPeeringConnectionId"] != pid


def test_overlap_and_unknown_peer_fail_as_aws_does(ec2: Any, account: str, scenario: Scenario) -> None:
    first = ec2.create_vpc(CidrBlock="10.5.0.0/16")["Vpc"]["VpcId"]
    second = ec2.create_vpc(CidrBlock="10.5.128.0/17")["Vpc"]["VpcId"]
    created = ec2.create_vpc_peering_connection(VpcId=first, PeerVpcId=second)["VpcPeeringConnection"]
    assert created["Status"]["Code"] == "initiating-request"
    assert created["AccepterVpcInfo"] == {"OwnerId": account, "Region": "us-east-1", "VpcId": second}
    failed = _describe(ec2, created["VpcPeeringConnectionId"])
    assert failed["Status"] == {
        "Code": "failed",
        "Message": "Failed due to incorrect VPC-ID, Account ID, or overlapping CIDR range.",
    }
    assert (
        _fails(ec2.accept_vpc_peering_connection, VpcPeeringConnectionId=created["VpcPeeringConnectionId"])
        == "InvalidStateTransition"
    )
    assert (
        _fails(ec2.delete_vpc_peering_connection, VpcPeeringConnectionId=created["VpcPeeringConnectionId"])
        == "InvalidStateTransition"
    )
    # In the caller's own account and region EC2 can look: an unknown VPC is refused at once.
    assert (
        _fails(ec2.create_vpc_peering_connection, VpcId=first, PeerVpcId="vpc-0123456789abcdef0")
        == "InvalidVpcID.NotFound"
    )
    assert _fails(ec2.create_vpc_peering_connection, VpcId=first, PeerVpcId="vpc-nothex") == "InvalidVpcID.Malformed"
    # Elsewhere it cannot: the connection is created and fails.
    s = scenario
    ghost = s.a.create_vpc_peering_connection(
        VpcId=s.a_vpc, PeerVpcId="vpc-0123456789abcdef0", PeerOwnerId=s.b_id, PeerRegion="eu-west-2"
    )["VpcPeeringConnection"]
    assert _describe(s.a, ghost["VpcPeeringConnectionId"])["Status"]["Code"] == "failed"


def test_ids_are_checked(ec2: Any) -> None:
    assert (
        _fails(ec2.describe_vpc_peering_connections, VpcPeeringConnectionIds=["pcx-nothex"])
        == "InvalidVpcPeeringConnectionId.Malformed"
    )
    assert (
        _fails(ec2.accept_vpc_peering_connection, VpcPeeringConnectionId="pcx-0123456789abcdef0")
        == "InvalidVpcPeeringConnectionID.NotFound"
    )
    assert (
        _fails(ec2.describe_vpc_peering_connections, Filters=[{"Name": "nonsense", "Values": ["x"]}])
        == "InvalidParameterValue"
    )


def test_options_each_side_its_own(scenario: Scenario) -> None:
    s = scenario
    pid = s.request()["VpcPeeringConnectionId"]
    assert (
        _fails(
            s.a.modify_vpc_peering_connection_options,
            VpcPeeringConnectionId=pid,
            RequesterPeeringConnectionOptions={"AllowDnsResolutionFromRemoteVpc": True},
        )
        == "OperationNotPermitted"
    )
    s.b.accept_vpc_peering_connection(VpcPeeringConnectionId=pid)
    answer = s.a.modify_vpc_peering_connection_options(
        VpcPeeringConnectionId=pid, RequesterPeeringConnectionOptions={"AllowDnsResolutionFromRemoteVpc": True}
    )
    assert answer["RequesterPeeringConnectionOptions"] == {"AllowDnsResolutionFromRemoteVpc": True}
    assert "AccepterPeeringConnectionOptions" not in answer
    assert (
        _fails(
            s.a.modify_vpc_peering_connection_options,
            VpcPeeringConnectionId=pid,
            AccepterPeeringConnectionOptions={"AllowDnsResolutionFromRemoteVpc": True},
        )
        == "OperationNotPermitted"
    )
    assert (
        _fails(
            s.b.modify_vpc_peering_connection_options,
            VpcPeeringConnectionId=pid,
            RequesterPeeringConnectionOptions={"AllowDnsResolutionFromRemoteVpc": False},
        )
        == "OperationNotPermitted"
    )
    s.b.modify_vpc_peering_connection_options(
        VpcPeeringConnectionId=pid, AccepterPeeringConnectionOptions={"AllowDnsResolutionFromRemoteVpc": True}
    )
    shown = _describe(s.b, pid)
    assert shown["RequesterVpcInfo"]["PeeringOptions"]["AllowDnsResolutionFromRemoteVpc"] is True
    assert shown["AccepterVpcInfo"]["PeeringOptions"]["AllowDnsResolutionFromRemoteVpc"] is True


def test_describe_filters_pagination_and_tags(scenario: Scenario) -> None:
    s = scenario
    peers = [s.b.create_vpc(CidrBlock=f"10.{20 + i}.0.0/16")["Vpc"]["VpcId"] for i in range(6)]
    ids = [
        s.a.create_vpc_peering_connection(VpcId=s.a_vpc, PeerVpcId=p, PeerOwnerId=s.b_id, PeerRegion="eu-west-2")[
            "VpcPeeringConnection"
        ]["VpcPeeringConnectionId"]
        for p in peers
    ]
    s.b.accept_vpc_peering_connection(VpcPeeringConnectionId=ids[0])
    s.a.create_tags(Resources=[ids[1]], Tags=[{"Key": "team", "Value": "net"}])

    def listed(ec2: Any, *filters: tuple[str, str]) -> list[str]:
        found = ec2.describe_vpc_peering_connections(Filters=[{"Name": n, "Values": [v]} for n, v in filters])
        return [p["VpcPeeringConnectionId"] for p in found["VpcPeeringConnections"]]

    assert listed(s.b, ("status-code", "active")) == [ids[0]]
    assert listed(s.a, ("status-code", "pending-acceptance")) == ids[1:]
    assert listed(s.b, ("accepter-vpc-info.vpc-id", peers[2])) == [ids[2]]
    assert listed(s.a, ("accepter-vpc-info.cidr-block", "10.20.0.0/16")) == [ids[0]]  # known once accepted
    assert listed(s.b, ("requester-vpc-info.owner-id", s.a_id), ("accepter-vpc-info.owner-id", s.b_id)) == ids
    assert listed(s.a, ("requester-vpc-info.cidr-block", "10.1.0.0/16"), ("vpc-peering-connection-id", ids[3])) == [
        ids[3]
    ]
    assert listed(s.a, ("tag:team", "net")) == [ids[1]]
    assert listed(s.a, ("status-message", f"Pending Acceptance by {s.b_id}")) == ids[1:]
    assert len(listed(s.a, ("expiration-time", "*"))) == 5
    pages = s.b.get_paginator("describe_vpc_peering_connections").paginate(PaginationConfig={"PageSize": 5})
    sizes = [len(p["VpcPeeringConnections"]) for p in pages]
    assert sizes == [5, 1]


def test_waiters(scenario: Scenario) -> None:
    s = scenario
    pid = s.request()["VpcPeeringConnectionId"]
    s.b.get_waiter("vpc_peering_connection_exists").wait(
        VpcPeeringConnectionIds=[pid], WaiterConfig={"Delay": 1, "MaxAttempts": 2}
    )
    s.b.accept_vpc_peering_connection(VpcPeeringConnectionId=pid)
    s.a.delete_vpc_peering_connection(VpcPeeringConnectionId=pid)
    s.b.get_waiter("vpc_peering_connection_deleted").wait(
        VpcPeeringConnectionIds=[pid], WaiterConfig={"Delay": 1, "MaxAttempts": 2}
    )


def test_cli_flow(vpcsim: Server, account: str) -> None:
    other = _other_account(account)
    a, b = Cli(vpcsim, account, "eu-west-1"), Cli(vpcsim, other, "eu-west-2")
    a_vpc = a("ec2", "create-vpc", "--cidr-block", "10.30.0.0/16")["Vpc"]["VpcId"]
    b_vpc = b("ec2", "create-vpc", "--cidr-block", "10.31.0.0/16")["Vpc"]["VpcId"]
    created = a(
        "ec2",
        "create-vpc-peering-connection",
        "--vpc-id",
        a_vpc,
        "--peer-vpc-id",
        b_vpc,
        "--peer-owner-id",
        other,
        "--peer-region",
        "eu-west-2",
    )
    pid = created["VpcPeeringConnection"]["VpcPeeringConnectionId"]
    assert (
        a.error("ec2", "accept-vpc-peering-connection", "--vpc-peering-connection-id", pid) == "OperationNotPermitted"
    )
    accepted = b("ec2", "accept-vpc-peering-connection", "--vpc-peering-connection-id", pid)
    assert accepted["VpcPeeringConnection"]["Status"]["Code"] == "provisioning"
    shown = a("ec2", "describe-vpc-peering-connections", "--vpc-peering-connection-ids", pid)["VpcPeeringConnections"][
        0
    ]
    assert shown["Status"]["Code"] == "active" and shown["AccepterVpcInfo"]["CidrBlock"] == "10.31.0.0/16"


# -- expiry, with the clock moved on (in process) --------------------------------------------------------------------
def test_unaccepted_request_expires_after_seven_days(monkeypatch: pytest.MonkeyPatch) -> None:
    control = Control(Store(MemoryBackend()), IdFactory(3))

    def call(operation: str, **params: Any) -> dict[str, Any]:
        return control.handle("ec2", operation, params, account="111122223333", region="eu-west-1", request_id="r")

    first = call("CreateVpc", CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    second = call("CreateVpc", CidrBlock="10.2.0.0/16")["Vpc"]["VpcId"]
    pid = call("CreateVpcPeeringConnection", VpcId=first, PeerVpcId=second)["VpcPeeringConnection"][
        "VpcPeeringConnectionId"
    ]
    later = datetime.now(UTC) + timedelta(days=7, minutes=1)

    class Later(datetime):
        @classmethod
        def now(cls, tz: Any = None) -> Any:
            return later

    monkeypatch.setattr("vpcsim.control.core.call.datetime", Later)
    shown = call("DescribeVpcPeeringConnections", VpcPeeringConnectionIds=[pid])["VpcPeeringConnections"][0]
    assert shown["Status"] == {"Code": "expired", "Message": "Expired"}
    with pytest.raises(ApiError) as excinfo:
        call("AcceptVpcPeeringConnection", VpcPeeringConnectionId=pid)
    assert excinfo.value.code == "InvalidStateTransition"
    # An expired request no longer blocks a new one; after two days it is no longer shown.
    call("CreateVpcPeeringConnection", VpcId=first, PeerVpcId=second)
    later += timedelta(days=2, minutes=1)
    listed = call("DescribeVpcPeeringConnections")["VpcPeeringConnections"]
    assert pid not in [p["VpcPeeringConnectionId"] for p in listed] and len(listed) == 1
