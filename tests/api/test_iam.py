"""IAM through boto3 and the AWS CLI: roles with trust policies, inline and managed policies with versions, AWS
managed policies, instance profiles; AWS's errors (MalformedPolicyDocument, NoSuchEntity 404, EntityAlreadyExists
and DeleteConflict 409, LimitExceeded, ValidationError) and documents URL-encoded on the wire."""

from __future__ import annotations

import json
import urllib.parse
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from tests.conftest import Cli, error_code
from vpcsim.testing import Server

TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "vpc-flow-logs.amazonaws.com"}, "Action": "sts:AssumeRole"}
    ],
}
PUBLISH = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"], "Resource": "*"}],
}


@pytest.fixture
def iam(vpcsim: Server, account: str) -> Any:
    return vpcsim.client("iam", region="us-east-1", account=account)


def _status(excinfo: pytest.ExceptionInfo[ClientError]) -> int:
    return int(excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"])


def test_a_role_is_created_read_listed_and_deleted(iam: Any, account: str) -> None:
    created = iam.create_role(
        RoleName="flow-logs",
        Path="/net/",
        AssumeRolePolicyDocument=json.dumps(TRUST),
        Tags=[{"Key": "a", "Value": "1"}],
    )["Role"]
    assert created["Arn"] == f"arn:aws:iam::{account}:role/net/flow-logs"
    assert created["RoleId"].startswith("AROA") and len(created["RoleId"]) == 21
    role = iam.get_role(RoleName="flow-logs")["Role"]
    assert role["AssumeRolePolicyDocument"] == TRUST  # botocore decodes the URL-encoded document
    assert role["MaxSessionDuration"] == 3600 and role["Tags"] == [{"Key": "a", "Value": "1"}]
    assert role["RoleLastUsed"] == {}
    listed = iam.list_roles(PathPrefix="/net/")["Roles"]
    assert [r["RoleName"] for r in listed] == ["flow-logs"] and "Tags" not in listed[0]
    assert iam.list_roles(PathPrefix="/other/")["Roles"] == []
    iam.delete_role(RoleName="FLOW-LOGS")  # names are matched whatever their case
    with pytest.raises(ClientError) as gone:
        iam.get_role(RoleName="flow-logs")
    assert error_code(gone) == "NoSuchEntity" and _status(gone) == 404
    assert gone.value.response["Error"]["Message"] == "The role with name flow-logs cannot be found."


def test_documents_are_url_encoded_on_the_wire(vpcsim: Server, iam: Any, account: str) -> None:
    iam.create_role(RoleName="wire", AssumeRolePolicyDocument=json.dumps(TRUST))
    raw: dict[str, Any] = {}

    def keep(response_dict: dict[str, Any], **_: Any) -> None:
        raw["body"] = response_dict["body"].decode()

    iam.meta.events.register("before-parse.iam.GetRole", keep)
    iam.get_role(RoleName="wire")
    encoded = raw["body"].split("<AssumeRolePolicyDocument>", 1)[1].split("</AssumeRolePolicyDocument>", 1)[0]
    assert "%7B%22Version%22" in encoded and "{" not in encoded
    assert json.loads(urllib.parse.unquote(encoded)) == TRUST


def test_names_are_unique_whatever_their_case(iam: Any) -> None:
    iam.create_role(RoleName="App", AssumeRolePolicyDocument=json.dumps(TRUST))
    with pytest.raises(ClientError) as taken:
        iam.create_role(RoleName="app", AssumeRolePolicyDocument=json.dumps(TRUST))
    assert error_code(taken) == "EntityAlreadyExists" and _status(taken) == 409


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ("{not json", "This policy contains invalid Json"),
        (
            json.dumps(
                {"Version": "2012-10-17", "Statement": [{"Effect": "allow", "Action": "s3:*", "Resource": "*"}]}
            ),
            "The policy failed legacy parsing",
        ),
        (
            json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Resource": "*"}]}),
            "Policy statement must contain actions.",
        ),
        (
            json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*"}]}),
            "Policy statement must contain resources.",
        ),
        (
            json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "get", "Resource": "*"}]}),
            "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.",
        ),
        (
            json.dumps(
                {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "b"}]}
            ),
            'Resource b must be in ARN format or "*".',
        ),
        (json.dumps(TRUST), "Policy document should not specify a principal."),
        (
            json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Bogus": 1}]}),
            "Syntax errors in policy.",
        ),
    ],
)
def test_malformed_documents_are_refused(iam: Any, document: str, message: str) -> None:
    iam.create_role(RoleName="r", AssumeRolePolicyDocument=json.dumps(TRUST))
    with pytest.raises(ClientError) as refused:
        iam.put_role_policy(RoleName="r", PolicyName="p", PolicyDocument=document)
    assert error_code(refused) == "MalformedPolicyDocument"
    assert refused.value.response["Error"]["Message"] == message
    assert iam.list_role_policies(RoleName="r")["PolicyNames"] == []


