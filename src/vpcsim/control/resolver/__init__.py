"""Amazon Route 53 Resolver: inbound endpoints (on-premises resolvers query the VPC's DNS through their addresses),
outbound endpoints with forwarding rules (the VPC's queries for a domain go to on-premises resolvers), and rule
associations with VPCs. The data plane's DNS follows the rules associated with a VPC.
"""
