variable "name" {
  type = string
}

variable "auth_type" {
  type    = string
  default = "NONE"
}

resource "aws_lambda_function_url" "this" {
  function_name      = var.name
  authorization_type = var.auth_type
}
