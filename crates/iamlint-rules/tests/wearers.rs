//! Rules that follow who wears a role: through ARNs, names, instance profiles, nested blocks,
//! `for_each` and modules.

use iamlint_rules::{Finding, Selection, run};
use iamlint_terraform::{LoadOptions, load_paths, load_sources};

fn findings(model: &iamlint_model::Model, rule: &str) -> Vec<Finding> {
    assert!(model.errors.is_empty(), "{:?}", model.errors);
    let selection = Selection {
        select: vec!["all".into()],
        ..Selection::default()
    };
    run(model, &selection)
        .into_iter()
        .filter(|f| f.rule == rule)
        .collect()
}

fn one_file(src: &str, rule: &str) -> (iamlint_model::Model, Vec<Finding>) {
    let model = load_sources(vec![("main.tf".into(), src.to_string())]);
    let found = findings(&model, rule);
    (model, found)
}

/// The text a location covers.
fn text(model: &iamlint_model::Model, loc: Option<iamlint_model::Location>) -> String {
    let loc = loc.expect("a location");
    model.sources.get(loc.file).slice(loc).to_string()
}

fn trust(service: &str) -> String {
    format!(
        "jsonencode({{ Version = \"2012-10-17\", Statement = [{{ Effect = \"Allow\", Action = \"sts:AssumeRole\", Principal = {{ Service = \"{service}\" }} }}] }})"
    )
}

const RULE: &str = "trust-service-mismatch";

#[test]
fn an_ecs_task_role_trusting_ec2_is_one_finding_at_the_trust_statement() {
    let src = format!(
        "resource \"aws_iam_role\" \"task\" {{\n  name = \"task\"\n  assume_role_policy = {}\n}}\n\nresource \"aws_ecs_task_definition\" \"app\" {{\n  family        = \"app\"\n  task_role_arn = aws_iam_role.task.arn\n  container_definitions = \"[]\"\n}}\n",
        trust("ec2.amazonaws.com")
    );
    let (model, found) = one_file(&src, RULE);
    assert_eq!(found.len(), 1, "{found:?}");
    let f = &found[0];
    assert_eq!(f.address, "aws_iam_role.task");
    assert_eq!(text(&model, f.loc), "{ Service = \"ec2.amazonaws.com\" }");
    assert_eq!(f.related.len(), 1);
    assert_eq!(
        f.related[0].address.as_deref(),
        Some("aws_ecs_task_definition.app")
    );
    assert_eq!(text(&model, f.related[0].loc), "task_role_arn");

    let fixed = src.replace("ec2.amazonaws.com", "ecs-tasks.amazonaws.com");
    assert!(one_file(&fixed, RULE).1.is_empty());
}

#[test]
fn instance_profiles_launch_templates_and_for_each_are_followed() {
    let src = format!(
        r#"resource "aws_iam_role" "node" {{
  for_each           = toset(["a", "b"])
  name               = "node-${{each.key}}"
  assume_role_policy = {lambda}
}}

resource "aws_iam_instance_profile" "node" {{
  for_each = aws_iam_role.node
  name     = "node-${{each.key}}"
  role     = each.value.name
}}

resource "aws_instance" "a" {{
  ami                  = "ami-1"
  instance_type        = "t3.micro"
  iam_instance_profile = aws_iam_instance_profile.node["a"].name
}}

resource "aws_launch_template" "b" {{
  name = "b"
  iam_instance_profile {{
    arn = aws_iam_instance_profile.node["b"].arn
  }}
}}
"#,
        lambda = trust("lambda.amazonaws.com")
    );
    let (model, found) = one_file(&src, RULE);
    let mut got: Vec<(String, String)> = found
        .iter()
        .map(|f| (f.address.clone(), text(&model, f.related[0].loc)))
        .collect();
    got.sort();
    assert_eq!(
        got,
        [
            (
                "aws_iam_role.node[\"a\"]".to_string(),
                "iam_instance_profile".to_string()
            ),
            ("aws_iam_role.node[\"b\"]".to_string(), "arn".to_string()),
        ]
    );
}

