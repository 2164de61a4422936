"""Reachability Analyzer's explanation codes, as a type: a trace stops with one of these, never with a free string.

The names and meanings are AWS's [RA-EX: docs.aws.amazon.com/vpc/latest/reachability/explanation-codes.html;
aws-behaviour 6.6]. The few codes AWS has no equivalent for (the policy judge's, which Reachability Analyzer does not
evaluate) are vpcsim's own and say so in ``OWN``. Codes that name a routing decision (a route that lost) appear on
route steps, not as stopping explanations.
"""

from __future__ import annotations

from enum import StrEnum


class ExplanationCode(StrEnum):
    # -- endpoints [RA-EX "VPC endpoints", "Gateway Load Balancer"] ------------------------------------------------
    VPCE_GATEWAY_EGRESS_SOURCE_ADDRESS_RESTRICTION = "VPCE_GATEWAY_EGRESS_SOURCE_ADDRESS_RESTRICTION"
    VPCE_GATEWAY_PROTOCOL_RESTRICTION = "VPCE_GATEWAY_PROTOCOL_RESTRICTION"
    VPCE_INTRA_VPC_TRAFFIC = "VPCE_INTRA_VPC_TRAFFIC"
    VPCE_SERVICE_NOT_INSTALLED_IN_AZ = "VPCE_SERVICE_NOT_INSTALLED_IN_AZ"
    GWLB_DESTINATION_PORT_RESTRICTION = "GWLB_DESTINATION_PORT_RESTRICTION"
    GWLB_PROTOCOL_RESTRICTION = "GWLB_PROTOCOL_RESTRICTION"
    # -- routing [RA-EX "Route tables", "Gateways", "Transit gateways"] --------------------------------------------
    CANNOT_ROUTE = "CANNOT_ROUTE"
    NO_ROUTE_TO_DESTINATION = "NO_ROUTE_TO_DESTINATION"
    MORE_SPECIFIC_ROUTE = "MORE_SPECIFIC_ROUTE"
    HIGHER_PRIORITY_ROUTE = "HIGHER_PRIORITY_ROUTE"
    BAD_STATE_ROUTE = "BAD_STATE_ROUTE"
    VPC_LOCAL_ROUTE_CIDR_RESTRICTION = "VPC_LOCAL_ROUTE_CIDR_RESTRICTION"
    PCX_REQUIRES_ADDRESS_IN_VPC_CIDR = "PCX_REQUIRES_ADDRESS_IN_VPC_CIDR"
    NGW_REQUIRES_SOURCE_IN_VPC = "NGW_REQUIRES_SOURCE_IN_VPC"
    NGW_SOURCE_ADDRESS_REASSIGN = "NGW_SOURCE_ADDRESS_REASSIGN"
    IGW_EXPECTS_PUBLIC_ADDRESS = "IGW_EXPECTS_PUBLIC_ADDRESS"
    TGW_ATTACH_VPC_AZ_RESTRICTION = "TGW_ATTACH_VPC_AZ_RESTRICTION"
    TGW_ATTACH_MISSING_TGW_RTB_ASSOCIATION = "TGW_ATTACH_MISSING_TGW_RTB_ASSOCIATION"
    TGW_RTB_CANNOT_ROUTE = "TGW_RTB_CANNOT_ROUTE"
    TGW_RTB_MORE_SPECIFIC_ROUTE = "TGW_RTB_MORE_SPECIFIC_ROUTE"
    TGW_RTB_HIGHER_PRIORITY_ROUTE = "TGW_RTB_HIGHER_PRIORITY_ROUTE"
    TGW_RTB_NO_ROUTE_TO_TGW_ATTACHMENT = "TGW_RTB_NO_ROUTE_TO_TGW_ATTACHMENT"
    TGW_RTB_BAD_STATE_ROUTE = "TGW_RTB_BAD_STATE_ROUTE"
    # -- filtering [RA-EX "Security groups", "Network ACLs", "Network interfaces"] ---------------------------------
    ENI_SG_RULES_MISMATCH = "ENI_SG_RULES_MISMATCH"
    SG_HAS_NO_RULES = "SG_HAS_NO_RULES"
    SUBNET_ACL_RESTRICTION = "SUBNET_ACL_RESTRICTION"
    ENI_SOURCE_DEST_CHECK_RESTRICTION = "ENI_SOURCE_DEST_CHECK_RESTRICTION"
    PROTOCOL_RESTRICTION = "PROTOCOL_RESTRICTION"
    TARGET_PORT_RESTRICTION = "TARGET_PORT_RESTRICTION"
    REMAP_EPHEMERAL_PORT = "REMAP_EPHEMERAL_PORT"
    FIREWALL_RULES_RESTRICTION = "FIREWALL_RULES_RESTRICTION"
    BAD_STATE = "BAD_STATE"
    BAD_STATE_ATTACHMENT = "BAD_STATE_ATTACHMENT"
    # -- configuration [RA-EX "General"] ----------------------------------------------------------------------
    NO_PATH = "NO_PATH"
    DISCONNECTED_VPCS = "DISCONNECTED_VPCS"
    NO_SOURCE_OR_DESTINATION = "NO_SOURCE_OR_DESTINATION"
    UNASSOCIATED_COMPONENT = "UNASSOCIATED_COMPONENT"
    UNSUPPORTED_COMPONENT = "UNSUPPORTED_COMPONENT"
    UNKNOWN_DESTINATION = "UNKNOWN_DESTINATION"
    UNKNOWN_RESOURCE = "UNKNOWN_RESOURCE"
    COMPONENT_FILTER_RESTRICTION = "COMPONENT_FILTER_RESTRICTION"
    # -- vpcsim's own: Reachability Analyzer does not evaluate policies ------------------------------------------
    VPCE_POLICY_DENY = "VPCE_POLICY_DENY"
    RESOURCE_POLICY_DENY = "RESOURCE_POLICY_DENY"
    IDENTITY_POLICY_DENY = "IDENTITY_POLICY_DENY"
    POLICY_DENY = "POLICY_DENY"


# Codes that are vpcsim's, not AWS's (documented in docs/dataplane.md).
OWN = frozenset(
    {
        ExplanationCode.VPCE_POLICY_DENY,
        ExplanationCode.RESOURCE_POLICY_DENY,
        ExplanationCode.IDENTITY_POLICY_DENY,
        ExplanationCode.POLICY_DENY,
    }
)
