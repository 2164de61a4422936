"""Tags of ELBv2 resources: AddTags, RemoveTags, DescribeTags.

Tags are the record's own (``Record.tags``); a resource is named by its ARN, whose form says its kind
(``loadbalancer/``, ``targetgroup/``, ``listener/``). Facts [ELBv2 API AddTags/DescribeTags; ELB quotas]: 50 tags per
resource (``TooManyTags``), at most 20 ARNs per call, a key repeated in one request is ``DuplicateTagKeys``, AddTags
overwrites the value of an existing key; a missing resource is its kind's NotFound error.
"""

from __future__ import annotations

from vpcsim.control.core.call import Call, Params, Result
from vpcsim.control.elbv2 import records
from vpcsim.control.elbv2.records import validation
from vpcsim.model import Record

_MAX_ARNS = 20
_KINDS = {"loadbalancer": "load-balancer", "targetgroup": "target-group", "listener": "listener"}


def _resources(call: Call, arns: list[str]) -> list[Record]:
    if len(arns) > _MAX_ARNS:
        raise validation(f"At most {_MAX_ARNS} resource ARNs can be given")
    return [records.get(call, _kind(arn), arn) for arn in dict.fromkeys(arns)]


def _kind(arn: str) -> str:
    resource = arn.split(":", 5)[-1] if arn.count(":") >= 5 else ""
    kind = _KINDS.get(resource.split("/", 1)[0])
    if kind is None:
        raise validation(f"'{arn}' is not a valid Elastic Load Balancing resource ARN")
    return kind


def add_tags(call: Call, params: Params) -> Result:
    given = records.tag_dict(params["Tags"])
    for record in _resources(call, params["ResourceArns"]):
        tags = {**record.tags, **given}
        records.check_tag_count(tags, record.id)
        call.tx.put(record.evolve(tags=tags))
    return {}


def remove_tags(call: Call, params: Params) -> Result:
    keys = set(params["TagKeys"])
    for record in _resources(call, params["ResourceArns"]):
        call.tx.put(record.evolve(tags={k: v for k, v in record.tags.items() if k not in keys}))
    return {}


def describe_tags(call: Call, params: Params) -> Result:
    return {
        "TagDescriptions": [
            {"ResourceArn": r.id, "Tags": [{"Key": k, "Value": v} for k, v in r.tags.items()]}
            for r in _resources(call, params["ResourceArns"])
        ]
    }


__all__ = ["add_tags", "describe_tags", "remove_tags"]
