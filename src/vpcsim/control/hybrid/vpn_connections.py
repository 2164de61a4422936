"""Site-to-Site VPN connections: Create, Describe, Delete, and their static routes (Create/DeleteVpnConnectionRoute).

Design: a connection is a record parented by the gateway it ends on (a virtual private gateway or a transit gateway),
so ``core.vpn_routes`` finds a gateway's connections through the parent index. A connection to a transit gateway
comes with a transit gateway attachment of ``ResourceType: vpn`` (``interconnect``'s records, made in the same
transaction and removed with the connection), associated with and propagating to the gateway's default route tables
as its options say. What a connection carries (static routes, or the prefixes the customer advertises over BGP,
read from the tag ``vpcsim:advertised-prefixes``) is ``core.vpn_routes.carried``. The transient states are answered
in the call (``pending`` on create); the record holds the settled one; a deleted connection and its transit gateway
attachment are retired (core/lifecycle.py): shown ``deleted`` for a while, seen by nothing else.

Facts [EC2API CreateVpnConnection, CreateVpnConnectionRoute, VpnConnectionOptions; VPNUG vpn-limits; EC2ERR;
real dumps in Batfish's AWS test data]: ``Type`` ``ipsec.1``; a virtual private gateway or a transit gateway, not
both; the customer gateway must be available (``InvalidCustomerGatewayState``) and, on one gateway, two connections
may not use customer gateways with the same address (``InvalidCustomerGateway.DuplicateIpAddress``); the call is
idempotent (the same customer gateway and gateway answer the existing connection); ``StaticRoutesOnly`` defaults to
false; local and remote IPv4 network CIDRs default to 0.0.0.0/0, the outside address type to PublicIpv4, the inside
IP version to ipv4 (ipv6 and acceleration only on transit gateways); static routes only on static connections
(``InvalidVpnConnection.InvalidType``) that are available (``InvalidVpnConnection.InvalidState``); 50 connections
per Region, 10 per virtual private gateway (``VpnConnectionLimitExceeded``).
"""

from __future__ import annotations

from ipaddress import IPv4Network
from typing import Any

from vpcsim.control.core import lifecycle, vpn_routes
from vpcsim.control.core.call import Call, Params, Result
from vpcsim.control.core.describe import Listing, member, present
from vpcsim.control.core.lookup import get, get_shown
from vpcsim.control.core.tags import tags_for
from vpcsim.control.hybrid import customer_gateways, tunnels, vpn_gateways
from vpcsim.control.hybrid.customer_gateways import GONE, check_type
from vpcsim.control.interconnect import transit
from vpcsim.errors import ApiError, InvalidParameter, LimitExceeded, MissingParameter, NotFound, Unsupported
from vpcsim.model import Record
from vpcsim.model.kinds import KINDS

KIND = "vpn-connection"
MAX_PER_REGION = 50  # [VPNUG vpn-limits]
MAX_PER_VPN_GATEWAY = 10  # [VPNUG vpn-limits]


def _cidr(value: str | None, name: str, default: str | None = None) -> str:
    try:
        return str(IPv4Network(value or default or "", strict=False))
    except ValueError:
        raise InvalidParameter(
            "InvalidParameterValue", f"Value ({value}) for parameter {name} is invalid. This is not a valid CIDR block."
        ) from None


def _options(call: Call, given: dict[str, Any], gateway: Record, taken: set[str]) -> dict[str, Any]:
    on_transit = gateway.kind == transit.TGW
    version = given.get("TunnelInsideIpVersion") or "ipv4"
    if version not in ("ipv4", "ipv6") or (version == "ipv6" and not on_transit):
        raise InvalidParameter(
            "InvalidParameterValue",
            f"TunnelInsideIpVersion {version} is not supported here: ipv6 needs a transit gateway.",
        )
    if given.get("EnableAcceleration") and not on_transit:
        raise InvalidParameter("InvalidParameterValue", "Acceleration is supported only for transit gateway VPNs.")
    options: dict[str, Any] = {
        "EnableAcceleration": bool(given.get("EnableAcceleration")),
        "StaticRoutesOnly": bool(given.get("StaticRoutesOnly")),
        "LocalIpv4NetworkCidr": _cidr(given.get("LocalIpv4NetworkCidr"), "LocalIpv4NetworkCidr", "0.0.0.0/0"),
        "RemoteIpv4NetworkCidr": _cidr(given.get("RemoteIpv4NetworkCidr"), "RemoteIpv4NetworkCidr", "0.0.0.0/0"),
        "OutsideIpAddressType": given.get("OutsideIpAddressType") or "PublicIpv4",
        "TunnelInsideIpVersion": version,
    }
    options["TunnelOptions"] = tunnels.tunnel_options(call, given.get("TunnelOptions") or [], version == "ipv6", taken)
    return options


