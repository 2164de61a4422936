"""The topology's indexes, built once per compile from its members, so that no trace scans a whole collection.

Each index answers exactly what the scan it replaces answered, in the same order (the first match of the scan is the
first entry of the index); ``vpcsim.control.analysis.topology.compile_topology`` calls ``indexed`` once per
compile, in time linear in the topology's size.
"""

from __future__ import annotations

from dataclasses import replace
from ipaddress import ip_address

from vpcsim.dataplane import dns
from vpcsim.dataplane.topology import (
    Address,
    DnsName,
    Endpoint,
    HostedZone,
    NetworkIndex,
    TgwAttachment,
    Topology,
)


def indexed(topo: Topology) -> Topology:
    """``topo`` with its index members filled."""
    by_vpc, at = _addresses(topo)
    private, named = _dns_records(topo)
    return replace(
        topo,
        interface_by_address=by_vpc,
        group_members=_members(topo),
        interfaces_at=at,
        default_groups=_default_groups(topo),
        subnet_index=NetworkIndex((c, s.id) for s in topo.subnets.values() for c in s.cidrs),
        public_at=_public(topo),
        amazon_ipv6_index=NetworkIndex((network, region) for region, network in topo.amazon_ipv6),
        service_index=_service_index(topo),
        private_records=private,
        inbound_records=_inbound_records(topo),
        vpce_records=named,
        zones_by_vpc=_zones_by_vpc(topo),
        load_balancer_names={lb.dns_name: lb.arn for lb in topo.load_balancers.values() if lb.dns_name},
        tgw_vpc_attachments=_attachments(topo),
        peered=_peered(topo),
    )


def _addresses(topo: Topology) -> tuple[dict[tuple[str, Address], str], dict[Address, tuple[str, ...]]]:
    by_vpc: dict[tuple[str, Address], str] = {}
    at: dict[Address, list[str]] = {}
    for iface in topo.interfaces.values():
        for address in iface.addresses:
            by_vpc[(iface.vpc_id, address)] = iface.id
            at.setdefault(address, []).append(iface.id)
    return by_vpc, {a: tuple(ids) for a, ids in at.items()}


def _public(topo: Topology) -> dict[Address, str]:
    """Public IPv4 address -> the interface it is mapped to (the first, in store order)."""
    found: dict[Address, str] = {}
    for iface in topo.interfaces.values():
        if iface.public_ip:
            found.setdefault(ip_address(iface.public_ip), iface.id)
    return found


def _members(topo: Topology) -> dict[str, tuple[str, ...]]:
    members: dict[str, list[str]] = {}
    for iface in topo.interfaces.values():
        for group in iface.groups:
            members.setdefault(group, []).append(iface.id)
    return {g: tuple(ids) for g, ids in members.items()}


def _default_groups(topo: Topology) -> dict[str, str]:
    found: dict[str, str] = {}
    for group in topo.groups.values():
        if group.name == "default":
            found.setdefault(group.vpc_id, group.id)
    return found


def _service_index(topo: Topology) -> dict[str, NetworkIndex[str]]:
    return {
        kind: NetworkIndex(
            (network, region)
            for (region, key), networks in topo.service_ranges.items()
            if key == kind
            for network in networks
        )
        for kind in dns.SERVICE_KINDS
    }


PrivateRecords = dict[str, tuple[tuple[Endpoint, DnsName], ...]]
NamedRecords = dict[str, tuple[tuple[int, Endpoint, DnsName], ...]]


def _dns_records(topo: Topology) -> tuple[PrivateRecords, NamedRecords]:
    """Private zone records by VPC (endpoints whose private zone answers), vpce names by record name, in order."""
    private: dict[str, list[tuple[Endpoint, DnsName]]] = {}
    named: dict[str, list[tuple[int, Endpoint, DnsName]]] = {}
    order = 0
    for endpoint in topo.endpoints.values():
        if dns.answers_privately(endpoint):
            private.setdefault(endpoint.vpc_id, []).extend((endpoint, r) for r in endpoint.dns if r.private)
        if dns.endpoint_named(endpoint):
            for record in endpoint.dns:
                if not record.private:
                    named.setdefault(record.name, []).append((order, endpoint, record))
                    order += 1
    return {v: tuple(r) for v, r in private.items()}, {n: tuple(r) for n, r in named.items()}


def _inbound_records(topo: Topology) -> PrivateRecords:
    """Records of private zones that answer only queries through an inbound Resolver endpoint, by VPC."""
    found: dict[str, list[tuple[Endpoint, DnsName]]] = {}
    for endpoint in topo.endpoints.values():
        if dns.answers_inbound_only(endpoint):
            found.setdefault(endpoint.vpc_id, []).extend((endpoint, r) for r in endpoint.dns if r.private)
    return {v: tuple(r) for v, r in found.items()}


def _zones_by_vpc(topo: Topology) -> dict[str, tuple[HostedZone, ...]]:
    found: dict[str, list[HostedZone]] = {}
    for zone in topo.hosted_zones.values():
        for vpc_id in zone.vpcs:
            found.setdefault(vpc_id, []).append(zone)
    return {v: tuple(z) for v, z in found.items()}


def _attachments(topo: Topology) -> dict[tuple[str, str], TgwAttachment]:
    found: dict[tuple[str, str], TgwAttachment] = {}
    for (gateway, _), attachment in topo.tgw_views.items():
        if attachment.kind == "vpc" and attachment.vpc_id and attachment.state == "available":
            found.setdefault((gateway, attachment.vpc_id), attachment)
    return found


def _peered(topo: Topology) -> dict[str, frozenset[str]]:
    """VPC -> the VPCs an active peering connection joins it to in the same Region: the ones whose security groups
    its rules may reference [VPCPEER vpc-peering-security-groups]."""
    found: dict[str, set[str]] = {}
    for peering in topo.peerings.values():
        a, b = peering.requester, peering.accepter
        if peering.status == "active" and a.region == b.region:
            found.setdefault(a.vpc_id, set()).add(b.vpc_id)
            found.setdefault(b.vpc_id, set()).add(a.vpc_id)
    return {vpc: frozenset(peers) for vpc, peers in found.items()}
