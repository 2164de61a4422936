"""Tags on hosted zones: ListTagsForResource(s) and ChangeTagsForResource [Route 53 API; 50 tags per resource]."""

from __future__ import annotations

from vpcsim.control.core.call import Call, Params, Result
from vpcsim.control.route53.zones import get_zone
from vpcsim.errors import ApiError, InvalidParameter
from vpcsim.model import Record

_MAX_TAGS = 50


def _zone(call: Call, resource_type: str, resource_id: str) -> Record:
    if resource_type != "hostedzone":
        raise InvalidParameter("InvalidInput", f"vpcsim tags only hosted zones, not {resource_type} resources.")
    return get_zone(call, resource_id)


def _tag_set(zone: Record) -> Result:
    tags = [{"Key": k, "Value": v} for k, v in zone.tags.items()]
    return {"ResourceType": "hostedzone", "ResourceId": zone.id, "Tags": tags}


def list_tags_for_resource(call: Call, params: Params) -> Result:
    return {"ResourceTagSet": _tag_set(_zone(call, params["ResourceType"], params["ResourceId"]))}


def list_tags_for_resources(call: Call, params: Params) -> Result:
    zones = [_zone(call, params["ResourceType"], rid) for rid in params["ResourceIds"]]
    return {"ResourceTagSets": [_tag_set(z) for z in zones]}


def change_tags_for_resource(call: Call, params: Params) -> Result:
    zone = _zone(call, params["ResourceType"], params["ResourceId"])
    tags = {k: v for k, v in zone.tags.items() if k not in set(params.get("RemoveTagKeys") or [])}
    tags.update({t["Key"]: t.get("Value") or "" for t in params.get("AddTags") or []})
    if len(tags) > _MAX_TAGS:
        raise ApiError("InvalidInput", f"A hosted zone can have at most {_MAX_TAGS} tags.")
    call.tx.put(zone.evolve(tags=tags))
    return {}
