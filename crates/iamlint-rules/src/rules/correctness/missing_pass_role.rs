use iamlint_model::access::{Access, Source};
use iamlint_model::links::{Links, PrincipalType};
use iamlint_model::model::{Resource, base_address};
use iamlint_model::states::{self, Launched};
use iamlint_model::wearers::Holds;
use iamlint_model::wildcard;
use iamlint_model::{Data, Location, Value};

use crate::context::Context;
use crate::finding::Sink;
use crate::rule::Check;

declare_rule! {
    /// ## What it does
    /// Flags a user or role — typically a CI/CD deployer — whose policies allow an action that
    /// hands a role to a service while none of them lets it pass a role to that service: it
    /// may call `lambda:CreateFunction`, `codebuild:CreateProject`, `glue:CreateJob`,
    /// `states:CreateStateMachine`, `sagemaker:CreateTrainingJob`… (every call passes a role),
    /// or `ec2:RunInstances`, `ecs:RegisterTaskDefinition`… (only some do) where its own policies
    /// show it launches with roles (it may `iam:GetInstanceProfile`, or run a task definition
    /// of the configuration that has roles), and `iam:PassRole` is not allowed on any role, or
    /// only with `iam:PassedToService` naming other services, or only on roles of the
    /// configuration the service may not assume. Every policy of the principal counts, through
    /// groups, Deny and permissions boundary included. The actions, the service each hands its
    /// role to and the evidence are a documented table (`role-passing-actions.tsv`). A grant
    /// through a service wildcard (`lambda:*`) says nothing of launching and is left to the
    /// broad-grant rules; a policy iamlint cannot read keeps the principal out, with a coverage
    /// note at that policy saying which launch was not judged. When the launching statement
    /// names a resource of the configuration (`aws_lambda_function.api.arn`, or a pattern such
    /// as `function:app-*`), the principal must also be able to pass the role that resource
    /// wears.
    ///
    /// It also flags a launch whose role cannot pass the roles of what it launches:
    /// - an EventBridge target (`aws_cloudwatch_event_target` with `ecs_target`), an
    ///   EventBridge Scheduler schedule (`aws_scheduler_schedule` with
    ///   `target.ecs_parameters`) or an EventBridge pipe (`aws_pipes_pipe` with
    ///   `target_parameters.ecs_task_parameters`) that runs an ECS task definition;
    /// - a Step Functions state machine (`aws_sfn_state_machine`) whose Task states, in
    ///   Parallel branches and Map processors too, run an ECS task definition (`ecs:runTask`,
    ///   also with `Overrides.TaskRoleArn`) or name a role for the service they call:
    ///   `sagemaker:create*Job` and `createModel`, `codebuild:startBuild`,
    ///   `elasticmapreduce:createCluster`, `emr-serverless:startJobRun`,
    ///   `eks:createCluster`/`createNodegroup`, `bedrock:createModelCustomizationJob`
    ///   (`batch:submitJob`, `glue:startJobRun` and `lambda:invoke` pass no role).
    ///
    /// It fires when the launcher's own role is not allowed `iam:PassRole` on the launched role
    /// (the task role and the execution role of a task definition), or only to another service
    /// than the one the role goes to (`iam:PassedToService`). Only a definite "no" fires: a
    /// policy iamlint cannot read, another condition on the passing, or a parameter known only
    /// at run time (`"RoleArn.$": "$.role"`) keeps it silent.
    ///
    /// ## Why is this bad?
    /// `apply` succeeds and the deployer, schedule or state machine looks fine; every launch
    /// then fails with AccessDenied on `iam:PassRole` — in the middle of a deploy pipeline, or
    /// in a target's metrics or an execution's history.
    ///
    /// ## Example
    /// A deployer that creates functions, each of which needs an execution role:
    /// ```hcl fail
    /// resource "aws_iam_role" "deployer" {
    ///   name = "deployer"
    ///   assume_role_policy = jsonencode({
    ///     Version   = "2012-10-17"
    ///     Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "codebuild.amazonaws.com" } }]
    ///   })
    /// }
    ///
    /// resource "aws_iam_role_policy" "deployer" {
    ///   role = aws_iam_role.deployer.name
    ///   policy = jsonencode({
    ///     Version = "2012-10-17"
    ///     Statement = [{
    ///       Effect   = "Allow"
    ///       Action   = ["lambda:CreateFunction", "lambda:UpdateFunctionCode"]
    ///       Resource = "arn:aws:lambda:eu-west-1:111122223333:function:app-*"
    ///     }]
    ///   })
    /// }
    /// ```
    ///
    /// A schedule that runs a task definition its role may not pass:
    /// ```hcl fail
    /// resource "aws_iam_role" "task" {
    ///   name = "nightly-task"
    ///   assume_role_policy = jsonencode({
    ///     Version   = "2012-10-17"
    ///     Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ecs-tasks.amazonaws.com" } }]
    ///   })
    /// }
    ///
    /// resource "aws_ecs_task_definition" "nightly" {
    ///   family                = "nightly"
    ///   task_role_arn         = aws_iam_role.task.arn
    ///   container_definitions = jsonencode([{ name = "job", image = "job:1" }])
    /// }
    ///
    /// resource "aws_iam_role" "events" {
    ///   name = "nightly-events"
    ///   assume_role_policy = jsonencode({
    ///     Version   = "2012-10-17"
    ///     Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "events.amazonaws.com" } }]
    ///   })
    /// }
    ///
    /// resource "aws_iam_role_policy" "events" {
    ///   role = aws_iam_role.events.name
    ///   policy = jsonencode({
    ///     Version   = "2012-10-17"
    ///     Statement = [{ Effect = "Allow", Action = "ecs:RunTask", Resource = aws_ecs_task_definition.nightly.arn }]
    ///   })
    /// }
    ///
    /// resource "aws_cloudwatch_event_target" "nightly" {
    ///   rule     = "nightly"
    ///   arn      = "arn:aws:ecs:eu-west-1:111122223333:cluster/jobs"
    ///   role_arn = aws_iam_role.events.arn
    ///   ecs_target {
    ///     task_definition_arn = aws_ecs_task_definition.nightly.arn
    ///   }
    /// }
    /// ```
    ///
    /// A state machine's SageMaker training job, whose role the machine may pass only to ECS:
    ///
    /// ```hcl fail
    /// resource "aws_iam_role" "training" {
    ///   name = "training"
    ///   assume_role_policy = jsonencode({
    ///     Version   = "2012-10-17"
    ///     Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "sagemaker.amazonaws.com" } }]
    ///   })
    /// }
    ///
    /// resource "aws_iam_role" "pipeline" {
    ///   name = "pipeline"
    ///   assume_role_policy = jsonencode({
    ///     Version   = "2012-10-17"
    ///     Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "states.amazonaws.com" } }]
    ///   })
    ///   inline_policy {
    ///     name = "pass"
    ///     policy = jsonencode({
    ///       Version = "2012-10-17"
    ///       Statement = [{
    ///         Effect    = "Allow"
    ///         Action    = "iam:PassRole"
    ///         Resource  = aws_iam_role.training.arn
    ///         Condition = { StringEquals = { "iam:PassedToService" = "ecs-tasks.amazonaws.com" } }
    ///       }]
    ///     })
    ///   }
    /// }
    ///
    /// resource "aws_sfn_state_machine" "pipeline" {
    ///   name       = "pipeline"
    ///   role_arn   = aws_iam_role.pipeline.arn
    ///   definition = <<-EOF
    ///     {
    ///       "StartAt": "Train",
    ///       "States": {
    ///         "Train": {
    ///           "Type": "Task",
    ///           "Resource": "arn:aws:states:::sagemaker:createTrainingJob.sync",
    ///           "Parameters": { "RoleArn": "${aws_iam_role.training.arn}", "TrainingJobName.$": "$.name" },
    ///           "End": true
    ///         }
    ///       }
    ///     }
    ///   EOF
    /// }
    /// ```
    ///
    /// ## Use instead
    /// Let the deployer pass the functions' role, to Lambda only:
    /// ```hcl pass
    /// resource "aws_iam_role" "deployer" {
    ///   name = "deployer"
    ///   assume_role_policy = jsonencode({
    ///     Version   = "2012-10-17"
    ///     Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "codebuild.amazonaws.com" } }]
    ///   })
    /// }
    ///
    /// resource "aws_iam_role_policy" "deployer" {
    ///   role = aws_iam_role.deployer.name
    ///   policy = jsonencode({
    ///     Version = "2012-10-17"
    ///     Statement = [
    ///       {
    ///         Effect   = "Allow"
    ///         Action   = ["lambda:CreateFunction", "lambda:UpdateFunctionCode"]
    ///         Resource = "arn:aws:lambda:eu-west-1:111122223333:function:app-*"
    ///       },
    ///       {
    ///         Effect    = "Allow"
    ///         Action    = "iam:PassRole"
    ///         Resource  = "arn:aws:iam::111122223333:role/app-functions"
    ///         Condition = { StringEquals = { "iam:PassedToService" = "lambda.amazonaws.com" } }
    ///       },
    ///     ]
    ///   })
    /// }
    /// ```
    ///
    /// ```hcl pass
    /// resource "aws_iam_role" "task" {
    ///   name = "nightly-task"
    ///   assume_role_policy = jsonencode({
    ///     Version   = "2012-10-17"
    ///     Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ecs-tasks.amazonaws.com" } }]
    ///   })
    /// }
    ///
    /// resource "aws_ecs_task_definition" "nightly" {
    ///   family                = "nightly"
    ///   task_role_arn         = aws_iam_role.task.arn
    ///   container_definitions = jsonencode([{ name = "job", image = "job:1" }])
    /// }
    ///
    /// resource "aws_iam_role" "events" {
    ///   name = "nightly-events"
    ///   assume_role_policy = jsonencode({
    ///     Version   = "2012-10-17"
    ///     Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "events.amazonaws.com" } }]
    ///   })
    /// }
    ///
    /// resource "aws_iam_role_policy" "events" {
    ///   role = aws_iam_role.events.name
    ///   policy = jsonencode({
    ///     Version = "2012-10-17"
    ///     Statement = [
    ///       { Effect = "Allow", Action = "ecs:RunTask", Resource = aws_ecs_task_definition.nightly.arn },
    ///       { Effect = "Allow", Action = "iam:PassRole", Resource = aws_iam_role.task.arn },
    ///     ]
    ///   })
    /// }
    ///
    /// resource "aws_cloudwatch_event_target" "nightly" {
    ///   rule     = "nightly"
    ///   arn      = "arn:aws:ecs:eu-west-1:111122223333:cluster/jobs"
    ///   role_arn = aws_iam_role.events.arn
    ///   ecs_target {
    ///     task_definition_arn = aws_ecs_task_definition.nightly.arn
    ///   }
    /// }
    /// ```
    ///
    /// ```hcl pass
    /// resource "aws_iam_role" "training" {
    ///   name = "training"
    ///   assume_role_policy = jsonencode({
    ///     Version   = "2012-10-17"
    ///     Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "sagemaker.amazonaws.com" } }]
    ///   })
    /// }
    ///
    /// resource "aws_iam_role" "pipeline" {
    ///   name = "pipeline"
    ///   assume_role_policy = jsonencode({
    ///     Version   = "2012-10-17"
    ///     Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "states.amazonaws.com" } }]
    ///   })
    ///   inline_policy {
    ///     name = "pass"
    ///     policy = jsonencode({
    ///       Version = "2012-10-17"
    ///       Statement = [{
    ///         Effect    = "Allow"
    ///         Action    = "iam:PassRole"
    ///         Resource  = aws_iam_role.training.arn
    ///         Condition = { StringEquals = { "iam:PassedToService" = "sagemaker.amazonaws.com" } }
    ///       }]
    ///     })
    ///   }
    /// }
    ///
    /// resource "aws_sfn_state_machine" "pipeline" {
    ///   name       = "pipeline"
    ///   role_arn   = aws_iam_role.pipeline.arn
    ///   definition = <<-EOF
    ///     {
    ///       "StartAt": "Train",
    ///       "States": {
    ///         "Train": {
    ///           "Type": "Task",
    ///           "Resource": "arn:aws:states:::sagemaker:createTrainingJob.sync",
    ///           "Parameters": { "RoleArn": "${aws_iam_role.training.arn}", "TrainingJobName.$": "$.name" },
    ///           "End": true
    ///         }
    ///       }
    ///     }
    ///   EOF
    /// }
    /// ```
    ///
    /// ## References
    /// - [Step Functions: IAM policies for integrated services (iam:PassRole)](https://docs.aws.amazon.com/step-functions/latest/dg/service-integration-iam-templates.html)
    /// - [Amazon ECS tasks as EventBridge targets: the role needs iam:PassRole](https://docs.aws.amazon.com/AmazonECS/latest/developerguide/CWE_IAM_role.html)
    /// - [Granting a user permissions to pass a role to an AWS service](https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_passrole.html)
    pub struct MissingPassRole {
        name: "missing-pass-role",
        category: Correctness,
        severity: High,
        summary: "a principal launches something that runs with a role, but may pass it no role (iam:PassRole)",
    }
}

