use iamlint_model::PolicyKind;
use iamlint_model::access::is_irrelevant_condition;
use iamlint_model::catalog::{Action, Catalog, Grants};
use iamlint_model::policy::Statement;

use crate::context::{Context, with_uses};
use crate::finding::Sink;
use crate::rule::Check;
use crate::rules::security::full_admin_access::is_every_action;

declare_rule! {
    /// ## What it does
    /// Flags Write and Permissions-management actions allowed on every resource
    /// (`"Resource": "*"`) **when the action can be limited to specific resources**. Actions
    /// that AWS only authorizes on `*` (`ec2:DescribeInstances`, `xray:PutTraceSegments`,
    /// `ec2:CreateVpc`) are never flagged: there is nothing narrower to write, and neither is
    /// the telemetry every workload writes (`logs:PutLogEvents`, `cloudwatch:PutMetricData`, …:
    /// the table `crates/iamlint-model/data/low-risk-writes.tsv`, with a reason for each).
    /// Statements with a condition that may scope them (a resource tag, the tags of the request
    /// or their keys — AWS's recommended ABAC scoping —, `ec2:CreateAction`, a source ARN, …)
    /// are left alone; a condition on region, time, TLS or MFA does not scope them. `svc:*` and `*` themselves are [`service-wildcard-action`](service-wildcard-action.md)
    /// and [`full-admin-access`](full-admin-access.md).
    ///
    /// ## Why is this bad?
    /// A write on `*` reaches every resource of that type in the account — every bucket's
    /// objects, every instance — today's and tomorrow's, where naming the ARNs would confine a
    /// mistake or a stolen credential to what the principal owns.
    ///
    /// ## Example
    /// ```hcl fail
    /// resource "aws_iam_role_policy" "uploader" {
    ///   role = "uploader"
    ///   policy = jsonencode({
    ///     Version   = "2012-10-17"
    ///     Statement = [{ Effect = "Allow", Action = ["s3:PutObject", "ec2:TerminateInstances"], Resource = "*" }]
    ///   })
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```hcl pass
    /// resource "aws_iam_role_policy" "uploader" {
    ///   role = "uploader"
    ///   policy = jsonencode({
    ///     Version = "2012-10-17"
    ///     Statement = [
    ///       { Effect = "Allow", Action = "s3:PutObject", Resource = "arn:aws:s3:::uploads/*" },
    ///       # These accept only "*": nothing narrower exists.
    ///       { Effect = "Allow", Action = ["ec2:DescribeInstances", "xray:PutTraceSegments"], Resource = "*" },
    ///     ]
    ///   })
    /// }
    /// ```
    ///
    /// Writes that the same policy Denies on every resource are not granted:
    /// ```hcl pass
    /// resource "aws_iam_role_policy" "auditor" {
    ///   role = "auditor"
    ///   policy = jsonencode({
    ///     Version = "2012-10-17"
    ///     Statement = [
    ///       { Effect = "Allow", Action = ["s3:Get*", "s3:PutObjectTagging"], Resource = "*" },
    ///       { Effect = "Deny", Action = "s3:PutObject*", Resource = "*" },
    ///     ]
    ///   })
    /// }
    /// ```
    ///
    /// ## References
    /// - [Actions, resources and condition keys for AWS services](https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html)
    /// - [Security best practices in IAM: grant least privilege](https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege)
    pub struct WriteOnAnyResource {
        name: "write-on-any-resource",
        category: Security,
        severity: Medium,
        summary: "a write action that can be limited to specific resources is allowed on all of them",
    }
}

/// Beside the keys a caller controls ([`is_irrelevant_condition`]), MFA does not narrow which
/// resources a statement reaches either.
const MFA: [&str; 2] = ["aws:MultiFactorAuthPresent", "aws:MultiFactorAuthAge"];

/// A statement whose conditions may limit the resources it reaches (a resource tag, a source
/// ARN, an unknown key) is not judged here: iamlint does not guess.
fn may_be_scoped(s: &Statement) -> bool {
    s.conditions_unknown.is_some()
        || s.conditions.iter().any(|c| {
            // Tags on the request are AWS's recommended scoping for writes (ABAC): only
            // resources created with those tags.
            let tags = c.key_is("aws:TagKeys")
                || c.key
                    .get(..15)
                    .is_some_and(|k| k.eq_ignore_ascii_case("aws:RequestTag/"));
            tags || (!is_irrelevant_condition(&c.key) && !MFA.iter().any(|k| c.key_is(k)))
        })
}

/// Writes that could name their resources.
fn scopable_writes(actions: &[&'static Action]) -> Vec<&'static Action> {
    actions
        .iter()
        .copied()
        .filter(|a| a.access.is_write() && a.resource_types().next().is_some())
        .collect()
}

/// Actions that a more specific rule reports on every resource, when it runs.
const OWNED: [(&str, &str); 2] = [
    ("iam:PassRole", "pass-role-unrestricted"),
    ("sts:AssumeRole", "assume-role-unrestricted"),
];

fn owned_elsewhere(cx: &Context, action: &iamlint_model::catalog::Action) -> bool {
    let name = action.full_name();
    OWNED
        .iter()
        .any(|(owned, rule)| name.eq_ignore_ascii_case(owned) && cx.runs(rule))
}

impl Check for WriteOnAnyResource {
    fn check(&self, cx: &Context, out: &mut Sink) {
        let catalog = Catalog::get();
        for (record, s) in cx.statements(PolicyKind::Identity) {
            let Some(actions) = &s.action else {
                continue;
            };
            if !s.is_allow() || actions.negated || !s.on_every_resource() || may_be_scoped(s) {
                continue;
            }
            for (text, item) in actions.known_items() {
                let service_wide = text.split_once(':').is_some_and(|(_, n)| n == "*");
                if is_every_action(text) || service_wide {
                    continue; // full-admin-access and service-wildcard-action report these
                }
                let granted = cx.expand(text);
                let mut writes = scopable_writes(&granted);
                // Rules of their own own these: one finding per concern on an element. Telemetry
                // every workload writes is no risk worth a finding (data/low-risk-writes.tsv).
                // And what the same policy Denies is not granted.
                writes.retain(|a| {
                    !owned_elsewhere(cx, a)
                        && !iamlint_model::catalog::is_low_risk_write(&a.full_name())
                        && !cx.denied_in_same_policy(record, s, &a.full_name())
                });
                let Some(first) = writes.first() else {
                    continue;
                };
                let what = if granted.len() == 1 {
                    format!(
                        "`{}` ({}) is allowed on every resource",
                        first.full_name(),
                        first.access.as_str()
                    )
                } else {
                    format!(
                        "`{text}` grants {} on every resource; {} of the writes can be limited to specific resources",
                        Grants::of(&granted),
                        writes.len()
                    )
                };
                let example = first
                    .resource_types()
                    .find_map(|(t, _)| {
                        catalog
                            .arn_template(first.service, t)
                            .map(|arn| format!("{t}: `{arn}`"))
                    })
                    .unwrap_or_default();
                let help = format!(
                    "name the resources in `Resource` instead of `*` (for `{}`, {example})",
                    first.full_name()
                );
                let f = out.statement_finding(record, s, item.loc, what, help);
                out.push(with_uses(f, record));
            }
        }
    }
}
