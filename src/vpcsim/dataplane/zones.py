"""Who answers a name in a VPC's Route 53 Resolver: the Resolver rules associated with the VPC, its private hosted
zones (the user's, and the AWS-managed ones of interface endpoints with private DNS), else public DNS.

Rules [R53DG hosted-zone-private-considerations @2c31968; R53DG resolver-overview-DSN-queries-to-vpc; AWS Knowledge
Center "route-53-override-reverse-dns-rules"]:

- A rule or zone matches a name that is its domain or a subdomain of it ("." matches every name). The most specific
  match decides; between a Resolver rule and a private hosted zone of the same domain, the rule takes precedence.
- FORWARD: the query goes to the rule's target IPs through its outbound endpoint (``Forwarded``); what they answer is
  what the user declared (tag ``vpcsim:records`` on the rule), as vpcsim cannot ask servers on premises. SYSTEM (and
  RECURSIVE): the Resolver answers the name itself, from the private zones and public DNS, whatever forward rule of a
  parent domain exists.
- A private zone answers from its records: the exact name, else the most specific wildcard; A and AAAA records answer
  with their values, a CNAME is followed through the same Resolver (up to 8 names), an alias answers with its
  target's addresses (a record of the same zone, an interface endpoint's name, a load balancer's, an AWS service's).
  A matching zone with no record for the name answers NXDOMAIN: the Resolver does not ask public DNS.
- Private hosted zones answer only in VPCs with enableDnsSupport and enableDnsHostnames on; an interface endpoint's
  private zone is the domain of its private DNS names (``sqs.eu-west-2.amazonaws.com`` for ``sqs...`` and
  ``*.sqs...``). An S3 interface endpoint with PrivateDnsOnlyForInboundResolverEndpoint answers only queries that
  come through an inbound Resolver endpoint (``inbound``) [S3PL; aws-behaviour 1.3.15].
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from ipaddress import ip_address

from vpcsim.dataplane import public
from vpcsim.dataplane.answers import Answer, Forwarded, NoAnswer, Resolved
from vpcsim.dataplane.topology import (
    Address,
    DnsName,
    Endpoint,
    HostedZone,
    ResolverRule,
    Topology,
    Vpc,
    ZoneRecord,
)

MAX_CHAIN = 8  # CNAMEs followed before giving up (named choice; resolvers stop loops at a similar depth)
Follow = Callable[[str, int], Resolved]  # resolve another name in the same VPC's view, at a chain depth


@dataclass(frozen=True, slots=True)
class Authority:
    """What decides a name: a Resolver rule, a private hosted zone, or an interface endpoint's private zone."""

    domain: str  # "" for the root
    rule: ResolverRule | None = None
    zone: HostedZone | None = None
    endpoint: Endpoint | None = None
    records: tuple[DnsName, ...] = ()  # an endpoint zone's records

    @property
    def depth(self) -> int:
        return self.domain.count(".") + 1 if self.domain else 0


def within(name: str, domain: str) -> bool:
    return not domain or name == domain or name.endswith("." + domain)


def authority(topo: Topology, vpc: Vpc, name: str, *, rules: bool = True, inbound: bool = False) -> Authority | None:
    """The rule or zone that decides ``name`` in ``vpc``: the most specific; a rule before a zone of its domain."""
    found = [*(_rules(topo, vpc, name) if rules else ()), *_zones(topo, vpc, name, inbound)]
    return max(found, key=lambda a: (a.depth, a.rule is not None), default=None)


def _rules(topo: Topology, vpc: Vpc, name: str) -> list[Authority]:
    chosen = (topo.resolver_rules.get(r) for r in topo.rule_associations.get(vpc.id, ()))
    return [Authority(r.domain, rule=r) for r in chosen if r is not None and within(name, r.domain)]


def _zones(topo: Topology, vpc: Vpc, name: str, inbound: bool) -> list[Authority]:
    if not (vpc.dns_support and vpc.dns_hostnames):
        return []
    zones = [Authority(z.name, zone=z) for z in topo.zones_by_vpc.get(vpc.id, ()) if within(name, z.name)]
    return zones + endpoint_zones(topo, vpc, name, inbound)


