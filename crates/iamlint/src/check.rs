//! `iamlint check`: load, run the rules, render, and choose the exit code.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use iamlint_rules::{Selection, Severity, registry};

use crate::baseline;
use crate::cli::{self, CheckArgs, FailOn, Format, MinSeverity, unknown_rule};
use crate::config::{self, Config};
use crate::progress::Progress;
use crate::render;
use crate::report::Report;

pub fn run(args: CheckArgs) -> Result<ExitCode, String> {
    let paths = args.input.paths();
    let first = match paths[0].as_os_str() == "-" {
        true => PathBuf::from("."),
        false => paths[0].clone(),
    };
    let (config, _) = config::load(args.config.as_deref(), &first)?;
    let selection = selection(&args, &config)?;
    let fail_on = args
        .fail_on
        .or(config.fail_on.map(Into::into))
        .unwrap_or(FailOn::High);

    let mut timer = Timer::from_env();
    // The rules that look at policies run on each root module as soon as it is evaluated, so
    // that no run holds every root's policies at once; the rest runs on the whole model.
    // A progress line on a terminal (standard error), never in a log or on standard output.
    let progress = Progress::start(std::io::stderr().is_terminal() && !args.quiet);
    let (mut model, parts) = iamlint_terraform::load_paths_with(
        &paths,
        &args.input.load_options(&config.exclude)?,
        &|_root, part| {
            let checked = iamlint_rules::check_part(&part, &selection);
            progress.root_done(checked.findings.len());
            checked
        },
    );
    let roots = progress.finish();
    let mut found = Vec::new();
    for part in parts {
        found.extend(part.findings);
        model.coverage.extend(part.coverage);
    }
    // In the front-end's order, whatever thread found them.
    model.order_coverage();
    timer.lap("load and rules");
    if model.sources.is_empty() && model.errors.is_empty() {
        // A wrong path in a CI step must not look like a clean result.
        let shown: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
        eprintln!(
            "iamlint: warning: no Terraform files (.tf, .tf.json) or plans found in {}: nothing was linted",
            shown.join(", ")
        );
    }
    let mut findings = iamlint_rules::finish(&model, &selection, found);
    timer.lap("finish");
    if let Some(path) = &args.write_baseline {
        baseline::write(path, &model, &findings)?;
        note(
            &args,
            format!(
                "iamlint: recorded {} findings in the baseline {}",
                findings.len(),
                path.display()
            ),
        );
        findings.clear();
    }
    if !args.changed.is_empty() {
        let changed = changed_files(&args.changed)?;
        findings.retain(|f| {
            f.loc.is_some_and(|l| {
                let path = PathBuf::from(&model.sources.get(l.file).path);
                path.canonicalize().is_ok_and(|p| changed.contains(&p))
            })
        });
    }
    if let Some(path) = &args.baseline {
        let applied = baseline::apply(path, &mut findings)?;
        // Stale entries are unused suppressions, at their place in the baseline (not in a run
        // limited to changed files, which judges only those).
        let unused = registry::find("unused-suppression").map(|r| r.meta());
        if let Some(meta) = unused.filter(|m| selection.enabled(m) && args.changed.is_empty())
            && !applied.fixed.is_empty()
        {
            let severity = selection
                .severity
                .get(meta.name)
                .copied()
                .unwrap_or(meta.severity);
            let file = model.sources.add(iamlint_model::source::SourceFile::new(
                path.display().to_string(),
                applied.text.clone(),
            ));
            for e in &applied.fixed {
                let Some((start, end)) = applied.place(e) else {
                    continue;
                };
                let loc = iamlint_model::Location { file, start, end };
                findings.push(iamlint_rules::stale_baseline_entry(
                    severity,
                    loc,
                    &e.rule,
                    &e.address,
                    &e.fingerprint,
                ));
            }
        }
        let drop = if applied.fixed.is_empty() {
            String::new()
        } else {
            format!(" (`--write-baseline {}` drops them)", path.display())
        };
        note(
            &args,
            format!(
                "iamlint: baseline {}: {} known findings left out, {} fixed since it was written{drop}",
                path.display(),
                applied.known,
                applied.fixed.len(),
            ),
        );
        if args.verbose {
            for e in &applied.fixed {
                note(
                    &args,
                    format!(
                        "  fixed: {} {} ({}): {}",
                        e.rule, e.address, e.path, e.message
                    ),
                );
            }
        }
    }
    if let Some(min) = args.min_severity {
        let shown = match min {
            MinSeverity::Critical => Severity::Critical,
            MinSeverity::High => Severity::High,
            MinSeverity::Medium => Severity::Medium,
            MinSeverity::Low => Severity::Low,
        };
        findings.retain(|f| f.severity.at_least(shown));
    }
    let mut report = Report::new(&model, findings);
    report.roots = roots;
    report.severities = selection.severity.clone();

    for spec in reports(&args)? {
        let file = spec.file.as_ref().or(args.output.as_ref());
        let text = render_one(spec.format, file.is_some(), &args, &report)?;
        match file {
            Some(path) => std::fs::write(path, text)
                .map_err(|e| format!("cannot write {}: {e}", path.display()))?,
            None => {
                let mut out = std::io::stdout().lock();
                // A closed pipe (`| head`) is not an error of ours.
                let _ = out.write_all(text.as_bytes()).and_then(|_| out.flush());
            }
        }
    }
    timer.lap("render and write");
    progress.closing(roots, model.sources.len());
    let code = exit_code(&report, fail_on);
    drop(report);
    // The process ends here: freeing every node of a large model one by one would only delay
    // the exit (measured: 12% of a run on a 5 MB file).
    std::mem::forget(model);
    Ok(code)
}

