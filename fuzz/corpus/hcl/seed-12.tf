resource "aws_iam_policy" "half_written" {
  name   = "half"
  policy = 
}
