"""Lifecycles follow elapsed time, never who read what (issue 14 item 7): every reader sees the same state at the
same moment, and a trace answers the same with or without describe calls in between."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.test_dataplane import _instance, _nat, _net
from tests.api.test_trace_faces import _post
from vpcsim.testing import Server


def _trace(server: Server, source: str, destination: str = "8.8.8.8") -> dict[str, Any]:
    return _post(server, "/_vpcsim/api/trace", {"source": source, "destination": destination, "port": 443})[1]


def test_a_trace_is_the_same_with_or_without_reads_in_between(vpcsim: Server, account: str) -> None:
    ec2 = vpcsim.client("ec2", "eu-west-2", account)
    net = _net(ec2)
    allocation = ec2.allocate_address(Domain="vpc")["AllocationId"]
    nat = ec2.create_nat_gateway(SubnetId=net.public, AllocationId=allocation)["NatGateway"]["NatGatewayId"]
    ec2.create_route(RouteTableId=net.private_table, DestinationCidrBlock="0.0.0.0/0", NatGatewayId=nat)
    instance = _instance(ec2, net.private)
    unread = _trace(vpcsim, instance)
    ec2.describe_nat_gateways(NatGatewayIds=[nat])
    ec2.describe_nat_gateways(NatGatewayIds=[nat])
    read = _trace(vpcsim, instance)
    assert unread["verdict"] == read["verdict"] == "reachable"
    assert [h["component"]["id"] for h in unread["hops"]] == [h["component"]["id"] for h in read["hops"]]


def test_a_pending_nat_gateway_is_pending_to_every_reader(slow: Server) -> None:
    ec2 = slow.client("ec2", "eu-west-2", "111122223333")
    net = _net(ec2)
    nat = _nat(net)  # creates the gateway and routes the private table to it
    instance = _instance(ec2, net.private)
    states = {ec2.describe_nat_gateways(NatGatewayIds=[nat])["NatGateways"][0]["State"] for _ in range(3)}
    assert states == {"pending"}
    trace = _trace(slow, instance)
    assert trace["verdict"] == "blocked"
    assert [e["code"] for e in trace["explanations"]] == ["BAD_STATE"] and trace["explanations"][0]["component"][
        "id"
    ] == nat
    ec2.delete_nat_gateway(NatGatewayId=nat)
    assert ec2.describe_nat_gateways(NatGatewayIds=[nat])["NatGateways"][0]["State"] == "deleting"


def test_target_health_follows_the_clock_for_every_reader(slow: Server) -> None:
    """Registered: ``initial`` to DescribeTargetHealth and no healthy target to the trace, however often either reads;
    deregistered: ``draining``."""
    ec2, elbv2 = slow.client("ec2", "eu-west-2", "111122223333"), slow.client("elbv2", "eu-west-2", "111122223333")
    vpc = ec2.create_vpc(CidrBlock="10.5.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.5.1.0/24", AvailabilityZone="eu-west-2a")["Subnet"]["SubnetId"]
    instance = _instance(ec2, subnet)
    group = elbv2.create_target_group(Name="web", Protocol="TCP", Port=80, VpcId=vpc, TargetType="instance")
    tg = group["TargetGroups"][0]["TargetGroupArn"]
    lb = elbv2.create_load_balancer(Name="web", Type="network", Scheme="internal", Subnets=[subnet])
    arn = lb["LoadBalancers"][0]["LoadBalancerArn"]
    action = [{"Type": "forward", "TargetGroupArn": tg}]
    elbv2.create_listener(LoadBalancerArn=arn, Protocol="TCP", Port=80, DefaultActions=action)
    elbv2.register_targets(TargetGroupArn=tg, Targets=[{"Id": instance}])
    for _ in range(3):
        health = elbv2.describe_target_health(TargetGroupArn=tg)["TargetHealthDescriptions"][0]["TargetHealth"]
        assert health["State"] == "initial" and health["Reason"] == "Elb.RegistrationInProgress"
    elbv2.deregister_targets(TargetGroupArn=tg, Targets=[{"Id": instance}])
    health = elbv2.describe_target_health(TargetGroupArn=tg)["TargetHealthDescriptions"][0]["TargetHealth"]
    assert health["State"] == "draining"


def test_a_provisioning_endpoint_and_load_balancer_take_no_traffic_yet(slow: Server) -> None:
    ec2 = slow.client("ec2", "eu-west-2", "222233334444")
    net = _net(ec2)
    ec2.modify_vpc_attribute(VpcId=net.vpc, EnableDnsHostnames={"Value": True})
    endpoint = ec2.create_vpc_endpoint(
        VpcId=net.vpc, ServiceName="com.amazonaws.eu-west-2.sqs", VpcEndpointType="Interface", SubnetIds=[net.private]
    )["VpcEndpoint"]
    assert endpoint["State"] == "pending"
    shown = ec2.describe_vpc_endpoints(VpcEndpointIds=[endpoint["VpcEndpointId"]])["VpcEndpoints"][0]
    assert shown["State"] == "pending"
    trace = _trace(slow, _instance(ec2, net.private), "sqs.eu-west-2.amazonaws.com")
    assert [e["code"] for e in trace["explanations"]] == ["BAD_STATE"]
    assert trace["explanations"][0]["component"]["id"] == endpoint["VpcEndpointId"]
    elbv2 = slow.client("elbv2", "eu-west-2", "222233334444")
    lb = elbv2.create_load_balancer(Name="lb", Type="network", Scheme="internal", Subnets=[net.private])
    arn = lb["LoadBalancers"][0]["LoadBalancerArn"]
    assert lb["LoadBalancers"][0]["State"]["Code"] == "provisioning"
    assert elbv2.describe_load_balancers(LoadBalancerArns=[arn])["LoadBalancers"][0]["State"]["Code"] == "provisioning"


def test_an_approved_quota_increase_and_a_new_table_stay_in_transition_for_every_reader(slow: Server) -> None:
    quotas = slow.client("service-quotas", "eu-west-2", "111122223333")
    asked = quotas.request_service_quota_increase(ServiceCode="vpc", QuotaCode="L-93826ACB", DesiredValue=100)
    rid = asked["RequestedQuota"]["Id"]
    seen = {quotas.get_requested_service_quota_change(RequestId=rid)["RequestedQuota"]["Status"] for _ in range(3)}
    assert seen == {"APPROVED"}
    assert quotas.list_requested_service_quota_change_history(Status="CASE_CLOSED")["RequestedQuotas"] == []
    dynamodb = slow.client("dynamodb", "eu-west-2", "111122223333")
    dynamodb.create_table(
        TableName="orders",
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        BillingMode="PAY_PER_REQUEST",
    )
    statuses = {dynamodb.describe_table(TableName="orders")["Table"]["TableStatus"] for _ in range(3)}
    assert statuses == {"CREATING"}
    with pytest.raises(dynamodb.exceptions.ResourceInUseException):
        dynamodb.update_table(
            TableName="orders",
            BillingMode="PROVISIONED",
            ProvisionedThroughput={"ReadCapacityUnits": 1, "WriteCapacityUnits": 1},
        )
