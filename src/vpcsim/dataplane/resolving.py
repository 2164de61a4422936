"""The trace's DNS hop: who the source asks, what answers, and whether the DNS query itself gets where it must go.

A name is resolved where the source sits (``dns``): an instance asks its VPC's resolver (or the custom servers of its
DHCP options set; a custom server that is a Route 53 Resolver inbound endpoint's address is that endpoint, answering
with its VPC's view); a host on premises asks public DNS, or a Resolver inbound endpoint. DNS queries travel the
network like any packet (UDP port 53), so the hop checks them with a trace of their own (``Probe``, given by
``trace.py``, so that this module needs no stage of the walk):

- a FORWARD rule's query leaves through an interface of its outbound endpoint (the one in the client's AZ first, then
  in the endpoint's order: named choice) to a target IP; the first (interface, target) pair whose path is reachable
  carries it, and the hop names the path; when none is, the name does not resolve and the hop says what stopped the
  query [R53DG resolver-overview-DSN-queries-to-vpc: the outbound endpoint's security group must allow the queries].
- on premises, ``dns_via`` names the inbound endpoint the customer's DNS servers forward to (``rslvr-in-...``), or
  ``public`` for public DNS only; without it, the customer's servers are taken to forward every query to an
  operational inbound endpoint in a VPC the connection reaches (the virtual private gateway's VPC, or a VPC attached
  to the connection's transit gateway), the first whose query path is reachable (named choice: on-premises DNS
  servers are configured outside AWS; conditional forwarders for the names AWS holds are the documented pattern
  [R53DG resolver.md "Inbound"], and forwarding a public name changes nothing, as the Resolver answers it as public
  DNS does). With none reachable, public DNS answers and the trace notes why no endpoint could be used.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from vpcsim.dataplane import dns
from vpcsim.dataplane.answers import Answer, NoAnswer, Resolved
from vpcsim.dataplane.topology import Interface, ResolverEndpoint, Topology, VpnConnection
from vpcsim.dataplane.walk import component
from vpcsim.model.explanations import ExplanationCode
from vpcsim.model.trace import Action, Component, ComponentKind, Explanation, Step, Trace, Verdict

# probe(source, destination address, port, protocol, via) -> the trace of a DNS query
Probe = Callable[[str, str, int, str, str | None], Trace]
DNS_PORT = 53
PUBLIC = "public"


@dataclass(frozen=True, slots=True)
class Asked:
    """A resolution as the trace shows it: the answer, the DNS component that gave it, the steps before the answer
    (the query's way to an inbound endpoint, a forwarded query's way out), and what stopped the query if it was."""

    answer: Resolved
    component: Component
    steps: tuple[Step, ...] = ()
    notes: tuple[str, ...] = ()
    explanations: tuple[Explanation, ...] = ()
    reached: bool = True  # False: the query itself got nowhere

    def final_step(self) -> Step:
        if isinstance(self.answer, NoAnswer):
            return Step(Action.DROPPED, self.answer.reason, dict(self.answer.shown), _code(self.explanations))
        return Step(Action.RESOLVED, self.answer.detail, dict(self.answer.shown))


def _code(explanations: tuple[Explanation, ...]) -> ExplanationCode:
    return explanations[0].code if explanations else ExplanationCode.UNKNOWN_DESTINATION


class NoSuchResolver(ValueError):
    """``dns_via`` names no inbound Resolver endpoint vpcsim knows."""


# -- in a VPC ----------------------------------------------------------------------------------------------------------
def in_vpc(topo: Topology, source: Interface, name: str, probe: Probe) -> Asked:
    vpc = topo.vpcs[source.vpc_id]
    comp = component(ComponentKind.DNS, vpc.id, name=dns.resolver_name(vpc), region=vpc.region)
    given = dns.literal(name)
    if given is not None:
        return Asked(given, comp)
    inbound = _inbound_server(topo, source, vpc.name_servers, probe) if not vpc.amazon_dns else None
    if inbound is not None:
        return _through_inbound(topo, inbound, source.id, None, name, probe, str(source.address))
    subnet = topo.subnets.get(source.subnet_id)
    answer = dns.resolve(topo, vpc, name, dns64=bool(subnet and subnet.dns64))
    return forwarded_checked(topo, Asked(answer, comp), source.zone_id, probe)


def _inbound_server(
    topo: Topology, source: Interface, servers: tuple[str, ...], probe: Probe
) -> tuple[ResolverEndpoint, str] | None:
    """The first DHCP name server that is an inbound Resolver endpoint's address, with that endpoint: the endpoint
    whose interface a query to that address reaches (addresses repeat across VPCs, so the route decides)."""
    for server in servers:
        if not any(server in _addresses(topo, e) for e in topo.resolver_endpoints.values()):
            continue
        sent = probe(source.id, server, DNS_PORT, "udp", None)
        reached = sent.forward[-1].component.id if sent.verdict is Verdict.REACHABLE else ""
        for endpoint in topo.resolver_endpoints.values():
            if endpoint.direction == "INBOUND" and reached in endpoint.interfaces:
                return endpoint, server
    return None


def _addresses(topo: Topology, endpoint: ResolverEndpoint) -> list[str]:
    return [str(topo.interfaces[e].address) for e in endpoint.interfaces if e in topo.interfaces]


# -- on premises -------------------------------------------------------------------------------------------------------
def on_premises(
    topo: Topology, source: Interface, connection: VpnConnection, name: str, dns_via: str | None, probe: Probe
) -> Asked:
    """How a host on premises resolves ``name`` (module docstring)."""
    given = dns.literal(name)
    if given is not None:
        return Asked(given, component(ComponentKind.DNS, connection.customer_gateway, name="on-premises DNS"))
    if dns_via is not None and dns_via != PUBLIC:
        endpoint = topo.resolver_endpoints.get(dns_via)
        if endpoint is None or endpoint.direction != "INBOUND":
            raise NoSuchResolver(f"'{dns_via}' is not a Route 53 Resolver inbound endpoint vpcsim knows")
        return _through_inbound(topo, (endpoint, ""), str(source.address), connection.id, name, probe)
    tried: list[str] = []
    for endpoint in _reachable_endpoints(topo, connection) if dns_via is None else ():
        asked = _through_inbound(topo, (endpoint, ""), str(source.address), connection.id, name, probe)
        if asked.reached:
            return asked
        tried.append(endpoint.id)
    return _public(topo, connection, name, tried)


def _public(topo: Topology, connection: VpnConnection, name: str, tried: list[str]) -> Asked:
    comp = component(ComponentKind.DNS, connection.customer_gateway, name="on-premises DNS")
    notes = (
        (f"no DNS query from on premises reaches inbound Resolver endpoint(s) {', '.join(tried)}: public DNS answers",)
        if tried
        else ()
    )
    return Asked(dns.resolve_outside(topo, name), comp, notes=notes)


def _reachable_endpoints(topo: Topology, connection: VpnConnection) -> list[ResolverEndpoint]:
    """Operational inbound endpoints in the VPCs the connection's gateway leads to, in store order."""
    if connection.on_transit_gateway:
        vpcs = {vpc for (gateway, vpc) in topo.tgw_vpc_attachments if gateway == connection.gateway}
    else:
        gateway = topo.vpn_gateways.get(connection.gateway)
        vpcs = {gateway.vpc_id} if gateway is not None and gateway.vpc_id else set()
    return [
        e
        for e in topo.resolver_endpoints.values()
        if e.direction == "INBOUND" and e.status == "OPERATIONAL" and e.vpc_id in vpcs
    ]


