//! `missing-pass-role` on the principals that deploy: a user or role whose policies let it
//! launch something that runs with a role (a Lambda function, a CodeBuild project, an EC2
//! instance with a profile, an ECS task…) while none of them lets it pass a role to the service
//! that would wear it. Each case states what fires, and its near miss what stays silent.

use iamlint_rules::{Selection, run};
use iamlint_terraform::load_sources;

const RULE: &str = "missing-pass-role";

/// A role `name` that `service` may assume.
fn role(name: &str, service: &str) -> String {
    format!(
        r#"resource "aws_iam_role" "{name}" {{
  name               = "{name}"
  assume_role_policy = jsonencode({{ Version = "2012-10-17", Statement = [{{ Effect = "Allow", Action = "sts:AssumeRole", Principal = {{ Service = "{service}" }} }}] }})
}}
"#
    )
}

/// The roles workloads wear, one per service the cases launch.
fn workload_roles() -> String {
    [
        role("fn", "lambda.amazonaws.com"),
        role("task", "ecs-tasks.amazonaws.com"),
        role("build", "codebuild.amazonaws.com"),
        role("etl", "glue.amazonaws.com"),
        role("train", "sagemaker.amazonaws.com"),
        role("flow", "states.amazonaws.com"),
        role("instance", "ec2.amazonaws.com"),
        r#"resource "aws_iam_instance_profile" "instance" {
  name = "instance"
  role = aws_iam_role.instance.name
}
resource "aws_ecs_task_definition" "job" {
  family                = "job"
  task_role_arn         = aws_iam_role.task.arn
  container_definitions = "[]"
}
"#
        .to_string(),
    ]
    .concat()
}

/// A deployer role whose inline policy holds `statements` (HCL objects), beside the workloads.
fn deployer(statements: &str) -> String {
    format!(
        "{}{}resource \"aws_iam_role_policy\" \"deployer\" {{\n  role   = aws_iam_role.deployer.name\n  policy = jsonencode({{ Version = \"2012-10-17\", Statement = [{statements}] }})\n}}\n",
        workload_roles(),
        role("deployer", "codebuild.amazonaws.com"),
    )
}

/// (address, flagged text, message) of the rule's findings on `src`.
fn fired(src: &str) -> Vec<(String, String, String)> {
    let model = load_sources(vec![("main.tf".into(), src.to_string())]);
    assert!(model.errors.is_empty(), "{:?}", model.errors);
    run(&model, &Selection::default())
        .into_iter()
        .filter(|f| f.rule == RULE)
        .map(|f| {
            let loc = f.loc.unwrap();
            let text = model.sources.get(loc.file).slice(loc).to_string();
            (f.address, text, f.message)
        })
        .collect()
}

