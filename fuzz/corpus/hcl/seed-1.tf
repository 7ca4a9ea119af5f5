locals {
  m      = { b = 2, a = 1, c = 3 }
  l      = ["x", "y", "z"]
  n      = [3, 1, 2]
  objs   = [{ name = "a", v = 1 }, { name = "b", v = 2 }]
  nested = [["a", "b"], ["c"], []]
  s      = "Hello, World"
  tags   = { Env = "prod", Team = "sec" }
  users = {
    alice = { admin = true, groups = ["a", "b"] }
    bob   = { admin = false, groups = ["b"] }
  }
  arn = "arn:aws:iam::123456789012:role/app/ci-deployer"
  tpl = "Hello, $${name}!%%{ for i in items } [$${i}]%%{ endfor }"
}
