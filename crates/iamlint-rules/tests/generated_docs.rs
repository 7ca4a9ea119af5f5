//! `rules/*.md`, `rules/README.md` and the rules table in the top-level README are generated
//! from the rules' doc comments. This test fails when they are stale; run it with
//! `IAMLINT_BLESS=1` to rewrite them.

use std::path::{Path, PathBuf};

use iamlint_rules::{docs, registry};

const TABLE_START: &str = "<!-- rules-table:start -->\n";
const TABLE_END: &str = "<!-- rules-table:end -->";

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn bless() -> bool {
    std::env::var_os("IAMLINT_BLESS").is_some()
}

fn check(path: &Path, expected: &str, stale: &mut Vec<String>) {
    let actual = std::fs::read_to_string(path).unwrap_or_default();
    if actual != expected {
        if bless() {
            std::fs::write(path, expected).unwrap();
        } else {
            stale.push(path.display().to_string());
        }
    }
}

#[test]
fn rule_pages_and_tables_are_current() {
    let rules_dir = root().join("rules");
    std::fs::create_dir_all(&rules_dir).unwrap();
    let mut stale = Vec::new();
    for rule in registry::all() {
        let meta = rule.meta();
        check(
            &rules_dir.join(format!("{}.md", meta.name)),
            &docs::page(meta),
            &mut stale,
        );
    }
    check(&rules_dir.join("README.md"), &docs::index(), &mut stale);

    // No page of a rule that no longer exists.
    for entry in std::fs::read_dir(&rules_dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_stem().unwrap().to_string_lossy().to_string();
        if path.extension().is_some_and(|e| e == "md")
            && name != "README"
            && registry::find(&name).is_none()
        {
            stale.push(format!("{} (no such rule)", path.display()));
        }
    }

    let readme_path = root().join("README.md");
    let readme = std::fs::read_to_string(&readme_path).unwrap();
    let (head, rest) = readme
        .split_once(TABLE_START)
        .expect("README has the rules-table:start marker");
    let (_, tail) = rest
        .split_once(TABLE_END)
        .expect("README has the rules-table:end marker");
    let expected = format!(
        "{head}{TABLE_START}{}{TABLE_END}{tail}",
        docs::table("rules/")
    );
    check(&readme_path, &expected, &mut stale);

    assert!(
        stale.is_empty(),
        "stale generated docs (run with IAMLINT_BLESS=1): {stale:?}"
    );
}
