use crate::context::Context;
use crate::finding::Sink;
use crate::rule::{Check, Severity};

declare_rule! {
    /// ## What it does
    /// Flags a role, user or group with more than 10 managed policies attached (AWS-managed and
    /// customer-managed, through every kind of attachment and `managed_policy_arns`) — high above
    /// 20.
    ///
    /// ## Why is this bad?
    /// AWS allows 10 managed policies per role, user or group by default, and at most 20 after a
    /// quota increase. Past the quota, `apply` fails with `LimitExceeded`; past 20 there is no
    /// way to apply it at all.
    ///
    /// ## Example
    /// ```hcl fail
    /// resource "aws_iam_role" "app" {
    ///   name                = "app"
    ///   assume_role_policy  = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ec2.amazonaws.com" } }] })
    ///   managed_policy_arns = [for n in ["AmazonS3ReadOnlyAccess", "AmazonSQSReadOnlyAccess", "AmazonSNSReadOnlyAccess", "AmazonDynamoDBReadOnlyAccess", "AmazonEC2ReadOnlyAccess", "AmazonRDSReadOnlyAccess", "AmazonVPCReadOnlyAccess", "CloudWatchReadOnlyAccess", "AWSLambda_ReadOnlyAccess", "AmazonKinesisReadOnlyAccess", "AmazonRoute53ReadOnlyAccess"] : "arn:aws:iam::aws:policy/${n}"]
    /// }
    /// ```
    ///
    /// ## Use instead
    /// One policy that grants what the role uses:
    /// ```hcl pass
    /// resource "aws_iam_role" "app" {
    ///   name                = "app"
    ///   assume_role_policy  = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ec2.amazonaws.com" } }] })
    ///   managed_policy_arns = ["arn:aws:iam::aws:policy/ReadOnlyAccess"]
    /// }
    /// ```
    ///
    /// ## References
    /// - [IAM and AWS STS quotas: managed policies attached to an IAM role, user or group](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html#reference_iam-quotas-entities)
    pub struct TooManyManagedPolicies {
        name: "too-many-managed-policies",
        category: Correctness,
        severity: Medium,
        summary: "a role, user or group has more managed policies than AWS allows by default (10)",
    }
}

const DEFAULT_QUOTA: usize = 10;
const MAX_QUOTA: usize = 20;

impl Check for TooManyManagedPolicies {
    fn check(&self, cx: &Context, out: &mut Sink) {
        for p in &cx.links().principals {
            let managed: Vec<_> = p.policies.iter().filter(|h| !h.inline).collect();
            if managed.len() <= DEFAULT_QUOTA {
                continue;
            }
            let address = &p.resource.address;
            let (severity, quota) = if managed.len() > MAX_QUOTA {
                (Severity::High, "at most 20 even with a quota increase")
            } else {
                (Severity::Medium, "10 by default (20 with a quota increase)")
            };
            let mut f = out
                .finding(
                    address,
                    p.resource.written("name"),
                    format!(
                        "`{address}` has {} managed policies attached; AWS allows {quota}, so apply fails with LimitExceeded",
                        managed.len()
                    ),
                    "merge policies that always go together into one customer-managed policy",
                )
                .with_severity(severity);
            for h in &managed {
                f = f.with_related(format!("attached by {}", h.via), Some(h.via), h.loc);
            }
            out.push(f);
        }
    }
}