/// Where a scheduled launcher names its own role and the task definition it runs.
const SCHEDULES: [(&str, &str, &str); 3] = [
    (
        "aws_cloudwatch_event_target",
        "role_arn",
        "ecs_target.task_definition_arn",
    ),
    (
        "aws_pipes_pipe",
        "role_arn",
        "target_parameters.ecs_task_parameters.task_definition_arn",
    ),
    (
        "aws_scheduler_schedule",
        "target.role_arn",
        "target.ecs_parameters.task_definition_arn",
    ),
];

/// The roles of an ECS task definition that running it passes to `ecs-tasks.amazonaws.com`.
const TASK_ROLES: [&str; 2] = ["task_role_arn", "execution_role_arn"];

/// Whether a reference names a task definition: its ARN or family (known, or the same unknown
/// as `aws_ecs_task_definition.x.arn`), with or without a revision.
pub(crate) fn names_task_definition(reference: &Value, task: &Resource) -> bool {
    if let Some(u) = reference.whole_unknown() {
        let base = base_address(&task.address);
        return [task.address.as_str(), base].iter().any(|address| {
            ["arn", "arn_without_revision"]
                .iter()
                .any(|a| *u.origin == format!("{address}.{a}"))
        });
    }
    let (Some(text), Some(family)) = (
        reference.as_str().map(|s| s.text.as_str()),
        task.attribute("family").and_then(Value::as_known_str),
    ) else {
        return false;
    };
    // `family`, `family:3`, or `arn:aws:ecs:…:task-definition/family:3`.
    let named = match text.rsplit_once('/') {
        Some((arn, name)) if arn.ends_with(":task-definition") => name,
        Some(_) => return false,
        None => text,
    };
    let unrevised = match named.rsplit_once(':') {
        Some((name, revision)) if revision.bytes().all(|b| b.is_ascii_digit()) => name,
        _ => named,
    };
    unrevised == family
}

