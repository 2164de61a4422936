# VPC endpoints of every type in the application account, and PrivateLink services a second account offers it:
# gateway endpoints (S3, DynamoDB) with route-table associations and policies; interface endpoints (SSM, EC2) with
# subnet and security-group associations; a partner service behind a Network Load Balancer that needs acceptance
# (allowed principal, connection accepter, connection notification); an inspection service behind a Gateway Load
# Balancer, reached through a GatewayLoadBalancer endpoint that a route points at.

data "aws_caller_identity" "app" {}

data "aws_caller_identity" "partner" {
  provider = aws.shared
}

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

resource "aws_subnet" "inspection" {
  vpc_id            = aws_vpc.app.id
  availability_zone = local.azs[0]
  cidr_block        = cidrsubnet(aws_vpc.app.cidr_block, 8, 100)

  tags = { Name = "inspection" }
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

# --- a partner's PrivateLink service behind an NLB (second account) -------------------------------------------------------

resource "aws_vpc" "partner" {
  provider = aws.shared

  cidr_block = "10.40.0.0/16"

  tags = { Name = "partner" }
}

resource "aws_subnet" "partner" {
  provider = aws.shared
  count    = 2

  vpc_id            = aws_vpc.partner.id
  availability_zone = local.azs[count.index]
  cidr_block        = cidrsubnet(aws_vpc.partner.cidr_block, 8, count.index)

  tags = { Name = "partner-${count.index}" }
}

resource "aws_lb" "partner" {
  provider = aws.shared

  name               = "partner-api"
  load_balancer_type = "network"
  internal           = true
  subnets            = aws_subnet.partner[*].id

  tags = { Name = "partner-api" }
}

resource "aws_lb_target_group" "partner" {
  provider = aws.shared

  name        = "partner-api"
  port        = 8443
  protocol    = "TCP"
  target_type = "ip"
  vpc_id      = aws_vpc.partner.id
}

resource "aws_lb_listener" "partner" {
  provider = aws.shared

  load_balancer_arn = aws_lb.partner.arn
  port              = 443
  protocol          = "TCP"

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.partner.arn
  }
}

resource "aws_vpc_endpoint_service" "partner" {
  provider = aws.shared

  acceptance_required        = true
  network_load_balancer_arns = [aws_lb.partner.arn]

  tags = { Name = "partner-api" }
}

resource "aws_vpc_endpoint_service_allowed_principal" "app" {
  provider = aws.shared

  vpc_endpoint_service_id = aws_vpc_endpoint_service.partner.id
  principal_arn           = "arn:aws:iam::${data.aws_caller_identity.app.account_id}:root"
}

# An SNS topic ARN in the partner's account; the topic itself lives outside this configuration.
resource "aws_vpc_endpoint_connection_notification" "partner" {
  provider = aws.shared

  vpc_endpoint_service_id     = aws_vpc_endpoint_service.partner.id
  connection_notification_arn = "arn:aws:sns:${data.aws_region.current.name}:${data.aws_caller_identity.partner.account_id}:endpoint-events"
  connection_events           = ["Accept", "Reject", "Connect", "Delete"]
}

resource "aws_vpc_endpoint" "partner" {
  vpc_id             = aws_vpc.app.id
  service_name       = aws_vpc_endpoint_service.partner.service_name
  vpc_endpoint_type  = "Interface"
  subnet_ids         = aws_subnet.app[*].id
  security_group_ids = [aws_security_group.endpoints.id]

  tags = { Name = "partner-api" }

  depends_on = [aws_vpc_endpoint_service_allowed_principal.app]
}

resource "aws_vpc_endpoint_connection_accepter" "partner" {
  provider = aws.shared

  vpc_endpoint_service_id = aws_vpc_endpoint_service.partner.id
  vpc_endpoint_id         = aws_vpc_endpoint.partner.id
}

# --- an inspection service behind a Gateway Load Balancer (second account) ----------------------------------------------

resource "aws_lb" "inspection" {
  provider = aws.shared

  name               = "inspection"
  load_balancer_type = "gateway"
  subnets            = [aws_subnet.partner[0].id]
}

resource "aws_lb_target_group" "inspection" {
  provider = aws.shared

  name        = "inspection"
  port        = 6081
  protocol    = "GENEVE"
  target_type = "ip"
  vpc_id      = aws_vpc.partner.id

  health_check {
    port     = 80
    protocol = "HTTP"
  }
}

resource "aws_lb_listener" "inspection" {
  provider = aws.shared

  load_balancer_arn = aws_lb.inspection.arn

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.inspection.arn
  }
}

resource "aws_vpc_endpoint_service" "inspection" {
  provider = aws.shared

  acceptance_required        = false
  gateway_load_balancer_arns = [aws_lb.inspection.arn]
  allowed_principals         = ["arn:aws:iam::${data.aws_caller_identity.app.account_id}:root"]

  tags = { Name = "inspection" }
}

resource "aws_vpc_endpoint" "inspection" {
  vpc_id            = aws_vpc.app.id
  service_name      = aws_vpc_endpoint_service.inspection.service_name
  vpc_endpoint_type = "GatewayLoadBalancer"
  subnet_ids        = [aws_subnet.inspection.id]

  tags = { Name = "inspection" }
}

# Traffic leaving the application subnets for the office passes the inspection endpoint.
resource "aws_route" "app_via_inspection" {
  route_table_id         = aws_route_table.app.id
  destination_cidr_block = "192.168.0.0/16"
  vpc_endpoint_id        = aws_vpc_endpoint.inspection.id
}

# --- lookups ----------------------------------------------------------------------------------------------------------

data "aws_vpc_endpoint" "s3" {
  vpc_id       = aws_vpc.app.id
  service_name = aws_vpc_endpoint.s3.service_name

  depends_on = [aws_vpc_endpoint_route_table_association.s3]
}

data "aws_vpc_endpoint" "partner" {
  id = aws_vpc_endpoint_connection_accepter.partner.vpc_endpoint_id
}

output "s3_prefix_list" {
  value = data.aws_prefix_list.s3.name
}

output "ssm_dns" {
  value = aws_vpc_endpoint.ssm.dns_entry[0].dns_name
}

output "partner_service" {
  value = aws_vpc_endpoint_service.partner.service_name
}

output "assert_endpoints" {
  value = alltrue([
    data.aws_vpc_endpoint.s3.id == aws_vpc_endpoint.s3.id,
    contains(data.aws_vpc_endpoint.s3.route_table_ids, aws_route_table.app.id),
    data.aws_ec2_managed_prefix_list.dynamodb.id == aws_vpc_endpoint.dynamodb.prefix_list_id,
    data.aws_vpc_endpoint.partner.state == "available",
    length(aws_vpc_endpoint.ssm.network_interface_ids) == 2,
    data.aws_vpc_endpoint_service.ssm.service_type == "Interface",
  ])
}