#[test]
fn unknown_or_wildcard_principals_and_a_shared_trust_document_stay_silent_or_report_at_the_document()
 {
    // An unknown principal could be the service: no finding.
    let unknown = "variable \"svc\" {}\nresource \"aws_iam_role\" \"r\" {\n  name = \"r\"\n  assume_role_policy = jsonencode({ Statement = [{ Effect = \"Allow\", Action = \"sts:AssumeRole\", Principal = { Service = var.svc } }] })\n}\nresource \"aws_lambda_function\" \"f\" {\n  function_name = \"f\"\n  role          = aws_iam_role.r.arn\n}\n";
    assert!(one_file(unknown, RULE).1.is_empty());
    // A trust document held by a data source is reported there, with the role.
    let document = "data \"aws_iam_policy_document\" \"t\" {\n  statement {\n    actions = [\"sts:AssumeRole\"]\n    principals {\n      type        = \"Service\"\n      identifiers = [\"ec2.amazonaws.com\"]\n    }\n  }\n}\nresource \"aws_iam_role\" \"r\" {\n  name               = \"r\"\n  assume_role_policy = data.aws_iam_policy_document.t.json\n}\nresource \"aws_sfn_state_machine\" \"m\" {\n  name       = \"m\"\n  role_arn   = aws_iam_role.r.arn\n  definition = \"{}\"\n}\n";
    let (_, found) = one_file(document, RULE);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].address, "data.aws_iam_policy_document.t");
    assert!(
        found[0].message.contains("states.amazonaws.com"),
        "{}",
        found[0].message
    );
    let related: Vec<_> = found[0]
        .related
        .iter()
        .map(|r| r.address.clone().unwrap())
        .collect();
    assert_eq!(related, ["aws_sfn_state_machine.m", "aws_iam_role.r"]);
}

#[test]
fn a_role_from_a_module_worn_at_the_root() {
    let root = std::env::temp_dir().join(format!("iamlint-wearers-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(root.join("role")).unwrap();
    std::fs::write(
        root.join("main.tf"),
        "module \"fn\" {\n  source  = \"./role\"\n  service = \"ec2.amazonaws.com\"\n}\n\nresource \"aws_lambda_function\" \"f\" {\n  function_name = \"f\"\n  role          = module.fn.arn\n}\n",
    )
    .unwrap();
    std::fs::write(
        root.join("role/main.tf"),
        format!(
            "variable \"service\" {{}}\nresource \"aws_iam_role\" \"this\" {{\n  name_prefix        = \"fn-\"\n  assume_role_policy = {}\n}}\noutput \"arn\" {{\n  value = aws_iam_role.this.arn\n}}\n",
            trust("${var.service}")
        ),
    )
    .unwrap();
    let model = load_paths(std::slice::from_ref(&root), &LoadOptions::default());
    let found = findings(&model, RULE);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].address, "module.fn.aws_iam_role.this");
    assert!(found[0].message.contains("`lambda.amazonaws.com`"));
    std::fs::remove_dir_all(root).unwrap();
}

#[test]
fn access_keys_and_policies_given_to_users() {
    let src = "resource \"aws_iam_user\" \"ci\" {\n  name = \"ci\"\n}\nresource \"aws_iam_access_key\" \"ci\" {\n  user = aws_iam_user.ci.name\n}\nresource \"aws_iam_policy_attachment\" \"to_users\" {\n  name       = \"a\"\n  users      = [aws_iam_user.ci.name]\n  policy_arn = \"arn:aws:iam::aws:policy/ReadOnlyAccess\"\n}\nresource \"aws_iam_policy_attachment\" \"to_groups\" {\n  name       = \"b\"\n  users      = []\n  groups     = [\"auditors\"]\n  policy_arn = \"arn:aws:iam::aws:policy/ReadOnlyAccess\"\n}\n";
    let (model, keys) = one_file(src, "iam-user-access-key");
    assert_eq!(keys.len(), 1);
    assert_eq!(text(&model, keys[0].loc), "user");
    assert!(
        keys[0].message.contains("for user `ci`"),
        "{}",
        keys[0].message
    );
    let (model, given) = one_file(src, "user-attached-policy");
    let got: Vec<(String, String)> = given
        .iter()
        .map(|f| (f.address.clone(), text(&model, f.loc)))
        .collect();
    assert_eq!(
        got,
        [(
            "aws_iam_policy_attachment.to_users".to_string(),
            "users".to_string()
        )]
    );
}

