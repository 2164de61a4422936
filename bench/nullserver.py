"""A null AWS server: answers every EC2 request with a fixed body, doing no work, to show the client's own share.

``python bench/nullserver.py PORT``. Plain asyncio and HTTP/1.1 keep-alive, standard library only. The body for an
``Action`` is the one last set through ``POST /_null/bodies`` (a JSON object Action -> XML, the harness sets the
bodies vpcsim answered in the same phase, so boto3 parses a response of the same size and shape); without one, an
empty ``<ActionResponse>`` with a request id, which botocore accepts for any EC2 operation.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import sys
from urllib.parse import parse_qs

_BODIES: dict[str, bytes] = {}
_NS = "http://ec2.amazonaws.com/doc/2016-11-15/"
_REQUEST_ID = "00000000-0000-4000-8000-000000000000"


def _body_for(action: str) -> bytes:
    found = _BODIES.get(action)
    if found is not None:
        return found
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<{action}Response xmlns="{_NS}">'
        f"<requestId>{_REQUEST_ID}</requestId></{action}Response>"
    ).encode()


def _answer(status: str, body: bytes, content_type: str = "text/xml;charset=UTF-8") -> bytes:
    head = (
        f"HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {len(body)}\r\n"
        f"x-amzn-RequestId: {_REQUEST_ID}\r\n\r\n"
    )
    return head.encode() + body


def _route(method: str, path: str, body: bytes) -> bytes:
    if path.startswith("/_null/health"):
        return _answer("200 OK", b'{"status":"ok"}', "application/json")
    if path.startswith("/_null/bodies") and method == "POST":
        _BODIES.update({action: xml.encode() for action, xml in json.loads(body).items()})
        return _answer("200 OK", b'{"status":"ok"}', "application/json")
    query = path.partition("?")[2]
    params = parse_qs(body.decode() if body else query)
    action = (params.get("Action") or ["Unknown"])[0]
    return _answer("200 OK", _body_for(action))


async def _serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")
            method, path, _ = lines[0].split(" ", 2)
            length = 0
            for line in lines[1:]:
                name, _, value = line.partition(":")
                if name.strip().lower() == "content-length":
                    length = int(value)
            body = await reader.readexactly(length) if length else b""
            writer.write(_route(method, path, body))
            await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionError):
        pass
    finally:
        writer.close()


async def main(port: int) -> None:
    server = await asyncio.start_server(_serve, "127.0.0.1", port)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(main(int(sys.argv[1])))
