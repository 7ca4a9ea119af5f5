#!/usr/bin/env python3
"""Generates a realistic synthetic Terraform tree for the iamlint benchmark.

Usage: generate.py FILES OUT_DIR [FILES_PER_ROOT]

FILES_PER_ROOT (default 40) set to FILES makes one big root module instead of many.

Deterministic for a given FILES. Root module files hold four resource shapes each, about 2.5 KB,
the size of real-world Terraform files rather than one-resource snippets. The tree has root modules (`envs/<n>`), each calling shared
local modules (`modules/<m>`) with count/for_each, plus files of IAM resources in every shape
iamlint evaluates: heredoc and jsonencode policies, policy-document data sources with dynamic
blocks and merged sources, for_each over maps from tfvars, count with conditionals,
templatefile policies, locals with for expressions, and string functions.
"""
import os
import random
import sys

ROOT_FILES = 40  # files per root module
# A write action each service really has (iamlint's unknown-action rule checks).
def arn(svc, name):
    """A real ARN of the service's main resource type."""
    return {
        "s3": f"arn:aws:s3:::{name}/*",
        "dynamodb": f"arn:aws:dynamodb:${{var.region}}:${{var.account_id}}:table/{name}",
        "sqs": f"arn:aws:sqs:${{var.region}}:${{var.account_id}}:{name}",
        "sns": f"arn:aws:sns:${{var.region}}:${{var.account_id}}:{name}",
        "kms": f"arn:aws:kms:${{var.region}}:${{var.account_id}}:key/{name}",
        "logs": f"arn:aws:logs:${{var.region}}:${{var.account_id}}:log-group:{name}:*",
        "ecr": f"arn:aws:ecr:${{var.region}}:${{var.account_id}}:repository/{name}",
        "lambda": f"arn:aws:lambda:${{var.region}}:${{var.account_id}}:function:{name}",
    }[svc]


WRITE = {"s3": "PutObject", "dynamodb": "PutItem", "sqs": "SendMessage", "sns": "Publish",
         "kms": "Encrypt", "logs": "PutLogEvents", "ecr": "PutImage", "lambda": "InvokeFunction"}


def module_files(m):
    """A shared module: a role with a trust document, an inline policy and a template policy."""
    return {
        "variables.tf": f'''variable "name" {{
  type = string
}}

variable "services" {{
  type    = list(string)
  default = ["ec2.amazonaws.com"]
}}

variable "statements" {{
  type = list(object({{
    sid       = string
    actions   = list(string)
    resources = optional(list(string), ["*"])
  }}))
  default = []
}}
''',
        "main.tf": f'''data "aws_iam_policy_document" "trust" {{
  statement {{
    actions = ["sts:AssumeRole"]
    principals {{
      type        = "Service"
      identifiers = var.services
    }}
  }}
}}

data "aws_iam_policy_document" "inline" {{
  dynamic "statement" {{
    for_each = var.statements
    content {{
      sid       = statement.value.sid
      actions   = statement.value.actions
      resources = statement.value.resources
    }}
  }}
}}

resource "aws_iam_role" "this" {{
  name               = "${{var.name}}-m{m}"
  assume_role_policy = data.aws_iam_policy_document.trust.json
}}

resource "aws_iam_role_policy" "inline" {{
  name   = "${{var.name}}-inline"
  role   = aws_iam_role.this.id
  policy = data.aws_iam_policy_document.inline.json
}}

resource "aws_iam_policy" "template" {{
  name = "${{var.name}}-tpl"
  policy = templatefile("${{path.module}}/policy.json.tftpl", {{
    buckets = ["logs-{m}", "data-{m}"]
    write   = {str(m % 2 == 0).lower()}
  }})
}}
''',
        "outputs.tf": '''output "arn" {
  value = aws_iam_role.this.arn
}

output "name" {
  value = aws_iam_role.this.name
}
''',
        "policy.json.tftpl": '''{
  "Version": "2012-10-17",
  "Statement": [
%{ for i, b in buckets ~}
    {
      "Effect": "Allow",
      "Action": ${write ? "[\\"s3:GetObject\\", \\"s3:PutObject\\"]" : "\\"s3:GetObject\\""},
      "Resource": "arn:aws:s3:::${b}/*"
    }${i < length(buckets) - 1 ? "," : ""}
%{ endfor ~}
  ]
}
''',
    }