/// A user in `n` groups, through `aws_iam_group_membership` (one per group).
fn user_in_groups(n: usize) -> String {
    format!(
        "resource \"aws_iam_user\" \"u\" {{\n  name = \"u\"\n}}\nresource \"aws_iam_group\" \"g\" {{\n  count = {n}\n  name  = \"g-${{count.index}}\"\n}}\nresource \"aws_iam_group_membership\" \"m\" {{\n  count = {n}\n  name  = \"m-${{count.index}}\"\n  group = aws_iam_group.g[count.index].name\n  users = [aws_iam_user.u.name]\n}}\n"
    )
}

#[test]
fn quotas_on_groups_per_user_and_managed_policies_per_principal() {
    assert!(
        one_file(&user_in_groups(10), "too-many-groups")
            .1
            .is_empty()
    );
    let (_, found) = one_file(&user_in_groups(11), "too-many-groups");
    assert_eq!(found.len(), 1);
    assert!(
        found[0].message.contains("11 groups"),
        "{}",
        found[0].message
    );
    assert_eq!(found[0].related.len(), 11);

    let attached = |n: usize| {
        format!(
            "resource \"aws_iam_role\" \"r\" {{\n  name = \"r\"\n  assume_role_policy = \"{{}}\"\n}}\nresource \"aws_iam_policy\" \"p\" {{\n  count  = {n}\n  name   = \"p-${{count.index}}\"\n  policy = jsonencode({{ Version = \"2012-10-17\", Statement = [{{ Effect = \"Allow\", Action = \"s3:GetObject\", Resource = \"arn:aws:s3:::b${{count.index}}/*\" }}] }})\n}}\nresource \"aws_iam_role_policy_attachment\" \"a\" {{\n  count      = {n}\n  role       = aws_iam_role.r.name\n  policy_arn = aws_iam_policy.p[count.index].arn\n}}\n"
        )
    };
    let rule = "too-many-managed-policies";
    assert!(one_file(&attached(10), rule).1.is_empty());
    let (_, eleven) = one_file(&attached(11), rule);
    assert_eq!(eleven.len(), 1);
    assert_eq!(eleven[0].severity, iamlint_rules::Severity::Medium);
    let (_, many) = one_file(&attached(21), rule);
    assert_eq!(many[0].severity, iamlint_rules::Severity::High);
    assert_eq!(many[0].related.len(), 21);
}

#[test]
fn lambda_permissions_name_their_source() {
    let permission = |principal: &str, extra: &str| {
        format!(
            "resource \"aws_lambda_permission\" \"p\" {{\n  statement_id  = \"x\"\n  action        = \"lambda:InvokeFunction\"\n  function_name = \"f\"\n  principal     = \"{principal}\"\n{extra}}}\n"
        )
    };
    let rule = "lambda-permission-without-source";
    let (model, found) = one_file(
        &permission("s3.amazonaws.com", "  source_arn = \"arn:aws:s3:::b\"\n"),
        rule,
    );
    assert_eq!(found.len(), 1);
    assert_eq!(text(&model, found[0].loc), "principal");
    assert!(
        found[0].message.contains("no source_account"),
        "{}",
        found[0].message
    );
    let (_, found) = one_file(&permission("sns.amazonaws.com", ""), rule);
    assert!(found[0].message.contains("no source_arn"));
    assert!(
        one_file(
            &permission(
                "sns.amazonaws.com",
                "  source_arn = \"arn:aws:sns:eu-west-1:1:t\"\n"
            ),
            rule
        )
        .1
        .is_empty()
    );
    assert!(one_file(&permission("111122223333", ""), rule).1.is_empty());
}

