"""Scale-out benchmark (issue 17): requests per second of vpcsim on SQLite (one process) and on PostgreSQL with 1, 2
and 4 worker processes under 1-64 concurrent clients, for creates and filtered describes; and describe latency over
10^4 and 10^5 VPC endpoints, which should follow the size of the answer, not of the state.

    .venv/bin/python bench/scale.py [--quick] [--seconds S] [--rounds R] [--clients 1,8,32,64] [--workers 1,2,4]
                                    [--commit durable,async] [--no-size]

The client is deliberately light, so that the server is the limit: raw HTTP/1.1 keep-alive connections on asyncio
(uvloop), one pre-built request per call (vpcsim reads the SigV4 scope but does not verify the signature), reading
only the status line, Content-Length and body. Its own ceiling is measured against bench/nullserver.py. PostgreSQL
runs on a unix socket in a temporary directory, with its default durability and with synchronous_commit off.
Every configuration's database is in that one PostgreSQL server, so before each point the server is let settle (a
CHECKPOINT, and no autovacuum worker running): otherwise the background work that one point's writes leave (WAL to
write, tables to vacuum) falls on whichever point is measured next, another configuration's.
All servers run from the start and each round measures every point of every server in turn; a figure is the median
of the rounds, so a change in the shared machine's load falls on all configurations alike. A section with date,
command, machine and load is appended to bench/RESULTS.md. Benchmarks are not tests.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime
import os
import platform
import re
import shlex
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH.parent))

import servers  # noqa: E402
from tests.pg_cluster import Cluster, start_cluster  # noqa: E402

from vpcsim.testing import ADMIN_HEADERS, Server, free_port  # noqa: E402

RESULTS = BENCH / "RESULTS.md"
SIGNATURE = "0" * 64
CREATOR, READER = "111100001111", "222200002222"


def request(port: int, account: str, body: str) -> bytes:
    data = body.encode()
    auth = (
        f"AWS4-HMAC-SHA256 Credential={account}/20260101/us-east-1/ec2/aws4_request, "
        f"SignedHeaders=host;x-amz-date, Signature={SIGNATURE}"
    )
    head = (
        f"POST / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/x-www-form-urlencoded\r\n"
        f"X-Amz-Date: 20260101T000000Z\r\nAuthorization: {auth}\r\nContent-Length: {len(data)}\r\n\r\n"
    )
    return head.encode() + data


def query(action: str, **params: str) -> str:
    from urllib.parse import urlencode

    return urlencode({"Action": action, "Version": "2016-11-15", **params})


# -- the client ------------------------------------------------------------------------------------------------------
async def _call(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, raw: bytes) -> tuple[int, bytes]:
    writer.write(raw)
    head = await reader.readuntil(b"\r\n\r\n")
    match = re.search(rb"(?i)content-length:\s*(\d+)", head)
    body = await reader.readexactly(int(match.group(1))) if match else b""
    return int(head[9:12]), body


async def _client(
    port: int, requests: list[bytes], offset: int, until: float, out: list[float], errors: list[int]
) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    n = offset
    try:
        while (now := time.perf_counter()) < until:
            status, _ = await _call(reader, writer, requests[n % len(requests)])
            out.append(time.perf_counter() - now)
            if status != 200:
                errors.append(status)
            n += 1
    finally:
        writer.close()


async def _load(port: int, requests: list[bytes], clients: int, seconds: float) -> tuple[float, list[float], int]:
    latencies: list[float] = []
    errors: list[int] = []
    began = time.perf_counter()
    until = began + seconds
    await asyncio.gather(*(_client(port, requests, i * 7919, until, latencies, errors) for i in range(clients)))
    return len(latencies) / (time.perf_counter() - began), latencies, len(errors)


def load(port: int, requests: list[bytes], clients: int, seconds: float) -> tuple[float, list[float], int]:
    """(requests per second, latencies, non-200 answers) of ``clients`` connections for ``seconds``."""
    return _run(_load(port, requests, clients, seconds))


def calls(port: int, requests: list[bytes]) -> list[bytes]:
    """Send ``requests`` one after another on one connection; their bodies."""

    async def go() -> list[bytes]:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        bodies = []
        for raw in requests:
            status, body = await _call(reader, writer, raw)
            if status != 200:
                raise RuntimeError(body.decode()[:300])
            bodies.append(body)
        writer.close()
        return bodies

    return _run(go())


def _run(coroutine):  # type: ignore[no-untyped-def]
    try:
        import uvloop

        return uvloop.run(coroutine)
    except ImportError:
        return asyncio.run(coroutine)


# -- part 1: throughput ------------------------------------------------------------------------------------------------
@contextmanager
def serving(args: list[str]) -> Iterator[Server]:
    server = Server(free_port(), args).start(timeout=120)
    try:
        yield server
    finally:
        server.stop()


def _describe_requests(port: int, vpcs: int) -> list[bytes]:
    """Create ``vpcs`` VPCs with a subnet each (as READER); DescribeSubnets filtered by each VPC's id."""
    made = calls(port, [request(port, READER, query("CreateVpc", CidrBlock="10.0.0.0/16"))] * vpcs)
    ids = [re.search(rb"<vpcId>(vpc-[0-9a-f]+)</vpcId>", body).group(1).decode() for body in made]  # type: ignore[union-attr]
    calls(port, [request(port, READER, query("CreateSubnet", VpcId=v, CidrBlock="10.0.0.0/24")) for v in ids])
    return [
        request(port, READER, query("DescribeSubnets", **{"Filter.1.Name": "vpc-id", "Filter.1.Value.1": v}))
        for v in ids
    ]


