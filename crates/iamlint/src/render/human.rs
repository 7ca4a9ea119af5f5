//! `--format human`: miette diagnostics with the flagged element underlined, then a summary.

use std::fmt;
use std::io::IsTerminal;

use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError,
    MietteSpanContents, SourceCode, SourceSpan, SpanContents,
};

use iamlint_model::{Location, SourceFile};
use iamlint_rules::{Finding, Severity};

use crate::cli::Color;
use crate::report::Report;

/// Output is fixed at this width so that the same input renders the same bytes everywhere.
const WIDTH: usize = 100;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    /// Unicode drawing and colour.
    Terminal,
    /// ASCII, no colour: logs, files, pipes, and `NO_COLOR`.
    Plain,
}

impl Style {
    /// Colour when asked (`always`), else (`auto`) on a terminal unless `NO_COLOR` is set; a
    /// report written to a file is plain unless asked.
    pub fn detect(to_file: bool, color: Color) -> Style {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        match color {
            Color::Always => Style::Terminal,
            Color::Never => Style::Plain,
            Color::Auto if to_file || no_color || !std::io::stdout().is_terminal() => Style::Plain,
            Color::Auto => Style::Terminal,
        }
    }
}

/// A source file as miette reads it, through our line index: no rescanning from the top of
/// a 50 MB file for every finding.
struct FileSource<'a>(&'a SourceFile);

/// Lines longer than this are shown as a window of `MARGIN` bytes each side of the span.
const LONG_LINE: usize = 240;
const MARGIN: usize = 80;

impl SourceCode for FileSource<'_> {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let file = self.0;
        let text = file.text.as_bytes();
        let (start, end) = (span.offset(), span.offset() + span.len());
        if end > text.len() {
            return Err(MietteError::OutOfBounds);
        }
        let starts = file.line_starts();
        let first = file.line_index(start as u32);
        let last = file.line_index(end.saturating_sub(1).max(start) as u32);
        let (window_first, window_last) = (
            first.saturating_sub(before),
            (last + after).min(starts.len() - 1),
        );
        let (mut window_start, mut column) = if before == 0 {
            (start, file.line_col(start as u32).column as usize - 1)
        } else {
            (starts[window_first] as usize, 0)
        };
        let mut window_end = starts
            .get(window_last + 1)
            .map_or(text.len(), |&s| s as usize)
            .max(end);
        let (mut window_first, mut window_last) = (window_first, window_last);
        if before > 0 && first == last && window_end - starts[first] as usize > LONG_LINE {
            // A minified plan is one line of megabytes: show the part around the span.
            let line_start = starts[first] as usize;
            let line_end = starts.get(first + 1).map_or(text.len(), |&s| s as usize);
            let mut from = start.saturating_sub(MARGIN).max(line_start);
            while !file.text.is_char_boundary(from) {
                from -= 1;
            }
            let mut to = (end + MARGIN).min(line_end);
            while !file.text.is_char_boundary(to) {
                to += 1;
            }
            (window_start, window_end) = (from, to);
            (window_first, window_last) = (first, first);
            column = file.text[line_start..from].chars().count();
        }
        Ok(Box::new(MietteSpanContents::new_named(
            file.path.clone(),
            &text[window_start..window_end],
            (window_start, window_end - window_start).into(),
            window_first,
            column,
            window_last - window_first + 1,
        )))
    }
}

struct Diag<'a> {
    message: String,
    code: String,
    severity: miette::Severity,
    help: Option<String>,
    source: Option<FileSource<'a>>,
    labels: Vec<LabeledSpan>,
    related: Vec<Diag<'a>>,
}

impl fmt::Debug for Diag<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl fmt::Display for Diag<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Diag<'_> {}

impl Diagnostic for Diag<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        (!self.code.is_empty()).then(|| Box::new(&self.code) as Box<dyn fmt::Display>)
    }
    fn severity(&self) -> Option<miette::Severity> {
        Some(self.severity)
    }
    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }
    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.source.as_ref().map(|s| s as &dyn SourceCode)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        (!self.labels.is_empty())
            .then(|| Box::new(self.labels.iter().cloned()) as Box<dyn Iterator<Item = LabeledSpan>>)
    }
    fn related<'b>(&'b self) -> Option<Box<dyn Iterator<Item = &'b dyn Diagnostic> + 'b>> {
        (!self.related.is_empty()).then(|| {
            Box::new(self.related.iter().map(|d| d as &dyn Diagnostic))
                as Box<dyn Iterator<Item = &dyn Diagnostic>>
        })
    }
}

fn span(loc: Location) -> SourceSpan {
    (loc.start as usize, (loc.end - loc.start) as usize).into()
}

