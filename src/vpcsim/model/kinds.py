"""What AWS says about each resource kind in errors and listings: id prefix, error codes, how tags are shown.

Codes are case-exact as EC2 spells them (``InvalidVpcID.NotFound`` but ``InvalidRouteTableId.Malformed``) [EC2ERR].
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Kind:
    name: str  # the EC2 resource type used in TagSpecifications ("vpc", "route-table")
    prefix: str  # id prefix ("vpc", "rtb")
    noun: str  # as error messages name it: "The vpc ID 'vpc-1' does not exist"
    not_found: str
    malformed: str
    tags_member: str = "Tags"
    empty_tags: bool = True  # whether an untagged resource still shows an empty tag list

    def missing_message(self, ids: list[str]) -> str:
        if len(ids) == 1:
            return f"The {self.noun} '{ids[0]}' does not exist"
        plural = self.noun + "s" if self.noun.endswith("ID") else self.noun
        return f"The {plural} '{', '.join(ids)}' do not exist"

    def malformed_message(self, rid: str) -> str:
        return f'Invalid id: "{rid}" (expecting "{self.prefix}-...")'


KINDS: dict[str, Kind] = {
    k.name: k
    for k in (
        Kind("vpc", "vpc", "vpc ID", "InvalidVpcID.NotFound", "InvalidVpcID.Malformed", empty_tags=False),
        Kind(
            "subnet", "subnet", "subnet ID", "InvalidSubnetID.NotFound", "InvalidSubnetID.Malformed", empty_tags=False
        ),
        Kind("route-table", "rtb", "routeTable ID", "InvalidRouteTableID.NotFound", "InvalidRouteTableId.Malformed"),
        Kind(
            "internet-gateway",
            "igw",
            "internetGateway ID",
            "InvalidInternetGatewayID.NotFound",
            "InvalidInternetGatewayId.Malformed",
        ),
        Kind(
            "egress-only-internet-gateway",
            "eigw",
            "egressOnlyInternetGateway ID",
            "InvalidEgressOnlyInternetGatewayId.NotFound",
            "InvalidEgressOnlyInternetGatewayId.Malformed",
            empty_tags=False,  # awscli examples show untagged gateways without Tags
        ),
        Kind(
            "elastic-ip",
            "eipalloc",
            "allocation ID",
            "InvalidAllocationID.NotFound",
            "InvalidAllocationID.Malformed",
            empty_tags=False,
        ),
        Kind("natgateway", "nat", "natGateway ID", "NatGatewayNotFound", "InvalidNatGatewayID.Malformed"),
        Kind("security-group", "sg", "security group", "InvalidGroup.NotFound", "InvalidGroupId.Malformed"),
        Kind(
            "security-group-rule",
            "sgr",
            "security group rule ID",
            "InvalidSecurityGroupRuleId.NotFound",
            "InvalidSecurityGroupRuleId.Malformed",
        ),
        Kind("network-acl", "acl", "networkAcl ID", "InvalidNetworkAclID.NotFound", "InvalidNetworkAclId.Malformed"),
        Kind(
            "network-interface",
            "eni",
            "networkInterface ID",
            "InvalidNetworkInterfaceID.NotFound",
            "InvalidNetworkInterfaceID.Malformed",
            tags_member="TagSet",
        ),
        Kind(
            "instance",
            "i",
            "instance ID",
            "InvalidInstanceID.NotFound",
            "InvalidInstanceID.Malformed",
            empty_tags=False,
        ),
        Kind("prefix-list", "pl", "prefix list ID", "InvalidPrefixListID.NotFound", "InvalidPrefixListId.Malformed"),
        Kind(
            "vpc-endpoint", "vpce", "Vpc Endpoint Id", "InvalidVpcEndpointId.NotFound", "InvalidVpcEndpointId.Malformed"
        ),
        Kind(
            "vpc-peering-connection",
            "pcx",
            "vpcPeeringConnection ID",
            "InvalidVpcPeeringConnectionID.NotFound",
            "InvalidVpcPeeringConnectionId.Malformed",
        ),
        Kind(
            "transit-gateway",
            "tgw",
            "transitGateway ID",
            "InvalidTransitGatewayID.NotFound",
            "InvalidTransitGatewayID.Malformed",
        ),
        Kind(
            "transit-gateway-attachment",
            "tgw-attach",
            "transitGatewayAttachment ID",
            "InvalidTransitGatewayAttachmentID.NotFound",
            "InvalidTransitGatewayAttachmentID.Malformed",
        ),
        Kind(
            "vpc-endpoint-service",
            "vpce-svc",
            "Vpc Endpoint Service Id",
            "InvalidVpcEndpointServiceId.NotFound",
            "InvalidVpcEndpointServiceId.Malformed",
        ),
        Kind(
            "vpc-endpoint-connection-notification",
            "vpce-nfn",
            "Vpc Endpoint Connection Notification Id",
            "InvalidConnectionNotification",
            "InvalidConnectionNotification",
        ),
        Kind(
            "network-insights-path",
            "nip",
            "NetworkInsightsPath ID",
            "InvalidNetworkInsightsPathId.NotFound",
            "InvalidNetworkInsightsPathId.Malformed",
        ),
        Kind(
            "network-insights-analysis",
            "nia",
            "NetworkInsightsAnalysis ID",
            "InvalidNetworkInsightsAnalysisId.NotFound",
            "InvalidNetworkInsightsAnalysisId.Malformed",
        ),
        Kind("vpc-flow-log", "fl", "flow log ID", "InvalidFlowLogId.NotFound", "InvalidFlowLogId.NotFound"),
        # EC2 answers a missing transit gateway route table with the VPC route table's code [EC2ERR].
        Kind(
            "transit-gateway-route-table",
            "tgw-rtb",
            "routeTable ID",
            "InvalidRouteTableID.NotFound",
            "InvalidRouteTableId.Malformed",
        ),
        # Codes as EC2 spells them [EC2ERR]; the images family writes its own NotFound text, which puts the ids in
        # brackets ("The image id '[ami-1]' does not exist").
        Kind("image", "ami", "image id", "InvalidAMIID.NotFound", "InvalidAMIID.Malformed", empty_tags=False),
        Kind("volume", "vol", "volume", "InvalidVolume.NotFound", "InvalidVolumeID.Malformed", empty_tags=False),
        Kind(
            "snapshot", "snap", "snapshot", "InvalidSnapshot.NotFound", "InvalidSnapshotID.Malformed", empty_tags=False
        ),
        Kind("key-pair", "key", "key pair", "InvalidKeyPair.NotFound", "InvalidKeyPair.Malformed"),
        # Site-to-Site VPN and DHCP options [EC2ERR]: "The customerGateway ID 'cgw-1' does not exist" and friends.
        Kind(
            "customer-gateway",
            "cgw",
            "customerGateway ID",
            "InvalidCustomerGatewayID.NotFound",
            "InvalidCustomerGatewayId.Malformed",
        ),
        Kind("vpn-gateway", "vgw", "vpnGateway ID", "InvalidVpnGatewayID.NotFound", "InvalidVpnGatewayID.Malformed"),
        Kind(
            "vpn-connection",
            "vpn",
            "vpnConnection ID",
            "InvalidVpnConnectionID.NotFound",
            "InvalidVpnConnectionID.Malformed",
        ),
        Kind(
            "dhcp-options", "dopt", "dhcpOptions ID", "InvalidDhcpOptionID.NotFound", "InvalidDhcpOptionsId.Malformed"
        ),
    )
}
