//! How much one root module's evaluation may build, so that a few hundred bytes of hostile
//! HCL (nested `for` over `range()`, a 1,000-element local copied into every instance) end in
//! a diagnostic within a second instead of gigabytes and minutes.
//!
//! Work is charged where values are made or copied: each `for` iteration, each reference or
//! bound name read (values are copied when read, so a big local read a thousand times costs a
//! thousand copies), each function result and template. Once a budget trips, every later
//! charge fails at once with an error that `try()`, `can()` and the per-element recovery do not
//! catch, so the root stops quickly; the first trip's location becomes the diagnostic.
//!
//! The limits are far above real modules: the public modules measured (terraform-aws-modules,
//! cloudposse, aws-ia blueprints) build at most a few thousand elements per root.

use std::cell::Cell;

use iamlint_model::{Data, Location, Value};

use super::ops::EvalError;

/// Collection elements and scalar values built or copied, per root module.
pub const MAX_ELEMENTS: u64 = 2_000_000;
/// Bytes of string built or copied, per root module.
pub const MAX_STRING_BYTES: u64 = 256 << 20;

/// What one root module's evaluation has spent.
#[derive(Debug, Default)]
pub struct Budget {
    elements: Cell<u64>,
    bytes: Cell<u64>,
    /// Where the budget first ran out, and which limit.
    tripped: Cell<Option<(Option<Location>, &'static str)>>,
}

/// The message of the error a tripped budget raises (also how it is recognised).
pub const EXCEEDED: &str = "evaluation budget exceeded";

impl Budget {
    /// Charges `n` elements.
    pub fn elements(&self, n: u64, loc: Option<Location>) -> Result<(), EvalError> {
        self.charge(&self.elements, n, MAX_ELEMENTS, "collection elements", loc)
    }

    /// Charges `n` string bytes.
    pub fn bytes(&self, n: u64, loc: Option<Location>) -> Result<(), EvalError> {
        self.charge(&self.bytes, n, MAX_STRING_BYTES, "bytes of strings", loc)
    }

    /// Charges a value as copied or built: its nodes and its strings' bytes. Counting stops
    /// once the budget is spent, so the walk costs no more than the budget.
    pub fn value(&self, v: &Value, loc: Option<Location>) -> Result<(), EvalError> {
        let (mut nodes, mut bytes) = (0u64, 0u64);
        let left_nodes = MAX_ELEMENTS.saturating_sub(self.elements.get());
        let left_bytes = MAX_STRING_BYTES.saturating_sub(self.bytes.get());
        let mut stack = vec![v];
        while let Some(v) = stack.pop() {
            nodes += 1;
            match &v.data {
                Data::String(s) => bytes += s.text.len() as u64,
                Data::List(items) => stack.extend(items.iter()),
                Data::Object(entries) => stack.extend(entries.iter().map(|(_, v)| v)),
                _ => {}
            }
            if nodes > left_nodes || bytes > left_bytes {
                break;
            }
        }
        // Scalars are cheap and everywhere: only what a collection or string adds counts.
        self.elements(nodes.saturating_sub(1), loc)?;
        self.bytes(bytes, loc)
    }

    /// Where and why the budget ran out, if it did.
    pub fn tripped(&self) -> Option<(Option<Location>, String)> {
        self.tripped.get().map(|(loc, what)| {
            let limit = match what {
                "collection elements" => MAX_ELEMENTS,
                _ => MAX_STRING_BYTES,
            };
            (
                loc,
                format!(
                    "{EXCEEDED}: this root module builds more than {limit} {what}; iamlint stopped \
                     evaluating it here (the other root modules are still linted)"
                ),
            )
        })
    }

    fn charge(
        &self,
        spent: &Cell<u64>,
        n: u64,
        limit: u64,
        what: &'static str,
        loc: Option<Location>,
    ) -> Result<(), EvalError> {
        if self.tripped.get().is_some() {
            return Err(EvalError::budget(loc));
        }
        let total = spent.get().saturating_add(n);
        spent.set(total);
        if total > limit {
            self.tripped.set(Some((loc, what)));
            return Err(EvalError::budget(loc));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tripped_budget_fails_every_later_charge() {
        let b = Budget::default();
        assert!(b.elements(MAX_ELEMENTS, None).is_ok());
        assert!(b.tripped().is_none());
        let err = b.elements(1, None).unwrap_err();
        assert!(err.fatal);
        assert!(b.bytes(0, None).is_err());
        assert!(b.tripped().unwrap().1.contains("collection elements"));
    }
}
