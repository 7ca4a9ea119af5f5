use std::collections::HashMap;

use iamlint_model::catalog::{Action, Catalog};
use iamlint_model::policy::ItemText;
use iamlint_model::wildcard::{self, Token};
use iamlint_model::{PolicyKind, Str};

use crate::context::{Context, first_loc, with_uses};
use crate::finding::Sink;
use crate::rule::Check;

declare_rule! {
    /// ## What it does
    /// Flags an action whose statement names resources it can never apply to: none of the
    /// statement's resource ARNs fits any resource type the action is authorized on — e.g.
    /// `s3:GetObject` (objects, `arn:aws:s3:::bucket/key`) on a bucket ARN, or
    /// `s3:ListBucket` (buckets) on `arn:aws:s3:::bucket/*`; or an action AWS authorizes only on
    /// `*` given specific ARNs.
    ///
    /// ## Why is this bad?
    /// IAM matches actions and resources together: such a statement grants nothing for that
    /// action. The policy looks right in review and the call is denied in production.
    ///
    /// ## Example
    /// ```hcl fail
    /// data "aws_iam_policy_document" "reader" {
    ///   statement {
    ///     actions   = ["s3:GetObject"]
    ///     resources = ["arn:aws:s3:::reports"]
    ///   }
    /// }
    ///
    /// resource "aws_iam_policy" "reader" {
    ///   name   = "reader"
    ///   policy = data.aws_iam_policy_document.reader.json
    /// }
    /// ```
    ///
    /// ## Use instead
    /// Objects for object actions, the bucket for bucket actions:
    /// ```hcl pass
    /// data "aws_iam_policy_document" "reader" {
    ///   statement {
    ///     actions   = ["s3:GetObject"]
    ///     resources = ["arn:aws:s3:::reports/*"]
    ///   }
    ///   statement {
    ///     actions   = ["s3:ListBucket"]
    ///     resources = ["arn:aws:s3:::reports"]
    ///   }
    /// }
    ///
    /// resource "aws_iam_policy" "reader" {
    ///   name   = "reader"
    ///   policy = data.aws_iam_policy_document.reader.json
    /// }
    /// ```
    ///
    /// ## References
    /// - [Actions, resources and condition keys for AWS services](https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html)
    /// - [IAM JSON policy elements: Resource](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html)
    pub struct ActionResourceMismatch {
        name: "action-resource-mismatch",
        category: Correctness,
        severity: Medium,
        summary: "an action is paired only with resources it can never apply to",
    }
}

/// A resource written in a policy: `*`, `?` and policy variables are wildcards; unknown parts
/// of a partial string could be anything.
fn policy_pieces(text: &str) -> Vec<Token> {
    wildcard::tokens(text)
        .into_iter()
        .map(|t| match t {
            Token::Char(Str::UNKNOWN_MARK) => Token::Any,
            t => t,
        })
        .collect()
}

/// Template variables that are one segment of an ARN.
const SEGMENTS: [&str; 5] = ["Partition", "Region", "Account", "AccountId", "BucketName"];

/// An ARN template of the catalog: `arn:${Partition}:s3:::${BucketName}/${ObjectName}`.
fn template_pieces(template: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let mut rest = template;
    while let Some(c) = rest.chars().next() {
        if let Some(var) = rest.strip_prefix("${")
            && let Some(end) = var.find('}')
        {
            // Only these never hold a `/` or `:`; any other variable may (log group names, role
            // paths, object keys), so it matches anything: a missed finding at worst, never a
            // false one.
            let name = &var[..end];
            out.push(if SEGMENTS.contains(&name) {
                Token::Segment
            } else {
                Token::Any
            });
            rest = &var[end + 1..];
            continue;
        }
        out.push(Token::Char(c));
        rest = &rest[c.len_utf8()..];
    }
    out
}

/// Whether actions apply to resources written in policies, remembered per ARN template and
/// resource: the actions of a pattern (`s3:*`) share a few resource types, and a tree repeats
/// the same resources across policies.
#[derive(Default)]
struct Fitter<'w> {
    /// By service and resource type: the catalog's ARN template, read.
    templates: HashMap<(&'static str, &'static str), Option<Vec<Token>>>,
    /// By service, resource type and resource as written.
    verdicts: HashMap<(&'static str, &'static str, &'w str), bool>,
}

impl<'w> Fitter<'w> {
    /// Whether the action can apply to a resource written as `text` (read as `resource`).
    fn fits(
        &mut self,
        catalog: &Catalog,
        action: &Action,
        text: &'w str,
        resource: &[Token],
    ) -> bool {
        let mut types = action.resource_types().peekable();
        if types.peek().is_none() {
            // Authorized only on `*`: only a resource that can be `*` itself fits.
            return resource.iter().all(|p| *p == Token::Any);
        }
        types.any(|(t, _)| {
            let key = (action.service, t, text);
            if let Some(&verdict) = self.verdicts.get(&key) {
                return verdict;
            }
            let template = self
                .templates
                .entry((action.service, t))
                .or_insert_with(|| catalog.arn_template(action.service, t).map(template_pieces));
            let verdict = template
                .as_ref()
                .is_none_or(|template| wildcard::overlap(resource, template, false));
            self.verdicts.insert(key, verdict);
            verdict
        })
    }
}

