"""Names public DNS answers, as far as vpcsim knows them: interface endpoints' ``*.vpce.amazonaws.com`` names (zonal
names to that AZ's interface), load balancers' DNS names, and AWS service names, each to an address in the
service's published ranges for its Region (ip-ranges.json) [PLG-AWS; aws-behaviour 1.2.11, 1.3.8].

AWS service names: ``<service>.<region>.amazonaws.com`` with an optional prefix (``bucket.``), the dual-stack forms
``<service>.dualstack.<region>.amazonaws.com`` and ``<service>.<region>.api.aws`` (A and AAAA), and every S3 host
name form ``s3names`` reads (regional, dual-stack, FIPS, legacy dash-Region, legacy global, access points). The legacy
global name of a bucket, ``<bucket>.s3.amazonaws.com``, answers with the bucket's Region when the bucket is known and
its Region was launched before 2019-03-20 (every Region an account need not opt in to: named choice, as AWS's
opt-in Regions are exactly those launched since), else with us-east-1 [S3UG VirtualHosting].

A load balancer's name answers its nodes' addresses: an internet-facing one's public addresses, an internal one's
private addresses [ELBv2 UG "Network Load Balancers": DNS name].
"""

from __future__ import annotations

import re
from ipaddress import ip_address

from vpcsim.dataplane import s3names
from vpcsim.dataplane.answers import Answer
from vpcsim.dataplane.topology import Address, DnsName, Endpoint, Network, Topology

_SERVICE_NAME = re.compile(
    r"^(?:(?P<prefix>.+?)\.)?(?P<service>[a-z0-9-]+)(?P<dualstack>\.dualstack)?\.(?P<region>[a-z]{2}(?:-[a-z]+)+-\d)"
    r"\.(?:amazonaws\.com|(?P<api>api\.aws))$"
)
_RANGES = {"s3": "S3", "dynamodb": "DYNAMODB", "ec2": "EC2"}
_AMAZON_ONLY = "*amazon-only*"  # where the address of the services without ranges of their own is kept
SERVICE_KINDS = ("S3", "DYNAMODB", "EC2", "AMAZON")  # most specific service first


def answer(topo: Topology, name: str) -> Answer | None:
    """What public DNS answers for ``name``, as far as vpcsim knows (None: nothing it knows)."""
    return vpce_name(topo, name) or load_balancer_name(topo, name) or aws_service(topo, name)


# -- interface endpoints' names ----------------------------------------------------------------------------------------
def vpce_name(topo: Topology, name: str) -> Answer | None:
    if not name.endswith(".vpce.amazonaws.com"):
        return None
    found = _vpce_record(topo, name)
    if found is None:
        return None
    endpoint, record = found
    where = f"zonal name for {record.zone}" if record.zone else "regional name"
    parsed = s3names.parse(name)
    return Answer(
        name,
        record.addresses,
        "vpce-name",
        f"{where} of {endpoint.id}",
        endpoint.id,
        record=record.name,
        bucket=parsed.bucket if parsed else None,
    )


def _vpce_record(topo: Topology, name: str) -> tuple[Endpoint, DnsName] | None:
    """The record named ``name`` first, else the first wildcard (in endpoint order) that covers it."""
    exact = topo.vpce_records.get(name)
    if exact:
        return exact[0][1], exact[0][2]
    wildcards = [
        first
        for i, char in enumerate(name)
        if char == "." and i > 0
        for first in topo.vpce_records.get("*" + name[i:], ())[:1]
    ]
    if not wildcards:
        return None
    _, endpoint, record = min(wildcards, key=lambda w: w[0])
    return endpoint, record


# -- load balancers ----------------------------------------------------------------------------------------------------
def load_balancer_name(topo: Topology, name: str) -> Answer | None:
    """A load balancer's DNS name (or its ``dualstack.`` form, as Route 53 aliases name it) -> its nodes."""
    arn = topo.load_balancer_names.get(name.removeprefix("dualstack."))
    lb = topo.load_balancers.get(arn or "")
    if lb is None:
        return None
    nodes = [topo.interfaces[eni] for eni in lb.nodes.values() if eni in topo.interfaces]
    addresses: list[Address] = [
        ip_address(n.public_ip) if lb.internet_facing and n.public_ip else n.address for n in nodes
    ]
    if not addresses:
        return None
    kind = "public" if lb.internet_facing else "private"
    detail = f"{name} is load balancer {lb.name}'s DNS name: its nodes' {kind} addresses"
    return Answer(name, tuple(addresses), "load-balancer", detail, record=lb.dns_name)


