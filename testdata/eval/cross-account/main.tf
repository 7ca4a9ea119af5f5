# Resource policies that let other accounts in (resource-policy-cross-account): policy
# documents, heredoc, jsonencode and for_each; silent for the owner, the organization, the
# caller identity and trusted accounts.

data "aws_caller_identity" "current" {}

data "aws_iam_policy_document" "reports" {
  statement {
    actions   = ["s3:GetObject"]
    resources = ["arn:aws:s3:::reports/*"]
    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::999988887777:root"]
    }
  }
  # The caller identity's own account: not judged.
  statement {
    actions   = ["s3:PutObject"]
    resources = ["arn:aws:s3:::reports/*"]
    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::${data.aws_caller_identity.current.account_id}:root"]
    }
  }
}

resource "aws_s3_bucket_policy" "reports" {
  bucket = "reports"
  policy = data.aws_iam_policy_document.reports.json
}

resource "aws_sqs_queue" "jobs" {
  name   = "jobs"
  policy = <<-EOF
    {
      "Version": "2012-10-17",
      "Statement": [
        {
          "Effect": "Allow",
          "Principal": { "AWS": "444455556666" },
          "Action": "sqs:SendMessage",
          "Resource": "arn:aws:sqs:eu-west-1:111122223333:jobs"
        },
        {
          "Effect": "Allow",
          "Principal": { "AWS": "arn:aws:iam::111122223333:role/worker" },
          "Action": "sqs:ReceiveMessage",
          "Resource": "arn:aws:sqs:eu-west-1:111122223333:jobs"
        }
      ]
    }
  EOF
}

# AWS's default key policy gives kms:* to the key's own account root; a partner may decrypt.
resource "aws_kms_key" "shared" {
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Effect = "Allow", Principal = { AWS = "arn:aws:iam::111122223333:root" }, Action = "kms:*", Resource = "*" },
      { Effect = "Allow", Principal = { AWS = "arn:aws:iam::777788889999:root" }, Action = ["kms:Decrypt", "kms:DescribeKey"], Resource = "*" },
      { Effect = "Allow", Principal = { AWS = "arn:aws:iam::777788889999:root" }, Action = "kms:Decrypt", Resource = "*",
        Condition = { StringEquals = { "aws:PrincipalOrgID" = "o-a1b2c3d4e5" } } },
    ]
  })
}

resource "aws_sns_topic_policy" "alerts" {
  for_each = { partner = "121212121212", audit = "343434343434" }
  arn      = "arn:aws:sns:eu-west-1:111122223333:alerts-${each.key}"
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { AWS = "arn:aws:iam::${each.value}:root" }, Action = "sns:Subscribe", Resource = "arn:aws:sns:eu-west-1:111122223333:alerts-${each.key}" }]
  })
}

# An organization known only after apply still ties the request.
variable "org_id" {
  type = string
}

resource "aws_ecr_repository_policy" "images" {
  repository = "images"
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { AWS = "arn:aws:iam::565656565656:root" }, Action = "ecr:BatchGetImage", Resource = "*", Condition = { StringEquals = { "aws:PrincipalOrgID" = var.org_id } } }]
  })
}
