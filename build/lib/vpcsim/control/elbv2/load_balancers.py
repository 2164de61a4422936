"""Network and Gateway Load Balancers: CreateLoadBalancer, DescribeLoadBalancers, DeleteLoadBalancer.

A load balancer is a ``load-balancer`` record (id: its ARN, parent: its VPC) whose doc is ELBv2's ``LoadBalancer``
shape. Each enabled subnet holds one node: a requester-managed network interface made by
``interfaces.create_interface`` in the same transaction (``InterfaceType`` ``network_load_balancer`` or
``gateway_load_balancer``, description ``ELB net/<name>/<hex16>`` as AWS writes it, no source/dest check), listed in
``extra["interfaces"]`` as ``{zone name: eni id}`` and removed with the load balancer. An internet-facing NLB node
gets an AWS public address, or the Elastic IP its subnet mapping names.

Facts: ARN ``...:loadbalancer/net|gwy/<name>/<16 hex>``; NLB DNSName ``<name>-<16 hex>.elb.<region>.amazonaws.com``
for both schemes (real dump: an internal NLB has no ``internal-`` prefix); GWLBs show no DNSName, Scheme,
CanonicalHostedZoneId or SecurityGroups [awscli example create-load-balancer]; ``LoadBalancerAddresses`` is empty
unless a subnet mapping names an Elastic IP or a private address [real dump LoadBalancers.json; awscli example];
one subnet per AZ (real text, GH coldbrewcloud/coldbrew-cli#44); internet-facing needs an internet gateway (real
text, GH openshift/installer#1110); DeleteLoadBalancer succeeds for a load balancer that does not exist [ELBv2 API].

Choices [vpcsim]: ``Type`` ``application`` (the API default) is refused with ``InvalidConfigurationRequest`` (a code
CreateLoadBalancer models, so SDKs map it) because vpcsim emulates NLBs and GWLBs only; GWLBs show ``IpAddressType``
(they support ipv4 and dualstack); subnets of two VPCs are ``InvalidConfigurationRequest``. Lifecycle as for
endpoints: ``provisioning`` in the create answer, ``active`` at the next call that reads it.
"""

from __future__ import annotations

from typing import Any

from vpcsim.control.compute import interfaces
from vpcsim.control.core import lookup
from vpcsim.control.core.call import Call, Params, Result
from vpcsim.control.elbv2 import records, target_groups
from vpcsim.control.elbv2.records import configuration, validation
from vpcsim.control.gateways import addresses
from vpcsim.control.gateways.internet import attached_internet_gateway
from vpcsim.errors import ApiError, LimitExceeded, NotFound
from vpcsim.model import Record

_TYPES = {"network": ("net", "network_load_balancer"), "gateway": ("gwy", "gateway_load_balancer")}
_QUOTAS = {"network": 50, "gateway": 100}  # load balancers per Region [ELB quotas]
# Route 53 zone of NLB DNS names per region [AWS General Reference, "Elastic Load Balancing endpoints and quotas"].
HOSTED_ZONES = {
    "af-south-1": "Z203XCE67M25HM",
    "ap-east-1": "Z12Y7K3UBGUAD1",
    "ap-northeast-1": "Z31USIVHYNEOWT",
    "ap-northeast-2": "ZIBE1TIR4HY56",
    "ap-northeast-3": "Z1GWIQ4HH19I5X",
    "ap-south-1": "ZVDDRBQ08TROA",
    "ap-southeast-1": "ZKVM4W9LS7TM",
    "ap-southeast-2": "ZCT6FZBF4DROD",
    "ca-central-1": "Z2EPGBW3API2WT",
    "eu-central-1": "Z3F0SRJ5LGBH90",
    "eu-north-1": "Z1UDT6IFJ4EJM",
    "eu-south-1": "Z23146JA1KNAFP",
    "eu-west-1": "Z2IFOLAFXWLO4F",
    "eu-west-2": "ZD4D7Y8KGAS4G",
    "eu-west-3": "Z1CMS0P5QUZ6D5",
    "me-south-1": "Z3QSRYVP46NYYV",
    "sa-east-1": "ZTK26PT1VY4CU",
    "us-east-1": "Z26RNL4JYFTOTI",
    "us-east-2": "ZLMOA37VPKANP",
    "us-west-1": "Z24FKFUX50B4VW",
    "us-west-2": "Z18D5FSROUN65G",
}


# -- reading ---------------------------------------------------------------------------------------------------------
def settle(call: Call, lb: Record) -> Record:
    """A load balancer left ``provisioning`` by its create call is ``active`` when a later call reads it."""
    if lb.doc["State"]["Code"] == "provisioning" and lb.extra.get("pending_since") != call.request_id:
        return call.tx.put(lb.with_doc(State={"Code": "active"}))
    return lb


