# A root module calling a local module three ways: once, per key with for_each, and (not
# installed) from the registry.

module "ci" {
  source  = "./modules/role"
  name    = "ci"
  service = "codebuild.amazonaws.com"
  actions = ["ecr:GetAuthorizationToken", "iam:*"]
}

module "apps" {
  source   = "./modules/role"
  for_each = toset(["api", "web"])

  name    = "app-${each.key}"
  service = "ecs-tasks.amazonaws.com"
  actions = ["s3:GetObject"]
}

module "vpc" {
  source  = "terraform-aws-modules/vpc/aws"
  version = "5.0.0"
}

resource "aws_iam_policy" "assume_ci" {
  name = "assume-ci"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = "sts:AssumeRole"
      Resource = [module.ci.arn, module.apps["web"].arn]
    }]
  })
}
