"""Interface endpoints: their subnets, interfaces, security groups and DNS (aws-behaviour 1.3).

Rules: one requester-managed interface (InterfaceType ``vpc_endpoint``) per subnet, at most one subnet per AZ
(``DuplicateSubnetsInSameZone``), only in AZs where the service exists; security groups default to the VPC's default
group; private DNS (the default for AWS services that have a private name, named choice for aws-behaviour 10.3)
needs the VPC's enableDnsSupport and enableDnsHostnames, a service with a private DNS name, and no other endpoint
with private DNS for the same name in the VPC.
"""

from __future__ import annotations

from typing import Any

from vpcsim.control.compute import interfaces
from vpcsim.control.core.call import Call, Params
from vpcsim.control.core.lookup import get
from vpcsim.control.endpoints import dns
from vpcsim.control.endpoints.records import base_doc, check_interface_quota, new_record, policy_for
from vpcsim.control.endpoints.services import ServiceView
from vpcsim.control.security import groups as security_groups
from vpcsim.errors import ApiError, InvalidParameter
from vpcsim.model import Record


def subnet_for(call: Call, vpc: Record, service: ServiceView, subnet_id: str) -> Record:
    subnet = get(call, "subnet", subnet_id)
    if subnet.parent != vpc.id:
        raise InvalidParameter("InvalidParameter", f"The subnet {subnet_id} does not belong to the VPC {vpc.id}.")
    if service.region == call.region.name and subnet.doc["AvailabilityZone"] not in service.zones:
        raise InvalidParameter(
            "InvalidParameter",
            f"The Vpc Endpoint Service '{service.name}' does not support the availability zone of the subnet: "
            f"{subnet_id} ({subnet.doc['AvailabilityZone']}).",
        )
    return subnet


def subnets_for(call: Call, vpc: Record, service: ServiceView, ids: list[str], taken: list[str]) -> list[Record]:
    """The subnets named, checked; ``taken`` are AZs the endpoint already has an interface in."""
    chosen = [subnet_for(call, vpc, service, sid) for sid in dict.fromkeys(ids)]
    zones = [*taken, *(s.doc["AvailabilityZone"] for s in chosen)]
    if len(zones) != len(set(zones)):
        raise InvalidParameter(
            "DuplicateSubnetsInSameZone",
            "For an interface VPC endpoint, you can specify only one subnet per Availability Zone.",
        )
    return chosen


def groups_for(call: Call, vpc: Record, ids: list[str] | None) -> list[Record]:
    """The endpoint's security groups: those named (checked by the security family), else the VPC's default."""
    if not ids:
        return [security_groups.default_security_group(call, vpc.id)]
    return security_groups.security_groups_for(call, ids, vpc.id)


def check_private_dns(call: Call, vpc: Record, service: ServiceView, endpoint_id: str | None) -> None:
    if service.unverified_private_dns:
        raise InvalidParameter(
            "InvalidParameter",
            f"Private DNS can't be enabled because the private DNS name {service.unverified_private_dns} of the "
            f"service {service.name} is not verified.",
        )
    if not service.private_dns:
        raise InvalidParameter(
            "InvalidParameter",
            f"Private DNS can't be enabled because the service {service.name} does not provide a private DNS name.",
        )
    attributes = vpc.extra["attributes"]
    if not (attributes["EnableDnsSupport"] and attributes["EnableDnsHostnames"]):
        # Code and text: aws-behaviour E18 [UNCERTAIN]; the rule itself is documented (1.3.12).
        raise InvalidParameter(
            "InvalidParameter",
            "Enabling private DNS requires both enableDnsSupport and enableDnsHostnames VPC attributes set to true "
            f"for {vpc.id}.",
        )
    for other in call.tx.children("vpc-endpoint", vpc.id):
        if (
            other.id != endpoint_id
            and other.doc.get("PrivateDnsEnabled")
            and other.doc["VpcEndpointType"] == "Interface"
            and other.extra.get("private_dns") == service.private_dns
        ):
            raise InvalidParameter(
                "InvalidParameter",
                "private-dns-enabled cannot be set because there is already a conflicting DNS domain for "
                f"{service.private_dns} in the VPC {vpc.id}",
            )


def _dns_options(call: Call, vpc: Record, service: ServiceView, params: Params, ip_type: str) -> dict[str, Any]:
    given = dict(params.get("DnsOptions") or {})
    record_type = given.get("DnsRecordIpType") or ("dualstack" if ip_type == "dualstack" else ip_type)
    allowed = {"ipv4": {"ipv4"}, "ipv6": {"ipv6"}, "dualstack": {"dualstack", "ipv4", "ipv6", "service-defined"}}
    if record_type not in allowed[ip_type]:
        raise InvalidParameter(
            "InvalidParameter", f"DnsRecordIpType {record_type} is not valid for an {ip_type} endpoint [PLG-AWS]."
        )
    options: dict[str, Any] = {"DnsRecordIpType": record_type}
    if given.get("PrivateDnsOnlyForInboundResolverEndpoint") is not None:
        options["PrivateDnsOnlyForInboundResolverEndpoint"] = _inbound_only(call, vpc, service, given)
    return options


def _inbound_only(call: Call, vpc: Record, service: ServiceView, given: dict[str, Any]) -> bool:
    wanted = bool(given["PrivateDnsOnlyForInboundResolverEndpoint"])
    if not wanted:
        return False
    has_gateway = any(
        e.doc["ServiceName"] == service.name and e.doc["VpcEndpointType"] == "Gateway"
        for e in call.tx.children("vpc-endpoint", vpc.id)
    )
    if not service.is_s3 or not has_gateway:
        raise InvalidParameter(
            "InvalidParameter",
            f"To set PrivateDnsOnlyForInboundResolverEndpoint to true, the VPC {vpc.id} must have a Gateway endpoint "
            "for the service.",
        )
    return True


