//! Helpers shared by the binary's tests (each test file uses some of them).
#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// The repository's root: the binary runs there, as in the README.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap()
}

/// A fresh copy of the bundled example's files in a temporary directory of its own, for tests
/// that edit them or write beside them.
pub fn copy_of_example(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("iamlint-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    for file in ["iam.tf", "policies.tf", "variables.tf"] {
        std::fs::copy(root().join("testdata/example").join(file), dir.join(file)).unwrap();
    }
    dir
}
