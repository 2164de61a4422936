"""VPC to VPC: peering connections within and across accounts and Regions, and transit gateways with their
attachments, peerings, route tables and routes."""
