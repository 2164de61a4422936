"""What VPC endpoints would have saved over the period flow logs cover, priced from the price book (pure).

Input: ``PathGroup``s, the bytes one subnet exchanged with one AWS service in the logs, with the path a trace of a
representative flow took and that path's per-GB ``Charge``s (``vpcsim.cost.price_path``: NAT gateway processing,
interface endpoint processing, inter-AZ transfer, each from the book). A group's cost over the period is each charge
times the GB it applies to: both directions (a NAT gateway and an endpoint process both [VPCPR; PLPR], an AZ
boundary is charged each way it is crossed [INFRA]), except charges for data *out* of a Region or to the internet
(usage types ending ``Out-Bytes``), which apply to the bytes sent. Interface endpoint processing is at the book's
first tier (tiers start past 1 PB a month, Region aggregate).

Two alternatives, per VPC and service, for S3 and DynamoDB in the subnet's own Region (the only services with
gateway endpoints [PLG-GW]; ip-ranges does not say which service an AMAZON address serves, so other services get
no priced alternative):

- **gateway endpoint** on the subnets' route tables, for groups that go through a NAT gateway or an interface
  endpoint: no hourly or per-GB charge, and no AZ crossing; the saving is the whole current cost.
- **interface endpoint**, for groups that go through a NAT gateway: one endpoint per VPC with an interface in each
  AZ the senders are in (so no AZ crossing), AZ-hours over the period plus processing. Tiers are monthly: the
  period's GB are projected to a month, priced on the tiers, and scaled back (named choice).

Unpriced is an answer, not $0 (``cost``'s rule): a price the book lacks makes a line unpriced and the saving
undetermined. ``per_month`` projects a saving to the book's month (730 hours) when the period is at least an hour.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from vpcsim.cost import LineItem, PriceBook
from vpcsim.model.trace import Charge

GATEWAY_SERVICES = ("S3", "DYNAMODB")
NAT_GATEWAY, INTERFACE_ENDPOINT, GATEWAY_ENDPOINT = "nat-gateway", "interface-endpoint", "gateway-endpoint"
GB = 1024**3  # AWS bills data in GB of 2^30 bytes [VPCPR: "per GB data processed"] (named choice: binary GB)
MIN_PROJECTED_HOURS = 1.0


@dataclass(frozen=True, slots=True)
class PathGroup:
    """One subnet's traffic with one service over one path, as the logs counted it and a trace priced it."""

    vpc_id: str
    subnet_id: str
    zone: str
    region: str  # the subnet's Region
    route_table: str
    service: str  # an ip-ranges service name (S3, DYNAMODB, ...) or an endpoint service's short name
    service_region: str
    path: str  # nat-gateway | interface-endpoint | gateway-endpoint | internet-gateway | ...
    bytes_out: int
    bytes_in: int
    charges: tuple[Charge, ...] = ()
    complete: bool = True  # every charge on the path was priced

    @property
    def gb(self) -> float:
        return (self.bytes_out + self.bytes_in) / GB

    def lines(self) -> list[LineItem]:
        """The path's cost over the period, a line per charge."""
        return [self._line(c) for c in self.charges]

    def _line(self, charge: Charge) -> LineItem:
        both = not charge.usage_type.endswith("Out-Bytes")
        gb = self.gb if both else self.bytes_out / GB
        usd = charge.usd_per_gb * gb
        return LineItem(
            charge.item, usd, gb, "GB", charge.usd_per_gb, charge.component, charge.usage_type, charge.source
        )


@dataclass(frozen=True, slots=True)
class Saving:
    kind: str  # gateway-endpoint | interface-endpoint: what to add
    vpc_id: str
    region: str
    service: str
    replaces: str  # the path it takes traffic off: nat-gateway | interface-endpoint
    subnets: tuple[str, ...]
    route_tables: tuple[str, ...]
    zones: tuple[str, ...]
    gb: float
    current: tuple[LineItem, ...]
    alternative: tuple[LineItem, ...]
    hours: float | None

    @property
    def complete(self) -> bool:
        return not any(line.unpriced for line in (*self.current, *self.alternative))

    @property
    def current_usd(self) -> float:
        return sum(line.usd or 0.0 for line in self.current)

    @property
    def alternative_usd(self) -> float:
        return sum(line.usd or 0.0 for line in self.alternative)

    @property
    def saved_usd(self) -> float | None:
        return self.current_usd - self.alternative_usd if self.complete else None

    def per_month(self, hours_per_month: float) -> float | None:
        saved = self.saved_usd
        if saved is None or self.hours is None or self.hours < MIN_PROJECTED_HOURS:
            return None
        return saved * hours_per_month / self.hours

    def to_json(self, hours_per_month: float) -> dict[str, Any]:
        saved, month = self.saved_usd, self.per_month(hours_per_month)
        return {
            "add": self.kind,
            "replaces": self.replaces,
            "vpc_id": self.vpc_id,
            "region": self.region,
            "service": self.service,
            "subnets": list(self.subnets),
            "route_tables": list(self.route_tables),
            "zones": list(self.zones),
            "gb": self.gb,
            "current_usd": self.current_usd,
            "alternative_usd": self.alternative_usd,
            "saved_usd": saved,
            "saved_usd_per_month": month,
            "complete": self.complete,
            "current": [line.to_json() for line in self.current],
            "alternative": [line.to_json() for line in self.alternative],
        }


