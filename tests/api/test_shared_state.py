"""Several servers, one truth: two vpcsim servers (or one with two workers) on one PostgreSQL state, eight clients
spread over them. Ids stay unique, subnets never overlap, no address is handed out twice, a read on one server sees
a write acknowledged by the other, and a server killed with SIGKILL mid-write loses nothing it acknowledged."""

from __future__ import annotations

import ipaddress
import json
import random
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.api.test_dataplane import _instance, _nat, _net
from tests.api.test_trace_faces import _post
from tests.pg_cluster import Cluster
from vpcsim.testing import Server, free_port

CLIENTS = 8
REGION = "eu-west-1"


def _start(url: str, *extra: str) -> Server:
    return Server(free_port(), ["--state", url, *extra]).start()


@pytest.fixture
def url(postgres: Cluster) -> str:
    return postgres.create_database("shared")


@pytest.fixture
def pair(url: str) -> Iterator[tuple[Server, Server]]:
    servers = (_start(url), _start(url))
    try:
        yield servers
    finally:
        for server in servers:
            server.stop()


def _spread(servers: tuple[Server, ...], account: str) -> Callable[[int], Any]:
    """The n-th call's EC2 client: calls alternate between the servers."""
    clients = [s.client("ec2", REGION, account) for s in servers]
    return lambda n: clients[n % len(clients)]


def _race(work: Callable[[int], Any]) -> list[Any]:
    with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
        return list(pool.map(work, range(CLIENTS)))


def _code(error: ClientError) -> str:
    return str(error.response["Error"]["Code"])


@pytest.mark.parametrize("seed", [None, 7])
def test_ids_are_unique_and_every_write_is_read_on_the_other_server(url: str, account: str, seed: int | None) -> None:
    # With the same --seed both servers draw the same ids; each must still get ids no one holds.
    extra = [] if seed is None else ["--seed", str(seed)]
    servers = (_start(url, *extra), _start(url, *extra))
    try:
        ec2 = _spread(servers, account)

        def create(client: int) -> list[str]:
            made = []
            for n in range(3):
                vpc_id = ec2(client + n).create_vpc(CidrBlock=f"10.{client}.{n}.0/24")["Vpc"]["VpcId"]
                # Acknowledged by one server: the other one answers with it at once.
                other = ec2(client + n + 1).describe_vpcs(VpcIds=[vpc_id])["Vpcs"]
                assert [v["VpcId"] for v in other] == [vpc_id]
                made.append(vpc_id)
            return made

        ids = [i for made in _race(create) for i in made]
        assert len(ids) == len(set(ids)) == 3 * CLIENTS
        for n in range(2):
            listed = {
                v["VpcId"] for v in ec2(n).describe_vpcs(Filters=[{"Name": "is-default", "Values": ["false"]}])["Vpcs"]
            }
            assert listed == set(ids)
    finally:
        for server in servers:
            server.stop()


def test_subnets_created_concurrently_through_two_servers_never_overlap(
    pair: tuple[Server, Server], account: str
) -> None:
    ec2 = _spread(pair, account)
    vpc_id = ec2(0).create_vpc(CidrBlock="10.0.0.0/20")["Vpc"]["VpcId"]
    candidates = [f"10.0.{i}.0/24" for i in range(16)] + [f"10.0.{i}.0/23" for i in range(0, 16, 2)]
    candidates += [f"10.0.{i}.0/22" for i in range(0, 16, 4)]

    def attempt(client: int) -> list[tuple[str, str]]:
        order = random.Random(client).sample(candidates, len(candidates))
        outcomes = []
        for n, cidr in enumerate(order):
            try:
                ec2(client + n).create_subnet(VpcId=vpc_id, CidrBlock=cidr)
                outcomes.append((cidr, "created"))
            except ClientError as error:
                outcomes.append((cidr, _code(error)))
        return outcomes

    outcomes = [o for client in _race(attempt) for o in client]
    created = [ipaddress.ip_network(c) for c, outcome in outcomes if outcome == "created"]
    assert {outcome for _, outcome in outcomes} == {"created", "InvalidSubnet.Conflict"}
    assert not any(x.overlaps(y) for i, x in enumerate(created) for y in created[i + 1 :])
    # Every refused candidate overlaps a created one: each refusal had a reason.
    assert all(any(ipaddress.ip_network(c).overlaps(x) for x in created) for c, _ in outcomes)
    for n in range(2):
        subnets = ec2(n).describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["Subnets"]
        assert sorted(ipaddress.ip_network(s["CidrBlock"]) for s in subnets) == sorted(created)


