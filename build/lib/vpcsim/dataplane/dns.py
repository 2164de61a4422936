"""DNS as the VPC's Amazon-provided resolver answers it [PLG-AWS; S3PL; aws-behaviour 1.2.11, 1.3.8-1.3.15].

In order: an IP address is itself; nothing resolves when the VPC's enableDnsSupport is off; the private hosted zones
of the VPC's interface endpoints with private DNS (only when enableDnsHostnames is on too, and not for S3 endpoints
whose private DNS is for inbound resolver endpoints only); any endpoint's public ``*.vpce.amazonaws.com`` names (zonal
names to that AZ's interface); AWS service names (``sqs.eu-west-2.amazonaws.com``, ``bucket.s3.eu-west-2.amazonaws
.com``) to an address in the service's published ranges for that region. Anything else does not resolve: vpcsim has
no view of the internet's DNS (an IP destination reaches the internet).

Named choice: of several addresses (a regional endpoint name) the resolver's answer used is the one in the client's
own AZ when there is one (AWS answers round-robin; the same-AZ choice is deterministic and the cheapest path).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from ipaddress import IPv4Address, ip_address

from vpcsim.dataplane.topology import DnsName, Endpoint, Network, Topology, Vpc

_SERVICE_NAME = re.compile(
    r"^(?:(?P<prefix>.+)\.)?(?P<service>[a-z0-9-]+)(?:\.dualstack)?\.(?P<region>[a-z]{2}(?:-[a-z]+)+-\d)\.amazonaws\.com$"
)
_RANGES = {"s3": "S3", "dynamodb": "DYNAMODB", "ec2": "EC2"}


@dataclass(frozen=True, slots=True)
class Answer:
    name: str
    addresses: tuple[IPv4Address, ...]
    source: str  # "address" | "private-zone" | "vpce-name" | "aws-service"
    detail: str
    endpoint: str | None = None  # the endpoint whose record answered
    service: str | None = None  # for AWS service names: "s3", "sqs", ...
    service_region: str | None = None
    record: str | None = None  # the record name that matched (may be a wildcard)


@dataclass(frozen=True, slots=True)
class NoAnswer:
    name: str
    reason: str


def _matches(record: str, name: str) -> bool:
    if record.startswith("*."):
        return name.endswith(record[1:]) and len(name) > len(record) - 1
    return record == name


def _best(records: list[tuple[Endpoint, DnsName]], name: str) -> tuple[Endpoint, DnsName] | None:
    exact = [(e, r) for e, r in records if r.name == name]
    chosen = exact or records
    return chosen[0] if chosen else None


def _endpoint_alive(endpoint: Endpoint) -> bool:
    """The private zone answers only for a working endpoint."""
    return endpoint.state in ("available", "pending")


def endpoint_named(endpoint: Endpoint) -> bool:
    """An endpoint's own vpce names exist from its creation until it is deleted (DescribeVpcEndpoints shows them even
    while pendingAcceptance); resolving them lets a trace say why such an endpoint carries nothing (named choice)."""
    return endpoint.state not in ("deleting", "deleted", "failed")


def resolve(topo: Topology, vpc: Vpc, name: str) -> Answer | NoAnswer:
    name = name.rstrip(".").lower()
    try:
        return Answer(name, (IPv4Address(ip_address(name)),), "address", f"{name} is an address")
    except ValueError:
        pass
    if not vpc.dns_support:
        return NoAnswer(name, f"{vpc.id} has enableDnsSupport off: the Amazon DNS server does not answer")
    return (
        _private(topo, vpc, name)
        or _vpce_name(topo, name)
        or _aws_service(topo, name)
        or NoAnswer(name, f"no record for {name} in the VPC's private zones, the vpce names or AWS's service names")
    )


def answers_privately(endpoint: Endpoint) -> bool:
    """Whether ``endpoint``'s private hosted zone answers in its VPC (when the VPC's DNS hostnames are on)."""
    return endpoint.private_dns and not endpoint.inbound_only_private_dns and _endpoint_alive(endpoint)


def _private(topo: Topology, vpc: Vpc, name: str) -> Answer | None:
    if not vpc.dns_hostnames:
        return None
    records = [(e, r) for e, r in topo.private_records.get(vpc.id, ()) if _matches(r.name, name)]
    found = _best(records, name)
    if found is None:
        return None
    endpoint, record = found
    detail = f"private hosted zone of {endpoint.id} answers {record.name} with its interfaces"
    return Answer(name, record.addresses, "private-zone", detail, endpoint.id, record=record.name)


def _vpce_name(topo: Topology, name: str) -> Answer | None:
    if not name.endswith(".vpce.amazonaws.com"):
        return None
    found = _vpce_record(topo, name)
    if found is None:
        return None
    endpoint, record = found
    where = f"zonal name for {record.zone}" if record.zone else "regional name"
    return Answer(name, record.addresses, "vpce-name", f"{where} of {endpoint.id}", endpoint.id, record=record.name)


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


def _aws_service(topo: Topology, name: str) -> Answer | None:
    if name == "s3.amazonaws.com":  # the legacy global name is us-east-1's [S3PL]
        name_region, service = "us-east-1", "s3"
    else:
        match = _SERVICE_NAME.match(name)
        if match is None:
            return None
        name_region, service = match.group("region"), match.group("service")
    address = service_address(topo, name_region, service)
    if address is None:
        return None
    detail = f"{name} is AWS's public {service} endpoint in {name_region}: an address in its published ranges"
    return Answer(name, (address,), "aws-service", detail, service=service, service_region=name_region)


def service_address(topo: Topology, region: str, service: str) -> IPv4Address | None:
    """A stable public address of ``service`` in ``region``, from the ranges AWS publishes (ip-ranges.json): the
    first range's tenth address (kept per topology, as the ranges do not change)."""
    key = (region, service)
    if key not in topo.service_addresses:
        first = _first_range(topo, region, service)
        topo.service_addresses[key] = first.network_address + 10 if first is not None else None
    return topo.service_addresses[key]


def _first_range(topo: Topology, region: str, service: str) -> Network | None:
    """The service's first range; for services without their own ranges (SQS...), the first AMAZON range that
    overlaps no S3, DynamoDB or EC2 range."""
    key = _RANGES.get(service)
    if key is not None:
        return next(iter(topo.service_ranges.get((region, key), ())), None)
    taken = tuple(n for k in ("S3", "DYNAMODB", "EC2") for n in topo.service_ranges.get((region, k), ()))
    amazon = topo.service_ranges.get((region, "AMAZON"), ())
    return next((n for n in amazon if not any(n.overlaps(t) for t in taken)), None)


SERVICE_KINDS = ("S3", "DYNAMODB", "EC2", "AMAZON")  # most specific service first


def service_of_address(topo: Topology, address: IPv4Address) -> tuple[str, str] | None:
    """The (region, S3|DYNAMODB|AMAZON|EC2) range an address belongs to, most specific service first."""
    for kind in SERVICE_KINDS:
        index = topo.service_index.get(kind)
        region = index.first(address) if index is not None else None
        if region is not None:
            return region, kind
    return None