def savings(groups: Iterable[PathGroup], book: PriceBook, hours: float | None) -> list[Saving]:
    """Every alternative that applies (module docstring), per VPC, service and current path; biggest saving first."""
    buckets: dict[tuple[str, str, str, str], list[PathGroup]] = defaultdict(list)
    for group in groups:
        if _eligible(group):
            buckets[(group.vpc_id, group.region, group.service, group.path)].append(group)
    found = []
    for (vpc, region, service, path), members in sorted(buckets.items()):
        found.append(_gateway(vpc, region, service, path, members, book, hours))
        if path == NAT_GATEWAY:
            found.append(_interface(vpc, region, service, members, book, hours))
    return sorted(found, key=lambda s: -(s.saved_usd if s.saved_usd is not None else float("inf")))


def _eligible(group: PathGroup) -> bool:
    return (
        group.service in GATEWAY_SERVICES
        and group.service_region == group.region
        and group.path in (NAT_GATEWAY, INTERFACE_ENDPOINT)
        and group.gb > 0
    )


def _current(members: list[PathGroup]) -> tuple[LineItem, ...]:
    """The members' lines merged by item (a VPC's subnets share the NAT gateway's rate)."""
    merged: dict[tuple[str, str], LineItem] = {}
    for group in members:
        for line in group.lines():
            key = (line.item, line.resource_id)
            seen = merged.get(key)
            if seen is None:
                merged[key] = line
            else:
                usd = (seen.usd or 0.0) + (line.usd or 0.0)
                merged[key] = LineItem(
                    seen.item,
                    usd,
                    seen.quantity + line.quantity,
                    "GB",
                    seen.unit_usd,
                    seen.resource_id,
                    seen.usage_type,
                    seen.source,
                )
    incomplete = [g for g in members if not g.complete]
    if incomplete:
        reason = f"UNPRICED: a charge on the path of {incomplete[0].subnet_id} is not in the price book"
        merged[("unpriced", "")] = LineItem(
            "Unpriced charges on the path", None, 0.0, "GB", None, source=reason, unpriced=True
        )
    return tuple(merged.values())


def _shape(members: list[PathGroup]) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...], float]:
    subnets = tuple(sorted({g.subnet_id for g in members}))
    tables = tuple(sorted({g.route_table for g in members if g.route_table}))
    zones = tuple(sorted({g.zone for g in members if g.zone}))
    return subnets, tables, zones, sum(g.gb for g in members)


def _gateway(
    vpc: str, region: str, service: str, path: str, members: list[PathGroup], book: PriceBook, hours: float | None
) -> Saving:
    subnets, tables, zones, gb = _shape(members)
    price = book.find(region, "gateway_endpoint")
    item = f"Gateway endpoint com.amazonaws.{region}.{service.lower()} (no hourly or per-GB charge)"
    line = (
        LineItem(item, price.usd * gb, gb, "GB", price.usd, usage_type=price.usage_type, source=book.cite(price))
        if price is not None
        else _unpriced(item, gb, "GB", book, region, "gateway_endpoint")
    )
    return Saving(
        GATEWAY_ENDPOINT, vpc, region, service, path, subnets, tables, zones, gb, _current(members), (line,), hours
    )


def _interface(
    vpc: str, region: str, service: str, members: list[PathGroup], book: PriceBook, hours: float | None
) -> Saving:
    subnets, tables, zones, gb = _shape(members)
    azs = max(len(zones), 1)
    lines = (_endpoint_hours(region, azs, book, hours), _processing(region, gb, book, hours))
    return Saving(
        INTERFACE_ENDPOINT,
        vpc,
        region,
        service,
        NAT_GATEWAY,
        subnets,
        tables,
        zones,
        gb,
        _current(members),
        lines,
        hours,
    )


def _endpoint_hours(region: str, azs: int, book: PriceBook, hours: float | None) -> LineItem:
    item = f"Interface endpoint: {azs} AZ x the period's hours"
    price = book.find(region, "interface_endpoint_hour")
    if price is None:
        return _unpriced(item, azs, "AZ-hour", book, region, "interface_endpoint_hour")
    if hours is None:
        reason = "UNPRICED: the logs have no start and end fields, so the period's hours are unknown"
        return LineItem(item, None, 0.0, "AZ-hour", price.usd, source=reason, unpriced=True)
    quantity = azs * hours
    return LineItem(
        item, price.usd * quantity, quantity, "AZ-hour", price.usd, usage_type=price.usage_type, source=book.cite(price)
    )


def _processing(region: str, gb: float, book: PriceBook, hours: float | None) -> LineItem:
    item = "Interface endpoint data processing"
    price = book.find(region, "interface_endpoint_gb")
    if price is None:
        return _unpriced(item, gb, "GB", book, region, "interface_endpoint_gb")
    if hours and hours >= MIN_PROJECTED_HOURS:
        month = book.hours_per_month
        usd = price.cost(gb * month / hours) * hours / month  # tiers are per month: project, price, scale back
    else:
        usd = price.cost(gb)
    source = book.cite(price) + (f"; tiers per month: {price.tier_text()}" if price.tiers else "")
    return LineItem(item, usd, gb, "GB", price.usd, usage_type=price.usage_type, source=source)


def _unpriced(item: str, quantity: float, unit: str, book: PriceBook, region: str, key: str) -> LineItem:
    reason = f"UNPRICED: {book.unpriced_reason(region, key)}"
    return LineItem(item, None, quantity, unit, None, source=reason, unpriced=True)
