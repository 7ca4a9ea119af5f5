//! Input from a pull request nobody vetted: links out of the tree never leak what they point
//! at, and inputs built to exhaust time or memory end in seconds with a located diagnostic,
//! the other files' findings intact.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

/// A secret outside the tree, and in the environment of the run.
const SECRET: &str = "SUPER_SECRET_TOKEN_d41d8cd98f";

/// A good file with a finding, beside whatever hostile files a test adds.
const GOOD: &str = r#"
resource "aws_iam_policy" "good" {
  name   = "good"
  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "*", Resource = "*" }] })
}
"#;

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("iamlint-hostile-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("repo")).unwrap();
    dir
}

/// What a run printed, both streams.
struct Output {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

/// Runs iamlint in `dir`, killed if it takes longer than a minute (a hang fails the test
/// instead of the suite). Its streams go to files, which never fill up as pipes do.
fn run(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let out_path = dir.join(".stdout");
    let err_path = dir.join(".stderr");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_iamlint"));
    cmd.args(args)
        .current_dir(dir)
        .env("SUPER_SECRET_TOKEN", SECRET)
        .env_remove("GITHUB_STEP_SUMMARY")
        .stdout(std::fs::File::create(&out_path).unwrap())
        .stderr(std::fs::File::create(&err_path).unwrap());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().expect("iamlint runs");
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > Duration::from_secs(60) {
            child.kill().unwrap();
            panic!("iamlint {args:?} ran for more than a minute");
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let read = |p: &Path| String::from_utf8_lossy(&std::fs::read(p).unwrap()).into_owned();
    Output {
        code: status.code(),
        stdout: read(&out_path),
        stderr: read(&err_path),
    }
}

fn text(out: &Output) -> String {
    format!("{}{}", out.stdout, out.stderr)
}

#[cfg(unix)]
#[test]
fn links_out_of_the_tree_leak_nothing_in_any_format() {
    use std::os::unix::fs::symlink;
    let dir = scratch("links");
    let secret = dir.join("secret.txt");
    std::fs::write(
        &secret,
        format!("{SECRET}=1\nroot:x:0:0:root:/root:/bin/bash\n"),
    )
    .unwrap();
    let repo = dir.join("repo");
    std::fs::write(
        repo.join("main.tf"),
        format!(
            "{GOOD}\nresource \"aws_iam_policy\" \"templated\" {{\n  name   = \"t\"\n  policy = templatefile(\"policy.tftpl\", {{}})\n}}\n"
        ),
    )
    .unwrap();
    for link in [
        "env.tf",
        "secret.tf",
        "secret.tf.json",
        "terraform.tfvars",
        "x.auto.tfvars",
        "policy.tftpl",
        "plan.json",
        "prod.tfvars",
    ] {
        symlink(&secret, repo.join(link)).unwrap();
    }
    std::fs::remove_file(repo.join("env.tf")).unwrap();
    symlink("/proc/self/environ", repo.join("env.tf")).unwrap();
    // A link that stays inside the tree is read as usual.
    std::fs::create_dir(repo.join("shared")).unwrap();
    std::fs::write(
        repo.join("shared/inner.tf"),
        GOOD.replace("\"good\"", "\"inner\""),
    )
    .unwrap();
    symlink(repo.join("shared/inner.tf"), repo.join("inner.tf")).unwrap();
    let summary = dir.join("summary.md");

    let mut runs = Vec::new();
    for format in ["human", "json", "sarif", "github"] {
        let args = [
            "check",
            "repo",
            "--no-recurse",
            "--format",
            format,
            "--var-file",
            "repo/prod.tfvars",
            "-v",
        ];
        let out = run(
            &dir,
            &args,
            &[("GITHUB_STEP_SUMMARY", summary.to_str().unwrap())],
        );
        let all = text(&out);
        assert!(all.contains("aws_iam_policy.good"), "{format}: {all}");
        assert!(all.contains("aws_iam_policy.inner"), "{format}: {all}");
        runs.push((format, all));
    }
    let out = run(&dir, &["check", "repo/plan.json", "--format", "json"], &[]);
    runs.push(("plan", text(&out)));
    runs.push((
        "summary",
        std::fs::read_to_string(&summary).unwrap_or_default(),
    ));
    for (what, all) in &runs {
        assert!(!all.contains(SECRET), "{what} leaks the secret:\n{all}");
        assert!(!all.contains("root:x:0"), "{what} leaks the file:\n{all}");
    }
    // Each refused file is named, in messages that are not wrapped.
    let json = &runs[1].1;
    for link in [
        "env.tf",
        "secret.tf",
        "terraform.tfvars",
        "x.auto.tfvars",
        "prod.tfvars",
    ] {
        assert!(
            json.contains(&format!(
                r#"\"repo/{link}\" is outside the directory being linted"#
            )),
            "{link}: {json}"
        );
    }
    assert!(json.contains("policy.tftpl"), "{json}");
    assert!(
        runs[4].1.contains("outside the directory being linted"),
        "{}",
        runs[4].1
    );
    std::fs::remove_dir_all(dir).unwrap();
}

#[cfg(unix)]
#[test]
fn a_config_file_linked_out_of_its_directory_is_not_read() {
    let dir = scratch("config");
    std::fs::write(dir.join("secret.txt"), format!("{SECRET} = [\n")).unwrap();
    std::fs::write(dir.join("repo/main.tf"), GOOD).unwrap();
    std::os::unix::fs::symlink(dir.join("secret.txt"), dir.join("repo/.iamlint.toml")).unwrap();
    let out = run(&dir.join("repo"), &["check", "."], &[]);
    let all = text(&out);
    assert!(!all.contains(SECRET), "{all}");
    assert!(all.contains("outside the directory being linted"), "{all}");
    std::fs::remove_dir_all(dir).unwrap();
}

/// Root modules under `dir`, each a directory with one file.
fn roots(dir: &Path, files: &[(&str, &str)]) {
    for (path, text) in files {
        let p = dir.join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
}

/// `iamlint check repo --format FORMAT --select unknown-action` in `dir`.
fn unknown_actions(dir: &Path, format: &str, env: &[(&str, &str)]) -> Output {
    let args = [
        "check",
        "repo",
        "--format",
        format,
        "--select",
        "unknown-action",
    ];
    run(dir, &args, env)
}

fn json(out: &Output) -> serde_json::Value {
    serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", out.stderr))
}

/// 273 bytes that build 1024³ strings: the budget stops the expression where it is, the
/// other policies of the same root and of other roots are still linted.
#[test]
fn nested_ranges_stop_at_the_budget_with_the_rest_linted() {
    let dir = scratch("bomb");
    let bomb = r#"locals {
  big = flatten([for a in range(1024) : [for b in range(1024) : [for c in range(1024) : "s3:Get${a}x${b}x${c}"]]])
}
resource "aws_iam_policy" "p" {
  name   = "p"
  policy = jsonencode({ Statement = [{ Effect = "Allow", Resource = "*", Action = local.big }] })
}
"#;
    let square = r#"locals {
  big = flatten([for a in range(1024) : [for b in range(1024) : "s3:Get${a}x${b}"]])
}
resource "aws_iam_policy" "q" {
  name   = "q"
  policy = jsonencode({ Statement = [{ Effect = "Allow", Resource = "*", Action = local.big }] })
}
"#;
    roots(
        &dir.join("repo"),
        &[
            ("cube/bomb.tf", bomb),
            ("cube/good.tf", GOOD),
            ("square/main.tf", square),
            ("other/main.tf", &GOOD.replace("\"good\"", "\"other\"")),
        ],
    );
    let out = run(&dir, &["check", "repo", "--format", "json"], &[]);
    assert_eq!(out.code, Some(2), "{}", out.stderr);
    let v = json(&out);
    let addresses: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["address"].as_str().unwrap())
        .collect();
    assert!(addresses.contains(&"aws_iam_policy.good"), "{addresses:?}");
    assert!(addresses.contains(&"aws_iam_policy.other"), "{addresses:?}");
    let errors = v["errors"].as_array().unwrap();
    for (path, line) in [("repo/cube/bomb.tf", 2), ("repo/square/main.tf", 2)] {
        let e = errors
            .iter()
            .find(|e| e["path"] == path)
            .unwrap_or_else(|| panic!("no error for {path}: {errors:?}"));
        assert!(
            e["message"]
                .as_str()
                .unwrap()
                .contains("evaluation budget exceeded"),
            "{e}"
        );
        assert_eq!(e["line"], line, "{e}");
    }
    std::fs::remove_dir_all(dir).unwrap();
}

