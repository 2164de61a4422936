"""Trace a request hop by hop: DNS, the source's security groups and network ACL, route tables, gateways, endpoints,
peering and transit gateways, the destination's filters and the policies at the service; then its reply, walked
back from where the request arrived to the client through the same stages (reply.py).

A walk is a sequence of stages (walk.py) run by one driver loop (``drive``): each stage's function adds its hops and
returns the next stage, and raises ``Stop`` on a terminal step (Batfish's FlowTracer shape). The checks every hop
shares live in ``checks``, what each route target does in ``targets`` (``endpoints``, ``appliances``), PrivateLink
and load balancers in ``privatelink``, transit gateways in ``transit``, the way in from the internet in ``internet``,
customer networks over a VPN in ``onprem``, the reply's own stages in ``reply``; only this module knows them all.
``trace`` turns the walk into an immutable ``Trace`` whose verdict comes from the step that stopped it.

Sources: an instance, an interface, an address in a subnet, the internet (``internet``, an address outside every VPC,
or an internet gateway id: Reachability Analyzer's source form, with an internet address as the source IP), or an
address on premises sending over a VPN (``via``). Address family: the packet is IPv6 when the destination is (given,
or resolved to AAAA) and the source has an IPv6 address; of a dual-stack answer a source with IPv6 prefers the AAAA
record (RFC 6724 ordering, named choice), else A. Sources: aws-behaviour sections 1.2.7-1.2.12, 1.3, 4, 5, 6 and 9;
Reachability Analyzer's explanation codes [RA-EX].
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import replace
from ipaddress import IPv4Address, IPv6Address, ip_address
from typing import Any

from vpcsim.dataplane import checks, dns, internet, onprem, privatelink, reply, resolving, s3names, targets, transit
from vpcsim.dataplane.topology import Address, Interface, Topology, VpnConnection
from vpcsim.dataplane.walk import (
    INTERNET_HOST,
    DeliverInVpc,
    FollowRoute,
    FromCustomerNetwork,
    FromInternet,
    Judge,
    OverVpn,
    ReplyFrom,
    ReplyInto,
    RouteFrom,
    Stage,
    Stop,
    ThroughLoadBalancer,
    ToEndpointService,
    TransitRoute,
    Unwind,
    ViaTransitGateway,
    ViaVpnGateway,
    Walk,
    instance_component,
    interface_component,
)
from vpcsim.model.explanations import ExplanationCode
from vpcsim.model.trace import Action, Component, ComponentKind, Header, Hop, Step, Trace, Verdict

# Every kind of stage and the function that runs it: the one place that knows all the stage modules.
_STAGES: dict[type[Stage], Callable[[Walk, Any], Stage | None]] = {
    RouteFrom: checks.route_from,
    FollowRoute: targets.follow,
    DeliverInVpc: targets.deliver_in_vpc,
    ToEndpointService: privatelink.to_endpoint_service,
    ViaTransitGateway: transit.via_transit_gateway,
    TransitRoute: transit.route,
    FromInternet: internet.from_internet,
    FromCustomerNetwork: onprem.from_customer_network,
    ViaVpnGateway: onprem.via_vpn_gateway,
    OverVpn: onprem.over_vpn,
    ThroughLoadBalancer: privatelink.through_load_balancer,
    ReplyFrom: reply.reply_from,
    ReplyInto: reply.reply_into,
    Unwind: reply.unwind,
}
# Where a walk from the internet starts when no address is named (documentation ranges, RFC 5737 and RFC 3849).
_INTERNET_HOSTS: dict[int, Address] = {4: IPv4Address("198.51.100.10"), 6: IPv6Address("2001:db8::10")}


class UnknownSource(ValueError):
    pass


def trace(
    topo: Topology,
    source: str,
    destination: str,
    *,
    port: int | None = 443,
    protocol: str = "tcp",
    judge: Judge | None = None,
    via: str | None = None,
    dns_via: str | None = None,
    bucket: str | None = None,
    ends_at: str | None = None,
) -> Trace:
    """Where a request from ``source`` (instance id, interface id, IP in a subnet, or the internet; with ``via``, an
    address on premises sending over that VPN connection, virtual private gateway or VPN attachment) to
    ``destination`` (a name or an IP) goes, whether it arrives, and why. ``dns_via``: for a source on premises, the
    inbound Resolver endpoint its DNS servers forward to, or ``public`` (resolving.py); ``bucket``: the S3 bucket the
    request is for when the host name does not say (a path-style request); ``ends_at``: an interface endpoint that is
    the destination itself, where the path ends (Reachability Analyzer's path to a VPC endpoint), instead of going on
    to its service."""
    request = Header("", "", protocol, port)
    if via is not None:
        iface, connection = _onprem_source(topo, source, via)
    else:
        if dns_via is not None:
            raise UnknownSource("a DNS server to ask (dns_via) is named only for a source on premises (via)")
        gateway = source if source.startswith(("igw-", "eigw-")) else None
        if source == "internet" or gateway is not None or _is_outside(topo, source):
            return _from_internet(topo, source, destination, gateway, request, judge)
        iface, connection = find_source(topo, source), None
    asked = _ask(topo, iface, connection, destination, dns_via)
    found, walk = _walk(topo, iface, connection, asked, request, judge, bucket, ends_at=ends_at)
    if walk is None or walk.redirect is None:
        return found
    return _redirected(topo, iface, connection, walk, asked.answer.name, request, judge, dns_via)


def _ask(
    topo: Topology, iface: Interface, connection: VpnConnection | None, name: str, dns_via: str | None
) -> resolving.Asked:
    probe = _prober(topo)
    try:
        if connection is not None:
            return resolving.on_premises(topo, iface, connection, name, dns_via, probe)
        return resolving.in_vpc(topo, iface, name, probe)
    except resolving.NoSuchResolver as error:
        raise UnknownSource(str(error)) from None


def _prober(topo: Topology) -> resolving.Probe:
    """A DNS query's own trace (to an address: no name to resolve, so no query of its own)."""

    def probe(source: str, destination: str, port: int, protocol: str, via: str | None) -> Trace:
        dns_via = resolving.PUBLIC if via is not None else None
        return trace(topo, source, destination, port=port, protocol=protocol, via=via, dns_via=dns_via)

    return probe


def _walk(
    topo: Topology,
    iface: Interface,
    connection: VpnConnection | None,
    asked: resolving.Asked,
    request: Header,
    judge: Judge | None,
    bucket: str | None,
    prelude: tuple[Step, ...] = (),
    ends_at: str | None = None,
) -> tuple[Trace, Walk | None]:
    """The walk to what ``asked`` answered (with the walk, to see whether S3 redirected it), or why there is none;
    ``prelude``: DNS steps taken before this resolution (a redirected request's first name)."""
    protocol, port = request.protocol, request.destination_port
    walk = Walk(topo, iface, Header(str(iface.address), "0.0.0.0", protocol, port), judge, onprem=connection)
    walk.ends_at = ends_at
    walk.notes.extend(asked.notes)
    answer = asked.answer
    if isinstance(answer, dns.NoAnswer):
        walk.hops.append(_dns_hop(walk, asked.component, *prelude, *asked.steps, asked.final_step()))
        notes = (*walk.notes, *(() if answer.reason in walk.notes else (answer.reason,)))
        return Trace(Verdict.UNRESOLVED, tuple(walk.hops), asked.explanations, notes=notes), None
    walk.bucket, walk.access_point = answer.bucket or bucket, answer.access_point
    chosen = _pick(topo, iface, answer.addresses)
    sender = iface.address_of(chosen.version)
    walk.header = Header(str(sender or iface.address), str(chosen), protocol, port)
    if answer.source != "address" or prelude:
        resolved = replace(asked.final_step(), detail=f"{answer.detail}: {chosen}")
        walk.hops.append(_dns_hop(walk, asked.component, *prelude, *asked.steps, resolved))
    if answer.note:
        walk.notes.append(answer.note)
    if sender is None:
        return _no_family(walk, chosen), None
    return _finish(walk, answer), walk


def _redirected(
    topo: Topology,
    iface: Interface,
    connection: VpnConnection | None,
    first: Walk,
    name: str,
    request: Header,
    judge: Judge | None,
    dns_via: str | None,
) -> Trace:
    """S3 named the bucket's Region (targets.arrive_at_service): the request sent again there, as AWS SDKs and the
    CLI do, is the one the data takes; the first request's way is told in the DNS hop and the notes."""
    region, bucket = first.redirect or "", first.bucket or ""
    parsed = s3names.parse(name)
    again = f"{bucket}.s3{'.dualstack' if parsed and parsed.dualstack else ''}.{region}.amazonaws.com"
    forward = [h for h in first.hops if not h.reply]  # the reply (the redirect's answer) walks back after them
    went = " -> ".join(h.component.id for h in forward[:-1] if h.component.kind != ComponentKind.DNS)
    told = forward[-1].steps[-1].detail
    step = Step(
        Action.FORWARDED, f"{told} (the request went through {went}); AWS SDKs and the CLI send it again to {again}"
    )
    prelude = first.hops[0].steps if first.hops[0].component.kind == ComponentKind.DNS else ()
    found, _ = _walk(
        topo, iface, connection, _ask(topo, iface, connection, again, dns_via), request, judge, bucket, (*prelude, step)
    )
    return replace(found, notes=(step.detail, *found.notes))


def _no_family(walk: Walk, chosen: Address) -> Trace:
    """The source has no address of the destination's family: nothing can be sent."""
    family = "IPv6" if chosen.version == 6 else "IPv4"
    detail = f"{walk.source.id} has no {family} address to send to {chosen} from"
    with contextlib.suppress(Stop):
        walk.block(interface_component(walk.source), ExplanationCode.NO_PATH, detail, "egress", Action.DROPPED)
    return Trace(Verdict.BLOCKED, tuple(walk.hops), tuple(walk.explanations), notes=(detail,))


def _is_outside(topo: Topology, source: str) -> bool:
    """An address no interface holds and no VPC contains: a host on the internet."""
    try:
        address = ip_address(source)
    except ValueError:
        return False
    return address not in topo.interfaces_at and not any(v.contains(address) for v in topo.vpcs.values())


def _from_internet(
    topo: Topology, source: str, destination: str, gateway: str | None, header: Header, judge: Judge | None
) -> Trace:
    """A walk that starts at a host on the internet; the destination must be an address (the internet's DNS is not
    vpcsim's), or an instance or interface id, which stands for its public IPv4 address or first IPv6 address."""
    target = _internet_destination(topo, destination.strip("[]"))
    host: Address = _INTERNET_HOSTS[target.version]
    if source != "internet" and gateway is None:
        host = IPv6Address(source) if ":" in source else IPv4Address(source)
    if host.version != target.version:
        raise UnknownSource(f"{source} and {destination} are not of the same address family")
    held = topo.public_at.get(target) or next(iter(topo.interfaces_at.get(target, ())), None)
    region = topo.interfaces[held].region if held else ""
    pseudo = Interface("internet", "", "", "", (host,), (), INTERNET_HOST, "", "", region)
    walk = Walk(topo, pseudo, Header(str(host), str(target), header.protocol, header.destination_port), judge)
    answer = dns.Answer(str(target), (target,), "address", f"{target} is an address")
    return _finish(walk, answer, FromInternet(gateway))


def _internet_destination(topo: Topology, destination: str) -> Address:
    iface = None
    if destination in topo.instances:
        iface = topo.interfaces[topo.instances[destination]]
    elif destination in topo.interfaces:
        iface = topo.interfaces[destination]
    if iface is not None:
        found = ip_address(iface.public_ip) if iface.public_ip else iface.address_of(6)
        if found is None:
            raise UnknownSource(f"{destination} has neither a public IPv4 address nor an IPv6 address")
        return found
    try:
        return ip_address(destination)
    except ValueError:
        raise UnknownSource(
            f"from the internet, name the destination by address, instance or interface ('{destination}')"
        ) from None


def _onprem_source(topo: Topology, source: str, via: str) -> tuple[Interface, VpnConnection]:
    found = onprem.source(topo, source, via)
    if isinstance(found, str):
        raise UnknownSource(found)
    return found


def _dns_hop(walk: Walk, comp: Component, *steps: Step) -> Hop:
    return Hop(comp, steps, None, None, 0.0)


def _finish(walk: Walk, answer: dns.Answer, first: Stage | None = None) -> Trace:
    origin = walk.header.source
    drive(walk, first)
    last, request = walk.hops[-1], walk.header  # where the request ended
    crossed, endpoint = walk.internet, walk.endpoint
    start = reply.begin(walk)
    if start is not None:  # the request arrived: its reply walks back (reply.py)
        drive(walk, start)
        if walk.stopped is None:
            walk.notes.extend(reply.symmetry_notes(walk))
    verdict = _verdict(walk)
    return Trace(
        verdict,
        tuple(walk.hops),
        tuple(walk.explanations),
        crossed,
        endpoint,
        source=Header(
            origin,
            last.inbound.destination if last.inbound else "",
            request.protocol,
            request.destination_port,
        ),
        resolved=tuple(str(a) for a in answer.addresses),
        notes=tuple(walk.notes),
    )


def drive(walk: Walk, first: Stage | None = None) -> None:
    """Run the stages from the source (or from ``first``) until one delivers the packet (returns None) or ends the
    path (Stop)."""
    try:
        if first is not None:
            stage: Stage | None = first
        elif walk.onprem is not None:
            stage = FromCustomerNetwork(walk.onprem)
        else:
            stage = leave_source(walk)
        while stage is not None:
            stage = _STAGES[type(stage)](walk, stage)
    except Stop:
        return


def _verdict(walk: Walk) -> Verdict:
    """From the step that stopped the walk: no route when it found none, blocked otherwise; else reachable."""
    if walk.stopped is None:
        return Verdict.REACHABLE
    return Verdict.NO_ROUTE if walk.stopped.action is Action.NO_ROUTE else Verdict.BLOCKED


def find_source(topo: Topology, source: str) -> Interface:
    if source.startswith("i-") and source in topo.instances:
        return topo.interfaces[topo.instances[source]]
    if source.startswith("eni-") and source in topo.interfaces:
        return topo.interfaces[source]
    try:
        address = ip_address(source)
    except ValueError:
        raise UnknownSource(f"'{source}' is not an instance, network interface or IP address vpcsim knows") from None
    held = topo.interfaces_at.get(address)
    if held:
        return topo.interfaces[held[0]]
    return _host_in_subnet(topo, address, source)


def _host_in_subnet(topo: Topology, address: Address, source: str) -> Interface:
    """An IP no interface holds, inside a subnet: a host there with the VPC's default security group (named choice)."""
    subnet_id = topo.subnet_index.first(address)
    if subnet_id is None:
        raise UnknownSource(f"no subnet vpcsim knows contains {source}")
    subnet = topo.subnets[subnet_id]
    vpc = topo.vpcs[subnet.vpc_id]
    return Interface(
        f"host-{address}",
        subnet.id,
        vpc.id,
        subnet.zone,
        (address,),
        (topo.default_groups.get(vpc.id, ""),),
        "host",
        "",
        vpc.account,
        vpc.region,
        zone_id=subnet.zone_id,
    )


def _pick(topo: Topology, source: Interface, addresses: tuple[Address, ...]) -> Address:
    """The address a client uses: of the family it prefers (IPv6 when it has an IPv6 address and there is an AAAA
    answer, else IPv4), in its own AZ when there is one."""
    if len(addresses) == 1:
        return addresses[0]
    v6 = [a for a in addresses if a.version == 6]
    v4 = [a for a in addresses if a.version == 4]
    family = v6 if v6 and (source.address_of(6) is not None or not v4) else v4
    same_zone = [a for a in family if _zone_of(topo, a, source) == source.zone_id]
    return (same_zone or family)[0]


def _zone_of(topo: Topology, address: Address, source: Interface) -> str | None:
    """The zone id of the interface holding ``address`` (physical: the interface may be another account's). Private
    addresses repeat across VPCs: the holder in the source's VPC, else its account, else its Region, is the one meant
    (named choice: the answer's own interfaces are usually the source's or its account's)."""
    held = [topo.interfaces[i] for i in topo.interfaces_at.get(address, ())]

    def nearness(iface: Interface) -> tuple[bool, bool, bool]:
        return (iface.vpc_id != source.vpc_id, iface.account != source.account, iface.region != source.region)

    return min(held, key=nearness).zone_id if held else None


# -- the source ------------------------------------------------------------------------------------------------------
def leave_source(walk: Walk) -> Stage:
    """The source's own hops (instance, security groups, subnet ACL); then its subnet's route table."""
    iface = walk.source
    if iface.owner.startswith("i-"):
        walk.hop(
            instance_component(iface), Step(Action.FORWARDED, f"sent from {walk.header.source} through {iface.id}")
        )
    checks.security_group_egress(walk, iface)
    subnet = walk.subnet(iface.subnet_id)
    checks.acl_check(walk, subnet, egress=True, peer=walk.destination, port=walk.header.destination_port)
    return RouteFrom(subnet)
