"""ELBv2 capacity reservations and listener attributes, as Terraform's aws_lb and aws_lb_listener read them on every
refresh, through real boto3 and the AWS CLI against a live server. Every refusal is checked for its exact code and for
leaving the state as it was."""

from __future__ import annotations

from typing import Any

from tests.api.test_elbv2 import _error, _listener, _nlb, _tg, elbv2, net
from tests.conftest import Cli
from vpcsim.testing import Server

__all__ = ["elbv2", "net"]  # fixtures used here


def _gwlb(elbv2: Any, net: dict[str, Any]) -> str:
    lb = elbv2.create_load_balancer(Name="gw", Type="gateway", Subnets=net["subnets"][:1])["LoadBalancers"][0]
    return str(lb["LoadBalancerArn"])


def _geneve(elbv2: Any, net: dict[str, Any], lb: str) -> str:
    group = elbv2.create_target_group(Name="geneve", Protocol="GENEVE", Port=6081, VpcId=net["vpc"])
    arn = group["TargetGroups"][0]["TargetGroupArn"]
    action = [{"Type": "forward", "TargetGroupArn": arn}]
    return str(elbv2.create_listener(LoadBalancerArn=lb, DefaultActions=action)["Listeners"][0]["ListenerArn"])


# -- capacity reservations ------------------------------------------------------------------------------------------
def test_a_new_load_balancer_has_no_reservation(elbv2: Any, net: dict[str, Any]) -> None:
    lb = _nlb(elbv2, net)
    shown = elbv2.describe_capacity_reservation(LoadBalancerArn=lb["LoadBalancerArn"])
    assert "MinimumLoadBalancerCapacity" not in shown and "LastModifiedTime" not in shown
    assert shown["DecreaseRequestsRemaining"] == 2
    assert shown["CapacityReservationState"] == [
        {"State": {"Code": "provisioned"}, "AvailabilityZone": zone, "EffectiveCapacityUnits": 0.0}
        for zone in ("us-east-1a", "us-east-1b")
    ]


def test_reserve_spread_over_zones_then_decrease_twice_a_day(elbv2: Any, net: dict[str, Any]) -> None:
    arn = _nlb(elbv2, net)["LoadBalancerArn"]
    answer = elbv2.modify_capacity_reservation(LoadBalancerArn=arn, MinimumLoadBalancerCapacity={"CapacityUnits": 3000})
    assert {z["State"]["Code"] for z in answer["CapacityReservationState"]} == {"pending"}  # the call's own answer
    shown = elbv2.describe_capacity_reservation(LoadBalancerArn=arn)
    assert shown["MinimumLoadBalancerCapacity"] == {"CapacityUnits": 3000} and "LastModifiedTime" in shown
    assert [(z["State"]["Code"], z["EffectiveCapacityUnits"]) for z in shown["CapacityReservationState"]] == [
        ("provisioned", 1500.0),
        ("provisioned", 1500.0),
    ]
    elbv2.modify_capacity_reservation(LoadBalancerArn=arn, MinimumLoadBalancerCapacity={"CapacityUnits": 2000})
    elbv2.modify_capacity_reservation(LoadBalancerArn=arn, ResetCapacityReservation=True)
    shown = elbv2.describe_capacity_reservation(LoadBalancerArn=arn)
    assert "MinimumLoadBalancerCapacity" not in shown and shown["DecreaseRequestsRemaining"] == 0
    elbv2.modify_capacity_reservation(LoadBalancerArn=arn, MinimumLoadBalancerCapacity={"CapacityUnits": 5000})
    code = _error(
        elbv2.modify_capacity_reservation, LoadBalancerArn=arn, MinimumLoadBalancerCapacity={"CapacityUnits": 100}
    )
    assert code == "CapacityDecreaseRequestLimitExceeded"
    assert elbv2.describe_capacity_reservation(LoadBalancerArn=arn)["MinimumLoadBalancerCapacity"] == {
        "CapacityUnits": 5000
    }


