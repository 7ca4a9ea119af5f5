use crate::context::{Context, first_loc, with_uses};
use crate::finding::{Sink, help_for};
use crate::rule::Check;

declare_rule! {
    /// ## What it does
    /// Flags an `Allow` statement that uses `NotAction`, also in an attached AWS-managed policy
    /// (`PowerUserAccess`), at the ARN that attaches it.
    ///
    /// ## Why is this bad?
    /// `Allow` with `NotAction` grants every action *except* those listed — across every AWS
    /// service, including services and actions AWS adds later. It is almost always far broader
    /// than intended (a classic: "everything but IAM", which still allows
    /// `organizations:LeaveOrganization` or `sts:AssumeRole` into other roles).
    ///
    /// ## Example
    /// ```hcl fail
    /// resource "aws_iam_policy" "power_user" {
    ///   name   = "power-user"
    ///   policy = <<-EOF
    ///     {
    ///       "Version": "2012-10-17",
    ///       "Statement": [{
    ///         "Effect": "Allow",
    ///         "NotAction": ["iam:*", "organizations:*"],
    ///         "Resource": "*"
    ///       }]
    ///     }
    ///   EOF
    /// }
    /// ```
    ///
    /// ```hcl fail
    /// resource "aws_iam_user_policy_attachment" "dev" {
    ///   user       = "dev"
    ///   policy_arn = "arn:aws:iam::aws:policy/PowerUserAccess"
    /// }
    /// ```
    ///
    /// ## Use instead
    /// List what is allowed; `NotAction` is fine with `Deny`:
    /// ```hcl pass
    /// data "aws_iam_policy_document" "power_user" {
    ///   statement {
    ///     actions   = ["ec2:Describe*", "s3:GetObject"]
    ///     resources = ["*"]
    ///   }
    ///   statement {
    ///     effect      = "Deny"
    ///     not_actions = ["iam:*"]
    ///     resources   = ["*"]
    ///   }
    /// }
    ///
    /// resource "aws_iam_policy" "power_user" {
    ///   name   = "power-user"
    ///   policy = data.aws_iam_policy_document.power_user.json
    /// }
    /// ```
    ///
    /// ## References
    /// - [IAM JSON policy elements: NotAction](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notaction.html)
    pub struct AllowNotAction {
        name: "allow-not-action",
        category: Security,
        severity: High,
        summary: "an Allow statement uses NotAction, granting every other action",
    }
}

impl Check for AllowNotAction {
    fn check(&self, cx: &Context, out: &mut Sink) {
        for (record, s) in cx.statements_with_attached(None) {
            let Some(action) = s.action.as_ref().filter(|a| a.negated) else {
                continue;
            };
            if !s.is_allow() {
                continue;
            }
            let f = out.finding(
                &record.address,
                first_loc(&[action.key.loc, action.loc, s.loc]),
                format!(
                    "{} of {} allows every action except the {} listed in NotAction",
                    s.label(),
                    record.holder(),
                    action.items.len()
                ),
                help_for(
                    record,
                    "list the allowed actions in `Action` instead; keep `NotAction` for `Deny` statements",
                ),
            );
            out.push(with_uses(f, record));
        }
    }
}
