use iamlint_model::links::PrincipalType;

use crate::context::Context;
use crate::finding::Sink;
use crate::rule::Check;

declare_rule! {
    /// ## What it does
    /// Flags an IAM user put in more than 10 groups, counting every
    /// `aws_iam_user_group_membership` and `aws_iam_group_membership` that names it.
    ///
    /// ## Why is this bad?
    /// A user can be in at most 10 groups; the quota cannot be raised. `terraform plan` accepts
    /// the configuration and `apply` fails with `LimitExceeded` part-way.
    ///
    /// ## Example
    /// ```hcl fail
    /// resource "aws_iam_user" "alice" {
    ///   name = "alice"
    /// }
    ///
    /// resource "aws_iam_user_group_membership" "alice" {
    ///   user   = aws_iam_user.alice.name
    ///   groups = [for g in aws_iam_group.team : g.name]
    /// }
    ///
    /// resource "aws_iam_group" "team" {
    ///   for_each = toset([for i in range(12) : "team-${i}"])
    ///   name     = each.key
    /// }
    /// ```
    ///
    /// ## Use instead
    /// Merge groups that always go together, or give the combined permissions to one group:
    /// ```hcl pass
    /// resource "aws_iam_user" "alice" {
    ///   name = "alice"
    /// }
    ///
    /// resource "aws_iam_user_group_membership" "alice" {
    ///   user   = aws_iam_user.alice.name
    ///   groups = [for g in aws_iam_group.team : g.name]
    /// }
    ///
    /// resource "aws_iam_group" "team" {
    ///   for_each = toset([for i in range(4) : "team-${i}"])
    ///   name     = each.key
    /// }
    /// ```
    ///
    /// ## References
    /// - [IAM and AWS STS quotas: groups an IAM user can be a member of](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html#reference_iam-quotas-entities)
    pub struct TooManyGroups {
        name: "too-many-groups",
        category: Correctness,
        severity: High,
        summary: "a user is in more groups than AWS allows (10)",
    }
}

const MAX_GROUPS: usize = 10;

impl Check for TooManyGroups {
    fn check(&self, cx: &Context, out: &mut Sink) {
        let links = cx.links();
        for p in &links.principals {
            if p.ty != PrincipalType::User || p.groups.len() <= MAX_GROUPS {
                continue;
            }
            let address = &p.resource.address;
            let mut f = out.finding(
                address,
                p.resource.written("name"),
                format!(
                    "`{address}` is in {} groups; a user can be in at most {MAX_GROUPS}, so apply fails with LimitExceeded",
                    p.groups.len()
                ),
                "merge groups that always go together, or give their permissions to fewer groups",
            );
            for m in &p.groups {
                let group = links.principals[m.group].resource;
                f = f.with_related(
                    format!("in {}", group.address),
                    Some(&group.address),
                    m.at.or(group.loc),
                );
            }
            out.push(f);
        }
    }
}
