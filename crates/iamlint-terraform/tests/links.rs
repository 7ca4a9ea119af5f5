//! Which principal holds which policy, through every way Terraform attaches one: inline
//! resources and blocks, attachments, `managed_policy_arns`, exclusive attachments, boundaries,
//! group memberships, modules with `for_each`, and names known only after apply.

use iamlint_model::access::{Access, Reason, Request};
use iamlint_model::links::{Held, Links};
use iamlint_terraform::{LoadOptions, load_paths};

mod common;
use common::tree;

const ROOT: &str = r#"
resource "aws_iam_role" "app" {
  name                 = "app"
  assume_role_policy   = jsonencode({ Version = "2012-10-17", Statement = [] })
  permissions_boundary = aws_iam_policy.boundary.arn
  managed_policy_arns  = ["arn:aws:iam::aws:policy/ReadOnlyAccess"]
  inline_policy {
    name   = "logs"
    policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "logs:PutLogEvents", Resource = "*" }] })
  }
}

resource "aws_iam_role_policy" "extra" {
  role   = aws_iam_role.app.id
  policy = data.aws_iam_policy_document.s3.json
}

data "aws_iam_policy_document" "s3" {
  statement {
    actions   = ["s3:GetObject"]
    resources = ["arn:aws:s3:::b/*"]
  }
}

resource "aws_iam_policy" "boundary" {
  name   = "boundary"
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "*", Resource = "*" }] })
}

resource "aws_iam_policy" "team" {
  name   = "team"
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "sqs:SendMessage", Resource = "*" }] })
}

# A literal ARN with an account id names the policy whose ARN we build with the account unknown.
resource "aws_iam_role_policy_attachment" "team" {
  role       = aws_iam_role.app.name
  policy_arn = "arn:aws:iam::123456789012:policy/team"
}

resource "aws_iam_role_policy_attachment" "admin" {
  role       = aws_iam_role.generated.name
  policy_arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/AdministratorAccess"
}

# Its name is only known after apply: the attachment links through the unknown value.
resource "aws_iam_role" "generated" {
  name_prefix        = "gen-"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [] })
}

resource "aws_iam_user" "dev" {
  name = "dev"
}

resource "aws_iam_group" "devs" {
  name = "devs"
}

resource "aws_iam_user_group_membership" "dev" {
  user   = aws_iam_user.dev.name
  groups = [aws_iam_group.devs.name]
}

resource "aws_iam_group_policy_attachment" "devs" {
  group      = aws_iam_group.devs.name
  policy_arn = aws_iam_policy.team.arn
}

resource "aws_iam_policy_attachment" "shared" {
  name       = "shared"
  users      = [aws_iam_user.dev.name]
  policy_arn = "arn:aws:iam::999999999999:policy/elsewhere"
}

module "svc" {
  source   = "./svc"
  for_each = toset(["a", "b"])
  name     = each.key
}
"#;

const MODULE: &str = r#"
variable "name" {}

resource "aws_iam_role" "this" {
  name               = "svc-${var.name}"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [] })
}

resource "aws_iam_role_policy_attachments_exclusive" "this" {
  role_name   = aws_iam_role.this.name
  policy_arns = ["arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"]
}
"#;

/// `address: what it holds` lines for every principal, sorted.
fn held(links: &Links, address: &str) -> Vec<String> {
    let i = links
        .find(address)
        .unwrap_or_else(|| panic!("no principal {address}"));
    let mut held: Vec<String> = links
        .effective(i)
        .map(|h| {
            let what = match &h.policy {
                Held::Record(r) => r.address.clone(),
                Held::Managed(m) => format!("aws:{}", m.name()),
                Held::Unresolved(text) => format!("? {text}"),
            };
            format!(
                "{what} via {}{}",
                h.via,
                if h.inline { " (inline)" } else { "" }
            )
        })
        .collect();
    held.sort();
    held
}