impl Check for ActionResourceMismatch {
    fn check(&self, cx: &Context, out: &mut Sink) {
        let catalog = Catalog::get();
        let mut fitter = Fitter::default();
        for (record, s) in cx.statements(PolicyKind::Identity) {
            let (Some(actions), Some(resources)) = (&s.action, &s.resource) else {
                continue;
            };
            // A wholly unknown resource (list or item) could be anything: no judgement.
            if actions.negated || resources.negated || resources.unknown.is_some() {
                continue;
            }
            let written: Option<Vec<(&str, Vec<Token>)>> = resources
                .items
                .iter()
                .map(|item| match &item.text {
                    ItemText::Known(t) => Some((t.as_str(), policy_pieces(t))),
                    ItemText::Partial(p) => Some((p.text.as_str(), policy_pieces(&p.text))),
                    ItemText::Unknown(_) => None,
                })
                .collect();
            let Some(written) = written.filter(|w| !w.is_empty()) else {
                continue;
            };
            for (text, item) in actions.known_items() {
                let granted = cx.expand(text);
                if granted.is_empty()
                    || granted
                        .iter()
                        .any(|a| written.iter().any(|(t, r)| fitter.fits(catalog, a, t, r)))
                {
                    continue;
                }
                let (what, help) = if granted.len() > 1 {
                    (
                        format!(
                            "grants {} actions, none of which applies to the statement's resources",
                            granted.len()
                        ),
                        format!(
                            "give `{text}` the resources its actions act on, or narrow the pattern"
                        ),
                    )
                } else {
                    let action = granted[0];
                    let types: Vec<String> = action
                        .resource_types()
                        .map(|(t, _)| {
                            catalog
                                .arn_template(action.service, t)
                                .map_or_else(|| t.to_string(), |arn| format!("{t} (`{arn}`)"))
                        })
                        .collect();
                    if types.is_empty() {
                        ("is authorized only on `*`, and none of the statement's resources is `*`".to_string(), format!("give `{text}` a statement with `\"Resource\": \"*\"`"))
                    } else {
                        (
                            format!(
                                "applies to {}, and none of the statement's resources is one",
                                types.join(", ")
                            ),
                            format!(
                                "give `{text}` resources of that type, or move it to a statement that has them"
                            ),
                        )
                    }
                };
                let f = out
                    .statement_finding(record, s, item.loc, format!("`{text}` {what}"), help)
                    .with_related(
                        "the statement's resources",
                        Some(&record.address),
                        first_loc(&[resources.loc, resources.key.loc]),
                    );
                out.push(with_uses(f, record));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fits_text(action: &str, resource: &str) -> bool {
        let c = Catalog::get();
        let (svc, name) = action.split_once(':').unwrap();
        let action = c.action(svc, name).unwrap();
        let pieces = policy_pieces(resource);
        let mut fitter = Fitter::default();
        let first = fitter.fits(c, action, resource, &pieces);
        let again = fitter.fits(c, action, resource, &pieces);
        assert_eq!(again, first, "remembered the same");
        first
    }

    #[test]
    fn objects_buckets_and_wildcards() {
        assert!(fits_text("s3:GetObject", "arn:aws:s3:::reports/*"));
        assert!(!fits_text("s3:GetObject", "arn:aws:s3:::reports"));
        assert!(fits_text("s3:ListBucket", "arn:aws:s3:::reports"));
        assert!(!fits_text("s3:ListBucket", "arn:aws:s3:::reports/*"));
        assert!(
            fits_text("s3:GetObject", "arn:aws:s3:::reports*"),
            "`*` spans the `/`"
        );
        assert!(fits_text("s3:GetObject", "*"));
        assert!(
            fits_text("iam:PassRole", "arn:aws:iam::111122223333:role/app/ci-*"),
            "a role name with a path"
        );
        assert!(!fits_text(
            "iam:PassRole",
            "arn:aws:iam::111122223333:user/bob"
        ));
        assert!(fits_text("ec2:DescribeInstances", "*"));
        assert!(!fits_text(
            "ec2:DescribeInstances",
            "arn:aws:ec2:eu-west-1:111122223333:instance/i-1"
        ));
        assert!(
            fits_text(
                "s3:GetObject",
                &format!("arn:aws:s3:::{}/*", Str::UNKNOWN_MARK)
            ),
            "unknown parts could be anything"
        );
        assert!(
            fits_text("s3:GetObject", "arn:aws:s3:::${aws:username}"),
            "a policy variable could be anything"
        );
        assert!(!fits_text(
            "iam:PassRole",
            "arn:aws:iam::111122223333:user/${aws:username}"
        ));
    }
}
