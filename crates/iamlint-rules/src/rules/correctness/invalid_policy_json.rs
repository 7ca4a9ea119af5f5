use iamlint_model::PolicyBody;

use crate::context::{Context, with_uses};
use crate::finding::Sink;
use crate::rule::Check;

declare_rule! {
    /// ## What it does
    /// Flags a policy string that is not valid JSON, at the position where the JSON breaks
    /// (inside the heredoc or the quoted string).
    ///
    /// ## Why is this bad?
    /// Terraform does not check policy JSON at `plan`; AWS rejects it at `apply` with
    /// `MalformedPolicyDocument`, after part of the change may already be applied. AWS parses
    /// policies strictly: trailing commas and comments are errors.
    ///
    /// ## Example
    /// ```hcl fail
    /// resource "aws_iam_policy" "logs" {
    ///   name   = "logs"
    ///   policy = <<-EOF
    ///     {
    ///       "Version": "2012-10-17",
    ///       "Statement": [{
    ///         "Effect": "Allow",
    ///         "Action": ["logs:PutLogEvents"],
    ///         "Resource": "*",
    ///       }]
    ///     }
    ///   EOF
    /// }
    /// ```
    ///
    /// ## Use instead
    /// Let Terraform write the JSON with `jsonencode`:
    /// ```hcl pass
    /// resource "aws_iam_policy" "logs" {
    ///   name = "logs"
    ///   policy = jsonencode({
    ///     Version = "2012-10-17"
    ///     Statement = [{
    ///       Effect   = "Allow"
    ///       Action   = ["logs:PutLogEvents"]
    ///       Resource = "*"
    ///     }]
    ///   })
    /// }
    /// ```
    ///
    /// ## References
    /// - [IAM JSON policy grammar](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html)
    pub struct InvalidPolicyJson {
        name: "invalid-policy-json",
        category: Correctness,
        severity: High,
        summary: "a policy string is not valid JSON",
    }
}

impl Check for InvalidPolicyJson {
    fn check(&self, cx: &Context, out: &mut Sink) {
        for record in &cx.model.policies {
            if let PolicyBody::InvalidJson { message, loc } = &record.body {
                let f = out.finding(
                    &record.address,
                    loc.or(record.loc),
                    format!("{} of `{}` is not valid JSON: {}", record.kind.noun(), record.address, lowercase_first(message)),
                    "fix the JSON here; AWS rejects it at apply with MalformedPolicyDocument (`jsonencode({...})` avoids hand-written JSON)",
                );
                out.push(with_uses(f, record));
            }
        }
    }
}

/// Parser messages start uppercase ("Trailing commas are not allowed"); ours do not.
fn lowercase_first(s: &str) -> String {
    let mut chars = s.chars();
    chars
        .next()
        .map(|c| c.to_lowercase().chain(chars).collect())
        .unwrap_or_default()
}
