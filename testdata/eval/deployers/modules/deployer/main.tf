variable "team" {
  type = string
}

resource "aws_iam_role" "this" {
  name = "${var.team}-deployer"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "codebuild.amazonaws.com" } }]
  })
}

data "aws_iam_policy_document" "this" {
  statement {
    actions   = ["glue:CreateJob", "glue:StartJobRun"]
    resources = ["arn:aws:glue:*:*:job/${var.team}-*"]
  }
}

resource "aws_iam_role_policy" "this" {
  role   = aws_iam_role.this.name
  policy = data.aws_iam_policy_document.this.json
}