impl Check for MissingPassRole {
    fn check(&self, cx: &Context, out: &mut Sink) {
        let tasks: Vec<&Resource> = cx.model.managed_of("aws_ecs_task_definition").collect();
        // (launcher role, service) pairs reported at a launch: its policy is not reported again.
        let mut reported = Vec::new();
        for r in cx.model.managed() {
            if r.kind() == "aws_sfn_state_machine" {
                state_machine(cx, out, r, &tasks, &mut reported);
            }
            for (_, role_path, task_path) in SCHEDULES.iter().filter(|(t, _, _)| *t == r.kind()) {
                schedule(cx, out, r, (role_path, task_path), &tasks, &mut reported);
            }
        }
        let gaps = crate::launchers::gaps(cx.links(), cx.model, &tasks);
        for s in &gaps.stranded {
            if !reported.contains(&(s.principal, s.passing.service)) {
                deployer(cx, out, s);
            }
        }
        for t in &gaps.tied {
            if !reported.contains(&(t.principal, t.passing.service)) {
                tied_launch(cx, out, t);
            }
        }
        for u in &gaps.unjudged {
            unjudged(cx, out, u);
        }
    }
}

/// A launcher whose policies iamlint could not all read: said, not judged.
fn unjudged(cx: &Context, out: &mut Sink, u: &crate::launchers::Unjudged) {
    let who = &cx.links().principals[u.principal].resource.address;
    let what = match u.unread.source() {
        Source::Unread(text) => text.to_string(),
        Source::Document(_) => return,
    };
    let through = if what == u.unread.via {
        String::new()
    } else {
        format!(" (through `{}`)", u.unread.via)
    };
    out.withheld(
        who,
        format!(
            "whether `{who}` may pass the role `{}` hands to its service (iam:PassRole) is not judged: it holds `{what}`{through}, which iamlint could not read",
            u.action
        ),
        u.unread.loc,
    );
}

