"""The filter names an EC2 Describe call accepts beyond its documented ones, derived from its output shape.

EC2 answers filters named after the members of what it describes, not only the names its documentation lists: the
member's wire name as the XML response spells it (camelCase, ``cidrBlock``, ``isDefault``, ``defaultForAz``) and the
same in kebab-case (``cidr-block``, ``is-default``, ``default-for-az``), nested members joined by dots. Sources:

- Eucalyptus, an EC2-compatible cloud tested against EC2: "AWS EC2 api allows the use of either ``cidr-block`` or
  ``cidrBlock`` for the ``cidr`` filter. These filters are also allowed for describe subnets"
  (github.com/Corymbia/eucalyptus issue 316, pull request 317).
- moto (github.com/getmoto/moto, ``moto/ec2/models/vpcs.py`` and ``subnets.py``, ``get_filter_value``) answers
  ``cidrBlock``/``cidr-block``, ``isDefault``, ``vpcId``, ``dhcpOptionsId``, ``availabilityZone``, ``defaultForAz``
  next to the documented names, as clients use them.
- Ansible's amazon.aws collection, tested against AWS: ``ec2_vpc_net`` filters DescribeVpcs by ``cidr-block``,
  ``ec2_vpc_subnet`` DescribeSubnets by ``cidr-block``, ``ec2_instance`` DescribeVpcs by ``isDefault``
  (github.com/ansible-collections/amazon.aws, plugins/modules).
- The documented names themselves follow the rule for nested lists, with the list's ``Set`` suffix dropped:
  DescribeVpcs ``cidr-block-association.cidr-block`` is ``cidrBlockAssociationSet`` > ``cidrBlock``,
  DescribeRouteTables ``association.subnet-id`` is ``associationSet`` > ``subnetId``, DescribeNetworkAcls
  ``entry.rule-action`` is ``entrySet`` > ``ruleAction`` (botocore's EC2 model documentation).

So every scalar member reachable from the described item (through structures and lists) is a filter, named by its
path in camelCase wire names and in kebab-case, a list's kebab name also without ``-set``. ``tag:<key>``,
``tag-key`` and ``tag-value`` are filters wherever the item has tags. Anything else is not a filter: AWS answers
``InvalidParameterValue`` ("The filter 'x' is invalid").

The described item is the list member the Listing pages (``Vpcs`` of DescribeVpcs, ``Instances`` inside
``Reservations`` of DescribeInstances), found in the operation's output shape.

>>> derived("DescribeVpcs", "Vpcs").paths["cidrBlock"]
(('CidrBlock',),)
>>> derived("DescribeVpcs", "Vpcs").paths["cidr-block-association.cidr-block"]
(('CidrBlockAssociationSet', 'CidrBlock'),)
>>> kebab("ipv6CidrBlockAssociationSet")
'ipv6-cidr-block-association-set'
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from botocore.model import OperationModel, Shape, StructureShape

from vpcsim.protocol import load_service

Path = tuple[str, ...]  # botocore member names from the described item down to a scalar
_MAX_DEPTH = 5
_SCALARS = frozenset({"string", "integer", "long", "boolean", "timestamp", "double", "float"})


@dataclass(frozen=True, slots=True)
class DerivedFilters:
    """The filters one Describe call's items answer: name -> the member paths it reads; whether they carry tags."""

    paths: dict[str, tuple[Path, ...]]
    tagged: bool


NONE = DerivedFilters({}, tagged=True)  # an item vpcsim cannot find in the model: tag filters only, as before


def kebab(name: str) -> str:
    """``cidrBlockAssociationSet`` -> ``cidr-block-association-set``; ``ipv6Native`` -> ``ipv6-native``."""
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "-", name)
    return spaced.lower()


def _wire(member: str, shape: Shape) -> str:
    """The member's name in EC2's XML response: its locationName, else its member name."""
    return str(shape.serialization.get("name") or member)


Spelling = tuple[str, tuple[str, ...]]  # one path segment: its camelCase wire name, its kebab-case forms


def _segment(member: str, shape: Shape) -> Spelling:
    wire = _wire(member, shape)
    kebabs = [kebab(wire)]
    if shape.type_name == "list" and wire.endswith("Set") and len(wire) > 3:
        kebabs.append(kebab(wire[:-3]))
    return wire, tuple(kebabs)


