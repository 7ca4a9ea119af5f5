//! The rules of iamlint. A rule sees only the [`Model`](iamlint_model::Model), never HCL, so it
//! works the same on `.tf` files and on plan JSON.
//!
//! Each rule lives in its own file under `rules/<category>/`, declared with [`declare_rule!`]
//! whose doc comment is the rule's documentation, and listed once in [`registry`].

#[macro_use]
mod declare;
mod attached;
pub mod context;
pub mod docs;
pub mod finding;
mod launchers;
pub mod privesc;
pub mod registry;
pub mod rule;
mod rules;
pub mod run;

pub use context::Context;
pub use finding::{Finding, Related};
pub use rule::{Category, Phase, Rule, RuleMeta, Severity};
pub use rules::suspicious::unused_suppression::stale_baseline_entry;
pub use run::{Accounts, Checked, Privesc, Selection, check, check_part, finish, run};
