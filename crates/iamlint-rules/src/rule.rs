//! What a rule is: its metadata and its check.

use serde::Serialize;

use crate::context::Context;
use crate::finding::Sink;

/// Categories set defaults: correctness, security and suspicious rules run unless ignored;
/// pedantic and nursery rules only when selected.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Category {
    Correctness,
    Security,
    Suspicious,
    Pedantic,
    Nursery,
}

impl Category {
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Correctness => "correctness",
            Category::Security => "security",
            Category::Suspicious => "suspicious",
            Category::Pedantic => "pedantic",
            Category::Nursery => "nursery",
        }
    }

    pub fn enabled_by_default(self) -> bool {
        matches!(
            self,
            Category::Correctness | Category::Security | Category::Suspicious
        )
    }
}

/// Ordered from most to least severe.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Critical,
    High,
    Medium,
    Low,
}

impl Severity {
    pub const ALL: [Severity; 4] = [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Critical => "critical",
            Severity::High => "high",
            Severity::Medium => "medium",
            Severity::Low => "low",
        }
    }

    pub fn parse(s: &str) -> Option<Severity> {
        Severity::ALL.into_iter().find(|v| v.as_str() == s)
    }

    /// At least as severe as `other`.
    pub fn at_least(self, other: Severity) -> bool {
        self <= other
    }
}

/// When a rule runs: on the model, or after the model rules with their findings in hand
/// (`unused-suppression`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    Model,
    AfterFindings,
}

#[derive(Debug)]
pub struct RuleMeta {
    /// Kebab-case; the id in config, suppressions and SARIF.
    pub name: &'static str,
    pub category: Category,
    /// The default; a rule may report some findings lower (see its docs).
    pub severity: Severity,
    /// One line, lowercase, no trailing period.
    pub summary: &'static str,
    /// Markdown.
    pub docs: &'static str,
    pub phase: Phase,
}

/// Implemented by [`declare_rule!`].
pub trait Declared {
    const META: RuleMeta;
}

/// Implemented in each rule's file.
pub trait Check {
    fn check(&self, cx: &Context, out: &mut Sink);
}

pub trait Rule: Send + Sync {
    fn meta(&self) -> &'static RuleMeta;
    fn check(&self, cx: &Context, out: &mut Sink);
}

impl<T: Declared + Check + Send + Sync> Rule for T {
    fn meta(&self) -> &'static RuleMeta {
        // A `const` promoted to `'static`.
        const { &T::META }
    }

    fn check(&self, cx: &Context, out: &mut Sink) {
        Check::check(self, cx, out)
    }
}
