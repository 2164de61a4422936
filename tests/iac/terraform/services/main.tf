# The services around a network: flow logs to an S3 bucket (with the bucket policy AWS documents for log delivery)
# and to a CloudWatch Logs group (with the IAM role flow logs assume); a Network Load Balancer with IP targets and
# two listeners; a Gateway Load Balancer; a DynamoDB table; a private hosted zone naming the load balancer; the VPC
# quota raised through Service Quotas; and a Reachability Analyzer path with its analysis.

data "aws_caller_identity" "current" {}

data "aws_region" "current" {}

data "aws_availability_zones" "available" {
  state = "available"
}

locals {
  account = data.aws_caller_identity.current.account_id
  region  = data.aws_region.current.name
}

resource "aws_vpc" "main" {
  cidr_block = "10.70.0.0/16"

  tags = { Name = "services" }
}

resource "aws_subnet" "private" {
  count = 2

  vpc_id            = aws_vpc.main.id
  availability_zone = data.aws_availability_zones.available.names[count.index]
  cidr_block        = cidrsubnet(aws_vpc.main.cidr_block, 8, count.index)

  tags = { Name = "private-${count.index}" }
}

resource "aws_security_group" "app" {
  name        = "app"
  description = "Application servers"
  vpc_id      = aws_vpc.main.id

  ingress {
    from_port   = 8080
    to_port     = 8080
    protocol    = "tcp"
    cidr_blocks = [aws_vpc.main.cidr_block]
  }

  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }

  tags = { Name = "app" }
}

# --- flow logs to S3 -------------------------------------------------------------------------------------------------

resource "aws_s3_bucket" "flow_logs" {
  bucket        = "flow-logs-${local.account}-${local.region}"
  force_destroy = true

  tags = { Name = "flow-logs" }
}

resource "aws_s3_bucket_policy" "flow_logs" {
  bucket = aws_s3_bucket.flow_logs.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "AWSLogDeliveryWrite"
        Effect    = "Allow"
        Principal = { Service = "delivery.logs.amazonaws.com" }
        Action    = "s3:PutObject"
        Resource  = "${aws_s3_bucket.flow_logs.arn}/AWSLogs/${local.account}/*"
        Condition = {
          StringEquals = { "aws:SourceAccount" = local.account, "s3:x-amz-acl" = "bucket-owner-full-control" }
          ArnLike      = { "aws:SourceArn" = "arn:aws:logs:${local.region}:${local.account}:*" }
        }
      },
      {
        Sid       = "AWSLogDeliveryAclCheck"
        Effect    = "Allow"
        Principal = { Service = "delivery.logs.amazonaws.com" }
        Action    = "s3:GetBucketAcl"
        Resource  = aws_s3_bucket.flow_logs.arn
        Condition = {
          StringEquals = { "aws:SourceAccount" = local.account }
          ArnLike      = { "aws:SourceArn" = "arn:aws:logs:${local.region}:${local.account}:*" }
        }
      },
    ]
  })
}

resource "aws_flow_log" "vpc_to_s3" {
  vpc_id               = aws_vpc.main.id
  traffic_type         = "ALL"
  log_destination_type = "s3"
  log_destination      = aws_s3_bucket.flow_logs.arn

  destination_options {
    file_format        = "parquet"
    per_hour_partition = true
  }

  tags = { Name = "vpc-to-s3" }

  depends_on = [aws_s3_bucket_policy.flow_logs]
}

# --- flow logs to CloudWatch Logs ----------------------------------------------------------------------------------------

resource "aws_cloudwatch_log_group" "flow_logs" {
  name              = "/vpc/services/flow-logs"
  retention_in_days = 14
}

resource "aws_iam_role" "flow_logs" {
  name = "vpc-flow-logs"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "vpc-flow-logs.amazonaws.com" }
      Action    = "sts:AssumeRole"
      Condition = { StringEquals = { "aws:SourceAccount" = local.account } }
    }]
  })
}

resource "aws_iam_role_policy" "flow_logs" {
  name = "deliver-to-cloudwatch-logs"
  role = aws_iam_role.flow_logs.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogGroups", "logs:DescribeLogStreams"]
      Resource = "${aws_cloudwatch_log_group.flow_logs.arn}:*"
    }]
  })
}

resource "aws_flow_log" "subnet_rejects" {
  subnet_id                = aws_subnet.private[0].id
  traffic_type             = "REJECT"
  log_destination_type     = "cloud-watch-logs"
  log_destination          = aws_cloudwatch_log_group.flow_logs.arn
  iam_role_arn             = aws_iam_role.flow_logs.arn
  max_aggregation_interval = 60

  tags = { Name = "subnet-rejects" }
}

# --- a Network Load Balancer ------------------------------------------------------------------------------------------------

resource "aws_lb" "nlb" {
  name               = "orders"
  load_balancer_type = "network"
  internal           = true
  subnets            = aws_subnet.private[*].id
  security_groups    = [aws_security_group.app.id]

  enable_cross_zone_load_balancing = true

  tags = { Name = "orders" }
}

