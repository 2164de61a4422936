"""Resolver endpoints: a requester-managed network interface per IP address, in subnets of one VPC, behind security
groups; inbound endpoints take queries from outside the VPC, outbound ones forward the VPC's queries.

Facts [Route 53 Resolver API CreateResolverEndpoint; Route 53 DG "Resolving DNS queries between VPCs and your
network"]: 2 to 20 IP addresses (the model's minimum; AWS recommends two AZs), each in a subnet of the same VPC, at
most one per subnet address; security groups of that VPC; CreatorRequestId makes a retry return the same endpoint;
the endpoint answers CREATING and is OPERATIONAL once its interfaces are attached; an outbound endpoint that a rule
uses cannot be deleted (``ResourceInUseException``).
"""

from __future__ import annotations

from typing import Any

from vpcsim.control.compute import interfaces
from vpcsim.control.core.call import Call, Params, Result
from vpcsim.control.core.lookup import get as get_ec2
from vpcsim.control.resolver.common import ENDPOINT, RULE, arn, get, invalid, listed, new_id, stamp, tags_of
from vpcsim.control.security import groups as security_groups
from vpcsim.errors import ApiError
from vpcsim.model import Record

_DIRECTIONS = {"INBOUND": "rslvr-in", "OUTBOUND": "rslvr-out", "INBOUND_DELEGATION": "rslvr-in"}
_FILTERS = {
    "Direction": "Direction",
    "HostVPCId": "HostVPCId",
    "Name": "Name",
    "Status": "Status",
    "CreatorRequestId": "CreatorRequestId",
    "ResolverEndpointType": "ResolverEndpointType",
}


def create_resolver_endpoint(call: Call, params: Params) -> Result:
    earlier = call.earlier(ENDPOINT, params["CreatorRequestId"])
    if earlier is not None:
        return {"ResolverEndpoint": _shown(call, earlier)}
    direction = params["Direction"]
    if direction not in _DIRECTIONS:
        raise invalid(f"Direction '{direction}' is not valid: INBOUND, OUTBOUND or INBOUND_DELEGATION.")
    subnets = [get_ec2(call, "subnet", a["SubnetId"]) for a in params["IpAddresses"]]
    vpc_id = subnets[0].parent or ""
    if any(s.parent != vpc_id for s in subnets):
        raise invalid("All IP addresses of a Resolver endpoint must be in subnets of the same VPC.")
    groups = security_groups.security_groups_for(call, params["SecurityGroupIds"], vpc_id)
    rid = new_id(call, _DIRECTIONS[direction], ENDPOINT)
    wanted = [a.get("Ip") for a in params["IpAddresses"]]
    addresses = [_address(call, rid, s, ip, groups) for s, ip in zip(subnets, wanted, strict=True)]
    doc = {
        "Id": rid,
        "CreatorRequestId": params["CreatorRequestId"],
        "Arn": arn(call, ENDPOINT, rid),
        "Name": params.get("Name") or "",
        "SecurityGroupIds": [g.id for g in groups],
        "Direction": direction,
        "IpAddressCount": len(addresses),
        "HostVPCId": vpc_id,
        "Status": "OPERATIONAL",
        "StatusMessage": "This Resolver Endpoint is operational.",
        "ResolverEndpointType": params.get("ResolverEndpointType") or "IPV4",
        "Protocols": params.get("Protocols") or ["Do53"],
        **stamp(call),
    }
    record = call.record(ENDPOINT, rid, doc, vpc_id, addresses=addresses, created_by=call.request_id)
    call.tx.put(record.evolve(tags=tags_of(params)))
    call.remember(ENDPOINT, params["CreatorRequestId"], rid)
    return {"ResolverEndpoint": {**doc, "Status": "CREATING", "StatusMessage": "Creating the Resolver Endpoint"}}


def _address(call: Call, endpoint_id: str, subnet: Record, wanted: str | None, groups: list[Record]) -> dict[str, Any]:
    eni = interfaces.create_interface(
        call,
        subnet,
        description=f"Route 53 Resolver: {endpoint_id}",
        groups=groups,
        private_ip=wanted,
        requester_id="AROAJGMNOKOYXRFIWZWZ6:route53resolver",  # vpcsim's stand-in for the service's role
        requester_managed=True,
    )
    return {
        "IpId": call.ids.new("rni"),
        "SubnetId": subnet.id,
        "Ip": eni.doc["PrivateIpAddress"],
        "Status": "ATTACHED",
        "StatusMessage": "This IP address is operational.",
        "NetworkInterfaceId": eni.id,
        **stamp(call),
    }


def _shown(call: Call, endpoint: Record) -> dict[str, Any]:
    """The endpoint as a reader sees it: CREATING only inside the call that created it."""
    if endpoint.extra.get("created_by") == call.request_id:
        return {**endpoint.doc, "Status": "CREATING", "StatusMessage": "Creating the Resolver Endpoint"}
    return dict(endpoint.doc)


def endpoint_addresses(endpoint: Record) -> list[dict[str, Any]]:
    return list(endpoint.extra.get("addresses", []))


def get_resolver_endpoint(call: Call, params: Params) -> Result:
    endpoint = get(call, ENDPOINT, params["ResolverEndpointId"], "Resolver endpoint")
    return {"ResolverEndpoint": _shown(call, endpoint)}


def list_resolver_endpoints(call: Call, params: Params) -> Result:
    shown = [r.evolve(doc=_shown(call, r)) for r in call.scan(ENDPOINT)]
    return listed(shown, params, "ResolverEndpoints", _FILTERS)


def list_resolver_endpoint_ip_addresses(call: Call, params: Params) -> Result:
    endpoint = get(call, ENDPOINT, params["ResolverEndpointId"], "Resolver endpoint")
    public = [{k: v for k, v in a.items() if k != "NetworkInterfaceId"} for a in endpoint_addresses(endpoint)]
    return {"IpAddresses": public, "MaxResults": int(params.get("MaxResults") or 100)}


def update_resolver_endpoint(call: Call, params: Params) -> Result:
    endpoint = get(call, ENDPOINT, params["ResolverEndpointId"], "Resolver endpoint")
    changes = {k: params[k] for k in ("Name", "ResolverEndpointType", "Protocols") if params.get(k) is not None}
    updated = call.tx.put(endpoint.with_doc(**changes, ModificationTime=stamp(call)["ModificationTime"]))
    return {"ResolverEndpoint": _shown(call, updated)}


def delete_resolver_endpoint(call: Call, params: Params) -> Result:
    endpoint = get(call, ENDPOINT, params["ResolverEndpointId"], "Resolver endpoint")
    users = [r.id for r in call.scan(RULE) if r.doc.get("ResolverEndpointId") == endpoint.id]
    if users:
        raise ApiError(
            "ResourceInUseException",
            f"Cannot delete resolver endpoint {endpoint.id}: it is used by resolver rule(s) {', '.join(users)}.",
        )
    for address in endpoint_addresses(endpoint):
        eni = call.tx.find("network-interface", address["NetworkInterfaceId"])
        if eni is not None:
            interfaces.delete_interface(call, eni)
    call.tx.delete(ENDPOINT, endpoint.id)
    return {"ResolverEndpoint": {**endpoint.doc, "Status": "DELETING", "StatusMessage": "Deleting the endpoint"}}