def test_no_address_is_handed_out_twice(pair: tuple[Server, Server], account: str) -> None:
    ec2 = _spread(pair, account)
    vpc_id = ec2(0).create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    subnet_id = ec2(1).create_subnet(VpcId=vpc_id, CidrBlock="10.1.0.0/28")["Subnet"]["SubnetId"]

    def fill(client: int) -> list[str]:
        addresses = []
        for n in range(4):
            try:
                eni = ec2(client + n).create_network_interface(SubnetId=subnet_id)["NetworkInterface"]
                addresses.append(eni["PrivateIpAddress"])
            except ClientError as error:
                assert _code(error) == "InsufficientFreeAddressesInSubnet"
        return addresses

    addresses = [a for client in _race(fill) for a in client]
    # A /28 holds 16 addresses; AWS reserves the first four and the last.
    assert len(addresses) == len(set(addresses)) == 11

    def allocate(client: int) -> list[str]:
        own = _spread(pair, f"{int(account) % 10**11 + client:012d}")  # one account per client, Elastic IP quota 5
        return [own(client + n).allocate_address(Domain="vpc")["PublicIp"] for n in range(5)]

    public = [ip for client in _race(allocate) for ip in client]
    assert len(public) == len(set(public)) == 5 * CLIENTS


def test_nothing_acknowledged_is_lost_when_a_server_is_killed_mid_write(url: str, account: str) -> None:
    victim, survivor = _start(url), _start(url)
    acknowledged: list[str] = []
    done = threading.Event()

    def write(client: int) -> None:
        server = victim if client % 4 else survivor
        ec2 = server.client("ec2", REGION, account)
        for n in range(200):
            if done.is_set() and server is survivor:
                return
            try:
                acknowledged.append(ec2.create_vpc(CidrBlock=f"10.{client}.{n % 256}.0/24")["Vpc"]["VpcId"])
            except Exception:  # the victim is gone: its calls fail, unacknowledged
                if server is victim:
                    return

    with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
        running = [pool.submit(write, c) for c in range(CLIENTS)]
        while len(acknowledged) < 30:
            time.sleep(0.01)
        victim.process.kill()  # type: ignore[union-attr]  # SIGKILL, mid-write: calls are in flight
        done.set()
        for future in running:
            future.result()
    victim.process.wait()  # type: ignore[union-attr]
    try:
        ec2 = survivor.client("ec2", REGION, account)
        vpcs = ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["false"]}])["Vpcs"]
        listed = {v["VpcId"] for v in vpcs}
        assert set(acknowledged) <= listed
        # Nothing half-applied: every VPC there, acknowledged or not, came with its main route table and group.
        tables = ec2.describe_route_tables(Filters=[{"Name": "association.main", "Values": ["true"]}])["RouteTables"]
        groups = ec2.describe_security_groups(Filters=[{"Name": "group-name", "Values": ["default"]}])
        assert listed <= {t["VpcId"] for t in tables}
        assert listed <= {g["VpcId"] for g in groups["SecurityGroups"]}
        restarted = _start(url)
        try:
            again = restarted.client("ec2", REGION, account).describe_vpcs()["Vpcs"]
            assert {v["VpcId"] for v in again if not v["IsDefault"]} == listed
        finally:
            restarted.stop()
    finally:
        survivor.stop()


