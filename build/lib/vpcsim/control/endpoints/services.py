"""What an endpoint can connect to, seen through one small view, and DescribeVpcEndpointServices.

AWS services come from the catalog (``vpcsim.catalog.services``); providers' endpoint services will join through
``find_service`` too, so that endpoint code does not care which kind it connects to.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from vpcsim.catalog import EndpointService, prefix_list_for_service, services_in
from vpcsim.catalog import find_service as find_catalog_service
from vpcsim.control.core.call import Call, Params, Result
from vpcsim.control.core.describe import paginate
from vpcsim.control.privatelink import service_dns
from vpcsim.errors import InvalidParameter
from vpcsim.model import Record


@dataclass(frozen=True, slots=True)
class ServiceView:
    name: str  # com.amazonaws.us-east-1.s3
    types: tuple[str, ...]  # every type the service offers: "Interface", "Gateway", "GatewayLoadBalancer"
    zones: tuple[str, ...]  # AZ names where the service has capacity
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

    @property
    def is_provider(self) -> bool:
        return self.owner != "amazon"

    @property
    def is_s3(self) -> bool:
        return self.short_name == "s3"


def _view(call: Call, chosen: EndpointService, types: tuple[str, ...]) -> ServiceView:
    short = chosen.short_name
    prefix_list = prefix_list_for_service(call.region.name, short) if chosen.service_type == "Gateway" else None
    interface = chosen.service_type == "Interface"
    return ServiceView(
        name=chosen.service_name,
        types=types,
        zones=chosen.availability_zones,
        base_dns=chosen.base_endpoint_dns_names[0] if interface and chosen.base_endpoint_dns_names else None,
        private_dns=chosen.private_dns_name if interface else None,
        policy_supported=chosen.vpc_endpoint_policy_supported,
        owner=chosen.owner,
        service_id=chosen.service_id,
        acceptance_required=chosen.acceptance_required,
        prefix_list_id=prefix_list.prefix_list_id if prefix_list else None,
        short_name=short,
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
        zones=tuple(doc["AvailabilityZones"]),
        base_dns=(doc.get("BaseEndpointDnsNames") or [None])[0],
        private_dns=service_dns.verified_name(service),
        policy_supported=False,
        owner=service.account,
        service_id=service.id,
        acceptance_required=bool(doc["AcceptanceRequired"]),
        short_name=service.id,
        region=service.region,
        unverified_private_dns=doc.get("PrivateDnsName") if service_dns.verified_name(service) is None else None,
    )


def get_service(
    call: Call, name: str, endpoint_type: str | None = None, service_region: str | None = None
) -> ServiceView:
    found = find_service(call, name, endpoint_type, service_region)
    if found is None:
        raise InvalidParameter("InvalidServiceName", f"The Vpc Endpoint Service '{name}' does not exist")
    return found


# -- DescribeVpcEndpointServices -----------------------------------------------------------------------------------
def _detail(service: EndpointService) -> dict[str, Any]:
    detail: dict[str, Any] = {
        "ServiceName": service.service_name,
        "ServiceId": service.service_id,
        "ServiceType": [{"ServiceType": str(service.service_type)}],
        "ServiceRegion": service.region,
        "AvailabilityZones": list(service.availability_zones),
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


def _provider_detail(service: Record) -> dict[str, Any]:
    doc = service.doc
    detail: dict[str, Any] = {
        "ServiceName": doc["ServiceName"],
        "ServiceId": service.id,
        "ServiceType": doc["ServiceType"],
        "ServiceRegion": service.region,
        "AvailabilityZones": doc["AvailabilityZones"],
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


def _detail_filters(detail: dict[str, Any], filters: list[dict[str, Any]]) -> bool:
    values = {
        "service-name": [detail["ServiceName"]],
        "service-type": [t["ServiceType"] for t in detail["ServiceType"]],
        "service-region": [detail["ServiceRegion"]],
        "owner": [detail["Owner"]],
        "supported-ip-address-types": detail["SupportedIpAddressTypes"],
    }
    for flt in filters:
        name = flt.get("Name") or ""
        if name.startswith("tag:") or name in ("tag-key", "tag-value"):
            return False
        if name not in values:
            raise InvalidParameter("InvalidParameterValue", f"The filter '{name}' is invalid")
        if not set(values[name]) & set(flt.get("Values") or []):
            return False
    return True


def _visible_details(call: Call, regions: list[str]) -> list[dict[str, Any]]:
    details = [_detail(s) for s in services_in(call.region.name)] if call.region.name in regions else []
    for service in call.tx.scan("vpc-endpoint-service"):
        if service.region in regions and _usable_from(call, service):
            details.append(_provider_detail(service))
    return details


def describe_vpc_endpoint_services(call: Call, params: Params) -> Result:
    regions = params.get("ServiceRegions") or [call.region.name]
    details = _visible_details(call, regions)
    wanted = params.get("ServiceNames") or []
    missing = [n for n in wanted if n not in {d["ServiceName"] for d in details}]
    if missing:
        raise InvalidParameter("InvalidServiceName", f"The Vpc Endpoint Service '{missing[0]}' does not exist")
    filters = params.get("Filters") or []
    chosen = [d for d in details if (not wanted or d["ServiceName"] in wanted) and _detail_filters(d, filters)]
    page, token = paginate(chosen, params, (5, 1000))  # type: ignore[arg-type]
    result: Result = {"ServiceNames": list(dict.fromkeys(d["ServiceName"] for d in page)), "ServiceDetails": page}
    if token:
        result["NextToken"] = token
    return result


__all__ = ["ServiceView", "describe_vpc_endpoint_services", "find_catalog_service", "find_service", "get_service"]