def test_capacity_refusals_change_nothing(elbv2: Any, net: dict[str, Any], account: str) -> None:
    lb = _nlb(elbv2, net)
    arn = lb["LoadBalancerArn"]
    modify = elbv2.modify_capacity_reservation
    assert _error(modify, LoadBalancerArn=arn) == "ValidationError"
    both = {"MinimumLoadBalancerCapacity": {"CapacityUnits": 10}, "ResetCapacityReservation": True}
    assert _error(modify, LoadBalancerArn=arn, **both) == "ValidationError"
    assert _error(modify, LoadBalancerArn=arn, MinimumLoadBalancerCapacity={"CapacityUnits": 0}) == "ValidationError"
    huge = {"CapacityUnits": 2 * 45_000 + 2}
    assert _error(modify, LoadBalancerArn=arn, MinimumLoadBalancerCapacity=huge) == "CapacityUnitsLimitExceeded"
    missing = arn.replace(arn[-16:], "0" * 16)
    assert _error(elbv2.describe_capacity_reservation, LoadBalancerArn=missing) == "LoadBalancerNotFound"
    assert _error(modify, LoadBalancerArn=missing, ResetCapacityReservation=True) == "LoadBalancerNotFound"
    gateway = _gwlb(elbv2, net)
    assert elbv2.describe_capacity_reservation(LoadBalancerArn=gateway)["CapacityReservationState"] == []
    assert _error(modify, LoadBalancerArn=gateway, ResetCapacityReservation=True) == "OperationNotPermitted"
    tg = _tg(elbv2, net, Protocol="TLS", Port=443)["TargetGroupArn"]
    action = [{"Type": "forward", "TargetGroupArn": tg}]
    certificate = [{"CertificateArn": f"arn:aws:acm:us-east-1:{account}:certificate/abc"}]
    tls_listener = {"Protocol": "TLS", "Port": 443, "Certificates": certificate, "DefaultActions": action}
    elbv2.create_listener(LoadBalancerArn=arn, **tls_listener)
    tls = {"CapacityUnits": 100}
    assert _error(modify, LoadBalancerArn=arn, MinimumLoadBalancerCapacity=tls) == "InvalidConfigurationRequest"
    assert "MinimumLoadBalancerCapacity" not in elbv2.describe_capacity_reservation(LoadBalancerArn=arn)


def test_a_pending_reservation_refuses_the_next_request(slow: Server, account: str) -> None:
    ec2, elbv2 = slow.client("ec2", "us-east-1", account), slow.client("elbv2", "us-east-1", account)
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24", AvailabilityZone="us-east-1a")["Subnet"]
    lb = elbv2.create_load_balancer(Name="slow", Type="network", Scheme="internal", Subnets=[subnet["SubnetId"]])
    arn = lb["LoadBalancers"][0]["LoadBalancerArn"]
    elbv2.modify_capacity_reservation(LoadBalancerArn=arn, MinimumLoadBalancerCapacity={"CapacityUnits": 1000})
    states = elbv2.describe_capacity_reservation(LoadBalancerArn=arn)["CapacityReservationState"]
    assert [z["State"]["Code"] for z in states] == ["pending"]
    again = {"CapacityUnits": 2000}
    code = _error(elbv2.modify_capacity_reservation, LoadBalancerArn=arn, MinimumLoadBalancerCapacity=again)
    assert code == "CapacityReservationPending"


