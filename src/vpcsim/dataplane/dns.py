"""DNS as the VPC's Amazon-provided resolver answers it [PLG-AWS; S3PL; aws-behaviour 1.2.11, 1.3.8-1.3.15].

In order: an IP address is itself; nothing resolves when the VPC's enableDnsSupport is off; the private hosted zones
of the VPC's interface endpoints with private DNS (only when enableDnsHostnames is on too, and not for S3 endpoints
whose private DNS is for inbound resolver endpoints only); any endpoint's public ``*.vpce.amazonaws.com`` names (zonal
names to that AZ's interface); AWS service names (``sqs.eu-west-2.amazonaws.com``, ``bucket.s3.eu-west-2.amazonaws
.com``) to an address in the service's published ranges for that region. Anything else does not resolve: vpcsim has
no view of the internet's DNS (an IP destination reaches the internet).

Named choice: of several addresses (a regional endpoint name) the resolver's answer used is the one in the client's
own AZ when there is one (AWS answers round-robin; the same-AZ choice is deterministic and the cheapest path).

IPv6: records answer A and AAAA (an endpoint's names as its DnsRecordIpType says; AWS's dual-stack service names,
``<service>.dualstack.<region>.amazonaws.com`` and ``<service>.<region>.api.aws``, with an address from the service's
IPv6 ranges too). In a subnet with DNS64 on, a name with A records only gets AAAA records synthesised in
``64:ff9b::/96`` (RFC 6052), which a NAT gateway translates back [VPCUG23 nat-gateway-nat64-dns64].
DHCP options [VPCUG DHCPOptionSetConcepts; aws-behaviour 1.3.14]: instances ask the servers their VPC's DHCP options
set hands out. Private hosted zones (interface endpoints' private DNS) answer only through the Amazon DNS server, so a
VPC whose set names custom servers and not AmazonProvidedDNS does not see them; vpcsim takes custom servers to answer
public names as the internet's DNS does (named choice), so an AWS service name resolves to the service's public
address there and a name only a private zone holds does not resolve, and the answer says why. A VPC with no options
set (``default``) uses the Amazon DNS server (Nitro instances are given 169.254.169.253). Hosts on premises resolve
public names only (``resolve_outside``): private zones need a Route 53 Resolver inbound endpoint, not modelled.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from ipaddress import IPv6Address, IPv6Network, ip_address

from vpcsim.dataplane.topology import Address, DnsName, Endpoint, Network, Topology, Vpc

_SERVICE_NAME = re.compile(
    r"^(?:(?P<prefix>.+?)\.)?(?P<service>[a-z0-9-]+)(?P<dualstack>\.dualstack)?\.(?P<region>[a-z]{2}(?:-[a-z]+)+-\d)"
    r"\.(?:amazonaws\.com|(?P<api>api\.aws))$"
)
NAT64_PREFIX = IPv6Network("64:ff9b::/96")  # the well-known prefix DNS64 synthesises into (RFC 6052)
_RANGES = {"s3": "S3", "dynamodb": "DYNAMODB", "ec2": "EC2"}


@dataclass(frozen=True, slots=True)
class Answer:
    name: str
    addresses: tuple[Address, ...]
    source: str  # "address" | "private-zone" | "vpce-name" | "aws-service"
    detail: str
    endpoint: str | None = None  # the endpoint whose record answered
    service: str | None = None  # for AWS service names: "s3", "sqs", ...
    service_region: str | None = None
    record: str | None = None  # the record name that matched (may be a wildcard)
    note: str = ""  # what the client should know about the answer (a private zone its resolvers did not ask)


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


def resolve(topo: Topology, vpc: Vpc, name: str, *, dns64: bool = False) -> Answer | NoAnswer:
    """What the VPC's resolver answers for ``name``; ``dns64``: the asking subnet has DNS64 on."""
    name = name.rstrip(".").lower()
    try:
        return Answer(name, (ip_address(name.strip("[]")),), "address", f"{name} is an address")
    except ValueError:
        pass
    if not vpc.dns_support:
        return NoAnswer(name, f"{vpc.id} has enableDnsSupport off: the Amazon DNS server does not answer")
    found = (
        _custom_servers(topo, vpc, name)
        if not vpc.amazon_dns
        else _private(topo, vpc, name)
        or _vpce_name(topo, name)
        or _aws_service(topo, name)
        or NoAnswer(name, f"no record for {name} in the VPC's private zones, the vpce names or AWS's service names")
    )
    return synthesised(found) if dns64 and isinstance(found, Answer) else found


