"""The flow-log reader in process: AWS's ip-ranges lookup against a brute-force scan of the published prefixes; AWS's
own documented records in a custom format, in gzipped text, plain text without a header and Parquet; NODATA and
SKIPDATA; and every kind of bad input as one clear CLI line."""

from __future__ import annotations

import gzip
import json
import random
from functools import cache
from ipaddress import IPv4Address, ip_address, ip_network
from pathlib import Path
from typing import Any

import duckdb
import pytest
from typer.testing import CliRunner

from vpcsim.cli.main import app
from vpcsim.flowlogs.attribution import merge
from vpcsim.flowlogs.fields import DEFAULT_FIELDS
from vpcsim.flowlogs.ranges import Label, load_ranges, packaged_ranges
from vpcsim.flowlogs.sources import FlowLogError, find
from vpcsim.flowlogs.usage import read_usage

ROOT = Path(__file__).resolve().parents[2]
# AWS's documented version 5 example [VPCUG "Flow log record examples": "traffic through a NAT gateway" / "S3"]: an
# instance's two records of a flow with S3 in ap-southeast-2, in this custom format.
DOC_FORMAT = (
    "version srcaddr dstaddr srcport dstport protocol start end type packets bytes account-id vpc-id subnet-id "
    "instance-id interface-id region az-id sublocation-type sublocation-id action tcp-flags pkt-srcaddr pkt-dstaddr "
    "pkt-src-aws-service pkt-dst-aws-service traffic-path flow-direction log-status"
)
DOC_RECORDS = [
    "5 52.95.128.179 10.0.0.71 80 34210 6 1616729292 1616729349 IPv4 14 15044 123456789012 vpc-abcdefab012345678 "
    "subnet-aaaaaaaa012345678 i-0c50d5961bcb2d47b eni-1235b8ca123456789 ap-southeast-2 apse2-az3 - - ACCEPT 19 "
    "52.95.128.179 10.0.0.71 S3 - - ingress OK",
    "5 10.0.0.71 52.95.128.179 34210 80 6 1616729292 1616729349 IPv4 7 471 123456789012 vpc-abcdefab012345678 "
    "subnet-aaaaaaaa012345678 i-0c50d5961bcb2d47b eni-1235b8ca123456789 ap-southeast-2 apse2-az3 - - ACCEPT 3 "
    "10.0.0.71 52.95.128.179 - S3 8 egress OK",
]
RECORD = "2 123456789012 eni-0c 10.0.1.5 52.94.0.10 40000 443 6 10 9000 1700000000 1700000060 ACCEPT OK\n"
DEFAULT_HEADER = " ".join(DEFAULT_FIELDS)


# -- ip-ranges ---------------------------------------------------------------------------------------------------
def published() -> list[tuple[Any, str, str]]:
    """(network, service, region) of every IPv4 prefix in the package's copy, read with gzip and json here."""
    raw = json.loads(gzip.decompress((ROOT / "src/vpcsim/catalog/data/ip_ranges.json.gz").read_bytes()))
    return [
        (ip_network(cidr), service, region)
        for region, services in raw["regions"].items()
        for service, cidrs in services.items()
        for cidr in cidrs
        if "." in cidr
    ]


def brute_force(address: IPv4Address, prefixes: list[tuple[Any, str, str]]) -> Label | None:
    """The documented rule by a scan: a specific service before AMAZON, the longest prefix, any service before EC2."""
    number = int(address)
    held = [(n, s, r) for first, last, n, s, r in _spans(tuple(prefixes)) if first <= number <= last]
    if not held:
        return None
    _, service, region = min(held, key=lambda h: (h[1] == "AMAZON", -h[0].prefixlen, h[1] == "EC2", h[1], h[2]))
    return Label(service, region)


@cache
def _spans(prefixes: tuple[tuple[Any, str, str], ...]) -> list[tuple[int, int, Any, str, str]]:
    """Each prefix with its first and last address as integers (the scan compares numbers, not objects)."""
    return [(int(n.network_address), int(n.broadcast_address), n, s, r) for n, s, r in prefixes]


def table_lookup(address: IPv4Address, tables: list[dict[int, tuple[int, bool]]]) -> int:
    """The label id the /16, /24 and /32 block tables give, looked up the way the SQL does."""
    number, label, refined = int(address), 0, True
    for table, shift in zip(tables, (16, 8, 0), strict=True):
        if not refined:
            break
        label, refined = table.get(number >> shift, (label, False))
    return label


def test_lookup_and_block_tables_equal_a_brute_force_scan() -> None:
    prefixes, ranges, rng = published(), packaged_ranges(), random.Random(7)
    tables = [{k: (label, refined) for k, label, refined in rows} for rows in ranges.block_tables()]
    probes = []
    for network, _, _ in rng.sample(prefixes, 300):
        first, last = int(network.network_address), int(network.broadcast_address)
        probes += [first, last, rng.randint(first, last), max(first - 1, 0), min(last + 1, 2**32 - 1)]
    for number in probes:
        address = IPv4Address(number)
        expected = brute_force(address, prefixes)
        assert ranges.label_of(str(address)) == expected, address
        assert table_lookup(address, tables) == ranges.label_id(expected), address