fn allow(actions: &str, resource: &str) -> String {
    format!(r#"{{ Effect = "Allow", Action = [{actions}], Resource = {resource} }}"#)
}

fn pass_to(role: &str, service: &str) -> String {
    format!(
        r#"{{ Effect = "Allow", Action = "iam:PassRole", Resource = aws_iam_role.{role}.arn, Condition = {{ StringEquals = {{ "iam:PassedToService" = "{service}" }} }} }}"#
    )
}

/// Each launching action that always hands over a role fires without `iam:PassRole`, at the
/// action, and is silent once the deployer may pass the service's role.
#[test]
fn every_launch_that_always_passes_a_role_needs_pass_role() {
    for (action, role, service) in [
        ("lambda:CreateFunction", "fn", "lambda.amazonaws.com"),
        (
            "codebuild:CreateProject",
            "build",
            "codebuild.amazonaws.com",
        ),
        ("glue:CreateJob", "etl", "glue.amazonaws.com"),
        (
            "sagemaker:CreateTrainingJob",
            "train",
            "sagemaker.amazonaws.com",
        ),
        ("states:CreateStateMachine", "flow", "states.amazonaws.com"),
    ] {
        let launch = allow(&format!("\"{action}\""), "\"*\"");
        let got = fired(&deployer(&launch));
        assert_eq!(got.len(), 1, "{action}: {got:?}");
        let (address, text, message) = &got[0];
        assert_eq!(address, "aws_iam_role_policy.deployer");
        assert_eq!(text, &format!("\"{action}\""));
        assert!(
            message.contains(&format!("may pass no role to `{service}`")),
            "{message}"
        );
        let fixed = format!("{launch}, {}", pass_to(role, service));
        assert_eq!(fired(&deployer(&fixed)), [], "{action} with PassRole");
    }
}

/// `iam:PassRole` that does not reach the service: to another service, on a role the service
/// may not wear, cancelled by a Deny or left out of the boundary.
#[test]
fn pass_role_that_does_not_reach_the_service() {
    let launch = allow("\"lambda:CreateFunction\"", "\"*\"");
    let wrong_service = format!("{launch}, {}", pass_to("fn", "ecs-tasks.amazonaws.com"));
    let got = fired(&deployer(&wrong_service));
    assert_eq!(got.len(), 1, "to ECS only: {got:?}");
    let unrelated = format!(
        r#"{launch}, {{ Effect = "Allow", Action = "iam:PassRole", Resource = aws_iam_role.task.arn }}"#
    );
    assert_eq!(fired(&deployer(&unrelated)).len(), 1, "the task role");
    let denied = format!(
        r#"{launch}, {{ Effect = "Allow", Action = "iam:PassRole", Resource = "*" }}, {{ Effect = "Deny", Action = "iam:PassRole", Resource = "*" }}"#
    );
    assert_eq!(fired(&deployer(&denied)).len(), 1, "a Deny");
    let bounded = format!(
        "{}resource \"aws_iam_policy\" \"cap\" {{\n  name   = \"cap\"\n  policy = jsonencode({{ Version = \"2012-10-17\", Statement = [{{ Effect = \"Allow\", Action = \"lambda:*\", Resource = \"*\" }}] }})\n}}\n",
        deployer(&format!(
            r#"{launch}, {{ Effect = "Allow", Action = "iam:PassRole", Resource = "*" }}"#
        ))
        .replace(
            "  name               = \"deployer\"\n",
            "  name               = \"deployer\"\n  permissions_boundary = aws_iam_policy.cap.arn\n",
        )
    );
    assert_eq!(fired(&bounded).len(), 1, "a boundary without PassRole");
}

/// What stays silent: a deployer that only updates code, PassRole through `iam:*` or on a
/// pattern that matches the workload role, a grant through a service wildcard, and a
/// deployer with a policy iamlint cannot read.
#[test]
fn near_misses_stay_silent() {
    let code_only = allow(
        "\"lambda:UpdateFunctionCode\", \"ecs:UpdateService\"",
        "\"*\"",
    );
    assert_eq!(fired(&deployer(&code_only)), []);
    let launch = allow("\"lambda:CreateFunction\"", "\"*\"");
    let iam_star = format!(r#"{launch}, {{ Effect = "Allow", Action = "iam:*", Resource = "*" }}"#);
    assert_eq!(fired(&deployer(&iam_star)), [], "iam:*");
    let pattern = format!(
        r#"{launch}, {{ Effect = "Allow", Action = "iam:PassRole", Resource = "arn:aws:iam::111122223333:role/f*" }}"#
    );
    assert_eq!(fired(&deployer(&pattern)), [], "role/f*");
    let wildcard = allow("\"lambda:*\"", "\"*\"");
    assert_eq!(fired(&deployer(&wildcard)), [], "lambda:*");
    let unknown_attachment = format!(
        "{}variable \"extra\" {{\n  type = string\n}}\nresource \"aws_iam_role_policy_attachment\" \"extra\" {{\n  role       = aws_iam_role.deployer.name\n  policy_arn = var.extra\n}}\n",
        deployer(&launch)
    );
    assert_eq!(fired(&unknown_attachment), [], "an unknown attachment");
    // Only some calls pass a role, and nothing says this deployer's do.
    for sometimes in [
        "\"ec2:RunInstances\"",
        "\"ecs:RegisterTaskDefinition\"",
        "\"cloudformation:CreateStack\"",
        "\"batch:RegisterJobDefinition\"",
    ] {
        assert_eq!(
            fired(&deployer(&allow(sometimes, "\"*\""))),
            [],
            "{sometimes}"
        );
    }
}

/// Launches that pass a role only sometimes fire where the deployer's own policies show it
/// launches with roles: it reads instance profiles, or it runs a task definition that has a
/// task role.
#[test]
fn optional_roles_need_evidence_in_the_deployers_policies() {
    let ec2 = allow("\"ec2:RunInstances\", \"iam:GetInstanceProfile\"", "\"*\"");
    let got = fired(&deployer(&ec2));
    assert_eq!(got.len(), 1, "{got:?}");
    assert!(
        got[0]
            .2
            .contains("when used as its policies name `iam:GetInstanceProfile`"),
        "{}",
        got[0].2
    );
    let passing = format!("{ec2}, {}", pass_to("instance", "ec2.amazonaws.com"));
    assert_eq!(fired(&deployer(&passing)), []);

    let ecs = format!(
        r#"{}, {}"#,
        allow("\"ecs:RegisterTaskDefinition\"", "\"*\""),
        allow(
            "\"ecs:RunTask\"",
            "\"arn:aws:ecs:eu-west-1:111122223333:task-definition/job:*\""
        )
    );
    // Registering and running the task definition: one finding, at the first.
    let got = fired(&deployer(&ecs));
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0].1, "\"ecs:RegisterTaskDefinition\"");
    assert!(
        got[0].2.contains("aws_ecs_task_definition.job"),
        "{}",
        got[0].2
    );
    let passing = format!("{ecs}, {}", pass_to("task", "ecs-tasks.amazonaws.com"));
    assert_eq!(fired(&deployer(&passing)), []);
}

