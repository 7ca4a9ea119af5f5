use iamlint_model::policy::{ItemText, PolicyDocument, PrincipalKind, Statement};
use iamlint_model::{PolicyKind, PolicyRecord};

use crate::context::{Context, with_uses};
use crate::finding::Sink;
use crate::rule::{Check, Severity};
use crate::rules::security::trust_any_principal::names_by;
use crate::rules::security::trust_cross_account_without_external_id::account_of;

declare_rule! {
    /// ## What it does
    /// Flags a resource policy — a bucket's, queue's, topic's, key's, secret's, repository's… —
    /// that lets another AWS account (its root, or a role or user in it) in with no condition
    /// that ties the request to your organization or to a source you name:
    /// `aws:PrincipalOrgID`, `aws:PrincipalOrgPaths`, `aws:SourceAccount`, `aws:SourceArn`,
    /// `aws:SourceVpce` or `aws:SourceVpc` (positive, not `IfExists`). High when the statement
    /// allows a write or permissions-management action, medium otherwise.
    ///
    /// An account is your own when `.iamlint.toml` names it (`account-id`,
    /// `trusted-accounts`), or when the statement's own `Resource` ARNs are in it (the
    /// resource's owner); an account written as the caller identity's
    /// (`data.aws_caller_identity`) or otherwise unknown is not judged. Anyone (`*`) is
    /// `resource-policy-public`'s.
    ///
    /// ## Why is this bad?
    /// Whoever controls that account — today's partner, tomorrow's acquirer or attacker —
    /// reaches your data with no credential of yours; with write access they can change it,
    /// and with permissions management hand it on.
    ///
    /// ## Example
    /// ```hcl fail
    /// resource "aws_sqs_queue_policy" "jobs" {
    ///   queue_url = "https://sqs.eu-west-1.amazonaws.com/111122223333/jobs"
    ///   policy = jsonencode({
    ///     Version = "2012-10-17"
    ///     Statement = [{
    ///       Effect    = "Allow"
    ///       Principal = { AWS = "arn:aws:iam::999988887777:root" }
    ///       Action    = "sqs:SendMessage"
    ///       Resource  = "arn:aws:sqs:eu-west-1:111122223333:jobs"
    ///     }]
    ///   })
    /// }
    /// ```
    ///
    /// ## Use instead
    /// Tie it to your organization (or list a partner's account in `trusted-accounts`):
    /// ```hcl pass
    /// resource "aws_sqs_queue_policy" "jobs" {
    ///   queue_url = "https://sqs.eu-west-1.amazonaws.com/111122223333/jobs"
    ///   policy = jsonencode({
    ///     Version = "2012-10-17"
    ///     Statement = [{
    ///       Effect    = "Allow"
    ///       Principal = { AWS = "arn:aws:iam::999988887777:root" }
    ///       Action    = "sqs:SendMessage"
    ///       Resource  = "arn:aws:sqs:eu-west-1:111122223333:jobs"
    ///       Condition = { StringEquals = { "aws:PrincipalOrgID" = "o-a1b2c3d4e5" } }
    ///     }]
    ///   })
    /// }
    /// ```
    ///
    /// ## References
    /// - [Cross-account policy evaluation logic](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html)
    /// - [aws:PrincipalOrgID](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalorgid)
    pub struct ResourcePolicyCrossAccount {
        name: "resource-policy-cross-account",
        category: Security,
        severity: Medium,
        summary: "a resource policy lets another account in without an organization or source condition",
    }
}

/// Keys that tie a request from another account to your organization or to a source.
const TYING_KEYS: [&str; 6] = [
    "aws:PrincipalOrgID",
    "aws:PrincipalOrgPaths",
    "aws:SourceAccount",
    "aws:SourceArn",
    "aws:SourceVpce",
    "aws:SourceVpc",
];

fn tied(s: &Statement) -> bool {
    s.conditions_unknown.is_some() || s.conditions.iter().any(|c| names_by(c, &TYING_KEYS))
}

/// The accounts the statement's `Resource` ARNs are in: the resource's owner.
fn owners(s: &Statement) -> Vec<&str> {
    s.resource
        .iter()
        .filter(|r| !r.negated)
        .flat_map(|r| r.known_items())
        .filter_map(|(arn, _)| arn.strip_prefix("arn:")?.split(':').nth(3))
        .filter(|a| a.len() == 12 && a.bytes().all(|b| b.is_ascii_digit()))
        .collect()
}

