use crate::context::{Context, granting_item};
use crate::finding::Sink;
use crate::privesc;
use crate::rule::Check;

declare_rule! {
    /// ## What it does
    /// Notes, once per user or role that is not an administrator, the techniques of
    /// [`privilege-escalation`](privilege-escalation.md) it may use on **every** resource of
    /// their kind through a grant on `"Resource": "*"`: replacing the code of any Lambda
    /// function (`lambda:UpdateFunctionCode`), handing any role to a service that runs code
    /// (`iam:PassRole` with `ec2:RunInstances`), opening a shell on any instance
    /// (`ssm:StartSession`)… Whether one of them leads to an administrator depends on roles and
    /// resources outside this configuration — other stacks, the console — which no search inside
    /// it can rule out. Principals that `privilege-escalation` reports are left to it.
    ///
    /// ## Why is this bad?
    /// The grant reaches whatever runs in the account, today and tomorrow: the first powerful
    /// function or instance profile someone creates elsewhere becomes a way up.
    ///
    /// ## Example
    /// ```hcl fail
    /// resource "aws_iam_role" "deployer" {
    ///   name = "deployer"
    ///   assume_role_policy = jsonencode({
    ///     Version   = "2012-10-17"
    ///     Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "codebuild.amazonaws.com" } }]
    ///   })
    /// }
    ///
    /// resource "aws_iam_role_policy" "deployer" {
    ///   role = aws_iam_role.deployer.id
    ///   policy = jsonencode({
    ///     Version   = "2012-10-17"
    ///     Statement = [{ Effect = "Allow", Action = ["lambda:UpdateFunctionCode", "lambda:InvokeFunction"], Resource = "*" }]
    ///   })
    /// }
    /// ```
    ///
    /// ## Use instead
    /// Name the functions it deploys:
    /// ```hcl pass
    /// resource "aws_iam_role" "deployer" {
    ///   name = "deployer"
    ///   assume_role_policy = jsonencode({
    ///     Version   = "2012-10-17"
    ///     Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "codebuild.amazonaws.com" } }]
    ///   })
    /// }
    ///
    /// resource "aws_iam_role_policy" "deployer" {
    ///   role = aws_iam_role.deployer.id
    ///   policy = jsonencode({
    ///     Version = "2012-10-17"
    ///     Statement = [{
    ///       Effect   = "Allow"
    ///       Action   = ["lambda:UpdateFunctionCode", "lambda:InvokeFunction"]
    ///       Resource = "arn:aws:lambda:eu-west-1:111122223333:function:orders-*"
    ///     }]
    ///   })
    /// }
    /// ```
    ///
    /// ## References
    /// - [pathfinding.cloud: AWS IAM privilege escalation paths](https://pathfinding.cloud)
    pub struct PrivilegeEscalationLatent {
        name: "privilege-escalation-latent",
        category: Security,
        severity: Low,
        summary: "a principal may take over roles and what runs as them anywhere in the account",
    }
}

impl Check for PrivilegeEscalationLatent {
    fn check(&self, cx: &Context, out: &mut Sink) {
        let links = cx.links();
        let escalating = cx.escalating();
        for (p, techniques) in privesc::latent(links, cx.reach(), cx.privesc) {
            if escalating.contains(&p) {
                continue;
            }
            let r = links.principals[p].resource;
            let named: Vec<String> = techniques
                .iter()
                .map(|l| {
                    let mut actions: Vec<&str> = l.grants.iter().map(|(_, a)| *a).collect();
                    actions.dedup();
                    format!("{} ({})", l.technique.id, actions.join(", "))
                })
                .collect();
            let mut f = out.finding(
                &r.address,
                r.written("name").or(r.loc),
                format!(
                    "`{}` may take over roles and what runs as them anywhere in the account, through grants on every resource: {}",
                    r.address,
                    named.join(", ")
                ),
                "name the resources (functions, instances, roles) this principal works on instead of `*`",
            );
            let mut seen = Vec::new();
            for l in &techniques {
                for (s, action) in &l.grants {
                    if seen.contains(&(*s as *const _, *action)) {
                        continue;
                    }
                    seen.push((*s as *const _, *action));
                    let at = granting_item(s, action).and_then(|(loc, _)| loc).or(s.loc);
                    f = f.with_related(
                        format!("{} allows `{action}` on every resource", s.label()),
                        None,
                        at,
                    );
                }
            }
            out.push(f);
        }
    }
}
