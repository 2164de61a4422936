"""Realistic VPC flow logs at scale, seedable, for ``vpcsim flowlogs``'s benchmark (bench/flowlogs_bench.py).

    .venv/bin/python bench/flowgen.py OUT --records 10000000 [--seed 1] [--kind text|parquet] [--per-file 500000]

``estate(path)`` first builds a state file through vpcsim's control plane (in process, as bench/trace_bench.py
does): ``VPCS`` VPCs in us-east-1, each with a public subnet holding a NAT gateway (AZ a) and three private subnets
(AZ a, b, c) routing 0.0.0.0/0 to it, ``PER_SUBNET`` instances in each; VPCs 0 and 2 have an S3 gateway endpoint on
the private route table, VPC 1 a DynamoDB interface endpoint in its private subnets. The records are then
written by DuckDB (``COPY ... TO``), every value a hash of the record's index and the seed, so a seed gives the same
files on any machine and with any number of threads:

- who: an instance interface of the estate; what: S3 45%, DynamoDB 15%, other AWS (AMAZON, EC2) 10%, the internet
  10%, another instance of the VPC 20%; the remote address anywhere in AWS's published us-east-1 prefixes of that
  service (ip-ranges, the package's copy), so there are many distinct addresses, as S3's DNS gives;
- how: egress or ingress at random; where the flow leaves through the NAT gateway (S3 without a gateway endpoint,
  DynamoDB without an interface endpoint, other AWS, internet), 3 in 10 records are the NAT gateway interface's (its
  four legs, with pkt-srcaddr/pkt-dstaddr) in files of the custom format; DynamoDB through an interface endpoint
  goes to the endpoint's address;
- bytes 40 to ~100 kB a record, packets bytes/1400 + 1, start over one day, end 60 s later (Nitro's 1-minute
  aggregation), 2% REJECT, 0.1% NODATA and 0.01% SKIPDATA records with '-' where AWS writes it;
- files: AWS's S3 keys (``AWSLogs/<account>/vpcflowlogs/us-east-1/<yyyy>/<mm>/<dd>/<account>_vpcflowlogs_us-east-1_
  <flow log>_<yyyymmddTHHmmZ>_<hash>.log.gz``, or ``.log.parquet``), ``per_file`` records each; text files alternate
  the version 2 default format and a version 5 custom format; Parquet files have every column of the custom format
  with AWS's Parquet names.
"""

from __future__ import annotations

import argparse
import csv
import ipaddress
import itertools
import json
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import duckdb

from vpcsim.app import Options, build
from vpcsim.catalog.prefix_lists import service_cidrs
from vpcsim.flowlogs.fields import DEFAULT_FIELDS, parse_format

REGION, ACCOUNT = "us-east-1", "123456789012"
VPCS, PER_SUBNET = 4, 40  # AWS's default quotas: 5 VPCs and 5 Elastic IPs per Region (one VPC is the default)
DAY0 = 1793491200  # 2026-11-01T00:00:00Z
CUSTOM = parse_format(
    "${version} ${account-id} ${interface-id} ${vpc-id} ${subnet-id} ${instance-id} ${srcaddr} ${dstaddr} ${srcport} "
    "${dstport} ${protocol} ${packets} ${bytes} ${start} ${end} ${action} ${log-status} ${pkt-srcaddr} "
    "${pkt-dstaddr} ${flow-direction} ${pkt-dst-aws-service} ${traffic-path}"
)


@dataclass
class Instance:
    eni: str
    ip: str
    instance: str
    vpc: str
    subnet: str
    nat_eni: str
    nat_ip: str
    s3_gateway: bool
    dynamodb_endpoint_ip: str


# -- the estate ----------------------------------------------------------------------------------------------------
def estate(state: Path, seed: int = 1) -> list[Instance]:
    """Build the state file (module docstring); the instances the records are written for."""
    built = build(Options(state=state, seed=seed))
    ids = itertools.count()

    def call(operation: str, **params: Any) -> dict[str, Any]:
        rid = f"flowgen-{next(ids)}"
        return dict(built.control.handle("ec2", operation, params, account=ACCOUNT, region=REGION, request_id=rid))

    try:
        return [i for v in range(VPCS) for i in _vpc(call, v)]
    finally:
        built.store.close()


