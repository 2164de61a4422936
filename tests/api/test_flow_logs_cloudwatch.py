"""Flow logs to CloudWatch Logs as AWS runs them: the role must exist in the account and trust the flow logs service
(otherwise the flow log is created but fails delivery with "Access error"), the log group is created by the service
when records are first delivered to a group that does not exist, and a role is refused for an S3 destination."""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.api.amis import ami
from tests.api.test_flow_log_records import send
from tests.conftest import error_code
from vpcsim.testing import Server

REGION = "eu-west-2"
TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "vpc-flow-logs.amazonaws.com"}, "Action": "sts:AssumeRole"}
    ],
}


@pytest.fixture
def clients(vpcsim: Server, account: str) -> dict[str, Any]:
    return {s: vpcsim.client(s, region=REGION, account=account) for s in ("ec2", "iam", "logs")}


def _vpc_log(ec2: Any, vpc: str, role: str, group: str = "/vpc/flows") -> str:
    created = ec2.create_flow_logs(
        ResourceType="VPC", ResourceIds=[vpc], TrafficType="ALL", LogGroupName=group, DeliverLogsPermissionArn=role
    )
    assert created["Unsuccessful"] == []
    return str(created["FlowLogIds"][0])


def _status(ec2: Any, log: str) -> tuple[str, str | None]:
    [found] = ec2.describe_flow_logs(FlowLogIds=[log])["FlowLogs"]
    return found["DeliverLogsStatus"], found.get("DeliverLogsErrorMessage")


def test_a_missing_role_fails_delivery_until_it_exists(clients: dict[str, Any], account: str) -> None:
    ec2, iam = clients["ec2"], clients["iam"]
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    role = f"arn:aws:iam::{account}:role/flow-logs"
    log = _vpc_log(ec2, vpc, role)
    assert _status(ec2, log) == ("FAILED", "Access error")
    failed = ec2.describe_flow_logs(Filters=[{"Name": "deliver-log-status", "Values": ["FAILED"]}])["FlowLogs"]
    assert [f["FlowLogId"] for f in failed] == [log]
    iam.create_role(RoleName="flow-logs", AssumeRolePolicyDocument=json.dumps(TRUST))
    assert _status(ec2, log) == ("SUCCESS", None)


def test_a_role_that_does_not_trust_the_service_fails_delivery(clients: dict[str, Any]) -> None:
    ec2, iam = clients["ec2"], clients["iam"]
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    ec2_trust = json.dumps(TRUST).replace("vpc-flow-logs", "ec2")
    role = iam.create_role(RoleName="ec2-only", AssumeRolePolicyDocument=ec2_trust)["Role"]["Arn"]
    log = _vpc_log(ec2, vpc, role)
    assert _status(ec2, log) == ("FAILED", "Access error")
    iam.update_assume_role_policy(RoleName="ec2-only", PolicyDocument=json.dumps(TRUST))
    assert _status(ec2, log) == ("SUCCESS", None)


def test_another_accounts_role_fails_delivery(vpcsim: Server, clients: dict[str, Any]) -> None:
    other = vpcsim.client("iam", account="999988887777")
    try:
        role = other.create_role(RoleName="shared-flow-logs", AssumeRolePolicyDocument=json.dumps(TRUST))["Role"]["Arn"]
    except ClientError:
        role = other.get_role(RoleName="shared-flow-logs")["Role"]["Arn"]
    vpc = clients["ec2"].create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    assert _status(clients["ec2"], _vpc_log(clients["ec2"], vpc, role)) == ("FAILED", "Access error")


def test_a_role_is_not_for_s3_destinations(vpcsim: Server, clients: dict[str, Any], account: str) -> None:
    ec2 = clients["ec2"]
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    with pytest.raises(ClientError) as refused:
        ec2.create_flow_logs(
            ResourceType="VPC",
            ResourceIds=[vpc],
            TrafficType="ALL",
            LogDestinationType="s3",
            LogDestination=f"arn:aws:s3:::bucket-{account}",
            DeliverLogsPermissionArn=f"arn:aws:iam::{account}:role/flow-logs",
        )
    assert error_code(refused) == "InvalidParameter"
    assert refused.value.response["Error"]["Message"] == "DeliverLogsPermissionArn is not applicable for s3 delivery"
    assert ec2.describe_flow_logs()["FlowLogs"] == []


def test_delivery_creates_the_missing_log_group(vpcsim: Server, clients: dict[str, Any]) -> None:
    ec2, iam, logs = clients["ec2"], clients["iam"], clients["logs"]
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
    run = {"ImageId": ami(REGION), "InstanceType": "t3.micro", "MinCount": 1, "MaxCount": 1, "SubnetId": subnet}
    client, server = (ec2.run_instances(**run)["Instances"][0] for _ in range(2))
    role = iam.create_role(RoleName="flow-logs", AssumeRolePolicyDocument=json.dumps(TRUST))["Role"]["Arn"]
    log = _vpc_log(ec2, vpc, role, group="/vpc/created-by-delivery")
    assert logs.describe_log_groups()["logGroups"] == []  # creating the flow log does not create the group
    answer = send(vpcsim, source=client["InstanceId"], destination=server["PrivateIpAddress"], port=22)
    [delivered] = [f for f in answer["flow_logs"] if f["flow_log_id"] == log]
    assert delivered["written"] is True
    [group] = logs.describe_log_groups()["logGroups"]
    assert group["logGroupName"] == "/vpc/created-by-delivery" and "retentionInDays" not in group
    send(vpcsim, source=client["InstanceId"], destination=server["PrivateIpAddress"], port=22)
    assert len(logs.describe_log_groups()["logGroups"]) == 1  # delivered again into the same group


def test_nothing_is_delivered_with_an_unusable_role(vpcsim: Server, clients: dict[str, Any], account: str) -> None:
    ec2, logs = clients["ec2"], clients["logs"]
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
    run = {"ImageId": ami(REGION), "InstanceType": "t3.micro", "MinCount": 1, "MaxCount": 1, "SubnetId": subnet}
    client, server = (ec2.run_instances(**run)["Instances"][0] for _ in range(2))
    log = _vpc_log(ec2, vpc, f"arn:aws:iam::{account}:role/missing")
    answer = send(vpcsim, source=client["InstanceId"], destination=server["PrivateIpAddress"], port=22)
    [refused] = [f for f in answer["flow_logs"] if f["flow_log_id"] == log]
    assert refused["written"] is False and "Access error" in refused["reason"]
    assert logs.describe_log_groups()["logGroups"] == []