# -- listener attributes --------------------------------------------------------------------------------------------
def test_tcp_listener_idle_timeout(elbv2: Any, net: dict[str, Any]) -> None:
    lb, tg = _nlb(elbv2, net)["LoadBalancerArn"], _tg(elbv2, net)["TargetGroupArn"]
    listener = _listener(elbv2, lb, tg)["ListenerArn"]
    described = elbv2.describe_listener_attributes(ListenerArn=listener)["Attributes"]
    assert described == [{"Key": "tcp.idle_timeout.seconds", "Value": "350"}]
    changed = elbv2.modify_listener_attributes(
        ListenerArn=listener, Attributes=[{"Key": "tcp.idle_timeout.seconds", "Value": "600"}]
    )
    assert changed["Attributes"] == [{"Key": "tcp.idle_timeout.seconds", "Value": "600"}]
    assert elbv2.describe_listener_attributes(ListenerArn=listener)["Attributes"][0]["Value"] == "600"
    for bad in ("59", "6001", "ten"):
        attribute = [{"Key": "tcp.idle_timeout.seconds", "Value": bad}]
        assert _error(elbv2.modify_listener_attributes, ListenerArn=listener, Attributes=attribute) == "ValidationError"
    unknown = [{"Key": "routing.http.response.server.enabled", "Value": "true"}]
    assert _error(elbv2.modify_listener_attributes, ListenerArn=listener, Attributes=unknown) == "ValidationError"
    assert elbv2.describe_listener_attributes(ListenerArn=listener)["Attributes"][0]["Value"] == "600"
    missing = listener[:-16] + "0" * 16
    assert _error(elbv2.describe_listener_attributes, ListenerArn=missing) == "ListenerNotFound"


def test_other_protocols_have_no_idle_timeout(elbv2: Any, net: dict[str, Any]) -> None:
    lb = _nlb(elbv2, net)["LoadBalancerArn"]
    udp = _tg(elbv2, net, name="udp", Protocol="UDP", Port=53)["TargetGroupArn"]
    listener = _listener(elbv2, lb, udp, port=53, protocol="UDP")["ListenerArn"]
    assert elbv2.describe_listener_attributes(ListenerArn=listener)["Attributes"] == []
    attribute = [{"Key": "tcp.idle_timeout.seconds", "Value": "400"}]
    assert _error(elbv2.modify_listener_attributes, ListenerArn=listener, Attributes=attribute) == "ValidationError"


def test_gateway_listener_attributes(elbv2: Any, net: dict[str, Any]) -> None:
    listener = _geneve(elbv2, net, _gwlb(elbv2, net))
    described = {a["Key"]: a["Value"] for a in elbv2.describe_listener_attributes(ListenerArn=listener)["Attributes"]}
    assert described == {"tcp.idle_timeout.seconds": "350", "send_tcp_reset.on_idle_timeout.enabled": "false"}
    reset = [{"Key": "send_tcp_reset.on_idle_timeout.enabled", "Value": "yes"}]
    assert _error(elbv2.modify_listener_attributes, ListenerArn=listener, Attributes=reset) == "ValidationError"
    reset = [{"Key": "send_tcp_reset.on_idle_timeout.enabled", "Value": "true"}]
    shown = elbv2.modify_listener_attributes(ListenerArn=listener, Attributes=reset)["Attributes"]
    assert {"Key": "send_tcp_reset.on_idle_timeout.enabled", "Value": "true"} in shown


def test_cli_capacity_and_listener_attributes(aws: Cli, elbv2: Any, net: dict[str, Any]) -> None:
    lb, tg = _nlb(elbv2, net)["LoadBalancerArn"], _tg(elbv2, net)["TargetGroupArn"]
    listener = _listener(elbv2, lb, tg)["ListenerArn"]
    aws("elbv2", "modify-capacity-reservation", "--load-balancer-arn", lb, "--minimum-load-balancer-capacity",
        "CapacityUnits=3000")  # fmt: skip
    shown = aws("elbv2", "describe-capacity-reservation", "--load-balancer-arn", lb)
    assert shown["MinimumLoadBalancerCapacity"] == {"CapacityUnits": 3000}
    aws("elbv2", "modify-listener-attributes", "--listener-arn", listener, "--attributes",
        "Key=tcp.idle_timeout.seconds,Value=500")  # fmt: skip
    described = aws("elbv2", "describe-listener-attributes", "--listener-arn", listener)
    assert described["Attributes"] == [{"Key": "tcp.idle_timeout.seconds", "Value": "500"}]
    assert aws.error("elbv2", "describe-listener-attributes", "--listener-arn", listener[:-16] + "0" * 16) == (
        "ListenerNotFound"
    )