/// A group's policy fires once for its members, at the group's policy; `for_each` deployers
/// each at their instance; a module's deployer at the module's address.
#[test]
fn through_groups_for_each_and_modules() {
    let group = format!(
        r#"{}resource "aws_iam_group" "ci" {{
  name = "ci"
}}
resource "aws_iam_user" "a" {{
  name = "a"
}}
resource "aws_iam_user" "b" {{
  name = "b"
}}
resource "aws_iam_group_membership" "ci" {{
  name  = "ci"
  group = aws_iam_group.ci.name
  users = [aws_iam_user.a.name, aws_iam_user.b.name]
}}
data "aws_iam_policy_document" "ci" {{
  statement {{
    actions   = ["lambda:CreateFunction"]
    resources = ["*"]
  }}
}}
resource "aws_iam_group_policy" "ci" {{
  group  = aws_iam_group.ci.name
  policy = data.aws_iam_policy_document.ci.json
}}
"#,
        workload_roles()
    );
    let got = fired(&group);
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0].0, "aws_iam_group_policy.ci");

    let each = format!(
        r#"{}resource "aws_iam_user" "ci" {{
  for_each = toset(["web", "api"])
  name     = "ci-${{each.key}}"
}}
resource "aws_iam_user_policy" "ci" {{
  for_each = aws_iam_user.ci
  user     = each.value.name
  policy   = <<-EOF
    {{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow", "Action": "codebuild:CreateProject", "Resource": "*"}}]}}
  EOF
}}
"#,
        workload_roles()
    );
    let addresses: Vec<String> = fired(&each).into_iter().map(|(a, _, _)| a).collect();
    assert_eq!(
        addresses,
        [
            "aws_iam_user_policy.ci[\"api\"]",
            "aws_iam_user_policy.ci[\"web\"]"
        ]
    );
}

/// Deployers a module makes for each team: one finding per instance, at the module's policy
/// document, naming the role Glue may wear.
#[test]
fn deployers_made_by_a_module_for_each_team() {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/eval/deployers");
    let model = iamlint_terraform::load_paths(&[path], &iamlint_terraform::LoadOptions::default());
    assert!(model.errors.is_empty(), "{:?}", model.errors);
    let found: Vec<_> = run(&model, &Selection::default())
        .into_iter()
        .filter(|f| f.rule == RULE)
        .collect();
    let addresses: Vec<&str> = found.iter().map(|f| f.address.as_str()).collect();
    assert_eq!(
        addresses,
        [
            "module.deployer[\"analytics\"].aws_iam_role_policy.this",
            "module.deployer[\"finance\"].aws_iam_role_policy.this"
        ]
    );
    for f in &found {
        let loc = f.loc.unwrap();
        let file = model.sources.get(loc.file);
        assert!(
            file.path.ends_with("modules/deployer/main.tf"),
            "{}",
            file.path
        );
        assert_eq!(file.slice(loc), "\"glue:CreateJob\"");
        assert!(f.help.contains("`aws_iam_role.etl.arn`"), "{}", f.help);
    }
}

