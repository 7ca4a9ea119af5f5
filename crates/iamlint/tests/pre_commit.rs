//! The pre-commit hook (`.pre-commit-hooks.yaml`), run by pre-commit itself (`pre-commit
//! try-repo`) on a fixture repository: it fails on a commit whose files have findings and
//! passes one whose files have none, the root module being evaluated whole either way. Skips,
//! saying so, where pre-commit or git is absent (`.ci/run` installs pre-commit from PyPI).

use std::path::Path;
use std::process::Command;

mod common;
use common::{copy_of_example, root};

fn available(program: &str) -> bool {
    Command::new(program)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

#[test]
fn the_hook_reports_the_findings_of_the_files_committed() {
    if !available("pre-commit") || !available("git") {
        eprintln!("skipped: pre-commit or git is not available");
        return;
    }
    let repo = copy_of_example("pre-commit");
    std::fs::write(
        repo.join("clean.tf"),
        "locals {\n  team = \"platform\"\n}\n",
    )
    .unwrap();
    let git = |args: &[&str]| {
        let ok = Command::new("git")
            .args(args)
            .current_dir(&repo)
            .output()
            .unwrap()
            .status
            .success();
        assert!(ok, "git {args:?}");
    };
    git(&["init", "-q", "."]);
    git(&["add", "."]);
    let bin = Path::new(env!("CARGO_BIN_EXE_iamlint")).parent().unwrap();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let hook = |files: &[&str]| {
        let out = Command::new("pre-commit")
            .arg("try-repo")
            .arg(root())
            .arg("iamlint")
            .arg("--files")
            .args(files)
            .current_dir(&repo)
            .env("PATH", &path)
            .env("PRE_COMMIT_HOME", repo.join(".pre-commit-home"))
            .env("NO_COLOR", "1")
            .output()
            .unwrap();
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stdout).to_string(),
        )
    };
    let (code, out) = hook(&["policies.tf"]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("invalid-policy-json"), "{out}");
    // Findings of the other files are not this commit's.
    assert!(!out.contains("trust-any-principal"), "{out}");
    let (code, out) = hook(&["clean.tf"]);
    assert_eq!(code, 0, "{out}");
    std::fs::remove_dir_all(&repo).unwrap();
}
