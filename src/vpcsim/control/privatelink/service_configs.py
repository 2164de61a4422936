"""Endpoint service configurations: a provider publishes a service behind NLBs or GWLBs (aws-behaviour section 3).

A configuration is a record of kind ``vpc-endpoint-service`` (id ``vpce-svc-`` + 17 hex) in the provider's account and
region; its doc is the ``ServiceConfiguration`` AWS describes. Allowed principals live in ``extra["principals"]``.
Consumers' endpoints refer to it by ``extra["service_id"]``; the provider's view of them (connections) is in
``endpoint_connections``.

Facts: exactly one kind of load balancer, at least one [EC2API; GH kubernetes-sigs/aws-load-balancer-controller#1859];
an NLB serves at most one service [PLG]; AZs are the load balancers' AZs [CLIEX]; BaseEndpointDnsNames
``vpce-svc-<id>.<region>.vpce.amazonaws.com`` and none for GWLB services [CLIEX]; ServiceState is PascalCase on the
wire [real_aws_wire_samples]. Named choice: AcceptanceRequired defaults to false when not given (the API leaves it
optional; the console's default is true).
"""

from __future__ import annotations

import re
import string
from typing import Any

from vpcsim.control.core.call import Call, Params, Result
from vpcsim.control.core.describe import Listing, each, member, present
from vpcsim.control.core.lookup import get
from vpcsim.control.core.tags import tags_for
from vpcsim.control.elbv2 import load_balancers
from vpcsim.control.privatelink import service_dns
from vpcsim.errors import ApiError, InvalidParameter, Malformed, NotFound
from vpcsim.model import Record

_LB_ARN = re.compile(r"^arn:aws:elasticloadbalancing:[a-z0-9-]+:\d{12}:loadbalancer/(net|gwy|app)/[^/]+/[0-9a-f]{16}$")
_ARN_MEMBERS = {"network": "NetworkLoadBalancerArns", "gateway": "GatewayLoadBalancerArns"}
_ERROR_PREFIX = {"network": "InvalidNetworkLoadBalancerArn", "gateway": "InvalidGatewayLoadBalancerArn"}

LISTING = Listing(
    kind="vpc-endpoint-service",
    page_member="ServiceConfigurations",
    ids_member="ServiceIds",
    max_results=(5, 1000),
    filters={
        "service-name": member("ServiceName"),
        "service-id": member("ServiceId"),
        "service-state": member("ServiceState"),
        "supported-ip-address-types": member("SupportedIpAddressTypes"),
    },
)


# -- load balancers --------------------------------------------------------------------------------------------------
def _load_balancer(call: Call, arn: str, kind: str) -> Record:
    prefix = _ERROR_PREFIX[kind]
    if not _LB_ARN.match(arn):
        raise Malformed(f"{prefix}.Malformed", f"Invalid load balancer ARN '{arn}'.")
    found = call.tx.find("load-balancer", arn)
    if found is None or (found.account, found.region) != (call.account, call.region.name):
        raise NotFound(f"{prefix}.NotFound", f"The load balancer ARN '{arn}' does not exist")
    found = load_balancers.settle(call, found)
    if found.doc["Type"] != kind:
        raise InvalidParameter("InvalidParameter", f"The load balancer {arn} is not a {kind} load balancer.")
    return found


def _balancers(call: Call, params: Params, add: str = "", service_id: str | None = None) -> tuple[str, list[Record]]:
    """The kind and load balancers named by the (Add)NetworkLoadBalancerArns / (Add)GatewayLoadBalancerArns members."""
    given = {k: params.get(add + m) or [] for k, m in _ARN_MEMBERS.items()}
    kinds = [k for k, arns in given.items() if arns]
    if len(kinds) != 1:
        raise InvalidParameter(
            "InvalidParameter",
            "exactly one of network_load_balancer_arn or gateway_load_balancer_arn is a required member",
        )
    kind = kinds[0]
    balancers = [_load_balancer(call, arn, kind) for arn in dict.fromkeys(given[kind])]
    for lb in balancers:
        _check_unshared(call, lb, service_id)
    return kind, balancers