def test_a_trust_policy_names_principals_and_no_resources(iam: Any) -> None:
    with_resource = {"Statement": [{**TRUST["Statement"][0], "Resource": "*"}]}  # type: ignore[dict-item]
    with pytest.raises(ClientError) as refused:
        iam.create_role(RoleName="r", AssumeRolePolicyDocument=json.dumps(with_resource))
    assert refused.value.response["Error"]["Message"] == "Has prohibited field Resource"
    bad_principal = {"Statement": [{"Effect": "Allow", "Principal": {"AWS": "someone"}, "Action": "sts:AssumeRole"}]}
    with pytest.raises(ClientError) as refused:
        iam.create_role(RoleName="r", AssumeRolePolicyDocument=json.dumps(bad_principal))
    assert error_code(refused) == "MalformedPolicyDocument" and "Invalid principal" in str(refused.value)
    with pytest.raises(ClientError):
        iam.get_role(RoleName="r")


def test_the_model_constraints_answer_validation_error(vpcsim: Server, account: str) -> None:
    # botocore would refuse the values itself: let the server judge them
    unchecked = Config(parameter_validation=False)
    iam = boto3.client(
        "iam",
        "us-east-1",
        endpoint_url=vpcsim.url,
        aws_access_key_id=account,
        aws_secret_access_key="x",
        config=unchecked,
    )
    with pytest.raises(ClientError) as refused:
        iam.create_role(RoleName="bad name!", AssumeRolePolicyDocument=json.dumps(TRUST))
    assert error_code(refused) == "ValidationError" and "roleName" in refused.value.response["Error"]["Message"]
    with pytest.raises(ClientError) as refused:
        iam.create_role(RoleName="r", AssumeRolePolicyDocument=json.dumps(TRUST), MaxSessionDuration=60)
    assert error_code(refused) == "ValidationError"


def test_inline_policies_put_read_replace_and_delete(iam: Any) -> None:
    iam.create_role(RoleName="r", AssumeRolePolicyDocument=json.dumps(TRUST))
    iam.put_role_policy(RoleName="r", PolicyName="publish", PolicyDocument=json.dumps(PUBLISH))
    got = iam.get_role_policy(RoleName="r", PolicyName="publish")
    assert got["PolicyDocument"] == PUBLISH and got["RoleName"] == "r"
    wider = {**PUBLISH, "Statement": [{"Effect": "Allow", "Action": "logs:*", "Resource": "*"}]}
    iam.put_role_policy(RoleName="r", PolicyName="publish", PolicyDocument=json.dumps(wider))
    assert iam.get_role_policy(RoleName="r", PolicyName="publish")["PolicyDocument"] == wider
    assert iam.list_role_policies(RoleName="r")["PolicyNames"] == ["publish"]
    with pytest.raises(ClientError) as conflict:
        iam.delete_role(RoleName="r")
    assert error_code(conflict) == "DeleteConflict" and _status(conflict) == 409
    iam.delete_role_policy(RoleName="r", PolicyName="publish")
    with pytest.raises(ClientError) as missing:
        iam.get_role_policy(RoleName="r", PolicyName="publish")
    assert missing.value.response["Error"]["Message"] == "The role policy with name publish cannot be found."
    iam.delete_role(RoleName="r")


