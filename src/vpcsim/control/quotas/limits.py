"""The value a quota has for one account in one Region: the one function every family's enforcement reads.

Three layers, the first that has a value wins: the account's approved increase in that Region (a record of kind
``service-quota``, written by RequestServiceQuotaIncrease), the server's default (``vpcsim serve --quota CODE=N``,
carried by the call), AWS's default (catalog.py). Service Quotas quotas are per account and Region [Service Quotas
User Guide: "Unless otherwise noted, each quota is Region-specific"].

>>> check_defaults({"L-F678F1CE": 50})
{'L-F678F1CE': 50.0}
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from vpcsim.control.core.call import Call
from vpcsim.control.quotas.catalog import QUOTAS, SERVICES, QuotaDef
from vpcsim.model import Record

APPLIED = "service-quota"


def applied_id(account: str, region: str, definition: QuotaDef) -> str:
    return f"{account}/{region}/{definition.service}/{definition.code}"


def find_applied(call: Call, definition: QuotaDef) -> Record | None:
    """The account's approved increase of ``definition`` in the call's Region, if any."""
    return call.tx.find(APPLIED, applied_id(call.account, call.region.name, definition))


def applied_value(call: Call, definition: QuotaDef) -> float:
    """What GetServiceQuota answers: the approved increase, else the server's default, else AWS's."""
    raised = find_applied(call, definition)
    if raised is not None:
        return float(raised.doc["Value"])
    return float(call.quotas.get(definition.code, definition.default))


def quota(call: Call, code: str) -> int:
    """The limit a family enforces for quota ``code`` in the caller's account and Region.

    A fractional value is rounded down (a count cannot exceed it); an unknown code is a bug in the caller."""
    return math.floor(applied_value(call, QUOTAS[code]))


def check_defaults(values: Mapping[str, float]) -> dict[str, float]:
    """Server defaults as given to ``vpcsim serve --quota``: known codes, finite values >= 0; ValueError names the
    first problem."""
    checked: dict[str, float] = {}
    for code, value in values.items():
        if code not in QUOTAS:
            raise ValueError(
                f"unknown quota code {code!r}; vpcsim has the quotas of {', '.join(sorted(SERVICES))} "
                "(ListServiceQuotas lists them)"
            )
        number = float(value)
        if not math.isfinite(number) or number < 0:
            raise ValueError(f"quota {code} must be a number >= 0, not {value!r}")
        checked[code] = number
    return checked


__all__ = ["APPLIED", "applied_id", "applied_value", "check_defaults", "find_applied", "quota"]
