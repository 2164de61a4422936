"""VPCs, subnets, route tables, network ACLs, internet gateways, Elastic IPs, NAT gateways and prefix lists, from
what ``aws ec2 describe-*`` prints, into the records the control plane's network and gateway families write.

Each record's doc is the item as AWS described it, minus what the control plane derives whenever it shows the record
(a subnet's ``AvailableIpAddressCount``, a route's ``State``) and minus its tags (kept apart, as every record's are).
Members that older dumps lack and the control plane reads are filled with the value AWS gives a new resource
(``FILL``); recorded values are never changed.
"""

from __future__ import annotations

from ipaddress import ip_network
from typing import Any

from vpcsim.catalog import REGIONS, find_managed_prefix_list
from vpcsim.importer import hybrid
from vpcsim.importer.batch import Batch, Doc, Source, derived_id, in_subnet, items, need, record, tags_of, without
from vpcsim.model.arns import ec2_arn

FILL: dict[str, Doc] = {
    "vpc": {
        "State": "available",
        "InstanceTenancy": "default",
        "IsDefault": False,
        "Ipv6CidrBlockAssociationSet": [],
    },
    "subnet": {
        "State": "available",
        "DefaultForAz": False,
        "MapPublicIpOnLaunch": False,
        "AssignIpv6AddressOnCreation": False,
        "Ipv6CidrBlockAssociationSet": [],
        "Ipv6Native": False,
    },
    "route-table": {"Associations": [], "PropagatingVgws": [], "Routes": []},
    "network-acl": {"Associations": [], "Entries": [], "IsDefault": False},
    "internet-gateway": {"Attachments": []},
    "elastic-ip": {"Domain": "vpc"},
    "natgateway": {"ConnectivityType": "public", "NatGatewayAddresses": []},
}


def filled(kind: str, doc: Doc, **more: Any) -> Doc:
    """``doc`` with the members it lacks from ``FILL[kind]`` and ``more`` (recorded members always win; a null is no
    value AWS prints: a member AWS left out)."""
    defaults = {**FILL.get(kind, {}), **more}
    return doc | {k: v for k, v in defaults.items() if doc.get(k) is None}


def vpcs(batch: Batch, source: Source) -> None:
    scope = source.scope
    for item in items(source, "Vpcs"):
        need(source, item, "VpcId", "CidrBlock")
        vid = item["VpcId"]
        association = {
            "AssociationId": derived_id("vpc-cidr-assoc", vid, item["CidrBlock"]),
            "CidrBlock": item["CidrBlock"],
            "CidrBlockState": {"State": "associated"},
        }
        doc = filled("vpc", without(item, "Tags"), OwnerId=scope.account, CidrBlockAssociationSet=[association])
        batch.put(record("vpc", vid, scope, doc, None, tags_of(item)))


def vpc_attribute(batch: Batch, source: Source) -> None:
    """``aws ec2 describe-vpc-attribute`` (one attribute per call): the VPC's recorded DNS attributes."""
    data = source.data
    known = batch.find("vpc", str(data.get("VpcId")))
    if known is None:
        batch.dangle(
            f"{source.path}: the attributes of {data.get('VpcId')}, a VPC neither the import nor the state has"
        )
        return
    given = {name: bool(value.get("Value")) for name, value in data.items() if isinstance(value, dict)}
    # The attributes the call did not name keep what the state holds, else AWS's defaults for a new VPC.
    defaults = {"EnableDnsSupport": True, "EnableDnsHostnames": False, "EnableNetworkAddressUsageMetrics": False}
    attributes = {**defaults, **known.extra.get("attributes", {}), **given}
    batch.amend(known.with_extra(attributes=attributes, attributes_inferred=False))


def subnets(batch: Batch, source: Source) -> None:
    scope = source.scope
    region = REGIONS.get(scope.region)
    for item in items(source, "Subnets"):
        need(source, item, "SubnetId", "VpcId", "CidrBlock", "AvailabilityZone")
        sid = item["SubnetId"]
        zone = region.seen_by(scope.account).find_zone(item["AvailabilityZone"]) if region else None
        more: Doc = {"SubnetArn": ec2_arn(scope.region, item.get("OwnerId") or scope.account, "subnet", sid)}
        if zone is not None:
            more["AvailabilityZoneId"] = zone.zone_id  # the account's names as vpcsim maps them, for dumps without ids
        doc = filled("subnet", without(item, "Tags", "AvailableIpAddressCount"), OwnerId=scope.account, **more)
        batch.put(record("subnet", sid, scope, doc, item["VpcId"], tags_of(item)))


def route_tables(batch: Batch, source: Source) -> None:
    for item in items(source, "RouteTables"):
        need(source, item, "RouteTableId", "VpcId")
        routes = []
        for route in item.get("Routes") or []:
            if hybrid.is_propagated(route):  # derived from the VPN connections ending on the gateway
                hybrid.propagated(batch, str(route.get("GatewayId")), str(route.get("DestinationCidrBlock")))
            else:
                routes.append(without(route, "State"))  # a route's state is derived when shown
        doc = filled("route-table", {**without(item, "Tags"), "Routes": routes}, OwnerId=source.scope.account)
        batch.put(record("route-table", item["RouteTableId"], source.scope, doc, item["VpcId"], tags_of(item)))


