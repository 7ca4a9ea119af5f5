resource "aws_iam_group_policy" "admins" {
  name  = "admins"
  group = "admins"
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "*:*", Resource = "*" }]
  })
}
