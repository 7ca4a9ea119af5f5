//! The command line.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};
use iamlint_rules::{docs, registry};

#[derive(Parser)]
#[command(
    name = "iamlint",
    about = "A fast linter for AWS IAM in Terraform",
    disable_version_flag = true,
    arg_required_else_help = true
)]
pub struct Cli {
    /// Print the version; with --verbose, also the AWS data it carries
    #[arg(short = 'V', long)]
    pub version: bool,
    /// With --version: where the AWS data comes from
    #[arg(long)]
    pub verbose: bool,
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// `iamlint --version [--verbose]`.
pub fn version(verbose: bool) -> Result<ExitCode, String> {
    println!("iamlint {}", env!("CARGO_PKG_VERSION"));
    if verbose {
        println!("AWS action catalog:");
        for line in iamlint_model::catalog::provenance() {
            println!("  {line}");
        }
        println!("AWS-managed policies:");
        for line in iamlint_model::managed::provenance() {
            println!("  {line}");
        }
    }
    Ok(ExitCode::SUCCESS)
}

#[derive(Subcommand)]
pub enum Command {
    /// Lint directories of Terraform (.tf, .tf.json) and files
    Check(CheckArgs),
    /// List the rules
    Rules(RulesArgs),
    /// Print a rule's documentation
    Explain {
        /// The rule name, e.g. full-admin-access
        rule: String,
    },
    /// Draw who wears, assumes and passes which role, and which policies each principal holds
    Graph(GraphArgs),
    /// Write a commented .iamlint.toml with every setting at its default
    Init {
        /// The directory to write it in
        #[arg(default_value = ".")]
        dir: PathBuf,
    },
}

#[derive(Args)]
pub struct GraphArgs {
    #[command(flatten)]
    pub input: InputArgs,
    #[arg(long, value_enum, default_value = "dot")]
    pub format: GraphFormat,
    /// Draw one edge per role, never a node standing for many roles ("every role", "roles
    /// trusting account root") that many principals reach alike
    #[arg(long)]
    pub expand: bool,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum GraphFormat {
    Dot,
    Mermaid,
    Json,
}

/// `iamlint graph`.
pub fn graph(args: &GraphArgs) -> Result<ExitCode, String> {
    let mut timer = crate::check::Timer::from_env();
    let options = iamlint_model::graph::Options {
        expand: args.expand,
    };
    // Each root module drawn as soon as it is evaluated, so that no run holds every root's
    // policies at once; its addresses are its own.
    let (model, roots) = iamlint_terraform::load_paths_with(
        &args.input.paths(),
        &args.input.load_options(&[])?,
        &|root, part| {
            (
                root.to_string(),
                iamlint_model::graph::build_with(&part, options),
            )
        },
    );
    timer.lap("load and graph");
    for e in &model.errors {
        eprintln!("iamlint: {}: {}", e.path, e.message);
    }
    let graph = iamlint_model::graph::of_roots(roots);
    let text = match args.format {
        GraphFormat::Dot => crate::render::graph::dot(&graph, &model.sources),
        GraphFormat::Mermaid => crate::render::graph::mermaid(&graph),
        GraphFormat::Json => crate::render::graph::json(&graph, &model.sources),
    };
    print!("{text}");
    Ok(if model.errors.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(2)
    })
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// For people: source snippets with the flagged element underlined
    Human,
    /// Versioned JSON (schema version 1)
    Json,
    /// SARIF 2.1.0, for GitHub code scanning
    Sarif,
    /// GitHub Actions workflow commands (annotations), plus a step summary
    Github,
    /// JUnit XML, for CI systems that show test reports
    Junit,
}

/// One report of a run: its format, and the file it goes to (else `--output` or stdout).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Report {
    pub format: Format,
    pub file: Option<PathBuf>,
}

