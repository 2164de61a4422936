# A small network Terraform's AWS provider builds on a live vpcsim (tests/api/test_import_terraform.py): two VPCs
# peered, a third joined to the first by a transit gateway, public and private subnets, an internet gateway, a
# private NAT gateway, an S3 gateway endpoint, security groups with inline and separate rules, a network ACL,
# network interfaces where traffic starts, a Site-to-Site VPN to an office with a static route propagated into the
# data VPC, and a DHCP options set.
# (Instances, Elastic IPs and load balancers are left out: the provider also calls DescribeInstanceTypes,
# DescribeAddressesAttribute and DescribeCapacityReservation, which this vpcsim does not answer yet.)
variable "endpoint" { type = string }
variable "account" { type = string }

provider "aws" {
  region                      = "us-east-1"
  access_key                  = var.account
  secret_key                  = "any"
  skip_credentials_validation = true
  skip_metadata_api_check     = true
  skip_region_validation      = true
  s3_use_path_style           = true
  endpoints {
    ec2      = var.endpoint
    sts      = var.endpoint
    elbv2    = var.endpoint
    s3       = var.endpoint
    dynamodb = var.endpoint
  }
}

resource "aws_vpc" "app" {
  cidr_block           = "10.40.0.0/16"
  enable_dns_hostnames = true
  tags                 = { Name = "app" }
}

resource "aws_vpc" "data" {
  cidr_block = "10.41.0.0/16"
  tags       = { Name = "data" }
}

resource "aws_subnet" "public" {
  vpc_id                  = aws_vpc.app.id
  cidr_block              = "10.40.1.0/24"
  availability_zone       = "us-east-1a"
  map_public_ip_on_launch = true
  tags                    = { Name = "public" }
}

resource "aws_subnet" "private" {
  vpc_id            = aws_vpc.app.id
  cidr_block        = "10.40.2.0/24"
  availability_zone = "us-east-1b"
  tags              = { Name = "private" }
}

resource "aws_subnet" "data" {
  vpc_id            = aws_vpc.data.id
  cidr_block        = "10.41.1.0/24"
  availability_zone = "us-east-1a"
}

resource "aws_internet_gateway" "igw" {
  vpc_id = aws_vpc.app.id
}

resource "aws_nat_gateway" "nat" {
  connectivity_type = "private"
  subnet_id         = aws_subnet.public.id
}

resource "aws_route_table" "public" {
  vpc_id = aws_vpc.app.id
  route {
    cidr_block = "0.0.0.0/0"
    gateway_id = aws_internet_gateway.igw.id
  }
}

resource "aws_route_table" "private" {
  vpc_id = aws_vpc.app.id
}

resource "aws_route" "private_default" {
  route_table_id         = aws_route_table.private.id
  destination_cidr_block = "0.0.0.0/0"
  nat_gateway_id         = aws_nat_gateway.nat.id
}

resource "aws_route" "private_to_data" {
  route_table_id            = aws_route_table.private.id
  destination_cidr_block    = "10.41.0.0/16"
  vpc_peering_connection_id = aws_vpc_peering_connection.app_data.id
}

resource "aws_route_table_association" "public" {
  subnet_id      = aws_subnet.public.id
  route_table_id = aws_route_table.public.id
}

resource "aws_route_table_association" "private" {
  subnet_id      = aws_subnet.private.id
  route_table_id = aws_route_table.private.id
}

resource "aws_vpc_peering_connection" "app_data" {
  vpc_id      = aws_vpc.app.id
  peer_vpc_id = aws_vpc.data.id
  auto_accept = true
}

resource "aws_route" "data_to_app" {
  route_table_id            = aws_vpc.data.main_route_table_id
  destination_cidr_block    = "10.40.0.0/16"
  vpc_peering_connection_id = aws_vpc_peering_connection.app_data.id
}

resource "aws_vpc_endpoint" "s3" {
  vpc_id            = aws_vpc.app.id
  service_name      = "com.amazonaws.us-east-1.s3"
  vpc_endpoint_type = "Gateway"
  route_table_ids   = [aws_route_table.private.id]
}

