"""Compile the state into the data plane's typed topology, once per state revision.

This is the bridge between the records (AWS's shapes) and ``vpcsim.dataplane.topology``: every AWS default is
resolved here (a subnet's route table is its explicit association or the main table; route states come from
``route_targets.route_state``, the one place that knows when a target is gone; transit gateway routes from
``transit_routes.table_routes``; AWS-managed prefix lists from the catalog), so the engines never look at a record.
IPv4 and IPv6 are compiled alike: VPC and subnet blocks, routes, ACL entries, security group rules, interface
addresses, DNS records, prefix lists and AWS's published ranges of both families.
"""

from __future__ import annotations

import gc
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime
from functools import cache, lru_cache
from ipaddress import IPv4Address, IPv6Network, ip_address, ip_network
from typing import Any

from vpcsim.catalog import REGIONS, amazon_ipv6_ranges, managed_prefix_lists, service_cidrs
from vpcsim.control.analysis import assumed, dns_topology
from vpcsim.control.analysis import hybrid_topology as hybrid
from vpcsim.control.core import lifecycle, vpn_routes
from vpcsim.control.core.call import Call
from vpcsim.control.elbv2 import load_balancer_config, load_balancers, target_groups, targets
from vpcsim.control.gateways import nat as nat_gateways
from vpcsim.control.interconnect import transit, transit_routes
from vpcsim.control.network import route_targets
from vpcsim.dataplane import topology as t
from vpcsim.dataplane.index import indexed
from vpcsim.model import IdFactory, Record
from vpcsim.model.arns import bucket_arn
from vpcsim.store import Transaction

_RANGE_KINDS = ("S3", "DYNAMODB", "AMAZON", "EC2")


def compile_topology(tx: Transaction) -> t.Topology:
    """The state's topology, in time linear in its size (each record read once, associations indexed first)."""
    with _gc_paused():
        return _compile(tx)


