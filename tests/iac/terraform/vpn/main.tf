# Site-to-Site VPN to two offices: a virtual private gateway attached to the VPC with route propagation and a
# static-routes VPN connection; a transit gateway with a BGP VPN connection; routes pointing at the VPN gateway.

data "aws_availability_zones" "available" {
  state = "available"
}

resource "aws_vpc" "main" {
  cidr_block = "10.60.0.0/16"

  tags = { Name = "hybrid" }
}

resource "aws_subnet" "private" {
  count = 2

  vpc_id            = aws_vpc.main.id
  availability_zone = data.aws_availability_zones.available.names[count.index]
  cidr_block        = cidrsubnet(aws_vpc.main.cidr_block, 8, count.index)

  tags = { Name = "private-${count.index}" }
}

resource "aws_route_table" "private" {
  vpc_id = aws_vpc.main.id

  tags = { Name = "private" }
}

resource "aws_route_table_association" "private" {
  count = 2

  subnet_id      = aws_subnet.private[count.index].id
  route_table_id = aws_route_table.private.id
}

# Static routes only: no propagation on this table.
resource "aws_route_table" "static" {
  vpc_id = aws_vpc.main.id

  tags = { Name = "static" }
}

# --- office 1: virtual private gateway, static routes ------------------------------------------------------------------

resource "aws_customer_gateway" "office1" {
  bgp_asn     = 65000
  ip_address  = "198.51.100.10"
  type        = "ipsec.1"
  device_name = "office1-router"

  tags = { Name = "office1" }
}

resource "aws_vpn_gateway" "main" {
  amazon_side_asn = 64620

  tags = { Name = "hybrid" }
}

resource "aws_vpn_gateway_attachment" "main" {
  vpc_id         = aws_vpc.main.id
  vpn_gateway_id = aws_vpn_gateway.main.id
}

resource "aws_vpn_gateway_route_propagation" "private" {
  vpn_gateway_id = aws_vpn_gateway_attachment.main.vpn_gateway_id
  route_table_id = aws_route_table.private.id
}

resource "aws_vpn_connection" "office1" {
  customer_gateway_id = aws_customer_gateway.office1.id
  vpn_gateway_id      = aws_vpn_gateway_attachment.main.vpn_gateway_id
  type                = "ipsec.1"
  static_routes_only  = true

  tags = { Name = "office1" }
}

resource "aws_vpn_connection_route" "office1" {
  destination_cidr_block = "192.168.10.0/24"
  vpn_connection_id      = aws_vpn_connection.office1.id
}

resource "aws_route" "static_to_office1" {
  route_table_id         = aws_route_table.static.id
  destination_cidr_block = "192.168.10.0/24"
  gateway_id             = aws_vpn_gateway_attachment.main.vpn_gateway_id
}

# --- office 2: transit gateway, BGP ---------------------------------------------------------------------------------------

resource "aws_customer_gateway" "office2" {
  bgp_asn    = 65001
  ip_address = "203.0.113.20"
  type       = "ipsec.1"

  tags = { Name = "office2" }
}

resource "aws_ec2_transit_gateway" "hybrid" {
  description     = "hybrid"
  amazon_side_asn = 64530

  tags = { Name = "hybrid" }
}

resource "aws_ec2_transit_gateway_vpc_attachment" "main" {
  transit_gateway_id = aws_ec2_transit_gateway.hybrid.id
  vpc_id             = aws_vpc.main.id
  subnet_ids         = aws_subnet.private[*].id

  tags = { Name = "hybrid" }
}

resource "aws_vpn_connection" "office2" {
  customer_gateway_id = aws_customer_gateway.office2.id
  transit_gateway_id  = aws_ec2_transit_gateway.hybrid.id
  type                = aws_customer_gateway.office2.type

  tunnel1_inside_cidr = "169.254.10.0/30"
  tunnel2_inside_cidr = "169.254.10.4/30"

  tags = { Name = "office2" }
}

resource "aws_route" "static_to_office2" {
  route_table_id         = aws_route_table.static.id
  destination_cidr_block = "192.168.20.0/24"
  transit_gateway_id     = aws_ec2_transit_gateway.hybrid.id

  depends_on = [aws_ec2_transit_gateway_vpc_attachment.main]
}

output "office1_tunnels" {
  value = [aws_vpn_connection.office1.tunnel1_address, aws_vpn_connection.office1.tunnel2_address]
}

output "office2_attachment" {
  value = aws_vpn_connection.office2.transit_gateway_attachment_id
}

output "assert_vpn" {
  value = alltrue([
    aws_vpn_gateway_attachment.main.vpc_id == aws_vpc.main.id,
    aws_vpn_connection.office2.transit_gateway_attachment_id != "",
    aws_vpn_connection.office1.tunnel1_address != "",
  ])
}
