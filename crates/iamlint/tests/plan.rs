//! Plan and state JSON end to end: parity with the HCL it came from, findings on the `.tf`
//! lines, standard input, UTF-16, documents that are not plans, and real plans from public
//! projects (`../shared/reference/plans`, read in place; skipped when absent).

use std::collections::BTreeSet;
use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

mod common;
use common::root;

struct Run {
    json: serde_json::Value,
    stdout: String,
    code: i32,
}

fn iamlint(args: &[&str], stdin: Option<&[u8]>) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_iamlint"))
        .args(args)
        .current_dir(root())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("iamlint runs");
    let mut input = child.stdin.take().unwrap();
    input.write_all(stdin.unwrap_or_default()).unwrap();
    drop(input);
    let out = child.wait_with_output().unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    Run {
        json: serde_json::from_str(&stdout).unwrap_or(serde_json::Value::Null),
        stdout,
        code: out.status.code().unwrap_or(-1),
    }
}

fn json_check(args: &[&str], stdin: Option<&[u8]>) -> Run {
    let mut all = vec!["check", "--format", "json", "--fail-on", "never"];
    all.extend(args);
    let run = iamlint(&all, stdin);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert_eq!(run.json["errors"], serde_json::json!([]), "{}", run.stdout);
    run
}

/// (rule, address) of every finding.
fn pairs(run: &Run) -> BTreeSet<(String, String)> {
    run.json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let s = |k: &str| f[k].as_str().unwrap().to_string();
            (s("rule"), s("address"))
        })
        .collect()
}

/// (rule, address, path, line, column) of every finding.
fn placed(run: &Run) -> BTreeSet<(String, String, String, u64, u64)> {
    run.json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let s = |k: &str| f[k].as_str().unwrap().to_string();
            let at = &f["location"];
            (
                s("rule"),
                s("address"),
                at["path"].as_str().unwrap().to_string(),
                at["line"].as_u64().unwrap(),
                at["column"].as_u64().unwrap(),
            )
        })
        .collect()
}

/// Scenarios with a plan twin: `testdata/parity/<name>/plan.json` next to its `.tf` files.
fn scenarios() -> Vec<String> {
    let dir = root().join("testdata/parity");
    let mut out: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.path().join("plan.json").is_file())
        .map(|e| format!("testdata/parity/{}", e.file_name().to_string_lossy()))
        .collect();
    out.sort();
    assert!(!out.is_empty());
    out
}

#[test]
fn plan_and_hcl_report_the_same_findings_at_the_same_tf_places() {
    for dir in scenarios() {
        let hcl = json_check(&[&dir], None);
        let plan_file = format!("{dir}/plan.json");
        let plan = json_check(&[&plan_file, "--config-dir", &dir], None);
        assert!(!pairs(&hcl).is_empty(), "{dir} has findings to compare");
        assert_eq!(pairs(&plan), pairs(&hcl), "{dir}: (rule, address)");
        assert_eq!(placed(&plan), placed(&hcl), "{dir}: on the .tf lines");
    }
}

#[test]
fn without_the_tf_files_findings_point_into_the_plan_and_unknown_policies_are_coverage() {
    for dir in scenarios() {
        let hcl = json_check(&[&dir], None);
        let plan_file = format!("{dir}/plan.json");
        let plan = json_check(&[&plan_file], None);
        for (_, _, path, line, column) in placed(&plan) {
            assert_eq!(path, plan_file);
            assert!(line > 0 && column > 0);
        }
        // What the plan knows only after apply is a coverage note, not a silent pass.
        let noted: BTreeSet<String> = plan.json["coverage"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["address"].as_str().unwrap().to_string())
            .collect();
        let expected: BTreeSet<(String, String)> = pairs(&hcl)
            .into_iter()
            .filter(|(_, address)| !noted.contains(address))
            .collect();
        assert_eq!(pairs(&plan), expected, "{dir}");
        assert!(
            !noted.is_empty(),
            "{dir} covers a policy unknown until apply"
        );
    }
}

