"""CreateFlowLogs, DescribeFlowLogs and DeleteFlowLogs through boto3 and the AWS CLI: shapes as real AWS answers
them (LocalStack's validated snapshot of an S3 flow log), AWS's validation errors, Unsuccessful items per resource,
filters, tags, and a flow log going away with its VPC."""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.conftest import Cli, error_code
from vpcsim.flowlogs.fields import DEFAULT_FORMAT, TGW_DEFAULT_FORMAT

REGION = "us-east-1"


@pytest.fixture
def bucket(vpcsim: Any, account: str) -> str:
    name = f"flow-logs-{account}"
    vpcsim.client("s3", region=REGION, account=account).create_bucket(Bucket=name)
    return name


@pytest.fixture
def vpc(ec2: Any) -> str:
    return str(ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"])


def _s3_log(ec2: Any, resource: str, bucket: str, **extra: Any) -> dict[str, Any]:
    params = {"ResourceType": "VPC", "TrafficType": "ALL", **extra}
    return dict(
        ec2.create_flow_logs(
            ResourceIds=[resource], LogDestinationType="s3", LogDestination=f"arn:aws:s3:::{bucket}", **params
        )
    )


def _describe(ec2: Any, **params: Any) -> list[dict[str, Any]]:
    return list(ec2.describe_flow_logs(**params)["FlowLogs"])


def test_an_s3_flow_log_is_described_as_aws_describes_it(ec2: Any, vpc: str, bucket: str) -> None:
    created = _s3_log(ec2, vpc, bucket)
    assert created["Unsuccessful"] == [] and created["ClientToken"]
    [log] = _describe(ec2, FlowLogIds=created["FlowLogIds"])
    assert log["FlowLogId"].startswith("fl-") and len(log["FlowLogId"]) == 20
    expected = {
        "DeliverLogsStatus": "SUCCESS",
        "FlowLogStatus": "ACTIVE",
        "DestinationOptions": {
            "FileFormat": "plain-text",
            "HiveCompatiblePartitions": False,
            "PerHourPartition": False,
        },
        "LogDestination": f"arn:aws:s3:::{bucket}",
        "LogDestinationType": "s3",
        "LogFormat": DEFAULT_FORMAT,
        "MaxAggregationInterval": 600,
        "ResourceId": vpc,
        "Tags": [],
        "TrafficType": "ALL",
    }
    assert {k: log[k] for k in expected} == expected
    assert "LogGroupName" not in log and "DeliverLogsPermissionArn" not in log and "CreationTime" in log
    assert DEFAULT_FORMAT.startswith("${version} ${account-id} ${interface-id}")


def test_a_client_token_makes_the_call_idempotent(ec2: Any, vpc: str, bucket: str) -> None:
    first = _s3_log(ec2, vpc, bucket, ClientToken="once")
    again = _s3_log(ec2, vpc, bucket, ClientToken="once")
    assert again["FlowLogIds"] == first["FlowLogIds"] and again["ClientToken"] == "once"
    assert len(_describe(ec2)) == 1


def test_unsuccessful_items_for_a_missing_bucket_and_a_missing_vpc(ec2: Any, vpc: str, bucket: str) -> None:
    missing_bucket = _s3_log(ec2, vpc, f"{bucket}-nope")
    assert missing_bucket["FlowLogIds"] == []
    assert missing_bucket["Unsuccessful"] == [
        {"Error": {"Code": "400", "Message": f"LogDestination: {bucket}-nope does not exist"}, "ResourceId": vpc}
    ]
    ghost = "vpc-0123456789abcdef0"
    answer = ec2.create_flow_logs(
        ResourceType="VPC",
        ResourceIds=[vpc, ghost],
        TrafficType="REJECT",
        LogDestinationType="s3",
        LogDestination=f"arn:aws:s3:::{bucket}/prefix/",
    )
    assert len(answer["FlowLogIds"]) == 1
    [item] = answer["Unsuccessful"]
    assert item["ResourceId"] == ghost and item["Error"]["Code"] == "InvalidVpcID.NotFound"


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (
            {"LogDestinationType": "s3", "LogDestination": "arn:aws:s3:::b", "LogGroupName": "g"},
            "Please only provide LogGroupName or only provide LogDestination.",
        ),
        ({"LogDestinationType": "s3"}, "LogDestination can't be empty if LogGroupName is not provided."),
        (
            {"LogDestinationType": "s3", "LogGroupName": "g"},
            "LogDestination type must be cloud-watch-logs if LogGroupName is provided.",
        ),
        ({"LogGroupName": "g"}, "DeliverLogsPermissionArn can't be empty if LogDestinationType is cloud-watch-logs."),
        (
            {"LogDestinationType": "s3", "LogDestination": "arn:aws:s3:::b", "MaxAggregationInterval": 10},
            "Invalid Flow Log Max Aggregation Interval",
        ),
        (
            {
                "LogDestinationType": "s3",
                "LogDestination": "arn:aws:s3:::b",
                "LogFormat": "${srcaddr} ${windowstart} ${flowlogstatus}",
            },
            "Unknown fields provided: 'windowstart', 'flowlogstatus'",
        ),
    ],
)
def test_aws_validation_errors(ec2: Any, vpc: str, extra: dict[str, Any], message: str) -> None:
    with pytest.raises(ClientError) as caught:
        ec2.create_flow_logs(ResourceType="VPC", ResourceIds=[vpc], TrafficType="ALL", **extra)
    assert error_code(caught) == "InvalidParameter"
    assert caught.value.response["Error"]["Message"] == message
    assert _describe(ec2) == []


