# The VPC building blocks of one account in one Region: a dual-stack application VPC with public, private and
# IPv6-only subnets, its gateways, route tables to every local target, network ACLs and security groups in every
# rule style, prefix lists, network interfaces and a private instance; a spoke VPC with a separately associated IPv6
# block and its own main route table; and the account's default VPC adopted.

data "aws_availability_zones" "available" {
  state = "available"
}

data "aws_caller_identity" "current" {}

data "aws_region" "current" {}

data "aws_ami" "al2023" {
  most_recent = true
  owners      = ["amazon"]

  filter {
    name   = "name"
    values = ["al2023-ami-2023.*-x86_64"]
  }

  filter {
    name   = "architecture"
    values = ["x86_64"]
  }

  filter {
    name   = "virtualization-type"
    values = ["hvm"]
  }
}

locals {
  azs        = slice(data.aws_availability_zones.available.names, 0, 2)
  office_ssh = "203.0.113.0/24"
}

# --- the application VPC ---------------------------------------------------------------------------------------------

resource "aws_vpc" "main" {
  cidr_block                       = "10.10.0.0/16"
  assign_generated_ipv6_cidr_block = true
  enable_dns_support               = true
  enable_dns_hostnames             = true

  tags = { Name = "main" }
}

resource "aws_vpc_ipv4_cidr_block_association" "secondary" {
  vpc_id     = aws_vpc.main.id
  cidr_block = "10.11.0.0/16"
}

resource "aws_vpc_dhcp_options" "corp" {
  domain_name         = "corp.example.internal"
  domain_name_servers = ["AmazonProvidedDNS"]
  ntp_servers         = ["169.254.169.123"]

  tags = { Name = "corp" }
}

resource "aws_vpc_dhcp_options_association" "main" {
  vpc_id          = aws_vpc.main.id
  dhcp_options_id = aws_vpc_dhcp_options.corp.id
}

# Lock the default security group down: no rules at all.
resource "aws_default_security_group" "main" {
  vpc_id = aws_vpc.main.id

  tags = { Name = "main-default-deny" }
}

resource "aws_subnet" "public" {
  count = 2

  vpc_id                          = aws_vpc.main.id
  availability_zone               = local.azs[count.index]
  cidr_block                      = cidrsubnet(aws_vpc.main.cidr_block, 8, count.index)
  ipv6_cidr_block                 = cidrsubnet(aws_vpc.main.ipv6_cidr_block, 8, count.index)
  map_public_ip_on_launch         = true
  assign_ipv6_address_on_creation = true

  tags = { Name = "public-${count.index}", Tier = "public" }
}

resource "aws_subnet" "private" {
  count = 2

  vpc_id            = aws_vpc.main.id
  availability_zone = local.azs[count.index]
  cidr_block        = cidrsubnet(aws_vpc.main.cidr_block, 8, 10 + count.index)
  ipv6_cidr_block   = cidrsubnet(aws_vpc.main.ipv6_cidr_block, 8, 10 + count.index)

  tags = { Name = "private-${count.index}", Tier = "private" }
}

resource "aws_subnet" "ipv6_only" {
  vpc_id                                         = aws_vpc.main.id
  availability_zone                              = local.azs[0]
  ipv6_native                                    = true
  ipv6_cidr_block                                = cidrsubnet(aws_vpc.main.ipv6_cidr_block, 8, 20)
  assign_ipv6_address_on_creation                = true
  enable_resource_name_dns_aaaa_record_on_launch = true
  enable_dns64                                   = true

  tags = { Name = "ipv6-only", Tier = "private" }
}

resource "aws_subnet" "secondary" {
  vpc_id            = aws_vpc_ipv4_cidr_block_association.secondary.vpc_id
  availability_zone = local.azs[1]
  cidr_block        = cidrsubnet(aws_vpc_ipv4_cidr_block_association.secondary.cidr_block, 8, 0)

  tags = { Name = "secondary", Tier = "private" }
}

resource "aws_internet_gateway" "main" {
  vpc_id = aws_vpc.main.id

  tags = { Name = "main" }
}

resource "aws_egress_only_internet_gateway" "main" {
  vpc_id = aws_vpc.main.id

  tags = { Name = "main" }
}

resource "aws_eip" "nat" {
  domain = "vpc"

  tags = { Name = "nat" }

  depends_on = [aws_internet_gateway.main]
}

