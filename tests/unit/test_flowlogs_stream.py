"""``read_usage`` against a plain-Python reading of the same records: random records over a small world (instances
whose addresses the state knows, a NAT gateway forwarding for them, an endpoint's interface, an unknown interface;
private, AWS, internet and interface-endpoint addresses in IPv4 and IPv6) must give the same rows, sum for sum.

The reference below applies the rules of ``vpcsim.flowlogs.usage``'s docstring record by record, in Python, with
``AddressRanges.label_of`` for every address; DuckDB decides IPv4 records as they stream, through the block tables,
and IPv6 ones after, so the two agree only if the streaming is right for both."""

from __future__ import annotations

import gzip
from collections import defaultdict
from dataclasses import dataclass
from ipaddress import ip_address, ip_network
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vpcsim.flowlogs.ranges import Label, packaged_ranges
from vpcsim.flowlogs.sources import find
from vpcsim.flowlogs.usage import MANAGED_KINDS, Known, read_usage

RANGES = packaged_ranges()
FORMAT = (
    "version interface-id vpc-id srcaddr dstaddr pkt-srcaddr pkt-dstaddr packets bytes start end action "
    "flow-direction log-status"
)
VPC, OTHER_VPC = "vpc-0a", "vpc-0b"
INSTANCE_A, INSTANCE_B, NAT_IF, ENDPOINT_IF, UNKNOWN_IF = "eni-a", "eni-b", "eni-nat", "eni-ep", "eni-x"
OWN = {INSTANCE_A: ["10.0.1.5", "2600:1f18:1:2::5"], INSTANCE_B: ["10.0.1.6"], NAT_IF: ["10.0.0.9"]}
ENDPOINT_LABEL = Label("com.amazonaws.us-east-1.sqs", "us-east-1")  # a service name ip-ranges does not hold
KNOWN = Known(
    interfaces=[
        (INSTANCE_A, "interface", VPC, "subnet-a"),
        (INSTANCE_B, "interface", VPC, "subnet-a"),
        (NAT_IF, "nat_gateway", VPC, "subnet-n"),
        (ENDPOINT_IF, "vpc_endpoint", VPC, "subnet-e"),
    ],
    addresses=[(iface, a) for iface, addresses in OWN.items() for a in addresses],
    endpoints=[(VPC, "10.0.2.20", "vpce-1", ENDPOINT_LABEL), (OTHER_VPC, "10.0.2.21", "vpce-2", ENDPOINT_LABEL)],
)


def _published(service: str, version: int) -> str:
    """An address inside the first prefix of ``service`` in us-east-1 that ip-ranges labels ``service``."""
    for prefix in _prefixes(version):
        address = str(next(iter(prefix.hosts())) if prefix.num_addresses > 2 else prefix.network_address)
        label = RANGES.label_of(address)
        if label == Label(service, "us-east-1"):
            return address
    raise AssertionError(f"no {service} IPv{version} address in the packaged ip-ranges")


def _prefixes(version: int) -> list[Any]:
    import json

    from vpcsim.flowlogs import ranges as module

    data = Path(module.__file__).resolve().parents[1] / "catalog" / "data" / "ip_ranges.json.gz"
    raw = json.loads(gzip.decompress(data.read_bytes()))
    return [
        ip_network(cidr)
        for service, cidrs in raw["regions"]["us-east-1"].items()
        if service in {"S3", "DYNAMODB"}
        for cidr in cidrs
        if (":" in cidr) == (version == 6)
    ]


ADDRESSES = [
    *[a for addresses in OWN.values() for a in addresses],
    "10.0.2.20",  # an interface endpoint's address in VPC
    "10.0.2.21",  # another VPC's endpoint address: not this VPC's
    "10.9.9.9",  # private, nobody's
    "8.8.8.8",  # internet
    "2a00:1450:4001::1",  # internet, IPv6
    _published("S3", 4),
    _published("DYNAMODB", 4),
    _published("S3", 6),
    "not-an-address",
]


@dataclass(frozen=True)
class Record:
    iface: str
    vpc: str | None
    src: str | None
    dst: str | None
    psrc: str | None
    pdst: str | None
    packets: int
    bytes: int
    start: int
    end: int
    action: str
    direction: str | None
    status: str

    def line(self) -> str:
        values = (
            5, self.iface, self.vpc, self.src, self.dst, self.psrc, self.pdst, self.packets, self.bytes, self.start,
            self.end, self.action, self.direction, self.status,
        )  # fmt: skip
        return " ".join("-" if v is None else str(v) for v in values)


