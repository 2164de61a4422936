"""A VPN connection's two tunnels: their options (checked as AWS checks them), inside CIDRs and pre-shared keys,
the customer gateway configuration document AWS hands out, and the tunnels' telemetry.

Facts [EC2API VpnTunnelOptionsSpecification, TunnelOption; VPNUG VPNTunnels]: every connection has two tunnels, each
with its own AWS outside address; an inside CIDR is a /30 of 169.254.0.0/16 other than 169.254.0.0/30 to
169.254.5.0/30 and 169.254.169.252/30 (IPv6: a /126 of fd00::/8, transit gateways only), unique among the gateway's
tunnels (``InvalidCidr.InUse``); a pre-shared key has 8 to 64 characters (letters, digits, ``.`` and ``_``) and does
not start with ``0``; phase 1 lives 900-28800 s, phase 2 900-3600 s; the rekey fuzz is 0-100 %, the replay window
64-2048 packets, the DPD timeout at least 30 s.

The configuration document follows AWS's native XML (real dumps in Batfish's AWS test data, 2017-2019): one
``<ipsec_tunnel>`` per tunnel with both ends' outside and inside addresses, BGP ASNs and hold time (dynamic
connections) or ``<vpn_connection_attributes>NoBGPVPNConnection</vpn_connection_attributes>`` (static ones), the IKE
and IPsec proposals and the pre-shared key. AWS describes it only while the connection is pending or available.

Choices named: the tunnels' AWS outside addresses come from the Region's public EC2 pool; the customer's device is
taken as configured as the document says, so both tunnels are ``UP`` while the connection is available (a dynamic
connection's tunnels report the prefixes the customer advertises, ``"<n> BGP ROUTES"``).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable
from ipaddress import IPv4Network, IPv6Network
from typing import Any

from vpcsim.control.core.call import Call
from vpcsim.control.core.public_ips import allocate_public_ip
from vpcsim.errors import ApiError, InvalidParameter

TUNNELS = 2
_INSIDE_V4 = IPv4Network("169.254.0.0/16")
_RESERVED_V4 = frozenset(
    IPv4Network(c)
    for c in (
        "169.254.0.0/30",
        "169.254.1.0/30",
        "169.254.2.0/30",
        "169.254.3.0/30",
        "169.254.4.0/30",
        "169.254.5.0/30",
        "169.254.169.252/30",
    )
)
_INSIDE_V6 = IPv6Network("fd00::/8")
_PSK = re.compile(r"^[A-Za-z1-9_.][A-Za-z0-9_.]{7,63}$")
_PSK_ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._"
_ALGORITHMS = ("AES128", "AES256", "AES128-GCM-16", "AES256-GCM-16")
_INTEGRITY = ("SHA1", "SHA2-256", "SHA2-384", "SHA2-512")
_DH1 = (2, *range(14, 25))
_DH2 = (2, 5, *range(14, 25))


def _bad(name: str, value: Any, why: str) -> InvalidParameter:
    return InvalidParameter("InvalidParameterValue", f"Value ({value}) for parameter {name} is invalid. {why}")


def _range(low: int, high: int | None) -> Callable[[str, Any], Any]:
    def check(name: str, value: Any) -> Any:
        if int(value) < low or (high is not None and int(value) > high):
            raise _bad(name, value, f"It must be {low} to {high}." if high else f"It must be at least {low}.")
        return int(value)

    return check


def _one_of(*allowed: Any) -> Callable[[str, Any], Any]:
    def check(name: str, value: Any) -> Any:
        if value not in allowed:
            raise _bad(name, value, f"Use one of {', '.join(str(a) for a in allowed)}.")
        return value

    return check


# Scalar options: request member -> (member AWS shows, check).
_SCALARS: dict[str, tuple[str, Callable[[str, Any], Any]]] = {
    "Phase1LifetimeSeconds": ("Phase1LifetimeSeconds", _range(900, 28800)),
    "Phase2LifetimeSeconds": ("Phase2LifetimeSeconds", _range(900, 3600)),
    "RekeyMarginTimeSeconds": ("RekeyMarginTimeSeconds", _range(60, 1800)),
    "RekeyFuzzPercentage": ("RekeyFuzzPercentage", _range(0, 100)),
    "ReplayWindowSize": ("ReplayWindowSize", _range(64, 2048)),
    "DPDTimeoutSeconds": ("DpdTimeoutSeconds", _range(30, None)),
    "DPDTimeoutAction": ("DpdTimeoutAction", _one_of("clear", "none", "restart")),
    "StartupAction": ("StartupAction", _one_of("add", "start")),
    "EnableTunnelLifecycleControl": ("EnableTunnelLifecycleControl", lambda n, v: bool(v)),
}
# List options: request member -> (member AWS shows, allowed values).
_LISTS: dict[str, tuple[str, tuple[Any, ...]]] = {
    "Phase1EncryptionAlgorithms": ("Phase1EncryptionAlgorithms", _ALGORITHMS),
    "Phase2EncryptionAlgorithms": ("Phase2EncryptionAlgorithms", _ALGORITHMS),
    "Phase1IntegrityAlgorithms": ("Phase1IntegrityAlgorithms", _INTEGRITY),
    "Phase2IntegrityAlgorithms": ("Phase2IntegrityAlgorithms", _INTEGRITY),
    "Phase1DHGroupNumbers": ("Phase1DHGroupNumbers", _DH1),
    "Phase2DHGroupNumbers": ("Phase2DHGroupNumbers", _DH2),
    "IKEVersions": ("IkeVersions", ("ikev1", "ikev2")),
}


def _given_options(spec: dict[str, Any]) -> dict[str, Any]:
    """The options a tunnel specification sets, as AWS shows them (``TunnelOption``), checked."""
    shown: dict[str, Any] = {}
    for name, (member, check) in _SCALARS.items():
        if spec.get(name) is not None:
            shown[member] = check(name, spec[name])
    for name, (member, allowed) in _LISTS.items():
        values = [v.get("Value") for v in spec.get(name) or []]
        if values:
            shown[member] = [{"Value": _one_of(*allowed)(name, v)} for v in values]
    if spec.get("LogOptions"):
        shown["LogOptions"] = spec["LogOptions"]
    one, two = shown.get("Phase1LifetimeSeconds", 28800), shown.get("Phase2LifetimeSeconds", 3600)
    if two > one:
        raise _bad("Phase2LifetimeSeconds", two, "Phase 2 must not outlive phase 1.")
    return shown


def check_psk(value: str) -> str:
    if not _PSK.match(value):
        raise _bad(
            "PreSharedKey",
            "****",
            "A pre-shared key has 8 to 64 letters, digits, periods and underscores and does not start with 0.",
        )
    return value


def _new_psk(call: Call) -> str:
    first = call.ids.token(_PSK_ALPHABET.replace("0", ""), 1)
    return first + call.ids.token(_PSK_ALPHABET, 31)


def _inside_v4(value: str) -> IPv4Network:
    try:
        network = IPv4Network(value, strict=True)
    except ValueError:
        raise _bad("TunnelInsideCidr", value, "This is not a valid CIDR block.") from None
    if network.prefixlen != 30 or not network.subnet_of(_INSIDE_V4) or network in _RESERVED_V4:
        raise _bad(
            "TunnelInsideCidr",
            value,
            "The inside CIDR must be a /30 in 169.254.0.0/16, other than 169.254.0.0/30 to 169.254.5.0/30 "
            "and 169.254.169.252/30.",
        )
    return network


def _random_v4(call: Call, taken: set[str]) -> str:
    while True:
        third, fourth = 6 + int(call.ids.hex(2), 16) % 250, int(call.ids.hex(2), 16) % 64 * 4
        network = IPv4Network(f"169.254.{third}.{fourth}/30")
        if network not in _RESERVED_V4 and str(network) not in taken:
            return str(network)


def _random_v6(call: Call, taken: set[str]) -> str:
    while True:
        network = IPv6Network(f"fd{call.ids.hex(2)}:{call.ids.hex(4)}:{call.ids.hex(4)}::{call.ids.hex(2)}0/126")
        if str(network) not in taken:
            return str(network)


def _inside_v6(value: str) -> IPv6Network:
    try:
        network = IPv6Network(value, strict=True)
    except ValueError:
        raise _bad("TunnelInsideIpv6Cidr", value, "This is not a valid IPv6 CIDR block.") from None
    if network.prefixlen != 126 or not network.subnet_of(_INSIDE_V6):
        raise _bad("TunnelInsideIpv6Cidr", value, "The inside IPv6 CIDR must be a /126 in fd00::/8.")
    return network


def _inside(call: Call, spec: dict[str, Any], ipv6: bool, taken: set[str]) -> dict[str, str]:
    if ipv6:
        given = spec.get("TunnelInsideIpv6Cidr")
        cidr = str(_inside_v6(given)) if given else _random_v6(call, taken)
        key = "TunnelInsideIpv6Cidr"
    else:
        given = spec.get("TunnelInsideCidr")
        cidr = str(_inside_v4(given)) if given else _random_v4(call, taken)
        key = "TunnelInsideCidr"
    if cidr in taken:
        raise ApiError(
            "InvalidCidr.InUse",
            f"The inside tunnel CIDR {cidr} is already in use by another VPN tunnel of the gateway.",
        )
    taken.add(cidr)
    return {key: cidr}


def tunnel_options(call: Call, specs: list[dict[str, Any]], ipv6: bool, taken: set[str]) -> list[dict[str, Any]]:
    """The two tunnels' ``TunnelOptions`` as AWS shows them: outside address, inside CIDR, key, options given."""
    if len(specs) > TUNNELS:
        raise _bad("TunnelOptions", len(specs), "A VPN connection has two tunnels.")
    specs = [*specs, *({} for _ in range(TUNNELS - len(specs)))]
    tunnels = []
    for spec in specs:
        options = _given_options(spec)  # checked before anything is allocated
        psk = check_psk(spec["PreSharedKey"]) if spec.get("PreSharedKey") else _new_psk(call)
        inside = _inside(call, spec, ipv6, taken)
        tunnels.append({"OutsideIpAddress": "", **inside, "PreSharedKey": psk, **options})
    for tunnel in tunnels:
        tunnel["OutsideIpAddress"] = allocate_public_ip(call)
    return tunnels


