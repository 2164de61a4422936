"""Security groups and their rules, network interfaces and instances, into the records the control plane's security
and compute families write.

A security group's rules are one ``security-group-rule`` record each (the control plane derives ``IpPermissions``
from them). ``describe-security-group-rules`` gives their real ids; ``describe-security-groups`` lists them only
inside their group, so each gets an id derived from its group and its content (``derived_id``). Either way the
import states a group's whole rule set: rules of that group the state holds and the import does not are removed.

An instance's record keeps its interfaces by reference (id, attachment id, device index); the interfaces are the
source of truth for its addresses and groups, as its volumes are for its block device mappings (``machines``). An
interface that ``describe-instances`` shows and no ``describe-network-interfaces`` output lists is taken from the
instance's own entry.
"""

from __future__ import annotations

from vpcsim.catalog import REGIONS
from vpcsim.control.security.rules import key, specs_from_permission
from vpcsim.errors import ApiError
from vpcsim.importer import machines
from vpcsim.importer.batch import (
    Batch,
    Doc,
    ImportFailed,
    Source,
    derived_id,
    in_subnet,
    items,
    need,
    record,
    tags_of,
    without,
)
from vpcsim.model import Record
from vpcsim.model.arns import ec2_arn

_RULES = "security-group-rules"  # batch.pending key: group id -> (priority, rule records)
_PAIR_MEMBERS = ("GroupId", "UserId", "VpcId", "VpcPeeringConnectionId", "PeeringStatus")
_INTERFACE_FILL: Doc = {
    "Groups": [],
    "InterfaceType": "interface",
    "Ipv6Addresses": [],
    "Description": "",
    "RequesterManaged": False,
    "SourceDestCheck": True,
}


def security_groups(batch: Batch, source: Source) -> None:
    scope = source.scope
    for item in items(source, "SecurityGroups"):
        need(source, item, "GroupId", "GroupName")  # AWS always names a group; traces and drawings show it
        gid = item["GroupId"]
        if not item.get("VpcId"):
            batch.drop(f"{source.path}: security group {gid} belongs to no VPC (EC2-Classic)")
            continue
        owner = item.get("OwnerId") or scope.account
        doc = without(item, "Tags", "IpPermissions", "IpPermissionsEgress")
        doc.setdefault("OwnerId", owner)
        doc.setdefault("SecurityGroupArn", ec2_arn(scope.region, owner, "security-group", gid))
        group = batch.put(record("security-group", gid, scope, doc, item["VpcId"], tags_of(item)))
        rules = [
            _rule_from_spec(group, spec)
            for egress, member in ((False, "IpPermissions"), (True, "IpPermissionsEgress"))
            for permission in item.get(member) or []
            for spec in _specs(source, gid, permission, egress)
        ]
        _offer_rules(batch, gid, 1, rules)


def _specs(source: Source, gid: str, permission: Doc, egress: bool) -> list[Doc]:
    return specs(source.path, gid, permission, egress)


def specs(path: str, gid: str, permission: Doc, egress: bool) -> list[Doc]:
    """The rules (as DescribeSecurityGroupRules shows them, minus ids) one ``IpPermission`` of ``gid`` holds."""
    try:
        specs = specs_from_permission(permission, egress)
    except ApiError as error:
        raise ImportFailed(f"{path}: a rule of {gid}: {error.message}") from None
    for spec in specs:
        pair = spec.pop("_pair", None)
        if pair is not None:
            spec["ReferencedGroupInfo"] = {k: pair[k] for k in _PAIR_MEMBERS if k in pair}
    return specs


def rule_id(group_id: str, spec: Doc) -> str:
    """A rule listed only inside its group: an id derived from the group and what the rule allows."""
    return derived_id("sgr", group_id, *map(str, key(spec)))


