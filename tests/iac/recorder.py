"""A recording pass-through proxy in front of vpcsim: every AWS call a client makes, with the answer it got.

Terraform and Ansible talk to the proxy's port; each request is forwarded unchanged to the live server and its
answer returned unchanged. On the way back the proxy writes one :class:`Call` per request: the signing service and
Region (from the SigV4 credential scope), the access key (the account, in vpcsim), the operation name, the HTTP
status and the AWS error code when there is one. That is what the gap list and the "no UnsupportedOperation"
assertion read: the server's own log line carries the status but not the error code, and names REST calls (S3,
Route 53) by path rather than by operation.

The operation name comes from the wire, as the service model defines it: ``Action`` for the Query protocols (EC2,
ELB, STS, IAM), ``X-Amz-Target`` for the JSON protocols (DynamoDB, CloudWatch Logs, Service Quotas ...), and for the
REST protocols the botocore operation whose HTTP method, path template and literal query keys match the request
(``GET /bucket?acl`` is ``GetBucketAcl``).

The proxy is served by uvicorn, as vpcsim is: a relay that drops or resets a client's connection makes the AWS SDK
for Go retry, and a retried create is answered as a duplicate (seen with a socketserver-based relay under load).
"""

from __future__ import annotations

import http.client
import json
import re
import threading
import time
from collections.abc import Collection
from dataclasses import asdict, dataclass
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import anyio.to_thread
import uvicorn

from vpcsim.testing import free_port

# SigV4 signing names -> botocore model names, for the services the harness points clients at.
MODELS = {
    "ec2": "ec2",
    "sts": "sts",
    "elasticloadbalancing": "elbv2",
    "s3": "s3",
    "dynamodb": "dynamodb",
    "route53": "route53",
    "route53resolver": "route53resolver",
    "servicequotas": "service-quotas",
    "logs": "logs",
    "firehose": "firehose",
    "iam": "iam",
    "kms": "kms",
}
# S3 Express One Zone calls, sent to its own endpoints: on a path-style endpoint ListDirectoryBuckets would look
# exactly like ListBuckets (GET /).
EXPRESS_ONLY = frozenset({"ListDirectoryBuckets", "CreateSession"})
# Classic ELB signs as elasticloadbalancing too; its Query API version tells it apart.
CLASSIC_ELB_VERSION = "2012-06-01"
HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade", "proxy-connection"}
SCOPE = re.compile(r"Credential=([^/,\s]+)/\d{8}/([^/]+)/([^/]+)/aws4_request")
ERROR_CODE = re.compile(rb"<Code>([^<]+)</Code>")


@dataclass(frozen=True, slots=True)
class Call:
    """One request as the client made it and the answer it got."""

    service: str
    region: str
    account: str
    operation: str
    status: int
    error: str
    message: str

    @property
    def failed(self) -> bool:
        return self.status >= 400


def read_calls(path: Path) -> list[Call]:
    if not path.exists():
        return []
    return [Call(**json.loads(line)) for line in path.read_text().splitlines() if line.strip()]


class Recorder:
    """The proxy: ``start()`` listens on a free port, ``url`` is what clients use, ``log`` where calls go.

    It is an ASGI app served by uvicorn (as vpcsim is) in a background thread; each request is relayed upstream
    with http.client from a worker thread, over a kept-alive connection per thread.
    """

    def __init__(self, upstream_port: int, log: Path) -> None:
        self.upstream_port = upstream_port
        self.log = log
        self.port = free_port()
        self._lock = threading.Lock()
        self._local = threading.local()
        config = uvicorn.Config(
            self._app,
            host="127.0.0.1",
            port=self.port,
            log_level="warning",
            access_log=False,
            lifespan="off",
            interface="asgi3",
            server_header=False,
            date_header=False,
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 20.0) -> Recorder:
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError(f"the recording proxy did not start on {self.url}")
            time.sleep(0.02)
        return self

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=10)

    def calls(self) -> list[Call]:
        return read_calls(self.log)

    async def _app(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        body, more = b"", True
        while more:
            message = await receive()
            body += message.get("body", b"")
            more = message.get("more_body", False)
        target = scope["raw_path"].decode("latin-1")
        if scope["query_string"]:
            target += "?" + scope["query_string"].decode("latin-1")
        headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in scope["headers"]]
        relayed = [(k, v) for k, v in headers if k.lower() not in HOP_BY_HOP]
        method = scope["method"]
        status, answer_headers, answer = await anyio.to_thread.run_sync(self.forward, method, target, relayed, body)
        self.record(describe_call(method, target, dict(headers), body, status, answer))
        kept = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in answer_headers]
        kept = [(k, v) for k, v in kept if k.decode() not in HOP_BY_HOP and k != b"content-length"]
        kept.append((b"content-length", str(len(answer)).encode()))
        await send({"type": "http.response.start", "status": status, "headers": kept})
        await send({"type": "http.response.body", "body": b"" if method == "HEAD" else answer})

    def forward(self, method: str, path: str, headers: list[tuple[str, str]], body: bytes) -> tuple[int, list, bytes]:
        connection = getattr(self._local, "connection", None)
        for attempt in range(2):  # a kept-alive upstream connection may have been closed: retry once on a new one
            if connection is None:
                connection = http.client.HTTPConnection("127.0.0.1", self.upstream_port, timeout=120)
                self._local.connection = connection
            try:
                connection.request(method, path, body=body, headers=dict(headers))
                response = connection.getresponse()
                return response.status, response.getheaders(), response.read()
            except (http.client.HTTPException, OSError):
                connection.close()
                connection = self._local.connection = None
                if attempt:
                    raise
        raise AssertionError("unreachable")

    def record(self, call: Call) -> None:
        line = json.dumps(asdict(call)) + "\n"
        with self._lock, self.log.open("a") as out:
            out.write(line)


