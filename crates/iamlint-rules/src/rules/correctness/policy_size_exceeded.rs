use std::collections::HashMap;

use iamlint_model::PolicyKind;
use iamlint_model::links::{Held, PrincipalType};
use iamlint_model::model::Resource;
use iamlint_model::size::PolicySize;

use crate::context::{Context, with_uses};
use crate::finding::Sink;
use crate::rule::Check;

declare_rule! {
    /// ## What it does
    /// Flags policies longer than AWS accepts, counted as AWS counts them (characters,
    /// whitespace excluded): a customer-managed policy over 6,144 characters, a trust policy over
    /// 2,048 (the default quota), and inline policies whose sum for one principal is over 10,240
    /// for a role, 2,048 for a user or 5,120 for a group.
    ///
    /// Parts known only at apply count as nothing (an account id as its 12 digits), and a
    /// policy-document data source counts its most compact rendering: a finding means the
    /// policy is surely too long.
    ///
    /// ## Why is this bad?
    /// `terraform plan` accepts it and `apply` fails with `LimitExceeded`, often half-way through
    /// a change. Policies grow one statement at a time until one day they no longer fit.
    ///
    /// ## Example
    /// A user's inline policies may not exceed 2,048 characters in total:
    /// ```hcl fail
    /// resource "aws_iam_user" "ci" {
    ///   name = "ci"
    /// }
    ///
    /// resource "aws_iam_user_policy" "artifacts" {
    ///   user = aws_iam_user.ci.name
    ///   policy = jsonencode({
    ///     Version = "2012-10-17"
    ///     Statement = [{
    ///       Effect   = "Allow"
    ///       Action   = ["s3:GetObject", "s3:PutObject"]
    ///       Resource = [for i in range(100) : "arn:aws:s3:::build-artifacts-${i}/*"]
    ///     }]
    ///   })
    /// }
    /// ```
    ///
    /// ## Use instead
    /// Name the resources with a wildcard, or move the policy to a managed policy (6,144
    /// characters each, several per principal):
    /// ```hcl pass
    /// resource "aws_iam_user" "ci" {
    ///   name = "ci"
    /// }
    ///
    /// resource "aws_iam_user_policy" "artifacts" {
    ///   user = aws_iam_user.ci.name
    ///   policy = jsonencode({
    ///     Version = "2012-10-17"
    ///     Statement = [{
    ///       Effect   = "Allow"
    ///       Action   = ["s3:GetObject", "s3:PutObject"]
    ///       Resource = "arn:aws:s3:::build-artifacts-*/*"
    ///     }]
    ///   })
    /// }
    /// ```
    ///
    /// ## References
    /// - [IAM and AWS STS quotas: character limits](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html#reference_iam-quotas-entity-length)
    pub struct PolicySizeExceeded {
        name: "policy-size-exceeded",
        category: Correctness,
        severity: High,
        summary: "a policy is longer than AWS accepts, so apply fails",
    }
}

const MANAGED_POLICY: usize = 6_144;
const TRUST_POLICY: usize = 2_048;

/// The quota on the sum of a principal's inline policies.
fn inline_quota(ty: PrincipalType) -> (usize, &'static str) {
    match ty {
        PrincipalType::Role => (10_240, "a role"),
        PrincipalType::User => (2_048, "a user"),
        PrincipalType::Group => (5_120, "a group"),
    }
}

/// `6144` → `6,144`.
fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// "6,200 characters" or "at least 6,200 characters".
fn length(size: PolicySize) -> String {
    let at_least = if size.exact { "" } else { "at least " };
    format!("{at_least}{} characters", thousands(size.chars))
}

impl Check for PolicySizeExceeded {
    fn check(&self, cx: &Context, out: &mut Sink) {
        let kinds: HashMap<&str, &Resource> = cx
            .model
            .resources
            .iter()
            .map(|r| (r.address.as_str(), r))
            .collect();
        let kind_of = |address: &str| kinds.get(address).map(|r| r.kind());
        for record in &cx.model.policies {
            let Some(size) = record.size else { continue };
            let managed = record.kind == PolicyKind::Identity
                && (kind_of(&record.address) == Some("aws_iam_policy")
                    || record
                        .uses
                        .iter()
                        .any(|u| kind_of(&u.address) == Some("aws_iam_policy")));
            let (quota, what, help) = match record.kind {
                PolicyKind::Trust => (
                    TRUST_POLICY,
                    "default quota for trust policies",
                    "shorten it (list principals by account root or use conditions such as `aws:PrincipalOrgID` instead of many ARNs), or raise the quota (up to 4,096) with Service Quotas",
                ),
                _ if managed => (
                    MANAGED_POLICY,
                    "quota for managed policies",
                    "split it into several managed policies, or shorten it: combine actions with wildcards (`s3:Get*`) and merge statements that share resources",
                ),
                _ => continue,
            };
            if size.chars <= quota {
                continue;
            }
            let f = out.finding(
                &record.address,
                record.loc,
                format!(
                    "`{}` is {} long, over AWS's {}-character {what}: apply fails with LimitExceeded",
                    record.address,
                    length(size),
                    thousands(quota)
                ),
                help,
            );
            out.push(with_uses(f, record));
        }
        for p in &cx.links().principals {
            let inline: Vec<(PolicySize, &iamlint_model::PolicyRecord, &str)> = p
                .policies
                .iter()
                .filter(|h| h.inline)
                .filter_map(|h| match &h.policy {
                    Held::Record(r) => Some((r.size?, *r, h.via)),
                    _ => None,
                })
                .collect();
            let total = inline.iter().map(|(s, _, _)| *s).fold(
                PolicySize {
                    chars: 0,
                    exact: true,
                },
                |a, b| a + b,
            );
            let (quota, whom) = inline_quota(p.ty);
            if total.chars <= quota {
                continue;
            }
            let Some(largest) = inline.iter().max_by_key(|(s, _, _)| s.chars) else {
                continue;
            };
            let address = &p.resource.address;
            let mut f = out.finding(
                address,
                largest.1.loc.or(p.resource.loc),
                format!(
                    "the inline policies of `{address}` are {} long together, over AWS's {}-character quota for {whom}: apply fails with LimitExceeded",
                    length(total),
                    thousands(quota)
                ),
                "move some of them to managed policies (6,144 characters each, attached with `aws_iam_*_policy_attachment`), or shorten them: combine actions with wildcards and merge statements that share resources",
            );
            for (size, record, via) in &inline {
                f = f.with_related(
                    format!("inline policy of {}, {}", via, length(*size)),
                    Some(&record.address),
                    record.loc,
                );
            }
            f = f.with_related(
                format!("{address} defined here"),
                Some(address),
                p.resource.loc,
            );
            out.push(f);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::thousands;

    #[test]
    fn numbers_read_with_thousands_separators() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(6144), "6,144");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }
}
