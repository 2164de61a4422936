"""On premises is a place: traces that start in a customer network and enter AWS over a Site-to-Site VPN, and
traces that leave a VPC for one, through a virtual private gateway or a transit gateway's VPN attachment.

The customer network is what the VPN connection carries (its static routes, or the prefixes the customer advertises
over BGP); the customer's own network behind the customer gateway is not modelled, so a source there is an address
and a destination there is delivered at the customer gateway. Stages (walk.py): ``FromCustomerNetwork`` (customer
gateway, VPN connection, then the virtual private gateway into its VPC or the transit gateway's route table),
``ViaVpnGateway`` (a VPC route to a virtual private gateway picks the connection that carries the destination:
longest prefix, then static over BGP [VPNUG how-it-works "route priority"]) and ``OverVpn`` (out over the tunnels to
the customer gateway).

Rules [RA-EX; PLG-GW; VPCUG23]: a virtual private gateway takes traffic in only for the private address of a
network interface in its VPC (``VGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS``: so a gateway endpoint, whose service is
outside the VPC, cannot be reached from on premises; an interface endpoint, whose interfaces are in the VPC, can)
and out only from network interfaces in its VPC (``VGW_PRIVATE_IP_ASSOCIATION_FOR_EGRESS``: no transit for traffic
that arrived over peering, a transit gateway or another VPN); a connection that is not available stops the path
(``BAD_STATE_VPN``, ``TGW_BAD_STATE_VPN``). The reply must route back the way the request came: from the destination's
subnet to the virtual private gateway or transit gateway, and through the transit gateway's route table to the VPN
attachment: the reply is walked back from the destination (reply.py) and ends at the customer gateway.

Named choices: the IPsec tunnels cross the internet (20 ms, walk.py's internet latency); both tunnels are up while
the connection is available (control/hybrid/tunnels.py); of several connections that carry a source, the one named
(``--via vpn-...``) is used.
"""

from __future__ import annotations

from ipaddress import ip_address

from vpcsim.dataplane import routing
from vpcsim.dataplane.topology import Address, Interface, Network, Topology, Vpc, VpnConnection
from vpcsim.dataplane.walk import (
    TGW_MS,
    VPN_MS,
    DeliverInVpc,
    FromCustomerNetwork,
    OverVpn,
    Stage,
    TransitRoute,
    ViaVpnGateway,
    Walk,
    component,
)
from vpcsim.model.arns import ec2_arn
from vpcsim.model.explanations import ExplanationCode as Code
from vpcsim.model.trace import Action, Component, ComponentKind, Step


# -- the source --------------------------------------------------------------------------------------------------------
def source(topo: Topology, address: str, via: str) -> tuple[Interface, VpnConnection] | str:
    """The on-premises source ``address`` sending over ``via`` (a VPN connection, a virtual private gateway or a
    transit gateway VPN attachment), or why there is none."""
    try:
        host: Address = ip_address(address)
    except ValueError:
        return f"'{address}' is not an IPv4 address in a customer network"
    connection = _connection(topo, via, host)
    if isinstance(connection, str):
        return connection
    iface = Interface(
        f"onprem-{host}",
        "",
        "",
        "",
        (host,),
        (),
        "customer-network",
        connection.customer_gateway,
        connection.account,
        connection.region,
    )
    return iface, connection


def _connection(topo: Topology, via: str, host: Address) -> VpnConnection | str:
    if via in topo.vpn_connections:
        return topo.vpn_connections[via]
    if via.startswith("tgw-attach-"):
        views = [v for (_, aid), v in topo.tgw_views.items() if aid == via and v.vpn_connection]
        found = topo.vpn_connections.get(views[0].vpn_connection or "") if views else None
        return found or f"{via} is not the transit gateway attachment of a VPN connection vpcsim knows"
    if via in topo.vpn_gateways:
        on_gateway = [c for c in topo.vpn_connections.values() if c.gateway == via and c.state == "available"]
        carrying = [c for c in on_gateway if c.carries(host) is not None]
        chosen = carrying or on_gateway
        return chosen[0] if chosen else f"{via} has no available VPN connection"
    return f"'{via}' is not a VPN connection, virtual private gateway or VPN attachment vpcsim knows"


def default_address(connection: VpnConnection) -> str | None:
    """An address in the first customer network a connection carries (for a path that names no SourceIp)."""
    if not connection.prefixes:
        return None
    first = connection.prefixes[0]
    return str(first.network_address + 1 if first.num_addresses > 2 else first.network_address)