/// A principal whose statement names a resource of the configuration it may launch, while it
/// may not pass the role that resource wears.
fn tied_launch(cx: &Context, out: &mut Sink, t: &crate::launchers::Tied) {
    let links = cx.links();
    let who = &links.principals[t.principal].resource.address;
    let role = links.principals[t.role].resource;
    let (action, service) = (t.passing.action, t.passing.service);
    let f = out
        .finding(
            t.via,
            t.at,
            format!(
                "`{who}` may call `{action}` on `{}`, which wears `{}`, but may not pass that role to `{service}` (iam:PassRole): the call fails with AccessDenied",
                t.wearer.address, role.address
            ),
            format!(
                "allow `iam:PassRole` on `{}.arn` in a policy of `{who}`, with `iam:PassedToService` = `{service}`",
                role.address
            ),
        )
        .with_related(
            format!("{} wears {}", t.wearer.address, role.address),
            Some(&t.wearer.address),
            t.wearer.loc,
        )
        .with_related(
            format!("{} defined here", role.address),
            Some(&role.address),
            role.loc,
        );
    out.push(f);
}

/// A principal that may launch something that runs with a role but may pass no role to the
/// service that would wear it: at the statement that allows the launch.
fn deployer(cx: &Context, out: &mut Sink, s: &crate::launchers::Stranded) {
    let links = cx.links();
    let who = &links.principals[s.principal].resource.address;
    let (action, service) = (s.passing.action, s.passing.service);
    let how = if s.passing.always {
        format!("which always hands over a role (`{}`)", s.passing.parameter)
    } else {
        format!(
            "which hands over a role (`{}`) when used as {}",
            s.passing.parameter, s.evidence
        )
    };
    let roles: Vec<String> = s
        .wearable
        .iter()
        .take(3)
        .map(|&r| format!("`{}.arn`", links.principals[r].resource.address))
        .collect();
    let on = if roles.is_empty() {
        format!("the roles `{service}` is to wear")
    } else {
        format!("the roles `{service}` may wear ({})", roles.join(", "))
    };
    let mut f = out.finding(
        s.via,
        s.at,
        format!(
            "`{who}` may call `{action}`, {how}, but may pass no role to `{service}` (iam:PassRole): the call fails with AccessDenied"
        ),
        format!(
            "allow `iam:PassRole` on {on} in a policy of `{who}`, with `iam:PassedToService` = `{service}`"
        ),
    );
    for (also, at) in &s.also {
        f = f.with_related(
            format!("allows {also} here, which needs it too"),
            Some(s.via),
            *at,
        );
    }
    for (via, at, why) in &s.misfits {
        f = f.with_related(why.clone(), Some(via), *at);
    }
    for &r in s.wearable.iter().take(3) {
        let role = links.principals[r].resource;
        f = f.with_related(
            format!("{} may be worn by `{service}`", role.address),
            Some(&role.address),
            role.loc,
        );
    }
    let principal = links.principals[s.principal].resource;
    out.push(f.with_related(
        format!("{} defined here", principal.address),
        Some(&principal.address),
        principal.loc,
    ));
}

