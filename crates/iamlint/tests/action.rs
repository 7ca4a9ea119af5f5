//! The GitHub Action (`action.yml`), its steps run as the runner runs them
//! (`scripts/run_action.py`: fake `GITHUB_OUTPUT`, `GITHUB_PATH`, `GITHUB_STEP_SUMMARY`,
//! `RUNNER_OS`, `RUNNER_TEMP`) on the example: its outputs, the job summary, the SARIF file, and
//! inputs that never reach a shell as text. Skips, saying so, where Python with PyYAML is absent
//! (`.ci/run` installs it).

use std::path::{Path, PathBuf};
use std::process::Command;

mod common;
use common::root;

struct Action {
    stdout: String,
    outputs: serde_json::Value,
    code: i32,
    temp: PathBuf,
}

fn python_with_yaml() -> bool {
    Command::new("python3")
        .args(["-c", "import yaml"])
        .status()
        .is_ok_and(|s| s.success())
}

/// Runs the action with `inputs`, iamlint taken from PATH (`version: path`, the freshly built
/// binary), in a fresh runner temp directory.
fn run_action(name: &str, inputs: &[&str]) -> Action {
    let temp = std::env::temp_dir().join(format!("iamlint-action-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&temp);
    std::fs::create_dir_all(&temp).unwrap();
    let bin = Path::new(env!("CARGO_BIN_EXE_iamlint")).parent().unwrap();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let out = Command::new("python3")
        .arg(root().join("scripts/run_action.py"))
        .arg(root())
        .arg("version=path")
        .args(inputs)
        .current_dir(root())
        .env("PATH", path)
        .env("RUNNER_OS", "Linux")
        .env("RUNNER_ARCH", "X64")
        .env("RUNNER_TEMP", &temp)
        .env("GITHUB_STEP_SUMMARY", temp.join("summary.md"))
        .env_remove("NO_COLOR")
        .output()
        .expect("python3 runs");
    let stdout = String::from_utf8(out.stdout).unwrap();
    let last = stdout.lines().last().unwrap_or("{}").to_string();
    Action {
        outputs: serde_json::from_str(&last).unwrap_or_else(|_| panic!("{stdout}")),
        stdout,
        code: out.status.code().unwrap_or(-1),
        temp,
    }
}

#[test]
fn the_action_reports_annotations_summary_sarif_and_outputs() {
    if !python_with_yaml() {
        eprintln!("skipped: python3 with PyYAML is not available");
        return;
    }
    let sarif = std::env::temp_dir().join(format!("iamlint-action-{}.sarif", std::process::id()));
    let sarif_input = format!("sarif-file={}", sarif.display());
    let run = run_action("example", &["path=testdata/example", &sarif_input]);
    // Findings at `high` or above fail the step, as they fail a local run.
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert_eq!(run.outputs["findings"], "8");
    assert_eq!(run.outputs["exit-code"], "1");
    assert_eq!(run.outputs["sarif-file"], sarif.display().to_string());
    assert!(
        run.stdout
            .contains("::error file=testdata/example/iam.tf,line=8")
    );
    let alone = |format: &str| {
        let out = Command::new(env!("CARGO_BIN_EXE_iamlint"))
            .args(["check", "testdata/example", "--format", format])
            .current_dir(root())
            .env_remove("GITHUB_STEP_SUMMARY")
            .output()
            .unwrap();
        String::from_utf8(out.stdout).unwrap()
    };
    assert_eq!(std::fs::read_to_string(&sarif).unwrap(), alone("sarif"));
    let summary = std::fs::read_to_string(run.temp.join("summary.md")).unwrap();
    assert!(summary.contains("trust-any-principal"), "{summary}");
    std::fs::remove_file(&sarif).unwrap();
    std::fs::remove_dir_all(&run.temp).unwrap();

    // `fail-on: never` keeps the step green with the same findings.
    let lenient = run_action(
        "never",
        &["path=testdata/example", "fail-on=never", &sarif_input],
    );
    assert_eq!(lenient.code, 0, "{}", lenient.stdout);
    assert_eq!(lenient.outputs["findings"], "8");
    let _ = std::fs::remove_file(&sarif);
    std::fs::remove_dir_all(&lenient.temp).unwrap();
}

/// Inputs are words for iamlint, never shell text: a `;` or `$(…)` in them runs nothing.
#[test]
fn inputs_never_reach_a_shell_as_text() {
    if !python_with_yaml() {
        eprintln!("skipped: python3 with PyYAML is not available");
        return;
    }
    let marker = std::env::temp_dir().join(format!("iamlint-pwned-{}", std::process::id()));
    let _ = std::fs::remove_file(&marker);
    let injected = format!(
        "args=--verbose; touch {m} $(touch {m})",
        m = marker.display()
    );
    let path = format!("path=testdata/example`touch {}`", marker.display());
    let run = run_action("injection", &[&injected, &path]);
    assert!(!marker.exists(), "an input ran as a command");
    // iamlint got the words as arguments and refused them as a usage error.
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert_eq!(run.outputs["exit-code"], "2");
    std::fs::remove_dir_all(&run.temp).unwrap();
}

/// What the action installs is what the release publishes: every runner target the install
/// script knows is built by the release workflow, under the asset name it downloads, beside
/// the SHA256SUMS it checks.
#[test]
fn the_action_installs_what_the_release_publishes() {
    let install = std::fs::read_to_string(root().join(".github/action/install.sh")).unwrap();
    let release = std::fs::read_to_string(root().join(".github/workflows/release.yml")).unwrap();
    let targets: Vec<&str> = install
        .lines()
        .filter_map(|l| {
            l.split_once(") target=")
                .map(|(_, t)| t.trim_end_matches(" ;;"))
        })
        .collect();
    assert_eq!(targets.len(), 5, "{targets:?}");
    for target in targets {
        assert!(release.contains(&format!("target: {target},")), "{target}");
    }
    assert!(install.contains(r#"asset="iamlint-$version-$target.tar.gz""#));
    assert!(release.contains(r#""iamlint-$VERSION-$TARGET.tar.gz""#));
    assert!(release.contains("sha256sum iamlint-*.tar.gz > SHA256SUMS"));
    assert!(install.contains("sha256sum --check --strict"));
}

/// The README's workflow uses the action by the name it is published under, with inputs and
/// outputs the action declares.
#[test]
fn the_readme_workflow_uses_what_the_action_declares() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let action = std::fs::read_to_string(root().join("action.yml")).unwrap();
    let section = readme
        .split("## GitHub Action\n")
        .nth(1)
        .and_then(|s| s.split("```yaml\n").nth(1))
        .and_then(|s| s.split("```").next())
        .expect("a yaml block under ## GitHub Action");
    assert!(section.contains("uses: iamlint/iamlint@"));
    let declared = |kind: &str, name: &str| {
        let block = action.split(&format!("\n{kind}:\n")).nth(1).unwrap();
        let block = block.split("\n\n").next().unwrap();
        block.contains(&format!("\n  {name}:")) || block.starts_with(&format!("  {name}:"))
    };
    let mut in_iamlint_step = false;
    for line in section.lines() {
        let t = line.trim();
        if t.starts_with("- ") {
            in_iamlint_step = t.contains("id: iamlint");
        }
        if let Some((key, _)) = t.split_once(": ")
            && in_iamlint_step
            && line.starts_with("          ")
        {
            assert!(declared("inputs", key), "input `{key}` is not declared");
        }
        if let Some(output) = t.split("steps.iamlint.outputs.").nth(1) {
            let name = output.split_whitespace().next().unwrap();
            assert!(declared("outputs", name), "output `{name}` is not declared");
        }
    }
}
