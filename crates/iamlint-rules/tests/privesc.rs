//! Privilege escalation, technique by technique: each fires on a configuration that lets a
//! principal use it to reach an administrator, with the expected path, and stays silent when
//! the grant is scoped away from the target, blocked by a Deny, a boundary or a condition, or
//! the target is no administrator or does not trust the service. Built from HCL as users write
//! it.

use iamlint_rules::{Selection, Severity, run};
use iamlint_terraform::load_sources;

const ADMIN_ROLE: &str = r#"
resource "aws_iam_role_policy_attachment" "target_admin" {
  role       = aws_iam_role.target.name
  policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"
}
"#;

/// The escalation findings of `src`: (principal, technique ids of the path, severity).
fn escalations(src: &str) -> Vec<(String, Vec<String>, Severity)> {
    let src = format!("data \"aws_caller_identity\" \"current\" {{}}\n{src}");
    let model = load_sources(vec![("main.tf".into(), src)]);
    assert!(model.errors.is_empty(), "{:?}", model.errors);
    let selection = Selection {
        select: vec!["privilege-escalation".into()],
        ..Selection::default()
    };
    run(&model, &selection)
        .into_iter()
        .map(|f| {
            let ids = f
                .message
                .match_indices(" (")
                .filter_map(|(i, _)| {
                    let rest = &f.message[i + 2..];
                    let id = &rest[..rest.find([')', ','])?];
                    (id.contains('-') && !id.contains(' ')).then(|| id.to_string())
                })
                .collect();
            (f.address, ids, f.severity)
        })
        .collect()
}

/// A trust of the configuration's own account root.
const TRUSTING_ROOT: &str = r#"{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { AWS = "arn:aws:iam::${data.aws_caller_identity.current.account_id}:root" } }"#;

/// What `escalations` gives when the user `caller` escalates by technique `id` alone.
fn caller_escalates(id: &str, severity: Severity) -> Vec<(String, Vec<String>, Severity)> {
    vec![(
        "aws_iam_user.caller".to_string(),
        vec![id.to_string()],
        severity,
    )]
}

/// Each configuration gives no escalation finding.
fn assert_silent(id: &str, cases: &[String]) {
    for (n, src) in cases.iter().enumerate() {
        assert_eq!(escalations(src), [], "{id}: silent case {n}\n{src}");
    }
}

fn role(name: &str, trust: &str) -> String {
    format!(
        r#"
resource "aws_iam_role" "{name}" {{
  name               = "{name}"
  assume_role_policy = jsonencode({{ Version = "2012-10-17", Statement = [{trust}] }})
}}
"#
    )
}

fn service_trust(service: &str) -> String {
    format!(
        r#"{{ Effect = "Allow", Action = "sts:AssumeRole", Principal = {{ Service = "{service}" }} }}"#
    )
}

fn user_with(statements: &str) -> String {
    format!(
        r#"
resource "aws_iam_user" "caller" {{
  name = "caller"
}}

resource "aws_iam_user_policy" "caller" {{
  user   = aws_iam_user.caller.name
  policy = jsonencode({{ Version = "2012-10-17", Statement = [{statements}] }})
}}
"#
    )
}

fn allow(actions: &[&str], resource: &str) -> String {
    let list: Vec<String> = actions.iter().map(|a| format!("\"{a}\"")).collect();
    format!(
        r#"{{ Effect = "Allow", Action = [{}], Resource = {resource} }}"#,
        list.join(", ")
    )
}

fn deny(actions: &[&str]) -> String {
    let list: Vec<String> = actions.iter().map(|a| format!("\"{a}\"")).collect();
    format!(
        r#"{{ Effect = "Deny", Action = [{}], Resource = "*" }}"#,
        list.join(", ")
    )
}

