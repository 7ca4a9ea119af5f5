//! `--format json`: the versioned contract (version 1). Tests pin it; change it only with a
//! new version.

use serde::Serialize;

use crate::report::{Position, Report};

pub const VERSION: u32 = 1;

#[derive(Serialize)]
struct Output<'a> {
    version: u32,
    tool: Tool,
    findings: Vec<Finding<'a>>,
    errors: Vec<Error<'a>>,
    coverage: Vec<Coverage<'a>>,
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct Finding<'a> {
    rule: &'a str,
    severity: &'a str,
    category: &'a str,
    message: &'a str,
    help: &'a str,
    address: &'a str,
    location: Option<Loc>,
    related: Vec<Related<'a>>,
    /// The steps of a path (privilege escalation), in order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    path: Vec<Related<'a>>,
    fingerprint: &'a str,
}

#[derive(Serialize)]
struct Related<'a> {
    message: &'a str,
    address: Option<&'a str>,
    location: Option<Loc>,
}

#[derive(Serialize)]
struct Loc {
    path: String,
    line: u32,
    column: u32,
    end_line: u32,
    end_column: u32,
}

impl From<Position> for Loc {
    fn from(p: Position) -> Loc {
        Loc {
            path: p.path,
            line: p.line,
            column: p.column,
            end_line: p.end_line,
            end_column: p.end_column,
        }
    }
}

#[derive(Serialize)]
struct Error<'a> {
    path: &'a str,
    line: u32,
    column: u32,
    message: &'a str,
}

#[derive(Serialize)]
struct Coverage<'a> {
    address: &'a str,
    message: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    location: Option<Loc>,
}

pub fn render(report: &Report) -> String {
    let out = Output {
        version: VERSION,
        tool: Tool {
            name: "iamlint",
            version: env!("CARGO_PKG_VERSION"),
        },
        findings: report
            .findings
            .iter()
            .map(|f| Finding {
                rule: f.rule,
                severity: f.severity.as_str(),
                category: f.category.as_str(),
                message: &f.message,
                help: &f.help,
                address: &f.address,
                location: f.loc.map(|l| report.position(l).into()),
                related: f.related.iter().map(|r| related(report, r)).collect(),
                path: f.path.iter().map(|r| related(report, r)).collect(),
                fingerprint: &f.fingerprint,
            })
            .collect(),
        errors: report
            .model
            .errors
            .iter()
            .map(|e| {
                let (line, column) = e.loc.map_or((1, 1), |l| {
                    let p = report.position(l);
                    (p.line, p.column)
                });
                Error {
                    path: &e.path,
                    line,
                    column,
                    message: &e.message,
                }
            })
            .collect(),
        coverage: report
            .model
            .coverage
            .iter()
            .map(|c| Coverage {
                address: &c.address,
                message: &c.message,
                location: c.loc.map(|l| report.position(l).into()),
            })
            .collect(),
    };
    let mut text = serde_json::to_string_pretty(&out).expect("plain data serializes");
    text.push('\n');
    text
}

fn related<'a>(report: &Report, r: &'a iamlint_rules::Related) -> Related<'a> {
    Related {
        message: &r.message,
        address: r.address.as_deref(),
        location: r.loc.map(|l| report.position(l).into()),
    }
}
