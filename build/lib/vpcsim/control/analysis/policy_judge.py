"""The policies a traced request meets at an AWS service: the endpoint's policy and the resource's policy.

The data plane asks ``PolicyQuestion``s (which service, through which endpoint, from which addresses); this module
answers with ``vpcsim.policy.decide`` for the API request the user named (``--action s3:GetObject --resource
arn:aws:s3:::bucket/key``). Condition keys follow aws-behaviour 5.6-5.7: through an endpoint the request carries
``aws:SourceVpce``, ``aws:SourceVpc`` and ``aws:VpcSourceIp`` and no ``aws:SourceIp``; over the internet it carries
``aws:SourceIp`` (the public address) and none of the others. The resource policy is the S3 bucket's or the
DynamoDB table's (attached with PutBucketPolicy / PutResourcePolicy). With no API request named, policies are not
evaluated and the trace says so.

The explanation codes for a policy refusal are vpcsim's own (Reachability Analyzer does not read policies):
``VPCE_POLICY_DENY``, ``RESOURCE_POLICY_DENY`` and ``IDENTITY_POLICY_DENY``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from vpcsim.dataplane.topology import ResourcePolicyHolder, Topology
from vpcsim.dataplane.walk import Judge, PolicyAnswer, PolicyQuestion
from vpcsim.errors import InvalidParameter
from vpcsim.model.explanations import ExplanationCode
from vpcsim.policy import PolicyError, PolicyKind, decide, parse_policy, request_context

CODES = {
    PolicyKind.ENDPOINT: ExplanationCode.VPCE_POLICY_DENY,
    PolicyKind.RESOURCE: ExplanationCode.RESOURCE_POLICY_DENY,
    PolicyKind.IDENTITY: ExplanationCode.IDENTITY_POLICY_DENY,
}


@dataclass(frozen=True, slots=True)
class ApiRequest:
    """The API call a traced request makes: ``s3:GetObject`` on ``arn:aws:s3:::bucket/key`` by ``principal``."""

    action: str
    resource: str = "*"
    principal: str = ""  # default: the source's account root

    @property
    def service(self) -> str:
        return self.action.split(":", 1)[0].lower()


def check_request(request: ApiRequest) -> ApiRequest:
    if ":" not in request.action or not request.action.split(":", 1)[1]:
        raise InvalidParameter("InvalidParameterValue", f"'{request.action}' is not an action such as s3:GetObject.")
    return request


def judge_for(topo: Topology, request: ApiRequest) -> Judge:
    def judge(question: PolicyQuestion) -> PolicyAnswer | None:
        if question.service.split(".")[0] != request.service:
            return None  # the request is for another service than this path reaches
        return _answer(topo, request, question)

    return judge


def _keys(question: PolicyQuestion) -> dict[str, Any]:
    if question.endpoint_id:
        return {
            "aws:SourceVpce": question.endpoint_id,
            "aws:SourceVpc": question.vpc_id,
            "aws:VpcSourceIp": question.private_ip,
        }
    return {"aws:SourceIp": question.public_ip}


def _holder(topo: Topology, request: ApiRequest) -> ResourcePolicyHolder | None:
    if request.service == "s3" and request.resource.startswith("arn:aws:s3:::"):
        bucket = request.resource[len("arn:aws:s3:::") :].split("/", 1)[0]
        return topo.resources.get(bucket)
    if request.service == "dynamodb":
        table = request.resource.split("/index/", 1)[0]
        return topo.resources.get(table)
    return None


def _answer(topo: Topology, request: ApiRequest, question: PolicyQuestion) -> PolicyAnswer:
    principal = request.principal or f"arn:aws:iam::{question.account}:root"
    account = principal.split(":")[4] if principal.startswith("arn:") else question.account
    ctx = request_context(request.action, request.resource, principal=principal, account=account, keys=_keys(question))
    holder = _holder(topo, request)
    try:
        endpoint_policy = parse_policy(question.endpoint_policy) if question.endpoint_policy else None
        resource_policy = parse_policy(holder.policy) if holder is not None and holder.policy else None
    except PolicyError as error:
        return PolicyAnswer(False, f"a stored policy does not parse: {error}")
    decision = decide(
        ctx,
        endpoint_policy=endpoint_policy,
        resource_policy=resource_policy,
        resource_account=holder.account if holder else None,
    )
    return _described(decision, question, holder)


def _described(decision: Any, question: PolicyQuestion, holder: ResourcePolicyHolder | None) -> PolicyAnswer:
    kind = decision.decided_by.kind
    where = {
        PolicyKind.ENDPOINT: f"the endpoint policy of {question.endpoint_id}",
        PolicyKind.RESOURCE: f"the resource policy of {holder.name}" if holder else "the resource policy",
        PolicyKind.IDENTITY: "the caller's identity policy (assumed allow-all)",
    }.get(kind, str(kind))
    statement = decision.statement
    label = statement.label if statement is not None else "no statement"
    verb = "allows" if decision.allowed else "denies"
    detail = f"{where} {verb} it ({label}): {decision.reason}"
    raw = dict(statement.raw) if statement is not None and statement.raw else {}
    return PolicyAnswer(decision.allowed, detail, CODES.get(kind, ExplanationCode.POLICY_DENY), raw)
