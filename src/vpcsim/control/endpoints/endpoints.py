"""VPC endpoints: gateway, interface and Gateway Load Balancer endpoints (aws-behaviour sections 1 and 2).

What an endpoint creates is written in the same transaction and removed with it: a gateway endpoint's prefix-list
routes in its route tables; an interface endpoint's requester-managed network interfaces (one per subnet, at most
one subnet per AZ) and its DNS records; a GWLB endpoint's one interface. The DNS records are stored on the endpoint
(``extra["dns"]``) as data the resolver reads; DnsEntries is derived from them.

Lifecycle (named choice, aws-behaviour 2.1.3): gateway endpoints are ``available`` at once; interface and GWLB
endpoints answer ``pending`` on create and on modify, and become ``available`` at the next call that reads them, so
that a client polling DescribeVpcEndpoints sees the transition exactly as with AWS, deterministically.
"""

from __future__ import annotations

from vpcsim.control.compute import interfaces
from vpcsim.control.core import lifecycle
from vpcsim.control.core.call import Call, Params, Result
from vpcsim.control.core.describe import Listing, each, member, present
from vpcsim.control.core.lookup import get
from vpcsim.control.endpoints import interfaces as endpoint_interfaces
from vpcsim.control.endpoints.records import (
    base_doc,
    check_interface_quota,
    new_record,
    policy_for,
)
from vpcsim.control.endpoints.services import ServiceView, get_service
from vpcsim.control.privatelink import connections
from vpcsim.control.quotas import quota
from vpcsim.errors import ApiError, InvalidParameter, LimitExceeded
from vpcsim.model import Record

_TYPES = ("Interface", "Gateway", "GatewayLoadBalancer")


# -- create ----------------------------------------------------------------------------------------------------------
def create_vpc_endpoint(call: Call, params: Params) -> Result:
    vpc = get(call, "vpc", params["VpcId"])
    kind = params.get("VpcEndpointType") or "Gateway"  # the API's default type [EC2API]
    if kind not in _TYPES:
        raise ApiError("InvalidVpcEndpointType", f"vpcsim does not support the {kind} endpoint type yet.")
    if not params.get("ServiceName"):
        raise InvalidParameter("MissingParameter", "The request must contain the parameter ServiceName.")
    service = get_service(call, params["ServiceName"], kind, params.get("ServiceRegion"))
    if kind not in service.types:
        raise InvalidParameter(
            "InvalidParameter",
            f"The Vpc Endpoint Service '{service.name}' does not support the endpoint type {kind}.",
        )
    _check_members_for_type(kind, params)
    build = {"Gateway": _create_gateway, "Interface": endpoint_interfaces.create, "GatewayLoadBalancer": _create_gwlb}[
        kind
    ]
    endpoint = build(call, vpc, service, params)
    if service.is_provider:
        endpoint = _connect(call, endpoint, service)
    shown = present(lifecycle.seen(call, endpoint))
    if params.get("ClientToken"):
        return {"VpcEndpoint": shown, "ClientToken": params["ClientToken"]}
    return {"VpcEndpoint": shown}


def _connect(call: Call, endpoint: Record, service: ServiceView) -> Record:
    """An endpoint to a provider's service is a connection the provider sees and is told of (event Connect)."""
    from vpcsim.control.privatelink import connections

    endpoint = call.tx.put(endpoint.with_extra(service_id=service.service_id, connection_id=call.ids.new("vpce-con")))
    provider = call.tx.find("vpc-endpoint-service", service.service_id)
    if provider is not None:
        connections.fire(call, provider, endpoint, "Connect")
    return endpoint


