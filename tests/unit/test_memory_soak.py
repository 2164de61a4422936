"""Memory stays flat under churn: a minute-bounded soak of VPC create/delete cycles, in process, measured with
tracemalloc (bytes still allocated after the cycles, not time)."""

from __future__ import annotations

import gc
import tracemalloc
from typing import Any

from vpcsim.control import Control
from vpcsim.model import IdFactory
from vpcsim.store import MemoryBackend, Store

ACCOUNT = "111122223333"
CYCLES = 600


def _ec2(control: Control, operation: str, **params: Any) -> Any:
    return control.handle("ec2", operation, params, account=ACCOUNT, region="eu-west-2", request_id="soak")


def _cycle(control: Control) -> None:
    vpc = _ec2(control, "CreateVpc", CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnet = _ec2(control, "CreateSubnet", VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
    group = _ec2(control, "CreateSecurityGroup", GroupName="g", Description="d", VpcId=vpc)["GroupId"]
    _ec2(control, "DeleteSecurityGroup", GroupId=group)
    _ec2(control, "DeleteSubnet", SubnetId=subnet)
    _ec2(control, "DeleteVpc", VpcId=vpc)


def _held(control: Control, cycles: int) -> int:
    for _ in range(cycles):
        _cycle(control)
    gc.collect()
    return tracemalloc.get_traced_memory()[0]


def test_create_and_delete_cycles_hold_no_memory() -> None:
    control = Control(Store(MemoryBackend()), IdFactory(5))
    _cycle(control)  # warm caches (botocore models, the default VPC) before measuring
    tracemalloc.start()
    try:
        first = _held(control, CYCLES // 2)
        second = _held(control, CYCLES // 2)
    finally:
        tracemalloc.stop()
    per_cycle = (second - first) / (CYCLES // 2)
    assert per_cycle < 64, f"{per_cycle:.0f} bytes held per create/delete cycle"
