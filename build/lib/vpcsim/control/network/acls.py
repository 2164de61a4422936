"""Network ACLs: numbered stateless entries, the default ACL and subnet associations.

Facts [VPCUG23; EC2API; CLIEX describe-network-acls]: every ACL ends with the ``*`` rules (32767 for IPv4, 32768 for
``::/0`` when the VPC has IPv6) that deny what no other entry matched; users number entries 1 to 32766; a new ACL
denies everything, the default ACL allows everything (rules 100, and 101 for IPv6); entries are listed egress first,
each direction by rule number. Each subnet has exactly one association row, in the ACL that owns it; the default ACL
holds every subnet not moved elsewhere. The Protocol parameter takes protocol numbers only (the AWS CLI turns
``tcp``/``udp``/``icmp``/``all`` into numbers itself, awscli ``customizations/ec2/protocolarg.py``).
"""

from __future__ import annotations

from typing import Any

from vpcsim.control.core.call import Call, Params, Result
from vpcsim.control.core.describe import Listing, member, present
from vpcsim.control.core.lookup import get
from vpcsim.control.core.tags import tags_for
from vpcsim.control.security.rules import cidr
from vpcsim.errors import ApiError, DependencyViolation, InvalidParameter, LimitExceeded, NotFound
from vpcsim.model import Record

_LAST_V4, _LAST_V6 = 32767, 32768
_MAX_USER_RULE = 32766
# "Rules per network ACL: 20" inbound and 20 outbound, IPv4 and IPv6 counted apart, the * rules not counted
# [VPC quotas page, amazon-vpc-limits; not in the reference, so the code below names its source].
MAX_ENTRIES = 20

LISTING = Listing(
    kind="network-acl",
    page_member="NetworkAcls",
    ids_member="NetworkAclIds",
    parent_filter="vpc-id",
    max_results=(5, 100),
    filters={
        "association.association-id": member("Associations", "NetworkAclAssociationId"),
        "association.network-acl-id": member("Associations", "NetworkAclId"),
        "association.subnet-id": member("Associations", "SubnetId"),
        "default": member("IsDefault"),
        "entry.cidr": member("Entries", "CidrBlock"),
        "entry.egress": member("Entries", "Egress"),
        "entry.icmp.code": member("Entries", "IcmpTypeCode", "Code"),
        "entry.icmp.type": member("Entries", "IcmpTypeCode", "Type"),
        "entry.ipv6-cidr": member("Entries", "Ipv6CidrBlock"),
        "entry.port-range.from": member("Entries", "PortRange", "From"),
        "entry.port-range.to": member("Entries", "PortRange", "To"),
        "entry.protocol": member("Entries", "Protocol"),
        "entry.rule-action": member("Entries", "RuleAction"),
        "entry.rule-number": member("Entries", "RuleNumber"),
        "network-acl-id": member("NetworkAclId"),
        "owner-id": member("OwnerId"),
        "vpc-id": member("VpcId"),
    },
)


def _entry(number: int, action: str, egress: bool, block: str = "0.0.0.0/0") -> dict[str, Any]:
    where = {"Ipv6CidrBlock": block} if ":" in block else {"CidrBlock": block}
    return {"RuleNumber": number, "Protocol": "-1", "RuleAction": action, "Egress": egress, **where}