/// The roles a launcher runs as: its role attribute's values, with where each is written.
fn launcher_roles(cx: &Context, r: &Resource, role_path: &str) -> Vec<(Option<Location>, usize)> {
    r.at_path(role_path)
        .into_iter()
        .flat_map(|(at, v)| {
            cx.links()
                .named(PrincipalType::Role, v)
                .into_iter()
                .map(move |i| (at, i))
        })
        .collect()
}

/// An EventBridge target, Scheduler schedule or pipe that runs a task definition.
fn schedule(
    cx: &Context,
    out: &mut Sink,
    r: &Resource,
    (role_path, task_path): (&str, &str),
    tasks: &[&Resource],
    reported: &mut Reported,
) {
    let launchers = launcher_roles(cx, r, role_path);
    for (_, task_ref) in r.at_path(task_path) {
        for task in tasks.iter().filter(|t| names_task_definition(task_ref, t)) {
            for &(at, by) in &launchers {
                let launch = Launch::by(r, format!("`{}`", r.address), at.or(r.loc));
                runs_task(cx, out, &launch, task, &[by], reported);
            }
        }
    }
}

/// Running a task definition passes its task role and execution role to ECS: judges both for
/// each launcher role `by`. `launch` says who launches and where; the rest is filled here.
fn runs_task(
    cx: &Context,
    out: &mut Sink,
    launch: &Launch,
    task: &Resource,
    by: &[usize],
    reported: &mut Reported,
) {
    for attribute in TASK_ROLES {
        let mut related = vec![(
            format!("{attribute} of {}", task.address),
            task.address.clone(),
            task.written(attribute),
        )];
        related.extend(launch.related.iter().cloned());
        let launch = Launch {
            doing: format!("runs `{}`", task.address),
            whose: format!("its {attribute} role"),
            service: "ecs-tasks.amazonaws.com",
            action: "ecs:RunTask",
            related,
            ..launch.clone()
        };
        for role in task_roles(cx, task, attribute) {
            for &by in by {
                judge(cx, out, &launch, (by, role), reported);
            }
        }
    }
}

