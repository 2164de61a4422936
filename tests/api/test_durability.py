"""On one SQLite state file (issue 16 item 9): a server killed with SIGKILL while eight clients write loses no write it
acknowledged and keeps no half-applied call; eight concurrent clients never get a duplicate id, overlapping subnets
or an address handed out twice."""

from __future__ import annotations

import ipaddress
import itertools
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from vpcsim.testing import Server, free_port

REGION = "eu-west-1"
CLIENTS = 8


def _server(state: Path) -> Server:
    return Server(free_port(), ["--state", str(state)]).start()


@pytest.fixture
def state(tmp_path: Path) -> Path:
    return tmp_path / "state.db"


@pytest.fixture
def server(state: Path) -> Iterator[Server]:
    started = _server(state)
    try:
        yield started
    finally:
        started.stop()


def _race(work: Callable[[int], Any]) -> list[Any]:
    """``work(client)`` for eight clients at once, started together."""
    start = threading.Barrier(CLIENTS)

    def run(client: int) -> Any:
        start.wait()
        return work(client)

    with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
        return list(pool.map(run, range(CLIENTS)))


def test_nothing_acknowledged_is_lost_and_nothing_is_half_applied_after_kill_9(state: Path, account: str) -> None:
    victim = _server(state)
    acknowledged: list[str] = []

    def write(client: int) -> None:
        ec2 = victim.client("ec2", REGION, account)
        for n in range(400):
            try:
                vpc = ec2.create_vpc(CidrBlock=f"10.{client}.{n % 256}.0/24")["Vpc"]["VpcId"]
            except Exception:  # the server is gone: this call was never acknowledged
                return
            acknowledged.append(vpc)

    with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
        running = [pool.submit(write, c) for c in range(CLIENTS)]
        deadline = time.monotonic() + 300
        while len(acknowledged) < 40 and time.monotonic() < deadline:
            time.sleep(0.01)
        assert len(acknowledged) >= 40, "the clients did not get going"
        victim.process.kill()  # type: ignore[union-attr]  # SIGKILL while calls are in flight
        for future in running:
            future.result()
    victim.process.wait()  # type: ignore[union-attr]
    restarted = _server(state)
    try:
        ec2 = restarted.client("ec2", REGION, account)
        listed = {v["VpcId"] for v in ec2.describe_vpcs()["Vpcs"] if not v["IsDefault"]}
        assert set(acknowledged) <= listed
        # A CreateVpc is one transaction: every VPC that survived, acknowledged or not, has what came with it.
        tables = ec2.describe_route_tables(Filters=[{"Name": "association.main", "Values": ["true"]}])["RouteTables"]
        groups = ec2.describe_security_groups(Filters=[{"Name": "group-name", "Values": ["default"]}])
        acls = ec2.describe_network_acls(Filters=[{"Name": "default", "Values": ["true"]}])["NetworkAcls"]
        assert listed <= {t["VpcId"] for t in tables}
        assert listed <= {g["VpcId"] for g in groups["SecurityGroups"]}
        assert listed <= {a["VpcId"] for a in acls}
        # And the state is still writable where it left off.
        assert ec2.create_vpc(CidrBlock="10.200.0.0/16")["Vpc"]["VpcId"] not in listed
    finally:
        restarted.stop()


def test_eight_clients_get_unique_ids_disjoint_subnets_and_distinct_addresses(server: Server, account: str) -> None:
    ec2 = server.client("ec2", REGION, account)
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]

    def subnets(client: int) -> list[tuple[str, str]]:
        own = server.client("ec2", REGION, account)
        made = []
        for n in range(8):  # every client asks for every block: only one of each can succeed
            block = f"10.0.{n}.0/24"
            try:
                made.append((own.create_subnet(VpcId=vpc, CidrBlock=block)["Subnet"]["SubnetId"], block))
            except own.exceptions.ClientError as error:
                assert error.response["Error"]["Code"] == "InvalidSubnet.Conflict", error
        return made

    created = [s for client in _race(subnets) for s in client]
    assert len({sid for sid, _ in created}) == len(created) == 8
    blocks = sorted(ipaddress.ip_network(b) for _, b in created)
    assert all(not a.overlaps(b) for a, b in itertools.pairwise(blocks))
    subnet = created[0][0]

    def interfaces(client: int) -> list[tuple[str, str]]:
        own = server.client("ec2", REGION, account)
        found = []
        for _ in range(6):
            eni = own.create_network_interface(SubnetId=subnet)["NetworkInterface"]
            found.append((eni["NetworkInterfaceId"], eni["PrivateIpAddress"]))
        return found

    enis = [e for client in _race(interfaces) for e in client]
    assert len({i for i, _ in enis}) == len({ip for _, ip in enis}) == CLIENTS * 6

    def elastic(client: int) -> list[str]:
        own = server.client("ec2", REGION, f"{int(account) % 10**11 + client:012d}")  # Elastic IP quota: 5 each
        return [own.allocate_address(Domain="vpc")["PublicIp"] for _ in range(5)]

    public = [ip for client in _race(elastic) for ip in client]
    assert len(set(public)) == len(public) == CLIENTS * 5
