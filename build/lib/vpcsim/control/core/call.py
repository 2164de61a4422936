"""The context of one API call: who, where, when, and the transaction it runs in."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from vpcsim.catalog import Region, Zone
from vpcsim.errors import InvalidParameter
from vpcsim.model import IdFactory, Record
from vpcsim.store import Transaction

Params = dict[str, Any]
Result = dict[str, Any]


@dataclass(slots=True)
class Call:
    tx: Transaction
    account: str
    region: Region
    request_id: str
    ids: IdFactory
    principal: str = ""
    now: datetime = datetime.min

    def __post_init__(self) -> None:
        if self.now == datetime.min:
            self.now = datetime.now(UTC)

    def new_id(self, prefix: str, kind: str) -> str:
        """A fresh id of ``kind`` that no record has."""
        while True:
            rid = self.ids.new(prefix)
            if self.tx.find(kind, rid) is None:
                return rid

    def record(self, kind: str, rid: str, doc: dict[str, Any], parent: str | None = None, **extra: Any) -> Record:
        """A new record in this call's account and region (not yet stored)."""
        return Record(kind, rid, self.account, self.region.name, doc, parent, {}, dict(extra))

    def scan(self, kind: str) -> list[Record]:
        return list(self.tx.scan(kind, self.account, self.region.name))

    # -- ClientToken idempotency: the token -> id index lives in the store's metadata (one lookup, no scan) --------
    def _token_key(self, kind: str, token: str) -> str:
        return f"token/{kind}/{self.account}/{self.region.name}/{token}"

    def earlier(self, kind: str, token: str | None) -> Record | None:
        """The resource of ``kind`` an earlier call with the same ClientToken created, if it still exists."""
        if not token:
            return None
        rid = self.tx.meta(self._token_key(kind, token))
        return self.tx.find(kind, rid) if rid else None

    def remember(self, kind: str, token: str | None, rid: str) -> None:
        if token:
            self.tx.set_meta(self._token_key(kind, token), rid)

    def zone(self, name: str | None = None, zone_id: str | None = None) -> Zone:
        """The AZ named by name or id in this region, or ``InvalidParameterValue``."""
        wanted = name or zone_id or ""
        zone = self.region.find_zone(wanted)
        if zone is None:
            raise InvalidParameter(
                "InvalidParameterValue",
                f"Value ({wanted}) for parameter availabilityZone is invalid. "
                f"Subnets can currently only be created in the following availability zones: "
                + ", ".join(z.name for z in self.region.zones)
                + ".",
            )
        return zone

    def timestamp(self) -> str:
        """Now as AWS writes it, with milliseconds."""
        return self.now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{self.now.microsecond // 1000:03d}Z"
