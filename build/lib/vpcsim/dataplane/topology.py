"""The network as the engines see it: typed, immutable, indexed, every AWS default resolved.

Every object is a real AWS resource with its real id, so that every hop of a trace names something the user can find
with a describe call. Built by ``vpcsim.control.analysis.topology.compile_topology``; nothing here reads the store.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from ipaddress import IPv4Address, IPv4Network
from typing import Any, Generic, TypeVar

Network = IPv4Network
V = TypeVar("V")


class NetworkIndex(Generic[V]):
    """Networks -> values, asked by address: the value of the first network (in the order given) that contains it.

    One hash lookup per distinct prefix length instead of a scan of every network."""

    __slots__ = ("_tables",)

    def __init__(self, items: Iterable[tuple[Network, V]] = ()) -> None:
        by_length: dict[int, dict[int, tuple[int, V]]] = {}
        for order, (network, value) in enumerate(items):
            table = by_length.setdefault(network.prefixlen, {})
            table.setdefault(int(network.network_address), (order, value))
        longest_first = sorted(by_length.items(), reverse=True)
        self._tables = tuple((0xFFFFFFFF ^ ((1 << (32 - length)) - 1), table) for length, table in longest_first)

    def first(self, address: IPv4Address) -> V | None:
        number = int(address)
        best: tuple[int, V] | None = None
        for mask, table in self._tables:
            hit = table.get(number & mask)
            if hit is not None and (best is None or hit[0] < best[0]):
                best = hit
        return None if best is None else best[1]


@dataclass(frozen=True, slots=True)
class Vpc:
    id: str
    account: str
    region: str
    cidrs: tuple[Network, ...]
    dns_support: bool
    dns_hostnames: bool
    internet_gateway: str | None = None

    def contains(self, address: IPv4Address) -> bool:
        return any(address in c for c in self.cidrs)


@dataclass(frozen=True, slots=True)
class Subnet:
    id: str
    vpc_id: str
    cidr: Network
    zone: str
    route_table: str
    network_acl: str


@dataclass(frozen=True, slots=True)
class Route:
    """One route of a VPC route table; ``target_kind`` is local, igw, nat, vpce-gateway, vpce-gwlb, pcx, tgw, eni."""

    destination: Network | None
    prefix_list: str | None
    target_kind: str
    target: str
    state: str  # active | blackhole
    origin: str
    raw: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def label(self) -> str:
        dest = self.prefix_list or str(self.destination)
        return f"{dest} -> {self.target}"


@dataclass(frozen=True, slots=True)
class RouteTable:
    id: str
    vpc_id: str
    routes: tuple[Route, ...]
    # Each route as (network as int, netmask as int, prefix length, route), in the routes' order; a prefix-list
    # route (matched per lookup against its list) has netmask -1. Derived from ``routes`` on construction.
    matchers: tuple[tuple[int, int, int, Route], ...] = field(default=(), init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "matchers", tuple(_matcher(r) for r in self.routes))


def _matcher(route: Route) -> tuple[int, int, int, Route]:
    network = route.destination
    if network is None:
        return 0, -1, 0, route
    return int(network.network_address), int(network.netmask), network.prefixlen, route


@dataclass(frozen=True, slots=True)
class AclEntry:
    number: int
    egress: bool
    protocol: str  # "-1" or an IANA number as a string
    allow: bool
    cidr: Network | None
    from_port: int | None = None
    to_port: int | None = None
    raw: dict[str, Any] = field(default_factory=dict, compare=False)


@dataclass(frozen=True, slots=True)
class NetworkAcl:
    id: str
    vpc_id: str
    entries: tuple[AclEntry, ...]  # sorted by rule number


@dataclass(frozen=True, slots=True)
class SgRule:
    id: str
    egress: bool
    protocol: str  # "-1", "tcp", "udp", "icmp", or a number
    from_port: int
    to_port: int
    cidr: Network | None = None
    prefix_list: str | None = None
    group: str | None = None
    raw: dict[str, Any] = field(default_factory=dict, compare=False)


@dataclass(frozen=True, slots=True)
class SecurityGroup:
    id: str
    vpc_id: str
    name: str
    rules: tuple[SgRule, ...]


@dataclass(frozen=True, slots=True)
class Interface:
    id: str
    subnet_id: str
    vpc_id: str
    zone: str
    addresses: tuple[IPv4Address, ...]
    groups: tuple[str, ...]
    kind: str  # interface | vpc_endpoint | gateway_load_balancer_endpoint | nat_gateway | network_load_balancer ...
    owner: str  # what the interface belongs to: an instance, endpoint, NAT gateway or load balancer id/ARN, or ""
    account: str
    region: str
    public_ip: str | None = None
    source_dest_check: bool = True

    @property
    def address(self) -> IPv4Address:
        return self.addresses[0]


@dataclass(frozen=True, slots=True)
class NatGateway:
    id: str
    subnet_id: str
    interface: str
    private_ip: IPv4Address
    public_ip: str | None
    connectivity: str  # public | private
    state: str


@dataclass(frozen=True, slots=True)
class DnsName:
    name: str  # may start with "*."
    private: bool
    zone: str | None
    addresses: tuple[IPv4Address, ...]


@dataclass(frozen=True, slots=True)
class Endpoint:
    id: str
    kind: str  # Interface | Gateway | GatewayLoadBalancer
    vpc_id: str
    account: str
    region: str
    service_name: str
    service_region: str
    state: str
    route_tables: tuple[str, ...]
    interfaces: tuple[str, ...]
    groups: tuple[str, ...]
    policy: str | None
    private_dns: bool
    inbound_only_private_dns: bool  # S3's PrivateDnsOnlyForInboundResolverEndpoint
    dns: tuple[DnsName, ...]
    prefix_list: str | None = None  # gateway endpoints
    service_id: str | None = None  # a provider's endpoint service

    @property
    def arn(self) -> str:
        return f"arn:aws:ec2:{self.region}:{self.account}:vpc-endpoint/{self.id}"


@dataclass(frozen=True, slots=True)
class PeeringSide:
    vpc_id: str
    account: str
    region: str


@dataclass(frozen=True, slots=True)
class Peering:
    id: str
    requester: PeeringSide
    accepter: PeeringSide
    status: str

    def other(self, vpc_id: str) -> PeeringSide | None:
        if vpc_id == self.requester.vpc_id:
            return self.accepter
        if vpc_id == self.accepter.vpc_id:
            return self.requester
        return None


@dataclass(frozen=True, slots=True)
class TgwRoute:
    destination: Network
    kind: str  # static | propagated
    state: str  # active | blackhole
    attachment: str | None


@dataclass(frozen=True, slots=True)
class TgwAttachment:
    id: str
    gateway: str
    kind: str  # vpc | peering
    state: str
    route_table: str | None  # its association
    vpc_id: str | None = None
    zones: tuple[str, ...] = ()
    peer: str | None = None  # the other side's attachment view id (peering attachments share one id) / gateway
    peer_gateway: str | None = None
    region: str = ""


@dataclass(frozen=True, slots=True)
class TgwRouteTable:
    id: str
    gateway: str
    routes: tuple[TgwRoute, ...]


@dataclass(frozen=True, slots=True)
class Target:
    id: str  # instance id or IP
    port: int
    zone: str
    address: IPv4Address | None
    healthy: bool


@dataclass(frozen=True, slots=True)
class Listener:
    port: int | None
    protocol: str | None
    target_group: str


@dataclass(frozen=True, slots=True)
class LoadBalancer:
    arn: str
    name: str
    kind: str  # network | gateway
    vpc_id: str
    nodes: dict[str, str]  # zone -> interface id
    cross_zone: bool
    listeners: tuple[Listener, ...]


@dataclass(frozen=True, slots=True)
class TargetGroup:
    arn: str
    protocol: str
    targets: tuple[Target, ...]


@dataclass(frozen=True, slots=True)
class EndpointService:
    id: str
    name: str
    account: str
    region: str
    load_balancers: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ResourcePolicyHolder:
    """An S3 bucket or DynamoDB table with its resource policy."""

    arn: str
    name: str
    service: str  # s3 | dynamodb
    account: str
    region: str
    policy: str | None


@dataclass(frozen=True)
class Topology:
    revision: int
    vpcs: dict[str, Vpc]
    subnets: dict[str, Subnet]
    route_tables: dict[str, RouteTable]
    acls: dict[str, NetworkAcl]
    groups: dict[str, SecurityGroup]
    interfaces: dict[str, Interface]
    instances: dict[str, str]  # instance id -> primary interface id
    nat_gateways: dict[str, NatGateway]
    endpoints: dict[str, Endpoint]
    peerings: dict[str, Peering]
    prefix_lists: dict[tuple[str, str], tuple[Network, ...]]  # (region, id) -> CIDRs
    tgw_attachments: dict[str, TgwAttachment]  # keyed by (attachment id) for VPC attachments, see tgw_views
    tgw_views: dict[tuple[str, str], TgwAttachment]  # (gateway id, attachment id) -> that gateway's view
    tgw_route_tables: dict[str, TgwRouteTable]
    load_balancers: dict[str, LoadBalancer]
    target_groups: dict[str, TargetGroup]
    endpoint_services: dict[str, EndpointService]
    resources: dict[str, ResourcePolicyHolder]  # bucket name / table ARN -> holder
    service_ranges: dict[tuple[str, str], tuple[Network, ...]]  # (region, S3|DYNAMODB|AMAZON|EC2) -> CIDRs
    interface_by_address: dict[tuple[str, IPv4Address], str] = field(default_factory=dict)  # (vpc, ip) -> eni
    group_members: dict[str, tuple[str, ...]] = field(default_factory=dict)  # group id -> interface ids
    # Indexes derived from the members above by ``build_indexes`` (compile calls it), so that a trace never scans.
    interfaces_at: dict[IPv4Address, tuple[str, ...]] = field(default_factory=dict)  # ip -> enis (any VPC), in order
    default_groups: dict[str, str] = field(default_factory=dict)  # vpc id -> its "default" group id
    subnet_index: NetworkIndex[str] = field(default_factory=NetworkIndex)  # address -> first subnet id holding it
    service_index: dict[str, NetworkIndex[str]] = field(default_factory=dict)  # S3|DYNAMODB|EC2|AMAZON -> region
    private_records: dict[str, tuple[tuple[Endpoint, DnsName], ...]] = field(default_factory=dict)  # by vpc id
    vpce_records: dict[str, tuple[tuple[int, Endpoint, DnsName], ...]] = field(default_factory=dict)  # by name
    tgw_vpc_attachments: dict[tuple[str, str], TgwAttachment] = field(default_factory=dict)  # (gateway, vpc id)
    service_addresses: dict[tuple[str, str], IPv4Address | None] = field(default_factory=dict)  # dns.service_address

    def subnet_of(self, interface: Interface) -> Subnet:
        return self.subnets[interface.subnet_id]
