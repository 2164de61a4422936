"""The customer networks Site-to-Site VPN connections carry, and the routes they propagate: what the route table
families (VPC route tables in ``network``, transit gateway route tables in ``interconnect``), the ``hybrid`` family
that owns the VPN records and the data plane's compiler all read, so it lives here, below all of them.

Design: nothing here is stored. A VPC route table stores only which virtual private gateways propagate to it
(``PropagatingVgws``, as AWS describes it); its propagated routes are derived whenever they are read from the
gateway's attachment and the connections that end on it, so that a route added to a connection, a connection
deleted or a gateway detached shows everywhere at once, without anyone copying a route.

What a connection carries [VPNUG how-it-works, "static and dynamic routing"]: a static connection
(``Options.StaticRoutesOnly``) carries the routes added with CreateVpnConnectionRoute; a dynamic (BGP) connection
carries what the customer gateway advertises over BGP. AWS has no API for the advertised prefixes (they come from the
customer's device), so vpcsim reads them from the connection's tag ``vpcsim:advertised-prefixes``: CIDRs separated by
commas or spaces (named choice; docs/dataplane.md). Entries that are not IPv4 CIDRs are ignored, as a BGP speaker
ignores a malformed announcement.

Propagated routes in a VPC route table [VPCUG23 route tables, "route propagation"]: one route per prefix per
virtual private gateway, ``Origin: EnableVgwRoutePropagation``, target ``GatewayId: vgw-...``, while the gateway is
attached to the table's VPC and the connection is available.
"""

from __future__ import annotations

import re
from ipaddress import IPv4Network
from typing import Any

from vpcsim.model import Record
from vpcsim.store import Transaction

ADVERTISED_TAG = "vpcsim:advertised-prefixes"
PROPAGATED = "EnableVgwRoutePropagation"  # the Origin AWS shows on propagated routes [EC2API Route]
_SEPARATORS = re.compile(r"[,\s]+")


def advertised(connection: Record) -> list[str]:
    """The prefixes the customer gateway advertises over BGP (the connection's ``vpcsim:advertised-prefixes`` tag).

    >>> advertised(Record("vpn-connection", "vpn-1", "1", "r", {}, tags={ADVERTISED_TAG: "10.9.0.0/16, x 10.8.0.0/24"}))
    ['10.9.0.0/16', '10.8.0.0/24']
    """
    found: list[str] = []
    for text in _SEPARATORS.split(connection.tags.get(ADVERTISED_TAG, "")):
        try:
            network = str(IPv4Network(text, strict=False)) if text else ""
        except ValueError:
            continue
        if network and network not in found:
            found.append(network)
    return found


def is_static(connection: Record) -> bool:
    return bool((connection.doc.get("Options") or {}).get("StaticRoutesOnly"))


def carried(connection: Record) -> list[str]:
    """The customer networks an available connection carries: its static routes, or what BGP advertises."""
    if connection.doc.get("State") != "available":
        return []
    if is_static(connection):
        return [r["DestinationCidrBlock"] for r in connection.doc.get("Routes") or [] if r.get("State") == "available"]
    return advertised(connection)


def connections_of(tx: Transaction, gateway_id: str) -> list[Record]:
    """The connections that end on a virtual private gateway or a transit gateway (their parent), oldest first."""
    return list(tx.children("vpn-connection", gateway_id))


# -- virtual private gateways and VPC route tables -------------------------------------------------------------------
def attached_vpc(gateway: Record) -> str | None:
    """The VPC a virtual private gateway is attached to (state ``attached``), if any."""
    return next((a["VpcId"] for a in gateway.doc.get("VpcAttachments") or [] if a.get("State") == "attached"), None)


def is_attached(tx: Transaction, gateway_id: str, vpc_id: str) -> bool:
    gateway = tx.find("vpn-gateway", gateway_id)
    return gateway is not None and gateway.doc.get("State") == "available" and attached_vpc(gateway) == vpc_id


def propagating(tx: Transaction, table: Record) -> list[dict[str, str]]:
    """``PropagatingVgws`` as AWS shows it: the gateways enabled on the table that are attached to its VPC."""
    vpc_id = table.doc["VpcId"]
    return [p for p in table.doc.get("PropagatingVgws") or [] if is_attached(tx, p["GatewayId"], vpc_id)]


def propagated_routes(tx: Transaction, table: Record) -> list[dict[str, Any]]:
    """The routes the table's propagating gateways add, one per prefix and gateway, in connection order."""
    routes: list[dict[str, Any]] = []
    for entry in propagating(tx, table):
        gateway_id = entry["GatewayId"]
        prefixes = dict.fromkeys(p for c in connections_of(tx, gateway_id) for p in carried(c))
        routes += [
            {"DestinationCidrBlock": p, "GatewayId": gateway_id, "Origin": PROPAGATED, "State": "active"}
            for p in prefixes
        ]
    return routes


# -- transit gateways ------------------------------------------------------------------------------------------------
def attachment_prefixes(tx: Transaction, attachment: Record) -> list[str]:
    """What a transit gateway VPN attachment propagates: the customer networks its connection carries (static routes
    of a static connection appear as propagated routes, as AWS shows them [TGW route tables, "VPN attachments"])."""
    connection = tx.find("vpn-connection", attachment.doc.get("ResourceId") or "")
    return carried(connection) if connection is not None else []


__all__ = [
    "ADVERTISED_TAG",
    "PROPAGATED",
    "advertised",
    "attached_vpc",
    "attachment_prefixes",
    "carried",
    "connections_of",
    "is_attached",
    "is_static",
    "propagated_routes",
    "propagating",
]
