"""The VPC substrate: VPCs, subnets, route tables and routes (with every route target), network ACLs and
managed prefix lists."""