#[test]
fn static_credentials_in_every_place_a_workload_reads() {
    let rule = "static-aws-credentials";
    let src = r#"resource "aws_instance" "web" {
  ami           = "ami-1"
  instance_type = "t3.micro"
  user_data     = <<-EOT
    #!/bin/bash
    export AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE
    export AWS_SECRET_ACCESS_KEY="wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
  EOT
}

resource "aws_launch_template" "lt" {
  name      = "lt"
  user_data = base64encode("aws configure set aws_access_key_id ASIAIOSFODNN7EXAMPLE")
}

resource "aws_ecs_task_definition" "app" {
  family = "app"
  container_definitions = jsonencode([{
    name        = "app"
    image       = "app:1"
    environment = [{ name = "AWS_SECRET_ACCESS_KEY", value = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" }]
  }])
}

resource "aws_elastic_beanstalk_environment" "env" {
  name        = "env"
  application = "app"
  setting {
    namespace = "aws:elasticbeanstalk:application:environment"
    name      = "AWS_ACCESS_KEY_ID"
    value     = "AKIAIOSFODNN7EXAMPLE"
  }
}

resource "aws_lambda_function" "clean" {
  function_name = "clean"
  role          = "arn:aws:iam::111122223333:role/clean"
  environment {
    variables = { BUCKET = "AKIA-is-not-a-key", TOKEN_NAME = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" }
  }
}
"#;
    let (model, found) = one_file(src, rule);
    let mut got: Vec<(String, String)> = found
        .iter()
        .map(|f| (f.address.clone(), text(&model, f.loc)))
        .collect();
    got.sort();
    assert_eq!(
        got,
        [
            (
                "aws_ecs_task_definition.app".to_string(),
                "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY".to_string()
            ),
            (
                "aws_elastic_beanstalk_environment.env".to_string(),
                "AKIAIOSFODNN7EXAMPLE".to_string()
            ),
            (
                "aws_instance.web".to_string(),
                "AKIAIOSFODNN7EXAMPLE".to_string()
            ),
            (
                "aws_instance.web".to_string(),
                "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY".to_string()
            ),
            // Inside base64: the expression that encodes it.
            (
                "aws_launch_template.lt".to_string(),
                "base64encode(\"aws configure set aws_access_key_id ASIAIOSFODNN7EXAMPLE\")"
                    .to_string(),
            ),
        ]
    );
    assert!(
        found.iter().all(|f| !f.message.contains("EXAMPLEKEY")),
        "secrets are masked"
    );
}

#[test]
fn a_schedule_whose_role_cannot_pass_the_task_roles() {
    let rule = "missing-pass-role";
    let src = |events_policy: &str| {
        format!(
            r#"{job}
resource "aws_iam_role" "scheduler" {{
  name                = "scheduler"
  assume_role_policy  = {scheduler}
  managed_policy_arns = [{events_policy}]
}}
resource "aws_iam_policy" "pass_task" {{
  name   = "pass-task"
  policy = jsonencode({{ Version = "2012-10-17", Statement = [{{ Effect = "Allow", Action = "iam:PassRole", Resource = aws_iam_role.task.arn }}] }})
}}
resource "aws_scheduler_schedule" "nightly" {{
  name                = "nightly"
  schedule_expression = "rate(1 day)"
  flexible_time_window {{
    mode = "OFF"
  }}
  target {{
    arn      = "arn:aws:ecs:eu-west-1:111122223333:cluster/jobs"
    role_arn = aws_iam_role.scheduler.arn
    ecs_parameters {{
      task_definition_arn = aws_ecs_task_definition.job.arn
    }}
  }}
}}
"#,
            job = job_with_roles(),
            scheduler = trust("scheduler.amazonaws.com"),
        )
    };
    // It may pass the task role but not the execution role.
    let (model, found) = one_file(&src("aws_iam_policy.pass_task.arn"), rule);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0]
            .message
            .contains("execution_role_arn role `aws_iam_role.exec`"),
        "{}",
        found[0].message
    );
    assert_eq!(text(&model, found[0].loc), "role_arn");
    assert_eq!(text(&model, found[0].related[0].loc), "execution_role_arn");
    // Passing both, but only to Lambda: ECS is refused.
    let to = |service: &str| {
        src("aws_iam_policy.pass_task.arn").replace(
            "Resource = aws_iam_role.task.arn }",
            &format!("Resource = [aws_iam_role.task.arn, aws_iam_role.exec.arn], Condition = {{ StringEquals = {{ \"iam:PassedToService\" = \"{service}\" }} }} }}"),
        )
    };
    assert_eq!(one_file(&to("lambda.amazonaws.com"), rule).1.len(), 2);
    assert!(one_file(&to("ecs-tasks.amazonaws.com"), rule).1.is_empty());
    // A policy iamlint cannot read might allow it: no finding.
    let (_, found) = one_file(&src("\"arn:aws:iam::111122223333:policy/elsewhere\""), rule);
    assert!(found.is_empty(), "{found:?}");
    // An EventBridge pipe with an ECS target, run as the same role: the same answer.
    let pipe = src("aws_iam_policy.pass_task.arn").replace(
        "resource \"aws_scheduler_schedule\"",
        r#"resource "aws_pipes_pipe" "orders" {
  name     = "orders"
  role_arn = aws_iam_role.scheduler.arn
  source   = "arn:aws:sqs:eu-west-1:111122223333:orders"
  target   = "arn:aws:ecs:eu-west-1:111122223333:cluster/jobs"
  target_parameters {
    ecs_task_parameters {
      task_definition_arn = aws_ecs_task_definition.job.arn
    }
  }
}
resource "aws_scheduler_schedule""#,
    );
    let (model, found) = one_file(&pipe, rule);
    let piped: Vec<&str> = found
        .iter()
        .filter(|f| f.address == "aws_pipes_pipe.orders")
        .map(|f| f.message.as_str())
        .collect();
    assert_eq!(piped.len(), 1, "{found:?}");
    assert!(piped[0].contains("execution_role_arn role `aws_iam_role.exec`"));
    let at = found
        .iter()
        .find(|f| f.address == "aws_pipes_pipe.orders")
        .unwrap()
        .loc;
    assert_eq!(text(&model, at), "role_arn");
}

