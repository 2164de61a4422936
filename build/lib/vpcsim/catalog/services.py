"""The AWS services that offer VPC endpoints in each Region (``data/services.json``, from scripts/gen_services.py).

Each ``EndpointService`` is one ``ServiceDetail`` of DescribeVpcEndpointServices for ``Owner amazon``: S3 and DynamoDB
appear twice per Region (``Gateway`` and ``Interface``, same ``ServiceName``), every other service once as
``Interface``. The package data stores each service once with ``{region}`` placeholders and the Regions it is offered
in (a shared table of Region lists); this module expands it per Region on first use and caches the result.

ServiceIds: the real ones recorded in us-east-1 where known, else ``vpce-svc-0`` + 16 hex of a SHA-256 over Region,
name and type, so they are stable across restarts and processes. ``AvailabilityZones``: every AZ of the Region unless
the data records a subset.

>>> find_service("us-east-1", "com.amazonaws.us-east-1.ecr.dkr").private_dns_name
'*.dkr.ecr.us-east-1.amazonaws.com'
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from importlib import resources
from typing import Any

from vpcsim.catalog.regions import REGIONS


class ServiceType(StrEnum):
    INTERFACE = "Interface"
    GATEWAY = "Gateway"


@dataclass(frozen=True, slots=True)
class EndpointService:
    """An AWS-owned endpoint service in one Region, in DescribeVpcEndpointServices' terms."""

    service_name: str
    service_id: str
    service_type: ServiceType
    region: str
    availability_zones: tuple[str, ...]
    base_endpoint_dns_names: tuple[str, ...]
    private_dns_name: str | None
    vpc_endpoint_policy_supported: bool
    supported_ip_address_types: tuple[str, ...]
    owner: str = "amazon"
    acceptance_required: bool = False
    manages_vpc_endpoints: bool = False

    @property
    def private_dns_name_verification_state(self) -> str | None:
        """AWS-owned names are always ``verified``; gateway services have no private DNS name."""
        return "verified" if self.private_dns_name else None

    @property
    def short_name(self) -> str:
        """``com.amazonaws.us-east-1.ecr.dkr`` -> ``ecr.dkr``; other forms are returned whole."""
        prefix = f"com.amazonaws.{self.region}."
        return self.service_name.removeprefix(prefix)


def _raw() -> dict[str, Any]:
    text = resources.files("vpcsim.catalog").joinpath("data/services.json").read_text()
    data: dict[str, Any] = json.loads(text)
    return data


def generated_service_id(region: str, service_name: str, service_type: str) -> str:
    digest = hashlib.sha256(f"{region}/{service_name}/{service_type}".encode()).hexdigest()
    return f"vpce-svc-0{digest[:16]}"


def _expand(item: dict[str, Any], region: str, raw: dict[str, Any]) -> EndpointService:
    name = item["ServiceName"].replace("{region}", region)
    kind = item["ServiceType"]
    key = f"{name}/{kind}"
    service_id = raw["serviceIds"].get(region, {}).get(key) or generated_service_id(region, name, kind)
    zones = raw["zones"].get(region, {}).get(key) or [z.name for z in REGIONS[region].zones]
    fill = {"region": region, "service_id": service_id}
    private = item["PrivateDnsName"]
    return EndpointService(
        service_name=name,
        service_id=service_id,
        service_type=ServiceType(kind),
        region=region,
        availability_zones=tuple(zones),
        base_endpoint_dns_names=tuple(b.format(**fill) for b in item["BaseEndpointDnsNames"]),
        private_dns_name=private.format(**fill) if private else None,
        vpc_endpoint_policy_supported=item["VpcEndpointPolicySupported"],
        supported_ip_address_types=tuple(item["SupportedIpAddressTypes"]),
    )


def _offered(item: dict[str, Any], region: str, region_sets: list[list[str]]) -> bool:
    """``Regions`` is ``"*"`` (every Region) or an index into the data's ``regionSets``."""
    where = item["Regions"]
    return where == "*" or region in region_sets[where]


@cache
def services_in(region: str) -> tuple[EndpointService, ...]:
    """Every AWS endpoint service offered in ``region``, sorted by name then type; empty for an unknown Region."""
    if region not in REGIONS:
        return ()
    raw = _raw()
    sets = raw["regionSets"]
    return tuple(_expand(item, region, raw) for item in raw["services"] if _offered(item, region, sets))


def find_service(
    region: str, service_name: str, service_type: ServiceType | str | None = None
) -> EndpointService | None:
    """The service with that exact name (and type, when given; else the first: Gateway before Interface)."""
    for service in services_in(region):
        if service.service_name == service_name and service_type in (None, service.service_type):
            return service
    return None


def find_service_by_id(region: str, service_id: str) -> EndpointService | None:
    return next((s for s in services_in(region) if s.service_id == service_id), None)
