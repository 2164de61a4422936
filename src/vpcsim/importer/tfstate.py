"""Reading Terraform state (``terraform.tfstate`` format version 4, or the JSON of ``terraform show -json``), and the
``Builder`` the converters (``terraform_*``) write into: the describe outputs AWS would print for the same resources,
which the rest of the importer then maps like any dump (``terraform.convert`` runs the converters).

Each ``aws_*`` resource instance vpcsim models becomes the item its describe call shows (``aws_vpc`` a ``Vpcs``
item, ``aws_route`` a route inside its table's ``RouteTables`` item, ``aws_lb_target_group_attachment`` a registered
target); the attribute names are the provider's (hashicorp/aws 5.x) and the ids are kept. Resource types vpcsim
does not model are counted, never dropped silently; data sources describe nothing of the estate and are skipped.

Terraform's state lacks what AWS creates beside a resource without Terraform managing it (named assumptions, each
reported): a VPC's main route table, default security group and default network ACL, whose ids ``aws_vpc`` records,
are given the contents AWS gives a new VPC unless ``aws_default_*`` resources state them; ids AWS assigned and the
state does not record (a VPC's CIDR association, a route table's main association, an ACL's subnet associations, an
instance's interface attachment) are derived from what they belong to (``batch.derived_id``).

Scope: each resource's own Region and account (its ``region`` or ARN, its ``owner_id``, its Availability Zone),
else those most resources of the state name, else ``--region``/``--account``.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from vpcsim.importer.batch import Doc, ImportFailed, Scope, Source
from vpcsim.importer.sources import DEFAULT_ACCOUNT, Given, check_region, zone_region


def is_state(data: Any) -> bool:
    if not isinstance(data, dict):
        return False
    return ("terraform_version" in data and "resources" in data) or ("format_version" in data and "values" in data)


@dataclass(frozen=True, slots=True)
class Resource:
    type: str
    address: str
    attrs: Doc


def resources(path: str, data: Doc) -> tuple[list[Resource], int]:
    """The managed resource instances of a state and how many data sources it also holds."""
    if "values" in data:
        found = list(_module((data.get("values") or {}).get("root_module") or {}))
    elif data.get("version") == 4:
        found = list(_v4(data.get("resources") or []))
    else:
        raise ImportFailed(f"{path}: Terraform state format version {data.get('version')}: vpcsim reads version 4")
    managed = [r for mode, r in found if mode == "managed"]
    return managed, sum(1 for mode, _ in found if mode != "managed")


def _v4(entries: list[Doc]) -> Iterator[tuple[str, Resource]]:
    for entry in entries:
        prefix = f"{entry['module']}." if entry.get("module") else ""
        for instance in entry.get("instances") or []:
            key = instance.get("index_key")
            index = "" if key is None else f"[{key!r}]" if isinstance(key, str) else f"[{key}]"
            address = f"{prefix}{entry.get('type')}.{entry.get('name')}{index}"
            yield (
                entry.get("mode", "managed"),
                Resource(str(entry.get("type")), address, instance.get("attributes") or {}),
            )


def _module(module: Doc) -> Iterator[tuple[str, Resource]]:
    for entry in module.get("resources") or []:
        yield (
            entry.get("mode", "managed"),
            Resource(str(entry.get("type")), str(entry.get("address")), entry.get("values") or {}),
        )
    for child in module.get("child_modules") or []:
        yield from _module(child)


# -- the builder the converters write into ----------------------------------------------------------------------------
@dataclass
class Builder:
    """What the converters produce: describe items by (output member, scope), and what they could not take as given."""

    path: Path
    given: Given
    by_type: dict[str, list[Resource]] = field(default_factory=lambda: defaultdict(list))
    items: dict[tuple[str, Scope], list[Doc]] = field(default_factory=lambda: defaultdict(list))
    singles: list[Source] = field(default_factory=list)  # outputs of one object each (describe-table, a policy)
    unmodelled: Counter[str] = field(default_factory=Counter)
    assumptions: list[str] = field(default_factory=list)
    default: Scope = field(default=Scope(DEFAULT_ACCOUNT, ""))

    def of(self, kind: str) -> list[Doc]:
        return [r.attrs for r in self.by_type.get(kind, [])]

    def find(self, kind: str, rid: str) -> Doc | None:
        return next((a for a in self.of(kind) if a.get("id") == rid), None)

    def scope(self, attrs: Doc, *, near: Doc | None = None) -> Scope:
        """A resource's account and Region: its own, else those of ``near`` (what it belongs to), else the state's."""
        region, account = _region_of(attrs), _account_of(attrs)
        if (region is None or account is None) and near is not None:
            region, account = region or _region_of(near), account or _account_of(near)
        return Scope(account or self.default.account, region or self.default.region)

    def emit(self, member: str, scope: Scope, item: Doc) -> None:
        self.items[(member, scope)].append(_clean(item))

    def single(self, name: str, scope: Scope, data: Doc) -> None:
        self.singles.append(Source(str(self.path.parent / name), scope, data))

    def assume(self, text: str) -> None:
        self.assumptions.append(text)

    def sources(self) -> list[Source]:
        found = [
            Source(f"{self.path} ({member})", scope, {member: items}) for (member, scope), items in self.items.items()
        ]
        return found + self.singles


def _clean(item: Doc) -> Doc:
    """Terraform's empty values ("" and null) are absent members in AWS's shapes."""
    return {k: v for k, v in item.items() if v is not None and v != ""}


def _region_of(attrs: Doc) -> str | None:
    if attrs.get("region"):
        return str(attrs["region"])
    arn = str(attrs.get("arn") or "")
    parts = arn.split(":")
    if len(parts) > 4 and parts[3]:
        return parts[3]
    zone = attrs.get("availability_zone")
    return zone_region(zone) if isinstance(zone, str) and zone else None


def _account_of(attrs: Doc) -> str | None:
    owner = str(attrs.get("owner_id") or "")
    if len(owner) == 12 and owner.isdigit():
        return owner
    parts = str(attrs.get("arn") or "").split(":")
    return parts[4] if len(parts) > 4 and len(parts[4]) == 12 and parts[4].isdigit() else None


def default_scope(path: str, found: list[Resource], given: Given) -> Scope:
    regions = Counter(r for res in found if (r := _region_of(res.attrs)))
    accounts = Counter(a for res in found if (a := _account_of(res.attrs)))
    region = given.region or (regions.most_common(1)[0][0] if regions else None)
    if region is None:
        raise ImportFailed(f"{path}: cannot tell which Region this Terraform state describes: name it with --region")
    check_region(region, path)
    account = given.account or (accounts.most_common(1)[0][0] if accounts else DEFAULT_ACCOUNT)
    return Scope(account, region, f"account {account}, Region {region} (from the resources' ARNs and owners)")


Converter = Callable[[Builder], None]