/// (technique, service its role must trust, the other actions it takes)
const PASS_ROLE: [(&str, &str, &[&str]); 26] = [
    ("ec2-001", "ec2.amazonaws.com", &["ec2:RunInstances"]),
    (
        "ec2-003",
        "ec2.amazonaws.com",
        &["ec2:RequestSpotInstances"],
    ),
    (
        "lambda-001",
        "lambda.amazonaws.com",
        &["lambda:CreateFunction", "lambda:InvokeFunction"],
    ),
    (
        "lambda-006",
        "lambda.amazonaws.com",
        &["lambda:CreateFunction", "lambda:AddPermission"],
    ),
    (
        "ecs-001",
        "ecs-tasks.amazonaws.com",
        &[
            "ecs:CreateCluster",
            "ecs:RegisterTaskDefinition",
            "ecs:CreateService",
        ],
    ),
    (
        "ecs-002",
        "ecs-tasks.amazonaws.com",
        &[
            "ecs:CreateCluster",
            "ecs:RegisterTaskDefinition",
            "ecs:RunTask",
        ],
    ),
    (
        "glue-001",
        "glue.amazonaws.com",
        &["glue:CreateDevEndpoint"],
    ),
    (
        "glue-003",
        "glue.amazonaws.com",
        &["glue:CreateJob", "glue:StartJobRun"],
    ),
    (
        "cloudformation-001",
        "cloudformation.amazonaws.com",
        &["cloudformation:CreateStack"],
    ),
    (
        "codebuild-001",
        "codebuild.amazonaws.com",
        &["codebuild:CreateProject", "codebuild:StartBuild"],
    ),
    (
        "sagemaker-001",
        "sagemaker.amazonaws.com",
        &["sagemaker:CreateNotebookInstance"],
    ),
    (
        "sagemaker-002",
        "sagemaker.amazonaws.com",
        &["sagemaker:CreateTrainingJob"],
    ),
    (
        "sagemaker-003",
        "sagemaker.amazonaws.com",
        &["sagemaker:CreateProcessingJob"],
    ),
    (
        "apprunner-001",
        "tasks.apprunner.amazonaws.com",
        &["apprunner:CreateService"],
    ),
    (
        "codebuild-004",
        "codebuild.amazonaws.com",
        &["codebuild:CreateProject", "codebuild:StartBuildBatch"],
    ),
    (
        "glue-004",
        "glue.amazonaws.com",
        &["glue:CreateJob", "glue:CreateTrigger"],
    ),
    (
        "glue-005",
        "glue.amazonaws.com",
        &["glue:UpdateJob", "glue:StartJobRun"],
    ),
    (
        "glue-006",
        "glue.amazonaws.com",
        &["glue:UpdateJob", "glue:CreateTrigger"],
    ),
    (
        "datapipeline-001",
        "datapipeline.amazonaws.com",
        &[
            "datapipeline:CreatePipeline",
            "datapipeline:PutPipelineDefinition",
            "datapipeline:ActivatePipeline",
        ],
    ),
    (
        "cloudformation-003",
        "cloudformation.amazonaws.com",
        &[
            "cloudformation:CreateStackSet",
            "cloudformation:CreateStackInstances",
        ],
    ),
    (
        "cloudformation-004",
        "cloudformation.amazonaws.com",
        &["cloudformation:UpdateStackSet"],
    ),
    (
        "ecs-003",
        "ecs-tasks.amazonaws.com",
        &["ecs:RegisterTaskDefinition", "ecs:CreateService"],
    ),
    (
        "ecs-004",
        "ecs-tasks.amazonaws.com",
        &["ecs:RegisterTaskDefinition", "ecs:RunTask"],
    ),
    (
        "ecs-005",
        "ecs-tasks.amazonaws.com",
        &["ecs:RegisterTaskDefinition", "ecs:StartTask"],
    ),
    (
        "lambda-002",
        "lambda.amazonaws.com",
        &["lambda:CreateFunction", "lambda:CreateEventSourceMapping"],
    ),
    (
        "bedrock-001",
        "bedrock-agentcore.amazonaws.com",
        &[
            "bedrock-agentcore:CreateCodeInterpreter",
            "bedrock-agentcore:StartCodeInterpreterSession",
            "bedrock-agentcore:InvokeCodeInterpreter",
        ],
    ),
];