def describe_call(method: str, target: str, headers: dict[str, str], body: bytes, status: int, answer: bytes) -> Call:
    lowered = {k.lower(): v for k, v in headers.items()}
    url = urlsplit(target)
    query = dict(parse_qsl(url.query, keep_blank_values=True))
    params = dict(query)
    if "x-www-form-urlencoded" in lowered.get("content-type", ""):
        params.update(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
    credential = lowered.get("authorization") or "Credential=" + query.get("X-Amz-Credential", "")
    found = SCOPE.search(credential)
    key, region, service = found.groups() if found else ("", "", "")
    if service == "elasticloadbalancing" and params.get("Version") == CLASSIC_ELB_VERSION:
        service = "elb"
    operation = params.get("Action") or lowered.get("x-amz-target", "").rpartition(".")[2]
    if not operation:
        operation = rest_operation(service, method, url.path, set(query), set(lowered)) or f"{method} {url.path}"
    error, message = error_of(answer) if status >= 400 else ("", "")
    return Call(service, region, key, operation, status, error, message)


def error_of(answer: bytes) -> tuple[str, str]:
    """The AWS error code and message in an XML or JSON error body."""
    code = ERROR_CODE.search(answer)
    if code:
        message = re.search(rb"<Message>([^<]*)</Message>", answer)
        return code.group(1).decode(), message.group(1).decode() if message else ""
    try:
        data = json.loads(answer or b"{}")
    except ValueError:
        return "", answer[:200].decode("utf-8", "replace")
    code_text = str(data.get("__type") or data.get("code") or data.get("Code") or "").rpartition("#")[2]
    return code_text, str(data.get("message") or data.get("Message") or "")


@cache
def _rest_routes(service: str) -> list[tuple[str, list[str], frozenset[str], str]]:
    """(method, path segments, what the request must carry, operation) for each operation of a REST model: the
    literal keys of its request URI (``?acl``), its required query-string members (``uploadId``) and its required
    headers (``header:x-amz-copy-source``)."""
    from botocore.loaders import Loader

    model = Loader().load_service_model(MODELS[service], "service-2")
    routes = []
    for name, operation in model["operations"].items():
        if name in EXPRESS_ONLY:
            continue
        path, _, literal = operation["http"]["requestUri"].partition("?")
        keys = {part.split("=")[0] for part in literal.split("&") if part} - {"x-id"}  # x-id: some SDKs only
        keys |= _required_keys(model, operation)
        routes.append((operation["http"]["method"], [s for s in path.split("/") if s], frozenset(keys), name))
    return routes


def _required_keys(model: dict[str, Any], operation: dict[str, Any]) -> set[str]:
    shape = model["shapes"].get(operation.get("input", {}).get("shape", ""), {})
    members = shape.get("members", {})
    keys = set()
    for name in shape.get("required", []):
        member = members.get(name, {})
        if member.get("location") == "querystring":
            keys.add(member.get("locationName", name))
        elif member.get("location") == "header":
            keys.add("header:" + member.get("locationName", name).lower())
    return keys


def rest_operation(
    service: str, method: str, path: str, query_keys: Collection[str], headers: Collection[str] = ()
) -> str | None:
    """The REST operation a request is: of the routes it matches, the one that asks the most of it."""
    if service not in MODELS:
        return None
    segments = [s for s in path.split("/") if s]
    carried = set(query_keys) | {"header:" + h.lower() for h in headers}
    matches = [
        (len(keys), -len(template), name)
        for verb, template, keys, name in _rest_routes(service)
        if verb == method and keys <= carried and _path_matches(template, segments)
    ]
    return max(matches)[2] if matches else None


def _path_matches(template: list[str], segments: list[str]) -> bool:
    if template and template[-1].endswith("+}"):  # greedy label ({Key+}) takes the rest of the path
        return len(segments) >= len(template) and _path_matches(template[:-1], segments[: len(template) - 1])
    if len(template) != len(segments):
        return False
    return all(t.startswith("{") or t == s for t, s in zip(template, segments, strict=True))
