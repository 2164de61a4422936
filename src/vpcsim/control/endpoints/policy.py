"""Endpoint policies: validation and the default documents, exactly as AWS stores and returns them.

Facts [EC2API; PLG quotas; real_aws_snapshots]: the document must be valid JSON and at most 20,480 characters,
including white space; it is stored as given. When none is given AWS attaches a full-access document whose text
differs by endpoint type: gateway endpoints get the 2008-10-17 version form (EC2 API Reference DescribeVpcEndpoints
sample), interface endpoints the compact form without Version (recorded from real AWS in 2025).
"""

from __future__ import annotations

import json

from vpcsim.errors import InvalidParameter

MAX_POLICY_CHARACTERS = 20_480

DEFAULT_POLICIES = {
    "Gateway": '{"Version":"2008-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}',
    "Interface": '{"Statement":[{"Action":"*","Effect":"Allow","Principal":"*","Resource":"*"}]}',
}


def default_policy(endpoint_type: str) -> str | None:
    """The document AWS attaches when none is given; GatewayLoadBalancer endpoints take no policy."""
    return DEFAULT_POLICIES.get(endpoint_type)


def check_policy(document: str) -> str:
    """``document`` if it is a JSON policy of allowed size, else ``InvalidPolicyDocument``."""
    if len(document) > MAX_POLICY_CHARACTERS:
        # Code: AWS's errors page lists InvalidPolicyDocument for any bad policy; the size case's code is not
        # recorded (aws-behaviour 10.2), so vpcsim uses the same code with a message naming the limit.
        raise InvalidParameter(
            "InvalidPolicyDocument",
            f"The policy document is {len(document)} characters; endpoint policies allow at most "
            f"{MAX_POLICY_CHARACTERS} characters including white space.",
        )
    try:
        parsed = json.loads(document)
    except ValueError as error:
        raise InvalidParameter("InvalidPolicyDocument", f"The policy document is not valid JSON: {error}.") from None
    if not isinstance(parsed, dict) or "Statement" not in parsed:
        raise InvalidParameter("InvalidPolicyDocument", "The policy document must be a JSON object with a Statement.")
    return document