def _through_inbound(
    topo: Topology,
    chosen: tuple[ResolverEndpoint, str],
    sender: str,
    via: str | None,
    name: str,
    probe: Probe,
    label: str = "",
) -> Asked:
    """The query sent by ``sender`` (shown as ``label``) to an inbound endpoint's address (``chosen``'s, else each of
    its interfaces' in turn) and the answer of the endpoint's VPC's view, or (not ``reached``) what stopped it."""
    label = label or sender
    endpoint, wanted = chosen
    vpc = topo.vpcs[endpoint.vpc_id]
    comp = component(
        ComponentKind.DNS,
        endpoint.id,
        name=f"Route 53 Resolver inbound endpoint in {vpc.id}",
        region=endpoint.region,
        account=endpoint.account,
    )
    addresses = [wanted] if wanted else _addresses(topo, endpoint)
    first: Trace | None = None
    for address in addresses:
        sent = probe(sender, address, DNS_PORT, "udp", via)
        if sent.verdict is Verdict.REACHABLE:
            reached = Step(
                Action.FORWARDED, f"the query from {label} reaches {endpoint.id} at {address} (udp/53) {_path(sent)}"
            )
            answer = dns.resolve(topo, vpc, name, inbound=True)
            return forwarded_checked(topo, Asked(answer, comp, (reached,)), "", probe)
        first = first or sent
    return _unreachable(name, comp, f"no DNS query from {label} reaches {endpoint.id}", first)


