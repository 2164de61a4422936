"""Concurrent clients never see half-applied calls or duplicate ids."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any


def test_parallel_creates_get_unique_ids_and_complete_vpcs(vpcsim: Any, account: str) -> None:
    def create(i: int) -> str:
        ec2 = vpcsim.client("ec2", "eu-west-1", account)
        vpc_id = ec2.create_vpc(CidrBlock=f"10.{i}.0.0/16")["Vpc"]["VpcId"]
        # Whatever else is running, a VPC is never seen without the resources created with it.
        tables = ec2.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["RouteTables"]
        groups = ec2.describe_security_groups(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["SecurityGroups"]
        assert len(tables) == 1 and [g["GroupName"] for g in groups] == ["default"]
        return str(vpc_id)

    with ThreadPoolExecutor(max_workers=8) as pool:
        ids = list(pool.map(create, range(40)))
    assert len(set(ids)) == 40
    listed = vpcsim.client("ec2", "eu-west-1", account).describe_vpcs()["Vpcs"]
    assert {v["VpcId"] for v in listed} == {*ids, *(v["VpcId"] for v in listed if v["IsDefault"])}
    assert len(listed) == 41
