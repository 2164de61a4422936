"""One AWS API request, from HTTP to the control plane and back.

The service comes from the SigV4 scope (or the ``Version`` parameter), the operation from ``Action``, the parameters
from botocore's model through the protocol's parser; the answer is serialised from the operation's output shape.
Errors are translated at this one boundary: an ``ApiError`` becomes AWS's error body with its status; anything else
is logged with the request id and answered as a 500 ``InternalError``.
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import parse_qsl

from vpcsim.control import Control
from vpcsim.errors import ApiError, InternalError
from vpcsim.protocol import (
    Ec2RequestParser,
    Ec2ResponseSerializer,
    QueryRequestParser,
    QueryResponseSerializer,
    Service,
    credential_scope,
    service_for_scope,
)

log = logging.getLogger("vpcsim")
_ACCOUNT = re.compile(r"^\d{12}$")
_PARSERS = {"ec2": Ec2RequestParser(), "query": QueryRequestParser()}
_SERIALIZERS = {"ec2": Ec2ResponseSerializer(), "query": QueryResponseSerializer()}


@dataclass(frozen=True, slots=True)
class WireResponse:
    status: int
    body: bytes
    request_id: str
    headers: Mapping[str, str] = field(default_factory=dict)  # protocol headers (content type, S3's x-amz-*)


@dataclass(frozen=True)
class Identity:
    """Maps access keys to callers: a key mapped to an IAM principal (admin API) is that principal; otherwise a
    12-digit key id is that account's root and any other key the default account's root."""

    default_account: str = "123456789012"

    def account_for(self, access_key_id: str | None) -> str:
        if access_key_id and _ACCOUNT.match(access_key_id):
            return access_key_id
        return self.default_account

    def resolve(self, control: Control, access_key_id: str | None) -> tuple[str, str]:
        """The account and principal ARN a request acts as."""
        mapped = control.principal_for(access_key_id) if access_key_id else None
        if mapped:
            return mapped.split(":")[4], mapped
        account = self.account_for(access_key_id)
        return account, f"arn:aws:iam::{account}:root"


def decode_params(query: str, body: bytes) -> dict[str, str]:
    """The request's parameters: the query string, then the form body (the body wins)."""
    params = dict(parse_qsl(query, keep_blank_values=True))
    if body:
        params.update(parse_qsl(body.decode("utf-8", errors="replace"), keep_blank_values=True))
    return params


class WireApi:
    def __init__(self, control: Control, identity: Identity) -> None:
        self.control = control
        self.identity = identity

    def handle(self, headers: Mapping[str, str], params: dict[str, str]) -> WireResponse:
        request_id = str(uuid.uuid4())
        started = time.perf_counter()
        scope = credential_scope(headers, params)
        service = service_for_scope(scope.service, params.get("Version"))
        action = params.get("Action", "")
        try:
            body = self._dispatch(service, scope.service, action, params, scope, request_id)
            status = 200
        except ApiError as error:
            status, body = error.status, self._error(service, error, request_id)
        except Exception:
            log.exception("internal error on request %s (%s)", request_id, action)
            error = InternalError(request_id)
            status, body = error.status, self._error(service, error, request_id)
        elapsed = (time.perf_counter() - started) * 1000
        log.info("%s %s %d %.1fms", service.scope if service else scope.service, action or "-", status, elapsed)
        return WireResponse(status, body, request_id)

    def _dispatch(
        self,
        service: Service | None,
        signed: str | None,
        action: str,
        params: dict[str, str],
        scope: object,
        request_id: str,
    ) -> bytes:
        if service is None:
            raise ApiError("UnknownService", f"vpcsim does not serve the AWS service '{signed}'.")
        if not action:
            raise ApiError("MissingAction", "The request must contain the parameter Action.")
        operation = service.find_operation(action)
        if operation is None:
            raise ApiError("InvalidAction", f"The action {action} is not valid for this web service.")
        if not self.control.implements(service.scope, action):
            raise ApiError(
                "UnsupportedOperation",
                f"vpcsim does not implement the {service.scope} operation {action} yet; the call changed nothing.",
            )
        parsed = _PARSERS[service.protocol].parse(operation, params)
        access_key = getattr(scope, "access_key_id", None)
        region = getattr(scope, "region", None) or "us-east-1"
        account, principal = self.identity.resolve(self.control, access_key)
        result = self.control.handle(
            service.scope, action, parsed, account=account, region=region, request_id=request_id, principal=principal
        )
        return _SERIALIZERS[service.protocol].serialize(operation, result, request_id)

    @staticmethod
    def _error(service: Service | None, error: ApiError, request_id: str) -> bytes:
        protocol = service.protocol if service else "ec2"
        namespace = str(service.model.metadata.get("xmlNamespace", "")) if service else ""
        return _SERIALIZERS[protocol].serialize_error(namespace, error.code, error.message, request_id)
