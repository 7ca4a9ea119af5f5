use iamlint_model::catalog::Catalog;
use iamlint_model::similar::closest;
use iamlint_model::wildcard::is_pattern;

use crate::context::{Context, with_uses};
use crate::finding::Sink;
use crate::rule::{Check, Severity};

declare_rule! {
    /// ## What it does
    /// Flags actions that do not exist: an unknown service prefix, an unknown action, or a
    /// pattern that matches no action — with the closest existing name. `iam:AssumeRole` (and
    /// the other `AssumeRole…` actions written with `iam:`) is called out: those actions belong
    /// to STS. A pattern of a real service that matches none of its actions (`sts:List*`, as
    /// generic read-only templates write for every service) grants nothing and is reported as
    /// low; a literal action or a prefix that does not exist keeps the rule's severity.
    ///
    /// ## Why is this bad?
    /// IAM accepts policies with unknown actions and silently grants nothing for them: a typo
    /// breaks what the policy was meant to allow (or, in a `Deny`, what it was meant to forbid),
    /// and nothing fails until someone is denied in production — or is not denied.
    ///
    /// ## Example
    /// ```hcl fail
    /// data "aws_iam_policy_document" "ci_trust" {
    ///   statement {
    ///     actions = ["iam:AssumeRole"]
    ///     principals {
    ///       type        = "AWS"
    ///       identifiers = ["arn:aws:iam::111122223333:role/ci"]
    ///     }
    ///   }
    /// }
    ///
    /// resource "aws_iam_role" "deploy" {
    ///   name               = "deploy"
    ///   assume_role_policy = data.aws_iam_policy_document.ci_trust.json
    /// }
    /// ```
    ///
    /// ```hcl fail
    /// resource "aws_iam_policy" "read" {
    ///   name = "read"
    ///   policy = jsonencode({
    ///     Version   = "2012-10-17"
    ///     Statement = [{ Effect = "Allow", Action = ["s3:GetObjects", "dynamo:GetItem"], Resource = "*" }]
    ///   })
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```hcl pass
    /// data "aws_iam_policy_document" "ci_trust" {
    ///   statement {
    ///     actions = ["sts:AssumeRole"]
    ///     principals {
    ///       type        = "AWS"
    ///       identifiers = ["arn:aws:iam::111122223333:role/ci"]
    ///     }
    ///   }
    /// }
    ///
    /// resource "aws_iam_role" "deploy" {
    ///   name               = "deploy"
    ///   assume_role_policy = data.aws_iam_policy_document.ci_trust.json
    /// }
    ///
    /// resource "aws_iam_policy" "read" {
    ///   name = "read"
    ///   policy = jsonencode({
    ///     Version   = "2012-10-17"
    ///     Statement = [{ Effect = "Allow", Action = ["s3:GetObject", "dynamodb:Get*"], Resource = "*" }]
    ///   })
    /// }
    /// ```
    ///
    /// ## References
    /// - [Actions, resources and condition keys for AWS services](https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html)
    /// - [AWS STS API: AssumeRole](https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html)
    pub struct UnknownAction {
        name: "unknown-action",
        category: Correctness,
        severity: High,
        summary: "an action or service prefix does not exist, so the statement grants nothing for it",
    }
}

impl Check for UnknownAction {
    fn check(&self, cx: &Context, out: &mut Sink) {
        let catalog = Catalog::get();
        // The same actions recur across a tree's policies: judge each text once.
        let mut verdicts: std::collections::HashMap<&str, Option<(String, String)>> =
            std::collections::HashMap::new();
        for (record, s) in cx.all_statements() {
            let Some(actions) = &s.action else { continue };
            for (text, item) in actions.known_items() {
                // Past the findings listed per root module, no suggestion is searched for: the
                // finding is only counted.
                let verdict = match verdicts.get(text) {
                    Some(v) => v.clone(),
                    None if out.is_full() => judge(catalog, text, false),
                    None => verdicts
                        .entry(text)
                        .or_insert_with(|| judge(catalog, text, true))
                        .clone(),
                };
                if let Some((message, help)) = verdict {
                    let f = out.statement_finding(record, s, item.loc, message, help);
                    let f = if grants_nothing_harmlessly(catalog, text) {
                        f.with_severity(Severity::Low)
                    } else {
                        f
                    };
                    out.push(with_uses(f, record));
                }
            }
        }
    }
}

