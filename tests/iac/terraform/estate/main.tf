# Issue 12's estate: two accounts, two Regions.
#
# Application account, eu-west-2: a dual-stack application VPC (public and private subnets in two zones, internet,
# NAT and egress-only gateways, S3 and DynamoDB gateway endpoints, SSM and STS interface endpoints, a private
# instance), a shared-services VPC, a transit gateway joining both with a site-to-site VPN to the office, and a
# consumer endpoint of the orders service.
# Second account, eu-west-2: the orders service, published with PrivateLink behind a Network Load Balancer.
# Second account, us-east-1: a data VPC reached over inter-Region peering, with a DynamoDB interface endpoint and the
# global orders table's home.

data "aws_caller_identity" "app" {}

data "aws_caller_identity" "platform" {
  provider = aws.shared
}

data "aws_region" "london" {}

data "aws_region" "virginia" {
  provider = aws.shared_east
}

data "aws_availability_zones" "london" {
  state = "available"
}

data "aws_availability_zones" "virginia" {
  provider = aws.shared_east
  state    = "available"
}

data "aws_ami" "al2023" {
  most_recent = true
  owners      = ["amazon"]

  filter {
    name   = "name"
    values = ["al2023-ami-2023.*-x86_64"]
  }
}

locals {
  azs      = slice(data.aws_availability_zones.london.names, 0, 2)
  office   = "192.168.0.0/16"
  app_cidr = "10.0.0.0/16"
}

# === application account, eu-west-2 ======================================================================================

resource "aws_vpc" "app" {
  cidr_block                       = local.app_cidr
  assign_generated_ipv6_cidr_block = true
  enable_dns_support               = true
  enable_dns_hostnames             = true

  tags = { Name = "app" }
}

resource "aws_subnet" "public" {
  count = 2

  vpc_id                          = aws_vpc.app.id
  availability_zone               = local.azs[count.index]
  cidr_block                      = cidrsubnet(local.app_cidr, 8, count.index)
  ipv6_cidr_block                 = cidrsubnet(aws_vpc.app.ipv6_cidr_block, 8, count.index)
  map_public_ip_on_launch         = true
  assign_ipv6_address_on_creation = true

  tags = { Name = "app-public-${local.azs[count.index]}", Tier = "public" }
}

resource "aws_subnet" "private" {
  count = 2

  vpc_id                          = aws_vpc.app.id
  availability_zone               = local.azs[count.index]
  cidr_block                      = cidrsubnet(local.app_cidr, 4, 1 + count.index)
  ipv6_cidr_block                 = cidrsubnet(aws_vpc.app.ipv6_cidr_block, 8, 16 + count.index)
  assign_ipv6_address_on_creation = true

  tags = { Name = "app-private-${local.azs[count.index]}", Tier = "private" }
}

resource "aws_internet_gateway" "app" {
  vpc_id = aws_vpc.app.id

  tags = { Name = "app" }
}

resource "aws_egress_only_internet_gateway" "app" {
  vpc_id = aws_vpc.app.id

  tags = { Name = "app" }
}

resource "aws_eip" "nat" {
  count = 2

  domain = "vpc"

  tags = { Name = "app-nat-${local.azs[count.index]}" }

  depends_on = [aws_internet_gateway.app]
}

resource "aws_nat_gateway" "app" {
  count = 2

  allocation_id = aws_eip.nat[count.index].id
  subnet_id     = aws_subnet.public[count.index].id

  tags = { Name = "app-${local.azs[count.index]}" }
}

resource "aws_route_table" "public" {
  vpc_id = aws_vpc.app.id

  route {
    cidr_block = "0.0.0.0/0"
    gateway_id = aws_internet_gateway.app.id
  }

  route {
    ipv6_cidr_block = "::/0"
    gateway_id      = aws_internet_gateway.app.id
  }

  tags = { Name = "app-public" }
}

resource "aws_route_table_association" "public" {
  count = 2

  subnet_id      = aws_subnet.public[count.index].id
  route_table_id = aws_route_table.public.id
}

resource "aws_route_table" "private" {
  count = 2

  vpc_id = aws_vpc.app.id

  tags = { Name = "app-private-${local.azs[count.index]}" }
}

resource "aws_route" "private_default" {
  count = 2

  route_table_id         = aws_route_table.private[count.index].id
  destination_cidr_block = "0.0.0.0/0"
  nat_gateway_id         = aws_nat_gateway.app[count.index].id
}

resource "aws_route" "private_ipv6_default" {
  count = 2

  route_table_id              = aws_route_table.private[count.index].id
  destination_ipv6_cidr_block = "::/0"
  egress_only_gateway_id      = aws_egress_only_internet_gateway.app.id
}