resource "aws_nat_gateway" "public" {
  allocation_id = aws_eip.nat.id
  subnet_id     = aws_subnet.public[0].id

  tags = { Name = "public" }

  depends_on = [aws_internet_gateway.main]
}

resource "aws_nat_gateway" "private" {
  connectivity_type = "private"
  subnet_id         = aws_subnet.private[1].id

  tags = { Name = "private" }
}

# Public subnets: inline routes to the internet gateway, both address families.
resource "aws_route_table" "public" {
  vpc_id = aws_vpc.main.id

  route {
    cidr_block = "0.0.0.0/0"
    gateway_id = aws_internet_gateway.main.id
  }

  route {
    ipv6_cidr_block = "::/0"
    gateway_id      = aws_internet_gateway.main.id
  }

  tags = { Name = "public" }
}

resource "aws_route_table_association" "public" {
  count = 2

  subnet_id      = aws_subnet.public[count.index].id
  route_table_id = aws_route_table.public.id
}

# The main route table serves every subnet without its own association: out through the NAT and egress-only gateways.
resource "aws_default_route_table" "main" {
  default_route_table_id = aws_vpc.main.default_route_table_id

  route {
    cidr_block     = "0.0.0.0/0"
    nat_gateway_id = aws_nat_gateway.public.id
  }

  route {
    ipv6_cidr_block        = "::/0"
    egress_only_gateway_id = aws_egress_only_internet_gateway.main.id
  }

  tags = { Name = "main-private" }
}

# The IPv6-only and secondary subnets: routes as separate resources, to every other local target.
resource "aws_route_table" "isolated" {
  vpc_id = aws_vpc.main.id

  tags = { Name = "isolated" }
}

resource "aws_route" "isolated_ipv6_egress" {
  route_table_id              = aws_route_table.isolated.id
  destination_ipv6_cidr_block = "::/0"
  egress_only_gateway_id      = aws_egress_only_internet_gateway.main.id
}

resource "aws_route" "isolated_dns64" {
  route_table_id              = aws_route_table.isolated.id
  destination_ipv6_cidr_block = "64:ff9b::/96"
  nat_gateway_id              = aws_nat_gateway.public.id
}

resource "aws_route" "isolated_partners" {
  route_table_id         = aws_route_table.isolated.id
  destination_cidr_block = "192.168.0.0/16"
  nat_gateway_id         = aws_nat_gateway.private.id
}

resource "aws_route" "isolated_partner_public" {
  route_table_id         = aws_route_table.isolated.id
  destination_cidr_block = "198.51.100.0/24"
  gateway_id             = aws_internet_gateway.main.id
}

resource "aws_route" "isolated_appliance" {
  route_table_id         = aws_route_table.isolated.id
  destination_cidr_block = "172.16.0.0/12"
  network_interface_id   = aws_network_interface.appliance.id
}

resource "aws_route" "isolated_office" {
  route_table_id             = aws_route_table.isolated.id
  destination_prefix_list_id = aws_ec2_managed_prefix_list.office.id
  network_interface_id       = aws_network_interface.appliance.id
}

resource "aws_route_table_association" "ipv6_only" {
  subnet_id      = aws_subnet.ipv6_only.id
  route_table_id = aws_route_table.isolated.id
}

resource "aws_route_table_association" "secondary" {
  subnet_id      = aws_subnet.secondary.id
  route_table_id = aws_route_table.isolated.id
}

# Ingress routing: traffic from the internet to the first public subnet passes the appliance first.
resource "aws_route_table" "edge" {
  vpc_id = aws_vpc.main.id

  tags = { Name = "edge" }
}

resource "aws_route" "edge_to_appliance" {
  route_table_id         = aws_route_table.edge.id
  destination_cidr_block = aws_subnet.public[0].cidr_block
  network_interface_id   = aws_network_interface.appliance.id
}

resource "aws_route_table_association" "edge" {
  gateway_id     = aws_internet_gateway.main.id
  route_table_id = aws_route_table.edge.id
}

# --- network ACLs ------------------------------------------------------------------------------------------------------

