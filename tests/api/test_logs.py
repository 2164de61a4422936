"""CloudWatch Logs log groups through boto3 and the AWS CLI: create, describe (prefix, pattern, paging), retention,
tags by ARN and by name, deletion protection, delete; AWS's errors in the JSON protocol."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.conftest import Cli, error_code
from vpcsim.testing import Server


@pytest.fixture
def logs(vpcsim: Server, account: str) -> Any:
    return vpcsim.client("logs", region="eu-west-2", account=account)


def test_a_log_group_is_created_described_and_deleted(logs: Any, account: str) -> None:
    logs.create_log_group(logGroupName="/vpc/flow-logs", tags={"team": "net"})
    group = logs.describe_log_groups(logGroupNamePrefix="/vpc/")["logGroups"][0]
    assert group["logGroupName"] == "/vpc/flow-logs"
    assert group["arn"] == f"arn:aws:logs:eu-west-2:{account}:log-group:/vpc/flow-logs:*"
    assert group["logGroupArn"] == group["arn"].removesuffix(":*")
    assert group["storedBytes"] == 0 and group["logGroupClass"] == "STANDARD" and "retentionInDays" not in group
    assert isinstance(group["creationTime"], int) and group["creationTime"] > 1_600_000_000_000
    with pytest.raises(ClientError) as taken:
        logs.create_log_group(logGroupName="/vpc/flow-logs")
    assert error_code(taken) == "ResourceAlreadyExistsException"
    logs.delete_log_group(logGroupName="/vpc/flow-logs")
    assert logs.describe_log_groups()["logGroups"] == []
    with pytest.raises(ClientError) as gone:
        logs.delete_log_group(logGroupName="/vpc/flow-logs")
    assert error_code(gone) == "ResourceNotFoundException"
    assert gone.value.response["Error"]["Message"] == "The specified log group does not exist."


def test_retention_takes_the_listed_day_counts(logs: Any) -> None:
    logs.create_log_group(logGroupName="g")
    logs.put_retention_policy(logGroupName="g", retentionInDays=14)
    assert logs.describe_log_groups()["logGroups"][0]["retentionInDays"] == 14
    with pytest.raises(ClientError) as refused:
        logs.put_retention_policy(logGroupName="g", retentionInDays=2)
    assert error_code(refused) == "InvalidParameterException"
    assert "Member must satisfy enum value set: [1, 3, 5, 7, 14" in refused.value.response["Error"]["Message"]
    assert logs.describe_log_groups()["logGroups"][0]["retentionInDays"] == 14
    logs.delete_retention_policy(logGroupName="g")
    assert "retentionInDays" not in logs.describe_log_groups()["logGroups"][0]
    with pytest.raises(ClientError) as missing:
        logs.put_retention_policy(logGroupName="nope", retentionInDays=1)
    assert error_code(missing) == "ResourceNotFoundException"


def test_describe_sorts_filters_and_pages(logs: Any) -> None:
    for name in ("b-app", "a-app", "C-data", "a-db"):
        logs.create_log_group(logGroupName=name)
    names = [g["logGroupName"] for g in logs.describe_log_groups()["logGroups"]]
    assert names == ["C-data", "a-app", "a-db", "b-app"]  # ASCII order
    assert [g["logGroupName"] for g in logs.describe_log_groups(logGroupNamePrefix="a-")["logGroups"]] == [
        "a-app",
        "a-db",
    ]
    by_pattern = logs.describe_log_groups(logGroupNamePattern="app")["logGroups"]
    assert [g["logGroupName"] for g in by_pattern] == ["a-app", "b-app"]
    assert set(by_pattern[0]) == {"arn", "creationTime", "logGroupName"}
    first = logs.describe_log_groups(limit=3)
    assert len(first["logGroups"]) == 3 and "nextToken" in first
    rest = logs.describe_log_groups(limit=3, nextToken=first["nextToken"])
    assert [g["logGroupName"] for g in rest["logGroups"]] == ["b-app"] and "nextToken" not in rest
    listed = logs.list_log_groups(logGroupNamePattern="^b-a|data")["logGroups"]
    assert [g["logGroupName"] for g in listed] == ["C-data", "b-app"]
    with pytest.raises(ClientError) as both:
        logs.describe_log_groups(logGroupNamePrefix="a", logGroupNamePattern="app")
    assert error_code(both) == "InvalidParameterException"


def test_tags_by_arn_and_by_name(logs: Any, account: str) -> None:
    logs.create_log_group(logGroupName="g", tags={"a": "1"})
    arn = f"arn:aws:logs:eu-west-2:{account}:log-group:g"
    logs.tag_resource(resourceArn=arn, tags={"b": "2"})
    assert logs.list_tags_for_resource(resourceArn=arn)["tags"] == {"a": "1", "b": "2"}
    logs.untag_resource(resourceArn=arn, tagKeys=["a"])
    logs.tag_log_group(logGroupName="g", tags={"c": "3"})
    assert logs.list_tags_log_group(logGroupName="g")["tags"] == {"b": "2", "c": "3"}
    logs.untag_log_group(logGroupName="g", tags=["c"])
    assert logs.list_tags_for_resource(resourceArn=arn)["tags"] == {"b": "2"}
    with pytest.raises(ClientError) as missing:
        logs.list_tags_for_resource(resourceArn=arn + "-other")
    assert error_code(missing) == "ResourceNotFoundException"
    with pytest.raises(ClientError) as too_many:
        logs.tag_resource(resourceArn=arn, tags={f"k{n}": "v" for n in range(50)})
    assert error_code(too_many) in ("TooManyTagsException", "InvalidParameterException")
    assert logs.list_tags_for_resource(resourceArn=arn)["tags"] == {"b": "2"}


def test_names_are_checked(logs: Any) -> None:
    with pytest.raises(ClientError) as refused:
        logs.create_log_group(logGroupName="bad name")
    assert error_code(refused) == "InvalidParameterException"
    with pytest.raises(ClientError) as reserved:
        logs.create_log_group(logGroupName="aws/mine")
    assert error_code(reserved) == "InvalidParameterException"
    with pytest.raises(ClientError) as key:
        logs.create_log_group(logGroupName="g", kmsKeyId="not-a-key")
    assert error_code(key) == "InvalidParameterException"
    assert logs.describe_log_groups()["logGroups"] == []


def test_deletion_protection_blocks_delete(logs: Any) -> None:
    logs.create_log_group(logGroupName="kept", deletionProtectionEnabled=True)
    with pytest.raises(ClientError) as refused:
        logs.delete_log_group(logGroupName="kept")
    assert error_code(refused) == "ValidationException"
    logs.put_log_group_deletion_protection(logGroupIdentifier="kept", deletionProtectionEnabled=False)
    logs.delete_log_group(logGroupName="kept")


def test_groups_belong_to_an_account_and_region(vpcsim: Server, logs: Any, account: str) -> None:
    logs.create_log_group(logGroupName="here")
    elsewhere = vpcsim.client("logs", region="us-east-1", account=account)
    other = vpcsim.client("logs", region="eu-west-2", account="999988887777")
    assert elsewhere.describe_log_groups()["logGroups"] == []
    assert all(g["logGroupName"] != "here" for g in other.describe_log_groups()["logGroups"])
    elsewhere.create_log_group(logGroupName="here")  # the same name in another Region is another group


def test_the_cli_creates_and_describes(aws: Cli) -> None:
    aws("logs", "create-log-group", "--log-group-name", "cli")
    assert aws("logs", "describe-log-groups")["logGroups"][0]["logGroupName"] == "cli"
    assert aws.error("logs", "delete-log-group", "--log-group-name", "nope") == "ResourceNotFoundException"
