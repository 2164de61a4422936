"""Service Quotas through boto3 and the AWS CLI: the quotas vpcsim enforces, raised like a real account's, and the
server-wide defaults of ``vpcsim serve --quota``."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.conftest import Cli, error_code
from vpcsim.testing import Server, free_port

EIPS, ROUTES, SG_PER_ENI, RULES_PER_SG = "L-0263D0A3", "L-93826ACB", "L-2AFB9258", "L-0EA8095F"


@pytest.fixture
def quotas(vpcsim: Server, account: str) -> Any:
    return vpcsim.client("service-quotas", "eu-west-2", account)


def _value(client: Any, service: str, code: str) -> float:
    return float(client.get_service_quota(ServiceCode=service, QuotaCode=code)["Quota"]["Value"])


def _fails(call: Any, **kwargs: Any) -> tuple[str, str]:
    with pytest.raises(ClientError) as excinfo:
        call(**kwargs)
    return error_code(excinfo), str(excinfo.value.response["Error"]["Message"])


def test_services_and_their_quotas(quotas: Any, account: str) -> None:
    services = quotas.list_services()["Services"]
    assert [s["ServiceCode"] for s in services] == ["ec2", "elasticloadbalancing", "vpc"]
    listed = quotas.list_service_quotas(ServiceCode="vpc")["Quotas"]
    vpcs = next(q for q in listed if q["QuotaCode"] == "L-F678F1CE")
    assert vpcs == {
        "ServiceCode": "vpc",
        "ServiceName": "Amazon Virtual Private Cloud (Amazon VPC)",
        "QuotaArn": f"arn:aws:servicequotas:eu-west-2:{account}:vpc/L-F678F1CE",
        "QuotaCode": "L-F678F1CE",
        "QuotaName": "VPCs per Region",
        "Value": 5.0,
        "Unit": "None",
        "Adjustable": True,
        "GlobalQuota": False,
        "QuotaAppliedAtLevel": "ACCOUNT",
    }
    paged = [
        q
        for p in quotas.get_paginator("list_service_quotas").paginate(
            ServiceCode="vpc", PaginationConfig={"PageSize": 4}
        )
        for q in p["Quotas"]
    ]
    assert paged == listed and len(listed) > 4
    default = quotas.get_aws_default_service_quota(ServiceCode="ec2", QuotaCode=EIPS)["Quota"]
    assert (default["Value"], default["QuotaArn"]) == (5.0, f"arn:aws:servicequotas:eu-west-2::ec2/{EIPS}")
    nlb = quotas.list_aws_default_service_quotas(ServiceCode="elasticloadbalancing")["Quotas"]
    assert {"L-69A177A2": 50.0, "L-57A373D6": 50.0}.items() <= {q["QuotaCode"]: q["Value"] for q in nlb}.items()
    assert quotas.list_service_quotas(ServiceCode="vpc", QuotaCode=ROUTES)["Quotas"][0]["Value"] == 50.0
    assert quotas.list_service_quotas(ServiceCode="vpc", QuotaAppliedAtLevel="RESOURCE")["Quotas"] == []


@pytest.mark.parametrize(
    ("call", "kwargs", "code"),
    [
        ("get_service_quota", {"ServiceCode": "lambda", "QuotaCode": "L-B99A9384"}, "NoSuchResourceException"),
        ("get_service_quota", {"ServiceCode": "vpc", "QuotaCode": EIPS}, "NoSuchResourceException"),  # an ec2 quota
        ("get_service_quota", {"ServiceCode": "ec2", "QuotaCode": EIPS, "ContextId": "x"}, "NoSuchResourceException"),
        ("list_service_quotas", {"ServiceCode": "nope"}, "NoSuchResourceException"),
        ("list_service_quotas", {"ServiceCode": "vpc", "NextToken": "AAAA"}, "InvalidPaginationTokenException"),
        ("get_requested_service_quota_change", {"RequestId": "0123456789abcdef"}, "NoSuchResourceException"),
    ],
)
def test_refusals(quotas: Any, call: str, kwargs: dict[str, Any], code: str) -> None:
    assert _fails(getattr(quotas, call), **kwargs)[0] == code


def test_raising_a_quota_lets_the_family_do_what_it_refused(vpcsim: Server, account: str, quotas: Any) -> None:
    ec2 = vpcsim.client("ec2", "eu-west-2", account)
    for _ in range(5):
        ec2.allocate_address(Domain="vpc")
    assert _fails(ec2.allocate_address, Domain="vpc")[0] == "AddressLimitExceeded"
    asked = quotas.request_service_quota_increase(ServiceCode="ec2", QuotaCode=EIPS, DesiredValue=6)["RequestedQuota"]
    assert (asked["Status"], asked["DesiredValue"], asked["QuotaName"]) == ("APPROVED", 6.0, "EC2-VPC Elastic IPs")
    assert asked["Requester"] == f'{{"accountId":"{account}","callerArn":"arn:aws:iam::{account}:root"}}'
    assert _value(quotas, "ec2", EIPS) == 6.0
    ec2.allocate_address(Domain="vpc")
    assert _fails(ec2.allocate_address, Domain="vpc")[0] == "AddressLimitExceeded"
    # The increase is the account's, in that Region only; AWS's default does not move.
    assert quotas.get_aws_default_service_quota(ServiceCode="ec2", QuotaCode=EIPS)["Quota"]["Value"] == 5.0
    assert _value(vpcsim.client("service-quotas", "us-east-1", account), "ec2", EIPS) == 5.0
    assert _value(vpcsim.client("service-quotas", "eu-west-2", "210987654321"), "ec2", EIPS) == 5.0


def test_security_groups_per_interface_raised(vpcsim: Server, account: str, quotas: Any) -> None:
    ec2 = vpcsim.client("ec2", "eu-west-2", account)
    vpc = ec2.create_vpc(CidrBlock="10.8.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.8.1.0/24")["Subnet"]["SubnetId"]
    groups = [ec2.create_security_group(GroupName=f"g{n}", Description="g", VpcId=vpc)["GroupId"] for n in range(6)]
    refused = _fails(ec2.create_network_interface, SubnetId=subnet, Groups=groups)
    assert refused == (
        "SecurityGroupsPerInterfaceLimitExceeded",
        "The maximum number of security groups per interface (5) has been reached.",
    )
    quotas.request_service_quota_increase(ServiceCode="vpc", QuotaCode=SG_PER_ENI, DesiredValue=6)
    eni = ec2.create_network_interface(SubnetId=subnet, Groups=groups)["NetworkInterface"]
    assert len(eni["Groups"]) == 6


def test_increase_refusals_and_denials(quotas: Any) -> None:
    assert _fails(quotas.request_service_quota_increase, ServiceCode="ec2", QuotaCode=EIPS, DesiredValue=5) == (
        "IllegalArgumentException",
        "You must provide a quota value greater than the current quota value",
    )
    code, message = _fails(
        quotas.request_service_quota_increase,
        ServiceCode="elasticloadbalancing",
        QuotaCode="L-57A373D6",
        DesiredValue=60,
    )
    assert (code, "not adjustable" in message) == ("IllegalArgumentException", True)
    # Above the documented maximum (16) and over the 1,000 product of groups per interface and rules per group:
    # recorded as DENIED, the quota unchanged.
    over = quotas.request_service_quota_increase(ServiceCode="vpc", QuotaCode=SG_PER_ENI, DesiredValue=17)
    product = quotas.request_service_quota_increase(ServiceCode="vpc", QuotaCode=RULES_PER_SG, DesiredValue=201)
    assert [over["RequestedQuota"]["Status"], product["RequestedQuota"]["Status"]] == ["DENIED", "DENIED"]
    assert (_value(quotas, "vpc", SG_PER_ENI), _value(quotas, "vpc", RULES_PER_SG)) == (5.0, 60.0)
    granted = quotas.request_service_quota_increase(ServiceCode="vpc", QuotaCode=RULES_PER_SG, DesiredValue=200)
    assert granted["RequestedQuota"]["Status"] == "APPROVED"


def test_request_history(vpcsim: Server, quotas: Any) -> None:
    first = quotas.request_service_quota_increase(ServiceCode="vpc", QuotaCode=ROUTES, DesiredValue=100)
    second = quotas.request_service_quota_increase(ServiceCode="ec2", QuotaCode=EIPS, DesiredValue=10)
    rid = first["RequestedQuota"]["Id"]
    assert first["RequestedQuota"]["Status"] == "APPROVED"  # the request's own answer, as AWS's
    # At the default time scale the case is closed for every later reader, and reading changes nothing.
    statuses = [quotas.get_requested_service_quota_change(RequestId=rid)["RequestedQuota"]["Status"] for _ in range(3)]
    assert statuses == ["CASE_CLOSED"] * 3
    history = quotas.list_requested_service_quota_change_history()["RequestedQuotas"]
    assert [r["Id"] for r in history] == [second["RequestedQuota"]["Id"], rid]  # newest first
    assert [
        r["Id"] for r in quotas.list_requested_service_quota_change_history(ServiceCode="vpc")["RequestedQuotas"]
    ] == [rid]
    closed = quotas.list_requested_service_quota_change_history(Status="CASE_CLOSED")["RequestedQuotas"]
    assert [r["Id"] for r in closed] == [second["RequestedQuota"]["Id"], rid]
    assert quotas.list_requested_service_quota_change_history(Status="APPROVED")["RequestedQuotas"] == []
    by_quota = quotas.list_requested_service_quota_change_history_by_quota(ServiceCode="ec2", QuotaCode=EIPS)
    assert [r["DesiredValue"] for r in by_quota["RequestedQuotas"]] == [10.0]
    stranger = vpcsim.client("service-quotas", "eu-west-2", "210987654321")
    assert _fails(stranger.get_requested_service_quota_change, RequestId=rid)[0] == "NoSuchResourceException"


def test_cli_reads_and_raises(aws: Cli) -> None:
    got = aws("service-quotas", "get-service-quota", "--service-code", "vpc", "--quota-code", ROUTES)
    assert got["Quota"]["Value"] == 50.0
    aws(
        "service-quotas",
        "request-service-quota-increase",
        "--service-code",
        "vpc",
        "--quota-code",
        ROUTES,
        "--desired-value",
        "60",
    )
    assert (
        aws("service-quotas", "get-service-quota", "--service-code", "vpc", "--quota-code", ROUTES)["Quota"]["Value"]
        == 60.0
    )


@pytest.fixture(scope="module")
def raised() -> Iterator[Server]:
    server = Server(free_port(), ["--ephemeral", "--quota", f"{EIPS}=7", "--quota", f"{ROUTES}=52"]).start()
    try:
        yield server
    finally:
        server.stop()


def test_quota_option_sets_every_accounts_default(raised: Server, account: str) -> None:
    quotas = raised.client("service-quotas", "us-east-1", account)
    assert (_value(quotas, "ec2", EIPS), _value(quotas, "vpc", ROUTES)) == (7.0, 52.0)
    assert quotas.get_aws_default_service_quota(ServiceCode="ec2", QuotaCode=EIPS)["Quota"]["Value"] == 5.0
    ec2 = raised.client("ec2", "us-east-1", account)
    for _ in range(7):
        ec2.allocate_address(Domain="vpc")
    assert _fails(ec2.allocate_address, Domain="vpc")[0] == "AddressLimitExceeded"
    assert _fails(quotas.request_service_quota_increase, ServiceCode="ec2", QuotaCode=EIPS, DesiredValue=7)[0] == (
        "IllegalArgumentException"
    )
    quotas.request_service_quota_increase(ServiceCode="ec2", QuotaCode=EIPS, DesiredValue=8)
    ec2.allocate_address(Domain="vpc")
    vpc = ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
    table = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    gateway = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=gateway, VpcId=vpc)
    for n in range(51):  # the local route is the 52nd
        ec2.create_route(RouteTableId=table, DestinationCidrBlock=f"192.168.{n}.0/24", GatewayId=gateway)
    code, message = _fails(
        ec2.create_route, RouteTableId=table, DestinationCidrBlock="192.168.99.0/24", GatewayId=gateway
    )
    assert (code, "(52 ipv4)" in message.lower()) == ("RouteLimitExceeded", True)


@pytest.mark.parametrize(
    ("given", "problem"),
    [("L-F678F1CE", "expected CODE=N"), ("L-00000000=3", "unknown quota code"), ("L-F678F1CE=-1", ">= 0")],
)
def test_quota_option_refusals(given: str, problem: str) -> None:
    server = Server(free_port(), ["--ephemeral", "--quota", given])
    with pytest.raises(RuntimeError) as excinfo:
        server.start()
    assert problem in str(excinfo.value)
