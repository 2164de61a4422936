# Site-to-Site VPN to an office: a customer gateway, a virtual private gateway attached to the VPC with route
# propagation, a static-routes VPN connection with its route, and a route pointing at the VPN gateway. (A VPN on a
# transit gateway: the transit theme.)

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

output "office1_tunnels" {
  value = [aws_vpn_connection.office1.tunnel1_address, aws_vpn_connection.office1.tunnel2_address]
}

output "assert_vpn" {
  value = alltrue([
    aws_vpn_gateway_attachment.main.vpc_id == aws_vpc.main.id,
    aws_vpn_connection.office1.tunnel1_address != "",
  ])
}