def _rule_from_spec(group: Record, spec: Doc) -> Record:
    description = spec.get("Description")
    rid = rule_id(group.id, spec)
    doc = {
        "SecurityGroupRuleId": rid,
        "GroupId": group.id,
        "GroupOwnerId": group.doc["OwnerId"],
        **{k: v for k, v in spec.items() if k != "Description"},
        "SecurityGroupRuleArn": ec2_arn(group.region, group.doc["OwnerId"], "security-group-rule", rid),
    }
    if description is not None:
        doc["Description"] = description
    return Record("security-group-rule", rid, group.account, group.region, doc, group.id)


def security_group_rules(batch: Batch, source: Source) -> None:
    """``describe-security-group-rules``: rules with their real ids; they win over rules derived from the group."""
    by_group: dict[str, list[Record]] = {}
    for item in items(source, "SecurityGroupRules"):
        need(source, item, "SecurityGroupRuleId", "GroupId", "IpProtocol", "IsEgress")
        owner = item.get("GroupOwnerId") or source.scope.account
        rid = item["SecurityGroupRuleId"]
        arn = ec2_arn(source.scope.region, owner, "security-group-rule", rid)
        doc = {"FromPort": -1, "ToPort": -1, **without(item, "Tags"), "GroupOwnerId": owner}
        doc.setdefault("SecurityGroupRuleArn", arn)
        rule = record("security-group-rule", rid, source.scope, doc, item["GroupId"], tags_of(item))
        by_group.setdefault(item["GroupId"], []).append(rule)
    for gid, rules in by_group.items():
        _offer_rules(batch, gid, 2, rules)


def _offer_rules(batch: Batch, gid: str, priority: int, rules: list[Record]) -> None:
    offered: dict[str, tuple[int, list[Record], str]] = batch.pending.setdefault(_RULES, {})
    current = offered.get(gid)
    if current is None or current[0] <= priority:
        offered[gid] = (priority, rules, batch.current)


def finish_rules(batch: Batch) -> None:
    """Write each group's rule set as the best source states it; the state's other rules of the group go."""
    for gid, (_, rules, path) in batch.pending.get(_RULES, {}).items():
        if batch.find("security-group", gid) is None:
            batch.dangle(f"rules of {gid}, a security group neither the import nor the state has")
            continue
        batch.current = path
        for rule in rules:
            batch.put(rule)
        batch.complete_rules.add(gid)
    batch.current = ""


# -- network interfaces and instances ---------------------------------------------------------------------------------
def network_interfaces(batch: Batch, source: Source) -> None:
    for item in items(source, "NetworkInterfaces"):
        need(source, item, "NetworkInterfaceId", "SubnetId", "PrivateIpAddress")
        doc = in_subnet(batch, source, without(item, "TagSet", "Tags"), "network interface")
        if doc is not None:
            batch.put(_interface(source, doc, tags_of(item, "TagSet") or tags_of(item)))


def _interface(source: Source, doc: Doc, tags: dict[str, str]) -> Record:
    primary = {"Primary": True, "PrivateIpAddress": doc["PrivateIpAddress"]}
    doc = doc | {k: v for k, v in _INTERFACE_FILL.items() if k not in doc}
    doc.setdefault("PrivateIpAddresses", [primary])
    doc.setdefault("OwnerId", source.scope.account)
    doc.setdefault("Status", "in-use" if doc.get("Attachment") else "available")
    if doc.get("Attachment"):
        # AWS always shows it; an interface made with its instance goes with it (device 0), others stay.
        attachment = doc["Attachment"]
        doc["Attachment"] = {"DeleteOnTermination": attachment.get("DeviceIndex") == 0, **attachment}
    return record("network-interface", doc["NetworkInterfaceId"], source.scope, doc, doc["VpcId"], tags)


def reservations(batch: Batch, source: Source) -> None:
    for reservation in items(source, "Reservations"):
        for item in reservation.get("Instances") or []:
            need(source, item, "InstanceId", "State")
            _instance(batch, source, item, str(reservation.get("ReservationId") or ""))