def _check_members_for_type(kind: str, params: Params) -> None:
    """The refusals AWS gives for members that do not belong to the endpoint type [real_aws_errors.json]."""
    if kind == "Gateway" and params.get("SubnetIds"):
        raise InvalidParameter(
            "InvalidParameter",
            "Subnet IDs are only supported for Interface and GatewayLoadBalancer type VPC Endpoints.",
        )
    if kind != "Interface" and params.get("SecurityGroupIds"):
        raise InvalidParameter(
            "InvalidParameter", "Security group IDs are only supported for Interface type VPC Endpoints."
        )
    if kind != "Gateway" and params.get("RouteTableIds"):
        raise InvalidParameter("InvalidParameter", "Route table IDs are only supported for Gateway type VPC Endpoint.")
    if kind == "GatewayLoadBalancer" and params.get("PolicyDocument"):
        raise InvalidParameter(
            "InvalidParameter", "Policies are not supported for GatewayLoadBalancer type VPC Endpoints."
        )


# -- gateway endpoints ------------------------------------------------------------------------------------------------
def _create_gateway(call: Call, vpc: Record, service: ServiceView, params: Params) -> Record:
    limit = quota(call, "L-1B52E74A")  # gateway VPC endpoints per Region [PLG quotas; aws-behaviour 8.1]
    if sum(1 for e in call.scan("vpc-endpoint") if e.doc["VpcEndpointType"] == "Gateway") >= limit:
        raise LimitExceeded(
            "VpcEndpointLimitExceeded",
            f"The maximum number of gateway endpoints in a region ({limit}) has been reached.",
        )
    eid = call.new_id("vpce", "vpc-endpoint")
    ip_type = gateway_ip_type(service, params.get("IpAddressType"))
    lists = gateway_prefix_lists(service, ip_type)
    tables = [_route_table_in(call, vpc, rid) for rid in dict.fromkeys(params.get("RouteTableIds") or [])]
    for table in tables:
        add_endpoint_route(call, table, service, eid, lists)
    doc = base_doc(call, eid, "Gateway", vpc, service, "available")
    doc.update(
        {
            "PolicyDocument": policy_for("Gateway", service, params),
            "RouteTableIds": [t.id for t in tables],
            "SubnetIds": [],
            "Groups": [],
            "IpAddressType": ip_type,
            "DnsOptions": {"DnsRecordIpType": _gateway_record_type(vpc, service, params)},
            "PrivateDnsEnabled": False,
            "NetworkInterfaceIds": [],
            "DnsEntries": [],
        }
    )
    return new_record(
        call,
        vpc,
        {k: v for k, v in doc.items() if v is not None},
        params,
        prefix_list_id=service.prefix_list_id,
        prefix_lists=lists,
    )


def gateway_ip_type(service: ServiceView, given: str | None) -> str:
    """ipv4 routes the service's IPv4 list, ipv6 its IPv6 list, dualstack both [PLG-GW; aws-behaviour 1.2.13]."""
    ip_type = given or "ipv4"
    if ip_type not in ("ipv4", "ipv6", "dualstack"):
        raise InvalidParameter("InvalidParameter", f"Invalid IpAddressType '{ip_type}': ipv4, ipv6 or dualstack.")
    if ip_type != "ipv4" and "ipv6" not in service.ip_types:
        raise InvalidParameter(
            "InvalidParameter", f"The Vpc Endpoint Service '{service.name}' does not support IP address type {ip_type}."
        )
    return ip_type


def gateway_prefix_lists(service: ServiceView, ip_type: str) -> list[str]:
    """The prefix lists a gateway endpoint of ``ip_type`` routes to, IPv4 first."""
    wanted = {"ipv4": (service.prefix_list_id,), "ipv6": (service.ipv6_prefix_list_id,)}
    chosen = wanted.get(ip_type, (service.prefix_list_id, service.ipv6_prefix_list_id))
    return [p for p in chosen if p]