#[test]
fn pass_role_on_a_pattern_that_spans_roles_of_several_services() {
    let rule = "pass-role-unrestricted";
    let src = |pattern: &str, condition: &str| {
        format!(
            r#"resource "aws_iam_role" "fn" {{
  name               = "app-fn"
  assume_role_policy = {lambda}
}}
resource "aws_iam_role" "node" {{
  name               = "app-node"
  assume_role_policy = {ec2}
}}
resource "aws_iam_role" "other" {{
  name               = "ops-node"
  assume_role_policy = {ec2}
}}
resource "aws_iam_policy" "deploy" {{
  name   = "deploy"
  policy = jsonencode({{ Version = "2012-10-17", Statement = [{{ Effect = "Allow", Action = "iam:PassRole", Resource = "{pattern}"{condition} }}] }})
}}
"#,
            lambda = trust("lambda.amazonaws.com"),
            ec2 = trust("ec2.amazonaws.com"),
        )
    };
    let (model, found) = one_file(&src("arn:aws:iam::*:role/app-*", ""), rule);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(text(&model, found[0].loc), "\"arn:aws:iam::*:role/app-*\"");
    assert!(
        found[0].message.contains("hand 2 roles"),
        "{}",
        found[0].message
    );
    // One service's roles only, or the service named: silent.
    assert!(
        one_file(&src("arn:aws:iam::*:role/*-node", ""), rule)
            .1
            .is_empty()
    );
    let named =
        ", Condition = { StringEquals = { \"iam:PassedToService\" = \"lambda.amazonaws.com\" } }";
    assert!(
        one_file(&src("arn:aws:iam::*:role/app-*", named), rule)
            .1
            .is_empty()
    );
}