resource "aws_network_acl" "public" {
  vpc_id     = aws_vpc.main.id
  subnet_ids = aws_subnet.public[*].id

  ingress {
    protocol   = "tcp"
    rule_no    = 100
    action     = "allow"
    cidr_block = "0.0.0.0/0"
    from_port  = 443
    to_port    = 443
  }

  ingress {
    protocol        = "tcp"
    rule_no         = 101
    action          = "allow"
    ipv6_cidr_block = "::/0"
    from_port       = 443
    to_port         = 443
  }

  ingress {
    protocol   = "tcp"
    rule_no    = 110
    action     = "allow"
    cidr_block = "0.0.0.0/0"
    from_port  = 1024
    to_port    = 65535
  }

  ingress {
    protocol   = "tcp"
    rule_no    = 120
    action     = "deny"
    cidr_block = local.office_ssh
    from_port  = 22
    to_port    = 22
  }

  egress {
    protocol   = "-1"
    rule_no    = 100
    action     = "allow"
    cidr_block = "0.0.0.0/0"
    from_port  = 0
    to_port    = 0
  }

  egress {
    protocol        = "-1"
    rule_no         = 101
    action          = "allow"
    ipv6_cidr_block = "::/0"
    from_port       = 0
    to_port         = 0
  }

  tags = { Name = "public" }
}

resource "aws_network_acl" "private" {
  vpc_id = aws_vpc.main.id

  tags = { Name = "private" }
}

resource "aws_network_acl_rule" "private_from_vpc" {
  network_acl_id = aws_network_acl.private.id
  rule_number    = 100
  egress         = false
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = aws_vpc.main.cidr_block
  from_port      = 0
  to_port        = 65535
}

resource "aws_network_acl_rule" "private_icmp" {
  network_acl_id = aws_network_acl.private.id
  rule_number    = 110
  egress         = false
  protocol       = "icmp"
  rule_action    = "allow"
  cidr_block     = aws_vpc.main.cidr_block
  icmp_type      = -1
  icmp_code      = -1
}

resource "aws_network_acl_rule" "private_ipv6_in" {
  network_acl_id  = aws_network_acl.private.id
  rule_number     = 120
  egress          = false
  protocol        = "-1"
  rule_action     = "allow"
  ipv6_cidr_block = aws_vpc.main.ipv6_cidr_block
}

resource "aws_network_acl_rule" "private_out" {
  network_acl_id = aws_network_acl.private.id
  rule_number    = 100
  egress         = true
  protocol       = "-1"
  rule_action    = "allow"
  cidr_block     = "0.0.0.0/0"
}

resource "aws_network_acl_association" "private" {
  count = 2

  network_acl_id = aws_network_acl.private.id
  subnet_id      = aws_subnet.private[count.index].id
}

# --- prefix lists and security groups ----------------------------------------------------------------------------------

resource "aws_ec2_managed_prefix_list" "office" {
  name           = "office"
  address_family = "IPv4"
  max_entries    = 5

  entry {
    cidr        = local.office_ssh
    description = "headquarters"
  }

  tags = { Name = "office" }
}

resource "aws_ec2_managed_prefix_list" "partners" {
  name           = "partners"
  address_family = "IPv4"
  max_entries    = 10

  tags = { Name = "partners" }
}

resource "aws_ec2_managed_prefix_list_entry" "partner_a" {
  prefix_list_id = aws_ec2_managed_prefix_list.partners.id
  cidr           = "198.51.100.0/24"
  description    = "partner A"
}

resource "aws_ec2_managed_prefix_list_entry" "partner_b" {
  prefix_list_id = aws_ec2_managed_prefix_list.partners.id
  cidr           = "192.0.2.0/24"
  description    = "partner B"
}

# Inline rules.
resource "aws_security_group" "web" {
  name        = "web"
  description = "Web tier"
  vpc_id      = aws_vpc.main.id

  ingress {
    description      = "HTTPS from anywhere"
    from_port        = 443
    to_port          = 443
    protocol         = "tcp"
    cidr_blocks      = ["0.0.0.0/0"]
    ipv6_cidr_blocks = ["::/0"]
  }

  ingress {
    description     = "SSH from the office"
    from_port       = 22
    to_port         = 22
    protocol        = "tcp"
    prefix_list_ids = [aws_ec2_managed_prefix_list.office.id]
  }

  egress {
    from_port        = 0
    to_port          = 0
    protocol         = "-1"
    cidr_blocks      = ["0.0.0.0/0"]
    ipv6_cidr_blocks = ["::/0"]
  }

  tags = { Name = "web" }
}

# Rules as aws_security_group_rule resources.
resource "aws_security_group" "app" {
  name        = "app"
  description = "Application tier"
  vpc_id      = aws_vpc.main.id

  tags = { Name = "app" }
}

resource "aws_security_group_rule" "app_from_web" {
  type                     = "ingress"
  from_port                = 8080
  to_port                  = 8080
  protocol                 = "tcp"
  source_security_group_id = aws_security_group.web.id
  security_group_id        = aws_security_group.app.id
}

