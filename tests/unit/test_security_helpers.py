"""The lookups other families use: ``security.security_groups_for`` and ``acls.network_acl_for_subnet``, in process."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from vpcsim.catalog import find_region
from vpcsim.control import Control
from vpcsim.control.core import queries
from vpcsim.control.core.call import Call
from vpcsim.control.network import acls
from vpcsim.control.security import groups
from vpcsim.errors import ApiError
from vpcsim.model import IdFactory
from vpcsim.store import MemoryBackend, Store

ACCOUNT = "111122223333"


@pytest.fixture
def control() -> Control:
    return Control(Store(MemoryBackend()), IdFactory(7))


def _ec2(control: Control, operation: str, **params: Any) -> Any:
    return control.handle("ec2", operation, params, account=ACCOUNT, region="us-east-1", request_id="test")


def _within(control: Control, action: Callable[[Call], Any]) -> Any:
    region = find_region("us-east-1")
    assert region is not None
    with control.store.transaction() as tx:
        return action(Call(tx, ACCOUNT, region, "test", control.ids))


def _code(control: Control, action: Callable[[Call], Any]) -> str:
    with pytest.raises(ApiError) as excinfo:
        _within(control, action)
    return excinfo.value.code


def test_security_groups_for_checks_count_existence_and_network(control: Control) -> None:
    vpc = _ec2(control, "CreateVpc", CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    other = _ec2(control, "CreateVpc", CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    mine = [
        _ec2(control, "CreateSecurityGroup", GroupName=f"g{i}", Description="x", VpcId=vpc)["GroupId"] for i in range(6)
    ]
    foreign = _ec2(control, "CreateSecurityGroup", GroupName="far", Description="x", VpcId=other)["GroupId"]
    found = _within(control, lambda call: groups.security_groups_for(call, [mine[0], mine[1], mine[0]], vpc))
    assert [g.id for g in found] == mine[:2]
    assert _code(control, lambda call: groups.security_groups_for(call, mine, vpc)) == (
        "SecurityGroupsPerInterfaceLimitExceeded"
    )
    assert _code(control, lambda call: groups.security_groups_for(call, ["sg-0123456789abcdef0"], vpc)) == (
        "InvalidGroup.NotFound"
    )
    with pytest.raises(ApiError) as excinfo:
        _within(control, lambda call: groups.security_groups_for(call, [foreign], vpc, subnet_id="subnet-1a2b3c4d"))
    assert excinfo.value.code == "InvalidParameter"
    assert excinfo.value.message == f"Security group {foreign} and subnet subnet-1a2b3c4d belong to different networks."


def test_network_acl_for_subnet_follows_the_association(control: Control) -> None:
    vpc = _ec2(control, "CreateVpc", CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnet = _ec2(control, "CreateSubnet", VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
    default = _within(control, lambda call: acls.network_acl_for_subnet(call, subnet))
    assert default.doc["IsDefault"] is True and default.doc["VpcId"] == vpc
    custom = _ec2(control, "CreateNetworkAcl", VpcId=vpc)["NetworkAcl"]["NetworkAclId"]
    association = default.doc["Associations"][0]["NetworkAclAssociationId"]
    _ec2(control, "ReplaceNetworkAclAssociation", AssociationId=association, NetworkAclId=custom)
    assert _within(control, lambda call: acls.network_acl_for_subnet(call, subnet)).id == custom
    assert _code(control, lambda call: acls.network_acl_for_subnet(call, "subnet-0123456789abcdef0")) == (
        "InvalidSubnetID.NotFound"
    )


def test_groups_using_prefix_list_reads_the_rules(control: Control) -> None:
    vpc = _ec2(control, "CreateVpc", CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    created = _ec2(control, "CreateManagedPrefixList", PrefixListName="x", MaxEntries=2, AddressFamily="IPv4")
    pl_id = created["PrefixList"]["PrefixListId"]
    users = [
        _ec2(control, "CreateSecurityGroup", GroupName=f"g{i}", Description="x", VpcId=vpc)["GroupId"] for i in range(3)
    ]
    rule = {"IpProtocol": "-1", "PrefixListIds": [{"PrefixListId": pl_id}]}
    for gid in users[:2]:
        _ec2(control, "AuthorizeSecurityGroupEgress", GroupId=gid, IpPermissions=[rule])
    found = _within(control, lambda call: queries.groups_using_prefix_list(call, pl_id))
    assert [g.id for g in found] == users[:2]