/// `sarif` or `sarif=results.sarif`.
fn parse_report(text: &str) -> Result<Report, String> {
    let (name, file) = match text.split_once('=') {
        Some((name, file)) if !file.is_empty() => (name, Some(PathBuf::from(file))),
        Some((name, _)) => return Err(format!("`{name}=`: expected a file after `=`")),
        None => (text, None),
    };
    let format = Format::from_str(name, true).map_err(|_| {
        format!("unknown format `{name}`: expected human, json, sarif, github or junit")
    })?;
    Ok(Report { format, file })
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum MinSeverity {
    Critical,
    High,
    Medium,
    Low,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Color {
    Auto,
    Always,
    Never,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Critical,
    High,
    Medium,
    Low,
    Never,
}

#[derive(Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Report formats: human, json, sarif, github, junit. Repeat for several reports of one run,
    /// each `FORMAT=FILE` written to its file (`--format human --format sarif=iamlint.sarif
    /// --format github`); at most one without a file, which goes to `--output` or standard
    /// output [default: human]
    #[arg(long, value_parser = parse_report)]
    pub format: Vec<Report>,
    /// Write the report without a file of its own to this file instead of standard output
    #[arg(long, short)]
    pub output: Option<PathBuf>,
    /// Report only findings this baseline does not record (`--write-baseline` makes one); the
    /// recorded ones that are gone are counted as fixed
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Record every finding of this run in FILE, as a baseline for later runs
    #[arg(long, value_name = "FILE", conflicts_with = "baseline")]
    pub write_baseline: Option<PathBuf>,
    /// Report only findings located in these files (all the arguments after it; `-` reads
    /// paths from standard input, one per line, as `git diff --name-only` prints them). Root
    /// modules are still evaluated whole
    #[arg(long, value_name = "FILE", num_args = 1..)]
    pub changed: Vec<PathBuf>,
    /// Show only findings at least this severe; the exit code counts only those shown
    #[arg(long, value_enum, alias = "severity")]
    pub min_severity: Option<MinSeverity>,
    /// Findings and load errors only: no summary line or notes on standard error
    #[arg(long, short)]
    pub quiet: bool,
    /// Colour in the human report [default: auto: on a terminal, unless NO_COLOR is set]
    #[arg(long, value_enum, default_value = "auto")]
    pub color: Color,
    /// After the human report, a table of findings per rule
    #[arg(long)]
    pub statistics: bool,
    /// Exit 1 when a finding is at least this severe [default: high, or the config's fail-on]
    #[arg(long, value_enum)]
    pub fail_on: Option<FailOn>,
    /// Run only these rules or categories (repeat or separate with commas; `all` for every rule)
    #[arg(long, value_delimiter = ',')]
    pub select: Vec<String>,
    /// Do not run these rules or categories
    #[arg(long, value_delimiter = ',')]
    pub ignore: Vec<String>,
    /// Config file [default: .iamlint.toml found upwards from the first path]
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// Also list what could not be evaluated (human format)
    #[arg(long, short)]
    pub verbose: bool,
}

/// What to read, and how: the same for every command that loads Terraform.
#[derive(Args)]
pub struct InputArgs {
    /// Directories and files: Terraform, or plan/state JSON (`terraform show -json`; `-` reads
    /// it from standard input) [default: .]
    pub paths: Vec<PathBuf>,
    /// For a plan or state: the directory of the `.tf` files it came from, so that places
    /// point at them [default: the working directory, when it has Terraform files]
    #[arg(long, value_name = "DIR")]
    pub config_dir: Option<PathBuf>,
    /// Set a root module variable (repeatable): `--var name=value`
    #[arg(long = "var", value_name = "NAME=VALUE")]
    pub vars: Vec<String>,
    /// Read root module variables from a .tfvars or .tfvars.json file (repeatable)
    #[arg(long = "var-file", value_name = "FILE")]
    pub var_files: Vec<PathBuf>,
    /// Read only the directories given, not every root module below them
    #[arg(long)]
    pub no_recurse: bool,
    /// Do not look for root modules in paths matching this glob, relative to the directory
    /// given (repeatable; `examples/**`); a module an included root calls is still read
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,
}

impl InputArgs {
    /// The paths given, or the working directory.
    pub fn paths(&self) -> Vec<PathBuf> {
        if self.paths.is_empty() {
            vec![PathBuf::from(".")]
        } else {
            self.paths.clone()
        }
    }

    /// Variables from `--var`, `--var-file` and `TF_VAR_*`, standard input when a path is `-`.
    /// The loader's options; `exclude` adds globs (the config's) to `--exclude`.
    pub fn load_options(
        &self,
        exclude: &[String],
    ) -> Result<iamlint_terraform::LoadOptions, String> {
        let vars = parse_vars(&self.vars)?;
        let env_vars = std::env::vars()
            .filter_map(|(k, v)| k.strip_prefix("TF_VAR_").map(|name| (name.to_string(), v)))
            .collect();
        // `-` is a plan or state on standard input (`terraform show -json tf.plan | iamlint check -`).
        let stdin = if self.paths.iter().any(|p| p.as_os_str() == "-") {
            let mut bytes = Vec::new();
            std::io::Read::read_to_end(&mut std::io::stdin(), &mut bytes)
                .map_err(|e| format!("cannot read standard input: {e}"))?;
            Some(bytes)
        } else {
            None
        };
        Ok(iamlint_terraform::LoadOptions {
            var_files: self.var_files.clone(),
            vars,
            env_vars,
            recurse: !self.no_recurse,
            stdin,
            config_dir: self.config_dir.clone(),
            exclude: exclude_set(self.exclude.iter().chain(exclude))?,
        })
    }
}

/// The exclude globs as one set, `None` when there are none. `dir/` and `dir` also exclude
/// what is below `dir`.
fn exclude_set<'g>(
    globs: impl Iterator<Item = &'g String>,
) -> Result<Option<globset::GlobSet>, String> {
    let mut set = globset::GlobSetBuilder::new();
    let mut any = false;
    for glob in globs {
        let trimmed = glob.trim_end_matches('/');
        for pattern in [trimmed.to_string(), format!("{trimmed}/**")] {
            let g = globset::GlobBuilder::new(&pattern)
                .literal_separator(true)
                .build()
                .map_err(|e| format!("exclude `{glob}`: {e}"))?;
            set.add(g);
        }
        any = true;
    }
    if !any {
        return Ok(None);
    }
    set.build().map(Some).map_err(|e| e.to_string())
}

