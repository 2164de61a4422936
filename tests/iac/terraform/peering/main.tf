# VPC peering every way AWS offers it: within a Region and account, across accounts, across Regions and across both
# (requester, accepter and options on each side), with routes over each connection.

data "aws_caller_identity" "app" {}

data "aws_caller_identity" "network" {
  provider = aws.shared
}

data "aws_availability_zones" "london" {
  state = "available"
}

data "aws_availability_zones" "virginia" {
  provider = aws.shared_east
  state    = "available"
}

# --- VPCs: two in the application account in eu-west-2, one there in us-east-1, one per Region in the second account ---

locals {
  vpcs = {
    hub      = "10.1.0.0/16"
    workload = "10.2.0.0/16"
  }
}

resource "aws_vpc" "app" {
  for_each = local.vpcs

  cidr_block = each.value

  tags = { Name = each.key }
}

resource "aws_subnet" "app" {
  for_each = local.vpcs

  vpc_id            = aws_vpc.app[each.key].id
  availability_zone = data.aws_availability_zones.london.names[0]
  cidr_block        = cidrsubnet(each.value, 8, 0)

  tags = { Name = each.key }
}

resource "aws_route_table" "app" {
  for_each = local.vpcs

  vpc_id = aws_vpc.app[each.key].id

  tags = { Name = each.key }
}

resource "aws_route_table_association" "app" {
  for_each = local.vpcs

  subnet_id      = aws_subnet.app[each.key].id
  route_table_id = aws_route_table.app[each.key].id
}

resource "aws_vpc" "app_east" {
  provider = aws.east

  cidr_block = "10.3.0.0/16"

  tags = { Name = "app-east" }
}

resource "aws_vpc" "network_london" {
  provider = aws.shared

  cidr_block = "10.4.0.0/16"

  tags = { Name = "network-london" }
}

resource "aws_route_table" "network_london" {
  provider = aws.shared

  vpc_id = aws_vpc.network_london.id

  tags = { Name = "network-london" }
}

resource "aws_vpc" "network_virginia" {
  provider = aws.shared_east

  cidr_block = "10.5.0.0/16"

  tags = { Name = "network-virginia" }
}

resource "aws_subnet" "network_virginia" {
  provider = aws.shared_east

  vpc_id            = aws_vpc.network_virginia.id
  availability_zone = data.aws_availability_zones.virginia.names[0]
  cidr_block        = "10.5.0.0/24"

  tags = { Name = "network-virginia" }
}

# --- peering ---------------------------------------------------------------------------------------------------------

# Same account, same Region: accepted at once, options inline.
resource "aws_vpc_peering_connection" "hub_workload" {
  vpc_id      = aws_vpc.app["hub"].id
  peer_vpc_id = aws_vpc.app["workload"].id
  auto_accept = true

  requester {
    allow_remote_vpc_dns_resolution = true
  }

  accepter {
    allow_remote_vpc_dns_resolution = true
  }

  tags = { Name = "hub-workload" }
}

# Same account, across Regions: accepted in us-east-1.
resource "aws_vpc_peering_connection" "hub_east" {
  vpc_id      = aws_vpc.app["hub"].id
  peer_vpc_id = aws_vpc.app_east.id
  peer_region = "us-east-1"

  tags = { Name = "hub-app-east" }
}

resource "aws_vpc_peering_connection_accepter" "hub_east" {
  provider = aws.east

  vpc_peering_connection_id = aws_vpc_peering_connection.hub_east.id
  auto_accept               = true

  tags = { Name = "hub-app-east" }
}

# Across accounts, same Region: options set by each side with aws_vpc_peering_connection_options.
resource "aws_vpc_peering_connection" "hub_network" {
  vpc_id        = aws_vpc.app["hub"].id
  peer_vpc_id   = aws_vpc.network_london.id
  peer_owner_id = data.aws_caller_identity.network.account_id

  tags = { Name = "hub-network-london" }
}

resource "aws_vpc_peering_connection_accepter" "hub_network" {
  provider = aws.shared

  vpc_peering_connection_id = aws_vpc_peering_connection.hub_network.id
  auto_accept               = true

  tags = { Name = "hub-network-london" }
}

resource "aws_vpc_peering_connection_options" "hub_network_requester" {
  vpc_peering_connection_id = aws_vpc_peering_connection_accepter.hub_network.id

  requester {
    allow_remote_vpc_dns_resolution = true
  }
}

resource "aws_vpc_peering_connection_options" "hub_network_accepter" {
  provider = aws.shared

  vpc_peering_connection_id = aws_vpc_peering_connection_accepter.hub_network.id

  accepter {
    allow_remote_vpc_dns_resolution = true
  }
}

# Across accounts and Regions.
resource "aws_vpc_peering_connection" "workload_virginia" {
  vpc_id        = aws_vpc.app["workload"].id
  peer_vpc_id   = aws_vpc.network_virginia.id
  peer_owner_id = data.aws_caller_identity.network.account_id
  peer_region   = "us-east-1"

  tags = { Name = "workload-network-virginia" }
}

resource "aws_vpc_peering_connection_accepter" "workload_virginia" {
  provider = aws.shared_east

  vpc_peering_connection_id = aws_vpc_peering_connection.workload_virginia.id
  auto_accept               = true

  tags = { Name = "workload-network-virginia" }
}

resource "aws_route" "hub_to_east" {
  route_table_id            = aws_route_table.app["hub"].id
  destination_cidr_block    = aws_vpc.app_east.cidr_block
  vpc_peering_connection_id = aws_vpc_peering_connection_accepter.hub_east.id
}

resource "aws_route" "hub_to_network" {
  route_table_id            = aws_route_table.app["hub"].id
  destination_cidr_block    = aws_vpc.network_london.cidr_block
  vpc_peering_connection_id = aws_vpc_peering_connection_accepter.hub_network.id
}

resource "aws_route" "network_to_hub" {
  provider = aws.shared

  route_table_id            = aws_route_table.network_london.id
  destination_cidr_block    = aws_vpc.app["hub"].cidr_block
  vpc_peering_connection_id = aws_vpc_peering_connection_accepter.hub_network.id
}

resource "aws_route" "workload_to_virginia" {
  route_table_id            = aws_route_table.app["workload"].id
  destination_cidr_block    = aws_vpc.network_virginia.cidr_block
  vpc_peering_connection_id = aws_vpc_peering_connection_accepter.workload_virginia.id
}

resource "aws_route" "virginia_to_workload" {
  provider = aws.shared_east

  route_table_id            = aws_vpc.network_virginia.main_route_table_id
  destination_cidr_block    = aws_vpc.app["workload"].cidr_block
  vpc_peering_connection_id = aws_vpc_peering_connection_accepter.workload_virginia.id
}

output "peering_status" {
  value = {
    hub_workload      = aws_vpc_peering_connection.hub_workload.accept_status
    hub_east          = aws_vpc_peering_connection_accepter.hub_east.accept_status
    hub_network       = aws_vpc_peering_connection_accepter.hub_network.accept_status
    workload_virginia = aws_vpc_peering_connection_accepter.workload_virginia.accept_status
  }
}

output "assert_peerings_active" {
  value = alltrue([
    aws_vpc_peering_connection.hub_workload.accept_status == "active",
    aws_vpc_peering_connection_accepter.hub_east.accept_status == "active",
    aws_vpc_peering_connection_accepter.hub_network.accept_status == "active",
    aws_vpc_peering_connection_accepter.workload_virginia.accept_status == "active",
    data.aws_caller_identity.app.account_id != data.aws_caller_identity.network.account_id,
  ])
}
