//! Who may pass or assume many roles is drawn through set nodes ("every role", "roles
//! matching …", "roles trusting account root"), each set's members listed once; `expand` gives
//! the same relations one edge per role. Built from HCL as users write it.

use iamlint_model::graph::{Graph, Options, build_with};
use iamlint_terraform::load_sources;

const TREE: &str = r#"
resource "aws_iam_role" "app" {
  for_each = toset([for i in range(12) : "app-${i}"])
  name     = each.key
  assume_role_policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ecs-tasks.amazonaws.com" } }] })
}

resource "aws_iam_role" "ops" {
  for_each = toset([for i in range(10) : "ops-${i}"])
  name     = each.key
  assume_role_policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { AWS = "arn:aws:iam::${var.account}:root" } }] })
}

variable "account" {}

resource "aws_iam_user" "deployer" {
  name = "deployer"
}

resource "aws_iam_user_policy" "deployer" {
  user   = aws_iam_user.deployer.name
  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = ["iam:PassRole", "sts:AssumeRole"], Resource = "*" }] })
}

resource "aws_iam_user" "narrow" {
  name = "narrow"
}

resource "aws_iam_user_policy" "narrow" {
  user = aws_iam_user.narrow.name
  policy = jsonencode({ Statement = [
    { Effect = "Allow", Action = "iam:PassRole", Resource = "arn:aws:iam::*:role/app-*" },
    { Effect = "Deny", Action = "iam:PassRole", Resource = "arn:aws:iam::*:role/app-0" },
  ] })
}

resource "aws_iam_user" "tasks" {
  name = "tasks"
}

resource "aws_iam_user_policy" "tasks" {
  user = aws_iam_user.tasks.name
  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "iam:PassRole", Resource = "*", Condition = { StringEquals = { "iam:PassedToService" = "ecs-tasks.amazonaws.com" } } }] })
}
"#;

fn graph(expand: bool) -> Graph {
    let model = load_sources(vec![("main.tf".into(), TREE.into())]);
    build_with(&model, Options { expand })
}

fn edges<'g>(g: &'g Graph, kind: &str, from: &str) -> Vec<(&'g str, &'g str)> {
    g.edges
        .iter()
        .filter(|e| e.kind.as_str() == kind && e.from == from)
        .map(|e| (e.to.as_str(), e.label.as_str()))
        .collect()
}

#[test]
fn many_roles_reached_alike_are_one_set() {
    let g = graph(false);
    assert_eq!(
        edges(&g, "may-pass", "aws_iam_user.deployer"),
        [("every role", "")]
    );
    assert_eq!(edges(&g, "includes", "every role").len(), 22);
    assert_eq!(
        edges(&g, "may-assume", "aws_iam_user.deployer"),
        [("roles trusting account root", "account root")]
    );
    let trusting_root = edges(&g, "includes", "roles trusting account root");
    assert_eq!(trusting_root.len(), 10);
    assert!(
        trusting_root
            .iter()
            .all(|(to, _)| to.starts_with("aws_iam_role.ops"))
    );

    // A pattern with one role denied: the set is the rest, named by the pattern.
    let narrow = edges(&g, "may-pass", "aws_iam_user.narrow");
    assert_eq!(narrow, [("roles matching arn:aws:iam::*:role/app-*", "")]);
    let members = edges(&g, "includes", narrow[0].0);
    assert_eq!(members.len(), 11);
    assert!(
        !members
            .iter()
            .any(|(to, _)| *to == r#"aws_iam_role.app["app-0"]"#)
    );

    // Passing only to a service: decided per role by its trust, one edge each.
    let tasks = edges(&g, "may-pass", "aws_iam_user.tasks");
    assert_eq!(tasks.len(), 12, "{tasks:?}");
    assert!(
        tasks
            .iter()
            .all(|(to, label)| to.starts_with("aws_iam_role.app")
                && *label == "to ecs-tasks.amazonaws.com")
    );

    for e in &g.edges {
        assert!(
            !e.at.is_empty(),
            "{} -> {} ({}) has no place",
            e.from,
            e.to,
            e.kind.as_str()
        );
    }
    // Set nodes are nodes of their own kind.
    assert!(
        g.nodes
            .iter()
            .any(|n| n.id == "every role" && n.kind.as_str() == "role-set")
    );
}

#[test]
fn expanded_sets_are_one_edge_per_role() {
    let g = graph(true);
    assert_eq!(edges(&g, "may-pass", "aws_iam_user.deployer").len(), 22);
    assert_eq!(edges(&g, "may-pass", "aws_iam_user.narrow").len(), 11);
    assert_eq!(edges(&g, "may-assume", "aws_iam_user.deployer").len(), 10);
    assert!(g.nodes.iter().all(|n| n.kind.as_str() != "role-set"));
    assert!(g.edges.iter().all(|e| e.kind.as_str() != "includes"));
}