fn finding_diag<'a>(report: &'a Report, f: &Finding) -> Diag<'a> {
    let severity = match f.severity {
        Severity::Critical | Severity::High => miette::Severity::Error,
        Severity::Medium => miette::Severity::Warning,
        Severity::Low => miette::Severity::Advice,
    };
    let mut labels = Vec::new();
    let mut related = Vec::new();
    if let Some(loc) = f.loc {
        // The message says it all; the underline needs no words.
        labels.push(LabeledSpan::new_primary_with_span(None, span(loc)));
    }
    for r in &f.related {
        match r.loc {
            Some(l) if Some(l.file) == f.loc.map(|p| p.file) => {
                labels.push(LabeledSpan::new_with_span(Some(r.message.clone()), span(l)))
            }
            Some(l) => related.push(Diag {
                message: r.message.clone(),
                code: String::new(),
                severity: miette::Severity::Advice,
                help: None,
                source: Some(FileSource(report.model.sources.get(l.file))),
                labels: vec![LabeledSpan::new_primary_with_span(None, span(l))],
                related: Vec::new(),
            }),
            None => {}
        }
    }
    Diag {
        message: format!("{}: {}", f.severity.as_str(), f.message),
        code: f.rule.to_string(),
        severity,
        help: Some(f.help.clone()),
        source: f.loc.map(|l| FileSource(report.model.sources.get(l.file))),
        labels,
        related,
    }
}

/// How the human report is drawn and what it holds beside the findings.
pub struct Options {
    pub style: Style,
    /// Also list what could not be evaluated.
    pub verbose: bool,
    /// Findings and load errors only: no summary line.
    pub quiet: bool,
    /// A table of findings per rule after them.
    pub statistics: bool,
}

pub fn render(report: &Report, options: &Options) -> String {
    let (style, verbose) = (options.style, options.verbose);
    let theme = match style {
        Style::Terminal => GraphicalTheme::unicode(),
        Style::Plain => GraphicalTheme::none(),
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(WIDTH)
        .with_links(false)
        .with_urls(false);
    let mut out = String::new();
    for e in &report.model.errors {
        let diag = Diag {
            message: format!("{}: {}", e.path, e.message),
            code: "load-error".into(),
            severity: miette::Severity::Error,
            help: Some(
                "the other files were still linted; fix this one so that it is linted too".into(),
            ),
            source: e.loc.map(|l| FileSource(report.model.sources.get(l.file))),
            labels: e
                .loc
                .map(|l| LabeledSpan::new_primary_with_span(Some("here".into()), span(l)))
                .into_iter()
                .collect(),
            related: Vec::new(),
        };
        let _ = handler.render_report(&mut out, &diag);
        out.push('\n');
    }
    for f in &report.findings {
        let _ = handler.render_report(&mut out, &finding_diag(report, f));
        out.push('\n');
    }
    if verbose {
        for c in &report.model.coverage {
            let at = c.loc.map_or(String::new(), |l| {
                let p = report.position(l);
                format!("{}:{}:{}: ", p.path, p.line, p.column)
            });
            out.push_str(&format!("note: {at}{}: {}\n", c.address, c.message));
        }
    }
    if options.statistics {
        out.push_str(&statistics(report));
    }
    if !options.quiet {
        out.push_str(&summary_line(report, verbose));
    }
    out
}

/// Findings per rule, most first (then by name): `  12  high      write-on-any-resource`.
fn statistics(report: &Report) -> String {
    let mut counts: Vec<(usize, &str, Severity)> = Vec::new();
    for f in &report.findings {
        match counts.iter_mut().find(|(_, rule, _)| *rule == f.rule) {
            Some((n, _, worst)) => {
                *n += 1;
                if f.severity.at_least(*worst) {
                    *worst = f.severity;
                }
            }
            None => counts.push((1, f.rule, f.severity)),
        }
    }
    counts.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(b.1)));
    let mut out = String::new();
    for (n, rule, worst) in counts {
        out.push_str(&format!("{n:>6}  {:<9} {rule}\n", worst.as_str()));
    }
    out
}

fn summary_line(report: &Report, verbose: bool) -> String {
    let files = report.model.sources.len();
    let files_word = if files == 1 { "file" } else { "files" };
    let mut line = if report.findings.is_empty() {
        format!("iamlint: no findings in {files} {files_word}")
    } else {
        let counts: Vec<String> = Severity::ALL
            .iter()
            .map(|&s| (s, report.count(s)))
            .filter(|(_, n)| *n > 0)
            .map(|(s, n)| format!("{n} {}", s.as_str()))
            .collect();
        let n = report.findings.len();
        format!(
            "iamlint: {n} {} ({}) in {} of {files} {files_word}",
            if n == 1 { "finding" } else { "findings" },
            counts.join(", "),
            report.files_with_findings()
        )
    };
    if report.roots > 0 {
        let roots = report.roots;
        line.push_str(&format!(
            " ({roots} {})",
            if roots == 1 {
                "root module"
            } else {
                "root modules"
            }
        ));
    }
    let errors = report.model.errors.len();
    if errors > 0 {
        line.push_str(&format!(
            "; {errors} {} could not be loaded",
            if errors == 1 { "file" } else { "files" }
        ));
    }
    let unknown = report.model.coverage.len();
    if unknown > 0 {
        line.push_str(&format!(
            "; {unknown} {} could not be fully evaluated",
            if unknown == 1 { "item" } else { "items" }
        ));
        if !verbose {
            line.push_str(": run with -v");
        }
    }
    line.push('\n');
    line
}