resource "aws_route" "private_office" {
  count = 2

  route_table_id         = aws_route_table.private[count.index].id
  destination_cidr_block = local.office
  transit_gateway_id     = aws_ec2_transit_gateway.hub.id

  depends_on = [aws_ec2_transit_gateway_vpc_attachment.app]
}

resource "aws_route" "private_shared" {
  count = 2

  route_table_id         = aws_route_table.private[count.index].id
  destination_cidr_block = aws_vpc.shared.cidr_block
  transit_gateway_id     = aws_ec2_transit_gateway.hub.id

  depends_on = [aws_ec2_transit_gateway_vpc_attachment.app]
}

resource "aws_route" "private_data" {
  count = 2

  route_table_id            = aws_route_table.private[count.index].id
  destination_cidr_block    = aws_vpc.data.cidr_block
  vpc_peering_connection_id = aws_vpc_peering_connection_accepter.app_data.id
}

resource "aws_route_table_association" "private" {
  count = 2

  subnet_id      = aws_subnet.private[count.index].id
  route_table_id = aws_route_table.private[count.index].id
}

resource "aws_security_group" "app" {
  name        = "app"
  description = "Application servers"
  vpc_id      = aws_vpc.app.id

  tags = { Name = "app" }
}

resource "aws_vpc_security_group_ingress_rule" "app_from_vpc" {
  security_group_id = aws_security_group.app.id
  cidr_ipv4         = local.app_cidr
  ip_protocol       = "tcp"
  from_port         = 8080
  to_port           = 8080
}

resource "aws_vpc_security_group_ingress_rule" "app_from_office" {
  security_group_id = aws_security_group.app.id
  cidr_ipv4         = local.office
  ip_protocol       = "tcp"
  from_port         = 22
  to_port           = 22
}

resource "aws_vpc_security_group_egress_rule" "app_out" {
  security_group_id = aws_security_group.app.id
  cidr_ipv4         = "0.0.0.0/0"
  ip_protocol       = "-1"
}

resource "aws_vpc_security_group_egress_rule" "app_out_ipv6" {
  security_group_id = aws_security_group.app.id
  cidr_ipv6         = "::/0"
  ip_protocol       = "-1"
}

resource "aws_security_group" "endpoints" {
  name        = "endpoints"
  description = "Interface endpoints"
  vpc_id      = aws_vpc.app.id

  ingress {
    description     = "HTTPS from the application"
    from_port       = 443
    to_port         = 443
    protocol        = "tcp"
    security_groups = [aws_security_group.app.id]
  }

  tags = { Name = "endpoints" }
}

resource "aws_instance" "app" {
  ami                    = data.aws_ami.al2023.id
  instance_type          = "t3.small"
  subnet_id              = aws_subnet.private[0].id
  vpc_security_group_ids = [aws_security_group.app.id]

  metadata_options {
    http_tokens = "required"
  }

  tags = { Name = "app-1" }
}

# --- endpoints -----------------------------------------------------------------------------------------------------

resource "aws_vpc_endpoint" "s3" {
  vpc_id            = aws_vpc.app.id
  service_name      = "com.amazonaws.${data.aws_region.london.name}.s3"
  vpc_endpoint_type = "Gateway"
  route_table_ids   = aws_route_table.private[*].id

  tags = { Name = "s3" }
}

resource "aws_vpc_endpoint" "dynamodb" {
  vpc_id            = aws_vpc.app.id
  service_name      = "com.amazonaws.${data.aws_region.london.name}.dynamodb"
  vpc_endpoint_type = "Gateway"
  route_table_ids   = aws_route_table.private[*].id

  tags = { Name = "dynamodb" }
}

data "aws_vpc_endpoint_service" "interface" {
  for_each = toset(["ssm", "sts"])

  service      = each.key
  service_type = "Interface"
}

resource "aws_vpc_endpoint" "interface" {
  for_each = data.aws_vpc_endpoint_service.interface

  vpc_id              = aws_vpc.app.id
  service_name        = each.value.service_name
  vpc_endpoint_type   = "Interface"
  subnet_ids          = aws_subnet.private[*].id
  security_group_ids  = [aws_security_group.endpoints.id]
  private_dns_enabled = true

  tags = { Name = each.key }
}

# --- shared services VPC, transit gateway and the office VPN --------------------------------------------------------------

resource "aws_vpc" "shared" {
  cidr_block = "10.100.0.0/16"

  tags = { Name = "shared-services" }
}

resource "aws_subnet" "shared" {
  count = 2

  vpc_id            = aws_vpc.shared.id
  availability_zone = local.azs[count.index]
  cidr_block        = cidrsubnet(aws_vpc.shared.cidr_block, 8, count.index)

  tags = { Name = "shared-${local.azs[count.index]}" }
}