/// Techniques whose run needs something the configuration cannot show (an instance profile, a
/// legacy feature): found, but conditional.
const RUNTIME: [&str; 11] = [
    "ec2-001",
    "ec2-003",
    "glue-001",
    "glue-005",
    "glue-006",
    "datapipeline-001",
    "cloudformation-004",
    "ecs-003",
    "ecs-004",
    "ecs-005",
    "lambda-002",
];

#[test]
fn new_passrole_techniques_fire_and_stay_silent_when_blocked() {
    for (id, service, actions) in PASS_ROLE {
        let mut all: Vec<&str> = vec!["iam:PassRole"];
        all.extend(actions);
        let target = role("target", &service_trust(service)) + ADMIN_ROLE;
        let fires = user_with(&allow(&all, "\"*\"")) + &target;
        let severity = if RUNTIME.contains(&id) {
            Severity::High
        } else {
            Severity::Critical
        };
        assert_eq!(
            escalations(&fires),
            caller_escalates(id, severity),
            "{id} fires"
        );

        let silent = [
            // PassRole only on a role that is not an administrator.
            user_with(&format!(
                "{}, {}",
                allow(actions, "\"*\""),
                allow(&["iam:PassRole"], "aws_iam_role.weak.arn")
            )) + &target
                + &role("weak", &service_trust(service)),
            // A Deny in another statement.
            user_with(&format!("{}, {}", allow(&all, "\"*\""), deny(actions))) + &target,
            // PassRole only to another service.
            user_with(&format!(
                r#"{}, {{ Effect = "Allow", Action = "iam:PassRole", Resource = "*", Condition = {{ StringEquals = {{ "iam:PassedToService" = "other.amazonaws.com" }} }} }}"#,
                allow(actions, "\"*\"")
            )) + &target,
            // The administrator role does not trust the service.
            user_with(&allow(&all, "\"*\""))
                + &role("target", &service_trust("other.amazonaws.com"))
                + ADMIN_ROLE,
            // The target is no administrator.
            user_with(&allow(&all, "\"*\"")) + &role("target", &service_trust(service)),
        ];
        assert_silent(id, &silent);
    }
}

#[test]
fn assuming_a_role_fires_only_when_trust_and_permission_both_allow_it() {
    let trusting_root = TRUSTING_ROOT;
    let caller_in_account = r#"
resource "aws_iam_user" "caller" {
  name = "caller"
}
"#;
    let fires = user_with(&allow(&["sts:AssumeRole"], "aws_iam_role.target.arn"))
        + &role("target", trusting_root)
        + ADMIN_ROLE;
    // The trust admits the configuration's own account, the caller's.
    assert_eq!(
        escalations(&fires),
        caller_escalates("sts-001", Severity::Critical)
    );
    let silent = [
        // Trusting the account root needs the caller's own permission too.
        caller_in_account.to_string() + &role("target", trusting_root) + ADMIN_ROLE,
        // Denied.
        user_with(&format!(
            "{}, {}",
            allow(&["sts:AssumeRole"], "\"*\""),
            deny(&["sts:AssumeRole"])
        )) + &role("target", trusting_root)
            + ADMIN_ROLE,
        // The trust admits another account only.
        user_with(&allow(&["sts:AssumeRole"], "\"*\""))
            + &role(
                "target",
                r#"{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { AWS = "arn:aws:iam::999999999999:root" } }"#,
            )
            + ADMIN_ROLE,
        // The role is no administrator.
        user_with(&allow(&["sts:AssumeRole"], "\"*\"")) + &role("target", trusting_root),
    ];
    assert_silent("sts-001", &silent);
}

