# Lambda functions anyone may invoke: function URLs without auth and permissions for `*`,
# through modules, count and variables (lambda-function-public).

variable "auth" {
  type = string
}

module "webhook" {
  source = "./modules/url"
  name   = "webhook"
}

module "private" {
  source    = "./modules/url"
  name      = "private"
  auth_type = "AWS_IAM"
}

resource "aws_lambda_function_url" "counted" {
  count              = 2
  function_name      = "counted-${count.index}"
  authorization_type = count.index == 0 ? "NONE" : "AWS_IAM"
}

# Known only after apply: not judged.
resource "aws_lambda_function_url" "chosen" {
  function_name      = "chosen"
  authorization_type = var.auth
}

resource "aws_lambda_permission" "from_account" {
  statement_id   = "from-account"
  action         = "lambda:InvokeFunction"
  function_name  = "api"
  principal      = "*"
  source_account = "111122223333"
}
