# Every evaluation feature a policy may go through, each with a finding to prove it was seen.

variable "env" {
  type    = string
  default = "dev"
}

variable "teams" {
  type = map(object({
    actions = list(string)
    admin   = optional(bool, false)
  }))
}

variable "extra_statements" {
  type    = list(any)
  default = []
}

locals {
  prefix  = "corp-${var.env}"
  buckets = ["logs", "reports"]
  bucket_arns = [for b in local.buckets : "arn:aws:s3:::${local.prefix}-${b}"]
  admins = { for name, t in var.teams : name => t if t.admin }
}

# for_each over a map variable, with optional() defaults from terraform.tfvars.
resource "aws_iam_policy" "team" {
  for_each = var.teams
  name     = "${local.prefix}-${each.key}"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
            Action   = each.value.actions
      Resource = concat(local.bucket_arns, [for arn in local.bucket_arns : "${arn}/*"])
    }]
  })
}

# count, and a conditional.
resource "aws_iam_user_policy" "ops" {
  count = var.env == "prod" ? 0 : 2
  name  = "ops-${count.index}"
  user  = "ops"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = count.index == 0 ? "s3:ListBucket" : "kms:*"
      Resource = "*"
    }]
  })
}

# dynamic statements and principals, a condition, a merged source document.
data "aws_iam_policy_document" "base" {
  statement {
    sid     = "Ec2"
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ec2.amazonaws.com"]
    }
  }
}

data "aws_iam_policy_document" "trust" {
  source_policy_documents = [data.aws_iam_policy_document.base.json]

  dynamic "statement" {
    for_each = local.admins
    iterator = admin
    content {
      sid     = "Admin${title(admin.key)}"
      actions = ["sts:AssumeRole"]
      dynamic "principals" {
        for_each = ["*"]
        content {
          type        = "AWS"
          identifiers = [principals.value]
        }
      }
    }
  }
}

resource "aws_iam_role" "admin" {
  name               = "${local.prefix}-admin"
  assume_role_policy = data.aws_iam_policy_document.trust.json
}

# file() and templatefile(): the findings point into the policy files.
resource "aws_iam_policy" "from_file" {
  name   = "from-file"
  policy = file("${path.module}/policies/deploy.json")
}

resource "aws_iam_policy" "from_template" {
  name = "from-template"
  policy = templatefile("${path.module}/policies/bucket.json.tftpl", {
    buckets = local.buckets
    write   = true
  })
}

# Something iamlint cannot know: a coverage note, not a guess.
resource "aws_iam_policy" "extra" {
  name = "extra"
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = concat([{ Effect = "Allow", Action = "s3:GetObject", Resource = "*" }], var.extra_statements, [lookup(var.unknown_map, "x", {})])
  })
}

variable "unknown_map" {
  type = map(any)
}
