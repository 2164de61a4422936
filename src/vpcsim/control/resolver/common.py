"""What the Resolver's resources share: ids and ARNs, tags, list filters and pages, and its errors.

Ids are ``rslvr-in-``/``rslvr-out-`` (endpoints), ``rslvr-rr-`` (rules) and ``rslvr-rrassoc-`` (associations) and 17
hex digits; ARNs ``arn:aws:route53resolver:<region>:<account>:resolver-endpoint/<id>`` and ``.../resolver-rule/<id>``
[Route 53 Resolver API]. Errors are JSON ``ResourceNotFoundException``, ``InvalidParameterException``,
``InvalidRequestException``, ``ResourceInUseException``, ``ResourceExistsException``.
"""

from __future__ import annotations

from typing import Any

from vpcsim.control.core.call import Call, Params, Result
from vpcsim.errors import ApiError
from vpcsim.model import Record
from vpcsim.model.arns import Arn, parse_arn

ENDPOINT, RULE, ASSOCIATION = "resolver-endpoint", "resolver-rule", "resolver-rule-association"
_ARN_TYPES = {ENDPOINT: "resolver-endpoint", RULE: "resolver-rule"}


def new_id(call: Call, prefix: str, kind: str) -> str:
    return call.new_id(prefix, kind)


def arn(call: Call, kind: str, rid: str) -> str:
    return str(Arn("route53resolver", call.region.name, call.account, f"{_ARN_TYPES[kind]}/{rid}"))


def not_found(what: str, rid: str) -> ApiError:
    return ApiError("ResourceNotFoundException", f"{what} with ID '{rid}' does not exist.")


def invalid(message: str) -> ApiError:
    return ApiError("InvalidParameterException", message)


def get(call: Call, kind: str, rid: str, what: str) -> Record:
    record = call.tx.find(kind, rid)
    if record is None or (record.account, record.region) != (call.account, call.region.name):
        raise not_found(what, rid)
    return record


def tags_of(params: Params) -> dict[str, str]:
    return {t["Key"]: t["Value"] for t in params.get("Tags") or []}


def listed(records: list[Record], params: Params, member: str, filters: dict[str, str]) -> Result:
    """A page of ``records`` matching the request's filters (``Name``: a doc member per ``filters``)."""
    wanted = [(f.get("Name") or "", set(f.get("Values") or [])) for f in params.get("Filters") or []]
    for name, _ in wanted:
        if name not in filters:
            raise invalid(f"The filter '{name}' is not valid.")
    docs = [r.doc for r in records if all(str(r.doc.get(filters[n])) in values for n, values in wanted)]
    limit = int(params.get("MaxResults") or 100)
    start = int(params.get("NextToken") or 0) if str(params.get("NextToken") or "0").isdigit() else 0
    result: Result = {member: docs[start : start + limit], "MaxResults": limit}
    if start + limit < len(docs):
        result["NextToken"] = str(start + limit)
    return result


# -- tags, on any Resolver resource by ARN -----------------------------------------------------------------------
def _by_arn(call: Call, resource_arn: str) -> Record:
    parsed = parse_arn(resource_arn)
    kind = next((k for k, t in _ARN_TYPES.items() if parsed and parsed.resource_type == t), None)
    rid = parsed.resource.split("/", 1)[-1] if parsed else ""
    record = call.tx.find(kind, rid) if kind else None
    if record is None or record.account != call.account:
        raise ApiError("ResourceNotFoundException", f"The resource '{resource_arn}' does not exist.")
    return record


def tag_resource(call: Call, params: Params) -> Result:
    record = _by_arn(call, params["ResourceArn"])
    call.tx.put(record.evolve(tags={**record.tags, **tags_of(params)}))
    return {}


def untag_resource(call: Call, params: Params) -> Result:
    record = _by_arn(call, params["ResourceArn"])
    dropped = set(params.get("TagKeys") or [])
    call.tx.put(record.evolve(tags={k: v for k, v in record.tags.items() if k not in dropped}))
    return {}


def list_tags_for_resource(call: Call, params: Params) -> Result:
    record = _by_arn(call, params["ResourceArn"])
    return {"Tags": [{"Key": k, "Value": v} for k, v in record.tags.items()]}


def stamp(call: Call) -> dict[str, Any]:
    """CreationTime and ModificationTime as the Resolver writes them (ISO 8601 strings, not timestamps)."""
    now = call.now.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
    return {"CreationTime": now, "ModificationTime": now}
