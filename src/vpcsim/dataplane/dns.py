"""DNS as the VPC's Route 53 Resolver (the Amazon DNS server) answers it [PLG-AWS; S3PL; R53DG; aws-behaviour 1.2.11,
1.3.8-1.3.15].

In order: an IP address is itself; nothing resolves when the VPC's enableDnsSupport is off; then the most specific
of the Resolver rules associated with the VPC and its private hosted zones (the user's Route 53 zones and the
AWS-managed zones of interface endpoints with private DNS) decides (``zones``: a FORWARD rule sends the query to
servers outside the Resolver, a SYSTEM rule keeps it, a zone answers from its records or NXDOMAIN); a name none of
them holds is asked of public DNS (``public``: interface endpoints' ``*.vpce.amazonaws.com`` names, load balancers'
names, AWS service names including every S3 host name form, each to an address in the service's published ranges).
Anything else does not resolve: vpcsim has no view of the internet's DNS (an IP destination reaches the internet).

Named choice: of several addresses (a regional endpoint name) the resolver's answer used is the one in the client's
own AZ when there is one (AWS answers round-robin; the same-AZ choice is deterministic and the cheapest path).

IPv6: records answer A and AAAA (an endpoint's names as its DnsRecordIpType says; AWS's dual-stack service names,
``<service>.dualstack.<region>.amazonaws.com`` and ``<service>.<region>.api.aws``, with an address from the service's
IPv6 ranges too). In a subnet with DNS64 on, a name with A records only gets AAAA records synthesised in
``64:ff9b::/96`` (RFC 6052), which a NAT gateway translates back [VPCUG23 nat-gateway-nat64-dns64].

DHCP options [VPCUG DHCPOptionSetConcepts; aws-behaviour 1.3.14]: instances ask the servers their VPC's DHCP options
set hands out. Private hosted zones and Resolver rules apply only through the Amazon DNS server, so a VPC whose set
names custom servers and not AmazonProvidedDNS does not see them; vpcsim takes custom servers to answer public names
as the internet's DNS does (named choice), so an AWS service name resolves to the service's public address there and
a name only a private zone holds does not resolve, and the answer says why. A VPC with no options set (``default``)
uses the Amazon DNS server (Nitro instances are given 169.254.169.253).

Outside AWS: hosts on premises resolve public names (``resolve_outside``), or, through a Route 53 Resolver inbound
endpoint, the names the endpoint's VPC sees (``resolve(..., inbound=True)``: its rules and private zones, and the S3
interface endpoints whose private DNS is for inbound endpoints only).
"""

from __future__ import annotations

from dataclasses import replace
from ipaddress import IPv6Address, IPv6Network, ip_address

from vpcsim.dataplane import public, s3names, zones
from vpcsim.dataplane.answers import Answer, Forwarded, NoAnswer, Resolved
from vpcsim.dataplane.public import SERVICE_KINDS, service_address, service_of_address
from vpcsim.dataplane.topology import Endpoint, Topology, Vpc

NAT64_PREFIX = IPv6Network("64:ff9b::/96")  # the well-known prefix DNS64 synthesises into (RFC 6052)
__all__ = [
    "NAT64_PREFIX",
    "SERVICE_KINDS",
    "Answer",
    "Forwarded",
    "NoAnswer",
    "Resolved",
    "answers_privately",
    "endpoint_named",
    "literal",
    "resolve",
    "resolve_outside",
    "resolver_name",
    "service_address",
    "service_of_address",
    "synthesised",
]


def _endpoint_alive(endpoint: Endpoint) -> bool:
    """The private zone answers only for a working endpoint."""
    return endpoint.state in ("available", "pending")


def endpoint_named(endpoint: Endpoint) -> bool:
    """An endpoint's own vpce names exist from its creation until it is deleted (DescribeVpcEndpoints shows them even
    while pendingAcceptance); resolving them lets a trace say why such an endpoint carries nothing (named choice)."""
    return endpoint.state not in ("deleting", "deleted", "failed")


def answers_privately(endpoint: Endpoint) -> bool:
    """Whether ``endpoint``'s private hosted zone answers in its VPC (when the VPC's DNS hostnames are on)."""
    return endpoint.private_dns and not endpoint.inbound_only_private_dns and _endpoint_alive(endpoint)


def answers_inbound_only(endpoint: Endpoint) -> bool:
    """Whether ``endpoint``'s private zone answers only queries through an inbound Resolver endpoint (S3's option)."""
    return endpoint.private_dns and endpoint.inbound_only_private_dns and _endpoint_alive(endpoint)


def literal(name: str) -> Answer | None:
    """An address given as the name answers itself."""
    try:
        return Answer(name, (ip_address(name.strip("[]")),), "address", f"{name} is an address")
    except ValueError:
        return None


