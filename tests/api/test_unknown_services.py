"""A call to a service vpcsim does not serve is refused ``UnknownService`` (HTTP 400) in that service's own protocol,
so every client reads the code, and is counted among the gaps (``GET /_vpcsim/unsupported``)."""

from __future__ import annotations

import json
import urllib.request
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.conftest import error_code
from vpcsim.testing import Server

# (service, protocol botocore speaks to it, a call) for each protocol family.
CALLS = [
    ("sqs", "json", lambda c: c.list_queues()),
    ("sns", "query", lambda c: c.list_topics()),
    ("lambda", "rest-json", lambda c: c.list_functions()),
    ("cloudfront", "rest-xml", lambda c: c.list_distributions()),
]


def _unsupported(server: Server) -> dict[str, int]:
    with urllib.request.urlopen(server.url + "/_vpcsim/unsupported", timeout=5) as answer:
        listed = json.load(answer)["unsupported"]
    return {f"{u['service']} {u['operation']}": int(u["count"]) for u in listed}


@pytest.mark.parametrize(("service", "protocol", "call"), CALLS)
def test_each_protocol_reads_the_refusal(vpcsim: Server, account: str, service: str, protocol: str, call: Any) -> None:
    client = vpcsim.client(service, region="eu-west-2", account=account)
    assert client.meta.service_model.resolved_protocol == protocol
    with pytest.raises(ClientError) as refused:
        call(client)
    assert error_code(refused) == "UnknownService"
    assert refused.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert f"'{service}'" in refused.value.response["Error"]["Message"]


def test_a_cbor_service_reads_the_refusal(vpcsim: Server, account: str) -> None:
    client = vpcsim.client("assurance", region="us-east-1", account=account)
    assert client.meta.service_model.resolved_protocol == "smithy-rpc-v2-cbor"
    model = client.meta.service_model
    name = next(n for n in model.operation_names if not model.operation_model(n).input_shape.required_members)
    with pytest.raises(ClientError) as refused:
        client._make_api_call(name, {})
    assert error_code(refused) == "UnknownService"


def test_refusals_are_counted_with_the_operation(vpcsim: Server, account: str) -> None:
    before = _unsupported(vpcsim)
    sqs = vpcsim.client("sqs", region="eu-west-2", account=account)
    for _ in range(2):
        with pytest.raises(ClientError):
            sqs.list_queues()
    sns = vpcsim.client("sns", region="eu-west-2", account=account)
    with pytest.raises(ClientError):
        sns.list_topics()
    after = _unsupported(vpcsim)
    assert after.get("sqs ListQueues", 0) - before.get("sqs ListQueues", 0) == 2
    assert after.get("sns ListTopics", 0) - before.get("sns ListTopics", 0) == 1


def test_the_cli_names_the_code(aws: Any) -> None:
    assert aws.error("sns", "list-topics") == "UnknownService"
    assert aws.error("lambda", "list-functions") == "UnknownService"
