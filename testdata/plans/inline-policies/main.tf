# A role with several inline_policy blocks: the provider orders them its own way in the plan
# (zeta-read first here), so each plan policy finds its .tf block by what it says, not by its
# position. Its plan twin is plan.json, written to mirror this configuration.

resource "aws_iam_role" "app" {
  name               = "app"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ec2.amazonaws.com" } }] })

  inline_policy {
    name   = "alpha-ec2"
    policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "ec2:*", Resource = "*" }] })
  }

  inline_policy {
    name   = "zeta-read"
    policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "s3:GetObject", Resource = "arn:aws:s3:::bucket/*" }] })
  }
}