@contextmanager
def _gc_paused() -> Iterator[None]:
    """The compile allocates ~10 objects per record and frees none: the cyclic collector's full passes over the
    whole heap on the way would double its time for nothing (it runs again right after)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _compile(tx: Transaction) -> t.Topology:
    calls = _Calls(tx)
    interfaces = {r.id: r for r in tx.scan("network-interface")}
    owners = _owners(tx)
    gateways = _internet_gateways(tx)
    egress_only = {r.parent or "": r.id for r in tx.scan("egress-only-internet-gateway")}
    associations = _Associations(tx)
    states = _RouteStates(calls)
    subnets = {r.id: associations.subnet(r) for r in tx.scan("subnet")}
    parts = assumed.Parts(
        vpcs={
            r.id: replace(_vpc(r, gateways, egress_only, hybrid.dns_of(tx, r)), edge_tables=associations.edges(r.id))
            for r in tx.scan("vpc")
        },
        subnets=subnets,
        route_tables={r.id: _route_table(states, r) for r in tx.scan("route-table")},
        acls={r.id: _acl(r) for r in tx.scan("network-acl")},
        groups=_groups(tx),
        interfaces={i: _interface(r, owners.get(i, ""), subnets) for i, r in interfaces.items()},
    )
    assumed.complete(tx, parts)  # what an imported estate lacks (control/analysis/assumed.py)
    topo = t.Topology(
        revision=tx.revision,
        vpcs=parts.vpcs,
        subnets=parts.subnets,
        route_tables=parts.route_tables,
        acls=parts.acls,
        groups=parts.groups,
        interfaces=parts.interfaces,
        instances=_instances(tx, interfaces.values()),
        nat_gateways=_nats(tx, calls),
        endpoints=assumed.known_interfaces(
            {r.id: _endpoint(lifecycle.seen(calls.of(r), r)) for r in tx.scan("vpc-endpoint")}, parts.interfaces
        ),
        peerings={r.id: _peering(r) for r in tx.scan("vpc-peering-connection")},
        prefix_lists=_prefix_lists(tx),
        tgw_attachments={},
        tgw_views=_tgw_views(tx),
        tgw_route_tables={r.id: _tgw_table(tx, r) for r in tx.scan("transit-gateway-route-table")},
        load_balancers={r.id: _load_balancer(tx, calls, r) for r in tx.scan("load-balancer")},
        target_groups={r.id: _target_group(tx, calls.of(r), r) for r in tx.scan("target-group")},
        endpoint_services={r.id: _endpoint_service(r) for r in tx.scan("vpc-endpoint-service")},
        resources=_resources(tx),
        service_ranges=_service_ranges(),
        amazon_ipv6=_amazon_ipv6(),
        vpn_gateways=hybrid.vpn_gateways(tx),
        vpn_connections=hybrid.vpn_connections(tx),
        hosted_zones=dns_topology.hosted_zones(tx),
        resolver_endpoints=dns_topology.resolver_endpoints(tx),
        resolver_rules=dns_topology.resolver_rules(tx),
        rule_associations=dns_topology.rule_associations(tx),
        opt_in_regions=_opt_in_regions(),
    )
    return indexed(replace(topo, settles_at=calls.settles_at))


class _Calls:
    """Read-only call contexts, one per account and region, for control helpers that take a Call."""

    def __init__(self, tx: Transaction) -> None:
        self.tx = tx
        self._cache: dict[tuple[str, str], Call] = {}
        self.settles_at: datetime | None = None  # when the first lifecycle under way ends (the topology goes stale)

    def of(self, record: Record) -> Call:
        key = (record.account, record.region)
        if key not in self._cache:
            call = Call(self.tx, record.account, REGIONS[record.region], "compile", IdFactory(0))
            call.on_pending = self._pending
            self._cache[key] = call
        return self._cache[key]

    def _pending(self, ends: datetime) -> None:
        self.settles_at = ends if self.settles_at is None else min(self.settles_at, ends)


def _net(text: str | None) -> t.Network | None:
    """A CIDR of either family, or None for none."""
    if not text:
        return None
    return _network(text)


@lru_cache(maxsize=1 << 16)
def _network(text: str) -> t.Network:
    """Parsed once per distinct CIDR (route tables repeat the same destinations); networks are immutable."""
    return ip_network(text, strict=False)


# -- VPCs, subnets, route tables, ACLs, groups ------------------------------------------------------------------------
def _internet_gateways(tx: Transaction) -> dict[str, str]:
    """VPC id -> the first internet gateway (in store order) attached to it."""
    found: dict[str, str] = {}
    for gateway in tx.scan("internet-gateway"):
        for attachment in gateway.doc.get("Attachments", []):
            if attachment.get("VpcId"):
                found.setdefault(attachment["VpcId"], gateway.id)
    return found


def _vpc(
    record: Record, gateways: dict[str, str], egress_only: dict[str, str], dns: tuple[str, tuple[str, ...]]
) -> t.Vpc:
    blocks = [a["CidrBlock"] for a in record.doc["CidrBlockAssociationSet"]]
    blocks += [a["Ipv6CidrBlock"] for a in record.doc.get("Ipv6CidrBlockAssociationSet") or []]
    cidrs = tuple(n for b in blocks if (n := _net(b)) is not None)
    attributes = record.extra.get("attributes", {})
    return t.Vpc(
        record.id,
        record.account,
        record.region,
        cidrs,
        bool(attributes.get("EnableDnsSupport", True)),
        bool(attributes.get("EnableDnsHostnames", False)),
        gateways.get(record.id),
        egress_only.get(record.id),
        dhcp_options=dns[0],
        name_servers=dns[1],
    )


class _Associations:
    """Each subnet's route table (explicit, else its VPC's main table) and network ACL, read once for all subnets."""

    def __init__(self, tx: Transaction) -> None:
        self.tables: dict[str, str] = {}  # subnet -> explicitly associated table
        self.main: dict[str, str] = {}  # vpc -> main table
        self.acls: dict[str, str] = {}  # subnet -> network ACL
        self.gateways: dict[str, list[tuple[str, str]]] = {}  # vpc -> (gateway, its edge route table)
        for table in tx.scan("route-table"):
            for association in table.doc["Associations"]:
                if association.get("SubnetId"):
                    self.tables.setdefault(association["SubnetId"], table.id)
                if association.get("GatewayId"):
                    self.gateways.setdefault(table.doc["VpcId"], []).append((association["GatewayId"], table.id))
                if association.get("Main"):
                    self.main.setdefault(table.doc["VpcId"], table.id)
        for acl in tx.scan("network-acl"):
            for association in acl.doc["Associations"]:
                if association.get("SubnetId"):
                    self.acls.setdefault(association["SubnetId"], acl.id)

    def edges(self, vpc_id: str) -> tuple[tuple[str, str], ...]:
        return tuple(self.gateways.get(vpc_id, ()))

    def subnet(self, record: Record) -> t.Subnet:
        vpc_id = record.doc["VpcId"]
        table = self.tables.get(record.id) or self.main.get(vpc_id, "")
        v6 = [a["Ipv6CidrBlock"] for a in record.doc.get("Ipv6CidrBlockAssociationSet") or []]
        ipv6 = IPv6Network(v6[0]) if v6 else None
        cidr = _net(record.doc.get("CidrBlock")) or ipv6 or ip_network("0.0.0.0/32")
        zone = record.doc["AvailabilityZone"]
        zone_id = record.doc.get("AvailabilityZoneId") or _zone_id(record, zone)
        acl, dns64 = self.acls.get(record.id, ""), bool(record.doc.get("EnableDns64"))
        return t.Subnet(record.id, vpc_id, cidr, zone, table, acl, ipv6, dns64, zone_id=zone_id)


def _zone_id(record: Record, zone: str) -> str:
    """The id of ``zone`` as the record's account sees it, for a record that does not say (an older dump)."""
    region = REGIONS.get(record.region)
    found = region.seen_by(record.account).find_zone(zone) if region is not None else None
    return found.zone_id if found is not None and found.name == zone else ""


