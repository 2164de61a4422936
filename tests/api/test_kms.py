"""KMS DescribeKey for AWS managed keys through real boto3: every way of naming the key gives the same key, the one a
DynamoDB table encrypted with the default key names; unknown keys and malformed ARNs get KMS's errors."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from tests.conftest import error_code
from vpcsim.testing import Server


def test_managed_key_by_alias_id_and_arns(vpcsim: Server, account: str) -> None:
    kms = vpcsim.client("kms", "eu-west-2", account)
    key = kms.describe_key(KeyId="alias/aws/dynamodb")["KeyMetadata"]
    assert key["Arn"] == f"arn:aws:kms:eu-west-2:{account}:key/{key['KeyId']}"
    assert (key["AWSAccountId"], key["KeyManager"], key["KeyState"]) == (account, "AWS", "Enabled")
    assert key["Enabled"] is True
    assert key["KeySpec"] == "SYMMETRIC_DEFAULT" and key["KeyUsage"] == "ENCRYPT_DECRYPT"
    alias_arn = f"arn:aws:kms:eu-west-2:{account}:alias/aws/dynamodb"
    for name in (key["KeyId"], key["Arn"], alias_arn):
        assert kms.describe_key(KeyId=name)["KeyMetadata"]["KeyId"] == key["KeyId"]
    other_region = vpcsim.client("kms", "us-east-1", account).describe_key(KeyId="alias/aws/dynamodb")
    assert other_region["KeyMetadata"]["KeyId"] != key["KeyId"]
    assert kms.describe_key(KeyId="alias/aws/s3")["KeyMetadata"]["KeyId"] != key["KeyId"]


def test_the_table_default_key_is_the_managed_key(vpcsim: Server, account: str) -> None:
    dynamodb = vpcsim.client("dynamodb", "eu-west-2", account)
    table = dynamodb.create_table(
        TableName="orders",
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        BillingMode="PAY_PER_REQUEST",
        SSESpecification={"Enabled": True},
    )["TableDescription"]
    key = vpcsim.client("kms", "eu-west-2", account).describe_key(KeyId="alias/aws/dynamodb")["KeyMetadata"]
    assert table["SSEDescription"]["KMSMasterKeyArn"] == key["Arn"]


@pytest.mark.parametrize(
    ("key_id", "code"),
    [
        ("alias/my-key", "NotFoundException"),
        ("alias/aws/unheard-of", "NotFoundException"),
        ("1234abcd-12ab-34cd-56ef-1234567890ab", "NotFoundException"),
        ("arn:aws:kms:eu-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab", "NotFoundException"),
        ("arn:aws:kms:eu-west-2:not-an-account", "InvalidArnException"),
    ],
)
def test_unknown_keys(vpcsim: Server, account: str, key_id: str, code: str) -> None:
    kms = vpcsim.client("kms", "eu-west-2", account)
    with pytest.raises(ClientError) as excinfo:
        kms.describe_key(KeyId=key_id)
    assert error_code(excinfo) == code
    assert excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
