"""Generate the AWS-managed prefix lists and the per-Region service address table from AWS's ip-ranges.json.

Writes two package-data files:
- ``src/vpcsim/catalog/data/prefix_lists.json``: for every Region in ``regions.json`` the AWS-managed prefix lists
  ``com.amazonaws.<region>.s3``, ``com.amazonaws.<region>.dynamodb``, ``com.amazonaws.<region>.ec2-instance-connect``
  and ``com.amazonaws.global.cloudfront.origin-facing``, with their IPv4 CIDRs;
- ``src/vpcsim/catalog/data/ip_ranges.json.gz``: every published range per Region per ip-ranges service (IPv4 and
  IPv6), so the data plane can tell which public addresses belong to S3, DYNAMODB, EC2, AMAZON, ...

Sources:
- the CIDRs: AWS's ``ip-ranges.json`` (format in the VPC User Guide "AWS IP address ranges"); default copy
  ``../shared/datasets/ip-ranges/ip-ranges-2022-06-12.json`` (createDate 2022-06-12-21-03-06). A list's entries are
  the ranges of its ip-ranges service in its Region (S3 -> s3, DYNAMODB -> dynamodb, EC2_INSTANCE_CONNECT ->
  ec2-instance-connect, CLOUDFRONT_ORIGIN_FACING (GLOBAL) -> cloudfront.origin-facing). Real lists are summarised
  by AWS (fewer, larger CIDRs) but cover the same space [DERIVED].
- the prefix list ids: ``REAL_IDS`` below, each with its source. Every other id is ``pl-`` + 8 hex from a hash of
  Region and name, marked ``"IdSource": "generated"`` in the output.
- ``OwnerId 'AWS'``, ``Version 1``, ``State create-complete``, ARN ``arn:aws:ec2:<region>:aws:prefix-list/<id>``:
  DescribeManagedPrefixLists on AWS-managed lists (EC2 API reference; awscli describe-managed-prefix-lists example).

- ``com.amazonaws.<region>.ipv6.s3`` (AddressFamily IPv6): the IPv6 ranges of S3 in Regions that publish some, for
  dual-stack S3 gateway endpoints. The name follows AWS's ``com.amazonaws.<region>.ipv6.<service>`` pattern (recorded
  for ``ipv6.ec2-instance-connect``, e.g. pl-09f90e410b133fe9f in us-east-1, in public CDK code); no real id is
  known, so ids are generated.

Not produced: ``ipv6.dynamodb`` (no DynamoDB IPv6 ranges in the ip-ranges copy), route53-healthchecks
(its membership is not per-Region in ip-ranges), vpc-lattice (not in ip-ranges 2022).
Regions absent from the ip-ranges copy (Regions opened after it) get lists with no entries; regenerate with a newer
file to fill them.

Run:  .venv/bin/python scripts/gen_prefix_lists.py [--ip-ranges PATH]
      (PATH: a newer https://ip-ranges.amazonaws.com/ip-ranges.json saved locally)
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import ipaddress
import json
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "src/vpcsim/catalog/data"
DEFAULT_IP_RANGES = ROOT.parent / "shared/datasets/ip-ranges/ip-ranges-2022-06-12.json"

# (region, name suffix) -> (id, comma-separated keys of SOURCES).
SOURCES = {
    "dumps": "../shared/datasets/aws-config-dumps/*/PrefixLists.json (real DescribePrefixLists, Batfish test data)",
    "sharad": "github.com/sharadchhetri/aws README.md (describe-prefix-lists output in 15 Regions, ~2018)",
    "cliex": "awscli awscli/examples/ec2/describe-prefix-lists.rst",
    "generated": "pl- + sha256(region/name)[:8]; no real id found",
}
_DUMPS, _SHARAD, _CLIEX = "dumps", "sharad", "cliex"
REAL_IDS: dict[tuple[str, str], tuple[str, str]] = {
    ("us-east-1", "s3"): ("pl-63a5400a", f"{_CLIEX},{_DUMPS},{_SHARAD}"),
    ("us-east-1", "dynamodb"): ("pl-02cd2c6b", f"{_DUMPS},{_SHARAD}"),
    ("us-east-2", "s3"): ("pl-7ba54012", f"{_DUMPS},{_SHARAD}"),
    ("us-east-2", "dynamodb"): ("pl-4ca54025", f"{_DUMPS},{_SHARAD}"),
    ("us-west-1", "s3"): ("pl-6ba54002", f"{_DUMPS},{_SHARAD}"),
    ("us-west-1", "dynamodb"): ("pl-6ea54007", f"{_DUMPS},{_SHARAD}"),
    ("us-west-2", "s3"): ("pl-68a54001", f"{_DUMPS},{_SHARAD}"),
    ("us-west-2", "dynamodb"): ("pl-00a54069", f"{_DUMPS},{_SHARAD}"),
    ("ap-south-1", "s3"): ("pl-78a54011", _SHARAD),
    ("ap-south-1", "dynamodb"): ("pl-66a7420f", _SHARAD),
    ("eu-west-3", "s3"): ("pl-23ad484a", _SHARAD),
    ("eu-west-3", "dynamodb"): ("pl-abb451c2", _SHARAD),
    ("eu-west-2", "s3"): ("pl-7ca54015", _SHARAD),
    ("eu-west-2", "dynamodb"): ("pl-b3a742da", _SHARAD),
    ("eu-west-1", "s3"): ("pl-6da54004", _SHARAD),
    ("eu-west-1", "dynamodb"): ("pl-6fa54006", _SHARAD),
    ("ap-northeast-2", "s3"): ("pl-78a54011", _SHARAD),
    ("ap-northeast-2", "dynamodb"): ("pl-48a54021", _SHARAD),
    ("ap-northeast-1", "s3"): ("pl-61a54008", _SHARAD),
    ("ap-northeast-1", "dynamodb"): ("pl-78a54011", _SHARAD),
    ("sa-east-1", "s3"): ("pl-6aa54003", _SHARAD),
    ("sa-east-1", "dynamodb"): ("pl-60a54009", _SHARAD),
    ("ca-central-1", "s3"): ("pl-7da54014", _SHARAD),
    ("ca-central-1", "dynamodb"): ("pl-4ea54027", _SHARAD),
    ("ap-southeast-1", "s3"): ("pl-6fa54006", _SHARAD),
    ("ap-southeast-1", "dynamodb"): ("pl-67a5400e", _SHARAD),
    ("ap-southeast-2", "s3"): ("pl-6ca54005", _SHARAD),
    ("ap-southeast-2", "dynamodb"): ("pl-62a5400b", _SHARAD),
    ("eu-central-1", "s3"): ("pl-6ea54007", _SHARAD),
    ("eu-central-1", "dynamodb"): ("pl-66a5400f", _SHARAD),
}
# IPv6 lists: name suffix -> ip-ranges service; produced where the Region publishes IPv6 ranges of it.
IPV6_LISTS: dict[str, str] = {"ipv6.s3": "S3"}
# list name suffix -> (ip-ranges service, whether the ranges are GLOBAL rather than per Region)
LISTS: dict[str, tuple[str, bool]] = {
    "s3": ("S3", False),
    "dynamodb": ("DYNAMODB", False),
    "ec2-instance-connect": ("EC2_INSTANCE_CONNECT", False),
    "cloudfront.origin-facing": ("CLOUDFRONT_ORIGIN_FACING", True),
}


def list_name(region: str, suffix: str, is_global: bool) -> str:
    return f"com.amazonaws.global.{suffix}" if is_global else f"com.amazonaws.{region}.{suffix}"


def generated_id(region: str, name: str) -> str:
    return "pl-" + hashlib.sha256(f"{region}/{name}".encode()).hexdigest()[:8]


def ranges_table(raw: dict[str, Any]) -> dict[str, dict[str, list[str]]]:
    """{region: {service: [cidr, ...]}} over IPv4 and IPv6 prefixes, each list sorted and deduplicated."""
    table: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for item in raw["prefixes"]:
        table[item["region"]][item["service"]].add(item["ip_prefix"])
    for item in raw.get("ipv6_prefixes", []):
        table[item["region"]][item["service"]].add(item["ipv6_prefix"])
    return {
        region: {svc: sorted(cidrs, key=_cidr_key) for svc, cidrs in sorted(services.items())}
        for region, services in sorted(table.items())
    }


def _cidr_key(cidr: str) -> tuple[int, int, int]:
    net = ipaddress.ip_network(cidr)
    return (net.version, int(net.network_address), net.prefixlen)


def ipv4_only(cidrs: list[str]) -> list[str]:
    return [c for c in cidrs if ipaddress.ip_network(c).version == 4]


def region_lists(region: str, table: dict[str, dict[str, list[str]]]) -> list[dict[str, Any]]:
    out = []
    for suffix, (service, is_global) in LISTS.items():
        name = list_name(region, suffix, is_global)
        cidrs = ipv4_only(table.get("GLOBAL" if is_global else region, {}).get(service, []))
        real = REAL_IDS.get((region, suffix))
        entry: dict[str, Any] = {
            "PrefixListName": name,
            "PrefixListId": real[0] if real else generated_id(region, name),
            "IdSource": real[1] if real else "generated",
            "AddressFamily": "IPv4",
            "Cidrs": cidrs,
        }
        out.append(entry)
    for suffix, service in IPV6_LISTS.items():
        name = list_name(region, suffix, False)
        cidrs = [c for c in table.get(region, {}).get(service, []) if ipaddress.ip_network(c).version == 6]
        if cidrs:
            ident = generated_id(region, name)
            entry = {"PrefixListName": name, "PrefixListId": ident, "IdSource": "generated", "AddressFamily": "IPv6"}
            out.append({**entry, "Cidrs": cidrs})
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ip-ranges", type=Path, default=DEFAULT_IP_RANGES, help="path to an ip-ranges.json")
    args = parser.parse_args()
    raw = json.loads(args.ip_ranges.read_text())
    table = ranges_table(raw)
    regions = [r["RegionName"] for r in json.loads((DATA / "regions.json").read_text())["regions"]]
    meta = {"syncToken": raw["syncToken"], "createDate": raw["createDate"], "file": args.ip_ranges.name}
    lists = {region: region_lists(region, table) for region in regions}
    doc = {"_source": __doc__.strip().splitlines()[0], "idSources": SOURCES, "ipRanges": meta, "regions": lists}
    (DATA / "prefix_lists.json").write_text(json.dumps(doc, indent=1) + "\n")
    blob = json.dumps({"ipRanges": meta, "regions": table}, separators=(",", ":")).encode()
    # mtime=0 keeps the gzip bytes reproducible across runs.
    (DATA / "ip_ranges.json.gz").write_bytes(gzip.compress(blob, mtime=0))
    missing = [r for r in regions if r not in table]
    print(f"wrote {sum(map(len, lists.values()))} prefix lists for {len(regions)} regions; no ranges for {missing}")


if __name__ == "__main__":
    main()
