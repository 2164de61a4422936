"""What an endpoint can connect to, seen through one small view, and DescribeVpcEndpointServices.

AWS services come from the catalog (``vpcsim.catalog.services``); providers' endpoint services will join through
``find_service`` too, so that endpoint code does not care which kind it connects to.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from vpcsim.catalog import EndpointService, prefix_list_for_service, services_in
from vpcsim.catalog import find_service as find_catalog_service
from vpcsim.control.call import Call, Params, Result
from vpcsim.control.describe import paginate
from vpcsim.errors import InvalidParameter


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


def find_service(call: Call, name: str, endpoint_type: str | None = None) -> ServiceView | None:
    """The service ``name`` in the caller's region, as an endpoint of ``endpoint_type`` would use it."""
    offered = [s for s in services_in(call.region.name) if s.service_name == name]
    if not offered:
        return None
    types = tuple(str(s.service_type) for s in offered)
    chosen = next((s for s in offered if s.service_type == endpoint_type), offered[0])
    return _view(call, chosen, types)


def get_service(call: Call, name: str, endpoint_type: str | None = None) -> ServiceView:
    found = find_service(call, name, endpoint_type)
    if found is None:
        raise InvalidParameter("InvalidServiceName", f"The Vpc Endpoint Service '{name}' does not exist")
    return found


# -- DescribeVpcEndpointServices -----------------------------------------------------------------------------------
_FILTERS = {
    "service-name": lambda s: [s.service_name],
    "service-type": lambda s: [str(s.service_type)],
    "service-region": lambda s: [s.region],
    "owner": lambda s: [s.owner],
    "supported-ip-address-types": lambda s: list(s.supported_ip_address_types),
}


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


def _matches(service: EndpointService, filters: list[dict[str, Any]]) -> bool:
    for flt in filters:
        name = flt.get("Name") or ""
        if name.startswith("tag:") or name in ("tag-key", "tag-value"):
            return False  # AWS services carry no tags
        extract = _FILTERS.get(name)
        if extract is None:
            raise InvalidParameter("InvalidParameterValue", f"The filter '{name}' is invalid")
        if not set(extract(service)) & set(flt.get("Values") or []):
            return False
    return True


def describe_vpc_endpoint_services(call: Call, params: Params) -> Result:
    services = list(services_in(call.region.name))
    wanted = params.get("ServiceNames") or []
    known = {s.service_name for s in services}
    missing = [n for n in wanted if n not in known]
    if missing:
        raise InvalidParameter("InvalidServiceName", f"The Vpc Endpoint Service '{missing[0]}' does not exist")
    chosen = [
        s for s in services if (not wanted or s.service_name in wanted) and _matches(s, params.get("Filters") or [])
    ]
    page, token = paginate(chosen, params, (5, 1000))  # type: ignore[arg-type]
    result: Result = {
        "ServiceNames": list(dict.fromkeys(s.service_name for s in page)),
        "ServiceDetails": [_detail(s) for s in page],
    }
    if token:
        result["NextToken"] = token
    return result


__all__ = ["ServiceView", "describe_vpc_endpoint_services", "find_catalog_service", "find_service", "get_service"]
