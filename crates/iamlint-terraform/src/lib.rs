//! The Terraform front-end of iamlint: reads `.tf` and `.tf.json` files, evaluates them as
//! Terraform would — variables, locals, functions, `count`/`for_each`, `dynamic` blocks,
//! modules — and builds the [`Model`](iamlint_model::Model) that rules see.

pub mod align;
mod calls;
pub mod confine;
pub mod eval;
pub mod json;
mod known;
pub mod module;
pub mod pitfalls;
pub mod plan;
pub mod policies;
pub mod policy_document;
pub mod suppressions;
pub mod syntax;
pub mod vars;

mod files;

pub use files::{
    LoadOptions, PerRoot, display_path, eval_locals, load_paths, load_paths_with, load_sources,
};
