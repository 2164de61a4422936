"""Real authentication, when asked for: ``vpcsim serve --credentials FILE``.

The file is in the AWS shared-credentials format, one ``[name]`` section per caller, with vpcsim's own keys beside
AWS's::

    [network-team]
    aws_access_key_id = AKIAIOSFODNN7EXAMPLE
    aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
    account = 111122223333
    principal = arn:aws:iam::111122223333:role/network   ; optional, default the account's root
    admin = true                                          ; optional: may use the admin API (reset, principals)

Every AWS request must then carry a valid SigV4 signature by one of these keys (``protocol/signing.py``), answered
otherwise with the errors AWS gives (the common ones of the Query and JSON services; S3's and DynamoDB's own); the
admin and JSON APIs and the web view need the same keys, as a SigV4 signature or HTTP Basic authentication
(``access key id : secret``, what a browser asks for), and show a caller only its own account's resources.
"""

from __future__ import annotations

import base64
import configparser
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from vpcsim.errors import ApiError
from vpcsim.model.arns import parse_arn, root_arn
from vpcsim.protocol.signing import Problem, SignatureError, Signed, verify

_ACCOUNT = re.compile(r"^\d{12}$")
# Problem -> the code each kind of service answers it with [AWS "Common Errors" of the Query/JSON APIs; S3 API
# "Error responses"; DynamoDB API "Common errors"].
_CODES: dict[Problem, tuple[str, str, str]] = {
    Problem.MISSING: ("MissingAuthenticationToken", "AccessDenied", "MissingAuthenticationTokenException"),
    Problem.INCOMPLETE: ("IncompleteSignature", "AuthorizationHeaderMalformed", "IncompleteSignatureException"),
    Problem.UNKNOWN_KEY: ("InvalidClientTokenId", "InvalidAccessKeyId", "UnrecognizedClientException"),
    Problem.MISMATCH: ("SignatureDoesNotMatch", "SignatureDoesNotMatch", "InvalidSignatureException"),
    Problem.EXPIRED: ("RequestExpired", "RequestTimeTooSkewed", "InvalidSignatureException"),
}


class CredentialsError(ValueError):
    """The credentials file cannot be used; the message names the file and what is wrong."""


@dataclass(frozen=True, slots=True)
class Credential:
    access_key_id: str
    secret: str
    account: str
    principal: str
    admin: bool = False


@dataclass(frozen=True)
class Credentials:
    by_key: Mapping[str, Credential]

    @classmethod
    def load(cls, path: Path) -> Credentials:
        parser = configparser.ConfigParser(inline_comment_prefixes=(";", "#"))
        try:
            read = parser.read(path, encoding="utf-8")
        except (configparser.Error, UnicodeDecodeError) as error:
            raise CredentialsError(f"{path}: not in the AWS credentials format ({error})") from None
        if not read:
            raise CredentialsError(f"{path}: cannot be read")
        found = [_credential(path, name, parser[name]) for name in parser.sections()]
        if not found:
            raise CredentialsError(f"{path}: holds no [section] with aws_access_key_id and aws_secret_access_key")
        return cls({c.access_key_id: c for c in found})

    def find(self, access_key_id: str) -> Credential | None:
        return self.by_key.get(access_key_id)

    def verify(self, signed: Signed, service: str, now: datetime | None = None) -> Credential:
        """The caller who signed ``signed``, or the ApiError ``service`` answers for a bad signature."""
        try:
            key = verify(signed, lambda k: c.secret if (c := self.find(k)) else None, now or datetime.now(UTC))
        except SignatureError as error:
            raise signature_error(error, service) from None
        found = self.find(key)
        assert found is not None
        return found

    def basic(self, header: str) -> Credential | None:
        """The caller an HTTP ``Authorization: Basic base64(key:secret)`` header names, if its secret is right."""
        if not header.startswith("Basic "):
            return None
        try:
            key, _, secret = base64.b64decode(header[6:], validate=True).decode().partition(":")
        except (ValueError, UnicodeDecodeError):
            return None
        found = self.find(key)
        return found if found is not None and found.secret == secret else None


def _credential(path: Path, name: str, section: configparser.SectionProxy) -> Credential:
    key, secret = section.get("aws_access_key_id", ""), section.get("aws_secret_access_key", "")
    account = section.get("account", "")
    if not key or not secret:
        raise CredentialsError(f"{path}: [{name}] needs aws_access_key_id and aws_secret_access_key")
    if not _ACCOUNT.match(account):
        raise CredentialsError(f"{path}: [{name}] needs account = a 12-digit AWS account id")
    principal = section.get("principal", "") or root_arn(account)
    parsed = parse_arn(principal)
    if parsed is None or parsed.account != account:
        raise CredentialsError(f"{path}: [{name}] principal {principal} is not an ARN of account {account}")
    try:
        admin = section.getboolean("admin", fallback=False)
    except ValueError:
        raise CredentialsError(f"{path}: [{name}] admin must be true or false") from None
    return Credential(key, secret, account, principal, admin)


def signature_error(error: SignatureError, service: str) -> ApiError:
    common, s3, dynamodb = _CODES[error.problem]
    code = s3 if service == "s3" else dynamodb if service == "dynamodb" else common
    if service == "s3" and error.problem is Problem.EXPIRED and "presigned" in error.detail:
        code = "AccessDenied"  # S3 answers an expired presigned URL "Request has expired" [S3 API]
    return ApiError(code, error.detail)


def header_values(headers: Mapping[str, str]) -> Callable[[str], Sequence[str]]:
    """A ``Signed.headers`` reader over a request's headers (Starlette's keep repeated headers: ``getlist``)."""
    getlist = getattr(headers, "getlist", None)

    def read(name: str) -> Sequence[str]:
        if getlist is not None:
            return list(getlist(name))
        value = headers.get(name)
        return [value] if value is not None else []

    return read
