use iamlint_model::PolicyKind;
use iamlint_model::policy::{Condition, PrincipalKind, Statement};
use iamlint_model::wildcard;

use crate::context::{Context, with_uses};
use crate::finding::Sink;
use crate::rule::Check;

declare_rule! {
    /// ## What it does
    /// Flags a trust policy that lets an OIDC identity provider's tokens assume the role
    /// (`Federated` principal `…:oidc-provider/<host>`, action
    /// `sts:AssumeRoleWithWebIdentity`) without a condition on the token's subject
    /// (`<host>:sub`), or with a subject pattern that matches any owner: `*`, `repo:*` (GitHub),
    /// `project_path:*` (GitLab), `organization:*` (Terraform Cloud),
    /// `system:serviceaccount:*` (EKS). A condition on `aud` alone is not enough: every token
    /// the provider issues for AWS has the same audience. Negated or `IfExists` conditions do not
    /// restrict. A provider named by reference (`aws_iam_openid_connect_provider.github.arn`) is
    /// known by its `url`; one Terraform knows only after apply (a variable, a module output) by
    /// the issuer its conditions name claims of (`token.actions.githubusercontent.com:aud`),
    /// also when that issuer is itself built from the unknown ARN, as IRSA trusts do
    /// (`"${replace(var.provider_arn, "/^(.*provider/)/", "")}:sub"`).
    ///
    /// ## Why is this bad?
    /// Anyone can get a token from a public provider: with GitHub's, a workflow in *any*
    /// repository on github.com can assume the role — this has been exploited in the wild.
    ///
    /// ## Example
    /// ```hcl fail
    /// data "aws_iam_policy_document" "github" {
    ///   statement {
    ///     actions = ["sts:AssumeRoleWithWebIdentity"]
    ///     principals {
    ///       type        = "Federated"
    ///       identifiers = ["arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"]
    ///     }
    ///     condition {
    ///       test     = "StringEquals"
    ///       variable = "token.actions.githubusercontent.com:aud"
    ///       values   = ["sts.amazonaws.com"]
    ///     }
    ///   }
    /// }
    ///
    /// resource "aws_iam_role" "deploy" {
    ///   name               = "deploy"
    ///   assume_role_policy = data.aws_iam_policy_document.github.json
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```hcl pass
    /// data "aws_iam_policy_document" "github" {
    ///   statement {
    ///     actions = ["sts:AssumeRoleWithWebIdentity"]
    ///     principals {
    ///       type        = "Federated"
    ///       identifiers = ["arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"]
    ///     }
    ///     condition {
    ///       test     = "StringEquals"
    ///       variable = "token.actions.githubusercontent.com:aud"
    ///       values   = ["sts.amazonaws.com"]
    ///     }
    ///     condition {
    ///       test     = "StringLike"
    ///       variable = "token.actions.githubusercontent.com:sub"
    ///       values   = ["repo:acme/infra:ref:refs/heads/main"]
    ///     }
    ///   }
    /// }
    ///
    /// resource "aws_iam_role" "deploy" {
    ///   name               = "deploy"
    ///   assume_role_policy = data.aws_iam_policy_document.github.json
    /// }
    /// ```
    ///
    /// ## References
    /// - [Configuring a role for GitHub OIDC identity provider](https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-idp_oidc.html#idp_oidc_Create_GitHub)
    /// - [Available keys for AWS web identity federation](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html#condition-keys-wif)
    pub struct TrustOidcUnrestrictedSubject {
        name: "trust-oidc-unrestricted-subject",
        category: Security,
        severity: Critical,
        summary: "an OIDC provider's tokens can assume the role for any subject",
    }
}

/// Subject prefixes of well-known providers: a pattern that is `*` right after one matches
/// every owner.
const SUBJECT_PREFIXES: [&str; 5] = [
    "repo:",
    "project_path:",
    "organization:",
    "system:serviceaccount:",
    "",
];

/// Whether a subject pattern matches any owner (`*`, `repo:*`, `repo:*/app:*`).
fn matches_anyone(pattern: &str) -> bool {
    SUBJECT_PREFIXES.iter().any(|p| {
        pattern
            .strip_prefix(p)
            .is_some_and(|rest| rest.starts_with('*'))
    })
}

/// The OIDC provider host of a `Federated` principal (`…:oidc-provider/<host>`).
fn provider_host(principal: &str) -> Option<&str> {
    principal
        .split_once(":oidc-provider/")
        .map(|(_, host)| host)
}

