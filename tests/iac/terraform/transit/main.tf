# Transit gateways: one in London with its own route table, VPC attachments, associations, propagations, static and
# blackhole routes and a VPC route to it; a peering attachment to the second account's transit gateway in
# us-east-1 with its accepter and routes over it; a BGP Site-to-Site VPN on the London gateway. (VPC peering: the
# peering theme.)

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

# --- VPCs: two in the application account in eu-west-2, one in the second account in us-east-1 ---------------------

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

# --- transit gateway -------------------------------------------------------------------------------------------------

resource "aws_ec2_transit_gateway" "london" {
  description                     = "London hub"
  amazon_side_asn                 = 64512
  default_route_table_association = "disable"
  default_route_table_propagation = "disable"
  dns_support                     = "enable"
  vpn_ecmp_support                = "enable"

  tags = { Name = "london" }
}

resource "aws_ec2_transit_gateway_vpc_attachment" "app" {
  for_each = local.vpcs

  transit_gateway_id                              = aws_ec2_transit_gateway.london.id
  vpc_id                                          = aws_vpc.app[each.key].id
  subnet_ids                                      = [aws_subnet.app[each.key].id]
  dns_support                                     = "enable"
  transit_gateway_default_route_table_association = false
  transit_gateway_default_route_table_propagation = false

  tags = { Name = each.key }
}

resource "aws_ec2_transit_gateway_route_table" "spokes" {
  transit_gateway_id = aws_ec2_transit_gateway.london.id

  tags = { Name = "spokes" }
}

resource "aws_ec2_transit_gateway_route_table_association" "app" {
  for_each = local.vpcs

  transit_gateway_attachment_id  = aws_ec2_transit_gateway_vpc_attachment.app[each.key].id
  transit_gateway_route_table_id = aws_ec2_transit_gateway_route_table.spokes.id
}

resource "aws_ec2_transit_gateway_route_table_propagation" "app" {
  for_each = local.vpcs

  transit_gateway_attachment_id  = aws_ec2_transit_gateway_vpc_attachment.app[each.key].id
  transit_gateway_route_table_id = aws_ec2_transit_gateway_route_table.spokes.id
}

resource "aws_ec2_transit_gateway_route" "default_to_hub" {
  destination_cidr_block         = "0.0.0.0/0"
  transit_gateway_attachment_id  = aws_ec2_transit_gateway_vpc_attachment.app["hub"].id
  transit_gateway_route_table_id = aws_ec2_transit_gateway_route_table.spokes.id
}

resource "aws_ec2_transit_gateway_route" "quarantine" {
  destination_cidr_block         = "10.99.0.0/16"
  blackhole                      = true
  transit_gateway_route_table_id = aws_ec2_transit_gateway_route_table.spokes.id
}

resource "aws_route" "workload_via_tgw" {
  route_table_id         = aws_route_table.app["workload"].id
  destination_cidr_block = "10.0.0.0/8"
  transit_gateway_id     = aws_ec2_transit_gateway.london.id

  depends_on = [aws_ec2_transit_gateway_vpc_attachment.app]
}

# --- transit gateway peering to the second account in us-east-1 -------------------------------------------------------

resource "aws_ec2_transit_gateway" "virginia" {
  provider = aws.shared_east

  description     = "Virginia hub"
  amazon_side_asn = 64513

  tags = { Name = "virginia" }
}

resource "aws_ec2_transit_gateway_vpc_attachment" "virginia" {
  provider = aws.shared_east

  transit_gateway_id = aws_ec2_transit_gateway.virginia.id
  vpc_id             = aws_vpc.network_virginia.id
  subnet_ids         = [aws_subnet.network_virginia.id]

  tags = { Name = "network-virginia" }
}

resource "aws_ec2_transit_gateway_peering_attachment" "london_virginia" {
  transit_gateway_id      = aws_ec2_transit_gateway.london.id
  peer_transit_gateway_id = aws_ec2_transit_gateway.virginia.id
  peer_account_id         = data.aws_caller_identity.network.account_id
  peer_region             = "us-east-1"

  tags = { Name = "london-virginia" }
}

resource "aws_ec2_transit_gateway_peering_attachment_accepter" "london_virginia" {
  provider = aws.shared_east

  transit_gateway_attachment_id = aws_ec2_transit_gateway_peering_attachment.london_virginia.id

  tags = { Name = "london-virginia" }
}

resource "aws_ec2_transit_gateway_route_table_association" "peering" {
  transit_gateway_attachment_id  = aws_ec2_transit_gateway_peering_attachment_accepter.london_virginia.id
  transit_gateway_route_table_id = aws_ec2_transit_gateway_route_table.spokes.id
}

resource "aws_ec2_transit_gateway_route" "to_virginia" {
  destination_cidr_block         = aws_vpc.network_virginia.cidr_block
  transit_gateway_attachment_id  = aws_ec2_transit_gateway_peering_attachment_accepter.london_virginia.id
  transit_gateway_route_table_id = aws_ec2_transit_gateway_route_table.spokes.id
}

resource "aws_ec2_transit_gateway_route" "virginia_to_london" {
  provider = aws.shared_east

  destination_cidr_block         = "10.0.0.0/13"
  transit_gateway_attachment_id  = aws_ec2_transit_gateway_peering_attachment_accepter.london_virginia.id
  transit_gateway_route_table_id = aws_ec2_transit_gateway.virginia.association_default_route_table_id
}

# --- a BGP Site-to-Site VPN to an office, on the London transit gateway -------------------------------------------------

resource "aws_customer_gateway" "office" {
  bgp_asn    = 65001
  ip_address = "203.0.113.20"
  type       = "ipsec.1"

  tags = { Name = "office" }
}

resource "aws_vpn_connection" "office" {
  customer_gateway_id = aws_customer_gateway.office.id
  transit_gateway_id  = aws_ec2_transit_gateway.london.id
  type                = aws_customer_gateway.office.type

  tunnel1_inside_cidr = "169.254.10.0/30"
  tunnel2_inside_cidr = "169.254.10.4/30"

  tags = { Name = "office" }
}

output "assert_transit" {
  value = alltrue([
    aws_ec2_transit_gateway_peering_attachment_accepter.london_virginia.transit_gateway_id == aws_ec2_transit_gateway.virginia.id,
    data.aws_caller_identity.network.account_id == aws_ec2_transit_gateway.virginia.owner_id,
    aws_vpn_connection.office.transit_gateway_attachment_id != "",
  ])
}
