# The services around a network: flow logs to an S3 bucket (with the bucket policy AWS documents for log delivery);
# a DynamoDB table; a private hosted zone naming a server; the VPC quota raised through Service Quotas; and a
# Reachability Analyzer path with its analysis. (Flow logs to CloudWatch Logs: the logging theme; load balancers:
# the privatelink theme.)

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
  ttl     = 60
  records = [aws_network_interface.server.private_ip]
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

output "assert_reachable" {
  value = aws_ec2_network_insights_analysis.client_to_server.path_found
}