/// An ECS task definition `job` with a task role and an execution role (named only after apply).
fn job_with_roles() -> String {
    format!(
        r#"resource "aws_iam_role" "task" {{
  name               = "task"
  assume_role_policy = {tasks}
}}
resource "aws_iam_role" "exec" {{
  name_prefix        = "exec-"
  assume_role_policy = {tasks}
}}
resource "aws_ecs_task_definition" "job" {{
  family                = "job"
  task_role_arn         = aws_iam_role.task.arn
  execution_role_arn    = aws_iam_role.exec.arn
  container_definitions = "[]"
}}
"#,
        tasks = trust("ecs-tasks.amazonaws.com"),
    )
}

/// Roles of a pipeline: an ECS task, a SageMaker job, and the state machine running both.
fn pipeline_roles(pass_policy: &str) -> String {
    format!(
        r#"{job}resource "aws_iam_role" "train" {{
  name               = "train"
  assume_role_policy = {sagemaker}
}}
resource "aws_iam_role" "sfn" {{
  name               = "sfn"
  assume_role_policy = {states}
}}
resource "aws_iam_role_policy" "sfn" {{
  role   = aws_iam_role.sfn.name
  policy = jsonencode({{ Version = "2012-10-17", Statement = [
    {{ Effect = "Allow", Action = ["ecs:RunTask", "sagemaker:CreateTrainingJob"], Resource = "*" }},
    {pass_policy}
  ] }})
}}
"#,
        job = job_with_roles(),
        sagemaker = trust("sagemaker.amazonaws.com"),
        states = trust("states.amazonaws.com"),
    )
}

/// What missing-pass-role says: (launcher, state, passed role, flagged text).
fn passes(src: &str) -> Vec<[String; 4]> {
    let (model, found) = one_file(src, "missing-pass-role");
    let mut got: Vec<[String; 4]> = found
        .iter()
        .map(|f| {
            let state = f.message.split('`').nth(1).unwrap_or_default();
            let role = f.message.split('`').rev().nth(1).unwrap_or_default();
            [
                f.address.clone(),
                state.to_string(),
                role.to_string(),
                text(&model, f.loc),
            ]
        })
        .collect();
    got.sort();
    got
}

