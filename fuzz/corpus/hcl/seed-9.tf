# A CI deployer and per-team policies. Its plan twin is plan.json (format 1.2, written to
# mirror this configuration): both modes must report the same (rule, address) pairs.

variable "teams" {
  type    = list(string)
  default = ["data", "web"]
}

data "aws_iam_policy_document" "trust" {
  statement {
    actions = ["iam:AssumeRole"]
    principals {
      type        = "AWS"
      identifiers = ["*"]
    }
  }
}

resource "aws_iam_role" "deploy" {
  name               = "deploy"
  assume_role_policy = data.aws_iam_policy_document.trust.json
}

resource "aws_iam_role" "task" {
  name_prefix = "task-"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "ecs-tasks.amazonaws.com" }
    }]
  })
}

# The task role's ARN is known only after apply: the plan cannot render this policy.
resource "aws_iam_role_policy" "deploy" {
  name = "deploy"
  role = aws_iam_role.deploy.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Effect = "Allow", Action = "iam:PassRole", Resource = aws_iam_role.task.arn },
      { Effect = "Allow", Action = "ecs:*", Resource = "*" },
    ]
  })
}

module "team" {
  source   = "./modules/team"
  for_each = toset(var.teams)
  name     = each.key
}

# The worker's task role trusts EC2, not ECS tasks; its ARN is known only after apply, so the
# plan links the two through the configuration's references.
resource "aws_iam_role" "worker" {
  name = "worker"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "ec2.amazonaws.com" }
    }]
  })
}

resource "aws_ecs_task_definition" "worker" {
  family                = "worker"
  task_role_arn         = aws_iam_role.worker.arn
  container_definitions = jsonencode([{ name = "worker", image = "worker:1" }])
}

resource "aws_iam_access_key" "ci" {
  user = "ci"
}
