use iamlint_model::links;
use iamlint_model::policy::{Condition, Statement};
use iamlint_model::{Data, PolicyKind, PolicyRecord, wildcard};

use crate::context::{Context, first_loc, with_uses};
use crate::finding::Sink;
use crate::rule::{Check, Severity};
use crate::rules::security::trust_any_principal::{IDENTITY_KEYS, restricts_by};

declare_rule! {
    /// ## What it does
    /// Flags a resource policy — a bucket's, queue's, topic's, key's, secret's, repository's,
    /// domain's, file system's, event bus's, vault's or REST API's — that allows anyone
    /// (`Principal: "*"`, `{"AWS": "*"}`, or `NotPrincipal`) without a condition that really
    /// restricts who: `aws:PrincipalOrgID`, `aws:PrincipalAccount`, `aws:PrincipalArn`,
    /// `aws:SourceVpce`, `aws:SourceVpc`, `aws:SourceArn`, `aws:SourceAccount` or an
    /// `aws:SourceIp` range (`aws:SecureTransport` or `aws:UserAgent` do not). A Deny in the same
    /// policy that shuts out everyone the restricting keys do not name carves the public part
    /// out. A bucket whose `aws_s3_bucket_public_access_block` sets
    /// `restrict_public_buckets` is not reachable through its public policy: reported as low,
    /// saying why. A function's policy for anyone is `lambda-function-public`'s.
    ///
    /// ## Why is this bad?
    /// Anyone on the internet, in any AWS account, can call the allowed actions on the
    /// resource: read the bucket, send to the queue, decrypt with the key, read the secret.
    ///
    /// ## Example
    /// ```hcl fail
    /// resource "aws_s3_bucket_policy" "site" {
    ///   bucket = "acme-site"
    ///   policy = jsonencode({
    ///     Version = "2012-10-17"
    ///     Statement = [{
    ///       Effect    = "Allow"
    ///       Principal = "*"
    ///       Action    = ["s3:GetObject", "s3:PutObject"]
    ///       Resource  = "arn:aws:s3:::acme-site/*"
    ///     }]
    ///   })
    /// }
    /// ```
    ///
    /// ## Use instead
    /// Let in the organization only (or name the accounts, or a CloudFront origin access
    /// control by `aws:SourceArn`):
    /// ```hcl pass
    /// resource "aws_s3_bucket_policy" "site" {
    ///   bucket = "acme-site"
    ///   policy = jsonencode({
    ///     Version = "2012-10-17"
    ///     Statement = [{
    ///       Effect    = "Allow"
    ///       Principal = "*"
    ///       Action    = ["s3:GetObject"]
    ///       Resource  = "arn:aws:s3:::acme-site/*"
    ///       Condition = { StringEquals = { "aws:PrincipalOrgID" = "o-a1b2c3d4e5" } }
    ///     }]
    ///   })
    /// }
    /// ```
    ///
    /// ## References
    /// - [Blocking public access to your Amazon S3 storage](https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html)
    /// - [Identity-based and resource-based policies](https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_identity-vs-resource.html)
    pub struct ResourcePolicyPublic {
        name: "resource-policy-public",
        category: Security,
        severity: Critical,
        summary: "a resource policy lets anyone in",
    }
}

/// Keys that pin down who may call, for a resource policy: the caller's identity, its
/// network, or (for a service principal) the resource on whose behalf it calls.
const RESTRICTING: [&str; 11] = [
    IDENTITY_KEYS[0],
    IDENTITY_KEYS[1],
    IDENTITY_KEYS[2],
    IDENTITY_KEYS[3],
    IDENTITY_KEYS[4],
    IDENTITY_KEYS[5],
    IDENTITY_KEYS[6],
    IDENTITY_KEYS[7],
    IDENTITY_KEYS[8],
    "aws:SourceVpce",
    "aws:SourceVpc",
];

/// A condition that restricts who reaches the resource: a positive one on [`RESTRICTING`],
/// or an `IpAddress` range on `aws:SourceIp` smaller than the whole internet.
fn restricts(c: &Condition) -> bool {
    if c.key_is("aws:SourceIp") {
        return c.base_operator() == "IpAddress"
            && !c.is_if_exists()
            && !c.values.is_empty()
            && c.values.iter().all(|v| {
                v.known()
                    .is_some_and(|ip| !matches!(ip, "0.0.0.0/0" | "::/0"))
            });
    }
    restricts_by(c, &RESTRICTING)
}

