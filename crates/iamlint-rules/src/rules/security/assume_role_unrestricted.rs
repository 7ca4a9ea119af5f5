use iamlint_model::PolicyKind;
use iamlint_model::access::is_irrelevant_condition;

use crate::context::{Context, granting_item, with_uses};
use crate::finding::Sink;
use crate::rule::Check;

declare_rule! {
    /// ## What it does
    /// Flags `sts:AssumeRole` allowed on every role (`"Resource": "*"`) — written out or granted
    /// through `sts:*`, `sts:Assume*` or `NotAction` — with no condition that limits which roles.
    /// A condition any caller satisfies (`aws:RequestedRegion`, `aws:SecureTransport`) does not
    /// count.
    ///
    /// ## Why is this bad?
    /// The principal can wear every role whose trust policy admits its account — today's and
    /// tomorrow's — so the account's most trusting role sets its real permissions, and
    /// role-chaining makes them hard to follow.
    ///
    /// ## Example
    /// ```hcl fail
    /// data "aws_iam_policy_document" "ci" {
    ///   statement {
    ///     actions   = ["sts:AssumeRole"]
    ///     resources = ["*"]
    ///   }
    /// }
    ///
    /// resource "aws_iam_role_policy" "ci" {
    ///   role   = "ci"
    ///   policy = data.aws_iam_policy_document.ci.json
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```hcl pass
    /// data "aws_iam_policy_document" "ci" {
    ///   statement {
    ///     actions   = ["sts:AssumeRole"]
    ///     resources = ["arn:aws:iam::111122223333:role/deploy"]
    ///   }
    /// }
    ///
    /// resource "aws_iam_role_policy" "ci" {
    ///   role   = "ci"
    ///   policy = data.aws_iam_policy_document.ci.json
    /// }
    /// ```
    ///
    /// ## References
    /// - [Granting a user permissions to switch roles](https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_permissions-to-switch.html)
    pub struct AssumeRoleUnrestricted {
        name: "assume-role-unrestricted",
        category: Security,
        severity: Medium,
        summary: "sts:AssumeRole is allowed on every role",
    }
}

impl Check for AssumeRoleUnrestricted {
    fn check(&self, cx: &Context, out: &mut Sink) {
        for (record, s) in cx.statements(PolicyKind::Identity) {
            if !s.on_every_resource()
                || s.conditions_unknown.is_some()
                || s.conditions
                    .iter()
                    .any(|c| !is_irrelevant_condition(&c.key))
            {
                continue;
            }
            let Some((loc, through)) = granting_item(s, "sts:AssumeRole") else {
                continue;
            };
            let how = match through {
                "sts:AssumeRole" => String::new(),
                "NotAction" => " (through NotAction)".to_string(),
                other => format!(" (through `{other}`)"),
            };
            let f = out.statement_finding(
                record,
                s,
                loc,
                format!("allows `sts:AssumeRole`{how} on every role"),
                "name the roles this principal assumes in `Resource`",
            );
            out.push(with_uses(f, record));
        }
    }
}
