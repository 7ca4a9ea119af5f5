resource "aws_iam_policy" "power_user" {
  name   = "power-user"
  policy = <<-EOF
    {
      "Version": "2012-10-17",
      "Statement": [
        {
          "Effect": "Allow",
          "NotAction": ["iam:*", "organizations:*"],
          "Resource": "*"
        }
      ]
    }
  EOF
}

resource "aws_iam_user_policy" "ops" {
  name   = "ops"
  user   = "ops"
  policy = <<EOF
{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": "s3:GetObject",
      "Resource": "arn:aws:s3:::reports/*",
    }
  ]
}
EOF
}

# iamlint:ignore full-admin-access -- break-glass role, approved in SEC-142
resource "aws_iam_policy" "break_glass" {
  name = "break-glass"
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "*", Resource = "*" }]
  })
}