/// A deployer that may pass some roles, whose statement names a function of the configuration
/// whose role it may not pass: fires at the name, for that role; silent once it may pass it,
/// and for a statement on every function (`function:*` names none in particular).
#[test]
fn a_named_launch_whose_role_the_deployer_may_not_pass() {
    let function = r#"resource "aws_lambda_function" "api" {
  function_name = "app-api"
  role          = aws_iam_role.fn.arn
  runtime       = "python3.12"
  handler       = "main.handler"
  filename      = "api.zip"
}
"#;
    let other = role("other_fn", "lambda.amazonaws.com");
    let with = |statements: &str| format!("{}{function}{other}", deployer(statements));
    let launch = allow(
        "\"lambda:CreateFunction\", \"lambda:UpdateFunctionConfiguration\"",
        "\"arn:aws:lambda:eu-west-1:111122223333:function:app-*\"",
    );
    let other_role = format!("{launch}, {}", pass_to("other_fn", "lambda.amazonaws.com"));
    let got = fired(&with(&other_role));
    assert_eq!(got.len(), 1, "{got:?}");
    assert!(
        got[0]
            .2
            .contains("on `aws_lambda_function.api`, which wears `aws_iam_role.fn`"),
        "{}",
        got[0].2
    );
    assert_eq!(
        got[0].1,
        "\"arn:aws:lambda:eu-west-1:111122223333:function:app-*\""
    );
    let by_reference = format!(
        "{}, {}",
        allow("\"lambda:CreateFunction\"", "aws_lambda_function.api.arn"),
        pass_to("other_fn", "lambda.amazonaws.com")
    );
    assert_eq!(fired(&with(&by_reference)).len(), 1, "by reference");
    let passing = format!("{launch}, {}", pass_to("fn", "lambda.amazonaws.com"));
    assert_eq!(fired(&with(&passing)), []);
    let every = format!(
        "{}, {}",
        allow(
            "\"lambda:CreateFunction\"",
            "\"arn:aws:lambda:eu-west-1:111122223333:function:*\""
        ),
        pass_to("other_fn", "lambda.amazonaws.com")
    );
    assert_eq!(fired(&with(&every)), [], "function:*");
}

/// `cloudformation:CreateStack` passes a role only when the stack has one: a deployer whose
/// statement names a stack of the configuration with `iam_role_arn` must be able to pass that
/// role; one that names no such stack stays silent.
#[test]
fn a_stack_with_a_role_needs_its_deployer_to_pass_it() {
    let stack = format!(
        r#"{}resource "aws_cloudformation_stack" "network" {{
  name         = "network"
  iam_role_arn = aws_iam_role.cfn.arn
  template_body = "{{}}"
}}
"#,
        role("cfn", "cloudformation.amazonaws.com")
    );
    let launch = allow(
        "\"cloudformation:CreateStack\", \"cloudformation:UpdateStack\"",
        "\"arn:aws:cloudformation:eu-west-1:111122223333:stack/network/*\"",
    );
    let got = fired(&format!("{}{stack}", deployer(&launch)));
    assert_eq!(got.len(), 1, "{got:?}");
    assert!(
        got[0]
            .2
            .contains("on `aws_cloudformation_stack.network`, which wears `aws_iam_role.cfn`"),
        "{}",
        got[0].2
    );
    let passing = format!(
        "{launch}, {}",
        pass_to("cfn", "cloudformation.amazonaws.com")
    );
    assert_eq!(fired(&format!("{}{stack}", deployer(&passing))), []);
    let elsewhere = allow(
        "\"cloudformation:CreateStack\"",
        "\"arn:aws:cloudformation:eu-west-1:111122223333:stack/other/*\"",
    );
    assert_eq!(fired(&format!("{}{stack}", deployer(&elsewhere))), []);
}

