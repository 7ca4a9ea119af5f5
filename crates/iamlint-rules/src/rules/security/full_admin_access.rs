use iamlint_model::PolicyKind;
use iamlint_model::links::attached_arns;
use iamlint_model::managed;
use iamlint_model::policy::{Item, Statement};

use crate::context::{Context, with_uses};
use crate::finding::Sink;
use crate::rule::Check;

declare_rule! {
    /// ## What it does
    /// Flags an identity-policy statement that allows every action (`*` or `*:*`) on every
    /// resource (`*`), and the attachment of an AWS-managed policy that does
    /// (`AdministratorAccess`), at the ARN that attaches it: a policy attachment,
    /// `managed_policy_arns`, or an exclusive attachment.
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
    /// ```hcl fail
    /// resource "aws_iam_role_policy_attachment" "deployer" {
    ///   role       = aws_iam_role.deployer.name
    ///   policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"
    /// }
    ///
    /// resource "aws_iam_role" "deployer" {
    ///   name               = "deployer"
    ///   assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ec2.amazonaws.com" } }] })
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
    /// ```hcl pass
    /// resource "aws_iam_role_policy_attachment" "deployer" {
    ///   role       = aws_iam_role.deployer.name
    ///   policy_arn = "arn:aws:iam::aws:policy/AmazonECS_FullAccess"
    /// }
    ///
    /// resource "aws_iam_role" "deployer" {
    ///   name               = "deployer"
    ///   assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ec2.amazonaws.com" } }] })
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

/// The item of a statement that allows every action on every resource, if it does.
fn every_action_on_everything(s: &Statement) -> Option<(&str, &Item)> {
    let action = s.action.as_ref()?;
    if !s.is_allow() || action.negated || !s.on_every_resource() {
        return None;
    }
    action.known_items().find(|(a, _)| is_every_action(a))
}

const HELP: &str = "grant only the actions and resources this principal needs; if it truly needs administrator access, keep it deliberate and suppress this finding with the reason";

impl Check for FullAdminAccess {
    fn check(&self, cx: &Context, out: &mut Sink) {
        for (record, s) in cx.statements(PolicyKind::Identity) {
            let Some((text, item)) = every_action_on_everything(s) else {
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
                HELP,
            );
            out.push(with_uses(f, record));
        }
        for r in &cx.model.resources {
            for arn in attached_arns(r) {
                let Some(policy) = arn.as_str().and_then(|s| managed::lookup(&s.text)) else {
                    continue;
                };
                let doc = policy.document();
                if !doc
                    .statements
                    .iter()
                    .any(|s| every_action_on_everything(s).is_some())
                {
                    continue;
                }
                let f = out.finding(
                    &r.address,
                    arn.loc.or(r.loc),
                    format!(
                        "`{}` attaches the AWS-managed `{}`, which allows every action on every resource: full administrator access",
                        r.address,
                        policy.name()
                    ),
                    HELP,
                );
                out.push(f);
            }
        }
    }
}
