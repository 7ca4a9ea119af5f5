variable "extra_policy" {
  type        = string
  description = "An extra policy document, passed in by the caller."
}