addresses = st.sampled_from(ADDRESSES)
records = st.builds(
    Record,
    iface=st.sampled_from([INSTANCE_A, INSTANCE_B, NAT_IF, ENDPOINT_IF, UNKNOWN_IF]),
    vpc=st.sampled_from([VPC, OTHER_VPC, None]),
    src=addresses,
    dst=addresses,
    psrc=st.one_of(st.none(), addresses),
    pdst=st.one_of(st.none(), addresses),
    packets=st.integers(1, 50),
    bytes=st.integers(40, 10**6),
    start=st.integers(1_700_000_000, 1_700_000_600),
    end=st.integers(1_700_000_600, 1_700_001_200),
    action=st.sampled_from(["ACCEPT", "REJECT"]),
    direction=st.sampled_from(["ingress", "egress", None]),
    status=st.sampled_from(["OK", "OK", "OK", "NODATA"]),
)


# -- the reference ---------------------------------------------------------------------------------------------------
def _v4(a: str | None) -> bool:
    return a is not None and "." in a and ":" not in a and _parses(a)


def _parses(a: str) -> bool:
    try:
        ip_address(a)
    except ValueError:
        return False
    return True


_PRIVATE_V4 = [
    ip_network(n) for n in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "169.254.0.0/16")
]


def _private(a: str | None) -> bool:
    if a is None or not _parses(a):
        return False
    if _v4(a):
        return any(ip_address(a) in n for n in _PRIVATE_V4)
    return not ip_address(a).is_global


def reference(found: list[Record]) -> dict[tuple[Any, ...], list[int]]:
    kinds = {iface: (kind, vpc) for iface, kind, vpc, _ in KNOWN.interfaces}
    own = set(KNOWN.addresses)
    endpoints = {(vpc, a): (endpoint, label) for vpc, a, endpoint, label in KNOWN.endpoints}
    decided = []
    for r in found:
        if r.status != "OK":
            continue
        psrc = r.psrc if r.psrc is not None and r.src is not None and r.psrc != r.src else None
        pdst = r.pdst if r.pdst is not None and r.dst is not None and r.pdst != r.dst else None
        fwd = psrc is not None or pdst is not None
        s, d = psrc or r.src, pdst or r.dst
        kind, vpc = kinds.get(r.iface, (None, r.vpc))
        ls, ld = (RANGES.label_of(a) if a and _parses(a) else None for a in (s, d))
        se, de = endpoints.get((vpc, s)), endpoints.get((vpc, d))
        s_own, d_own = (r.iface, s) in own, (r.iface, d) in own
        ps, pd = _private(s), _private(d)
        rules = [  # (when, is the source the remote end), the first that holds
            (not fwd and d_own and not s_own, True),
            (not fwd and s_own and not d_own, False),
            (de is not None, False),
            (se is not None, True),
            (ld is not None and ls is None, False),
            (ls is not None and ld is None, True),
            (ps and not pd, False),
            (pd and not ps, True),
            (r.direction is not None and not fwd, r.direction == "ingress"),
        ]
        remote_is_source = next((value for holds, value in rules if holds), False)
        local, remote = (d, s) if remote_is_source else (s, d)
        endpoint = se if remote_is_source else de
        label = endpoint[1] if endpoint else (ls if remote_is_source else ld)
        category = "aws" if label else ("private" if _private(remote) else "internet")
        endpoint_id = endpoint[0] if endpoint else None
        decided.append((r, kind, vpc, fwd, local, not remote_is_source, endpoint_id, label, category))
    forwarding = {r.iface for r, _, _, fwd, *_ in decided if fwd}
    sums: dict[tuple[Any, ...], list[int]] = defaultdict(lambda: [0, 0, 0, 2**62, 0])
    for r, kind, vpc, fwd, local, outbound, endpoint, label, category in decided:
        if kind in MANAGED_KINDS:
            role = "managed"
        elif kind == "nat_gateway" or r.iface in forwarding:
            role = "nat" if fwd else "nat-own"
        else:
            role = "origin"
        total = sums[(role, r.iface, vpc, local, category, label, endpoint, outbound, r.action)]
        total[0] += r.bytes
        total[1] += r.packets
        total[2] += 1
        total[3], total[4] = min(total[3], r.start), max(total[4], r.end)
    return dict(sums)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(found=st.lists(records, min_size=1, max_size=120))
def test_streamed_rows_equal_the_reference(tmp_path_factory: Any, found: list[Record]) -> None:
    folder = tmp_path_factory.mktemp("logs")
    path = folder / "a.log.gz"
    path.write_bytes(gzip.compress(("\n".join([FORMAT, *(r.line() for r in found)]) + "\n").encode(), mtime=0))
    usage = read_usage(find([path]), RANGES, KNOWN, memory_limit="256MB", threads=2)
    got: dict[tuple[Any, ...], list[int]] = {}
    for row in usage.rows:
        key = (row.role, row.interface_id, row.vpc_id, row.local, row.category, row.label, row.endpoint_id,
               row.outbound, row.action)  # fmt: skip
        assert key not in got, key
        got[key] = [row.bytes, row.packets, row.records, row.first or 0, row.last or 0]
    assert got == reference(found)
    assert usage.records == len(found)
