use iamlint_model::PolicyKind;
use iamlint_model::policy::{Condition, ItemText, PrincipalKind, Statement};

use crate::context::{Context, with_uses};
use crate::finding::Sink;
use crate::rule::Check;
use crate::rules::security::trust_any_principal::names_by;

declare_rule! {
    /// ## What it does
    /// Flags a resource policy — a bucket's, queue's, topic's, key's… — that lets an AWS
    /// service principal (`sns.amazonaws.com`, `events.amazonaws.com`, `s3.amazonaws.com`,
    /// `cloudtrail.amazonaws.com`, …) in with nothing that names the source it acts for:
    /// `aws:SourceArn`, `aws:SourceAccount`, `aws:SourceOrgID` or `aws:SourceOrgPaths`
    /// (positive, not `IfExists`), or in a key policy a `kms:EncryptionContext:…` or
    /// `kms:CallerAccount` condition. A Lambda function's permissions are
    /// `lambda-permission-without-source`'s.
    ///
    /// ## Why is this bad?
    /// The service acts for every customer. Without a source, another account's topic, rule,
    /// bucket or trail can have it write to your queue, publish to your topic or use your key
    /// (the confused deputy problem).
    ///
    /// ## Example
    /// ```hcl fail
    /// resource "aws_sqs_queue_policy" "events" {
    ///   queue_url = "https://sqs.eu-west-1.amazonaws.com/111122223333/events"
    ///   policy = jsonencode({
    ///     Version = "2012-10-17"
    ///     Statement = [{
    ///       Effect    = "Allow"
    ///       Principal = { Service = "sns.amazonaws.com" }
    ///       Action    = "sqs:SendMessage"
    ///       Resource  = "arn:aws:sqs:eu-west-1:111122223333:events"
    ///     }]
    ///   })
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```hcl pass
    /// resource "aws_sqs_queue_policy" "events" {
    ///   queue_url = "https://sqs.eu-west-1.amazonaws.com/111122223333/events"
    ///   policy = jsonencode({
    ///     Version = "2012-10-17"
    ///     Statement = [{
    ///       Effect    = "Allow"
    ///       Principal = { Service = "sns.amazonaws.com" }
    ///       Action    = "sqs:SendMessage"
    ///       Resource  = "arn:aws:sqs:eu-west-1:111122223333:events"
    ///       Condition = { ArnEquals = { "aws:SourceArn" = "arn:aws:sns:eu-west-1:111122223333:orders" } }
    ///     }]
    ///   })
    /// }
    /// ```
    ///
    /// ## References
    /// - [The confused deputy problem](https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html)
    /// - [aws:SourceArn and aws:SourceAccount](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-sourcearn)
    pub struct ResourcePolicyServiceWithoutSource {
        name: "resource-policy-service-without-source",
        category: Security,
        severity: Medium,
        summary: "a resource policy lets an AWS service in for any source",
    }
}

/// Keys that name the resource or account a service acts for.
const SOURCE_KEYS: [&str; 4] = [
    "aws:SourceArn",
    "aws:SourceAccount",
    "aws:SourceOrgID",
    "aws:SourceOrgPaths",
];

/// A condition that names the source: on [`SOURCE_KEYS`], or a key policy's encryption context
/// or calling account.
fn names_source(c: &Condition) -> bool {
    names_by(c, &SOURCE_KEYS)
        || ((c
            .key
            .to_ascii_lowercase()
            .starts_with("kms:encryptioncontext:")
            || c.key_is("kms:CallerAccount"))
            && !c.is_if_exists()
            && !c.base_operator().contains("Not"))
}

fn sourced(s: &Statement) -> bool {
    s.conditions_unknown.is_some() || s.conditions.iter().any(names_source)
}

impl Check for ResourcePolicyServiceWithoutSource {
    fn check(&self, cx: &Context, out: &mut Sink) {
        for (record, s) in cx.statements(PolicyKind::Resource) {
            let Some(block) = &s.principal else { continue };
            if !s.is_allow() || block.negated || sourced(s) {
                continue;
            }
            for p in &block.principals {
                let (PrincipalKind::Service, ItemText::Known(service)) = (&p.kind, &p.item.text)
                else {
                    continue;
                };
                let f = out.statement_finding(
                    record,
                    s,
                    p.item.loc,
                    format!(
                        "`{service}` may use this resource for any source: no `aws:SourceArn` or `aws:SourceAccount` names what it acts for, so another account's resources can have it act here"
                    ),
                    "add a condition on `aws:SourceArn` (the ARN of your resource that calls) or `aws:SourceAccount` (your account)",
                );
                out.push(with_uses(f, record));
            }
        }
    }
}