def get_load_balancer(call: Call, arn: str) -> Record:
    return settle(call, records.get(call, "load-balancer", arn))


def lb_kind(lb: Record) -> str:
    """``net`` or ``gwy``, as ARNs and listener ARNs spell the type."""
    return _TYPES[lb.doc["Type"]][0]


# -- subnets and nodes: shared with SetSubnets ---------------------------------------------------------------------
def subnet_mappings(params: Params) -> list[dict[str, Any]]:
    subnets, mappings = params.get("Subnets") or [], params.get("SubnetMappings") or []
    if subnets and mappings:
        raise validation("You can specify subnets or subnet mappings, not both")
    if not subnets and not mappings:
        raise validation("At least one subnet must be specified")
    return [{"SubnetId": s} for s in subnets] if subnets else [dict(m) for m in mappings]


def resolve_subnets(call: Call, mappings: list[dict[str, Any]]) -> list[Record]:
    """The subnets named, checked: existing, of one VPC, at most one per AZ."""
    found = []
    for mapping in mappings:
        subnet = lookup.find(call, "subnet", mapping.get("SubnetId") or "")
        if subnet is None:
            raise NotFound("SubnetNotFound", f"The subnet ID '{mapping.get('SubnetId')}' is not valid")
        found.append(subnet)
    if len({s.parent for s in found}) > 1:
        raise configuration("The subnets of a load balancer must all belong to the same VPC")
    zones = [s.doc["AvailabilityZone"] for s in found]
    if len(set(zones)) != len(zones):
        raise configuration("A load balancer cannot be attached to multiple subnets in the same Availability Zone")
    return found


def check_scheme(call: Call, vpc_id: str, scheme: str) -> None:
    if scheme == "internet-facing" and attached_internet_gateway(call, vpc_id) is None:
        raise ApiError("InvalidSubnet", f"VPC {vpc_id} has no internet gateway")


def add_node(call: Call, lb: dict[str, Any], subnet: Record, mapping: dict[str, Any], groups: list[Record]) -> Any:
    """One node's interface in ``subnet``; the ``(AvailabilityZone entry, eni id)`` the load balancer shows."""
    prefix, interface_type = _TYPES[lb["Type"]]
    name, suffix = lb["LoadBalancerName"], lb["LoadBalancerArn"].rsplit("/", 1)[1]
    try:
        eni = interfaces.create_interface(
            call,
            subnet,
            description=f"ELB {prefix}/{name}/{suffix}",
            interface_type=interface_type,
            groups=groups,
            private_ip=mapping.get("PrivateIPv4Address"),
            requester_managed=True,
        )
    except ApiError as error:  # an address outside the subnet or in use: ELBv2 words it as a configuration error
        raise configuration(error.message) from None
    eni = call.tx.put(eni.with_doc(SourceDestCheck=False))  # as AWS shows NLB interfaces [real dump]
    entry = {"ZoneName": subnet.doc["AvailabilityZone"], "SubnetId": subnet.id, "LoadBalancerAddresses": []}
    address = _public_address(call, lb, eni, mapping)
    if mapping.get("PrivateIPv4Address"):
        address["PrivateIPv4Address"] = eni.doc["PrivateIpAddress"]
    if address:
        entry["LoadBalancerAddresses"] = [address]
    return entry, eni.id


def _public_address(call: Call, lb: dict[str, Any], eni: Record, mapping: dict[str, Any]) -> dict[str, str]:
    if lb.get("Scheme") != "internet-facing":
        if mapping.get("AllocationId"):
            raise configuration("Elastic IP addresses can only be used with internet-facing load balancers")
        return {}
    allocation = mapping.get("AllocationId")
    if not allocation:
        interfaces.associate_public_ip(call, eni)
        return {}
    eip = lookup.find(call, "elastic-ip", allocation)
    if eip is None:
        raise NotFound("AllocationIdNotFound", f"The allocation ID '{allocation}' does not exist")
    if eip.doc.get("AssociationId"):
        raise configuration(f"The Elastic IP address '{allocation}' is already associated")
    addresses.associate(call, eip, eni, eni.doc["PrivateIpAddress"])
    return {"IpAddress": eip.doc["PublicIp"], "AllocationId": allocation}


def remove_node(call: Call, eni_id: str) -> None:
    eni = call.tx.find("network-interface", eni_id)
    if eni is None:
        return
    allocation = (eni.doc.get("Association") or {}).get("AllocationId")
    eip = call.tx.find("elastic-ip", allocation) if allocation else None
    if eip is not None:
        addresses.disassociate(call, eip)
    interfaces.delete_interface(call, call.tx.find("network-interface", eni_id) or eni)