/// The issuer the statement's conditions name claims of (`token.actions.githubusercontent.com`
/// in `token.actions.githubusercontent.com:aud`), for a provider ARN Terraform knows only after
/// apply (a variable, a module output). Whatever provider it is, only tokens carrying that
/// issuer's claims satisfy those conditions. `None` when they name no issuer, or several.
fn issuer_of_claims(s: &Statement) -> Option<&str> {
    let mut issuers = s.conditions.iter().filter_map(|c| {
        let (issuer, _claim) = c.key.rsplit_once(':')?;
        // Service keys (`aws:`, `sts:`) have no dot; an issuer is a host, or one known only
        // after apply (`${replace(var.provider_arn, …)}`, as IRSA trusts build it).
        (issuer.contains('.') || c.key_partial).then_some(issuer)
    });
    let first = issuers.next()?;
    issuers
        .all(|i| i.eq_ignore_ascii_case(first))
        .then_some(first)
}

/// What is wrong with the statement's conditions on the subject, if anything: `None` when a
/// condition restricts it (or may: unknown values never fire).
fn unrestricted(s: &Statement, host: &str) -> Option<String> {
    let key = format!("{host}:sub");
    let on_sub: Vec<&Condition> = s.conditions.iter().filter(|c| c.key_is(&key)).collect();
    // A key known only in part is unknown for deciding access; its values are still read
    // (an unknown value list leaves no value to call open).
    if s.conditions_unknown.is_some()
        || on_sub.iter().any(|c| c.unknown.is_some() && !c.key_partial)
    {
        return None;
    }
    let restricting: Vec<&&Condition> = on_sub
        .iter()
        .filter(|c| !c.is_if_exists() && !c.base_operator().contains("Not"))
        .collect();
    if restricting.is_empty() {
        return Some(format!("no condition on `{key}`"));
    }
    // Conditions are all required: one that names subjects is enough.
    let mut first_open = None;
    for c in restricting {
        match open_pattern(c) {
            None => return None,
            Some(p) => first_open = first_open.or(Some(p)),
        }
    }
    first_open.map(|p| format!("`{key}` pattern `{p}` matches any owner"))
}

/// A value of a `StringLike` condition that matches any owner.
fn open_pattern(c: &Condition) -> Option<&str> {
    let wildcards = c.base_operator() == "StringLike";
    c.values
        .iter()
        .filter_map(|v| v.known())
        .find(|p| wildcards && (matches_anyone(p) || wildcard::matches(p, "", false)))
}

impl Check for TrustOidcUnrestrictedSubject {
    fn check(&self, cx: &Context, out: &mut Sink) {
        for (record, s) in cx.statements(PolicyKind::Trust) {
            let (Some(block), Some(actions)) = (&s.principal, &s.action) else {
                continue;
            };
            let web_identity = actions
                .known_items()
                .any(|(a, _)| wildcard::matches(a, "sts:AssumeRoleWithWebIdentity", true));
            if !s.is_allow() || block.negated || actions.negated || !web_identity {
                continue;
            }
            for p in &block.principals {
                if p.kind != PrincipalKind::Federated {
                    continue;
                }
                let text = p.item.display();
                let Some(host) = provider_host(&text)
                    .filter(|host| !host.contains("${"))
                    .or_else(|| {
                        p.item
                            .known()
                            .is_none()
                            .then(|| issuer_of_claims(s))
                            .flatten()
                    })
                else {
                    continue;
                };
                let Some(why) = unrestricted(s, host) else {
                    continue;
                };
                let f = out.statement_finding(
                    record,
                    s,
                    p.item.loc,
                    format!("any identity with a token from `{host}` can assume the role: {why}"),
                    format!(
                        "add a `StringEquals` (or `StringLike`) condition on `{host}:sub` naming the repositories, projects or service accounts allowed"
                    ),
                );
                out.push(with_uses(f, record));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::matches_anyone;

    #[test]
    fn subject_patterns_that_match_any_owner() {
        for open in [
            "*",
            "repo:*",
            "repo:*/infra:*",
            "project_path:*",
            "system:serviceaccount:*",
        ] {
            assert!(matches_anyone(open), "{open}");
        }
        for scoped in [
            "repo:acme/*",
            "repo:acme/infra:*",
            "project_path:acme/infra:ref_type:branch:ref:main",
        ] {
            assert!(!matches_anyone(scoped), "{scoped}");
        }
    }
}
