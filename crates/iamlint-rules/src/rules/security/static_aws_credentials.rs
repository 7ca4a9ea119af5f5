use iamlint_model::model::Resource;
use iamlint_model::{Data, Location, Str, Value};

use crate::context::Context;
use crate::finding::Sink;
use crate::rule::Check;

declare_rule! {
    /// ## What it does
    /// Flags AWS access keys written into compute configuration: an access key id (`AKIA…`,
    /// `ASIA…`) anywhere, or a secret access key under an AWS credential name
    /// (`AWS_SECRET_ACCESS_KEY`, `aws_secret_access_key`, `SecretAccessKey`), in Lambda
    /// environment variables, ECS container definitions, EC2 and launch-template or
    /// launch-configuration `user_data` (also base64-encoded) and Elastic Beanstalk settings.
    /// It points at the key itself, inside heredocs and JSON.
    ///
    /// ## Why is this bad?
    /// The key is in the repository's history and the Terraform state, readable by anyone who
    /// can read either, and it works from anywhere until someone deletes it. Every one of these
    /// services can run with a role instead, whose credentials rotate by themselves.
    ///
    /// ## Example
    /// ```hcl fail
    /// resource "aws_lambda_function" "sync" {
    ///   function_name = "sync"
    ///   role          = "arn:aws:iam::111122223333:role/sync"
    ///   environment {
    ///     variables = {
    ///       AWS_ACCESS_KEY_ID     = "AKIAIOSFODNN7EXAMPLE"
    ///       AWS_SECRET_ACCESS_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
    ///     }
    ///   }
    /// }
    /// ```
    ///
    /// ## Use instead
    /// The function's role gives it credentials:
    /// ```hcl pass
    /// resource "aws_lambda_function" "sync" {
    ///   function_name = "sync"
    ///   role          = "arn:aws:iam::111122223333:role/sync"
    ///   environment {
    ///     variables = {
    ///       BUCKET = "acme-sync"
    ///     }
    ///   }
    /// }
    /// ```
    ///
    /// ## References
    /// - [Security best practices in IAM: require workloads to use temporary credentials](https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#bp-workloads-use-roles)
    /// - [Understanding unique ID prefixes (AKIA, ASIA)](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-unique-ids)
    pub struct StaticAwsCredentials {
        name: "static-aws-credentials",
        category: Security,
        severity: Critical,
        summary: "an AWS access key is written into compute configuration",
    }
}

/// Resource attributes that hold configuration a workload reads, and whether it is base64.
const PLACES: [(&str, &str, bool); 8] = [
    ("aws_ecs_task_definition", "container_definitions", false),
    ("aws_elastic_beanstalk_environment", "setting", false),
    ("aws_instance", "user_data", false),
    ("aws_instance", "user_data_base64", true),
    ("aws_lambda_function", "environment", false),
    ("aws_launch_configuration", "user_data", false),
    ("aws_launch_configuration", "user_data_base64", true),
    ("aws_launch_template", "user_data", true),
];

/// Names under which a value is a secret access key.
fn secret_name(name: &str) -> bool {
    let n = name.to_ascii_lowercase().replace(['_', '-'], "");
    n == "awssecretaccesskey" || n == "secretaccesskey" || n == "awssecretkey"
}

/// Whether `text` looks like a secret access key: 40 characters of base64.
fn looks_secret(text: &str) -> bool {
    text.len() == 40
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'/' || b == b'+' || b == b'=')
}

/// Byte ranges of access key ids (`AKIA` or `ASIA` and 16 of `A-Z2-7`-ish characters, alone).
fn key_ids(text: &str) -> Vec<(usize, usize)> {
    let bytes = text.as_bytes();
    let part = |b: u8| b.is_ascii_uppercase() || b.is_ascii_digit();
    let mut out = Vec::new();
    let mut i = 0;
    while i + 20 <= bytes.len() {
        let starts = &bytes[i..i + 4] == b"AKIA" || &bytes[i..i + 4] == b"ASIA";
        let alone_before = i == 0 || !part(bytes[i - 1]);
        let alone_after = bytes.get(i + 20).is_none_or(|&b| !part(b));
        if starts && alone_before && alone_after && bytes[i + 4..i + 20].iter().all(|&b| part(b)) {
            out.push((i, i + 20));
            i += 20;
        } else {
            i += 1;
        }
    }
    out
}

/// Secrets written as `aws_secret_access_key = …` in a script or config file.
fn secret_assignments(text: &str) -> Vec<(usize, usize)> {
    let lower = text.to_ascii_lowercase();
    let mut out = Vec::new();
    for name in ["aws_secret_access_key", "secretaccesskey"] {
        let mut from = 0;
        while let Some(at) = lower[from..].find(name).map(|i| i + from) {
            let rest = &text[at + name.len()..];
            let skipped = rest.len()
                - rest
                    .trim_start_matches([' ', '\t', '=', ':', '"', '\''])
                    .len();
            let start = at + name.len() + skipped;
            let end = start + 40;
            if text.get(start..end).is_some_and(looks_secret) {
                out.push((start, end));
            }
            from = at + name.len();
        }
    }
    out
}