def security_groups(call: Call, vpc_id: str, ids: list[str]) -> list[Record]:
    groups = []
    for gid in dict.fromkeys(ids):
        group = lookup.find(call, "security-group", gid)
        if group is None or group.doc["VpcId"] != vpc_id:
            raise ApiError("InvalidSecurityGroup", f"Security group '{gid}' does not exist in VPC '{vpc_id}'")
        groups.append(group)
    if len(groups) > interfaces.MAX_GROUPS:
        raise LimitExceeded("InvalidConfigurationRequest", f"At most {interfaces.MAX_GROUPS} security groups")
    return groups


# -- CreateLoadBalancer ---------------------------------------------------------------------------------------------
def create_load_balancer(call: Call, params: Params) -> Result:
    kind = params.get("Type") or "application"  # the API's default type [ELBv2 API]
    if kind not in _TYPES:
        raise configuration("vpcsim emulates Network and Gateway Load Balancers only; use Type network or gateway")
    name = params["Name"]
    records.check_name(name, "load balancer")
    if name.startswith("internal-"):
        raise validation(f"The load balancer name '{name}' cannot begin with 'internal-'")
    mappings = subnet_mappings(params)
    subnets = resolve_subnets(call, mappings)
    settings = _settings(call, params, kind, subnets)
    existing = records.by_name(call, "load-balancer", "LoadBalancerName", name)
    if existing is not None:
        return {"LoadBalancers": [_idempotent(call, existing, settings, name)]}
    _check_quota(call, kind)
    tags = records.tag_dict(params.get("Tags"))
    records.check_tag_count(tags, name)
    lb = _build(call, name, settings, subnets, mappings)
    return {"LoadBalancers": [call.tx.put(lb.evolve(tags=tags)).doc]}


def _settings(call: Call, params: Params, kind: str, subnets: list[Record]) -> dict[str, Any]:
    """The members a create asks for, checked; two creates with equal settings are one load balancer."""
    vpc_id = subnets[0].parent or ""
    ip_type = params.get("IpAddressType") or "ipv4"
    if ip_type not in ("ipv4", "dualstack"):
        raise validation(f"IP address type '{ip_type}' is not supported by {kind} load balancers")
    if kind == "gateway":
        for member in ("Scheme", "SecurityGroups"):
            if params.get(member):
                raise configuration(f"{member} cannot be specified for load balancers of type 'gateway'")
        return {"Type": kind, "VpcId": vpc_id, "IpAddressType": ip_type, "Subnets": [s.id for s in subnets]}
    scheme = params.get("Scheme") or "internet-facing"  # the API's default scheme [ELBv2 API]
    check_scheme(call, vpc_id, scheme)
    groups = security_groups(call, vpc_id, params.get("SecurityGroups") or [])
    return {
        "Type": kind,
        "VpcId": vpc_id,
        "IpAddressType": ip_type,
        "Subnets": [s.id for s in subnets],
        "Scheme": scheme,
        "SecurityGroups": [g.id for g in groups],
    }


def _idempotent(call: Call, existing: Record, settings: dict[str, Any], name: str) -> dict[str, Any]:
    """CreateLoadBalancer "is idempotent": equal settings answer the existing load balancer [ELBv2 API]."""
    mine = {k: existing.doc.get(k) for k in settings if k != "Subnets"}
    mine["Subnets"] = [z["SubnetId"] for z in existing.doc["AvailabilityZones"]]
    if _normal(mine) != _normal(settings):
        raise ApiError(
            "DuplicateLoadBalancerName",
            f"A load balancer with the same name '{name}' exists, but with different settings",
        )
    return settle(call, existing).doc


def _normal(settings: dict[str, Any]) -> dict[str, Any]:
    return {k: sorted(v) if isinstance(v, list) else v for k, v in settings.items() if v}


def _check_quota(call: Call, kind: str) -> None:
    if sum(1 for r in call.scan("load-balancer") if r.doc["Type"] == kind) >= _QUOTAS[kind]:
        raise LimitExceeded("TooManyLoadBalancers", f"The quota of {_QUOTAS[kind]} {kind} load balancers is reached")


