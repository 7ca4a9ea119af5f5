use iamlint_model::{Data, Value};

use crate::context::Context;
use crate::finding::Sink;
use crate::rule::Check;

declare_rule! {
    /// ## What it does
    /// Flags policies given directly to IAM users: `aws_iam_user_policy`,
    /// `aws_iam_user_policy_attachment`, `aws_iam_user_policy_attachments_exclusive`, and
    /// `aws_iam_policy_attachment` with `users`.
    ///
    /// ## Why is this bad?
    /// Permissions given user by user drift apart and outlive the job they were for; nobody can
    /// tell who may do what without reading every user. Groups (and roles) give the same
    /// permissions to everyone in the same job, and removing someone from the job removes them.
    ///
    /// ## Example
    /// ```hcl fail
    /// resource "aws_iam_user_policy_attachment" "alice" {
    ///   user       = "alice"
    ///   policy_arn = "arn:aws:iam::aws:policy/ReadOnlyAccess"
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```hcl pass
    /// resource "aws_iam_group_policy_attachment" "auditors" {
    ///   group      = "auditors"
    ///   policy_arn = "arn:aws:iam::aws:policy/ReadOnlyAccess"
    /// }
    ///
    /// resource "aws_iam_user_group_membership" "alice" {
    ///   user   = "alice"
    ///   groups = ["auditors"]
    /// }
    /// ```
    ///
    /// ## References
    /// - [CIS AWS Foundations Benchmark 1.15: IAM users receive permissions only through groups](https://docs.aws.amazon.com/securityhub/latest/userguide/iam-controls.html#iam-2)
    pub struct UserAttachedPolicy {
        name: "user-attached-policy",
        category: Security,
        severity: Low,
        summary: "a policy is given directly to an IAM user instead of a group or role",
    }
}

/// Resource types that give users policies, and the attribute that names the users.
const GIVING: [(&str, &str); 4] = [
    ("aws_iam_user_policy", "user"),
    ("aws_iam_user_policy_attachment", "user"),
    ("aws_iam_user_policy_attachments_exclusive", "user_name"),
    ("aws_iam_policy_attachment", "users"),
];

/// Whether an attribute names at least one user (an empty list names none).
fn names_someone(v: &Value) -> bool {
    match &v.data {
        Data::List(items) => !items.is_empty(),
        Data::Null => false,
        _ => true,
    }
}

impl Check for UserAttachedPolicy {
    fn check(&self, cx: &Context, out: &mut Sink) {
        for r in cx.model.managed() {
            let Some((_, attribute)) = GIVING.iter().find(|(kind, _)| *kind == r.kind()) else {
                continue;
            };
            if !r.attribute(attribute).is_some_and(names_someone) {
                continue;
            }
            let f = out.finding(
                &r.address,
                r.written(attribute),
                format!(
                    "`{}` gives a policy directly to IAM users (`{attribute}`)",
                    r.address
                ),
                "attach the policy to a group the users are in (or to a role they assume)",
            );
            out.push(f);
        }
    }
}