/// Phase timings on stderr when `IAMLINT_TIMINGS` is set: what the benchmark and a curious
/// user read to see where time goes.
pub struct Timer {
    last: Option<std::time::Instant>,
}

impl Timer {
    pub fn from_env() -> Timer {
        Timer {
            last: std::env::var_os("IAMLINT_TIMINGS").map(|_| std::time::Instant::now()),
        }
    }

    pub fn lap(&mut self, phase: &str) {
        if let Some(last) = self.last {
            eprintln!("iamlint: {phase} {:.3}s", last.elapsed().as_secs_f64());
            self.last = Some(std::time::Instant::now());
        }
    }
}

/// The reports asked for: human on standard output by default; at most one without a file.
fn reports(args: &CheckArgs) -> Result<Vec<cli::Report>, String> {
    if args.format.is_empty() {
        return Ok(vec![cli::Report {
            format: Format::Human,
            file: None,
        }]);
    }
    if args.format.iter().filter(|r| r.file.is_none()).count() > 1 {
        return Err(
            "several --format without a file: give each but one its own (`--format sarif=iamlint.sarif`)"
                .to_string(),
        );
    }
    Ok(args.format.clone())
}

/// One report's text. The GitHub format also appends the step summary when the runner
/// provides one (`GITHUB_STEP_SUMMARY`).
fn render_one(
    format: Format,
    to_file: bool,
    args: &CheckArgs,
    report: &Report,
) -> Result<String, String> {
    Ok(match format {
        Format::Human => render::human::render(
            report,
            &render::human::Options {
                style: render::human::Style::detect(to_file, args.color),
                verbose: args.verbose,
                quiet: args.quiet,
                statistics: args.statistics,
            },
        ),
        Format::Json => render::json::render(report),
        Format::Sarif => render::sarif::render(report),
        Format::Junit => render::junit::render(report),
        Format::Github => {
            if let Some(summary) = std::env::var_os("GITHUB_STEP_SUMMARY") {
                append(&PathBuf::from(summary), &render::github::summary(report))?;
            }
            render::github::render(report)
        }
    })
}

