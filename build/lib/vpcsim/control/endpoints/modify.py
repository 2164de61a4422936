"""ModifyVpcEndpoint: route tables (gateway), subnets and security groups (interface), policy, private DNS, DNS
options and IP address type. The whole change applies or none of it; an interface endpoint goes back to
``pending`` while it changes [PLG concepts, aws-behaviour 2.1.2]."""

from __future__ import annotations

from typing import Any

from vpcsim.control.core.call import Call, Params, Result
from vpcsim.control.core.lookup import get
from vpcsim.control.endpoints import interfaces as eif
from vpcsim.control.endpoints.endpoints import add_endpoint_route, remove_endpoint_route
from vpcsim.control.endpoints.policy import check_policy, default_policy
from vpcsim.control.endpoints.services import ServiceView, get_service
from vpcsim.errors import InvalidParameter
from vpcsim.model import Record

_GATEWAY_ONLY = ("AddRouteTableIds", "RemoveRouteTableIds")
_INTERFACE_ONLY = (
    "AddSecurityGroupIds",
    "RemoveSecurityGroupIds",
    "RemoveSubnetIds",
    "PrivateDnsEnabled",
    "DnsOptions",
)


def modify_vpc_endpoint(call: Call, params: Params) -> Result:
    endpoint = get(call, "vpc-endpoint", params["VpcEndpointId"])
    kind = endpoint.doc["VpcEndpointType"]
    _check_members(kind, params)
    service = get_service(call, endpoint.doc["ServiceName"], kind)
    vpc = get(call, "vpc", endpoint.doc["VpcId"])
    if kind == "Gateway":
        endpoint = _modify_route_tables(call, endpoint, service, params)
    else:
        endpoint = _modify_interface(call, endpoint, vpc, service, params)
    endpoint = _modify_policy(call, endpoint, kind, service, params)
    if kind != "Gateway" and endpoint.doc["State"] == "available":
        endpoint = endpoint.with_doc(State="pending").with_extra(pending_since=call.request_id)
    call.tx.put(endpoint)
    return {"Return": True}


def _check_members(kind: str, params: Params) -> None:
    given = [name for name in (*_GATEWAY_ONLY, *_INTERFACE_ONLY, "AddSubnetIds") if params.get(name) is not None]
    if kind == "Gateway" and any(n in _INTERFACE_ONLY or n == "AddSubnetIds" for n in given):
        raise InvalidParameter(
            "InvalidParameter",
            "Subnet IDs are only supported for Interface and GatewayLoadBalancer type VPC Endpoints.",
        )
    if kind != "Gateway" and any(n in _GATEWAY_ONLY for n in given):
        raise InvalidParameter("InvalidParameter", "Route table IDs are only supported for Gateway type VPC Endpoint.")
    if kind == "GatewayLoadBalancer" and any(n in _INTERFACE_ONLY or n == "AddSubnetIds" for n in given):
        raise InvalidParameter(
            "InvalidParameter", "The subnet of a Gateway Load Balancer endpoint cannot be changed [PLG 1.4.1]."
        )


def _modify_route_tables(call: Call, endpoint: Record, service: ServiceView, params: Params) -> Record:
    current = list(endpoint.doc["RouteTableIds"])
    for rid in params.get("RemoveRouteTableIds") or []:
        get(call, "route-table", rid)
        if rid in current:
            remove_endpoint_route(call, rid, endpoint.id)
            current.remove(rid)
    for rid in dict.fromkeys(params.get("AddRouteTableIds") or []):
        table = get(call, "route-table", rid)
        if table.doc["VpcId"] != endpoint.doc["VpcId"]:
            raise InvalidParameter(
                "InvalidParameter", f"The route table {rid} does not belong to {endpoint.doc['VpcId']}."
            )
        if rid not in current:
            add_endpoint_route(call, table, service, endpoint.id)
            current.append(rid)
    return endpoint.with_doc(RouteTableIds=current)


def _modify_interface(call: Call, endpoint: Record, vpc: Record, service: ServiceView, params: Params) -> Record:
    endpoint = _modify_subnets(call, endpoint, vpc, service, params)
    endpoint = _modify_groups(call, endpoint, vpc, params)
    if params.get("PrivateDnsEnabled") is not None:
        if params["PrivateDnsEnabled"]:
            eif.check_private_dns(call, vpc, service, endpoint.id)
        endpoint = endpoint.with_doc(PrivateDnsEnabled=params["PrivateDnsEnabled"])
    if params.get("DnsOptions"):
        options = {**endpoint.doc.get("DnsOptions", {}), **params["DnsOptions"]}
        endpoint = endpoint.with_doc(DnsOptions=options)
    call.tx.put(endpoint)
    return eif.refresh_dns(call, endpoint)


def _modify_subnets(call: Call, endpoint: Record, vpc: Record, service: ServiceView, params: Params) -> Record:
    remove = params.get("RemoveSubnetIds") or []
    eif.not_in_endpoint(endpoint, remove)
    kept_subnets = [s for s in endpoint.doc["SubnetIds"] if s not in remove]
    kept_enis = eif.remove_interfaces(call, endpoint, remove)
    taken = [get(call, "subnet", s).doc["AvailabilityZone"] for s in kept_subnets]
    added = eif.subnets_for(
        call, vpc, service, [s for s in params.get("AddSubnetIds") or [] if s not in kept_subnets], taken
    )
    new_enis = eif.add_interfaces(call, endpoint, added)
    return endpoint.with_doc(SubnetIds=kept_subnets + [s.id for s in added], NetworkInterfaceIds=kept_enis + new_enis)


def _modify_groups(call: Call, endpoint: Record, vpc: Record, params: Params) -> Record:
    add, remove = params.get("AddSecurityGroupIds") or [], params.get("RemoveSecurityGroupIds") or []
    if not add and not remove:
        return endpoint
    ids = [g["GroupId"] for g in endpoint.doc["Groups"] if g["GroupId"] not in remove] + add
    if not ids:
        raise InvalidParameter("InvalidParameter", "An interface endpoint needs at least one security group.")
    groups = eif.groups_for(call, vpc, ids)
    shown = [{"GroupId": g.id, "GroupName": g.doc["GroupName"]} for g in groups]
    for eni_id in endpoint.doc["NetworkInterfaceIds"]:
        eni = call.tx.find("network-interface", eni_id)
        if eni is not None:
            call.tx.put(eni.with_doc(Groups=shown))
    return endpoint.with_doc(Groups=shown)


def _modify_policy(call: Call, endpoint: Record, kind: str, service: ServiceView, params: Params) -> Record:
    if params.get("ResetPolicy") and params.get("PolicyDocument") is not None:
        raise InvalidParameter("InvalidParameterCombination", "Specify either PolicyDocument or ResetPolicy, not both.")
    document: Any = None
    if params.get("PolicyDocument") is not None:
        document = check_policy(params["PolicyDocument"])
    elif params.get("ResetPolicy"):
        document = default_policy(kind)
    if document is None or not service.policy_supported:
        return endpoint
    return endpoint.with_doc(PolicyDocument=document)