#[test]
fn a_state_machine_whose_role_cannot_pass_what_its_states_launch() {
    let heredoc = r#"resource "aws_sfn_state_machine" "heredoc" {
  name       = "heredoc"
  role_arn   = aws_iam_role.sfn.arn
  definition = <<-EOF
    {
      "StartAt": "Run",
      "States": {
        "Run": {
          "Type": "Task",
          "Resource": "arn:aws:states:::ecs:runTask.sync",
          "Parameters": { "Cluster": "jobs", "TaskDefinition": "${aws_ecs_task_definition.job.arn}" },
          "Next": "Train"
        },
        "Train": {
          "Type": "Task",
          "Resource": "arn:aws:states:::sagemaker:createTrainingJob.sync",
          "Parameters": { "RoleArn": "${aws_iam_role.train.arn}", "TrainingJobName.$": "$.name" },
          "Next": "Later"
        },
        "Later": {
          "Type": "Task",
          "Resource": "arn:aws:states:::sagemaker:createTrainingJob",
          "Parameters": { "RoleArn.$": "$.role" },
          "End": true
        }
      }
    }
  EOF
}
"#;
    let encoded = r#"resource "aws_sfn_state_machine" "encoded" {
  name     = "encoded"
  role_arn = aws_iam_role.sfn.arn
  definition = jsonencode({
    StartAt = "P"
    States = {
      P = {
        Type = "Parallel"
        End  = true
        Branches = [{
          StartAt = "M"
          States = { M = { Type = "Map", End = true, ItemProcessor = {
            StartAt = "Run"
            States = { Run = { Type = "Task", Resource = "arn:aws:states:::aws-sdk:ecs:runTask", End = true, Parameters = { TaskDefinition = "job:3" } } }
          } } }
        }]
      }
    }
  })
}
"#;
    let none = pipeline_roles("");
    let src = format!("{none}{heredoc}{encoded}");
    let finding = |machine: &str, state: &str, role: &str, at: &str| {
        [
            format!("aws_sfn_state_machine.{machine}"),
            state.to_string(),
            format!("aws_iam_role.{role}"),
            at.to_string(),
        ]
    };
    let heredoc_task = "\"TaskDefinition\"";
    assert_eq!(
        passes(&src),
        [
            finding("encoded", "Run", "exec", "TaskDefinition"),
            finding("encoded", "Run", "task", "TaskDefinition"),
            finding("heredoc", "Run", "exec", heredoc_task),
            finding("heredoc", "Run", "task", heredoc_task),
            finding("heredoc", "Train", "train", "\"RoleArn\""),
        ]
    );
    // Beside the finding: the statement that lets the machine launch, where the pass belongs.
    let (model, found) = one_file(&src, "missing-pass-role");
    let launching = found[0]
        .related
        .iter()
        .find(|r| r.message.starts_with("allows "))
        .expect("the launching statement");
    assert_eq!(
        launching.address.as_deref(),
        Some("aws_iam_role_policy.sfn")
    );
    assert!(
        text(&model, launching.loc).starts_with("{ Effect = \"Allow\", Action = [\"ecs:RunTask\""),
        "{}",
        text(&model, launching.loc)
    );
    // Passing to ECS only: the training job still fails.
    let to_ecs = "{ Effect = \"Allow\", Action = \"iam:PassRole\", Resource = \"*\", Condition = { StringEquals = { \"iam:PassedToService\" = \"ecs-tasks.amazonaws.com\" } } }";
    let src = format!("{}{heredoc}{encoded}", pipeline_roles(to_ecs));
    let found = passes(&src);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0][2], "aws_iam_role.train");
    // Passing everything: silent; a pass policy iamlint cannot read: silent.
    let all = "{ Effect = \"Allow\", Action = \"iam:PassRole\", Resource = [aws_iam_role.task.arn, aws_iam_role.exec.arn, aws_iam_role.train.arn] }";
    assert!(passes(&format!("{}{heredoc}{encoded}", pipeline_roles(all))).is_empty());
    let unread = "jsondecode(var.more)";
    let src = format!(
        "variable \"more\" {{}}\n{}{heredoc}",
        pipeline_roles(unread)
    );
    assert!(passes(&src).is_empty());
}

