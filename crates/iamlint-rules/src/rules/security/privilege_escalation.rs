use iamlint_model::Location;
use iamlint_model::links::{Held, Links, holding};
use iamlint_model::policy::Statement;

use crate::context::{Context, granting_item};
use crate::finding::Sink;
use crate::privesc::technique::Effect;
use crate::privesc::{self, Escalation, Verdict};
use crate::rule::{Check, Severity};

declare_rule! {
    /// ## What it does
    /// Finds users and roles that are not administrators but can make themselves one, in one
    /// or several steps, each allowed to the principal that takes it once all of its policies,
    /// Denies and permissions boundary are counted: assuming a role whose trust admits it
    /// (`sts-001`), handing a role to a service that runs code as it (`iam:PassRole` with
    /// `ec2:RunInstances`, `lambda:CreateFunction`, `ecs:RunTask`, …), taking over a user
    /// (`iam:CreateAccessKey`), rewriting a role's trust policy, or giving itself — or a
    /// principal it became — an administrator policy (`iam:PutRolePolicy`,
    /// `iam:AttachUserPolicy` with AdministratorAccess, …). The techniques are
    /// data, one file each under `rules/privesc/`, named by their
    /// [pathfinding.cloud](https://pathfinding.cloud) ids. The finding is at the principal and
    /// names the whole path; each hop's allowing statement is a related location. Critical
    /// when every step is proven from the configuration, high when a step depends on a
    /// condition, an unknown value or something only true at run time (named in the message).
    /// An administrator policy given to a principal counts only if its boundary and Denies let
    /// it make that principal an administrator; service-linked roles are never targets.
    ///
    /// ## Why is this bad?
    /// A principal that can become an administrator is one, to whoever steals its credentials
    /// or its CI job: the least privilege written in its own policy is not the privilege it
    /// has.
    ///
    /// ## Example
    /// ```hcl fail
    /// resource "aws_iam_user" "ci" {
    ///   name = "ci"
    /// }
    ///
    /// resource "aws_iam_user_policy" "ci" {
    ///   user = aws_iam_user.ci.name
    ///   policy = jsonencode({
    ///     Version = "2012-10-17"
    ///     Statement = [{
    ///       Effect   = "Allow"
    ///       Action   = ["iam:PassRole", "lambda:CreateFunction", "lambda:InvokeFunction"]
    ///       Resource = "*"
    ///     }]
    ///   })
    /// }
    ///
    /// resource "aws_iam_role" "admin" {
    ///   name = "admin"
    ///   assume_role_policy = jsonencode({
    ///     Version   = "2012-10-17"
    ///     Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "lambda.amazonaws.com" } }]
    ///   })
    /// }
    ///
    /// resource "aws_iam_role_policy_attachment" "admin" {
    ///   role       = aws_iam_role.admin.name
    ///   policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"
    /// }
    /// ```
    ///
    /// ## Use instead
    /// Let the deployer pass only the roles it deploys, to the service that runs them:
    /// ```hcl pass
    /// resource "aws_iam_user" "ci" {
    ///   name = "ci"
    /// }
    ///
    /// resource "aws_iam_user_policy" "ci" {
    ///   user = aws_iam_user.ci.name
    ///   policy = jsonencode({
    ///     Version = "2012-10-17"
    ///     Statement = [
    ///       { Effect = "Allow", Action = ["lambda:CreateFunction", "lambda:InvokeFunction"], Resource = "*" },
    ///       {
    ///         Effect    = "Allow"
    ///         Action    = "iam:PassRole"
    ///         Resource  = aws_iam_role.worker.arn
    ///         Condition = { StringEquals = { "iam:PassedToService" = "lambda.amazonaws.com" } }
    ///       },
    ///     ]
    ///   })
    /// }
    ///
    /// resource "aws_iam_role" "worker" {
    ///   name = "worker"
    ///   assume_role_policy = jsonencode({
    ///     Version   = "2012-10-17"
    ///     Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "lambda.amazonaws.com" } }]
    ///   })
    /// }
    ///
    /// resource "aws_iam_role" "admin" {
    ///   name = "admin"
    ///   assume_role_policy = jsonencode({
    ///     Version   = "2012-10-17"
    ///     Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "lambda.amazonaws.com" } }]
    ///   })
    /// }
    ///
    /// resource "aws_iam_role_policy_attachment" "admin" {
    ///   role       = aws_iam_role.admin.name
    ///   policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"
    /// }
    /// ```
    ///
    /// A role that may write its own inline policies, under a boundary that allows only S3, can
    /// give itself no more than S3:
    /// ```hcl pass
    /// resource "aws_iam_policy" "s3_only" {
    ///   name   = "s3-only"
    ///   policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "s3:*", Resource = "*" }] })
    /// }
    ///
    /// resource "aws_iam_role" "app" {
    ///   name                 = "app"
    ///   permissions_boundary = aws_iam_policy.s3_only.arn
    ///   assume_role_policy = jsonencode({
    ///     Version   = "2012-10-17"
    ///     Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ec2.amazonaws.com" } }]
    ///   })
    /// }
    ///
    /// resource "aws_iam_role_policy" "app" {
    ///   role   = aws_iam_role.app.id
    ///   policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = ["iam:PutRolePolicy", "s3:*"], Resource = "*" }] })
    /// }
    /// ```
    ///
    /// ## References
    /// - [pathfinding.cloud: AWS IAM privilege escalation paths](https://pathfinding.cloud)
    /// - [Permissions boundaries for IAM entities](https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html)
    pub struct PrivilegeEscalation {
        name: "privilege-escalation",
        category: Security,
        severity: Critical,
        summary: "a principal that is not an administrator can make itself one",
    }
}

