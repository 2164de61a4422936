"""Service Quotas, read side: the services, their quotas as applied to the caller's account and Region, and AWS's
defaults.

ListServices lists the services vpcsim has quotas for (ec2, elasticloadbalancing, vpc), not every AWS service
(named choice). ListServiceQuotas lists every quota of the service with its applied value (the account's increase,
else the server's ``--quota`` default, else AWS's); ``QuotaCode`` narrows it to one and ``QuotaAppliedAtLevel``
RESOURCE to none, since every quota here applies at the account level.
"""

from __future__ import annotations

from vpcsim.control.core.call import Call, Params, Result
from vpcsim.control.quotas.catalog import SERVICES, quotas_of
from vpcsim.control.quotas.limits import applied_value
from vpcsim.control.quotas.shapes import definition, page, quota_doc, service_name


def list_services(call: Call, params: Params) -> Result:
    services = [{"ServiceCode": code, "ServiceName": name} for code, name in sorted(SERVICES.items())]
    chunk, token = page(params, services)
    return {"Services": chunk, "NextToken": token}


def list_service_quotas(call: Call, params: Params) -> Result:
    service_name(params["ServiceCode"])
    quotas = quotas_of(params["ServiceCode"])
    if params.get("QuotaCode"):
        quotas = [q for q in quotas if q.code == params["QuotaCode"]]
    if params.get("QuotaAppliedAtLevel") == "RESOURCE":
        quotas = []
    chunk, token = page(params, quotas)
    return {"Quotas": [quota_doc(call, q, applied_value(call, q)) for q in chunk], "NextToken": token}


def get_service_quota(call: Call, params: Params) -> Result:
    quota = definition(params)
    return {"Quota": quota_doc(call, quota, applied_value(call, quota))}


def get_aws_default_service_quota(call: Call, params: Params) -> Result:
    quota = definition(params)
    return {"Quota": quota_doc(call, quota, quota.default, default=True)}


def list_aws_default_service_quotas(call: Call, params: Params) -> Result:
    service_name(params["ServiceCode"])
    chunk, token = page(params, quotas_of(params["ServiceCode"]))
    return {"Quotas": [quota_doc(call, q, q.default, default=True) for q in chunk], "NextToken": token}


__all__ = [
    "get_aws_default_service_quota",
    "get_service_quota",
    "list_aws_default_service_quotas",
    "list_service_quotas",
    "list_services",
]