/// `--var name=value` pairs.
fn parse_vars(args: &[String]) -> Result<Vec<(String, String)>, String> {
    args.iter()
        .map(|v| {
            let (name, value) = v
                .split_once('=')
                .ok_or_else(|| format!("--var {v}: expected NAME=VALUE"))?;
            Ok((name.trim().to_string(), value.to_string()))
        })
        .collect()
}

#[derive(Args)]
pub struct RulesArgs {
    /// Print the rules as Markdown (the table of rules/README.md)
    #[arg(long)]
    pub markdown: bool,
}

pub fn list_rules(args: &RulesArgs) -> Result<ExitCode, String> {
    if args.markdown {
        print!("{}", docs::table("rules/"));
        return Ok(ExitCode::SUCCESS);
    }
    let width = registry::all()
        .iter()
        .map(|r| r.meta().name.len())
        .max()
        .unwrap_or(0);
    println!(
        "{:width$}  {:11}  {:8}  {:7}  summary",
        "rule", "category", "severity", "default"
    );
    for rule in registry::all() {
        let m = rule.meta();
        println!(
            "{:width$}  {:11}  {:8}  {:7}  {}",
            m.name,
            m.category.as_str(),
            m.severity.as_str(),
            if m.category.enabled_by_default() {
                "on"
            } else {
                "off"
            },
            m.summary
        );
    }
    Ok(ExitCode::SUCCESS)
}

pub fn explain(name: &str) -> Result<ExitCode, String> {
    let rule = registry::find(name).ok_or_else(|| unknown_rule(name))?;
    print!("{}", docs::page(rule.meta()));
    Ok(ExitCode::SUCCESS)
}

/// "unknown rule `x`", with the closest name when there is one.
pub fn unknown_rule(name: &str) -> String {
    match iamlint_model::similar::closest(name, registry::all().iter().map(|r| r.meta().name)) {
        Some(n) => {
            format!("unknown rule `{name}` (did you mean `{n}`?); `iamlint rules` lists them")
        }
        None => format!("unknown rule `{name}`; `iamlint rules` lists them"),
    }
}