def _check_unshared(call: Call, lb: Record, service_id: str | None) -> None:
    for other in call.scan("vpc-endpoint-service"):
        arns = other.doc.get("NetworkLoadBalancerArns", []) + other.doc.get("GatewayLoadBalancerArns", [])
        if other.id != service_id and lb.id in arns:
            raise InvalidParameter(
                "InvalidParameter", f"The load balancer {lb.id} is already associated with the service {other.id}."
            )


def _zones(call: Call, balancers: list[Record]) -> dict[str, list[str]]:
    """The service's zones: the provider's names and their (physical) ids, which consumers see under their names."""
    names = sorted({z["ZoneName"] for lb in balancers for z in lb.doc["AvailabilityZones"]})
    ids = sorted(zone.zone_id for n in names if (zone := call.region.find_zone(n)) is not None)
    return {"AvailabilityZones": names, "AvailabilityZoneIds": ids}


# -- create -----------------------------------------------------------------------------------------------------------
def create_vpc_endpoint_service_configuration(call: Call, params: Params) -> Result:
    kind, balancers = _balancers(call, params)
    sid = call.new_id("vpce-svc", "vpc-endpoint-service")
    region = call.region.name
    doc: dict[str, Any] = {
        "ServiceType": [{"ServiceType": "Interface" if kind == "network" else "GatewayLoadBalancer"}],
        "ServiceId": sid,
        "ServiceName": f"com.amazonaws.vpce.{region}.{sid}",
        "ServiceState": "Available",
        **_zones(call, balancers),
        "AcceptanceRequired": bool(params.get("AcceptanceRequired", False)),
        "ManagesVpcEndpoints": False,
        _ARN_MEMBERS[kind]: [lb.id for lb in balancers],
        "SupportedIpAddressTypes": _ip_types(params.get("SupportedIpAddressTypes") or ["ipv4"]),
        "BaseEndpointDnsNames": [f"{sid}.{region}.vpce.amazonaws.com"] if kind == "network" else [],
        "SupportedRegions": [{"Region": r, "ServiceState": "Available"} for r in _regions(call, params, [])],
        "PrivateDnsNameConfiguration": {},
    }
    if params.get("PrivateDnsName"):
        doc.update(service_dns.new_private_name(call, kind, params["PrivateDnsName"]))
    record = call.record("vpc-endpoint-service", sid, doc, None, principals=[])
    record = call.tx.put(record.evolve(tags=tags_for(call, params, "vpc-endpoint-service")))
    result: Result = {"ServiceConfiguration": present(record)}
    if params.get("ClientToken"):
        result["ClientToken"] = params["ClientToken"]
    return result


def _ip_types(types: list[str]) -> list[str]:
    bad = [t for t in types if t not in ("ipv4", "ipv6")]
    if bad or not types:
        raise InvalidParameter("InvalidParameter", f"Supported IP address types are ipv4 and ipv6, not {bad}.")
    return list(dict.fromkeys(types))


def _regions(call: Call, params: Params, current: list[str]) -> list[str]:
    from vpcsim.catalog import REGIONS

    wanted = [call.region.name, *current, *(params.get("SupportedRegions") or params.get("AddSupportedRegions") or [])]
    unknown = [r for r in wanted if r not in REGIONS]
    if unknown:
        raise InvalidParameter("InvalidParameter", f"Unknown region(s) for SupportedRegions: {', '.join(unknown)}.")
    removed = set(params.get("RemoveSupportedRegions") or [])
    if call.region.name in removed:
        raise InvalidParameter(
            "InvalidParameter", "The service's own region cannot be removed from its supported regions."
        )
    return [r for r in dict.fromkeys(wanted) if r not in removed]


# -- describe, delete ------------------------------------------------------------------------------------------------
def describe_vpc_endpoint_service_configurations(call: Call, params: Params) -> Result:
    return LISTING.run(call, params)


