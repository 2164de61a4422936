"""AWS-managed prefix lists and AWS's published address ranges per Region and service.

Two package-data files, both from scripts/gen_prefix_lists.py over AWS's ip-ranges.json:
- ``data/prefix_lists.json``: per Region the AWS-managed lists (``com.amazonaws.<region>.s3``, ``.dynamodb``,
  ``.ec2-instance-connect``, ``com.amazonaws.global.cloudfront.origin-facing``, and the IPv6 list ``.ipv6.s3``) with
  real ids where a source recorded them (``id_source``), else generated ones;
- ``data/ip_ranges.json.gz``: ``{region: {service: [cidr, ...]}}`` for every ip-ranges service (S3, DYNAMODB, EC2,
  AMAZON, ...), IPv4 and IPv6, used by the data plane to tell which public addresses belong to which service.

AWS-managed prefix list ids are unique within a Region only (``pl-78a54011`` is S3 in ap-south-1 and DynamoDB in
ap-northeast-1), so every lookup takes the Region.

>>> prefix_list_for_service("us-east-1", "s3").prefix_list_id
'pl-63a5400a'
"""

from __future__ import annotations

import gzip
import ipaddress
import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from vpcsim.catalog.regions import REGIONS

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

AWS_OWNER_ID = "AWS"


@dataclass(frozen=True, slots=True)
class ManagedPrefixList:
    """An AWS-managed prefix list, as DescribeManagedPrefixLists / DescribePrefixLists show it."""

    prefix_list_id: str
    prefix_list_name: str
    region: str
    address_family: str
    cidrs: tuple[IPNetwork, ...]
    id_source: str  # keys of the sources that recorded the id, or "generated"
    version: int = 1
    state: str = "create-complete"
    owner_id: str = AWS_OWNER_ID

    @property
    def max_entries(self) -> int:
        return len(self.cidrs)

    @property
    def prefix_list_arn(self) -> str:
        return f"arn:aws:ec2:{self.region}:aws:prefix-list/{self.prefix_list_id}"

    @property
    def id_is_real(self) -> bool:
        return self.id_source != "generated"


def _read(name: str) -> bytes:
    return resources.files("vpcsim.catalog").joinpath(f"data/{name}").read_bytes()


@cache
def _lists() -> dict[str, tuple[ManagedPrefixList, ...]]:
    raw: dict[str, Any] = json.loads(_read("prefix_lists.json"))
    return {region: tuple(_build(region, item) for item in items) for region, items in raw["regions"].items()}


def _build(region: str, item: dict[str, Any]) -> ManagedPrefixList:
    return ManagedPrefixList(
        prefix_list_id=item["PrefixListId"],
        prefix_list_name=item["PrefixListName"],
        region=region,
        address_family=item["AddressFamily"],
        cidrs=tuple(ipaddress.ip_network(c) for c in item["Cidrs"]),
        id_source=item["IdSource"],
    )


def managed_prefix_lists(region: str) -> tuple[ManagedPrefixList, ...]:
    """The AWS-managed prefix lists of ``region``; empty for an unknown Region."""
    return _lists().get(region, ())


def find_managed_prefix_list(region: str, name_or_id: str) -> ManagedPrefixList | None:
    lists = managed_prefix_lists(region)
    return next((p for p in lists if name_or_id in (p.prefix_list_id, p.prefix_list_name)), None)


def prefix_list_for_service(region: str, service: str) -> ManagedPrefixList | None:
    """The gateway-endpoint prefix list: ``service`` is ``s3`` or ``dynamodb`` (also accepts a full service name)."""
    short = service.rsplit(".", 1)[-1]
    return find_managed_prefix_list(region, f"com.amazonaws.{region}.{short}")


def ipv6_prefix_list_for_service(region: str, service: str) -> ManagedPrefixList | None:
    """The IPv6 list a dual-stack gateway endpoint routes to (``com.amazonaws.<region>.ipv6.s3``), if AWS has one."""
    short = service.rsplit(".", 1)[-1]
    return find_managed_prefix_list(region, f"com.amazonaws.{region}.ipv6.{short}")


@cache
def _ranges() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(gzip.decompress(_read("ip_ranges.json.gz")))
    return data


def ip_ranges_source() -> dict[str, str]:
    """``syncToken``, ``createDate`` and file name of the ip-ranges.json the package data was built from."""
    meta: dict[str, str] = _ranges()["ipRanges"]
    return dict(meta)


@cache
def service_cidrs(region: str, service: str) -> tuple[IPNetwork, ...]:
    """AWS's published ranges for an ip-ranges ``service`` (``S3``, ``DYNAMODB``, ``EC2``, ``AMAZON``, ...) in
    ``region`` (or ``GLOBAL``), IPv4 then IPv6; empty when none are published."""
    cidrs = _ranges()["regions"].get(region, {}).get(service.upper(), [])
    return tuple(ipaddress.ip_network(c) for c in cidrs)


def ip_ranges_regions() -> tuple[str, ...]:
    """Every Region (and ``GLOBAL``) the ip-ranges copy publishes ranges for, vpcsim's Regions or not."""
    return tuple(_ranges()["regions"])


def ip_ranges_services(region: str) -> tuple[str, ...]:
    """The ip-ranges service names that publish ranges in ``region``."""
    return tuple(_ranges()["regions"].get(region, {}))


# -- Amazon's IPv6 pools -----------------------------------------------------------------------------------------
# Regions the ip-ranges copy predates get a /36 of their own under 2600:1f80::/28, by their place among the known
# Regions (named choice: their real pool is not in the data; the derived blocks overlap no published range).
_DERIVED_POOLS = ipaddress.IPv6Network("2600:1f80::/28")


@cache
def amazon_ipv6_pool(region: str) -> ipaddress.IPv6Network:
    """The pool Amazon-provided VPC /56 blocks of ``region`` come from: the Region's largest published EC2 IPv6
    range (``2600:1f18::/33`` in us-east-1, ``2a05:d01c::/36`` in eu-west-2, where real VPC blocks are seen)."""
    ranges = [n for n in service_cidrs(region, "EC2") if isinstance(n, ipaddress.IPv6Network)]
    if ranges:
        return min(ranges, key=lambda n: (n.prefixlen, int(n.network_address)))
    known = sorted({*REGIONS, region})
    step = 1 << (128 - 36)
    return ipaddress.IPv6Network((int(_DERIVED_POOLS.network_address) + known.index(region) * step, 36))


@cache
def amazon_ipv6_ranges(region: str) -> tuple[ipaddress.IPv6Network, ...]:
    """Every IPv6 range Amazon publishes for EC2 in ``region``, with its VPC pool: where public IPv6 addresses of
    instances in the Region lie."""
    ranges = [n for n in service_cidrs(region, "EC2") if isinstance(n, ipaddress.IPv6Network)]
    pool = amazon_ipv6_pool(region)
    return tuple(ranges if pool in ranges else [*ranges, pool])
