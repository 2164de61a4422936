"""The context of one API call: who, where, when, and the transaction it runs in.

``region`` is the Region as the calling account sees it (``Region.seen_by``): its zones carry the account's own
names for the physical zone ids, so every ``call.region.zones`` and ``call.zone(...)`` answers in the caller's names.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from vpcsim.catalog import REGIONS, Region, Zone
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
    quotas: Mapping[str, float] = field(default_factory=dict)  # the server's quota defaults (vpcsim serve --quota)
    operation: str = ""  # the AWS operation being answered ("DescribeVpcs"), when a face names it
    # Told of each lifecycle transition still under way when read (core/lifecycle.py): the data plane's compile
    # learns from it when its topology goes stale.
    on_pending: Callable[[datetime], None] | None = None

    @property
    def time_scale(self) -> float:
        """AWS's lifecycle durations times this: how fast the state's clock runs (vpcsim serve --time-scale)."""
        return float(getattr(self.tx, "time_scale", 0.0))

    def __post_init__(self) -> None:
        if self.now == datetime.min:
            self.now = datetime.now(UTC)
        if self.region.account != self.account:
            self.region = self.region.seen_by(self.account)

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
        """The AZ named by name or id in this region as the caller sees it, or ``InvalidParameterValue``.

        A name is the caller's own (another account's ``us-east-1a`` may be a different zone); an id is physical.
        """
        wanted = name or zone_id or ""
        zone = self.region.find_zone(wanted)
        if zone is not None and wanted != (zone.name if name else zone.zone_id):
            zone = None  # a name given as AvailabilityZoneId, or an id as AvailabilityZone
        if zone is None:
            raise InvalidParameter(
                "InvalidParameterValue",
                f"Value ({wanted}) for parameter availabilityZone is invalid. "
                f"Subnets can currently only be created in the following availability zones: "
                + ", ".join(z.name for z in self.region.zones)
                + ".",
            )
        return zone

    def zone_names(self, zone_ids: list[str] | tuple[str, ...], region: str | None = None) -> list[str]:
        """The caller's own names for ``zone_ids`` in ``region`` (default: the call's), sorted; another account's
        zone names must go through their ids to be shown to the caller. Ids the caller does not see are left out."""
        view = self.region if region in (None, self.region.name) else REGIONS[region].seen_by(self.account)
        return sorted(name for i in zone_ids if (name := view.zone_name(i)) is not None)

    def timestamp(self, moment: datetime | None = None) -> str:
        """Now (or ``moment``) as AWS writes it, with milliseconds."""
        at = self.now if moment is None else moment
        return at.strftime("%Y-%m-%dT%H:%M:%S.") + f"{at.microsecond // 1000:03d}Z"
