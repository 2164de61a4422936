"""Who is calling the admin and JSON APIs and the web view, under ``--credentials`` (server/credentials.py).

Without ``--credentials`` nothing changes: every caller may see everything, as before. With it, a request to
``/_vpcsim/...``, ``/moto-api/...``, ``/ui/...`` or the web view on ``/`` needs either a valid SigV4 signature by a
known key or HTTP Basic authentication with a key and its secret (a browser asks for them after the 401's
``WWW-Authenticate``); the caller found is put in the request's scope (``CALLER``) for the routes to scope their
answers to its account. ``GET /_vpcsim/health`` stays open (it says only that the server is up and its revision).
AWS API requests pass through: the edge verifies their signatures (server/edge.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from vpcsim.errors import ApiError
from vpcsim.protocol.signing import Signed
from vpcsim.server.credentials import Credential, Credentials, header_values
from vpcsim.server.guard import Asgi, Receive, Scope, Send

CALLER = "vpcsim.caller"
_GUARDED = ("/_vpcsim/", "/moto-api/", "/ui/")
_OPEN = frozenset({"/_vpcsim/health"})


def caller_of(scope: Scope) -> Credential | None:
    """The authenticated caller of a request, or None when the server runs without --credentials."""
    found = scope.get(CALLER)
    return found if isinstance(found, Credential) else None


def is_admin(scope: Scope) -> bool:
    """Without --credentials everyone is; with it, the callers its file marks ``admin = true``."""
    caller = caller_of(scope)
    return caller is None or caller.admin


def own_account(scope: Scope, given: str | None) -> str | None:
    """The account a request may look at: the one it names, except that under --credentials a caller who is not
    admin sees only its own."""
    caller = caller_of(scope)
    return caller.account if caller is not None and not caller.admin else given


@dataclass
class RequireCaller:
    app: Asgi
    credentials: Credentials

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not self._guarded(scope):
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        caller = self._caller(scope, headers)
        if caller is None:
            await _challenge(send)
            return
        await self.app({**scope, CALLER: caller}, receive, send)

    @staticmethod
    def _guarded(scope: Scope) -> bool:
        path = scope["path"]
        if path in _OPEN:
            return False
        if path.startswith(_GUARDED):
            return True
        # The web view on "/": an unsigned GET (a signed one is an AWS call the edge verifies).
        headers = dict(scope.get("headers", []))
        signed = headers.get(b"authorization", b"").startswith(b"AWS4") or b"X-Amz-Credential" in scope.get(
            "query_string", b""
        )
        return path == "/" and scope["method"] == "GET" and not signed

    def _caller(self, scope: Scope, headers: dict[str, str]) -> Credential | None:
        basic = self.credentials.basic(headers.get("authorization", ""))
        if basic is not None:
            return basic
        query = scope.get("query_string", b"").decode("latin-1")
        signed = Signed(scope["method"], scope["path"], query, header_values(headers), b"")
        try:
            return self.credentials.verify(signed, "execute-api")
        except ApiError:
            return None


async def _challenge(send: Send) -> None:
    body = b"vpcsim runs with --credentials: authenticate with an access key id and its secret.\n"
    headers: list[tuple[bytes, bytes]] = [
        (b"www-authenticate", b'Basic realm="vpcsim", charset="UTF-8"'),
        (b"content-type", b"text/plain; charset=utf-8"),
        (b"content-length", str(len(body)).encode()),
    ]
    start: dict[str, Any] = {"type": "http.response.start", "status": 401, "headers": headers}
    await send(start)
    await send({"type": "http.response.body", "body": body})
