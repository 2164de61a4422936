"""The network as the engines see it: typed, immutable, indexed, every AWS default resolved.

Every object is a real AWS resource with its real id, so that every hop of a trace names something the user can find
with a describe call. Built by ``vpcsim.control.analysis.topology.compile_topology``; nothing here reads the store.
Addresses and networks are of either family (``Address``, ``Network``): IPv4 and IPv6 live side by side in VPCs,
route tables, ACLs, security groups and interfaces, and every index answers per family.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network
from typing import Any, Generic, TypeVar

from vpcsim.model.arns import ec2_arn

Network = IPv4Network | IPv6Network
Address = IPv4Address | IPv6Address
V = TypeVar("V")
_WIDTH = {4: 32, 6: 128}


def netmask(version: int, length: int) -> int:
    """The integer netmask of a ``length``-bit prefix of address family ``version`` (4 or 6)."""
    width = _WIDTH[version]
    return ((1 << width) - 1) ^ ((1 << (width - length)) - 1)


class NetworkIndex(Generic[V]):
    """Networks -> values, asked by address: the value of the first network (in the order given) that contains it.

    One hash lookup per distinct prefix length of the address's family instead of a scan of every network."""

    __slots__ = ("_tables",)

    def __init__(self, items: Iterable[tuple[Network, V]] = ()) -> None:
        by_family: dict[int, dict[int, dict[int, tuple[int, V]]]] = {}
        for order, (network, value) in enumerate(items):
            table = by_family.setdefault(network.version, {}).setdefault(network.prefixlen, {})
            table.setdefault(int(network.network_address), (order, value))
        self._tables = {
            version: tuple((netmask(version, length), table) for length, table in sorted(lengths.items(), reverse=True))
            for version, lengths in by_family.items()
        }

    def first(self, address: Address) -> V | None:
        number = int(address)
        best: tuple[int, V] | None = None
        for mask, table in self._tables.get(address.version, ()):
            hit = table.get(number & mask)
            if hit is not None and (best is None or hit[0] < best[0]):
                best = hit
        return None if best is None else best[1]


@dataclass(frozen=True, slots=True)
class Vpc:
    id: str
    account: str
    region: str
    cidrs: tuple[Network, ...]  # IPv4 blocks, then IPv6 blocks
    dns_support: bool
    dns_hostnames: bool
    internet_gateway: str | None = None
    egress_only_gateway: str | None = None
    dhcp_options: str = ""  # its DHCP options set id, or "default" for none
    # The DNS servers its DHCP options hand out; AmazonProvidedDNS is the Amazon DNS server (private zones answer).
    name_servers: tuple[str, ...] = ("AmazonProvidedDNS",)
    edge_tables: tuple[tuple[str, str], ...] = ()  # (gateway id, route table id): gateway route tables (edge)

    def edge_table(self, gateway: str) -> str | None:
        """The route table associated with ``gateway`` (an edge association), if any."""
        return next((table for edge, table in self.edge_tables if edge == gateway), None)

    @property
    def amazon_dns(self) -> bool:
        return "AmazonProvidedDNS" in self.name_servers

    def contains(self, address: Address) -> bool:
        return any(address in c for c in self.cidrs)


@dataclass(frozen=True, slots=True)
class Subnet:
    id: str
    vpc_id: str
    cidr: Network  # the IPv4 CIDR; an IPv6-only subnet's IPv6 block
    zone: str  # the AZ name as the subnet's owner sees it
    route_table: str
    network_acl: str
    ipv6_cidr: IPv6Network | None = None
    dns64: bool = False  # the Route 53 Resolver synthesises AAAA answers (64:ff9b::/96) for IPv4-only names
    zone_id: str = ""  # the physical AZ: zones are compared by id wherever two accounts meet

    @property
    def cidrs(self) -> tuple[Network, ...]:
        if self.ipv6_cidr is None or self.ipv6_cidr == self.cidr:
            return (self.cidr,)
        return (self.cidr, self.ipv6_cidr)