def active_connections(call: Call, service_id: str) -> list[Record]:
    """The consumers' endpoints of a service that block its deletion (pendingAcceptance, pending, available)."""
    return [e for e in connections(call, service_id) if e.doc["State"] in ("pendingAcceptance", "pending", "available")]


def connections(call: Call, service_id: str) -> list[Record]:
    return [e for e in call.tx.scan("vpc-endpoint") if e.extra.get("service_id") == service_id]


def delete_vpc_endpoint_service_configurations(call: Call, params: Params) -> Result:
    return {"Unsuccessful": each(params["ServiceIds"], lambda sid: _delete_service(call, sid))}


def _delete_service(call: Call, sid: str) -> None:
    service = get(call, "vpc-endpoint-service", sid)
    if active_connections(call, sid):
        raise ApiError(
            "ExistingVpcEndpointConnections",
            f"Service {sid} has existing VPC endpoint connections; reject or delete them first.",
        )
    call.tx.delete("vpc-endpoint-service", service.id)


# -- modify ----------------------------------------------------------------------------------------------------------
def modify_vpc_endpoint_service_configuration(call: Call, params: Params) -> Result:
    service = get(call, "vpc-endpoint-service", params["ServiceId"])
    doc = service.mutable_doc()
    if params.get("AcceptanceRequired") is not None:
        doc["AcceptanceRequired"] = params["AcceptanceRequired"]
    _modify_balancers(call, service, doc, params)
    _modify_ip_types(doc, params)
    current = [r["Region"] for r in doc.get("SupportedRegions", [])]
    doc["SupportedRegions"] = [{"Region": r, "ServiceState": "Available"} for r in _regions(call, params, current)]
    kind = "network" if doc.get("NetworkLoadBalancerArns") else "gateway"
    if params.get("RemovePrivateDnsName"):
        doc.pop("PrivateDnsName", None)
        doc["PrivateDnsNameConfiguration"] = {}
    elif params.get("PrivateDnsName"):
        doc.update(service_dns.new_private_name(call, kind, params["PrivateDnsName"]))
    call.tx.put(service.evolve(doc=doc))
    return {"Return": True}


def _modify_balancers(call: Call, service: Record, doc: dict[str, Any], params: Params) -> None:
    added = any(params.get("Add" + m) for m in _ARN_MEMBERS.values())
    kind_now = "network" if doc.get("NetworkLoadBalancerArns") else "gateway"
    member_now = _ARN_MEMBERS[kind_now]
    arns = list(doc.get(member_now, []))
    if added:
        kind, balancers = _balancers(call, params, "Add", service.id)
        if kind != kind_now:
            raise InvalidParameter("InvalidParameter", "A service cannot mix network and gateway load balancers.")
        arns += [lb.id for lb in balancers if lb.id not in arns]
    removed = [a for a in params.get("Remove" + member_now) or [] if a in arns]
    if removed and active_connections(call, service.id):
        raise ApiError(
            "ExistingVpcEndpointConnections", "Load balancers cannot be removed while endpoints are connected."
        )
    arns = [a for a in arns if a not in removed]
    if not arns:
        raise InvalidParameter("InvalidParameter", "An endpoint service needs at least one load balancer.")
    doc[member_now] = arns
    doc.update(_zones(call, [_load_balancer(call, a, kind_now) for a in arns]))


def _modify_ip_types(doc: dict[str, Any], params: Params) -> None:
    types = [*doc["SupportedIpAddressTypes"], *(params.get("AddSupportedIpAddressTypes") or [])]
    types = [t for t in types if t not in (params.get("RemoveSupportedIpAddressTypes") or [])]
    doc["SupportedIpAddressTypes"] = _ip_types(types)


def modify_vpc_endpoint_service_payer_responsibility(call: Call, params: Params) -> Result:
    """The provider may take over the endpoint charges; there is no way back [EC2API; aws-behaviour 3.12]."""
    service = get(call, "vpc-endpoint-service", params["ServiceId"])
    call.tx.put(service.with_doc(PayerResponsibility=params["PayerResponsibility"]))
    return {"ReturnValue": True}


_ALNUM = string.ascii_letters + string.digits
