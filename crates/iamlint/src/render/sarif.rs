//! `--format sarif`: SARIF 2.1.0 for GitHub code scanning. Our own structs: the format is
//! small, and we control exactly what is written (see DESIGN.md).

use serde::Serialize;

use iamlint_rules::{RuleMeta, Severity, docs, registry};

use super::RULES_URL;
use crate::report::{Position, Report};

#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: Vec<Run<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    tool: Tool,
    invocations: Vec<Invocation>,
    results: Vec<SarifResult<'a>>,
    column_kind: &'static str,
}

#[derive(Serialize)]
struct Tool {
    driver: Driver,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver {
    name: &'static str,
    version: &'static str,
    semantic_version: &'static str,
    information_uri: &'static str,
    rules: Vec<Rule>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Rule {
    id: &'static str,
    name: String,
    short_description: Text,
    full_description: Text,
    help: Help,
    help_uri: String,
    default_configuration: Configuration,
    properties: RuleProperties,
}

#[derive(Serialize)]
struct Text {
    text: String,
}

#[derive(Serialize)]
struct Help {
    text: String,
    markdown: String,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
struct RuleProperties {
    tags: Vec<&'static str>,
    precision: &'static str,
    #[serde(rename = "security-severity")]
    security_severity: &'static str,
    #[serde(rename = "problem.severity")]
    problem_severity: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Invocation {
    execution_successful: bool,
    tool_execution_notifications: Vec<Notification>,
}

#[derive(Serialize)]
struct Notification {
    level: &'static str,
    message: Text,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    locations: Vec<SarifLocation>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    rule_id: &'a str,
    rule_index: usize,
    level: &'static str,
    message: Text,
    locations: Vec<SarifLocation>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related_locations: Vec<SarifLocation>,
    /// A path finding's steps, as SARIF's own path object.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    code_flows: Vec<CodeFlow>,
    partial_fingerprints: Fingerprints<'a>,
    properties: ResultProperties<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CodeFlow {
    thread_flows: Vec<ThreadFlow>,
}

#[derive(Serialize)]
struct ThreadFlow {
    locations: Vec<ThreadFlowLocation>,
}

#[derive(Serialize)]
struct ThreadFlowLocation {
    location: SarifLocation,
}

#[derive(Serialize)]
struct Fingerprints<'a> {
    #[serde(rename = "iamlint/v1")]
    v1: &'a str,
}

#[derive(Serialize)]
struct ResultProperties<'a> {
    severity: &'static str,
    /// The result's own score: a finding may be more or less severe than its rule's default
    /// (a conditional escalation, a severity set in the config).
    #[serde(rename = "security-severity")]
    security_severity: &'static str,
    address: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifLocation {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<usize>,
    physical_location: PhysicalLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<Text>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<Region>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation {
    uri: String,
    uri_base_id: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: u32,
    start_column: u32,
    end_line: u32,
    end_column: u32,
}

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low => "note",
    }
}

/// GitHub ranks security alerts by this score: critical > 9, high 7–8.9, medium 4–6.9, low < 4.
fn security_severity(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "9.5",
        Severity::High => "8.0",
        Severity::Medium => "5.5",
        Severity::Low => "3.0",
    }
}

fn rule(meta: &'static RuleMeta, severity: Severity) -> Rule {
    let what = docs::markdown(meta)
        .split("## ")
        .find_map(|s| s.strip_prefix("What it does\n"))
        .map(|s| s.trim().replace('\n', " "))
        .unwrap_or_else(|| meta.summary.to_string());
    Rule {
        id: meta.name,
        name: meta.name.split('-').map(capitalize).collect(),
        short_description: Text {
            text: meta.summary.to_string(),
        },
        full_description: Text { text: what },
        help: Help {
            text: docs::markdown(meta),
            markdown: docs::page(meta),
        },
        help_uri: format!("{RULES_URL}{}.md", meta.name),
        default_configuration: Configuration {
            level: level(severity),
        },
        properties: RuleProperties {
            tags: vec![meta.category.as_str(), "iam", "terraform", "aws"],
            precision: "very-high",
            security_severity: security_severity(severity),
            problem_severity: match severity {
                Severity::Critical | Severity::High => "error",
                Severity::Medium => "warning",
                Severity::Low => "recommendation",
            },
        },
    }
}

fn note(text: String) -> Notification {
    Notification {
        level: "warning",
        message: Text { text },
        locations: Vec::new(),
    }
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

/// A relative path as a URI reference: `/` separators, and reserved bytes percent-encoded.
fn uri(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

fn location(
    report: &Report,
    p: Position,
    id: Option<usize>,
    message: Option<String>,
) -> SarifLocation {
    SarifLocation {
        id,
        physical_location: PhysicalLocation {
            artifact_location: ArtifactLocation {
                uri: uri(&report.repo_path(&p.path)),
                uri_base_id: "%SRCROOT%",
            },
            region: Some(Region {
                start_line: p.line,
                start_column: p.column_utf16,
                end_line: p.end_line,
                end_column: p.end_column_utf16.max(if p.end_line == p.line {
                    p.column_utf16 + 1
                } else {
                    1
                }),
            }),
        },
        message: message.map(|text| Text { text }),
    }
}

/// GitHub code scanning keeps at most this many results of a run (the most severe) and rejects
/// a run with more than 25,000; past it, the least severe are left out, with a notification.
pub const MAX_RESULTS: usize = 5_000;
/// Related locations GitHub shows per result (it rejects more than 1,000).
const MAX_RELATED: usize = 100;
/// Load errors listed as notifications.
const MAX_NOTIFICATIONS: usize = 1_000;
/// A message longer than this (an action name 17,000 characters long) is cut: the file must
/// stay within GitHub's 10 MB upload limit.
const MAX_MESSAGE: usize = 2_000;

/// Cuts a message to [`MAX_MESSAGE`] characters.
fn cut(text: String) -> String {
    super::cut(&text, MAX_MESSAGE).into_owned()
}

/// A finding's path as one thread flow, a location per step (a step written nowhere is shown
/// at the finding itself).
fn code_flow(
    report: &Report,
    f: &iamlint_rules::Finding,
    at: iamlint_model::Location,
) -> Vec<CodeFlow> {
    if f.path.is_empty() {
        return Vec::new();
    }
    let locations = f
        .path
        .iter()
        .take(MAX_RELATED)
        .map(|step| ThreadFlowLocation {
            location: location(
                report,
                report.position(step.loc.unwrap_or(at)),
                None,
                Some(cut(step.message.clone())),
            ),
        })
        .collect();
    vec![CodeFlow {
        thread_flows: vec![ThreadFlow { locations }],
    }]
}

pub fn render(report: &Report) -> String {
    let rules = registry::all();
    let located = report.findings.iter().filter(|f| f.loc.is_some());
    let (kept, left_out) = super::most_severe(located, MAX_RESULTS);
    let results = kept
        .into_iter()
        .filter_map(|f| {
            let loc = f.loc?;
            Some(SarifResult {
                rule_id: f.rule,
                rule_index: rules
                    .iter()
                    .position(|r| r.meta().name == f.rule)
                    .unwrap_or(0),
                level: level(f.severity),
                message: Text {
                    text: cut(format!("{}\nhelp: {}", f.message, f.help)),
                },
                locations: vec![location(report, report.position(loc), None, None)],
                related_locations: f
                    .related
                    .iter()
                    .filter_map(|r| Some((r.loc?, &r.message)))
                    .take(MAX_RELATED)
                    .enumerate()
                    .map(|(i, (l, m))| {
                        location(
                            report,
                            report.position(l),
                            Some(i + 1),
                            Some(cut(m.clone())),
                        )
                    })
                    .collect(),
                code_flows: code_flow(report, f, loc),
                partial_fingerprints: Fingerprints { v1: &f.fingerprint },
                properties: ResultProperties {
                    severity: f.severity.as_str(),
                    security_severity: security_severity(f.severity),
                    address: &f.address,
                },
            })
        })
        .collect();
    let mut notifications: Vec<Notification> = report
        .model
        .errors
        .iter()
        .take(MAX_NOTIFICATIONS)
        .map(|e| Notification {
            level: "error",
            message: Text {
                text: cut(format!("{}: {}", e.path, e.message)),
            },
            locations: e
                .loc
                .map(|l| location(report, report.position(l), None, None))
                .into_iter()
                .collect(),
        })
        .collect();
    if report.model.errors.len() > MAX_NOTIFICATIONS {
        notifications.push(note(format!(
            "{} more files could not be loaded; `--format json` lists them all",
            report.model.errors.len() - MAX_NOTIFICATIONS
        )));
    }
    if left_out > 0 {
        notifications.push(note(format!(
            "{left_out} less severe results are left out: GitHub code scanning keeps at most \
             {MAX_RESULTS} results per run, so the {MAX_RESULTS} most severe are here; \
             `--format json` lists them all"
        )));
    }
    let log = Log {
        schema: "https://json.schemastore.org/sarif-2.1.0.json",
        version: "2.1.0",
        runs: vec![Run {
            tool: Tool {
                driver: Driver {
                    name: "iamlint",
                    version: env!("CARGO_PKG_VERSION"),
                    semantic_version: env!("CARGO_PKG_VERSION"),
                    information_uri: "https://github.com/iamlint/iamlint",
                    rules: rules
                        .iter()
                        .map(|r| rule(r.meta(), report.severity_of(r.meta())))
                        .collect(),
                },
            },
            invocations: vec![Invocation {
                execution_successful: report.model.errors.is_empty(),
                tool_execution_notifications: notifications,
            }],
            results,
            column_kind: "utf16CodeUnits",
        }],
    };
    let mut text = serde_json::to_string_pretty(&log).expect("plain data serializes");
    text.push('\n');
    text
}
