"""The one error hierarchy.

Every refusal a client can see is an ``ApiError`` carrying AWS's error code, a message that says what to fix and the
HTTP status AWS uses. Subclasses group codes by meaning so that code raising them reads like the AWS documentation
("NotFound", "DependencyViolation"); the wire code is always explicit. Anything that is not an ``ApiError`` is a bug
and becomes a logged 500 ``InternalError`` at the server boundary.
"""

from __future__ import annotations

# The HTTP status of every error code AWS answers with a status other than 400: the one table ``ApiError`` reads.
# Sources: S3 API Reference, "Error responses" (list of error codes; the 404s of Object Lock, ownership controls and
# Block Public Access, which it does not list, are as S3 answers them, seen in aws-sdk and Terraform issues); Route 53
# API Reference (each error's status); EC2 API Reference, "Error codes" (DryRunOperation 412; server errors
# 500/503); STS/IAM "Common errors" (InvalidClientTokenId, SignatureDoesNotMatch 403); IAM API Reference and botocore's
# IAM model (NoSuchEntity 404; EntityAlreadyExists, DeleteConflict, LimitExceeded 409). Client errors of EC2, ELBv2,
# DynamoDB, STS, Service Quotas, CloudWatch Logs and KMS are 400.
STATUS: dict[str, int] = {
    "AccessDenied": 403,
    "BucketAlreadyExists": 409,
    "BucketAlreadyOwnedByYou": 409,
    "BucketNotEmpty": 409,
    "DeleteConflict": 409,
    "DryRunOperation": 412,
    "EntityAlreadyExists": 409,
    "IncompleteSignature": 400,
    "InternalError": 500,
    "InvalidAccessKeyId": 403,
    "InvalidClientTokenId": 403,
    "InvalidBucketState": 409,
    "LimitExceeded": 409,
    "MethodNotAllowed": 405,
    "MissingAuthenticationToken": 403,
    "HostedZoneAlreadyExists": 409,
    "NoSuchBucket": 404,
    "NoSuchChange": 404,
    "NoSuchEntity": 404,
    "NoSuchHostedZone": 404,
    "NoSuchBucketPolicy": 404,
    "NoSuchCORSConfiguration": 404,
    "NoSuchKey": 404,
    "NoSuchLifecycleConfiguration": 404,
    "NoSuchPublicAccessBlockConfiguration": 404,
    "NoSuchTagSet": 404,
    "NoSuchWebsiteConfiguration": 404,
    "ObjectLockConfigurationNotFoundError": 404,
    "OwnershipControlsNotFoundError": 404,
    "ReplicationConfigurationNotFoundError": 404,
    "RequestEntityTooLarge": 413,
    "RequestExpired": 400,
    "RequestTimeTooSkewed": 403,
    "NotAuthorizedException": 401,
    "ServiceUnavailable": 503,
    "SignatureDoesNotMatch": 403,
    "VPCAssociationAuthorizationNotFound": 404,
    "VPCAssociationNotFound": 404,
}


MAX_MESSAGE = 1024  # characters of an error message; longer ones are cut


class ApiError(Exception):
    """An AWS error: ``code`` as AWS spells it, a human ``message``, and the HTTP ``status`` (from ``STATUS``).

    >>> ApiError("NoSuchBucket", "The specified bucket does not exist").status
    404
    >>> ApiError("InvalidVpcID.NotFound", "The vpc ID 'vpc-1' does not exist").status
    400
    """

    def __init__(self, code: str, message: str) -> None:
        if len(message) > MAX_MESSAGE:  # a 10 MB value quoted in a message must not make a 10 MB answer
            message = message[:MAX_MESSAGE] + f"... ({len(message) - MAX_MESSAGE} more characters)"
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.status = STATUS.get(code, 400)


class NotFound(ApiError):
    """A referenced resource does not exist (``InvalidVpcID.NotFound`` and friends)."""


class Malformed(ApiError):
    """An id that cannot be an id of its kind (``InvalidVpcID.Malformed``)."""


class InvalidParameter(ApiError):
    """A parameter's value or combination is wrong (``InvalidParameterValue``, ``InvalidParameter`` ...)."""


class MissingParameter(ApiError):
    def __init__(self, name: str) -> None:
        super().__init__("MissingParameter", f"The request must contain the parameter {name}")


class DependencyViolation(ApiError):
    def __init__(self, message: str) -> None:
        super().__init__("DependencyViolation", message)


class IncorrectState(ApiError):
    """The resource exists but is not in a state that allows the call."""


class LimitExceeded(ApiError):
    """A default AWS quota would be exceeded."""


class Unsupported(ApiError):
    """A modelled AWS operation or option that vpcsim does not implement."""


class DryRunOperation(ApiError):
    def __init__(self) -> None:
        super().__init__("DryRunOperation", "Request would have succeeded, but DryRun flag is set.")


class InternalError(ApiError):
    def __init__(self, request_id: str) -> None:
        super().__init__(
            "InternalError",
            f"vpcsim failed on request {request_id}; this is a bug, the server log has the details.",
        )
