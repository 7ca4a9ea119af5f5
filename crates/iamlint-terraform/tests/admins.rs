//! Who is an administrator, all of a principal's policies counted (PRIVESC.md §1): split
//! admins are, admins cancelled by a Deny or capped by a boundary are not, and admin rights
//! reach users through their groups, AWS-managed policies included. Built from HCL as users
//! write it, and read off the graph that `iamlint graph` draws.

use iamlint_model::graph::{Options, build_with};
use iamlint_terraform::load_sources;

const TREE: &str = r#"
locals {
  admin = jsonencode({ Statement = [{ Effect = "Allow", Action = "*", Resource = "*" }] })
}

# Split admins: no statement says `*`, together they allow everything.
resource "aws_iam_user" "split" {
  name = "split"
}

resource "aws_iam_user_policy" "split_iam" {
  user   = aws_iam_user.split.name
  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "iam:*", Resource = "*" }] })
}

data "aws_iam_policy_document" "all_but_iam" {
  statement {
    not_actions = ["iam:*"]
    resources   = ["*"]
  }
}

resource "aws_iam_policy" "all_but_iam" {
  name   = "all-but-iam"
  policy = data.aws_iam_policy_document.all_but_iam.json
}

resource "aws_iam_user_policy_attachment" "split_rest" {
  user       = aws_iam_user.split.name
  policy_arn = aws_iam_policy.all_but_iam.arn
}

# An admin policy cancelled by a deny-all in another policy.
resource "aws_iam_role" "denied" {
  name               = "denied"
  assume_role_policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ec2.amazonaws.com" } }] })
  inline_policy {
    name   = "admin"
    policy = local.admin
  }
}

resource "aws_iam_role_policy" "deny_all" {
  role   = aws_iam_role.denied.id
  policy = jsonencode({ Statement = [{ Effect = "Deny", Action = "*", Resource = "*" }] })
}

# Admin, capped by a boundary that allows only EC2.
resource "aws_iam_policy" "ec2_only" {
  name   = "ec2-only"
  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "ec2:*", Resource = "*" }] })
}

resource "aws_iam_role" "bounded" {
  name                 = "bounded"
  assume_role_policy   = jsonencode({ Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ec2.amazonaws.com" } }] })
  permissions_boundary = aws_iam_policy.ec2_only.arn
}

resource "aws_iam_role_policy_attachment" "bounded_admin" {
  role       = aws_iam_role.bounded.name
  policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"
}

# Admin through a group holding the AWS-managed AdministratorAccess.
resource "aws_iam_group" "admins" {
  name = "admins"
}

resource "aws_iam_group_policy_attachment" "admins" {
  group      = aws_iam_group.admins.name
  policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"
}

resource "aws_iam_user" "alice" {
  name = "alice"
}

resource "aws_iam_user_group_membership" "alice" {
  user   = aws_iam_user.alice.name
  groups = [aws_iam_group.admins.name]
}

# Admin on every resource but one bucket: still an administrator.
resource "aws_iam_user" "almost" {
  name = "almost"
}

resource "aws_iam_user_policy" "almost" {
  user = aws_iam_user.almost.name
  policy = jsonencode({ Statement = [
    { Effect = "Allow", Action = "*", Resource = "*" },
    { Effect = "Deny", Action = "s3:*", Resource = "arn:aws:s3:::audit/*" },
  ] })
}

# Many services, but not all: not an administrator.
resource "aws_iam_user" "wide" {
  name = "wide"
}

resource "aws_iam_user_policy" "wide" {
  for_each = toset(["s3", "ec2", "iam", "lambda"])
  user     = aws_iam_user.wide.name
  policy   = jsonencode({ Statement = [{ Effect = "Allow", Action = "${each.key}:*", Resource = "*" }] })
}
"#;

#[test]
fn admins_are_judged_on_all_their_policies() {
    let model = load_sources(vec![("main.tf".into(), TREE.into())]);
    let graph = build_with(&model, Options { expand: false });
    let mut admins: Vec<&str> = graph
        .nodes
        .iter()
        .filter(|n| n.admin)
        .inspect(|n| assert_eq!(n.access, "admin", "{n:?}"))
        .map(|n| n.id.as_str())
        .collect();
    admins.sort();
    assert_eq!(
        admins,
        [
            "aws_iam_group.admins",
            "aws_iam_user.alice",
            "aws_iam_user.almost",
            "aws_iam_user.split",
        ],
        "{:#?}",
        graph.nodes
    );
}
