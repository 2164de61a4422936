"""Reading who is calling and where from a SigV4-signed request, without verifying the signature.

The credential scope ``AKID/20260101/eu-west-2/ec2/aws4_request`` arrives either in the ``Authorization`` header or,
for presigned requests, in the ``X-Amz-Credential`` query parameter. vpcsim trusts it: it is an emulator, and the
scope is what tells one region, service and account from another on a single port.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

_CREDENTIAL = re.compile(r"Credential=([^,\s]+)")


@dataclass(frozen=True, slots=True)
class CredentialScope:
    access_key_id: str | None
    region: str | None
    service: str | None


def credential_scope(headers: Mapping[str, str], params: Mapping[str, str]) -> CredentialScope:
    """The scope of a request.

    >>> credential_scope({"authorization": "AWS4-HMAC-SHA256 Credential=AKID/20260101/eu-west-2/ec2/aws4_request, "
    ...                   "SignedHeaders=host, Signature=00"}, {})
    CredentialScope(access_key_id='AKID', region='eu-west-2', service='ec2')
    """
    raw = params.get("X-Amz-Credential")
    if raw is None:
        match = _CREDENTIAL.search(headers.get("authorization", ""))
        raw = match.group(1) if match else None
    if not raw:
        return CredentialScope(None, None, None)
    parts = raw.split("/")
    if len(parts) < 5:
        return CredentialScope(parts[0] or None, None, None)
    return CredentialScope(parts[0] or None, parts[2] or None, parts[3] or None)