# -- components --------------------------------------------------------------------------------------------------------
def _customer_gateway(connection: VpnConnection) -> Component:
    return component(
        ComponentKind.CUSTOMER_GATEWAY,
        connection.customer_gateway,
        name=f"customer gateway {connection.customer_gateway_ip}",
        region=connection.region,
        account=connection.account,
        arn=ec2_arn(connection.region, connection.account, "customer-gateway", connection.customer_gateway),
    )


def _vpn(connection_id: str, walk: Walk) -> Component:
    found = walk.topo.vpn_connections.get(connection_id)
    region, account = (found.region, found.account) if found else (walk.region, "")
    arn = ec2_arn(region, account, "vpn-connection", connection_id) if account else ""
    return component(ComponentKind.VPN_CONNECTION, connection_id, region=region, account=account, arn=arn)


def _vpn_gateway(walk: Walk, gateway_id: str) -> Component:
    found = walk.topo.vpn_gateways.get(gateway_id)
    region, account = (found.region, found.account) if found else (walk.region, "")
    arn = ec2_arn(region, account, "vpn-gateway", gateway_id) if account else ""
    return component(ComponentKind.VPN_GATEWAY, gateway_id, region=region, account=account, arn=arn)


def _transit_gateway(walk: Walk, connection: VpnConnection) -> Component:
    arn = ec2_arn(connection.region, connection.account, "transit-gateway", connection.gateway)
    return component(
        ComponentKind.TRANSIT_GATEWAY, connection.gateway, region=connection.region, account=connection.account, arn=arn
    )


def _bad_state(connection: VpnConnection | None, gateway: str) -> Code:
    on_transit = connection.on_transit_gateway if connection else gateway.startswith("tgw-")
    return Code.TGW_BAD_STATE_VPN if on_transit else Code.BAD_STATE_VPN


# -- into AWS ----------------------------------------------------------------------------------------------------------
def from_customer_network(walk: Walk, stage: FromCustomerNetwork) -> Stage | None:
    connection = stage.connection
    walk.hop(
        _customer_gateway(connection),
        Step(
            Action.FORWARDED,
            f"sent from {walk.header.source} on premises by customer gateway {connection.customer_gateway} "
            f"({connection.customer_gateway_ip})",
        ),
    )
    vpn = _vpn(connection.id, walk)
    if connection.state != "available":
        walk.block(vpn, _bad_state(connection, connection.gateway), f"{connection.id} is {connection.state}")
    walk.hop(
        vpn,
        Step(Action.FORWARDED, f"over the IPsec tunnels of {connection.id} to {connection.gateway}"),
        latency=VPN_MS,
    )
    walk.move_to("", connection.region)
    return _into_transit(walk, connection) if connection.on_transit_gateway else _into_vpc(walk, connection)


def _into_vpc(walk: Walk, connection: VpnConnection) -> Stage:
    gateway = walk.topo.vpn_gateways.get(connection.gateway)
    comp = _vpn_gateway(walk, connection.gateway)
    if gateway is None or gateway.vpc_id is None or gateway.vpc_id not in walk.topo.vpcs:
        walk.block(comp, Code.BAD_STATE, f"{connection.gateway} is attached to no VPC", "ingress")
    vpc = walk.vpc(gateway.vpc_id if gateway and gateway.vpc_id else "")
    if not _held_in(walk, vpc):
        walk.block(comp, Code.VGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS, _not_in_vpc(walk, vpc), "ingress")
    walk.hop(comp, Step(Action.FORWARDED, f"into {vpc.id} through {connection.gateway}"))
    walk.arrived_via = connection.gateway
    if not walk.replying:
        walk.entered.setdefault(vpc.id, connection.gateway)
    return DeliverInVpc(vpc, None)


def _held_in(walk: Walk, vpc: Vpc) -> bool:
    """Whether an interface in ``vpc`` holds the destination (for a reply, the request's source may be a made-up
    host at an address no interface holds)."""
    if (vpc.id, walk.destination) in walk.topo.interface_by_address:
        return True
    return walk.replying and walk.source.vpc_id == vpc.id and walk.destination in walk.source.addresses


def _not_in_vpc(walk: Walk, vpc: Vpc) -> str:
    detail = (
        f"{walk.destination} is not the private address of a network interface in {vpc.id}: a virtual private "
        "gateway takes traffic in only for addresses in its VPC"
    )
    endpoint = _gateway_endpoint_for(walk, vpc)
    if endpoint is not None:
        detail += (
            f"; {vpc.id} reaches {walk.destination} through gateway endpoint {endpoint}, which serves only traffic "
            "that starts inside the VPC (no edge-to-edge routing): from on premises, use an interface endpoint"
        )
    return detail