def _build(
    call: Call, name: str, settings: dict[str, Any], subnets: list[Record], mappings: list[dict[str, Any]]
) -> Record:
    prefix = _TYPES[settings["Type"]][0]
    suffix = records.new_suffix(call)
    doc = _doc(call, name, prefix, suffix, settings)
    groups = [lookup.find(call, "security-group", g) for g in settings.get("SecurityGroups") or []]
    nodes = [add_node(call, doc, s, m, [g for g in groups if g]) for s, m in zip(subnets, mappings, strict=True)]
    doc["AvailabilityZones"] = [entry for entry, _ in nodes]
    owned = {entry["ZoneName"]: eni_id for entry, eni_id in nodes}
    return call.record(
        "load-balancer",
        doc["LoadBalancerArn"],
        doc,
        settings["VpcId"],
        interfaces=owned,
        pending_since=call.request_id,
        attributes={},
    )


def _doc(call: Call, name: str, prefix: str, suffix: str, settings: dict[str, Any]) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "LoadBalancerArn": records.arn(call, f"loadbalancer/{prefix}/{name}/{suffix}"),
        "DNSName": f"{name}-{suffix}.elb.{call.region.name}.amazonaws.com",
        # Regions missing from the published table get us-east-1's zone [choice: vpcsim].
        "CanonicalHostedZoneId": HOSTED_ZONES.get(call.region.name, HOSTED_ZONES["us-east-1"]),
        "CreatedTime": call.timestamp(),
        "LoadBalancerName": name,
        "Scheme": settings.get("Scheme"),
        "VpcId": settings["VpcId"],
        "State": {"Code": "provisioning"},
        "Type": settings["Type"],
        "AvailabilityZones": [],
        "SecurityGroups": settings.get("SecurityGroups") or None,
        "IpAddressType": settings["IpAddressType"],
    }
    if prefix == "gwy":
        doc.update(DNSName=None, CanonicalHostedZoneId=None)
    if doc["SecurityGroups"]:
        doc["EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic"] = "on"  # the default with groups [ELBv2 API]
    return {k: v for k, v in doc.items() if v is not None}


# -- DescribeLoadBalancers, DeleteLoadBalancer ---------------------------------------------------------------------
def describe_load_balancers(call: Call, params: Params) -> Result:
    arns, names = params.get("LoadBalancerArns"), params.get("Names")
    if arns and names:
        raise validation("Load balancer names and load balancer ARNs cannot be specified at the same time")
    if arns:
        found = records.get_many(call, "load-balancer", arns)
    elif names:
        found = _by_names(call, names)
    else:
        found = call.scan("load-balancer")
    shown, marker = records.page(found, params)
    result = {"LoadBalancers": [settle(call, lb).doc for lb in shown]}
    return records.with_marker(result, marker)


def _by_names(call: Call, names: list[str]) -> list[Record]:
    by_name = {r.doc["LoadBalancerName"]: r for r in call.scan("load-balancer")}
    missing = [n for n in dict.fromkeys(names) if n not in by_name]
    if missing:
        raise NotFound("LoadBalancerNotFound", f"Load balancers '[{', '.join(missing)}]' not found")
    return [by_name[n] for n in dict.fromkeys(names)]


def delete_load_balancer(call: Call, params: Params) -> Result:
    arn = params["LoadBalancerArn"]
    records.check_arn("load-balancer", arn)
    lb = records.find(call, "load-balancer", arn)
    if lb is None:
        return {}  # "If the load balancer does not exist or has already been deleted, the call succeeds." [ELBv2 API]
    if lb.extra.get("attributes", {}).get("deletion_protection.enabled") == "true":
        raise ApiError(
            "OperationNotPermitted", f"Load balancer '{arn}' cannot be deleted because deletion protection is enabled"
        )
    _refuse_if_in_service(call, arn)
    remove_load_balancer(call, lb)
    return {}


def _refuse_if_in_service(call: Call, arn: str) -> None:
    for service in call.scan("vpc-endpoint-service"):
        if arn in (service.doc.get("NetworkLoadBalancerArns") or []) + (
            service.doc.get("GatewayLoadBalancerArns") or []
        ):
            raise ApiError(
                "ResourceInUse",
                f"Load balancer '{arn}' cannot be deleted because it is currently associated with another service",
            )


def remove_load_balancer(call: Call, lb: Record) -> None:
    """The load balancer, its listeners (target groups forget it) and its nodes' interfaces."""
    for listener in list(call.tx.children("listener", lb.id)):
        target_groups.remove_listener(call, listener)
    for eni_id in lb.extra.get("interfaces", {}).values():
        remove_node(call, eni_id)
    call.tx.delete("load-balancer", lb.id)


__all__ = [
    "HOSTED_ZONES",
    "add_node",
    "get_load_balancer",
    "remove_load_balancer",
    "remove_node",
    "resolve_subnets",
    "settle",
    "subnet_mappings",
]