Point = tuple[str, int]  # (op, clients)


Sample = tuple[float, float, int, float]  # req/s, p50 ms, errors, CPU ms per request (vpcsim and PostgreSQL)


def throughput(
    configs: dict[str, list[str]], clients: list[int], seconds: float, rounds: int, cluster: Cluster
) -> dict[str, dict[Point, Sample]]:
    """config -> (op, clients) -> the median of ``rounds`` rounds. Every server runs from the start; each round
    measures every point of every server in turn, so that a change in the machine's load (it is shared) falls on all
    of them alike rather than on whichever ran at that moment. CPU per request counts the server's processes and
    PostgreSQL's (whatever runs beside them does not count): it is what the load costs, whoever else uses the cores.
    Each create point starts from the same state (reset, then the describe workload built again): otherwise a faster
    configuration would measure its creates on a state its earlier points made larger, and a write costs more on a
    larger PostgreSQL state (its tables and indexes outgrow PostgreSQL's buffers)."""
    with contextlib.ExitStack() as stack:
        started = {name: stack.enter_context(serving(args)) for name, args in configs.items()}
        work = {name: _workload(server.port) for name, server in started.items()}
        samples: dict[str, dict[Point, list[Sample]]] = {name: {} for name in configs}
        for round_ in range(rounds):
            for name, server in started.items():
                for op in ("create", "describe"):
                    if round_ == 0:  # warm-up: connections, caches, workers
                        load(server.port, work[name][op], max(clients), 1.0)
                    for n in clients:
                        if op == "create":
                            work[name] = _fresh(server.port)
                        point = _sample(server, cluster, work[name][op], n, seconds)
                        samples[name].setdefault((op, n), []).append(point)
                print(f"bench: round {round_ + 1}/{rounds} {name} done", flush=True)
    return {name: {point: _median(runs) for point, runs in points.items()} for name, points in samples.items()}


def _settle(cluster: Cluster, patience: float = 30.0) -> None:
    """Let PostgreSQL finish the background work earlier points left: a checkpoint, then no autovacuum running."""
    import psycopg

    with psycopg.connect(cluster.url(), autocommit=True) as conn:
        conn.execute("CHECKPOINT")
        until = time.monotonic() + patience
        query = "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'autovacuum worker'"
        while conn.execute(query).fetchone() != (0,) and time.monotonic() < until:
            time.sleep(0.2)


