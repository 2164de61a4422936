"""The flow-log engine in process: field catalogue and formats, record values, file names, and the observations of
paths the API tests do not build (PrivateLink through a load balancer, an ACL rejecting the answer, the demo)."""

from __future__ import annotations

import gzip
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vpcsim.app import Built, Options, build
from vpcsim.control.flowlogs.traffic import Traffic
from vpcsim.demo import BUCKET, DEMO_LOG_FORMAT, LONDON, NETWORK, load_demo
from vpcsim.flowlogs import fields, files, records


def test_the_field_catalogue() -> None:
    default = "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end"
    assert " ".join(fields.DEFAULT_FIELDS) == default + " action log-status"
    assert fields.format_version(fields.parse_format(DEMO_LOG_FORMAT)) == 5
    assert fields.format_version(("srcaddr", "reject-reason")) == 8
    assert fields.unknown_fields("${srcaddr} junk ${nope}") == ["nope", "junk"]
    assert fields.unknown_fields("${tgw-id} ${srcaddr}", transit=True) == []
    assert fields.unknown_fields("${interface-id}", transit=True) == ["interface-id"]
    assert len(fields.TGW_FIELDS) == 36 and fields.TGW_FIELDS[:2] == ("version", "resource-type")


@given(st.integers(min_value=1, max_value=10**9))
def test_packets_carry_the_bytes_in_mtu_sized_pieces(size: int) -> None:
    packets, total = records.split(size)
    assert total == size and (packets - 1) * records.PACKET_BYTES < size <= packets * records.PACKET_BYTES
    acks, ack_bytes = records.split(0, acknowledging=packets)
    assert ack_bytes == acks * records.ACK_BYTES and acks * 2 >= packets


def test_aws_services_by_address() -> None:
    assert records.aws_service("3.5.244.10") == "S3"  # also published under EC2 and AMAZON
    assert records.aws_service("52.94.0.5") == "DYNAMODB"
    assert records.aws_service("192.168.1.1") == "-" and records.aws_service("not-an-ip") == "-"


def test_s3_object_names_and_windows() -> None:
    dest = files.Destination("s3", "bucket/prefix", "123456789012", "us-east-1", "fl-1234abcd")
    moment = datetime(2018, 6, 20, 16, 24, 59)
    assert files.window(moment) == datetime(2018, 6, 20, 16, 20)
    name = files.s3_name(dest, moment, b"body")
    assert name.startswith("123456789012_vpcflowlogs_us-east-1_fl-1234abcd_20180620T1620Z_") and name.endswith(
        ".log.gz"
    )
    assert files.s3_folder(dest, moment) == "AWSLogs/123456789012/vpcflowlogs/us-east-1/2018/06/20"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Built, dict[str, str], Path]:
    root = tmp_path_factory.mktemp("flow-logs")
    built = build(Options(ephemeral=True, flow_logs_dir=root))
    world = load_demo(built.control)
    assert world is not None
    return built, world.ids, root


def test_the_demo_writes_records_when_it_loads(demo: tuple[Built, dict[str, str], Path]) -> None:
    root = demo[2]
    written = sorted(root.glob(f"s3/{BUCKET}/flow-logs/AWSLogs/{NETWORK}/vpcflowlogs/{LONDON}/*/*/*/*.log.gz"))
    assert len(written) >= 2
    lines = gzip.decompress(written[0].read_bytes()).decode().splitlines()
    assert lines[0].split() == list(fields.parse_format(DEMO_LOG_FORMAT))
    assert len(lines) > 1 and all(len(line.split()) == len(lines[0].split()) for line in lines)


def _observed(built: Built, traffic: Traffic) -> list[dict[str, Any]]:
    _, answer = built.control.send_traffic(traffic)
    return list(answer["observations"])


def test_privatelink_through_the_endpoint_and_the_load_balancer(demo: tuple[Built, dict[str, str], Path]) -> None:
    built, ids, _ = demo
    seen = _observed(built, Traffic(ids["consumer-app"], ids["consumer_endpoint_dns"], port=8443))
    with built.control.store.snapshot() as tx:
        endpoint = tx.find("vpc-endpoint", ids["consumer_endpoint"])
        balancer = next(
            r for r in tx.scan("load-balancer") if r.id == ids["nlb"] or r.doc.get("LoadBalancerArn") == ids["nlb"]
        )
    assert endpoint is not None
    endpoint_enis = set(endpoint.doc["NetworkInterfaceIds"])
    nodes = set(balancer.extra["interfaces"].values())
    request = [(o["interface_id"], o["flow_direction"]) for o in seen if o["leg"] == "request"]
    assert request[1][0] in endpoint_enis and request[1][1] == "ingress"
    assert [d for i, d in request if i in nodes] == ["egress"]  # endpoint -> load balancer is not logged
    assert request[-1][1] == "ingress" and request[-1][0] not in nodes | endpoint_enis
    response = [(o["interface_id"], o["flow_direction"]) for o in seen if o["leg"] == "response"]
    assert response == [(i, "ingress" if d == "egress" else "egress") for i, d in reversed(request)]


def test_an_acl_that_rejects_the_answer(demo: tuple[Built, dict[str, str], Path]) -> None:
    built, ids, _ = demo
    control = built.control

    def call(operation: str, **params: Any) -> dict[str, Any]:
        return control.handle("ec2", operation, params, account=NETWORK, region=LONDON, request_id="t")

    worker = call("DescribeInstances", InstanceIds=[ids["app-nat-worker"]])["Reservations"][0]["Instances"][0]
    bastion = call("DescribeInstances", InstanceIds=[ids["app-nat-bastion"]])["Reservations"][0]["Instances"][0]
    group = bastion["SecurityGroups"][0]["GroupId"]
    call("AuthorizeSecurityGroupIngress", GroupId=group, IpProtocol="tcp", FromPort=22, ToPort=22, CidrIp="10.0.0.0/8")
    acl = call("CreateNetworkAcl", VpcId=bastion["VpcId"])["NetworkAcl"]["NetworkAclId"]
    call(
        "CreateNetworkAclEntry",
        NetworkAclId=acl,
        RuleNumber=100,
        Protocol="-1",
        RuleAction="allow",
        Egress=False,
        CidrBlock="0.0.0.0/0",
    )  # in: everything; out: nothing, so the answer is dropped
    found = call("DescribeNetworkAcls", Filters=[{"Name": "association.subnet-id", "Values": [bastion["SubnetId"]]}])
    [association] = [a for a in found["NetworkAcls"][0]["Associations"] if a["SubnetId"] == bastion["SubnetId"]]
    call("ReplaceNetworkAclAssociation", AssociationId=association["NetworkAclAssociationId"], NetworkAclId=acl)
    seen = _observed(built, Traffic(worker["InstanceId"], bastion["PrivateIpAddress"], port=22))
    shown = [(o["leg"], o["flow_direction"], o["action"]) for o in seen]
    assert shown == [
        ("request", "egress", "ACCEPT"),
        ("request", "ingress", "ACCEPT"),
        ("response", "egress", "REJECT"),
    ]


def test_inter_region_peering_is_traffic_path_5(demo: tuple[Built, dict[str, str], Path]) -> None:
    built, ids, _ = demo
    seen = _observed(built, Traffic(ids["analytics-worker"], ids["dynamodb_endpoint_dns"]))
    egress = [(o["leg"], o["traffic_path"]) for o in seen if o["flow_direction"] == "egress"]
    assert egress == [("request", 5), ("response", 5)]  # out over the peering, and the endpoint's answer back over it
    assert [o["traffic_path"] for o in seen if o["flow_direction"] == "ingress"] == [None, None]
