"""The one HTTP edge of the AWS API: every request on the port, whatever its protocol, passes here once.

Here and nowhere else: the request id, the timing and the log line; the SigV4 credential scope (read once) and who
the caller is; whether the operation is implemented (before its input is read, so an unimplemented call is always
``UnsupportedOperation``, whatever its parameters); and the translation of errors: an ``ApiError`` becomes the
protocol's error answer with its status, anything else is logged and answered as a 500 ``InternalError`` naming the
request id. What differs by protocol is an adapter (``server/adapters.py``).

Every operation answered ``UnsupportedOperation``, and every call to a service vpcsim does not serve
(``UnknownService``), is logged at WARNING and counted (``unsupported``), so that the gaps a client such as Terraform
runs into are visible (``GET /_vpcsim/unsupported``).
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
from vpcsim.model.arns import account_of, root_arn
from vpcsim.protocol import credential_scope
from vpcsim.protocol.signing import Signed
from vpcsim.server.adapters import Adapter, Found, HttpRequest, UnknownService, WireResponse, adapter_for
from vpcsim.server.credentials import Credentials, header_values

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
            return account_of(mapped, self.default_account), mapped
        account = self.account_for(access_key_id)
        return account, root_arn(account)


@dataclass
class Edge:
    control: Control
    identity: Identity = field(default_factory=Identity)
    credentials: Credentials | None = None  # --credentials: every request's signature is verified
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
            with self.control.store.request():  # on a shared state, one revision query for the whole request
                caller = self._caller(adapter, request, scope.access_key_id)
                found = adapter.find(request)
                name = found.operation.name
                answer = self._call(adapter, found, request, caller, scope.region, request_id)
        except ApiError as error:
            name = error.operation if isinstance(error, UnknownService) else name
            answer = self._refused(adapter, error, request_id, request, name)
        except Exception:
            log.exception("internal error on request %s (%s)", request_id, name)
            answer = adapter.error(InternalError(request_id), request_id, request)
        elapsed = (time.perf_counter() - started) * 1000
        service = adapter.service.scope if adapter.service else scope.service or "-"
        log.info("%s %s %d %.1fms", service, name, answer.status, elapsed)
        return answer

    def reject(self, request: HttpRequest, error: ApiError) -> WireResponse:
        """Refuse a request before it is read (a body over the limit), in its protocol's error form."""
        scope = credential_scope(request.headers, {})
        adapter = adapter_for(scope.service, request) or adapter_for(None, HttpRequest("POST", "/", "", {}))
        assert adapter is not None
        log.info("%s - %d (refused before reading: %s)", scope.service or "-", error.status, error.code)
        return adapter.error(error, str(uuid.uuid4()), request)

    def _caller(self, adapter: Adapter, request: HttpRequest, key: str | None) -> tuple[str, str]:
        """The account and principal the request acts as: from its verified signature under --credentials, else
        from its access key (any key works)."""
        if self.credentials is None:
            return self.identity.resolve(self.control, key)
        service = adapter.service.scope if adapter.service else "ec2"
        signed = Signed(request.method, request.path, request.query, header_values(request.headers), request.body)
        caller = self.credentials.verify(signed, service)
        return caller.account, caller.principal

    def _call(
        self,
        adapter: Adapter,
        found: Found,
        request: HttpRequest,
        caller: tuple[str, str],
        region: str | None,
        rid: str,
    ) -> WireResponse:
        assert adapter.service is not None
        scope, operation = adapter.service.scope, found.operation.name
        self.control.require(scope, operation)
        params = adapter.parse(found, request)
        account, principal = caller
        result = self.control.handle(
            scope, operation, params, account=account, region=region or "us-east-1", request_id=rid, principal=principal
        )
        return adapter.answer(found, result, rid)

    def _refused(self, adapter: Adapter, error: ApiError, rid: str, request: HttpRequest, name: str) -> WireResponse:
        if isinstance(error, Unsupported) and error.code == "UnsupportedOperation" and adapter.service is not None:
            self.unsupported[(adapter.service.scope, name)] += 1
            log.warning("unsupported: %s %s (answered UnsupportedOperation)", adapter.service.scope, name)
        if isinstance(error, UnknownService):
            self.unsupported[(error.scope, name)] += 1
            log.warning("unsupported: %s %s (answered UnknownService)", error.scope, name)
        return adapter.error(error, rid, request)


__all__ = ["Edge", "HttpRequest", "Identity", "WireResponse"]