resource "aws_lb_target_group" "ip" {
  name        = "orders-ip"
  port        = 8080
  protocol    = "TCP"
  target_type = "ip"
  vpc_id      = aws_vpc.main.id

  health_check {
    protocol            = "HTTP"
    path                = "/health"
    port                = "traffic-port"
    healthy_threshold   = 3
    unhealthy_threshold = 3
    interval            = 10
  }

  tags = { Name = "orders-ip" }
}

resource "aws_lb_target_group_attachment" "ip" {
  count = 2

  target_group_arn = aws_lb_target_group.ip.arn
  target_id        = cidrhost(aws_subnet.private[count.index].cidr_block, 100)
  port             = 8080
}

resource "aws_lb_target_group" "tls" {
  name        = "orders-tls"
  port        = 8443
  protocol    = "TCP"
  target_type = "ip"
  vpc_id      = aws_vpc.main.id

  tags = { Name = "orders-tls" }
}

resource "aws_lb_target_group_attachment" "tls" {
  target_group_arn = aws_lb_target_group.tls.arn
  target_id        = cidrhost(aws_subnet.private[1].cidr_block, 101)
}

resource "aws_lb_listener" "http" {
  load_balancer_arn = aws_lb.nlb.arn
  port              = 80
  protocol          = "TCP"

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.ip.arn
  }

  tags = { Name = "orders-http" }
}

resource "aws_lb_listener" "tls_passthrough" {
  load_balancer_arn = aws_lb.nlb.arn
  port              = 443
  protocol          = "TCP"

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.tls.arn
  }
}

# --- a Gateway Load Balancer ------------------------------------------------------------------------------------------

resource "aws_lb" "gwlb" {
  name               = "appliances"
  load_balancer_type = "gateway"
  subnets            = aws_subnet.private[*].id

  tags = { Name = "appliances" }
}

resource "aws_lb_target_group" "geneve" {
  name        = "appliances"
  port        = 6081
  protocol    = "GENEVE"
  target_type = "ip"
  vpc_id      = aws_vpc.main.id

  health_check {
    port     = 80
    protocol = "HTTP"
    path     = "/"
  }
}

resource "aws_lb_target_group_attachment" "geneve" {
  target_group_arn = aws_lb_target_group.geneve.arn
  target_id        = cidrhost(aws_subnet.private[0].cidr_block, 50)
}

resource "aws_lb_listener" "gwlb" {
  load_balancer_arn = aws_lb.gwlb.arn

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.geneve.arn
  }
}

# --- a DynamoDB table ------------------------------------------------------------------------------------------------

resource "aws_dynamodb_table" "orders" {
  name         = "orders"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "order_id"
  range_key    = "created_at"

  attribute {
    name = "order_id"
    type = "S"
  }

  attribute {
    name = "created_at"
    type = "N"
  }

  attribute {
    name = "customer_id"
    type = "S"
  }

  global_secondary_index {
    name            = "by-customer"
    hash_key        = "customer_id"
    range_key       = "created_at"
    projection_type = "ALL"
  }

  point_in_time_recovery {
    enabled = true
  }

  ttl {
    attribute_name = "expires_at"
    enabled        = true
  }

  server_side_encryption {
    enabled = true
  }

  tags = { Name = "orders" }
}

# --- private DNS and quotas -------------------------------------------------------------------------------------------

resource "aws_route53_zone" "internal" {
  name    = "services.internal"
  comment = "private names of the services VPC"

  vpc {
    vpc_id = aws_vpc.main.id
  }
}

resource "aws_route53_record" "orders" {
  zone_id = aws_route53_zone.internal.zone_id
  name    = "orders.services.internal"
  type    = "A"

  alias {
    name                   = aws_lb.nlb.dns_name
    zone_id                = aws_lb.nlb.zone_id
    evaluate_target_health = false
  }
}

# VPCs per Region (L-F678F1CE), raised from AWS's default of 5.
resource "aws_servicequotas_service_quota" "vpcs_per_region" {
  service_code = "vpc"
  quota_code   = "L-F678F1CE"
  value        = 10
}

# --- Reachability Analyzer ---------------------------------------------------------------------------------------------

resource "aws_network_interface" "client" {
  subnet_id       = aws_subnet.private[0].id
  security_groups = [aws_security_group.app.id]

  tags = { Name = "client" }
}

resource "aws_network_interface" "server" {
  subnet_id       = aws_subnet.private[1].id
  security_groups = [aws_security_group.app.id]

  tags = { Name = "server" }
}

resource "aws_ec2_network_insights_path" "client_to_server" {
  source           = aws_network_interface.client.id
  destination      = aws_network_interface.server.id
  protocol         = "tcp"
  destination_port = 8080

  tags = { Name = "client-to-server" }
}

resource "aws_ec2_network_insights_analysis" "client_to_server" {
  network_insights_path_id = aws_ec2_network_insights_path.client_to_server.id
  wait_for_completion      = true

  tags = { Name = "client-to-server" }
}

output "nlb_dns_name" {
  value = aws_lb.nlb.dns_name
}

output "assert_reachable" {
  value = aws_ec2_network_insights_analysis.client_to_server.path_found
}