/// A Deny of everyone (`*`) on every action `pattern` allows, unless a restricting key names
/// them (`StringNotEquals aws:PrincipalOrgID`): the public Allow reaches no one else.
fn carved_out(deny: &Statement, pattern: &str) -> bool {
    let everyone = deny
        .principal
        .as_ref()
        .is_some_and(|p| !p.negated && p.principals.iter().any(|p| p.is_wildcard()));
    let covers = deny.action.as_ref().is_some_and(|a| {
        !a.negated
            && a.known_items()
                .any(|(d, _)| wildcard::matches(d, pattern, true) || d == "*")
    });
    let unless_named = deny.conditions.iter().any(|c| {
        let op = c.base_operator();
        (op.starts_with("StringNot") || op.starts_with("ArnNot") || op == "NotIpAddress")
            && (RESTRICTING.iter().any(|k| c.key_is(k)) || c.key_is("aws:SourceIp"))
    });
    deny.effect() == Some(iamlint_model::policy::Effect::Deny) && everyone && covers && unless_named
}

impl Check for ResourcePolicyPublic {
    fn check(&self, cx: &Context, out: &mut Sink) {
        for (record, doc) in cx
            .documents()
            .filter(|(r, _)| r.kind == PolicyKind::Resource)
        {
            for s in doc.statements.iter().filter(|s| s.is_allow()) {
                let Some(block) = &s.principal else { continue };
                // Unknown conditions may restrict: a coverage note says so; no guess.
                if s.conditions_unknown.is_some()
                    || s.conditions.iter().any(|c| c.unknown.is_some())
                    || s.conditions.iter().any(restricts)
                {
                    continue;
                }
                let (loc, who) = if block.negated {
                    (
                        first_loc(&[block.key.loc, block.loc]),
                        "everyone except the principals in NotPrincipal",
                    )
                } else {
                    match block.principals.iter().find(|p| p.is_wildcard()) {
                        Some(p) => (p.item.loc, "anyone (`*`)"),
                        None => continue,
                    }
                };
                let actions: Vec<&str> = s
                    .action
                    .as_ref()
                    .filter(|a| !a.negated)
                    .map(|a| a.known_items().map(|(t, _)| t).collect())
                    .unwrap_or_default();
                let denies: Vec<&Statement> = doc
                    .statements
                    .iter()
                    .filter(|t| t.effect() == Some(iamlint_model::policy::Effect::Deny))
                    .collect();
                if !actions.is_empty()
                    && actions
                        .iter()
                        .all(|a| denies.iter().any(|d| carved_out(d, a)))
                {
                    continue;
                }
                let blocked = blocked_bucket(cx, record);
                let what = match actions.as_slice() {
                    [] => "its actions".to_string(),
                    [one] => format!("`{one}`"),
                    [first, rest @ ..] => format!("`{first}` and {} more actions", rest.len()),
                };
                let mut message = format!(
                    "{} of `{}` lets {who} call {what} on the resource",
                    s.label(),
                    record.address
                );
                if let Some(block) = blocked {
                    message.push_str(&format!(
                        "; `{block}` sets restrict_public_buckets, so S3 lets no one outside the account in through it"
                    ));
                }
                let mut f = out.finding(
                    &record.address,
                    loc.or(s.loc),
                    message,
                    "name the accounts or roles in the principal, or add a condition on `aws:PrincipalOrgID`, `aws:PrincipalAccount`, `aws:SourceVpce` or (for a service) `aws:SourceArn`",
                );
                if blocked.is_some() {
                    f = f.with_severity(Severity::Low);
                }
                out.push(with_uses(f, record));
            }
        }
    }
}

/// The public access block that sets `restrict_public_buckets` for the bucket whose policy
/// `record` is (the same bucket reference or name), if one does.
fn blocked_bucket<'c>(cx: &Context<'c>, record: &PolicyRecord) -> Option<&'c str> {
    let holder = cx.model.resources.iter().find(|r| {
        r.address == record.address || record.uses.iter().any(|u| u.address == r.address)
    })?;
    if holder.kind() != "aws_s3_bucket_policy" {
        return None;
    }
    let bucket = holder.attribute("bucket")?;
    cx.model
        .managed_of("aws_s3_bucket_public_access_block")
        .find(|b| {
            b.attribute("restrict_public_buckets")
                .is_some_and(|v| matches!(v.data, Data::Bool(true)))
                && b.attribute("bucket")
                    .is_some_and(|v| links::same(v, bucket))
        })
        .map(|b| b.address.as_str())
}
