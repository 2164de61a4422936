"""What each source could reach, and which of those share one trace.

Targets of a source (``Target.kind``):

- ``aws``: S3, DynamoDB and every interface-endpoint service the catalog offers in the source's Region
  (``catalog/services.py``), by the DNS name a client uses: ``s3.<region>.amazonaws.com``,
  ``dynamodb.<region>.amazonaws.com``, else the service's private DNS name (a leading ``*.`` becomes ``example.``);
- ``privatelink``: each interface endpoint of the source's own VPC to a provider's endpoint service, by its private
  DNS name when private DNS is on, else its regional ``vpce`` name, on its load balancer's first listener port;
- ``connected``: each interface endpoint of a VPC one peering connection or transit gateway away (connections.py),
  by its regional ``vpce`` name: how a subnet reaches another Region's service (or a shared endpoint) that way. In
  the source's own Region such a row is an *alternative* to the path the service's name takes.

Grouping, proved rather than assumed: ``dataplane.trace.trace`` uses a resolved name only through the DNS answer's
addresses (which one it picks, whether a DNS hop is shown, the ``resolved`` field); the walk after that is a function
of the source, the chosen address, the port and the protocol. So ``aws`` targets whose names resolve, in the
source's VPC, to the same addresses (or that all fail to resolve) have the same trace but for the DNS hop's text,
and one trace per group is run, with the group's first name (S3 and DynamoDB always have rows of their own).
Answers are computed once per distinct resolver input: the Region, the VPC when it has private hosted zones or
custom DNS servers, its DNS attributes and the subnet's DNS64.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from typing import Any

from vpcsim.catalog import ServiceType, services_in
from vpcsim.dataplane import dns
from vpcsim.dataplane.topology import Endpoint, Topology, Vpc

_GONE = frozenset({"deleted", "deleting", "failed", "rejected", "expired"})
OWN_ROWS = ("s3", "dynamodb")  # never grouped: the recommendations price their rows alone
REST_MIN = 10  # a source's largest group of aws targets is written as "the rest of the catalog" from this size


class TargetKind(StrEnum):
    AWS = "aws"
    PRIVATELINK = "privatelink"
    CONNECTED = "connected"


@dataclass(frozen=True, slots=True)
class Target:
    key: str  # the short name in its Region (s3, sqs, ecr.dkr) for aws targets, else the full service name
    service_name: str  # com.amazonaws.eu-west-2.sqs, com.amazonaws.vpce.eu-west-2.vpce-svc-...
    region: str  # the service's Region
    host: str  # the DNS name traced
    kind: TargetKind
    endpoint: str | None = None  # privatelink and connected: the endpoint reached by its name
    endpoint_vpc: str | None = None
    port: int = 443
    alternative: bool = False  # a connected endpoint in the source's own Region (see the module docstring)

    def to_json(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "service_name": self.service_name,
            "region": self.region,
            "kind": str(self.kind),
            "endpoint": self.endpoint,
            "endpoint_vpc": self.endpoint_vpc,
            "alternative": self.alternative,
        }


def _host(private_dns: str | None, short: str, region: str) -> str:
    if private_dns:
        return "example." + private_dns[2:] if private_dns.startswith("*.") else private_dns
    return f"{short}.{region}.amazonaws.com"


@cache
def catalog(region: str) -> tuple[Target, ...]:
    """The aws targets of ``region``: S3, DynamoDB, then every other service once, in the catalog's order."""
    found = {
        "s3": Target("s3", f"com.amazonaws.{region}.s3", region, f"s3.{region}.amazonaws.com", TargetKind.AWS),
        "dynamodb": Target(
            "dynamodb", f"com.amazonaws.{region}.dynamodb", region, f"dynamodb.{region}.amazonaws.com", TargetKind.AWS
        ),
    }
    for service in services_in(region):
        key = service.short_name
        if service.service_type is ServiceType.INTERFACE and key not in found:
            host = _host(service.private_dns_name, key, region)
            found[key] = Target(key, service.service_name, region, host, TargetKind.AWS)
    return tuple(found.values())


