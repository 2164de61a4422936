"""What blocks a delete: each family registers, for a kind of resource it builds on, the records that depend on it.

DeleteVpc must refuse while subnets, endpoints, peering connections, transit gateway attachments... exist, but the VPC
family sits below all of them and must not import them. Each family declares its dependents here instead, when its
module is loaded (the operation table loads every family before the first call)::

    @dependents.of("vpc")
    def _peering_connections(call, vpc):
        return [p.id for p in live_for_vpc(call, vpc.id)]
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from vpcsim.control.core.call import Call
from vpcsim.model import Record

Query = Callable[[Call, Record], Iterable[str]]
_QUERIES: dict[str, list[Query]] = {}


def of(kind: str) -> Callable[[Query], Query]:
    """Register ``query`` as naming the records that depend on a resource of ``kind`` and block its deletion."""

    def register(query: Query) -> Query:
        _QUERIES.setdefault(kind, []).append(query)
        return query

    return register


def blocking(call: Call, record: Record) -> list[str]:
    """The ids of every record that keeps ``record`` from being deleted, in the order the families registered."""
    return [rid for query in _QUERIES.get(record.kind, ()) for rid in query(call, record)]
