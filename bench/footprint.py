"""vpcsim's start-up time and resident memory.

- Start-up: from spawning ``vpcsim serve --ephemeral --quiet`` to the first answer of ``GET /_vpcsim/health``.
- Memory: VmRSS of a server holding at least 10,000 resources, created by several client threads at once. A unit is
  a VPC (which brings its main route table, default security group and default network ACL), two subnets, a route
  table, a security group and an SQS interface endpoint with its network interface: 10 resources. The resources are
  then counted by describing them (paginated), so the figure counts what a client sees, the default VPC's included.
"""

from __future__ import annotations

import statistics
import threading
import time
from dataclasses import dataclass
from typing import Any

import servers
import workload

UNIT_RESOURCES = 10
_COUNTED = {
    "describe_vpcs": "Vpcs",
    "describe_subnets": "Subnets",
    "describe_route_tables": "RouteTables",
    "describe_security_groups": "SecurityGroups",
    "describe_network_acls": "NetworkAcls",
    "describe_vpc_endpoints": "VpcEndpoints",
    "describe_internet_gateways": "InternetGateways",
    "describe_network_interfaces": "NetworkInterfaces",
}


@dataclass
class Footprint:
    startups: list[float]
    resources: dict[str, int]
    rss_idle_kib: int
    rss_kib: int
    hwm_kib: int
    fill_seconds: float
    fill_calls: int
    fill_errors: int

    @property
    def startup_median(self) -> float:
        return statistics.median(self.startups)

    @property
    def total(self) -> int:
        return sum(self.resources.values())


def startup_times(runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        with servers.vpcsim(quiet=True).start() as server:
            times.append(server.started_in)
    return times


def _unit(ec2: Any, i: int) -> tuple[int, int]:
    calls = errors = 0

    def call(op: str, **params: Any) -> dict[str, Any]:
        nonlocal calls, errors
        calls += 1
        try:
            return getattr(ec2, op)(**params)  # type: ignore[no-any-return]
        except Exception:
            errors += 1
            return {}

    net = f"10.{i % 256}"
    vpc = call("create_vpc", CidrBlock=f"{net}.0.0/16").get("Vpc", {}).get("VpcId", "vpc-none")
    first = call("create_subnet", VpcId=vpc, CidrBlock=f"{net}.0.0/24", AvailabilityZone="us-east-1a")
    subnet = first.get("Subnet", {}).get("SubnetId", "subnet-none")
    call("create_subnet", VpcId=vpc, CidrBlock=f"{net}.1.0/24", AvailabilityZone="us-east-1b")
    call("create_route_table", VpcId=vpc)
    call("create_security_group", VpcId=vpc, GroupName=f"bench-{i}", Description="bench")
    call(
        "create_vpc_endpoint",
        VpcEndpointType="Interface",
        VpcId=vpc,
        ServiceName=f"com.amazonaws.{workload.REGION}.sqs",
        SubnetIds=[subnet],
        PrivateDnsEnabled=False,
    )
    return calls, errors


def fill(url: str, units: int, threads: int) -> tuple[int, int]:
    """Creates ``units`` units from ``threads`` threads, each with its own client; answers (calls, errors)."""
    clients = [workload.client(url) for _ in range(threads)]
    totals = [(0, 0)] * threads

    def work(t: int) -> None:
        calls = errors = 0
        for i in range(t, units, threads):
            c, e = _unit(clients[t], i)
            calls, errors = calls + c, errors + e
        totals[t] = (calls, errors)

    workers = [threading.Thread(target=work, args=(t,)) for t in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return sum(c for c, _ in totals), sum(e for _, e in totals)


def count(url: str) -> dict[str, int]:
    ec2 = workload.client(url)
    counted = {}
    for op, key in _COUNTED.items():
        pages = ec2.get_paginator(op).paginate()
        counted[key] = sum(len(page.get(key, [])) for page in pages)
    return counted


def measure(target: int = 10_000, threads: int = 4, startup_runs: int = 5) -> Footprint:
    startups = startup_times(startup_runs)
    with servers.vpcsim(quiet=True).start() as server:
        idle = servers.rss_kib(server.pid)["VmRSS"]
        units = -(-target // UNIT_RESOURCES)
        began = time.perf_counter()
        calls, errors = fill(server.url, units, threads)
        seconds = time.perf_counter() - began
        resources = count(server.url)
        rss = servers.rss_kib(server.pid)
    return Footprint(startups, resources, idle, rss["VmRSS"], rss["VmHWM"], seconds, calls, errors)
