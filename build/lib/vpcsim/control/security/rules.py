"""Security group rules as data: parsing ``IpPermissions``, one rule per peer, and the grouped view AWS describes.

AWS keeps one rule per (direction, protocol, port range, peer) and gives each an ``sgr-`` id; ``IpPermissions`` is a
view that gathers the rules sharing protocol and ports into one permission with several ranges [EC2API IpPermission].
This module holds that model without any state: a *spec* is a rule as ``DescribeSecurityGroupRules`` shows it, minus
the members only a stored rule has (id, group, owner, ARN).

>>> specs = specs_from_permissions([{"IpProtocol": "6", "FromPort": 443, "ToPort": 443,
...                                   "IpRanges": [{"CidrIp": "10.0.0.1/8"}, {"CidrIp": "0.0.0.0/0"}]}], egress=False)
>>> [(s["IpProtocol"], s["CidrIpv4"]) for s in specs]
[('tcp', '10.0.0.0/8'), ('tcp', '0.0.0.0/0')]
>>> permissions(specs)[0]["IpRanges"]
[{'CidrIp': '10.0.0.0/8'}, {'CidrIp': '0.0.0.0/0'}]
"""

from __future__ import annotations

from ipaddress import IPv4Network, IPv6Network
from typing import Any

from vpcsim.errors import InvalidParameter, MissingParameter

Spec = dict[str, Any]

# AWS answers with the names of the four protocols it knows by name, whichever way they were given.
_NAMES = {"6": "tcp", "17": "udp", "1": "icmp", "58": "icmpv6"}
_PORTED = ("tcp", "udp")
_TYPED = ("icmp", "icmpv6")
# The peer members of a rule, as DescribeSecurityGroupRules names them, and their IpPermission list and key.
PEERS = (
    ("CidrIpv4", "IpRanges", "CidrIp"),
    ("CidrIpv6", "Ipv6Ranges", "CidrIpv6"),
    ("PrefixListId", "PrefixListIds", "PrefixListId"),
)


def protocol(value: str | None) -> str:
    """AWS's spelling of an IP protocol: ``"6"`` and ``"TCP"`` are ``tcp``; ``-1`` is every protocol."""
    text = str(value if value is not None else "").strip().lower()
    if text in ("-1", *_PORTED, *_TYPED):
        return text
    if text.isdigit() and 0 <= int(text) <= 255:
        return _NAMES.get(str(int(text)), str(int(text)))
    raise InvalidParameter("InvalidParameterValue", f"Invalid value '{value}' for IP protocol. Unknown protocol.")


def ports(proto: str, from_port: int | None, to_port: int | None) -> tuple[int, int]:
    """The (FromPort, ToPort) a rule keeps: ports for TCP/UDP, type and code for ICMP, -1/-1 otherwise."""
    if proto not in _PORTED + _TYPED:
        return -1, -1  # AWS ignores ports for protocols without them [EC2API IpPermission]
    label = "TCP/UDP" if proto in _PORTED else "ICMP"
    if from_port is None or to_port is None:
        raise InvalidParameter(
            "InvalidParameterValue", f"Invalid value 'Must specify both from and to ports with {label}.' for portRange."
        )
    if proto in _PORTED and not 0 <= from_port <= to_port <= 65535:
        raise InvalidParameter(
            "InvalidParameterValue",
            f"Invalid {label} port range {from_port}-{to_port}: ports run from 0 to 65535, from port first.",
        )
    if proto in _TYPED and not (-1 <= from_port <= 255 and -1 <= to_port <= 255):
        raise InvalidParameter(
            "InvalidParameterValue", f"Invalid ICMP type {from_port} or code {to_port}: each is -1 or 0 to 255."
        )
    return from_port, to_port


def cidr(value: str, version: int) -> str:
    """A CIDR as AWS stores it: host bits cleared (AWS masks ``10.0.0.1/8`` to ``10.0.0.0/8``) [GH ansible#25403]."""
    kind = IPv4Network if version == 4 else IPv6Network
    try:
        if "/" not in value:
            raise ValueError(value)
        return str(kind(value, strict=False))
    except ValueError:
        raise InvalidParameter("InvalidParameterValue", f"CIDR block {value} is malformed") from None


def _base(permission: dict[str, Any], egress: bool) -> Spec:
    proto = protocol(permission.get("IpProtocol"))
    low, high = ports(proto, permission.get("FromPort"), permission.get("ToPort"))
    return {"IsEgress": egress, "IpProtocol": proto, "FromPort": low, "ToPort": high}


def _described(spec: Spec, item: dict[str, Any]) -> Spec:
    if item.get("Description") is not None:
        spec["Description"] = item["Description"]
    return spec


def specs_from_permission(permission: dict[str, Any], egress: bool) -> list[Spec]:
    """One spec per peer of one ``IpPermission``; group pairs keep the request's pair under ``_pair`` to resolve."""
    base = _base(permission, egress)
    specs: list[Spec] = []
    for member, list_name, key in PEERS:
        for item in permission.get(list_name) or []:
            value = item.get(key) or ""
            value = cidr(value, 4 if member == "CidrIpv4" else 6) if member != "PrefixListId" else value
            specs.append(_described({**base, member: value}, item))
    for pair in permission.get("UserIdGroupPairs") or []:
        specs.append(_described({**base, "_pair": pair}, pair))
    if not specs:
        raise InvalidParameter(
            "MissingParameter", "Missing source specification: include source security group or CIDR information"
        )
    return specs