#[test]
fn a_plan_on_standard_input_and_a_utf16_plan_read_the_same() {
    let dir = "testdata/parity/ci";
    let bytes = std::fs::read(root().join(dir).join("plan.json")).unwrap();
    let from_file = json_check(&["testdata/parity/ci/plan.json", "--config-dir", dir], None);
    let from_stdin = json_check(&["-", "--config-dir", dir], Some(&bytes));
    assert_eq!(placed(&from_stdin), placed(&from_file));

    let text = String::from_utf8(bytes).unwrap();
    let mut utf16 = vec![0xFF, 0xFE];
    for unit in text.encode_utf16() {
        utf16.extend(unit.to_le_bytes());
    }
    let path = std::env::temp_dir().join(format!("iamlint-utf16-{}.json", std::process::id()));
    std::fs::write(&path, &utf16).unwrap();
    let path_text = path.to_string_lossy().to_string();
    let from_utf16 = json_check(&[&path_text, "--config-dir", dir], None);
    assert_eq!(placed(&from_utf16), placed(&from_file));
    let plain = json_check(&["testdata/parity/ci/plan.json"], None);
    let utf16_plain = json_check(&[&path_text], None);
    let lines =
        |run: &Run| -> Vec<(u64, u64)> { placed(run).into_iter().map(|p| (p.3, p.4)).collect() };
    assert_eq!(lines(&utf16_plain), lines(&plain), "same lines and columns");
    std::fs::remove_file(path).unwrap();
}

#[test]
fn the_graph_of_a_plan_is_the_graph_of_its_configuration() {
    for dir in scenarios() {
        let graph = |args: &[&str]| {
            let mut all = vec!["graph", "--format", "json"];
            all.extend(args);
            let run = iamlint(&all, None);
            assert_eq!(run.code, 0, "{dir}: {}", run.stdout);
            run.stdout
        };
        let plan_file = format!("{dir}/plan.json");
        let from_plan = graph(&[&plan_file, "--config-dir", &dir]);
        assert!(from_plan.contains("\"wears\""), "{dir}: {from_plan}");
        assert_eq!(
            from_plan,
            graph(&[&dir]),
            "{dir}: nodes, edges and their places"
        );
    }
}

#[test]
fn an_attribute_unknown_until_apply_is_placed_at_its_key_in_after_unknown() {
    let plan_file = "testdata/parity/ci/plan.json";
    let run = json_check(&[plan_file], None);
    let mismatch = run.json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "trust-service-mismatch")
        .expect("the worker's task role trusts EC2");
    let at = &mismatch["related"][0]["location"];
    let text = std::fs::read_to_string(root().join(plan_file)).unwrap();
    let line = text
        .lines()
        .nth(at["line"].as_u64().unwrap() as usize - 1)
        .unwrap();
    let from = at["column"].as_u64().unwrap() as usize - 1;
    let to = at["end_column"].as_u64().unwrap() as usize - 1;
    assert_eq!(&line[from..to], "\"task_role_arn\"", "{line}");
}

#[test]
fn json_that_is_not_a_plan_is_a_clear_load_error() {
    let run = iamlint(
        &["check", "-", "--format", "json"],
        Some(b"{\n  \"resource\": {}\n}\n"),
    );
    assert_eq!(run.code, 2);
    let error = &run.json["errors"][0];
    assert_eq!(error["path"], "<stdin>");
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .contains("not a Terraform plan or state"),
        "{}",
        run.stdout
    );
    let broken = iamlint(
        &["check", "-", "--format", "json"],
        Some(b"{\n  \"format_version\": \"1.2\",\n  \"values\": [\n}"),
    );
    assert_eq!(broken.code, 2);
    let error = &broken.json["errors"][0];
    assert_eq!(error["line"], 4, "{}", broken.stdout);
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .starts_with("invalid JSON")
    );
}

#[test]
fn real_plans_from_public_projects_load() {
    let dir = root().join("../shared/reference/plans");
    if !dir.is_dir() {
        eprintln!("skipped: {} is absent", dir.display());
        return;
    }
    let mut files: Vec<PathBuf> = Vec::new();
    for sub in std::fs::read_dir(&dir).unwrap().filter_map(|e| e.ok()) {
        if sub.path().is_dir() {
            files.extend(
                std::fs::read_dir(sub.path())
                    .unwrap()
                    .filter_map(|e| e.ok())
                    .map(|e| e.path())
                    .filter(|p| p.extension().is_some_and(|x| x == "json")),
            );
        }
    }
    files.sort();
    assert!(files.len() >= 20, "{} files", files.len());
    for file in files {
        let path = file.to_string_lossy().to_string();
        let run = iamlint(&["check", &path, "--format", "json"], None);
        assert!(
            run.code == 0 || run.code == 1,
            "{path}: exit {}\n{}",
            run.code,
            run.stdout
        );
        assert_eq!(run.json["errors"], serde_json::json!([]), "{path}");
    }
}

