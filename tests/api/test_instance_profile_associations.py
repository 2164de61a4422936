"""IAM instance profiles on EC2 instances: at launch and through the association calls, with the profile IAM holds
(its ARN and id on the instance), one association per instance, and AWS's errors for unknown profiles."""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.api.amis import ami
from tests.conftest import error_code
from vpcsim.testing import Server

REGION = "eu-west-2"
TRUST = {"Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]}


@pytest.fixture
def setting(vpcsim: Server, account: str) -> dict[str, Any]:
    ec2 = vpcsim.client("ec2", region=REGION, account=account)
    iam = vpcsim.client("iam", account=account)
    iam.create_role(RoleName="app", AssumeRolePolicyDocument=json.dumps(TRUST))
    profiles = {}
    for name in ("app", "ops"):
        profiles[name] = iam.create_instance_profile(InstanceProfileName=name)["InstanceProfile"]
    iam.add_role_to_instance_profile(InstanceProfileName="app", RoleName="app")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
    run = {"ImageId": ami(REGION), "InstanceType": "t3.micro", "MinCount": 1, "MaxCount": 1, "SubnetId": subnet}
    return {"ec2": ec2, "iam": iam, "profiles": profiles, "run": run}


def _instance(ec2: Any, iid: str) -> dict[str, Any]:
    return dict(ec2.describe_instances(InstanceIds=[iid])["Reservations"][0]["Instances"][0])


def test_a_launch_takes_a_profile_by_name(setting: dict[str, Any]) -> None:
    ec2, app = setting["ec2"], setting["profiles"]["app"]
    launched = ec2.run_instances(**setting["run"], IamInstanceProfile={"Name": "app"})["Instances"][0]
    profile = _instance(ec2, launched["InstanceId"])["IamInstanceProfile"]
    assert profile == {"Arn": app["Arn"], "Id": app["InstanceProfileId"]}
    [association] = ec2.describe_iam_instance_profile_associations()["IamInstanceProfileAssociations"]
    assert association["InstanceId"] == launched["InstanceId"] and association["State"] == "associated"
    assert association["AssociationId"].startswith("iip-assoc-") and association["IamInstanceProfile"] == profile


def test_an_unknown_profile_refuses_the_launch(setting: dict[str, Any]) -> None:
    ec2 = setting["ec2"]
    with pytest.raises(ClientError) as refused:
        ec2.run_instances(**setting["run"], IamInstanceProfile={"Name": "nobody"})
    assert error_code(refused) == "InvalidParameterValue"
    assert refused.value.response["Error"]["Message"] == (
        "Value (nobody) for parameter iamInstanceProfile.name is invalid. Invalid IAM Instance Profile name"
    )
    with pytest.raises(ClientError) as by_arn:
        ec2.run_instances(**setting["run"], IamInstanceProfile={"Arn": "arn:aws:iam::999988887777:instance-profile/x"})
    assert error_code(by_arn) == "InvalidParameterValue"
    assert ec2.describe_instances()["Reservations"] == []


def test_associate_replace_and_disassociate(setting: dict[str, Any]) -> None:
    ec2, profiles = setting["ec2"], setting["profiles"]
    iid = ec2.run_instances(**setting["run"])["Instances"][0]["InstanceId"]
    assert "IamInstanceProfile" not in _instance(ec2, iid)
    made = ec2.associate_iam_instance_profile(InstanceId=iid, IamInstanceProfile={"Arn": profiles["app"]["Arn"]})
    association = made["IamInstanceProfileAssociation"]
    assert association["State"] == "associating"  # the call's own answer; the association completes after it
    with pytest.raises(ClientError) as taken:
        ec2.associate_iam_instance_profile(InstanceId=iid, IamInstanceProfile={"Name": "ops"})
    assert error_code(taken) == "IncorrectState"
    assert taken.value.response["Error"]["Message"] == f"There is an existing association for instance {iid}"
    replaced = ec2.replace_iam_instance_profile_association(
        AssociationId=association["AssociationId"], IamInstanceProfile={"Name": "ops"}
    )["IamInstanceProfileAssociation"]
    assert replaced["AssociationId"] != association["AssociationId"]
    assert _instance(ec2, iid)["IamInstanceProfile"]["Arn"] == profiles["ops"]["Arn"]
    listed = ec2.describe_iam_instance_profile_associations(Filters=[{"Name": "instance-id", "Values": [iid]}])
    assert [a["AssociationId"] for a in listed["IamInstanceProfileAssociations"]] == [replaced["AssociationId"]]
    gone = ec2.disassociate_iam_instance_profile(AssociationId=replaced["AssociationId"])
    assert gone["IamInstanceProfileAssociation"]["State"] == "disassociating"
    assert "IamInstanceProfile" not in _instance(ec2, iid)
    assert ec2.describe_iam_instance_profile_associations()["IamInstanceProfileAssociations"] == []
    with pytest.raises(ClientError) as missing:
        ec2.disassociate_iam_instance_profile(AssociationId=replaced["AssociationId"])
    assert error_code(missing) == "InvalidAssociationID.NotFound"


def test_a_terminated_instance_keeps_no_association(setting: dict[str, Any]) -> None:
    ec2 = setting["ec2"]
    iid = ec2.run_instances(**setting["run"], IamInstanceProfile={"Name": "app"})["Instances"][0]["InstanceId"]
    ec2.terminate_instances(InstanceIds=[iid])
    assert ec2.describe_iam_instance_profile_associations()["IamInstanceProfileAssociations"] == []
