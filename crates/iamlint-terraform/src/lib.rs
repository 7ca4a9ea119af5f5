//! The Terraform front-end of iamlint: reads `.tf` and `.tf.json` files, evaluates what it can,
//! and builds the [`Model`] that rules see.

pub mod align;
pub mod eval;
pub mod json;
pub mod policies;
pub mod policy_document;
pub mod suppressions;
pub mod syntax;

mod files;

pub use files::{display_path, load_paths, load_sources};
