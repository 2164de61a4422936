"""Which VPCs are joined to which: by peering connections and transit gateways (and transit gateway peering).

The trace engine moves a packet from one VPC into another only over a peering connection, a transit gateway (and
the peering between transit gateways), or PrivateLink, which delivers to an endpoint service's targets and only for
a destination that is an interface endpoint's own address (dataplane/targets.py, transit.py, privatelink.py); an
internet gateway takes a private destination onto the internet, never into another VPC. So a subnet's private
address can be reached only from VPCs joined to its own by peering and transit gateways, transitively at most
(``components``): the reachability matrix traces every pair inside a component and none across (those VPCs share no
connection).

``neighbours`` are the VPCs one connection away (a peer, or another VPC of the same transit gateway or of one peered
with it): the VPCs whose interface endpoints a subnet could reach by the endpoints' own DNS names. ``transit_groups``
are the VPCs each transit gateway (with the gateways peered to it) joins: where interface endpoints could be shared.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from vpcsim.dataplane.topology import Topology

_GONE = frozenset({"deleted", "deleting", "rejected", "failed", "expired"})
_LIVE_ATTACHMENT = frozenset({"available", "pending", "modifying", "pendingAcceptance", "initiating"})


class _Union:
    """Disjoint sets of ids (union-find with path halving)."""

    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, item: str) -> str:
        parent = self.parent.setdefault(item, item)
        while parent != self.parent[parent]:
            self.parent[parent] = self.parent[self.parent[parent]]
            parent = self.parent[parent]
        return parent

    def join(self, a: str, b: str) -> None:
        self.parent[self.find(a)] = self.find(b)

    def groups(self, items: Iterable[str]) -> list[list[str]]:
        found: dict[str, list[str]] = defaultdict(list)
        for item in items:
            found[self.find(item)].append(item)
        return [sorted(members) for members in found.values()]


def _gateway_vpcs(topo: Topology) -> dict[str, set[str]]:
    """Transit gateway -> the VPCs attached to it (attachments that are or may become available)."""
    attached: dict[str, set[str]] = defaultdict(set)
    for (gateway, _), view in topo.tgw_views.items():
        if view.kind == "vpc" and view.vpc_id in topo.vpcs and view.state in _LIVE_ATTACHMENT:
            attached[gateway].add(view.vpc_id)
    return attached


def _gateway_groups(topo: Topology) -> _Union:
    """Transit gateways joined by peering attachments."""
    union = _Union()
    for (gateway, _), view in topo.tgw_views.items():
        union.find(gateway)
        if view.kind == "peering" and view.peer_gateway:
            union.join(gateway, view.peer_gateway)
    return union


def transit_groups(topo: Topology) -> list[tuple[tuple[str, ...], list[str]]]:
    """(the transit gateways of a peered group, the VPCs they join), for groups joining two VPCs or more."""
    gateways = _gateway_groups(topo)
    attached = _gateway_vpcs(topo)
    found = []
    for members in gateways.groups(attached):
        vpcs = sorted({v for g in members for v in attached[g]})
        if len(vpcs) > 1:
            found.append((tuple(members), vpcs))
    return sorted(found)


def neighbours(topo: Topology) -> dict[str, set[str]]:
    """VPC -> the VPCs one peering connection or one (peered) transit gateway away."""
    near: dict[str, set[str]] = defaultdict(set)
    for peering in topo.peerings.values():
        a, b = peering.requester.vpc_id, peering.accepter.vpc_id
        if peering.status == "active" and a in topo.vpcs and b in topo.vpcs and a != b:
            near[a].add(b)
            near[b].add(a)
    for _, vpcs in transit_groups(topo):
        for vpc in vpcs:
            near[vpc].update(v for v in vpcs if v != vpc)
    return near


def components(topo: Topology) -> list[list[str]]:
    """The VPCs joined by any chain of peering connections and transit gateways, each group sorted, largest first."""
    union = _Union()
    for vpc in topo.vpcs:
        union.find(vpc)
    for vpc, near in neighbours(topo).items():
        for other in near:
            union.join(vpc, other)
    for peering in topo.peerings.values():  # one not active yet still says where a trace stops (BAD_STATE)
        a, b = peering.requester.vpc_id, peering.accepter.vpc_id
        if peering.status not in _GONE and a in topo.vpcs and b in topo.vpcs:
            union.join(a, b)
    return sorted(union.groups(topo.vpcs), key=lambda g: (-len(g), g[0]))