/// 1,024 unknown actions with 17,000-character names: the did-you-mean search costs nothing
/// for names no real action is near, and one rule's findings in one root are capped.
#[test]
fn huge_unknown_action_names_get_no_costly_suggestions() {
    let dir = scratch("long");
    let long = r#"locals {
  long = join("", [for i in range(1024) : "DescribeInstances"])
}
resource "aws_iam_policy" "p" {
  name   = "p"
  policy = jsonencode({ Statement = [{ Effect = "Allow", Resource = "*", Action = [for j in range(1024) : "ec2:${local.long}${j}"] }] })
}
"#;
    roots(&dir.join("repo"), &[("main.tf", long)]);
    let out = unknown_actions(&dir, "json", &[]);
    assert_eq!(out.code, Some(1), "{}", out.stderr);
    let findings = json(&out)["findings"].as_array().unwrap().clone();
    // 1,000 listed, and one that stands for the other 24.
    assert_eq!(findings.len(), 1_001);
    let summary = findings
        .iter()
        .find(|f| {
            f["message"]
                .as_str()
                .unwrap()
                .starts_with("24 more `unknown-action` findings")
        })
        .expect("a summary of the findings past the limit");
    assert_eq!(summary["severity"], "high");
    std::fs::remove_dir_all(dir).unwrap();
}

