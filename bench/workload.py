"""The API workload: one boto3 client, the same calls against every server, each call timed by the client.

Phases (names are the keys of the report's tables):
- ``create``: 50 VPCs, each with 2 subnets, a route table, an S3 endpoint and an SQS interface endpoint (private DNS
  on, so each VPC first gets ``EnableDnsHostnames`` through ModifyVpcAttribute, which is not counted): 300 timed
  creates. The S3 endpoint is a gateway endpoint for the first 20 VPCs (AWS's default quota of gateway endpoints per
  Region, enforced by vpcsim) and an S3 interface endpoint (private DNS off) for the others.
- ``describe-vpce@100``: DescribeVpcEndpoints filtered by ``vpc-id`` (2 endpoints each), cycling through the VPCs.
- ``describe-rt@50``: DescribeRouteTables filtered by ``vpc-id`` (main + custom table each).
- ``describe-rt-all@50``: DescribeRouteTables with no filter (every table in the region, default VPC's included).
- ``grow``: 450 more VPCs built the same way (2,700 creates), bringing the endpoints to 1,000.
- ``describe-vpce@1000``, ``describe-rt@500``, ``describe-rt-all@500``: the same describes with 1,000 endpoints.
Each filtered describe answers the same number of records at both scales, so the ratio shows how the server scales.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

REGION = "us-east-1"
ACCESS_KEY = "AKIAVPCSIMBENCHMARK0"
# AWS's default quota: 20 gateway endpoints per Region (VPC quotas page), which vpcsim enforces. VPCs past the 20th
# get an S3 *interface* endpoint instead (in their second subnet, private DNS off), so the call count stays the same.
GATEWAY_QUOTA = 20  # not 12 digits: vpcsim acts as its default account, as moto does


@dataclass
class Phase:
    name: str
    latencies: list[float] = field(default_factory=list)  # seconds, one per timed call
    by_op: dict[str, list[float]] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)  # first error per operation label
    error_count: int = 0
    answered: list[int] = field(default_factory=list)  # records answered per describe
    server_ms: dict[str, list[float]] = field(default_factory=dict)  # vpcsim's own logged time, per Action
    wall: float = 0.0


@dataclass
class Sizes:
    vpcs: int = 50
    grow_vpcs: int = 450
    describes: int = 200
    describe_all: int = 10


SESSION = boto3.session.Session()


def client(url: str) -> Any:
    config = Config(region_name=REGION, retries={"total_max_attempts": 1, "mode": "standard"})
    return SESSION.client(
        "ec2", endpoint_url=url, aws_access_key_id=ACCESS_KEY, aws_secret_access_key="bench", config=config
    )


class Runner:
    """Runs the workload against one server, timing every call; ``on_phase`` hooks run around each phase."""

    def __init__(self, ec2: Any, log_path: Path | None = None, before_phase: Callable[[str], None] | None = None):
        self.ec2 = ec2
        self.log_path = log_path
        self.before_phase = before_phase or (lambda name: None)
        self.phases: dict[str, Phase] = {}
        self.phase = Phase("warm-up")
        self.bodies: dict[str, dict[str, bytes]] = {}  # phase -> Action -> last body answered
        ec2.meta.events.register("after-call.ec2", self._keep_body)

    def _keep_body(self, http_response: Any, model: Any, **_: Any) -> None:
        self.bodies.setdefault(self.phase.name, {})[model.name] = http_response.content

    # -- calls ---------------------------------------------------------------------------------------------------
    def call(self, label: str, op: str, **params: Any) -> dict[str, Any]:
        method = getattr(self.ec2, op)
        started = time.perf_counter()
        try:
            answer: dict[str, Any] = method(**params)
        except (ClientError, BotoCoreError) as error:
            answer = {}
            self.phase.error_count += 1
            self.phase.errors.setdefault(label, str(error)[:300])
        elapsed = time.perf_counter() - started
        self.phase.latencies.append(elapsed)
        self.phase.by_op.setdefault(label, []).append(elapsed)
        return answer

    def untimed(self, op: str, **params: Any) -> None:
        try:
            getattr(self.ec2, op)(**params)
        except (ClientError, BotoCoreError) as error:
            self.phase.errors.setdefault(f"{op} (untimed)", str(error)[:300])

    # -- phases --------------------------------------------------------------------------------------------------
    def run_phase(self, name: str, body: Callable[[], None]) -> Phase:
        self.before_phase(name)
        self.phase = Phase(name)
        offset = self.log_path.stat().st_size if self.log_path else 0
        started = time.perf_counter()
        body()
        self.phase.wall = time.perf_counter() - started
        if self.log_path:
            self.phase.server_ms = server_times(self.log_path, offset)
        self.phases[name] = self.phase
        return self.phase

    def warm_up(self) -> None:
        """Opens the connection and builds each operation's client-side model once (DryRun: nothing changes)."""
        for _ in range(5):
            self.untimed("describe_vpcs")
        for op in ("create_vpc", "create_subnet", "create_route_table", "create_vpc_endpoint"):
            with contextlib.suppress(ClientError, BotoCoreError):
                getattr(self.ec2, op)(DryRun=True, **_DRY_PARAMS[op])
        self.untimed("describe_vpc_endpoints", Filters=[{"Name": "vpc-id", "Values": ["vpc-00000000"]}])
        self.untimed("describe_route_tables", Filters=[{"Name": "vpc-id", "Values": ["vpc-00000000"]}])

    def run(self, sizes: Sizes) -> dict[str, Phase]:
        self.warm_up()
        vpcs: list[str] = []
        self.run_phase("create", lambda: vpcs.extend(self.build(0, sizes.vpcs)))
        self.describes(vpcs, sizes)
        self.run_phase("grow", lambda: vpcs.extend(self.build(sizes.vpcs, sizes.grow_vpcs)))
        self.describes(vpcs, sizes)
        return self.phases

    def build(self, first: int, count: int) -> list[str]:
        return [self.build_vpc(i) for i in range(first, first + count)]

    def build_vpc(self, i: int) -> str:
        net = f"10.{i % 256}"
        vpc = self.call("CreateVpc", "create_vpc", CidrBlock=f"{net}.0.0/16").get("Vpc", {}).get("VpcId", "vpc-none")
        self.untimed("modify_vpc_attribute", VpcId=vpc, EnableDnsHostnames={"Value": True})
        subnets = [
            self.call("CreateSubnet", "create_subnet", VpcId=vpc, CidrBlock=f"{net}.{n}.0/24", AvailabilityZone=az)
            .get("Subnet", {})
            .get("SubnetId", "subnet-none")
            for n, az in ((0, "us-east-1a"), (1, "us-east-1b"))
        ]
        table = self.call("CreateRouteTable", "create_route_table", VpcId=vpc)
        table_id = table.get("RouteTable", {}).get("RouteTableId", "rtb-none")
        if i < GATEWAY_QUOTA:
            self.call(
                "CreateVpcEndpoint (Gateway, s3)",
                "create_vpc_endpoint",
                VpcEndpointType="Gateway",
                VpcId=vpc,
                ServiceName=f"com.amazonaws.{REGION}.s3",
                RouteTableIds=[table_id],
            )
        else:
            self.call(
                "CreateVpcEndpoint (Interface, s3)",
                "create_vpc_endpoint",
                VpcEndpointType="Interface",
                VpcId=vpc,
                ServiceName=f"com.amazonaws.{REGION}.s3",
                SubnetIds=[subnets[1]],
                PrivateDnsEnabled=False,
            )
        self.call(
            "CreateVpcEndpoint (Interface, sqs)",
            "create_vpc_endpoint",
            VpcEndpointType="Interface",
            VpcId=vpc,
            ServiceName=f"com.amazonaws.{REGION}.sqs",
            SubnetIds=[subnets[0]],
            PrivateDnsEnabled=True,
        )
        return vpc

    def describes(self, vpcs: list[str], sizes: Sizes) -> None:
        endpoints, tables = f"@{len(vpcs) * 2}", f"@{len(vpcs)}"
        self.run_phase(f"describe-vpce{endpoints}", lambda: self.filtered("describe_vpc_endpoints", vpcs, sizes))
        self.run_phase(f"describe-rt{tables}", lambda: self.filtered("describe_route_tables", vpcs, sizes))
        self.run_phase(f"describe-rt-all{tables}", lambda: self.describe_all(sizes))

    def filtered(self, op: str, vpcs: list[str], sizes: Sizes) -> None:
        """Cycles through the newest ``sizes.vpcs`` VPCs, so both scales see the same access pattern (50 VPCs, each
        described 4 times; its first describe is the first read of its endpoints) and differ only in the state."""
        key = "VpcEndpoints" if op == "describe_vpc_endpoints" else "RouteTables"
        targets = vpcs[-sizes.vpcs :]
        for n in range(sizes.describes):
            vpc = targets[n % len(targets)]
            answer = self.call(op, op, Filters=[{"Name": "vpc-id", "Values": [vpc]}])
            self.phase.answered.append(len(answer.get(key, [])))

    def describe_all(self, sizes: Sizes) -> None:
        for _ in range(sizes.describe_all):
            answer = self.call("describe_route_tables", "describe_route_tables")
            self.phase.answered.append(len(answer.get("RouteTables", [])))


_DRY_PARAMS: dict[str, dict[str, Any]] = {
    "create_vpc": {"CidrBlock": "10.0.0.0/16"},
    "create_subnet": {"VpcId": "vpc-00000000", "CidrBlock": "10.0.0.0/24"},
    "create_route_table": {"VpcId": "vpc-00000000"},
    "create_vpc_endpoint": {"VpcId": "vpc-00000000", "ServiceName": f"com.amazonaws.{REGION}.s3"},
}


def server_times(log_path: Path, offset: int) -> dict[str, list[float]]:
    """vpcsim's own time per request, by Action, from its log lines after ``offset`` ("ec2 DescribeVpcs 200 0.3ms")."""
    with open(log_path, "rb") as log:
        log.seek(offset)
        text = log.read().decode(errors="replace")
    times: dict[str, list[float]] = {}
    for line in text.splitlines():
        parts = line.split()
        if len(parts) >= 4 and parts[-1].endswith("ms") and parts[-4] == "ec2":
            try:
                times.setdefault(parts[-3], []).append(float(parts[-1][:-2]))
            except ValueError:
                continue
    return times
