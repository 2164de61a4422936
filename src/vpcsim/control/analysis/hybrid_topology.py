"""The hybrid part of the compiled topology: virtual private gateways, VPN connections with the customer networks
they carry, transit gateway VPN attachments, and each VPC's DNS servers from its DHCP options set.

Compiled with the rest by ``topology.compile_topology``; the rules read here are the ones the control plane shows
(``core.vpn_routes.carried`` for what a connection carries, ``dhcp.options.name_servers`` for a set's servers), so
the data plane never decides them a second time.
"""

from __future__ import annotations

from functools import lru_cache
from ipaddress import IPv4Network

from vpcsim.control.core import vpn_routes
from vpcsim.control.dhcp import options
from vpcsim.dataplane import topology as t
from vpcsim.model import Record
from vpcsim.store import Transaction


@lru_cache(maxsize=1 << 12)
def _network(text: str) -> IPv4Network:
    return IPv4Network(text, strict=False)


def vpn_gateways(tx: Transaction) -> dict[str, t.VpnGateway]:
    return {
        r.id: t.VpnGateway(r.id, r.account, r.region, vpn_routes.attached_vpc(r))
        for r in tx.scan("vpn-gateway")
        if r.doc.get("State") == "available"
    }


def vpn_connections(tx: Transaction) -> dict[str, t.VpnConnection]:
    return {r.id: _connection(tx, r) for r in tx.scan("vpn-connection") if r.doc.get("State") != "deleted"}


def _connection(tx: Transaction, record: Record) -> t.VpnConnection:
    doc = record.doc
    customer = tx.find("customer-gateway", doc["CustomerGatewayId"])
    return t.VpnConnection(
        record.id,
        record.account,
        record.region,
        doc["State"],
        doc["CustomerGatewayId"],
        (customer.doc.get("IpAddress") or "") if customer is not None else "",
        record.parent or "",
        vpn_routes.is_static(record),
        tuple(_network(p) for p in vpn_routes.carried(record)),
        record.extra.get("attachment"),
    )


def vpn_attachment(record: Record) -> t.TgwAttachment:
    """A transit gateway attachment of ``ResourceType: vpn`` as the gateway sees it."""
    gid = record.doc["TransitGatewayId"]
    associated = (record.extra.get("associations") or {}).get(gid)
    return t.TgwAttachment(
        record.id,
        gid,
        "vpn",
        record.doc["State"],
        associated,
        region=record.region,
        vpn_connection=record.doc.get("ResourceId"),
    )


def dns_of(tx: Transaction, vpc: Record) -> tuple[str, tuple[str, ...]]:
    """The VPC's DHCP options set id and the DNS servers it hands out (the Amazon DNS server with no set)."""
    rid = vpc.doc.get("DhcpOptionsId") or options.NO_OPTIONS
    if rid == options.NO_OPTIONS:
        return rid, (options.AMAZON_DNS,)  # no options set: Nitro instances use 169.254.169.253 [VPCUG]
    # A set without domain-name-servers hands out none: like no set, the Amazon DNS server answers (named choice).
    return rid, tuple(options.name_servers(tx.find(options.KIND, rid))) or (options.AMAZON_DNS,)


__all__ = ["dns_of", "vpn_attachment", "vpn_connections", "vpn_gateways"]
