use crate::context::Context;
use crate::finding::Sink;
use crate::rule::Check;

declare_rule! {
    /// ## What it does
    /// Flags `aws_iam_access_key`: a long-lived access key for an IAM user.
    ///
    /// ## Why is this bad?
    /// An access key works until someone deletes it, from anywhere, and its secret is written to
    /// the Terraform state (and often to CI variables and laptops). Leaked keys are the most
    /// common way AWS accounts are broken into. Roles hand out credentials that expire within
    /// hours, and need no secret at all.
    ///
    /// ## Example
    /// ```hcl fail
    /// resource "aws_iam_user" "ci" {
    ///   name = "ci"
    /// }
    ///
    /// resource "aws_iam_access_key" "ci" {
    ///   user = aws_iam_user.ci.name
    /// }
    /// ```
    ///
    /// ## Use instead
    /// Let CI assume a role through OIDC federation (GitHub Actions, GitLab, Terraform Cloud):
    /// ```hcl pass
    /// resource "aws_iam_role" "ci" {
    ///   name = "ci"
    ///   assume_role_policy = jsonencode({
    ///     Version = "2012-10-17"
    ///     Statement = [{
    ///       Effect    = "Allow"
    ///       Action    = "sts:AssumeRoleWithWebIdentity"
    ///       Principal = { Federated = "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com" }
    ///       Condition = { StringEquals = {
    ///         "token.actions.githubusercontent.com:aud" = "sts.amazonaws.com"
    ///         "token.actions.githubusercontent.com:sub" = "repo:acme/infra:ref:refs/heads/main"
    ///       } }
    ///     }]
    ///   })
    /// }
    /// ```
    ///
    /// ## References
    /// - [Security best practices in IAM: require workloads to use temporary credentials](https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#bp-workloads-use-roles)
    /// - [Configuring OpenID Connect in Amazon Web Services (GitHub)](https://docs.github.com/en/actions/security-for-github-actions/security-hardening-your-deployments/configuring-openid-connect-in-amazon-web-services)
    pub struct IamUserAccessKey {
        name: "iam-user-access-key",
        category: Security,
        severity: Medium,
        summary: "a long-lived access key is created for an IAM user",
    }
}

impl Check for IamUserAccessKey {
    fn check(&self, cx: &Context, out: &mut Sink) {
        for r in cx.model.managed_of("aws_iam_access_key") {
            let user = r
                .attribute("user")
                .and_then(|u| u.as_known_str())
                .map(|u| format!(" for user `{u}`"))
                .unwrap_or_default();
            let f = out.finding(
                &r.address,
                r.written("user"),
                format!(
                    "`{}` creates a long-lived access key{user}; its secret is stored in the Terraform state",
                    r.address
                ),
                "use a role instead: OIDC federation for CI, IAM Identity Center for people, instance or task roles for workloads",
            );
            out.push(f);
        }
    }
}
