"""Customer-managed prefix lists through real boto3 and the real AWS CLI against a live server."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.conftest import error_code


def _error(call: Any, **kwargs: Any) -> str:
    with pytest.raises(ClientError) as excinfo:
        call(**kwargs)
    return error_code(excinfo)


def _create(ec2: Any, name: str = "corp", size: int = 3, **extra: Any) -> dict[str, Any]:
    entries = [{"Cidr": "10.0.0.0/16", "Description": "a"}, {"Cidr": "10.2.0.0/16"}]
    params = {"PrefixListName": name, "MaxEntries": size, "AddressFamily": "IPv4", "Entries": entries, **extra}
    return dict(ec2.create_managed_prefix_list(**params)["PrefixList"])


def _entries(ec2: Any, pl_id: str, **extra: Any) -> list[str]:
    return [e["Cidr"] for e in ec2.get_managed_prefix_list_entries(PrefixListId=pl_id, **extra)["Entries"]]


def _described(ec2: Any, pl_id: str) -> dict[str, Any]:
    return dict(ec2.describe_managed_prefix_lists(PrefixListIds=[pl_id])["PrefixLists"][0])


def _owner(ec2: Any) -> str:
    return str(ec2.describe_vpcs()["Vpcs"][0]["OwnerId"])


def _customer_lists(ec2: Any) -> list[dict[str, Any]]:
    """The caller's own lists: DescribeManagedPrefixLists also shows the region's AWS-managed lists, as AWS does."""
    lists = ec2.describe_managed_prefix_lists()["PrefixLists"]
    return [p for p in lists if p["OwnerId"] != "AWS"]


def test_create_matches_the_cli_example_shape(ec2: Any, account: str) -> None:
    created = _create(ec2, TagSpecifications=[{"ResourceType": "prefix-list", "Tags": [{"Key": "k", "Value": "v"}]}])
    pl_id = created["PrefixListId"]
    assert pl_id.startswith("pl-") and len(pl_id) == 20
    assert created["State"] == "create-in-progress" and created["Version"] == 1 and created["OwnerId"] == account
    assert created["PrefixListArn"] == f"arn:aws:ec2:us-east-1:{account}:prefix-list/{pl_id}"
    described = _described(ec2, pl_id)
    assert described["State"] == "create-complete" and described["Tags"] == [{"Key": "k", "Value": "v"}]
    assert described["AddressFamily"] == "IPv4" and described["MaxEntries"] == 3
    entries = ec2.get_managed_prefix_list_entries(PrefixListId=pl_id)["Entries"]
    assert entries == [{"Cidr": "10.0.0.0/16", "Description": "a"}, {"Cidr": "10.2.0.0/16"}]


def test_client_token_is_idempotent(ec2: Any) -> None:
    first = _create(ec2, ClientToken="token-1")
    again = _create(ec2, ClientToken="token-1")
    assert again["PrefixListId"] == first["PrefixListId"]
    assert (
        _error(
            ec2.create_managed_prefix_list,
            PrefixListName="other",
            MaxEntries=3,
            AddressFamily="IPv4",
            ClientToken="token-1",
        )
        == "IdempotentParameterMismatch"
    )
    assert len(_customer_lists(ec2)) == 1


def test_create_refusals_change_nothing(ec2: Any) -> None:
    base = {"PrefixListName": "x", "MaxEntries": 2, "AddressFamily": "IPv4"}
    cases = [
        ({"MaxEntries": 0}, "InvalidParameterValue"),
        ({"MaxEntries": 1001}, "InvalidParameterValue"),
        ({"AddressFamily": "IPv5"}, "InvalidParameterValue"),
        ({"PrefixListName": "com.amazonaws.mine"}, "InvalidParameterValue"),
        ({"Entries": [{"Cidr": "2001:db8::/32"}]}, "InvalidParameterValue"),
        ({"Entries": [{"Cidr": "10.0.0.1"}]}, "InvalidParameterValue"),
        ({"Entries": [{"Cidr": "10.0.0.0/16"}, {"Cidr": "10.0.0.0/16"}]}, "InvalidParameterValue"),
        ({"Entries": [{"Cidr": f"10.{i}.0.0/16"} for i in range(3)]}, "PrefixListMaxEntriesExceeded"),
    ]
    for given, code in cases:
        assert _error(ec2.create_managed_prefix_list, **{**base, **given}) == code, given
    assert _customer_lists(ec2) == []
    ipv6 = ec2.create_managed_prefix_list(
        PrefixListName="v6", MaxEntries=1, AddressFamily="IPv6", Entries=[{"Cidr": "2001:db8::/32"}]
    )["PrefixList"]
    assert _entries(ec2, ipv6["PrefixListId"]) == ["2001:db8::/32"]


def test_quota_of_100_lists(ec2: Any) -> None:
    for i in range(100):
        ec2.create_managed_prefix_list(PrefixListName=f"l{i}", MaxEntries=1, AddressFamily="IPv4")
    assert _error(ec2.create_managed_prefix_list, PrefixListName="one-more", MaxEntries=1, AddressFamily="IPv4") == (
        "PrefixListLimitExceeded"
    )
    pages = list(
        ec2.get_paginator("describe_managed_prefix_lists").paginate(
            Filters=[{"Name": "owner-id", "Values": [_owner(ec2)]}], PaginationConfig={"PageSize": 40}
        )
    )
    assert [len(p["PrefixLists"]) for p in pages] == [40, 40, 20]


def test_modify_versions_and_entries(ec2: Any) -> None:
    pl_id = _create(ec2)["PrefixListId"]
    answer = ec2.modify_managed_prefix_list(
        PrefixListId=pl_id,
        CurrentVersion=1,
        AddEntries=[{"Cidr": "10.3.0.0/16", "Description": "c"}],
        RemoveEntries=[{"Cidr": "10.2.0.0/16"}],
    )["PrefixList"]
    assert answer["State"] == "modify-in-progress" and answer["Version"] == 1
    described = _described(ec2, pl_id)
    assert described["State"] == "modify-complete" and described["Version"] == 2
    assert _entries(ec2, pl_id) == ["10.0.0.0/16", "10.3.0.0/16"]
    assert _entries(ec2, pl_id, TargetVersion=1) == ["10.0.0.0/16", "10.2.0.0/16"]
    ec2.modify_managed_prefix_list(PrefixListId=pl_id, PrefixListName="renamed")
    assert _described(ec2, pl_id)["Version"] == 2 and _described(ec2, pl_id)["PrefixListName"] == "renamed"
    ec2.modify_managed_prefix_list(PrefixListId=pl_id, MaxEntries=5)
    assert _described(ec2, pl_id)["MaxEntries"] == 5


def test_modify_refusals_change_nothing(ec2: Any) -> None:
    pl_id = _create(ec2, size=3)["PrefixListId"]
    add = [{"Cidr": "10.9.0.0/16"}]
    cases = [
        ({"CurrentVersion": 7, "AddEntries": add}, "PrefixListVersionMismatch"),
        ({"AddEntries": add, "MaxEntries": 10}, "InvalidParameterCombination"),
        ({"AddEntries": [{"Cidr": "10.0.0.0/16"}]}, "InvalidParameterValue"),
        ({"AddEntries": [{"Cidr": "10.8.0.0/16"}, {"Cidr": "10.9.0.0/16"}]}, "PrefixListMaxEntriesExceeded"),
        ({"RemoveEntries": [{"Cidr": "10.7.0.0/16"}]}, "InvalidPrefixListModification"),
        ({"MaxEntries": 1}, "InvalidParameterValue"),
        ({"AddEntries": [{"Cidr": f"11.{i}.0.0/16"} for i in range(101)]}, "InvalidParameterValue"),
    ]
    for given, code in cases:
        assert _error(ec2.modify_managed_prefix_list, PrefixListId=pl_id, **given) == code, given
    described = _described(ec2, pl_id)
    assert (described["Version"], described["MaxEntries"]) == (1, 3)
    assert _entries(ec2, pl_id) == ["10.0.0.0/16", "10.2.0.0/16"]
    assert _error(ec2.modify_managed_prefix_list, PrefixListId="pl-0123456789abcdef0") == "InvalidPrefixListID.NotFound"
    assert _error(ec2.get_managed_prefix_list_entries, PrefixListId="pl-x") == "InvalidPrefixListId.Malformed"
    assert _error(ec2.get_managed_prefix_list_entries, PrefixListId=pl_id, TargetVersion=9) == "InvalidParameterValue"


def test_restore_a_previous_version(ec2: Any) -> None:
    pl_id = _create(ec2)["PrefixListId"]
    ec2.modify_managed_prefix_list(PrefixListId=pl_id, CurrentVersion=1, RemoveEntries=[{"Cidr": "10.0.0.0/16"}])
    assert _error(ec2.restore_managed_prefix_list_version, PrefixListId=pl_id, PreviousVersion=1, CurrentVersion=1) == (
        "PrefixListVersionMismatch"
    )
    assert _error(ec2.restore_managed_prefix_list_version, PrefixListId=pl_id, PreviousVersion=2, CurrentVersion=2) == (
        "InvalidParameterValue"
    )
    answer = ec2.restore_managed_prefix_list_version(PrefixListId=pl_id, PreviousVersion=1, CurrentVersion=2)
    assert answer["PrefixList"]["State"] == "restore-in-progress" and answer["PrefixList"]["Version"] == 2
    described = _described(ec2, pl_id)
    assert described["Version"] == 3 and described["State"] == "restore-complete"
    assert _entries(ec2, pl_id) == ["10.0.0.0/16", "10.2.0.0/16"]


def test_delete_refuses_while_referenced(ec2: Any) -> None:
    pl_id = _create(ec2)["PrefixListId"]
    vpc_id = ec2.describe_vpcs()["Vpcs"][0]["VpcId"]
    table = ec2.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["RouteTables"][0]
    gateway = ec2.describe_internet_gateways()["InternetGateways"][0]["InternetGatewayId"]
    ec2.create_route(RouteTableId=table["RouteTableId"], DestinationPrefixListId=pl_id, GatewayId=gateway)
    associations = ec2.get_managed_prefix_list_associations(PrefixListId=pl_id)["PrefixListAssociations"]
    assert [a["ResourceId"] for a in associations] == [table["RouteTableId"]]
    assert _error(ec2.delete_managed_prefix_list, PrefixListId=pl_id) == "DependencyViolation"
    assert _described(ec2, pl_id)["State"] == "create-complete"
    ec2.delete_route(RouteTableId=table["RouteTableId"], DestinationPrefixListId=pl_id)
    assert ec2.get_managed_prefix_list_associations(PrefixListId=pl_id)["PrefixListAssociations"] == []
    deleted = ec2.delete_managed_prefix_list(PrefixListId=pl_id)["PrefixList"]
    assert deleted["State"] == "delete-in-progress"
    assert _error(ec2.describe_managed_prefix_lists, PrefixListIds=[pl_id]) == "InvalidPrefixListID.NotFound"


def test_lists_are_private_to_their_account_and_filterable(ec2: Any, vpcsim: Any) -> None:
    mine = _create(ec2, name="alpha")["PrefixListId"]
    _create(ec2, name="beta")
    found = ec2.describe_managed_prefix_lists(Filters=[{"Name": "prefix-list-name", "Values": ["al*"]}])
    assert [p["PrefixListId"] for p in found["PrefixLists"]] == [mine]
    other = vpcsim.client("ec2", region="us-east-1", account="999988887777")
    assert _error(other.get_managed_prefix_list_entries, PrefixListId=mine) == "InvalidPrefixListID.NotFound"
    elsewhere = vpcsim.client("ec2", region="eu-west-2", account=found["PrefixLists"][0]["OwnerId"])
    assert _customer_lists(elsewhere) == []
    assert {p["OwnerId"] for p in elsewhere.describe_managed_prefix_lists()["PrefixLists"]} == {"AWS"}
    # The older API lists AWS-managed lists only, never a customer's.
    assert mine not in [p["PrefixListId"] for p in ec2.describe_prefix_lists()["PrefixLists"]]


def test_cli_prefix_list_flow(aws: Any) -> None:
    created = aws(
        "ec2",
        "create-managed-prefix-list",
        "--prefix-list-name",
        "vpc-cidrs",
        "--max-entries",
        "10",
        "--address-family",
        "IPv4",
        "--entries",
        "Cidr=10.0.0.0/16,Description=vpc-a",
    )["PrefixList"]
    pl_id = created["PrefixListId"]
    assert created["State"] == "create-in-progress"
    aws(
        "ec2",
        "modify-managed-prefix-list",
        "--prefix-list-id",
        pl_id,
        "--current-version",
        "1",
        "--add-entries",
        "Cidr=10.2.0.0/16,Description=vpc-b",
    )
    entries = aws("ec2", "get-managed-prefix-list-entries", "--prefix-list-id", pl_id)["Entries"]
    assert entries == [{"Cidr": "10.0.0.0/16", "Description": "vpc-a"}, {"Cidr": "10.2.0.0/16", "Description": "vpc-b"}]
    assert (
        aws.error(
            "ec2",
            "modify-managed-prefix-list",
            "--prefix-list-id",
            pl_id,
            "--current-version",
            "1",
            "--add-entries",
            "Cidr=10.3.0.0/16",
        )
        == "PrefixListVersionMismatch"
    )
    aws("ec2", "delete-managed-prefix-list", "--prefix-list-id", pl_id)
    assert aws.error("ec2", "delete-managed-prefix-list", "--prefix-list-id", pl_id) == "InvalidPrefixListID.NotFound"
