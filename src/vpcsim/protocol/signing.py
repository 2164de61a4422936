"""Verifying a SigV4 signature the way AWS does, in the header form and the presigned (query) form.

[AWS General Reference, "Signature Version 4 signing process"; "Create a canonical request"] The canonical request
is the method, the canonical URI (each path normalised and URI-encoded once more, except for S3, whose path is used
as sent), the canonical query string (every parameter but X-Amz-Signature, URI-encoded, sorted), the signed headers
(lower-cased, values with runs of white space folded), their names, and the payload hash (``x-amz-content-sha256``
when sent, ``UNSIGNED-PAYLOAD`` for a presigned S3 URL, else SHA-256 of the body). The string to sign names the
algorithm, the request time, the scope and the canonical request's hash; the key is derived from the secret by
HMAC over date, Region, service and ``aws4_request``. A request more than 15 minutes away from the server's clock,
or a presigned one past its X-Amz-Expires, is refused.

This module knows the protocol only: which AWS error code each problem becomes is the server's (``Problem``).
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from urllib.parse import parse_qsl, quote, unquote

from botocore.utils import normalize_url_path

ALGORITHM = "AWS4-HMAC-SHA256"
MAX_SKEW = timedelta(minutes=15)
UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD"
_FIELDS = re.compile(r"(Credential|SignedHeaders|Signature)=([^,\s]+)")


class Problem(StrEnum):
    MISSING = "missing"  # no signature at all
    INCOMPLETE = "incomplete"  # a signature that lacks a part or is not AWS4-HMAC-SHA256
    UNKNOWN_KEY = "unknown-key"
    MISMATCH = "mismatch"
    EXPIRED = "expired"  # too far from the server's clock, or a presigned URL past its expiry


class SignatureError(Exception):
    def __init__(self, problem: Problem, detail: str) -> None:
        super().__init__(detail)
        self.problem = problem
        self.detail = detail


@dataclass(frozen=True, slots=True)
class Signed:
    """A request as the verifier needs it."""

    method: str
    path: str  # raw, as sent (still percent-encoded)
    query: str
    headers: Callable[[str], Sequence[str]]  # every value of a (lower-case) header
    body: bytes


@dataclass(frozen=True, slots=True)
class _Parts:
    access_key: str
    scope: str  # date/region/service/aws4_request
    signed_headers: tuple[str, ...]
    signature: str
    timestamp: str
    presigned: bool
    expires: int | None


def verify(request: Signed, secret_for: Callable[[str], str | None], now: datetime) -> str:
    """The access key id the request is validly signed with, or ``SignatureError`` saying why not."""
    parts = _parts(request)
    secret = secret_for(parts.access_key)
    if secret is None:
        raise SignatureError(Problem.UNKNOWN_KEY, f"The access key id {parts.access_key} is not known.")
    _check_time(parts, now)
    expected = _signature(request, parts, secret)
    if not hmac.compare_digest(expected, parts.signature):
        raise SignatureError(
            Problem.MISMATCH,
            "The request signature we calculated does not match the signature you provided. Check your AWS Secret "
            "Access Key and signing method.",
        )
    return parts.access_key


def _parts(request: Signed) -> _Parts:
    query = dict(parse_qsl(request.query, keep_blank_values=True))
    if "X-Amz-Signature" in query or "X-Amz-Credential" in query:
        return _presigned(query)
    header = (request.headers("authorization") or [""])[0]
    if not header:
        raise SignatureError(Problem.MISSING, "The request carries no signature.")
    if not header.startswith(ALGORITHM + " "):
        raise SignatureError(Problem.INCOMPLETE, f"Only {ALGORITHM} signatures are accepted.")
    fields = dict(_FIELDS.findall(header))
    timestamp = (request.headers("x-amz-date") or [""])[0]
    missing = [f for f in ("Credential", "SignedHeaders", "Signature") if f not in fields]
    if missing or not timestamp:
        what = ", ".join(missing) or "the X-Amz-Date header"
        raise SignatureError(Problem.INCOMPLETE, f"The authorization header lacks {what}.")
    return _from_fields(fields["Credential"], fields["SignedHeaders"], fields["Signature"], timestamp, False, None)


def _presigned(query: Mapping[str, str]) -> _Parts:
    wanted = ("X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date", "X-Amz-SignedHeaders", "X-Amz-Signature")
    missing = [w for w in wanted if not query.get(w)]
    if missing or query["X-Amz-Algorithm"] != ALGORITHM:
        raise SignatureError(Problem.INCOMPLETE, f"The presigned URL lacks {', '.join(missing) or ALGORITHM}.")
    expires = query.get("X-Amz-Expires", "")
    return _from_fields(
        query["X-Amz-Credential"],
        query["X-Amz-SignedHeaders"],
        query["X-Amz-Signature"],
        query["X-Amz-Date"],
        True,
        int(expires) if expires.isdigit() else None,
    )


def _from_fields(
    credential: str, headers: str, signature: str, timestamp: str, presigned: bool, expires: int | None
) -> _Parts:
    key, _, scope = credential.partition("/")
    if scope.count("/") != 3 or not scope.endswith("/aws4_request"):
        raise SignatureError(Problem.INCOMPLETE, f"The credential scope '{credential}' is not well formed.")
    return _Parts(key, scope, tuple(headers.lower().split(";")), signature, timestamp, presigned, expires)


def _check_time(parts: _Parts, now: datetime) -> None:
    try:
        stamped = datetime.strptime(parts.timestamp, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    except ValueError:
        raise SignatureError(Problem.INCOMPLETE, f"The date {parts.timestamp} is not in ISO 8601 basic form.") from None
    if parts.presigned and parts.expires is not None:
        if now > stamped + timedelta(seconds=parts.expires) or stamped - now > MAX_SKEW:
            raise SignatureError(Problem.EXPIRED, "The presigned URL has expired.")
        return
    if abs(now - stamped) > MAX_SKEW:
        raise SignatureError(
            Problem.EXPIRED,
            f"Signature expired: {parts.timestamp} is more than 15 minutes away from the server's time "
            f"{now.strftime('%Y%m%dT%H%M%SZ')}.",
        )


def _signature(request: Signed, parts: _Parts, secret: str) -> str:
    date, region, service, _ = parts.scope.split("/")
    canonical = _canonical_request(request, parts, service)
    to_sign = "\n".join(
        [ALGORITHM, parts.timestamp, parts.scope, hashlib.sha256(canonical.encode("utf-8")).hexdigest()]
    )
    key = _hmac(("AWS4" + secret).encode(), date)
    for step in (region, service, "aws4_request"):
        key = _hmac(key, step)
    return hmac.new(key, to_sign.encode("utf-8"), hashlib.sha256).hexdigest()


def _hmac(key: bytes, message: str) -> bytes:
    return hmac.new(key, message.encode("utf-8"), hashlib.sha256).digest()


def _canonical_request(request: Signed, parts: _Parts, service: str) -> str:
    headers = "".join(f"{name}:{_folded(request.headers(name))}\n" for name in parts.signed_headers)
    return "\n".join(
        [
            request.method.upper(),
            _canonical_uri(request.path, service),
            _canonical_query(request.query),
            headers,
            ";".join(parts.signed_headers),
            _payload_hash(request, parts, service),
        ]
    )


def _canonical_uri(path: str, service: str) -> str:
    if service == "s3":  # S3 signs the path as sent, neither normalised nor encoded again
        return path or "/"
    return quote(normalize_url_path(path or "/"), safe="/~")


def _canonical_query(query: str) -> str:
    pairs = [
        (quote(unquote(k), safe="-_.~"), quote(unquote(v), safe="-_.~"))
        for k, _, v in (p.partition("=") for p in query.split("&") if p)
        if unquote(k) != "X-Amz-Signature"
    ]
    return "&".join(f"{k}={v}" for k, v in sorted(pairs))


def _folded(values: Sequence[str]) -> str:
    return ",".join(" ".join(v.split()) for v in values)


def _payload_hash(request: Signed, parts: _Parts, service: str) -> str:
    declared = request.headers("x-amz-content-sha256")
    if declared:
        return declared[0]
    if parts.presigned and service == "s3":
        return UNSIGNED_PAYLOAD
    return hashlib.sha256(request.body).hexdigest()
