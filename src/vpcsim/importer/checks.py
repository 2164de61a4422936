"""References between records, checked once every file is mapped: what cannot be placed is not imported, what
points at nothing is reported, and what every VPC has but the input lacked is recorded as a gap.

- A record that cannot exist without its container (a subnet without its VPC, an interface without its subnet, a
  rule without its group) is not imported, and the summary says so (``dropped``): the data plane could not place it.
- Any other reference to a record neither the import nor the state holds (a route to an unknown NAT gateway, an
  interface in an unknown security group) is kept as recorded and reported (``dangling``); the data plane treats
  it as AWS treats a deleted target (a route to it is a blackhole).
- A VPC without any security group, without its default network ACL or without its main route table has a gap: the
  import records it in the state's meta (``import/gaps/<vpc-id>``), the data plane fills it with a named assumption
  and every trace through the VPC says which (``control/analysis/assumed.py``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from vpcsim.catalog import find_managed_prefix_list
from vpcsim.control.analysis.assumed import NOTES
from vpcsim.importer.batch import Batch
from vpcsim.model import Record, id_kind

Refs = Callable[[Record], Iterator[tuple[str, str]]]  # (what it is, id)


def _member(*path: str) -> Callable[[Record], Any]:
    def read(record: Record) -> Any:
        value: Any = record.doc
        for name in path:
            value = value.get(name) if isinstance(value, dict) else None
        return value

    return read


# kind -> (how its container is named, the container's kind), in cascade order.
_CONTAINERS: tuple[tuple[str, Callable[[Record], Any], str], ...] = (
    ("subnet", _member("VpcId"), "vpc"),
    ("route-table", _member("VpcId"), "vpc"),
    ("network-acl", _member("VpcId"), "vpc"),
    ("security-group", _member("VpcId"), "vpc"),
    ("security-group-rule", _member("GroupId"), "security-group"),
    ("network-interface", _member("SubnetId"), "subnet"),
    ("natgateway", _member("SubnetId"), "subnet"),
    ("vpc-endpoint", _member("VpcId"), "vpc"),
    ("load-balancer", _member("VpcId"), "vpc"),
    ("target-group", _member("VpcId"), "vpc"),
    ("listener", lambda r: r.parent, "load-balancer"),
    ("transit-gateway-route-table", _member("TransitGatewayId"), "transit-gateway"),
    ("resolver-endpoint", _member("HostVPCId"), "vpc"),
    ("resolver-rule-association", _member("VPCId"), "vpc"),
)


def drop_orphans(batch: Batch) -> None:
    for kind, container, parent_kind in _CONTAINERS:
        for record in batch.imported(kind):
            pid = container(record)
            if pid and batch.find(parent_kind, str(pid)) is None:
                del batch.records[kind][record.id]
                batch.complete_rules.discard(record.id)
                batch.drop(f"{record.id}: not imported: its {parent_kind} {pid} is in neither the import nor the state")


# -- dangling references ----------------------------------------------------------------------------------------------
def _route_targets(table: Record) -> Iterator[tuple[str, str]]:
    for route in table.doc.get("Routes") or []:
        for member in (
            "GatewayId",
            "NatGatewayId",
            "NetworkInterfaceId",
            "InstanceId",
            "VpcPeeringConnectionId",
            "TransitGatewayId",
            "DestinationPrefixListId",
        ):
            value = route.get(member)
            if value and value != "local":
                yield "route target", str(value)
    for association in table.doc.get("Associations") or []:
        if association.get("SubnetId"):
            yield "associated subnet", association["SubnetId"]


def _listed(*path: str, what: str, key: str | None = None) -> Refs:
    def refs(record: Record) -> Iterator[tuple[str, str]]:
        value = _member(*path)(record)
        for item in value if isinstance(value, list) else [value]:
            found = item.get(key) if key and isinstance(item, dict) else item
            if found:
                yield what, str(found)

    return refs


_REFERENCES: dict[str, tuple[Refs, ...]] = {
    "route-table": (_route_targets,),
    "network-acl": (_listed("Associations", what="associated subnet", key="SubnetId"),),
    "security-group-rule": (
        _listed("ReferencedGroupInfo", what="referenced group", key="GroupId"),
        _listed("PrefixListId", what="prefix list"),
    ),
    "network-interface": (
        _listed("Groups", what="security group", key="GroupId"),
        _listed("Attachment", what="instance", key="InstanceId"),
    ),
    "instance": (_listed("NetworkInterfaces", what="network interface", key="NetworkInterfaceId"),),
    "internet-gateway": (_listed("Attachments", what="attached VPC", key="VpcId"),),
    "elastic-ip": (_listed("NetworkInterfaceId", what="network interface"), _listed("InstanceId", what="instance")),
    "natgateway": (_listed("NatGatewayAddresses", what="network interface", key="NetworkInterfaceId"),),
    "vpc-endpoint": (
        _listed("RouteTableIds", what="route table"),
        _listed("SubnetIds", what="subnet"),
        _listed("NetworkInterfaceIds", what="network interface"),
        _listed("Groups", what="security group", key="GroupId"),
    ),
    "vpc-peering-connection": (
        _listed("RequesterVpcInfo", what="requester VPC", key="VpcId"),
        _listed("AccepterVpcInfo", what="accepter VPC", key="VpcId"),
    ),
    "transit-gateway-attachment": (
        _listed("TransitGatewayId", what="transit gateway"),
        _listed("VpcId", what="VPC"),
        _listed("SubnetIds", what="subnet"),
        _listed("AccepterTgwInfo", what="peer transit gateway", key="TransitGatewayId"),
    ),
    "load-balancer": (_listed("AvailabilityZones", what="subnet", key="SubnetId"),),
    "vpc-flow-log": (_listed("ResourceId", what="flow-logged resource"),),
}


def _known(batch: Batch, region: str, rid: str) -> bool:
    if rid.startswith("arn:") or "/" in rid:
        return True  # ELBv2 ARNs and other resources are checked where their families link them
    if rid.startswith(_UNMODELLED):
        return False  # a resource vpcsim does not model: reported, with what a route to it does
    kind = id_kind(rid)
    if kind is None:
        return True  # not an id of a kind vpcsim knows (an IP target, "local")
    if kind == "prefix-list" and find_managed_prefix_list(region, rid) is not None:
        return True
    return batch.find(kind, rid) is not None


def dangling(batch: Batch) -> None:
    for kind, checks in _REFERENCES.items():
        for record in batch.imported(kind):
            for refs in checks:
                for what, rid in refs(record):
                    if not _known(batch, record.region, rid):
                        batch.dangle(
                            f"{record.id}: its {what} {rid} is in neither the import nor the state" + _unmodelled(rid)
                        )
    for table in batch.imported("transit-gateway-route-table"):
        targets = [s.get("TransitGatewayAttachmentId") for s in table.extra.get("static") or []]
        for aid in [*targets, *(table.extra.get("propagations") or [])]:
            if aid and batch.find("transit-gateway-attachment", aid) is None:
                batch.dangle(f"{table.id}: its route or propagation to {aid} names an attachment vpcsim does not have")


_UNMODELLED = ("cagw-", "lgw-")


def _unmodelled(rid: str) -> str:
    if rid.startswith(_UNMODELLED):
        return " (a gateway vpcsim does not model yet, so routes to it are blackholes)"
    return ""


# -- gaps -------------------------------------------------------------------------------------------------------------
def gaps(batch: Batch) -> dict[str, list[str]]:
    """Per VPC the import touched: the families every VPC has that neither the import nor the state holds."""
    touched = {r.id for r in batch.imported("vpc")}
    for kind in ("subnet", "network-interface", "route-table", "network-acl", "security-group", "vpc-endpoint"):
        touched |= {str(r.doc.get("VpcId")) for r in batch.imported(kind) if r.doc.get("VpcId")}
    found: dict[str, list[str]] = {}
    for vpc_id in sorted(touched):
        if batch.find("vpc", vpc_id) is None:
            continue
        missing = []
        if not batch.children("security-group", vpc_id):
            missing.append("security-groups")
        if not any(a.doc.get("IsDefault") for a in batch.children("network-acl", vpc_id)):
            missing.append("network-acls")
        if not any(
            any(x.get("Main") for x in t.doc.get("Associations") or []) for t in batch.children("route-table", vpc_id)
        ):
            missing.append("route-tables")
        found[vpc_id] = missing
        for gap in missing:
            batch.assume(NOTES[gap].format(vpc=vpc_id).replace("the trace assumes", "traces assume"))
    return found