def inside_cidrs(connection_doc: dict[str, Any]) -> set[str]:
    tunnels = (connection_doc.get("Options") or {}).get("TunnelOptions") or []
    return {t.get("TunnelInsideCidr") or t.get("TunnelInsideIpv6Cidr") or "" for t in tunnels}


# -- the customer gateway configuration -----------------------------------------------------------------------------
_IKE = (
    ("authentication_protocol", "sha1"),
    ("encryption_protocol", "aes-128-cbc"),
    ("lifetime", "28800"),
    ("perfect_forward_secrecy", "group2"),
    ("mode", "main"),
)
_IPSEC = (
    ("protocol", "esp"),
    ("authentication_protocol", "hmac-sha1-96"),
    ("encryption_protocol", "aes-128-cbc"),
    ("lifetime", "3600"),
    ("perfect_forward_secrecy", "group2"),
    ("mode", "tunnel"),
    ("clear_df_bit", "true"),
    ("fragmentation_before_encryption", "true"),
    ("tcp_mss_adjustment", "1379"),
)


def _leaves(parent: ET.Element, pairs: Iterable[tuple[str, str]]) -> ET.Element:
    for tag, text in pairs:
        ET.SubElement(parent, tag).text = text
    return parent


def _end(parent: ET.Element, outside: str, inside: str, network: IPv4Network | IPv6Network, asn: str | None) -> None:
    _leaves(ET.SubElement(parent, "tunnel_outside_address"), [("ip_address", outside)])
    mask = str(network.netmask) if network.version == 4 else str(network.prefixlen)
    address = ET.SubElement(parent, "tunnel_inside_address")
    _leaves(address, [("ip_address", inside), ("network_mask", mask), ("network_cidr", str(network.prefixlen))])
    if asn is not None:
        _leaves(ET.SubElement(parent, "bgp"), [("asn", asn), ("hold_time", "30")])