_TARGETS = (
    ("NatGatewayId", "nat"),
    ("VpcPeeringConnectionId", "pcx"),
    ("TransitGatewayId", "tgw"),
    ("NetworkInterfaceId", "eni"),
    ("VpcEndpointId", "vpce-gwlb"),
    ("EgressOnlyInternetGatewayId", "eigw"),
)


class _RouteStates:
    """``route_targets.route_state`` once per (VPC, target): a route's state depends on its target, not its
    destination, and many routes of a state share a target (the same gateway in every table of a VPC)."""

    def __init__(self, calls: _Calls) -> None:
        self.calls = calls
        self._known: dict[tuple[str, str, str, tuple[tuple[str, str], ...]], str] = {}

    def of(self, table: Record, raw: dict[str, Any]) -> str:
        vpc_id = table.doc["VpcId"]
        targets = tuple((k, str(v)) for k, v in raw.items() if not k.startswith("Destination") and k != "State")
        key = (table.account, table.region, vpc_id, targets)
        state = self._known.get(key)
        if state is None:
            state = self._known[key] = route_targets.route_state(self.calls.of(table), vpc_id, raw)
        return state


def _route(states: _RouteStates, table: Record, raw: dict[str, Any]) -> t.Route | None:
    destination = _net(raw.get("DestinationCidrBlock") or raw.get("DestinationIpv6CidrBlock"))
    prefix_list = raw.get("DestinationPrefixListId")
    if destination is None and prefix_list is None:
        return None
    kind, target = _target_of(raw)
    state = states.of(table, raw)
    return t.Route(
        destination, prefix_list, kind, target, state, raw.get("Origin", "CreateRoute"), {**raw, "State": state}
    )