def test_more_misuse(ec2: Any, vpc: str, bucket: str) -> None:
    s3 = {"LogDestinationType": "s3", "LogDestination": f"arn:aws:s3:::{bucket}"}
    with pytest.raises(ClientError) as caught:
        ec2.create_flow_logs(ResourceType="VPC", ResourceIds=[vpc], **s3)
    assert error_code(caught) == "MissingParameter"
    with pytest.raises(ClientError) as caught:
        ec2.create_flow_logs(ResourceType="TransitGatewayAttachment", ResourceIds=["tgw-0123456789abcdef0"], **s3)
    assert caught.value.response["Error"]["Message"] == (
        "Invalid Resource id tgw-0123456789abcdef0 for resource-type TransitGatewayAttachment"
    )
    with pytest.raises(ClientError) as caught:
        _s3_log(ec2, vpc, f"{bucket}/AWSLogs/")
    assert error_code(caught) == "InvalidParameter" and "AWSLogs" in caught.value.response["Error"]["Message"]
    with pytest.raises(ClientError) as caught:
        ec2.create_flow_logs(
            ResourceType="VPC", ResourceIds=[vpc], TrafficType="ALL", LogDestinationType="s3", LogDestination="b"
        )
    assert error_code(caught) == "InvalidParameter"
    _s3_log(ec2, vpc, bucket)
    with pytest.raises(ClientError) as caught:
        _s3_log(ec2, vpc, bucket)
    assert error_code(caught) == "FlowLogAlreadyExists"
    assert len(_describe(ec2)) == 1
    with pytest.raises(ClientError) as caught:
        ec2.delete_flow_logs(FlowLogIds=["fl-0123456789abcdef0", "fl-0123456789abcdef1"])
    assert error_code(caught) == "InvalidFlowLogId.NotFound"
    assert caught.value.response["Error"]["Message"] == (
        "These flow log ids in the input list are not found: [TotalCount: 2] fl-0123456789abcdef0 fl-0123456789abcdef1"
    )