def _tunnel(root: ET.Element, tunnel: dict[str, Any], customer_ip: str, asns: tuple[str, str] | None) -> None:
    cidr = tunnel.get("TunnelInsideCidr") or tunnel.get("TunnelInsideIpv6Cidr") or ""
    network: IPv4Network | IPv6Network = IPv4Network(cidr) if "." in cidr else IPv6Network(cidr)
    element = ET.SubElement(root, "ipsec_tunnel")
    # AWS's side takes the first address of the inside CIDR, the customer's the second (real dumps).
    customer_side, aws_side = str(network.network_address + 2), str(network.network_address + 1)
    _end(ET.SubElement(element, "customer_gateway"), customer_ip, customer_side, network, asns and asns[0])
    _end(ET.SubElement(element, "vpn_gateway"), tunnel["OutsideIpAddress"], aws_side, network, asns and asns[1])
    _leaves(ET.SubElement(element, "ike"), [*_IKE, ("pre_shared_key", tunnel["PreSharedKey"])])
    ipsec = _leaves(ET.SubElement(element, "ipsec"), _IPSEC)
    _leaves(ET.SubElement(ipsec, "dead_peer_detection"), [("interval", "10"), ("retries", "3")])


def configuration(doc: dict[str, Any], customer_ip: str, customer_asn: str, aws_asn: str) -> str:
    """``CustomerGatewayConfiguration``: AWS's native XML for the customer's device, indented as AWS indents it."""
    static = bool(doc["Options"].get("StaticRoutesOnly"))
    root = ET.Element("vpn_connection", id=doc["VpnConnectionId"])
    _leaves(
        root,
        [
            ("customer_gateway_id", doc["CustomerGatewayId"]),
            ("vpn_gateway_id", doc.get("VpnGatewayId") or ""),
            ("vpn_connection_type", "ipsec.1"),
        ],
    )
    if static:
        ET.SubElement(root, "vpn_connection_attributes").text = "NoBGPVPNConnection"
    for tunnel in doc["Options"]["TunnelOptions"]:
        _tunnel(root, tunnel, customer_ip, None if static else (customer_asn, aws_asn))
    ET.indent(root, "  ")
    body = ET.tostring(root, encoding="unicode", short_empty_elements=False)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body


def telemetry(doc: dict[str, Any], since: str, routes: int) -> list[dict[str, Any]]:
    """``VgwTelemetry``: both tunnels UP while the connection is available (module docstring), else DOWN."""
    up = doc.get("State") == "available"
    static = bool(doc["Options"].get("StaticRoutesOnly"))
    message = "" if static else f"{routes} BGP ROUTES"
    return [
        {
            "AcceptedRouteCount": routes if up and not static else 0,
            "LastStatusChange": since,
            "OutsideIpAddress": t["OutsideIpAddress"],
            "Status": "UP" if up else "DOWN",
            "StatusMessage": message if up else "IPSEC IS DOWN",
        }
        for t in doc["Options"]["TunnelOptions"]
    ]


__all__ = ["TUNNELS", "check_psk", "configuration", "inside_cidrs", "telemetry", "tunnel_options"]
