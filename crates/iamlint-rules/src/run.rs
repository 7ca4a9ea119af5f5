//! Running the rules: select, check, suppress, sort, fingerprint.

use std::collections::BTreeMap;

use iamlint_model::model::Coverage;
use iamlint_model::{Model, Suppression};

use crate::context::Context;
use crate::finding::{Finding, Sink};
use crate::registry;
use crate::rule::{Phase, Rule, RuleMeta, Severity};

/// Which rules run, and severity overrides.
#[derive(Clone, Debug, Default)]
pub struct Selection {
    /// Rule names or categories; `all` for every rule. Empty: the default categories.
    pub select: Vec<String>,
    /// Rule names or categories to leave out.
    pub ignore: Vec<String>,
    /// Per-rule severity overrides.
    pub severity: BTreeMap<String, Severity>,
    /// Which AWS accounts are the user's own or trusted (`.iamlint.toml`).
    pub accounts: Accounts,
    /// How privilege escalation is searched (`[privesc]` in `.iamlint.toml`).
    pub privesc: Privesc,
}

/// Privilege-escalation options.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Privesc {
    /// Addresses (`*` and `?` wildcards) of principals that are administrators by design: never
    /// reported, and reaching one is reaching an administrator.
    pub intended_admins: Vec<String>,
    /// Hops a path may take at most.
    pub max_hops: usize,
}

impl Privesc {
    /// Whether a principal is an administrator by design.
    pub fn is_intended_admin(&self, p: &iamlint_model::links::IamPrincipal) -> bool {
        self.intended_admins
            .iter()
            .any(|g| iamlint_model::wildcard::matches(g, &p.resource.address, false))
    }
}

impl Default for Privesc {
    fn default() -> Self {
        Privesc {
            intended_admins: Vec::new(),
            max_hops: crate::privesc::MAX_HOPS,
        }
    }
}

/// The accounts a configuration says are not foreign: trusting them is not cross-account.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Accounts {
    /// The account the configuration deploys to (`account-id`).
    pub own: Option<String>,
    /// Other accounts that may be trusted without an external id (`trusted-accounts`).
    pub trusted: Vec<String>,
}

impl Accounts {
    pub fn is_known(&self, account: &str) -> bool {
        self.own.as_deref() == Some(account) || self.trusted.iter().any(|t| t == account)
    }
}

impl Selection {
    pub fn enabled(&self, meta: &RuleMeta) -> bool {
        let names = |list: &[String]| {
            list.iter()
                .any(|s| s == "all" || s == meta.name || s == meta.category.as_str())
        };
        if names(&self.ignore) {
            return false;
        }
        if self.select.is_empty() {
            meta.category.enabled_by_default()
        } else {
            names(&self.select)
        }
    }
}

/// Runs the selected rules on the model. Findings come back sorted by path, line, column and
/// rule, deduplicated, without the suppressed ones, and fingerprinted.
pub fn run(model: &Model, selection: &Selection) -> Vec<Finding> {
    let findings = check(model, selection);
    finish(model, selection, findings)
}

fn selected(selection: &Selection) -> Vec<&'static dyn Rule> {
    registry::all()
        .iter()
        .copied()
        .filter(|r| selection.enabled(r.meta()))
        .collect()
}

/// The rules that look at policies and resources, on one part of a model (a root module's):
/// unsorted, not yet suppressed. [`finish`] completes them over the whole run.
pub fn check(model: &Model, selection: &Selection) -> Vec<Finding> {
    check_part(model, selection).findings
}

/// What [`check_part`] found in one part of a model.
#[derive(Debug, Default)]
pub struct Checked {
    pub findings: Vec<Finding>,
    /// Judgements the rules withheld, and why: coverage notes beside the front-end's.
    pub coverage: Vec<Coverage>,
}

/// [`check`], with the coverage notes of judgements the rules withheld (a principal whose
/// policy iamlint could not read is not said to lack a permission).
pub fn check_part(model: &Model, selection: &Selection) -> Checked {
    let rules = selected(selection);
    let names: Vec<&'static str> = rules.iter().map(|r| r.meta().name).collect();
    let cx = Context::new(model, &[], &names, selection);
    let mut checked = Checked::default();
    for rule in rules.iter().filter(|r| r.meta().phase == Phase::Model) {
        let mut sink = Sink::new(rule.meta());
        rule.check(&cx, &mut sink);
        let (findings, coverage) = sink.into_parts();
        checked.findings.extend(findings);
        checked.coverage.extend(coverage);
    }
    checked
}

