//! The output formats. Each turns a [`Report`](crate::report::Report) into text; none prints.

use iamlint_rules::{Finding, Severity};

pub mod github;
pub mod graph;
pub mod human;
pub mod json;
pub mod junit;
pub mod sarif;

/// Where each rule's page lives, for links.
pub const RULES_URL: &str = "https://github.com/iamlint/iamlint/blob/main/rules/";

/// At most `max` of `findings`, the most severe first choice, kept in their order; and how
/// many were left out. For consumers that keep only so many (code scanning, annotations).
pub fn most_severe<'r>(
    findings: impl Iterator<Item = &'r Finding>,
    max: usize,
) -> (Vec<&'r Finding>, usize) {
    let all: Vec<&Finding> = findings.collect();
    if all.len() <= max {
        return (all, 0);
    }
    let mut order: Vec<usize> = (0..all.len()).collect();
    order.sort_by_key(|&i| (severity_rank(all[i].severity), i));
    order.truncate(max);
    order.sort_unstable();
    let left_out = all.len() - max;
    (order.into_iter().map(|i| all[i]).collect(), left_out)
}

fn severity_rank(s: Severity) -> u8 {
    match s {
        Severity::Critical => 0,
        Severity::High => 1,
        Severity::Medium => 2,
        Severity::Low => 3,
    }
}

/// `text` cut to `max` characters, with an ellipsis when cut.
pub fn cut(text: &str, max: usize) -> std::borrow::Cow<'_, str> {
    match text.char_indices().nth(max) {
        Some((at, _)) => format!("{}…", &text[..at]).into(),
        None => text.into(),
    }
}