fn exit_code(report: &Report, fail_on: FailOn) -> ExitCode {
    if !report.model.errors.is_empty() {
        return ExitCode::from(2);
    }
    let threshold = match fail_on {
        FailOn::Critical => Severity::Critical,
        FailOn::High => Severity::High,
        FailOn::Medium => Severity::Medium,
        FailOn::Low => Severity::Low,
        FailOn::Never => return ExitCode::SUCCESS,
    };
    if report
        .findings
        .iter()
        .any(|f| f.severity.at_least(threshold))
    {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// The command line's `--select` replaces the config's; `--ignore` adds to it.
fn selection(args: &CheckArgs, config: &Config) -> Result<Selection, String> {
    let select = if args.select.is_empty() {
        config.rules.select.clone()
    } else {
        args.select.clone()
    };
    let ignore: Vec<String> = config
        .rules
        .ignore
        .iter()
        .chain(&args.ignore)
        .cloned()
        .collect();
    for name in select.iter().chain(&ignore) {
        let is_category = [
            "all",
            "correctness",
            "security",
            "suspicious",
            "pedantic",
            "nursery",
        ]
        .contains(&name.as_str());
        if !is_category && registry::find(name).is_none() {
            return Err(unknown_rule(name));
        }
    }
    let mut severity = std::collections::BTreeMap::new();
    for (rule, level) in &config.rules.severity {
        registry::find(rule).ok_or_else(|| unknown_rule(rule))?;
        let level = Severity::parse(level).ok_or_else(|| {
            format!("severity `{level}` of `{rule}`: expected critical, high, medium or low")
        })?;
        severity.insert(rule.clone(), level);
    }
    let twelve_digits = |a: &String| a.len() == 12 && a.bytes().all(|b| b.is_ascii_digit());
    for account in config.account_id.iter().chain(&config.trusted_accounts) {
        if !twelve_digits(account) {
            return Err(format!(
                "account `{account}` in {}: expected 12 digits",
                config::FILE_NAME
            ));
        }
    }
    let max_hops = config
        .privesc
        .max_hops
        .unwrap_or(iamlint_rules::privesc::MAX_HOPS);
    if !(1..=16).contains(&max_hops) {
        return Err(format!(
            "max-hops = {max_hops} in {}: expected 1 to 16",
            config::FILE_NAME
        ));
    }
    Ok(Selection {
        select,
        ignore,
        severity,
        accounts: iamlint_rules::Accounts {
            own: config.account_id.clone(),
            trusted: config.trusted_accounts.clone(),
        },
        privesc: iamlint_rules::Privesc {
            intended_admins: config.privesc.intended_admins.clone(),
            max_hops,
        },
    })
}

/// The files `--changed` names, resolved; `-` adds those standard input lists. A path that
/// does not exist (a deleted file) has no findings to report and is left out.
fn changed_files(given: &[PathBuf]) -> Result<std::collections::HashSet<PathBuf>, String> {
    let mut paths: Vec<PathBuf> = Vec::new();
    for p in given {
        if p.as_os_str() == "-" {
            let mut text = String::new();
            std::io::Read::read_to_string(&mut std::io::stdin(), &mut text)
                .map_err(|e| format!("--changed -: cannot read standard input: {e}"))?;
            paths.extend(
                text.lines()
                    .map(str::trim)
                    .filter(|l| !l.is_empty())
                    .map(PathBuf::from),
            );
        } else {
            paths.push(p.clone());
        }
    }
    Ok(paths.iter().filter_map(|p| p.canonicalize().ok()).collect())
}

/// A note for people on standard error, unless `--quiet`.
fn note(args: &CheckArgs, text: String) {
    if !args.quiet {
        eprintln!("{text}");
    }
}

fn append(path: &PathBuf, text: &str) -> Result<(), String> {
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .map_err(|e| format!("cannot open the step summary {}: {e}", path.display()))?;
    f.write_all(text.as_bytes())
        .map_err(|e| format!("cannot write the step summary: {e}"))
}
