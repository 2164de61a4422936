"""What an endpoint can connect to, seen through one small view, and DescribeVpcEndpointServices.

AWS services come from the catalog (``vpcsim.catalog.services``); providers' endpoint services will join through
``find_service`` too, so that endpoint code does not care which kind it connects to.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from vpcsim.catalog import (
    REGIONS,
    EndpointService,
    ipv6_prefix_list_for_service,
    prefix_list_for_service,
    services_in,
)
from vpcsim.catalog import find_service as find_catalog_service
from vpcsim.control.core.call import Call, Params, Result
from vpcsim.control.core.describe import Listing, member
from vpcsim.control.privatelink import service_dns
from vpcsim.errors import InvalidParameter
from vpcsim.model import Record


@dataclass(frozen=True, slots=True)
class ServiceView:
    name: str  # com.amazonaws.us-east-1.s3
    types: tuple[str, ...]  # every type the service offers: "Interface", "Gateway", "GatewayLoadBalancer"
    zones: tuple[str, ...]  # ids of the zones where the service has capacity (physical: names differ per account)
    base_dns: str | None  # sqs.us-east-1.vpce.amazonaws.com; None for gateway and GWLB services
    private_dns: str | None  # sqs.us-east-1.amazonaws.com, *.s3.us-east-1.amazonaws.com
    policy_supported: bool
    owner: str  # "amazon" or the provider's account
    service_id: str
    acceptance_required: bool = False
    prefix_list_id: str | None = None  # the AWS-managed list a gateway endpoint routes to
    short_name: str = ""  # "s3", "dynamodb", "sqs"
    region: str = ""  # the service's region (another one for cross-region endpoint services)
    unverified_private_dns: str | None = None  # a provider's private name not yet verified
    ip_types: tuple[str, ...] = ("ipv4",)  # SupportedIpAddressTypes
    ipv6_prefix_list_id: str | None = None  # the IPv6 list a dual-stack gateway endpoint routes to

    @property
    def is_provider(self) -> bool:
        return self.owner != "amazon"

    @property
    def is_s3(self) -> bool:
        return self.short_name == "s3"


def _view(call: Call, chosen: EndpointService, types: tuple[str, ...]) -> ServiceView:
    short = chosen.short_name
    gateway = chosen.service_type == "Gateway"
    prefix_list = prefix_list_for_service(call.region.name, short) if gateway else None
    ipv6_list = ipv6_prefix_list_for_service(call.region.name, short) if gateway else None
    interface = chosen.service_type == "Interface"
    # A gateway service carries IPv6 where AWS has its IPv6 prefix list (S3 since 2025: aws-behaviour 1.2.13).
    ip_types = ("ipv4", "ipv6") if ipv6_list else tuple(chosen.supported_ip_address_types)
    return ServiceView(
        name=chosen.service_name,
        types=types,
        zones=chosen.availability_zone_ids,
        base_dns=chosen.base_endpoint_dns_names[0] if interface and chosen.base_endpoint_dns_names else None,
        private_dns=chosen.private_dns_name if interface else None,
        policy_supported=chosen.vpc_endpoint_policy_supported,
        owner=chosen.owner,
        service_id=chosen.service_id,
        acceptance_required=chosen.acceptance_required,
        prefix_list_id=prefix_list.prefix_list_id if prefix_list else None,
        short_name=short,
        ip_types=ip_types,
        ipv6_prefix_list_id=ipv6_list.prefix_list_id if ipv6_list else None,
    )


def find_service(
    call: Call, name: str, endpoint_type: str | None = None, service_region: str | None = None
) -> ServiceView | None:
    """The service ``name`` as an endpoint of ``endpoint_type`` in the caller's region would use it: an AWS service
    of the region, or a provider's endpoint service the caller may see (in ``service_region`` when cross-region)."""
    if name.startswith("com.amazonaws.vpce."):
        provider = find_provider_service(call, name, service_region or call.region.name)
        return _provider_view(provider) if provider is not None else None
    if service_region and service_region != call.region.name:
        return None  # cross-region endpoints to AWS services: not modelled yet (aws-behaviour 4.4)
    offered = [s for s in services_in(call.region.name) if s.service_name == name]
    if not offered:
        return None
    types = tuple(str(s.service_type) for s in offered)
    chosen = next((s for s in offered if s.service_type == endpoint_type), offered[0])
    return _view(call, chosen, types)


def find_provider_service(call: Call, name: str, region: str) -> Record | None:
    """A provider's service by name, if the caller is its owner or an allowed principal and may use it from here."""
    for service in call.tx.scan("vpc-endpoint-service"):
        if service.doc["ServiceName"] == name and service.region == region and _usable_from(call, service):
            return service
    return None


def _usable_from(call: Call, service: Record) -> bool:
    from vpcsim.control.privatelink.connections import allowed

    regions = [r["Region"] for r in service.doc.get("SupportedRegions", [])] or [service.region]
    return allowed(service, call.principal) and call.region.name in regions


def _provider_view(service: Record) -> ServiceView:
    doc = service.doc
    kind = doc["ServiceType"][0]["ServiceType"]
    return ServiceView(
        name=doc["ServiceName"],
        types=(kind,),
        zones=tuple(provider_zone_ids(service)),
        base_dns=(doc.get("BaseEndpointDnsNames") or [None])[0],
        private_dns=service_dns.verified_name(service),
        policy_supported=False,
        owner=service.account,
        service_id=service.id,
        acceptance_required=bool(doc["AcceptanceRequired"]),
        short_name=service.id,
        region=service.region,
        unverified_private_dns=doc.get("PrivateDnsName") if service_dns.verified_name(service) is None else None,
        ip_types=tuple(doc.get("SupportedIpAddressTypes") or ["ipv4"]),
    )