SHAPES_PER_FILE = 4  # real .tf files hold several resources: a few KB each


def root_file(r, f, rng, modules):
    """One file of a root module: several shapes, a few with findings."""
    return "\n".join(shape(r, f, k, (f + k) % 6, rng, modules) for k in range(SHAPES_PER_FILE))


def shape(r, f, k, kind, rng, modules):
    """One resource shape, named uniquely in its root."""
    svc = rng.choice(["s3", "dynamodb", "sqs", "sns", "kms", "logs", "ecr", "lambda"])
    wild = '"iam:*"' if rng.random() < 0.05 else f'"{svc}:Get*"'
    name = f"r{r}f{f}k{k}"
    if kind == 0:
        m = rng.randrange(modules)
        return f'''module "{name}" {{
  source   = "../../modules/m{m}"
  for_each = toset(["blue", "green"])
  name     = "{name}-${{each.key}}"
  services = ["ecs-tasks.amazonaws.com"]
  statements = [
    {{ sid = "Read", actions = ["{svc}:Get*", "{svc}:List*"] }},
    {{ sid = "Write", actions = ["{svc}:{WRITE[svc]}"], resources = ["{arn(svc, name)}"] }},
  ]
}}

resource "aws_iam_policy" "{name}_assume" {{
  name = "{name}-assume"
  policy = jsonencode({{
    Version = "2012-10-17"
    Statement = [{{
      Effect   = "Allow"
      Action   = "sts:AssumeRole"
      Resource = [for k, m in module.{name} : m.arn]
    }}]
  }})
}}
'''
    if kind == 1:
        return f'''resource "aws_iam_policy" "{name}" {{
  name   = "{name}"
  policy = <<-EOF
    {{
      "Version": "2012-10-17",
      "Statement": [
        {{
          "Sid": "Read",
          "Effect": "Allow",
          "Action": ["{svc}:Get*", "{svc}:List*", {wild}],
          "Resource": "{arn(svc, name)}"
        }},
        {{
          "Effect": "Deny",
          "NotAction": ["{svc}:*"],
          "Resource": "*"
        }}
      ]
    }}
  EOF
}}
'''
    if kind == 2:
        return f'''locals {{
  {name}_buckets = [for i in range(4) : "arn:aws:s3:::${{var.env}}-{name}-${{i}}"]
}}

resource "aws_iam_policy" "{name}" {{
  for_each = var.teams
  name     = "{name}-${{each.key}}"
  policy = jsonencode({{
    Version = "2012-10-17"
    Statement = [
      {{
        Sid      = "Team${{title(each.key)}}"
        Effect   = "Allow"
        Action   = each.value.actions
        Resource = concat(local.{name}_buckets, [for b in local.{name}_buckets : "${{b}}/*"])
      }},
    ]
  }})
}}
'''
    if kind == 3:
        return f'''data "aws_iam_policy_document" "{name}_base" {{
  statement {{
    sid       = "Base"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["arn:aws:logs:*:*:log-group:/{name}/*"]
  }}
}}

data "aws_iam_policy_document" "{name}" {{
  source_policy_documents = [data.aws_iam_policy_document.{name}_base.json]
  statement {{
    sid       = "Data"
    actions   = [{wild}, "{svc}:List*"]
    resources = ["*"]
    condition {{
      test     = "StringEquals"
      variable = "aws:RequestedRegion"
      values   = [var.region]
    }}
  }}
}}

resource "aws_iam_role_policy" "{name}" {{
  name   = "{name}"
  role   = "role-{name}"
  policy = data.aws_iam_policy_document.{name}.json
}}
'''
    if kind == 4:
        return f'''resource "aws_iam_user_policy" "{name}" {{
  count = var.env == "prod" ? 1 : 3
  name  = "{name}-${{count.index}}"
  user  = "user-{name}"
  policy = jsonencode({{
    Version = "2012-10-17"
    Statement = [{{
      Effect   = "Allow"
      Action   = count.index == 0 ? "{svc}:Get*" : {wild}
      Resource = "{arn(svc, name)}-${{count.index}}"
    }}]
  }})
}}
'''
    return f'''data "aws_iam_policy_document" "{name}_trust" {{
  statement {{
    actions = ["sts:AssumeRole"]
    principals {{
      type        = "AWS"
      identifiers = ["arn:aws:iam::${{var.account_id}}:root"]
    }}
    condition {{
      test     = "StringEquals"
      variable = "sts:ExternalId"
      values   = [lower("{name.upper()}")]
    }}
  }}
}}

resource "aws_iam_role" "{name}" {{
  name               = "{name}"
  assume_role_policy = data.aws_iam_policy_document.{name}_trust.json
  inline_policy {{
    name = "inline"
    policy = jsonencode({{
      Version   = "2012-10-17"
      Statement = [{{ Effect = "Allow", Action = ["{svc}:Get*"], Resource = "*" }}]
    }})
  }}
  tags = merge({{ Name = "{name}" }}, {{ for k, v in var.tags : k => upper(v) }})
}}
'''


