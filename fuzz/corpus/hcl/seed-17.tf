variable "name" {
  type = string
}

variable "trusted" {
  type = string
}

resource "aws_iam_role" "task" {
  name = "${var.name}-task"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = var.trusted } }]
  })
}

resource "aws_ecs_task_definition" "this" {
  family                = var.name
  task_role_arn         = aws_iam_role.task.arn
  container_definitions = jsonencode([{ name = var.name, image = "${var.name}:1" }])
}

output "task_role_arn" {
  value = aws_iam_role.task.arn
}