/// `AKIA…MPLE`: enough to find the key, not enough to use it.
fn masked(text: &str) -> String {
    if text.len() < 8 {
        return "…".into();
    }
    format!("{}…{}", &text[..4], &text[text.len() - 4..])
}

/// What a scan found: the text, where, and under which name.
struct Hit {
    what: &'static str,
    text: String,
    loc: Option<Location>,
    name: Option<String>,
}

/// Scans a value: strings for key ids and assignments, name/value pairs for secrets.
fn scan(
    v: &Value,
    name: Option<&str>,
    fallback: Option<Location>,
    base64: bool,
    out: &mut Vec<Hit>,
) {
    let here = v.loc.or(fallback);
    match &v.data {
        Data::String(s) => {
            if let Some(enc) = &s.encoded {
                return scan(&enc.value, name, here, false, out);
            }
            scan_text(s, name, here, base64, out);
        }
        Data::List(items) => {
            for item in items {
                scan(item, name, here, base64, out);
            }
        }
        Data::Object(entries) => {
            // `{name = "AWS_SECRET_ACCESS_KEY", value = "…"}` (ECS, Beanstalk) names its value.
            let named = entries
                .iter()
                .find(|(k, _)| k.name == "name")
                .and_then(|(_, v)| v.as_known_str());
            for (k, value) in entries {
                let name = if k.name == "value" {
                    named
                } else {
                    Some(k.name.as_str())
                };
                scan(value, name, k.loc.or(here), base64, out);
            }
        }
        _ => {}
    }
}

fn scan_text(
    s: &Str,
    name: Option<&str>,
    here: Option<Location>,
    base64: bool,
    out: &mut Vec<Hit>,
) {
    let decoded;
    let (text, exact) = if base64 {
        match decode_base64(&s.text) {
            Some(d) => {
                decoded = d;
                (decoded.as_str(), false)
            }
            None => (s.text.as_str(), true),
        }
    } else {
        (s.text.as_str(), true)
    };
    let at = |a: usize, b: usize| if exact { s.locate(a, b).or(here) } else { here };
    for (a, b) in key_ids(text) {
        out.push(Hit {
            what: "an AWS access key id",
            text: text[a..b].to_string(),
            loc: at(a, b),
            name: name.map(str::to_string),
        });
    }
    if name.is_some_and(secret_name) && looks_secret(text) {
        out.push(Hit {
            what: "an AWS secret access key",
            text: text.to_string(),
            loc: at(0, text.len()),
            name: name.map(str::to_string),
        });
    } else {
        for (a, b) in secret_assignments(text) {
            out.push(Hit {
                what: "an AWS secret access key",
                text: text[a..b].to_string(),
                loc: at(a, b),
                name: None,
            });
        }
    }
}

/// The text base64 encodes; `None` when it is not base64 of UTF-8. Line breaks, which encoded
/// user data written by hand may have, are not part of it.
fn decode_base64(text: &str) -> Option<String> {
    let compact: String = text.split_whitespace().collect();
    String::from_utf8(iamlint_model::base64::decode(&compact)?).ok()
}

impl Check for StaticAwsCredentials {
    fn check(&self, cx: &Context, out: &mut Sink) {
        for r in cx.model.managed() {
            for (_, attribute, base64) in PLACES.iter().filter(|(t, _, _)| *t == r.kind()) {
                let Some(v) = r.attribute(attribute) else {
                    continue;
                };
                let mut hits = Vec::new();
                scan(v, None, r.written(attribute), *base64, &mut hits);
                for hit in hits {
                    report(out, r, attribute, hit);
                }
            }
        }
    }
}

fn report(out: &mut Sink, r: &Resource, attribute: &str, hit: Hit) {
    let under = hit
        .name
        .map(|n| format!(" under `{n}`"))
        .unwrap_or_default();
    let f = out.finding(
        &r.address,
        hit.loc,
        format!(
            "`{}` has {} (`{}`) in `{attribute}`{under}: it is in the repository and the Terraform state",
            r.address,
            hit.what,
            masked(&hit.text)
        ),
        "remove it and let the workload use its role (execution role, task role, instance profile); then deactivate and rotate the key",
    );
    out.push(f);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_ids_stand_alone() {
        assert_eq!(key_ids("id=AKIAIOSFODNN7EXAMPLE;"), [(3, 23)]);
        assert!(key_ids("XAKIAIOSFODNN7EXAMPLE").is_empty());
        assert!(key_ids("AKIAIOSFODNN7EXAMPLEX").is_empty());
        assert!(key_ids("AKIA-not-a-key-at-all-no").is_empty());
        assert_eq!(key_ids("ASIAIOSFODNN7EXAMPLE").len(), 1);
    }

    #[test]
    fn secrets_are_found_by_name_and_in_scripts() {
        let script = "export AWS_SECRET_ACCESS_KEY='wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'\n";
        let found = secret_assignments(script);
        assert_eq!(found.len(), 1);
        assert_eq!(
            &script[found[0].0..found[0].1],
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
        );
        assert!(secret_name("aws-secret-access-key") && !secret_name("SECRET"));
        assert_eq!(
            decode_base64("aGVsbG8gd29ybGQ=").as_deref(),
            Some("hello world")
        );
        assert_eq!(masked("AKIAIOSFODNN7EXAMPLE"), "AKIA…MPLE");
    }
}