def _sample(server: Server, cluster: Cluster, requests: list[bytes], clients: int, seconds: float) -> Sample:
    assert server.process is not None
    _settle(cluster)
    pids = [server.process.pid, *_children(server.process.pid), *_children(cluster.postmaster())]
    before = _cpu_seconds(pids)
    rate, latencies, errors = load(server.port, requests, clients, seconds)
    cpu_ms = (_cpu_seconds(pids) - before) * 1000 / max(len(latencies), 1)
    return rate, statistics.median(latencies) * 1000, errors, cpu_ms


def _children(pid: int) -> list[int]:
    found = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(c) for c in found.read_text().split()] if found.exists() else []


def _cpu_seconds(pids: list[int]) -> float:
    """User and system CPU time of ``pids`` (those still alive), from /proc/PID/stat."""
    ticks = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        ticks += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)
    return ticks / os.sysconf("SC_CLK_TCK")


def _fresh(port: int) -> dict[str, list[bytes]]:
    """The server's state cleared (its admin API) and the workload built again."""
    from urllib.request import Request, urlopen

    reset = Request(f"http://127.0.0.1:{port}/_vpcsim/reset", data=b"", method="POST", headers=ADMIN_HEADERS)
    with urlopen(reset, timeout=60) as answer:
        answer.read()
    return _workload(port)


def _workload(port: int) -> dict[str, list[bytes]]:
    describes = _describe_requests(port, 200)
    creates = [request(port, CREATOR, query("CreateVpc", CidrBlock="10.0.0.0/16"))]
    calls(port, creates)  # the account's default VPC is made by its first call
    return {"create": creates, "describe": describes}


