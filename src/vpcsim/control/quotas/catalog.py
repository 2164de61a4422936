"""The quotas AWS has for what vpcsim models: Service Quotas codes, names, AWS defaults, adjustability, maxima.

A hand-kept table (no generator: the source is prose). Sources, read 2025: Amazon VPC User Guide "Amazon VPC
quotas" (amazon-vpc-limits), AWS PrivateLink Guide "Quotas" (vpc-limits-endpoints), Amazon VPC Transit Gateways
"Transit gateway quotas", Elastic Load Balancing "Quotas for your Network Load Balancers"; each quota code is the one
the guide's "Adjustable: Yes" link names (``console.aws.amazon.com/servicequotas/home/services/<service>/quotas/
<code>``). A quota that is not adjustable has no such link: its code is the one a public ListServiceQuotas listing
shows, as its comment says. Names are the Service Quotas console's (``EC2-VPC Elastic IPs``), which may differ from
the guides' (``Elastic IP addresses per Region``). ``maximum`` is the highest value a guide says an increase can
reach ("up to 50").

Which quotas vpcsim enforces is said beside each (``enforced by``); the others are answered by the API with their
defaults so that a client reading them sees what AWS shows.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class QuotaDef:
    service: str  # the Service Quotas service code: vpc, ec2, elasticloadbalancing
    code: str  # L-xxxxxxxx
    name: str
    default: float
    adjustable: bool
    maximum: float | None = None  # the highest value an increase can be approved for, where AWS documents one


SERVICES: dict[str, str] = {
    "ec2": "Amazon Elastic Compute Cloud (Amazon EC2)",
    "elasticloadbalancing": "Elastic Load Balancing (ELB)",
    "vpc": "Amazon Virtual Private Cloud (Amazon VPC)",
}

_VPC = (
    QuotaDef("vpc", "L-F678F1CE", "VPCs per Region", 5, True),
    QuotaDef("vpc", "L-407747CB", "Subnets per VPC", 200, True),
    # enforced by network/vpcs.py (AssociateVpcCidrBlock)
    QuotaDef("vpc", "L-83CA0A9D", "IPv4 CIDR blocks per VPC", 5, True, 50),
    # network/vpcs.py still allows one IPv6 block per VPC, whatever this quota says (not yet switched to it)
    QuotaDef("vpc", "L-085A6257", "IPv6 CIDR blocks per VPC", 5, True, 50),
    QuotaDef("vpc", "L-A4707A72", "Internet gateways per Region", 5, True),
    QuotaDef("vpc", "L-45FE3B85", "Egress-only internet gateways per Region", 5, True),
    # enforced by gateways/nat.py; counts gateways pending, available and deleting
    QuotaDef("vpc", "L-FE5A380F", "NAT gateways per Availability Zone", 5, True),
    QuotaDef("vpc", "L-5F53652F", "Elastic IP addresses per public NAT gateway", 2, True, 8),
    QuotaDef("vpc", "L-DFA99DE7", "Private IP address quota per NAT gateway", 8, True),
    QuotaDef("vpc", "L-B4A6D682", "Network ACLs per VPC", 200, True),
    # enforced by network/acls.py, inbound and outbound apart
    QuotaDef("vpc", "L-2AEEBF1A", "Rules per network ACL", 20, True, 40),
    QuotaDef("vpc", "L-DF5E4CA3", "Network interfaces per Region", 5000, True),
    QuotaDef("vpc", "L-589F43AA", "Route tables per VPC", 200, True),
    # enforced by network/routes.py, IPv4 and IPv6 apart. Default 50 as VPCUG23 (aws-behaviour 8.2) says; the 2025
    # guide lists 500 (non-propagated routes): vpcsim keeps 50 until that change is confirmed.
    QuotaDef("vpc", "L-93826ACB", "Routes per route table", 50, True, 1000),
    QuotaDef("vpc", "L-E79EC296", "VPC security groups per Region", 2500, True),
    # enforced by security/permissions.py, inbound and outbound (and IPv4 and IPv6) apart
    QuotaDef("vpc", "L-0EA8095F", "Inbound or outbound rules per security group", 60, True),
    # enforced by security/groups.py (every interface that takes security groups)
    QuotaDef("vpc", "L-2AFB9258", "Security groups per network interface", 5, True, 16),
    # enforced by interconnect/peering.py
    QuotaDef("vpc", "L-7E9ECCDB", "Active VPC peering connections per VPC", 50, True, 125),
    QuotaDef("vpc", "L-DC9F7029", "Outstanding VPC peering connection requests", 25, True),
    # enforced by endpoints/records.py: interface and Gateway Load Balancer endpoints together
    QuotaDef("vpc", "L-29B6F2EB", "Interface VPC endpoints per VPC", 50, True),
    # enforced by endpoints/endpoints.py; AWS allows at most 255 per VPC whatever the quota
    QuotaDef("vpc", "L-1B52E74A", "Gateway VPC endpoints per Region", 20, True),
)

_EC2 = (
    # enforced by gateways/addresses.py
    QuotaDef("ec2", "L-0263D0A3", "EC2-VPC Elastic IPs", 5, True),
    # enforced by interconnect/transit.py (per account and Region, as every Service Quotas quota)
    QuotaDef("ec2", "L-A2478D36", "Transit gateways per account", 5, True),
    # enforced by interconnect/transit.py
    QuotaDef("ec2", "L-43872EB7", "Transit gateway route tables per transit gateway", 20, True),
    QuotaDef("ec2", "L-E0233F82", "Attachments per transit gateway", 5000, True),
    # enforced by interconnect/transit_peering.py
    QuotaDef("ec2", "L-A1B5A36F", "Peering attachments per transit gateway", 50, True),
    QuotaDef("ec2", "L-62499967", "Pending peering attachments per transit gateway", 10, True),
)

_ELB = (
    # enforced by elbv2/load_balancers.py. Gateway Load Balancers per Region (100) is not in Service Quotas (the
    # Gateway Load Balancer guide links no code), so elbv2 keeps that one itself.
    QuotaDef("elasticloadbalancing", "L-69A177A2", "Network Load Balancers per Region", 50, True),
    # enforced by elbv2/listeners.py; not adjustable, so its code is from a public ListServiceQuotas listing
    QuotaDef("elasticloadbalancing", "L-57A373D6", "Listeners per Network Load Balancer", 50, False),
    QuotaDef("elasticloadbalancing", "L-23568085", "Network Load Balancer ENIs per VPC", 1200, True),
    QuotaDef("elasticloadbalancing", "L-EEF1AD04", "Targets per Network Load Balancer", 3000, True),
    QuotaDef("elasticloadbalancing", "L-B22855CB", "Target Groups per Region", 3000, True),
)

ALL: tuple[QuotaDef, ...] = (*_VPC, *_EC2, *_ELB)
QUOTAS: dict[str, QuotaDef] = {q.code: q for q in ALL}

# Quotas whose product AWS caps: "This quota multiplied by the quota for rules per security group cannot exceed
# 1,000" [VPC quotas, Security groups per network interface].
PRODUCT_LIMITS: dict[frozenset[str], float] = {frozenset({"L-2AFB9258", "L-0EA8095F"}): 1000}


def find_quota(service: str, code: str) -> QuotaDef | None:
    found = QUOTAS.get(code)
    return found if found is not None and found.service == service else None


def quotas_of(service: str) -> list[QuotaDef]:
    """The service's quotas, ordered by code as ListServiceQuotas orders them (named choice)."""
    return sorted((q for q in QUOTAS.values() if q.service == service), key=lambda q: q.code)


__all__ = ["ALL", "PRODUCT_LIMITS", "QUOTAS", "SERVICES", "QuotaDef", "find_quota", "quotas_of"]
