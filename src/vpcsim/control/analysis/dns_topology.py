"""The DNS part of the compiled topology: Route 53 private hosted zones with their records and associated VPCs,
Route 53 Resolver endpoints, rules and the rules associated with each VPC.

Compiled with the rest by ``topology.compile_topology`` from the records the control plane keeps (a zone's VPCs in
``extra["vpcs"]``, its record sets in ``extra["records"]``; an endpoint's interfaces in ``extra["addresses"]``).

What DNS servers outside AWS answer is no AWS resource: the user declares it on a FORWARD rule with the tag
**``vpcsim:records``**, ``name=address`` pairs separated by commas or spaces (``db.corp.example=192.168.1.20,
*.app.corp.example=192.168.2.10``; several addresses for one name: repeat the name). A pair that does not parse is
left out (bad configuration is a warning, not a crash); a rule without the tag forwards to servers whose answers
vpcsim does not know.
"""

from __future__ import annotations

import re
from ipaddress import ip_address
from typing import Any

from vpcsim.dataplane import topology as t
from vpcsim.model import Record
from vpcsim.store import Transaction

RECORDS_TAG = "vpcsim:records"
_PAIR = re.compile(r"[,\s]+")


def _bare(name: str) -> str:
    return name.strip().lower().rstrip(".").replace("\\052", "*")


def hosted_zones(tx: Transaction) -> dict[str, t.HostedZone]:
    """The private hosted zones (public zones answer no VPC's queries here: vpcsim has no view of public DNS)."""
    return {
        r.id: t.HostedZone(
            r.id,
            _bare(r.doc["Name"]),
            r.account,
            tuple(v["VPCId"] for v in r.extra.get("vpcs", [])),
            tuple(_record(raw) for raw in r.extra.get("records", [])),
        )
        for r in tx.scan("hosted-zone")
        if r.doc["Config"].get("PrivateZone")
    }


def _record(raw: dict[str, Any]) -> t.ZoneRecord:
    alias = raw.get("AliasTarget")
    shown = {**raw, "Name": raw["Name"].replace("*", "\\052")}  # as ListResourceRecordSets shows it
    return t.ZoneRecord(
        _bare(raw["Name"]),
        raw["Type"],
        tuple(str(v["Value"]) for v in raw.get("ResourceRecords") or []),
        _bare(alias["DNSName"]) if alias else None,
        shown,
    )


def resolver_endpoints(tx: Transaction) -> dict[str, t.ResolverEndpoint]:
    return {
        r.id: t.ResolverEndpoint(
            r.id,
            r.doc["Direction"].replace("INBOUND_DELEGATION", "INBOUND"),
            r.doc["HostVPCId"],
            r.account,
            r.region,
            tuple(a["NetworkInterfaceId"] for a in r.extra.get("addresses", []) if a.get("NetworkInterfaceId")),
            r.doc.get("Status", "OPERATIONAL"),
        )
        for r in tx.scan("resolver-endpoint")
    }


def resolver_rules(tx: Transaction) -> dict[str, t.ResolverRule]:
    return {r.id: _rule(r) for r in tx.scan("resolver-rule")}


def _rule(record: Record) -> t.ResolverRule:
    doc = record.doc
    domain = _bare(doc.get("DomainName") or ".")
    targets = tuple(
        (str(x.get("Ip") or x.get("Ipv6") or ""), int(x.get("Port") or 53)) for x in doc.get("TargetIps", [])
    )
    declared = record.tags.get(RECORDS_TAG)
    return t.ResolverRule(
        record.id,
        "" if domain in ("", ".") else domain,
        doc["RuleType"],
        record.account,
        record.region,
        targets,
        doc.get("ResolverEndpointId"),
        declared_records(declared) if declared is not None else None,
        dict(doc),
    )


def declared_records(text: str) -> tuple[tuple[str, tuple[t.Address, ...]], ...]:
    """``vpcsim:records`` read: each name with its addresses, in the order first given.

    >>> declared_records("db.corp.example=192.168.1.20, bad *.app.corp.example=::1 db.corp.example=192.168.1.21")
    ... # doctest: +NORMALIZE_WHITESPACE
    (('db.corp.example', (IPv4Address('192.168.1.20'), IPv4Address('192.168.1.21'))),
     ('*.app.corp.example', (IPv6Address('::1'),)))
    """
    found: dict[str, list[t.Address]] = {}
    for pair in filter(None, _PAIR.split(text)):
        name, _, value = pair.partition("=")
        try:
            address = ip_address(value.strip())
        except ValueError:
            continue
        found.setdefault(_bare(name), []).append(address)
    return tuple((name, tuple(addresses)) for name, addresses in found.items() if name)


def rule_associations(tx: Transaction) -> dict[str, tuple[str, ...]]:
    """Each VPC's associated rules, in association order."""
    found: dict[str, list[str]] = {}
    for association in tx.scan("resolver-rule-association"):
        found.setdefault(association.doc["VPCId"], []).append(association.doc["ResolverRuleId"])
    return {vpc: tuple(rules) for vpc, rules in found.items()}


__all__ = [
    "RECORDS_TAG",
    "declared_records",
    "hosted_zones",
    "resolver_endpoints",
    "resolver_rules",
    "rule_associations",
]
