use iamlint_model::PolicyKind;
use iamlint_model::policy::{Issue, Statement};

use crate::context::{Context, first_loc, with_uses};
use crate::finding::Sink;
use crate::rule::Check;

declare_rule! {
    /// ## What it does
    /// Flags policy elements that break the IAM policy grammar: a missing or misspelled
    /// `Effect`, no `Action`/`NotAction`, no `Resource`/`NotResource` in an identity policy, a
    /// `Principal` in an identity policy, no `Principal` (or a `Resource`) in a trust policy,
    /// an empty list, an unknown element name or `Version`, an element of the wrong type.
    ///
    /// ## Why is this bad?
    /// AWS rejects such a policy at `apply` (`MalformedPolicyDocument`), or — worse, for an
    /// unknown `Version` or a misspelled element — the policy does not mean what it says.
    ///
    /// ## Example
    /// ```hcl fail
    /// data "aws_iam_policy_document" "read" {
    ///   statement {
    ///     actions = ["s3:GetObject"]
    ///     principals {
    ///       type        = "AWS"
    ///       identifiers = ["arn:aws:iam::111122223333:root"]
    ///     }
    ///   }
    /// }
    ///
    /// resource "aws_iam_policy" "read" {
    ///   name   = "read"
    ///   policy = data.aws_iam_policy_document.read.json
    /// }
    /// ```
    ///
    /// ```hcl fail
    /// resource "aws_iam_policy" "read" {
    ///   name   = "read"
    ///   policy = jsonencode({
    ///     Version   = "2012-10-17"
    ///     Statement = [{ Effect = "allow", Action = "s3:GetObject", Resource = "*" }]
    ///   })
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```hcl pass
    /// data "aws_iam_policy_document" "read" {
    ///   statement {
    ///     actions   = ["s3:GetObject"]
    ///     resources = ["arn:aws:s3:::reports/*"]
    ///   }
    /// }
    ///
    /// resource "aws_iam_policy" "read" {
    ///   name   = "read"
    ///   policy = data.aws_iam_policy_document.read.json
    /// }
    /// ```
    ///
    /// ## References
    /// - [IAM JSON policy elements reference](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements.html)
    /// - [IAM JSON policy grammar](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html)
    pub struct InvalidPolicyElement {
        name: "invalid-policy-element",
        category: Correctness,
        severity: High,
        summary: "a policy element breaks the IAM policy grammar",
    }
}

impl Check for InvalidPolicyElement {
    fn check(&self, cx: &Context, out: &mut Sink) {
        for (record, doc) in cx.documents() {
            let mut issues: Vec<Issue> = doc.all_issues().cloned().collect();
            for s in &doc.statements {
                issues.extend(kind_issues(record.kind, s));
            }
            for issue in issues {
                let f = out.finding(
                    &record.address,
                    issue.loc.or(doc.loc).or(record.loc),
                    format!(
                        "{} of `{}`: {}",
                        record.kind.noun(),
                        record.address,
                        issue.message
                    ),
                    help_for(&issue.message),
                );
                out.push(with_uses(f, record));
            }
        }
    }
}

/// Rules of the grammar that depend on what the policy is for.
fn kind_issues(kind: PolicyKind, s: &Statement) -> Vec<Issue> {
    let mut out = Vec::new();
    let issue = |loc, message: String| Issue { loc, message };
    match kind {
        PolicyKind::Identity => {
            if let Some(p) = &s.principal {
                out.push(issue(
                    first_loc(&[p.key.loc, p.loc]),
                    format!("{} is not allowed in an identity policy", p.key.name),
                ));
            }
            if s.resource.is_none() {
                out.push(issue(
                    s.loc,
                    format!("{} has neither Resource nor NotResource", s.label()),
                ));
            }
        }
        PolicyKind::Trust => {
            if s.principal.is_none() {
                out.push(issue(
                    s.loc,
                    format!(
                        "{} has no Principal: a trust policy must say who may assume the role",
                        s.label()
                    ),
                ));
            }
            if let Some(r) = &s.resource {
                out.push(issue(
                    first_loc(&[r.key.loc, r.loc]),
                    format!("{} is not allowed in a trust policy", r.key.name),
                ));
            }
        }
        PolicyKind::Resource => {
            if s.principal.is_none() {
                out.push(issue(
                    s.loc,
                    format!(
                        "{} has no Principal: a resource policy must say whom it lets in",
                        s.label()
                    ),
                ));
            }
        }
    }
    out
}

fn help_for(message: &str) -> &'static str {
    if message.contains("not allowed in an identity policy") {
        "remove the principal: an identity policy applies to whoever it is attached to (a principal belongs in a trust or resource policy)"
    } else if message.contains("not allowed in a trust policy") {
        "remove the Resource: a trust policy's resource is the role itself"
    } else if message.contains("neither Resource") {
        "add `Resource` with the ARNs this statement is about"
    } else if message.contains("no Principal") {
        "add a `Principal` naming who may assume the role"
    } else if message.starts_with("unknown policy Version") {
        "use \"2012-10-17\", the current policy language version"
    } else {
        "fix the element as the IAM policy grammar requires; AWS rejects the policy otherwise"
    }
}
