"""States on disk and in PostgreSQL: one server per SQLite file (a second is refused, naming the holder), private
file permissions, read-only commands beside a running server, ``vpcsim state copy`` both ways, ``state migrate``,
and ``--workers`` refused where the state cannot be shared."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

from tests.pg_cluster import Cluster
from vpcsim.flowlogs.fields import DEFAULT_FIELDS
from vpcsim.store import open_backend
from vpcsim.testing import Server, free_port, persistent_server


def vpcsim(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "vpcsim", *args], capture_output=True, text=True, timeout=60)


def _lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()]


def test_a_second_server_on_a_held_state_file_is_refused_naming_the_holder(tmp_path: Path) -> None:
    path = tmp_path / "private" / "state.db"
    server = persistent_server(path).start()
    try:
        assert server.process is not None
        second = vpcsim("serve", "--state", str(path), "--port", str(free_port()))
        assert second.returncode == 1
        assert _lines(second.stderr) == [second.stderr.strip()]  # one line, no traceback
        assert f"pid {server.process.pid}" in second.stderr and str(path) in second.stderr
        assert vpcsim("demo", "--state", str(path)).returncode == 1  # a writer too
        # Readers are fine beside the server.
        cost = vpcsim("cost", "--state", str(path), "--region", "eu-west-1", "--json")
        assert cost.returncode == 0, cost.stderr
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    finally:
        server.stop()
    again = persistent_server(path).start()  # released when the holder stops
    again.stop()


def test_workers_need_a_shared_state(tmp_path: Path) -> None:
    for state in (["--state", str(tmp_path / "s.db")], ["--ephemeral"]):
        refused = vpcsim("serve", *state, "--workers", "2", "--port", str(free_port()))
        assert refused.returncode == 1
        assert _lines(refused.stderr) == [refused.stderr.strip()]
        assert "PostgreSQL" in refused.stderr


def _records(location: str) -> tuple[list[object], dict[str, str]]:
    backend = open_backend(location, writer=False)
    try:
        loaded = backend.load()
    finally:
        backend.close()
    return [(r.kind, r.id, r.account, r.region, r.parent, r.to_json()) for r in loaded.records], loaded.meta


def test_state_copy_round_trip_between_sqlite_and_postgresql(tmp_path: Path, postgres: Cluster, account: str) -> None:
    first, last = tmp_path / "first.db", tmp_path / "last.db"
    server = persistent_server(first).start()
    ec2 = server.client("ec2", "eu-west-2", account)
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
    ec2.create_vpc_endpoint(
        VpcId=vpc,
        ServiceName="com.amazonaws.eu-west-2.sqs",
        SubnetIds=[subnet],
        VpcEndpointType="Interface",
        PrivateDnsEnabled=False,
    )
    server.stop()

    url = postgres.create_database("copy")
    copied = vpcsim("state", "copy", str(first), url)
    assert copied.returncode == 0, copied.stderr
    assert _records(url) == _records(str(first))
    shared = Server(free_port(), ["--state", url]).start()
    try:
        on_pg = shared.client("ec2", "eu-west-2", account)
        assert {v["VpcId"] for v in on_pg.describe_vpcs()["Vpcs"]} >= {vpc}
        assert len(on_pg.describe_vpc_endpoints()["VpcEndpoints"]) == 1
        added = on_pg.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
    finally:
        shared.stop()

    assert vpcsim("state", "copy", url, str(last)).returncode == 0
    assert _records(str(last)) == _records(url)
    assert added in {rid for _, rid, *_ in _records(str(last))[0]} - {rid for _, rid, *_ in _records(str(first))[0]}
    refused = vpcsim("state", "copy", str(first), str(last))
    assert refused.returncode == 1 and "--replace" in refused.stderr
    assert vpcsim("state", "copy", str(first), str(last), "--replace").returncode == 0
    assert _records(str(last)) == _records(str(first))


def test_state_migrate_creates_the_schema_and_says_its_version(postgres: Cluster, tmp_path: Path) -> None:
    url = postgres.create_database("migrate")
    created = vpcsim("state", "migrate", url)
    assert created.returncode == 0, created.stderr
    assert "migrated from 0 to" in created.stdout
    assert "is at schema version" in vpcsim("state", "migrate", url).stdout
    assert "migrated from 0 to" in vpcsim("state", "migrate", str(tmp_path / "s.db")).stdout
    unreachable = vpcsim("state", "migrate", "postgresql://nobody@/none?host=/nonexistent&port=1")
    assert unreachable.returncode == 1 and _lines(unreachable.stderr) == [unreachable.stderr.strip()]


def test_revisions_only_grow_across_restarts_and_resets(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    server = persistent_server(path).start()
    server.client("ec2", "eu-west-1", "111122223333").describe_vpcs()
    before = _revision(server)
    server.stop()
    again = persistent_server(path).start()
    try:
        assert _revision(again) == before
        again.reset()
        assert _revision(again) == before + 1  # a reset is a change like any other: the revision never goes back
        again.client("ec2", "eu-west-1", "111122223333").describe_vpcs()
        assert _revision(again) == before + 2
    finally:
        again.stop()


def _revision(server: Server) -> int:
    import json
    import urllib.request

    with urllib.request.urlopen(server.url + "/_vpcsim/health", timeout=5) as response:
        return int(json.loads(response.read())["revision"])


def test_the_default_state_directory_is_made_private(tmp_path: Path) -> None:
    data = tmp_path / "data"
    (data / "vpcsim").mkdir(parents=True, mode=0o755)
    (data / "vpcsim").chmod(0o755)  # as an older vpcsim left it
    env = {**os.environ, "XDG_DATA_HOME": str(data)}
    done = subprocess.run(
        [sys.executable, "-m", "vpcsim", "demo"], capture_output=True, text=True, timeout=120, env=env
    )
    assert done.returncode == 0, done.stderr
    assert stat.S_IMODE((data / "vpcsim").stat().st_mode) == 0o700
    assert stat.S_IMODE((data / "vpcsim" / "state.db").stat().st_mode) == 0o600


def test_report_and_flowlogs_read_a_postgresql_state(tmp_path: Path, postgres: Cluster) -> None:
    """``vpcsim report`` and ``vpcsim flowlogs --state`` take a postgresql:// URL as they take a file, and answer
    the same for the same state."""
    import gzip
    import json

    first = tmp_path / "demo.db"
    assert vpcsim("demo", "--state", str(first)).returncode == 0
    url = postgres.create_database("reports")
    assert vpcsim("state", "copy", str(first), url).returncode == 0
    on_file = vpcsim("report", "--state", str(first), "--json", "--no-matrix", "--jobs", "1")
    on_pg = vpcsim("report", "--state", url, "--json", "--no-matrix", "--jobs", "1")
    assert on_file.returncode == 0 and on_pg.returncode == 0, on_pg.stderr
    file_report, pg_report = json.loads(on_file.stdout), json.loads(on_pg.stdout)
    assert pg_report["paths"] and pg_report["paths"] == file_report["paths"]
    assert pg_report["recommendations"] == file_report["recommendations"]

    logs = tmp_path / "logs" / "a.log.gz"
    logs.parent.mkdir()
    header = " ".join(DEFAULT_FIELDS)
    record = "2 111111111111 eni-0a 10.0.1.5 52.94.0.10 40000 443 6 10 9000 1700000000 1700000060 ACCEPT OK"
    logs.write_bytes(gzip.compress(f"{header}\n{record}\n".encode()))
    read_file = vpcsim("flowlogs", str(logs.parent), "--state", str(first), "--json")
    read_pg = vpcsim("flowlogs", str(logs.parent), "--state", url, "--json")
    assert read_file.returncode == 0 and read_pg.returncode == 0, read_pg.stderr
    assert json.loads(read_pg.stdout)["state"] is True
    assert json.loads(read_pg.stdout)["services"] == json.loads(read_file.stdout)["services"]
    unreachable = "postgresql://nobody@/none?host=/nonexistent&port=1"
    for command in (["report", "--state", unreachable], ["flowlogs", str(logs.parent), "--state", unreachable]):
        refused = vpcsim(*command)
        assert refused.returncode != 0 and _lines(refused.stderr) == [refused.stderr.strip()], refused.stderr
        assert "Traceback" not in refused.stderr