def _sorted(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(entries, key=lambda e: (not e["Egress"], e["RuleNumber"]))


def _has_ipv6(vpc: Record) -> bool:
    return bool(vpc.doc.get("Ipv6CidrBlockAssociationSet"))


def _default_entries(vpc: Record, allow: bool) -> list[dict[str, Any]]:
    entries = []
    for egress in (True, False):
        if allow:
            entries.append(_entry(100, "allow", egress))
        entries.append(_entry(_LAST_V4, "deny", egress))
        if _has_ipv6(vpc):
            if allow:
                entries.append(_entry(101, "allow", egress, "::/0"))
            entries.append(_entry(_LAST_V6, "deny", egress, "::/0"))
    return _sorted(entries)


def _new_acl(call: Call, vpc: Record, *, is_default: bool, tags: dict[str, str] | None = None) -> Record:
    aid = call.new_id("acl", "network-acl")
    doc = {
        "Associations": [],
        "Entries": _default_entries(vpc, allow=is_default),
        "IsDefault": is_default,
        "NetworkAclId": aid,
        "VpcId": vpc.id,
        "OwnerId": call.account,
    }
    return call.tx.put(call.record("network-acl", aid, doc, vpc.id).evolve(tags=tags or {}))


def create_default_network_acl(call: Call, vpc: Record) -> Record:
    """The VPC's default ACL: rule 100 allows everything, the ``*`` rule denies, both ways [VPCUG23]."""
    return _new_acl(call, vpc, is_default=True)


# -- associations -----------------------------------------------------------------------------------------------
def _association(call: Call, acl_id: str, subnet_id: str) -> dict[str, str]:
    aid = call.new_id("aclassoc", "network-acl-association")
    return {"NetworkAclAssociationId": aid, "NetworkAclId": acl_id, "SubnetId": subnet_id}


def associate_default(call: Call, subnet: Record) -> None:
    """A new subnet joins its VPC's default ACL."""
    acl = next(a for a in call.tx.children("network-acl", subnet.parent or "") if a.doc["IsDefault"])
    row = _association(call, acl.id, subnet.id)
    call.tx.put(acl.with_doc(Associations=[*acl.doc["Associations"], row]))


def dissociate(call: Call, subnet_id: str, vpc_id: str) -> None:
    """A deleted subnet leaves whichever ACL it was associated with."""
    for acl in list(call.tx.children("network-acl", vpc_id)):
        kept = [a for a in acl.doc["Associations"] if a["SubnetId"] != subnet_id]
        if len(kept) != len(acl.doc["Associations"]):
            call.tx.put(acl.with_doc(Associations=kept))


def network_acl_for_subnet(call: Call, subnet_id: str) -> Record:
    """The ACL that filters ``subnet_id``'s traffic (the one holding its association row)."""
    subnet = get(call, "subnet", subnet_id)
    for acl in call.tx.children("network-acl", subnet.parent or ""):
        if any(a["SubnetId"] == subnet.id for a in acl.doc["Associations"]):
            return acl
    raise NotFound("InvalidSubnetID.NotFound", f"The subnet ID '{subnet_id}' has no network ACL association")


def replace_network_acl_association(call: Call, params: Params) -> Result:
    old_acl, row = _find_association(call, params["AssociationId"])
    acl = get(call, "network-acl", params["NetworkAclId"])
    if acl.doc["VpcId"] != old_acl.doc["VpcId"]:
        raise InvalidParameter(
            "InvalidParameterValue",
            f"Network ACL {acl.id} and subnet {row['SubnetId']} belong to different networks.",
        )
    kept = [a for a in old_acl.doc["Associations"] if a["NetworkAclAssociationId"] != row["NetworkAclAssociationId"]]
    call.tx.put(old_acl.with_doc(Associations=kept))
    acl = call.tx.find("network-acl", acl.id) or acl  # the same ACL when the subnet stays where it is
    new_row = _association(call, acl.id, row["SubnetId"])
    call.tx.put(acl.with_doc(Associations=[*acl.doc["Associations"], new_row]))
    return {"NewAssociationId": new_row["NetworkAclAssociationId"]}


def _find_association(call: Call, association_id: str) -> tuple[Record, dict[str, str]]:
    for acl in call.scan("network-acl"):
        for row in acl.doc["Associations"]:
            if row["NetworkAclAssociationId"] == association_id:
                return acl, row
    raise NotFound("InvalidAssociationID.NotFound", f"The association ID '{association_id}' does not exist")


# -- ACLs -------------------------------------------------------------------------------------------------------
def create_network_acl(call: Call, params: Params) -> Result:
    vpc = get(call, "vpc", params["VpcId"])
    acl = _new_acl(call, vpc, is_default=False, tags=tags_for(call, params, "network-acl"))
    result: Result = {"NetworkAcl": present(acl)}
    if params.get("ClientToken"):
        result["ClientToken"] = params["ClientToken"]
    return result


def delete_network_acl(call: Call, params: Params) -> Result:
    acl = get(call, "network-acl", params["NetworkAclId"])
    if acl.doc["IsDefault"]:
        raise InvalidParameter("InvalidParameterValue", f"cannot delete default network ACL {acl.id}")
    if acl.doc["Associations"]:
        raise DependencyViolation(f"The network ACL '{acl.id}' has dependencies and cannot be deleted.")
    call.tx.delete("network-acl", acl.id)
    return {}


def describe_network_acls(call: Call, params: Params) -> Result:
    return LISTING.run(call, params)


# -- entries ----------------------------------------------------------------------------------------------------
def _rule_number(params: Params) -> int:
    number = int(params["RuleNumber"])
    if not 1 <= number <= _MAX_USER_RULE:
        raise InvalidParameter(
            "InvalidParameterValue",
            f"Value ({number}) for parameter ruleNumber is invalid. Rule numbers run from 1 to {_MAX_USER_RULE}.",
        )
    return number


def _protocol(value: str) -> str:
    text = str(value).strip()
    if text.lstrip("-").isdigit() and (int(text) == -1 or 0 <= int(text) <= 255):
        return str(int(text))
    raise InvalidParameter(
        "InvalidParameterValue", f"Invalid value '{value}' for protocol. Give a protocol number (0-255) or -1 for all."
    )


def _block(params: Params) -> dict[str, str]:
    v4, v6 = params.get("CidrBlock"), params.get("Ipv6CidrBlock")
    if v4 and v6:
        raise InvalidParameter(
            "InvalidParameterCombination", "The parameter cidrBlock cannot be used with the parameter ipv6CidrBlock"
        )
    if v4:
        return {"CidrBlock": cidr(v4, 4)}
    if v6:
        return {"Ipv6CidrBlock": cidr(v6, 6)}
    raise InvalidParameter("MissingParameter", "The request must contain the parameter cidrBlock or ipv6CidrBlock")


def _required(params: Params, group: str, members: tuple[str, str]) -> dict[str, int]:
    given = params.get(group) or {}
    for name in members:
        if given.get(name) is None:
            location = group[0].lower() + group[1:]
            raise InvalidParameter(
                "MissingParameter", f"The request must contain the parameter {location}.{name.lower()}"
            )
    return {name: int(given[name]) for name in members}


def _ports_or_icmp(params: Params, protocol: str, block: dict[str, str]) -> dict[str, Any]:
    """PortRange for TCP/UDP, IcmpTypeCode for ICMP (and ICMPv6 to an IPv6 block); other protocols take neither."""
    if protocol in ("6", "17"):
        ports = _required(params, "PortRange", ("From", "To"))
        if not 0 <= ports["From"] <= ports["To"] <= 65535:
            raise InvalidParameter(
                "InvalidParameterValue", f"Invalid port range {ports['From']}-{ports['To']}: ports run from 0 to 65535."
            )
        return {"PortRange": ports}
    if protocol == "1" or (protocol == "58" and "Ipv6CidrBlock" in block):
        icmp = _required(params, "IcmpTypeCode", ("Type", "Code"))
        if not all(-1 <= v <= 255 for v in icmp.values()):
            raise InvalidParameter("InvalidParameterValue", "ICMP type and code are -1 or 0 to 255.")
        return {"IcmpTypeCode": {"Code": icmp["Code"], "Type": icmp["Type"]}}
    return {}


def _entry_from(params: Params) -> dict[str, Any]:
    number = _rule_number(params)
    action = params["RuleAction"]
    if action not in ("allow", "deny"):
        raise InvalidParameter("InvalidParameterValue", f"Invalid value '{action}' for ruleAction: allow or deny.")
    protocol = _protocol(params["Protocol"])
    block = _block(params)
    entry = {"RuleNumber": number, "Protocol": protocol, "RuleAction": action, "Egress": bool(params["Egress"])}
    return {**entry, **block, **_ports_or_icmp(params, protocol, block)}


def _same(entry: dict[str, Any], number: int, egress: bool) -> bool:
    return entry["RuleNumber"] == number and entry["Egress"] is egress


def _check_quota(entries: list[dict[str, Any]], entry: dict[str, Any]) -> None:
    family = "CidrBlock" if "CidrBlock" in entry else "Ipv6CidrBlock"
    mine = [e for e in entries if e["Egress"] is entry["Egress"] and family in e and e["RuleNumber"] <= _MAX_USER_RULE]
    if len(mine) > MAX_ENTRIES:
        raise LimitExceeded(
            "NetworkAclEntryLimitExceeded", "The maximum number of network ACL entries has been reached."
        )


def create_network_acl_entry(call: Call, params: Params) -> Result:
    acl = get(call, "network-acl", params["NetworkAclId"])
    entry = _entry_from(params)
    if any(_same(e, entry["RuleNumber"], entry["Egress"]) for e in acl.doc["Entries"]):
        raise ApiError(
            "NetworkAclEntryAlreadyExists", f"The network acl entry identified by {entry['RuleNumber']} already exists."
        )
    entries = [*acl.doc["Entries"], entry]
    _check_quota(entries, entry)
    call.tx.put(acl.with_doc(Entries=_sorted(entries)))
    return {}


def _existing(acl: Record, number: int, egress: bool) -> list[dict[str, Any]]:
    """The ACL's entries without the one numbered ``number`` in that direction, or NotFound."""
    kept = [e for e in acl.doc["Entries"] if not _same(e, number, egress)]
    if len(kept) == len(acl.doc["Entries"]):
        raise NotFound(
            "InvalidNetworkAclEntry.NotFound", f"The network acl entry identified by {number} does not exist."
        )
    return kept


def replace_network_acl_entry(call: Call, params: Params) -> Result:
    acl = get(call, "network-acl", params["NetworkAclId"])
    entry = _entry_from(params)
    entries = [*_existing(acl, entry["RuleNumber"], entry["Egress"]), entry]
    _check_quota(entries, entry)
    call.tx.put(acl.with_doc(Entries=_sorted(entries)))
    return {}


def delete_network_acl_entry(call: Call, params: Params) -> Result:
    acl = get(call, "network-acl", params["NetworkAclId"])
    kept = _existing(acl, _rule_number(params), bool(params["Egress"]))
    call.tx.put(acl.with_doc(Entries=kept))
    return {}
