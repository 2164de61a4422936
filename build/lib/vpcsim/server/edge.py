"""The one HTTP edge of the AWS API: every request on the port, whatever its protocol, passes here once.

Here and nowhere else: the request id, the timing and the log line; the SigV4 credential scope (read once) and who
the caller is; whether the operation is implemented (before its input is read, so an unimplemented call is always
``UnsupportedOperation``, whatever its parameters); and the translation of errors: an ``ApiError`` becomes the
protocol's error answer with its status, anything else is logged and answered as a 500 ``InternalError`` naming the
request id. What differs by protocol is an adapter (``server/adapters.py``).

Every operation answered ``UnsupportedOperation`` is logged at WARNING and counted (``unsupported``), so that the
gaps a client such as Terraform runs into are visible (``GET /_vpcsim/unsupported``).
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import parse_qsl

from vpcsim.control import Control
from vpcsim.errors import ApiError, InternalError, Unsupported
from vpcsim.protocol import credential_scope
from vpcsim.server.adapters import Adapter, Found, HttpRequest, WireResponse, adapter_for

log = logging.getLogger("vpcsim")
_ACCOUNT = re.compile(r"^\d{12}$")


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


@dataclass
class Edge:
    control: Control
    identity: Identity = field(default_factory=Identity)
    unsupported: Counter[tuple[str, str]] = field(default_factory=Counter)

    def handle(self, request: HttpRequest) -> WireResponse:
        request_id = str(uuid.uuid4())
        started = time.perf_counter()
        scope = credential_scope(request.headers, dict(parse_qsl(request.query, keep_blank_values=True)))
        adapter = adapter_for(scope.service, request)
        if adapter is None:
            return WireResponse(404, b"Not Found", request_id, {"Content-Type": "text/plain"})
        name = "-"
        try:
            found = adapter.find(request)
            name = found.operation.name
            answer = self._call(adapter, found, request, scope.access_key_id, scope.region, request_id)
        except ApiError as error:
            answer = self._refused(adapter, error, request_id, request, name)
        except Exception:
            log.exception("internal error on request %s (%s)", request_id, name)
            answer = adapter.error(InternalError(request_id), request_id, request)
        elapsed = (time.perf_counter() - started) * 1000
        service = adapter.service.scope if adapter.service else scope.service or "-"
        log.info("%s %s %d %.1fms", service, name, answer.status, elapsed)
        return answer

    def _call(
        self, adapter: Adapter, found: Found, request: HttpRequest, key: str | None, region: str | None, rid: str
    ) -> WireResponse:
        assert adapter.service is not None
        scope, operation = adapter.service.scope, found.operation.name
        self.control.require(scope, operation)
        params = adapter.parse(found, request)
        account, principal = self.identity.resolve(self.control, key)
        result = self.control.handle(
            scope, operation, params, account=account, region=region or "us-east-1", request_id=rid, principal=principal
        )
        return adapter.answer(found, result, rid)

    def _refused(self, adapter: Adapter, error: ApiError, rid: str, request: HttpRequest, name: str) -> WireResponse:
        if isinstance(error, Unsupported) and error.code == "UnsupportedOperation" and adapter.service is not None:
            self.unsupported[(adapter.service.scope, name)] += 1
            log.warning("unsupported: %s %s (answered UnsupportedOperation)", adapter.service.scope, name)
        return adapter.error(error, rid, request)


__all__ = ["Edge", "HttpRequest", "Identity", "WireResponse"]