def test_cloudwatch_subnet_and_interface_flow_logs(vpcsim: Any, account: str, ec2: Any, vpc: str) -> None:
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
    eni = ec2.create_network_interface(SubnetId=subnet)["NetworkInterface"]["NetworkInterfaceId"]
    trust = {
        "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "vpc-flow-logs.amazonaws.com"}, "Action": "sts:AssumeRole"}
        ]
    }
    iam = vpcsim.client("iam", account=account)
    role = iam.create_role(RoleName="flow-logs", AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]
    by_name = ec2.create_flow_logs(
        ResourceType="Subnet",
        ResourceIds=[subnet],
        TrafficType="ACCEPT",
        LogGroupName="app",
        DeliverLogsPermissionArn=role,
    )
    by_arn = ec2.create_flow_logs(
        ResourceType="NetworkInterface",
        ResourceIds=[eni],
        TrafficType="REJECT",
        LogDestination=f"arn:aws:logs:{REGION}:123456789012:log-group:/vpc/rejects:*",
        DeliverLogsPermissionArn=role,
        MaxAggregationInterval=60,
        TagSpecifications=[{"ResourceType": "vpc-flow-log", "Tags": [{"Key": "Name", "Value": "rejects"}]}],
    )
    [named] = _describe(ec2, FlowLogIds=by_name["FlowLogIds"])
    assert named["LogGroupName"] == "app" and named["LogDestinationType"] == "cloud-watch-logs"
    assert named["DeliverLogsPermissionArn"] == role and "DestinationOptions" not in named
    [tagged] = _describe(ec2, Filters=[{"Name": "tag:Name", "Values": ["rejects"]}])
    assert tagged["LogGroupName"] == "/vpc/rejects" and tagged["MaxAggregationInterval"] == 60
    assert tagged["LogDestination"] == f"arn:aws:logs:{REGION}:123456789012:log-group:/vpc/rejects"
    both = by_name["FlowLogIds"] + by_arn["FlowLogIds"]
    filters = {
        "resource-id": ([subnet], by_name["FlowLogIds"]),
        "traffic-type": (["ACCEPT"], by_name["FlowLogIds"]),
        "log-group-name": (["app"], by_name["FlowLogIds"]),
        "flow-log-id": (by_arn["FlowLogIds"], by_arn["FlowLogIds"]),
        "log-destination-type": (["cloud-watch-logs"], both),
        "deliver-log-status": (["SUCCESS"], both),
    }
    for name, (values, expected) in filters.items():
        found = _describe(ec2, Filters=[{"Name": name, "Values": values}])
        assert [f["FlowLogId"] for f in found] == expected, name
    assert _describe(ec2, Filters=[{"Name": "log-destination-type", "Values": ["s3"]}]) == []
    with pytest.raises(ClientError) as caught:
        _describe(ec2, Filters=[{"Name": "no-such-filter", "Values": ["x"]}])
    assert error_code(caught) == "InvalidParameterValue"
    ec2.create_tags(Resources=by_name["FlowLogIds"], Tags=[{"Key": "team", "Value": "net"}])
    assert [f["FlowLogId"] for f in _describe(ec2, Filters=[{"Name": "tag-key", "Values": ["team"]}])] == by_name[
        "FlowLogIds"
    ]


def test_transit_gateway_flow_logs_have_their_own_defaults_and_rules(ec2: Any, vpc: str, bucket: str) -> None:
    gateway = ec2.create_transit_gateway()["TransitGateway"]["TransitGatewayId"]
    s3 = {"LogDestinationType": "s3", "LogDestination": f"arn:aws:s3:::{bucket}"}
    created = ec2.create_flow_logs(ResourceType="TransitGateway", ResourceIds=[gateway], **s3)
    [log] = _describe(ec2, FlowLogIds=created["FlowLogIds"])
    assert log["LogFormat"] == TGW_DEFAULT_FORMAT and log["MaxAggregationInterval"] == 60
    assert "TrafficType" not in log
    for misuse in ({"TrafficType": "ALL"}, {"MaxAggregationInterval": 600}, {"LogFormat": "${interface-id}"}):
        with pytest.raises(ClientError) as caught:
            ec2.create_flow_logs(ResourceType="TransitGateway", ResourceIds=[gateway], **s3, **misuse)
        assert error_code(caught) == "InvalidParameter", misuse
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.2.0/24")["Subnet"]["SubnetId"]
    attachment = ec2.create_transit_gateway_vpc_attachment(TransitGatewayId=gateway, VpcId=vpc, SubnetIds=[subnet])
    aid = attachment["TransitGatewayVpcAttachment"]["TransitGatewayAttachmentId"]
    on_attachment = ec2.create_flow_logs(
        ResourceType="TransitGatewayAttachment", ResourceIds=[aid], LogFormat="${tgw-attachment-id} ${packets}", **s3
    )
    assert on_attachment["Unsuccessful"] == [] and len(on_attachment["FlowLogIds"]) == 1