/// In a key policy, the account whose root is given `kms:*`: AWS's default statement gives it
/// to the key's own account ("Enable IAM User Permissions"), and a key shared with another
/// account names the few actions it may use instead.
fn key_owners(doc: &PolicyDocument) -> Vec<&str> {
    doc.statements
        .iter()
        .filter(|s| s.is_allow() && s.lists_action(|p| p.eq_ignore_ascii_case("kms:*")))
        .filter_map(|s| s.principal.as_ref())
        .flat_map(|b| &b.principals)
        .filter_map(|p| match (&p.kind, &p.item.text) {
            (PrincipalKind::Aws, ItemText::Known(text)) if text.ends_with(":root") => {
                account_of(text)
            }
            _ => None,
        })
        .collect()
}

/// Whether the policy is a KMS key's.
fn is_key_policy(cx: &Context, record: &PolicyRecord) -> bool {
    cx.model
        .resources
        .iter()
        .find(|r| r.address == record.address)
        .is_some_and(|r| {
            matches!(
                r.kind(),
                "aws_kms_key" | "aws_kms_key_policy" | "aws_kms_replica_key"
            )
        })
}

/// Whether the statement allows an action that writes or manages permissions.
fn writes(cx: &Context, s: &Statement) -> bool {
    s.action
        .iter()
        .filter(|a| !a.negated)
        .flat_map(|a| a.known_items())
        .any(|(pattern, _)| cx.expand(pattern).iter().any(|a| a.access.is_write()))
        || s.action.as_ref().is_some_and(|a| a.negated)
}

/// The statement's actions as a person reads them: the first few, quoted.
fn actions(s: &Statement) -> String {
    let Some(list) = &s.action else {
        return "its actions".to_string();
    };
    let names: Vec<String> = list.known_items().map(|(a, _)| format!("`{a}`")).collect();
    let shown = match names.len() {
        0 => "its actions".to_string(),
        1..=3 => names.join(", "),
        n => format!("{} and {} more", names[..3].join(", "), n - 3),
    };
    if list.negated {
        format!("every action but {shown}")
    } else {
        shown
    }
}

impl Check for ResourcePolicyCrossAccount {
    fn check(&self, cx: &Context, out: &mut Sink) {
        for (record, doc) in cx
            .documents()
            .filter(|(r, _)| r.kind == PolicyKind::Resource)
        {
            let keys = if is_key_policy(cx, record) {
                key_owners(doc)
            } else {
                Vec::new()
            };
            for s in &doc.statements {
                self.statement(cx, out, record, s, &keys);
            }
        }
    }
}

impl ResourcePolicyCrossAccount {
    fn statement(
        &self,
        cx: &Context,
        out: &mut Sink,
        record: &PolicyRecord,
        s: &Statement,
        key_owners: &[&str],
    ) {
        let Some(block) = &s.principal else { return };
        if !s.is_allow() || block.negated || tied(s) {
            return;
        }
        let mut owners = owners(s);
        owners.extend(key_owners);
        for p in &block.principals {
            // Only accounts written out: the caller identity's, or a variable, is not
            // judged.
            let (PrincipalKind::Aws, ItemText::Known(text)) = (&p.kind, &p.item.text) else {
                continue;
            };
            let Some(account) = account_of(text) else {
                continue;
            };
            if cx.accounts.is_known(account) || owners.contains(&account) {
                continue;
            }
            let write = writes(cx, s);
            let f = out.statement_finding(
                record,
                s,
                p.item.loc,
                format!(
                    "account {account} may call {} on this resource with no organization or source condition",
                    actions(s)
                ),
                format!(
                    "add a condition on `aws:PrincipalOrgID` (your organization) or `aws:SourceArn`/`aws:SourceAccount`; if {account} is yours or a partner you trust, list it as `account-id` or in `trusted-accounts` in .iamlint.toml"
                ),
            );
            let f = if write {
                f.with_severity(Severity::High)
            } else {
                f
            };
            out.push(with_uses(f, record));
        }
    }
}