def _gateway(call: Call, params: Params) -> Record:
    vgw, tgw = params.get("VpnGatewayId"), params.get("TransitGatewayId")
    if params.get("VpnConcentratorId"):
        raise Unsupported("Unsupported", "vpcsim does not support VPN concentrators yet; the call changed nothing.")
    if vgw and tgw:
        raise InvalidParameter(
            "InvalidParameterCombination",
            "The request must not contain both parameter vpnGatewayId and transitGatewayId",
        )
    if not vgw and not tgw:
        raise MissingParameter("vpnGatewayId or transitGatewayId")
    return vpn_gateways.get_usable(call, vgw) if vgw else transit.get_gateway(call, tgw or "")


def _live_on(call: Call, gateway: Record) -> list[Record]:
    return [c for c in vpn_routes.connections_of(call.tx, gateway.id) if c.doc["State"] not in GONE]


def _check_room(call: Call, gateway: Record, customer: Record) -> None:
    on_gateway = _live_on(call, gateway)
    clash = [c for c in on_gateway if _customer_ip(call, c) == customer.doc.get("IpAddress")]
    if clash and customer.doc.get("IpAddress"):
        raise ApiError(
            "InvalidCustomerGateway.DuplicateIpAddress",
            f"Conflict among chosen gateway IP addresses: {clash[0].id} on {gateway.id} already uses a customer "
            f"gateway with address {customer.doc['IpAddress']}.",
        )
    in_region = [c for c in call.scan(KIND) if c.doc["State"] not in GONE]
    if len(in_region) >= MAX_PER_REGION or (
        gateway.kind == vpn_gateways.KIND and len(on_gateway) >= MAX_PER_VPN_GATEWAY
    ):
        raise LimitExceeded("VpnConnectionLimitExceeded", "You have reached the maximum number of VPN connections.")


def _customer_ip(call: Call, connection: Record) -> str | None:
    customer = call.tx.find(customer_gateways.KIND, connection.doc["CustomerGatewayId"])
    return customer.doc.get("IpAddress") if customer is not None else None


def create_vpn_connection(call: Call, params: Params) -> Result:
    check_type(params.get("Type"))
    customer = customer_gateways.get_usable(call, params["CustomerGatewayId"])
    gateway = _gateway(call, params)
    same = next((c for c in _live_on(call, gateway) if c.doc["CustomerGatewayId"] == customer.id), None)
    if same is not None:  # idempotent [EC2API CreateVpnConnection]
        return {"VpnConnection": present_connection(call, same)}
    _check_room(call, gateway, customer)
    taken = {cidr for c in _live_on(call, gateway) for cidr in tunnels.inside_cidrs(c.doc)}
    rid = call.new_id("vpn", KIND)
    doc: dict[str, Any] = {
        "VpnConnectionId": rid,
        "CustomerGatewayId": customer.id,
        "Category": "VPN",
        "State": "available",
        "Type": "ipsec.1",
        gateway_member(gateway): gateway.id,
        "Options": _options(call, params.get("Options") or {}, gateway, taken),
        "Routes": [],
    }
    record = call.record(
        KIND, rid, doc, gateway.id, created=call.timestamp(), bgp_asn=customer_gateways.asn_of(customer)
    )
    record = call.tx.put(record.evolve(tags=tags_for(call, params, KIND)))
    if gateway.kind == transit.TGW:
        _attach_to_transit(call, record, gateway)
    return {"VpnConnection": {**present_connection(call, record), "State": "pending"}}


def gateway_member(gateway: Record) -> str:
    return "TransitGatewayId" if gateway.kind == transit.TGW else "VpnGatewayId"


def _attach_to_transit(call: Call, connection: Record, gateway: Record) -> Record:
    """The transit gateway attachment of ``ResourceType: vpn`` AWS creates with the connection [TGW vpn-attachments]."""
    aid = call.new_id("tgw-attach", transit.ATTACHMENT)
    doc = {
        "TransitGatewayAttachmentId": aid,
        "TransitGatewayId": gateway.id,
        "ResourceType": "vpn",
        "ResourceId": connection.id,
        "ResourceOwnerId": call.account,
        "State": "available",
        "CreationTime": call.timestamp(),
    }
    attachment = call.tx.put(call.record(transit.ATTACHMENT, aid, doc, gateway.id, associations={}))
    call.tx.put(connection.with_extra(attachment=aid))
    return transit.attach_defaults(call, attachment, gateway)