resource "aws_security_group_rule" "app_self" {
  type              = "ingress"
  from_port         = 0
  to_port           = 65535
  protocol          = "tcp"
  self              = true
  security_group_id = aws_security_group.app.id
}

resource "aws_security_group_rule" "app_partners" {
  type              = "ingress"
  from_port         = 8443
  to_port           = 8443
  protocol          = "tcp"
  prefix_list_ids   = [aws_ec2_managed_prefix_list.partners.id]
  security_group_id = aws_security_group.app.id
}

resource "aws_security_group_rule" "app_out" {
  type              = "egress"
  from_port         = 0
  to_port           = 0
  protocol          = "-1"
  cidr_blocks       = ["0.0.0.0/0"]
  ipv6_cidr_blocks  = ["::/0"]
  security_group_id = aws_security_group.app.id
}

# Rules as aws_vpc_security_group_ingress_rule / _egress_rule resources.
resource "aws_security_group" "db" {
  name        = "db"
  description = "Database tier"
  vpc_id      = aws_vpc.main.id

  tags = { Name = "db" }
}

resource "aws_vpc_security_group_ingress_rule" "db_from_app" {
  security_group_id            = aws_security_group.db.id
  referenced_security_group_id = aws_security_group.app.id
  ip_protocol                  = "tcp"
  from_port                    = 5432
  to_port                      = 5432
  description                  = "PostgreSQL from the application tier"
}

resource "aws_vpc_security_group_ingress_rule" "db_icmp" {
  security_group_id = aws_security_group.db.id
  cidr_ipv4         = aws_vpc.main.cidr_block
  ip_protocol       = "icmp"
  from_port         = -1
  to_port           = -1
}

resource "aws_vpc_security_group_ingress_rule" "db_ipv6" {
  security_group_id = aws_security_group.db.id
  cidr_ipv6         = aws_vpc.main.ipv6_cidr_block
  ip_protocol       = "tcp"
  from_port         = 5432
  to_port           = 5432
}

resource "aws_vpc_security_group_ingress_rule" "db_office" {
  security_group_id = aws_security_group.db.id
  prefix_list_id    = aws_ec2_managed_prefix_list.office.id
  ip_protocol       = "tcp"
  from_port         = 5432
  to_port           = 5432
}

resource "aws_vpc_security_group_egress_rule" "db_out" {
  security_group_id = aws_security_group.db.id
  cidr_ipv4         = "0.0.0.0/0"
  ip_protocol       = "-1"
}

# --- network interfaces, a key pair and a private instance -----------------------------------------------------------

resource "aws_network_interface" "appliance" {
  subnet_id         = aws_subnet.private[0].id
  private_ips       = [cidrhost(aws_subnet.private[0].cidr_block, 10)]
  security_groups   = [aws_security_group.app.id]
  source_dest_check = false
  description       = "inspection appliance"

  tags = { Name = "appliance" }
}

resource "aws_network_interface" "web" {
  subnet_id          = aws_subnet.public[0].id
  security_groups    = [aws_security_group.web.id]
  ipv6_address_count = 1

  tags = { Name = "web" }
}

resource "aws_eip" "web" {
  domain = "vpc"

  tags = { Name = "web" }

  depends_on = [aws_internet_gateway.main]
}

resource "aws_eip_association" "web" {
  allocation_id        = aws_eip.web.id
  network_interface_id = aws_network_interface.web.id
}

# A second interface for the instance: its security groups come from aws_network_interface_sg_attachment.
resource "aws_network_interface" "instance_data" {
  subnet_id   = aws_subnet.private[0].id
  description = "instance data interface"

  tags = { Name = "instance-data" }
}

resource "aws_network_interface_sg_attachment" "instance_data_db" {
  security_group_id    = aws_security_group.db.id
  network_interface_id = aws_network_interface.instance_data.id
}

resource "aws_key_pair" "deployer" {
  key_name   = "deployer"
  public_key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBhpi3ey7iwVnTDwyuYPvLCNRzmY+IWRsvpG9djdilSQ deployer@example.com"

  tags = { Name = "deployer" }
}

resource "aws_instance" "app" {
  ami                    = data.aws_ami.al2023.id
  instance_type          = "t3.micro"
  subnet_id              = aws_subnet.private[0].id
  vpc_security_group_ids = [aws_security_group.app.id]
  key_name               = aws_key_pair.deployer.key_name
  user_data              = "#!/bin/sh\necho hello\n"

  metadata_options {
    http_tokens = "required"
  }

  root_block_device {
    volume_type = "gp3"
    volume_size = 12
  }

  tags = { Name = "app-1" }
}

