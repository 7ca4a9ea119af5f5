//! The output formats. Each turns a [`Report`](crate::report::Report) into text; none prints.

pub mod github;
pub mod graph;
pub mod human;
pub mod json;
pub mod sarif;

/// Where each rule's page lives, for links.
pub const RULES_URL: &str = "https://github.com/iamlint/iamlint/blob/main/rules/";