/// The roles a task definition's attribute names.
fn task_roles(cx: &Context, task: &Resource, attribute: &str) -> Vec<usize> {
    task.attribute(attribute)
        .map(|v| cx.links().named(PrincipalType::Role, v))
        .unwrap_or_default()
}

/// A state machine: each Task state that passes a role ([`states::PASSES`]), run as the
/// machine's role.
fn state_machine(
    cx: &Context,
    out: &mut Sink,
    r: &Resource,
    tasks: &[&Resource],
    reported: &mut Reported,
) {
    let Some(definition) = r
        .attribute("definition")
        .and_then(Value::as_str)
        .and_then(|s| s.encoded.as_ref())
    else {
        return;
    };
    let by: Vec<usize> = launcher_roles(cx, r, "role_arn")
        .into_iter()
        .map(|(_, by)| by)
        .collect();
    let wearer = (
        format!("{} runs as its role_arn", r.address),
        r.address.clone(),
        r.written("role_arn"),
    );
    for state in states::tasks(&definition.value) {
        let subject = format!("state `{}` of `{}`", state.name, r.address);
        for passed in state.passes() {
            // The parameter's key: always in the definition, where a referenced value's own
            // place may be elsewhere (`aws_ecs_task_definition.job.family` is where `family` is).
            let at = passed.key_loc.or(passed.value.loc).or(r.loc);
            match passed.pass.launched {
                Launched::TaskDefinition => {
                    let launch = Launch {
                        related: vec![wearer.clone()],
                        ..Launch::by(r, subject.clone(), at)
                    };
                    for task in tasks
                        .iter()
                        .filter(|t| names_task_definition(passed.value, t))
                    {
                        runs_task(cx, out, &launch, task, &by, reported);
                    }
                }
                Launched::Role(holds) => {
                    let launch = Launch {
                        launcher: r,
                        subject: subject.clone(),
                        doing: format!("calls {}", state.api),
                        at,
                        whose: format!("its {} role", passed.pass.parameter),
                        service: passed.pass.service,
                        action: state.api,
                        related: vec![wearer.clone()],
                    };
                    let links = cx.links();
                    let roles = match holds {
                        Holds::InstanceProfile => links.profile_roles(passed.value),
                        Holds::RoleArn | Holds::RoleName => {
                            links.named(PrincipalType::Role, passed.value)
                        }
                    };
                    for role in roles {
                        for &by in &by {
                            judge(cx, out, &launch, (by, role), reported);
                        }
                    }
                }
            }
        }
    }
}

