"""The Service Quotas catalog and the one function families enforce quotas through."""

from __future__ import annotations

import math
import re
from pathlib import Path

import pytest

from vpcsim.control.quotas import check_defaults
from vpcsim.control.quotas.catalog import ALL, PRODUCT_LIMITS, QUOTAS, SERVICES, find_quota, quotas_of

CONTROL = Path(__file__).resolve().parents[2] / "src" / "vpcsim" / "control"
_USE = re.compile(r'quota\(call, "(L-[0-9A-F]{8})"\)')


def test_codes_are_unique_well_formed_and_belong_to_a_service() -> None:
    assert len(QUOTAS) == len(ALL)
    for quota in ALL:
        assert re.fullmatch(r"L-[0-9A-F]{8}", quota.code), quota.code
        assert quota.service in SERVICES
        assert quota.maximum is None or quota.maximum >= quota.default
        assert find_quota(quota.service, quota.code) is quota
    assert [q.code for q in quotas_of("vpc")] == sorted(q.code for q in ALL if q.service == "vpc")


def test_defaults_respect_the_product_limits() -> None:
    for codes, limit in PRODUCT_LIMITS.items():
        assert math.prod(QUOTAS[c].default for c in codes) <= limit


def test_every_enforced_code_is_in_the_catalog() -> None:
    used = {code for path in CONTROL.rglob("*.py") for code in _USE.findall(path.read_text())}
    assert len(used) >= 12  # the families switched to quota(): one literal code per enforcement site
    assert used <= set(QUOTAS)


def test_server_defaults_are_checked() -> None:
    assert check_defaults({"L-F678F1CE": 50, "L-0263D0A3": 2.5}) == {"L-F678F1CE": 50.0, "L-0263D0A3": 2.5}
    for values, problem in [
        ({"L-00000000": 1}, "unknown quota code"),
        ({"L-F678F1CE": -1}, ">= 0"),
        ({"L-F678F1CE": float("inf")}, ">= 0"),
    ]:
        with pytest.raises(ValueError, match=problem):
            check_defaults(values)
