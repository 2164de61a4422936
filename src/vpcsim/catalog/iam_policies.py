"""AWS managed IAM policies that roles are commonly given, by ARN: ``arn:aws:iam::aws:policy<path><name>``.

Source: the AWS Managed Policy Reference Guide, "AWS managed policies" list (docs.aws.amazon.com/aws-managed-policy/
latest/reference/policy-list.html), names and paths as listed there; selection and date: vpcsim, 2026-12. AWS has
over a thousand; this catalog holds the ones network, compute, logging and data estates attach (administration and
read-only, EC2, VPC, S3, DynamoDB, CloudWatch, SSM, ELB, Route 53, EKS, ECS, Lambda execution, job functions).
An ARN of the ``aws`` account that is not listed is answered as AWS answers an unknown policy (``NoSuchEntity``).

>>> find_aws_policy("arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole").name
'AWSLambdaBasicExecutionRole'
>>> find_aws_policy("arn:aws:iam::aws:policy/NoSuchPolicy") is None
True
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

_ROOT = (
    "AdministratorAccess",
    "PowerUserAccess",
    "ReadOnlyAccess",
    "IAMFullAccess",
    "IAMReadOnlyAccess",
    "AmazonEC2FullAccess",
    "AmazonEC2ReadOnlyAccess",
    "AmazonVPCFullAccess",
    "AmazonVPCReadOnlyAccess",
    "AmazonVPCCrossAccountNetworkInterfaceOperations",
    "AmazonS3FullAccess",
    "AmazonS3ReadOnlyAccess",
    "AmazonDynamoDBFullAccess",
    "AmazonDynamoDBReadOnlyAccess",
    "AmazonSQSFullAccess",
    "AmazonSNSFullAccess",
    "AmazonRoute53FullAccess",
    "AmazonRoute53ReadOnlyAccess",
    "ElasticLoadBalancingFullAccess",
    "ElasticLoadBalancingReadOnly",
    "CloudWatchFullAccess",
    "CloudWatchFullAccessV2",
    "CloudWatchReadOnlyAccess",
    "CloudWatchLogsFullAccess",
    "CloudWatchLogsReadOnlyAccess",
    "CloudWatchAgentServerPolicy",
    "CloudWatchAgentAdminPolicy",
    "AmazonSSMManagedInstanceCore",
    "AmazonSSMFullAccess",
    "AmazonSSMReadOnlyAccess",
    "AmazonEC2ContainerRegistryReadOnly",
    "AmazonEKSClusterPolicy",
    "AmazonEKSWorkerNodePolicy",
    "AmazonEKS_CNI_Policy",
    "AWSKeyManagementServicePowerUser",
    "SecretsManagerReadWrite",
    "AWSCloudFormationReadOnlyAccess",
)
_SERVICE_ROLE = (
    "AmazonEC2RoleforSSM",
    "AmazonEC2ContainerServiceforEC2Role",
    "AmazonECSTaskExecutionRolePolicy",
    "AmazonEC2SpotFleetTaggingRole",
    "AWSLambdaBasicExecutionRole",
    "AWSLambdaVPCAccessExecutionRole",
    "AWS_ConfigRole",
)
_JOB_FUNCTION = ("ViewOnlyAccess", "NetworkAdministrator", "SystemAdministrator", "DatabaseAdministrator")
PREFIX = "arn:aws:iam::aws:policy"


@dataclass(frozen=True, slots=True)
class AwsPolicy:
    name: str
    path: str  # "/", "/service-role/", "/job-function/"

    @property
    def arn(self) -> str:
        return f"{PREFIX}{self.path}{self.name}"


@cache
def _by_arn() -> dict[str, AwsPolicy]:
    listed = [AwsPolicy(n, "/") for n in _ROOT]
    listed += [AwsPolicy(n, "/service-role/") for n in _SERVICE_ROLE]
    listed += [AwsPolicy(n, "/job-function/") for n in _JOB_FUNCTION]
    return {p.arn: p for p in listed}


def find_aws_policy(arn: str) -> AwsPolicy | None:
    """The AWS managed policy with this ARN, if the catalog holds it."""
    return _by_arn().get(arn)


def aws_policies() -> tuple[AwsPolicy, ...]:
    return tuple(_by_arn().values())


__all__ = ["PREFIX", "AwsPolicy", "aws_policies", "find_aws_policy"]
