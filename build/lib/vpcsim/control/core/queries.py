"""Read-only questions several families ask about records they do not own.

Each answer is a scan or lookup of records by kind, so the family that owns the kind need not be imported (and so no
family imports one above it): security groups ask for the default VPC, routes and security group rules for a prefix
list, route targets for an instance's interfaces, a prefix list for the groups that use it.
"""

from __future__ import annotations

from functools import lru_cache

from vpcsim.catalog import ManagedPrefixList, managed_prefix_lists
from vpcsim.control.core.call import Call
from vpcsim.control.core.lookup import check_id
from vpcsim.errors import NotFound
from vpcsim.model import Record
from vpcsim.model.kinds import KINDS

AWS_OWNER = "AWS"  # the OwnerId AWS-managed prefix lists show [EC2API DescribeManagedPrefixLists]


def find_default_vpc(call: Call) -> Record | None:
    return next((v for v in call.scan("vpc") if v.doc["IsDefault"]), None)


def attached_to(call: Call, instance: Record) -> list[Record]:
    """The instance's network interfaces, by device index."""
    found = [
        e
        for e in call.tx.children("network-interface", instance.doc.get("VpcId") or "")
        if (e.doc.get("Attachment") or {}).get("InstanceId") == instance.id
    ]
    return sorted(found, key=lambda e: e.doc["Attachment"]["DeviceIndex"])


def groups_using_prefix_list(call: Call, pl_id: str) -> list[Record]:
    """The caller's groups with a rule naming ``pl_id`` (GetManagedPrefixListAssociations, DeleteManagedPrefixList)."""
    ids = dict.fromkeys(r.parent for r in call.scan("security-group-rule") if r.doc.get("PrefixListId") == pl_id)
    return [g for g in (call.tx.find("security-group", gid or "") for gid in ids) if g is not None]


# -- prefix lists: customer-managed records and AWS-managed lists from the catalog -------------------------------
def is_aws_managed(record: Record) -> bool:
    return bool(record.doc.get("OwnerId") == AWS_OWNER)


@lru_cache(maxsize=64)
def aws_managed(region: str) -> tuple[Record, ...]:
    """The region's AWS-managed lists from the catalog, as (never stored) records."""
    return tuple(_aws_record(p) for p in managed_prefix_lists(region))


def _aws_record(pl: ManagedPrefixList) -> Record:
    doc = {
        "PrefixListId": pl.prefix_list_id,
        "AddressFamily": pl.address_family,
        "State": pl.state,
        "PrefixListArn": pl.prefix_list_arn,
        "PrefixListName": pl.prefix_list_name,
        "MaxEntries": pl.max_entries,
        "Version": pl.version,
        "OwnerId": AWS_OWNER,
    }
    versions = {str(pl.version): [{"Cidr": str(c)} for c in pl.cidrs]}
    return Record("prefix-list", pl.prefix_list_id, AWS_OWNER, pl.region, doc, None, {}, {"versions": versions})


def find_prefix_list(call: Call, pl_id: str) -> Record | None:
    """A customer list of the caller's account and region, or an AWS-managed list of the caller's region."""
    record = call.tx.find("prefix-list", pl_id)
    if record is not None and (record.region, record.account) == (call.region.name, call.account):
        return record
    return next((r for r in aws_managed(call.region.name) if r.id == pl_id), None)


def get_prefix_list(call: Call, pl_id: str) -> Record:
    check_id("prefix-list", pl_id)
    record = find_prefix_list(call, pl_id)
    if record is None:
        raise NotFound(KINDS["prefix-list"].not_found, KINDS["prefix-list"].missing_message([pl_id]))
    return record