def _leaves(shape: StructureShape, seen: frozenset[str], depth: int) -> Iterator[tuple[Path, list[Spelling]]]:
    """Every scalar member path under ``shape`` with each segment's spellings (recursive shapes cut off)."""
    for name, member in shape.members.items():
        inner = member.member if member.type_name == "list" else member
        spelled = _segment(name, member)
        if inner.type_name in _SCALARS:
            yield (name,), [spelled]
        elif inner.type_name == "structure" and inner.name not in seen and depth < _MAX_DEPTH:
            assert isinstance(inner, StructureShape)
            for path, spellings in _leaves(inner, seen | {inner.name}, depth + 1):
                yield (name, *path), [spelled, *spellings]


def _names(spellings: list[Spelling]) -> set[str]:
    """The camelCase path and every kebab-case path (each list segment with and without ``-set``)."""
    kebabs = [""]
    for _, forms in spellings:
        kebabs = [f"{head}.{form}" if head else form for head in kebabs for form in forms]
    return {".".join(wire for wire, _ in spellings), *kebabs}


def _is_tags(shape: Shape) -> bool:
    inner = shape.member if shape.type_name == "list" else None
    return inner is not None and inner.type_name == "structure" and {"Key", "Value"} <= set(inner.members)


def item_shape(operation: OperationModel, page_member: str) -> StructureShape | None:
    """The structure of the items ``page_member`` lists in the operation's output (searched depth-first)."""
    output = operation.output_shape
    return _find_list(output, page_member, 0) if isinstance(output, StructureShape) else None


def _find_list(shape: StructureShape, name: str, depth: int) -> StructureShape | None:
    found = shape.members.get(name)
    if found is not None and found.type_name == "list" and found.member.type_name == "structure":
        return found.member
    for member in shape.members.values():
        inner = member.member if member.type_name == "list" else member
        if isinstance(inner, StructureShape) and depth < 2:
            deeper = _find_list(inner, name, depth + 1)
            if deeper is not None:
                return deeper
    return None


@cache
def derived(operation: str, page_member: str) -> DerivedFilters:
    """The derived filters of ``operation``'s items listed as ``page_member`` (``NONE`` when not found)."""
    service = load_service("ec2")
    model = service.find_operation(operation)
    shape = item_shape(model, page_member) if model is not None else None
    if shape is None:
        return NONE
    paths: dict[str, list[Path]] = {}
    for path, spellings in _leaves(shape, frozenset({shape.name}), 0):
        for name in _names(spellings):
            paths.setdefault(name, []).append(path)
    tagged = any(_is_tags(m) for m in shape.members.values())
    return DerivedFilters({k: tuple(v) for k, v in paths.items()}, tagged)


@cache
def operation_for(page_member: str) -> str | None:
    """The Describe operation that lists ``page_member``, for a Listing asked without a call that names it:
    ``Describe<page_member>`` when it lists them, else the one operation with a filter whose output has them."""
    service = load_service("ec2")
    named = service.find_operation(f"Describe{page_member}")
    if named is not None and item_shape(named, page_member) is not None:
        return str(named.name)
    models = (service.model.operation_model(op) for op in sorted(service.operation_names))
    found = [m.name for m in models if _takes_filters(m) and _top_level_list(m, page_member)]
    return found[0] if len(found) == 1 else None


def _takes_filters(operation: OperationModel) -> bool:
    members = operation.input_shape.members if operation.input_shape is not None else {}
    return "Filters" in members or "Filter" in members


def _top_level_list(operation: OperationModel, page_member: str) -> bool:
    output = operation.output_shape
    return isinstance(output, StructureShape) and page_member in output.members


_CODE = re.compile(r"<li>\s*<p>\s*<code>([^<]+)</code>")
_LISTS = re.compile(r"(<ul>|</ul>)")


def _outer_items(html: str) -> str:
    """The documentation without lists nested in a list item: a filter's list of values (DescribeImages'
    ``scan-result.highest-finding-severity-label``: ``low``, ``high`` ...) names no filter."""
    depth, kept = 0, []
    for part in _LISTS.split(html):
        if part == "<ul>":
            depth += 1
        elif part == "</ul>":
            depth -= 1
        elif depth <= 1:
            kept.append(part)
    return "".join(kept)


def documented(operation: str) -> tuple[str, ...]:
    """The filter names botocore's documentation of ``operation`` lists (``tag`` is written ``tag:<key>``)."""
    model = load_service("ec2").find_operation(operation)
    members = model.input_shape.members if model is not None and model.input_shape is not None else {}
    flt = members.get("Filters") or members.get("Filter")
    if flt is None:
        return ()
    names = [n.strip() for n in _CODE.findall(_outer_items(flt.documentation or ""))]
    return tuple(dict.fromkeys("tag:<key>" if n in ("tag", "tag:&lt;key&gt;") else n for n in names))


__all__ = ["NONE", "DerivedFilters", "derived", "documented", "item_shape", "kebab", "operation_for"]