#[test]
fn human_output_of_a_plan_shows_the_plan_and_windows_of_a_minified_one() {
    let run = iamlint(&["check", "testdata/parity/ci/plan.json"], None);
    assert_eq!(run.code, 1);
    insta::assert_snapshot!("plan_human", run.stdout);
    // `terraform show -json` writes one line: findings show the part around them.
    let pretty = std::fs::read_to_string(root().join("testdata/parity/ci/plan.json")).unwrap();
    let value: serde_json::Value = serde_json::from_str(&pretty).unwrap();
    let minified = serde_json::to_string(&value).unwrap();
    let run = iamlint(
        &["check", "-", "--select", "trust-any-principal"],
        Some(minified.as_bytes()),
    );
    assert_eq!(run.code, 1);
    let longest = run.stdout.lines().map(|l| l.chars().count()).max().unwrap();
    assert!(minified.len() > 5_000 && longest < 500, "{}", run.stdout);
    insta::assert_snapshot!("plan_human_minified", run.stdout);
}

#[test]
fn a_state_is_read_from_its_values() {
    let state = r#"{
  "format_version": "1.0",
  "terraform_version": "1.9.8",
  "values": {
    "root_module": {
      "child_modules": [{
        "address": "module.ops",
        "resources": [{
          "address": "module.ops.aws_iam_role_policy_attachment.admin",
          "mode": "managed", "type": "aws_iam_role_policy_attachment", "name": "admin",
          "values": {"role": "ops", "policy_arn": "arn:aws:iam::aws:policy/AdministratorAccess"}
        }]
      }],
      "resources": [{
        "address": "aws_iam_policy.all",
        "mode": "managed", "type": "aws_iam_policy", "name": "all",
        "values": {"name": "all", "policy": "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"}]}"}
      }]
    }
  }
}"#;
    let run = json_check(
        &["-", "--select", "full-admin-access"],
        Some(state.as_bytes()),
    );
    let expected: BTreeSet<(String, String)> = [
        ("full-admin-access", "aws_iam_policy.all"),
        (
            "full-admin-access",
            "module.ops.aws_iam_role_policy_attachment.admin",
        ),
    ]
    .iter()
    .map(|(r, a)| (r.to_string(), a.to_string()))
    .collect();
    assert_eq!(pairs(&run), expected);
}

/// What `terraform show -json` prints before the first apply: a valid state with nothing in
/// it, not a load error. A document with `format_version` alone is still not a state.
#[test]
fn an_empty_state_is_a_clean_state() {
    let args = [
        "check",
        "-",
        "--format",
        "json",
        "--config-dir",
        "/nonexistent",
    ];
    let empty = br#"{"format_version":"1.0","terraform_version":"1.9.0"}"#;
    let run = iamlint(&args, Some(empty));
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert_eq!(run.json["errors"], serde_json::json!([]));
    let bare = br#"{"format_version":"1.0"}"#;
    let run = iamlint(&args, Some(bare));
    assert_eq!(run.code, 2, "{}", run.stdout);
}

/// The provider orders a role's `inline_policy` blocks its own way: each plan policy is placed
/// on the `.tf` block that says what it says, not on the block at its position (#13.9).
#[test]
fn each_inline_policy_of_a_plan_finds_its_own_block() {
    let dir = "testdata/plans/inline-policies";
    let hcl = json_check(&[dir], None);
    let plan = json_check(&[&format!("{dir}/plan.json"), "--config-dir", dir], None);
    let wildcard: Vec<_> = placed(&plan)
        .into_iter()
        .filter(|(rule, ..)| rule == "service-wildcard-action")
        .collect();
    assert_eq!(wildcard.len(), 1, "{wildcard:?}");
    // The `ec2:*` block is the first in `.tf` and the second in the plan.
    assert_eq!(wildcard[0].3, 11, "{wildcard:?}");
    assert_eq!(placed(&plan), placed(&hcl));
}