# -- AWS service names -------------------------------------------------------------------------------------------------
def aws_service(topo: Topology, name: str) -> Answer | None:
    s3 = s3names.parse(name)
    if s3 is not None and s3.form != "interface endpoint":
        return _s3(topo, name, s3)
    match = _SERVICE_NAME.match(name)
    if match is None:
        return None
    region, service = match.group("region"), match.group("service")
    return _service_answer(topo, name, service, region, bool(match.group("dualstack") or match.group("api")))


def _service_answer(topo: Topology, name: str, service: str, region: str, dualstack: bool) -> Answer | None:
    addresses = tuple(
        a for v in ((4, 6) if dualstack else (4,)) if (a := service_address(topo, region, service, v)) is not None
    )
    if not addresses:
        return None
    kind = "dual-stack " if dualstack else ""
    detail = f"{name} is AWS's public {kind}{service} endpoint in {region}: an address in its published ranges"
    return Answer(name, addresses, "aws-service", detail, service=service, service_region=region)


def _s3(topo: Topology, name: str, s3: s3names.S3Name) -> Answer | None:
    region = s3.region or global_region(topo, s3.bucket)
    found = _service_answer(topo, name, "s3", region, s3.dualstack)
    if found is None:
        return None
    what = f"bucket {s3.bucket}" if s3.bucket else f"access point {s3.access_point}" if s3.access_point else ""
    detail = f"{name} is Amazon S3's {s3.form} name{' for ' + what if what else ''} in {region}"
    if s3.region is None:
        detail += f" (the legacy global name: S3's DNS answers with {_why_global(topo, s3.bucket, region)})"
    return Answer(
        name,
        found.addresses,
        "aws-service",
        f"{detail}: an address in its published ranges",
        service="s3",
        service_region=region,
        bucket=s3.bucket,
        access_point=s3.access_point,
    )


def global_region(topo: Topology, bucket: str | None) -> str:
    """The Region S3's DNS answers ``<bucket>.s3.amazonaws.com`` with (module docstring)."""
    holder = topo.resources.get(bucket or "")
    if holder is None or holder.service != "s3" or holder.region in topo.opt_in_regions:
        return s3names.LEGACY_REGION
    return holder.region


def _why_global(topo: Topology, bucket: str | None, region: str) -> str:
    holder = topo.resources.get(bucket or "")
    if holder is None or holder.service != "s3":
        return f"{region}, as for a bucket it does not know"
    if holder.region != region:
        return f"{region}: the bucket's Region {holder.region} was launched after 2019-03-20"
    return f"the bucket's Region {region}"


def service_address(topo: Topology, region: str, service: str, version: int = 4) -> Address | None:
    """A stable public address of ``service`` in ``region`` of family ``version``, from the ranges AWS publishes
    (ip-ranges.json): the first range's tenth address (kept per topology, as the ranges do not change)."""
    key = (region, service if version == 4 else f"{service}/ipv6")
    if key not in topo.service_addresses:
        if service not in _RANGES and service != _AMAZON_ONLY:  # all such services share one address: found once
            topo.service_addresses[key] = service_address(topo, region, _AMAZON_ONLY, version)
        else:
            first = _first_range(topo, region, service, version)
            topo.service_addresses[key] = first.network_address + 10 if first is not None else None
    return topo.service_addresses[key]


def _first_range(topo: Topology, region: str, service: str, version: int) -> Network | None:
    """The service's first range of the family; for services without their own ranges (SQS...), the first AMAZON
    range that overlaps no S3, DynamoDB or EC2 range."""
    key = _RANGES.get(service)
    if key is not None:
        return next((n for n in topo.service_ranges.get((region, key), ()) if n.version == version), None)
    taken = tuple(n for k in ("S3", "DYNAMODB", "EC2") for n in topo.service_ranges.get((region, k), ()))
    amazon = [n for n in topo.service_ranges.get((region, "AMAZON"), ()) if n.version == version]
    return next((n for n in amazon if not any(n.overlaps(t) for t in taken if t.version == version)), None)


def service_of_address(topo: Topology, address: Address) -> tuple[str, str] | None:
    """The (region, S3|DYNAMODB|AMAZON|EC2) range an address belongs to, most specific service first."""
    for kind in SERVICE_KINDS:
        index = topo.service_index.get(kind)
        region = index.first(address) if index is not None else None
        if region is not None:
            return region, kind
    return None
