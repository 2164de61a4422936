"""``vpcsim flowlogs`` on flow logs that vpcsim's own flow-log feature wrote: a live server with a state file and a
flow-logs directory, a network built with boto3, an S3 flow log created with boto3, traffic sent through
``POST /_vpcsim/api/traffic``; then the CLI reads the delivered files against the state file and must give back the
bytes that were sent, per sender and service, each once although the instance's and the NAT gateway's interfaces both
logged them; the paths the network implies; and savings that this test recomputes from AWS's published rates and
from the records themselves."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from ipaddress import ip_address, ip_network
from pathlib import Path
from typing import Any

import pytest

from tests.api.amis import EVERYWHERE, ami
from vpcsim.testing import ADMIN_HEADERS, Server, free_port

REGION = "us-east-1"
ACCOUNT = "246813579024"
VPCSIM = str(Path(sys.executable).with_name("vpcsim"))
V5 = (
    "${version} ${account-id} ${interface-id} ${vpc-id} ${subnet-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} "
    "${protocol} ${packets} ${bytes} ${start} ${end} ${action} ${log-status} ${pkt-srcaddr} ${pkt-dstaddr} "
    "${flow-direction} ${pkt-dst-aws-service}"
)
# AWS's published us-east-1 rates [VPC pricing: NAT gateway, per GB processed; AWS PrivateLink pricing: interface
# endpoint per AZ-hour and per GB, first PB; EC2 data transfer: across AZs $0.01/GB in each direction]. The test
# prices with these, not with vpcsim's price book.
NAT_PER_GB, INTER_AZ_PER_GB_EACH_WAY = 0.045, 0.01
INTERFACE_PER_GB, INTERFACE_PER_AZ_HOUR = 0.01, 0.01
GB = 1024**3
ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Estate:
    server: Server
    state: Path
    logs: Path
    ec2: Any = None
    vpc: str = ""
    bucket: str = ""
    ids: dict[str, str] = field(default_factory=dict)

    def send(self, **body: Any) -> dict[str, Any]:
        request = urllib.request.Request(
            self.server.url + "/_vpcsim/api/traffic", json.dumps(body).encode(), method="POST", headers=ADMIN_HEADERS
        )
        with urllib.request.urlopen(request, timeout=60) as answer:
            found = dict(json.loads(answer.read()))
        assert found["trace"]["verdict"] == "reachable", found["trace"]
        assert all(log["written"] for log in found["flow_logs"]), found["flow_logs"]
        return found

    def subnet(self, cidr: str, zone: str) -> str:
        made = self.ec2.create_subnet(VpcId=self.vpc, CidrBlock=cidr, AvailabilityZone=f"{REGION}{zone}")
        return str(made["Subnet"]["SubnetId"])

    def instance(self, subnet: str) -> dict[str, Any]:
        found = self.ec2.run_instances(
            ImageId=ami(self.ec2.meta.region_name), InstanceType=EVERYWHERE, MinCount=1, MaxCount=1, SubnetId=subnet
        )
        return dict(found["Instances"][0])


@pytest.fixture
def estate(tmp_path: Path) -> Iterator[Estate]:
    """A server with a state file and a flow-logs directory; a VPC whose flow log (all fields the reader uses,
    pkt-* included) goes to an S3 bucket; an internet gateway on the main table, a private route table."""
    state, logs = tmp_path / "state.db", tmp_path / "flow-logs"
    server = Server(free_port(), ["--state", str(state), "--flow-logs-dir", str(logs)]).start()
    built = Estate(server, state, logs)
    try:
        built.ec2 = ec2 = server.client("ec2", region=REGION, account=ACCOUNT)
        built.vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
        built.ids["public"] = built.subnet("10.0.0.0/24", "a")
        igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
        ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=built.vpc)
        main = ec2.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [built.vpc]}])["RouteTables"][0]
        ec2.create_route(RouteTableId=main["RouteTableId"], DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
        built.ids["igw"] = igw
        built.ids["private_table"] = ec2.create_route_table(VpcId=built.vpc)["RouteTable"]["RouteTableId"]
        built.bucket = f"flow-logs-{ACCOUNT}"
        server.client("s3", region=REGION, account=ACCOUNT).create_bucket(Bucket=built.bucket)
        made = ec2.create_flow_logs(
            ResourceType="VPC",
            ResourceIds=[built.vpc],
            TrafficType="ALL",
            LogDestinationType="s3",
            LogDestination=f"arn:aws:s3:::{built.bucket}",
            LogFormat=V5,
        )
        assert made["Unsuccessful"] == []
        yield built
    finally:
        server.stop()


def private_subnet(estate: Estate, cidr: str, zone: str) -> str:
    subnet = estate.subnet(cidr, zone)
    estate.ec2.associate_route_table(RouteTableId=estate.ids["private_table"], SubnetId=subnet)
    return subnet


def read_report(estate: Estate, *extra: str) -> dict[str, Any]:
    """Stop the server (the state file is then the CLI's alone) and run ``vpcsim flowlogs --json`` on the S3 files."""
    estate.server.stop()
    done = subprocess.run(
        [VPCSIM, "flowlogs", str(estate.logs / "s3"), "--state", str(estate.state), "--json", *extra],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    return dict(json.loads(done.stdout))


def records_of(estate: Estate) -> list[dict[str, str]]:
    """Every record of the delivered files, read here with gzip and split, not with vpcsim."""
    found = []
    for path in sorted((estate.logs / "s3").rglob("*.log.gz")):
        header, *lines = gzip.decompress(path.read_bytes()).decode().splitlines()
        found += [dict(zip(header.split(), line.split(), strict=True)) for line in lines]
    return found


def hours_of(records: list[dict[str, str]]) -> float:
    return (max(int(r["end"]) for r in records) - min(int(r["start"]) for r in records)) / 3600


def published_ranges() -> list[dict[str, str]]:
    """AWS's ip-ranges prefixes: the raw published file beside the repository when it is there, else the prefixes
    in the package's copy, read here with gzip and json (not with vpcsim's lookup)."""
    for shared in (ROOT.parent / "shared", ROOT.parent.parent / "shared"):
        raw = shared / "datasets" / "ip-ranges" / "ip-ranges-2022-06-12.json"
        if raw.exists():
            return list(json.loads(raw.read_text())["prefixes"])
    packaged = json.loads(gzip.decompress((ROOT / "src/vpcsim/catalog/data/ip_ranges.json.gz").read_bytes()))
    return [
        {"ip_prefix": cidr, "region": region, "service": service}
        for region, services in packaged["regions"].items()
        for service, cidrs in services.items()
        for cidr in cidrs
        if "." in cidr
    ]


def published_owner(address: str, service: str) -> str | None:
    """The Region of the ``service`` prefix that holds ``address``, found by a scan of every prefix."""
    wanted = ip_address(address)
    held = [p for p in published_ranges() if p["service"] == service and wanted in ip_network(p["ip_prefix"])]
    return max(held, key=lambda p: ip_network(p["ip_prefix"]).prefixlen)["region"] if held else None


def sender(report: dict[str, Any], interface: str, service: str) -> dict[str, Any]:
    [found] = [s for s in report["senders"] if s["interface_id"] == interface and s["service"] == service]
    return found


def saving(report: dict[str, Any], add: str, service: str) -> dict[str, Any]:
    [found] = [s for s in report["savings"] if s["add"] == add and s["service"] == service]
    return found


def test_bytes_sent_through_a_nat_gateway_round_trip(estate: Estate) -> None:
    ec2 = estate.ec2
    allocation = ec2.allocate_address(Domain="vpc")["AllocationId"]
    nat = ec2.create_nat_gateway(SubnetId=estate.ids["public"], AllocationId=allocation)["NatGateway"]
    ec2.create_route(
        RouteTableId=estate.ids["private_table"], DestinationCidrBlock="0.0.0.0/0", NatGatewayId=nat["NatGatewayId"]
    )
    [nat_address] = ec2.describe_nat_gateways(NatGatewayIds=[nat["NatGatewayId"]])["NatGateways"][0][
        "NatGatewayAddresses"
    ]
    same_zone, other_zone = private_subnet(estate, "10.0.1.0/24", "a"), private_subnet(estate, "10.0.2.0/24", "b")
    near, far = estate.instance(same_zone), estate.instance(other_zone)
    near_eni = near["NetworkInterfaces"][0]["NetworkInterfaceId"]
    far_eni = far["NetworkInterfaces"][0]["NetworkInterfaceId"]

    to_s3 = estate.send(source=near["InstanceId"], destination=f"s3.{REGION}.amazonaws.com", flows=3, bytes=4000,
                        response_bytes=100_000)  # fmt: skip
    to_dynamodb = estate.send(source=far["InstanceId"], destination=f"dynamodb.{REGION}.amazonaws.com", flows=2,
                              bytes=2000, response_bytes=50_000)  # fmt: skip
    estate.send(source=near["InstanceId"], destination="198.51.100.7", port=443, flows=1, bytes=700)
    records = records_of(estate)
    report = read_report(estate)

    assert report["records"] == {"total": len(records), "OK": len(records)}
    assert report["files"]["read"] == 3 and report["state"] is True
    # Each byte once, although the instance's interface and the NAT gateway's both logged every flow.
    s3 = sender(report, near_eni, "S3")
    assert (s3["bytes_out"], s3["bytes_in"], s3["service_region"]) == (3 * 4000, 3 * 100_000, REGION)
    assert s3["seen_at_nat_interfaces"] == [nat_address["NetworkInterfaceId"]] and s3["subnet_id"] == same_zone
    dynamodb = sender(report, far_eni, "DYNAMODB")
    assert (dynamodb["bytes_out"], dynamodb["bytes_in"]) == (2 * 2000, 2 * 50_000)
    assert report["totals"]["internet_bytes"] == 700 + 40  # one flow out, its acknowledgement back
    services = {(s["service"], s["region"]): s for s in report["services"]}
    assert services[("S3", REGION)]["bytes_out"] == 12_000 and services[("DYNAMODB", REGION)]["bytes_in"] == 100_000

    # The addresses the traffic went to are S3's and DynamoDB's in AWS's published ranges.
    assert published_owner(to_s3["trace"]["resolved"][0], "S3") == REGION
    assert published_owner(to_dynamodb["trace"]["resolved"][0], "DYNAMODB") == REGION

    paths = {(p["subnet_id"], p["service"]): p for p in report["paths"]}
    assert paths[(same_zone, "S3")]["path"] == "nat-gateway"
    assert paths[(same_zone, "S3")]["via"] == [nat["NatGatewayId"], estate.ids["igw"]]
    assert paths[(other_zone, "DYNAMODB")]["path"] == "nat-gateway"

    hours = hours_of(records)
    s3_gb, dynamodb_gb = (12_000 + 300_000) / GB, (4000 + 100_000) / GB
    gateway = saving(report, "gateway-endpoint", "S3")
    assert gateway["replaces"] == "nat-gateway" and gateway["route_tables"] == [estate.ids["private_table"]]
    assert gateway["saved_usd"] == pytest.approx(s3_gb * NAT_PER_GB, rel=1e-6)
    # The far subnet reaches the NAT gateway across an AZ boundary: charged each way, both directions of the flow.
    far_gateway = saving(report, "gateway-endpoint", "DYNAMODB")
    far_rate = NAT_PER_GB + 2 * INTER_AZ_PER_GB_EACH_WAY
    assert far_gateway["saved_usd"] == pytest.approx(dynamodb_gb * far_rate, rel=1e-6)
    interface = saving(report, "interface-endpoint", "DYNAMODB")
    alternative = dynamodb_gb * INTERFACE_PER_GB + 1 * hours * INTERFACE_PER_AZ_HOUR
    assert interface["zones"] == [f"{REGION}b"]
    assert interface["alternative_usd"] == pytest.approx(alternative, rel=1e-6)
    assert interface["saved_usd"] == pytest.approx(far_gateway["saved_usd"] - alternative, rel=1e-6)
    assert report["saved_usd"] == pytest.approx(gateway["saved_usd"] + far_gateway["saved_usd"], rel=1e-6)


def test_gateway_and_interface_endpoint_paths(estate: Estate) -> None:
    ec2 = estate.ec2
    subnet = private_subnet(estate, "10.0.1.0/24", "a")
    ec2.create_vpc_endpoint(VpcId=estate.vpc, ServiceName=f"com.amazonaws.{REGION}.s3",
                            RouteTableIds=[estate.ids["private_table"]])  # fmt: skip
    ec2.modify_vpc_attribute(VpcId=estate.vpc, EnableDnsHostnames={"Value": True})
    endpoint = ec2.create_vpc_endpoint(VpcId=estate.vpc, VpcEndpointType="Interface", SubnetIds=[subnet],
                                       ServiceName=f"com.amazonaws.{REGION}.dynamodb")["VpcEndpoint"]  # fmt: skip
    worker = estate.instance(subnet)
    eni = worker["NetworkInterfaces"][0]["NetworkInterfaceId"]
    [endpoint_dns] = [d["DnsName"] for d in endpoint["DnsEntries"] if d["DnsName"].startswith("vpce-")][:1]
    estate.send(source=worker["InstanceId"], destination=f"s3.{REGION}.amazonaws.com", flows=2, bytes=5000,
                response_bytes=20_000)  # fmt: skip
    to_table = estate.send(source=worker["InstanceId"], destination=endpoint_dns, flows=4, bytes=1500,
                           response_bytes=9000)  # fmt: skip
    records = records_of(estate)
    report = read_report(estate)

    s3 = sender(report, eni, "S3")
    assert (s3["bytes_out"], s3["bytes_in"], s3["path"]) == (10_000, 40_000, "gateway-endpoint")
    dynamodb = sender(report, eni, "DYNAMODB")
    assert dynamodb["endpoint_id"] == endpoint["VpcEndpointId"] and dynamodb["path"] == "interface-endpoint"
    assert (dynamodb["bytes_out"], dynamodb["bytes_in"]) == (6000, 36_000)
    endpoint_addresses = {r["dstaddr"] for r in records if r["interface-id"] == eni and r["flow-direction"] == "egress"}
    assert to_table["trace"]["resolved"][0] in endpoint_addresses

    assert not [s for s in report["savings"] if s["service"] == "S3"]  # already on a gateway endpoint
    [instead] = [s for s in report["savings"] if s["service"] == "DYNAMODB"]
    assert (instead["add"], instead["replaces"]) == ("gateway-endpoint", "interface-endpoint")
    assert instead["saved_usd"] == pytest.approx((6000 + 36_000) / GB * INTERFACE_PER_GB, rel=1e-6)
