"""Service Quotas increase requests, applied at once, and their history.

A request is a record of kind ``service-quota-request`` (its doc the ``RequestedServiceQuotaChange``); an approved
one writes the account's applied value (limits.APPLIED) in the same transaction, so the family that enforces the
quota accepts more from the very next call.

Facts [Service Quotas API Reference; observed errors quoted in cloud-custodian#8939 and aws-deepracer#85]: a desired
value not above the applied one is ``IllegalArgumentException`` "You must provide a quota value greater than the
current quota value"; an unknown quota ``NoSuchResourceException``. A request above a quota's documented maximum (or
one that breaks a documented product limit) is not refused by the API: AWS opens a case that is not granted, so
vpcsim records it ``DENIED`` and changes nothing.
Choices named here: a quota that is not adjustable is ``IllegalArgumentException`` (AWS documents no code); AWS
reviews a request over minutes, vpcsim grants it at once (the applied value changes in the same call) and closes its
case after ``lifecycle.QUOTA_CASE`` seconds at the server's time scale (core/lifecycle.py): readers see ``APPROVED``
until then and ``CASE_CLOSED`` after, at the default scale 0 from the first call after the request; requests carry
no support case id; history lists newest first.
"""

from __future__ import annotations

import json
from typing import Any

from vpcsim.control.core import lifecycle
from vpcsim.control.core.call import Call, Params, Result
from vpcsim.control.quotas.catalog import PRODUCT_LIMITS, QUOTAS, SERVICES, QuotaDef
from vpcsim.control.quotas.limits import APPLIED, applied_id, applied_value
from vpcsim.control.quotas.shapes import definition, illegal, no_such, page, quota_arn, service_name
from vpcsim.model import Record
from vpcsim.model.arns import root_arn

REQUEST = "service-quota-request"


def request_service_quota_increase(call: Call, params: Params) -> Result:
    quota = definition(params)
    if not quota.adjustable:
        raise illegal(f"The quota {quota.code} of service {quota.service} is not adjustable.")
    desired = float(params["DesiredValue"])
    if desired <= applied_value(call, quota):
        raise illegal("You must provide a quota value greater than the current quota value")
    approved = _grantable(call, quota, desired)
    request = _request(call, quota, desired, "CASE_CLOSED" if approved else "DENIED")
    if approved:
        request = request.with_extra(transition=lifecycle.begin(call, "APPROVED", lifecycle.QUOTA_CASE))
        doc = {"ServiceCode": quota.service, "QuotaCode": quota.code, "Value": desired}
        call.tx.put(call.record(APPLIED, applied_id(call.account, call.region.name, quota), doc))
    call.tx.put(request)
    return {"RequestedQuota": _shown(call, request).doc}


def _grantable(call: Call, quota: QuotaDef, desired: float) -> bool:
    if quota.maximum is not None and desired > quota.maximum:
        return False
    for codes, limit in PRODUCT_LIMITS.items():
        if quota.code in codes:
            others = [applied_value(call, QUOTAS[c]) for c in codes if c != quota.code]
            if desired * _product(others) > limit:
                return False
    return True


def _product(values: list[float]) -> float:
    result = 1.0
    for value in values:
        result *= value
    return result


def _request(call: Call, quota: QuotaDef, desired: float, status: str) -> Record:
    rid = call.ids.hex(32)
    while call.tx.find(REQUEST, rid) is not None:
        rid = call.ids.hex(32)
    requester = {"accountId": call.account, "callerArn": call.principal or root_arn(call.account)}
    doc: dict[str, Any] = {
        "Id": rid,
        "ServiceCode": quota.service,
        "ServiceName": SERVICES[quota.service],
        "QuotaCode": quota.code,
        "QuotaName": quota.name,
        "DesiredValue": desired,
        "Status": status,
        "Created": call.timestamp(),
        "LastUpdated": call.timestamp(),
        "Requester": json.dumps(requester, separators=(",", ":")),
        "QuotaArn": quota_arn(call.region.name, call.account, quota),
        "GlobalQuota": False,
        "Unit": "None",
        "QuotaRequestedAtLevel": "ACCOUNT",
    }
    return call.record(REQUEST, rid, doc)


def _shown(call: Call, request: Record) -> Record:
    """``request`` as a reader sees it now: ``APPROVED`` while its case is open, last updated when it closed."""
    transition = request.extra.get("transition")
    status = lifecycle.shown(call, request.doc["Status"], transition)
    if status != request.doc["Status"]:
        return request.with_doc(Status=status)
    if transition:
        return request.with_doc(LastUpdated=call.timestamp(lifecycle.ends(transition, call.time_scale)))
    return request


def get_requested_service_quota_change(call: Call, params: Params) -> Result:
    request = call.tx.find(REQUEST, params["RequestId"])
    if request is None or (request.account, request.region) != (call.account, call.region.name):
        raise no_such(f"The request failed because the quota increase request {params['RequestId']} does not exist.")
    return {"RequestedQuota": _shown(call, request).doc}


def _history(call: Call, params: Params, code: str | None = None) -> Result:
    service = params.get("ServiceCode")
    if service:
        service_name(service)
    requests = [
        _shown(call, r)
        for r in reversed(call.scan(REQUEST))
        if (not service or r.doc["ServiceCode"] == service) and (code is None or r.doc["QuotaCode"] == code)
    ]
    wanted = params.get("Status")
    docs = [r.doc for r in requests if not wanted or r.doc["Status"] == wanted]
    if params.get("QuotaRequestedAtLevel") == "RESOURCE":
        docs = []
    chunk, token = page(params, docs)
    return {"RequestedQuotas": chunk, "NextToken": token}


def list_requested_service_quota_change_history(call: Call, params: Params) -> Result:
    return _history(call, params)


def list_requested_service_quota_change_history_by_quota(call: Call, params: Params) -> Result:
    return _history(call, params, definition(params).code)


__all__ = [
    "REQUEST",
    "get_requested_service_quota_change",
    "list_requested_service_quota_change_history",
    "list_requested_service_quota_change_history_by_quota",
    "request_service_quota_increase",
]