def _unreachable(name: str, comp: Component, what: str, probe_trace: Trace | None) -> Asked:
    stopped = probe_trace.explanations if probe_trace is not None else ()
    why = f": {stopped[0].detail} ({stopped[0].code}, at {stopped[0].component.id})" if stopped else ""
    answer = NoAnswer(name, f"{what} (udp/53){why}")
    return Asked(answer, comp, explanations=tuple(stopped[:1]), notes=(answer.reason,), reached=False)


def _path(found: Trace) -> str:
    return "through " + " -> ".join(h.component.id for h in found.forward)


# -- forwarded queries -------------------------------------------------------------------------------------------------
def forwarded_checked(topo: Topology, asked: Asked, zone_id: str, probe: Probe) -> Asked:
    """``asked`` with its forwarded query's way out checked (module docstring); unchanged when nothing was forwarded."""
    sent = asked.answer.forwarded
    if sent is None:
        return asked
    endpoint = topo.resolver_endpoints.get(sent.endpoint or "")
    if endpoint is None or endpoint.direction != "OUTBOUND":
        return _unreachable(asked.answer.name, asked.component, f"rule {sent.rule}'s outbound endpoint is gone", None)
    first: Trace | None = None
    for eni in _ordered(topo, endpoint, zone_id):
        for ip, port in sent.targets:
            found = probe(eni, ip, port, "udp", None)
            if found.verdict is Verdict.REACHABLE:
                address = topo.interfaces[eni].address
                step = Step(
                    Action.FORWARDED,
                    f"Resolver rule {sent.rule} sends the query through outbound endpoint {endpoint.id} ({eni}, "
                    f"{address}) to {ip}:{port} (udp) {_path(found)}",
                )
                return replace(asked, steps=(*asked.steps, step))
            first = first or found
    what = f"the query Resolver rule {sent.rule} forwards gets from no interface of {endpoint.id} to its targets"
    stopped = _unreachable(asked.answer.name, asked.component, what, first)
    answer = replace(stopped.answer, rule=sent.rule, forwarded=sent)
    return replace(stopped, steps=asked.steps, answer=answer, reached=True)  # the Resolver got the query


def _ordered(topo: Topology, endpoint: ResolverEndpoint, zone_id: str) -> list[str]:
    enis = [e for e in endpoint.interfaces if e in topo.interfaces]
    return sorted(enis, key=lambda e: topo.interfaces[e].zone_id != zone_id)


def bucket_of(answer: Resolved) -> tuple[str | None, str | None]:
    """The S3 bucket and access point an answered name addresses."""
    return (answer.bucket, answer.access_point) if isinstance(answer, Answer) else (None, None)
