use std::collections::BTreeMap;

use iamlint_model::Location;
use iamlint_model::model::Resource;
use iamlint_model::trust::{Admits, admits_service, allows_assume_role, naming_service, services};

use crate::context::Context;
use crate::finding::Sink;
use crate::rule::Check;

declare_rule! {
    /// ## What it does
    /// Flags a role worn by a service its trust policy does not admit: an instance profile's
    /// role that does not trust `ec2.amazonaws.com`, an ECS task or execution role that does not
    /// trust `ecs-tasks.amazonaws.com`, a Lambda function's role that does not trust
    /// `lambda.amazonaws.com`, and so on for every resource type in iamlint's wearer table
    /// (Step Functions, EventBridge, Scheduler, Pipes, CodeBuild, CodePipeline, Glue, SageMaker,
    /// Batch, EKS, EMR, Firehose, Config, CloudTrail, flow logs, API Gateway, App Runner,
    /// DataSync, DMS, S3 replication). The role is found through ARNs, names and instance
    /// profiles, across modules. Conditions in the trust policy do not count against the
    /// service (it supplies `aws:SourceArn` and the like), a regional principal
    /// (`states.us-east-1.amazonaws.com`) is the service, and an unknown principal keeps the
    /// rule silent.
    ///
    /// ## Why is this bad?
    /// `terraform apply` succeeds, then the service cannot assume the role: tasks fail to
    /// start, instances run without credentials, functions cannot be invoked — often only in
    /// production, and with an error that does not name the trust policy.
    ///
    /// ## Example
    /// ```hcl fail
    /// resource "aws_iam_role" "task" {
    ///   name = "app-task"
    ///   assume_role_policy = jsonencode({
    ///     Version   = "2012-10-17"
    ///     Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ec2.amazonaws.com" } }]
    ///   })
    /// }
    ///
    /// resource "aws_ecs_task_definition" "app" {
    ///   family                = "app"
    ///   task_role_arn         = aws_iam_role.task.arn
    ///   container_definitions = jsonencode([{ name = "app", image = "app:1" }])
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```hcl pass
    /// resource "aws_iam_role" "task" {
    ///   name = "app-task"
    ///   assume_role_policy = jsonencode({
    ///     Version   = "2012-10-17"
    ///     Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ecs-tasks.amazonaws.com" } }]
    ///   })
    /// }
    ///
    /// resource "aws_ecs_task_definition" "app" {
    ///   family                = "app"
    ///   task_role_arn         = aws_iam_role.task.arn
    ///   container_definitions = jsonencode([{ name = "app", image = "app:1" }])
    /// }
    /// ```
    ///
    /// A regional service principal, as some of AWS's guides write it, is the service:
    /// ```hcl pass
    /// resource "aws_iam_role" "machine" {
    ///   name = "orders"
    ///   assume_role_policy = jsonencode({
    ///     Version   = "2012-10-17"
    ///     Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "states.us-east-1.amazonaws.com" } }]
    ///   })
    /// }
    ///
    /// resource "aws_sfn_state_machine" "orders" {
    ///   name       = "orders"
    ///   role_arn   = aws_iam_role.machine.arn
    ///   definition = jsonencode({ StartAt = "Done", States = { Done = { Type = "Succeed" } } })
    /// }
    /// ```
    ///
    /// ## References
    /// - [IAM roles for Amazon ECS tasks](https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-iam-roles.html)
    /// - [Using an IAM role to grant permissions to applications running on Amazon EC2 instances](https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_switch-role-ec2.html)
    /// - [Creating a role to delegate permissions to an AWS service](https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-service.html)
    pub struct TrustServiceMismatch {
        name: "trust-service-mismatch",
        category: Correctness,
        severity: High,
        summary: "a role is worn by a service its trust policy does not admit",
    }
}

/// Who wears a role: the resource, its attribute, and where it names the role.
type Worn<'a> = Vec<(&'a Resource, &'static str, Option<Location>)>;