resource "aws_route" "shared_to_app" {
  route_table_id         = aws_vpc.shared.main_route_table_id
  destination_cidr_block = local.app_cidr
  transit_gateway_id     = aws_ec2_transit_gateway.hub.id

  depends_on = [aws_ec2_transit_gateway_vpc_attachment.shared]
}

resource "aws_ec2_transit_gateway" "hub" {
  description     = "estate hub"
  amazon_side_asn = 64512

  tags = { Name = "hub" }
}

resource "aws_ec2_transit_gateway_vpc_attachment" "app" {
  transit_gateway_id = aws_ec2_transit_gateway.hub.id
  vpc_id             = aws_vpc.app.id
  subnet_ids         = aws_subnet.private[*].id
  ipv6_support       = "enable"

  tags = { Name = "app" }
}

resource "aws_ec2_transit_gateway_vpc_attachment" "shared" {
  transit_gateway_id = aws_ec2_transit_gateway.hub.id
  vpc_id             = aws_vpc.shared.id
  subnet_ids         = aws_subnet.shared[*].id

  tags = { Name = "shared" }
}

resource "aws_customer_gateway" "office" {
  bgp_asn    = 65000
  ip_address = "198.51.100.1"
  type       = "ipsec.1"

  tags = { Name = "office" }
}

resource "aws_vpn_connection" "office" {
  customer_gateway_id = aws_customer_gateway.office.id
  transit_gateway_id  = aws_ec2_transit_gateway.hub.id
  type                = "ipsec.1"
  static_routes_only  = true

  tags = { Name = "office" }
}

resource "aws_ec2_transit_gateway_route" "office" {
  destination_cidr_block         = local.office
  transit_gateway_attachment_id  = aws_vpn_connection.office.transit_gateway_attachment_id
  transit_gateway_route_table_id = aws_ec2_transit_gateway.hub.association_default_route_table_id
}

# === second account, us-east-1: the data VPC and DynamoDB, over inter-Region peering =======================================

resource "aws_vpc" "data" {
  provider = aws.shared_east

  cidr_block           = "10.200.0.0/16"
  enable_dns_support   = true
  enable_dns_hostnames = true

  tags = { Name = "data" }
}

resource "aws_subnet" "data" {
  provider = aws.shared_east
  count    = 2

  vpc_id            = aws_vpc.data.id
  availability_zone = data.aws_availability_zones.virginia.names[count.index]
  cidr_block        = cidrsubnet(aws_vpc.data.cidr_block, 8, count.index)

  tags = { Name = "data-${count.index}" }
}

resource "aws_security_group" "dynamodb_endpoint" {
  provider = aws.shared_east

  name        = "dynamodb-endpoint"
  description = "DynamoDB interface endpoint, reached from the application VPC over peering"
  vpc_id      = aws_vpc.data.id

  ingress {
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = [local.app_cidr, aws_vpc.data.cidr_block]
  }

  tags = { Name = "dynamodb-endpoint" }
}

resource "aws_vpc_endpoint" "dynamodb_interface" {
  provider = aws.shared_east

  vpc_id             = aws_vpc.data.id
  service_name       = "com.amazonaws.${data.aws_region.virginia.name}.dynamodb"
  vpc_endpoint_type  = "Interface"
  subnet_ids         = aws_subnet.data[*].id
  security_group_ids = [aws_security_group.dynamodb_endpoint.id]

  tags = { Name = "dynamodb" }
}

resource "aws_dynamodb_table" "orders" {
  provider = aws.shared_east

  name         = "orders"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "order_id"

  attribute {
    name = "order_id"
    type = "S"
  }

  tags = { Name = "orders" }
}

resource "aws_vpc_peering_connection" "app_data" {
  vpc_id        = aws_vpc.app.id
  peer_vpc_id   = aws_vpc.data.id
  peer_owner_id = data.aws_caller_identity.platform.account_id
  peer_region   = data.aws_region.virginia.name

  tags = { Name = "app-data" }
}

resource "aws_vpc_peering_connection_accepter" "app_data" {
  provider = aws.shared_east

  vpc_peering_connection_id = aws_vpc_peering_connection.app_data.id
  auto_accept               = true

  tags = { Name = "app-data" }
}

resource "aws_route" "data_to_app" {
  provider = aws.shared_east

  route_table_id            = aws_vpc.data.main_route_table_id
  destination_cidr_block    = local.app_cidr
  vpc_peering_connection_id = aws_vpc_peering_connection_accepter.app_data.id
}

# === second account, eu-west-2: the orders service over PrivateLink ======================================================

