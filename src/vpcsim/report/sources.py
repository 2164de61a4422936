"""Where the report's traces start: the subnets that hold compute, one representative interface per class.

Compute is a network interface a user's workload owns: an instance's, or one a user created (``InterfaceType``
interface, efa, efa-only, trunk or branch), never a requester-managed one (AWS's ``RequesterManaged``: endpoint, NAT
gateway, load balancer, Lambda interfaces...) nor one owned by an endpoint, NAT gateway or load balancer.

A subnet's compute interfaces are grouped into classes by what a trace of theirs can depend on besides their address:
their security groups and whether they have a public IPv4 address. One interface stands for each class (an
instance's primary interface first, else the first created); the report says so and counts the class's members.
Interfaces of one class differ only by address, so a rule naming a single address (a /32 in an ACL or a security
group of the destination) could still tell them apart: the report states that it traces the representative.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from vpcsim.dataplane.topology import Interface, Topology
from vpcsim.store import Transaction

WORKLOAD_KINDS = frozenset({"interface", "efa", "efa-only", "trunk", "branch"})
_NAMED = (
    "vpc",
    "subnet",
    "instance",
    "natgateway",
    "vpc-endpoint",
    "route-table",
    "transit-gateway",
    "vpc-peering-connection",
    "internet-gateway",
    "network-acl",
)


@dataclass(frozen=True, slots=True)
class Source:
    """One class of a subnet's compute interfaces and the interface that stands for it."""

    key: str  # the subnet id; "subnet-...#2" for a subnet's second class
    subnet: str
    vpc: str
    account: str
    region: str
    zone: str
    zone_id: str
    route_table: str
    network_acl: str
    interface: str  # the representative
    instance: str | None
    groups: tuple[str, ...]
    public_ip: bool
    members: int  # compute interfaces of this class in the subnet
    address: str  # the representative's primary private address


def names(tx: Transaction) -> dict[str, str]:
    """Resource id -> its Name tag, for the kinds a report names."""
    return {r.id: r.tags["Name"] for kind in _NAMED for r in tx.scan(kind) if r.tags.get("Name")}


def compute_sources(tx: Transaction, topo: Topology) -> list[Source]:
    """Every class of compute interfaces, by account, Region, VPC and subnet."""
    managed = {r.id for r in tx.scan("network-interface") if r.doc.get("RequesterManaged")}
    owned = set(topo.nat_gateways) | set(topo.endpoints) | set(topo.load_balancers)
    classes: dict[tuple[str, tuple[str, ...], bool], list[Interface]] = defaultdict(list)
    for iface in topo.interfaces.values():
        workload = iface.kind in WORKLOAD_KINDS and iface.id not in managed and iface.owner not in owned
        subnet = topo.subnets.get(iface.subnet_id)
        if workload and subnet is not None and subnet.vpc_id in topo.vpcs:  # a partial state may lack either
            classes[(iface.subnet_id, tuple(sorted(iface.groups)), bool(iface.public_ip))].append(iface)
    found: list[Source] = []
    counts: dict[str, int] = defaultdict(int)
    for (subnet_id, groups, public), members in sorted(classes.items(), key=lambda kv: _order(topo, kv[0])):
        counts[subnet_id] += 1
        key = subnet_id if counts[subnet_id] == 1 else f"{subnet_id}#{counts[subnet_id]}"
        found.append(_source(topo, key, groups, public, members))
    return found


def _order(topo: Topology, key: tuple[str, tuple[str, ...], bool]) -> tuple[str, ...]:
    subnet = topo.subnets[key[0]]
    vpc = topo.vpcs[subnet.vpc_id]
    return (vpc.account, vpc.region, vpc.id, subnet.id, str(not key[2]), *key[1])


def _source(topo: Topology, key: str, groups: tuple[str, ...], public: bool, members: list[Interface]) -> Source:
    chosen = next((i for i in members if topo.instances.get(i.owner) == i.id), members[0])
    subnet = topo.subnets[chosen.subnet_id]
    return Source(
        key=key,
        subnet=subnet.id,
        vpc=subnet.vpc_id,
        account=chosen.account,
        region=chosen.region,
        zone=subnet.zone,
        zone_id=subnet.zone_id,
        route_table=subnet.route_table,
        network_acl=subnet.network_acl,
        interface=chosen.id,
        instance=chosen.owner if chosen.owner.startswith("i-") else None,
        groups=groups,
        public_ip=public,
        members=len(members),
        address=str(chosen.address),
    )
