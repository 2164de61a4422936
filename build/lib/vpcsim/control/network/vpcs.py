"""VPCs: create (with the main route table, default security group and default network ACL, in the same
transaction), describe, attributes, secondary CIDRs, delete with AWS's dependency rules, and the default VPC.

Facts [VPCUG23; EC2API]: IPv4 CIDR between /16 and /28 (``InvalidVpc.Range``); up to 5 IPv4 CIDRs per VPC;
``enableDnsSupport`` defaults to true, ``enableDnsHostnames`` to false except in a default VPC (true); a default VPC
is 172.31.0.0/16 with a /20 default subnet per AZ, an internet gateway and a 0.0.0.0/0 route to it.
"""

from __future__ import annotations

from typing import Any

from vpcsim.control.core import dependents
from vpcsim.control.core.call import Call, Params, Result
from vpcsim.control.core.cidrs import overlaps, parse_v4
from vpcsim.control.core.describe import Listing, member, present
from vpcsim.control.core.lookup import get
from vpcsim.control.core.tags import tags_for
from vpcsim.control.network import acls, routes
from vpcsim.control.security import groups
from vpcsim.errors import DependencyViolation, InvalidParameter, LimitExceeded
from vpcsim.model import Record

DEFAULT_VPC_CIDR = "172.31.0.0/16"
_MAX_IPV4_CIDRS = 5
_ATTRIBUTES = {
    "enableDnsSupport": "EnableDnsSupport",
    "enableDnsHostnames": "EnableDnsHostnames",
    "enableNetworkAddressUsageMetrics": "EnableNetworkAddressUsageMetrics",
}

LISTING = Listing(
    kind="vpc",
    page_member="Vpcs",
    ids_member="VpcIds",
    filters={
        "vpc-id": member("VpcId"),
        "cidr": member("CidrBlock"),
        "cidr-block-association.cidr-block": member("CidrBlockAssociationSet", "CidrBlock"),
        "cidr-block-association.association-id": member("CidrBlockAssociationSet", "AssociationId"),
        "cidr-block-association.state": member("CidrBlockAssociationSet", "CidrBlockState", "State"),
        "dhcp-options-id": member("DhcpOptionsId"),
        "ipv6-cidr-block-association.ipv6-cidr-block": member("Ipv6CidrBlockAssociationSet", "Ipv6CidrBlock"),
        "ipv6-cidr-block-association.association-id": member("Ipv6CidrBlockAssociationSet", "AssociationId"),
        "ipv6-cidr-block-association.state": member("Ipv6CidrBlockAssociationSet", "Ipv6CidrBlockState", "State"),
        "ipv6-cidr-block-association.ipv6-pool": member("Ipv6CidrBlockAssociationSet", "Ipv6Pool"),
        "is-default": member("IsDefault"),
        "owner-id": member("OwnerId"),
        "state": member("State"),
    },
)


def _check_range(cidr: str) -> None:
    network = parse_v4(cidr)
    if not 16 <= network.prefixlen <= 28:
        raise InvalidParameter("InvalidVpc.Range", f"The CIDR '{cidr}' is invalid.")


def _association(call: Call, cidr: str) -> dict[str, Any]:
    return {
        "AssociationId": call.new_id("vpc-cidr-assoc", "vpc-cidr-block-association"),
        "CidrBlock": cidr,
        "CidrBlockState": {"State": "associated"},
    }


def _ipv6_association(call: Call) -> dict[str, Any]:
    # AWS assigns a /56 from its own pool; vpcsim draws one from 2600:1f00::/24, where AWS's pools lie.
    block = f"2600:1f{call.ids.hex(2)}:{call.ids.hex(4)}:{call.ids.hex(2)}00::/56"
    return {
        "AssociationId": call.new_id("vpc-cidr-assoc", "vpc-cidr-block-association"),
        "Ipv6CidrBlock": block,
        "Ipv6CidrBlockState": {"State": "associated"},
        "NetworkBorderGroup": call.region.name,
        "Ipv6Pool": "Amazon",
    }


def dhcp_options_id(call: Call) -> str:
    """The region's default DHCP options set, drawn once per account and region."""
    key = f"dopt/{call.account}/{call.region.name}"
    found = call.tx.meta(key)
    if found is None:
        found = call.ids.new("dopt")
        call.tx.set_meta(key, found)
    return found