#[test]
fn state_machines_from_templates_modules_and_for_each() {
    let root = std::env::temp_dir().join(format!("iamlint-sfn-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(root.join("machine")).unwrap();
    std::fs::write(root.join("main.tf"), format!(
        "{}\nmodule \"nightly\" {{\n  source   = \"./machine\"\n  for_each = toset([\"a\", \"b\"])\n  role_arn = aws_iam_role.sfn.arn\n  task     = aws_ecs_task_definition.job.arn_without_revision\n}}\n",
        pipeline_roles("")
    )).unwrap();
    std::fs::write(
        root.join("machine/main.tf"),
        "variable \"role_arn\" {}\nvariable \"task\" {}\nresource \"aws_sfn_state_machine\" \"this\" {\n  name       = \"nightly\"\n  role_arn   = var.role_arn\n  definition = templatefile(\"${path.module}/definition.json\", { task = var.task })\n}\n",
    )
    .unwrap();
    std::fs::write(
        root.join("machine/definition.json"),
        "{\n  \"StartAt\": \"Run\",\n  \"States\": {\n    \"Run\": {\n      \"Type\": \"Task\",\n      \"Resource\": \"arn:aws:states:::ecs:runTask.sync\",\n      \"Parameters\": { \"TaskDefinition\": \"${task}\" },\n      \"End\": true\n    }\n  }\n}\n",
    )
    .unwrap();
    let model = load_paths(std::slice::from_ref(&root), &LoadOptions::default());
    // The machines' role may also call `sagemaker:CreateTrainingJob` with no role to give
    // SageMaker: reported at its policy, apart from what the machines launch.
    let found: Vec<_> = findings(&model, "missing-pass-role")
        .into_iter()
        .filter(|f| f.address != "aws_iam_role_policy.sfn")
        .collect();
    let mut got: Vec<(String, String)> = found
        .iter()
        .map(|f| (f.address.clone(), text(&model, f.loc)))
        .collect();
    got.sort();
    let at = |key: &str| {
        (
            format!("module.nightly[\"{key}\"].aws_sfn_state_machine.this"),
            "\"TaskDefinition\"".to_string(),
        )
    };
    // Task role and execution role, in each instance; pointing into the template.
    assert_eq!(got, [at("a"), at("a"), at("b"), at("b")]);
    let loc = found[0].loc.unwrap();
    assert!(
        model
            .sources
            .get(loc.file)
            .path
            .ends_with("definition.json")
    );
    std::fs::remove_dir_all(root).unwrap();
}

#[test]
fn a_definition_that_is_not_json_is_a_coverage_note() {
    let src = format!(
        "{}resource \"aws_sfn_state_machine\" \"broken\" {{\n  name       = \"broken\"\n  role_arn   = aws_iam_role.sfn.arn\n  definition = \"{{ \\\"StartAt\\\": }}\"\n}}\n",
        pipeline_roles("")
    );
    let (model, found) = one_file(&src, "missing-pass-role");
    // The launches it would judge are unknown; what the machine's role may do alone still
    // counts (it may call `sagemaker:CreateTrainingJob` and pass SageMaker no role).
    assert!(
        found.iter().all(|f| f.address == "aws_iam_role_policy.sfn"),
        "{found:?}"
    );
    let notes: Vec<&str> = model
        .coverage
        .iter()
        .filter(|c| c.address == "aws_sfn_state_machine.broken")
        .map(|c| c.message.as_str())
        .collect();
    assert_eq!(notes.len(), 1, "{:?}", model.coverage);
    assert!(
        notes[0].starts_with("definition is not JSON"),
        "{}",
        notes[0]
    );
}

#[test]
fn container_definitions_in_a_heredoc_name_their_secrets() {
    let src = r#"resource "aws_ecs_task_definition" "app" {
  family                = "app"
  container_definitions = <<-EOF
    [{
      "name": "app",
      "image": "app:1",
      "environment": [
        { "name": "AWS_SECRET_ACCESS_KEY", "value": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" }
      ]
    }]
  EOF
}
"#;
    let (model, found) = one_file(src, "static-aws-credentials");
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(
        text(&model, found[0].loc),
        "\"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\""
    );
}

/// A trust that names the service with another action is wrong in its action: the message says
/// so, points at the action, and never claims the service is missing.
#[test]
fn a_trust_naming_the_service_with_another_action_blames_the_action() {
    let src = r#"
resource "aws_iam_role" "fn" {
  name = "fn"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "sts:AssumeRoleWithWebIdentity", Principal = { Service = "lambda.amazonaws.com" } }] })
}

resource "aws_lambda_function" "f" {
  function_name = "f"
  role          = aws_iam_role.fn.arn
  handler       = "index.handler"
  runtime       = "python3.12"
  filename      = "f.zip"
}
"#;
    let (model, found) = one_file(src, RULE);
    assert_eq!(found.len(), 1, "{found:#?}");
    let f = &found[0];
    assert!(
        f.message.contains(
            "which needs `lambda.amazonaws.com` to call `sts:AssumeRole`, but its trust policy allows `lambda.amazonaws.com` only `sts:AssumeRoleWithWebIdentity`"
        ),
        "{}",
        f.message
    );
    assert!(!f.message.contains("admits only"), "{}", f.message);
    assert_eq!(text(&model, f.loc), "\"sts:AssumeRoleWithWebIdentity\"");
    assert!(
        f.help
            .starts_with("allow `sts:AssumeRole` for `lambda.amazonaws.com`"),
        "{}",
        f.help
    );
}
