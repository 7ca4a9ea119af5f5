//! A run's results, with the positions every renderer needs.

use std::path::{Path, PathBuf};

use iamlint_model::{Location, Model};
use iamlint_rules::{Finding, Severity};

/// A location as lines and columns (1-based; end exclusive), in characters and in UTF-16
/// code units.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Position {
    pub path: String,
    pub line: u32,
    pub column: u32,
    pub end_line: u32,
    pub end_column: u32,
    pub column_utf16: u32,
    pub end_column_utf16: u32,
}

pub struct Report<'a> {
    pub model: &'a Model,
    pub findings: Vec<Finding>,
    /// The repository root (the nearest `.git` above the current directory), for SARIF and
    /// GitHub paths.
    repo_root: Option<PathBuf>,
    /// Root modules linted (a plan is one).
    pub roots: usize,
    /// Rule severities the configuration sets, by rule name: what reports give as the rules'
    /// defaults.
    pub severities: std::collections::BTreeMap<String, iamlint_rules::Severity>,
}

impl<'a> Report<'a> {
    pub fn new(model: &'a Model, findings: Vec<Finding>) -> Self {
        let repo_root = std::env::current_dir().ok().and_then(|cwd| {
            cwd.ancestors()
                .find(|d| d.join(".git").exists())
                .map(Path::to_path_buf)
        });
        Report {
            model,
            findings,
            repo_root,
            roots: 0,
            severities: Default::default(),
        }
    }

    /// A rule's severity in this run: the configuration's, or the rule's own.
    pub fn severity_of(&self, meta: &iamlint_rules::RuleMeta) -> iamlint_rules::Severity {
        self.severities
            .get(meta.name)
            .copied()
            .unwrap_or(meta.severity)
    }

    pub fn position(&self, loc: Location) -> Position {
        let file = self.model.sources.get(loc.file);
        let start = file.line_col(loc.start);
        let end = file.line_col(loc.end.max(loc.start));
        Position {
            path: file.path.clone(),
            line: start.line,
            column: start.column,
            end_line: end.line,
            end_column: end.column,
            column_utf16: start.column_utf16,
            end_column_utf16: end.column_utf16,
        }
    }

    /// A path relative to the current directory, made relative to the repository root.
    pub fn repo_path(&self, path: &str) -> String {
        let Some(root) = &self.repo_root else {
            return path.to_string();
        };
        let Ok(cwd) = std::env::current_dir() else {
            return path.to_string();
        };
        let abs = cwd.join(path);
        match abs.strip_prefix(root) {
            Ok(rel) => normalize(rel),
            Err(_) => path.to_string(),
        }
    }

    pub fn count(&self, severity: Severity) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity == severity)
            .count()
    }

    pub fn files_with_findings(&self) -> usize {
        let mut files: Vec<_> = self
            .findings
            .iter()
            .filter_map(|f| f.loc.map(|l| l.file))
            .collect();
        files.sort();
        files.dedup();
        files.len()
    }
}

/// `a/./b/../c` → `a/c`, with forward slashes.
fn normalize(p: &Path) -> String {
    let mut parts: Vec<String> = Vec::new();
    for c in p.components() {
        match c {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                parts.pop();
            }
            other => parts.push(other.as_os_str().to_string_lossy().to_string()),
        }
    }
    parts.join("/")
}