def test_a_newer_ip_ranges_file_is_used_as_given(tmp_path: Path) -> None:
    given = tmp_path / "ip-ranges.json"
    given.write_text(json.dumps({"syncToken": "1", "createDate": "2030-01-01-00-00-00", "prefixes": [
        {"ip_prefix": "198.51.100.0/24", "region": "eu-west-2", "service": "AMAZON", "network_border_group": "x"},
        {"ip_prefix": "198.51.100.128/25", "region": "eu-west-2", "service": "S3", "network_border_group": "x"},
    ]}))  # fmt: skip
    ranges = load_ranges(given)
    assert ranges.label_of("198.51.100.200") == Label("S3", "eu-west-2")
    assert ranges.label_of("198.51.100.1") == Label("AMAZON", "eu-west-2")
    assert ranges.label_of("52.95.128.179") is None and ranges.source["createDate"] == "2030-01-01-00-00-00"


# -- formats -----------------------------------------------------------------------------------------------------
def write_text(path: Path, header: str | None, lines: list[str], compress: bool = True) -> Path:
    body = "\n".join(([header] if header else []) + lines) + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(gzip.compress(body.encode()) if compress else body.encode())
    return path


def usage_of(*paths: Path, log_format: str | None = None) -> Any:
    return read_usage(find(list(paths), log_format), packaged_ranges(), memory_limit="256MB", threads=1)


def documented_exchange(usage: Any) -> Any:
    [exchange] = merge(usage.rows)
    return exchange


def test_aws_documented_records_in_a_custom_format(tmp_path: Path) -> None:
    key = tmp_path / "AWSLogs/123456789012/vpcflowlogs/ap-southeast-2/2021/03/26/x_20210326T0325Z_1a2b3c4d.log.gz"
    usage = usage_of(write_text(key, DOC_FORMAT, DOC_RECORDS))
    exchange = documented_exchange(usage)
    assert (exchange.interface_id, exchange.address, exchange.vpc_id) == (
        "eni-1235b8ca123456789", "10.0.0.71", "vpc-abcdefab012345678",
    )  # fmt: skip
    assert (exchange.label, exchange.bytes_out, exchange.bytes_in) == (Label("S3", "ap-southeast-2"), 471, 15044)
    assert (usage.first, usage.last, usage.records) == (1616729292, 1616729349, 2)


def test_parquet_reads_as_the_text_does(tmp_path: Path) -> None:
    text = write_text(tmp_path / "text" / "a.log.gz", DOC_FORMAT, DOC_RECORDS)
    parquet = tmp_path / "parquet" / "a.log.parquet"
    parquet.parent.mkdir()
    numbers = ("version", "bytes", "packets", "start", "end")
    columns = {f: ("BIGINT" if f in numbers else "VARCHAR") for f in DOC_FORMAT.split()}
    renamed = ", ".join(f'"{f}" AS {f.replace("-", "_")}' for f in DOC_FORMAT.split())
    duckdb.execute(
        f"COPY (SELECT {renamed} FROM read_csv(?, delim=' ', header=true, columns=?, auto_detect=false)) TO "
        f"'{parquet}' (FORMAT parquet, COMPRESSION gzip)",
        [str(text), columns],
    )
    from_text, from_parquet = usage_of(text), usage_of(parquet)
    assert documented_exchange(from_parquet) == documented_exchange(from_text)
    assert find([parquet]).files[0].kind == "parquet"


def test_plain_text_without_a_header_takes_the_given_format(tmp_path: Path) -> None:
    lines = [
        "2 123456789012 eni-0a 10.0.1.5 52.94.0.10 40000 443 6 10 9000 1700000000 1700000060 ACCEPT OK",
        "2 123456789012 eni-0a 52.94.0.10 10.0.1.5 443 40000 6 8 7000 1700000000 1700000060 ACCEPT OK",
        "2 123456789012 eni-0a 10.0.1.5 52.94.0.10 40001 443 6 1 40 1700000060 1700000120 REJECT OK",
    ]
    exported = write_text(tmp_path / "cloudwatch" / "eni-0a.log", None, lines, compress=False)
    [exchange] = merge(usage_of(exported, log_format="default").rows)
    assert exchange.label == Label("DYNAMODB", "us-east-1")
    assert (exchange.bytes_out, exchange.bytes_in, exchange.rejected_out) == (9000, 7000, 40)