def _gateway_record_type(vpc: Record, service: ServiceView, params: Params) -> str:
    """service-defined unless asked; another type needs DNS support and hostnames, and DynamoDB has only the
    service's own [aws-behaviour 1.2.13]."""
    given = (params.get("DnsOptions") or {}).get("DnsRecordIpType") or "service-defined"
    if given == "service-defined":
        return given
    attributes = vpc.extra["attributes"]
    if service.short_name == "dynamodb" or given not in ("ipv4", "ipv6", "dualstack"):
        raise InvalidParameter(
            "InvalidParameter", f"DnsRecordIpType {given} is not supported for the Vpc Endpoint Service {service.name}."
        )
    if not (attributes["EnableDnsSupport"] and attributes["EnableDnsHostnames"]):
        raise InvalidParameter(
            "InvalidParameter",
            f"DnsRecordIpType {given} requires the enableDnsSupport and enableDnsHostnames attributes of {vpc.id}.",
        )
    return str(given)


def _route_table_in(call: Call, vpc: Record, rid: str) -> Record:
    table = get(call, "route-table", rid)
    if table.doc["VpcId"] != vpc.id:
        raise InvalidParameter("InvalidParameter", f"The route table {rid} does not belong to the VPC {vpc.id}.")
    return table


def add_endpoint_route(
    call: Call, table: Record, service: ServiceView, endpoint_id: str, lists: list[str] | None = None
) -> None:
    """The route ``pl-... -> vpce-...`` for each of the endpoint's lists (IPv4, and IPv6 when dual-stack) [PLG-GW;
    aws-behaviour 1.2.2]; at most one per service per table (1.2.6)."""
    table = call.tx.find("route-table", table.id) or table
    routes = list(table.doc["Routes"])
    for pl in lists if lists is not None else [service.prefix_list_id]:
        if any(r.get("DestinationPrefixListId") == pl for r in routes):
            # Code: aws-behaviour E8 reports RouteAlreadyExists for this case [UNCERTAIN there]; vpcsim follows it.
            raise ApiError(
                "RouteAlreadyExists", f"The route table {table.id} already has a route to {pl} ({service.name})."
            )
        routes.append({"DestinationPrefixListId": pl, "GatewayId": endpoint_id, "Origin": "CreateRoute"})
    call.tx.put(table.with_doc(Routes=routes))


def remove_endpoint_route(call: Call, table_id: str, endpoint_id: str) -> None:
    table = call.tx.find("route-table", table_id)
    if table is not None:
        kept = [r for r in table.doc["Routes"] if r.get("GatewayId") != endpoint_id]
        call.tx.put(table.with_doc(Routes=kept))


# -- interface endpoints ----------------------------------------------------------------------------------------------
def _create_gwlb(call: Call, vpc: Record, service: ServiceView, params: Params) -> Record:
    check_interface_quota(call, vpc)
    subnet_ids = params.get("SubnetIds") or []
    if len(subnet_ids) != 1:
        raise InvalidParameter("InvalidParameter", "A Gateway Load Balancer endpoint takes exactly one subnet.")
    subnet = endpoint_interfaces.subnet_for(call, vpc, service, subnet_ids[0])
    eid = call.new_id("vpce", "vpc-endpoint")
    eni = interfaces.create_interface(
        call,
        subnet,
        description=f"VPC Endpoint Interface {eid}",
        interface_type="gateway_load_balancer_endpoint",
        groups=[],
        requester_managed=True,
    )
    state = "pendingAcceptance" if service.acceptance_required else "pending"
    doc = base_doc(call, eid, "GatewayLoadBalancer", vpc, service, state)
    ip_type = "ipv6" if subnet.doc.get("Ipv6Native") else "ipv4"
    doc.update({"SubnetIds": [subnet.id], "NetworkInterfaceIds": [eni.id], "IpAddressType": ip_type})
    return new_record(call, vpc, doc, params, dns=[])


# -- describe, settle -------------------------------------------------------------------------------------------------
def settle(call: Call, endpoint: Record) -> Record:
    """The endpoint as a reader sees it now: ``pending`` until its provisioning is over (core/lifecycle.py)."""
    return lifecycle.seen(call, endpoint)


