"""Changing a load balancer: its attributes, SetSubnets, SetSecurityGroups, SetIpAddressType.

Attributes are stored as the overrides a user made (``extra["attributes"]``) over the defaults of the load balancer's
type, so a describe always shows the full set. SetSubnets adds and removes nodes (network interfaces) through
``load_balancers.add_node``/``remove_node`` in the same transaction; SetSecurityGroups changes the nodes' groups too.

Facts [ELBv2 API LoadBalancerAttribute, SetSecurityGroups, SetIpAddressType; real dump LoadBalancerAttributes.json]:
NLB defaults ``access_logs.s3.enabled false``, ``access_logs.s3.bucket ""``, ``access_logs.s3.prefix ""``,
``deletion_protection.enabled false``, ``load_balancing.cross_zone.enabled false``; GWLBs have deletion protection
and cross-zone only; a GWLB takes no security groups, and an NLB created without security groups cannot get any
later. Choice [vpcsim]: an NLB may add and remove subnets (as current AWS allows); an emptied group list is refused.
"""

from __future__ import annotations

from typing import Any

from vpcsim.control.compute import interfaces
from vpcsim.control.core.call import Call, Params, Result
from vpcsim.control.elbv2.load_balancers import (
    add_node,
    check_scheme,
    get_load_balancer,
    remove_node,
    resolve_subnets,
    security_groups,
    subnet_mappings,
)
from vpcsim.control.elbv2.records import configuration, validation
from vpcsim.control.elbv2.target_groups import check_attribute
from vpcsim.errors import ApiError
from vpcsim.model import Record

_GATEWAY_DEFAULTS = {"deletion_protection.enabled": "false", "load_balancing.cross_zone.enabled": "false"}
_NETWORK_DEFAULTS = {
    "access_logs.s3.enabled": "false",
    "access_logs.s3.bucket": "",
    "access_logs.s3.prefix": "",
    **_GATEWAY_DEFAULTS,
    "dns_record.client_routing_policy": "any_availability_zone",
    "zonal_shift.config.enabled": "false",
}
_ROUTING_POLICIES = ("availability_zone_affinity", "partial_availability_zone_affinity", "any_availability_zone")


# -- attributes ------------------------------------------------------------------------------------------------------
def _defaults(lb: Record) -> dict[str, str]:
    return dict(_NETWORK_DEFAULTS if lb.doc["Type"] == "network" else _GATEWAY_DEFAULTS)


def attributes_of(lb: Record) -> dict[str, str]:
    return {**_defaults(lb), **lb.extra.get("attributes", {})}


def _shown(lb: Record) -> Result:
    return {"Attributes": [{"Key": k, "Value": v} for k, v in attributes_of(lb).items()]}


def describe_load_balancer_attributes(call: Call, params: Params) -> Result:
    return _shown(get_load_balancer(call, params["LoadBalancerArn"]))


def modify_load_balancer_attributes(call: Call, params: Params) -> Result:
    lb = get_load_balancer(call, params["LoadBalancerArn"])
    changes = {a["Key"]: str(a.get("Value") or "") for a in params["Attributes"]}
    known = _defaults(lb)
    for key, value in changes.items():
        check_attribute(known, key, value, "Load balancer")
    policy = changes.get("dns_record.client_routing_policy")
    if policy is not None and policy not in _ROUTING_POLICIES:
        raise validation(f"dns_record.client_routing_policy must be one of {', '.join(_ROUTING_POLICIES)}")
    merged = {**lb.extra.get("attributes", {}), **changes}
    if merged.get("access_logs.s3.enabled") == "true" and not merged.get("access_logs.s3.bucket"):
        raise configuration("The value of 'access_logs.s3.bucket' cannot be empty when access logs are enabled")
    return _shown(call.tx.put(lb.with_extra(attributes=merged)))