def endpoint_zones(topo: Topology, vpc: Vpc, name: str, inbound: bool = False) -> list[Authority]:
    """The private zones of the VPC's interface endpoints (with private DNS) whose domain holds ``name``."""
    records = topo.private_records.get(vpc.id, ())
    if inbound:
        records = (*records, *topo.inbound_records.get(vpc.id, ()))
    by_zone: dict[tuple[str, str], list[DnsName]] = {}
    for endpoint, record in records:
        domain = record.name.removeprefix("*.")
        if within(name, domain):
            by_zone.setdefault((endpoint.id, domain), []).append(record)
    return [
        Authority(domain, endpoint=topo.endpoints[eid], records=tuple(found))
        for (eid, domain), found in by_zone.items()
    ]


# -- answers -----------------------------------------------------------------------------------------------------------
def answer(topo: Topology, vpc: Vpc, name: str, found: Authority, follow: Follow, depth: int) -> Resolved:
    """What ``found`` answers for ``name`` (a FORWARD rule: the declared answer of its targets)."""
    if found.rule is not None:
        return forwarded(found.rule, name)
    if found.endpoint is not None:
        return _endpoint_answer(found, name)
    assert found.zone is not None
    return _zone_answer(topo, found.zone, name, follow, depth)


def _endpoint_answer(found: Authority, name: str) -> Resolved:
    endpoint = found.endpoint
    assert endpoint is not None
    exact = [r for r in found.records if r.name == name]
    covering = [r for r in found.records if r.name.startswith("*.") and name.endswith(r.name[1:])]
    chosen = exact or covering
    if not chosen:
        return NoAnswer(name, f"the private hosted zone {found.domain} of {endpoint.id} has no record for {name}")
    record = chosen[0]
    detail = f"private hosted zone of {endpoint.id} answers {record.name} with its interfaces"
    return Answer(name, record.addresses, "private-zone", detail, endpoint.id, record=record.name)


def _zone_answer(topo: Topology, zone: HostedZone, name: str, follow: Follow, depth: int) -> Resolved:
    records = matching(zone, name)
    where = f"private hosted zone {zone.name} ({zone.id})"
    if not records:
        return NoAnswer(
            name,
            f"{where} has no A, AAAA or CNAME record for {name}: the Resolver answers NXDOMAIN and does not ask public "
            "DNS (a matching private zone is authoritative)",
            zone=zone.id,
        )
    record = records[0]
    shown = {"HostedZoneId": zone.id, **record.raw}
    if record.type == "CNAME":
        return _cname(zone, name, record, follow, depth, shown)
    if record.alias is not None:
        families = frozenset(6 if r.type == "AAAA" else 4 for r in records if r.alias is not None)
        return _alias(topo, zone, name, record, follow, depth, shown, families)
    addresses = tuple(a for r in records if r.alias is None for a in _addresses(r))
    values = ", ".join(str(a) for a in addresses)
    detail = f"{where} answers {_label(record)} {values}"
    return Answer(name, addresses, "hosted-zone", detail, record=record.name, zone=zone.id, shown=shown)


def matching(zone: HostedZone, name: str) -> list[ZoneRecord]:
    """The zone's A, AAAA and CNAME records for ``name``: its own, else the most specific wildcard's."""
    wanted = [r for r in zone.records if r.type in ("A", "AAAA", "CNAME")]
    labels = name.split(".")
    for candidate in (name, *("*." + ".".join(labels[i:]) for i in range(1, len(labels)))):
        found = [r for r in wanted if r.name == candidate]
        if found:
            return sorted(found, key=lambda r: r.type != "CNAME")
        if not within(candidate.removeprefix("*."), zone.name):
            break
    return []


def _addresses(record: ZoneRecord) -> tuple[Address, ...]:
    found: list[Address] = []
    for value in record.values:
        try:
            found.append(ip_address(value))
        except ValueError:
            continue  # Route 53 accepts the value; it is no address vpcsim can send to
    return tuple(found)


