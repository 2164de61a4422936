"""What a web page the user happens to visit cannot make vpcsim do: the guard in front of every route.

A server on 127.0.0.1 is reachable by any page the user's browser loads. Three rules keep those pages out:

1. **Host names it serves** (DNS rebinding: a page whose own name resolves to 127.0.0.1 sends its own name as
   Host): only ``localhost``, ``127.0.0.1``, ``[::1]``, the address it listens on, ``*.localhost`` (virtual-hosted
   S3 buckets) and the names given with ``--allow-host`` are answered; any other Host gets 421.
2. **No cross-origin writes**: a request a browser marks as coming from another origin (an ``Origin`` that is not
   the server's own origin nor one given with ``--allow-origin``, or ``Sec-Fetch-Site: cross-site``/``same-site``)
   that is not a plain read (GET, HEAD) gets 403, on every route, the AWS API included (a cross-origin form post of
   ``Action=CreateVpc`` is refused). Browsers send ``Origin`` on every POST, ``no-cors`` ones included, and
   ``Sec-Fetch-Site`` on every request; AWS clients send neither.
3. **A header a cross-origin page cannot send**: state-changing calls of the admin and JSON APIs (``/_vpcsim/...``
   with a method other than GET and HEAD, but for the read-only trace) need ``X-Vpcsim-Request`` (any value); the
   CLI, the UI and ``vpcsim.testing`` send it. A page on another origin cannot add a custom header without a CORS
   preflight, which vpcsim never grants. Choice named here: moto's ``POST /moto-api/reset`` keeps working without it
   for moto-compatible tools, guarded by rules 1 and 2 only.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, MutableMapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

Scope = MutableMapping[str, Any]  # as ASGI servers and Starlette type them
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]
Asgi = Callable[[Scope, Receive, Send], Awaitable[None]]

ADMIN_HEADER = "x-vpcsim-request"
# POSTs under /_vpcsim/ that only read (a trace): rule 2 guards them; they need no header.
READ_ONLY_POSTS = frozenset({"/_vpcsim/api/trace"})
_LOCAL = frozenset({"localhost", "127.0.0.1", "::1", "[::1]"})
_READS = frozenset({"GET", "HEAD"})


@dataclass(frozen=True)
class Policy:
    """Which Host names and which foreign origins vpcsim answers."""

    hosts: frozenset[str] = _LOCAL
    origins: frozenset[str] = frozenset()

    @classmethod
    def build(cls, listen: str, hosts: Iterable[str] = (), origins: Iterable[str] = ()) -> Policy:
        served = {h.lower().strip("[]") for h in (*_LOCAL, listen, *hosts) if h and h not in ("0.0.0.0", "::")}
        return cls(frozenset(served), frozenset(o.rstrip("/").lower() for o in origins))

    def serves_host(self, host: str) -> bool:
        name = _host_name(host)
        return name in self.hosts or name.endswith(".localhost")

    def refusal(self, method: str, path: str, headers: dict[str, str]) -> tuple[int, str] | None:
        """Why the request is refused (status, reason), or None to answer it."""
        host = headers.get("host", "")
        if not self.serves_host(host):
            return 421, f"vpcsim does not serve the host name '{_host_name(host)}' (start it with --allow-host)"
        if method in _READS:
            return None
        if self._foreign(host, headers):
            return 403, "cross-origin requests that change state are refused (start vpcsim with --allow-origin)"
        if path.startswith("/_vpcsim/") and path not in READ_ONLY_POSTS and ADMIN_HEADER not in headers:
            return 403, f"state-changing admin and JSON API calls need the {ADMIN_HEADER} header"
        return None

    def _foreign(self, host: str, headers: dict[str, str]) -> bool:
        """Whether the browser says the request comes from a page of another origin that is not allowed."""
        origin = headers.get("origin")
        if origin is None:
            return headers.get("sec-fetch-site", "none") in ("cross-site", "same-site")
        if origin == "null":  # a sandboxed frame or a file:// page
            return True
        return urlsplit(origin).netloc.lower() != host.lower() and origin.rstrip("/").lower() not in self.origins


def _host_name(host: str) -> str:
    """``localhost`` of ``localhost:4566``; ``::1`` of ``[::1]:4566``."""
    text = host.strip().lower()
    if text.startswith("["):
        return text[1 : text.find("]")] if "]" in text else text
    return text.rsplit(":", 1)[0] if text.count(":") == 1 else text


@dataclass
class Guard:
    """ASGI middleware applying ``policy`` to every HTTP request before the app sees it."""

    app: Asgi
    policy: Policy = field(default_factory=Policy)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        refused = self.policy.refusal(scope["method"], scope["path"], headers)
        if refused is None:
            await self.app(scope, receive, send)
            return
        status, reason = refused
        body = (reason + "\n").encode()
        start = {"type": "http.response.start", "status": status, "headers": _plain(len(body))}
        await send(start)
        await send({"type": "http.response.body", "body": body})


def _plain(length: int) -> list[tuple[bytes, bytes]]:
    return [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(length).encode())]
