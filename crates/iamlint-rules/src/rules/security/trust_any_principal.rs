use iamlint_model::PolicyKind;
use iamlint_model::policy::{Condition, Statement};

use crate::context::{Context, first_loc, with_uses};
use crate::finding::Sink;
use crate::rule::Check;

declare_rule! {
    /// ## What it does
    /// Flags a trust policy that lets anyone assume the role: `"Principal": "*"`,
    /// `{"AWS": "*"}`, a `"*"` identifier in a policy document, or `Allow` with `NotPrincipal`
    /// — without a condition that restricts who (`aws:PrincipalOrgID`, `aws:PrincipalArn`,
    /// `aws:PrincipalAccount`, `aws:SourceAccount`, `aws:SourceArn`, …).
    ///
    /// ## Why is this bad?
    /// Any AWS principal in any account can then call `sts:AssumeRole` on the role and act
    /// with its permissions. `sts:ExternalId` alone does not help: it is a shared value, not
    /// an identity. A condition with `…IfExists`, a negated operator or a `*` value does not
    /// restrict either.
    ///
    /// ## Example
    /// ```hcl fail
    /// data "aws_iam_policy_document" "trust" {
    ///   statement {
    ///     actions = ["sts:AssumeRole"]
    ///     principals {
    ///       type        = "AWS"
    ///       identifiers = ["*"]
    ///     }
    ///   }
    /// }
    ///
    /// resource "aws_iam_role" "shared" {
    ///   name               = "shared"
    ///   assume_role_policy = data.aws_iam_policy_document.trust.json
    /// }
    /// ```
    ///
    /// ## Use instead
    /// Name the account or role — or keep `*` and restrict it to your organization:
    /// ```hcl pass
    /// data "aws_iam_policy_document" "trust" {
    ///   statement {
    ///     actions = ["sts:AssumeRole"]
    ///     principals {
    ///       type        = "AWS"
    ///       identifiers = ["*"]
    ///     }
    ///     condition {
    ///       test     = "StringEquals"
    ///       variable = "aws:PrincipalOrgID"
    ///       values   = ["o-a1b2c3d4e5"]
    ///     }
    ///   }
    /// }
    ///
    /// resource "aws_iam_role" "shared" {
    ///   name               = "shared"
    ///   assume_role_policy = data.aws_iam_policy_document.trust.json
    /// }
    /// ```
    ///
    /// ## References
    /// - [How IAM roles differ from resource-based policies](https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_compare-resource-policies.html)
    /// - [AWS global condition context keys](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html)
    pub struct TrustAnyPrincipal {
        name: "trust-any-principal",
        category: Security,
        severity: Critical,
        summary: "a trust policy lets any AWS principal assume the role",
    }
}

/// Condition keys that pin down who the caller is.
pub(crate) const IDENTITY_KEYS: [&str; 9] = [
    "aws:PrincipalOrgID",
    "aws:PrincipalOrgPaths",
    "aws:PrincipalArn",
    "aws:PrincipalAccount",
    "aws:SourceAccount",
    "aws:SourceArn",
    "aws:SourceOrgID",
    "aws:SourceOrgPaths",
    "aws:userid",
];

/// A condition that only admits callers it names: a positive operator on an identity key,
/// required to be present, with no value that matches everything.
pub(crate) fn restricts_who(c: &Condition) -> bool {
    restricts_by(c, &IDENTITY_KEYS)
}

/// [`restricts_who`] on the keys `keys`.
/// [`restricts_by`], where a value known only after apply (`data.aws_caller_identity`'s
/// account, a variable's organization id) still names someone: for rules that flag the
/// absence of such a condition, never a finding on a guess.
pub(crate) fn names_by(c: &Condition, keys: &[&str]) -> bool {
    let op = c.base_operator();
    matches!(
        op,
        "StringEquals" | "StringLike" | "ArnEquals" | "ArnLike" | "StringEqualsIgnoreCase"
    ) && !c.is_if_exists()
        && !c.operator.starts_with("ForAllValues:")
        && keys.iter().any(|k| c.key_is(k))
        && (!c.values.is_empty() || c.unknown.is_some())
        && c.values
            .iter()
            .all(|v| v.known().is_none_or(|t| !t.is_empty() && t != "*"))
}

pub(crate) fn restricts_by(c: &Condition, keys: &[&str]) -> bool {
    let op = c.base_operator();
    let positive = matches!(
        op,
        "StringEquals" | "StringLike" | "ArnEquals" | "ArnLike" | "StringEqualsIgnoreCase"
    );
    positive
        && !c.is_if_exists()
        && !c.operator.starts_with("ForAllValues:")
        && keys.iter().any(|k| c.key_is(k))
        && !c.values.is_empty()
        && c.values
            .iter()
            .all(|v| v.known().is_some_and(|t| !t.is_empty() && t != "*"))
}

fn restricted(s: &Statement) -> bool {
    s.conditions.iter().any(restricts_who)
}

impl Check for TrustAnyPrincipal {
    fn check(&self, cx: &Context, out: &mut Sink) {
        for (record, s) in cx.statements(PolicyKind::Trust) {
            let Some(block) = &s.principal else { continue };
            // Unknown conditions may restrict: a coverage note says so, and we do not guess.
            if !s.is_allow()
                || restricted(s)
                || s.conditions_unknown.is_some()
                || s.conditions.iter().any(|c| c.unknown.is_some())
            {
                continue;
            }
            let (loc, what) = if block.negated {
                (
                    first_loc(&[block.key.loc, block.loc]),
                    "everyone except the principals in NotPrincipal",
                )
            } else {
                match block.principals.iter().find(|p| p.is_wildcard()) {
                    Some(p) => (p.item.loc, "any AWS principal (`*`)"),
                    None => continue,
                }
            };
            let f = out.finding(
                &record.address,
                loc.or(s.loc),
                format!("{} of `{}` lets {what} assume the role", s.label(), record.address),
                "name the trusted accounts or roles in the principal, or add a condition on `aws:PrincipalOrgID` or `aws:PrincipalArn`",
            );
            out.push(with_uses(f, record));
        }
    }
}