def _children(pid: int) -> list[int]:
    found = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(c) for c in found.read_text().split()] if found.exists() else []


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="counts worker processes through /proc")
def test_workers_serve_one_state_and_a_dead_worker_is_replaced(url: str, account: str) -> None:
    server = _start(url, "--workers", "2")
    try:
        assert server.process is not None
        workers = _children(server.process.pid)
        assert len(workers) == 2
        ec2 = server.client("ec2", REGION, account)

        def create(client: int) -> list[str]:
            own = server.client("ec2", REGION, account)
            return [own.create_vpc(CidrBlock=f"10.{client}.{n}.0/24")["Vpc"]["VpcId"] for n in range(4)]

        ids = [i for made in _race(create) for i in made]
        assert len(set(ids)) == 4 * CLIENTS
        subprocess.run(["kill", "-9", str(workers[0])], check=True)
        deadline = time.monotonic() + 20
        while (len(now := _children(server.process.pid)) != 2 or workers[0] in now) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert len(now) == 2 and workers[0] not in now
        listed = {v["VpcId"] for v in ec2.describe_vpcs()["Vpcs"] if not v["IsDefault"]}
        assert listed == set(ids)
    finally:
        server.stop()
    assert all(not Path(f"/proc/{w}").exists() or "zombie" in Path(f"/proc/{w}/status").read_text() for w in now)


def _health(server: Server) -> int:
    with urllib.request.urlopen(server.url + "/_vpcsim/health", timeout=10) as answer:
        return int(json.loads(answer.read())["revision"])


@pytest.mark.parametrize("scale", ["0", "1000"])
def test_reads_write_nothing_and_every_server_sees_one_lifecycle(url: str, account: str, scale: str) -> None:
    # Lifecycles follow elapsed time (control/core/lifecycle.py): a state shown is computed when read, never written,
    # so describes and traces on either server leave the shared revision alone and agree on what they show.
    writer, reader = _start(url, "--time-scale", scale), _start(url, "--time-scale", scale)
    try:
        net = _net(writer.client("ec2", "eu-west-2", account))
        nat = _nat(net)
        instance = _instance(net.ec2, net.private)
        revision = _health(writer)
        ec2s = [s.client("ec2", "eu-west-2", account) for s in (writer, reader)]
        shown = {ec2.describe_nat_gateways(NatGatewayIds=[nat])["NatGateways"][0]["State"] for ec2 in ec2s * 2}
        assert shown == ({"available"} if scale == "0" else {"pending"})
        verdicts = {
            _post(s, "/_vpcsim/api/trace", {"source": instance, "destination": "8.8.8.8"})[1]["verdict"]
            for s in (reader, writer)
        }
        assert verdicts == ({"reachable"} if scale == "0" else {"blocked"})
        for ec2 in ec2s:
            ec2.describe_vpcs()
            ec2.describe_route_tables()
            ec2.describe_instances(InstanceIds=[instance])
        assert _health(writer) == _health(reader) == revision
        ec2s[1].create_tags(Resources=[nat], Tags=[{"Key": "k", "Value": "v"}])
        assert _health(writer) == _health(reader) == revision + 1
    finally:
        writer.stop()
        reader.stop()


def _status(server: Server, path: str) -> tuple[int, dict[str, Any]]:
    try:
        with urllib.request.urlopen(server.url + path, timeout=30) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_a_lost_database_answers_503_on_every_face_and_the_server_recovers(postgres: Cluster, account: str) -> None:
    import psycopg

    url = postgres.create_database("lost")
    name = urllib.parse.urlsplit(url).path.lstrip("/")
    server = _start(url)
    try:
        ec2 = server.client("ec2", REGION, account)
        vpc_id = ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
        with psycopg.connect(postgres.url(), autocommit=True) as admin:
            admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", (name,))
            admin.execute(f'ALTER DATABASE "{name}" RENAME TO "{name}_gone"')
            try:
                for path in ("/_vpcsim/health", "/_vpcsim/api/revision", "/_vpcsim/api/topology"):
                    status, body = _status(server, path)
                    assert (status, body["error"]["code"]) == (503, "ServiceUnavailable"), path
                with pytest.raises(ClientError) as lost:
                    ec2.describe_vpcs()
                assert lost.value.response["ResponseMetadata"]["HTTPStatusCode"] == 503
                assert _code(lost.value) == "ServiceUnavailable"
            finally:
                admin.execute(f'ALTER DATABASE "{name}_gone" RENAME TO "{name}"')
        assert vpc_id in {v["VpcId"] for v in ec2.describe_vpcs()["Vpcs"]}
        assert _status(server, "/_vpcsim/health")[0] == 200
    finally:
        server.stop()
