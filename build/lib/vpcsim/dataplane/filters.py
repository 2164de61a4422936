"""Security groups (stateful, allow rules only) and network ACLs (stateless, numbered, first match wins).

[VPCUG23; aws-behaviour 9.8] A security group allows a packet when any rule of any of the interface's groups matches
its protocol, port and peer (a CIDR, a prefix list's CIDRs, or the interfaces in a referenced group); replies to an
allowed flow pass without a rule. A network ACL applies its entries in rule-number order and the first entry that
matches protocol, port range and CIDR decides; the final ``*`` entry denies. Each answer names the rule that decided.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from ipaddress import IPv4Address

from vpcsim.dataplane.topology import AclEntry, Network, NetworkAcl, SecurityGroup, SgRule

_PROTOCOL_NUMBERS = {"tcp": "6", "udp": "17", "icmp": "1"}


@dataclass(frozen=True, slots=True)
class SgVerdict:
    allowed: bool
    rule: SgRule | None  # the rule that allowed it; None when no rule matched


@dataclass(frozen=True, slots=True)
class AclVerdict:
    allowed: bool
    rule: AclEntry | None  # the entry that decided; None when none matched


def _protocol_matches(rule_protocol: str, protocol: str) -> bool:
    wanted = _PROTOCOL_NUMBERS.get(protocol, protocol)
    return rule_protocol == "-1" or _PROTOCOL_NUMBERS.get(rule_protocol, rule_protocol) == wanted


def _ports_match(from_port: int | None, to_port: int | None, port: int | None, protocol: str) -> bool:
    if protocol not in ("tcp", "udp", "6", "17") or port is None:
        return True
    if from_port is None or to_port is None or from_port == -1:
        return True
    return from_port <= port <= to_port


def sg_allows(
    groups: list[SecurityGroup],
    egress: bool,
    protocol: str,
    port: int | None,
    peer: IPv4Address,
    peer_groups: tuple[str, ...],
    prefix_lists: Callable[[str], tuple[Network, ...]],
) -> SgVerdict:
    """Whether the interface's groups allow the packet to (egress) or from (ingress) ``peer``."""
    for group in groups:
        for rule in group.rules:
            if rule.egress != egress or not _protocol_matches(rule.protocol, protocol):
                continue
            if not _ports_match(rule.from_port, rule.to_port, port, protocol):
                continue
            if _peer_matches(rule, peer, peer_groups, prefix_lists):
                return SgVerdict(True, rule)
    return SgVerdict(False, None)


def _peer_matches(
    rule: SgRule, peer: IPv4Address, peer_groups: tuple[str, ...], prefix_lists: Callable[[str], tuple[Network, ...]]
) -> bool:
    if rule.cidr is not None:
        return peer in rule.cidr
    if rule.prefix_list is not None:
        return any(peer in n for n in prefix_lists(rule.prefix_list))
    return rule.group is not None and rule.group in peer_groups


def acl_allows(acl: NetworkAcl, egress: bool, protocol: str, port: int | None, peer: IPv4Address) -> AclVerdict:
    """The first entry of ``acl`` in rule-number order that matches decides."""
    for entry in acl.entries:
        if entry.egress != egress or entry.cidr is None or peer not in entry.cidr:
            continue
        if not _protocol_matches(entry.protocol, protocol):
            continue
        if not _ports_match(entry.from_port, entry.to_port, port, protocol):
            continue
        return AclVerdict(entry.allow, entry)
    return AclVerdict(False, None)


@lru_cache(maxsize=1 << 14)
def describe_sg_rule(rule: SgRule) -> str:
    peer = str(rule.cidr) if rule.cidr else rule.prefix_list or rule.group or "?"
    ports = "all ports" if rule.from_port == -1 or rule.protocol == "-1" else f"{rule.from_port}-{rule.to_port}"
    proto = "all traffic" if rule.protocol == "-1" else rule.protocol
    return (
        f"{rule.id} ({'egress' if rule.egress else 'ingress'} {proto} {ports} {'to' if rule.egress else 'from'} {peer})"
    )


@lru_cache(maxsize=1 << 14)
def describe_acl_entry(entry: AclEntry) -> str:
    number = "*" if entry.number >= 32767 else str(entry.number)
    proto = "all" if entry.protocol == "-1" else entry.protocol
    ports = "" if entry.from_port is None else f" ports {entry.from_port}-{entry.to_port}"
    action = "allow" if entry.allow else "deny"
    return f"rule {number} ({'outbound' if entry.egress else 'inbound'} {action} {proto}{ports} {entry.cidr})"