def network_acls(batch: Batch, source: Source) -> None:
    for item in items(source, "NetworkAcls"):
        need(source, item, "NetworkAclId", "VpcId")
        doc = filled("network-acl", without(item, "Tags"), OwnerId=source.scope.account)
        batch.put(record("network-acl", item["NetworkAclId"], source.scope, doc, item["VpcId"], tags_of(item)))


def internet_gateways(batch: Batch, source: Source) -> None:
    for item in items(source, "InternetGateways"):
        need(source, item, "InternetGatewayId")
        doc = filled("internet-gateway", without(item, "Tags"), OwnerId=source.scope.account)
        batch.put(record("internet-gateway", item["InternetGatewayId"], source.scope, doc, None, tags_of(item)))


def addresses(batch: Batch, source: Source) -> None:
    for item in items(source, "Addresses"):
        if not item.get("AllocationId"):
            batch.drop(f"{source.path}: Elastic IP {item.get('PublicIp')} has no AllocationId (EC2-Classic)")
            continue
        doc = filled("elastic-ip", without(item, "Tags"), NetworkBorderGroup=source.scope.region)
        batch.put(record("elastic-ip", item["AllocationId"], source.scope, doc, None, tags_of(item)))


def nat_gateways(batch: Batch, source: Source) -> None:
    for item in items(source, "NatGateways"):
        need(source, item, "NatGatewayId", "SubnetId", "State")
        found = in_subnet(batch, source, filled("natgateway", without(item, "Tags")), "NAT gateway")
        if found is None:
            continue
        doc = without(found, "AvailabilityZone") if "AvailabilityZone" not in item else found
        # A dump is read as settled: the lifecycle step the control plane takes on a describe is taken (observed).
        extra = {"observed": True}
        batch.put(record("natgateway", item["NatGatewayId"], source.scope, doc, doc["VpcId"], tags_of(item), **extra))


# -- prefix lists ---------------------------------------------------------------------------------------------------
def prefix_lists(batch: Batch, source: Source) -> None:
    """``describe-prefix-lists`` (AWS-managed lists with their CIDRs) or ``describe-managed-prefix-lists``."""
    for item in items(source, "PrefixLists"):
        need(source, item, "PrefixListId")
        if "Cidrs" in item or item.get("OwnerId") == "AWS":
            _aws_managed(batch, source, item)
        else:
            _customer_managed(batch, source, item)


def _aws_managed(batch: Batch, source: Source, item: Doc) -> None:
    """AWS-managed lists are never stored: vpcsim answers them from its catalog. The dump's CIDRs are compared."""
    pl_id, region = item["PrefixListId"], source.scope.region
    batch.reference["AWS-managed prefix lists (answered from vpcsim's catalog)"] += 1
    known = find_managed_prefix_list(region, pl_id)
    if known is None:
        batch.assume(
            f"{pl_id} ({item.get('PrefixListName')}): not in vpcsim's catalog for {region}; routes to it match nothing"
        )
        return
    missing = [c for c in item.get("Cidrs") or [] if not any(_inside(c, str(k)) for k in known.cidrs)]
    if missing:
        batch.assume(
            f"{pl_id} ({known.prefix_list_name}): the dump lists {', '.join(missing)}, which vpcsim's catalog "
            "(AWS ip-ranges) does not: traces use the catalog's CIDRs"
        )


def _inside(cidr: str, other: str) -> bool:
    try:
        a, b = ip_network(cidr, strict=False), ip_network(other, strict=False)
    except ValueError:
        return False
    return a.version == b.version and a.subnet_of(b)  # type: ignore[arg-type]


def _customer_managed(batch: Batch, source: Source, item: Doc) -> None:
    pl_id = item["PrefixListId"]
    doc = filled("prefix-list", without(item, "Tags"), Version=1, AddressFamily="IPv4", State="create-complete")
    batch.put(record("prefix-list", pl_id, source.scope, doc, None, tags_of(item)))


def prefix_list_entries(batch: Batch, source: Source, pl_id: str) -> None:
    """``get-managed-prefix-list-entries`` (the list is named by the file name): the current version's entries."""
    known = batch.find("prefix-list", pl_id)
    if known is None:
        batch.dangle(f"{source.path}: entries of {pl_id}, a prefix list neither the import nor the state has")
        return
    entries = [{k: e[k] for k in ("Cidr", "Description") if k in e} for e in items(source, "Entries")]
    versions = {**known.extra.get("versions", {}), str(known.doc.get("Version", 1)): entries}
    batch.amend(known.with_extra(versions=versions))


def fill_prefix_list_entries(batch: Batch) -> None:
    """A customer list whose entries the import never saw is taken as empty (named assumption)."""
    for known in batch.imported("prefix-list"):
        version = str(known.doc.get("Version", 1))
        if version not in known.extra.get("versions", {}):
            batch.amend(known.with_extra(versions={**known.extra.get("versions", {}), version: []}))
            batch.assume(
                f"{known.id}: its entries are not in the import (get-managed-prefix-list-entries): "
                "the list is taken as empty"
            )
