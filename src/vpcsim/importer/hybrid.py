"""Site-to-Site VPN (customer gateways, virtual private gateways, VPN connections and their transit gateway
attachments), DHCP options sets and egress-only internet gateways, into the records the control plane's hybrid,
dhcp and gateways families write.

What the control plane derives, the import leaves out or reads back into the control plane's own terms:

- A VPC route table stores only ``PropagatingVgws``; its propagated routes (``Origin: EnableVgwRoutePropagation``) are
  derived from the connections ending on the gateway (``core/vpn_routes.py``). The dump's propagated routes are
  therefore not stored: they are what the customer gateways advertised over BGP, and a dynamic connection keeps
  that as vpcsim keeps advertised prefixes, its ``vpcsim:advertised-prefixes`` tag (named assumption: every dynamic
  connection ending on the gateway advertised every prefix the dump shows propagated from it; AWS does not say which
  connection advertised which). Propagated transit gateway routes from a VPN attachment are read the same way.
- A connection's ``VgwTelemetry`` and ``CustomerGatewayConfiguration`` are derived when shown (vpcsim takes the
  tunnels of an available connection as up: a dump that shows them down is reported); its tunnels
  (``Options.TunnelOptions``: AWS's outside address, inside CIDR, pre-shared key) are read from the dump's
  configuration document when ``Options`` does not list them (dumps before 2019), else from the telemetry.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from ipaddress import IPv4Network

from vpcsim.control.core.vpn_routes import ADVERTISED_TAG, PROPAGATED
from vpcsim.control.hybrid import customer_gateways
from vpcsim.importer.batch import Batch, Doc, Source, items, need, record, tags_of, without

_PROPAGATED = "vgw-propagated"  # batch.pending: gateway id -> prefixes the dump shows propagated from it


def customer_gateways_(batch: Batch, source: Source) -> None:
    for item in items(source, "CustomerGateways"):
        need(source, item, "CustomerGatewayId", "State")
        doc = {"Type": "ipsec.1", **without(item, "Tags")}
        batch.put(record("customer-gateway", item["CustomerGatewayId"], source.scope, doc, None, tags_of(item)))


def vpn_gateways(batch: Batch, source: Source) -> None:
    for item in items(source, "VpnGateways"):
        need(source, item, "VpnGatewayId", "State")
        doc = {"Type": "ipsec.1", "VpcAttachments": [], **without(item, "Tags")}
        batch.put(record("vpn-gateway", item["VpnGatewayId"], source.scope, doc, None, tags_of(item)))


def vpn_connections(batch: Batch, source: Source) -> None:
    for item in items(source, "VpnConnections"):
        need(source, item, "VpnConnectionId", "CustomerGatewayId", "State")
        gateway = item.get("VpnGatewayId") or item.get("TransitGatewayId")
        doc = without(item, "Tags", "VgwTelemetry", "CustomerGatewayConfiguration")
        options = dict(doc.get("Options") or {})
        if not options.get("TunnelOptions"):
            options["TunnelOptions"] = _tunnels(item)
        doc.update(Options=options, Routes=list(doc.get("Routes") or []), Category=doc.get("Category") or "VPN")
        since = min(
            (str(t["LastStatusChange"]) for t in item.get("VgwTelemetry") or [] if t.get("LastStatusChange")),
            default="",
        )
        down = [t.get("OutsideIpAddress") for t in item.get("VgwTelemetry") or [] if t.get("Status") == "DOWN"]
        if down and item["State"] == "available":
            batch.assume(
                f"{item['VpnConnectionId']}: the dump shows tunnel(s) {', '.join(map(str, down))} DOWN; vpcsim "
                "takes an available connection's tunnels as up, so traces cross it"
            )
        batch.put(
            record("vpn-connection", item["VpnConnectionId"], source.scope, doc, gateway, tags_of(item), created=since)
        )


def _tunnels(item: Doc) -> list[Doc]:
    """The tunnels as ``TunnelOptions`` lists them, from the configuration document AWS handed out (or, without one,
    the telemetry's outside addresses only)."""
    text = item.get("CustomerGatewayConfiguration")
    if text:
        try:
            root = ET.fromstring(str(text))
        except ET.ParseError:
            root = None
        if root is not None:
            return [_tunnel(t) for t in root.iter("ipsec_tunnel")]
    return [
        {"OutsideIpAddress": t["OutsideIpAddress"]} for t in item.get("VgwTelemetry") or [] if t.get("OutsideIpAddress")
    ]


def _tunnel(element: ET.Element) -> Doc:
    aws = element.find("vpn_gateway")
    inside = aws.find("tunnel_inside_address") if aws is not None else None
    tunnel: Doc = {"OutsideIpAddress": _text(aws, "tunnel_outside_address/ip_address")}
    if inside is not None:
        address, length = _text(inside, "ip_address"), _text(inside, "network_cidr")
        tunnel["TunnelInsideCidr"] = str(IPv4Network(f"{address}/{length}", strict=False))
    psk = _text(element, "ike/pre_shared_key")
    if psk:
        tunnel["PreSharedKey"] = psk
    return tunnel


def _text(element: ET.Element | None, path: str) -> str:
    found = element.find(path) if element is not None else None
    return (found.text or "").strip() if found is not None else ""


def dhcp_options(batch: Batch, source: Source) -> None:
    for item in items(source, "DhcpOptions"):
        need(source, item, "DhcpOptionsId")
        doc = {"OwnerId": source.scope.account, "DhcpConfigurations": [], **without(item, "Tags")}
        batch.put(record("dhcp-options", item["DhcpOptionsId"], source.scope, doc, None, tags_of(item)))


def egress_only_gateways(batch: Batch, source: Source) -> None:
    for item in items(source, "EgressOnlyInternetGateways"):
        need(source, item, "EgressOnlyInternetGatewayId")
        attached = next((a.get("VpcId") for a in item.get("Attachments") or [] if a.get("VpcId")), None)
        doc = without(item, "Tags")
        gid = item["EgressOnlyInternetGatewayId"]
        batch.put(record("egress-only-internet-gateway", gid, source.scope, doc, attached, tags_of(item)))


# -- propagated routes: read back as advertised prefixes -------------------------------------------------------------
def propagated(batch: Batch, gateway: str, prefix: str) -> None:
    """A route the dump shows propagated from ``gateway`` (a virtual private gateway, or a VPN connection's id for a
    transit gateway VPN attachment)."""
    found: dict[str, list[str]] = batch.pending.setdefault(_PROPAGATED, {})
    if prefix not in found.setdefault(gateway, []):
        found[gateway].append(prefix)


def is_propagated(route: Doc) -> bool:
    return route.get("Origin") == PROPAGATED


def finish_vpn(batch: Batch) -> None:
    prefixes: dict[str, list[str]] = batch.pending.get(_PROPAGATED, {})
    for connection in batch.imported("vpn-connection"):
        changed = connection
        customer = batch.find("customer-gateway", connection.doc["CustomerGatewayId"])
        if customer is not None:
            changed = changed.with_extra(bgp_asn=customer_gateways.asn_of(customer))
        learned = prefixes.get(connection.parent or "", []) + prefixes.get(connection.id, [])
        dynamic = not (connection.doc.get("Options") or {}).get("StaticRoutesOnly")
        if dynamic and learned and ADVERTISED_TAG not in connection.tags:
            changed = changed.evolve(tags={**changed.tags, ADVERTISED_TAG: " ".join(dict.fromkeys(learned))})
            batch.assume(
                f"{connection.id}: a dynamic (BGP) connection: the prefixes its customer gateway advertised "
                f"are taken from the routes the dump shows propagated ({', '.join(dict.fromkeys(learned))})"
            )
        if changed != connection:
            batch.amend(changed)


_VPN_ATTACHMENT = (
    "TransitGatewayAttachmentId",
    "TransitGatewayId",
    "ResourceType",
    "ResourceId",
    "ResourceOwnerId",
    "State",
    "CreationTime",
)


def vpn_attachment(batch: Batch, source: Source, item: Doc) -> None:
    """A transit gateway attachment of ``ResourceType: vpn``, as ``describe-transit-gateway-attachments`` shows it."""
    aid, tid = item["TransitGatewayAttachmentId"], item["TransitGatewayId"]
    doc: Doc = {k: item[k] for k in _VPN_ATTACHMENT if k in item}
    attachment = batch.put(record("transit-gateway-attachment", aid, source.scope, doc, tid, tags_of(item)))
    association = item.get("Association") or {}
    table = association.get("TransitGatewayRouteTableId") if association.get("State") == "associated" else None
    batch.amend(attachment.with_extra(associations={tid: table} if table else {}))
    connection = batch.find("vpn-connection", str(item.get("ResourceId")))
    if connection is not None:
        batch.amend(connection.with_extra(attachment=aid))
    else:
        pending: list[tuple[str, str]] = batch.pending.setdefault("vpn-attachments", [])
        pending.append((str(item.get("ResourceId")), aid))


def finish_vpn_attachments(batch: Batch) -> None:
    for connection_id, aid in batch.pending.get("vpn-attachments", []):
        connection = batch.find("vpn-connection", connection_id)
        if connection is not None:
            batch.amend(connection.with_extra(attachment=aid))
