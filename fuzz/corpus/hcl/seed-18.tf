resource "aws_iam_policy" "legacy" {
  name = "legacy"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect = "Allow"
      # iamlint:ignore service-wildcard-action -- the legacy app needs all of SQS until SEC-211
      Action   = "sqs:*"
      Resource = "arn:aws:sqs:eu-west-1:111122223333:legacy-*"
    }]
  })
}

# iamlint:ignore allow-not-action -- nothing here uses NotAction any more
resource "aws_iam_policy" "reader" {
  name = "reader"
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "kms:*", Resource = "*" }] // iamlint:ignore service-wildcard-action
  })
}
