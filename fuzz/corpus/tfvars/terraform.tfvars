teams = {
  data = {
    actions = ["s3:GetObject", "s3:PutObject"]
  }
  platform = {
    actions = ["ec2:*"]
    admin   = true
  }
}