def test_a_flow_log_goes_away_with_its_vpc_and_a_deleted_bucket_fails_delivery(
    vpcsim: Any, account: str, ec2: Any, vpc: str, bucket: str
) -> None:
    doomed = ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
    kept = _s3_log(ec2, vpc, bucket)["FlowLogIds"]
    _s3_log(ec2, doomed, bucket)
    ec2.delete_vpc(VpcId=doomed)
    assert [f["FlowLogId"] for f in _describe(ec2)] == kept
    vpcsim.client("s3", region=REGION, account=account).delete_bucket(Bucket=bucket)
    [log] = _describe(ec2)
    assert log["DeliverLogsStatus"] == "FAILED" and log["DeliverLogsErrorMessage"] == "Access error"
    assert [f["FlowLogId"] for f in _describe(ec2, Filters=[{"Name": "deliver-log-status", "Values": ["FAILED"]}])]
    assert ec2.delete_flow_logs(FlowLogIds=kept)["Unsuccessful"] == []
    assert _describe(ec2) == []


def test_another_accounts_bucket_needs_a_policy_for_log_delivery(vpcsim: Any, ec2: Any, vpc: str) -> None:
    owner = "210987654321"
    s3 = vpcsim.client("s3", region=REGION, account=owner)
    name = f"central-logs-{vpc}"
    s3.create_bucket(Bucket=name)
    refused = _s3_log(ec2, vpc, name)
    assert refused["FlowLogIds"] == [] and "Access Denied" in refused["Unsuccessful"][0]["Error"]["Message"]
    policy = (
        '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"delivery.logs.amazonaws.com"},'
        f'"Action":"s3:PutObject","Resource":"arn:aws:s3:::{name}/*"}}]}}'
    )
    s3.put_bucket_policy(Bucket=name, Policy=policy)
    assert _s3_log(ec2, vpc, name)["Unsuccessful"] == []


def test_the_aws_cli_creates_describes_and_deletes(aws: Cli, vpc: str, bucket: str) -> None:
    created = aws(
        "ec2",
        "create-flow-logs",
        "--resource-type",
        "VPC",
        "--resource-ids",
        vpc,
        "--traffic-type",
        "ALL",
        "--log-destination-type",
        "s3",
        "--log-destination",
        f"arn:aws:s3:::{bucket}/custom/",
        "--log-format",
        "${version} ${vpc-id} ${srcaddr} ${traffic-path}",
        "--destination-options",
        "FileFormat=plain-text,HiveCompatiblePartitions=true,PerHourPartition=true",
    )
    [fid] = created["FlowLogIds"]
    [log] = aws("ec2", "describe-flow-logs", "--flow-log-ids", fid)["FlowLogs"]
    assert log["LogFormat"] == "${version} ${vpc-id} ${srcaddr} ${traffic-path}"
    assert log["DestinationOptions"]["HiveCompatiblePartitions"] is True
    assert aws("ec2", "delete-flow-logs", "--flow-log-ids", fid)["Unsuccessful"] == []
    assert aws.error("ec2", "delete-flow-logs", "--flow-log-ids", fid) == "InvalidFlowLogId.NotFound"