def new_vpc(
    call: Call,
    cidr: str,
    *,
    is_default: bool = False,
    ipv6: bool = False,
    tenancy: str = "default",
    tags: dict[str, str] | None = None,
) -> Record:
    """A VPC with everything AWS creates with it, written in the caller's transaction."""
    vid = call.new_id("vpc", "vpc")
    doc = {
        "VpcId": vid,
        "OwnerId": call.account,
        "State": "available",
        "CidrBlock": cidr,
        "DhcpOptionsId": dhcp_options_id(call),
        "InstanceTenancy": tenancy,
        "IsDefault": is_default,
        "CidrBlockAssociationSet": [_association(call, cidr)],
        "Ipv6CidrBlockAssociationSet": [_ipv6_association(call)] if ipv6 else [],
        "BlockPublicAccessStates": {"InternetGatewayBlockMode": "off"},
    }
    attributes = {"EnableDnsSupport": True, "EnableDnsHostnames": is_default, "EnableNetworkAddressUsageMetrics": False}
    vpc = call.tx.put(call.record("vpc", vid, doc, None, attributes=attributes).evolve(tags=tags or {}))
    routes.create_main_route_table(call, vpc)
    groups.create_default_security_group(call, vpc)
    acls.create_default_network_acl(call, vpc)
    return vpc


def create_vpc(call: Call, params: Params) -> Result:
    cidr = params.get("CidrBlock")
    if cidr is None:
        raise InvalidParameter("MissingParameter", "Either 'cidrBlock' or 'ipv4IpamPoolId' should be provided.")
    _check_range(cidr)
    tenancy = params.get("InstanceTenancy") or "default"
    if tenancy == "host":
        raise InvalidParameter("InvalidParameterValue", "The tenancy value host is not supported for VPCs.")
    vpc = new_vpc(
        call,
        cidr,
        ipv6=bool(params.get("AmazonProvidedIpv6CidrBlock")),
        tenancy=tenancy,
        tags=tags_for(call, params, "vpc"),
    )
    # AWS answers CreateVpc with the VPC still pending; it is available on the next describe.
    shown = present(vpc)
    shown["State"] = "pending"
    # Recorded from real AWS (2025, real_aws_snapshots_supplementary: test_get_security_groups_for_vpc): the create
    # response carries no BlockPublicAccessStates; describes do.
    del shown["BlockPublicAccessStates"]
    return {"Vpc": shown}


def describe_vpcs(call: Call, params: Params) -> Result:
    return LISTING.run(call, params)


def describe_vpc_attribute(call: Call, params: Params) -> Result:
    vpc = get(call, "vpc", params["VpcId"])
    name = _ATTRIBUTES[params["Attribute"]]
    return {"VpcId": vpc.id, name: {"Value": vpc.extra["attributes"][name]}}


def modify_vpc_attribute(call: Call, params: Params) -> Result:
    vpc = get(call, "vpc", params["VpcId"])
    given = {name: params[name]["Value"] for name in _ATTRIBUTES.values() if name in params}
    if len(given) != 1:
        raise InvalidParameter("InvalidParameterCombination", "Exactly one attribute must be modified per call.")
    attributes = {**vpc.extra["attributes"], **given}
    if attributes["EnableDnsHostnames"] and not attributes["EnableDnsSupport"]:
        raise InvalidParameter(
            "InvalidParameterValue",
            "enableDnsHostnames can only be true when enableDnsSupport is true; enable DNS support first.",
        )
    call.tx.put(vpc.with_extra(attributes=attributes))
    return {}


def associate_vpc_cidr_block(call: Call, params: Params) -> Result:
    vpc = get(call, "vpc", params["VpcId"])
    doc = vpc.mutable_doc()
    if params.get("AmazonProvidedIpv6CidrBlock"):
        if doc["Ipv6CidrBlockAssociationSet"]:
            raise LimitExceeded("CidrLimitExceeded", f"The VPC '{vpc.id}' already has an IPv6 CIDR block.")
        association = _ipv6_association(call)
        doc["Ipv6CidrBlockAssociationSet"].append(association)
        cidr = association["Ipv6CidrBlock"]
        result_key, shown = "Ipv6CidrBlockAssociation", association
    else:
        cidr = params.get("CidrBlock") or ""
        if not cidr:
            raise InvalidParameter(
                "MissingParameter", "Either 'cidrBlock' or 'amazonProvidedIpv6CidrBlock' is required."
            )
        _check_secondary(vpc, cidr)
        association = _association(call, cidr)
        doc["CidrBlockAssociationSet"].append(association)
        result_key, shown = "CidrBlockAssociation", association
    call.tx.put(vpc.evolve(doc=doc))
    routes.add_local_route(call, vpc.id, cidr)
    # AWS answers the new association as still "associating" (CLI example associate-vpc-cidr-block.rst).
    state_key = "Ipv6CidrBlockState" if "Ipv6CidrBlock" in shown else "CidrBlockState"
    return {"VpcId": vpc.id, result_key: {**shown, state_key: {"State": "associating"}}}