def test_inline_policies_of_a_role_share_a_size_quota(iam: Any) -> None:
    iam.create_role(RoleName="r", AssumeRolePolicyDocument=json.dumps(TRUST))
    big = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::" + "b" * 4000}],
    }
    iam.put_role_policy(RoleName="r", PolicyName="one", PolicyDocument=json.dumps(big))
    iam.put_role_policy(RoleName="r", PolicyName="two", PolicyDocument=json.dumps(big))
    with pytest.raises(ClientError) as refused:
        iam.put_role_policy(RoleName="r", PolicyName="three", PolicyDocument=json.dumps(big))
    assert error_code(refused) == "LimitExceeded"
    assert iam.list_role_policies(RoleName="r")["PolicyNames"] == ["one", "two"]


def test_a_managed_policy_is_attached_versioned_and_deleted(iam: Any, account: str) -> None:
    policy = iam.create_policy(PolicyName="publish", Path="/logs/", PolicyDocument=json.dumps(PUBLISH))["Policy"]
    arn = policy["Arn"]
    assert arn == f"arn:aws:iam::{account}:policy/logs/publish" and policy["PolicyId"].startswith("ANPA")
    assert policy["DefaultVersionId"] == "v1" and policy["AttachmentCount"] == 0
    iam.create_role(RoleName="r", AssumeRolePolicyDocument=json.dumps(TRUST))
    iam.attach_role_policy(RoleName="r", PolicyArn=arn)
    iam.attach_role_policy(RoleName="r", PolicyArn=arn)  # again: nothing changes
    assert iam.list_attached_role_policies(RoleName="r")["AttachedPolicies"] == [
        {"PolicyName": "publish", "PolicyArn": arn}
    ]
    assert iam.get_policy(PolicyArn=arn)["Policy"]["AttachmentCount"] == 1
    assert iam.list_entities_for_policy(PolicyArn=arn)["PolicyRoles"][0]["RoleName"] == "r"
    version = iam.get_policy_version(PolicyArn=arn, VersionId="v1")["PolicyVersion"]
    assert version["Document"] == PUBLISH and version["IsDefaultVersion"] is True
    iam.create_policy_version(PolicyArn=arn, PolicyDocument=json.dumps(PUBLISH), SetAsDefault=True)
    versions = iam.list_policy_versions(PolicyArn=arn)["Versions"]
    assert [(v["VersionId"], v["IsDefaultVersion"]) for v in versions] == [("v2", True), ("v1", False)]
    with pytest.raises(ClientError) as conflict:
        iam.delete_policy_version(PolicyArn=arn, VersionId="v2")
    assert error_code(conflict) == "DeleteConflict"
    with pytest.raises(ClientError) as attached:
        iam.delete_policy(PolicyArn=arn)
    assert attached.value.response["Error"]["Message"] == "Cannot delete a policy attached to entities."
    with pytest.raises(ClientError) as still:
        iam.delete_role(RoleName="r")
    assert still.value.response["Error"]["Message"] == "Cannot delete entity, must detach all policies first."
    iam.detach_role_policy(RoleName="r", PolicyArn=arn)
    with pytest.raises(ClientError) as versioned:
        iam.delete_policy(PolicyArn=arn)
    assert "more than one version" in versioned.value.response["Error"]["Message"]
    iam.delete_policy_version(PolicyArn=arn, VersionId="v1")
    iam.delete_policy(PolicyArn=arn)
    with pytest.raises(ClientError) as gone:
        iam.get_policy(PolicyArn=arn)
    assert error_code(gone) == "NoSuchEntity"


def test_a_policy_keeps_five_versions_at_most(iam: Any) -> None:
    arn = iam.create_policy(PolicyName="p", PolicyDocument=json.dumps(PUBLISH))["Policy"]["Arn"]
    for _ in range(4):
        iam.create_policy_version(PolicyArn=arn, PolicyDocument=json.dumps(PUBLISH))
    with pytest.raises(ClientError) as refused:
        iam.create_policy_version(PolicyArn=arn, PolicyDocument=json.dumps(PUBLISH))
    assert error_code(refused) == "LimitExceeded"
    assert len(iam.list_policy_versions(PolicyArn=arn)["Versions"]) == 5


