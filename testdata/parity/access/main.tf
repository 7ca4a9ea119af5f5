# Access too broad or too long-lived: a CI user that may pass and assume any role, in more groups
# than AWS allows; trust open to another account and to any GitHub repository; a role with more
# managed policies than the quota; a Lambda function with a key in its environment and a
# permission without a source. Its plan twin is plan.json (format 1.2, written to mirror this
# configuration): both modes must report the same findings at the same places.

variable "teams" {
  type    = list(string)
  default = ["t01", "t02", "t03", "t04", "t05", "t06", "t07", "t08", "t09", "t10", "t11"]
}

resource "aws_iam_user" "ci" {
  name = "ci"
}

resource "aws_iam_group" "team" {
  for_each = toset(var.teams)
  name     = each.key
}

resource "aws_iam_user_group_membership" "ci" {
  user   = aws_iam_user.ci.name
  groups = [for g in aws_iam_group.team : g.name]
}

resource "aws_iam_user_policy" "ci" {
  name = "ci"
  user = aws_iam_user.ci.name
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = ["iam:PassRole", "sts:AssumeRole"], Resource = "*" }]
  })
}

resource "aws_iam_role" "partner" {
  name = "partner"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { AWS = "arn:aws:iam::999988887777:root" } }]
  })
}

resource "aws_iam_role" "deploy" {
  name = "github-deploy"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRoleWithWebIdentity"
      Principal = { Federated = "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com" }
      Condition = { StringEquals = { "token.actions.githubusercontent.com:aud" = "sts.amazonaws.com" } }
    }]
  })
  managed_policy_arns = [for p in [
    "ReadOnlyAccess", "AmazonS3ReadOnlyAccess", "AmazonEC2ReadOnlyAccess", "AmazonDynamoDBReadOnlyAccess",
    "AmazonSQSReadOnlyAccess", "AmazonSNSReadOnlyAccess", "CloudWatchReadOnlyAccess", "AWSLambda_ReadOnlyAccess",
    "AmazonRDSReadOnlyAccess", "IAMReadOnlyAccess", "AmazonVPCReadOnlyAccess",
  ] : "arn:aws:iam::aws:policy/${p}"]
}

resource "aws_iam_role" "hook" {
  name = "hook"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "lambda.amazonaws.com" } }]
  })
}

# The partner role's ARN is known only after apply: the plan cannot render this policy.
resource "aws_iam_role_policy" "hook" {
  name = "hook"
  role = aws_iam_role.hook.id
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Resource = aws_iam_role.partner.arn }]
  })
}

resource "aws_lambda_function" "hook" {
  function_name = "hook"
  role          = aws_iam_role.hook.arn
  handler       = "index.handler"
  runtime       = "nodejs20.x"
  filename      = "hook.zip"
  environment {
    variables = {
      AWS_ACCESS_KEY_ID = "AKIAIOSFODNN7EXAMPLE"
    }
  }
}

resource "aws_lambda_permission" "uploads" {
  statement_id  = "uploads"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.hook.function_name
  principal     = "s3.amazonaws.com"
}

# An AWS-managed policy is as broad as its document: `s3:*` on every bucket, at the ARN.
resource "aws_iam_role_policy_attachment" "hook_s3" {
  role       = aws_iam_role.hook.name
  policy_arn = "arn:aws:iam::aws:policy/AmazonS3FullAccess"
}

# Lambda functions anyone may invoke (lambda-function-public).
resource "aws_lambda_function_url" "hooks" {
  for_each           = { github = "NONE", internal = "AWS_IAM" }
  function_name      = "hook-${each.key}"
  authorization_type = each.value
}

resource "aws_lambda_permission" "anyone" {
  statement_id  = "anyone"
  action        = "lambda:InvokeFunctionUrl"
  function_name = "hook-github"
  principal     = "*"
}
