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
from vpcsim.control.core.call import Call, Params, Result
from vpcsim.control.core.describe import Listing, each, member, present
from vpcsim.control.core.lookup import get
from vpcsim.control.endpoints import interfaces as endpoint_interfaces
from vpcsim.control.endpoints.records import (
    GATEWAY_ENDPOINTS_PER_REGION,
    base_doc,
    check_interface_quota,
    new_record,
    policy_for,
)
from vpcsim.control.endpoints.services import ServiceView, get_service
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
    shown = present(endpoint)
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
    if (
        sum(1 for e in call.scan("vpc-endpoint") if e.doc["VpcEndpointType"] == "Gateway")
        >= GATEWAY_ENDPOINTS_PER_REGION
    ):
        raise LimitExceeded(
            "VpcEndpointLimitExceeded",
            f"The maximum number of gateway endpoints in a region ({GATEWAY_ENDPOINTS_PER_REGION}) has been reached.",
        )
    eid = call.new_id("vpce", "vpc-endpoint")
    tables = [_route_table_in(call, vpc, rid) for rid in dict.fromkeys(params.get("RouteTableIds") or [])]
    for table in tables:
        add_endpoint_route(call, table, service, eid)
    doc = base_doc(call, eid, "Gateway", vpc, service, "available")
    doc.update(
        {
            "PolicyDocument": policy_for("Gateway", service, params),
            "RouteTableIds": [t.id for t in tables],
            "SubnetIds": [],
            "Groups": [],
            "IpAddressType": params.get("IpAddressType") or "ipv4",
            "DnsOptions": {"DnsRecordIpType": "service-defined"},
            "PrivateDnsEnabled": False,
            "NetworkInterfaceIds": [],
            "DnsEntries": [],
        }
    )
    return new_record(
        call, vpc, {k: v for k, v in doc.items() if v is not None}, params, prefix_list_id=service.prefix_list_id
    )


def _route_table_in(call: Call, vpc: Record, rid: str) -> Record:
    table = get(call, "route-table", rid)
    if table.doc["VpcId"] != vpc.id:
        raise InvalidParameter("InvalidParameter", f"The route table {rid} does not belong to the VPC {vpc.id}.")
    return table


def add_endpoint_route(call: Call, table: Record, service: ServiceView, endpoint_id: str) -> None:
    """The route ``pl-... -> vpce-...`` [PLG-GW; aws-behaviour 1.2.2]; at most one per service per table (1.2.6)."""
    table = call.tx.find("route-table", table.id) or table
    pl = service.prefix_list_id
    if any(r.get("DestinationPrefixListId") == pl for r in table.doc["Routes"]):
        # Code: aws-behaviour E8 reports RouteAlreadyExists for this case [UNCERTAIN there]; vpcsim follows it.
        raise ApiError(
            "RouteAlreadyExists", f"The route table {table.id} already has a route to {pl} ({service.name})."
        )
    route = {"DestinationPrefixListId": pl, "GatewayId": endpoint_id, "Origin": "CreateRoute", "State": "active"}
    call.tx.put(table.with_doc(Routes=[*table.doc["Routes"], route]))


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
    doc.update({"SubnetIds": [subnet.id], "NetworkInterfaceIds": [eni.id], "IpAddressType": "ipv4"})
    return new_record(call, vpc, doc, params, dns=[])


# -- describe, settle -------------------------------------------------------------------------------------------------
def settle(call: Call, endpoint: Record) -> Record:
    """An endpoint left ``pending`` by a create or modify becomes ``available`` when next read."""
    if endpoint.doc["State"] == "pending" and endpoint.extra.get("pending_since") != call.request_id:
        return call.tx.put(endpoint.with_doc(State="available"))
    return endpoint


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
    provider = call.tx.find("vpc-endpoint-service", endpoint.extra.get("service_id") or "")
    if provider is not None:
        from vpcsim.control.privatelink import connections

        connections.fire(call, provider, endpoint, "Delete")
    if doc["VpcEndpointType"] == "GatewayLoadBalancer":
        _refuse_if_routed(call, endpoint)
    for table_id in doc.get("RouteTableIds") or []:
        remove_endpoint_route(call, table_id, endpoint.id)
    for eni_id in doc.get("NetworkInterfaceIds") or []:
        eni = call.tx.find("network-interface", eni_id)
        if eni is not None:
            interfaces.delete_interface(call, eni)
    call.tx.delete("vpc-endpoint", endpoint.id)


def _refuse_if_routed(call: Call, endpoint: Record) -> None:
    """A GWLB endpoint cannot be deleted while routes point to it [aws-behaviour 1.4.3]."""
    for table in call.tx.children("route-table", endpoint.parent or ""):
        if any(r.get("VpcEndpointId") == endpoint.id or r.get("GatewayId") == endpoint.id for r in table.doc["Routes"]):
            raise ApiError(
                "DependencyViolation",
                f"The Gateway Load Balancer endpoint {endpoint.id} is the target of a route in {table.id}; "
                "delete the route first.",
            )


__all__ = ["LISTING", "add_endpoint_route", "delete_endpoint", "remove_endpoint_route", "settle"]
