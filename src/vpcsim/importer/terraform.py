"""Terraform state into the describe outputs the importer maps: each converter module (``terraform_network``,
``terraform_compute``, ``terraform_interconnect``, ``terraform_services``) turns the resource types it knows into
describe items; every other ``aws_*`` type is counted as not modelled (see ``tfstate`` for the reading and the
named assumptions)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from vpcsim.importer import (
    terraform_compute,
    terraform_hybrid,
    terraform_interconnect,
    terraform_network,
    terraform_services,
)
from vpcsim.importer.batch import Scope, Source
from vpcsim.importer.sources import Given, Loaded
from vpcsim.importer.tfstate import Builder, Converter, default_scope, is_state, resources

_MODULES = (terraform_network, terraform_compute, terraform_interconnect, terraform_services, terraform_hybrid)


@dataclass
class Converted:
    sources: list[Source]
    unmodelled: Counter[str]
    assumptions: list[str]


def convert(item: Loaded, given: Given) -> Converted:
    path = str(item.path)
    found, data_sources = resources(path, item.data)
    builder = Builder(item.path, given, default=default_scope(path, found, given))
    for resource in found:
        builder.by_type[resource.type].append(resource)
    converters: dict[str, Converter] = {k: v for m in _MODULES for k, v in m.CONVERTERS.items()}
    handled = {kind for m in _MODULES for kind in m.HANDLED}
    for convert_one in (*dict.fromkeys(converters.values()), *terraform_hybrid.LATE):
        convert_one(builder)
    for kind, members in builder.by_type.items():
        if kind not in handled:
            builder.unmodelled[f"{kind} (Terraform resource type)"] += len(members)
    if data_sources:
        builder.unmodelled["Terraform data sources (they describe nothing of the estate)"] += data_sources
    how = "(Terraform state: each resource's ARN, owner or zone, else the state's most common)"
    sources = [
        Source(
            s.path,
            Scope(s.scope.account, s.scope.region, f"account {s.scope.account}, Region {s.scope.region} {how}"),
            s.data,
        )
        for s in builder.sources()
    ]
    return Converted(sources, builder.unmodelled, builder.assumptions)


__all__ = ["Converted", "convert", "is_state"]
