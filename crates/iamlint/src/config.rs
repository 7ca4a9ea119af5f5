//! `.iamlint.toml`: rule selection and severities, and the severity that fails the run.
//!
//! ```toml
//! fail-on = "medium"
//! account-id = "111122223333"           # your account: trusting it is not cross-account
//! trusted-accounts = ["444455556666"]   # accounts trusted without an external id
//! exclude = ["examples/**"]             # not searched for root modules
//!
//! [rules]
//! select = ["all"]
//! ignore = ["allow-not-resource"]
//! severity = { service-wildcard-action = "high" }
//!
//! [privesc]
//! intended-admins = ["module.platform.aws_iam_role.terraform"]   # administrators by design
//! max-hops = 8
//! ```

use iamlint_terraform::confine::{Boundary, Refused};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::cli::FailOn;

pub const FILE_NAME: &str = ".iamlint.toml";

/// What `iamlint init` writes: every setting, commented out at its default.
pub const TEMPLATE: &str = r#"# iamlint configuration: https://github.com/iamlint/iamlint#configuration
# Every setting is commented out at its default; uncomment what you change.

# Exit 1 when a finding is at least this severe: critical, high, medium, low or never.
# fail-on = "high"

# The AWS account this configuration deploys to: trusting it is not cross-account.
# account-id = "111122223333"

# Other accounts that may be trusted without an external id.
# trusted-accounts = []

# Paths not looked for root modules in (globs, relative to the directory linted); a module an
# included root calls is still read.
# exclude = ["examples/**"]

[rules]
# Rules or categories (correctness, security, suspicious) to run; "all" for every rule.
# select = []
# Rules or categories to leave out.
# ignore = []
# Severities of your own, per rule: critical, high, medium or low.
# severity = { service-wildcard-action = "high" }

[privesc]
# Addresses (`*`, `?` allowed) of principals that are administrators by design.
# intended-admins = []
# How many steps an escalation path may take (1 to 16).
# max-hops = 8
"#;

/// `iamlint init`: writes [`TEMPLATE`] to `dir/.iamlint.toml`, never over an existing file.
pub fn init(dir: &Path) -> Result<PathBuf, String> {
    let path = dir.join(FILE_NAME);
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::AlreadyExists => {
                format!("{} exists already: not overwritten", path.display())
            }
            _ => format!("cannot create {}: {e}", path.display()),
        })?;
    std::io::Write::write_all(&mut file, TEMPLATE.as_bytes())
        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    Ok(path)
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Config {
    pub fail_on: Option<FailOnName>,
    /// The AWS account the configuration deploys to: trusting it is not cross-account.
    pub account_id: Option<String>,
    /// Other accounts that may be trusted without an external id.
    #[serde(default)]
    pub trusted_accounts: Vec<String>,
    /// Paths not looked for root modules in (globs, relative to the directory linted).
    #[serde(default)]
    pub exclude: Vec<String>,
    #[serde(default)]
    pub rules: RulesConfig,
    #[serde(default)]
    pub privesc: PrivescConfig,
}

/// `[privesc]`: how `privilege-escalation` searches.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct PrivescConfig {
    /// Addresses (`*`, `?`) of principals that are administrators by design.
    #[serde(default)]
    pub intended_admins: Vec<String>,
    pub max_hops: Option<usize>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RulesConfig {
    #[serde(default)]
    pub select: Vec<String>,
    #[serde(default)]
    pub ignore: Vec<String>,
    #[serde(default)]
    pub severity: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FailOnName {
    Critical,
    High,
    Medium,
    Low,
    Never,
}

impl From<FailOnName> for FailOn {
    fn from(f: FailOnName) -> FailOn {
        match f {
            FailOnName::Critical => FailOn::Critical,
            FailOnName::High => FailOn::High,
            FailOnName::Medium => FailOn::Medium,
            FailOnName::Low => FailOn::Low,
            FailOnName::Never => FailOn::Never,
        }
    }
}

/// Reads the given config file, or the first `.iamlint.toml` found from `start` upwards.
pub fn load(explicit: Option<&Path>, start: &Path) -> Result<(Config, Option<PathBuf>), String> {
    let path = match explicit {
        Some(p) => Some(p.to_path_buf()),
        None => find_upwards(start),
    };
    let Some(path) = path else {
        return Ok((Config::default(), None));
    };
    // A committed `.iamlint.toml` may be a link; one that leads out of its directory is not
    // read, so a parse error cannot print another file's first line.
    let shown = path.display().to_string();
    let text = Boundary::around_file(&path)
        .read_text(&path, &shown)
        .map_err(|Refused(why)| why)?;
    let config = toml::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok((config, Some(path)))
}

fn find_upwards(start: &Path) -> Option<PathBuf> {
    let start = std::path::absolute(start).ok()?;
    let mut dir = if start.is_dir() {
        Some(start.as_path())
    } else {
        start.parent()
    };
    while let Some(d) = dir {
        let candidate = d.join(FILE_NAME);
        if candidate.is_file() {
            return Some(candidate);
        }
        dir = d.parent();
    }
    None
}
