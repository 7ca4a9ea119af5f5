//! `--format junit`: JUnit XML, for CI systems that show test reports (GitLab, Jenkins, Azure
//! Pipelines). One test suite per rule that found something, one failing test case per
//! finding (named by its address and place), and one suite of load errors when files could not
//! be read; a clean run is one passing case, so that the report is never empty.

use std::collections::BTreeMap;

use iamlint_rules::Finding;

use crate::report::Report;

pub fn render(report: &Report) -> String {
    let mut suites: BTreeMap<&str, Vec<&Finding>> = BTreeMap::new();
    for f in &report.findings {
        suites.entry(f.rule).or_default().push(f);
    }
    let errors = report.model.errors.len();
    let total = report.findings.len() + errors;
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str(&format!(
        "<testsuites name=\"iamlint\" tests=\"{}\" failures=\"{}\" errors=\"{errors}\">\n",
        total.max(1),
        report.findings.len()
    ));
    if total == 0 {
        out.push_str("  <testsuite name=\"iamlint\" tests=\"1\" failures=\"0\" errors=\"0\">\n");
        out.push_str("    <testcase classname=\"iamlint\" name=\"no findings\"/>\n");
        out.push_str("  </testsuite>\n");
    }
    for (rule, findings) in &suites {
        out.push_str(&format!(
            "  <testsuite name=\"{}\" tests=\"{n}\" failures=\"{n}\" errors=\"0\">\n",
            escape(rule),
            n = findings.len()
        ));
        for f in findings {
            let place = f.loc.map(|l| {
                let p = report.position(l);
                format!("{}:{}:{}", report.repo_path(&p.path), p.line, p.column)
            });
            let name = match &place {
                Some(at) => format!("{} at {at}", f.address),
                None => f.address.clone(),
            };
            out.push_str(&format!(
                "    <testcase classname=\"{}\" name=\"{}\"{}>\n",
                escape(rule),
                escape(&name),
                place
                    .as_ref()
                    .map(|at| format!(" file=\"{}\"", escape(at.split(':').next().unwrap_or(at))))
                    .unwrap_or_default()
            ));
            out.push_str(&format!(
                "      <failure type=\"{}\" message=\"{}\">{}</failure>\n",
                f.severity.as_str(),
                escape(&f.message),
                escape(&format!("{}\n\nhelp: {}", f.message, f.help))
            ));
            out.push_str("    </testcase>\n");
        }
        out.push_str("  </testsuite>\n");
    }
    if errors > 0 {
        out.push_str(&format!(
            "  <testsuite name=\"load-error\" tests=\"{errors}\" failures=\"0\" errors=\"{errors}\">\n"
        ));
        for e in &report.model.errors {
            out.push_str(&format!(
                "    <testcase classname=\"load-error\" name=\"{}\">\n      <error message=\"{}\"/>\n    </testcase>\n",
                escape(&report.repo_path(&e.path)),
                escape(&e.message)
            ));
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}

/// Text as XML character data and attribute values: markup escaped, and the control
/// characters XML 1.0 cannot hold at all dropped.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\t' | '\r' => out.push(' '),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}