def _instance(batch: Batch, source: Source, item: Doc, reservation: str) -> None:
    iid = item["InstanceId"]
    enis = [n for n in item.get("NetworkInterfaces") or [] if n.get("NetworkInterfaceId")]
    refs = [
        {
            "NetworkInterfaceId": n["NetworkInterfaceId"],
            "Attachment": {k: (n.get("Attachment") or {}).get(k) for k in ("AttachmentId", "DeviceIndex")},
        }
        for n in enis
    ]
    refs.sort(key=lambda r: r["Attachment"]["DeviceIndex"] or 0)
    # BlockDeviceMappings is read from the instance's volumes whenever it is shown (machines.instance_volumes).
    doc = {**without(item, "Tags", "NetworkInterfaces", "BlockDeviceMappings"), "NetworkInterfaces": refs}
    placement = dict(doc.get("Placement") or {})
    region = REGIONS.get(source.scope.region)
    view = region.seen_by(source.scope.account) if region else None
    zone = view.find_zone(str(placement.get("AvailabilityZone"))) if view else None
    if zone is not None and "AvailabilityZoneId" not in placement:
        doc["Placement"] = {**placement, "AvailabilityZoneId": zone.zone_id}  # vpcsim's AZ name -> id mapping
    # A terminated instance no longer belongs to its VPC (it does not block DeleteVpc), as the control plane keeps it.
    parent = item.get("VpcId") if item["State"].get("Name") != "terminated" else None
    extra = {"reservation": reservation or derived_id("r", iid), "disable_api_termination": False}
    instance = batch.put(record("instance", iid, source.scope, doc, parent, tags_of(item), **extra))
    machines.instance_volumes(batch, source, instance, item.get("BlockDeviceMappings"))
    pending: list[tuple[Source, Doc, Doc]] = batch.pending.setdefault("instance-interfaces", [])
    pending += [(source, item, n) for n in enis]


def finish_instance_interfaces(batch: Batch) -> None:
    """Interfaces only ``describe-instances`` shows: taken from the instance's entry (AZ from its placement)."""
    taken = []
    for source, instance, nic in batch.pending.get("instance-interfaces", []):
        if batch.find("network-interface", nic["NetworkInterfaceId"]) is not None:
            continue
        if not (nic.get("SubnetId") and nic.get("VpcId") and nic.get("PrivateIpAddress")):
            continue
        attachment = {
            **(nic.get("Attachment") or {}),
            "InstanceId": instance["InstanceId"],
            "InstanceOwnerId": nic.get("OwnerId") or source.scope.account,
        }
        doc = {
            **without(nic, "Attachment", "TagSet", "Tags"),
            "Attachment": attachment,
            "AvailabilityZone": (instance.get("Placement") or {}).get("AvailabilityZone"),
        }
        batch.current = source.path
        batch.put(_interface(source, {k: v for k, v in doc.items() if v is not None}, {}))
        batch.current = ""
        taken.append(nic["NetworkInterfaceId"])
    if taken:
        batch.assume(
            f"{len(taken)} network interface(s) ({', '.join(taken[:5])}{', ...' if len(taken) > 5 else ''}) taken "
            "from their instance's entry: the import lists no such network interface"
        )


def interface_zones(batch: Batch) -> None:
    """Interfaces without an AvailabilityZone get their subnet's (older dumps and instance entries)."""
    for eni in batch.imported("network-interface"):
        if eni.doc.get("AvailabilityZone"):
            continue
        subnet = batch.find("subnet", eni.doc["SubnetId"])
        if subnet is not None:
            zone = {"AvailabilityZone": subnet.doc["AvailabilityZone"]}
            if subnet.doc.get("AvailabilityZoneId"):
                zone["AvailabilityZoneId"] = subnet.doc["AvailabilityZoneId"]
            batch.amend(eni.with_doc(**zone))