# What real CI/CD accounts hold: a deployer role and user that may pass and assume any role
# (the shape that makes "who may pass or assume what" quadratic if done pairwise), and operator
# roles that trust the account's root.
DEPLOY = '''resource "aws_iam_role" "deployer" {
  name = "deployer-${var.env}"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { AWS = "arn:aws:iam::${var.account_id}:root" } }]
  })
}

resource "aws_iam_role_policy" "deployer" {
  role = aws_iam_role.deployer.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Sid = "Hand", Effect = "Allow", Action = ["iam:PassRole", "sts:AssumeRole"], Resource = "*" },
      { Sid = "Deploy", Effect = "Allow", Action = ["ecs:UpdateService", "lambda:UpdateFunctionCode"], Resource = "*" },
    ]
  })
}

resource "aws_iam_user" "ci" {
  name = "ci-${var.env}"
}

resource "aws_iam_user_policy" "ci" {
  user = aws_iam_user.ci.name
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = ["sts:AssumeRole", "iam:PassRole"], Resource = "arn:aws:iam::${var.account_id}:role/*" }]
  })
}

resource "aws_iam_role" "ops" {
  for_each = toset(["read", "deploy", "audit", "oncall", "billing"])
  name     = "ops-${each.key}-${var.env}"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { AWS = "arn:aws:iam::${var.account_id}:root" } }]
  })
}
'''


def main():
    global ROOT_FILES
    files, out = int(sys.argv[1]), sys.argv[2]
    if len(sys.argv) > 3:
        ROOT_FILES = int(sys.argv[3])
    rng = random.Random(files)
    roots = max(1, files // (ROOT_FILES + 2))
    modules = max(1, min(20, files // 50))
    written = 0

    def write(path, text):
        nonlocal written
        full = os.path.join(out, path)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "w", encoding="utf-8") as f:
            f.write(text)
        if path.endswith(".tf"):
            written += 1

    for m in range(modules):
        for name, text in module_files(m).items():
            write(f"modules/m{m}/{name}", text)
    r = 0
    while written < files:
        # Each root is its own environment: its IAM names differ from the other roots'.
        write(f"envs/e{r}/variables.tf", '''variable "env" {
  type    = string
  default = "ENV"
}

variable "region" {
  type    = string
  default = "eu-west-1"
}

variable "account_id" {
  type = string
}

variable "teams" {
  type = map(object({
    actions = list(string)
  }))
}

variable "tags" {
  type    = map(string)
  default = {}
}
'''.replace("ENV", f"e{r}"))
        write(f"envs/e{r}/terraform.tfvars", '''teams = {
  data     = { actions = ["s3:GetObject", "s3:PutObject"] }
  platform = { actions = ["s3:ListBucket", "s3:GetBucketLocation"] }
  security = { actions = ["s3:GetBucketPolicy", "s3:GetBucketAcl"] }
}
tags = { owner = "platform", cost = "shared" }
''')
        write(f"envs/e{r}/deploy.tf", DEPLOY)
        for f in range(ROOT_FILES):
            if written >= files:
                break
            write(f"envs/e{r}/f{f:03}.tf", root_file(r, f, rng, modules))
        r += 1
    print(f"{written} .tf files in {r} roots and {modules} modules under {out}")


if __name__ == "__main__":
    main()
