"""The trace engine's benchmark (RESULTS.md section 2): a generated topology, single traces and the service matrix.

    .venv/bin/python bench/trace_bench.py [--vpcs 100 1000] [--pairs 3000] [--profile DIR]

The state is built in process through ``vpcsim.app.build(Options(ephemeral=True, seed=...))`` and
``built.control.handle("ec2", ...)``: the same control plane (validation, quotas, route states) real clients reach
over HTTP, without HTTP. Layout (``GROUP`` VPCs per account and Region, Regions in turn, a new account every
``len(REGIONS)`` groups, so AWS's default quotas hold: 20 gateway endpoints per Region, 5 Elastic IPs per Region, 5
NAT gateways per AZ):

- per VPC: a /21 (``10.0.0.0/8`` cut in order), DNS hostnames on, 10 /25 subnets over the Region's 3 AZs: 0-3 public
  (main table, 0.0.0.0/0 to its internet gateway), 4-7 private (a table with 0.0.0.0/0 to a public NAT gateway in
  VPCs 0-4 of a group, a private NAT gateway in VPCs 7-8, none in VPCs 5, 6, 9), 8-9 isolated (a third table); an S3
  gateway endpoint on the private and isolated tables; an SQS (even VPCs) or DynamoDB (odd VPCs) interface endpoint in
  subnets 4-6 (private DNS on for SQS); the default security group allows TCP 443 from 10.0.0.0/8; one instance per
  subnet (with a public IP in the public subnets);
- peering: VPC i of an even group with VPC i + GROUP (the next group: another Region or account), created and
  accepted, a route to the peer's CIDR in each of the three tables on both sides;
- one transit gateway in the first group's account and Region, attached to that group's VPCs (one subnet per AZ),
  10.0.0.0/8 to it in their tables (default association and propagation);
- filler routes (192.168.x.0/24 to the table's internet gateway, NAT gateway or peering connection) so that each VPC
  has 50 routes across its tables, local routes included.
The default VPC AWS gives each account in each Region is deleted first, so the counts are the generated ones.
"""

from __future__ import annotations

import argparse
import gc
import itertools
import random
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from ipaddress import IPv4Network
from pathlib import Path
from typing import Any

from vpcsim.app import Built, Options, build
from vpcsim.control.analysis.topology import compile_topology
from vpcsim.cost import PriceNotFound, charges_for, price_book
from vpcsim.dataplane import trace as tracing
from vpcsim.dataplane.topology import Topology
from vpcsim.model.trace import Trace

REGIONS = ("us-east-1", "eu-west-2", "eu-west-1")
GROUP = 10  # VPCs per account and Region
SUBNETS = 10
ROUTES_PER_VPC = 50
PUBLIC, PRIVATE = range(0, 4), range(4, 8)
PUBLIC_NAT, PRIVATE_NAT = range(0, 5), (7, 8)
SERVICES = ("s3", "dynamodb", "sqs")


@dataclass
class Vpc:
    index: int
    id: str
    account: str
    region: str
    cidr: IPv4Network
    subnets: list[str] = field(default_factory=list)
    instances: list[str] = field(default_factory=list)
    addresses: list[str] = field(default_factory=list)
    tables: dict[str, str] = field(default_factory=dict)  # public | private | isolated -> table id
    targets: dict[str, dict[str, str]] = field(default_factory=dict)  # table role -> {param: target} for fillers
    routes: int = 3  # the tables' local routes
    igw: str = ""
    nat: str = ""
    peering: str = ""


@dataclass
class Generated:
    built: Built
    vpcs: list[Vpc]
    calls: int
    seconds: float
    counts: dict[str, int]


class Plane:
    """``control.handle`` with a distinct request id per call."""

    def __init__(self, built: Built) -> None:
        self.control = built.control
        self.ids = itertools.count(1)
        self.calls = 0

    def __call__(self, account: str, region: str, operation: str, **params: Any) -> dict[str, Any]:
        self.calls += 1
        rid = f"bench-{next(self.ids):08d}"
        return dict(self.control.handle("ec2", operation, params, account=account, region=region, request_id=rid))