#[test]
fn principals_hold_what_every_attachment_shape_gives_them() {
    let root = tree("links", &[("main.tf", ROOT), ("svc/main.tf", MODULE)]);
    let model = load_paths(&[root], &LoadOptions::default());
    assert!(model.errors.is_empty(), "{:?}", model.errors);
    let links = Links::build(&model);

    assert_eq!(
        held(&links, "aws_iam_role.app"),
        [
            "aws:ReadOnlyAccess via aws_iam_role.app",
            "aws_iam_policy.team via aws_iam_role_policy_attachment.team",
            "aws_iam_role.app via aws_iam_role.app (inline)",
            "data.aws_iam_policy_document.s3 via aws_iam_role_policy.extra (inline)",
        ]
    );
    let app = &links.principals[links.find("aws_iam_role.app").unwrap()];
    let boundary = app.boundary.as_ref().expect("a boundary");
    assert!(matches!(&boundary.policy, Held::Record(r) if r.address == "aws_iam_policy.boundary"));

    assert_eq!(
        held(&links, "aws_iam_role.generated"),
        ["aws:AdministratorAccess via aws_iam_role_policy_attachment.admin"]
    );
    // A user holds its own policies and its groups'.
    assert_eq!(
        held(&links, "aws_iam_user.dev"),
        [
            "? arn:aws:iam::999999999999:policy/elsewhere via aws_iam_policy_attachment.shared",
            "aws_iam_policy.team via aws_iam_group_policy_attachment.devs",
        ]
    );
    for key in ["a", "b"] {
        let role = format!("module.svc[\"{key}\"].aws_iam_role.this");
        assert_eq!(
            held(&links, &role),
            [format!(
                "aws:AWSLambdaBasicExecutionRole via module.svc[\"{key}\"].aws_iam_role_policy_attachments_exclusive.this"
            )]
        );
    }

    // The evaluator sees what the links gather.
    let decide = |address: &str, action: &str, resource: &str| {
        let subject = links.subject(links.find(address).unwrap());
        let d = subject.allows(Request::new(action, resource));
        (d.access, d.statements.len(), d.reasons)
    };
    let ask = |address: &str, action: &str, resource: &str| decide(address, action, resource).0;
    // The group's policy allows it; the policy outside the tree might still deny it.
    let queue = "arn:aws:sqs:eu-west-1:1:q";
    let elsewhere = Reason::UnreadPolicy("arn:aws:iam::999999999999:policy/elsewhere".into());
    assert_eq!(
        decide("aws_iam_user.dev", "sqs:SendMessage", queue),
        (Access::Maybe, 1, vec![elsewhere.clone()])
    );
    assert_eq!(
        decide("aws_iam_user.dev", "sqs:DeleteQueue", queue),
        (Access::Maybe, 0, vec![elsewhere])
    );
    assert_eq!(
        ask(
            "aws_iam_role.generated",
            "iam:CreateUser",
            "arn:aws:iam::1:user/x"
        ),
        Access::Allowed
    );
    assert_eq!(
        ask("aws_iam_role.app", "s3:GetObject", "arn:aws:s3:::b/k"),
        Access::Allowed
    );
    // ReadOnlyAccess reads, the boundary allows all, but nothing grants a write.
    assert_eq!(
        ask("aws_iam_role.app", "s3:PutObject", "arn:aws:s3:::b/k"),
        Access::Denied
    );
}

#[test]
fn an_unknown_resource_attribute_keeps_its_name_through_variables_locals_and_templates() {
    let root = r#"
variable "role" {}
locals {
  task = aws_ecs_task_definition.job.arn
}
resource "aws_ecs_task_definition" "job" {
  family                = "job"
  container_definitions = "[]"
}
resource "aws_cloudwatch_event_target" "local" {
  rule     = "r"
  arn      = "c"
  role_arn = var.role
  ecs_target {
    task_definition_arn = local.task
  }
}
module "m" {
  source = "./m"
  task   = aws_ecs_task_definition.job.arn
}
"#;
    let module = r#"
variable "task" {}
resource "aws_cloudwatch_event_target" "var" {
  rule = "r"
  arn  = "c"
  ecs_target {
    task_definition_arn = var.task
  }
}
resource "aws_sfn_state_machine" "template" {
  name       = "t"
  role_arn   = "arn:aws:iam::1:role/r"
  definition = templatefile("${path.module}/d.json", { task = var.task })
}
"#;
    let dir = tree(
        "origins",
        &[
            ("main.tf", root),
            ("m/main.tf", module),
            ("m/d.json", r#"{"TaskDefinition": "${task}"}"#),
        ],
    );
    let model = load_paths(&[dir], &LoadOptions::default());
    assert!(model.errors.is_empty(), "{:?}", model.errors);
    let origin = |address: &str, path: &str| {
        let r = model
            .resources
            .iter()
            .find(|r| r.address == address)
            .unwrap();
        let (_, v) = r.at_path(path)[0];
        v.whole_unknown().map(|u| u.origin.to_string())
    };
    let task = Some("aws_ecs_task_definition.job.arn".to_string());
    assert_eq!(
        origin(
            "aws_cloudwatch_event_target.local",
            "ecs_target.task_definition_arn"
        ),
        task
    );
    assert_eq!(
        origin(
            "module.m.aws_cloudwatch_event_target.var",
            "ecs_target.task_definition_arn"
        ),
        task
    );
    let machine = model
        .resources
        .iter()
        .find(|r| r.address == "module.m.aws_sfn_state_machine.template")
        .unwrap();
    let definition = machine
        .attribute("definition")
        .and_then(|v| v.as_str())
        .unwrap();
    let decoded = &definition.encoded.as_ref().expect("decoded").value;
    assert_eq!(
        decoded
            .get("TaskDefinition")
            .and_then(|v| v.whole_unknown())
            .map(|u| u.origin.to_string()),
        task
    );
    // What is not a resource's attribute is named as written.
    assert_eq!(
        origin("aws_cloudwatch_event_target.local", "role_arn"),
        Some("var.role".to_string())
    );
}
