"""What the Service Quotas calls share: finding a service or quota with AWS's errors, a quota as ``ServiceQuota``,
and pages.

Errors [Service Quotas API Reference, Errors of each operation]: an unknown service or quota is
``NoSuchResourceException``; bad input ``IllegalArgumentException``; a NextToken this service did not give
``InvalidPaginationTokenException``. AWS does not document the messages; vpcsim's say what was not found (named
choice). Only account-level quotas exist here: ``QuotaAppliedAtLevel`` RESOURCE lists nothing and a ContextId
names nothing (the message is the one AWS answers for a context id with no applied value, aws/aws-cli#8584).
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence
from typing import Any, TypeVar

from vpcsim.control.core.call import Call, Params
from vpcsim.control.quotas.catalog import SERVICES, QuotaDef, find_quota
from vpcsim.errors import ApiError
from vpcsim.model.arns import Arn

T = TypeVar("T")
_PAGE = 100  # MaxResults' model maximum, used as the default page (named choice: AWS says "appropriate")


def no_such(message: str) -> ApiError:
    return ApiError("NoSuchResourceException", message)


def illegal(message: str) -> ApiError:
    return ApiError("IllegalArgumentException", message)


def service_name(service: str) -> str:
    """The service's name; an unknown service code is NoSuchResourceException."""
    if service not in SERVICES:
        raise no_such(f"The request failed because the specified service {service} does not exist.")
    return SERVICES[service]


def definition(params: Params) -> QuotaDef:
    """The quota ``ServiceCode``/``QuotaCode`` name, checked; ContextId names no resource-level quota here."""
    service_name(params["ServiceCode"])
    found = find_quota(params["ServiceCode"], params["QuotaCode"])
    if found is None:
        raise no_such(
            f"The request failed because the specified quota {params['QuotaCode']} of service "
            f"{params['ServiceCode']} does not exist."
        )
    if params.get("ContextId"):
        raise no_such("The request failed because applied value for the specified context Id do not exist.")
    return found


def quota_arn(region: str, account: str, quota: QuotaDef) -> str:
    """``arn:aws:servicequotas:<region>:<account>:<service>/<code>``; AWS's defaults name no account."""
    return str(Arn("servicequotas", region, account, f"{quota.service}/{quota.code}"))


def quota_doc(call: Call, quota: QuotaDef, value: float, *, default: bool = False) -> dict[str, Any]:
    """A ``ServiceQuota``: the applied value (or AWS's default, with an account-less ARN)."""
    return {
        "ServiceCode": quota.service,
        "ServiceName": SERVICES[quota.service],
        "QuotaArn": quota_arn(call.region.name, "" if default else call.account, quota),
        "QuotaCode": quota.code,
        "QuotaName": quota.name,
        "Value": float(value),
        "Unit": "None",
        "Adjustable": quota.adjustable,
        "GlobalQuota": False,
        "QuotaAppliedAtLevel": "ACCOUNT",
    }


def page(params: Params, items: Sequence[T]) -> tuple[list[T], str | None]:
    """The page ``NextToken`` and ``MaxResults`` select, and the token of the next page if there is one."""
    start = _offset(params.get("NextToken"))
    size = params.get("MaxResults") or _PAGE
    chunk = list(items[start : start + size])
    following = start + size
    return chunk, base64.b64encode(str(following).encode()).decode() if following < len(items) else None


def _offset(token: str | None) -> int:
    if not token:
        return 0
    try:
        offset = int(base64.b64decode(token, validate=True).decode())
    except (binascii.Error, UnicodeDecodeError, ValueError):
        offset = -1
    if offset < 0:
        raise ApiError("InvalidPaginationTokenException", "Invalid pagination token.")
    return offset


__all__ = ["definition", "illegal", "no_such", "page", "quota_arn", "quota_doc", "service_name"]
