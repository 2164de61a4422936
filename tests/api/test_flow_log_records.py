"""Flow-log records vpcsim writes for traffic sent through the data plane (``POST /_vpcsim/api/traffic``), read back
with a standard reader (DuckDB's read_csv on the gzipped files) and checked against the path the trace took: through
a NAT gateway, through a gateway endpoint, a rejected flow, CloudWatch Logs files, custom formats with v5 fields."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import duckdb
import pytest

from tests.api.amis import ami
from vpcsim.flowlogs.fields import DEFAULT_FIELDS
from vpcsim.testing import ADMIN_HEADERS

REGION = "eu-west-2"
V5 = (
    "${version} ${account-id} ${interface-id} ${instance-id} ${vpc-id} ${subnet-id} ${srcaddr} ${dstaddr} "
    "${srcport} ${dstport} ${protocol} ${packets} ${bytes} ${action} ${tcp-flags} ${type} ${pkt-srcaddr} "
    "${pkt-dstaddr} ${region} ${az-id} ${pkt-src-aws-service} ${pkt-dst-aws-service} ${flow-direction} "
    "${traffic-path} ${log-status}"
)


def send(vpcsim: Any, **body: Any) -> dict[str, Any]:
    data = json.dumps(body).encode()
    url = vpcsim.url + "/_vpcsim/api/traffic"
    request = urllib.request.Request(url, data=data, method="POST", headers=ADMIN_HEADERS)
    with urllib.request.urlopen(request, timeout=30) as answer:
        return dict(json.loads(answer.read()))


def read_records(paths: list[str], header: bool = True) -> list[dict[str, str]]:
    """The records of flow-log files as DuckDB reads them (space-delimited, gzip detected from the name)."""
    con = duckdb.connect()
    if header:
        query = "SELECT * FROM read_csv(?, delim=' ', header=true, all_varchar=true)"
    else:
        query = "SELECT * FROM read_csv(?, delim=' ', header=false, all_varchar=true)"
    cursor = con.execute(query, [paths])
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def files_of(answer: dict[str, Any], flow_log: str) -> list[str]:
    [log] = [f for f in answer["flow_logs"] if f["flow_log_id"] == flow_log]
    assert log["written"] is True, log
    return list(log["files"])


class World:
    """A VPC in eu-west-2 with a public subnet (internet gateway) and a private one with its own route table."""

    def __init__(self, vpcsim: Any, account: str) -> None:
        self.vpcsim, self.account = vpcsim, account
        self.ec2 = vpcsim.client("ec2", region=REGION, account=account)
        self.vpc = self.ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
        self.public = self._subnet("10.0.0.0/24")
        self.private = self._subnet("10.0.1.0/24")
        igw = self.ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
        self.ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=self.vpc)
        main = self.ec2.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [self.vpc]}])["RouteTables"][0]
        self.ec2.create_route(RouteTableId=main["RouteTableId"], DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
        self.private_table = self.ec2.create_route_table(VpcId=self.vpc)["RouteTable"]["RouteTableId"]
        self.ec2.associate_route_table(RouteTableId=self.private_table, SubnetId=self.private)
        self.bucket = f"flow-logs-{account}"
        s3 = vpcsim.client("s3", region=REGION, account=account)
        s3.create_bucket(Bucket=self.bucket, CreateBucketConfiguration={"LocationConstraint": REGION})

    def _subnet(self, cidr: str) -> str:
        created = self.ec2.create_subnet(VpcId=self.vpc, CidrBlock=cidr, AvailabilityZone=f"{REGION}a")
        return str(created["Subnet"]["SubnetId"])

    def instance(self, subnet: str, **extra: Any) -> dict[str, Any]:
        run = {"ImageId": ami(REGION), "InstanceType": "t3.micro", "MinCount": 1, "MaxCount": 1}
        found = self.ec2.run_instances(**run, SubnetId=subnet, **extra)
        return dict(found["Instances"][0])

    def flow_role(self) -> str:
        """A role the flow logs service may assume, as a CloudWatch Logs flow log needs."""
        trust = {
            "Statement": [
                {"Effect": "Allow", "Principal": {"Service": "vpc-flow-logs.amazonaws.com"}, "Action": "sts:AssumeRole"}
            ]
        }
        iam = self.vpcsim.client("iam", account=self.account)
        return str(iam.create_role(RoleName="flow-logs", AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"])

    def flow_log(self, resource_type: str, resource: str, **extra: Any) -> str:
        params = {"TrafficType": "ALL", "LogDestinationType": "s3", "LogDestination": f"arn:aws:s3:::{self.bucket}"}
        created = self.ec2.create_flow_logs(ResourceType=resource_type, ResourceIds=[resource], **{**params, **extra})
        assert created["Unsuccessful"] == [], created
        return str(created["FlowLogIds"][0])


@pytest.fixture
def world(vpcsim: Any, account: str) -> World:
    return World(vpcsim, account)


def test_s3_through_a_nat_gateway(world: World) -> None:
    ec2 = world.ec2
    allocation = ec2.allocate_address(Domain="vpc")["AllocationId"]
    nat = ec2.create_nat_gateway(SubnetId=world.public, AllocationId=allocation)["NatGateway"]
    ec2.create_route(
        RouteTableId=world.private_table, DestinationCidrBlock="0.0.0.0/0", NatGatewayId=nat["NatGatewayId"]
    )
    [address] = ec2.describe_nat_gateways(NatGatewayIds=[nat["NatGatewayId"]])["NatGateways"][0]["NatGatewayAddresses"]
    nat_eni, nat_ip = address["NetworkInterfaceId"], address["PrivateIp"]
    worker = world.instance(world.private)
    worker_eni, worker_ip = worker["NetworkInterfaces"][0]["NetworkInterfaceId"], worker["PrivateIpAddress"]
    log = world.flow_log("VPC", world.vpc, LogFormat=V5)

    answer = send(
        world.vpcsim, source=worker["InstanceId"], destination=f"s3.{REGION}.amazonaws.com", flows=3, bytes=4000
    )
    assert answer["trace"]["verdict"] == "reachable"
    hops = answer["trace"]["hops"]
    assert [h["component"]["id"] for h in hops if h["component"]["kind"] == "nat-gateway" and not h["reply"]] == [
        nat["NatGatewayId"]
    ]
    s3_ip = answer["trace"]["resolved"][0]
    [path] = files_of(answer, log)
    pattern = (
        rf"/s3/{world.bucket}/AWSLogs/{world.account}/vpcflowlogs/{REGION}/\d{{4}}/\d{{2}}/\d{{2}}/"
        rf"{world.account}_vpcflowlogs_{REGION}_{log}_\d{{8}}T\d{{3}}[05]Z_[0-9a-f]{{8}}\.log\.gz$"
    )
    assert re.search(pattern, path), path
    records = read_records([path])
    assert list(records[0]) == re.findall(r"\$\{([^}]*)\}", V5)
    assert len(records) == 3 * 6
    assert {r["version"] for r in records} == {"5"} and {r["log-status"] for r in records} == {"OK"}

    at_worker = [r for r in records if r["interface-id"] == worker_eni]
    out = [r for r in at_worker if r["flow-direction"] == "egress"]
    assert len(out) == 3 and {r["instance-id"] for r in at_worker} == {worker["InstanceId"]}
    assert {(r["srcaddr"], r["dstaddr"], r["pkt-dst-aws-service"], r["traffic-path"]) for r in out} == {
        (worker_ip, s3_ip, "S3", "1")
    }
    assert {(r["bytes"], r["packets"], r["tcp-flags"], r["dstport"], r["protocol"]) for r in out} == {
        ("4000", "3", "3", "443", "6")
    }
    assert len({r["srcport"] for r in out}) == 3  # three flows, three client ports
    back = [r for r in at_worker if r["flow-direction"] == "ingress"]
    assert {(r["srcaddr"], r["pkt-src-aws-service"], r["traffic-path"], r["tcp-flags"]) for r in back} == {
        (s3_ip, "S3", "-", "19")
    }

    at_nat = [r for r in records if r["interface-id"] == nat_eni]
    assert {r["instance-id"] for r in at_nat} == {"-"} and len(at_nat) == 12
    columns = ("flow-direction", "srcaddr", "dstaddr", "pkt-srcaddr", "pkt-dstaddr")
    seen = {tuple(r[c] for c in columns) for r in at_nat}
    assert seen == {
        ("ingress", worker_ip, nat_ip, worker_ip, s3_ip),  # from the instance: dstaddr is the NAT's own address
        ("egress", nat_ip, s3_ip, nat_ip, s3_ip),  # on to S3
        ("ingress", s3_ip, nat_ip, s3_ip, nat_ip),  # S3's answer
        ("egress", nat_ip, worker_ip, s3_ip, worker_ip),  # back to the instance: pkt-srcaddr is S3
    }
    to_s3 = [r for r in at_nat if r["flow-direction"] == "egress" and r["dstaddr"] == s3_ip]
    assert {r["traffic-path"] for r in to_s3} == {"2"}  # an internet gateway, from an interface that is no instance's
    assert {r["subnet-id"] for r in at_nat} == {world.public} and {r["region"] for r in records} == {REGION}


def test_s3_through_a_gateway_endpoint_with_the_default_format(world: World) -> None:
    ec2 = world.ec2
    ec2.create_vpc_endpoint(
        VpcId=world.vpc, ServiceName=f"com.amazonaws.{REGION}.s3", RouteTableIds=[world.private_table]
    )
    worker = world.instance(world.private)
    eni = worker["NetworkInterfaces"][0]["NetworkInterfaceId"]
    default = world.flow_log("Subnet", world.private)
    custom = world.flow_log(
        "NetworkInterface",
        eni,
        TrafficType="ACCEPT",
        LogFormat="${interface-id} ${flow-direction} ${traffic-path} ${pkt-dst-aws-service} ${version}",
        DestinationOptions={"FileFormat": "plain-text", "HiveCompatiblePartitions": True, "PerHourPartition": True},
    )
    answer = send(world.vpcsim, source=worker["InstanceId"], destination=f"s3.{REGION}.amazonaws.com", bytes=100)
    assert answer["trace"]["endpoint"] is not None

    records = read_records(files_of(answer, default))
    assert list(records[0]) == list(DEFAULT_FIELDS)
    assert {r["version"] for r in records} == {"2"} and len(records) == 2
    assert {(r["account-id"], r["interface-id"], r["action"]) for r in records} == {(world.account, eni, "ACCEPT")}

    [path] = files_of(answer, custom)
    hive = rf"/AWSLogs/aws-account-id={world.account}/aws-service=vpcflowlogs/aws-region={REGION}/year=\d{{4}}/"
    assert re.search(hive + r"month=\d\d/day=\d\d/hour=\d\d/", path), path
    [egress] = [r for r in read_records([path]) if r["flow-direction"] == "egress"]
    assert (egress["traffic-path"], egress["pkt-dst-aws-service"], egress["version"]) == ("7", "S3", "5")


def test_a_rejected_flow_is_logged_where_it_was_rejected(world: World) -> None:
    ec2 = world.ec2
    client = world.instance(world.public)
    closed = ec2.create_security_group(GroupName="closed", Description="no ingress", VpcId=world.vpc)["GroupId"]
    server = world.instance(world.private, SecurityGroupIds=[closed])
    client_eni = client["NetworkInterfaces"][0]["NetworkInterfaceId"]
    server_eni = server["NetworkInterfaces"][0]["NetworkInterfaceId"]
    everything = world.flow_log("VPC", world.vpc, LogFormat=V5)
    rejects = world.flow_log(
        "Subnet",
        world.private,
        TrafficType="REJECT",
        LogDestinationType="cloud-watch-logs",
        LogDestination=f"arn:aws:logs:{REGION}:{world.account}:log-group:/vpc/rejects",
        DeliverLogsPermissionArn=world.flow_role(),
        LogFormat="${interface-id} ${action} ${flow-direction} ${dstport}",
    )
    answer = send(world.vpcsim, source=client["InstanceId"], destination=server["PrivateIpAddress"], port=5432, flows=2)
    assert answer["trace"]["verdict"] == "blocked"

    records = read_records(files_of(answer, everything))
    assert {(r["interface-id"], r["flow-direction"], r["action"], r["tcp-flags"]) for r in records} == {
        (client_eni, "egress", "ACCEPT", "2"),
        (server_eni, "ingress", "REJECT", "2"),
    }
    assert len(records) == 4  # two flows, no answer came back

    [stream] = files_of(answer, rejects)
    assert stream.endswith(f"/cloudwatch-logs/{world.account}/{REGION}/%2Fvpc%2Frejects/{server_eni}.log"), stream
    lines = read_records([stream], header=False)
    assert [tuple(r.values()) for r in lines] == [(server_eni, "REJECT", "ingress", "5432")] * 2
    logs = world.vpcsim.client("logs", region=REGION, account=world.account)  # the service created the group
    assert [g["logGroupName"] for g in logs.describe_log_groups()["logGroups"]] == ["/vpc/rejects"]


def test_a_network_acl_rejects_at_the_source_and_nothing_reaches_the_destination(world: World) -> None:
    ec2 = world.ec2
    client, server = world.instance(world.private), world.instance(world.public)
    deny_all = ec2.create_network_acl(VpcId=world.vpc)["NetworkAcl"]["NetworkAclId"]  # only the default deny rules
    acls = ec2.describe_network_acls(Filters=[{"Name": "association.subnet-id", "Values": [world.private]}])
    [association] = [a for a in acls["NetworkAcls"][0]["Associations"] if a["SubnetId"] == world.private]
    ec2.replace_network_acl_association(AssociationId=association["NetworkAclAssociationId"], NetworkAclId=deny_all)
    log = world.flow_log("VPC", world.vpc, LogFormat="${interface-id} ${action} ${flow-direction}")
    answer = send(world.vpcsim, source=client["InstanceId"], destination=server["PrivateIpAddress"], port=22)
    records = read_records(files_of(answer, log))
    assert [tuple(r.values()) for r in records] == [
        (client["NetworkInterfaces"][0]["NetworkInterfaceId"], "REJECT", "egress")
    ]


def test_traffic_without_a_flow_log_writes_nothing_and_bad_input_is_a_400(world: World) -> None:
    worker = world.instance(world.private)
    answer = send(world.vpcsim, source=worker["InstanceId"], destination="10.0.0.9", port=80)
    assert answer["flow_logs"] == [] and answer["observations"]
    for body in ({"source": "i-0000000000000000f", "destination": "10.0.0.9"}, {"source": worker["InstanceId"]}):
        with pytest.raises(urllib.error.HTTPError) as caught:
            send(world.vpcsim, **body)
        assert caught.value.code == 400
    with pytest.raises(urllib.error.HTTPError) as caught:
        send(world.vpcsim, source=worker["InstanceId"], destination="10.0.0.9", flows=0)
    assert json.loads(caught.value.read())["error"]["code"] == "InvalidParameterValue"


def test_the_cli_sends_traffic_and_says_where_the_records_went(world: World) -> None:
    worker = world.instance(world.private)
    log = world.flow_log("VPC", world.vpc)
    command = [sys.executable, "-m", "vpcsim", "traffic", worker["InstanceId"], "10.0.0.9:80", "--flows", "2"]
    done = subprocess.run([*command, "--endpoint-url", world.vpcsim.url], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert log in done.stdout and "2 flow(s)" in done.stdout
    as_json = subprocess.run(
        [*command, "--json", "--endpoint-url", world.vpcsim.url], capture_output=True, text=True, timeout=60
    )
    written = json.loads(as_json.stdout)["flow_logs"]
    assert [Path(p).exists() for w in written for p in w["files"]] == [True]


def test_through_a_transit_gateway(vpcsim: Any, account: str) -> None:
    from tests.api.test_dataplane import _instance, _net
    from tests.api.test_dataplane_transit import _attach

    ec2 = vpcsim.client("ec2", region=REGION, account=account)
    a, b = _net(ec2, "10.0.0.0/16"), _net(ec2, "10.1.0.0/16")
    tgw = ec2.create_transit_gateway()["TransitGateway"]["TransitGatewayId"]
    attach_a, attach_b = _attach(ec2, tgw, a.vpc, [a.private]), _attach(ec2, tgw, b.vpc, [b.private])
    ec2.create_route(RouteTableId=a.private_table, DestinationCidrBlock="10.1.0.0/16", TransitGatewayId=tgw)
    ec2.create_route(RouteTableId=b.private_table, DestinationCidrBlock="10.0.0.0/16", TransitGatewayId=tgw)
    server = ec2.describe_instances(InstanceIds=[_instance(ec2, b.private)])["Reservations"][0]["Instances"][0]
    ec2.authorize_security_group_ingress(
        GroupId=server["SecurityGroups"][0]["GroupId"], IpProtocol="tcp", FromPort=443, ToPort=443, CidrIp="10.0.0.0/8"
    )
    client = ec2.describe_instances(InstanceIds=[_instance(ec2, a.private)])["Reservations"][0]["Instances"][0]
    bucket = f"tgw-logs-{account}"
    vpcsim.client("s3", region=REGION, account=account).create_bucket(
        Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": REGION}
    )
    s3 = {"LogDestinationType": "s3", "LogDestination": f"arn:aws:s3:::{bucket}"}
    [in_b] = ec2.create_flow_logs(ResourceType="VPC", ResourceIds=[b.vpc], TrafficType="ALL", LogFormat=V5, **s3)[
        "FlowLogIds"
    ]
    [on_tgw] = ec2.create_flow_logs(ResourceType="TransitGateway", ResourceIds=[tgw], **s3)["FlowLogIds"]

    answer = send(vpcsim, source=client["InstanceId"], destination=server["PrivateIpAddress"], port=443)
    assert answer["trace"]["verdict"] == "reachable"
    enis = ec2.describe_network_interfaces(Filters=[{"Name": "subnet-id", "Values": [b.private]}])["NetworkInterfaces"]
    [tgw_eni] = [e for e in enis if e["InterfaceType"] == "transit_gateway"]
    records = read_records(files_of(answer, in_b))
    [request] = [
        r
        for r in records
        if r["interface-id"] == tgw_eni["NetworkInterfaceId"]
        and r["flow-direction"] == "egress"
        and r["pkt-dstaddr"] == server["PrivateIpAddress"]
    ]
    assert (request["srcaddr"], request["pkt-srcaddr"], request["instance-id"]) == (
        tgw_eni["PrivateIpAddress"],
        client["PrivateIpAddress"],
        "-",
    )
    at_server = [r for r in records if r["instance-id"] == server["InstanceId"]]
    assert {(r["flow-direction"], r["srcaddr"]) for r in at_server} == {
        ("ingress", client["PrivateIpAddress"]),
        ("egress", server["PrivateIpAddress"]),
    }

    crossings = read_records(files_of(answer, on_tgw))
    assert {(r["tgw-attachment-id"], r["tgw-pair-attachment-id"], r["flow-direction"]) for r in crossings} == {
        (attach_a, attach_b, "ingress"),
        (attach_b, attach_a, "egress"),
    }
    assert {(r["version"], r["tgw-id"], r["tgw-src-vpc-id"], r["tgw-dst-vpc-id"]) for r in crossings} == {
        ("6", tgw, a.vpc, b.vpc)
    }
