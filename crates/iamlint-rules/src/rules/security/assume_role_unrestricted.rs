use crate::context::{Context, granted_everywhere, with_uses};
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
    /// An Allow that the same policy Denies on every role grants nothing to report:
    /// ```hcl pass
    /// resource "aws_iam_role_policy" "ci" {
    ///   role = "ci"
    ///   policy = jsonencode({
    ///     Version = "2012-10-17"
    ///     Statement = [
    ///       { Effect = "Allow", Action = "sts:*", Resource = "*" },
    ///       { Effect = "Deny", Action = "sts:AssumeRole", Resource = "*" },
    ///     ]
    ///   })
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
        for (record, s, loc, how) in granted_everywhere(cx, "sts:AssumeRole") {
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