resource "aws_security_group" "web" {
  name   = "web"
  vpc_id = aws_vpc.app.id
  ingress {
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_security_group" "db" {
  name   = "db"
  vpc_id = aws_vpc.data.id
}

resource "aws_security_group_rule" "db_from_app" {
  type              = "ingress"
  security_group_id = aws_security_group.db.id
  from_port         = 5432
  to_port           = 5432
  protocol          = "tcp"
  cidr_blocks       = ["10.40.0.0/16"]
}

resource "aws_vpc_security_group_egress_rule" "db_out" {
  security_group_id = aws_security_group.db.id
  ip_protocol       = "-1"
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_network_acl" "data" {
  vpc_id     = aws_vpc.data.id
  subnet_ids = [aws_subnet.data.id]
  ingress {
    rule_no    = 100
    action     = "allow"
    protocol   = "tcp"
    from_port  = 5432
    to_port    = 5432
    cidr_block = "10.40.0.0/16"
  }
  ingress {
    rule_no    = 110
    action     = "allow"
    protocol   = "tcp"
    from_port  = 1024
    to_port    = 65535
    cidr_block = "0.0.0.0/0"
  }
  egress {
    rule_no    = 100
    action     = "allow"
    protocol   = "-1"
    from_port  = 0
    to_port    = 0
    cidr_block = "0.0.0.0/0"
  }
}

resource "aws_network_interface" "web" {
  subnet_id       = aws_subnet.public.id
  private_ips     = ["10.40.1.10"]
  security_groups = [aws_security_group.web.id]
  tags            = { Name = "web" }
}

resource "aws_network_interface" "worker" {
  subnet_id       = aws_subnet.private.id
  private_ips     = ["10.40.2.10"]
  security_groups = [aws_security_group.web.id]
  tags            = { Name = "worker" }
}

resource "aws_network_interface" "db" {
  subnet_id       = aws_subnet.data.id
  private_ips     = ["10.41.1.10"]
  security_groups = [aws_security_group.db.id]
  tags            = { Name = "db" }
}

resource "aws_vpc" "shared" {
  cidr_block = "10.42.0.0/16"
  tags       = { Name = "shared" }
}

resource "aws_subnet" "shared" {
  vpc_id            = aws_vpc.shared.id
  cidr_block        = "10.42.1.0/24"
  availability_zone = "us-east-1b"
}

resource "aws_ec2_transit_gateway" "hub" {
  description = "hub"
}

resource "aws_ec2_transit_gateway_vpc_attachment" "app" {
  transit_gateway_id = aws_ec2_transit_gateway.hub.id
  vpc_id             = aws_vpc.app.id
  subnet_ids         = [aws_subnet.private.id]
}

resource "aws_ec2_transit_gateway_vpc_attachment" "shared" {
  transit_gateway_id = aws_ec2_transit_gateway.hub.id
  vpc_id             = aws_vpc.shared.id
  subnet_ids         = [aws_subnet.shared.id]
}

resource "aws_route" "private_to_shared" {
  route_table_id         = aws_route_table.private.id
  destination_cidr_block = "10.42.0.0/16"
  transit_gateway_id     = aws_ec2_transit_gateway.hub.id
  depends_on             = [aws_ec2_transit_gateway_vpc_attachment.app]
}

resource "aws_route" "shared_to_app" {
  route_table_id         = aws_vpc.shared.main_route_table_id
  destination_cidr_block = "10.40.0.0/16"
  transit_gateway_id     = aws_ec2_transit_gateway.hub.id
  depends_on             = [aws_ec2_transit_gateway_vpc_attachment.shared]
}

resource "aws_network_interface" "shared" {
  subnet_id   = aws_subnet.shared.id
  private_ips = ["10.42.1.10"]
}

resource "aws_customer_gateway" "office" {
  bgp_asn    = 65000
  ip_address = "198.51.100.7"
  type       = "ipsec.1"
}

resource "aws_vpn_gateway" "vgw" {
  vpc_id = aws_vpc.data.id
}

resource "aws_vpn_connection" "office" {
  vpn_gateway_id      = aws_vpn_gateway.vgw.id
  customer_gateway_id = aws_customer_gateway.office.id
  type                = "ipsec.1"
  static_routes_only  = true
}

resource "aws_vpn_connection_route" "office" {
  destination_cidr_block = "192.168.50.0/24"
  vpn_connection_id      = aws_vpn_connection.office.id
}

resource "aws_vpn_gateway_route_propagation" "data" {
  vpn_gateway_id = aws_vpn_gateway.vgw.id
  route_table_id = aws_vpc.data.main_route_table_id
}

resource "aws_vpc_dhcp_options" "corp" {
  domain_name         = "corp.internal"
  domain_name_servers = ["AmazonProvidedDNS"]
}

resource "aws_vpc_dhcp_options_association" "data" {
  vpc_id          = aws_vpc.data.id
  dhcp_options_id = aws_vpc_dhcp_options.corp.id
}
