"""Tags on log groups, by ARN (TagResource, UntagResource, ListTagsForResource) and by name (the older
TagLogGroup, UntagLogGroup, ListTagsLogGroup, which clients such as older Terraform providers still call).

Facts [CloudWatch Logs API Reference: TagResource, UntagResource, ListTagsForResource, TagLogGroup]: a log group's
ARN for tagging is ``arn:aws:logs:<region>:<account>:log-group:<name>`` (no ``:*``); log groups and destinations are
the taggable resources; a resource holds at most 50 tags (``TooManyTagsException``); a tag given again replaces its
value. Choices named here: an ARN with the ``:*`` suffix names the same group; a destination ARN, which vpcsim does
not model, is ``ResourceNotFoundException`` like an unknown group.
"""

from __future__ import annotations

from vpcsim.control.core.call import Call, Params, Result
from vpcsim.control.logs.log_groups import KIND, check_tags, get_log_group, not_found
from vpcsim.model import Record
from vpcsim.model.arns import parse_arn


def _by_arn(call: Call, arn: str) -> Record:
    parsed = parse_arn(arn.removesuffix(":*"))
    if parsed is None or parsed.service != "logs" or not parsed.resource.startswith("log-group:"):
        raise not_found()
    record = call.tx.find(KIND, str(parsed))
    if record is None or record.account != call.account or record.region != call.region.name:
        raise not_found()
    return record


def _tag(call: Call, record: Record, tags: dict[str, str]) -> Result:
    call.tx.put(record.evolve(tags=check_tags({**record.tags, **tags})))
    return {}


def _untag(call: Call, record: Record, keys: list[str]) -> Result:
    call.tx.put(record.evolve(tags={k: v for k, v in record.tags.items() if k not in set(keys)}))
    return {}


def tag_resource(call: Call, params: Params) -> Result:
    return _tag(call, _by_arn(call, params["resourceArn"]), params["tags"])


def untag_resource(call: Call, params: Params) -> Result:
    return _untag(call, _by_arn(call, params["resourceArn"]), params["tagKeys"])


def list_tags_for_resource(call: Call, params: Params) -> Result:
    return {"tags": dict(_by_arn(call, params["resourceArn"]).tags)}


def tag_log_group(call: Call, params: Params) -> Result:
    return _tag(call, get_log_group(call, params["logGroupName"]), params["tags"])


def untag_log_group(call: Call, params: Params) -> Result:
    return _untag(call, get_log_group(call, params["logGroupName"]), params["tags"])


def list_tags_log_group(call: Call, params: Params) -> Result:
    return {"tags": dict(get_log_group(call, params["logGroupName"]).tags)}


__all__ = [
    "list_tags_for_resource",
    "list_tags_log_group",
    "tag_log_group",
    "tag_resource",
    "untag_log_group",
    "untag_resource",
]