def specs_from_permissions(permissions: list[dict[str, Any]], egress: bool) -> list[Spec]:
    return [s for p in permissions for s in specs_from_permission(p, egress)]


def check_unique(specs: list[Spec]) -> None:
    """One request may not name a rule twice [GH input-output-hk/bitte#24]."""
    keys = [key(s) for s in specs]
    if len(keys) != len(set(keys)):
        raise InvalidParameter("InvalidParameterValue", "The same permission must not appear multiple times")


def legacy_permission(params: dict[str, Any]) -> dict[str, Any] | None:
    """The one permission the flat parameters (``--protocol tcp --port 22 --cidr ...``) describe, if any."""
    flat = ("IpProtocol", "FromPort", "ToPort", "CidrIp", "SourceSecurityGroupName", "SourceSecurityGroupOwnerId")
    if not any(params.get(name) is not None for name in flat):
        return None
    permission: dict[str, Any] = {"IpProtocol": params.get("IpProtocol") or "-1"}
    for name in ("FromPort", "ToPort"):
        if params.get(name) is not None:
            permission[name] = params[name]
    if params.get("CidrIp"):
        permission["IpRanges"] = [{"CidrIp": params["CidrIp"]}]
    if params.get("SourceSecurityGroupName"):
        pair = {"GroupName": params["SourceSecurityGroupName"], "UserId": params.get("SourceSecurityGroupOwnerId")}
        permission["UserIdGroupPairs"] = [{k: v for k, v in pair.items() if v}]
    return permission


def requested(params: dict[str, Any], egress: bool) -> list[Spec]:
    """Every rule a call names, from ``IpPermissions`` and the flat parameters together."""
    permissions = list(params.get("IpPermissions") or [])
    flat = legacy_permission(params)
    if flat is not None:
        permissions.append(flat)
    if not permissions:
        raise MissingParameter("ipPermissions")
    return specs_from_permissions(permissions, egress)


def peer(spec: Spec) -> tuple[str, str]:
    """What a rule allows traffic from or to, as (kind, value)."""
    for member, _, _ in PEERS:
        if member in spec:
            return member, spec[member]
    return "ReferencedGroupInfo", spec["ReferencedGroupInfo"]["GroupId"]


def key(spec: Spec) -> tuple[Any, ...]:
    """A rule's identity: two rules with one key are duplicates, whatever their descriptions."""
    return (spec["IsEgress"], spec["IpProtocol"], spec["FromPort"], spec["ToPort"], *peer(spec))


def describe_rule(spec: Spec) -> str:
    """How AWS names a rule in ``InvalidPermission.Duplicate``: ``peer: 0.0.0.0/0, TCP, from port: 22, ...``."""
    proto = spec["IpProtocol"]
    text = f"peer: {peer(spec)[1]}, "
    if proto == "-1":
        text += "ALL"
    elif proto in _PORTED:
        text += f"{proto.upper()}, from port: {spec['FromPort']}, to port: {spec['ToPort']}"
    elif proto in _TYPED:
        text += f"{proto.upper()}, type: {spec['FromPort']}, code: {spec['ToPort']}"
    else:
        text += f"protocol: {proto}"
    return text + ", ALLOW"


def _entry(spec: Spec) -> tuple[str, dict[str, Any]]:
    """Which IpPermission list a rule goes in, and its item there."""
    kind, value = peer(spec)
    found = next(((name, {item_key: value}) for member, name, item_key in PEERS if member == kind), None)
    list_name, item = found or ("UserIdGroupPairs", dict(spec["ReferencedGroupInfo"]))
    if spec.get("Description") is not None:
        item = {"Description": spec["Description"], **item}
    return list_name, item


def permissions(specs: list[Spec]) -> list[dict[str, Any]]:
    """The grouped view: one IpPermission per (protocol, ports), in the order each was first seen."""
    grouped: dict[tuple[str, int, int], dict[str, Any]] = {}
    for spec in specs:
        where = (spec["IpProtocol"], spec["FromPort"], spec["ToPort"])
        if where not in grouped:
            grouped[where] = _permission(*where)
        list_name, item = _entry(spec)
        grouped[where][list_name].append(item)
    return list(grouped.values())


def _permission(proto: str, low: int, high: int) -> dict[str, Any]:
    permission: dict[str, Any] = {"IpProtocol": proto}
    if proto in _PORTED + _TYPED:  # AWS omits the ports of a rule for every protocol (-1) or a portless one
        permission.update(FromPort=low, ToPort=high)
    permission.update(IpRanges=[], Ipv6Ranges=[], PrefixListIds=[], UserIdGroupPairs=[])
    return permission


def revoked(rule: Spec) -> dict[str, Any]:
    """A removed rule as ``RevokedSecurityGroupRules`` lists it."""
    names = ("SecurityGroupRuleId", "GroupId", "IsEgress", "IpProtocol", "FromPort", "ToPort", "Description")
    shown = {n: rule[n] for n in (*names, "CidrIpv4", "CidrIpv6", "PrefixListId") if n in rule}
    if "ReferencedGroupInfo" in rule:
        shown["ReferencedGroupId"] = rule["ReferencedGroupInfo"]["GroupId"]
    return shown