def _target_of(raw: dict[str, Any]) -> tuple[str, str]:
    gateway = raw.get("GatewayId") or ""
    if gateway == "local":
        return "local", "local"
    if gateway.startswith("igw-"):
        return "igw", gateway
    if gateway.startswith("vpce-"):
        return "vpce-gateway", gateway
    if gateway.startswith("vgw-"):
        return "vgw", gateway
    for member, kind in _TARGETS:
        if raw.get(member):
            return kind, str(raw[member])
    return "unknown", gateway or "?"


def _route_table(states: _RouteStates, record: Record) -> t.RouteTable:
    vpc_id = record.doc["VpcId"]
    raws = [*record.doc["Routes"], *vpn_routes.propagated_routes(states.calls.tx, record)]
    routes = tuple(r for raw in raws if (r := _route(states, record, raw)) is not None)
    return t.RouteTable(record.id, vpc_id, routes)


def _port(value: Any) -> int | None:
    return None if value is None else int(value)


def _acl(record: Record) -> t.NetworkAcl:
    entries = []
    for raw in record.doc["Entries"]:
        ports = raw.get("PortRange") or {}
        entries.append(
            t.AclEntry(
                int(raw["RuleNumber"]),
                bool(raw["Egress"]),
                str(raw["Protocol"]),
                raw["RuleAction"] == "allow",
                _net(raw.get("CidrBlock") or raw.get("Ipv6CidrBlock")),
                _port(ports.get("From")),
                _port(ports.get("To")),
                raw,
            )
        )
    entries.sort(key=lambda e: e.number)
    return t.NetworkAcl(record.id, record.doc["VpcId"], tuple(entries))


def _groups(tx: Transaction) -> dict[str, t.SecurityGroup]:
    rules: dict[str, list[t.SgRule]] = {}
    for r in tx.scan("security-group-rule"):
        doc = r.doc
        referenced = (doc.get("ReferencedGroupInfo") or {}).get("GroupId")
        rules.setdefault(doc["GroupId"], []).append(
            t.SgRule(
                r.id,
                bool(doc["IsEgress"]),
                str(doc["IpProtocol"]),
                int(doc.get("FromPort", -1)),
                int(doc.get("ToPort", -1)),
                _net(doc.get("CidrIpv4") or doc.get("CidrIpv6")),
                doc.get("PrefixListId"),
                referenced,
                doc,
            )
        )
    return {
        g.id: t.SecurityGroup(g.id, g.doc["VpcId"], g.doc["GroupName"], tuple(rules.get(g.id, ())))
        for g in tx.scan("security-group")
    }


# -- interfaces, instances, NAT gateways, endpoints -------------------------------------------------------------------
def _owners(tx: Transaction) -> dict[str, str]:
    """Interface id -> the resource it belongs to (instance, endpoint, NAT gateway, load balancer)."""
    owners: dict[str, str] = {}
    for endpoint in tx.scan("vpc-endpoint"):
        owners.update({eni: endpoint.id for eni in endpoint.doc.get("NetworkInterfaceIds", [])})
    for nat in tx.scan("natgateway"):
        owners.update(
            {
                a["NetworkInterfaceId"]: nat.id
                for a in nat.doc.get("NatGatewayAddresses", [])
                if a.get("NetworkInterfaceId")
            }
        )
    for lb in tx.scan("load-balancer"):
        owners.update({eni: lb.id for eni in lb.extra.get("interfaces", {}).values()})
    return owners


def _interface(record: Record, owner: str, subnets: dict[str, t.Subnet]) -> t.Interface:
    """An interface; its zone id from its record or else its subnet's (an imported dump's interfaces may predate
    the AvailabilityZoneId member, and every zonal decision of a trace compares ids)."""
    doc = record.doc
    subnet = subnets.get(doc["SubnetId"])
    v4 = [IPv4Address(a["PrivateIpAddress"]) for a in doc["PrivateIpAddresses"]]
    addresses = (*v4, *(ip_address(a["Ipv6Address"]) for a in doc.get("Ipv6Addresses") or []))
    instance = (doc.get("Attachment") or {}).get("InstanceId")
    public = (doc.get("Association") or {}).get("PublicIp")
    return t.Interface(
        record.id,
        doc["SubnetId"],
        doc["VpcId"],
        doc["AvailabilityZone"],
        addresses,
        tuple(g["GroupId"] for g in doc.get("Groups", [])),
        doc.get("InterfaceType", "interface"),
        owner or instance or "",
        record.account,
        record.region,
        public,
        bool(doc.get("SourceDestCheck", True)),
        doc.get("AvailabilityZoneId") or (subnet.zone_id if subnet is not None else ""),
    )


