"""VPCs: create (with the main route table, default security group and default network ACL, in the same
transaction), describe, attributes, secondary CIDRs, delete with AWS's dependency rules, and the default VPC.

Facts [VPCUG23; EC2API]: IPv4 CIDR between /16 and /28 (``InvalidVpc.Range``), kept in canonical form; up to 5
IPv4 CIDRs per VPC; IPv6 blocks (Amazon's /56s) in ``ipv6_blocks``; a new IPv6 block gives the default security group
its ``::/0`` egress rule and the network ACLs their IPv6 entries [VPCUG default-network-acl, default-security-group];
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
from vpcsim.control.dhcp import options
from vpcsim.control.network import acls, ipv6_blocks, routes
from vpcsim.control.quotas import quota
from vpcsim.control.security import groups
from vpcsim.errors import DependencyViolation, InvalidParameter, LimitExceeded
from vpcsim.model import Record

DEFAULT_VPC_CIDR = "172.31.0.0/16"
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


def _check_range(cidr: str) -> str:
    """The canonical form of an IPv4 VPC CIDR, checked."""
    network = parse_v4(cidr)
    if not 16 <= network.prefixlen <= 28:
        raise InvalidParameter("InvalidVpc.Range", f"The CIDR '{cidr}' is invalid.")
    return str(network)


def _association(call: Call, cidr: str) -> dict[str, Any]:
    return {
        "AssociationId": call.new_id("vpc-cidr-assoc", "vpc-cidr-block-association"),
        "CidrBlock": cidr,
        "CidrBlockState": {"State": "associated"},
    }


def dhcp_options_id(call: Call) -> str:
    """The Region's default DHCP options set (a real record: dhcp/options.py), which every new VPC uses."""
    return options.default_options_id(call)


def new_vpc(
    call: Call,
    cidr: str,
    *,
    is_default: bool = False,
    ipv6: dict[str, Any] | None = None,
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
        "Ipv6CidrBlockAssociationSet": [ipv6] if ipv6 else [],
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
    cidr = _check_range(cidr)
    tenancy = params.get("InstanceTenancy") or "default"
    if tenancy == "host":
        raise InvalidParameter("InvalidParameterValue", "The tenancy value host is not supported for VPCs.")
    vpc = new_vpc(
        call,
        cidr,
        ipv6=ipv6_blocks.requested_vpc_block(call, params),
        tenancy=tenancy,
        tags=tags_for(call, params, "vpc"),
    )
    # AWS answers CreateVpc with the VPC still pending; it is available on the next describe. An Amazon-provided
    # IPv6 block is still "associating", its CIDR not yet known (awscli examples create-vpc.rst, example 3).
    shown = present(vpc)
    shown["State"] = "pending"
    shown["Ipv6CidrBlockAssociationSet"] = [
        {**a, "Ipv6CidrBlock": "", "Ipv6CidrBlockState": {"State": "associating"}}
        for a in shown["Ipv6CidrBlockAssociationSet"]
    ]
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
    ipv6_asked = any(params.get(n) for n in _IPV6_PARAMETERS)
    if ipv6_asked and params.get("CidrBlock"):
        raise InvalidParameter(
            "InvalidParameterCombination", "The parameter cidrBlock cannot be used with IPv6 CIDR block parameters."
        )
    if ipv6_asked:
        return _associate_ipv6(call, vpc, params)
    cidr = params.get("CidrBlock") or ""
    if not cidr:
        raise InvalidParameter("MissingParameter", "Either 'cidrBlock' or 'amazonProvidedIpv6CidrBlock' is required.")
    cidr = _check_secondary(call, vpc, cidr)
    association = _association(call, cidr)
    doc = vpc.mutable_doc()
    doc["CidrBlockAssociationSet"].append(association)
    call.tx.put(vpc.evolve(doc=doc))
    routes.add_local_route(call, vpc.id, cidr)
    # AWS answers the new association as still "associating" (CLI example associate-vpc-cidr-block.rst).
    return {"VpcId": vpc.id, "CidrBlockAssociation": {**association, "CidrBlockState": {"State": "associating"}}}


_IPV6_PARAMETERS = (
    "AmazonProvidedIpv6CidrBlock",
    "Ipv6Pool",
    "Ipv6CidrBlock",
    "Ipv6IpamPoolId",
    "Ipv6CidrBlockNetworkBorderGroup",
)


def _associate_ipv6(call: Call, vpc: Record, params: Params) -> Result:
    ipv6_blocks.check_vpc_quota(vpc)
    association = ipv6_blocks.requested_vpc_block(call, params)
    if association is None:
        raise InvalidParameter("MissingParameter", "Either 'cidrBlock' or 'amazonProvidedIpv6CidrBlock' is required.")
    first = not ipv6_blocks.vpc_blocks(vpc)
    doc = vpc.mutable_doc()
    doc["Ipv6CidrBlockAssociationSet"].append(association)
    vpc = call.tx.put(vpc.evolve(doc=doc))
    routes.add_local_route(call, vpc.id, association["Ipv6CidrBlock"])
    if first:
        groups.allow_ipv6_egress(call, vpc)
        acls.add_ipv6_entries(call, vpc)
    shown = {**association, "Ipv6CidrBlockState": {"State": "associating"}}
    return {"VpcId": vpc.id, "Ipv6CidrBlockAssociation": shown}


def _check_secondary(call: Call, vpc: Record, cidr: str) -> str:
    cidr = _check_range(cidr)
    current = [a["CidrBlock"] for a in vpc.doc["CidrBlockAssociationSet"]]
    limit = quota(call, "L-83CA0A9D")  # IPv4 CIDR blocks per VPC
    if len(current) >= limit:
        raise LimitExceeded(
            "CidrLimitExceeded", f"The VPC '{vpc.id}' already has the maximum of {limit} IPv4 CIDR blocks."
        )
    clash = next((c for c in current if overlaps(c, cidr)), None)
    if clash:
        raise InvalidParameter(
            "InvalidVpc.Range", f"The CIDR '{cidr}' conflicts with another CIDR block '{clash}' of the VPC."
        )
    return cidr


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
    if ":" in cidr:
        in_use = ipv6_blocks.blocks_in_use(call, vpc, cidr)
    else:
        subnets = call.tx.children("subnet", vpc.id)
        in_use = any(overlaps(cidr, s.doc["CidrBlock"]) for s in subnets if s.doc.get("CidrBlock"))
    if in_use:
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
