"""IAM ListAccountAliases through real boto3 and the AWS CLI: a vpcsim account has no alias, as a new AWS account."""

from __future__ import annotations

from tests.conftest import Cli
from vpcsim.testing import Server


def test_an_account_has_no_alias(vpcsim: Server, account: str) -> None:
    answer = vpcsim.client("iam", "us-east-1", account).list_account_aliases()
    assert answer["AccountAliases"] == [] and answer["IsTruncated"] is False


def test_the_cli_lists_no_alias(aws: Cli) -> None:
    assert aws("iam", "list-account-aliases") == {"AccountAliases": []}
