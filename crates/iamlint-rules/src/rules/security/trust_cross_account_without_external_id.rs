use iamlint_model::access::Source;
use iamlint_model::policy::{ItemText, PrincipalKind, Statement};
use iamlint_model::{PolicyKind, PolicyRecord};

use crate::context::{Context, with_uses};
use crate::finding::Sink;
use crate::rule::{Check, Severity};

declare_rule! {
    /// ## What it does
    /// Flags a trust policy that lets another AWS account (its root, or a role or user in it)
    /// assume the role — high when the role may write or manage permissions — with no condition that ties the request to a known party: `sts:ExternalId`,
    /// `aws:PrincipalOrgID`, `aws:PrincipalOrgPaths`, `aws:PrincipalArn`, `aws:SourceAccount`,
    /// `aws:SourceArn` (not `IfExists`, not negated). Your own account and the accounts you trust
    /// are named in `.iamlint.toml` (`account-id`, `trusted-accounts`); an account written as
    /// the caller identity's (`data.aws_caller_identity`) is your own; an account iamlint cannot
    /// read keeps the rule silent.
    ///
    /// ## Why is this bad?
    /// A third party that assumes roles for many customers (a SaaS, a consultant's tooling) can
    /// be tricked into using its access to your role on someone else's behalf — the confused
    /// deputy. An external id agreed with that party, or an organization condition for your own
    /// accounts, closes it.
    ///
    /// ## Example
    /// ```hcl fail
    /// resource "aws_iam_role" "vendor" {
    ///   name = "vendor-audit"
    ///   assume_role_policy = jsonencode({
    ///     Version   = "2012-10-17"
    ///     Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { AWS = "arn:aws:iam::999988887777:root" } }]
    ///   })
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```hcl pass
    /// resource "aws_iam_role" "vendor" {
    ///   name = "vendor-audit"
    ///   assume_role_policy = jsonencode({
    ///     Version = "2012-10-17"
    ///     Statement = [{
    ///       Effect    = "Allow"
    ///       Action    = "sts:AssumeRole"
    ///       Principal = { AWS = "arn:aws:iam::999988887777:root" }
    ///       Condition = { StringEquals = { "sts:ExternalId" = "acme-7f3c9e" } }
    ///     }]
    ///   })
    /// }
    /// ```
    ///
    /// ## References
    /// - [How to use an external ID when granting access to your AWS resources to a third party](https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-user_externalid.html)
    /// - [The confused deputy problem](https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html)
    pub struct TrustCrossAccountWithoutExternalId {
        name: "trust-cross-account-without-external-id",
        category: Security,
        severity: Medium,
        summary: "another account can assume the role without an external id or organization condition",
    }
}

/// Condition keys that tie a cross-account request to a known party.
const TYING_KEYS: [&str; 6] = [
    "sts:ExternalId",
    "aws:PrincipalOrgID",
    "aws:PrincipalOrgPaths",
    "aws:PrincipalArn",
    "aws:SourceAccount",
    "aws:SourceArn",
];

fn tied(s: &Statement) -> bool {
    s.conditions_unknown.is_some()
        || s.conditions.iter().any(|c| {
            TYING_KEYS.iter().any(|k| c.key_is(k))
                && !c.is_if_exists()
                && !c.base_operator().contains("Not")
        })
}

/// The account an AWS principal names: `123456789012`, `arn:aws:iam::123456789012:root`, a
/// role or user in it. `None` for `*`, services, and accounts not written out.
pub(crate) fn account_of(principal: &str) -> Option<&str> {
    let account = match principal.strip_prefix("arn:") {
        Some(arn) => arn.split(':').nth(3)?,
        None => principal,
    };
    (account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit())).then_some(account)
}

/// Whether the role this trust policy guards can change the account: one of its policies
/// allows a write or permissions-management action.
fn can_write(cx: &Context, trust: &PolicyRecord) -> bool {
    let links = cx.links();
    let Some(role) = links
        .principals
        .iter()
        .position(|p| p.trust.is_some_and(|t| std::ptr::eq(t, trust)))
    else {
        return false;
    };
    let subject = links.subject(role);
    subject.policies.iter().any(|source| {
        let Source::Document(doc) = source else {
            return false;
        };
        doc.statements
            .iter()
            .filter(|s| s.is_allow())
            .filter_map(|s| s.action.as_ref().filter(|a| !a.negated))
            .flat_map(|a| a.known_items())
            .any(|(pattern, _)| cx.expand(pattern).iter().any(|a| a.access.is_write()))
    })
}

impl Check for TrustCrossAccountWithoutExternalId {
    fn check(&self, cx: &Context, out: &mut Sink) {
        for (record, s) in cx.statements(PolicyKind::Trust) {
            let Some(block) = &s.principal else { continue };
            if !s.is_allow() || block.negated || tied(s) {
                continue;
            }
            for p in &block.principals {
                // Only accounts written out: an unknown part (the caller identity's account, a
                // variable) is not judged.
                let (PrincipalKind::Aws, ItemText::Known(text)) = (&p.kind, &p.item.text) else {
                    continue;
                };
                let Some(account) = account_of(text) else {
                    continue;
                };
                if cx.accounts.is_known(account) {
                    continue;
                }
                let f = out.statement_finding(
                    record,
                    s,
                    p.item.loc,
                    format!(
                        "account {account} can assume the role with no `sts:ExternalId`, organization or source condition"
                    ),
                    format!(
                        "add a condition on `sts:ExternalId` agreed with the account's owner (or `aws:PrincipalOrgID` for your organization); if {account} is yours, list it as `account-id` or in `trusted-accounts` in .iamlint.toml"
                    ),
                );
                let f = if can_write(cx, record) {
                    f.with_severity(Severity::High)
                } else {
                    f
                };
                out.push(with_uses(f, record));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::account_of;

    #[test]
    fn accounts_in_every_principal_form() {
        assert_eq!(
            account_of("arn:aws:iam::123456789012:root"),
            Some("123456789012")
        );
        assert_eq!(
            account_of("arn:aws-us-gov:iam::123456789012:role/x"),
            Some("123456789012")
        );
        assert_eq!(account_of("123456789012"), Some("123456789012"));
        assert_eq!(account_of("*"), None);
        assert_eq!(account_of("arn:aws:iam::aws:policy/x"), None);
    }
}