def _instances(tx: Transaction, interfaces: Iterable[Record]) -> dict[str, str]:
    """Running or pending instance -> its device-index-0 interface (``route_targets.primary_interface_id``, for all
    instances in one pass over the interfaces)."""
    primary: dict[str, str] = {}
    for eni in interfaces:
        attachment = eni.doc.get("Attachment") or {}
        if attachment.get("InstanceId") and attachment.get("DeviceIndex") == 0:
            primary.setdefault(attachment["InstanceId"], eni.id)
    return {
        r.id: primary[r.id]
        for r in tx.scan("instance")
        if r.doc["State"]["Name"] in ("running", "pending") and r.id in primary
    }


def _nats(tx: Transaction, calls: _Calls) -> dict[str, t.NatGateway]:
    """The NAT gateways as readers see them now (pending ones are not yet available: nat.seen)."""
    seen = (nat_gateways.seen(calls.of(r), r) for r in tx.scan("natgateway"))
    return {r.id: n for r in seen if (n := _nat(r)) is not None}


def _nat(record: Record) -> t.NatGateway | None:
    addresses = record.doc.get("NatGatewayAddresses") or []
    if not addresses or record.doc["State"] in ("deleted", "deleting", "failed"):
        return None
    first = addresses[0]
    return t.NatGateway(
        record.id,
        record.doc["SubnetId"],
        first.get("NetworkInterfaceId", ""),
        IPv4Address(first["PrivateIp"]),
        first.get("PublicIp"),
        record.doc.get("ConnectivityType", "public"),
        record.doc["State"],
    )


def _endpoint(record: Record) -> t.Endpoint:
    doc = record.doc
    dns = tuple(
        t.DnsName(r["Name"].lower(), bool(r["Private"]), r.get("Zone"), tuple(ip_address(a) for a in r["Addresses"]))
        for r in record.extra.get("dns", [])
    )
    options = doc.get("DnsOptions") or {}
    return t.Endpoint(
        record.id,
        doc["VpcEndpointType"],
        doc["VpcId"],
        record.account,
        record.region,
        doc["ServiceName"],
        doc.get("ServiceRegion") or record.region,
        doc["State"],
        tuple(doc.get("RouteTableIds", [])),
        tuple(doc.get("NetworkInterfaceIds", [])),
        tuple(g["GroupId"] for g in doc.get("Groups", [])),
        doc.get("PolicyDocument"),
        bool(doc.get("PrivateDnsEnabled")),
        bool(options.get("PrivateDnsOnlyForInboundResolverEndpoint")),
        dns,
        record.extra.get("prefix_list_id"),
        record.extra.get("service_id"),
    )


def _peering(record: Record) -> t.Peering:
    doc = record.doc

    def side(info: dict[str, Any]) -> t.PeeringSide:
        return t.PeeringSide(info.get("VpcId", ""), info.get("OwnerId", ""), info.get("Region", ""))

    return t.Peering(record.id, side(doc["RequesterVpcInfo"]), side(doc["AccepterVpcInfo"]), doc["Status"]["Code"])


def _prefix_lists(tx: Transaction) -> dict[tuple[str, str], tuple[t.Network, ...]]:
    lists: dict[tuple[str, str], tuple[t.Network, ...]] = dict(_aws_prefix_lists())
    for record in tx.scan("prefix-list"):
        entries = record.extra.get("versions", {}).get(str(record.doc["Version"]), [])
        lists[(record.region, record.id)] = tuple(n for e in entries if (n := _net(e["Cidr"])) is not None)
    return lists


