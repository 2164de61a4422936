"""The diagram's parts beyond a VPC's own subnets: what sits on its edge besides the internet gateway (an egress-only
internet gateway, a virtual private gateway), the customer networks at the other end of Site-to-Site VPN
connections (one on-premises box per customer gateway, listed beside transit gateways as a hub), and which VPCs,
subnets, interfaces and transit gateways a flow log covers.

Each function reads the compiled topology (``analysis.topology_of``) or, for what the data plane does not compile
(customer gateways without a connection, flow logs, Name tags), the records; none mutates. The items follow
``diagram.item``'s shape: ``kind`` is the component kind a trace hop names, so a traced path lights them up.
"""

from __future__ import annotations

from collections import defaultdict
from ipaddress import ip_network
from typing import Any

from vpcsim.dataplane import topology as t
from vpcsim.store import Transaction

Item = dict[str, Any]
_FLOW_LOG = "vpc-flow-log"
_CUSTOMER_GATEWAY = "customer-gateway"


def _item(kind: str, rid: str, name: str, **more: Any) -> Item:
    return {"kind": kind, "id": rid, "name": name or rid, "key": f"{kind}:{rid}", **more}


def egress_only_gateway(vpc: t.Vpc, names: dict[str, str]) -> Item | None:
    """The VPC's egress-only internet gateway (IPv6 out, never in), drawn on its top edge."""
    gid = vpc.egress_only_gateway
    if not gid:
        return None
    return _item("egress-only-internet-gateway", gid, names.get(gid, "egress-only gateway"))


def vpn_gateway(topo: t.Topology, vpc: t.Vpc, names: dict[str, str]) -> Item | None:
    """The virtual private gateway attached to the VPC (at most one, as AWS allows), drawn on its left edge."""
    for gateway in topo.vpn_gateways.values():
        if gateway.vpc_id == vpc.id:
            connections = sorted(c.id for c in topo.vpn_connections.values() if c.gateway == gateway.id)
            return _item(
                "vpn-gateway", gateway.id, names.get(gateway.id, "virtual private gateway"), connections=connections
            )
    return None


def on_premises(tx: Transaction, topo: t.Topology, names: dict[str, str], kept: set[str]) -> list[Item]:
    """One box per customer gateway that is available, or that a live VPN connection uses: the customer network
    with the prefixes its connections carry, and each connection to a VPC's virtual private gateway or to a transit
    gateway. A connection whose gateway is attached to no VPC drawn (a filter hides it) is left out; a customer
    gateway is drawn while it has one connection drawn, or none at all."""
    connections: dict[str, list[Item]] = defaultdict(list)
    prefixes: dict[str, set[str]] = defaultdict(set)
    for connection in sorted(topo.vpn_connections.values(), key=lambda c: c.id):
        if not _drawn(topo, connection, kept):
            continue
        connections[connection.customer_gateway].append(_connection(connection, names))
        prefixes[connection.customer_gateway].update(str(p) for p in connection.prefixes)
    found = []
    for record in sorted(tx.scan(_CUSTOMER_GATEWAY), key=lambda r: r.id):
        live = record.doc.get("State") == "available"
        if not connections[record.id] and not (live and _in_scope(record.account, record.region, topo, kept)):
            continue
        found.append(
            _item(
                "customer-gateway",
                record.id,
                names.get(record.id, "on-premises network"),
                account=record.account,
                region=record.region,
                ip=record.doc.get("IpAddress", ""),
                asn=record.doc.get("BgpAsn") or record.doc.get("BgpAsnExtended") or "",
                prefixes=sorted(prefixes[record.id]),
                hosts=[_host(p) for p in sorted(prefixes[record.id])],
                connections=connections[record.id],
            )
        )
    return found


def _connection(connection: t.VpnConnection, names: dict[str, str]) -> Item:
    return _item(
        "vpn-connection",
        connection.id,
        names.get(connection.id, "VPN connection"),
        gateway=connection.gateway,
        state=connection.state,
        static_routes_only=connection.static_routes_only,
        attachment=connection.attachment,
    )


def _drawn(topo: t.Topology, connection: t.VpnConnection, kept: set[str]) -> bool:
    if connection.on_transit_gateway:
        return any(g == connection.gateway and view.vpc_id in kept for (g, _), view in topo.tgw_views.items()) or (
            _in_scope(connection.account, connection.region, topo, kept)
        )
    gateway = topo.vpn_gateways.get(connection.gateway)
    return gateway is not None and gateway.vpc_id in kept


def _in_scope(account: str, region: str, topo: t.Topology, kept: set[str]) -> bool:
    """Whether the diagram draws a VPC of this account and region (where a hub of theirs is drawn)."""
    return any(topo.vpcs[v].account == account and topo.vpcs[v].region == region for v in kept if v in topo.vpcs)


def onprem_hosts(on_prem: list[Item]) -> list[dict[str, str]]:
    """For the trace form: a host in each customer network drawn, with the connection a trace from it comes in by.
    ``value`` is what the form shows (``"192.168.0.10 via vpn-..."``); ``source`` and ``via`` are the trace API's."""
    found = []
    for customer in on_prem:
        for connection in customer["connections"]:
            for host in customer["hosts"]:
                label = f"{customer['name']} {host} via {connection['id']}"
                found.append(
                    {"value": f"{host} via {connection['id']}", "source": host, "via": connection["id"], "label": label}
                )
    return found


def _host(prefix: str) -> str:
    """An address to trace to or from in a customer prefix: its tenth host (its first in a small prefix)."""
    network = ip_network(prefix)
    return str(network.network_address + (10 if network.num_addresses > 16 else 1))


def flow_logs(tx: Transaction) -> dict[str, list[Item]]:
    """Resource id (VPC, subnet, interface, transit gateway or its attachment) -> the active flow logs covering it."""
    covering: dict[str, list[Item]] = defaultdict(list)
    for record in sorted(tx.scan(_FLOW_LOG), key=lambda r: r.id):
        doc = record.doc
        if doc.get("FlowLogStatus", "ACTIVE") != "ACTIVE":
            continue
        covering[doc["ResourceId"]].append(
            {
                "id": record.id,
                "traffic_type": doc.get("TrafficType", "ALL"),
                "destination_type": doc.get("LogDestinationType", ""),
            }
        )
    return covering


__all__ = ["egress_only_gateway", "flow_logs", "on_premises", "onprem_hosts", "vpn_gateway"]