@dataclass(frozen=True, slots=True)
class Route:
    """One route of a VPC route table; ``target_kind`` is local, igw, eigw, nat, vpce-gateway, vpce-gwlb, pcx, tgw,
    eni."""

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
    # Per address family (4, 6), each route that can match it as (network as int, netmask as int, prefix length,
    # route), in the routes' order; a prefix-list route (matched per lookup against its list, in both families) has
    # netmask -1. Derived from ``routes`` on construction.
    matchers: dict[int, tuple[tuple[int, int, int, Route], ...]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        object.__setattr__(self, "matchers", {v: tuple(_matchers(self.routes, v)) for v in (4, 6)})


def _matchers(routes: tuple[Route, ...], version: int) -> Iterable[tuple[int, int, int, Route]]:
    for route in routes:
        network = route.destination
        if network is None:
            yield 0, -1, 0, route
        elif network.version == version:
            yield int(network.network_address), int(network.netmask), network.prefixlen, route


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
    addresses: tuple[Address, ...]  # private IPv4 addresses (primary first), then IPv6 addresses
    groups: tuple[str, ...]
    kind: str  # interface | vpc_endpoint | gateway_load_balancer_endpoint | nat_gateway | network_load_balancer ...
    owner: str  # what the interface belongs to: an instance, endpoint, NAT gateway or load balancer id/ARN, or ""
    account: str
    region: str
    public_ip: str | None = None
    source_dest_check: bool = True
    zone_id: str = ""  # the physical AZ of ``zone`` (the owner's name)

    @property
    def address(self) -> Address:
        """The primary address: the primary private IPv4 address, or the first IPv6 address of an IPv6-only one."""
        return self.addresses[0]

    def address_of(self, version: int) -> Address | None:
        """The interface's first address of family ``version``."""
        return next((a for a in self.addresses if a.version == version), None)


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
    addresses: tuple[Address, ...]  # A records, then AAAA records


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
        return ec2_arn(self.region, self.account, "vpc-endpoint", self.id)


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
    zones: tuple[str, ...] = ()  # ids of the AZs its subnets are in
    peer: str | None = None  # the other side's attachment view id (peering attachments share one id) / gateway
    peer_gateway: str | None = None
    region: str = ""
    vpn_connection: str | None = None  # a VPN attachment's connection
    subnets: tuple[tuple[str, str], ...] = ()  # (zone id, subnet id) of its interfaces, in SubnetIds order
    appliance_mode: bool = False  # ApplianceModeSupport: one AZ for both directions of a flow [TGW appliance]

    def subnet_in(self, zone_id: str) -> str | None:
        """The attachment's subnet in the zone with id ``zone_id``, if it has one there."""
        return next((subnet for zone, subnet in self.subnets if zone == zone_id), None)


@dataclass(frozen=True, slots=True)
class VpnGateway:
    """A virtual private gateway and the VPC it is attached to, if any."""

    id: str
    account: str
    region: str
    vpc_id: str | None


@dataclass(frozen=True, slots=True)
class VpnConnection:
    """A Site-to-Site VPN connection: the customer gateway at one end, a virtual private gateway or a transit gateway
    at the other, and the customer networks it carries (static routes, or the prefixes advertised over BGP)."""

    id: str
    account: str
    region: str
    state: str
    customer_gateway: str
    customer_gateway_ip: str
    gateway: str  # vgw-... or tgw-...
    static_routes_only: bool
    prefixes: tuple[Network, ...]
    attachment: str | None = None  # the transit gateway attachment, for a connection to a transit gateway

    @property
    def on_transit_gateway(self) -> bool:
        return self.gateway.startswith("tgw-")

    def carries(self, address: Address) -> Network | None:
        """The longest customer prefix holding ``address``, if the connection carries one."""
        matching = [p for p in self.prefixes if address in p]
        return max(matching, key=lambda p: p.prefixlen) if matching else None


@dataclass(frozen=True, slots=True)
class TgwRouteTable:
    id: str
    gateway: str
    routes: tuple[TgwRoute, ...]


@dataclass(frozen=True, slots=True)
class Target:
    id: str  # instance id or IP
    port: int
    zone: str  # as the target group's owner names it ("all" for an IP target outside the VPC in every zone)
    address: Address | None
    healthy: bool
    zone_id: str = ""


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
    nodes: dict[str, str]  # zone id -> the node's interface id
    cross_zone: bool
    listeners: tuple[Listener, ...]
    state: str = "active"  # provisioning while it provisions: it takes no traffic yet
    dns_name: str = ""  # its DNSName (network load balancers; gateway load balancers have none)
    internet_facing: bool = False  # its name answers the nodes' public addresses, else their private ones
    groups: tuple[str, ...] = ()  # a Network Load Balancer's security groups (none: every client reaches it)
    privatelink_inbound_rules: bool = True  # EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic is "on"


@dataclass(frozen=True, slots=True)
class TargetGroup:
    arn: str
    protocol: str
    targets: tuple[Target, ...]
    preserve_client_ip: bool = False  # preserve_client_ip.enabled: targets see the client's address, not the node's


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


@dataclass(frozen=True, slots=True)
class ZoneRecord:
    """A record set of a Route 53 private hosted zone (A, AAAA, CNAME, or an alias to another name)."""

    name: str  # lowercase, without the trailing dot; may start with "*."
    type: str
    values: tuple[str, ...] = ()  # the resource records' values
    alias: str | None = None  # an alias record's target DNS name (lowercase, without the trailing dot)
    raw: dict[str, Any] = field(default_factory=dict, compare=False)  # as ListResourceRecordSets shows it


@dataclass(frozen=True, slots=True)
class HostedZone:
    """A Route 53 private hosted zone and the VPCs (of any account and Region) associated with it."""

    id: str
    name: str  # lowercase, without the trailing dot
    account: str
    vpcs: tuple[str, ...]
    records: tuple[ZoneRecord, ...]


@dataclass(frozen=True, slots=True)
class ResolverEndpoint:
    """A Route 53 Resolver endpoint: its network interfaces in one VPC (INBOUND takes queries from outside the VPC,
    OUTBOUND sends the queries forwarding rules forward)."""

    id: str
    direction: str  # INBOUND | OUTBOUND
    vpc_id: str
    account: str
    region: str
    interfaces: tuple[str, ...]
    status: str = "OPERATIONAL"


@dataclass(frozen=True, slots=True)
class ResolverRule:
    """A Route 53 Resolver rule: FORWARD sends queries for its domain (and subdomains) to target DNS servers through
    an outbound endpoint; SYSTEM makes the Resolver answer them itself."""

    id: str
    domain: str  # lowercase, without the trailing dot; "" for "." (every name)
    type: str  # FORWARD | SYSTEM | RECURSIVE
    account: str
    region: str
    targets: tuple[tuple[str, int], ...] = ()  # (IP, port) of the DNS servers it forwards to
    endpoint: str | None = None  # the outbound endpoint
    # What the target servers answer, as the user declares it (vpcsim cannot ask them): (name, addresses); a name
    # may start with "*.". None: nothing declared.
    records: tuple[tuple[str, tuple[Address, ...]], ...] | None = None
    raw: dict[str, Any] = field(default_factory=dict, compare=False)  # as GetResolverRule shows it


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
    amazon_ipv6: tuple[tuple[str, IPv6Network], ...] = ()  # (region, range): where public IPv6 addresses lie
    interface_by_address: dict[tuple[str, Address], str] = field(default_factory=dict)  # (vpc, ip) -> eni
    group_members: dict[str, tuple[str, ...]] = field(default_factory=dict)  # group id -> interface ids
    # Indexes derived from the members above by ``build_indexes`` (compile calls it), so that a trace never scans.
    interfaces_at: dict[Address, tuple[str, ...]] = field(default_factory=dict)  # ip -> enis (any VPC), in order
    public_at: dict[Address, str] = field(default_factory=dict)  # public IPv4 (auto or Elastic IP) -> eni
    amazon_ipv6_index: NetworkIndex[str] = field(default_factory=NetworkIndex)  # IPv6 address -> Amazon region
    default_groups: dict[str, str] = field(default_factory=dict)  # vpc id -> its "default" group id
    subnet_index: NetworkIndex[str] = field(default_factory=NetworkIndex)  # address -> first subnet id holding it
    service_index: dict[str, NetworkIndex[str]] = field(default_factory=dict)  # S3|DYNAMODB|EC2|AMAZON -> region
    private_records: dict[str, tuple[tuple[Endpoint, DnsName], ...]] = field(default_factory=dict)  # by vpc id
    inbound_records: dict[str, tuple[tuple[Endpoint, DnsName], ...]] = field(default_factory=dict)  # inbound only
    vpce_records: dict[str, tuple[tuple[int, Endpoint, DnsName], ...]] = field(default_factory=dict)  # by name
    tgw_vpc_attachments: dict[tuple[str, str], TgwAttachment] = field(default_factory=dict)  # (gateway, vpc id)
    service_addresses: dict[tuple[str, str], Address | None] = field(default_factory=dict)  # dns.service_address
    peered: dict[str, frozenset[str]] = field(default_factory=dict)  # vpc id -> VPCs actively peered in its Region
    vpn_gateways: dict[str, VpnGateway] = field(default_factory=dict)
    vpn_connections: dict[str, VpnConnection] = field(default_factory=dict)
    # Route 53 private hosted zones, Resolver endpoints and rules, and the rules associated with each VPC (by id).
    hosted_zones: dict[str, HostedZone] = field(default_factory=dict)
    resolver_endpoints: dict[str, ResolverEndpoint] = field(default_factory=dict)
    resolver_rules: dict[str, ResolverRule] = field(default_factory=dict)
    rule_associations: dict[str, tuple[str, ...]] = field(default_factory=dict)  # vpc id -> rule ids
    opt_in_regions: frozenset[str] = frozenset()  # the Regions an account must opt in to (launched after 2019-03-20)
    zones_by_vpc: dict[str, tuple[HostedZone, ...]] = field(default_factory=dict)  # index: associated zones
    load_balancer_names: dict[str, str] = field(default_factory=dict)  # index: DNS name -> load balancer ARN
    # When the first lifecycle under way when compiled ends (a NAT gateway pending, a target registering...): from
    # then on the topology is stale though the revision is the same. None: nothing was under way.
    settles_at: datetime | None = None

    def subnet_of(self, interface: Interface) -> Subnet:
        return self.subnets[interface.subnet_id]