def _check_secondary(vpc: Record, cidr: str) -> None:
    _check_range(cidr)
    current = [a["CidrBlock"] for a in vpc.doc["CidrBlockAssociationSet"]]
    if len(current) >= _MAX_IPV4_CIDRS:
        raise LimitExceeded("CidrLimitExceeded", f"The VPC '{vpc.id}' already has the maximum of 5 IPv4 CIDR blocks.")
    clash = next((c for c in current if overlaps(c, cidr)), None)
    if clash:
        raise InvalidParameter(
            "InvalidVpc.Range", f"The CIDR '{cidr}' conflicts with another CIDR block '{clash}' of the VPC."
        )


def disassociate_vpc_cidr_block(call: Call, params: Params) -> Result:
    association_id = params["AssociationId"]
    for vpc in call.scan("vpc"):
        for key in ("CidrBlockAssociationSet", "Ipv6CidrBlockAssociationSet"):
            found = next((a for a in vpc.doc[key] if a["AssociationId"] == association_id), None)
            if found is not None:
                return _disassociate(call, vpc, key, found)
    raise InvalidParameter(
        "InvalidVpcCidrBlockAssociationID.NotFound",
        f"The vpc CIDR block association ID '{association_id}' does not exist",
    )


def _disassociate(call: Call, vpc: Record, key: str, association: dict[str, Any]) -> Result:
    cidr = association.get("CidrBlock") or association.get("Ipv6CidrBlock") or ""
    if cidr == vpc.doc["CidrBlock"]:
        raise InvalidParameter(
            "OperationNotPermitted",
            f"The vpc CIDR block with association ID {association['AssociationId']} "
            "may not be disassociated. It is the primary IPv4 CIDR block of the VPC",
        )
    if any(
        overlaps(cidr, s.doc.get("CidrBlock") or s.doc["Ipv6CidrBlockAssociationSet"][0]["Ipv6CidrBlock"])
        for s in call.tx.children("subnet", vpc.id)
    ):
        # Real AWS text (terraform-provider-aws issues): InvalidCidrBlock.InUse.
        raise InvalidParameter(
            "InvalidCidrBlock.InUse", f"The vpc {vpc.id} currently has a subnet within CIDR block {cidr}"
        )
    kept = [a for a in vpc.doc[key] if a["AssociationId"] != association["AssociationId"]]
    call.tx.put(vpc.with_doc(**{key: kept}))
    routes.remove_local_route(call, vpc.id, cidr)
    state_key = "CidrBlockState" if key == "CidrBlockAssociationSet" else "Ipv6CidrBlockState"
    shown = {**association, state_key: {"State": "disassociating"}}
    result_key = "CidrBlockAssociation" if key == "CidrBlockAssociationSet" else "Ipv6CidrBlockAssociation"
    return {"VpcId": vpc.id, result_key: shown}


# Kinds whose presence in a VPC blocks DeleteVpc; the defaults created with the VPC do not count.
def _blockers(call: Call, vpc: Record) -> list[str]:
    tx = call.tx
    found = [
        r.id
        for kind in ("subnet", "vpc-endpoint", "natgateway", "network-interface", "instance")
        for r in tx.children(kind, vpc.id)
    ]
    found += [r.id for r in tx.children("security-group", vpc.id) if r.doc["GroupName"] != "default"]
    found += [r.id for r in tx.children("network-acl", vpc.id) if not r.doc["IsDefault"]]
    found += [r.id for r in tx.children("route-table", vpc.id) if not routes.is_main(r)]
    found += [g.id for g in call.scan("internet-gateway") if any(a["VpcId"] == vpc.id for a in g.doc["Attachments"])]
    return found + dependents.blocking(call, vpc)  # what families built on VPCs registered (peering, transit)


def delete_vpc(call: Call, params: Params) -> Result:
    vpc = get(call, "vpc", params["VpcId"])
    blockers = _blockers(call, vpc)
    if blockers:
        raise DependencyViolation(
            f"The vpc '{vpc.id}' has dependencies and cannot be deleted (first: {', '.join(blockers[:5])})."
        )
    for group in list(call.tx.children("security-group", vpc.id)):
        groups.remove_security_group(call, group)
    for kind in ("route-table", "network-acl"):
        for record in list(call.tx.children(kind, vpc.id)):
            call.tx.delete(kind, record.id)
    call.tx.delete("vpc", vpc.id)
    return {}


