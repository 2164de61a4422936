"""DynamoDB tables through boto3 as Terraform's aws_dynamodb_table drives them: the full TableDescription, the
CREATING -> ACTIVE lifecycle a waiter sees, UpdateTable, point-in-time recovery, time to live and tags."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.conftest import error_code
from vpcsim.testing import Server

_ATTRIBUTES = [
    {"AttributeName": "pk", "AttributeType": "S"},
    {"AttributeName": "sk", "AttributeType": "S"},
    {"AttributeName": "gsi_pk", "AttributeType": "S"},
    {"AttributeName": "lsi_sk", "AttributeType": "N"},
]
_KEYS = [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}]
_GSI = {
    "IndexName": "by-gsi",
    "KeySchema": [{"AttributeName": "gsi_pk", "KeyType": "HASH"}],
    "Projection": {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["a"]},
    "ProvisionedThroughput": {"ReadCapacityUnits": 2, "WriteCapacityUnits": 1},
}
_LSI = {
    "IndexName": "by-lsi",
    "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "lsi_sk", "KeyType": "RANGE"}],
    "Projection": {"ProjectionType": "KEYS_ONLY"},
}


@pytest.fixture
def ddb(vpcsim: Server, account: str) -> Any:
    return vpcsim.client("dynamodb", "eu-west-2", account)


def _name() -> str:
    return f"t-{uuid.uuid4().hex[:10]}"


def _fails(call: Any, **kwargs: Any) -> tuple[str, str]:
    with pytest.raises(ClientError) as excinfo:
        call(**kwargs)
    return error_code(excinfo), str(excinfo.value.response["Error"]["Message"])


def _simple(ddb: Any, name: str, **extra: Any) -> dict[str, Any]:
    keys = {"AttributeDefinitions": _ATTRIBUTES[:1], "KeySchema": _KEYS[:1], "BillingMode": "PAY_PER_REQUEST"}
    return dict(ddb.create_table(TableName=name, **{**keys, **extra})["TableDescription"])


def test_full_description_and_lifecycle(ddb: Any, account: str) -> None:
    name = _name()
    created = ddb.create_table(
        TableName=name,
        AttributeDefinitions=_ATTRIBUTES,
        KeySchema=_KEYS,
        ProvisionedThroughput={"ReadCapacityUnits": 5, "WriteCapacityUnits": 5},
        GlobalSecondaryIndexes=[_GSI],
        LocalSecondaryIndexes=[_LSI],
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
        SSESpecification={"Enabled": True},
        DeletionProtectionEnabled=True,
        Tags=[{"Key": "team", "Value": "net"}],
    )["TableDescription"]
    arn = f"arn:aws:dynamodb:eu-west-2:{account}:table/{name}"
    assert (created["TableStatus"], created["GlobalSecondaryIndexes"][0]["IndexStatus"]) == ("CREATING", "CREATING")
    ddb.get_waiter("table_exists").wait(TableName=name, WaiterConfig={"Delay": 0, "MaxAttempts": 3})
    table = ddb.describe_table(TableName=name)["Table"]
    assert (table["TableStatus"], table["TableArn"], table["DeletionProtectionEnabled"]) == ("ACTIVE", arn, True)
    assert table["ProvisionedThroughput"] == {
        "NumberOfDecreasesToday": 0,
        "ReadCapacityUnits": 5,
        "WriteCapacityUnits": 5,
    }
    assert "BillingModeSummary" not in table
    gsi = table["GlobalSecondaryIndexes"][0]
    assert (gsi["IndexStatus"], gsi["IndexArn"], gsi["Projection"]) == (
        "ACTIVE",
        f"{arn}/index/by-gsi",
        _GSI["Projection"],
    )
    assert gsi["ProvisionedThroughput"]["ReadCapacityUnits"] == 2
    assert table["LocalSecondaryIndexes"][0]["KeySchema"] == _LSI["KeySchema"]
    assert table["StreamSpecification"] == {"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"}
    assert table["LatestStreamArn"] == f"{arn}/stream/{table['LatestStreamLabel']}"
    sse = table["SSEDescription"]
    assert (
        sse["Status"],
        sse["SSEType"],
        sse["KMSMasterKeyArn"].startswith(f"arn:aws:kms:eu-west-2:{account}:key/"),
    ) == (
        "ENABLED",
        "KMS",
        True,
    )
    assert len(table["TableId"]) == 36
    assert ddb.list_tags_of_resource(ResourceArn=arn)["Tags"] == [{"Key": "team", "Value": "net"}]
    assert _fails(ddb.delete_table, TableName=name)[0] == "ValidationException"  # deletion protection
    ddb.update_table(TableName=name, DeletionProtectionEnabled=False)
    assert ddb.delete_table(TableName=name)["TableDescription"]["TableStatus"] == "DELETING"
    ddb.get_waiter("table_not_exists").wait(TableName=name, WaiterConfig={"Delay": 0, "MaxAttempts": 2})


def test_default_table_has_no_optional_parts(ddb: Any) -> None:
    name = _name()
    _simple(ddb, name)
    table = ddb.describe_table(TableName=name)["Table"]
    for member in ("SSEDescription", "StreamSpecification", "GlobalSecondaryIndexes", "LocalSecondaryIndexes"):
        assert member not in table
    assert table["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    assert table["ProvisionedThroughput"]["ReadCapacityUnits"] == 0


_NO_LSI = _ATTRIBUTES[:3]  # pk, sk, gsi_pk
_GSI_ALL = {**_GSI, "Projection": {"ProjectionType": "ALL", "NonKeyAttributes": ["a"]}}
_GSI_FREE = {k: v for k, v in _GSI.items() if k != "ProvisionedThroughput"}
_PROVISIONED = {
    "BillingMode": "PROVISIONED",
    "ProvisionedThroughput": {"ReadCapacityUnits": 1, "WriteCapacityUnits": 1},
}


@pytest.mark.parametrize(
    ("extra", "fragment"),
    [
        (
            {
                "LocalSecondaryIndexes": [_LSI],
                "KeySchema": _KEYS[:1],
                "AttributeDefinitions": [_ATTRIBUTES[0], _ATTRIBUTES[3]],
            },
            "does not have a range key",
        ),
        (
            {"GlobalSecondaryIndexes": [_GSI], "AttributeDefinitions": _NO_LSI},
            "should not be specified for index: by-gsi",
        ),
        (
            {"GlobalSecondaryIndexes": [_GSI_FREE], "AttributeDefinitions": _NO_LSI, **_PROVISIONED},
            "must be specified for index",
        ),
        ({"AttributeDefinitions": _ATTRIBUTES[:3]}, "Number of attributes in KeySchema"),
        ({"GlobalSecondaryIndexes": [_GSI_ALL], "AttributeDefinitions": _NO_LSI}, "NonKeyAttributes is specified"),
        ({"GlobalSecondaryIndexes": [_GSI, _GSI], "AttributeDefinitions": _NO_LSI}, "Duplicate index name"),
        ({"StreamSpecification": {"StreamEnabled": True}, "AttributeDefinitions": _ATTRIBUTES[:2]}, "StreamViewType"),
    ],
)
def test_create_refusals(ddb: Any, extra: dict[str, Any], fragment: str) -> None:
    params = {"TableName": _name(), "KeySchema": _KEYS, "BillingMode": "PAY_PER_REQUEST", **extra}
    code, message = _fails(ddb.create_table, **params)
    assert (code, fragment in message) == ("ValidationException", True), message
    assert ddb.list_tables()["TableNames"] == []


def test_attribute_definitions_count_table_and_index_keys(ddb: Any) -> None:
    """AttributeDefinitions name every key attribute of the table and its indexes, each once, whoever uses it (as
    Terraform's aws_dynamodb_table sends a GSI that shares the table's range key)."""
    index = {
        "IndexName": "by-customer",
        "KeySchema": [{"AttributeName": "customer", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        "Projection": {"ProjectionType": "ALL"},
    }
    defined = [_ATTRIBUTES[0], _ATTRIBUTES[1], {"AttributeName": "customer", "AttributeType": "S"}]
    params = {"KeySchema": _KEYS, "BillingMode": "PAY_PER_REQUEST", "GlobalSecondaryIndexes": [index]}
    created = ddb.create_table(TableName=_name(), AttributeDefinitions=defined, **params)["TableDescription"]
    assert [a["AttributeName"] for a in created["AttributeDefinitions"]] == ["pk", "sk", "customer"]
    code, message = _fails(ddb.create_table, TableName=_name(), AttributeDefinitions=defined[:2], **params)
    assert (code, message) == (
        "ValidationException",
        "One or more parameter values were invalid: Some index key attributes are not defined in "
        "AttributeDefinitions. Keys: [pk, sk, customer], AttributeDefinitions: [pk, sk]",
    )
    unused = [*defined, _ATTRIBUTES[3]]
    code, message = _fails(ddb.create_table, TableName=_name(), AttributeDefinitions=unused, **params)
    assert message == (
        "One or more parameter values were invalid: Some AttributeDefinitions are not used. AttributeDefinitions: "
        "[pk, sk, customer, lsi_sk], keys used: [pk, sk, customer]"
    )


def test_update_table(ddb: Any) -> None:
    name = _name()
    _simple(ddb, name)
    assert _fails(ddb.update_table, TableName=name)[1].startswith("At least one of ProvisionedThroughput")
    switched = ddb.update_table(
        TableName=name,
        BillingMode="PROVISIONED",
        ProvisionedThroughput={"ReadCapacityUnits": 3, "WriteCapacityUnits": 2},
    )["TableDescription"]
    assert (switched["TableStatus"], switched["BillingModeSummary"]["BillingMode"]) == ("UPDATING", "PROVISIONED")
    assert ddb.describe_table(TableName=name)["Table"]["TableStatus"] == "ACTIVE"
    code, message = _fails(
        ddb.update_table, TableName=name, ProvisionedThroughput={"ReadCapacityUnits": 3, "WriteCapacityUnits": 2}
    )
    assert (code, "will not change" in message) == ("ValidationException", True)
    lowered = ddb.update_table(TableName=name, ProvisionedThroughput={"ReadCapacityUnits": 1, "WriteCapacityUnits": 2})
    assert lowered["TableDescription"]["ProvisionedThroughput"]["NumberOfDecreasesToday"] == 1
    ddb.describe_table(TableName=name)
    gsi = {**_GSI, "ProvisionedThroughput": {"ReadCapacityUnits": 1, "WriteCapacityUnits": 1}}
    created = ddb.update_table(
        TableName=name,
        AttributeDefinitions=[{"AttributeName": "gsi_pk", "AttributeType": "S"}],
        GlobalSecondaryIndexUpdates=[{"Create": gsi}],
    )["TableDescription"]
    assert created["GlobalSecondaryIndexes"][0]["IndexStatus"] == "CREATING"
    table = ddb.describe_table(TableName=name)["Table"]
    assert table["GlobalSecondaryIndexes"][0]["IndexStatus"] == "ACTIVE"
    assert {a["AttributeName"] for a in table["AttributeDefinitions"]} == {"pk", "gsi_pk"}
    code, message = _fails(
        ddb.update_table,
        TableName=name,
        GlobalSecondaryIndexUpdates=[{"Delete": {"IndexName": "by-gsi"}}, {"Create": {**gsi, "IndexName": "two"}}],
    )
    assert (code, "Only 1 online index" in message) == ("LimitExceededException", True)
    ddb.update_table(TableName=name, GlobalSecondaryIndexUpdates=[{"Delete": {"IndexName": "by-gsi"}}])
    table = ddb.describe_table(TableName=name)["Table"]
    assert "GlobalSecondaryIndexes" not in table and [a["AttributeName"] for a in table["AttributeDefinitions"]] == [
        "pk"
    ]
    missing = _fails(ddb.update_table, TableName=name, GlobalSecondaryIndexUpdates=[{"Delete": {"IndexName": "nope"}}])
    assert missing[0] == "ResourceNotFoundException"


def test_streams_and_encryption_updates(ddb: Any) -> None:
    name = _name()
    _simple(ddb, name)
    ddb.update_table(TableName=name, StreamSpecification={"StreamEnabled": True, "StreamViewType": "KEYS_ONLY"})
    table = ddb.describe_table(TableName=name)["Table"]
    assert table["StreamSpecification"]["StreamViewType"] == "KEYS_ONLY"
    code, message = _fails(
        ddb.update_table, TableName=name, StreamSpecification={"StreamEnabled": True, "StreamViewType": "KEYS_ONLY"}
    )
    assert (code, "already has an enabled stream" in message) == ("ValidationException", True)
    ddb.update_table(TableName=name, StreamSpecification={"StreamEnabled": False})
    table = ddb.describe_table(TableName=name)["Table"]
    assert "StreamSpecification" not in table and table["LatestStreamArn"].startswith(table["TableArn"])
    key = "arn:aws:kms:eu-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    ddb.update_table(TableName=name, SSESpecification={"Enabled": True, "SSEType": "KMS", "KMSMasterKeyId": key})
    assert ddb.describe_table(TableName=name)["Table"]["SSEDescription"]["KMSMasterKeyArn"] == key
    ddb.update_table(TableName=name, SSESpecification={"Enabled": False})
    assert "SSEDescription" not in ddb.describe_table(TableName=name)["Table"]


def test_point_in_time_recovery_and_ttl(ddb: Any) -> None:
    name = _name()
    _simple(ddb, name)
    backups = ddb.describe_continuous_backups(TableName=name)["ContinuousBackupsDescription"]
    assert backups == {
        "ContinuousBackupsStatus": "ENABLED",
        "PointInTimeRecoveryDescription": {"PointInTimeRecoveryStatus": "DISABLED"},
    }
    spec = {"PointInTimeRecoveryEnabled": True, "RecoveryPeriodInDays": 7}
    updated = ddb.update_continuous_backups(TableName=name, PointInTimeRecoverySpecification=spec)
    recovery = updated["ContinuousBackupsDescription"]["PointInTimeRecoveryDescription"]
    assert (recovery["PointInTimeRecoveryStatus"], recovery["RecoveryPeriodInDays"]) == ("ENABLED", 7)
    assert "EarliestRestorableDateTime" in recovery
    missing = _fails(ddb.describe_continuous_backups, TableName=f"{name}-missing")
    assert missing == ("TableNotFoundException", f"Table not found: {name}-missing")
    assert ddb.describe_time_to_live(TableName=name)["TimeToLiveDescription"] == {"TimeToLiveStatus": "DISABLED"}
    ddb.update_time_to_live(TableName=name, TimeToLiveSpecification={"Enabled": True, "AttributeName": "expires"})
    assert ddb.describe_time_to_live(TableName=name)["TimeToLiveDescription"] == {
        "TimeToLiveStatus": "ENABLED",
        "AttributeName": "expires",
    }
    again = _fails(
        ddb.update_time_to_live, TableName=name, TimeToLiveSpecification={"Enabled": True, "AttributeName": "x"}
    )
    assert again == ("ValidationException", "TimeToLive is already enabled")
    ddb.update_time_to_live(TableName=name, TimeToLiveSpecification={"Enabled": False, "AttributeName": "expires"})
    assert ddb.describe_time_to_live(TableName=name)["TimeToLiveDescription"]["TimeToLiveStatus"] == "DISABLED"
    missing = _fails(ddb.describe_time_to_live, TableName=f"{name}-missing")
    assert missing[0] == "ResourceNotFoundException"
    streaming = ddb.describe_kinesis_streaming_destination(TableName=name)
    assert (streaming["TableName"], streaming["KinesisDataStreamDestinations"]) == (name, [])


def test_tags(ddb: Any, account: str) -> None:
    name = _name()
    arn = _simple(ddb, name)["TableArn"]
    assert ddb.list_tags_of_resource(ResourceArn=arn)["Tags"] == []
    ddb.tag_resource(ResourceArn=arn, Tags=[{"Key": "a", "Value": "1"}, {"Key": "b", "Value": "2"}])
    ddb.tag_resource(ResourceArn=arn, Tags=[{"Key": "a", "Value": "3"}])
    assert ddb.list_tags_of_resource(ResourceArn=arn)["Tags"] == [
        {"Key": "a", "Value": "3"},
        {"Key": "b", "Value": "2"},
    ]
    ddb.untag_resource(ResourceArn=arn, TagKeys=["a", "absent"])
    assert ddb.list_tags_of_resource(ResourceArn=arn)["Tags"] == [{"Key": "b", "Value": "2"}]
    assert _fails(ddb.tag_resource, ResourceArn=arn, Tags=[{"Key": "aws:x", "Value": "1"}])[0] == "ValidationException"
    many = [{"Key": f"k{n}", "Value": "v"} for n in range(50)]
    assert _fails(ddb.tag_resource, ResourceArn=arn, Tags=many)[0] == "ValidationException"  # 51 with b
    assert _fails(ddb.list_tags_of_resource, ResourceArn="arn:aws:s3:::bucket")[0] == "ValidationException"
    gone = f"arn:aws:dynamodb:eu-west-2:{account}:table/{name}-gone"
    assert _fails(ddb.list_tags_of_resource, ResourceArn=gone)[0] == "ResourceNotFoundException"