LISTING = Listing(
    kind="vpc-endpoint",
    page_member="VpcEndpoints",
    ids_member="VpcEndpointIds",
    parent_filter="vpc-id",
    max_results=(1, 1000),
    filters={
        "ip-address-type": member("IpAddressType"),
        "service-name": member("ServiceName"),
        "service-region": member("ServiceRegion"),
        "vpc-id": member("VpcId"),
        "vpc-endpoint-id": member("VpcEndpointId"),
        "vpc-endpoint-state": member("State"),
        "vpc-endpoint-type": member("VpcEndpointType"),
    },
    settle=settle,
)


def describe_vpc_endpoints(call: Call, params: Params) -> Result:
    return LISTING.run(call, params)


# -- delete -----------------------------------------------------------------------------------------------------------
def delete_vpc_endpoints(call: Call, params: Params) -> Result:
    """Each id is deleted or reported in Unsuccessful; one bad id does not stop the others [EC2API; EC2ERR]."""
    return {
        "Unsuccessful": each(
            params["VpcEndpointIds"], lambda eid: delete_endpoint(call, get(call, "vpc-endpoint", eid))
        )
    }


def delete_endpoint(call: Call, endpoint: Record) -> None:
    doc = endpoint.doc
    if doc["VpcEndpointType"] == "GatewayLoadBalancer":
        _refuse_if_routed(call, endpoint)
    if doc["VpcEndpointType"] == "Gateway":
        _refuse_if_inbound_only_depends(call, endpoint)
    provider = call.tx.find("vpc-endpoint-service", endpoint.extra.get("service_id") or "")
    if provider is not None:
        connections.fire(call, provider, endpoint, "Delete")
    for table_id in doc.get("RouteTableIds") or []:
        remove_endpoint_route(call, table_id, endpoint.id)
    for eni_id in doc.get("NetworkInterfaceIds") or []:
        eni = call.tx.find("network-interface", eni_id)
        if eni is not None:
            interfaces.delete_interface(call, eni)
    call.tx.delete("vpc-endpoint", endpoint.id)


def _refuse_if_inbound_only_depends(call: Call, gateway: Record) -> None:
    """An S3 interface endpoint with PrivateDnsOnlyForInboundResolverEndpoint needs the VPC's gateway endpoint for the
    service; AWS refuses to delete the gateway endpoint first [aws-behaviour 1.3.15; real error text, GH
    cloudposse/terraform-aws-vpc#153]."""
    for other in call.tx.children("vpc-endpoint", gateway.parent or ""):
        options = other.doc.get("DnsOptions") or {}
        if (
            other.doc["VpcEndpointType"] == "Interface"
            and other.doc["ServiceName"] == gateway.doc["ServiceName"]
            and options.get("PrivateDnsOnlyForInboundResolverEndpoint")
        ):
            raise InvalidParameter(
                "InvalidParameter",
                f"Gateway endpoint cannot be deleted while Interface endpoint {other.id} for the service has "
                "PrivateDnsOnlyForInboundResolverEndpoint set to true.",
            )


def _refuse_if_routed(call: Call, endpoint: Record) -> None:
    """A GWLB endpoint cannot be deleted while routes point to it [aws-behaviour 1.4.3]."""
    for table in call.tx.children("route-table", endpoint.parent or ""):
        if any(r.get("VpcEndpointId") == endpoint.id or r.get("GatewayId") == endpoint.id for r in table.doc["Routes"]):
            raise ApiError(
                "DependencyViolation",
                f"The Gateway Load Balancer endpoint {endpoint.id} is the target of a route in {table.id}; "
                "delete the route first.",
            )


__all__ = [
    "LISTING",
    "add_endpoint_route",
    "delete_endpoint",
    "gateway_ip_type",
    "gateway_prefix_lists",
    "remove_endpoint_route",
    "settle",
]