def _gateway_endpoint_for(walk: Walk, vpc: Vpc) -> str | None:
    """The gateway endpoint a route table of ``vpc`` sends the destination to, if any (to say why it cannot help)."""
    for table in walk.topo.route_tables.values():
        if table.vpc_id != vpc.id:
            continue
        match = routing.lookup(table, walk.destination, walk.prefix_list(vpc.region))
        if match is not None and match.route.target_kind == "vpce-gateway":
            return match.route.target
    return None


def _into_transit(walk: Walk, connection: VpnConnection) -> Stage:
    view = walk.topo.tgw_views.get((connection.gateway, connection.attachment or ""))
    comp = _transit_gateway(walk, connection)
    if view is None or view.state != "available":
        walk.block(comp, Code.TGW_BAD_STATE_VPN, f"{connection.id} has no available attachment to {connection.gateway}")
    assert view is not None
    walk.hop(
        comp,
        Step(Action.FORWARDED, f"into {connection.gateway} through VPN attachment {view.id}"),
        latency=TGW_MS,
    )
    return TransitRoute(connection.gateway, view, 0)


# -- out of AWS --------------------------------------------------------------------------------------------------------
def via_vpn_gateway(walk: Walk, stage: ViaVpnGateway) -> Stage:
    vpc, gateway_id = stage.vpc, stage.gateway
    comp = _vpn_gateway(walk, gateway_id)
    gateway = walk.topo.vpn_gateways.get(gateway_id)
    if gateway is None or gateway.vpc_id != vpc.id:
        walk.block(comp, Code.BAD_STATE, f"{gateway_id} is not attached to {vpc.id}", "egress")
    if walk.arrived_via is not None:
        walk.block(
            comp,
            Code.VGW_PRIVATE_IP_ASSOCIATION_FOR_EGRESS,
            f"{walk.header.source} arrived over {walk.arrived_via}: a virtual private gateway sends out only traffic "
            f"from network interfaces in {vpc.id} (no transitive routing)",
            "egress",
        )
    chosen = _carrying(walk, gateway_id)
    if chosen is None:
        walk.block(
            comp,
            Code.NO_ROUTE_TO_DESTINATION,
            f"no available VPN connection of {gateway_id} carries {walk.destination} (its static routes or the "
            "prefixes the customer advertises)",
            "egress",
            Action.NO_ROUTE,
        )
    assert chosen is not None
    prefix, connection = chosen
    how = "static route" if connection.static_routes_only else "advertised over BGP"
    walk.hop(comp, Step(Action.FORWARDED, f"to {connection.id}: customer network {prefix} ({how})"))
    return OverVpn(connection.id, gateway_id)


def _carrying(walk: Walk, gateway_id: str) -> tuple[Network, VpnConnection] | None:
    """The connection the gateway uses for the destination: longest prefix, then a static route over BGP."""
    found = [
        (prefix, c)
        for c in walk.topo.vpn_connections.values()
        if c.gateway == gateway_id and c.state == "available" and (prefix := c.carries(walk.destination)) is not None
    ]
    return max(found, key=lambda f: (f[0].prefixlen, f[1].static_routes_only)) if found else None


def over_vpn(walk: Walk, stage: OverVpn) -> None:
    connection = walk.topo.vpn_connections.get(stage.connection)
    comp = _vpn(stage.connection, walk)
    if connection is None or connection.state != "available":
        state = connection.state if connection else "gone"
        walk.block(comp, _bad_state(connection, stage.gateway), f"{stage.connection} is {state}", "egress")
    assert connection is not None
    prefix = connection.carries(walk.destination)
    if prefix is None:
        networks = ", ".join(str(p) for p in connection.prefixes) or "none"
        walk.block(
            comp,
            Code.UNKNOWN_DESTINATION,
            f"{walk.destination} is in none of the customer networks {connection.id} carries ({networks})",
            "egress",
            Action.DROPPED,
        )
    walk.hop(
        comp,
        Step(Action.FORWARDED, f"over the IPsec tunnels of {connection.id} to {connection.customer_gateway_ip}"),
        latency=VPN_MS,
    )
    walk.hop(
        _customer_gateway(connection),
        Step(Action.DELIVERED, f"delivered to {walk.destination} in customer network {prefix} on premises"),
    )
    if not walk.replying:
        walk.reply_to(FromCustomerNetwork(connection))


__all__ = ["default_address", "from_customer_network", "over_vpn", "source", "via_vpn_gateway"]
