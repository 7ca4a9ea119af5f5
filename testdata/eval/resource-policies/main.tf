# Resource policies in their shapes: a bucket policy from a policy document behind a public access
# block (low), a queue heredoc open to any AWS principal (critical), a queue whose Deny shuts out
# everyone outside the organization (silent), a key open under aws:SecureTransport only
# (critical), a topic held to one source account (silent).

resource "aws_s3_bucket" "site" {
  bucket = "acme-site"
}
resource "aws_s3_bucket_policy" "site" {
  bucket = aws_s3_bucket.site.id
  policy = data.aws_iam_policy_document.site.json
}
data "aws_iam_policy_document" "site" {
  statement {
    actions   = ["s3:GetObject"]
    resources = ["${aws_s3_bucket.site.arn}/*"]
    principals {
      type        = "*"
      identifiers = ["*"]
    }
  }
}
resource "aws_s3_bucket_public_access_block" "site" {
  bucket                  = aws_s3_bucket.site.id
  restrict_public_buckets = true
}

resource "aws_sqs_queue" "jobs" {
  name   = "jobs"
  policy = <<-EOF
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sqs:SendMessage", "Resource": "*"}]}
  EOF
}

resource "aws_sqs_queue" "org" {
  name   = "org"
  policy = jsonencode({ Version = "2012-10-17", Statement = [
    { Effect = "Allow", Principal = "*", Action = "sqs:SendMessage", Resource = "*" },
    { Effect = "Deny", Principal = "*", Action = "sqs:*", Resource = "*", Condition = { StringNotEquals = { "aws:PrincipalOrgID" = "o-abc" } } },
  ] })
}

resource "aws_kms_key" "k" {
  policy = jsonencode({ Version = "2012-10-17", Statement = [
    { Effect = "Allow", Principal = { AWS = "arn:aws:iam::111122223333:root" }, Action = "kms:*", Resource = "*" },
    { Effect = "Allow", Principal = "*", Action = "kms:Decrypt", Resource = "*", Condition = { Bool = { "aws:SecureTransport" = "true" } } },
  ] })
}

resource "aws_sns_topic" "t" {
  name = "t"
  policy = jsonencode({ Version = "2012-10-17", Statement = [
    { Effect = "Allow", Principal = { Service = "events.amazonaws.com" }, Action = "sns:Publish", Resource = "*" },
    { Effect = "Allow", Principal = { AWS = "*" }, Action = "sns:Publish", Resource = "*", Condition = { StringEquals = { "aws:SourceAccount" = "111122223333" } } },
  ] })
}

resource "aws_lambda_permission" "public" {
  statement_id  = "public"
  action        = "lambda:InvokeFunction"
  function_name = "api"
  principal     = "*"
}

resource "aws_lambda_permission" "bounded" {
  statement_id     = "bounded"
  action           = "lambda:InvokeFunction"
  function_name    = "api"
  principal        = "*"
  principal_org_id = "o-abc"
}
