# Lookups a second stack would make of this network, and what the network exports.

data "aws_vpc" "main" {
  tags = { Name = aws_vpc.main.tags["Name"] }

  depends_on = [aws_vpc.main]
}

data "aws_vpc" "default" {
  default = true

  depends_on = [aws_default_vpc.default]
}

data "aws_subnet" "public_first" {
  vpc_id     = data.aws_vpc.main.id
  cidr_block = aws_subnet.public[0].cidr_block
}

data "aws_subnets" "private" {
  filter {
    name   = "vpc-id"
    values = [aws_vpc.main.id]
  }

  tags = { Tier = "private" }

  depends_on = [aws_subnet.private, aws_subnet.ipv6_only, aws_subnet.secondary]
}

data "aws_route_table" "public_first" {
  subnet_id = aws_subnet.public[0].id

  depends_on = [aws_route_table_association.public]
}

data "aws_security_group" "web" {
  vpc_id = aws_vpc.main.id
  name   = aws_security_group.web.name
}

data "aws_network_interface" "appliance" {
  filter {
    name   = "private-ip-address"
    values = aws_network_interface.appliance.private_ips
  }

  filter {
    name   = "vpc-id"
    values = [aws_vpc.main.id]
  }
}

data "aws_ec2_managed_prefix_list" "office" {
  filter {
    name   = "prefix-list-name"
    values = [aws_ec2_managed_prefix_list.office.name]
  }
}

output "account_id" {
  value = data.aws_caller_identity.current.account_id
}

output "region" {
  value = data.aws_region.current.name
}

output "ami" {
  value = data.aws_ami.al2023.id
}

output "vpc_ipv6_cidr" {
  value = data.aws_vpc.main.ipv6_cidr_block
}

output "private_subnet_ids" {
  value = sort(data.aws_subnets.private.ids)
}

output "public_route_table" {
  value = data.aws_route_table.public_first.id
}

output "appliance_mac" {
  value = data.aws_network_interface.appliance.mac_address
}

output "assert_lookups_agree" {
  value = alltrue([
    data.aws_vpc.main.id == aws_vpc.main.id,
    data.aws_vpc.default.id == aws_default_vpc.default.id,
    data.aws_subnet.public_first.id == aws_subnet.public[0].id,
    length(data.aws_subnets.private.ids) == 4,
    data.aws_route_table.public_first.id == aws_route_table.public.id,
    data.aws_security_group.web.id == aws_security_group.web.id,
    data.aws_network_interface.appliance.id == aws_network_interface.appliance.id,
    data.aws_ec2_managed_prefix_list.office.id == aws_ec2_managed_prefix_list.office.id,
    length(data.aws_ec2_managed_prefix_list.office.entries) == 1,
  ])
}