resource "aws_vpc" "orders" {
  provider = aws.shared

  cidr_block = "10.50.0.0/16"

  tags = { Name = "orders-service" }
}

resource "aws_subnet" "orders" {
  provider = aws.shared
  count    = 2

  vpc_id            = aws_vpc.orders.id
  availability_zone = local.azs[count.index]
  cidr_block        = cidrsubnet(aws_vpc.orders.cidr_block, 8, count.index)

  tags = { Name = "orders-${count.index}" }
}

resource "aws_lb" "orders" {
  provider = aws.shared

  name               = "orders"
  load_balancer_type = "network"
  internal           = true
  subnets            = aws_subnet.orders[*].id

  tags = { Name = "orders" }
}

resource "aws_lb_target_group" "orders" {
  provider = aws.shared

  name        = "orders"
  port        = 8443
  protocol    = "TCP"
  target_type = "ip"
  vpc_id      = aws_vpc.orders.id
}

# The service's servers: one interface per zone, reached from the load balancer's addresses in the VPC.
resource "aws_security_group" "orders" {
  provider = aws.shared

  name        = "orders"
  description = "The orders servers"
  vpc_id      = aws_vpc.orders.id

  ingress {
    from_port   = 8443
    to_port     = 8443
    protocol    = "tcp"
    cidr_blocks = [aws_vpc.orders.cidr_block]
  }

  tags = { Name = "orders" }
}

resource "aws_network_interface" "orders" {
  provider = aws.shared
  count    = 2

  subnet_id       = aws_subnet.orders[count.index].id
  private_ips     = [cidrhost(aws_subnet.orders[count.index].cidr_block, 10)]
  security_groups = [aws_security_group.orders.id]

  tags = { Name = "orders-${count.index}" }
}

resource "aws_lb_target_group_attachment" "orders" {
  provider = aws.shared
  count    = 2

  target_group_arn = aws_lb_target_group.orders.arn
  target_id        = aws_network_interface.orders[count.index].private_ip
}

resource "aws_lb_listener" "orders" {
  provider = aws.shared

  load_balancer_arn = aws_lb.orders.arn
  port              = 443
  protocol          = "TCP"

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.orders.arn
  }
}

resource "aws_vpc_endpoint_service" "orders" {
  provider = aws.shared

  acceptance_required        = true
  network_load_balancer_arns = [aws_lb.orders.arn]

  tags = { Name = "orders" }
}

resource "aws_vpc_endpoint_service_allowed_principal" "app" {
  provider = aws.shared

  vpc_endpoint_service_id = aws_vpc_endpoint_service.orders.id
  principal_arn           = "arn:aws:iam::${data.aws_caller_identity.app.account_id}:root"
}

resource "aws_vpc_endpoint" "orders" {
  vpc_id             = aws_vpc.app.id
  service_name       = aws_vpc_endpoint_service.orders.service_name
  vpc_endpoint_type  = "Interface"
  subnet_ids         = aws_subnet.private[*].id
  security_group_ids = [aws_security_group.endpoints.id]

  tags = { Name = "orders" }

  depends_on = [aws_vpc_endpoint_service_allowed_principal.app]
}

resource "aws_vpc_endpoint_connection_accepter" "orders" {
  provider = aws.shared

  vpc_endpoint_service_id = aws_vpc_endpoint_service.orders.id
  vpc_endpoint_id         = aws_vpc_endpoint.orders.id
}

# === what the estate claims, checked by Reachability Analyzer ===========================================================

resource "aws_ec2_network_insights_path" "app_to_orders" {
  source           = aws_instance.app.primary_network_interface_id
  destination      = aws_vpc_endpoint.orders.id
  protocol         = "tcp"
  destination_port = 443

  depends_on = [aws_vpc_endpoint_connection_accepter.orders]
}

resource "aws_ec2_network_insights_analysis" "app_to_orders" {
  network_insights_path_id = aws_ec2_network_insights_path.app_to_orders.id
  wait_for_completion      = true
}

data "aws_network_interface" "app" {
  id = aws_instance.app.primary_network_interface_id
}

data "aws_security_group" "endpoints" {
  id = aws_security_group.endpoints.id
}

output "orders_endpoint_dns" {
  value = aws_vpc_endpoint.orders.dns_entry[0].dns_name
}

output "assert_estate" {
  value = alltrue([
    aws_ec2_network_insights_analysis.app_to_orders.path_found,
    aws_vpc_peering_connection_accepter.app_data.accept_status == "active",
    data.aws_network_interface.app.subnet_id == aws_subnet.private[0].id,
    data.aws_security_group.endpoints.vpc_id == aws_vpc.app.id,
    data.aws_caller_identity.app.account_id != data.aws_caller_identity.platform.account_id,
  ])
}