/// Completes the findings of [`check`] with the whole run's model (its sources, resources and
/// suppressions): the rules that judge findings, suppressions, severity overrides, order,
/// fingerprints.
pub fn finish(model: &Model, selection: &Selection, mut findings: Vec<Finding>) -> Vec<Finding> {
    let rules = selected(selection);
    let names: Vec<&'static str> = rules.iter().map(|r| r.meta().name).collect();
    let mut later = Vec::new();
    {
        let cx = Context::new(model, &findings, &names, selection);
        for rule in rules
            .iter()
            .filter(|r| r.meta().phase == Phase::AfterFindings)
        {
            let mut sink = Sink::new(rule.meta());
            rule.check(&cx, &mut sink);
            later.extend(sink.into_findings());
        }
    }
    findings.extend(later);
    findings.retain(|f| {
        f.rule == registry::UNUSED_SUPPRESSION
            || !model.suppressions.iter().any(|s| suppresses(model, s, f))
    });
    for f in &mut findings {
        if let Some(&s) = selection.severity.get(f.rule) {
            f.severity = s;
        }
    }
    sort_and_dedup(model, &mut findings);
    fingerprint(model, &mut findings);
    findings
}

/// Whether a suppression (with its reason) covers a finding of the same rule: on the comment's
/// line, on the line below it, or anywhere in the block of the finding's address when that
/// block starts on the line below (a comment above a `resource` — the only way to suppress
/// inside a heredoc, where comments cannot go).
pub fn suppresses(model: &Model, s: &Suppression, f: &Finding) -> bool {
    let Some(loc) = f.loc else { return false };
    if s.reason.is_none() || loc.file != s.file || !s.rules.iter().any(|r| r == f.rule) {
        return false;
    }
    let file = model.sources.get(loc.file);
    let line = file.line_col(loc.start).line;
    if line == s.line || line == s.line + 1 {
        return true;
    }
    model.resources.iter().any(|r| {
        r.address == f.address
            && r.loc.is_some_and(|b| {
                b.file == loc.file
                    && file.line_col(b.start).line == s.line + 1
                    && b.start <= loc.start
                    && loc.end <= b.end
            })
    })
}

fn sort_key(model: &Model, f: &Finding) -> (String, u32, u32, &'static str) {
    match f.loc {
        Some(loc) => {
            let file = model.sources.get(loc.file);
            let lc = file.line_col(loc.start);
            (file.path.clone(), lc.line, lc.column, f.rule)
        }
        None => (String::new(), 0, 0, f.rule),
    }
}

fn sort_and_dedup(model: &Model, findings: &mut Vec<Finding>) {
    findings.sort_by_cached_key(|f| (sort_key(model, f), f.message.clone(), f.address.clone()));
    findings.dedup_by(|a, b| {
        a.rule == b.rule && a.loc == b.loc && a.message == b.message && a.address == b.address
    });
}

/// A fingerprint that survives edits elsewhere in the file: the rule, the address, the file
/// and the text of the flagged element (not its line), and which occurrence it is.
fn fingerprint(model: &Model, findings: &mut [Finding]) {
    let mut seen: BTreeMap<u64, u32> = BTreeMap::new();
    for f in findings.iter_mut() {
        let (path, snippet) = match f.loc {
            Some(loc) => {
                let file = model.sources.get(loc.file);
                (
                    file.path.as_str(),
                    file.slice(loc)
                        .split_whitespace()
                        .collect::<Vec<_>>()
                        .join(" "),
                )
            }
            None => ("", String::new()),
        };
        let key = fnv1a(&[f.rule, &f.address, path, &snippet]);
        let n = seen.entry(key).or_default();
        *n += 1;
        f.fingerprint = format!("{:016x}", fnv1a(&[&key.to_string(), &n.to_string()]));
    }
}

/// FNV-1a, 64 bits: stable across platforms and Rust versions, unlike `DefaultHasher`.
fn fnv1a(parts: &[&str]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for b in part.bytes().chain([0xff]) {
            h ^= b as u64;
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    h
}