def synthesised(answer: Answer) -> Answer:
    """DNS64: an answer with A records only gains their ``64:ff9b::/96`` AAAA forms."""
    if any(a.version == 6 for a in answer.addresses):
        return answer
    v6 = tuple(IPv6Address(int(NAT64_PREFIX.network_address) + int(a)) for a in answer.addresses)
    detail = f"{answer.detail}; DNS64 synthesises AAAA {', '.join(map(str, v6))}"
    return replace(answer, addresses=(*answer.addresses, *v6), detail=detail)


def resolver_name(vpc: Vpc) -> str:
    """Who answers the VPC's instances: the Amazon DNS server, or the servers of its DHCP options set."""
    if vpc.amazon_dns:
        return "Amazon-provided DNS"
    return f"DNS servers {', '.join(vpc.name_servers) or '(none)'} of DHCP options {vpc.dhcp_options}"


def _custom_servers(topo: Topology, vpc: Vpc, name: str) -> Answer | NoAnswer:
    """Custom DNS servers answer public names; the VPC's private hosted zones are not theirs (module docstring)."""
    private = _private(topo, vpc, name)
    why = (
        f"{vpc.id}'s DHCP options {vpc.dhcp_options} hand out {', '.join(vpc.name_servers) or 'no DNS server'} and "
        "not AmazonProvidedDNS, so the Amazon DNS server that holds the VPC's private hosted zones is not asked"
    )
    public = _vpce_name(topo, name) or _aws_service(topo, name)
    if public is not None and private is not None:
        note = f"{name} resolved to its public address, not to {private.endpoint}'s interfaces: {why}"
        return replace(public, detail=f"{public.detail} ({why})", note=note)
    if public is not None:
        return public
    if private is not None:
        return NoAnswer(name, f"{name} is only in the private hosted zone of {private.endpoint}: {why}")
    return NoAnswer(name, f"no public record for {name} ({why})")


def resolve_outside(topo: Topology, name: str) -> Answer | NoAnswer:
    """How a host on premises resolves ``name``: an address, or a public name (module docstring)."""
    name = name.rstrip(".").lower()
    try:
        return Answer(name, (ip_address(name.strip("[]")),), "address", f"{name} is an address")
    except ValueError:
        pass
    return (
        _vpce_name(topo, name)
        or _aws_service(topo, name)
        or NoAnswer(
            name,
            f"no public record for {name}: on premises only public DNS answers (a VPC's private hosted zones need a "
            "Route 53 Resolver inbound endpoint)",
        )
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
    match: re.Match[str] | None = None
    if name == "s3.amazonaws.com":  # the legacy global name is us-east-1's [S3PL]
        name_region, service = "us-east-1", "s3"
    else:
        match = _SERVICE_NAME.match(name)
        if match is None:
            return None
        name_region, service = match.group("region"), match.group("service")
    dualstack = bool(match is not None and (match.group("dualstack") or match.group("api")))
    addresses = tuple(
        a for v in ((4, 6) if dualstack else (4,)) if (a := service_address(topo, name_region, service, v)) is not None
    )
    if not addresses:
        return None
    kind = "dual-stack " if dualstack else ""
    detail = f"{name} is AWS's public {kind}{service} endpoint in {name_region}: an address in its published ranges"
    return Answer(name, addresses, "aws-service", detail, service=service, service_region=name_region)


def service_address(topo: Topology, region: str, service: str, version: int = 4) -> Address | None:
    """A stable public address of ``service`` in ``region`` of family ``version``, from the ranges AWS publishes
    (ip-ranges.json): the first range's tenth address (kept per topology, as the ranges do not change)."""
    key = (region, service if version == 4 else f"{service}/ipv6")
    if key not in topo.service_addresses:
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


SERVICE_KINDS = ("S3", "DYNAMODB", "EC2", "AMAZON")  # most specific service first


def service_of_address(topo: Topology, address: Address) -> tuple[str, str] | None:
    """The (region, S3|DYNAMODB|AMAZON|EC2) range an address belongs to, most specific service first."""
    for kind in SERVICE_KINDS:
        index = topo.service_index.get(kind)
        region = index.first(address) if index is not None else None
        if region is not None:
            return region, kind
    return None
