//! How much one root module's evaluation may build, so that a few hundred bytes of hostile
//! HCL (nested `for` over `range()`, a 1,000-element local copied into every instance) end in
//! a diagnostic within a second instead of gigabytes and minutes.
//!
//! Work is charged where values are made or copied: each `for` iteration, each reference or
//! bound name read (values are copied when read, so a big local read a thousand times costs a
//! thousand copies), each function result and template. When a budget trips, the charge fails
//! with an error that `try()`, `can()` and the per-element recovery do not catch, so the
//! outermost expression being evaluated fails fast, becomes unknown, and its location becomes
//! the diagnostic. What it built is dropped, so its cost is refunded and the root's other
//! expressions are still evaluated (one hostile attribute does not blind the rest of its
//! module) — but after [`MAX_TRIPS`] trips the budget stays spent and everything left in the
//! root fails at once, so the work of a root stays within a few times the limits.
//!
//! The limits are far above real modules: the public modules measured (terraform-aws-modules,
//! cloudposse, aws-ia blueprints) build at most a few thousand elements per root.

use std::cell::{Cell, RefCell};

use iamlint_model::{Data, Location, Value};

use super::ops::EvalError;

/// Collection elements and scalar values built or copied, per root module.
pub const MAX_ELEMENTS: u64 = 1_000_000;
/// Bytes of string built or copied, per root module.
pub const MAX_STRING_BYTES: u64 = 128 << 20;

/// Expressions that may exhaust the budget (each refunded) before the root gives up.
pub const MAX_TRIPS: usize = 3;

/// What one root module's evaluation has spent.
#[derive(Debug, Default)]
pub struct Budget {
    elements: Cell<u64>,
    bytes: Cell<u64>,
    /// How many evaluations are under way inside each other, and what had been spent when the
    /// outermost began (refunded if it trips).
    depth: Cell<usize>,
    spent_before: Cell<(u64, u64)>,
    /// The outermost evaluation under way has tripped: every charge fails until it ends.
    tripping: Cell<bool>,
    /// Where the budget ran out, and which limit, in order.
    trips: RefCell<Vec<(Option<Location>, &'static str)>>,
}

/// The message of the error a tripped budget raises (also how it is recognised).
pub const EXCEEDED: &str = "evaluation budget exceeded";

impl Budget {
    /// An evaluation begins (possibly inside another).
    pub fn enter(&self) {
        if self.depth.get() == 0 {
            self.spent_before
                .set((self.elements.get(), self.bytes.get()));
        }
        self.depth.set(self.depth.get() + 1);
    }

    /// An evaluation ends. When the outermost one tripped, what it built is gone: refund it,
    /// unless the root has tripped too often.
    pub fn leave(&self) {
        let depth = self.depth.get().saturating_sub(1);
        self.depth.set(depth);
        if depth == 0 && self.tripping.get() && self.trips.borrow().len() < MAX_TRIPS {
            let (elements, bytes) = self.spent_before.get();
            self.elements.set(elements);
            self.bytes.set(bytes);
            self.tripping.set(false);
        }
    }

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

    /// Where and why the budget ran out, each time it did.
    pub fn trips(&self) -> Vec<(Option<Location>, String)> {
        self.trips
            .borrow()
            .iter()
            .map(|&(loc, what)| {
                let limit = match what {
                    "collection elements" => MAX_ELEMENTS,
                    _ => MAX_STRING_BYTES,
                };
                (
                    loc,
                    format!(
                        "{EXCEEDED}: this expression builds more than {limit} {what}; iamlint \
                         stopped evaluating it here"
                    ),
                )
            })
            .collect()
    }

    fn charge(
        &self,
        spent: &Cell<u64>,
        n: u64,
        limit: u64,
        what: &'static str,
        loc: Option<Location>,
    ) -> Result<(), EvalError> {
        if self.tripping.get() {
            return Err(EvalError::budget(loc));
        }
        let total = spent.get().saturating_add(n);
        spent.set(total);
        if total > limit {
            self.tripping.set(true);
            self.trips.borrow_mut().push((loc, what));
            return Err(EvalError::budget(loc));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_trip_fails_the_outermost_evaluation_and_is_refunded() {
        let b = Budget::default();
        b.enter();
        assert!(b.elements(10, None).is_ok());
        b.leave();
        b.enter();
        b.enter();
        assert!(b.elements(MAX_ELEMENTS, None).unwrap_err().fatal);
        // Everything fails until the outermost evaluation ends.
        assert!(b.bytes(0, None).is_err());
        b.leave();
        assert!(b.bytes(0, None).is_err());
        b.leave();
        // Refunded: the next expression has what the first left.
        b.enter();
        assert!(b.elements(MAX_ELEMENTS - 10, None).is_ok());
        b.leave();
        assert_eq!(b.trips().len(), 1);
        assert!(b.trips()[0].1.contains("collection elements"));
    }

    #[test]
    fn after_max_trips_the_budget_stays_spent() {
        let b = Budget::default();
        for _ in 0..MAX_TRIPS {
            b.enter();
            assert!(b.bytes(MAX_STRING_BYTES + 1, None).is_err());
            b.leave();
        }
        b.enter();
        assert!(b.elements(0, None).is_err());
        b.leave();
        assert_eq!(b.trips().len(), MAX_TRIPS);
    }
}