def _vpc(call: Any, v: int) -> list[Instance]:
    vpc = call("CreateVpc", CidrBlock=f"10.{v}.0.0/16")["Vpc"]["VpcId"]
    call("ModifyVpcAttribute", VpcId=vpc, EnableDnsHostnames={"Value": True})
    zones = {"p": "a", "a": "a", "b": "b", "c": "c"}  # the public subnet, then a private one per AZ
    subnet = {k: call("CreateSubnet", VpcId=vpc, CidrBlock=f"10.{v}.{n}.0/24", AvailabilityZone=f"{REGION}{z}")
              ["Subnet"]["SubnetId"] for n, (k, z) in enumerate(zones.items())}  # fmt: skip
    igw = call("CreateInternetGateway")["InternetGateway"]["InternetGatewayId"]
    call("AttachInternetGateway", InternetGatewayId=igw, VpcId=vpc)
    main = call("DescribeRouteTables", Filters=[{"Name": "vpc-id", "Values": [vpc]}])["RouteTables"][0]
    call("CreateRoute", RouteTableId=main["RouteTableId"], DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
    allocation = call("AllocateAddress", Domain="vpc")["AllocationId"]
    nat = call("CreateNatGateway", SubnetId=subnet["p"], AllocationId=allocation)["NatGateway"]["NatGatewayId"]
    found = call("DescribeNatGateways", NatGatewayIds=[nat])["NatGateways"][0]["NatGatewayAddresses"][0]
    table = call("CreateRouteTable", VpcId=vpc)["RouteTable"]["RouteTableId"]
    call("CreateRoute", RouteTableId=table, DestinationCidrBlock="0.0.0.0/0", NatGatewayId=nat)
    private = [subnet[z] for z in "abc"]
    for s in private:
        call("AssociateRouteTable", RouteTableId=table, SubnetId=s)
    if v % 2 == 0:
        call("CreateVpcEndpoint", VpcId=vpc, ServiceName=f"com.amazonaws.{REGION}.s3", RouteTableIds=[table])
    endpoint_ip = _dynamodb_endpoint(call, vpc, private) if v % 4 == 1 else ""
    made = []
    for s in private:
        for _ in range(PER_SUBNET):
            i = call("RunInstances", ImageId="ami-12345678", MinCount=1, MaxCount=1, SubnetId=s)["Instances"][0]
            eni = i["NetworkInterfaces"][0]["NetworkInterfaceId"]
            made.append(Instance(eni, i["PrivateIpAddress"], i["InstanceId"], vpc, s, found["NetworkInterfaceId"],
                                 found["PrivateIp"], v % 2 == 0, endpoint_ip))  # fmt: skip
    return made


def _dynamodb_endpoint(call: Any, vpc: str, subnets: list[str]) -> str:
    made = call("CreateVpcEndpoint", VpcId=vpc, VpcEndpointType="Interface", SubnetIds=subnets,
                ServiceName=f"com.amazonaws.{REGION}.dynamodb", PrivateDnsEnabled=False)["VpcEndpoint"]  # fmt: skip
    eni = made["NetworkInterfaceIds"][0]
    found = call("DescribeNetworkInterfaces", NetworkInterfaceIds=[eni])["NetworkInterfaces"][0]
    return str(found["PrivateIpAddress"])


# -- the records ---------------------------------------------------------------------------------------------------
def _tables(con: duckdb.DuckDBPyConnection, work: Path, instances: list[Instance]) -> None:
    rows = [(k, *asdict(i).values()) for k, i in enumerate(instances)]
    _csv(con, work, "inst", ["k INTEGER", "eni VARCHAR", "ip VARCHAR", "instance VARCHAR", "vpc VARCHAR",
                             "subnet VARCHAR", "nat_eni VARCHAR", "nat_ip VARCHAR", "s3_gateway BOOLEAN",
                             "ddb_ip VARCHAR"], rows)  # fmt: skip
    prefixes = []
    for kind, services in (("S3", ("S3",)), ("DYNAMODB", ("DYNAMODB",)), ("AWS", ("EC2", "AMAZON"))):
        networks = [n for s in services for n in service_cidrs(REGION, s) if isinstance(n, ipaddress.IPv4Network)]
        prefixes += [(kind, k, int(n.network_address), n.num_addresses) for k, n in enumerate(networks)]
    _csv(con, work, "pfx", ["kind VARCHAR", "k INTEGER", "base BIGINT", "size BIGINT"], prefixes)
    con.execute("CREATE TEMP TABLE npfx AS SELECT kind, count(*) AS n FROM pfx GROUP BY kind")


def _csv(con: duckdb.DuckDBPyConnection, work: Path, name: str, columns: list[str], rows: list[Any]) -> None:
    path = work / f"{name}.csv"
    with path.open("w", newline="") as out:
        csv.writer(out).writerows(rows)
    spec = {c.split()[0]: c.split()[1] for c in columns}
    con.execute(f"CREATE TEMP TABLE {name} AS SELECT * FROM read_csv(?, header=false, columns=?, nullstr='')",
                [str(path), spec])  # fmt: skip


# One record per index i: every choice from bits of hash(i, seed) and of hashes of that hash.
_RECORDS = """
WITH hashes AS (
  SELECT i, hash(i, $seed) AS h1 FROM range($lo, $hi) t(i)
), more AS (SELECT i, h1, hash(h1) AS h2 FROM hashes
), base AS (
  SELECT i, h1 % $ninst AS ik, (h1 >> 32) % 1000 AS roll, (h2 & 1) = 0 AS egress, (h2 >> 8) % 10000 AS status_roll,
         (h2 >> 24) % 10 AS nat_roll, (h2 >> 40) % 4 AS leg, hash(h2) & 4294967295 AS h7, hash(h2) >> 32 AS h8,
         hash(h1 + 1) % 100000 AS size
  FROM more
), what AS (
  SELECT b.*, inst.*, CASE WHEN roll < 450 THEN 'S3' WHEN roll < 600 THEN 'DYNAMODB' WHEN roll < 700 THEN 'AWS'
                           WHEN roll < 800 THEN 'NET' ELSE 'VPC' END AS kind
  FROM base b JOIN inst ON inst.k = b.ik
), remote AS (
  SELECT w.*, CASE
      WHEN w.kind = 'DYNAMODB' AND w.ddb_ip IS NOT NULL THEN w.ddb_ip
      WHEN w.kind = 'VPC' THEN peer.ip
      WHEN w.kind = 'NET' THEN '198.' || (18 + h7 % 2) || '.' || (h7 // 2 % 256) || '.' || (h7 // 512 % 256)
      ELSE ((p.base + h8 % p.size) >> 24) || '.' || (((p.base + h8 % p.size) >> 16) & 255) || '.' ||
           (((p.base + h8 % p.size) >> 8) & 255) || '.' || ((p.base + h8 % p.size) & 255)
    END AS far,
    (w.kind = 'S3' AND NOT w.s3_gateway) OR (w.kind = 'DYNAMODB' AND w.ddb_ip IS NULL) OR w.kind IN ('AWS', 'NET')
      AS via_nat
  FROM what w
  LEFT JOIN inst peer ON peer.k = (w.ik // $pervpc) * $pervpc + w.h7 % $pervpc
  LEFT JOIN npfx ON npfx.kind = w.kind
  LEFT JOIN pfx p ON p.kind = w.kind AND p.k = w.h7 % npfx.n
), legs AS (
  SELECT r.*, via_nat AND $nat_legs AND nat_roll < 3 AS at_nat FROM remote r
)
SELECT
  {version} AS "version", '{account}' AS "account-id",
  CASE WHEN at_nat THEN nat_eni ELSE eni END AS "interface-id",
  vpc AS "vpc-id", subnet AS "subnet-id", CASE WHEN at_nat THEN NULL ELSE instance END AS "instance-id",
  CASE WHEN at_nat THEN (CASE leg WHEN 0 THEN ip WHEN 2 THEN far ELSE nat_ip END)
       WHEN egress THEN ip ELSE far END AS srcaddr,
  CASE WHEN at_nat THEN (CASE leg WHEN 0 THEN nat_ip WHEN 1 THEN far WHEN 2 THEN nat_ip ELSE ip END)
       WHEN egress THEN far ELSE ip END AS dstaddr,
  CASE WHEN egress OR (at_nat AND leg < 2) THEN 32768 + h7 % 28000 ELSE 443 END AS srcport,
  CASE WHEN egress OR (at_nat AND leg < 2) THEN 443 ELSE 32768 + h7 % 28000 END AS dstport,
  6 AS protocol,
  (CASE WHEN egress THEN 40 + size ELSE 40 + size * 9 END) // 1400 + 1 AS packets,
  CASE WHEN egress THEN 40 + size ELSE 40 + size * 9 END AS bytes,
  {day0} + i * 86400 // $total AS "start", {day0} + i * 86400 // $total + 60 AS "end",
  CASE WHEN status_roll % 50 = 0 THEN 'REJECT' ELSE 'ACCEPT' END AS action,
  'OK' AS "log-status",
  CASE WHEN at_nat THEN (CASE leg WHEN 0 THEN ip WHEN 1 THEN nat_ip WHEN 2 THEN far ELSE far END)
       WHEN egress THEN ip ELSE far END AS "pkt-srcaddr",
  CASE WHEN at_nat THEN (CASE leg WHEN 0 THEN far WHEN 1 THEN far WHEN 2 THEN nat_ip ELSE ip END)
       WHEN egress THEN far ELSE ip END AS "pkt-dstaddr",
  CASE WHEN at_nat THEN (CASE WHEN leg IN (0, 2) THEN 'ingress' ELSE 'egress' END)
       WHEN egress THEN 'egress' ELSE 'ingress' END AS "flow-direction",
  CASE WHEN NOT egress OR at_nat THEN NULL WHEN kind = 'S3' THEN 'S3' WHEN kind = 'AWS' THEN 'AMAZON'
       WHEN kind = 'DYNAMODB' AND ddb_ip IS NULL THEN 'DYNAMODB' END AS "pkt-dst-aws-service",
  CASE WHEN egress AND NOT at_nat THEN 1 END AS "traffic-path",
  status_roll
FROM legs
"""


def _select(fields: tuple[str, ...], parquet: bool) -> str:
    """The final projection: the format's columns, and NODATA/SKIPDATA records with '-' where AWS writes it."""
    status = "CASE WHEN status_roll < 10 THEN 'NODATA' WHEN status_roll = 10 THEN 'SKIPDATA' ELSE 'OK' END"
    keep = {"version", "account-id", "interface-id", "start", "end", "log-status"}
    cols = []
    for f in fields:
        value = status if f == "log-status" else f'"{f}"'
        if f not in keep:
            value = f"CASE WHEN status_roll <= 10 THEN NULL ELSE {value} END"
        cols.append(f'{value} AS "{f.replace("-", "_") if parquet else f}"')
    return f"SELECT {', '.join(cols)} FROM records"


def write(out: Path, instances: list[Instance], records: int, *, seed: int = 1, kind: str = "text",
          per_file: int = 500_000, threads: int = 2) -> list[Path]:  # fmt: skip
    """Write ``records`` records under ``out`` in AWS's S3 layout; the files written."""
    written: list[Path] = []
    with tempfile.TemporaryDirectory(prefix="flowgen-") as work:
        con = duckdb.connect(config={"threads": threads, "preserve_insertion_order": False})
        _tables(con, Path(work), instances)
        for number, lo in enumerate(range(0, records, per_file)):
            hi = min(lo + per_file, records)
            fields = DEFAULT_FIELDS if kind == "text" and number % 2 == 0 else CUSTOM
            version = 2 if fields is DEFAULT_FIELDS else 5
            sql = _RECORDS.format(version=version, account=ACCOUNT, day0=DAY0)
            params = {"seed": seed, "ninst": len(instances), "lo": lo, "hi": hi, "total": records,
                      "nat_legs": fields is CUSTOM, "pervpc": 3 * PER_SUBNET}  # fmt: skip
            con.execute(f"CREATE OR REPLACE TEMP VIEW records AS {_bound(sql, params)}")
            path = _key(out, number, lo, records, kind, seed)
            path.parent.mkdir(parents=True, exist_ok=True)
            options = (
                "FORMAT parquet, COMPRESSION gzip"
                if kind == "parquet"
                else "FORMAT csv, DELIMITER ' ', HEADER true, QUOTE '', ESCAPE '', NULLSTR '-', COMPRESSION gzip"
            )
            con.execute(f"COPY ({_select(fields, kind == 'parquet')}) TO '{path}' ({options})")
            written.append(path)
        con.close()
    return written


def _bound(sql: str, params: dict[str, Any]) -> str:
    """Inline the parameters (a view cannot hold prepared parameters)."""
    for name in sorted(params, key=len, reverse=True):
        value = params[name]
        sql = sql.replace(f"${name}", ("true" if value else "false") if isinstance(value, bool) else str(value))
    return sql


def _key(out: Path, number: int, lo: int, total: int, kind: str, seed: int) -> Path:
    """AWS's S3 key for a file whose records end in the 5-minute window of its first record."""
    moment = DAY0 + lo * 86400 // max(total, 1) + 60
    stamp = time.strftime("%Y%m%dT%H%M", time.gmtime(moment - moment % 300))
    folder = time.strftime("%Y/%m/%d", time.gmtime(moment))
    digest = f"{hash((seed, number)) & 0xFFFFFFFF:08x}"
    suffix = "log.parquet" if kind == "parquet" else "log.gz"
    name = f"{ACCOUNT}_vpcflowlogs_{REGION}_fl-{seed:017x}_{stamp}Z_{digest}.{suffix}"
    return out / "AWSLogs" / ACCOUNT / "vpcflowlogs" / REGION / folder / name


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--kind", choices=("text", "parquet"), default="text")
    parser.add_argument("--per-file", type=int, default=500_000)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    state = args.out / "state.db"
    began = time.perf_counter()
    instances = estate(state, args.seed) if not state.exists() else json_instances(args.out)
    (args.out / "instances.json").write_text(json.dumps([asdict(i) for i in instances]))
    files = write(args.out / "logs", instances, args.records, seed=args.seed, kind=args.kind, per_file=args.per_file)
    seconds = time.perf_counter() - began
    print(f"flowgen: {args.records:,} records in {len(files)} files under {args.out} ({seconds:.0f} s)")


def json_instances(out: Path) -> list[Instance]:
    return [Instance(**i) for i in json.loads((out / "instances.json").read_text())]


if __name__ == "__main__":
    main()
