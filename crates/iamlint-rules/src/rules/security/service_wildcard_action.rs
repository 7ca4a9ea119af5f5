use iamlint_model::PolicyKind;
use iamlint_model::catalog::Grants;

use crate::context::{Context, with_uses};
use crate::finding::Sink;
use crate::rule::{Check, Severity};
use crate::rules::security::full_admin_access::is_every_action;

declare_rule! {
    /// ## What it does
    /// Flags actions that allow a whole service (`s3:*`) or a verb across every service
    /// (`*:Get*`, or a bare `*` on specific resources). High for `iam`, `sts`, `organizations`,
    /// `kms` and `secretsmanager`, and for wildcards over services; medium otherwise. The
    /// `*`-on-`*` case is [`full-admin-access`](full-admin-access.md). An attached AWS-managed
    /// policy (`AmazonS3FullAccess`) is judged like its document written out, at the ARN that
    /// attaches it, once however many of its statements do so.
    ///
    /// ## Why is this bad?
    /// A service wildcard grants every action of the service, today's and those AWS adds later,
    /// including its permissions-management actions: `iam:*` alone is enough to become
    /// administrator, `kms:*` to schedule every key for deletion, `sts:*` to assume roles.
    ///
    /// ## Example
    /// ```hcl fail
    /// resource "aws_iam_role_policy" "ci" {
    ///   role = "ci"
    ///   policy = jsonencode({
    ///     Version = "2012-10-17"
    ///     Statement = [{
    ///       Effect   = "Allow"
    ///       Action   = ["iam:*"]
    ///       Resource = "arn:aws:iam::111122223333:role/app-*"
    ///     }]
    ///   })
    /// }
    /// ```
    ///
    /// ```hcl fail
    /// resource "aws_iam_role_policy_attachment" "uploader" {
    ///   role       = "uploader"
    ///   policy_arn = "arn:aws:iam::aws:policy/AmazonS3FullAccess"
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```hcl pass
    /// resource "aws_iam_role_policy_attachment" "uploader" {
    ///   role       = "uploader"
    ///   policy_arn = "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"
    /// }
    /// ```
    ///
    /// ```hcl pass
    /// resource "aws_iam_role_policy" "ci" {
    ///   role = "ci"
    ///   policy = jsonencode({
    ///     Version = "2012-10-17"
    ///     Statement = [{
    ///       Effect   = "Allow"
    ///       Action   = ["iam:GetRole", "iam:TagRole"]
    ///       Resource = "arn:aws:iam::111122223333:role/app-*"
    ///     }]
    ///   })
    /// }
    /// ```
    ///
    /// A wildcard that the same policy Denies wherever it allows it grants nothing:
    /// ```hcl pass
    /// resource "aws_iam_role_policy" "ci" {
    ///   role = "ci"
    ///   policy = jsonencode({
    ///     Version = "2012-10-17"
    ///     Statement = [
    ///       { Effect = "Allow", Action = ["ecr:*", "iam:GetRole"], Resource = "*" },
    ///       { Effect = "Deny", Action = "ecr:*", Resource = "*" },
    ///     ]
    ///   })
    /// }
    /// ```
    ///
    /// ## References
    /// - [Security best practices in IAM: grant least privilege](https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege)
    /// - [IAM JSON policy elements: Action](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html)
    pub struct ServiceWildcardAction {
        name: "service-wildcard-action",
        category: Security,
        severity: High,
        summary: "an action allows every action of a service, or a verb across services",
    }
}

/// Services whose every action is a path to broader access.
const SENSITIVE_SERVICES: [&str; 5] = ["iam", "sts", "organizations", "kms", "secretsmanager"];

/// How an action pattern is too wide.
enum Wildcard<'a> {
    /// `s3:*`
    Service(&'a str),
    /// `*:Get*`, `*`
    AcrossServices,
}

fn classify(action: &str) -> Option<Wildcard<'_>> {
    if action == "*" {
        return Some(Wildcard::AcrossServices);
    }
    let (service, name) = action.split_once(':')?;
    if service.contains(['*', '?']) {
        Some(Wildcard::AcrossServices)
    } else if name == "*" {
        Some(Wildcard::Service(service))
    } else {
        None
    }
}

impl Check for ServiceWildcardAction {
    fn check(&self, cx: &Context, out: &mut Sink) {
        for (record, s) in cx.statements_with_attached(Some(PolicyKind::Identity)) {
            let Some(action) = s.action.as_ref().filter(|a| !a.negated) else {
                continue;
            };
            if !s.is_allow() {
                continue;
            }
            for (text, item) in action.known_items() {
                if s.on_every_resource() && is_every_action(text) {
                    continue; // full-admin-access reports it
                }
                let (what, severity, help) = match classify(text) {
                    None => continue,
                    Some(Wildcard::AcrossServices) => (
                        format!("`{text}` allows these actions across every AWS service"),
                        Severity::High,
                        "name the services and actions needed instead of a wildcard over services"
                            .to_string(),
                    ),
                    Some(Wildcard::Service(service)) => {
                        let lower = service.to_ascii_lowercase();
                        let sensitive = SENSITIVE_SERVICES.contains(&lower.as_str());
                        (
                            format!("`{text}` allows every {lower} action"),
                            if sensitive {
                                Severity::High
                            } else {
                                Severity::Medium
                            },
                            format!(
                                "list the {lower} actions this principal needs (e.g. `{lower}:Get…`) instead of `{text}`"
                            ),
                        )
                    }
                };
                let expanded = cx.expand(text);
                // A prefix no service has (`cognitoidp:*`) grants nothing: unknown-action owns
                // that concern. Nor does a wildcard that the same policy Denies.
                if expanded.is_empty() || cx.denied_in_same_policy(record, s, text) {
                    continue;
                }
                let grants = Grants::of(&expanded);
                let what = format!("{what} ({grants})");
                let f = out
                    .statement_finding(record, s, item.loc, what, help)
                    .with_severity(severity);
                out.push(with_uses(f, record));
            }
        }
    }
}
