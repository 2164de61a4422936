"""Network ACLs: numbered stateless entries, the default ACL and subnet associations."""

from __future__ import annotations

from typing import Any

from vpcsim.control.call import Call
from vpcsim.model import Record


def _entry(number: int, action: str, egress: bool) -> dict[str, Any]:
    return {"RuleNumber": number, "Protocol": "-1", "RuleAction": action, "Egress": egress, "CidrBlock": "0.0.0.0/0"}


def create_default_network_acl(call: Call, vpc: Record) -> Record:
    """The VPC's default ACL: rule 100 allows everything, the ``*`` rule (32767) denies, both ways [VPCUG23]."""
    aid = call.new_id("acl", "network-acl")
    entries = [
        _entry(100, "allow", True),
        _entry(32767, "deny", True),
        _entry(100, "allow", False),
        _entry(32767, "deny", False),
    ]
    doc = {
        "NetworkAclId": aid,
        "VpcId": vpc.id,
        "OwnerId": call.account,
        "IsDefault": True,
        "Entries": entries,
        "Associations": [],
    }
    return call.tx.put(call.record("network-acl", aid, doc, vpc.id))


def associate_default(call: Call, subnet: Record) -> None:
    """A new subnet joins its VPC's default ACL."""
    acl = next(a for a in call.tx.children("network-acl", subnet.parent or "") if a.doc["IsDefault"])
    doc = acl.mutable_doc()
    doc["Associations"].append(
        {
            "NetworkAclAssociationId": call.new_id("aclassoc", "network-acl-association"),
            "NetworkAclId": acl.id,
            "SubnetId": subnet.id,
        }
    )
    call.tx.put(acl.evolve(doc=doc))


def dissociate(call: Call, subnet_id: str, vpc_id: str) -> None:
    """A deleted subnet leaves whichever ACL it was associated with."""
    for acl in call.tx.children("network-acl", vpc_id):
        kept = [a for a in acl.doc["Associations"] if a["SubnetId"] != subnet_id]
        if len(kept) != len(acl.doc["Associations"]):
            call.tx.put(acl.with_doc(Associations=kept))