# -- describe ---------------------------------------------------------------------------------------------------------
def present_connection(call: Call, connection: Record) -> dict[str, Any]:
    """The connection as AWS describes it: its configuration while pending or available, its tunnels' telemetry."""
    shown = present(connection)
    routes = len(vpn_routes.carried(connection))
    shown["VgwTelemetry"] = tunnels.telemetry(connection.doc, connection.extra.get("created", ""), routes)
    if connection.doc["State"] not in GONE:
        shown["CustomerGatewayConfiguration"] = tunnels.configuration(
            connection.doc,
            _customer_ip(call, connection) or "",
            connection.extra.get("bgp_asn", ""),
            _aws_asn(call, connection),
        )
    return shown


def _aws_asn(call: Call, connection: Record) -> str:
    gateway = call.tx.find(vpn_gateways.KIND, connection.parent or "") or call.tx.find(
        transit.TGW, connection.parent or ""
    )
    if gateway is None:
        return ""
    return str(gateway.doc.get("AmazonSideAsn") or (gateway.doc.get("Options") or {}).get("AmazonSideAsn") or "")


def _filters(call: Call) -> dict[str, Any]:
    return {
        "customer-gateway-configuration": lambda r: present_connection(call, r).get("CustomerGatewayConfiguration"),
        "customer-gateway-id": member("CustomerGatewayId"),
        "state": member("State"),
        "option.static-routes-only": member("Options", "StaticRoutesOnly"),
        "route.destination-cidr-block": member("Routes", "DestinationCidrBlock"),
        "bgp-asn": lambda r: r.extra.get("bgp_asn"),
        "type": member("Type"),
        "vpn-connection-id": member("VpnConnectionId"),
        "vpn-gateway-id": member("VpnGatewayId"),
        "transit-gateway-id": member("TransitGatewayId"),
    }


def describe_vpn_connections(call: Call, params: Params) -> Result:
    listing = Listing(
        KIND,
        "VpnConnections",
        "VpnConnectionIds",
        _filters(call),
        present=lambda r: present_connection(call, r),
        retired=True,
    )
    return listing.run(call, params)


# -- delete -----------------------------------------------------------------------------------------------------------
def delete_vpn_connection(call: Call, params: Params) -> Result:
    connection = get(call, KIND, params["VpnConnectionId"])
    if connection.doc["State"] in GONE:
        raise NotFound(KINDS[KIND].not_found, KINDS[KIND].missing_message([connection.id]))
    attachment = call.tx.find(transit.ATTACHMENT, connection.extra.get("attachment") or "")
    if attachment is not None:
        transit.detach_everywhere(call, attachment)
        transit.retire_attachment(call, attachment)
    lifecycle.retire(call, connection, seconds=lifecycle.VPN_DELETE)  # shown deleting, then deleted, as AWS does
    return {}


# -- static routes ----------------------------------------------------------------------------------------------------
def _static(call: Call, params: Params) -> tuple[Record, str]:
    connection = get_shown(call, KIND, params["VpnConnectionId"])
    if connection.doc["State"] != "available":
        raise ApiError(
            "InvalidVpnConnection.InvalidState",
            f"The VPN connection {connection.id} is {connection.doc['State']}: it must be available.",
        )
    if not vpn_routes.is_static(connection):
        raise ApiError(
            "InvalidVpnConnection.InvalidType",
            f"The VPN connection {connection.id} uses BGP (StaticRoutesOnly is false): it takes no static routes.",
        )
    return connection, _cidr(params["DestinationCidrBlock"], "DestinationCidrBlock")


def create_vpn_connection_route(call: Call, params: Params) -> Result:
    connection, cidr = _static(call, params)
    routes = connection.doc["Routes"]
    if all(r["DestinationCidrBlock"] != cidr for r in routes):  # adding a route it has changes nothing (named choice)
        route = {"DestinationCidrBlock": cidr, "Source": "Static", "State": "available"}
        call.tx.put(connection.with_doc(Routes=[*routes, route]))
    return {}


def delete_vpn_connection_route(call: Call, params: Params) -> Result:
    connection, cidr = _static(call, params)
    kept = [r for r in connection.doc["Routes"] if r["DestinationCidrBlock"] != cidr]
    if len(kept) == len(connection.doc["Routes"]):
        raise NotFound("InvalidRoute.NotFound", f"The route {cidr} of VPN connection {connection.id} does not exist")
    call.tx.put(connection.with_doc(Routes=kept))
    return {}


__all__ = ["KIND", "gateway_member", "present_connection"]
