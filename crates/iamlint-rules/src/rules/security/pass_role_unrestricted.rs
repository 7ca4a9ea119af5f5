use iamlint_model::links::PrincipalType;
use iamlint_model::trust;
use iamlint_model::wildcard::{self, Token, is_pattern};
use iamlint_model::{Data, PolicyKind, Str};

use crate::context::{Context, granted_everywhere, granting_item, unconditioned, with_uses};
use crate::finding::Sink;
use crate::rule::Check;

declare_rule! {
    /// ## What it does
    /// Flags `iam:PassRole` allowed on every role (`"Resource": "*"`), or on a role pattern
    /// that matches roles of the tree trusted by more than one service, without an
    /// `iam:PassedToService` condition — whether written out or granted through `iam:*`,
    /// `iam:Pass*` or `NotAction`. A condition that any caller satisfies (`aws:RequestedRegion`,
    /// `aws:SecureTransport`, request tags) does not make it safe; one that may limit which
    /// roles or services (`iam:PassedToService`, `iam:AssociatedResourceArn`, a resource tag)
    /// keeps the rule silent.
    ///
    /// ## Why is this bad?
    /// Passing a role hands its permissions to a service the caller controls: with
    /// `iam:PassRole` on `*` and, say, `lambda:CreateFunction`, the caller runs code as the most
    /// powerful role in the account. It is one of the most used privilege-escalation paths.
    ///
    /// ## Example
    /// ```hcl fail
    /// resource "aws_iam_policy" "deployer" {
    ///   name = "deployer"
    ///   policy = jsonencode({
    ///     Version = "2012-10-17"
    ///     Statement = [{
    ///       Effect    = "Allow"
    ///       Action    = ["ecs:RunTask", "iam:PassRole"]
    ///       Resource  = "*"
    ///       Condition = { StringEquals = { "aws:RequestedRegion" = "eu-west-1" } }
    ///     }]
    ///   })
    /// }
    /// ```
    ///
    /// ## Use instead
    /// Name the roles, and the service they may be passed to:
    /// ```hcl pass
    /// resource "aws_iam_policy" "deployer" {
    ///   name = "deployer"
    ///   policy = jsonencode({
    ///     Version = "2012-10-17"
    ///     Statement = [
    ///       { Effect = "Allow", Action = "ecs:RunTask", Resource = "*" },
    ///       {
    ///         Effect    = "Allow"
    ///         Action    = "iam:PassRole"
    ///         Resource  = "arn:aws:iam::111122223333:role/app-task"
    ///         Condition = { StringEquals = { "iam:PassedToService" = "ecs-tasks.amazonaws.com" } }
    ///       },
    ///     ]
    ///   })
    /// }
    /// ```
    ///
    /// An Allow that the same policy Denies on every role grants nothing to report:
    /// ```hcl pass
    /// data "aws_iam_policy_document" "ops" {
    ///   statement {
    ///     actions   = ["iam:*"]
    ///     resources = ["*"]
    ///   }
    ///   statement {
    ///     effect    = "Deny"
    ///     actions   = ["iam:PassRole"]
    ///     resources = ["*"]
    ///   }
    /// }
    ///
    /// resource "aws_iam_policy" "ops" {
    ///   name   = "ops"
    ///   policy = data.aws_iam_policy_document.ops.json
    /// }
    /// ```
    ///
    /// ## References
    /// - [Granting a user permissions to pass a role to an AWS service](https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_passrole.html)
    /// - [pathfinding.cloud: iam:PassRole paths](https://pathfinding.cloud)
    pub struct PassRoleUnrestricted {
        name: "pass-role-unrestricted",
        category: Security,
        severity: High,
        summary: "iam:PassRole is allowed on every role without limiting the service",
    }
}

impl Check for PassRoleUnrestricted {
    fn check(&self, cx: &Context, out: &mut Sink) {
        for (record, s, loc, how) in granted_everywhere(cx, "iam:PassRole") {
            let f = out.statement_finding(
                record,
                s,
                loc,
                format!("allows `iam:PassRole`{how} on every role, to any service"),
                "name the roles in `Resource`, and add a condition on `iam:PassedToService` with the service that needs them",
            );
            out.push(with_uses(f, record));
        }
        for (record, s) in cx.statements(PolicyKind::Identity) {
            let Some(resources) = s.resource.as_ref().filter(|r| !r.negated) else {
                continue;
            };
            if s.on_every_resource()
                || !unconditioned(s)
                || cx.not_action_reported(s)
                || granting_item(s, "iam:PassRole").is_none()
            {
                continue;
            }
            for (pattern, item) in resources.known_items().filter(|(p, _)| is_pattern(p)) {
                let (roles, services) = trusted_services(cx, pattern);
                if services.len() < 2 {
                    continue;
                }
                let names: Vec<String> = services.iter().map(|s| format!("`{s}`")).collect();
                let f = out.statement_finding(
                    record,
                    s,
                    item.loc,
                    format!(
                        "`{pattern}` lets `iam:PassRole` hand {roles} roles to any service, and they are trusted by {}",
                        names.join(", ")
                    ),
                    "add a condition on `iam:PassedToService`, or name the roles of one service",
                );
                out.push(with_uses(f, record));
            }
        }
    }
}

/// How many roles of the tree a resource pattern matches, and the services their trust
/// policies admit.
fn trusted_services<'a>(cx: &Context<'a>, pattern: &str) -> (usize, Vec<&'a str>) {
    let wanted = wildcard::tokens(pattern);
    let mut roles = 0;
    let mut services: Vec<&str> = Vec::new();
    for role in cx
        .links()
        .principals
        .iter()
        .filter(|p| p.ty == PrincipalType::Role)
    {
        let Some(Data::String(arn)) = role.resource.attribute("arn").map(|v| &v.data) else {
            continue;
        };
        // The role's ARN, an unknown account id being one segment.
        let own: Vec<Token> = wildcard::tokens(&arn.text)
            .into_iter()
            .map(|t| match t {
                Token::Char(Str::UNKNOWN_MARK) => Token::Segment,
                t => t,
            })
            .collect();
        if !wildcard::overlap(&wanted, &own, false) {
            continue;
        }
        roles += 1;
        if let Some(doc) = role.trust.and_then(|t| t.document()) {
            services.extend(trust::services(doc));
        }
    }
    services.sort_unstable();
    services.dedup();
    (roles, services)
}
