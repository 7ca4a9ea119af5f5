//! A baseline: today's findings, recorded by fingerprint, so that a check reports only the
//! new ones. Fingerprints name the rule, the address, the file and the flagged text (spacing
//! ignored), not lines: moving a block or reformatting keeps a finding known. Entries that no
//! longer match (fixed findings) are counted, and reported as unused suppressions at their
//! place in the file, so that it is kept current.

use std::collections::BTreeSet;
use std::path::Path;

use iamlint_model::Model;
use iamlint_rules::Finding;
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize)]
struct File {
    version: u32,
    findings: Vec<Entry>,
}

/// One known finding; beside the fingerprint, what a person reading the file needs.
#[derive(Serialize, Deserialize, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Entry {
    pub fingerprint: String,
    pub rule: String,
    pub address: String,
    pub path: String,
    pub message: String,
}

/// What applying a baseline did.
pub struct Applied {
    /// Findings the baseline knows, left out.
    pub known: usize,
    /// Entries no finding matches any more.
    pub fixed: Vec<Entry>,
    /// The baseline's text, where the fixed entries are.
    pub text: String,
}

impl Applied {
    /// Where an entry is in the baseline's text: its fingerprint's value.
    pub fn place(&self, entry: &Entry) -> Option<(u32, u32)> {
        let quoted = format!("\"{}\"", entry.fingerprint);
        let key = self.text.find(&format!("\"fingerprint\": {quoted}"))?;
        let start = key + self.text[key..].find(&quoted)?;
        Some((start as u32, (start + quoted.len()) as u32))
    }
}

fn entry(model: &Model, f: &Finding) -> Entry {
    Entry {
        fingerprint: f.fingerprint.clone(),
        rule: f.rule.to_string(),
        address: f.address.clone(),
        path: f
            .loc
            .map(|l| model.sources.get(l.file).path.clone())
            .unwrap_or_default(),
        message: f.message.clone(),
    }
}

/// Writes every finding to `path`, sorted, so the file diffs well.
pub fn write(path: &Path, model: &Model, findings: &[Finding]) -> Result<(), String> {
    let mut entries: Vec<Entry> = findings.iter().map(|f| entry(model, f)).collect();
    entries.sort();
    let file = File {
        version: 1,
        findings: entries,
    };
    let text = serde_json::to_string_pretty(&file).map_err(|e| e.to_string())? + "\n";
    std::fs::write(path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// Leaves out of `findings` those `path` records.
pub fn apply(path: &Path, findings: &mut Vec<Finding>) -> Result<Applied, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read the baseline {}: {e}", path.display()))?;
    let file: File = serde_json::from_str(&text)
        .map_err(|e| format!("{}: not an iamlint baseline: {e}", path.display()))?;
    if file.version != 1 {
        return Err(format!(
            "{}: baseline version {} is not supported (1 is)",
            path.display(),
            file.version
        ));
    }
    let recorded: BTreeSet<&str> = file
        .findings
        .iter()
        .map(|e| e.fingerprint.as_str())
        .collect();
    let before = findings.len();
    let mut matched = BTreeSet::new();
    findings.retain(|f| {
        let known = recorded.contains(f.fingerprint.as_str());
        if known {
            matched.insert(f.fingerprint.clone());
        }
        !known
    });
    let fixed = file
        .findings
        .iter()
        .filter(|e| !matched.contains(&e.fingerprint))
        .cloned()
        .collect();
    Ok(Applied {
        known: before - findings.len(),
        fixed,
        text,
    })
}