def _median(runs: list[Sample]) -> Sample:
    ordered = sorted(runs)
    rate, p50, _, _ = ordered[len(ordered) // 2]
    return rate, p50, sum(run[2] for run in runs), statistics.median(run[3] for run in runs)


def null_ceiling(clients: int, seconds: float) -> float:
    with servers.null().start() as null:
        raw = [request(null.port, READER, query("DescribeSubnets"))]
        return load(null.port, raw, clients, seconds)[0]


# -- part 2: describe latency at 10^4 and 10^5 endpoints ------------------------------------------------------------
def build_endpoints(path: Path, vpcs: int, per_vpc: int = 50) -> list[tuple[str, str]]:
    """An SQLite state with ``vpcs`` x ``per_vpc`` interface endpoints (50 is AWS's default quota per VPC), built in
    process through the control plane; (vpc id, one endpoint id) of each VPC."""
    from vpcsim.app import Options, build

    built = build(Options(state=path))
    control = built.control

    def call(op: str, **params: object) -> dict[str, object]:
        return control.handle("ec2", op, params, account=READER, region="us-east-1", request_id="bench")

    picked = []
    for _ in range(vpcs):
        vpc = str(call("CreateVpc", CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"])  # type: ignore[index]
        for i in range(per_vpc):
            made = call(
                "CreateVpcEndpoint",
                VpcId=vpc,
                ServiceName="com.amazonaws.us-east-1.sqs",
                VpcEndpointType="Interface",
                PrivateDnsEnabled=False,
            )
            if i == 0:
                picked.append((vpc, str(made["VpcEndpoint"]["VpcEndpointId"])))  # type: ignore[index]
    built.store.close()
    return picked


def describe_latency(port: int, picked: list[tuple[str, str]], rounds: int = 300) -> dict[str, float]:
    """p50 ms of DescribeVpcEndpoints by id (1 answer) and filtered by vpc-id (50 answers), on one connection."""
    by_id = [request(port, READER, query("DescribeVpcEndpoints", **{"VpcEndpointId.1": e})) for _, e in picked]
    by_vpc = [
        request(port, READER, query("DescribeVpcEndpoints", **{"Filter.1.Name": "vpc-id", "Filter.1.Value.1": v}))
        for v, _ in picked
    ]

    async def timed(requests: list[bytes]) -> list[float]:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        latencies = []
        for raw in requests:
            began = time.perf_counter()
            status, body = await _call(reader, writer, raw)
            latencies.append(time.perf_counter() - began)
            if status != 200:
                raise RuntimeError(body.decode()[:300])
        writer.close()
        return latencies[20:]  # the first calls warm the connection and caches

    # One untimed pass over every request first: reads write nothing (lifecycles follow elapsed time,
    # control/core/lifecycle.py), but the first describe of each VPC warms the server's caches.
    calls(port, by_vpc)
    found = {}
    for name, requests in (("by id (1)", by_id), ("vpc-id filter (50)", by_vpc)):
        sample = (requests * (rounds // len(requests) + 1))[: rounds + 20]
        found[name] = statistics.median(_run(timed(sample))) * 1000
    return found


# -- the report --------------------------------------------------------------------------------------------------------
def _machine() -> str:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    system = f"{platform.system()} {platform.release()}"
    return f"cores (nproc) {os.cpu_count()}; CPU {cpu}; Python {platform.python_version()}; OS {system}"


def _load_average() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="1 s per point, one round, 10^3/10^4 endpoints")
    parser.add_argument("--seconds", type=float, default=2.0, help="per point and round")
    parser.add_argument("--rounds", type=int, default=3, help="figures are the median of the rounds")
    parser.add_argument("--clients", default="1,8,32,64")
    parser.add_argument("--workers", default="1,2,4")
    parser.add_argument("--no-size", action="store_true", help="skip the 10^4/10^5 endpoint latency part")
    parser.add_argument(
        "--commit", default="durable,async", help="PostgreSQL synchronous_commit: durable (on), async (off), or both"
    )
    options = parser.parse_args()
    seconds = 1.0 if options.quick else options.seconds
    if options.quick:
        options.rounds = 1
    clients = [int(c) for c in options.clients.split(",")]
    workers = [int(w) for w in options.workers.split(",")]
    started, load_before = datetime.datetime.now(datetime.UTC), _load_average()
    cluster = start_cluster(settings={})  # PostgreSQL's default durability
    tmp = Path(tempfile.mkdtemp(prefix="vpcsim-scale-"))
    try:
        configs = {"SQLite, 1 process": ["--state", str(tmp / "t.db")]}
        for commit in options.commit.split(","):
            for n in workers:
                extra = ["--workers", str(n)] if n > 1 else []
                configs[f"PostgreSQL {commit}, {n} worker{'s' * (n > 1)}"] = [
                    "--state",
                    _database(cluster, commit),
                    *extra,
                ]
        table = throughput(configs, clients, seconds, options.rounds, cluster)
        ceiling = null_ceiling(max(clients), seconds)
        sizes = {} if options.no_size else size_part(cluster, tmp, options.quick)
    finally:
        cluster.stop()
    report(
        started,
        load_before,
        table,
        clients,
        ceiling,
        sizes,
        f"{seconds:g} s per point, median of {options.rounds} rounds",
    )


def _database(cluster: Cluster, commit: str) -> str:
    """A fresh database; ``async`` sets synchronous_commit off for it (docs/postgresql.md, the trade-off)."""
    import psycopg

    url = cluster.create_database("bench")
    if commit == "async":
        name = url.split("/")[3].split("?")[0]
        with psycopg.connect(cluster.url(), autocommit=True) as conn:
            conn.execute(f'ALTER DATABASE "{name}" SET synchronous_commit = off')
    return url


def size_part(cluster: Cluster, tmp: Path, quick: bool) -> dict[tuple[str, int], dict[str, float]]:
    found = {}
    for vpcs in (20, 200) if quick else (200, 2000):
        path = tmp / f"e{vpcs}.db"
        began = time.perf_counter()
        picked = build_endpoints(path, vpcs)
        print(f"bench: built {vpcs * 50:,} endpoints in {time.perf_counter() - began:.0f}s", flush=True)
        url = cluster.create_database("size")
        from vpcsim.store import copy_state, open_backend

        source, target = open_backend(path, writer=False), open_backend(url)
        copy_state(source, target)
        source.close(), target.close()
        for name, state in (("SQLite", str(path)), ("PostgreSQL", url)):
            with serving(["--state", state]) as server:
                found[(name, vpcs * 50)] = describe_latency(server.port, picked)
    return found


def report(started, load_before, table, clients, ceiling, sizes, seconds) -> None:  # type: ignore[no-untyped-def]
    ended = datetime.datetime.now(datetime.UTC)
    lines = [
        "",
        f"## Scale-out run of {started:%Y-%m-%d %H:%M} UTC (bench/scale.py)",
        "",
        f"- Command: `{shlex.join([Path(sys.executable).name, *sys.argv])}` ({(ended - started).seconds} s)",
        f"- Machine: {_machine()}",
        f"- Load average (1, 5, 15 min) at start {load_before}, at end {_load_average()}. The 2 cores are shared "
        "with other work: compare figures of one run, not across runs.",
        f"- Raw HTTP/1.1 keep-alive clients on asyncio (uvloop), {seconds}, every server up all along and "
        "measured in turn each round, PostgreSQL settled before each point (CHECKPOINT, no autovacuum running); "
        "the client alone against "
        f"bench/nullserver.py: {ceiling:,.0f} req/s at {max(clients)} connections (its ceiling on this machine).",
        "- PostgreSQL 15, unix socket: durable = its default synchronous_commit on (every commit waits for its WAL "
        "flush), async = synchronous_commit off for the database (as SQLite's synchronous=NORMAL, which vpcsim uses: "
        "a crash of the database's host may lose the last calls). SQLite WAL synchronous=NORMAL.",
        "- Creates: CreateVpc (a VPC, its main route table, default security group and ACL), each point from the "
        "same state (reset, then the 200 VPCs below made again). Describes: DescribeSubnets filtered by vpc-id over "
        "200 VPCs (one subnet answered).",
        "",
        "### Requests per second (p50 latency ms)",
        "",
        "| state | " + " | ".join(f"{op} x{n}" for op in ("create", "describe") for n in clients) + " |",
        "|---|" + "---:|" * (2 * len(clients)),
    ]
    for name, found in table.items():
        cells = [
            f"{found[(op, n)][0]:,.0f} ({found[(op, n)][1]:.1f})"
            + (f" {found[(op, n)][2]} errors" if found[(op, n)][2] else "")
            for op in ("create", "describe")
            for n in clients
        ]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    lines += [
        "",
        "### CPU ms per request: vpcsim's processes and PostgreSQL's (not the client's, nor other work's)",
        "",
        "| state | " + " | ".join(f"{op} x{n}" for op in ("create", "describe") for n in clients) + " |",
        "|---|" + "---:|" * (2 * len(clients)),
    ]
    for name, found in table.items():
        cells = [f"{found[(op, n)][3]:.2f}" for op in ("create", "describe") for n in clients]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    for commit in ("durable", "async"):
        one = table.get(f"PostgreSQL {commit}, 1 worker")
        two = table.get(f"PostgreSQL {commit}, 2 workers")
        if not (one and two):
            continue
        lines += ["", f"Scaling, 2 workers / 1 worker (PostgreSQL {commit}), best of the client counts:"]
        for op in ("create", "describe"):
            best1 = max(one[(op, n)][0] for n in clients)
            best2 = max(two[(op, n)][0] for n in clients)
            lines.append(f"- {op}: {best2 / best1:.2f}x ({best2:,.0f} vs {best1:,.0f} req/s); target >= 1.6x")
    if sizes:
        lines += [
            "",
            "### DescribeVpcEndpoints p50 ms, one connection, by state size",
            "",
            "| state | endpoints | by id (1 answered) | vpc-id filter (50 answered) |",
            "|---|---:|---:|---:|",
        ]
        for (name, count), found in sizes.items():
            lines.append(f"| {name} | {count:,} | {found['by id (1)']:.2f} | {found['vpc-id filter (50)']:.2f} |")
    text = "\n".join(lines) + "\n"
    with RESULTS.open("a") as out:
        out.write(text)
    print(text)


if __name__ == "__main__":
    main()
