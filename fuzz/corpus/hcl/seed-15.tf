resource "aws_iam_policy" "app" {
  name = "app"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Effect = "Allow", Action = "s3:*", Resource = "arn:aws:s3:::app/*" },
      { Effect = "Allow", Action = "s3:GetObject", NotResource = "arn:aws:s3:::secrets/*" },
    ]
  })
}
