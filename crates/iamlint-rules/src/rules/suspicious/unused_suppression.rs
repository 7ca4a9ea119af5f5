use crate::context::Context;
use crate::finding::Sink;
use crate::registry;
use crate::rule::Check;
use crate::run::suppresses;

declare_rule! {
    /// ## What it does
    /// Flags `# iamlint:ignore RULE -- reason` comments that suppress nothing: no finding of
    /// that rule on the comment's line, the line below it, or the block that starts below it.
    /// Also flags suppressions without a reason (they are ignored) and unknown rule names, and
    /// the entries of a baseline (`--baseline FILE`) that match no finding any more: the
    /// finding was fixed, and the entry would hide its return.
    ///
    /// ## Why is this bad?
    /// A stale suppression hides the next real finding at that place, and a suppression
    /// without a reason leaves reviewers guessing why a risk was accepted.
    ///
    /// ## Example
    /// ```hcl fail
    /// # iamlint:ignore full-admin-access -- break-glass role, reviewed 2026-01
    /// resource "aws_iam_policy" "read" {
    ///   name = "read"
    ///   policy = jsonencode({
    ///     Version   = "2012-10-17"
    ///     Statement = [{ Effect = "Allow", Action = "s3:GetObject", Resource = "*" }]
    ///   })
    /// }
    /// ```
    ///
    /// ```hcl fail
    /// # iamlint:ignore full-admin-access
    /// resource "aws_iam_policy" "admin" {
    ///   name = "admin"
    ///   policy = jsonencode({
    ///     Version   = "2012-10-17"
    ///     Statement = [{ Effect = "Allow", Action = "*", Resource = "*" }]
    ///   })
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```hcl pass
    /// # iamlint:ignore full-admin-access -- break-glass role, reviewed 2026-01
    /// resource "aws_iam_policy" "admin" {
    ///   name = "admin"
    ///   policy = jsonencode({
    ///     Version   = "2012-10-17"
    ///     Statement = [{ Effect = "Allow", Action = "*", Resource = "*" }]
    ///   })
    /// }
    /// ```
    ///
    /// ## References
    /// - [iamlint suppressions](../README.md#suppressions)
    pub struct UnusedSuppression {
        name: "unused-suppression",
        category: Suspicious,
        severity: Low,
        summary: "a suppression comment suppresses nothing, or has no reason",
        phase: AfterFindings,
    }
}

impl Check for UnusedSuppression {
    fn check(&self, cx: &Context, out: &mut Sink) {
        for s in &cx.model.suppressions {
            let address = cx
                .resource_at(s.loc)
                .map(|r| r.address.as_str())
                .unwrap_or("");
            if s.reason.is_none() {
                out.push(out.finding(
                    address,
                    Some(s.loc),
                    format!(
                        "suppression of {} has no reason, so it is ignored",
                        s.rules.join(", ")
                    ),
                    "say why the finding is accepted: `# iamlint:ignore RULE -- reason`",
                ));
                continue;
            }
            for name in &s.rules {
                let message = if registry::find(name).is_none() {
                    format!("suppression names unknown rule `{name}`")
                } else if !cx.selected.contains(&name.as_str()) {
                    continue; // the rule does not run, so it cannot be judged unused
                } else if cx
                    .findings
                    .iter()
                    .any(|f| f.rule == name && suppresses(cx.model, s, f))
                {
                    continue;
                } else {
                    format!(
                        "unused suppression: no `{name}` finding on this line, the next, or the block below"
                    )
                };
                out.push(out.finding(
                    address,
                    Some(s.loc),
                    message,
                    "remove the suppression (or fix the rule name)",
                ));
            }
        }
    }
}

/// A baseline entry that matches no finding: an unused suppression at the entry, in the
/// baseline file (`loc`). `severity` is the rule's in this run.
pub fn stale_baseline_entry(
    severity: crate::Severity,
    loc: iamlint_model::Location,
    entry_rule: &str,
    entry_address: &str,
    fingerprint: &str,
) -> crate::Finding {
    crate::Finding {
        rule: <UnusedSuppression as crate::rule::Declared>::META.name,
        severity,
        category: <UnusedSuppression as crate::rule::Declared>::META.category,
        message: format!(
            "baseline entry for `{entry_rule}` on `{entry_address}` matches no finding: it was fixed, and the entry would hide it if it came back"
        ),
        help: "remove the entry, or write the baseline again with `--write-baseline`".to_string(),
        address: entry_address.to_string(),
        loc: Some(loc),
        related: Vec::new(),
        path: Vec::new(),
        fingerprint: format!("baseline-{fingerprint}"),
    }
}