#[test]
fn taking_over_users_and_trusts() {
    let admin_user = r#"
resource "aws_iam_user" "admin" {
  name = "admin"
}

resource "aws_iam_user_policy_attachment" "admin" {
  user       = aws_iam_user.admin.name
  policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"
}
"#;
    for (id, actions) in [
        ("iam-002", &["iam:CreateAccessKey"][..]),
        ("iam-003", &["iam:CreateAccessKey", "iam:DeleteAccessKey"]),
        ("iam-004", &["iam:CreateLoginProfile"]),
        ("iam-006", &["iam:UpdateLoginProfile"]),
    ] {
        let fires = user_with(&allow(actions, "\"*\"")) + admin_user;
        let found = escalations(&fires);
        assert_eq!(found.len(), 1, "{id}: {found:?}");
        assert_eq!(found[0].1, [id], "{id}");
        // Deleting a key first needs no assumption about how many the user has.
        let severity = if id == "iam-003" {
            Severity::Critical
        } else {
            Severity::High
        };
        assert_eq!(found[0].2, severity, "{id}");
        let silent = [
            // Only on its own user.
            user_with(&allow(actions, "aws_iam_user.caller.arn")) + admin_user,
            user_with(&format!("{}, {}", allow(actions, "\"*\""), deny(actions))) + admin_user,
            // No administrator to take over.
            user_with(&allow(actions, "\"*\"")),
        ];
        assert_silent(id, &silent);
    }

    let trust = service_trust("ec2.amazonaws.com");
    let fires = user_with(&allow(&["iam:UpdateAssumeRolePolicy"], "\"*\""))
        + &role("target", &trust)
        + ADMIN_ROLE;
    assert_eq!(
        escalations(&fires),
        caller_escalates("iam-012", Severity::Critical)
    );
    let service_linked = r#"
resource "aws_iam_role" "target" {
  name               = "AWSServiceRoleForSupport"
  path               = "/aws-service-role/support.amazonaws.com/"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "support.amazonaws.com" } }] })
}
"#;
    let silent = [
        user_with(&allow(&["iam:UpdateAssumeRolePolicy"], "\"*\"")) + service_linked + ADMIN_ROLE,
        user_with(&allow(
            &["iam:UpdateAssumeRolePolicy"],
            "\"arn:aws:iam::*:role/app-*\"",
        )) + &role("target", &trust)
            + ADMIN_ROLE,
        user_with(&format!(
            "{}, {}",
            allow(&["iam:UpdateAssumeRolePolicy"], "\"*\""),
            deny(&["iam:UpdateAssumeRolePolicy"])
        )) + &role("target", &trust)
            + ADMIN_ROLE,
    ];
    assert_silent("iam-012", &silent);
}