# Not every zone offers every type: AWS's documentation for aws_ec2_instance_type_offerings suggests checking.
data "aws_ec2_instance_type_offerings" "t3" {
  filter {
    name   = "instance-type"
    values = ["t3.micro"]
  }
  location_type = "availability-zone"
}

# What vpcsim answers when asked again, by other calls than the ones that created it.
data "aws_instance" "app" {
  instance_id = aws_instance.app.id
  depends_on  = [aws_network_interface_attachment.instance_data]
}

data "aws_ebs_volume" "app_root" {
  filter {
    name   = "attachment.instance-id"
    values = [aws_instance.app.id]
  }
}

output "assert_t3_offered_where_the_app_runs" {
  value = contains(data.aws_ec2_instance_type_offerings.t3.locations, aws_instance.app.availability_zone)
}

output "assert_app_reads_back" {
  value = (data.aws_instance.app.metadata_options[0].http_tokens == "required"
    && data.aws_instance.app.key_name == "deployer" && data.aws_instance.app.ami == data.aws_ami.al2023.id
  && data.aws_ebs_volume.app_root.size == 12 && data.aws_ebs_volume.app_root.volume_type == "gp3")
}

resource "aws_network_interface_attachment" "instance_data" {
  instance_id          = aws_instance.app.id
  network_interface_id = aws_network_interface.instance_data.id
  device_index         = 1
}

# --- a spoke VPC: IPv6 associated separately, an attached internet gateway, its own main route table -----------------

resource "aws_vpc" "spoke" {
  cidr_block = "10.20.0.0/16"

  tags = { Name = "spoke" }

  # The IPv6 block comes from aws_vpc_ipv6_cidr_block_association below.
  lifecycle {
    ignore_changes = [assign_generated_ipv6_cidr_block]
  }
}

resource "aws_vpc_ipv6_cidr_block_association" "spoke" {
  vpc_id                           = aws_vpc.spoke.id
  assign_generated_ipv6_cidr_block = true
}

resource "aws_internet_gateway" "spoke" {
  tags = { Name = "spoke" }
}

resource "aws_internet_gateway_attachment" "spoke" {
  internet_gateway_id = aws_internet_gateway.spoke.id
  vpc_id              = aws_vpc.spoke.id
}

resource "aws_subnet" "spoke" {
  vpc_id            = aws_vpc.spoke.id
  availability_zone = local.azs[0]
  cidr_block        = "10.20.1.0/24"
  ipv6_cidr_block   = cidrsubnet(aws_vpc_ipv6_cidr_block_association.spoke.ipv6_cidr_block, 8, 1)

  tags = { Name = "spoke" }
}

resource "aws_route_table" "spoke_main" {
  vpc_id = aws_vpc.spoke.id

  route {
    cidr_block = "0.0.0.0/0"
    gateway_id = aws_internet_gateway_attachment.spoke.internet_gateway_id
  }

  tags = { Name = "spoke-main" }
}

resource "aws_main_route_table_association" "spoke" {
  vpc_id         = aws_vpc.spoke.id
  route_table_id = aws_route_table.spoke_main.id
}

# --- the account's default VPC, adopted ------------------------------------------------------------------------------

resource "aws_default_vpc" "default" {
  tags = { Name = "default" }
}

resource "aws_default_subnet" "first" {
  availability_zone = local.azs[0]

  tags = { Name = "default-first" }
}

data "aws_subnets" "default" {
  filter {
    name   = "vpc-id"
    values = [aws_default_vpc.default.id]
  }

  filter {
    name   = "default-for-az"
    values = ["true"]
  }

  depends_on = [aws_default_subnet.first]
}

resource "aws_default_network_acl" "default" {
  default_network_acl_id = aws_default_vpc.default.default_network_acl_id
  subnet_ids             = data.aws_subnets.default.ids

  ingress {
    protocol   = -1
    rule_no    = 100
    action     = "allow"
    cidr_block = aws_default_vpc.default.cidr_block
    from_port  = 0
    to_port    = 0
  }

  egress {
    protocol   = -1
    rule_no    = 100
    action     = "allow"
    cidr_block = "0.0.0.0/0"
    from_port  = 0
    to_port    = 0
  }

  tags = { Name = "default" }
}
