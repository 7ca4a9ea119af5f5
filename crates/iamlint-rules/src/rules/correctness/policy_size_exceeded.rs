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
    /// for a role, 2,048 for a user or 5,120 for a group; and resource policies over their
    /// service's quota: 20,480 bytes for an S3 bucket or a Secrets Manager secret, 8,192 for an
    /// SQS queue, 32,768 for a KMS key, 30 KB (30,720) for an SNS topic, 10,240 characters for an
    /// ECR repository. An EventBridge bus's 10,240 is a default that Service Quotas raises, so it
    /// is not judged.
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
    /// A queue policy over SQS's 8,192 bytes, one statement per sending account:
    /// ```hcl fail
    /// resource "aws_sqs_queue_policy" "jobs" {
    ///   queue_url = "https://sqs.eu-west-1.amazonaws.com/111122223333/jobs"
    ///   policy = jsonencode({
    ///     Version = "2012-10-17"
    ///     Statement = [for i in range(60) : {
    ///       Sid       = "Sender${i}"
    ///       Effect    = "Allow"
    ///       Principal = { AWS = format("arn:aws:iam::1111222233%02d:root", i) }
    ///       Action    = "sqs:SendMessage"
    ///       Resource  = "arn:aws:sqs:eu-west-1:111122223333:jobs"
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
    /// The senders by organization, in one statement:
    /// ```hcl pass
    /// resource "aws_sqs_queue_policy" "jobs" {
    ///   queue_url = "https://sqs.eu-west-1.amazonaws.com/111122223333/jobs"
    ///   policy = jsonencode({
    ///     Version = "2012-10-17"
    ///     Statement = [{
    ///       Effect    = "Allow"
    ///       Principal = { AWS = "*" }
    ///       Action    = "sqs:SendMessage"
    ///       Resource  = "arn:aws:sqs:eu-west-1:111122223333:jobs"
    ///       Condition = { StringEquals = { "aws:PrincipalOrgID" = "o-a1b2c3d4e5" } }
    ///     }]
    ///   })
    /// }
    /// ```
    ///
    /// ## References
    /// - [Amazon SNS policy quotas](https://docs.aws.amazon.com/sns/latest/dg/sns-access-policy-language-api-permissions-reference.html)
    /// - [ECR SetRepositoryPolicy](https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_SetRepositoryPolicy.html)
    /// - [Amazon SQS policy quotas](https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/quotas-policies.html)
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

/// Resource policies' own quotas, in bytes of the policy as sent, whitespace included (so the
/// compact length iamlint counts is at most that), by the resource that holds the policy or
/// uses its document: S3 (bucket policies "are limited to 20 KB"), SQS (8,192 bytes, "Amazon
/// SQS policy quotas"), KMS (PutKeyPolicy: 32,768 bytes), Secrets Manager
/// (PutResourcePolicy: 20,480), SNS ("Policy quotas": 30 kb, read as 30,720 so that a finding is
/// sure whichever kilobyte is meant) and ECR (SetRepositoryPolicy: `policyText` at most 10,240).
/// Not here: quotas an account can raise (an EventBridge bus's 10,240 characters).
const RESOURCE_QUOTAS: [(&str, usize, &str); 11] = [
    ("aws_s3_bucket", 20_480, "-byte quota for bucket policies"),
    (
        "aws_s3_bucket_policy",
        20_480,
        "-byte quota for bucket policies",
    ),
    ("aws_sqs_queue", 8_192, "-byte quota for queue policies"),
    (
        "aws_sqs_queue_policy",
        8_192,
        "-byte quota for queue policies",
    ),
    ("aws_kms_key", 32_768, "-byte quota for key policies"),
    ("aws_kms_key_policy", 32_768, "-byte quota for key policies"),
    (
        "aws_kms_replica_key",
        32_768,
        "-byte quota for key policies",
    ),
    (
        "aws_secretsmanager_secret_policy",
        20_480,
        "-byte quota for secret policies",
    ),
    ("aws_sns_topic", 30_720, "-byte quota for topic policies"),
    (
        "aws_sns_topic_policy",
        30_720,
        "-byte quota for topic policies",
    ),
    (
        "aws_ecr_repository_policy",
        10_240,
        "-character quota for repository policies",
    ),
];

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
                    "-character default quota for trust policies",
                    "shorten it (list principals by account root or use conditions such as `aws:PrincipalOrgID` instead of many ARNs), or raise the quota (up to 4,096) with Service Quotas",
                ),
                _ if managed => (
                    MANAGED_POLICY,
                    "-character quota for managed policies",
                    "split it into several managed policies, or shorten it: combine actions with wildcards (`s3:Get*`) and merge statements that share resources",
                ),
                PolicyKind::Resource => {
                    let holders = std::iter::once(record.address.as_str())
                        .chain(record.uses.iter().map(|u| u.address.as_str()));
                    let Some((_, quota, what)) = holders
                        .filter_map(kind_of)
                        .find_map(|k| RESOURCE_QUOTAS.iter().find(|(q, _, _)| *q == k))
                    else {
                        continue;
                    };
                    (
                        *quota,
                        *what,
                        "shorten it: name principals by account or with `aws:PrincipalOrgID` instead of one ARN each, combine actions with wildcards and merge statements that share principals and resources",
                    )
                }
                _ => continue,
            };
            if size.chars <= quota {
                continue;
            }
            let f = out.finding(
                &record.address,
                record.loc,
                format!(
                    "`{}` is {} long, over AWS's {}{what}: apply fails with LimitExceeded",
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