#[test]
fn giving_itself_an_administrator_policy() {
    let ec2 = service_trust("ec2.amazonaws.com");
    let role_with = |statements: &str, extra: &str| {
        format!(
            r#"
resource "aws_iam_role" "app" {{
  name               = "app"
  assume_role_policy = jsonencode({{ Version = "2012-10-17", Statement = [{ec2}] }})
  {extra}
}}

resource "aws_iam_role_policy" "app" {{
  role   = aws_iam_role.app.id
  policy = jsonencode({{ Version = "2012-10-17", Statement = [{statements}] }})
}}

resource "aws_iam_policy" "boundary" {{
  name   = "boundary"
  policy = jsonencode({{ Version = "2012-10-17", Statement = [{{ Effect = "Allow", Action = ["iam:*", "s3:*"], Resource = "*" }}] }})
}}
"#
        )
    };
    let admin_arn = r#"Condition = { ArnEquals = { "iam:PolicyARN" = "arn:aws:iam::aws:policy/AdministratorAccess" } }"#;
    let readonly_arn = r#"Condition = { ArnEquals = { "iam:PolicyARN" = "arn:aws:iam::aws:policy/ReadOnlyAccess" } }"#;
    for (id, action) in [
        ("iam-005", "iam:PutRolePolicy"),
        ("iam-009", "iam:AttachRolePolicy"),
    ] {
        let fires = role_with(&allow(&[action], "aws_iam_role.app.arn"), "");
        assert_eq!(
            escalations(&fires),
            [(
                "aws_iam_role.app".to_string(),
                vec![id.to_string()],
                Severity::Critical
            )],
            "{id}"
        );
        let silent = [
            // A boundary that is no administrator caps what it can give itself.
            role_with(
                &allow(&[action], "\"*\""),
                "permissions_boundary = aws_iam_policy.boundary.arn",
            ),
            role_with(
                &format!("{}, {}", allow(&[action], "\"*\""), deny(&[action])),
                "",
            ),
            // On other roles only.
            role_with(&allow(&[action], "\"arn:aws:iam::*:role/other-*\""), ""),
        ];
        assert_silent(id, &silent);
    }
    // Attaching only ReadOnlyAccess gives nothing; AdministratorAccess does.
    let scoped = |condition: &str| {
        role_with(
            &format!(
                r#"{{ Effect = "Allow", Action = "iam:AttachRolePolicy", Resource = "*", {condition} }}"#
            ),
            "",
        )
    };
    assert_eq!(escalations(&scoped(readonly_arn)), []);
    assert_eq!(escalations(&scoped(admin_arn)).len(), 1);

    for (id, action) in [
        ("iam-007", "iam:PutUserPolicy"),
        ("iam-008", "iam:AttachUserPolicy"),
    ] {
        let fires = user_with(&allow(&[action], "aws_iam_user.caller.arn"));
        assert_eq!(
            escalations(&fires),
            caller_escalates(id, Severity::Critical),
            "{id}"
        );
        let silent = [
            user_with(&format!(
                "{}, {}",
                allow(&[action], "\"*\""),
                deny(&[action])
            )),
            user_with(&allow(&[action], "\"arn:aws:iam::*:user/other\"")),
        ];
        assert_silent(id, &silent);
    }
}

#[test]
fn paths_take_several_hops() {
    // The user may assume a role that may hand an administrator role to Lambda.
    let trusting_root = TRUSTING_ROOT;
    let src = user_with(&allow(&["sts:AssumeRole"], "aws_iam_role.middle.arn"))
        + &role("middle", trusting_root)
        + r#"
resource "aws_iam_role_policy" "middle" {
  role   = aws_iam_role.middle.id
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = ["iam:PassRole", "lambda:CreateFunction", "lambda:InvokeFunction"], Resource = "*" }] })
}
"# + &role("target", &service_trust("lambda.amazonaws.com"))
        + ADMIN_ROLE;
    let found = escalations(&src);
    let user = found
        .iter()
        .find(|(a, _, _)| a == "aws_iam_user.caller")
        .expect("the user escalates");
    assert_eq!(user.1, ["sts-001", "lambda-001"]);
    // The middle role escalates in one hop itself.
    let middle = found
        .iter()
        .find(|(a, _, _)| a == "aws_iam_role.middle")
        .expect("the role escalates");
    assert_eq!(middle.1, ["lambda-001"]);
    // The administrator it reaches is never a source.
    assert!(found.iter().all(|(a, _, _)| a != "aws_iam_role.target"));
}

