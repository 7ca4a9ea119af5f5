//! `--format github`: workflow commands that GitHub Actions shows as annotations on the pull
//! request, and a Markdown summary for `$GITHUB_STEP_SUMMARY`.

use iamlint_rules::Severity;

use crate::report::Report;

/// Annotations written at most. GitHub shows only the first few of a step (10 errors and 10
/// warnings) and of a job (50); the rest would only swell the log.
const MAX_ANNOTATIONS: usize = 1_000;

pub fn render(report: &Report) -> String {
    let mut out = String::new();
    for e in report.model.errors.iter().take(MAX_ANNOTATIONS) {
        let mut props = format!("file={}", property(&report.repo_path(&e.path)));
        if let Some(loc) = e.loc {
            let p = report.position(loc);
            props.push_str(&format!(",line={},col={}", p.line, p.column));
        }
        out.push_str(&format!(
            "::error {props},title=iamlint: load error::{}\n",
            data(&e.message)
        ));
    }
    let (kept, left_out) = super::most_severe(report.findings.iter(), MAX_ANNOTATIONS);
    for f in kept {
        let level = match f.severity {
            Severity::Critical | Severity::High => "error",
            Severity::Medium => "warning",
            Severity::Low => "notice",
        };
        let mut props = String::new();
        if let Some(loc) = f.loc {
            let p = report.position(loc);
            props = format!(
                "file={},line={},col={},endLine={},endColumn={},",
                property(&report.repo_path(&p.path)),
                p.line,
                p.column,
                p.end_line,
                p.end_column
            );
        }
        let title = format!("{} ({})", f.rule, f.severity.as_str());
        let message = format!("{}\n\nhelp: {}", f.message, f.help);
        out.push_str(&format!(
            "::{level} {props}title={}::{}\n",
            property(&title),
            data(&message)
        ));
    }
    if left_out > 0 {
        out.push_str(&format!(
            "::notice title=iamlint::{left_out} less severe findings are not annotated (at most \
             {MAX_ANNOTATIONS}, the most severe); the job summary, `--format sarif` and \
             `--format json` list them\n"
        ));
    }
    out
}

/// GitHub accepts a job summary of at most 1 MiB per step; the table stops short of it, with
/// room for the closing lines.
pub const MAX_SUMMARY: usize = 1_000_000;
/// A table cell's message is cut at this many characters.
const MAX_CELL: usize = 500;

/// A Markdown table for the job summary page.
pub fn summary(report: &Report) -> String {
    let mut out = String::from("### iamlint\n\n");
    if report.findings.is_empty() {
        out.push_str("No findings.\n");
    } else {
        out.push_str("| severity | rule | location | message |\n|---|---|---|---|\n");
        for (i, f) in report.findings.iter().enumerate() {
            if out.len() > MAX_SUMMARY - 2_000 {
                out.push_str(&format!(
                    "\n{} more findings are not listed: a job summary holds at most 1 MiB. \
                     The annotations, `--format sarif` and `--format json` have them all.\n",
                    report.findings.len() - i
                ));
                break;
            }
            let at = f.loc.map_or(String::new(), |l| {
                let p = report.position(l);
                format!("`{}:{}`", report.repo_path(&p.path), p.line)
            });
            out.push_str(&format!(
                "| {} | `{}` | {at} | {} |\n",
                f.severity.as_str(),
                f.rule,
                cell(&f.message)
            ));
        }
    }
    if !report.model.errors.is_empty() {
        out.push_str(&format!(
            "\n{} file(s) could not be loaded.\n",
            report.model.errors.len()
        ));
    }
    if !report.model.coverage.is_empty() {
        out.push_str(&format!(
            "\n{} item(s) could not be fully evaluated.\n",
            report.model.coverage.len()
        ));
    }
    out
}

/// Escapes a workflow command's message.
fn data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a workflow command's property value.
fn property(s: &str) -> String {
    data(s).replace(':', "%3A").replace(',', "%2C")
}

fn cell(s: &str) -> String {
    super::cut(s, MAX_CELL)
        .replace('|', "\\|")
        .replace('\n', " ")
}