def get_service(
    call: Call, name: str, endpoint_type: str | None = None, service_region: str | None = None
) -> ServiceView:
    found = find_service(call, name, endpoint_type, service_region)
    if found is None:
        raise InvalidParameter("InvalidServiceName", f"The Vpc Endpoint Service '{name}' does not exist")
    return found


def provider_zone_ids(service: Record) -> list[str]:
    """The ids of a provider's service zones (stored, else from the provider's names as the provider sees them)."""
    if "AvailabilityZoneIds" in service.doc:
        return list(service.doc["AvailabilityZoneIds"])
    view = REGIONS[service.region].seen_by(service.account)
    return sorted(z.zone_id for n in service.doc["AvailabilityZones"] if (z := view.find_zone(n)) is not None)


# -- DescribeVpcEndpointServices -----------------------------------------------------------------------------------
# AvailabilityZones are the caller's names: a provider's "us-east-1a" may be the consumer's "us-east-1c" [AWS "AZ
# IDs": names are mapped per account, ids are physical]; AvailabilityZoneIds are the same for both.
def _detail(call: Call, service: EndpointService) -> dict[str, Any]:
    detail: dict[str, Any] = {
        "ServiceName": service.service_name,
        "ServiceId": service.service_id,
        "ServiceType": [{"ServiceType": str(service.service_type)}],
        "ServiceRegion": service.region,
        "AvailabilityZoneIds": list(service.availability_zone_ids),
        "AvailabilityZones": call.zone_names(service.availability_zone_ids, service.region),
        "Owner": service.owner,
        "BaseEndpointDnsNames": list(service.base_endpoint_dns_names),
        "VpcEndpointPolicySupported": service.vpc_endpoint_policy_supported,
        "AcceptanceRequired": service.acceptance_required,
        "ManagesVpcEndpoints": service.manages_vpc_endpoints,
        "SupportedIpAddressTypes": list(service.supported_ip_address_types),
        "Tags": [],
    }
    if service.private_dns_name:
        detail["PrivateDnsName"] = service.private_dns_name
        detail["PrivateDnsNames"] = [{"PrivateDnsName": service.private_dns_name}]
        detail["PrivateDnsNameVerificationState"] = service.private_dns_name_verification_state
    return detail


def _provider_detail(call: Call, service: Record) -> dict[str, Any]:
    doc = service.doc
    ids = provider_zone_ids(service)
    detail: dict[str, Any] = {
        "ServiceName": doc["ServiceName"],
        "ServiceId": service.id,
        "ServiceType": doc["ServiceType"],
        "ServiceRegion": service.region,
        "AvailabilityZoneIds": ids,
        "AvailabilityZones": call.zone_names(ids, service.region),
        "Owner": service.account,
        "BaseEndpointDnsNames": doc.get("BaseEndpointDnsNames", []),
        "VpcEndpointPolicySupported": False,
        "AcceptanceRequired": doc["AcceptanceRequired"],
        "ManagesVpcEndpoints": False,
        "SupportedIpAddressTypes": doc["SupportedIpAddressTypes"],
        "Tags": [],
    }
    if doc.get("PrivateDnsName"):
        detail["PrivateDnsName"] = doc["PrivateDnsName"]
        detail["PrivateDnsNames"] = [{"PrivateDnsName": doc["PrivateDnsName"]}]
        detail["PrivateDnsNameVerificationState"] = service_dns.verification_state(service)
    if doc.get("PayerResponsibility"):
        detail["PayerResponsibility"] = doc["PayerResponsibility"]
    return detail


# The documented filters [botocore DescribeVpcEndpointServices]; the names derived from ServiceDetail and wildcards
# come with the Listing. Details carry no tags, so a tag filter matches none.
_DETAILS = Listing(
    kind="vpc-endpoint-service",
    page_member="ServiceDetails",
    filters={
        "owner": member("Owner"),
        "service-name": member("ServiceName"),
        "service-region": member("ServiceRegion"),
        "service-type": member("ServiceType", "ServiceType"),
        "supported-ip-address-types": member("SupportedIpAddressTypes"),
    },
    present=lambda r: dict(r.doc),
)


def _visible_details(call: Call, regions: list[str]) -> list[dict[str, Any]]:
    details = [_detail(call, s) for s in services_in(call.region.name)] if call.region.name in regions else []
    for service in call.tx.scan("vpc-endpoint-service"):
        if service.region in regions and _usable_from(call, service):
            details.append(_provider_detail(call, service))
    return details


def describe_vpc_endpoint_services(call: Call, params: Params) -> Result:
    regions = params.get("ServiceRegions") or [call.region.name]
    details = _visible_details(call, regions)
    wanted = params.get("ServiceNames") or []
    missing = [n for n in wanted if n not in {d["ServiceName"] for d in details}]
    if missing:
        raise InvalidParameter("InvalidServiceName", f"The Vpc Endpoint Service '{missing[0]}' does not exist")
    chosen = [
        Record("vpc-endpoint-service", d["ServiceId"], call.account, call.region.name, d, None, {}, {})
        for d in details
        if not wanted or d["ServiceName"] in wanted
    ]
    listed = _DETAILS.run(call, params, records=chosen)
    page = listed["ServiceDetails"]
    return {"ServiceNames": list(dict.fromkeys(d["ServiceName"] for d in page)), **listed}


__all__ = ["ServiceView", "describe_vpc_endpoint_services", "find_catalog_service", "find_service", "get_service"]
