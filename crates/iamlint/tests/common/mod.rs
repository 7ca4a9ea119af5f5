//! Helpers shared by the binary's tests.

use std::path::{Path, PathBuf};

/// The repository's root: the binary runs there, as in the README.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap()
}