impl Check for PrivilegeEscalation {
    fn check(&self, cx: &Context, out: &mut Sink) {
        let links = cx.links();
        let found = privesc::search(cx.model, links, cx.reach(), cx.privesc);
        cx.remember_escalating(found.iter().map(|e| e.source).collect());
        for e in found {
            let r = links.principals[e.source].resource;
            let mut f = out.finding(
                &r.address,
                r.written("name").or(r.loc),
                message(links, &e),
                help(links, &e),
            );
            if e.verdict == Verdict::Conditional {
                f = f.with_severity(Severity::High);
            }
            for (n, hop) in e.hops.iter().enumerate() {
                let from = &links.principals[hop.from].resource.address;
                let to = links.principals[hop.to].resource;
                let at = hop
                    .grants
                    .first()
                    .and_then(|(s, action)| {
                        granting_item(s, action).and_then(|(loc, _)| loc).or(s.loc)
                    })
                    .or(to.loc);
                let on = match hop.via {
                    Some(via) => format!("`{via}`"),
                    None if hop.to == hop.from => "itself".to_string(),
                    None => format!("`{}`", to.address),
                };
                f = f.with_step(
                    format!(
                        "hop {}: `{from}` can {} {on} ({})",
                        n + 1,
                        hop.technique.title,
                        hop.technique.id
                    ),
                    Some(&to.address),
                    at,
                );
                for (s, action) in &hop.grants {
                    let (policy, held_at) = holder(links, hop.from, s);
                    let at = granting_item(s, action)
                        .and_then(|(loc, _)| loc)
                        .or(s.loc)
                        .or(held_at);
                    f = f.with_related(
                        format!(
                            "hop {}: {} of `{policy}` allows `{action}`",
                            n + 1,
                            s.label()
                        ),
                        Some(&policy),
                        at,
                    );
                }
                let became = hop.technique.effect == Effect::Become;
                if n + 1 == e.hops.len() && became {
                    f = f.with_related(
                        format!("`{}` is an administrator", to.address),
                        Some(&to.address),
                        to.loc,
                    );
                }
            }
            out.push(f);
        }
    }
}

fn message(links: &Links, e: &Escalation) -> String {
    let source = &links.principals[e.source].resource.address;
    let mut steps = Vec::new();
    let mut wearing = e.source;
    for hop in &e.hops {
        let to = &links.principals[hop.to].resource.address;
        let target = if hop.to == hop.from {
            "itself".to_string()
        } else {
            format!("`{to}`")
        };
        let by = if hop.from == wearing {
            String::new()
        } else {
            format!("as `{}`, ", links.principals[hop.from].resource.address)
        };
        let (title, id) = (&hop.technique.title, &hop.technique.id);
        steps.push(match hop.via {
            Some(via) if hop.technique.effect == Effect::Become => {
                format!("{by}{title} `{via}` ({id}, runs as {target})")
            }
            Some(via) if hop.to == hop.from => format!("{by}{title} `{via}` ({id})"),
            Some(via) => format!("{by}{title} `{via}` ({id}, for {target})"),
            None => format!("{by}{title} {target} ({id})"),
        });
        wearing = hop.to;
    }
    let count = match e.hops.len() {
        1 => "in 1 step".to_string(),
        n => format!("in {n} steps"),
    };
    let mut text = format!(
        "`{source}` can become an administrator {count}: {}",
        steps.join(", then ")
    );
    let reasons: Vec<&String> = e.hops.iter().flat_map(|h| &h.reasons).collect();
    if !reasons.is_empty() {
        let mut reasons: Vec<&str> = reasons.iter().map(|s| s.as_str()).collect();
        reasons.sort();
        reasons.dedup();
        text.push_str(&format!(" — if {}", reasons.join("; ")));
    }
    text
}

/// The cut a person should make first: a grant on every resource (`"Resource": "*"`) of
/// some hop, the last such — the one closest to the administrator, often shared by other
/// principals' paths —, else the first hop's allowing statement, else the trust that admits
/// the first hop's caller.
fn help(links: &Links, e: &Escalation) -> String {
    let Some(first) = e.hops.first() else {
        return String::new();
    };
    let unscoped = e.hops.iter().rev().find_map(|hop| {
        hop.grants
            .iter()
            .find(|(s, _)| s.on_every_resource())
            .map(|g| (hop, g))
    });
    match unscoped.or(first.grants.first().map(|g| (first, g))) {
        Some((hop, (s, action))) => {
            let (policy, _) = holder(links, hop.from, s);
            let what = match granting_item(s, action) {
                Some((_, item)) if item != *action && item != "NotAction" => {
                    format!("`{item}` (which grants `{action}`)")
                }
                _ => format!("`{action}`"),
            };
            format!(
                "scope {what} in {} of `{policy}` to the resources `{}` needs, or cap it with a permissions boundary: that breaks this path",
                s.label(),
                links.principals[hop.from].resource.address,
            )
        }
        None => format!(
            "remove `{}` from the trust policy of `{}`, or give it only what it needs",
            links.principals[first.from].resource.address,
            links.principals[first.to].resource.address
        ),
    }
}

/// The policy of principal `p` that holds statement `s`: its address (an AWS-managed policy's
/// ARN), and where `p` is given it.
fn holder(links: &Links, p: usize, s: &Statement) -> (String, Option<Location>) {
    match holding(links.effective(p), s) {
        Some(h) => {
            let name = match &h.policy {
                Held::Record(r) => r.address.clone(),
                Held::Managed(m) => m.arn.to_string(),
                Held::Unresolved(text) => text.clone(),
            };
            (name, h.loc)
        }
        None => (String::new(), None),
    }
}