/// Thousands of findings: SARIF within what code scanning ingests, the job summary under
/// GitHub's 1 MiB, annotations bounded; each says what it left out.
#[test]
fn many_findings_fit_their_consumers() {
    let dir = scratch("many");
    let files: Vec<(String, String)> = (0..7)
        .map(|r| {
            (
                format!("r{r}/main.tf"),
                format!(
                    r#"resource "aws_iam_policy" "p" {{
  name   = "p{r}"
  policy = jsonencode({{ Statement = [{{ Effect = "Allow", Resource = "*", Action = [for j in range(1024) : "nosuchservicex:SomeRatherLongActionNameThatDoesNotExist${{j}}"] }}] }})
}}
"#
                ),
            )
        })
        .collect();
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    roots(&dir.join("repo"), &refs);
    let all = json(&unknown_actions(&dir, "json", &[]));
    assert_eq!(all["findings"].as_array().unwrap().len(), 7 * 1_001);

    let sarif = unknown_actions(&dir, "sarif", &[]);
    let v = json(&sarif);
    let results = v["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 5_000);
    let notes = v["runs"][0]["invocations"][0]["toolExecutionNotifications"].to_string();
    assert!(
        notes.contains("2007 less severe results are left out"),
        "{notes}"
    );
    assert!(
        sarif.stdout.len() < 10 << 20,
        "{} bytes",
        sarif.stdout.len()
    );

    let summary = dir.join("summary.md");
    let github = unknown_actions(
        &dir,
        "github",
        &[("GITHUB_STEP_SUMMARY", summary.to_str().unwrap())],
    );
    let summary = std::fs::read_to_string(summary).unwrap();
    assert!(summary.len() < 1 << 20, "{} bytes", summary.len());
    assert!(
        summary.contains("more findings are not listed"),
        "{}",
        &summary[summary.len() - 300..]
    );
    assert_eq!(
        github
            .stdout
            .lines()
            .filter(|l| l.starts_with("::error"))
            .count(),
        1_000
    );
    assert!(
        github
            .stdout
            .contains("6007 less severe findings are not annotated")
    );
    std::fs::remove_dir_all(dir).unwrap();
}

/// Thousands of duplicate object keys (which Terraform accepts, and iamlint works around one
/// parse at a time): the reparsing stops within its budget, the file is a located load error,
/// and the root's other files are still linted.
#[test]
fn thousands_of_duplicate_keys_stop_reparsing() {
    let dir = scratch("dups");
    let mut dups = String::from("locals {\n");
    for i in 0..2000 {
        dups.push_str(&format!(
            "  m{i} = {{ a = 1, a = 2, pad = \"{}\" }}\n",
            "x".repeat(300)
        ));
    }
    dups.push_str("}\n");
    roots(&dir.join("repo"), &[("dups.tf", &dups), ("good.tf", GOOD)]);
    let out = run(&dir, &["check", "repo", "--format", "json"], &[]);
    let v = json(&out);
    assert_eq!(v["errors"][0]["path"], "repo/dups.tf", "{v}");
    assert!(
        v["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("redefined"),
        "{v}"
    );
    assert_eq!(v["findings"][0]["address"], "aws_iam_policy.good");
    std::fs::remove_dir_all(dir).unwrap();
}
