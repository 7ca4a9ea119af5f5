use iamlint_model::access::{Access, Request};
use iamlint_model::links::PrincipalType;
use iamlint_model::model::{Mode, Resource, base_address};
use iamlint_model::{Data, Location, Value};

use crate::context::Context;
use crate::finding::Sink;
use crate::rule::Check;

declare_rule! {
    /// ## What it does
    /// Flags a scheduled launch whose role cannot pass the roles of what it launches: an
    /// EventBridge target (`aws_cloudwatch_event_target` with `ecs_target`) or an EventBridge
    /// Scheduler schedule (`aws_scheduler_schedule` with `target.ecs_parameters`) that runs an
    /// ECS task definition, where the target's own role is not allowed `iam:PassRole` on the
    /// task role or the execution role — or only to another service than
    /// `ecs-tasks.amazonaws.com` (`iam:PassedToService`). Only a definite "no" fires: a policy
    /// iamlint cannot read, or another condition on the passing, keeps it silent.
    ///
    /// ## Why is this bad?
    /// `apply` succeeds and the schedule looks fine; every run then fails with AccessDenied on
    /// `iam:PassRole`, and the failure shows only in the target's metrics.
    ///
    /// ## Example
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
    /// ## Use instead
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
    /// ## References
    /// - [Amazon ECS tasks as EventBridge targets: the role needs iam:PassRole](https://docs.aws.amazon.com/AmazonECS/latest/developerguide/CWE_IAM_role.html)
    /// - [Granting a user permissions to pass a role to an AWS service](https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_passrole.html)
    pub struct MissingPassRole {
        name: "missing-pass-role",
        category: Correctness,
        severity: High,
        summary: "a scheduled launch's role cannot pass the roles of what it launches",
    }
}

/// Where a launcher names its own role and the task definition it runs.
const LAUNCHERS: [(&str, &str, &str); 2] = [
    (
        "aws_cloudwatch_event_target",
        "role_arn",
        "ecs_target.task_definition_arn",
    ),
    (
        "aws_scheduler_schedule",
        "target.role_arn",
        "target.ecs_parameters.task_definition_arn",
    ),
];

/// Whether a reference names a task definition: its unknown ARN (`aws_ecs_task_definition.x.arn`).
fn names_task_definition(reference: &Value, task: &Resource) -> bool {
    let Data::Unknown(u) = &reference.data else {
        return false;
    };
    let base = base_address(&task.address);
    ["arn", "arn_without_revision"]
        .iter()
        .any(|a| *u.origin == format!("{}.{a}", task.address) || *u.origin == format!("{base}.{a}"))
}

impl Check for MissingPassRole {
    fn check(&self, cx: &Context, out: &mut Sink) {
        let links = cx.links();
        let tasks: Vec<&Resource> = cx
            .model
            .resources
            .iter()
            .filter(|r| r.mode == Mode::Managed && r.kind() == "aws_ecs_task_definition")
            .collect();
        for r in cx
            .model
            .resources
            .iter()
            .filter(|r| r.mode == Mode::Managed)
        {
            for (_, role_path, task_path) in LAUNCHERS.iter().filter(|(t, _, _)| *t == r.kind()) {
                let given = r.at_path(role_path);
                let launchers: Vec<(Option<Location>, usize)> = given
                    .iter()
                    .flat_map(|(at, v)| {
                        links
                            .named(PrincipalType::Role, v)
                            .into_iter()
                            .map(move |i| (*at, i))
                    })
                    .collect();
                for (_, task_ref) in r.at_path(task_path) {
                    for task in tasks.iter().filter(|t| names_task_definition(task_ref, t)) {
                        for attribute in ["task_role_arn", "execution_role_arn"] {
                            let launched: Vec<usize> = task
                                .attribute(attribute)
                                .map(|v| links.named(PrincipalType::Role, v))
                                .unwrap_or_default();
                            for &(at, by) in &launchers {
                                for &role in &launched {
                                    let site = Launch {
                                        launcher: r,
                                        at: at.or(r.loc),
                                        task,
                                        attribute,
                                    };
                                    judge(cx, out, &site, by, role);
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// One launch: who launches which task definition, and which of its roles is launched.
struct Launch<'r> {
    launcher: &'r Resource,
    /// Where the launcher names its role.
    at: Option<Location>,
    task: &'r Resource,
    attribute: &'r str,
}

/// Fires when the launcher's role `by` may surely not pass `role`.
fn judge(cx: &Context, out: &mut Sink, site: &Launch, by: usize, role: usize) {
    let links = cx.links();
    let (who, launched) = (&links.principals[by], &links.principals[role]);
    let Some(Data::String(arn)) = launched.resource.attribute("arn").map(|v| &v.data) else {
        return;
    };
    // ECS runs the task: the role is passed to `ecs-tasks.amazonaws.com`.
    let context = [("iam:PassedToService", "ecs-tasks.amazonaws.com")];
    let request = Request {
        context: &context,
        ..Request::new("iam:PassRole", &arn.text)
    };
    if links.subject(by).allows(request).access != Access::Denied {
        return;
    }
    let (launcher, task, attribute) = (site.launcher, site.task, site.attribute);
    let f = out
        .finding(
            &launcher.address,
            site.at,
            format!(
                "`{}` runs `{}` as `{}`, which may not pass its {attribute} role `{}` (iam:PassRole): every run fails with AccessDenied",
                launcher.address, task.address, who.resource.address, launched.resource.address
            ),
            format!(
                "allow `iam:PassRole` on `{}` in a policy of `{}` (with `iam:PassedToService` = `ecs-tasks.amazonaws.com`)",
                launched.resource.address, who.resource.address
            ),
        )
        .with_related(
            format!("{attribute} of {}", task.address),
            Some(&task.address),
            task.written(attribute),
        )
        .with_related(
            format!("{} defined here", who.resource.address),
            Some(&who.resource.address),
            who.resource.loc,
        );
    out.push(f);
}