/// One launch: who launches what, where, and which of its roles goes to which service.
#[derive(Clone)]
struct Launch<'r> {
    launcher: &'r Resource,
    /// Who launches, for the message: `` `aws_cloudwatch_event_target.x` `` or a state of a
    /// state machine.
    subject: String,
    /// What it does: `` runs `aws_ecs_task_definition.job` ``, `calls sagemaker:createTrainingJob`.
    doing: String,
    /// Where the finding points.
    at: Option<Location>,
    /// The launched role, as the message names it: `its task_role_arn role`.
    whose: String,
    /// The service the role is passed to.
    service: &'static str,
    /// The API the launch calls (`ecs:RunTask`), which the launcher's role is given beside the
    /// pass it lacks.
    action: &'r str,
    /// Places to show beside the finding: message, address, location.
    related: Vec<(String, String, Option<Location>)>,
}

impl<'r> Launch<'r> {
    /// Who launches, and where the finding points; what is launched is filled in after.
    fn by(launcher: &'r Resource, subject: String, at: Option<Location>) -> Self {
        Launch {
            launcher,
            subject,
            doing: String::new(),
            at,
            whose: String::new(),
            service: "",
            action: "",
            related: Vec::new(),
        }
    }
}

/// The first written Allow statement among the policies of principal `by` whose `Action` names
/// `action` (a pattern counts), and the resource that gives that policy.
fn launching_statement<'l>(
    links: &'l Links,
    by: usize,
    action: &str,
) -> Option<(&'l str, Location)> {
    links.effective(by).find_map(|h| {
        let Source::Document(doc) = h.source() else {
            return None;
        };
        doc.statements
            .iter()
            .filter(|s| s.is_allow() && s.lists_action(|p| wildcard::matches(p, action, true)))
            .find_map(|s| s.loc)
            .map(|at| (h.via, at))
    })
}

/// (launcher role, service) pairs a launch reported.
type Reported = Vec<(usize, &'static str)>;

/// Fires when the launcher's role `by` may surely not pass `role` to the launch's service.
fn judge(
    cx: &Context,
    out: &mut Sink,
    launch: &Launch,
    (by, role): (usize, usize),
    reported: &mut Reported,
) {
    let links = cx.links();
    let (who, launched) = (&links.principals[by], &links.principals[role]);
    let Some(Data::String(arn)) = launched.resource.attribute("arn").map(|v| &v.data) else {
        return;
    };
    let launcher = links.subject(by);
    if launcher.allows_passing(&arn.text, launch.service).access != Access::Denied {
        return;
    }
    reported.push((by, launch.service));
    let mut f = out.finding(
        &launch.launcher.address,
        launch.at,
        format!(
            "{} {} as `{}`, which may not pass {} `{}` (iam:PassRole): every run fails with AccessDenied",
            launch.subject, launch.doing, who.resource.address, launch.whose, launched.resource.address
        ),
        format!(
            "allow `iam:PassRole` on `{}` in a policy of `{}` (with `iam:PassedToService` = `{}`)",
            launched.resource.address, who.resource.address, launch.service
        ),
    );
    for (message, address, loc) in &launch.related {
        f = f.with_related(message.clone(), Some(address), *loc);
    }
    // The statement that lets the launcher call the API: where the pass belongs.
    if let Some((via, at)) = launching_statement(links, by, launch.action) {
        f = f.with_related(
            format!("allows {} here", launch.action),
            Some(via),
            Some(at),
        );
    }
    let f = f
        .with_related(
            format!("{} defined here", launched.resource.address),
            Some(&launched.resource.address),
            launched.resource.loc,
        )
        .with_related(
            format!("{} defined here", who.resource.address),
            Some(&who.resource.address),
            who.resource.loc,
        );
    out.push(f);
}
