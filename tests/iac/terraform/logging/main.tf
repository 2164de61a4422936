# Flow logs to CloudWatch Logs: the log group, the IAM role the flow-logs service assumes to write to it (with its
# inline policy, and a customer managed policy from a policy document), and a flow log of a subnet's rejected traffic
# delivered there every minute. An instance with an instance profile whose role has an AWS managed policy attached.

data "aws_caller_identity" "current" {}

data "aws_availability_zones" "available" {
  state = "available"
}

locals {
  account = data.aws_caller_identity.current.account_id
}

resource "aws_vpc" "main" {
  cidr_block = "10.71.0.0/16"

  tags = { Name = "logging" }
}

resource "aws_subnet" "private" {
  vpc_id            = aws_vpc.main.id
  availability_zone = data.aws_availability_zones.available.names[0]
  cidr_block        = cidrsubnet(aws_vpc.main.cidr_block, 8, 0)

  tags = { Name = "private" }
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
  subnet_id                = aws_subnet.private.id
  traffic_type             = "REJECT"
  log_destination_type     = "cloud-watch-logs"
  log_destination          = aws_cloudwatch_log_group.flow_logs.arn
  iam_role_arn             = aws_iam_role.flow_logs.arn
  max_aggregation_interval = 60

  tags = { Name = "subnet-rejects" }
}


# --- policy documents, a customer managed policy, an instance profile ------------------------------------------------

data "aws_iam_policy_document" "describe_logs" {
  statement {
    actions   = ["logs:DescribeLogGroups", "logs:DescribeLogStreams"]
    resources = ["*"]
  }
}

resource "aws_iam_policy" "describe_logs" {
  name        = "flow-logs-describe"
  path        = "/network/"
  description = "what reading the flow logs' groups needs"
  policy      = data.aws_iam_policy_document.describe_logs.json
}

resource "aws_iam_role_policy_attachment" "flow_logs_describe" {
  role       = aws_iam_role.flow_logs.name
  policy_arn = aws_iam_policy.describe_logs.arn
}

data "aws_iam_policy_document" "ec2_trust" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ec2.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "app" {
  name               = "app"
  assume_role_policy = data.aws_iam_policy_document.ec2_trust.json
}

resource "aws_iam_role_policy_attachment" "app_ssm" {
  role       = aws_iam_role.app.name
  policy_arn = "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"
}

resource "aws_iam_instance_profile" "app" {
  name = "app"
  role = aws_iam_role.app.name
}

data "aws_ami" "al2023" {
  most_recent = true
  owners      = ["amazon"]

  filter {
    name   = "name"
    values = ["al2023-ami-2023.*-x86_64"]
  }
}

resource "aws_instance" "app" {
  ami                  = data.aws_ami.al2023.id
  instance_type        = "t2.micro" # every zone offers it
  subnet_id            = aws_subnet.private.id
  iam_instance_profile = aws_iam_instance_profile.app.name

  tags = { Name = "app" }
}

output "assert_instance_profile_associated" {
  value = aws_instance.app.iam_instance_profile == aws_iam_instance_profile.app.name
}
