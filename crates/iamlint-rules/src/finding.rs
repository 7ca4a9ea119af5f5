//! Findings: plain data, produced by rules through a [`Sink`].

use iamlint_model::model::Coverage;
use iamlint_model::policy::Statement;
use iamlint_model::{Location, PolicyRecord};

use crate::rule::{Category, RuleMeta, Severity};

/// A place that helps explain a finding ("role defined here", "used by this role").
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Related {
    pub message: String,
    pub address: Option<String>,
    pub loc: Option<Location>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    pub rule: &'static str,
    pub severity: Severity,
    pub category: Category,
    /// Lowercase, no trailing period, names the Terraform address.
    pub message: String,
    /// What to do.
    pub help: String,
    /// The Terraform address that holds the problem.
    pub address: String,
    pub loc: Option<Location>,
    pub related: Vec<Related>,
    /// The steps of a path, in order, for a finding that is one (a privilege escalation):
    /// each with where it is allowed. Empty for most findings.
    pub path: Vec<Related>,
    /// Stable across edits that move lines; set by [`crate::run`].
    pub fingerprint: String,
}

impl Finding {
    pub fn with_related(
        mut self,
        message: impl Into<String>,
        address: Option<&str>,
        loc: Option<Location>,
    ) -> Self {
        self.related.push(Related {
            message: message.into(),
            address: address.map(str::to_string),
            loc,
        });
        self
    }

    /// Adds a step to the finding's path.
    pub fn with_step(
        mut self,
        message: impl Into<String>,
        address: Option<&str>,
        loc: Option<Location>,
    ) -> Self {
        self.path.push(Related {
            message: message.into(),
            address: address.map(str::to_string),
            loc,
        });
        self
    }

    pub fn with_severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self
    }
}

/// What to do about a statement of `record`: `help` for a policy written in the tree; for an
/// AWS-managed policy, which nobody edits, attaching a narrower one instead.
pub fn help_for(record: &PolicyRecord, help: impl Into<String>) -> String {
    match record.managed {
        None => help.into(),
        Some(name) => format!(
            "attach a policy that grants only the actions and resources this principal needs instead of `{name}` (an AWS-managed policy cannot be narrowed)"
        ),
    }
}

/// At most this many findings of one rule are kept for one root module; the rest are counted
/// and summed up in one finding. Real modules stay far below it (the 10,000-file benchmark's
/// largest root has under 100 of any rule); a generated policy with a million actions must not
/// become a million findings, gigabytes of SARIF and minutes of rendering.
pub const MAX_PER_RULE: usize = 1_000;

/// Where one rule's findings go.
pub struct Sink {
    meta: &'static RuleMeta,
    pub(crate) findings: Vec<Finding>,
    /// Findings past [`MAX_PER_RULE`]: how many, the first of them, and the worst severity.
    dropped: Option<(usize, Finding)>,
    /// Findings folded into an earlier one at the same place: its index, and how many.
    alike: Vec<(usize, usize)>,
    /// The places of attached AWS-managed policies' statements, where findings fold.
    folding: Vec<Location>,
    /// Judgements withheld, as coverage notes.
    coverage: Vec<Coverage>,
}

impl Sink {
    pub(crate) fn new(meta: &'static RuleMeta) -> Self {
        Sink {
            meta,
            findings: Vec::new(),
            dropped: None,
            alike: Vec::new(),
            folding: Vec::new(),
            coverage: Vec::new(),
        }
    }

    /// A judgement this rule withholds (something it needs could not be read): a coverage note
    /// at `loc`, so that silence is never taken for a pass.
    pub fn withheld(&mut self, address: &str, message: String, loc: Option<Location>) {
        self.coverage.push(Coverage {
            address: address.to_string(),
            message,
            loc,
        });
    }

    /// The findings, and the coverage notes of judgements withheld.
    pub(crate) fn into_parts(mut self) -> (Vec<Finding>, Vec<Coverage>) {
        let coverage = std::mem::take(&mut self.coverage);
        (self.into_findings(), coverage)
    }

    /// The findings, with one that sums up those past the limit.
    pub(crate) fn into_findings(mut self) -> Vec<Finding> {
        for &(i, n) in &self.alike {
            let more = if n == 1 { "statement" } else { "statements" };
            self.findings[i].message += &format!(" (and {n} more {more} like it here)");
        }
        if let Some((n, first)) = self.dropped {
            let message = format!(
                "{n} more `{}` findings in this root module are not listed, the first of them \
                 here: {}",
                self.meta.name, first.message
            );
            self.findings.push(Finding {
                message,
                help: format!(
                    "iamlint lists at most {MAX_PER_RULE} findings of one rule in one root module; \
                     fix these (often one generated policy) to see the rest"
                ),
                related: Vec::new(),
                path: Vec::new(),
                ..first
            });
        }
        self.findings
    }

    /// A finding of this rule at its default severity.
    pub fn finding(
        &self,
        address: &str,
        loc: Option<Location>,
        message: String,
        help: impl Into<String>,
    ) -> Finding {
        Finding {
            rule: self.meta.name,
            severity: self.meta.severity,
            category: self.meta.category,
            message,
            help: help.into(),
            address: address.to_string(),
            loc,
            related: Vec::new(),
            path: Vec::new(),
            fingerprint: String::new(),
        }
    }

    /// A finding about one statement of a policy, at `loc` (else the statement):
    /// "statement "Sid" of `address`: {what}".
    pub fn statement_finding(
        &mut self,
        record: &PolicyRecord,
        statement: &Statement,
        loc: Option<Location>,
        what: impl std::fmt::Display,
        help: impl Into<String>,
    ) -> Finding {
        let message = format!("{} of {}: {what}", statement.label(), record.holder());
        let loc = loc.or(statement.loc);
        if let (Some(_), Some(at)) = (record.managed, loc) {
            self.folding.push(at);
        }
        self.finding(&record.address, loc, message, help_for(record, help))
    }

    /// Whether further findings are only counted: a rule may skip costly work (suggestions)
    /// for them.
    pub fn is_full(&self) -> bool {
        self.findings.len() >= MAX_PER_RULE
    }

    pub fn push(&mut self, finding: Finding) {
        // One place, one finding of a rule: the statements of an attached AWS-managed policy
        // (all at the ARN that attaches it) say what the first of them says.
        if let Some(i) = finding
            .loc
            .filter(|loc| self.folding.contains(loc))
            .and_then(|loc| {
                self.findings
                    .iter()
                    .position(|f| f.loc == Some(loc) && f.address == finding.address)
            })
        {
            let first = &mut self.findings[i];
            if finding.severity.at_least(first.severity) {
                first.severity = finding.severity;
            }
            match self.alike.iter_mut().find(|(at, _)| *at == i) {
                Some((_, n)) => *n += 1,
                None => self.alike.push((i, 1)),
            }
            return;
        }
        if self.findings.len() < MAX_PER_RULE {
            self.findings.push(finding);
            return;
        }
        match &mut self.dropped {
            None => self.dropped = Some((1, finding)),
            Some((n, first)) => {
                *n += 1;
                // The summary is as severe as the worst finding it stands for.
                if finding.severity.at_least(first.severity) {
                    first.severity = finding.severity;
                }
            }
        }
    }
}
