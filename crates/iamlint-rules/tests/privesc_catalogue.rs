//! The technique catalogue (`rules/privesc/`): every file is built in and valid, and — when a
//! copy of pathfinding.cloud's data is at `../shared/reference/pathfinding-cloud/` — every one
//! of its paths has a file or is listed under "Not yet covered" in the folder's README.

use std::collections::BTreeSet;
use std::path::Path;

use iamlint_rules::privesc::{catalogue, technique};

fn root() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
}

fn ids_in(dir: &Path, ext: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(ids_in(&path, ext));
        } else if let Some(id) = path
            .file_name()
            .and_then(|n| n.to_str())
            .and_then(|n| n.strip_suffix(ext))
        {
            out.insert(id.to_string());
        }
    }
    out
}

#[test]
fn every_file_is_built_in_and_valid() {
    let files = ids_in(&root().join("rules/privesc"), ".toml");
    let built: BTreeSet<String> = catalogue::FILES
        .iter()
        .map(|(id, _)| id.to_string())
        .collect();
    assert_eq!(
        files, built,
        "list each file of rules/privesc in privesc/catalogue.rs"
    );
    for (id, text) in catalogue::FILES {
        technique::parse(id, text).unwrap();
    }
    assert_eq!(technique::all().len(), files.len());
}

#[test]
fn a_broken_file_is_refused_with_its_reason() {
    let cases = [
        (
            "x-1",
            "id = \"x-2\"\ntitle = \"t\"\ncategory = \"new-passrole\"\neffect = \"become\"",
            "not the file's name",
        ),
        (
            "x-1",
            "id = \"x-1\"\ntitle = \"t\"\ncategory = \"elsewhere\"\neffect = \"become\"",
            "unknown category",
        ),
        (
            "x-1",
            "id = \"x-1\"\ntitle = \"t\"\ncategory = \"new-passrole\"\neffect = \"become\"",
            "`[target]`",
        ),
        (
            "x-1",
            "id = \"x-1\"\ntitle = \"t\"\ncategory = \"new-passrole\"\neffect = \"become\"\n[target]\nkind = \"role\"\n[[step]]\naction = \"iam:PassRol\"\nresource = \"*\"",
            "not in the AWS catalogue",
        ),
        (
            "x-1",
            "id = \"x-1\"\ntitle = \"t\"\ncategory = \"new-passrole\"\neffect = \"become\"\n[target]\nkind = \"role\"\n[[step]]\naction = \"iam:PassRole\"\nresource = \"{role.arn}\"",
            "unknown placeholder",
        ),
        (
            "x-1",
            "id = \"x-1\"\ntitle = \"t\"\ncategory = \"new-passrole\"\neffect = \"become\"\ncolour = 1",
            "unknown field",
        ),
    ];
    for (id, text, why) in cases {
        let err = technique::parse(id, text).unwrap_err();
        assert!(err.contains(why), "{err}");
    }
}

#[test]
fn every_pathfinding_path_has_a_file_or_is_listed_as_not_yet_covered() {
    let reference = root().join("../shared/reference/pathfinding-cloud/data/paths");
    if !reference.is_dir() {
        eprintln!("skipped: {} is absent", reference.display());
        return;
    }
    let paths = ids_in(&reference, ".yaml");
    assert_eq!(paths.len(), 65, "pathfinding.cloud's paths");
    let files = ids_in(&root().join("rules/privesc"), ".toml");
    let readme = std::fs::read_to_string(root().join("rules/privesc/README.md")).unwrap();
    let pending_section = readme.split_once("## Not yet covered").unwrap().1;
    let pending: BTreeSet<String> = pending_section
        .split('`')
        .skip(1)
        .step_by(2)
        .filter(|id| paths.contains(*id))
        .map(str::to_string)
        .collect();
    for id in &paths {
        assert!(
            files.contains(id) != pending.contains(id),
            "{id}: a file in rules/privesc, or listed as not yet covered (not both)"
        );
    }
    eprintln!(
        "{} of {} paths covered, {} pending",
        files.intersection(&paths).count(),
        paths.len(),
        pending.len()
    );
}
