"""``vpcsim import``: a real estate into a state, from the JSON AWS and Terraform print, without credentials.

Inputs (docs/import.md): the JSON ``aws ec2 describe-*`` (and ``elbv2``, ``s3api``, ``dynamodb``, ``route53``)
print, one call per file and file names free; Batfish's ``aws_configs`` layout; Terraform state (format 4, or
``terraform show -json``). Files are recognised by content (``shapes``), mapped family by family into the records the
control plane itself writes (``network``, ``compute``, ``endpoints``, ``interconnect``, ``elbv2``, ``services``,
``terraform``), linked and checked once all are read (``derive``, ``checks``), and written in ONE store transaction
(``writer``): bad input leaves nothing behind, and the same input imported twice changes nothing.

This package is a client of the store and the control plane's rules, at the layer of ``vpcsim.demo``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from vpcsim.importer import (
    checks,
    compute,
    derive,
    elbv2,
    endpoints,
    hybrid,
    interconnect,
    machines,
    network,
    resolver,
    terraform,
    validate,
)
from vpcsim.importer.batch import Batch, ImportFailed, Scope, Source
from vpcsim.importer.shapes import Shape, count, shape_of
from vpcsim.importer.sources import Given, Loaded, load, parse, scoped
from vpcsim.importer.writer import Summary
from vpcsim.importer.writer import write as write_batch
from vpcsim.store import Store

_FINISH: tuple[Callable[[Batch], None], ...] = (
    compute.finish_rules,
    compute.finish_instance_interfaces,
    machines.finish_instance_volumes,
    compute.interface_zones,
    network.fill_prefix_list_entries,
    interconnect.finish_peering_views,
    derive.nat_gateways,
    interconnect.finish_transit,
    elbv2.finish_load_balancers,
    endpoints.finish_endpoints,
    resolver.finish,
    hybrid.finish_vpn_attachments,
    hybrid.finish_vpn,
    checks.drop_orphans,
    derive.allocations,
    derive.dns_attributes,
    checks.dangling,
)


def import_paths(store: Store, paths: Iterable[str | Path], given: Given = Given()) -> Summary:
    """Import files and folders into ``store``, in one transaction; ``ImportFailed`` keeps nothing."""
    return import_loaded(store, load(paths), given)


def import_payload(store: Store, payload: Any) -> Summary:
    """The admin API's form: ``{"files": [{"name": "...", "content": {...} or "text"}], "account"?, "region"?}``."""
    if not isinstance(payload, dict) or not isinstance(payload.get("files"), list) or not payload["files"]:
        raise ImportFailed(
            'the body must be {"files": [{"name": ..., "content": ...}], "account"?: ..., "region"?: ...}'
        )
    loaded = []
    for index, item in enumerate(payload["files"]):
        name = item.get("name") if isinstance(item, dict) else None
        if not isinstance(name, str) or not name or "content" not in item:
            raise ImportFailed(f"files[{index}]: each file needs a name and a content")
        content = item["content"]
        data = parse(name, content.encode()) if isinstance(content, str) else content
        if not isinstance(data, dict):
            raise ImportFailed(f"{name}: unknown shape: a JSON {type(data).__name__}, not an object")
        loaded.append(Loaded(Path(name), data))
    given = Given(_text(payload, "account"), _text(payload, "region"))
    return import_loaded(store, loaded, given)


def _text(payload: dict[str, Any], key: str) -> str | None:
    value = payload.get(key)
    return str(value) if value else None


def _convert(item: Loaded, given: Given) -> terraform.Converted:
    try:
        return terraform.convert(item, given)
    except _MALFORMED as error:
        raise ImportFailed(f"{item.path}: malformed Terraform state ({type(error).__name__}: {error})") from None


def _finish(batch: Batch, step: Callable[[Batch], None]) -> None:
    try:
        step(batch)
    except _MALFORMED as error:
        raise ImportFailed(f"the import's files do not fit together ({type(error).__name__}: {error})") from None


def import_loaded(store: Store, loaded: list[Loaded], given: Given) -> Summary:
    dumps = [item for item in loaded if not terraform.is_state(item.data)]
    for item in dumps:  # an unknown shape is refused before anything else is asked of the file
        shape_of(Source(str(item.path), Scope("", ""), item.data))
    converted = [_convert(item, given) for item in loaded if terraform.is_state(item.data)]
    sources = scoped(dumps, given) + [s for c in converted for s in c.sources]
    plan = sorted(((shape_of(s), s) for s in sources), key=lambda p: (p[0].order, p[1].path))
    summary = Summary(files=len(loaded))
    summary.scopes = sorted({f"{Path(s.path).parent}: {s.scope.how}" for s in sources if s.scope.how})
    with store.transaction() as tx:
        batch = Batch(tx)
        for done in converted:
            batch.unmodelled.update(done.unmodelled)
            for text in done.assumptions:
                batch.assume(text)
        for shape, source in plan:
            batch.current = source.path
            _apply(batch, shape, source)
        batch.current = ""
        for step in _FINISH:
            _finish(batch, step)
        validate.check(batch)
        write_batch(batch, checks.gaps(batch), summary)
    summary.revision = store.revision
    return summary


# What a recognised output with members of unexpected types raises while it is mapped: bad input, not a bug.
_MALFORMED = (KeyError, TypeError, AttributeError, ValueError, IndexError)


def _apply(batch: Batch, shape: Shape, source: Source) -> None:
    if shape.apply is not None:
        try:
            shape.apply(batch, source)
        except _MALFORMED as error:
            raise ImportFailed(
                f"{source.path}: malformed {shape.call} output ({type(error).__name__}: {error})"
            ) from None
        return
    label = f"{shape.member} ({shape.call})"
    (batch.reference if shape.reference else batch.unmodelled)[label] += count(source.data)


__all__ = ["Given", "ImportFailed", "Summary", "import_loaded", "import_paths", "import_payload"]
