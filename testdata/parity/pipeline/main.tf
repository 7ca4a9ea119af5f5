# A nightly pipeline: two state machines launch an ECS task and a SageMaker training job, and
# the machines' role cannot pass either role where it goes. Its plan twin is plan.json (format
# 1.2, written to mirror this configuration): both modes must report the same findings.

resource "aws_iam_role" "task" {
  name = "job-task"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ecs-tasks.amazonaws.com" } }]
  })
}

resource "aws_iam_role" "train" {
  name = "train"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "sagemaker.amazonaws.com" } }]
  })
}

resource "aws_ecs_task_definition" "job" {
  family                = "job"
  task_role_arn         = aws_iam_role.task.arn
  container_definitions = jsonencode([{ name = "job", image = "job:1" }])
}

resource "aws_iam_role" "pipeline" {
  name = "pipeline"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "states.amazonaws.com" } }]
  })
}

# The training role may be passed, but only to ECS.
resource "aws_iam_role_policy" "pipeline" {
  name = "pipeline"
  role = aws_iam_role.pipeline.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "iam:PassRole"
      Resource  = "arn:aws:iam::*:role/train"
      Condition = { StringEquals = { "iam:PassedToService" = "ecs-tasks.amazonaws.com" } }
    }]
  })
}

# Known at plan time: the task definition is named by its family.
resource "aws_sfn_state_machine" "nightly" {
  name     = "nightly"
  role_arn = aws_iam_role.pipeline.arn
  definition = jsonencode({
    StartAt = "Fan out"
    States = {
      "Fan out" = {
        Type = "Parallel"
        End  = true
        Branches = [{
          StartAt = "Run"
          States = {
            Run = {
              Type       = "Task"
              Resource   = "arn:aws:states:::ecs:runTask.sync"
              Parameters = { Cluster = "jobs", TaskDefinition = aws_ecs_task_definition.job.family }
              End        = true
            }
          }
        }]
      }
    }
  })
}

# Known only after apply: the definition names the training role's ARN.
resource "aws_sfn_state_machine" "training" {
  name       = "training"
  role_arn   = aws_iam_role.pipeline.arn
  definition = <<-EOF
    {
      "StartAt": "Train",
      "States": {
        "Train": {
          "Type": "Task",
          "Resource": "arn:aws:states:::sagemaker:createTrainingJob.sync",
          "Parameters": { "RoleArn": "${aws_iam_role.train.arn}", "TrainingJobName.$": "$.name" },
          "End": true
        }
      }
    }
  EOF
}

# A deployer that creates the pipeline's functions but may pass them no role.
resource "aws_iam_user" "deployer" {
  name = "pipeline-deployer"
}

resource "aws_iam_user_policy" "deployer" {
  name = "deploy"
  user = aws_iam_user.deployer.name
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = ["lambda:CreateFunction", "lambda:UpdateFunctionCode"], Resource = "arn:aws:lambda:eu-west-1:111122223333:function:pipeline-*" }]
  })
}
