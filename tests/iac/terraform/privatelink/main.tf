# PrivateLink between two accounts, and the load balancers behind it. A partner account publishes an API behind a
# Network Load Balancer (IP targets, two TCP listeners) as an endpoint service that needs acceptance (allowed
# principal, connection accepter, connection notification), and an inspection service behind a Gateway Load Balancer
# (GENEVE target group); the application account reaches the first through an interface endpoint and sends office
# traffic through a GatewayLoadBalancer endpoint of the second, which a route points at.

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
  cidr_block           = "10.31.0.0/16"
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
  security_groups    = [aws_security_group.partner.id]

  enable_cross_zone_load_balancing = true

  tags = { Name = "partner-api" }
}

resource "aws_security_group" "partner" {
  provider = aws.shared

  name        = "partner-api"
  description = "The API's load balancer and servers"
  vpc_id      = aws_vpc.partner.id

  ingress {
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["10.0.0.0/8"]
  }

  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }

  tags = { Name = "partner-api" }
}

resource "aws_lb_target_group" "ip" {
  provider = aws.shared

  name        = "partner-api-ip"
  port        = 8080
  protocol    = "TCP"
  target_type = "ip"
  vpc_id      = aws_vpc.partner.id

  health_check {
    protocol            = "HTTP"
    path                = "/health"
    port                = "traffic-port"
    healthy_threshold   = 3
    unhealthy_threshold = 3
    interval            = 10
  }

  tags = { Name = "partner-api-ip" }
}

resource "aws_lb_target_group_attachment" "ip" {
  provider = aws.shared
  count    = 2

  target_group_arn = aws_lb_target_group.ip.arn
  target_id        = cidrhost(aws_subnet.partner[count.index].cidr_block, 100)
  port             = 8080
}

resource "aws_lb_target_group" "tls" {
  provider = aws.shared

  name        = "partner-api-tls"
  port        = 8443
  protocol    = "TCP"
  target_type = "ip"
  vpc_id      = aws_vpc.partner.id

  tags = { Name = "partner-api-tls" }
}

resource "aws_lb_target_group_attachment" "tls" {
  provider = aws.shared

  target_group_arn = aws_lb_target_group.tls.arn
  target_id        = cidrhost(aws_subnet.partner[1].cidr_block, 101)
}

resource "aws_lb_listener" "http" {
  provider = aws.shared

  load_balancer_arn = aws_lb.partner.arn
  port              = 80
  protocol          = "TCP"

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.ip.arn
  }

  tags = { Name = "partner-api-http" }
}

resource "aws_lb_listener" "tls_passthrough" {
  provider = aws.shared

  load_balancer_arn = aws_lb.partner.arn
  port              = 443
  protocol          = "TCP"

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.tls.arn
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

resource "aws_lb_target_group_attachment" "inspection" {
  provider = aws.shared

  target_group_arn = aws_lb_target_group.inspection.arn
  target_id        = cidrhost(aws_subnet.partner[0].cidr_block, 50)
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

data "aws_vpc_endpoint" "partner" {
  id = aws_vpc_endpoint_connection_accepter.partner.vpc_endpoint_id
}

output "partner_service" {
  value = aws_vpc_endpoint_service.partner.service_name
}

output "assert_privatelink" {
  value = alltrue([
    data.aws_vpc_endpoint.partner.state == "available",
    aws_vpc_endpoint.inspection.vpc_endpoint_type == "GatewayLoadBalancer",
    aws_lb.partner.load_balancer_type == "network",
  ])
}