/// A pattern of a real service that matches none of its actions (`sts:List*`, as generic
/// read-only templates write for every service): it grants nothing and breaks nothing, so it
/// is low. A literal action or a prefix that does not exist is a typo that leaves a real need
/// unmet, and keeps the rule's severity.
fn grants_nothing_harmlessly(catalog: &Catalog, action: &str) -> bool {
    action.split_once(':').is_some_and(|(service, name)| {
        is_pattern(name) && (is_pattern(service) || catalog.service(service).is_some())
    })
}

/// What is wrong with an action, if anything: (message, help); `suggest`: search for the
/// closest real name.
fn judge(catalog: &Catalog, action: &str, suggest: bool) -> Option<(String, String)> {
    if action == "*" {
        return None;
    }
    let Some((service, name)) = action.split_once(':') else {
        return Some((
            format!("`{action}` is not an action: actions are written `service:Action`"),
            "write the service prefix and the action, e.g. `s3:GetObject`".into(),
        ));
    };
    if is_pattern(service) {
        return (!catalog.grants_any(action)).then(|| {
            (
                format!("`{action}` matches no action of any service"),
                "check the pattern against the service prefixes AWS documents".into(),
            )
        });
    }
    let Some(svc) = catalog.service(service) else {
        let hint =
            closest(service, catalog.services().iter().map(|s| s.prefix)).filter(|_| suggest);
        return Some((
            format!("`{action}`: there is no AWS service prefix `{service}`"),
            match hint {
                Some(h) => format!("did you mean `{h}:{name}`?"),
                None => {
                    "use the service prefix from the AWS Service Authorization Reference".into()
                }
            },
        ));
    };
    if is_pattern(name) {
        return (!catalog.grants_any(action)).then(|| {
            (
                format!("`{action}` matches no {} action", svc.prefix),
                format!("check the pattern against the {} actions", svc.prefix),
            )
        });
    }
    if svc.action(name).is_some() {
        return None;
    }
    // `iam:AssumeRole` and its kin are STS actions.
    if svc.prefix == "iam"
        && let Some(sts) = catalog.action("sts", name)
    {
        return Some((
            format!("`{action}` does not exist: role assumption is an STS action"),
            format!("write `sts:{}`", sts.name),
        ));
    }
    let same_service = suggest
        .then(|| closest(name, svc.actions.iter().map(|a| a.name)))
        .flatten()
        .map(|n| format!("{}:{n}", svc.prefix));
    // The same action in another service — the one whose prefix is nearest what was written:
    // `ec2:GetObject` → `s3:GetObject`.
    let other_service = || {
        if !suggest {
            return None;
        }
        catalog
            .services()
            .iter()
            .filter_map(|s| s.action(name))
            .min_by_key(|a| {
                (
                    iamlint_model::similar::edit_distance(service, a.service),
                    a.service,
                )
            })
            .map(|a| a.full_name())
    };
    let hint = same_service.or_else(other_service);
    Some((
        format!("`{action}` is not a {} action", svc.prefix),
        match hint {
            Some(h) => format!("did you mean `{h}`?"),
            None => format!("use an action the {} service documents", svc.prefix),
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hint(action: &str) -> Option<String> {
        judge(Catalog::get(), action, true).map(|(_, help)| help)
    }

    #[test]
    fn known_actions_and_patterns_pass() {
        for ok in [
            "*",
            "s3:GetObject",
            "S3:getobject",
            "s3:Get*",
            "*:Describe*",
            "iam:Pass?ole",
            "sts:AssumeRoleWithWebIdentity",
        ] {
            assert_eq!(judge(Catalog::get(), ok, true), None, "{ok}");
        }
    }

    #[test]
    fn unknown_actions_get_the_closest_name() {
        assert_eq!(
            hint("iam:AssumeRole").as_deref(),
            Some("write `sts:AssumeRole`")
        );
        assert_eq!(
            hint("iam:AssumeRoleWithWebIdentity").as_deref(),
            Some("write `sts:AssumeRoleWithWebIdentity`")
        );
        assert_eq!(
            hint("s3:GetObjects").as_deref(),
            Some("did you mean `s3:GetObject`?")
        );
        assert_eq!(
            hint("dynamo:GetItem").as_deref(),
            Some("did you mean `dynamodb:GetItem`?")
        );
        assert_eq!(
            hint("ec2:GetObject").as_deref(),
            Some("did you mean `s3:GetObject`?")
        );
        assert!(judge(Catalog::get(), "s3:Frobnicate*", true).is_some());
        assert!(judge(Catalog::get(), "s3GetObject", true).is_some());
    }
}