@cache
def _aws_prefix_lists() -> dict[tuple[str, str], tuple[t.Network, ...]]:
    return {(region, pl.prefix_list_id): pl.cidrs for region in REGIONS for pl in managed_prefix_lists(region)}


@cache
def _service_ranges() -> dict[tuple[str, str], tuple[t.Network, ...]]:
    return {(region, kind): service_cidrs(region, kind) for region in REGIONS for kind in _RANGE_KINDS}


@cache
def _opt_in_regions() -> frozenset[str]:
    return frozenset(name for name, region in REGIONS.items() if region.opt_in)


@cache
def _amazon_ipv6() -> tuple[tuple[str, IPv6Network], ...]:
    """Where public IPv6 addresses lie, per Region: Amazon's published EC2 ranges and the VPC pool."""
    return tuple((region, n) for region in REGIONS for n in amazon_ipv6_ranges(region))


# -- transit gateways, load balancers, endpoint services, resource policies -------------------------------------------
def _tgw_views(tx: Transaction) -> dict[tuple[str, str], t.TgwAttachment]:
    views = {}
    for record in tx.scan("transit-gateway-attachment"):
        doc = record.doc
        if doc.get("ResourceType") == "vpn":
            views[(doc["TransitGatewayId"], record.id)] = hybrid.vpn_attachment(record)
        elif "RequesterTgwInfo" in doc:
            sides = [
                (doc["RequesterTgwInfo"], doc["AccepterTgwInfo"]),
                (doc["AccepterTgwInfo"], doc["RequesterTgwInfo"]),
            ]
            for mine, other in sides:
                gid = mine["TransitGatewayId"]
                views[(gid, record.id)] = t.TgwAttachment(
                    record.id,
                    gid,
                    "peering",
                    doc["State"],
                    transit.association_of(record, gid),
                    peer_gateway=other["TransitGatewayId"],
                    region=mine["Region"],
                )
        else:
            views[(doc["TransitGatewayId"], record.id)] = _tgw_vpc_view(tx, record)
    return views


def _tgw_vpc_view(tx: Transaction, record: Record) -> t.TgwAttachment:
    """A VPC attachment: its interfaces' subnets by zone id (in SubnetIds order) and its appliance mode."""
    doc, gid = record.doc, record.doc["TransitGatewayId"]
    subnets = tuple(
        (s.doc["AvailabilityZoneId"], s.id) for sid in doc.get("SubnetIds", []) if (s := tx.find("subnet", sid))
    )
    return t.TgwAttachment(
        record.id,
        gid,
        "vpc",
        doc["State"],
        transit.association_of(record, gid),
        doc["VpcId"],
        tuple(sorted({zone for zone, _ in subnets})),
        region=record.region,
        subnets=subnets,
        appliance_mode=(doc.get("Options") or {}).get("ApplianceModeSupport") == "enable",
    )


def _tgw_table(tx: Transaction, record: Record) -> t.TgwRouteTable:
    routes = []
    for raw in transit_routes.table_routes(tx, record):
        network = _net(raw.get("DestinationCidrBlock"))
        attachments = raw.get("TransitGatewayAttachments") or [{}]
        if network is not None:
            routes.append(
                t.TgwRoute(network, raw["Type"], raw["State"], attachments[0].get("TransitGatewayAttachmentId"))
            )
    return t.TgwRouteTable(record.id, record.parent or "", tuple(routes))


