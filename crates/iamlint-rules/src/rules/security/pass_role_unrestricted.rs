use crate::context::{Context, granted_everywhere, with_uses};
use crate::finding::Sink;
use crate::rule::Check;

declare_rule! {
    /// ## What it does
    /// Flags `iam:PassRole` allowed on every role (`"Resource": "*"`) without an
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
    }
}
