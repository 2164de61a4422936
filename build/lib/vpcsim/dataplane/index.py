"""The topology's indexes, built once per compile from its members, so that no trace scans a whole collection.

Each index answers exactly what the scan it replaces answered, in the same order (the first match of the scan is the
first entry of the index); ``vpcsim.control.analysis.topology.compile_topology`` calls ``indexed`` once per
compile, in time linear in the topology's size.
"""

from __future__ import annotations

from dataclasses import replace
from ipaddress import IPv4Address

from vpcsim.dataplane import dns
from vpcsim.dataplane.topology import DnsName, Endpoint, NetworkIndex, TgwAttachment, Topology


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
        subnet_index=NetworkIndex((s.cidr, s.id) for s in topo.subnets.values()),
        service_index=_service_index(topo),
        private_records=private,
        vpce_records=named,
        tgw_vpc_attachments=_attachments(topo),
    )


def _addresses(topo: Topology) -> tuple[dict[tuple[str, IPv4Address], str], dict[IPv4Address, tuple[str, ...]]]:
    by_vpc: dict[tuple[str, IPv4Address], str] = {}
    at: dict[IPv4Address, list[str]] = {}
    for iface in topo.interfaces.values():
        for address in iface.addresses:
            by_vpc[(iface.vpc_id, address)] = iface.id
            at.setdefault(address, []).append(iface.id)
    return by_vpc, {a: tuple(ids) for a, ids in at.items()}


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


def _attachments(topo: Topology) -> dict[tuple[str, str], TgwAttachment]:
    found: dict[tuple[str, str], TgwAttachment] = {}
    for (gateway, _), attachment in topo.tgw_views.items():
        if attachment.kind == "vpc" and attachment.vpc_id and attachment.state == "available":
            found.setdefault((gateway, attachment.vpc_id), attachment)
    return found