def _load_balancer(tx: Transaction, calls: _Calls, stored: Record) -> t.LoadBalancer:
    record = load_balancers.settle(calls.of(stored), stored)  # provisioning while it provisions
    listeners = []
    for listener in tx.children("listener", record.id):
        for group in target_groups.forwarded_groups(listener.doc):
            listeners.append(t.Listener(listener.doc.get("Port"), listener.doc.get("Protocol"), group))
    cross = load_balancer_config.attributes_of(record).get("load_balancing.cross_zone.enabled") == "true"
    return t.LoadBalancer(
        record.id,
        record.doc["LoadBalancerName"],
        record.doc["Type"],
        record.doc["VpcId"],
        _nodes(tx, record),
        cross,
        tuple(listeners),
        record.doc["State"]["Code"],
        record.doc.get("DNSName") or "",
        record.doc.get("Scheme") == "internet-facing",
        tuple(record.doc.get("SecurityGroups") or ()),
        record.doc.get("EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic", "on") != "off",
    )


def _nodes(tx: Transaction, record: Record) -> dict[str, str]:
    """The load balancer's node interfaces by zone id (stored by its owner's zone names, which are per account)."""
    view = REGIONS[record.region].seen_by(record.account)
    nodes = {}
    for name, eni_id in record.extra.get("interfaces", {}).items():
        eni = tx.find("network-interface", eni_id)
        zone_id = eni.doc.get("AvailabilityZoneId") if eni is not None else None
        nodes[zone_id or (z.zone_id if (z := view.find_zone(name)) else name)] = eni_id
    return nodes


def _target_group(tx: Transaction, call: Call, record: Record) -> t.TargetGroup:
    found = []
    for entry in (e for e in record.extra.get("targets", []) if targets.visible(call, e)):
        address, zone = _target_address(tx, call, entry)
        found_zone = call.region.find_zone(zone)  # the group owner's name (call: the owner's view)
        zone_id = found_zone.zone_id if found_zone is not None and found_zone.name == zone else ""
        healthy = targets.is_healthy(call, record, entry)  # as DescribeTargetHealth shows it now
        found.append(t.Target(entry["Id"], int(entry["Port"]), zone, address, healthy, zone_id))
    preserve = target_groups.attributes_of(record).get("preserve_client_ip.enabled") == "true"
    return t.TargetGroup(record.id, record.doc.get("Protocol", ""), tuple(found), preserve)


def _target_address(tx: Transaction, call: Call, entry: dict[str, Any]) -> tuple[t.Address | None, str]:
    target = entry["Id"]
    if target.startswith("i-"):
        instance = tx.find("instance", target)
        eni_id = route_targets.primary_interface_id(call, instance) if instance else None
        eni = tx.find("network-interface", eni_id or "")
        if eni is None:
            return None, ""
        return _primary_address(eni.doc), eni.doc["AvailabilityZone"]
    return ip_address(target), str(entry.get("AvailabilityZone") or "")


def _primary_address(doc: dict[str, Any]) -> t.Address | None:
    """An interface's primary private IPv4 address, or its first IPv6 address when it has none."""
    if doc.get("PrivateIpAddress"):
        return IPv4Address(doc["PrivateIpAddress"])
    v6 = [a["Ipv6Address"] for a in doc.get("Ipv6Addresses") or []]
    return ip_address(v6[0]) if v6 else None


def _endpoint_service(record: Record) -> t.EndpointService:
    doc = record.doc
    lbs = tuple(doc.get("NetworkLoadBalancerArns", []) + doc.get("GatewayLoadBalancerArns", []))
    return t.EndpointService(record.id, doc["ServiceName"], record.account, record.region, lbs)


def _resources(tx: Transaction) -> dict[str, t.ResourcePolicyHolder]:
    found = {}
    for bucket in tx.scan("s3-bucket"):
        found[bucket.id] = t.ResourcePolicyHolder(
            bucket_arn(bucket.id), bucket.id, "s3", bucket.account, bucket.region, bucket.extra.get("policy")
        )
    for table in tx.scan("dynamodb-table"):
        name = table.doc.get("TableName", table.id.rsplit("/", 1)[-1])
        found[table.id] = t.ResourcePolicyHolder(
            table.id, name, "dynamodb", table.account, table.region, table.extra.get("policy")
        )
    return found