class Grouper:
    """The groups of aws targets that share a trace, per resolver input (module docstring)."""

    def __init__(self, topo: Topology) -> None:
        self.topo = topo
        self.cache: dict[tuple[Any, ...], tuple[tuple[Target, ...], ...]] = {}

    def groups(self, vpc: Vpc, dns64: bool) -> tuple[tuple[Target, ...], ...]:
        own = vpc.id in self.topo.private_records or not vpc.amazon_dns
        key = (vpc.region, vpc.id if own else "", vpc.dns_support, vpc.dns_hostnames, vpc.amazon_dns, dns64)
        if key not in self.cache:
            self.cache[key] = self._group(vpc, dns64)
        return self.cache[key]

    def _group(self, vpc: Vpc, dns64: bool) -> tuple[tuple[Target, ...], ...]:
        buckets: dict[tuple[Any, ...], list[Target]] = {}
        for target in catalog(vpc.region):
            if target.key in OWN_ROWS:  # always a row of their own, whatever they resolve to
                buckets[(target.key,)] = [target]
                continue
            answer = dns.resolve(self.topo, vpc, target.host, dns64=dns64)
            found = ("unresolved",) if isinstance(answer, dns.NoAnswer) else (answer.addresses, answer.source)
            buckets.setdefault(found, []).append(target)
        return tuple(tuple(group) for group in buckets.values())


def rest_index(groups: tuple[tuple[Target, ...], ...]) -> int | None:
    """The index of the group written as the rest of the catalog, if any."""
    if not groups:
        return None
    largest = max(range(len(groups)), key=lambda i: len(groups[i]))
    return largest if len(groups[largest]) >= REST_MIN else None


def interface_endpoints(topo: Topology) -> dict[str, list[Endpoint]]:
    """VPC id -> its interface endpoints that exist (not deleted, failed, rejected or expired), in creation order."""
    found: dict[str, list[Endpoint]] = {}
    for endpoint in topo.endpoints.values():
        if endpoint.kind == "Interface" and endpoint.state not in _GONE:
            found.setdefault(endpoint.vpc_id, []).append(endpoint)
    return found


def endpoint_targets(topo: Topology, vpc: Vpc, near: set[str], by_vpc: dict[str, list[Endpoint]]) -> list[Target]:
    """The privatelink targets of ``vpc`` and the connected targets of the VPCs ``near`` it."""
    own = [(e, TargetKind.PRIVATELINK) for e in by_vpc.get(vpc.id, ()) if e.service_id]
    connected = [(e, TargetKind.CONNECTED) for other in sorted(near) for e in by_vpc.get(other, ())]
    found = (_endpoint_target(topo, endpoint, kind, vpc.region) for endpoint, kind in own + connected)
    return [target for target in found if target is not None]


def _endpoint_target(topo: Topology, endpoint: Endpoint, kind: TargetKind, region: str) -> Target | None:
    host = endpoint_host(endpoint, private=kind is TargetKind.PRIVATELINK)
    if host is None:
        return None
    return Target(
        endpoint.service_name,
        endpoint.service_name,
        endpoint.service_region or endpoint.region,
        host,
        kind,
        endpoint.id,
        endpoint.vpc_id,
        _listener_port(topo, endpoint),
        alternative=kind is TargetKind.CONNECTED and endpoint.region == region,
    )


def endpoint_host(endpoint: Endpoint, *, private: bool = False) -> str | None:
    """The name a client uses: the private DNS name in the endpoint's own VPC (when on), else the regional vpce name."""
    if private and endpoint.private_dns:
        named = next((r.name for r in endpoint.dns if r.private and not r.name.startswith("*.")), None)
        if named:
            return named
    regional = [r.name for r in endpoint.dns if not r.private and r.zone is None]
    public = [r.name for r in endpoint.dns if not r.private]
    return next(iter(regional or public), None)


def _listener_port(topo: Topology, endpoint: Endpoint) -> int:
    """A provider's service: its load balancers' first listener port (lowest); an AWS service: 443."""
    service = topo.endpoint_services.get(endpoint.service_id or "")
    if service is None:
        return 443
    ports = sorted(
        listener.port
        for arn in service.load_balancers
        if (lb := topo.load_balancers.get(arn)) is not None
        for listener in lb.listeners
        if listener.port is not None
    )
    return ports[0] if ports else 443
