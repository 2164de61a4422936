"""The operation table: which module answers which AWS operation, built from the family packages.

A handler is a function named ``xform_name(Operation)`` (``create_vpc`` for CreateVpc), defined in a module of one
of the packages a service lists below, for an operation that service's botocore model defines. The table is built
once per process by walking those packages; two modules answering the same operation is an error at build time,
never a silent shadow::

    >>> table = operation_table()
    >>> table.find("ec2", "CreateVpc").module
    'vpcsim.control.network.vpcs'
    >>> table.find("ec2", "NoSuchOperation") is None
    True
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from types import ModuleType
from typing import Any

from botocore import xform_name

from vpcsim.protocol import load_service

Handler = Callable[..., dict[str, Any]]

# Service (SigV4 scope) -> the control packages or modules that hold its handlers, relative to vpcsim.control.
SERVICES: dict[str, tuple[str, ...]] = {
    "ec2": (
        "core",
        "account",
        "network",
        "security",
        "gateways",
        "compute",
        "images",
        "endpoints",
        "privatelink",
        "interconnect",
        "analysis",
        "flowlogs",
        "dhcp",
        "hybrid",
    ),
    "elasticloadbalancing": ("elbv2",),
    "sts": ("services.sts",),
    "s3": (
        "services.s3_buckets",
        "services.s3_acl",
        "services.s3_settings",
        "services.s3_rules",
        "services.s3_objects",
    ),
    "dynamodb": ("services.dynamodb_tables", "services.dynamodb_update", "services.dynamodb_settings"),
    "servicequotas": ("quotas",),
    "route53": ("route53",),
    "route53resolver": ("resolver",),
    "iam": ("iam",),
    "logs": ("logs",),
    "kms": ("services.kms",),
}
# Services whose calls act inside a Region of an account and so see its default VPC.
REGIONAL = frozenset({"ec2", "elasticloadbalancing"})


@dataclass(frozen=True, slots=True)
class Operation:
    scope: str
    name: str
    handler: Handler

    @property
    def module(self) -> str:
        return str(self.handler.__module__)


class DuplicateHandler(RuntimeError):
    """Two modules define a handler for the same operation."""


@dataclass(frozen=True)
class OperationTable:
    operations: dict[tuple[str, str], Operation]

    def find(self, scope: str, name: str) -> Operation | None:
        return self.operations.get((scope, name))

    def for_scope(self, scope: str) -> list[Operation]:
        return sorted((op for (s, _), op in self.operations.items() if s == scope), key=lambda op: op.name)


def _modules(target: str) -> Iterator[ModuleType]:
    module = importlib.import_module(f"vpcsim.control.{target}")
    yield module
    for info in pkgutil.iter_modules(getattr(module, "__path__", [])):
        yield from _modules(f"{target}.{info.name}")


def _handlers(module: ModuleType, names: dict[str, str]) -> Iterator[tuple[str, Handler]]:
    for attr, value in vars(module).items():
        if attr in names and inspect.isfunction(value) and value.__module__ == module.__name__:
            yield names[attr], value


@cache
def operation_table() -> OperationTable:
    """Every implemented operation of every service vpcsim answers; raises DuplicateHandler on a clash."""
    table: dict[tuple[str, str], Operation] = {}
    for scope, targets in SERVICES.items():
        names = {xform_name(op): op for op in load_service(scope).operation_names}
        for module in (m for target in targets for m in _modules(target)):
            for name, handler in _handlers(module, names):
                clash = table.get((scope, name))
                if clash is not None:
                    raise DuplicateHandler(f"{scope} {name}: {clash.module} and {module.__name__} both answer it")
                table[(scope, name)] = Operation(scope, name, handler)
    return OperationTable(table)