/// (technique, the resource that runs as the role, the actions, whether it needs a runtime fact)
const WEARERS: [(&str, &str, &[&str], bool); 16] = [
    ("lambda-003", LAMBDA, &["lambda:UpdateFunctionCode"], true),
    (
        "lambda-004",
        LAMBDA,
        &["lambda:UpdateFunctionCode", "lambda:InvokeFunction"],
        false,
    ),
    (
        "lambda-005",
        LAMBDA,
        &["lambda:UpdateFunctionCode", "lambda:AddPermission"],
        false,
    ),
    ("codebuild-002", CODEBUILD, &["codebuild:StartBuild"], true),
    (
        "codebuild-003",
        CODEBUILD,
        &["codebuild:StartBuildBatch"],
        true,
    ),
    (
        "cloudformation-002",
        STACK,
        &["cloudformation:UpdateStack"],
        false,
    ),
    (
        "cloudformation-005",
        STACK,
        &[
            "cloudformation:CreateChangeSet",
            "cloudformation:ExecuteChangeSet",
        ],
        false,
    ),
    ("glue-002", GLUE, &["glue:UpdateDevEndpoint"], false),
    (
        "sagemaker-004",
        NOTEBOOK,
        &["sagemaker:CreatePresignedNotebookInstanceUrl"],
        true,
    ),
    (
        "sagemaker-005",
        NOTEBOOK,
        &[
            "sagemaker:CreateNotebookInstanceLifecycleConfig",
            "sagemaker:StopNotebookInstance",
            "sagemaker:UpdateNotebookInstance",
            "sagemaker:StartNotebookInstance",
        ],
        true,
    ),
    (
        "ec2-002",
        INSTANCE,
        &[
            "ec2:ModifyInstanceAttribute",
            "ec2:StopInstances",
            "ec2:StartInstances",
        ],
        true,
    ),
    (
        "ec2-004",
        TEMPLATE,
        &[
            "ec2:CreateLaunchTemplateVersion",
            "ec2:ModifyLaunchTemplate",
        ],
        true,
    ),
    ("ssm-001", INSTANCE, &["ssm:StartSession"], true),
    ("ssm-002", INSTANCE, &["ssm:SendCommand"], true),
    (
        "ec2instanceconnect-003",
        INSTANCE,
        &["ec2-instance-connect:SendSSHPublicKey"],
        true,
    ),
    (
        "apprunner-002",
        APPRUNNER,
        &["apprunner:UpdateService"],
        true,
    ),
];

const LAMBDA: &str = r#"
resource "aws_lambda_function" "worker" {
  function_name = "worker"
  role          = aws_iam_role.target.arn
  handler       = "index.handler"
  runtime       = "nodejs20.x"
  filename      = "worker.zip"
}
"#;
const CODEBUILD: &str = r#"
resource "aws_codebuild_project" "worker" {
  name         = "worker"
  service_role = aws_iam_role.target.arn
}
"#;
const STACK: &str = r#"
resource "aws_cloudformation_stack" "worker" {
  name         = "worker"
  iam_role_arn = aws_iam_role.target.arn
}
"#;
const GLUE: &str = r#"
resource "aws_glue_dev_endpoint" "worker" {
  name     = "worker"
  role_arn = aws_iam_role.target.arn
}
"#;
const NOTEBOOK: &str = r#"
resource "aws_sagemaker_notebook_instance" "worker" {
  name          = "worker"
  role_arn      = aws_iam_role.target.arn
  instance_type = "ml.t3.medium"
}
"#;
const INSTANCE: &str = r#"
resource "aws_iam_instance_profile" "worker" {
  name = "worker"
  role = aws_iam_role.target.name
}

resource "aws_instance" "worker" {
  ami                  = "ami-12345678"
  instance_type        = "t3.micro"
  iam_instance_profile = aws_iam_instance_profile.worker.name
}
"#;
const TEMPLATE: &str = r#"
resource "aws_iam_instance_profile" "worker" {
  name = "worker"
  role = aws_iam_role.target.name
}

resource "aws_launch_template" "worker" {
  name = "worker"
  iam_instance_profile {
    name = aws_iam_instance_profile.worker.name
  }
}
"#;
const APPRUNNER: &str = r#"
resource "aws_apprunner_service" "worker" {
  service_name = "worker"
  instance_configuration {
    instance_role_arn = aws_iam_role.target.arn
  }
}
"#;

