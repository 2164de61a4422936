"""What the data plane assumes where an imported estate lacks something every AWS VPC has, and the notes saying so.

The importer (``vpcsim.importer``) records per VPC which families its input lacked: meta ``import/gaps/<vpc-id>``,
a JSON list of the names below. The compiler fills each gap with the assumption AWS's semantics make least
surprising, and every trace through such a VPC says which assumption it made (``notes``):

- ``security-groups``: no security group of the VPC was imported. Every group an interface names is taken to allow
  all traffic both ways, so that the trace shows where routing takes a packet without inventing a filter nobody saw
  (a host source with no interface gets such a group too).
- ``network-acls``: the VPC's default network ACL was not imported. Its subnets that no imported ACL holds are
  filtered as by a default ACL, which allows all traffic both ways [VPCUG23 default network ACL].
- ``route-tables``: the VPC's main route table was not imported. Its subnets that no imported table holds use a
  main table with only the local route of each VPC CIDR, the only routes AWS puts in a new VPC's main table.

Two rules hold for every estate, imported or built, because they are AWS's own: a subnet with no ACL association
uses its VPC's default ACL, and an endpoint, NAT gateway or load balancer keeps only the interfaces the state holds.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import replace
from ipaddress import IPv4Network, IPv6Network

from vpcsim.dataplane import topology as t
from vpcsim.store import Transaction

GAPS_PREFIX = "import/gaps/"
NOTES = {
    "security-groups": "no security groups were imported for {vpc}: the trace assumes they allow everything",
    "network-acls": "the default network ACL of {vpc} was not imported: the trace assumes it allows everything, as "
    "a default ACL does",
    "route-tables": "the main route table of {vpc} was not imported: the trace assumes one with only the local route "
    "of each VPC CIDR",
}
_ALL: tuple[t.Network, ...] = (IPv4Network("0.0.0.0/0"), IPv6Network("::/0"))  # both address families


def gaps_of(tx: Transaction, vpc_id: str) -> tuple[str, ...]:
    """The families the import of ``vpc_id`` lacked (none for a VPC the control plane built)."""
    text = tx.meta(GAPS_PREFIX + vpc_id)
    return tuple(json.loads(text)) if text else ()


def notes_for(tx: Transaction, vpc_ids: Iterable[str]) -> tuple[str, ...]:
    """The notes a trace through ``vpc_ids`` carries, one per assumption made."""
    return tuple(
        NOTES[gap].format(vpc=vpc) for vpc in dict.fromkeys(vpc_ids) for gap in gaps_of(tx, vpc) if gap in NOTES
    )


class Parts:
    """The pieces of a topology the assumptions complete (the compiler's dictionaries, changed in place)."""

    def __init__(
        self,
        vpcs: dict[str, t.Vpc],
        subnets: dict[str, t.Subnet],
        route_tables: dict[str, t.RouteTable],
        acls: dict[str, t.NetworkAcl],
        groups: dict[str, t.SecurityGroup],
        interfaces: dict[str, t.Interface],
    ) -> None:
        self.vpcs, self.subnets, self.route_tables = vpcs, subnets, route_tables
        self.acls, self.groups, self.interfaces = acls, groups, interfaces


def complete(tx: Transaction, parts: Parts) -> None:
    """Fill every gap the state records, then give each subnet without an ACL its VPC's default ACL."""
    for vpc in parts.vpcs.values():
        gaps = gaps_of(tx, vpc.id)
        if "security-groups" in gaps:
            _open_groups(parts, vpc)
        if "network-acls" in gaps:
            parts.acls[_acl_id(vpc.id)] = _open_acl(vpc.id)
        if "route-tables" in gaps:
            parts.route_tables[_table_id(vpc.id)] = _local_table(vpc)
    defaults = {a.vpc_id: a.id for a in parts.acls.values() if a.id.endswith("(assumed)")}
    for subnet in list(parts.subnets.values()):
        acl, table = subnet.network_acl, subnet.route_table
        if acl not in parts.acls:
            acl = defaults.get(subnet.vpc_id) or _default_acl(tx, subnet.vpc_id) or ""
        if table not in parts.route_tables and _table_id(subnet.vpc_id) in parts.route_tables:
            table = _table_id(subnet.vpc_id)
        if (acl, table) != (subnet.network_acl, subnet.route_table):
            parts.subnets[subnet.id] = replace(subnet, network_acl=acl, route_table=table)


def _default_acl(tx: Transaction, vpc_id: str) -> str | None:
    """The VPC's default ACL, which holds every subnet not associated elsewhere [VPCUG23]."""
    return next((a.id for a in tx.children("network-acl", vpc_id) if a.doc.get("IsDefault")), None)


def _acl_id(vpc_id: str) -> str:
    return f"{vpc_id} network ACL (assumed)"


def _table_id(vpc_id: str) -> str:
    return f"{vpc_id} main route table (assumed)"


def _open_groups(parts: Parts, vpc: t.Vpc) -> None:
    named = {g for i in parts.interfaces.values() if i.vpc_id == vpc.id for g in i.groups}
    for gid in named - set(parts.groups):
        parts.groups[gid] = _open_group(gid, vpc.id, "assumed: not imported")
    default = f"{vpc.id} default security group (assumed)"
    if not any(g.vpc_id == vpc.id and g.name == "default" for g in parts.groups.values()):
        parts.groups[default] = _open_group(default, vpc.id, "default")


def _open_group(gid: str, vpc_id: str, name: str) -> t.SecurityGroup:
    rules = tuple(
        t.SgRule(f"{gid} {way} (assumed)", egress, "-1", -1, -1, every, raw={"Description": "assumed: allow all"})
        for way, egress in (("inbound", False), ("outbound", True))
        for every in _ALL
    )
    return t.SecurityGroup(gid, vpc_id, name, rules)


def _open_acl(vpc_id: str) -> t.NetworkAcl:
    entries = tuple(
        t.AclEntry(100 + family, egress, "-1", True, every, raw={"Description": "assumed: allow all"})
        for egress in (True, False)
        for family, every in enumerate(_ALL)
    )
    return t.NetworkAcl(_acl_id(vpc_id), vpc_id, entries)


_DESTINATION = {4: "DestinationCidrBlock", 6: "DestinationIpv6CidrBlock"}


def _local_table(vpc: t.Vpc) -> t.RouteTable:
    routes = tuple(
        t.Route(cidr, None, "local", "local", "active", "CreateRouteTable", {_DESTINATION[cidr.version]: str(cidr)})
        for cidr in vpc.cidrs
    )
    return t.RouteTable(_table_id(vpc.id), vpc.id, routes)


def known_interfaces(endpoints: dict[str, t.Endpoint], interfaces: dict[str, t.Interface]) -> dict[str, t.Endpoint]:
    """Endpoints with only the interfaces the state holds (an imported endpoint may name some it lacks)."""
    return {k: _known(e, interfaces) for k, e in endpoints.items()}


def _known(endpoint: t.Endpoint, interfaces: dict[str, t.Interface]) -> t.Endpoint:
    if all(i in interfaces for i in endpoint.interfaces):
        return endpoint
    return replace(endpoint, interfaces=tuple(i for i in endpoint.interfaces if i in interfaces))


def vpcs_on(topo: t.Topology, components: Iterable[str]) -> list[str]:
    """The VPCs the components of a path belong to, in path order."""
    found: list[str] = []
    for cid in components:
        vpc = _vpc_of(topo, cid)
        if vpc and vpc not in found:
            found.append(vpc)
    return found


def _vpc_of(topo: t.Topology, cid: str) -> str | None:
    if cid in topo.instances:
        cid = topo.instances[cid]
    if cid in topo.nat_gateways:
        cid = topo.nat_gateways[cid].subnet_id
    for table in (topo.interfaces, topo.subnets, topo.route_tables, topo.acls, topo.groups, topo.endpoints):
        found = table.get(cid)
        if found is not None:
            return found.vpc_id
    return cid if cid in topo.vpcs else None
