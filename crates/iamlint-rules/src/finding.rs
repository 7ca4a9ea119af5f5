//! Findings: plain data, produced by rules through a [`Sink`].

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

    pub fn with_severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self
    }
}

/// Where one rule's findings go.
pub struct Sink {
    meta: &'static RuleMeta,
    pub(crate) findings: Vec<Finding>,
}

impl Sink {
    pub(crate) fn new(meta: &'static RuleMeta) -> Self {
        Sink {
            meta,
            findings: Vec::new(),
        }
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
            fingerprint: String::new(),
        }
    }

    /// A finding about one statement of a policy, at `loc` (else the statement):
    /// "statement "Sid" of `address`: {what}".
    pub fn statement_finding(
        &self,
        record: &PolicyRecord,
        statement: &Statement,
        loc: Option<Location>,
        what: impl std::fmt::Display,
        help: impl Into<String>,
    ) -> Finding {
        let message = format!("{} of `{}`: {what}", statement.label(), record.address);
        self.finding(&record.address, loc.or(statement.loc), message, help)
    }

    pub fn push(&mut self, finding: Finding) {
        self.findings.push(finding);
    }
}
