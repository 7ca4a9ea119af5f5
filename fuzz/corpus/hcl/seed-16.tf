# Who wears, assumes and passes which role: `iamlint graph` draws it.

resource "aws_iam_group" "developers" {
  name = "developers"
}

resource "aws_iam_user" "alice" {
  name = "alice"
}

resource "aws_iam_user_group_membership" "alice" {
  user   = aws_iam_user.alice.name
  groups = [aws_iam_group.developers.name]
}

resource "aws_iam_group_policy_attachment" "developers" {
  group      = aws_iam_group.developers.name
  policy_arn = "arn:aws:iam::aws:policy/ReadOnlyAccess"
}

resource "aws_iam_role" "deployer" {
  name = "deployer"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { AWS = aws_iam_user.alice.arn } }]
  })
}

resource "aws_iam_user_policy" "alice" {
  user = aws_iam_user.alice.name
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Resource = aws_iam_role.deployer.arn }]
  })
}

resource "aws_iam_role_policy" "deployer" {
  role = aws_iam_role.deployer.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Effect = "Allow", Action = "ecs:RegisterTaskDefinition", Resource = "*" },
      { Effect = "Allow", Action = "iam:PassRole", Resource = [for s in module.service : s.task_role_arn] },
    ]
  })
}

resource "aws_iam_role" "admin" {
  name                = "break-glass"
  assume_role_policy  = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ec2.amazonaws.com" } }] })
  managed_policy_arns = ["arn:aws:iam::aws:policy/AdministratorAccess"]
}

module "service" {
  source   = "./modules/service"
  for_each = toset(["api", "worker"])
  name     = each.key
  # The worker's role trusts EC2 by mistake.
  trusted = each.key == "api" ? "ecs-tasks.amazonaws.com" : "ec2.amazonaws.com"
}

# A build host: an instance wears a profile that carries a role, capped by a boundary.
resource "aws_iam_policy" "boundary" {
  name   = "build-boundary"
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = ["s3:*", "ecr:*"], Resource = "*" }] })
}

resource "aws_iam_role" "build" {
  name                 = "build"
  permissions_boundary = aws_iam_policy.boundary.arn
  assume_role_policy   = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ec2.amazonaws.com" } }] })
}

resource "aws_iam_instance_profile" "build" {
  name = "build"
  role = aws_iam_role.build.name
}

resource "aws_instance" "build" {
  ami                  = "ami-12345678"
  instance_type        = "t3.micro"
  iam_instance_profile = aws_iam_instance_profile.build.name
}

# Anyone in the account whose policies allow it may assume the auditor role; the developers may.
resource "aws_iam_role" "auditor" {
  name               = "auditor"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { AWS = "arn:aws:iam::${data.aws_caller_identity.current.account_id}:root" } }] })
}

data "aws_caller_identity" "current" {}

resource "aws_iam_group_policy" "developers" {
  group = aws_iam_group.developers.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Effect = "Allow", Action = "sts:AssumeRole", Resource = aws_iam_role.auditor.arn },
      # The build role may be handed to EC2 only.
      { Effect = "Allow", Action = "iam:PassRole", Resource = aws_iam_role.build.arn, Condition = { StringEquals = { "iam:PassedToService" = "ec2.amazonaws.com" } } },
    ]
  })
}