def resolve(topo: Topology, vpc: Vpc, name: str, *, dns64: bool = False, inbound: bool = False) -> Resolved:
    """What the VPC's resolver answers for ``name``; ``dns64``: the asking subnet has DNS64 on; ``inbound``: the query
    came through an inbound Resolver endpoint in ``vpc`` (the Resolver answers it, whatever the DHCP options say)."""
    name = name.rstrip(".").lower()
    given = literal(name)
    if given is not None:
        return given
    if not vpc.dns_support:
        return NoAnswer(name, f"{vpc.id} has enableDnsSupport off: the Amazon DNS server does not answer")
    found = _amazon(topo, vpc, name, inbound, 0) if vpc.amazon_dns or inbound else _custom_servers(topo, vpc, name)
    found = _addressed(found, name)
    return synthesised(found) if dns64 and isinstance(found, Answer) else found


def _amazon(topo: Topology, vpc: Vpc, name: str, inbound: bool, depth: int) -> Resolved:
    """The Route 53 Resolver's answer in ``vpc``: the deciding rule or zone, else public DNS (module docstring)."""
    decided = zones.authority(topo, vpc, name, inbound=inbound)
    kept = decided.rule if decided is not None and decided.rule is not None and decided.rule.type != "FORWARD" else None
    if kept is not None:
        decided = zones.authority(topo, vpc, name, rules=False, inbound=inbound)

    def follow(target: str, at: int) -> Resolved:
        return _amazon(topo, vpc, target, inbound, at)

    found = (
        zones.answer(topo, vpc, name, decided, follow, depth)
        if decided is not None
        else public.answer(topo, name)
        or NoAnswer(name, f"no record for {name} in the VPC's private zones, the vpce names or AWS's service names")
    )
    if kept is None:
        return found
    why = f"Resolver rule {kept.id} ({kept.type} {kept.domain or '.'}) has the Resolver answer it itself"
    if isinstance(found, NoAnswer):
        return replace(found, reason=f"{why}: {found.reason}", rule=kept.id)
    return replace(found, detail=f"{why}: {found.detail}", rule=kept.id)


def _addressed(found: Resolved, name: str) -> Resolved:
    """The answer with what an S3 host name addresses (its bucket or access point), whoever answered it."""
    parsed = s3names.parse(name)
    if parsed is None or not isinstance(found, Answer) or found.source == "address":
        return found
    return replace(
        found,
        bucket=found.bucket or parsed.bucket,
        access_point=found.access_point or parsed.access_point,
        service=found.service or "s3",
        service_region=found.service_region or parsed.region,
    )


def synthesised(answer: Answer) -> Answer:
    """DNS64: an answer with A records only gains their ``64:ff9b::/96`` AAAA forms."""
    if any(a.version == 6 for a in answer.addresses):
        return answer
    v6 = tuple(IPv6Address(int(NAT64_PREFIX.network_address) + int(a)) for a in answer.addresses)
    detail = f"{answer.detail}; DNS64 synthesises AAAA {', '.join(map(str, v6))}"
    return replace(answer, addresses=(*answer.addresses, *v6), detail=detail)


def resolver_name(vpc: Vpc) -> str:
    """Who answers the VPC's instances: the Amazon DNS server, or the servers of its DHCP options set."""
    if vpc.amazon_dns:
        return "Amazon-provided DNS"
    return f"DNS servers {', '.join(vpc.name_servers) or '(none)'} of DHCP options {vpc.dhcp_options}"


def _custom_servers(topo: Topology, vpc: Vpc, name: str) -> Resolved:
    """Custom DNS servers answer public names; the VPC's private hosted zones are not theirs (module docstring)."""
    private = zones.authority(topo, vpc, name, rules=False)
    holder = _holder(private) if private is not None else ""
    why = (
        f"{vpc.id}'s DHCP options {vpc.dhcp_options} hand out {', '.join(vpc.name_servers) or 'no DNS server'} and "
        "not AmazonProvidedDNS, so the Amazon DNS server that holds the VPC's private hosted zones is not asked"
    )
    found = public.answer(topo, name)
    if found is not None and private is not None:
        note = f"{name} resolved to its public address, not to {holder}'s answer: {why}"
        return replace(found, detail=f"{found.detail} ({why})", note=note)
    if found is not None:
        return found
    if private is not None:
        noun = "private hosted zone of" if private.endpoint else "private hosted zone"
        return NoAnswer(name, f"{name} is only in the {noun} {holder}: {why}")
    return NoAnswer(name, f"no public record for {name} ({why})")


def _holder(private: zones.Authority) -> str:
    if private.endpoint is not None:
        return private.endpoint.id
    return f"{private.domain} ({private.zone.id if private.zone else ''})"


def resolve_outside(topo: Topology, name: str) -> Resolved:
    """How a host on premises resolves ``name`` with public DNS: an address, or a public name."""
    name = name.rstrip(".").lower()
    given = literal(name)
    if given is not None:
        return given
    found = public.answer(topo, name)
    if found is None:
        return NoAnswer(
            name,
            f"no public record for {name}: on premises only public DNS answers (a VPC's private hosted zones need a "
            "Route 53 Resolver inbound endpoint the customer network reaches, or --dns-via rslvr-in-...)",
        )
    return _addressed(found, name)