/// The service a wearer's role must trust.
fn wearer_service(wearer: &str) -> &'static str {
    match wearer {
        LAMBDA => "lambda.amazonaws.com",
        CODEBUILD => "codebuild.amazonaws.com",
        STACK => "cloudformation.amazonaws.com",
        GLUE => "glue.amazonaws.com",
        NOTEBOOK => "sagemaker.amazonaws.com",
        APPRUNNER => "tasks.apprunner.amazonaws.com",
        _ => "ec2.amazonaws.com",
    }
}

#[test]
fn existing_wearers_are_taken_over_through_what_they_run() {
    for (id, wearer, actions, runtime) in WEARERS {
        let trust = service_trust(wearer_service(wearer));
        let target = role("target", &trust) + ADMIN_ROLE + wearer;
        let fires = user_with(&allow(actions, "\"*\"")) + &target;
        let severity = if runtime {
            Severity::High
        } else {
            Severity::Critical
        };
        assert_eq!(
            escalations(&fires),
            caller_escalates(id, severity),
            "{id} fires\n{fires}"
        );
        let silent = [
            // Denied.
            user_with(&format!("{}, {}", allow(actions, "\"*\""), deny(actions))) + &target,
            // The resource runs as a role that is no administrator.
            user_with(&allow(actions, "\"*\"")) + &role("target", &trust) + wearer,
            // Nothing runs as the administrator role.
            user_with(&allow(actions, "\"*\"")) + &role("target", &trust) + ADMIN_ROLE,
        ];
        assert_silent(id, &silent);
    }
    // Scoped by name to other functions: the function's ARN is built from its name.
    let scoped = user_with(&allow(
        &["lambda:UpdateFunctionCode", "lambda:InvokeFunction"],
        "\"arn:aws:lambda:*:*:function:other-*\"",
    )) + &role("target", &service_trust("lambda.amazonaws.com"))
        + ADMIN_ROLE
        + LAMBDA;
    assert_eq!(escalations(&scoped), []);
    let named = scoped.replace("function:other-*", "function:work*");
    assert_eq!(escalations(&named).len(), 1, "{named}");
}

const IN_GROUP: &str = r#"
resource "aws_iam_group" "devs" {
  name = "devs"
}

resource "aws_iam_user_group_membership" "caller" {
  user   = aws_iam_user.caller.name
  groups = [aws_iam_group.devs.name]
}
"#;

const ADMIN_GROUP: &str = r#"
resource "aws_iam_group" "admins" {
  name = "admins"
}

resource "aws_iam_group_policy_attachment" "admins" {
  group      = aws_iam_group.admins.name
  policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"
}
"#;

#[test]
fn groups_and_managed_policies_make_their_members_administrators() {
    let boundary = r#"
resource "aws_iam_policy" "boundary" {
  name   = "boundary"
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = ["iam:*", "s3:*"], Resource = "*" }] })
}
"#;
    for (id, action) in [
        ("iam-010", "iam:AttachGroupPolicy"),
        ("iam-011", "iam:PutGroupPolicy"),
    ] {
        let fires = user_with(&allow(&[action], "aws_iam_group.devs.arn")) + IN_GROUP;
        assert_eq!(
            escalations(&fires),
            caller_escalates(id, Severity::Critical),
            "{id}"
        );
        let silent = [
            // Not a member of the group it may change.
            user_with(&allow(&[action], "aws_iam_group.devs.arn"))
                + r#"
resource "aws_iam_group" "devs" {
  name = "devs"
}
"#,
            user_with(&format!(
                "{}, {}",
                allow(&[action], "\"*\""),
                deny(&[action])
            )) + IN_GROUP,
            // A boundary on the user caps what the group gives it.
            user_with(&allow(&[action], "\"*\"")).replace(
                "name = \"caller\"",
                "name = \"caller\"\n  permissions_boundary = aws_iam_policy.boundary.arn",
            ) + IN_GROUP
                + boundary,
        ];
        assert_silent(id, &silent);
    }

    // iam-013: joining a group whose policies make it an administrator.
    let fires =
        user_with(&allow(&["iam:AddUserToGroup"], "aws_iam_group.admins.arn")) + ADMIN_GROUP;
    assert_eq!(
        escalations(&fires),
        caller_escalates("iam-013", Severity::Critical)
    );
    let silent = [
        // Only groups that are no administrators.
        user_with(&allow(&["iam:AddUserToGroup"], "aws_iam_group.devs.arn"))
            + ADMIN_GROUP
            + r#"
resource "aws_iam_group" "devs" {
  name = "devs"
}
"#,
        user_with(&format!(
            "{}, {}",
            allow(&["iam:AddUserToGroup"], "\"*\""),
            deny(&["iam:AddUserToGroup"])
        )) + ADMIN_GROUP,
        // No administrator group to join.
        user_with(&allow(&["iam:AddUserToGroup"], "\"*\"")),
    ];
    assert_silent("iam-013", &silent);

    // iam-001: a new default version of a customer-managed policy the principal holds.
    let held = r#"
