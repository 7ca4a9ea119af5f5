use iamlint_model::{Data, Value};

use crate::context::Context;
use crate::finding::Sink;
use crate::rule::Check;

declare_rule! {
    /// ## What it does
    /// Flags a Lambda function anyone may invoke:
    /// - a permission (`aws_lambda_permission`) for principal `*` with no `source_arn`,
    ///   `source_account` or `principal_org_id` to bound who calls;
    /// - a function URL (`aws_lambda_function_url`) with `authorization_type = "NONE"`, which
    ///   answers any request from the internet without AWS credentials.
    ///
    /// An `authorization_type` known only after apply gets a coverage note instead. A public
    /// function URL is sometimes the design (a webhook that checks a signature
    /// itself): suppress the finding there, with that reason, so the next reader knows.
    ///
    /// ## Why is this bad?
    /// Anyone who finds the function's ARN or URL runs it, as its execution role, as often as
    /// they like: whatever the role may do, they may do, and the bill is yours.
    ///
    /// ## Example
    /// ```hcl fail
    /// resource "aws_lambda_permission" "api" {
    ///   statement_id  = "api"
    ///   action        = "lambda:InvokeFunction"
    ///   function_name = "api"
    ///   principal     = "*"
    /// }
    /// ```
    ///
    /// ```hcl fail
    /// resource "aws_lambda_function_url" "hook" {
    ///   function_name      = "hook"
    ///   authorization_type = "NONE"
    /// }
    /// ```
    ///
    /// ## Use instead
    /// Name the service and the resource it calls for, or require SigV4 on the URL:
    /// ```hcl pass
    /// resource "aws_lambda_permission" "api" {
    ///   statement_id  = "api"
    ///   action        = "lambda:InvokeFunction"
    ///   function_name = "api"
    ///   principal     = "apigateway.amazonaws.com"
    ///   source_arn    = "arn:aws:execute-api:eu-west-1:111122223333:a1b2c3d4e5/*"
    /// }
    /// ```
    ///
    /// ```hcl pass
    /// resource "aws_lambda_function_url" "hook" {
    ///   function_name      = "hook"
    ///   authorization_type = "AWS_IAM"
    /// }
    /// ```
    ///
    /// ## References
    /// - [Control access to Lambda function URLs](https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html)
    /// - [Resource-based policies for Lambda](https://docs.aws.amazon.com/lambda/latest/dg/access-control-resource-based.html)
    pub struct LambdaFunctionPublic {
        name: "lambda-function-public",
        category: Security,
        severity: Critical,
        summary: "anyone may invoke a Lambda function",
    }
}

impl Check for LambdaFunctionPublic {
    fn check(&self, cx: &Context, out: &mut Sink) {
        permissions(cx, out);
        urls(cx, out);
    }
}

/// A Lambda permission for principal `*` with no `source_arn`, `source_account` or
/// `principal_org_id`: a statement of the function's policy that anyone may invoke through.
fn permissions(cx: &Context, out: &mut Sink) {
    for r in cx.model.managed_of("aws_lambda_permission") {
        if r.attribute("principal").and_then(Value::as_known_str) != Some("*") {
            continue;
        }
        // `Resource::attribute` leaves out what is set to `null`.
        if ["source_arn", "source_account", "principal_org_id"]
            .iter()
            .any(|a| r.attribute(a).is_some())
        {
            continue;
        }
        let action = r
            .attribute("action")
            .and_then(Value::as_known_str)
            .unwrap_or("lambda:InvokeFunction");
        let f = out.finding(
            &r.address,
            r.written("principal").or(r.loc),
            format!(
                "`{}` lets anyone (`*`) call `{action}` on the function",
                r.address
            ),
            "name the account or service in `principal`, or bound it with `principal_org_id`, `source_account` or `source_arn`",
        );
        out.push(f);
    }
}

/// A function URL that takes requests without AWS credentials. Unset, `authorization_type`
/// is required by the provider; known only after apply, it is a coverage note.
fn urls(cx: &Context, out: &mut Sink) {
    for r in cx.model.managed_of("aws_lambda_function_url") {
        let Some(auth) = r.attribute("authorization_type") else {
            continue;
        };
        if let Data::Unknown(u) = &auth.data {
            out.withheld(
                &r.address,
                format!(
                    "whether anyone may invoke `{}` without AWS credentials is not judged: its `authorization_type` depends on `{}`",
                    r.address, u.origin
                ),
                r.written("authorization_type").or(auth.loc).or(r.loc),
            );
            continue;
        }
        if auth.as_known_str() != Some("NONE") {
            continue;
        }
        let function = r
            .attribute("function_name")
            .and_then(Value::as_known_str)
            .map_or_else(|| "the function".to_string(), |f| format!("`{f}`"));
        let f = out.finding(
            &r.address,
            r.written("authorization_type").or(r.loc),
            format!(
                "`{}` has `authorization_type = \"NONE\"`: anyone on the internet with the URL may invoke {function}, without AWS credentials",
                r.address
            ),
            "set `authorization_type = \"AWS_IAM\"` and sign the callers' requests; if the URL is public by design (a webhook that verifies a signature), suppress this finding with that reason",
        );
        out.push(f);
    }
}
