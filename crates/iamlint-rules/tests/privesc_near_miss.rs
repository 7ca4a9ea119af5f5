//! Configurations that look like privilege escalation and are not: each must give no
//! `privilege-escalation` finding, though each holds a grant a statement-level tool would call
//! one. Next to each, the twin that does escalate, so that no case passes by being inert.

use iamlint_rules::{Selection, run};
use iamlint_terraform::load_sources;

fn escalations(src: &str) -> Vec<String> {
    let model = load_sources(vec![("main.tf".into(), src.to_string())]);
    assert!(model.errors.is_empty(), "{:?}", model.errors);
    let selection = Selection {
        select: vec!["privilege-escalation".into()],
        ..Selection::default()
    };
    run(&model, &selection)
        .into_iter()
        .map(|f| f.message)
        .collect()
}

/// Near miss and its escalating twin.
fn check(name: &str, near_miss: &str, twin: &str) {
    let found = escalations(near_miss);
    assert!(found.is_empty(), "{name}: {found:#?}\n{near_miss}");
    assert!(
        !escalations(twin).is_empty(),
        "{name}: the twin escalates\n{twin}"
    );
}

const ADMIN_LAMBDA_ROLE: &str = r#"
resource "aws_iam_role" "admin" {
  name               = "admin"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "lambda.amazonaws.com" } }] })
}

resource "aws_iam_role_policy_attachment" "admin" {
  role       = aws_iam_role.admin.name
  policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"
}
"#;

fn ci_role(statements: &str) -> String {
    format!(
        r#"
resource "aws_iam_role" "ci" {{
  name               = "ci"
  assume_role_policy = jsonencode({{ Version = "2012-10-17", Statement = [{{ Effect = "Allow", Action = "sts:AssumeRole", Principal = {{ Service = "codebuild.amazonaws.com" }} }}] }})
}}

resource "aws_iam_role_policy" "ci" {{
  role   = aws_iam_role.ci.id
  policy = jsonencode({{ Version = "2012-10-17", Statement = [{statements}] }})
}}
"#
    )
}

#[test]
fn delegated_admin_bounded_by_a_permissions_boundary() {
    // The CI role may create and empower roles only under the boundary, and has none itself.
    let delegated = r#"{ Effect = "Allow", Action = ["iam:CreateRole", "iam:PutRolePolicy", "iam:AttachRolePolicy"], Resource = "*", Condition = { StringEquals = { "iam:PermissionsBoundary" = "arn:aws:iam::111122223333:policy/delegated" } } }"#;
    let free = r#"{ Effect = "Allow", Action = ["iam:CreateRole", "iam:PutRolePolicy", "iam:AttachRolePolicy"], Resource = "*" }"#;
    check("delegated admin", &ci_role(delegated), &ci_role(free));
}

#[test]
fn pass_role_limited_to_a_service_whose_roles_are_weak() {
    let ec2_admin = ADMIN_LAMBDA_ROLE.replace("lambda.amazonaws.com", "ec2.amazonaws.com");
    let to_lambda = r#"{ Effect = "Allow", Action = ["lambda:CreateFunction", "lambda:InvokeFunction", "ec2:RunInstances"], Resource = "*" }, { Effect = "Allow", Action = "iam:PassRole", Resource = "*", Condition = { StringEquals = { "iam:PassedToService" = "lambda.amazonaws.com" } } }"#;
    let to_ec2 = to_lambda.replace(
        "\"iam:PassedToService\" = \"lambda.amazonaws.com\"",
        "\"iam:PassedToService\" = \"ec2.amazonaws.com\"",
    );
    check(
        "PassedToService",
        &(ci_role(to_lambda) + &ec2_admin),
        &(ci_role(&to_ec2) + &ec2_admin),
    );
}

#[test]
fn a_deny_through_not_action() {
    let grant = r#"{ Effect = "Allow", Action = ["iam:PassRole", "lambda:CreateFunction", "lambda:InvokeFunction"], Resource = "*" }"#;
    let deny = r#", { Effect = "Deny", NotAction = ["s3:*", "logs:*"], Resource = "*" }"#;
    check(
        "NotAction deny",
        &(ci_role(&format!("{grant}{deny}")) + ADMIN_LAMBDA_ROLE),
        &(ci_role(grant) + ADMIN_LAMBDA_ROLE),
    );
}

#[test]
fn create_policy_version_only_on_aws_managed_policies() {
    let held = r#"
resource "aws_iam_policy" "tools" {
  name   = "tools"
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "s3:ListAllMyBuckets", Resource = "*" }] })
}

resource "aws_iam_role_policy_attachment" "tools" {
  role       = aws_iam_role.ci.name
  policy_arn = aws_iam_policy.tools.arn
}
"#;
    let managed = r#"{ Effect = "Allow", Action = "iam:CreatePolicyVersion", Resource = "arn:aws:iam::aws:policy/*" }"#;
    let any = r#"{ Effect = "Allow", Action = "iam:CreatePolicyVersion", Resource = "*" }"#;
    check(
        "AWS-managed only",
        &(ci_role(managed) + held),
        &(ci_role(any) + held),
    );
}

#[test]
fn a_service_linked_role_as_target() {
    let grant = r#"{ Effect = "Allow", Action = ["iam:PassRole", "lambda:CreateFunction", "lambda:InvokeFunction"], Resource = "*" }"#;
    let linked = ADMIN_LAMBDA_ROLE.replace(
        "name               = \"admin\"",
        "name               = \"admin\"\n  path               = \"/aws-service-role/lambda.amazonaws.com/\"",
    );
    check(
        "service-linked",
        &(ci_role(grant) + &linked),
        &(ci_role(grant) + ADMIN_LAMBDA_ROLE),
    );
}

#[test]
fn an_expired_time_conditioned_allow() {
    let until = |date: &str| {
        format!(
            r#"{{ Effect = "Allow", Action = ["iam:PassRole", "lambda:CreateFunction", "lambda:InvokeFunction"], Resource = "*", Condition = {{ DateLessThan = {{ "aws:CurrentTime" = "{date}T00:00:00Z" }} }} }}"#
        )
    };
    check(
        "expired",
        &(ci_role(&until("2020-01-01")) + ADMIN_LAMBDA_ROLE),
        &(ci_role(&until("2999-01-01")) + ADMIN_LAMBDA_ROLE),
    );
}

#[test]
fn an_admin_role_trusting_only_an_mfa_user() {
    let setup = |condition: &str| {
        format!(
            r#"
resource "aws_iam_user" "alice" {{
  name = "alice"
}}

resource "aws_iam_user_policy" "alice" {{
  user   = aws_iam_user.alice.name
  policy = jsonencode({{ Version = "2012-10-17", Statement = [{{ Effect = "Allow", Action = "sts:AssumeRole", Resource = aws_iam_role.break_glass.arn }}] }})
}}

resource "aws_iam_role" "break_glass" {{
  name = "break-glass"
  assume_role_policy = jsonencode({{ Version = "2012-10-17", Statement = [{{ Effect = "Allow", Action = "sts:AssumeRole", Principal = {{ AWS = aws_iam_user.alice.arn }}{condition} }}] }})
}}

resource "aws_iam_role_policy_attachment" "break_glass" {{
  role       = aws_iam_role.break_glass.name
  policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"
}}
"#
        )
    };
    check(
        "MFA trust",
        &setup(r#", Condition = { Bool = { "aws:MultiFactorAuthPresent" = "true" } }"#),
        &setup(""),
    );
}