/// A Batch compute environment named by reference: its service role must be passable to
/// Batch by whoever may create it.
#[test]
fn a_batch_compute_environment_needs_its_service_role_passed() {
    let environment = format!(
        r#"{}resource "aws_batch_compute_environment" "jobs" {{
  compute_environment_name = "jobs"
  type                     = "UNMANAGED"
  service_role             = aws_iam_role.batch.arn
}}
"#,
        role("batch", "batch.amazonaws.com")
    );
    let launch = allow(
        "\"batch:CreateComputeEnvironment\"",
        "aws_batch_compute_environment.jobs.arn",
    );
    let got = fired(&format!("{}{environment}", deployer(&launch)));
    assert_eq!(got.len(), 1, "{got:?}");
    assert!(
        got[0].2.contains("which wears `aws_iam_role.batch`"),
        "{}",
        got[0].2
    );
    let passing = format!("{launch}, {}", pass_to("batch", "batch.amazonaws.com"));
    assert_eq!(fired(&format!("{}{environment}", deployer(&passing))), []);
}

/// Running a task definition hands over its task role and its execution role: a deployer that
/// may pass only the task role fails on the execution role, named by the task definition it
/// runs.
#[test]
fn running_a_task_needs_its_execution_role_passed_too() {
    let job = r#"resource "aws_ecs_task_definition" "etl" {
  family                = "etl"
  task_role_arn         = aws_iam_role.task.arn
  execution_role_arn    = aws_iam_role.exec.arn
  container_definitions = "[]"
}
"#;
    let with = |statements: &str| {
        format!(
            "{}{}{job}",
            deployer(statements),
            role("exec", "ecs-tasks.amazonaws.com")
        )
    };
    let run = allow("\"ecs:RunTask\"", "aws_ecs_task_definition.etl.arn");
    let task_only = format!("{run}, {}", pass_to("task", "ecs-tasks.amazonaws.com"));
    let got = fired(&with(&task_only));
    assert_eq!(got.len(), 1, "{got:?}");
    assert!(
        got[0]
            .2
            .contains("on `aws_ecs_task_definition.etl`, which wears `aws_iam_role.exec`"),
        "{}",
        got[0].2
    );
    let both = format!(
        "{task_only}, {}",
        pass_to("exec", "ecs-tasks.amazonaws.com")
    );
    assert_eq!(fired(&with(&both)), []);
}

#[test]
fn a_launcher_with_a_policy_iamlint_cannot_read_gets_a_note_not_a_verdict() {
    let notes = |src: &str| -> Vec<(String, String)> {
        let model = load_sources(vec![("main.tf".into(), src.to_string())]);
        let checked = iamlint_rules::check_part(&model, &Selection::default());
        assert!(
            checked.findings.iter().all(|f| f.rule != RULE),
            "{:?}",
            checked.findings
        );
        checked
            .coverage
            .into_iter()
            .map(|c| {
                let at = c
                    .loc
                    .map(|l| src[l.start as usize..l.end as usize].to_string())
                    .unwrap_or_default();
                (at, c.message)
            })
            .collect()
    };
    let launch = r#"{ Effect = "Allow", Action = ["lambda:CreateFunction"], Resource = "*" }"#;
    // An attachment whose policy is known only after apply.
    let attached = deployer(launch)
        + r#"variable "extra_arn" { type = string }
resource "aws_iam_role_policy_attachment" "extra" {
  role       = aws_iam_role.deployer.name
  policy_arn = var.extra_arn
}
"#;
    let found = notes(&attached);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, "var.extra_arn");
    assert!(
        found[0].1.starts_with("whether `aws_iam_role.deployer` may pass the role `lambda:CreateFunction` hands to its service (iam:PassRole) is not judged")
            && found[0].1.contains("(through `aws_iam_role_policy_attachment.extra`)"),
        "{}",
        found[0].1
    );
    // A boundary in the tree that could not be read.
    let bounded = attached
        .replace(
            "policy_arn = var.extra_arn",
            "policy_arn = \"arn:aws:iam::aws:policy/ReadOnlyAccess\"",
        )
        .replace(
            "name               = \"deployer\"",
            "name               = \"deployer\"\n  permissions_boundary = var.extra_arn",
        );
    let found = notes(&bounded);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].1.contains("it holds `${var.extra_arn}`"),
        "{}",
        found[0].1
    );
    // Near miss: a principal that launches nothing is not worth a note.
    let idle = attached.replace("lambda:CreateFunction", "lambda:GetFunction");
    assert_eq!(notes(&idle), []);
}