def _label(record: ZoneRecord) -> str:
    return f"{record.name} {record.type}"


def _cname(
    zone: HostedZone, name: str, record: ZoneRecord, follow: Follow, depth: int, shown: dict[str, object]
) -> Resolved:
    target = record.values[0].rstrip(".").lower() if record.values else ""
    step = f"private hosted zone {zone.name} ({zone.id}) answers {_label(record)} {target}"
    if depth >= MAX_CHAIN:
        return NoAnswer(name, f"{step}: more than {MAX_CHAIN} names in the CNAME chain", zone=zone.id, shown=shown)
    found = follow(target, depth + 1)
    return _chained(found, name, step, zone, record, shown, frozenset())


def _alias(
    topo: Topology,
    zone: HostedZone,
    name: str,
    record: ZoneRecord,
    follow: Follow,
    depth: int,
    shown: dict[str, object],
    families: frozenset[int],
) -> Resolved:
    target = record.alias or ""
    step = f"private hosted zone {zone.name} ({zone.id}) answers {_label(record)} alias to {target}"
    if within(target, zone.name) and depth < MAX_CHAIN:
        found: Resolved = _zone_answer(topo, zone, target, follow, depth + 1)
    else:
        found = public.answer(topo, target) or NoAnswer(
            target, f"{target} is no name vpcsim knows (an interface endpoint's, a load balancer's, an AWS service's)"
        )
    return _chained(found, name, step, zone, record, shown, families)


def _chained(
    found: Resolved,
    name: str,
    step: str,
    zone: HostedZone,
    record: ZoneRecord,
    shown: dict[str, object],
    families: frozenset[int],
) -> Resolved:
    """The answer for ``name``: what its CNAME or alias target answered, named as reached through ``record``; an
    alias answers only the families of its records (A: IPv4, AAAA: IPv6)."""
    if isinstance(found, NoAnswer):
        return NoAnswer(name, f"{step}, which does not resolve: {found.reason}", zone=zone.id, shown=shown)
    addresses = tuple(a for a in found.addresses if not families or a.version in families)
    if not addresses:
        return NoAnswer(name, f"{step}, which has no address of the record's type", zone=zone.id, shown=shown)
    detail = f"{step}; {found.detail}"
    return replace(found, name=name, addresses=addresses, detail=detail, zone=zone.id, record=record.name, shown=shown)


def forwarded(rule: ResolverRule, name: str) -> Resolved:
    """A FORWARD rule's answer: what the user declared its target servers answer (tag ``vpcsim:records``)."""
    sent = Forwarded(rule.id, rule.endpoint, rule.targets, rule.domain or ".")
    targets = ", ".join(f"{ip}:{port}" for ip, port in rule.targets) or "no target"
    step = f"Resolver rule {rule.id} (FORWARD {rule.domain or '.'}) forwards the query to {targets}"
    shown = dict(rule.raw)
    if rule.records is None:
        return NoAnswer(
            name,
            f"{step}; vpcsim does not know what DNS servers outside AWS answer: declare it with the rule's tag "
            "vpcsim:records (name=address, separated by commas)",
            rule=rule.id,
            forwarded=sent,
            shown=shown,
        )
    declared = _declared(rule.records, name)
    if not declared:
        return NoAnswer(
            name,
            f"{step}, which answer NXDOMAIN (no such name in vpcsim:records)",
            rule=rule.id,
            forwarded=sent,
            shown=shown,
        )
    values = ", ".join(str(a) for a in declared)
    detail = f"{step}, which answer {name} {values} (declared in vpcsim:records)"
    return Answer(name, declared, "forwarded", detail, rule=rule.id, forwarded=sent, shown=shown)


def _declared(records: tuple[tuple[str, tuple[Address, ...]], ...], name: str) -> tuple[Address, ...]:
    exact = [a for n, a in records if n == name]
    covering = sorted(
        ((n, a) for n, a in records if n.startswith("*.") and name.endswith(n[1:])), key=lambda r: -len(r[0])
    )
    return exact[0] if exact else covering[0][1] if covering else ()
