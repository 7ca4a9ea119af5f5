use crate::context::{Context, first_loc, with_uses};
use crate::finding::{Sink, help_for};
use crate::rule::Check;

declare_rule! {
    /// ## What it does
    /// Flags an `Allow` statement that uses `NotResource`.
    ///
    /// ## Why is this bad?
    /// `Allow` with `NotResource` grants the actions on every resource *except* those listed,
    /// in every account the principal can reach, including resources created later. It is
    /// rarely what was meant.
    ///
    /// ## Example
    /// ```hcl fail
    /// resource "aws_iam_role_policy" "app" {
    ///   role = "app"
    ///   policy = jsonencode({
    ///     Version = "2012-10-17"
    ///     Statement = [{
    ///       Effect      = "Allow"
    ///       Action      = "s3:GetObject"
    ///       NotResource = "arn:aws:s3:::secrets/*"
    ///     }]
    ///   })
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```hcl pass
    /// resource "aws_iam_role_policy" "app" {
    ///   role = "app"
    ///   policy = jsonencode({
    ///     Version = "2012-10-17"
    ///     Statement = [{
    ///       Effect   = "Allow"
    ///       Action   = "s3:GetObject"
    ///       Resource = "arn:aws:s3:::reports/*"
    ///     }]
    ///   })
    /// }
    /// ```
    ///
    /// ## References
    /// - [IAM JSON policy elements: NotResource](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notresource.html)
    pub struct AllowNotResource {
        name: "allow-not-resource",
        category: Security,
        severity: Medium,
        summary: "an Allow statement uses NotResource, granting access to every other resource",
    }
}

impl Check for AllowNotResource {
    fn check(&self, cx: &Context, out: &mut Sink) {
        for (record, s) in cx.statements_with_attached(None) {
            let Some(resource) = s.resource.as_ref().filter(|r| r.negated) else {
                continue;
            };
            if !s.is_allow() {
                continue;
            }
            let f = out.finding(
                &record.address,
                first_loc(&[resource.key.loc, resource.loc, s.loc]),
                format!("{} of {} allows its actions on every resource except those listed in NotResource", s.label(), record.holder()),
                help_for(record, "list the resources the actions apply to in `Resource` instead"),
            );
            out.push(with_uses(f, record));
        }
    }
}
