"""The hybrid engines in process: what a VPN connection carries, the customer gateway configuration, the resolver
behind custom DHCP DNS servers, the price of leaving AWS over a VPN, route priority with propagated routes, and the
control plane's VPN records driven without a server."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import replace
from ipaddress import IPv4Address, IPv4Network
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.unit.test_dns import SQS, VPC, _endpoint, _name, _topo
from vpcsim.control import Control
from vpcsim.control.core import vpn_routes
from vpcsim.control.hybrid import tunnels
from vpcsim.cost import price_book, price_path
from vpcsim.dataplane import dns, routing
from vpcsim.dataplane.topology import Route, RouteTable
from vpcsim.errors import ApiError
from vpcsim.model import IdFactory, Record
from vpcsim.model.trace import Action, Component, ComponentKind, Hop, Step, Trace, Verdict
from vpcsim.store import MemoryBackend, Store

ACCOUNT, REGION = "111122223333", "us-east-1"


def _connection(static: bool, routes: list[str] = (), tag: str = "", state: str = "available") -> Record:  # type: ignore[assignment]
    doc = {
        "State": state,
        "Options": {"StaticRoutesOnly": static},
        "Routes": [{"DestinationCidrBlock": r, "State": "available"} for r in routes],
    }
    return Record("vpn-connection", "vpn-1", ACCOUNT, REGION, doc, tags={vpn_routes.ADVERTISED_TAG: tag} if tag else {})


# -- what a connection carries ---------------------------------------------------------------------------------------
def test_a_static_connection_carries_its_routes_and_a_bgp_one_what_it_advertises() -> None:
    tag = "10.9.1.0/16,\n10.8.0.0/24  not-a-cidr, 10.9.0.0/16, ::/0"
    assert vpn_routes.carried(_connection(True, ["192.168.0.0/16"], tag)) == ["192.168.0.0/16"]
    assert vpn_routes.carried(_connection(False, ["192.168.0.0/16"], tag)) == ["10.9.0.0/16", "10.8.0.0/24"]
    assert vpn_routes.carried(_connection(False, tag=tag, state="deleted")) == []


@given(st.lists(st.tuples(st.integers(0, 2**32 - 1), st.integers(8, 32)), max_size=6))
def test_advertised_prefixes_are_canonical_and_unique(prefixes: list[tuple[int, int]]) -> None:
    text = ", ".join(f"{IPv4Address(a)}/{n}" for a, n in prefixes)
    found = vpn_routes.advertised(_connection(False, tag=text))
    expected = list(dict.fromkeys(str(IPv4Network(f"{IPv4Address(a)}/{n}", strict=False)) for a, n in prefixes))
    assert found == expected


# -- the customer gateway configuration ------------------------------------------------------------------------------
def _doc(static: bool) -> dict[str, Any]:
    tunnel = {"OutsideIpAddress": "3.80.0.1", "TunnelInsideCidr": "169.254.20.4/30", "PreSharedKey": "a<b&c_key1"}
    other = {**tunnel, "OutsideIpAddress": "3.80.0.2", "TunnelInsideCidr": "169.254.21.8/30"}
    return {
        "VpnConnectionId": "vpn-1",
        "CustomerGatewayId": "cgw-1",
        "VpnGatewayId": "vgw-1",
        "State": "available",
        "Options": {"StaticRoutesOnly": static, "TunnelOptions": [tunnel, other]},
    }


@pytest.mark.parametrize("static", [True, False])
def test_the_configuration_is_aws_native_xml(static: bool) -> None:
    text = tunnels.configuration(_doc(static), "198.51.100.4", "65010", "64512")
    assert text.startswith(
        '<?xml version="1.0" encoding="UTF-8"?>\n<vpn_connection id="vpn-1">\n  <customer_gateway_id>'
    )
    root = ET.fromstring(text.encode())
    assert (root.find("vpn_connection_attributes") is not None) is static
    first, second = root.findall("ipsec_tunnel")
    assert first.findtext("customer_gateway/tunnel_inside_address/ip_address") == "169.254.20.6"
    assert first.findtext("vpn_gateway/tunnel_inside_address/ip_address") == "169.254.20.5"
    assert first.findtext("vpn_gateway/tunnel_inside_address/network_mask") == "255.255.255.252"
    assert second.findtext("vpn_gateway/tunnel_outside_address/ip_address") == "3.80.0.2"
    assert first.findtext("ike/pre_shared_key") == "a<b&c_key1"  # escaped in the XML, intact when parsed
    assert (first.findtext("customer_gateway/bgp/asn"), first.findtext("vpn_gateway/bgp/asn")) == (
        (None, None) if static else ("65010", "64512")
    )


def test_telemetry_follows_the_connection() -> None:
    up = tunnels.telemetry(_doc(False), "2026-01-01T00:00:00.000Z", 3)
    assert [(t["Status"], t["AcceptedRouteCount"], t["StatusMessage"]) for t in up] == [("UP", 3, "3 BGP ROUTES")] * 2
    down = tunnels.telemetry({**_doc(True), "State": "deleted"}, "", 3)
    assert {(t["Status"], t["StatusMessage"]) for t in down} == {("DOWN", "IPSEC IS DOWN")}


@pytest.mark.parametrize("key", ["abcdefgh", "A" * 64, "key_with.dots_1"])
def test_keys_aws_accepts(key: str) -> None:
    assert tunnels.check_psk(key) == key


@pytest.mark.parametrize("key", ["short", "0abcdefgh", "A" * 65, "with space1", "dash-not-allowed"])
def test_keys_aws_refuses(key: str) -> None:
    with pytest.raises(ApiError) as excinfo:
        tunnels.check_psk(key)
    assert excinfo.value.code == "InvalidParameterValue" and key not in excinfo.value.message


# -- DNS behind DHCP options ------------------------------------------------------------------------------------------
def test_custom_dns_servers_do_not_see_private_zones() -> None:
    topo = _topo(_endpoint("vpce-1", VPC, _name(SQS, "10.0.4.5"), _name("api.corp.example", "10.0.4.5")))
    custom = replace(VPC, dhcp_options="dopt-1", name_servers=("192.168.0.53",))
    topo.vpcs[VPC.id] = custom
    public = dns.resolve(topo, custom, SQS)
    assert isinstance(public, dns.Answer) and public.source == "aws-service" and "vpce-1" in public.note
    hidden = dns.resolve(topo, custom, "api.corp.example")
    assert isinstance(hidden, dns.NoAnswer) and "dopt-1" in hidden.reason and "AmazonProvidedDNS" in hidden.reason
    assert dns.resolver_name(custom) == "DNS servers 192.168.0.53 of DHCP options dopt-1"
    mixed = replace(custom, name_servers=("192.168.0.53", "AmazonProvidedDNS"))
    assert isinstance(dns.resolve(topo, mixed, "api.corp.example"), dns.Answer)


def test_on_premises_resolves_public_names_only() -> None:
    topo = _topo(_endpoint("vpce-1", VPC, _name(SQS, "10.0.4.5")))
    answer = dns.resolve_outside(topo, SQS)
    assert isinstance(answer, dns.Answer) and answer.source == "aws-service"
    assert isinstance(dns.resolve_outside(topo, "api.corp.example"), dns.NoAnswer)
    assert dns.resolve_outside(topo, "192.168.1.1").addresses == (IPv4Address("192.168.1.1"),)


# -- route priority ---------------------------------------------------------------------------------------------------
def _route(cidr: str, target: str, origin: str = "CreateRoute") -> Route:
    return Route(IPv4Network(cidr), None, "x", target, "active", origin)


@given(st.integers(8, 30), st.booleans())
def test_a_propagated_route_loses_only_on_equal_length(length: int, longer_propagated: bool) -> None:
    destination = IPv4Address("192.168.1.10")
    static = _route(str(IPv4Network(f"192.168.1.10/{length}", strict=False)), "tgw-1")
    propagated_length = length + 1 if longer_propagated else length
    propagated = _route(
        str(IPv4Network(f"192.168.1.10/{propagated_length}", strict=False)), "vgw-1", "EnableVgwRoutePropagation"
    )
    for order in ((static, propagated), (propagated, static)):
        match = routing.lookup(RouteTable("rtb-1", "vpc-1", order), destination, lambda _: ())
        assert match is not None
        assert match.route.target == ("vgw-1" if longer_propagated else "tgw-1")


# -- the price of leaving over a VPN ----------------------------------------------------------------------------------
def _hop(kind: ComponentKind, rid: str, region: str) -> Hop:
    return Hop(Component(rid, kind, region=region), (Step(Action.FORWARDED, "on"),))


def test_data_out_over_a_vpn_is_unpriced_and_data_in_is_free() -> None:
    out = Trace(
        Verdict.REACHABLE,
        (
            _hop(ComponentKind.INSTANCE, "i-1", REGION),
            _hop(ComponentKind.VPN_GATEWAY, "vgw-1", REGION),
            _hop(ComponentKind.VPN_CONNECTION, "vpn-1", REGION),
            _hop(ComponentKind.CUSTOMER_GATEWAY, "cgw-1", REGION),
        ),
    )
    found = price_path(out, price_book())
    assert found.charges == () and [(u.key, u.component, u.region) for u in found.unpriced] == [
        ("vpn_data_out_gb", "vpn-1", REGION)
    ]
    back = Trace(Verdict.REACHABLE, tuple(reversed(out.hops)))
    assert price_path(back, price_book()).unpriced == ()


# -- the control plane in process -------------------------------------------------------------------------------------
class Plane:
    def __init__(self) -> None:
        self.control = Control(Store(MemoryBackend()), IdFactory(11))

    def __call__(self, operation: str, **params: Any) -> dict[str, Any]:
        return self.control.handle("ec2", operation, params, account=ACCOUNT, region=REGION, request_id="r")


def test_a_seeded_connection_is_reproducible() -> None:
    def connect() -> dict[str, Any]:
        plane = Plane()
        cgw = plane("CreateCustomerGateway", Type="ipsec.1", IpAddress="203.0.113.1", BgpAsn=65001)
        vgw = plane("CreateVpnGateway", Type="ipsec.1")
        return plane(
            "CreateVpnConnection",
            Type="ipsec.1",
            CustomerGatewayId=cgw["CustomerGateway"]["CustomerGatewayId"],
            VpnGatewayId=vgw["VpnGateway"]["VpnGatewayId"],
        )["VpnConnection"]

    first, second = connect(), connect()
    assert first["Options"]["TunnelOptions"] == second["Options"]["TunnelOptions"]
    assert first["CustomerGatewayConfiguration"] == second["CustomerGatewayConfiguration"]