impl Check for TrustServiceMismatch {
    fn check(&self, cx: &Context, out: &mut Sink) {
        let links = cx.links();
        let mut worn: BTreeMap<(usize, &'static str), Worn> = BTreeMap::new();
        for w in links.wearings(cx.model) {
            let by = (w.resource, w.wearer.attribute, w.at);
            worn.entry((w.role, w.wearer.service)).or_default().push(by);
        }
        for ((role, service), by) in worn {
            let role = &links.principals[role];
            let Some(trust) = role.trust else { continue };
            let Some(doc) = trust.document() else {
                continue;
            };
            if admits_service(doc, service) != Admits::No {
                continue;
            }
            let admitted = services(doc);
            let admits = if admitted.is_empty() {
                "no service".to_string()
            } else {
                let names: Vec<String> = admitted.iter().map(|s| format!("`{s}`")).collect();
                format!("only {}", names.join(", "))
            };
            // `aws_ecs_task_definition.app` (execution_role_arn, task_role_arn)
            let mut wearers: Vec<(&str, Vec<&str>)> = Vec::new();
            for (r, attribute, _) in &by {
                match wearers.iter_mut().find(|(a, _)| *a == r.address) {
                    Some((_, attributes)) => attributes.push(attribute),
                    None => wearers.push((&r.address, vec![attribute])),
                }
            }
            let wearers: Vec<String> = wearers
                .iter()
                .map(|(a, attributes)| format!("`{a}` ({})", attributes.join(", ")))
                .collect();
            let address = &role.resource.address;
            let wearers = wearers.join(", ");
            // A trust that names the service but lets it do something else (or that a Deny
            // overrides) is wrong in its action, not its principal.
            let named = naming_service(doc, service);
            let (loc, message, help) = match named.first() {
                Some(s) => {
                    let actions = s
                        .action
                        .as_ref()
                        .map(|a| {
                            let items: Vec<String> = a
                                .items
                                .iter()
                                .map(|i| format!("`{}`", i.display()))
                                .collect();
                            let key = if a.negated { "NotAction " } else { "" };
                            format!("{key}{}", items.join(", "))
                        })
                        .filter(|a| !a.is_empty());
                    match actions {
                        Some(actions) if !s.action.as_ref().is_some_and(allows_assume_role) => (
                            s.action.as_ref().and_then(|a| a.loc).or(s.loc),
                            format!(
                                "`{address}` is worn by {wearers}, which needs `{service}` to call `sts:AssumeRole`, but its trust policy allows `{service}` only {actions}: the service cannot assume it"
                            ),
                            format!(
                                "allow `sts:AssumeRole` for `{service}` in the trust policy of `{address}` (the action, not the principal, is what is wrong)"
                            ),
                        ),
                        _ => (
                            s.loc,
                            format!(
                                "`{address}` is worn by {wearers}, which needs `{service}`; its trust policy names `{service}`, but a Deny statement stops it: the service cannot assume it"
                            ),
                            format!(
                                "remove `{service}` from the Deny statement of the trust policy of `{address}`"
                            ),
                        ),
                    }
                }
                None => {
                    let statement = doc.statements.iter().find(|s| s.is_allow());
                    (
                        statement
                            .and_then(|s| s.principal.as_ref().and_then(|b| b.loc).or(s.loc))
                            .or(trust.loc),
                        format!(
                            "`{address}` is worn by {wearers}, which needs `{service}`, but its trust policy admits {admits}: the service cannot assume it"
                        ),
                        format!(
                            "add `{service}` to the `Service` principal of the trust policy of `{address}`, or give the wearer a role that trusts it"
                        ),
                    )
                }
            };
            let mut f = out.finding(&trust.address, loc.or(trust.loc), message, help);
            for (r, attribute, loc) in &by {
                f = f.with_related(
                    format!("worn by {} ({attribute})", r.address),
                    Some(&r.address),
                    *loc,
                );
            }
            if trust.address != *address {
                f = f.with_related(
                    format!("{address} defined here"),
                    Some(address),
                    role.resource.loc,
                );
            }
            out.push(f);
        }
    }
}
