"""Reading a request body with a bound: a body over the limit is refused as soon as it is known to be, before it is
all read (a ``Content-Length`` over the limit: at once), so no client can hold the server with a huge upload.

The default fits AWS's largest legitimate requests that vpcsim serves (DynamoDB's 16 MB BatchWriteItem [DynamoDB
DG "Service quotas"]; EC2 and S3 policy calls are far smaller) and ``vpcsim serve --max-body`` changes it. The admin
and JSON APIs take small JSON documents: 1 MiB.
"""

from __future__ import annotations

from starlette.requests import Request

from vpcsim.errors import ApiError

DEFAULT_MAX_BODY = 16 * 1024 * 1024
MAX_API_BODY = 1024 * 1024


class TooLarge(ApiError):
    def __init__(self, limit: int) -> None:
        super().__init__("RequestEntityTooLarge", f"The request body is larger than vpcsim's limit of {limit} bytes.")


async def read_body(request: Request, limit: int) -> bytes:
    """The whole body, or ``TooLarge`` once it passes ``limit`` bytes."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise TooLarge(limit)
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise TooLarge(limit)
        chunks.append(chunk)
    return b"".join(chunks)
