# VPC endpoints to AWS services in the application account: gateway endpoints (S3, DynamoDB) with route-table
# associations and policies, the prefix lists their routes use; interface endpoints (SSM, EC2) with subnet and
# security-group associations. (Endpoints to services behind load balancers: the privatelink theme.)

data "aws_caller_identity" "app" {}

data "aws_region" "current" {}

data "aws_availability_zones" "available" {
  state = "available"
}

locals {
  azs = slice(data.aws_availability_zones.available.names, 0, 2)
}

# --- the consumer VPC (application account) ---------------------------------------------------------------------------

resource "aws_vpc" "app" {
  cidr_block           = "10.30.0.0/16"
  enable_dns_support   = true
  enable_dns_hostnames = true

  tags = { Name = "app" }
}

resource "aws_subnet" "app" {
  count = 2

  vpc_id            = aws_vpc.app.id
  availability_zone = local.azs[count.index]
  cidr_block        = cidrsubnet(aws_vpc.app.cidr_block, 8, count.index)

  tags = { Name = "app-${count.index}" }
}

resource "aws_route_table" "app" {
  vpc_id = aws_vpc.app.id

  tags = { Name = "app" }
}

resource "aws_route_table_association" "app" {
  count = 2

  subnet_id      = aws_subnet.app[count.index].id
  route_table_id = aws_route_table.app.id
}

resource "aws_security_group" "endpoints" {
  name        = "endpoints"
  description = "HTTPS to interface endpoints from the VPC"
  vpc_id      = aws_vpc.app.id

  ingress {
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = [aws_vpc.app.cidr_block]
  }

  tags = { Name = "endpoints" }
}

resource "aws_security_group" "endpoints_extra" {
  name        = "endpoints-extra"
  description = "Second group for the EC2 endpoint"
  vpc_id      = aws_vpc.app.id

  tags = { Name = "endpoints-extra" }
}

# --- gateway endpoints -----------------------------------------------------------------------------------------------

data "aws_vpc_endpoint_service" "s3" {
  service      = "s3"
  service_type = "Gateway"
}

resource "aws_vpc_endpoint" "s3" {
  vpc_id            = aws_vpc.app.id
  service_name      = data.aws_vpc_endpoint_service.s3.service_name
  vpc_endpoint_type = "Gateway"

  tags = { Name = "s3" }
}

resource "aws_vpc_endpoint_route_table_association" "s3" {
  route_table_id  = aws_route_table.app.id
  vpc_endpoint_id = aws_vpc_endpoint.s3.id
}

resource "aws_vpc_endpoint_policy" "s3" {
  vpc_endpoint_id = aws_vpc_endpoint.s3.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "OwnAccountBuckets"
      Effect    = "Allow"
      Principal = "*"
      Action    = ["s3:GetObject", "s3:PutObject", "s3:ListBucket"]
      Resource  = ["arn:aws:s3:::app-*", "arn:aws:s3:::app-*/*"]
      Condition = { StringEquals = { "aws:PrincipalAccount" = data.aws_caller_identity.app.account_id } }
    }]
  })
}

resource "aws_vpc_endpoint" "dynamodb" {
  vpc_id            = aws_vpc.app.id
  service_name      = "com.amazonaws.${data.aws_region.current.name}.dynamodb"
  vpc_endpoint_type = "Gateway"
  route_table_ids   = [aws_route_table.app.id]
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = "*"
      Action    = "dynamodb:*"
      Resource  = "arn:aws:dynamodb:${data.aws_region.current.name}:${data.aws_caller_identity.app.account_id}:table/*"
    }]
  })

  tags = { Name = "dynamodb" }
}

# The prefix lists the gateway endpoints' routes use, looked up both ways.
data "aws_prefix_list" "s3" {
  prefix_list_id = aws_vpc_endpoint.s3.prefix_list_id
}

data "aws_ec2_managed_prefix_list" "dynamodb" {
  name = "com.amazonaws.${data.aws_region.current.name}.dynamodb"
}

resource "aws_vpc_security_group_egress_rule" "endpoints_to_s3" {
  security_group_id = aws_security_group.endpoints.id
  prefix_list_id    = data.aws_prefix_list.s3.id
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
}

# --- interface endpoints ----------------------------------------------------------------------------------------------

data "aws_vpc_endpoint_service" "ssm" {
  service = "ssm"
}

resource "aws_vpc_endpoint" "ssm" {
  vpc_id              = aws_vpc.app.id
  service_name        = data.aws_vpc_endpoint_service.ssm.service_name
  vpc_endpoint_type   = "Interface"
  subnet_ids          = aws_subnet.app[*].id
  security_group_ids  = [aws_security_group.endpoints.id]
  private_dns_enabled = true

  tags = { Name = "ssm" }
}

# Its subnet and security groups attached by their own resources. (The provider waits a minute after each subnet
# association, by design: hashicorp/terraform-provider-aws#3382; one is enough here.)
resource "aws_vpc_endpoint" "ec2" {
  vpc_id              = aws_vpc.app.id
  service_name        = "com.amazonaws.${data.aws_region.current.name}.ec2"
  vpc_endpoint_type   = "Interface"
  private_dns_enabled = false

  tags = { Name = "ec2" }
}

resource "aws_vpc_endpoint_subnet_association" "ec2" {
  vpc_endpoint_id = aws_vpc_endpoint.ec2.id
  subnet_id       = aws_subnet.app[1].id
}

resource "aws_vpc_endpoint_security_group_association" "ec2" {
  vpc_endpoint_id             = aws_vpc_endpoint.ec2.id
  security_group_id           = aws_security_group.endpoints.id
  replace_default_association = true
}

resource "aws_vpc_endpoint_security_group_association" "ec2_extra" {
  vpc_endpoint_id   = aws_vpc_endpoint.ec2.id
  security_group_id = aws_security_group.endpoints_extra.id

  depends_on = [aws_vpc_endpoint_security_group_association.ec2]
}

# --- lookups ----------------------------------------------------------------------------------------------------------

data "aws_vpc_endpoint" "s3" {
  vpc_id       = aws_vpc.app.id
  service_name = aws_vpc_endpoint.s3.service_name

  depends_on = [aws_vpc_endpoint_route_table_association.s3]
}

output "s3_prefix_list" {
  value = data.aws_prefix_list.s3.name
}

output "ssm_dns" {
  value = aws_vpc_endpoint.ssm.dns_entry[0].dns_name
}

output "assert_endpoints" {
  value = alltrue([
    data.aws_vpc_endpoint.s3.id == aws_vpc_endpoint.s3.id,
    contains(data.aws_vpc_endpoint.s3.route_table_ids, aws_route_table.app.id),
    data.aws_ec2_managed_prefix_list.dynamodb.id == aws_vpc_endpoint.dynamodb.prefix_list_id,
    length(aws_vpc_endpoint.ssm.network_interface_ids) == 2,
    data.aws_vpc_endpoint_service.ssm.service_type == "Interface",
  ])
}
