# Deployers made by a module, one per team (for_each): each may create Glue jobs and pass
# Glue no role. The ETL role the jobs would wear is here.
resource "aws_iam_role" "etl" {
  name = "etl"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "glue.amazonaws.com" } }]
  })
}

module "deployer" {
  source   = "./modules/deployer"
  for_each = toset(["analytics", "finance"])
  team     = each.key
}
