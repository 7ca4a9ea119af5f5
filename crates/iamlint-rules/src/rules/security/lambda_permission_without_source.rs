use crate::context::Context;
use crate::finding::Sink;
use crate::rule::Check;

declare_rule! {
    /// ## What it does
    /// Flags `aws_lambda_permission` for an AWS service principal (S3, SNS, EventBridge, API
    /// Gateway, …) with nothing that bounds the source: no `source_arn`, `source_account` or
    /// `principal_org_id` — and, for S3, no `source_account` (bucket ARNs carry no account).
    /// A `null` (as `try(each.value.source_arn, null)` gives) is not set.
    ///
    /// ## Why is this bad?
    /// Without a source, the permission lets that service invoke the function on behalf of any
    /// resource — including another account's bucket, topic or API. S3 bucket ARNs carry no
    /// account, so a bucket with the same name elsewhere matches unless `source_account` is set
    /// (the confused deputy problem).
    ///
    /// ## Example
    /// ```hcl fail
    /// resource "aws_lambda_permission" "uploads" {
    ///   statement_id  = "s3"
    ///   action        = "lambda:InvokeFunction"
    ///   function_name = "thumbnails"
    ///   principal     = "s3.amazonaws.com"
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```hcl pass
    /// resource "aws_lambda_permission" "uploads" {
    ///   statement_id   = "s3"
    ///   action         = "lambda:InvokeFunction"
    ///   function_name  = "thumbnails"
    ///   principal      = "s3.amazonaws.com"
    ///   source_arn     = "arn:aws:s3:::acme-uploads"
    ///   source_account = "111122223333"
    /// }
    /// ```
    ///
    /// An organization bounds the source too (as terraform-aws-lambda's `allowed_triggers` do):
    /// ```hcl pass
    /// resource "aws_lambda_permission" "config" {
    ///   statement_id     = "config"
    ///   action           = "lambda:InvokeFunction"
    ///   function_name    = "rules"
    ///   principal        = "config.amazonaws.com"
    ///   principal_org_id = "o-abcdefghij"
    ///   source_arn       = null
    /// }
    /// ```
    ///
    /// A source written as `null` is no source:
    /// ```hcl fail
    /// resource "aws_lambda_permission" "topic" {
    ///   statement_id  = "sns"
    ///   action        = "lambda:InvokeFunction"
    ///   function_name = "notify"
    ///   principal     = "sns.amazonaws.com"
    ///   source_arn    = null
    /// }
    /// ```
    ///
    /// ## References
    /// - [Granting function access to AWS services (Lambda developer guide)](https://docs.aws.amazon.com/lambda/latest/dg/permissions-function-services.html)
    /// - [The confused deputy problem](https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html)
    pub struct LambdaPermissionWithoutSource {
        name: "lambda-permission-without-source",
        category: Security,
        severity: Medium,
        summary: "a Lambda permission lets an AWS service invoke the function for any source",
    }
}

impl Check for LambdaPermissionWithoutSource {
    fn check(&self, cx: &Context, out: &mut Sink) {
        for r in cx.model.managed_of("aws_lambda_permission") {
            // Only a known service principal: an account or an unknown value is not this rule's.
            let Some(service) = r
                .attribute("principal")
                .and_then(|p| p.as_known_str())
                .filter(|p| p.ends_with(".amazonaws.com"))
            else {
                continue;
            };
            // `null` (what `try(each.value.source_arn, null)` gives) is not set, as
            // `Resource::attribute` reads it; an unknown value might be, and is not guessed at.
            let set = |name: &str| r.attribute(name).is_some();
            // An organization, or one account, already bounds who can be the source; S3
            // bucket ARNs carry no account, so a bucket source still needs the account.
            let s3 = service == "s3.amazonaws.com";
            if set("principal_org_id") || (!s3 && set("source_account")) {
                continue;
            }
            let mut missing: Vec<&str> = Vec::new();
            match (s3, set("source_arn"), set("source_account")) {
                // A bucket of the account's own: any name, but not another account's.
                (true, _, true) => {}
                (true, arn, false) => {
                    if !arn {
                        missing.push("source_arn");
                    }
                    missing.push("source_account");
                }
                (false, false, _) => missing.push("source_arn"),
                (false, true, _) => {}
            }
            if missing.is_empty() {
                continue;
            }
            let f = out.finding(
                &r.address,
                r.written("principal"),
                format!(
                    "`{}` lets `{service}` invoke the function with no {}: any {} resource, in any account, can trigger it",
                    r.address,
                    missing.join(" and "),
                    service.trim_end_matches(".amazonaws.com")
                ),
                format!("set {} to the resource that invokes the function", missing.join(" and ")),
            );
            out.push(f);
        }
    }
}