def test_aws_managed_policies_come_from_the_catalog(iam: Any) -> None:
    arn = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
    policy = iam.get_policy(PolicyArn=arn)["Policy"]
    assert policy["PolicyName"] == "AWSLambdaBasicExecutionRole" and policy["Path"] == "/service-role/"
    aws_names = {p["PolicyName"] for p in iam.list_policies(Scope="AWS", MaxItems=1000)["Policies"]}
    assert {"AdministratorAccess", "CloudWatchLogsFullAccess"} <= aws_names
    assert iam.list_policies(Scope="Local")["Policies"] == []
    iam.create_role(RoleName="r", AssumeRolePolicyDocument=json.dumps(TRUST))
    iam.attach_role_policy(RoleName="r", PolicyArn="arn:aws:iam::aws:policy/CloudWatchLogsFullAccess")
    attached = iam.list_policies(Scope="AWS", OnlyAttached=True)["Policies"]
    assert [p["PolicyName"] for p in attached] == ["CloudWatchLogsFullAccess"]
    with pytest.raises(ClientError) as missing:
        iam.attach_role_policy(RoleName="r", PolicyArn="arn:aws:iam::aws:policy/NoSuchPolicy")
    assert error_code(missing) == "NoSuchEntity" and "not attachable" in str(missing.value)
    versions = iam.list_policy_versions(PolicyArn=arn)["Versions"]
    assert [(v["VersionId"], v["IsDefaultVersion"]) for v in versions] == [(policy["DefaultVersionId"], True)]
    document = iam.get_policy_version(PolicyArn=arn, VersionId=policy["DefaultVersionId"])["PolicyVersion"]["Document"]
    assert {"logs:CreateLogStream", "logs:PutLogEvents"} <= set(document["Statement"][0]["Action"])
    admin = iam.get_policy(PolicyArn="arn:aws:iam::aws:policy/AdministratorAccess")["Policy"]
    assert (admin["CreateDate"].year, admin["DefaultVersionId"]) == (2015, "v1")  # as AWS records it
    admin_document = iam.get_policy_version(PolicyArn=admin["Arn"], VersionId="v1")["PolicyVersion"]["Document"]
    assert admin_document["Statement"] == [{"Effect": "Allow", "Action": "*", "Resource": "*"}]
    with pytest.raises(ClientError) as denied:
        iam.delete_policy(PolicyArn=arn)
    assert error_code(denied) == "AccessDenied" and _status(denied) == 403
    with pytest.raises(ClientError) as denied:
        iam.create_policy_version(PolicyArn=arn, PolicyDocument=json.dumps(PUBLISH))
    assert error_code(denied) == "AccessDenied"


def test_lists_page_with_marker(iam: Any) -> None:
    for n in range(5):
        iam.create_role(RoleName=f"role-{n}", AssumeRolePolicyDocument=json.dumps(TRUST))
    first = iam.list_roles(MaxItems=2)
    assert first["IsTruncated"] is True and len(first["Roles"]) == 2
    names = [
        r["RoleName"]
        for page in iam.get_paginator("list_roles").paginate(PaginationConfig={"PageSize": 2})
        for r in page["Roles"]
    ]
    assert names == [f"role-{n}" for n in range(5)]


def test_an_instance_profile_holds_one_role(iam: Any, account: str) -> None:
    iam.create_role(RoleName="r", AssumeRolePolicyDocument=json.dumps(TRUST))
    iam.create_role(RoleName="s", AssumeRolePolicyDocument=json.dumps(TRUST))
    profile = iam.create_instance_profile(InstanceProfileName="app")["InstanceProfile"]
    assert profile["Arn"] == f"arn:aws:iam::{account}:instance-profile/app" and profile["Roles"] == []
    assert profile["InstanceProfileId"].startswith("AIPA")
    iam.add_role_to_instance_profile(InstanceProfileName="app", RoleName="r")
    with pytest.raises(ClientError) as full:
        iam.add_role_to_instance_profile(InstanceProfileName="app", RoleName="s")
    assert error_code(full) == "LimitExceeded"
    roles = iam.get_instance_profile(InstanceProfileName="app")["InstanceProfile"]["Roles"]
    assert [r["RoleName"] for r in roles] == ["r"] and roles[0]["AssumeRolePolicyDocument"] == TRUST
    for_role = iam.list_instance_profiles_for_role(RoleName="r")["InstanceProfiles"]
    assert [p["InstanceProfileName"] for p in for_role] == ["app"]
    with pytest.raises(ClientError) as in_use:
        iam.delete_role(RoleName="r")
    assert "instance profile" in in_use.value.response["Error"]["Message"]
    with pytest.raises(ClientError) as holding:
        iam.delete_instance_profile(InstanceProfileName="app")
    assert error_code(holding) == "DeleteConflict"
    iam.remove_role_from_instance_profile(InstanceProfileName="app", RoleName="r")
    iam.delete_instance_profile(InstanceProfileName="app")
    iam.delete_role(RoleName="r")
    with pytest.raises(ClientError) as gone:
        iam.get_instance_profile(InstanceProfileName="app")
    assert error_code(gone) == "NoSuchEntity"


