use iamlint_model::PolicyKind;

use crate::context::{Context, with_uses};
use crate::finding::Sink;
use crate::rule::Check;

declare_rule! {
    /// ## What it does
    /// Flags an identity-policy statement that allows every action (`*` or `*:*`) on every
    /// resource (`*`).
    ///
    /// ## Why is this bad?
    /// That is full administrator access to the account: whoever holds the policy can do
    /// anything, including granting themselves and others any other access, deleting audit
    /// trails and leaving the organization. Few principals need it, and those that do should
    /// get it deliberately (the AWS-managed `AdministratorAccess`, behind MFA), not from a
    /// wildcard in a custom policy.
    ///
    /// ## Example
    /// ```hcl fail
    /// data "aws_iam_policy_document" "deployer" {
    ///   statement {
    ///     actions   = ["*"]
    ///     resources = ["*"]
    ///   }
    /// }
    ///
    /// resource "aws_iam_policy" "deployer" {
    ///   name   = "deployer"
    ///   policy = data.aws_iam_policy_document.deployer.json
    /// }
    /// ```
    ///
    /// ## Use instead
    /// Grant the services and actions the principal uses:
    /// ```hcl pass
    /// data "aws_iam_policy_document" "deployer" {
    ///   statement {
    ///     actions   = ["ecs:UpdateService", "ecs:DescribeServices"]
    ///     resources = ["arn:aws:ecs:eu-west-1:111122223333:service/prod/*"]
    ///   }
    /// }
    ///
    /// resource "aws_iam_policy" "deployer" {
    ///   name   = "deployer"
    ///   policy = data.aws_iam_policy_document.deployer.json
    /// }
    /// ```
    ///
    /// ## References
    /// - [Security best practices in IAM: grant least privilege](https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege)
    /// - [CIS AWS Foundations Benchmark 1.16: no full "*:*" administrative privileges](https://docs.aws.amazon.com/securityhub/latest/userguide/iam-controls.html#iam-1)
    pub struct FullAdminAccess {
        name: "full-admin-access",
        category: Security,
        severity: Critical,
        summary: "a statement allows every action on every resource",
    }
}

/// The actions that mean "every action of every service".
pub(crate) fn is_every_action(action: &str) -> bool {
    action == "*" || action == "*:*"
}

impl Check for FullAdminAccess {
    fn check(&self, cx: &Context, out: &mut Sink) {
        for (record, s) in cx.statements(PolicyKind::Identity) {
            let Some(action) = &s.action else {
                continue;
            };
            if !s.is_allow() || action.negated || !s.on_every_resource() {
                continue;
            }
            let Some((text, item)) = action.known_items().find(|(a, _)| is_every_action(a)) else {
                continue;
            };
            let condition = if s.conditions.is_empty() {
                ""
            } else {
                " (under its Condition)"
            };
            let f = out.finding(
                &record.address,
                item.loc.or(s.loc),
                format!("{} of `{}` allows every action (`{text}`) on every resource{condition}: full administrator access", s.label(), record.address),
                "grant only the actions and resources this principal needs; if it truly needs administrator access, attach the AWS-managed AdministratorAccess policy deliberately",
            );
            out.push(with_uses(f, record));
        }
    }
}
