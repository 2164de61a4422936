"""Hybrid connectivity: customer gateways, virtual private gateways and their VPC attachments, Site-to-Site VPN
connections (to a virtual private gateway or a transit gateway) with their tunnels and static routes, and route
propagation into VPC route tables. What the route tables read of it lives in ``core.vpn_routes``."""