def _ip_address_type(subnets: list[Record], given: str | None) -> str:
    ip_type = given or "ipv4"
    for subnet in subnets:
        has_v6 = bool(subnet.doc["Ipv6CidrBlockAssociationSet"])
        if (ip_type == "dualstack" and not has_v6) or (ip_type == "ipv6" and not subnet.doc["Ipv6Native"]):
            raise InvalidParameter(
                "InvalidParameter", f"The subnet {subnet.id} does not support the IP address type {ip_type}."
            )
    return ip_type


def create(call: Call, vpc: Record, service: ServiceView, params: Params) -> Record:
    check_interface_quota(call, vpc)
    subnets = subnets_for(call, vpc, service, params.get("SubnetIds") or [], [])
    groups = groups_for(call, vpc, params.get("SecurityGroupIds"))
    private = params.get("PrivateDnsEnabled")
    if private is None:
        private = bool(service.private_dns) and service.owner == "amazon"
    eid = call.new_id("vpce", "vpc-endpoint")
    if private:
        check_private_dns(call, vpc, service, eid)
    ip_type = _ip_address_type(subnets, params.get("IpAddressType"))
    wanted_ips = {c["SubnetId"]: c.get("Ipv4") for c in params.get("SubnetConfigurations") or [] if "SubnetId" in c}
    enis = [_interface(call, eid, s, groups, wanted_ips.get(s.id)) for s in subnets]
    state = "pendingAcceptance" if service.acceptance_required else "pending"
    doc = base_doc(call, eid, "Interface", vpc, service, state)
    doc.update(
        {
            "PolicyDocument": policy_for("Interface", service, params),
            "RouteTableIds": [],
            "SubnetIds": [s.id for s in subnets],
            "Groups": [{"GroupId": g.id, "GroupName": g.doc["GroupName"]} for g in groups],
            "IpAddressType": ip_type,
            "DnsOptions": _dns_options(call, vpc, service, params, ip_type),
            "PrivateDnsEnabled": bool(private),
            "NetworkInterfaceIds": [e.id for e in enis],
        }
    )
    extra = {
        "dns_suffix": dns.dns_suffix(call),
        "private_zone": dns.private_zone_id(call),
        "private_dns": service.private_dns,
        "base_dns": service.base_dns,
        "wildcard": service.is_s3,
        "pending_since": call.request_id,
    }
    record = new_record(call, vpc, {k: v for k, v in doc.items() if v is not None}, params, **extra)
    return refresh_dns(call, record)


def _interface(call: Call, eid: str, subnet: Record, groups: list[Record], wanted: str | None) -> Record:
    return interfaces.create_interface(
        call,
        subnet,
        description=f"VPC Endpoint Interface {eid}",
        interface_type="vpc_endpoint",
        groups=groups,
        private_ip=wanted,
        requester_managed=True,
    )


def refresh_dns(call: Call, endpoint: Record) -> Record:
    """Recompute the endpoint's DNS records and DnsEntries from its current interfaces and private DNS flag."""
    extra = endpoint.extra
    by_zone = {}
    for eni_id in endpoint.doc["NetworkInterfaceIds"]:
        eni = call.tx.find("network-interface", eni_id)
        if eni is not None:
            by_zone[eni.doc["AvailabilityZone"]] = eni.doc["PrivateIpAddress"]
    names = _private_names(extra.get("private_dns")) if endpoint.doc.get("PrivateDnsEnabled") else []
    records = (
        dns.endpoint_records(
            endpoint.region,
            endpoint.id,
            extra["dns_suffix"],
            extra["base_dns"],
            wildcard=extra["wildcard"],
            interfaces=by_zone,
            private_names=names,
            private_zone=extra["private_zone"],
            zonal=endpoint.doc.get("ServiceRegion", endpoint.region) == endpoint.region,
        )
        if extra.get("base_dns")
        else []
    )
    stored = [r.to_json() for r in records]
    updated = endpoint.with_doc(DnsEntries=dns.dns_entries(stored)).with_extra(dns=stored)
    return call.tx.put(updated)


def _private_names(private_dns: str | None) -> list[str]:
    """S3's private name is a wildcard; its zone answers the apex too (``s3.<region>.amazonaws.com``) [S3PL]."""
    if not private_dns:
        return []
    if private_dns.startswith("*."):
        return [private_dns[2:], private_dns]
    return [private_dns]


def remove_interfaces(call: Call, endpoint: Record, subnet_ids: list[str]) -> list[str]:
    """Delete the endpoint's interfaces in ``subnet_ids``; the remaining interface ids."""
    kept = []
    for eni_id in endpoint.doc["NetworkInterfaceIds"]:
        eni = call.tx.find("network-interface", eni_id)
        if eni is not None and eni.doc["SubnetId"] in subnet_ids:
            interfaces.delete_interface(call, eni)
        elif eni is not None:
            kept.append(eni_id)
    return kept


def add_interfaces(call: Call, endpoint: Record, subnets: list[Record]) -> list[str]:
    groups = [g for g in (call.tx.find("security-group", x["GroupId"]) for x in endpoint.doc["Groups"]) if g]
    return [_interface(call, endpoint.id, s, groups, None).id for s in subnets]


def not_in_endpoint(endpoint: Record, subnet_ids: list[str]) -> None:
    missing = [s for s in subnet_ids if s not in endpoint.doc["SubnetIds"]]
    if missing:
        raise ApiError("InvalidParameter", f"The subnets {', '.join(missing)} are not part of {endpoint.id}.")