def test_tags_on_roles_policies_and_profiles(iam: Any) -> None:
    iam.create_role(RoleName="r", AssumeRolePolicyDocument=json.dumps(TRUST))
    iam.tag_role(RoleName="r", Tags=[{"Key": "team", "Value": "net"}, {"Key": "env", "Value": "dev"}])
    iam.untag_role(RoleName="r", TagKeys=["env"])
    assert iam.list_role_tags(RoleName="r")["Tags"] == [{"Key": "team", "Value": "net"}]
    arn = iam.create_policy(PolicyName="p", PolicyDocument=json.dumps(PUBLISH))["Policy"]["Arn"]
    iam.tag_policy(PolicyArn=arn, Tags=[{"Key": "k", "Value": "v"}])
    assert iam.get_policy(PolicyArn=arn)["Policy"]["Tags"] == [{"Key": "k", "Value": "v"}]
    iam.create_instance_profile(InstanceProfileName="ip", Tags=[{"Key": "k", "Value": "v"}])
    assert iam.list_instance_profile_tags(InstanceProfileName="ip")["Tags"] == [{"Key": "k", "Value": "v"}]
    too_many = [{"Key": f"k{n}", "Value": ""} for n in range(51)]
    with pytest.raises(ClientError) as refused:
        iam.tag_role(RoleName="r", Tags=too_many)
    assert error_code(refused) in ("LimitExceeded", "ValidationError")


def test_accounts_do_not_see_each_others_roles(vpcsim: Server, iam: Any) -> None:
    iam.create_role(RoleName="mine", AssumeRolePolicyDocument=json.dumps(TRUST))
    other = vpcsim.client("iam", region="us-east-1", account="999988887777")
    assert "mine" not in {r["RoleName"] for r in other.list_roles()["Roles"]}


def test_the_cli_creates_and_reads_a_role(aws: Cli) -> None:
    created = aws("iam", "create-role", "--role-name", "cli", "--assume-role-policy-document", json.dumps(TRUST))
    assert created["Role"]["RoleName"] == "cli"
    assert aws("iam", "get-role", "--role-name", "cli")["Role"]["AssumeRolePolicyDocument"] == TRUST
    assert aws.error("iam", "get-role", "--role-name", "nobody") == "NoSuchEntity"


def test_get_user_answers_the_caller(vpcsim: Server, iam: Any, account: str) -> None:
    root = iam.get_user()["User"]
    assert root["Arn"] == f"arn:aws:iam::{account}:root" and root["UserId"] == account
    with pytest.raises(ClientError) as missing:
        iam.get_user(UserName="alice")
    assert error_code(missing) == "NoSuchEntity" and _status(missing) == 404
    key = f"AKIAUSER{account}"
    vpcsim.map_principal(key, f"arn:aws:iam::{account}:user/alice")
    alice = vpcsim.client("iam", access_key=key).get_user()["User"]
    assert (alice["UserName"], alice["Arn"]) == ("alice", f"arn:aws:iam::{account}:user/alice")
    assert alice["UserId"].startswith("AIDA")
    role_key = f"AKIAROLE{account}"
    vpcsim.map_principal(role_key, f"arn:aws:iam::{account}:role/app")
    with pytest.raises(ClientError) as refused:
        vpcsim.client("iam", access_key=role_key).get_user()
    assert error_code(refused) == "ValidationError"
