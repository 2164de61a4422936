"""botocore's service models, loaded once per process, and the services vpcsim answers on one port.

A request names its service in the SigV4 credential scope (``ec2``, ``elasticloadbalancing``, ``sts``, ``s3``,
``dynamodb``, ``servicequotas``, ``iam``, ``logs``, ``kms`` ...); an unsigned request is told apart by its ``Version``
parameter, which every Query API sends. A scope vpcsim does not serve is usually a service botocore knows
(``unserved_service``): its model says which protocol the caller speaks, so the refusal can be written in it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, cached_property

from botocore.loaders import Loader
from botocore.model import OperationModel, ServiceModel

# scope name -> botocore model name; the scope name is what SigV4 signs (botocore's signingName).
_SCOPES = {
    "ec2": "ec2",
    "elasticloadbalancing": "elbv2",
    "sts": "sts",
    "s3": "s3",
    "dynamodb": "dynamodb",
    "route53": "route53",
    "route53resolver": "route53resolver",
    "servicequotas": "service-quotas",
    "iam": "iam",
    "logs": "logs",
    "kms": "kms",
}
# Unsigned requests are told apart by Version, which only the Query protocols send.
_QUERY_PROTOCOLS = ("ec2", "query")


@dataclass(frozen=True)
class Service:
    """One AWS service vpcsim speaks: its botocore model and the operation names it defines."""

    scope: str
    model: ServiceModel

    @property
    def protocol(self) -> str:
        """The protocol botocore speaks to it: the first of the model's ``protocols`` botocore supports."""
        return str(self.model.resolved_protocol)

    @property
    def api_version(self) -> str:
        return str(self.model.api_version)

    @cached_property
    def operation_names(self) -> frozenset[str]:
        return frozenset(self.model.operation_names)

    def find_operation(self, name: str) -> OperationModel | None:
        if name not in self.operation_names:
            return None
        return self.model.operation_model(name)


@cache
def _loader() -> Loader:
    return Loader()


@cache
def load_service(scope: str) -> Service:
    """The service signed as ``scope`` (``ec2``), with botocore's model for it."""
    name = _SCOPES[scope]
    data = _loader().load_service_model(name, "service-2")
    return Service(scope, ServiceModel(data, service_name=name))


def known_scopes() -> tuple[str, ...]:
    return tuple(_SCOPES)


@cache
def _scope_by_version() -> dict[str, str]:
    services = (load_service(scope) for scope in _SCOPES)
    return {s.api_version: s.scope for s in services if s.protocol in _QUERY_PROTOCOLS}


def service_for_scope(scope: str | None, version: str | None) -> Service | None:
    """The service a request is for: its signed scope, else its ``Version``, else EC2."""
    if scope:
        return load_service(scope) if scope in _SCOPES else None
    by_version = _scope_by_version()
    if version and version in by_version:
        return load_service(by_version[version])
    return load_service("ec2")


@cache
def _available() -> frozenset[str]:
    return frozenset(_loader().list_available_services("service-2"))


def unserved_service(scope: str) -> Service | None:
    """botocore's model of a service vpcsim does not serve, when the signing name is also its model name (``sqs``,
    ``lambda``, ``sns``; most are), else None; callers then read the protocol off the request itself."""
    if scope in _SCOPES or scope not in _available():
        return None
    return _botocore_service(scope)


@cache  # only names botocore has reach it, so the cache stays bounded whatever scopes requests sign
def _botocore_service(name: str) -> Service:
    return Service(name, ServiceModel(_loader().load_service_model(name, "service-2"), service_name=name))