def test_nodata_and_skipdata_are_counted_not_attributed(tmp_path: Path) -> None:
    lines = [
        "2 123456789012 eni-0a - - - - - - - 1700000000 1700000600 - NODATA",
        "2 123456789012 eni-0b - - - - - - - 1700000000 1700000600 - SKIPDATA",
        "2 123456789012 eni-0c 10.0.1.5 52.94.0.10 40000 443 6 10 9000 1700000000 1700000060 ACCEPT OK",
    ]
    usage = usage_of(write_text(tmp_path / "a.log.gz", DEFAULT_HEADER, lines))
    assert {s.status: s.records for s in usage.statuses} == {"NODATA": 1, "SKIPDATA": 1, "OK": 1}
    assert [(e.interface_id, e.bytes_out) for e in merge(usage.rows)] == [("eni-0c", 9000)]
    assert (usage.first, usage.last) == (1700000000, 1700000600)


# -- bad input: one clear line, exit status 1 ------------------------------------------------------------------------
def run(*args: str) -> Any:
    return CliRunner().invoke(app, ["flowlogs", *args])


def one_line_error(result: Any, *words: str) -> None:
    assert result.exit_code == 1, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("vpcsim flowlogs: "), result.stderr
    assert all(w in lines[0] for w in words), lines[0]
    assert "Traceback" not in result.output and result.stdout == ""


def _gz(data: bytes) -> bytes:
    return gzip.compress(data, mtime=0)  # the same bytes in every worker (pytest-xdist compares collected ids)


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("a.log.gz", b"version srcaddr dstaddr bytes\n", ["a.log.gz", "not gzip"]),
        ("b.log.gz", _gz(DOC_RECORDS[0].encode()), ["b.log.gz", "no header line"]),
        ("c.log.gz", _gz(b"version srcaddr dstaddr bytes windowstart\n"), ["unknown field 'windowstart'"]),
        ("d.log.gz", _gz(b"version tgw-id srcaddr dstaddr bytes\n"), ["transit gateway", "tgw-id"]),
        ("e.log.gz", _gz(b"version srcaddr dstaddr packets\n"), ["no 'bytes' field"]),
        ("f.log.gz", _gz((DEFAULT_HEADER + "\n" + RECORD * 500).encode())[:-30], ["f.log.gz", ": line "]),
        ("i.log", (DEFAULT_HEADER + "\n" + RECORD.replace(" 9000 ", " ten ")).encode(), ["i.log: line 2", "bytes"]),
        ("j.log", (DEFAULT_HEADER + "\n" + RECORD.replace(" OK", "")).encode(), ["j.log: line 2", "Columns"]),
        ("g.parquet", b"PAR1 not really", ["g.parquet", "Parquet"]),
        ("h.log", b"\x00\x01\x02 binary", ["h.log", "binary"]),
    ],
    ids=lambda value: value if isinstance(value, str) else None,
)
def test_bad_files_are_one_clear_line(tmp_path: Path, name: str, content: bytes, words: list[str]) -> None:
    (tmp_path / name).write_bytes(content)
    one_line_error(run(str(tmp_path / name)), *words)


def test_folders_and_options_that_cannot_be_read(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "README.txt.bak").write_text("not a log")
    one_line_error(run(str(empty)), "no flow-log files in this folder")
    one_line_error(run(str(tmp_path / "missing")), "no such file or folder")
    good = write_text(tmp_path / "ok" / "a.log.gz", DOC_FORMAT, DOC_RECORDS)
    one_line_error(run(str(good), "--log-format", "${srcaddr} ${nonsense}"), "--log-format", "nonsense")
    one_line_error(run(str(good), "--ip-ranges", str(good)), "not an AWS ip-ranges.json")
    one_line_error(run(str(good), "--state", str(tmp_path / "nowhere.db")), "no such state file")
    with pytest.raises(FlowLogError):
        find([empty])


def test_a_readable_folder_answers_json_and_text(tmp_path: Path) -> None:
    write_text(tmp_path / "AWSLogs/1/vpcflowlogs/ap-southeast-2/2021/03/26/a.log.gz", DOC_FORMAT, DOC_RECORDS)
    (tmp_path / "AWSLogs/notes.md").write_text("skipped: not a flow-log name")
    answer = run(str(tmp_path), "--json")
    assert answer.exit_code == 0, answer.output
    report = json.loads(answer.stdout)
    assert report["files"]["read"] == 1 and len(report["files"]["skipped"]) == 1
    assert report["services"][0] | {} == {
        "service": "S3", "region": "ap-southeast-2", "bytes_out": 471, "bytes_in": 15044, "rejected_bytes": 0,
        "senders": 1, "through_interface_endpoints": 0,
    }  # fmt: skip
    assert report["state"] is False and any("--state" in n for n in report["notes"])
    shown = run(str(tmp_path))
    assert shown.exit_code == 0 and "S3" in shown.stdout and "ap-southeast-2" in shown.stdout
    assert ip_address(report["senders"][0]["address"]) == ip_address("10.0.0.71")