# -- SetSubnets ------------------------------------------------------------------------------------------------------
def set_subnets(call: Call, params: Params) -> Result:
    lb = get_load_balancer(call, params["LoadBalancerArn"])
    mappings = subnet_mappings(params)
    subnets = resolve_subnets(call, mappings)
    if any(s.parent != lb.doc["VpcId"] for s in subnets):
        raise ApiError("InvalidSubnet", f"The subnets must belong to the VPC of the load balancer, {lb.doc['VpcId']}")
    if lb.doc.get("Scheme"):
        check_scheme(call, lb.doc["VpcId"], lb.doc["Scheme"])
    zones, owned = _replace_nodes(call, lb, subnets, mappings)
    ip_type = params.get("IpAddressType") or lb.doc["IpAddressType"]
    lb = call.tx.put(lb.with_doc(AvailabilityZones=zones, IpAddressType=ip_type).with_extra(interfaces=owned))
    return {"AvailabilityZones": zones, "IpAddressType": ip_type}


def _replace_nodes(
    call: Call, lb: Record, subnets: list[Record], mappings: list[dict[str, Any]]
) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """Keep the nodes of subnets still named, remove the others, add new ones; the zones and interfaces after."""
    current = {z["SubnetId"]: z for z in lb.doc["AvailabilityZones"]}
    owned: dict[str, str] = dict(lb.extra.get("interfaces", {}))
    wanted = {s.id for s in subnets}
    for subnet_id, zone in current.items():
        if subnet_id not in wanted:
            remove_node(call, owned.pop(zone["ZoneName"]))
    groups = [g for g in (call.tx.find("security-group", gid) for gid in lb.doc.get("SecurityGroups") or []) if g]
    zones = []
    for subnet, mapping in zip(subnets, mappings, strict=True):
        if subnet.id in current:
            zones.append(current[subnet.id])
            continue
        entry, eni_id = add_node(call, lb.doc, subnet, mapping, groups)
        zones.append(entry)
        owned[entry["ZoneName"]] = eni_id
    return zones, owned


# -- SetSecurityGroups, SetIpAddressType -----------------------------------------------------------------------------
def set_security_groups(call: Call, params: Params) -> Result:
    lb = get_load_balancer(call, params["LoadBalancerArn"])
    if lb.doc["Type"] == "gateway":
        raise configuration("Security groups cannot be associated with a Gateway Load Balancer")
    if not lb.doc.get("SecurityGroups"):
        raise configuration(
            "You cannot set security groups on a Network Load Balancer which was created without any security groups"
        )
    if not params["SecurityGroups"]:
        raise configuration("A Network Load Balancer created with security groups must keep at least one")
    groups = security_groups(call, lb.doc["VpcId"], params["SecurityGroups"])
    enforce = (
        params.get("EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic")
        or lb.doc["EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic"]
    )
    for eni_id in lb.extra.get("interfaces", {}).values():
        eni = call.tx.find("network-interface", eni_id)
        if eni is not None:
            call.tx.put(eni.with_doc(Groups=interfaces.group_list(groups)))
    ids = [g.id for g in groups]
    call.tx.put(lb.with_doc(SecurityGroups=ids, EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic=enforce))
    return {"SecurityGroupIds": ids, "EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic": enforce}


def set_ip_address_type(call: Call, params: Params) -> Result:
    lb = get_load_balancer(call, params["LoadBalancerArn"])
    ip_type = params["IpAddressType"]
    if ip_type not in ("ipv4", "dualstack"):
        raise validation(f"IP address type '{ip_type}' is not supported by {lb.doc['Type']} load balancers")
    if ip_type == "dualstack":
        for zone in lb.doc["AvailabilityZones"]:
            subnet = call.tx.find("subnet", zone["SubnetId"])
            if subnet is None or not subnet.doc.get("Ipv6CidrBlockAssociationSet"):
                raise ApiError("InvalidSubnet", f"The subnet '{zone['SubnetId']}' has no IPv6 CIDR block")
    call.tx.put(lb.with_doc(IpAddressType=ip_type))
    return {"IpAddressType": ip_type}


__all__ = ["attributes_of"]