def account_of(group: int) -> str:
    return f"{210000000000 + group // len(REGIONS):012d}"


def region_of(group: int) -> str:
    return REGIONS[group % len(REGIONS)]


def generate(n_vpcs: int, seed: int = 8, progress: Callable[[str], None] = print) -> Generated:
    began = time.perf_counter()
    built = build(Options(ephemeral=True, seed=seed))
    plane = Plane(built)
    groups = (n_vpcs + GROUP - 1) // GROUP
    for group in range(groups):
        _delete_default_vpc(plane, account_of(group), region_of(group))
    vpcs = []
    for i in range(n_vpcs):
        vpcs.append(_vpc(plane, i))
        if (i + 1) % 250 == 0:
            progress(f"  {i + 1} VPCs ({plane.calls} calls, {time.perf_counter() - began:.0f} s)")
    for a, b in _pairs(n_vpcs):
        _peer(plane, vpcs[a], vpcs[b])
    _transit(plane, vpcs[: min(GROUP, n_vpcs)])
    for vpc in vpcs:
        _fill(plane, vpc)
    seconds = time.perf_counter() - began
    return Generated(built, vpcs, plane.calls, seconds, _counts(built))


def _delete_default_vpc(plane: Plane, account: str, region: str) -> None:
    found = plane(account, region, "DescribeVpcs", Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"]
    for vpc in found:
        vid = vpc["VpcId"]
        subnets = plane(account, region, "DescribeSubnets", Filters=[{"Name": "vpc-id", "Values": [vid]}])
        for subnet in subnets["Subnets"]:
            plane(account, region, "DeleteSubnet", SubnetId=subnet["SubnetId"])
        gateways = plane(
            account, region, "DescribeInternetGateways", Filters=[{"Name": "attachment.vpc-id", "Values": [vid]}]
        )
        for igw in gateways["InternetGateways"]:
            plane(account, region, "DetachInternetGateway", InternetGatewayId=igw["InternetGatewayId"], VpcId=vid)
            plane(account, region, "DeleteInternetGateway", InternetGatewayId=igw["InternetGatewayId"])
        plane(account, region, "DeleteVpc", VpcId=vid)


def _vpc(plane: Plane, i: int) -> Vpc:
    group, pos = divmod(i, GROUP)
    account, region = account_of(group), region_of(group)
    cidr = IPv4Network((int(IPv4Network("10.0.0.0/21").network_address) + i * 2048, 21))
    vid = plane(account, region, "CreateVpc", CidrBlock=str(cidr))["Vpc"]["VpcId"]
    vpc = Vpc(i, vid, account, region, cidr)
    plane(account, region, "ModifyVpcAttribute", VpcId=vid, EnableDnsHostnames={"Value": True})
    _subnets(plane, vpc)
    _tables(plane, vpc)
    _nat(plane, vpc, pos)
    _endpoints(plane, vpc)
    _open_default_group(plane, vpc)
    _instances(plane, vpc)
    return vpc


def _subnets(plane: Plane, vpc: Vpc) -> None:
    blocks = list(vpc.cidr.subnets(new_prefix=25))
    for j in range(SUBNETS):
        zone = f"{vpc.region}{'abc'[j % 3]}"
        created = plane(
            vpc.account, vpc.region, "CreateSubnet", VpcId=vpc.id, CidrBlock=str(blocks[j]), AvailabilityZone=zone
        )
        vpc.subnets.append(created["Subnet"]["SubnetId"])


def _tables(plane: Plane, vpc: Vpc) -> None:
    call = _bound(plane, vpc)
    vpc.igw = call("CreateInternetGateway")["InternetGateway"]["InternetGatewayId"]
    call("AttachInternetGateway", InternetGatewayId=vpc.igw, VpcId=vpc.id)
    tables = call("DescribeRouteTables", Filters=[{"Name": "vpc-id", "Values": [vpc.id]}])["RouteTables"]
    vpc.tables["public"] = tables[0]["RouteTableId"]
    for role in ("private", "isolated"):
        vpc.tables[role] = call("CreateRouteTable", VpcId=vpc.id)["RouteTable"]["RouteTableId"]
    for j in range(len(PUBLIC), SUBNETS):
        role = "private" if j in PRIVATE else "isolated"
        call("AssociateRouteTable", RouteTableId=vpc.tables[role], SubnetId=vpc.subnets[j])
    _route(plane, vpc, "public", "0.0.0.0/0", GatewayId=vpc.igw)
    vpc.targets["public"] = {"GatewayId": vpc.igw}


def _nat(plane: Plane, vpc: Vpc, pos: int) -> None:
    call = _bound(plane, vpc)
    if pos in PUBLIC_NAT:
        allocation = call("AllocateAddress", Domain="vpc")["AllocationId"]
        created = call("CreateNatGateway", SubnetId=vpc.subnets[pos % 3], AllocationId=allocation)
    elif pos in PRIVATE_NAT:
        created = call("CreateNatGateway", SubnetId=vpc.subnets[pos % 3], ConnectivityType="private")
    else:
        return
    vpc.nat = created["NatGateway"]["NatGatewayId"]
    for _ in range(2):  # pending -> observed -> available (vpcsim's describe-driven lifecycle)
        call("DescribeNatGateways", NatGatewayIds=[vpc.nat])
    _route(plane, vpc, "private", "0.0.0.0/0", NatGatewayId=vpc.nat)
    vpc.targets["private"] = {"NatGatewayId": vpc.nat}


def _endpoints(plane: Plane, vpc: Vpc) -> None:
    call = _bound(plane, vpc)
    tables = [vpc.tables["private"], vpc.tables["isolated"]]
    call("CreateVpcEndpoint", VpcId=vpc.id, ServiceName=f"com.amazonaws.{vpc.region}.s3", RouteTableIds=tables)
    vpc.routes += 2  # the prefix-list routes
    service = "sqs" if vpc.index % 2 == 0 else "dynamodb"
    call(
        "CreateVpcEndpoint",
        VpcId=vpc.id,
        VpcEndpointType="Interface",
        ServiceName=f"com.amazonaws.{vpc.region}.{service}",
        SubnetIds=[vpc.subnets[j] for j in (4, 5, 6)],
        PrivateDnsEnabled=service == "sqs",
    )


def _open_default_group(plane: Plane, vpc: Vpc) -> None:
    call = _bound(plane, vpc)
    filters = [{"Name": "vpc-id", "Values": [vpc.id]}, {"Name": "group-name", "Values": ["default"]}]
    group = call("DescribeSecurityGroups", Filters=filters)["SecurityGroups"][0]["GroupId"]
    rule = {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "CidrIp": "10.0.0.0/8"}
    call("AuthorizeSecurityGroupIngress", GroupId=group, **rule)


def _instances(plane: Plane, vpc: Vpc) -> None:
    call = _bound(plane, vpc)
    flt = [{"Name": "name", "Values": ["al2023-ami-2023.*-kernel-6.1-x86_64"]}]
    images = call("DescribeImages", Owners=["amazon"], Filters=flt)["Images"]
    image = max(images, key=lambda i: i["CreationDate"])["ImageId"]
    for j, subnet in enumerate(vpc.subnets):
        placement: dict[str, Any] = (
            {"NetworkInterfaces": [{"DeviceIndex": 0, "SubnetId": subnet, "AssociatePublicIpAddress": True}]}
            if j in PUBLIC
            else {"SubnetId": subnet}
        )
        # t2.micro: every zone offers it (an account's zone may be us-east-1's use1-az3, which has no t3.micro)
        run = {"ImageId": image, "InstanceType": "t2.micro", "MinCount": 1, "MaxCount": 1}
        found = call("RunInstances", **run, **placement)["Instances"][0]
        vpc.instances.append(found["InstanceId"])
        vpc.addresses.append(found["PrivateIpAddress"])


def _pairs(n_vpcs: int) -> Iterator[tuple[int, int]]:
    for i in range(n_vpcs):
        if (i // GROUP) % 2 == 0 and i + GROUP < n_vpcs:
            yield i, i + GROUP


def _peer(plane: Plane, a: Vpc, b: Vpc) -> None:
    created = plane(
        a.account, a.region, "CreateVpcPeeringConnection", VpcId=a.id, PeerVpcId=b.id, PeerOwnerId=b.account,
        PeerRegion=b.region,
    )  # fmt: skip
    pcx = created["VpcPeeringConnection"]["VpcPeeringConnectionId"]
    plane(b.account, b.region, "AcceptVpcPeeringConnection", VpcPeeringConnectionId=pcx)
    for mine, other in ((a, b), (b, a)):
        mine.peering = pcx
        for role in mine.tables:
            _route(plane, mine, role, str(other.cidr), VpcPeeringConnectionId=pcx)
            mine.targets.setdefault(role, {"VpcPeeringConnectionId": pcx})


def _transit(plane: Plane, vpcs: list[Vpc]) -> None:
    if not vpcs:
        return
    call = _bound(plane, vpcs[0])
    tgw = call("CreateTransitGateway", Description="bench")["TransitGateway"]["TransitGatewayId"]
    call("DescribeTransitGateways", TransitGatewayIds=[tgw])
    for vpc in vpcs:
        call("CreateTransitGatewayVpcAttachment", TransitGatewayId=tgw, VpcId=vpc.id, SubnetIds=vpc.subnets[:3])
    call("DescribeTransitGatewayVpcAttachments")
    for vpc in vpcs:
        for role in vpc.tables:
            _route(plane, vpc, role, "10.0.0.0/8", TransitGatewayId=tgw)


def _fill(plane: Plane, vpc: Vpc) -> None:
    roles = [r for r in vpc.tables if r in vpc.targets]
    for k, role in zip(range(ROUTES_PER_VPC - vpc.routes), itertools.cycle(roles), strict=False):
        _route(plane, vpc, role, f"192.168.{k}.0/24", **vpc.targets[role])


def _route(plane: Plane, vpc: Vpc, role: str, destination: str, **target: str) -> None:
    plane(
        vpc.account, vpc.region, "CreateRoute", RouteTableId=vpc.tables[role], DestinationCidrBlock=destination,
        **target,
    )  # fmt: skip
    vpc.routes += 1


def _bound(plane: Plane, vpc: Vpc) -> Callable[..., dict[str, Any]]:
    return lambda operation, **params: plane(vpc.account, vpc.region, operation, **params)


def _counts(built: Built) -> dict[str, int]:
    with built.store.transaction() as tx:
        kinds = {
            "VPCs": "vpc",
            "subnets": "subnet",
            "route tables": "route-table",
            "endpoints": "vpc-endpoint",
            "peering connections": "vpc-peering-connection",
            "transit gateway attachments": "transit-gateway-attachment",
            "instances": "instance",
            "network interfaces": "network-interface",
        }
        counts = {name: sum(1 for _ in tx.scan(kind)) for name, kind in kinds.items()}
        counts["routes"] = sum(len(t.doc["Routes"]) for t in tx.scan("route-table"))
    return counts


# -- measuring -----------------------------------------------------------------------------------------------------
@dataclass
class Figures:
    vpcs: int
    counts: dict[str, int]
    generate_s: float
    calls: int
    compile_s: float
    traces: int
    p50_us: float
    p99_us: float
    priced_p50_us: float
    matrix_traces: int
    matrix_s: float
    verdicts: dict[str, int]
    matrix_usd_per_gb: float
    verdicts_random: dict[str, int] = field(default_factory=dict)


@contextmanager
def _settled() -> Iterator[None]:
    """A full collection first, so that the compile's garbage is not charged to the first traces; the collector
    stays on while timing, as in a server."""
    gc.collect()
    yield


def compile_state(built: Built) -> tuple[Topology, float]:
    with built.store.transaction() as tx:
        began = time.perf_counter()
        topo = compile_topology(tx)
        return topo, time.perf_counter() - began


def random_pairs(vpcs: list[Vpc], n: int, seed: int = 1) -> list[tuple[str, str]]:
    """(source instance, destination): an AWS service name of the source's Region, an instance of the same VPC,
    of its peer, of any VPC, or 8.8.8.8, in equal shares."""
    rng = random.Random(seed)
    peers = {v.id: v for v in vpcs}
    by_peering: dict[str, list[Vpc]] = {}
    for v in vpcs:
        if v.peering:
            by_peering.setdefault(v.peering, []).append(v)
    pairs = []
    for _ in range(n):
        vpc = rng.choice(vpcs)
        source = rng.choice(vpc.instances)
        kind = rng.randrange(5)
        if kind == 0:
            destination = f"{rng.choice(SERVICES)}.{vpc.region}.amazonaws.com"
        elif kind == 1:
            destination = rng.choice(vpc.addresses)
        elif kind == 2 and vpc.peering:
            other = next(v for v in by_peering[vpc.peering] if v.id != vpc.id)
            destination = rng.choice(peers[other.id].addresses)
        elif kind == 3:
            destination = rng.choice(rng.choice(vpcs).addresses)
        else:
            destination = "8.8.8.8"
        pairs.append((source, destination))
    return pairs


def time_traces(topo: Topology, pairs: list[tuple[str, str]]) -> tuple[list[float], dict[str, int]]:
    times, verdicts = [], {}
    clock = time.perf_counter
    for source, destination in pairs:
        began = clock()
        found = tracing.trace(topo, source, destination, port=443, protocol="tcp")
        times.append(clock() - began)
        verdicts[found.verdict.value] = verdicts.get(found.verdict.value, 0) + 1
    return times, verdicts


def priced_trace(topo: Topology, source: str, destination: str) -> tuple[Trace, float]:
    found = tracing.trace(topo, source, destination, port=443, protocol="tcp")
    try:
        return found, sum(c.usd_per_gb for c in charges_for(found, price_book()))
    except PriceNotFound:
        return found, 0.0


def matrix(topo: Topology, vpcs: list[Vpc]) -> tuple[int, float, dict[str, int], float]:
    """Every subnet's instance to S3, DynamoDB and SQS in its Region, with verdict and cost per GB."""
    verdicts: dict[str, int] = {}
    total_usd, n = 0.0, 0
    began = time.perf_counter()
    for vpc in vpcs:
        for source in vpc.instances:
            for service in SERVICES:
                found, usd = priced_trace(topo, source, f"{service}.{vpc.region}.amazonaws.com")
                verdicts[found.verdict.value] = verdicts.get(found.verdict.value, 0) + 1
                total_usd += usd
                n += 1
    return n, time.perf_counter() - began, verdicts, total_usd


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1e6


def measure(n_vpcs: int, pairs: int, progress: Callable[[str], None] = print) -> Figures:
    progress(f"trace bench: generating {n_vpcs} VPCs")
    gen = generate(n_vpcs, progress=progress)
    progress(f"trace bench: {gen.calls} calls in {gen.seconds:.1f} s; {gen.counts}")
    topo, compile_s = compile_state(gen.built)
    chosen = random_pairs(gen.vpcs, pairs)
    with _settled():
        time_traces(topo, chosen[: min(200, len(chosen))])  # warm-up
        times, verdicts = time_traces(topo, chosen)
        priced = []
        for source, destination in chosen[:1000]:
            began = time.perf_counter()
            priced_trace(topo, source, destination)
            priced.append(time.perf_counter() - began)
    n, matrix_s, matrix_verdicts, usd = matrix(topo, gen.vpcs)
    figures = Figures(
        n_vpcs,
        gen.counts,
        gen.seconds,
        gen.calls,
        compile_s,
        len(times),
        _pct(times, 0.5),
        _pct(times, 0.99),
        _pct(priced, 0.5),
        n,
        matrix_s,
        matrix_verdicts,
        usd,
        verdicts,
    )
    progress(f"trace bench: {figures}")
    return figures


# -- RESULTS.md section 2 -------------------------------------------------------------------------------------------
NOTES = Path(__file__).with_name("trace-notes.md")


def section(figures: list[Figures], targets: dict[str, float]) -> list[str]:
    out = ["## 2. The trace engine", ""]
    at = next((f for f in figures if f.vpcs == 1000), figures[-1])
    rows = [
        ("single trace, p50", f"<= {targets['p50_us']:.0f} us", f"{at.p50_us:.0f} us", at.p50_us <= targets["p50_us"]),
        (
            f"matrix: every subnet to S3, DynamoDB, SQS ({at.matrix_traces:,} traces, verdict and cost)",
            f"<= {targets['matrix_s']:.0f} s",
            f"{at.matrix_s:.2f} s",
            at.matrix_s <= targets["matrix_s"],
        ),
    ]
    out += [f"### Targets ({at.vpcs:,} VPCs)", "", "| target | wanted | measured | met |", "|---|---|---|---|"]
    out += [f"| {what} | {want} | {got} | {'yes' if ok else '**no**'} |" for what, want, got, ok in rows]
    out += ["", "### How the cost grows with size", "", *_growth(figures), "", *_verdicts(figures), ""]
    if NOTES.exists():
        out += [*NOTES.read_text().strip("\n").splitlines(), ""]
    return out


def _growth(figures: list[Figures]) -> list[str]:
    out = [
        "| VPCs | subnets | routes | endpoints | peerings | build: calls, s | compile s | trace p50 us | p99 us "
        "| p50 with price us | matrix traces | matrix s | us per matrix trace |",
        "|" + "---:|" * 13,
    ]
    for f in figures:
        c = f.counts
        out.append(
            f"| {f.vpcs:,} | {c['subnets']:,} | {c['routes']:,} | {c['endpoints']:,} | {c['peering connections']:,} "
            f"| {f.calls:,}, {f.generate_s:.1f} | {f.compile_s:.2f} | {f.p50_us:.0f} | {f.p99_us:.0f} "
            f"| {f.priced_p50_us:.0f} | {f.matrix_traces:,} | {f.matrix_s:.2f} "
            f"| {f.matrix_s / f.matrix_traces * 1e6:.0f} |"
        )
    return out


def _verdicts(figures: list[Figures]) -> list[str]:
    out = ["Verdicts (matrix; random pairs), and the matrix's summed cost per GB:", ""]
    for f in figures:
        matrix_ = ", ".join(f"{k} {v:,}" for k, v in sorted(f.verdicts.items()))
        random_ = ", ".join(f"{k} {v:,}" for k, v in sorted(f.verdicts_random.items()))
        out.append(f"- {f.vpcs:,} VPCs: matrix {matrix_}; random {random_}; ${f.matrix_usd_per_gb:,.2f} per GB summed.")
    return out


def profile(n_vpcs: int, out: Path) -> None:
    """pyinstrument over compile, random traces and the matrix, as text and HTML in ``out``."""
    from pyinstrument import Profiler

    gen = generate(n_vpcs)
    out.mkdir(parents=True, exist_ok=True)
    for name, work in (
        ("compile", lambda: compile_state(gen.built)),
        ("traces", lambda: time_traces(compile_state(gen.built)[0], random_pairs(gen.vpcs, 3000))),
        ("matrix", lambda: matrix(compile_state(gen.built)[0], gen.vpcs)),
    ):
        profiler = Profiler(interval=0.0002)
        profiler.start()
        work()
        profiler.stop()
        (out / f"{name}-{n_vpcs}.txt").write_text(profiler.output_text(unicode=False, show_all=False))
        (out / f"{name}-{n_vpcs}.html").write_text(profiler.output_html())
        print(f"profile: {out / f'{name}-{n_vpcs}.txt'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--vpcs", type=int, nargs="+", default=[100, 1000])
    parser.add_argument("--pairs", type=int, default=3000)
    parser.add_argument("--profile", type=Path, help="profile with pyinstrument into this directory instead")
    args = parser.parse_args()
    if args.profile:
        for n in args.vpcs:
            profile(n, args.profile)
        return
    for n in args.vpcs:
        figures = measure(n, args.pairs)
        print(f"{n} VPCs: compile {figures.compile_s:.2f} s, p50 {figures.p50_us:.0f} us, p99 {figures.p99_us:.0f} us, "
              f"matrix {figures.matrix_traces} in {figures.matrix_s:.2f} s", file=sys.stderr)  # fmt: skip


if __name__ == "__main__":
    main()