resource "aws_iam_policy" "tools" {
  name   = "tools"
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "s3:ListAllMyBuckets", Resource = "*" }] })
}

resource "aws_iam_user_policy_attachment" "tools" {
  user       = aws_iam_user.caller.name
  policy_arn = aws_iam_policy.tools.arn
}
"#;
    let fires = user_with(&allow(
        &["iam:CreatePolicyVersion"],
        "aws_iam_policy.tools.arn",
    )) + held;
    assert_eq!(
        escalations(&fires),
        caller_escalates("iam-001", Severity::Critical)
    );
    let silent = [
        // On AWS-managed policies only, which AWS lets no one change.
        user_with(&allow(
            &["iam:CreatePolicyVersion"],
            "\"arn:aws:iam::aws:policy/*\"",
        )) + held,
        user_with(&format!(
            "{}, {}",
            allow(&["iam:CreatePolicyVersion"], "\"*\""),
            deny(&["iam:CreatePolicyVersion"])
        )) + held,
        // Only on policies it does not hold.
        user_with(&allow(
            &["iam:CreatePolicyVersion"],
            "\"arn:aws:iam::*:policy/other-*\"",
        )) + held,
    ];
    assert_silent("iam-001", &silent);
}

/// The rules' findings on `src`: (rule, principal).
fn both_rules(src: &str) -> Vec<(String, String)> {
    let src = format!("data \"aws_caller_identity\" \"current\" {{}}\n{src}");
    let model = load_sources(vec![("main.tf".into(), src)]);
    let selection = Selection {
        select: vec![
            "privilege-escalation".into(),
            "privilege-escalation-latent".into(),
        ],
        ..Selection::default()
    };
    run(&model, &selection)
        .into_iter()
        .map(|f| (f.rule.to_string(), f.address))
        .collect()
}

#[test]
fn latent_grants_are_noted_once_unless_the_principal_escalates() {
    let grant = allow(
        &["lambda:UpdateFunctionCode", "lambda:InvokeFunction"],
        "\"*\"",
    );
    let lambda_trust = service_trust("lambda.amazonaws.com");
    // Nothing in the configuration to take over: the grant still reaches any function.
    let alone = user_with(&grant);
    assert_eq!(
        both_rules(&alone),
        [(
            "privilege-escalation-latent".to_string(),
            "aws_iam_user.caller".to_string()
        )]
    );
    // A function in the configuration runs as an administrator: the escalation is reported,
    // and the note is left out.
    let escalates = user_with(&grant) + &role("target", &lambda_trust) + ADMIN_ROLE + LAMBDA;
    assert_eq!(
        both_rules(&escalates),
        [(
            "privilege-escalation".to_string(),
            "aws_iam_user.caller".to_string()
        )]
    );
    // Scoped to some functions: nothing latent.
    let scoped = user_with(&allow(
        &["lambda:UpdateFunctionCode", "lambda:InvokeFunction"],
        "\"arn:aws:lambda:*:*:function:orders-*\"",
    ));
    assert_eq!(both_rules(&scoped), []);
}
