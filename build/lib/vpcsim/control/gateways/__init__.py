"""The ways out of a VPC to the internet: internet gateways, Elastic IP addresses and NAT gateways."""
